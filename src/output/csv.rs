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
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                self.bytes.push(b',');
            }
            let field = field.as_ref();
            if field.contains([',', '"', '\n', '\r']) {
                self.bytes.push(b'"');
                self.bytes.extend(field.replace('"', "\"\"").bytes());
                self.bytes.push(b'"');
            } else {
                self.bytes.extend(field.bytes());
            }
        }
        self.bytes.push(b'\n');
    }

    /// The file's contents.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
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
    table(&TIMESERIES, rows)
}

/// `scaling.csv`: one row per scaler evaluation.
pub fn scaling(records: &[ScalingRecord]) -> Vec<u8> {
    table(&SCALING, records)
}

/// `partitions.csv`: `time_s` then the lag of each partition (`p0`, `p1`, ...).
pub fn partitions(rows: &[SampleRow]) -> Vec<u8> {
    let time = &columns::timeseries::TIME_S;
    let count = rows
        .first()
        .and_then(|r| r.partition_lags.as_ref())
        .map_or(0, Vec::len);
    let mut header = vec![time.name.to_string()];
    header.extend((0..count).map(|p| format!("p{p}")));
    let mut csv = CsvWriter::new(&header);
    for row in rows {
        let mut cells = vec![time.cell(row)];
        cells.extend(row.partition_lags.iter().flatten().map(u64::to_string));
        csv.row(&cells);
    }
    csv.into_bytes()
}
