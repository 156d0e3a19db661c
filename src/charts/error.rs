//! The error type of the charts module: what went wrong while reading a run's outputs
//! or drawing its charts, worded so the user knows what to fix.

use std::path::PathBuf;

/// Everything that can go wrong while loading a run's files or rendering its charts.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// A file the charts need is not in the run directory.
    #[error("{path} not found: is this the output directory of `esmsim run`?")]
    MissingFile {
        /// The path that was looked for.
        path: PathBuf,
    },

    /// A file exists but could not be read or written.
    #[error("cannot access {path}: {source}")]
    Io {
        /// The file being read or written.
        path: PathBuf,
        /// The underlying IO error.
        #[source]
        source: std::io::Error,
    },

    /// A CSV file lacks a column the charts need.
    #[error("{file} has no column `{column}` (its header must name it)")]
    MissingColumn {
        /// The file, e.g. `timeseries.csv`.
        file: &'static str,
        /// The missing column.
        column: &'static str,
    },

    /// A CSV file could not be parsed at all (bad quoting, unequal row lengths, ...).
    #[error("cannot parse {file}: {source}")]
    Csv {
        /// The file, e.g. `scaling.csv`.
        file: &'static str,
        /// The underlying CSV error.
        #[source]
        source: csv::Error,
    },

    /// A cell holds something that is not what its column allows.
    #[error("{file} line {line}, column `{column}`: {value:?} is not {expected}")]
    BadValue {
        /// The file, e.g. `timeseries.csv`.
        file: &'static str,
        /// 1-based line number in the file (the header is line 1).
        line: u64,
        /// The column of the cell.
        column: &'static str,
        /// The cell's text.
        value: String,
        /// What the column allows, e.g. "a number".
        expected: &'static str,
    },

    /// `time_s` must increase from one row to the next.
    #[error("{file} line {line}: time_s {time_s} is not after the previous row's {previous}")]
    TimeNotIncreasing {
        /// The file, e.g. `timeseries.csv`.
        file: &'static str,
        /// 1-based line number in the file.
        line: u64,
        /// This row's time.
        time_s: f64,
        /// The previous row's time.
        previous: f64,
    },

    /// A JSON file could not be parsed.
    #[error("cannot parse {file}: {source}")]
    Json {
        /// The file, e.g. `manifest.json`.
        file: &'static str,
        /// The underlying JSON error.
        #[source]
        source: serde_json::Error,
    },

    /// A JSON file parsed but a field has the wrong shape.
    #[error("{file}: field `{field}` {problem}")]
    BadField {
        /// The file, e.g. `manifest.json`.
        file: &'static str,
        /// The field path, e.g. `scenario.slo.max_age`.
        field: &'static str,
        /// What is wrong with it.
        problem: String,
    },

    /// `timeseries.csv` has no rows, so there is nothing to draw.
    #[error("timeseries.csv has no rows: nothing to plot")]
    NoSamples,

    /// The `--from`/`--to` window is empty or holds no sample.
    #[error(
        "no sample between {from_s} s and {to_s} s: widen --from/--to (the run covers {first_s} s to {last_s} s)"
    )]
    EmptyWindow {
        /// Start of the requested window, seconds.
        from_s: f64,
        /// End of the requested window, seconds.
        to_s: f64,
        /// First sample time in the run.
        first_s: f64,
        /// Last sample time in the run.
        last_s: f64,
    },

    /// A chart size that is not `WIDTHxHEIGHT` within the allowed range.
    #[error(
        "invalid chart size {given:?}: expected WIDTHxHEIGHT in pixels, e.g. 1200x600, each side from {min} to {max}"
    )]
    BadSize {
        /// What the user gave.
        given: String,
        /// Smallest allowed side.
        min: u32,
        /// Largest allowed side.
        max: u32,
    },

    /// A `--from`/`--to` value that is neither seconds nor a duration.
    #[error("invalid time {given:?}: expected seconds (e.g. 90) or a duration (e.g. 30m, 1h 30m)")]
    BadTime {
        /// What the user gave.
        given: String,
    },

    /// plotters failed while drawing.
    #[error("drawing {chart} failed: {message}")]
    Draw {
        /// The chart being drawn, e.g. `lag.png`.
        chart: String,
        /// plotters' message.
        message: String,
    },

    /// Encoding the PNG failed.
    #[error("encoding {chart} as PNG failed: {message}")]
    Png {
        /// The chart being encoded.
        chart: String,
        /// The encoder's message.
        message: String,
    },

    /// The bundled font could not be loaded (a build problem, not a user error).
    #[error("the bundled DejaVu Sans font could not be loaded")]
    Font,
}
