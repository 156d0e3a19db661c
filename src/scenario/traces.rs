//! Where resolution gets trace files from, so resolution itself does no file IO.
//!
//! [`FileTraces`] reads from the file system and keeps every file it parsed, keyed by its
//! canonical path: a sweep of 1,000 runs that replay one trace reads and parses it once.
//! [`MemoryTraces`] serves files held in memory, for tests and embedders.
//!
//! A scenario names files, so a scenario from someone else must not be able to make
//! esmsim read anything it likes. [`FileTraces`] therefore only reads a trace that, once
//! every symlink is followed, is a regular file inside the scenario's folder (or a folder
//! below it) and at most [`MAX_TRACE_BYTES`] long; a device such as `/dev/zero`, a FIFO,
//! `../../etc/passwd` or a symlink out of the folder is refused before anything is read.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use super::trace::TraceFile;

/// Largest trace file read, in bytes (64 MiB). A larger file is refused before it is
/// read; at about 30 bytes a row this is two million rows, the row limit
/// ([`super::trace::MAX_TRACE_ROWS`]).
pub const MAX_TRACE_BYTES: u64 = 64 * 1024 * 1024;

/// A provider of trace files, shared by every resolution of a sweep (hence `Sync`).
pub trait TraceSource: Send + Sync {
    /// The trace file at `path` (already joined to the scenario's folder `folder`), or
    /// why it cannot be read.
    fn trace(&self, folder: &Path, path: &Path) -> Result<Arc<TraceFile>, String>;
}

/// Trace files read from disk, each parsed once.
#[derive(Debug, Default)]
pub struct FileTraces {
    /// Parsed files by canonical path.
    cache: Mutex<HashMap<PathBuf, Arc<TraceFile>>>,
}

impl TraceSource for FileTraces {
    fn trace(&self, folder: &Path, path: &Path) -> Result<Arc<TraceFile>, String> {
        let unreadable = |e: std::io::Error| format!("cannot read the file: {e}");
        let canonical = std::fs::canonicalize(path).map_err(unreadable)?;
        // A scenario in the working directory has the empty path as its folder.
        let folder = if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder
        };
        let root = std::fs::canonicalize(folder).map_err(unreadable)?;
        if !canonical.starts_with(&root) {
            return Err(format!(
                "the file is `{}` once symlinks are followed, outside the scenario's folder `{}`; a trace file must lie in the folder of the scenario file or below it (copy it there)",
                canonical.display(),
                root.display()
            ));
        }
        // Held while reading, so concurrent runs wait for the one read instead of
        // repeating it.
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(file) = cache.get(&canonical) {
            return Ok(Arc::clone(file));
        }
        let bytes = read_regular_file(&canonical, MAX_TRACE_BYTES)?;
        let file = Arc::new(TraceFile::parse(&bytes));
        cache.insert(canonical, Arc::clone(&file));
        Ok(file)
    }
}

/// The bytes of the regular file at `path`, if it has at most `limit` of them. Devices,
/// FIFOs and folders are refused without reading, and the read stops after `limit + 1`
/// bytes, so a file that grows while it is read cannot exhaust memory either.
fn read_regular_file(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let unreadable = |e: std::io::Error| format!("cannot read the file: {e}");
    // Looked at before opening: opening a FIFO would wait for a writer.
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(
            "not a regular file (a device, FIFO or folder); a trace must be a CSV file".to_string(),
        );
    }
    let too_large = |size: u64| {
        format!(
            "the file is {size} bytes, more than the {} MiB a trace may have; resample it to fewer rows",
            limit / (1024 * 1024)
        )
    };
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Trace files held in memory, by the path a scenario resolves them to.
#[derive(Debug, Default)]
pub struct MemoryTraces {
    /// Parsed files by path.
    files: HashMap<PathBuf, Arc<TraceFile>>,
}

impl MemoryTraces {
    /// Adds (or replaces) the file at `path` with the CSV `bytes`.
    pub fn insert(&mut self, path: impl Into<PathBuf>, bytes: &[u8]) {
        self.files
            .insert(path.into(), Arc::new(TraceFile::parse(bytes)));
    }
}

impl TraceSource for MemoryTraces {
    fn trace(&self, _folder: &Path, path: &Path) -> Result<Arc<TraceFile>, String> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| "cannot read the file: no such trace in memory".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{ParsedScenario, RateShape, Scenario};

    const SCENARIO: &str = "\
name: t
duration: 1h
topic: {partitions: 4}
producer: {rate: [{trace: {file: data/trace.csv}}]}
function: {duration: {per_batch: 10ms}}
";

    fn trace_sha(s: &Scenario) -> &str {
        match &s.producer.rate[0] {
            RateShape::Trace(t) => &t.sha256,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn file_traces_read_each_file_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        let csv = dir.path().join("data/trace.csv");
        std::fs::write(&csv, "timestamp,value\n0,10\n60,20\n").unwrap();
        let parsed = ParsedScenario::parse(SCENARIO, dir.path()).unwrap();
        let traces = FileTraces::default();
        let first = parsed.resolve(&[], &traces).unwrap();
        // A changed file is not read again: every run of a sweep sees the same trace.
        std::fs::write(&csv, "timestamp,value\n0,1\n60,2\n").unwrap();
        let again = parsed.resolve(&["seed=2".to_string()], &traces).unwrap();
        assert_eq!(trace_sha(&first), trace_sha(&again));
        // Another spelling of the same file shares the entry.
        let other = ParsedScenario::parse(
            &SCENARIO.replace("data/trace.csv", "data/../data/trace.csv"),
            dir.path(),
        )
        .unwrap();
        other.resolve(&[], &traces).unwrap();
        assert_eq!(traces.cache.lock().unwrap().len(), 1);
        // A fresh source reads the file as it is now.
        let fresh = parsed.resolve(&[], &FileTraces::default()).unwrap();
        assert_ne!(trace_sha(&first), trace_sha(&fresh));
    }

    #[test]
    fn memory_traces_need_no_file() {
        let folder = Path::new("nowhere");
        let mut traces = MemoryTraces::default();
        traces.insert(
            folder.join("data/trace.csv"),
            b"timestamp,value\n0,60\n60,120\n",
        );
        let parsed = ParsedScenario::parse(SCENARIO, folder).unwrap();
        let s = parsed.resolve(&[], &traces).unwrap();
        let RateShape::Trace(t) = &s.producer.rate[0] else {
            panic!("trace expected")
        };
        assert_eq!(t.points[1].1, 2.0);
        let e = parsed
            .resolve(&[], &MemoryTraces::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("no such trace in memory"), "{e}");
    }

    #[test]
    fn overrides_apply_to_a_copy_of_the_parsed_scenario() {
        let mut traces = MemoryTraces::default();
        traces.insert(
            Path::new(".").join("data/trace.csv"),
            b"timestamp,value\n0,1\n1,1\n",
        );
        let parsed = ParsedScenario::parse(SCENARIO, Path::new(".")).unwrap();
        let more = parsed
            .resolve(&["topic.partitions=8".to_string()], &traces)
            .unwrap();
        let base = parsed.resolve(&[], &traces).unwrap();
        assert_eq!((more.topic.partitions, base.topic.partitions), (8, 4));
    }
}
