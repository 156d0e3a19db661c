//! `esmsim merge`: combines the output folders of the shards of one sweep into the files
//! an unsharded run would have written, byte for byte.
//!
//! Each shard folder holds `sweep.json` (the plan and its shard) and `runs.jsonl` (its
//! runs). The plans must be equal, the shards `0/n` to `n-1/n` must each be there once,
//! and every run must be recorded; the tables and charts are then rebuilt from the
//! records exactly as [`super::run::run_spec`] builds them. Kept run folders (`runs/`)
//! are copied. Like a sweep, a merge then removes what an earlier sweep or merge left in
//! its folder and it did not write (only names sweeps write).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use super::error::SweepError;
use super::journal::{self, JOURNAL, RunRecord};
use super::plan::{Plan, Shard};
use super::run::{
    PLAN_FILE, PlanFile, RUNS_DIR, charts_and_report, is_run_folder, kept_run_file_names,
    remove_stale_runs, sweep_file_names, tables,
};
use super::table;
use crate::output::json::pretty;
use crate::output::write::{remove_stale, write_all, write_atomic};

/// What a merge did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergeReport {
    /// Sweep name.
    pub name: String,
    /// Shards merged.
    pub shards: usize,
    /// Runs in the merged sweep.
    pub runs: usize,
    /// Runs that failed.
    pub failed: usize,
}

fn read_plan(dir: &Path) -> Result<PlanFile, SweepError> {
    let path = dir.join(PLAN_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            SweepError::Merge(format!(
                "{} has no {PLAN_FILE}: is it the output folder of `esmsim sweep`?",
                dir.display()
            ))
        } else {
            SweepError::io(&path)(e)
        }
    })?;
    let file: PlanFile = serde_json::from_str(&text).map_err(|e| SweepError::Corrupt {
        path: path.clone(),
        message: format!("not a sweep plan: {e}"),
    })?;
    let shard_ok = file.shard.is_none_or(|s| s.index < s.count);
    let checked = file.plan.check().and_then(|()| {
        shard_ok
            .then_some(())
            .ok_or_else(|| "the shard index is not below the shard count".to_string())
    });
    checked.map_err(|message| SweepError::Corrupt { path, message })?;
    Ok(file)
}

/// Merges the shard folders `dirs` into `out`.
///
/// # Errors
///
/// [`SweepError::Merge`] when the folders are not the shards of one sweep, a shard is
/// missing or given twice, or a shard has not finished all its runs (the message says
/// how to resume it); IO errors naming the file.
pub fn merge(
    dirs: &[PathBuf],
    out: &Path,
    charts: bool,
    report: bool,
) -> Result<MergeReport, SweepError> {
    let Some(first_dir) = dirs.first() else {
        return Err(SweepError::Merge("give at least one shard folder".into()));
    };
    let first = read_plan(first_dir)?;
    let plan: &Plan = &first.plan;
    let count = first.shard.map_or(1, |s| s.count);
    let mut owners: BTreeMap<usize, &Path> = BTreeMap::new();
    let mut records: BTreeMap<(usize, usize), RunRecord> = BTreeMap::new();
    for dir in dirs {
        let file = read_plan(dir)?;
        if file.plan != *plan {
            return Err(SweepError::Merge(format!(
                "{} and {} hold different sweeps (their {PLAN_FILE} plans differ)",
                first_dir.display(),
                dir.display()
            )));
        }
        let shard = file.shard.unwrap_or(Shard { index: 0, count: 1 });
        if shard.count != count {
            return Err(SweepError::Merge(format!(
                "{} is shard {shard} but {} is one of {count} shards",
                dir.display(),
                first_dir.display()
            )));
        }
        if let Some(other) = owners.insert(shard.index, dir) {
            return Err(SweepError::Merge(format!(
                "shard {shard} is given twice: {} and {}",
                other.display(),
                dir.display()
            )));
        }
        for r in journal::read(&dir.join(JOURNAL))? {
            let owned = shard.owns(r.variant) && plan.seeds.get(r.replication) == Some(&r.seed);
            if owned && r.variant < plan.variant_count() {
                records.insert((r.variant, r.replication), r);
            }
        }
    }
    let missing: Vec<String> = (0..count)
        .filter(|i| !owners.contains_key(i))
        .map(|i| format!("{i}/{count}"))
        .collect();
    if !missing.is_empty() {
        return Err(SweepError::Merge(format!(
            "shard(s) {} missing; give every shard folder from 0/{count} to {}/{count}",
            missing.join(", "),
            count - 1
        )));
    }
    let replications = plan.seeds.len();
    if let Some(k) =
        (0..plan.run_count()).find(|k| !records.contains_key(&(k / replications, k % replications)))
    {
        let shard = Shard {
            index: (k / replications) % count,
            count,
        };
        let done = records.keys().filter(|(v, _)| shard.owns(*v)).count();
        return Err(SweepError::Merge(format!(
            "shard {shard} ({}) has recorded {done} of its runs but not replication {} of variant {}; finish it with `esmsim sweep SWEEP.yaml --shard {shard} --resume`",
            owners[&shard.index].display(),
            k % replications,
            k / replications,
        )));
    }

    let records: Vec<RunRecord> = records.into_values().collect();
    std::fs::create_dir_all(out).map_err(SweepError::io(out))?;
    let merged = PlanFile {
        plan: plan.clone(),
        shard: None,
    };
    write_atomic(&out.join(PLAN_FILE), &pretty(&merged))?;
    write_atomic(&out.join(JOURNAL), &journal::to_bytes(&records))?;
    let stats = table::aggregate(plan, &records);
    let mut files = tables(plan, &records, &stats);
    files.extend(charts_and_report(plan, &stats, charts, report)?);
    let mut written = write_all(out, &files)?;
    written.extend([out.join(PLAN_FILE), out.join(JOURNAL)]);
    let mut kept = HashSet::new();
    for dir in dirs {
        kept.extend(copy_runs(&dir.join(RUNS_DIR), &out.join(RUNS_DIR))?);
    }
    // As a sweep does: nothing an earlier sweep or merge left in `out` stays.
    remove_stale(out, &sweep_file_names(), &written)?;
    remove_stale_runs(&out.join(RUNS_DIR), &kept)?;
    Ok(MergeReport {
        name: plan.name.clone(),
        shards: count,
        runs: records.len(),
        failed: records.iter().filter(|r| r.error.is_some()).count(),
    })
}

/// Copies the kept run folders under `from` (if any) to `to`; returns the names of the
/// run folders `from` holds (copied, or already in place when `from` is `to`).
fn copy_runs(from: &Path, to: &Path) -> Result<Vec<String>, SweepError> {
    let mut runs = Vec::new();
    if !from.is_dir() {
        return Ok(runs);
    }
    for entry in std::fs::read_dir(from).map_err(SweepError::io(from))? {
        let run = entry.map_err(SweepError::io(from))?.path();
        if !run.is_dir() {
            continue;
        }
        let name = run.file_name().unwrap_or_default().to_string_lossy();
        if is_run_folder(&name) {
            runs.push(name.into_owned());
        }
        if from == to {
            continue;
        }
        let target = to.join(run.file_name().unwrap_or_default());
        let mut files = Vec::new();
        for file in std::fs::read_dir(&run).map_err(SweepError::io(&run))? {
            let path = file.map_err(SweepError::io(&run))?.path();
            if path.is_file() {
                let bytes = std::fs::read(&path).map_err(SweepError::io(&path))?;
                let name = path
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                files.push(crate::output::OutputFile { name, bytes });
            }
        }
        let written = write_all(&target, &files)?;
        remove_stale(&target, &kept_run_file_names(), &written)?;
    }
    Ok(runs)
}
