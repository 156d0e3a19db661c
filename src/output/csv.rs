//! CSV exporters: `timeseries.csv`, `scaling.csv` and `partitions.csv`, and the one CSV
//! writer every table of the crate (the sweep's included) is written with.
//!
//! The columns, their order and their decimals come from [`crate::output::columns`]. An
//! empty cell means "no value" (for example no record was committed in the interval, so
//! it has no latency percentile).

use crate::engine::time::SimTime;
use crate::metrics::{SampleRow, ScalingRecord};
use crate::output::columns::{self, Column, Value, scaling::SCALING, timeseries::TIMESERIES};
use crate::scenario::clock::Clock;

/// The name of the wall-clock column that follows `time_s` when `start_at` is set.
pub const TIME: &str = "time";

/// Appends one CSV record to `out`: fields separated by commas, a `\n` line end, and
/// fields that hold a comma, a quote or a line break quoted (inner quotes doubled).
pub fn write_record<S: AsRef<str>>(out: &mut Vec<u8>, fields: &[S]) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_field(out, field.as_ref());
    }
    out.push(b'\n');
}

/// Appends `value` as its cell ([`Value::cell`]), quoted as [`write_record`] quotes,
/// formatted straight into `out`: a row of numbers costs no allocation.
fn write_value(out: &mut Vec<u8>, value: Value<'_>, decimals: Option<usize>) {
    use std::io::Write as _;
    // Writing into a Vec<u8> cannot fail.
    let _ = match value {
        Value::Int(v) => write!(out, "{v}"),
        Value::Real(v) => match decimals {
            Some(decimals) => write!(out, "{v:.decimals$}"),
            None => write!(out, "{v}"),
        },
        Value::Text(text) => {
            write_field(out, text);
            Ok(())
        }
        Value::Missing => Ok(()),
    };
}

/// Appends one field, quoted when it holds a comma, a quote or a line break.
fn write_field(out: &mut Vec<u8>, field: &str) {
    if field.contains([',', '"', '\n', '\r']) {
        out.push(b'"');
        out.extend(field.replace('"', "\"\"").bytes());
        out.push(b'"');
    } else {
        out.extend(field.bytes());
    }
}

/// A CSV file being written in memory, record by record (see [`write_record`]).
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
        write_record(&mut self.bytes, fields);
    }

    /// The file's contents.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// The header of a table with one column per entry of `columns` (the first is
/// `time_s`); with a clock, `time` follows the first.
fn table_header<R>(columns: &[&Column<R>], clock: Option<&Clock>) -> Vec<u8> {
    let mut header = columns::names(columns);
    if clock.is_some() {
        header.insert(1, TIME);
    }
    let mut out = Vec::new();
    write_record(&mut out, &header);
    out
}

/// Appends the row of `row` to a table of `columns`; with a clock, the wall clock at
/// `time` follows the first cell.
fn table_row<R>(
    out: &mut Vec<u8>,
    columns: &[&Column<R>],
    row: &R,
    clock: Option<&Clock>,
    time: SimTime,
) {
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_value(out, column.of(row), column.decimals);
        if i == 0
            && let Some(clock) = clock
        {
            out.push(b',');
            write_field(out, &clock.format(time));
        }
    }
    out.push(b'\n');
}

/// A table with one row per item of `rows` (see [`table_header`] and [`table_row`]).
fn table<R>(
    columns: &[&Column<R>],
    rows: &[R],
    clock: Option<&Clock>,
    time_of: fn(&R) -> SimTime,
) -> Vec<u8> {
    let mut out = table_header(columns, clock);
    for row in rows {
        table_row(&mut out, columns, row, clock, time_of(row));
    }
    out
}

/// `timeseries.csv`: one row per sample interval.
pub fn timeseries(rows: &[SampleRow], clock: Option<&Clock>) -> Vec<u8> {
    table(&TIMESERIES, rows, clock, |r| r.time)
}

/// The header line of `timeseries.csv`.
pub fn timeseries_header(clock: Option<&Clock>) -> Vec<u8> {
    table_header(&TIMESERIES, clock)
}

/// Appends the line of `row` to `timeseries.csv` being written in `out`; the header
/// and these lines, in order, are the bytes of [`timeseries`].
pub fn timeseries_row(out: &mut Vec<u8>, row: &SampleRow, clock: Option<&Clock>) {
    table_row(out, &TIMESERIES, row, clock, row.time);
}

/// `scaling.csv`: one row per scaler evaluation.
pub fn scaling(records: &[ScalingRecord], clock: Option<&Clock>) -> Vec<u8> {
    table(&SCALING, records, clock, |r| r.time)
}

/// `partitions.csv`: `time_s` (and `time` with a clock) then the lag of each partition
/// (`p0`, `p1`, ...).
pub fn partitions(rows: &[SampleRow], clock: Option<&Clock>) -> Vec<u8> {
    let mut out = partitions_header(rows.first(), clock);
    for row in rows {
        partitions_row(&mut out, row, clock);
    }
    out
}

/// The header line of `partitions.csv`, whose partition count is read off its `first`
/// row (none without rows).
pub fn partitions_header(first: Option<&SampleRow>, clock: Option<&Clock>) -> Vec<u8> {
    let count = first
        .and_then(|r| r.partition_lags.as_ref())
        .map_or(0, Vec::len);
    let mut header = vec![columns::timeseries::TIME_S.name.to_string()];
    if clock.is_some() {
        header.push(TIME.to_string());
    }
    header.extend((0..count).map(|p| format!("p{p}")));
    let mut out = Vec::new();
    write_record(&mut out, &header);
    out
}

/// Appends the line of `row` to `partitions.csv` being written in `out`.
pub fn partitions_row(out: &mut Vec<u8>, row: &SampleRow, clock: Option<&Clock>) {
    let time = &columns::timeseries::TIME_S;
    write_value(out, time.of(row), time.decimals);
    if let Some(clock) = clock {
        out.push(b',');
        write_field(out, &clock.format(row.time));
    }
    for &lag in row.partition_lags.iter().flatten() {
        out.push(b',');
        write_value(out, Value::Int(lag), None);
    }
    out.push(b'\n');
}
