//! The run journal `runs.jsonl`: one JSON line per finished run, appended and flushed in
//! run order, so a crash loses only the runs in progress and the finished runs still
//! waiting for an earlier one.
//!
//! `--resume` reads it back: a run whose variant, seed and scenario hash match a record
//! is not run again. A truncated last line (the process died mid-write) is ignored. At
//! the end of a sweep the journal is rewritten atomically with one record per run, in run
//! order, so it is the same bytes however the runs were scheduled.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::SweepError;
use super::plan::PlanObjective;
use crate::metrics::Summary;
use crate::output::columns::summary::SWEEP_METRICS;

/// The journal's file name inside the output folder.
pub const JOURNAL: &str = "runs.jsonl";

/// The outcome of one run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// Variant id.
    pub variant: usize,
    /// Replication (0-based).
    pub replication: usize,
    /// The run's seed.
    pub seed: u64,
    /// Scenario hash of the run (empty when its scenario did not resolve).
    pub hash: String,
    /// Why the run failed, if it did.
    pub error: Option<String>,
    /// The summary metrics of [`SWEEP_METRICS`] by name (`null` where the summary has none).
    pub metrics: BTreeMap<String, Option<f64>>,
    /// The verdict on each objective, in the scenario's order (none without `slo`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slo: Vec<ObjectiveRecord>,
}

/// One objective of one run: whether it was met and the worst value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObjectiveRecord {
    /// The objective's name.
    pub name: String,
    /// Whether the run met it.
    pub met: bool,
    /// The worst value (`null` when there is none: no row in the window, never drained).
    pub worst: Option<f64>,
}

impl RunRecord {
    /// A successful run's record, with the metrics of [`SWEEP_METRICS`] taken from `summary`.
    ///
    /// The record goes through its JSON text, so it holds exactly the numbers a journal
    /// read back later (by `--resume` or `esmsim merge`) would.
    pub fn ok(
        variant: usize,
        replication: usize,
        seed: u64,
        hash: String,
        summary: &Summary,
    ) -> Self {
        let metrics = SWEEP_METRICS
            .iter()
            .map(|m| (m.name.to_string(), m.number(summary)))
            .collect();
        let record = RunRecord {
            variant,
            replication,
            seed,
            hash,
            error: None,
            metrics,
            slo: summary
                .slo
                .iter()
                .map(|o| ObjectiveRecord {
                    name: o.name.clone(),
                    met: o.met,
                    worst: o.worst,
                })
                .collect(),
        };
        serde_json::from_str(&record.line()).unwrap_or(record)
    }

    /// A failed run's record.
    pub fn failed(
        variant: usize,
        replication: usize,
        seed: u64,
        hash: String,
        error: String,
    ) -> Self {
        RunRecord {
            variant,
            replication,
            seed,
            hash,
            error: Some(error),
            metrics: BTreeMap::new(),
            slo: Vec::new(),
        }
    }

    /// The value of metric `name`, if the run has it.
    pub fn metric(&self, name: &str) -> Option<f64> {
        self.metrics.get(name).copied().flatten()
    }

    /// The verdict on objective `name`, if the run has it.
    pub fn objective(&self, name: &str) -> Option<&ObjectiveRecord> {
        self.slo.iter().find(|o| o.name == name)
    }

    /// Whether the run succeeded and met every objective in `names`.
    pub fn meets_all(&self, names: &[PlanObjective]) -> bool {
        self.error.is_none()
            && names
                .iter()
                .all(|n| self.objective(&n.name).is_some_and(|o| o.met))
    }

    /// The record as one journal line, newline included.
    pub fn line(&self) -> String {
        let mut line = serde_json::to_string(self).unwrap_or_default();
        line.push('\n');
        line
    }
}

/// Reads the records of the journal at `path` (none if it does not exist). A last line
/// that does not parse is a run cut short and is skipped; any other bad line is an error.
pub fn read(path: &Path) -> Result<Vec<RunRecord>, SweepError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(SweepError::io(path)(e)),
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut records = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        match serde_json::from_str::<RunRecord>(line) {
            Ok(r) => records.push(r),
            Err(_) if i + 1 == lines.len() => {}
            Err(e) => {
                return Err(SweepError::Corrupt {
                    path: path.to_path_buf(),
                    message: format!(
                        "line {} is not a run record ({e}); delete the file to start the sweep afresh",
                        i + 1
                    ),
                });
            }
        }
    }
    Ok(records)
}

/// An open journal that runs are appended to.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
}

impl Journal {
    /// Rewrites the journal at `path` atomically with `records`, then opens it to append.
    pub fn start(path: &Path, records: &[RunRecord]) -> Result<Journal, SweepError> {
        crate::output::write::write_atomic(path, &to_bytes(records))?;
        let file = OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(SweepError::io(path))?;
        Ok(Journal {
            path: path.to_path_buf(),
            file,
        })
    }

    /// Appends one record as a single write and flushes it.
    pub fn append(&mut self, record: &RunRecord) -> Result<(), SweepError> {
        self.file
            .write_all(record.line().as_bytes())
            .and_then(|()| self.file.flush())
            .map_err(SweepError::io(&self.path))
    }
}

/// The journal text of `records`.
pub fn to_bytes(records: &[RunRecord]) -> Vec<u8> {
    records.iter().flat_map(|r| r.line().into_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(variant: usize) -> RunRecord {
        RunRecord::failed(variant, 0, 42, "abc".into(), "boom".into())
    }

    #[test]
    fn a_truncated_last_line_is_skipped_and_appends_continue_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(JOURNAL);
        assert!(read(&path).unwrap().is_empty());
        let mut journal = Journal::start(&path, &[record(0)]).unwrap();
        journal.append(&record(1)).unwrap();
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(&record(2).line()[..20]);
        std::fs::write(&path, &text).unwrap();
        let records = read(&path).unwrap();
        assert_eq!(records, vec![record(0), record(1)]);
        let mut journal = Journal::start(&path, &records).unwrap();
        journal.append(&record(3)).unwrap();
        assert_eq!(read(&path).unwrap(), vec![record(0), record(1), record(3)]);
    }

    #[test]
    fn a_bad_line_in_the_middle_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(JOURNAL);
        std::fs::write(&path, format!("garbage\n{}", record(0).line())).unwrap();
        let err = read(&path).unwrap_err().to_string();
        assert!(err.contains("line 1 is not a run record"), "{err}");
    }
}
