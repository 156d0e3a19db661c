//! Exporters: pure functions from a run's results to file contents.
//!
//! Nothing here touches the file system except [`write`], which writes each file
//! atomically (temporary file in the target folder, then rename), so an interrupted run
//! never leaves a half-written file behind.

pub mod columns;
pub mod csv;
pub mod json;
pub mod write;

use crate::scenario::Scenario;
use crate::sim::RunResult;

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
    let mut files = vec![
        OutputFile::new("timeseries.csv", csv::timeseries(&result.rows)),
        OutputFile::new("scaling.csv", csv::scaling(&result.scaling)),
        OutputFile::new("summary.json", json::summary(&result.summary)),
        OutputFile::new("manifest.json", json::manifest(scenario, result)),
    ];
    if scenario.outputs.partitions_csv {
        files.push(OutputFile::new(
            "partitions.csv",
            csv::partitions(&result.rows),
        ));
    }
    files
}
