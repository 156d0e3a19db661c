//! Where resolution gets trace files from, so resolution itself does no file IO.
//!
//! [`FileTraces`] reads from the file system and keeps every file it parsed, keyed by its
//! canonical path: a sweep of 1,000 runs that replay one trace reads and parses it once.
//! [`MemoryTraces`] serves files held in memory, for tests and embedders.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use super::trace::TraceFile;

/// A provider of trace files, shared by every resolution of a sweep (hence `Sync`).
pub trait TraceSource: Send + Sync {
    /// The trace file at `path` (already joined to the scenario's folder), or why it
    /// cannot be read.
    fn trace(&self, path: &Path) -> Result<Arc<TraceFile>, String>;
}

/// Trace files read from disk, each parsed once.
#[derive(Debug, Default)]
pub struct FileTraces {
    /// Parsed files by canonical path.
    cache: Mutex<HashMap<PathBuf, Arc<TraceFile>>>,
}

impl TraceSource for FileTraces {
    fn trace(&self, path: &Path) -> Result<Arc<TraceFile>, String> {
        let unreadable = |e: std::io::Error| format!("cannot read the file: {e}");
        let canonical = std::fs::canonicalize(path).map_err(unreadable)?;
        // Held while reading, so concurrent runs wait for the one read instead of
        // repeating it.
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(file) = cache.get(&canonical) {
            return Ok(Arc::clone(file));
        }
        let bytes = std::fs::read(&canonical).map_err(unreadable)?;
        let file = Arc::new(TraceFile::parse(&bytes));
        cache.insert(canonical, Arc::clone(&file));
        Ok(file)
    }
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
    fn trace(&self, path: &Path) -> Result<Arc<TraceFile>, String> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| "cannot read the file: no such trace in memory".to_string())
    }
}
