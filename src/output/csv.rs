//! CSV exporters: `timeseries.csv`, `scaling.csv` and `partitions.csv`, and the one CSV
//! writer every table of the crate (the sweep's included) is written with.
//!
//! The columns, their order and their decimals come from [`crate::output::columns`]. An
//! empty cell means "no value" (for example no record was committed in the interval, so
//! it has no latency percentile).

use crate::metrics::{SampleRow, ScalingRecord};
use crate::output::columns::{self, Column, scaling::SCALING, timeseries::TIMESERIES};

/// A CSV file being written in memory: `\n` line ends, and fields that hold a comma, a
/// quote or a line break quoted (inner quotes doubled).
#[derive(Debug)]
pub struct CsvWriter {
    bytes: Vec<u8>,
}

impl CsvWriter {
    /// A file that starts with the `header` row.
    pub fn new<S: AsRef<str>>(header: &[S]) -> Self {
        let mut csv = CsvWriter { bytes: Vec::new() };
        csv.row(header);
        csv
    }

    /// Appends one row.
    pub fn row<S: AsRef<str>>(&mut self, fields: &[S]) {
        push_row(&mut self.bytes, fields);
    }

    /// The file's contents.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// Appends one CSV row (fields quoted as [`CsvWriter`] says) to `bytes`.
pub fn push_row<S: AsRef<str>>(bytes: &mut Vec<u8>, fields: &[S]) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            bytes.push(b',');
        }
        let field = field.as_ref();
        if field.contains([',', '"', '\n', '\r']) {
            bytes.push(b'"');
            bytes.extend(field.replace('"', "\"\"").bytes());
            bytes.push(b'"');
        } else {
            bytes.extend(field.bytes());
        }
    }
    bytes.push(b'\n');
}

/// A table with one row per item of `rows` and one column per entry of `columns`.
fn table<R>(columns: &[&Column<R>], rows: &[R]) -> Vec<u8> {
    let mut csv = CsvWriter::new(&columns::names(columns));
    for row in rows {
        let cells: Vec<String> = columns.iter().map(|c| c.cell(row)).collect();
        csv.row(&cells);
    }
    csv.into_bytes()
}

/// `timeseries.csv`: one row per sample interval.
pub fn timeseries(rows: &[SampleRow]) -> Vec<u8> {
    let mut bytes = timeseries_header();
    rows.iter().for_each(|row| timeseries_row(&mut bytes, row));
    bytes
}

/// The header line of `timeseries.csv`.
pub fn timeseries_header() -> Vec<u8> {
    CsvWriter::new(&columns::names(&TIMESERIES)).into_bytes()
}

/// Appends the line of `row` in `timeseries.csv` to `bytes`.
pub fn timeseries_row(bytes: &mut Vec<u8>, row: &SampleRow) {
    let cells: Vec<String> = TIMESERIES.iter().map(|c| c.cell(row)).collect();
    push_row(bytes, &cells);
}

/// `scaling.csv`: one row per scaler evaluation.
pub fn scaling(records: &[ScalingRecord]) -> Vec<u8> {
    table(&SCALING, records)
}

/// `partitions.csv`: `time_s` then the lag of each partition (`p0`, `p1`, ...).
pub fn partitions(rows: &[SampleRow]) -> Vec<u8> {
    let mut bytes = partitions_header(rows.first());
    rows.iter().for_each(|row| partitions_row(&mut bytes, row));
    bytes
}

/// The header line of `partitions.csv`, with as many partition columns as `first` (the
/// first row) has lags: none when there is no row.
pub fn partitions_header(first: Option<&SampleRow>) -> Vec<u8> {
    let count = first
        .and_then(|r| r.partition_lags.as_ref())
        .map_or(0, Vec::len);
    let mut header = vec![columns::timeseries::TIME_S.name.to_string()];
    header.extend((0..count).map(|p| format!("p{p}")));
    CsvWriter::new(&header).into_bytes()
}

/// Appends the line of `row` in `partitions.csv` to `bytes`.
pub fn partitions_row(bytes: &mut Vec<u8>, row: &SampleRow) {
    let mut cells = vec![columns::timeseries::TIME_S.cell(row)];
    cells.extend(row.partition_lags.iter().flatten().map(u64::to_string));
    push_row(bytes, &cells);
}
