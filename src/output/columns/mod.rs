//! The registry of output columns: every column of `timeseries.csv` and `scaling.csv` and
//! every field of `summary.json`, each with its name, unit, kind, decimals, doc string and
//! the accessor that reads it from a [`SampleRow`](crate::metrics::SampleRow),
//! [`ScalingRecord`](crate::metrics::ScalingRecord) or [`Summary`](crate::metrics::Summary).
//!
//! The CSV writer, `summary.json`, the chart input, the sweep tables and the sweep journal
//! all read names, order and number formats from here, so adding a column is one entry in
//! [`timeseries`], [`scaling`] or [`summary`] (plus the field that feeds it).

pub mod scaling;
pub mod summary;
pub mod timeseries;

/// What a column's numbers are measured in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Seconds.
    Seconds,
    /// Kafka records.
    Records,
    /// Kafka records per second.
    RecordsPerSecond,
    /// A count of things named by the column (pollers, invocations, errors, ...).
    Count,
    /// Events per second, e.g. invocations per second.
    PerSecond,
    /// GB-seconds of function duration.
    GbSeconds,
    /// Event Poller Units (provisioned mode).
    Epu,
    /// Event Poller Unit-hours (provisioned mode).
    EpuHours,
    /// US dollars.
    Usd,
    /// Bytes per second.
    BytesPerSecond,
    /// A share of a limit or of time, 0 to 1.
    Share,
    /// Text, not a number.
    Text,
}

impl Unit {
    /// The short symbol for axis labels and report tables (empty for plain counts).
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Seconds => "s",
            Unit::Records => "records",
            Unit::RecordsPerSecond => "records/s",
            Unit::Count | Unit::Text => "",
            Unit::PerSecond => "1/s",
            Unit::GbSeconds => "GB-s",
            Unit::Epu => "EPU",
            Unit::EpuHours => "EPU-h",
            Unit::Usd => "USD",
            Unit::BytesPerSecond => "B/s",
            Unit::Share => "share",
        }
    }
}

/// How a column's value relates to time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The row's own time.
    Time,
    /// The state at the row's time (lag, pollers, ...).
    Gauge,
    /// An amount over the row's interval divided by its width.
    Rate,
    /// A running total since the start of the run.
    Counter,
    /// Counted or aggregated over the row's interval (errors, mean, percentiles), or over
    /// the whole run for a summary metric.
    Interval,
    /// A label or identifier, not a measurement.
    Label,
}

/// One value of a column.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    /// A whole number, written as is.
    Int(u64),
    /// A fractional number, written with the column's decimals.
    Real(f64),
    /// Text.
    Text(&'a str),
    /// No value: an empty CSV cell, `null` in JSON.
    Missing,
}

impl Value<'_> {
    /// The value as a number (`None` for text and missing values).
    pub fn as_f64(self) -> Option<f64> {
        match self {
            Value::Int(v) => Some(v as f64),
            Value::Real(v) => Some(v),
            Value::Text(_) | Value::Missing => None,
        }
    }

    /// The value as a CSV cell: fractional numbers with `decimals` fixed decimals (`None`:
    /// the shortest form that reads back to the same number), nothing when missing.
    pub fn cell(self, decimals: Option<usize>) -> String {
        match self {
            Value::Int(v) => v.to_string(),
            Value::Real(v) => match decimals {
                Some(decimals) => format!("{v:.decimals$}"),
                None => v.to_string(),
            },
            Value::Text(text) => text.to_string(),
            Value::Missing => String::new(),
        }
    }
}

impl From<Option<f64>> for Value<'_> {
    fn from(value: Option<f64>) -> Self {
        value.map_or(Value::Missing, Value::Real)
    }
}

/// One output column of rows of type `R`.
pub struct Column<R: 'static> {
    /// Header name in CSV files, key in JSON files.
    pub name: &'static str,
    /// What the numbers are measured in.
    pub unit: Unit,
    /// How the value relates to time.
    pub kind: Kind,
    /// Whether the value can be missing (an empty cell, `null`).
    pub optional: bool,
    /// Decimals of a fractional value: fixed (`Some`), or the shortest form that reads
    /// back to the same number (`None`). Whole numbers are written as they are.
    pub decimals: Option<usize>,
    /// What the column holds, in a sentence.
    pub doc: &'static str,
    /// Reads the column's value from a row.
    pub value: for<'a> fn(&'a R) -> Value<'a>,
}

impl<R> Column<R> {
    /// The value of this column in `row`.
    pub fn of<'a>(&self, row: &'a R) -> Value<'a> {
        (self.value)(row)
    }

    /// The value of this column in `row` as a number, if it is one.
    pub fn number(&self, row: &R) -> Option<f64> {
        self.of(row).as_f64()
    }

    /// The CSV cell of this column in `row`.
    pub fn cell(&self, row: &R) -> String {
        self.of(row).cell(self.decimals)
    }
}

/// The names of `columns`, in order.
pub fn names<R>(columns: &[&Column<R>]) -> Vec<&'static str> {
    columns.iter().map(|c| c.name).collect()
}

/// The column of `columns` named `name`.
pub fn find<R>(columns: &[&'static Column<R>], name: &str) -> Option<&'static Column<R>> {
    columns.iter().copied().find(|c| c.name == name)
}

#[cfg(test)]
mod tests;
