//! Writing `timeseries.csv` and `partitions.csv` while the run goes: each row, as the
//! simulation closes it, is encoded (by the same functions as [`super::csv`]'s, so the
//! bytes are the same) and written through a buffer into a temporary file in the output
//! folder. The files get their final names only at [`PendingFile::commit`], after the run:
//! an interrupted run leaves nothing under a final name. With [`super::write`], the only
//! file IO of the outputs.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use super::csv;
use super::write::{WriteError, make_readable};
use super::{PARTITIONS_CSV, TIMESERIES_CSV};
use crate::metrics::{RowSink, SampleRow};
use crate::scenario::clock::Clock;

/// A file being written under a temporary name, renamed to its final name on
/// [`PendingFile::commit`] and deleted if dropped before.
#[derive(Debug)]
pub struct PendingFile {
    path: PathBuf,
    out: BufWriter<NamedTempFile>,
}

impl PendingFile {
    /// Starts the file that will be `path`, as a temporary file beside it.
    ///
    /// # Errors
    ///
    /// The temporary file cannot be created.
    pub fn create(path: &Path) -> Result<Self, WriteError> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let tmp = tempfile::Builder::new()
            .prefix(".esmsim-")
            .tempfile_in(dir)
            .map_err(|source| WriteError {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(PendingFile {
            path: path.to_path_buf(),
            out: BufWriter::with_capacity(1 << 16, tmp),
        })
    }

    fn err(&self, source: std::io::Error) -> WriteError {
        WriteError {
            path: self.path.clone(),
            source,
        }
    }

    /// Appends `bytes`.
    ///
    /// # Errors
    ///
    /// The write failed.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        self.out.write_all(bytes).map_err(|e| self.err(e))
    }

    /// Writes out what is buffered and returns the temporary file's path, where what is
    /// written so far can be read.
    ///
    /// # Errors
    ///
    /// The write failed.
    pub fn flushed(&mut self) -> Result<&Path, WriteError> {
        self.out.flush().map_err(|e| self.err(e))?;
        Ok(self.out.get_ref().path())
    }

    /// Flushes, syncs and renames the file to its final name.
    ///
    /// # Errors
    ///
    /// A write, the sync or the rename failed.
    pub fn commit(self) -> Result<PathBuf, WriteError> {
        let path = self.path;
        let err = |source| WriteError {
            path: path.clone(),
            source,
        };
        let tmp = self.out.into_inner().map_err(|e| err(e.into_error()))?;
        make_readable(tmp.as_file()).map_err(err)?;
        tmp.as_file().sync_all().map_err(err)?;
        tmp.persist(&path).map_err(|e| err(e.error))?;
        Ok(path)
    }
}

/// The row sink of a run written to a folder: `timeseries.csv` and, when enabled,
/// `partitions.csv`, each row written as it closes. A write error stops the writing and
/// is returned by [`RowFiles::finish`].
#[derive(Debug)]
pub struct RowFiles<'a> {
    clock: Option<&'a Clock>,
    timeseries: PendingFile,
    partitions: Option<PendingFile>,
    line: Vec<u8>,
    rows: u64,
    error: Option<WriteError>,
}

impl<'a> RowFiles<'a> {
    /// Starts `timeseries.csv` (and `partitions.csv` when `partitions`) in `dir`, which
    /// must exist; with a clock, both have the `time` column.
    ///
    /// # Errors
    ///
    /// A file cannot be created or its header written.
    pub fn create(
        dir: &Path,
        partitions: bool,
        clock: Option<&'a Clock>,
    ) -> Result<Self, WriteError> {
        let mut timeseries = PendingFile::create(&dir.join(TIMESERIES_CSV))?;
        timeseries.write(&csv::timeseries_header(clock))?;
        let partitions = partitions
            .then(|| PendingFile::create(&dir.join(PARTITIONS_CSV)))
            .transpose()?;
        Ok(RowFiles {
            clock,
            timeseries,
            partitions,
            line: Vec::with_capacity(512),
            rows: 0,
            error: None,
        })
    }

    fn write_row(&mut self, row: &SampleRow) -> Result<(), WriteError> {
        self.line.clear();
        csv::timeseries_row(&mut self.line, row, self.clock);
        self.timeseries.write(&self.line)?;
        if let Some(partitions) = &mut self.partitions {
            self.line.clear();
            if self.rows == 0 {
                self.line = csv::partitions_header(Some(row), self.clock);
            }
            csv::partitions_row(&mut self.line, row, self.clock);
            partitions.write(&self.line)?;
        }
        self.rows += 1;
        Ok(())
    }

    /// Ends the rows: the files, still under their temporary names (`partitions.csv`
    /// when enabled), to be committed after the run's other files are ready.
    ///
    /// # Errors
    ///
    /// The first write that failed.
    pub fn finish(mut self) -> Result<(PendingFile, Option<PendingFile>), WriteError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if let Some(partitions) = &mut self.partitions
            && self.rows == 0
        {
            partitions.write(&csv::partitions_header(None, self.clock))?;
        }
        Ok((self.timeseries, self.partitions))
    }
}

impl RowSink for RowFiles<'_> {
    fn row(&mut self, row: SampleRow) {
        if self.error.is_none()
            && let Err(error) = self.write_row(&row)
        {
            self.error = Some(error);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Simulation;

    /// Three partitions for 20 minutes with an on-demand scaler chasing a spike (so
    /// rows wait on the scaler's next decision for their class), a clock, a named event
    /// and objectives.
    const SPIKE: &str = "name: streamed
duration: 20m
sample_interval: 1s
start_at: 2026-11-30T08:55:00Z
topic: {partitions: 3}
producer:
  rate: [{constant: 300}, {spike: {name: burst, at: 3m, duration: 4m, rate: 3000}}]
esm: {batch_size: 50, batching_window: 200ms, scaler: {policy: aws}}
function: {memory: 1024, duration: {per_batch: 20ms, per_record: 3ms}}
slo:
  - max_age: 20s
  - {max_lag: 2000, during: {from: \"09:00\", to: \"09:10\"}}
  - drain: {event: burst, within: 5m}
outputs: {partitions_csv: true}
";

    /// The streamed files are the bytes of the in-memory exporters, and the summary is
    /// the same.
    #[test]
    fn streamed_files_equal_the_in_memory_outputs() {
        let scenario = crate::scenario::load::from_yaml_str(SPIKE, Path::new("."), &[]).unwrap();
        let clock = scenario.start_at.as_ref();
        let kept = Simulation::new(&scenario).run(&mut |_| {});
        assert!(
            kept.rows
                .iter()
                .any(|r| r.bottleneck == Some(crate::metrics::bottleneck::Bottleneck::Scaler)),
            "the scaler binds in some rows"
        );
        let dir = tempfile::tempdir().unwrap();
        let mut files = RowFiles::create(dir.path(), true, clock).unwrap();
        let streamed = Simulation::new(&scenario).run_into(&mut |_| {}, &mut files);
        assert!(streamed.rows.is_empty());
        assert_eq!(streamed.summary, kept.summary);
        let (timeseries, partitions) = files.finish().unwrap();
        assert!(
            !dir.path().join(TIMESERIES_CSV).exists(),
            "not before commit"
        );
        timeseries.commit().unwrap();
        partitions.unwrap().commit().unwrap();
        let read = |name| std::fs::read(dir.path().join(name)).unwrap();
        assert_eq!(read(TIMESERIES_CSV), csv::timeseries(&kept.rows, clock));
        assert_eq!(read(PARTITIONS_CSV), csv::partitions(&kept.rows, clock));
        assert_eq!(kept.rows.len(), 1200);
    }

    /// A run dropped before its files are committed leaves nothing in the folder.
    #[test]
    fn uncommitted_files_leave_nothing_behind() {
        let scenario = crate::scenario::load::from_yaml_str(SPIKE, Path::new("."), &[]).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut files = RowFiles::create(dir.path(), true, None).unwrap();
        Simulation::new(&scenario).run_into(&mut |_| {}, &mut files);
        drop(files);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
