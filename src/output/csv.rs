//! CSV exporters: `timeseries.csv`, `scaling.csv` and `partitions.csv`, and the one CSV
//! writer every table of the crate (the sweep's included) is written with.
//!
//! The columns, their order and their decimals come from [`crate::output::columns`]. An
//! empty cell means "no value" (for example no record was committed in the interval, so
//! it has no latency percentile).

use crate::engine::time::SimTime;
use crate::metrics::{SampleRow, ScalingRecord};
use crate::output::columns::{self, Column, scaling::SCALING, timeseries::TIMESERIES};
use crate::scenario::clock::Clock;

/// The name of the wall-clock column that follows `time_s` when `start_at` is set.
pub const TIME: &str = "time";

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

/// A table with one row per item of `rows` and one column per entry of `columns`
/// (the first is `time_s`); with a clock, the `time` column (the wall clock at `time_of`
/// the row) follows the first.
fn table<R>(
    columns: &[&Column<R>],
    rows: &[R],
    clock: Option<&Clock>,
    time_of: fn(&R) -> SimTime,
) -> Vec<u8> {
    let mut header = columns::names(columns);
    if clock.is_some() {
        header.insert(1, TIME);
    }
    let mut csv = CsvWriter::new(&header);
    for row in rows {
        let mut cells: Vec<String> = columns.iter().map(|c| c.cell(row)).collect();
        if let Some(clock) = clock {
            cells.insert(1, clock.format(time_of(row)));
        }
        csv.row(&cells);
    }
    csv.into_bytes()
}

/// `timeseries.csv`: one row per sample interval.
pub fn timeseries(rows: &[SampleRow], clock: Option<&Clock>) -> Vec<u8> {
    table(&TIMESERIES, rows, clock, |r| r.time)
}

/// `scaling.csv`: one row per scaler evaluation.
pub fn scaling(records: &[ScalingRecord], clock: Option<&Clock>) -> Vec<u8> {
    table(&SCALING, records, clock, |r| r.time)
}

/// `partitions.csv`: `time_s` (and `time` with a clock) then the lag of each partition
/// (`p0`, `p1`, ...).
pub fn partitions(rows: &[SampleRow], clock: Option<&Clock>) -> Vec<u8> {
    let time = &columns::timeseries::TIME_S;
    let count = rows
        .first()
        .and_then(|r| r.partition_lags.as_ref())
        .map_or(0, Vec::len);
    let mut header = vec![time.name.to_string()];
    if clock.is_some() {
        header.push(TIME.to_string());
    }
    header.extend((0..count).map(|p| format!("p{p}")));
    let mut csv = CsvWriter::new(&header);
    for row in rows {
        let mut cells = vec![time.cell(row)];
        if let Some(clock) = clock {
            cells.push(clock.format(row.time));
        }
        cells.extend(row.partition_lags.iter().flatten().map(u64::to_string));
        csv.row(&cells);
    }
    csv.into_bytes()
}
