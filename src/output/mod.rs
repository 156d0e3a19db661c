//! Exporters: pure functions from a run's results to file contents.
//!
//! Nothing here touches the file system except [`mod@write`], which writes each file
//! atomically (temporary file in the target folder, then rename), so an interrupted run
//! never leaves a half-written file behind. What each column and field of the files is
//! (name, unit, decimals, how it is read from the results) is listed once, in [`columns`].

pub mod columns;
pub mod csv;
pub mod estimate;
pub mod json;
pub mod stream;
pub mod write;

use crate::scenario::Scenario;
use crate::sim::RunResult;

/// File name of the time series, one row per sample interval.
pub const TIMESERIES_CSV: &str = "timeseries.csv";
/// File name of the scaler's decisions, one row per evaluation.
pub const SCALING_CSV: &str = "scaling.csv";
/// File name of the end-of-run summary.
pub const SUMMARY_JSON: &str = "summary.json";
/// File name of the manifest: tool, seed and the resolved scenario.
pub const MANIFEST_JSON: &str = "manifest.json";
/// File name of the per-partition lag, when enabled.
pub const PARTITIONS_CSV: &str = "partitions.csv";

/// One output file: its name inside the output folder and its contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// File name, e.g. `timeseries.csv`.
    pub name: String,
    /// File contents.
    pub bytes: Vec<u8>,
}

impl OutputFile {
    fn new(name: &str, bytes: Vec<u8>) -> Self {
        OutputFile {
            name: name.to_string(),
            bytes,
        }
    }
}

/// The deterministic files of a run: `timeseries.csv`, `scaling.csv`, `summary.json`,
/// `manifest.json` and, when enabled, `partitions.csv`. Same scenario and seed, same
/// bytes. With `start_at`, the CSV files have a `time` column (the wall clock) after
/// `time_s`, and both JSON files a `start_at`.
pub fn render(scenario: &Scenario, result: &RunResult) -> Vec<OutputFile> {
    let clock = scenario.start_at.as_ref();
    let mut files = vec![OutputFile::new(
        TIMESERIES_CSV,
        csv::timeseries(&result.rows, clock),
    )];
    files.extend(render_except_rows(scenario, result));
    if scenario.outputs.partitions_csv {
        files.push(OutputFile::new(
            PARTITIONS_CSV,
            csv::partitions(&result.rows, clock),
        ));
    }
    files
}

/// The files of [`render`] that do not hold the rows: `scaling.csv`, `summary.json` and
/// `manifest.json`, for a run whose rows went to [`stream::RowFiles`].
pub fn render_except_rows(scenario: &Scenario, result: &RunResult) -> Vec<OutputFile> {
    let clock = scenario.start_at.as_ref();
    vec![
        OutputFile::new(SCALING_CSV, csv::scaling(&result.scaling, clock)),
        OutputFile::new(SUMMARY_JSON, json::summary(&result.summary, clock)),
        OutputFile::new(MANIFEST_JSON, json::manifest(scenario, result)),
    ]
}
