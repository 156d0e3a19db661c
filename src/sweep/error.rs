//! The error type of sweeps: a bad sweep file, an unusable output folder, shards that do
//! not fit together. Every message names the field or file, the value and what is allowed.

use std::path::PathBuf;

use crate::executor::StartError;
use crate::output::write::WriteError;
use crate::scenario::ScenarioError;

/// Everything that stops a sweep or a merge as a whole (a failing variant does not: it is
/// recorded in `sweep.csv` with its error).
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// A file could not be read, or a folder not created.
    #[error("cannot access {}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },

    /// The sweep file is not valid YAML or has a value of the wrong type.
    #[error("{}: {message}", path.display())]
    Yaml {
        /// The sweep file.
        path: PathBuf,
        /// The parser's message, with the line.
        message: String,
    },

    /// A field of the sweep file has a value that is not allowed.
    #[error("sweep file: `{field}` is {value}, but it must be {allowed}")]
    Invalid {
        /// Dotted path of the field, e.g. `random.ranges.function.memory`.
        field: String,
        /// The value as written.
        value: String,
        /// What is allowed.
        allowed: String,
    },

    /// The lists under `zip` do not all have the same length.
    #[error(
        "sweep file: the lists under `zip` must have the same length, but `zip.{key}` has {len} values and `zip.{first_key}` has {first_len}"
    )]
    ZipLength {
        /// The first key whose length differs.
        key: String,
        /// Its length.
        len: usize,
        /// The first key under `zip`.
        first_key: String,
        /// Its length.
        first_len: usize,
    },

    /// A parameter value cannot be applied to the base scenario at all (unknown path,
    /// wrong type); values that apply but fail the scenario's range checks are per-variant
    /// errors instead.
    #[error(
        "sweep file: `{field}` value `{value}` cannot be applied to the base scenario: {source}"
    )]
    Parameter {
        /// Where the parameter is, e.g. `grid.topic.partition`.
        field: String,
        /// The value tried.
        value: String,
        /// The scenario's error, which lists the valid keys.
        #[source]
        source: Box<ScenarioError>,
    },

    /// The base scenario does not load.
    #[error("sweep file: the base scenario does not load: {0}")]
    Base(#[source] Box<ScenarioError>),

    /// An output file could not be written.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// The runs kept with `--keep-runs` would write more than the limits allow.
    #[error(
        "the kept runs' outputs would be too large: {estimate}. Keep no runs (drop --keep-runs), sample less often (`sample_interval: 1s` in the base scenario), turn partitions.csv off (`outputs.partitions_csv: false`), shorten the runs, or pass --allow-large"
    )]
    TooLarge {
        /// The estimate, as text.
        estimate: String,
    },

    /// A journal or plan file written by an earlier sweep cannot be read.
    #[error("{}: {message}", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },

    /// A comparison chart could not be drawn.
    #[error("cannot draw the {chart} chart: {message}")]
    Chart {
        /// The chart, e.g. `pareto`.
        chart: String,
        /// What went wrong.
        message: String,
    },

    /// The worker threads could not be started.
    #[error(transparent)]
    Threads(#[from] StartError),

    /// The folders given to `esmsim merge` are not the shards of one complete sweep.
    #[error("cannot merge: {0}")]
    Merge(String),
}

impl SweepError {
    /// A [`SweepError::Invalid`] from displayable parts.
    pub(crate) fn invalid(
        field: impl Into<String>,
        value: impl std::fmt::Display,
        allowed: impl Into<String>,
    ) -> Self {
        SweepError::Invalid {
            field: field.into(),
            value: value.to_string(),
            allowed: allowed.into(),
        }
    }

    /// A [`SweepError::Io`] for `path`.
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| SweepError::Io { path, source }
    }
}
