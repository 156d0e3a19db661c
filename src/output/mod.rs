//! Exporters: pure functions from a run's results to file contents.
//!
//! Nothing here touches the file system except [`mod@write`] and [`stream`] (the rows
//! written while the run goes), which write each file
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
/// File name of the run's wall time and speed (the one file whose bytes differ between
/// reruns).
pub const TIMING_JSON: &str = "timing.json";

/// Every file name `esmsim run` can write in its folder: the files above and the charts
/// of every kind in both formats. A run removes those of them it did not write again
/// (an earlier run's), and never touches any other file.
pub fn run_file_names() -> Vec<String> {
    let mut names: Vec<String> = [
        TIMESERIES_CSV,
        SCALING_CSV,
        SUMMARY_JSON,
        MANIFEST_JSON,
        PARTITIONS_CSV,
        TIMING_JSON,
    ]
    .map(String::from)
    .to_vec();
    for kind in crate::charts::ChartKind::ALL {
        for format in ["png", "svg"] {
            names.push(format!("{}.{format}", kind.name()));
        }
    }
    names
}

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
/// bytes.
pub fn render(scenario: &Scenario, result: &RunResult) -> Vec<OutputFile> {
    let mut files = vec![OutputFile::new(
        TIMESERIES_CSV,
        csv::timeseries(&result.rows),
    )];
    files.extend(render_without_rows(scenario, result));
    if scenario.outputs.partitions_csv {
        files.push(OutputFile::new(
            PARTITIONS_CSV,
            csv::partitions(&result.rows),
        ));
    }
    files
}

/// The files of a run that do not hold its rows: `scaling.csv`, `summary.json` and
/// `manifest.json` (the rows went to [`stream::RowFiles`] during the run).
pub fn render_without_rows(scenario: &Scenario, result: &RunResult) -> Vec<OutputFile> {
    vec![
        OutputFile::new(SCALING_CSV, csv::scaling(&result.scaling)),
        OutputFile::new(SUMMARY_JSON, json::summary(&result.summary)),
        OutputFile::new(MANIFEST_JSON, json::manifest(scenario, result)),
    ]
}
