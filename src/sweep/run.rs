//! Running a sweep: every run of this shard on the [`Executor`], each finished run
//! appended to the journal in run order, then the tables and charts rebuilt from the
//! records and written atomically. Since the journal follows run order whatever
//! `--jobs`, after a crash it lacks the runs in progress and any finished run still
//! waiting for an earlier one, and `--resume` runs those again.
//!
//! # Seeds: common random numbers
//!
//! Replication `r` of *every* variant uses seed `first + r`, where `first` is the sweep's
//! `seed:` or the base scenario's seed. The producer's traffic depends only on the seed
//! and the producer settings, so variants that differ only on the consumer side (memory,
//! batch size, window, scaler, even partitions' consumers) see the same records: their
//! differences are not blurred by different traffic (common random numbers). The seed is
//! in every row of `sweep.csv`. Nothing depends on the thread that ran a run or on the
//! order runs finished in, so the outputs are the same bytes for any `--jobs`.
//!
//! # One sweep per folder
//!
//! With `--keep-runs`, the runs' outputs are sized before anything runs
//! ([`KeptEstimate`]) and the sweep is refused above [`Limits`] unless told
//! `allow_large`. Once its files are in place, a sweep removes from its folder what an
//! earlier sweep wrote there and it did not: top-level files of the names a sweep writes
//! (charts now off or no longer drawn, `report.html`), and under `runs/` the run folders
//! (named as [`run_folder`] names them) of runs it did not keep, with the run files in
//! them; inside a kept run's folder, run files it no longer writes. Other files, and a
//! folder that still holds one, are left alone. The journal and `sweep.json` are always
//! rewritten, so `--resume` reads only this sweep's runs.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::error::SweepError;
use super::journal::{self, JOURNAL, Journal, RunRecord};
use super::plan::{Plan, Shard};
use super::spec::{Base, SweepSpec};
use super::table;
use crate::executor::{Detail, Executor, simulate};
use crate::output::OutputFile;
use crate::output::estimate::{self, Limits, OutputEstimate};
use crate::output::write::{remove_stale, write_all, write_atomic};

/// The plan file's name inside the output folder.
pub const PLAN_FILE: &str = "sweep.json";

/// How often the tables are rebuilt while a sweep runs.
const CHECKPOINT: Duration = Duration::from_secs(30);

/// How to run a sweep.
#[derive(Clone, Debug)]
pub struct SweepOptions {
    /// Output folder (default `outputs/<name>/`, or `outputs/<name>/shard-<i>-of-<n>/`).
    pub out: Option<PathBuf>,
    /// Worker threads (`None` or 0: one per core).
    pub jobs: Option<usize>,
    /// Skip runs already in the journal with the same seed and scenario hash.
    pub resume: bool,
    /// Write each run's own outputs under `runs/`.
    pub keep_runs: bool,
    /// Run only this shard's variants.
    pub shard: Option<Shard>,
    /// Draw the comparison charts.
    pub charts: bool,
    /// Write `report.html`.
    pub report: bool,
    /// Keep runs even when their outputs are estimated above [`Limits`].
    pub allow_large: bool,
}

impl Default for SweepOptions {
    fn default() -> Self {
        SweepOptions {
            out: None,
            jobs: None,
            resume: false,
            keep_runs: false,
            shard: None,
            charts: true,
            report: true,
            allow_large: false,
        }
    }
}

/// What a finished sweep did.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepReport {
    /// Sweep name.
    pub name: String,
    /// Where the outputs are.
    pub out_dir: PathBuf,
    /// Variants in this shard.
    pub variants: usize,
    /// Runs in this shard.
    pub runs: usize,
    /// Runs simulated now.
    pub executed: usize,
    /// Runs taken from the journal (`--resume`).
    pub resumed: usize,
    /// Runs that failed.
    pub failed: usize,
    /// Wall time in seconds.
    pub wall_s: f64,
    /// The names of the objectives every replication must meet.
    pub objectives: Vec<String>,
    /// The metric `best.csv` ranks by.
    pub rank_by: &'static str,
    /// The first variant of `best.csv` meeting every objective (without objectives: the
    /// first without a failed run), as `id: key=value, ...`.
    pub best: Option<String>,
}

/// How far a sweep is: reported once before the first run (with `done` 0), then after
/// every run, in run order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SweepProgress {
    /// Runs finished (simulated now or taken from the journal).
    pub done: usize,
    /// Runs in this shard.
    pub total: usize,
    /// Runs finished that failed.
    pub failed: usize,
}

/// `sweep.json`: the plan, and which shard of it this folder holds.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct PlanFile {
    pub(crate) plan: Plan,
    pub(crate) shard: Option<Shard>,
}

/// Reads, expands and runs the sweep file at `path`, calling `progress` as runs finish.
///
/// # Errors
///
/// A bad sweep file, an unwritable output folder or a corrupt journal; a failing variant
/// is not an error (it is a row of `sweep.csv` with its message).
pub fn run_sweep(
    path: &Path,
    opts: &SweepOptions,
    progress: &mut dyn FnMut(SweepProgress),
) -> Result<SweepReport, SweepError> {
    run_spec(&SweepSpec::load(path)?, opts, progress)
}

/// The default output folder of a sweep (or of one shard of it).
pub fn default_out(name: &str, shard: Option<Shard>) -> PathBuf {
    let dir = Path::new("outputs").join(name);
    match shard {
        Some(s) => dir.join(format!("shard-{}-of-{}", s.index, s.count)),
        None => dir,
    }
}

/// Runs an already loaded sweep on an [`Executor`], calling `progress` as runs finish.
///
/// # Errors
///
/// As [`run_sweep`].
pub fn run_spec(
    spec: &SweepSpec,
    opts: &SweepOptions,
    progress: &mut dyn FnMut(SweepProgress),
) -> Result<SweepReport, SweepError> {
    let started = Instant::now();
    let plan = &spec.plan;
    if opts.keep_runs && !opts.allow_large {
        let kept = KeptEstimate::of(spec, opts.shard);
        if kept.exceeds(&Limits::default()) {
            return Err(SweepError::TooLarge {
                estimate: kept.to_string(),
            });
        }
    }
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| default_out(&plan.name, opts.shard));
    std::fs::create_dir_all(&out).map_err(SweepError::io(&out))?;
    let plan_file = PlanFile {
        plan: plan.clone(),
        shard: opts.shard,
    };
    write_atomic(
        &out.join(PLAN_FILE),
        &crate::output::json::pretty(&plan_file),
    )?;

    let journal_path = out.join(JOURNAL);
    let previous = if opts.resume {
        journal::read(&journal_path)?
    } else {
        Vec::new()
    };
    let done: HashMap<(usize, usize), RunRecord> = previous
        .iter()
        .filter(|r| r.error.is_none())
        .map(|r| ((r.variant, r.replication), r.clone()))
        .collect();
    let journal = Journal::start(&journal_path, &previous)?;

    let replications = plan.seeds.len();
    let runs: Vec<usize> = (0..plan.run_count())
        .filter(|k| opts.shard.is_none_or(|s| s.owns(k / replications)))
        .collect();
    let executor = Executor::new(opts.jobs.and_then(NonZeroUsize::new))?;
    let mut state = State {
        journal,
        records: Vec::with_capacity(runs.len()),
        executed: 0,
        failed: 0,
        checkpoint: Instant::now(),
    };
    let keep = opts.keep_runs.then(|| out.join(RUNS_DIR));
    progress(state.progress(runs.len()));
    executor.run(
        &runs,
        |&k| {
            execute(
                &spec.base,
                plan,
                k / replications,
                k % replications,
                &done,
                keep.as_deref(),
            )
        },
        |_, outcome| {
            state.finish(outcome, plan, &out)?;
            progress(state.progress(runs.len()));
            Ok(())
        },
    )?;
    let records = state.records;
    write_atomic(&journal_path, &journal::to_bytes(&records))?;
    let stats = table::aggregate(plan, &records);
    let mut files = tables(plan, &records, &stats);
    files.extend(charts_and_report(plan, &stats, opts.charts, opts.report)?);
    let mut written = write_all(&out, &files)?;
    written.extend([out.join(PLAN_FILE), journal_path]);
    // Never a mix of two sweeps in one folder (see the module doc).
    remove_stale(&out, &sweep_file_names(), &written)?;
    let kept: HashSet<String> = if opts.keep_runs {
        runs.iter()
            .map(|k| run_folder(k / replications, k % replications))
            .collect()
    } else {
        HashSet::new()
    };
    remove_stale_runs(&out.join(RUNS_DIR), &kept)?;
    Ok(SweepReport {
        name: plan.name.clone(),
        out_dir: out,
        variants: runs.len() / replications,
        runs: runs.len(),
        executed: state.executed,
        resumed: runs.len() - state.executed,
        failed: state.failed,
        wall_s: started.elapsed().as_secs_f64(),
        objectives: plan.objectives.iter().map(|o| o.name.clone()).collect(),
        rank_by: table::rank_metric(plan).name,
        best: table::best(plan, &stats)
            .first()
            .map(|v| describe(plan, v.variant)),
    })
}

/// "12: topic.partitions=24, function.memory=1024".
pub(crate) fn describe(plan: &Plan, variant: usize) -> String {
    let values: Vec<String> = plan
        .parameters()
        .iter()
        .zip(plan.values(variant))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    format!("{variant}: {}", values.join(", "))
}

/// `sweep.csv`, `aggregate.csv` and `best.csv` of `records` (sorted by run).
pub(crate) fn tables(
    plan: &Plan,
    records: &[RunRecord],
    stats: &[table::VariantStats],
) -> Vec<OutputFile> {
    vec![
        OutputFile {
            name: "sweep.csv".into(),
            bytes: table::sweep_csv(plan, records),
        },
        OutputFile {
            name: "aggregate.csv".into(),
            bytes: table::aggregate_csv(plan, stats),
        },
        OutputFile {
            name: "best.csv".into(),
            bytes: table::best_csv(plan, stats),
        },
    ]
}

/// The comparison charts (when `charts`) and `report.html` (when `report`; it shows the
/// charts, drawn for it alone when `charts` is off).
pub(crate) fn charts_and_report(
    plan: &Plan,
    stats: &[table::VariantStats],
    charts: bool,
    report: bool,
) -> Result<Vec<OutputFile>, SweepError> {
    let drawn = if charts || report {
        super::charts::render(plan, stats)?
    } else {
        Vec::new()
    };
    let mut files = Vec::new();
    if report {
        files.push(OutputFile {
            name: crate::report::REPORT_HTML.into(),
            bytes: crate::report::sweep::html(plan, stats, &drawn).into_bytes(),
        });
    }
    if charts {
        files.extend(drawn);
    }
    Ok(files)
}

/// A run's outcome: simulated now, or taken from the journal.
enum Outcome {
    Ran(RunRecord),
    Resumed(RunRecord),
}

/// Resolves and simulates replication `r` of variant `v`, unless the journal already
/// holds it with the same seed and scenario hash.
fn execute(
    base: &Base,
    plan: &Plan,
    v: usize,
    r: usize,
    done: &HashMap<(usize, usize), RunRecord>,
    keep: Option<&Path>,
) -> Result<Outcome, SweepError> {
    let seed = plan.seeds[r];
    let scenario = match base.resolve(&plan.overrides(v, r)) {
        Ok(s) => s,
        Err(e) => {
            return Ok(Outcome::Ran(RunRecord::failed(
                v,
                r,
                seed,
                String::new(),
                e.to_string(),
            )));
        }
    };
    let hash = scenario.hash();
    if let Some(record) = done
        .get(&(v, r))
        .filter(|d| d.seed == seed && d.hash == hash)
    {
        return Ok(Outcome::Resumed(record.clone()));
    }
    // Only kept runs write rows; the sweep's tables come from the summary.
    let detail = match keep {
        Some(_) => Detail::Outputs,
        None => Detail::SummaryOnly,
    };
    let result = match simulate(&scenario, detail) {
        Ok(result) => result,
        Err(panicked) => {
            let error = panicked.to_string();
            return Ok(Outcome::Ran(RunRecord::failed(v, r, seed, hash, error)));
        }
    };
    if let Some(dir) = keep {
        let dir = dir.join(run_folder(v, r));
        let written = write_all(&dir, &crate::output::render(&scenario, &result))?;
        remove_stale(&dir, &kept_run_file_names(), &written)?;
    }
    Ok(Outcome::Ran(RunRecord::ok(
        v,
        r,
        seed,
        hash,
        &result.summary,
    )))
}

/// The folder of a kept run under `runs/`: `v00012-r3`.
pub fn run_folder(variant: usize, replication: usize) -> String {
    format!("v{variant:05}-r{replication}")
}

/// Whether `name` is a folder name [`run_folder`] gives.
pub(crate) fn is_run_folder(name: &str) -> bool {
    let Some((v, r)) = name
        .strip_prefix('v')
        .and_then(|rest| rest.split_once("-r"))
    else {
        return false;
    };
    // Parsed, then written back: only the exact text `run_folder` gives.
    match (v.parse::<usize>(), r.parse::<usize>()) {
        (Ok(v), Ok(r)) => run_folder(v, r) == name,
        _ => false,
    }
}

/// The folder of the kept runs.
pub(crate) const RUNS_DIR: &str = "runs";

/// Every file name a sweep (or a merge) writes at the top of its folder.
pub(crate) fn sweep_file_names() -> Vec<String> {
    let mut names: Vec<String> = [
        PLAN_FILE,
        JOURNAL,
        "sweep.csv",
        "aggregate.csv",
        "best.csv",
        crate::report::REPORT_HTML,
    ]
    .map(String::from)
    .to_vec();
    names.extend(super::charts::file_names());
    names
}

/// Every file name a kept run's folder can hold.
pub(crate) fn kept_run_file_names() -> Vec<String> {
    [
        crate::output::TIMESERIES_CSV,
        crate::output::SCALING_CSV,
        crate::output::PARTITIONS_CSV,
        crate::output::SUMMARY_JSON,
        crate::output::MANIFEST_JSON,
    ]
    .map(String::from)
    .to_vec()
}

/// Removes from `runs` the run folders not in `kept` (their run files, then the folder
/// when nothing else is in it), and `runs` itself when it is left empty.
pub(crate) fn remove_stale_runs(runs: &Path, kept: &HashSet<String>) -> Result<(), SweepError> {
    if !runs.is_dir() {
        return Ok(());
    }
    let entries = std::fs::read_dir(runs).map_err(SweepError::io(runs))?;
    let mut stale = Vec::new();
    for entry in entries {
        let entry = entry.map_err(SweepError::io(runs))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_run_folder(&name) && !kept.contains(&name) && entry.path().is_dir() {
            stale.push(entry.path());
        }
    }
    stale.sort();
    for dir in stale {
        remove_stale(&dir, &kept_run_file_names(), &[])?;
        remove_if_empty(&dir)?;
    }
    if kept.is_empty() {
        remove_if_empty(runs)?;
    }
    Ok(())
}

/// Removes the folder `dir` when it holds nothing.
fn remove_if_empty(dir: &Path) -> Result<(), SweepError> {
    let empty = std::fs::read_dir(dir)
        .map_err(SweepError::io(dir))?
        .next()
        .is_none();
    if empty {
        std::fs::remove_dir(dir).map_err(SweepError::io(dir))?;
    }
    Ok(())
}

/// What the runs a sweep keeps (`--keep-runs`) will write, before they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeptEstimate {
    /// Runs kept (every replication of every variant of the shard that resolves).
    pub runs: u64,
    /// Estimated bytes over all of them.
    pub bytes: u64,
    /// The variant whose runs write the most, and one run's estimate.
    pub largest: Option<(usize, OutputEstimate)>,
}

impl KeptEstimate {
    /// The estimate for the runs of `spec` in `shard` (a variant that does not resolve
    /// writes nothing: it fails in its run).
    pub fn of(spec: &SweepSpec, shard: Option<Shard>) -> Self {
        let plan = &spec.plan;
        let replications = plan.seeds.len() as u64;
        let mut kept = KeptEstimate {
            runs: 0,
            bytes: 0,
            largest: None,
        };
        for v in (0..plan.variant_count()).filter(|&v| shard.is_none_or(|s| s.owns(v))) {
            let Ok(scenario) = spec.base.resolve(&plan.overrides(v, 0)) else {
                continue;
            };
            let one = OutputEstimate::of(&scenario);
            kept.runs += replications;
            kept.bytes = kept
                .bytes
                .saturating_add(one.bytes().saturating_mul(replications));
            if kept.largest.is_none_or(|(_, l)| one.bytes() > l.bytes()) {
                kept.largest = Some((v, one));
            }
        }
        kept
    }

    /// Whether the runs go over `limits`: all of them together over the bytes, or one
    /// run over the bytes or the rows of one file.
    pub fn exceeds(&self, limits: &Limits) -> bool {
        self.bytes > limits.max_bytes || self.largest.is_some_and(|(_, l)| l.exceeds(limits))
    }
}

impl fmt::Display for KeptEstimate {
    /// `24 kept runs, about 2.3 GB in all; the largest, variant 3: timeseries.csv ...`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} kept run{}, {} in all",
            estimate::thousands(self.runs),
            if self.runs == 1 { "" } else { "s" },
            estimate::bytes(self.bytes)
        )?;
        if let Some((v, one)) = &self.largest {
            write!(f, "; the largest, variant {v}, each: {one}")?;
        }
        Ok(())
    }
}

/// What the sweep has gathered so far, updated in run order by the executor's callback.
struct State {
    journal: Journal,
    records: Vec<RunRecord>,
    executed: usize,
    failed: usize,
    checkpoint: Instant,
}

impl State {
    /// Records the next run's outcome; appends new runs to the journal and rebuilds the
    /// tables every [`CHECKPOINT`].
    fn finish(&mut self, outcome: Outcome, plan: &Plan, out: &Path) -> Result<(), SweepError> {
        let record = match outcome {
            Outcome::Resumed(record) => record,
            Outcome::Ran(record) => {
                self.journal.append(&record)?;
                self.executed += 1;
                record
            }
        };
        self.failed += usize::from(record.error.is_some());
        self.records.push(record);
        if self.checkpoint.elapsed() >= CHECKPOINT {
            self.checkpoint = Instant::now();
            let stats = table::aggregate(plan, &self.records);
            write_all(out, &tables(plan, &self.records, &stats))?;
        }
        Ok(())
    }

    /// Progress after the runs recorded so far, of `total`.
    fn progress(&self, total: usize) -> SweepProgress {
        SweepProgress {
            done: self.records.len(),
            total,
            failed: self.failed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_names_run_folder_gives_are_run_folders() {
        assert!(is_run_folder("v00012-r3"));
        assert!(is_run_folder(&run_folder(123_456, 10)));
        for other in [
            "v12-r3",
            "v00012-r03",
            "v+0012-r3",
            "v00012",
            "x00012-r3",
            "runs",
        ] {
            assert!(!is_run_folder(other), "{other}");
        }
    }
}
