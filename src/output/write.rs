//! With [`super::stream`] (rows written while the run goes), the only place a run's
//! outputs touch the file system.

use std::path::{Path, PathBuf};

use crate::output::OutputFile;
use crate::output::stream::PendingFile;

/// An output could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {source}")]
pub struct WriteError {
    /// The file or folder concerned.
    pub path: PathBuf,
    /// The underlying error.
    #[source]
    pub source: std::io::Error,
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, flushed,
/// then renamed over the target. Readers see the old file or the new one, never a part.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let mut file = PendingFile::create(path)?;
    file.write(bytes)?;
    file.commit().map(drop)
}

/// Gives the file the usual `rw-r--r--` mode (temporary files start private).
#[cfg(unix)]
pub(super) fn make_readable(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
pub(super) fn make_readable(_file: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// Creates `dir` if needed and writes every file into it atomically; returns the paths.
pub fn write_all(dir: &Path, files: &[OutputFile]) -> Result<Vec<PathBuf>, WriteError> {
    std::fs::create_dir_all(dir).map_err(|source| WriteError {
        path: dir.to_path_buf(),
        source,
    })?;
    files
        .iter()
        .map(|file| {
            let path = dir.join(&file.name);
            write_atomic(&path, &file.bytes).map(|()| path)
        })
        .collect()
}

/// Removes from `dir` the files named in `known` (the names esmsim writes there) that
/// this run did not write (`written`): what an earlier run left, e.g. a `partitions.csv`
/// or charts now switched off. No other file is touched; returns the removed paths, in
/// the order of `known`.
///
/// # Errors
///
/// A file that cannot be removed, naming it.
pub fn remove_stale(
    dir: &Path,
    known: &[String],
    written: &[PathBuf],
) -> Result<Vec<PathBuf>, WriteError> {
    let mut removed = Vec::new();
    for name in known {
        let path = dir.join(name);
        if written.contains(&path) || !path.is_file() {
            continue;
        }
        std::fs::remove_file(&path).map_err(|source| WriteError {
            path: path.clone(),
            source,
        })?;
        removed.push(path);
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_files_whole_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let files = [OutputFile {
            name: "a.csv".into(),
            bytes: b"one".to_vec(),
        }];
        write_all(dir.path(), &files).unwrap();
        write_atomic(&dir.path().join("a.csv"), b"two").unwrap();
        assert_eq!(std::fs::read(dir.path().join("a.csv")).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.csv")]);
    }

    #[test]
    fn a_missing_parent_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"x").unwrap();
        let err = write_all(&blocker.join("sub"), &[]).unwrap_err();
        assert!(err.to_string().starts_with("cannot write "), "{err}");
    }
}
