//! Running a sweep: every run of this shard on a rayon pool, each finished run appended to
//! the journal, then the tables and charts rebuilt from the records and written atomically.
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

use std::collections::HashMap;
use std::io::IsTerminal;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::SweepError;
use super::journal::{self, JOURNAL, Journal, RunRecord};
use super::plan::{Plan, Shard};
use super::spec::{Base, SweepSpec};
use super::table;
use crate::output::OutputFile;
use crate::output::write::{write_all, write_atomic};
use crate::sim::Simulation;

/// The plan file's name inside the output folder.
pub const PLAN_FILE: &str = "sweep.json";

/// How often the tables are rebuilt while a sweep runs.
const CHECKPOINT: Duration = Duration::from_secs(30);

/// How to run a sweep.
#[derive(Clone, Debug)]
pub struct SweepOptions {
    /// Output folder (default `outputs/<name>/`, or `outputs/<name>/shard-<i>-of-<n>/`).
    pub out: Option<PathBuf>,
    /// Worker threads (default: one per core).
    pub jobs: Option<usize>,
    /// Skip runs already in the journal with the same seed and scenario hash.
    pub resume: bool,
    /// Write each run's own outputs under `runs/`.
    pub keep_runs: bool,
    /// Run only this shard's variants.
    pub shard: Option<Shard>,
    /// Draw the comparison charts.
    pub charts: bool,
    /// Show progress on standard error (a bar on a terminal, plain lines otherwise).
    pub progress: bool,
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
            progress: false,
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
    /// The age SLO in seconds, if the sweep has one.
    pub slo_max_age_s: Option<f64>,
    /// The cheapest variant meeting the SLO (without an SLO: the cheapest variant without
    /// a failed run), as `id: key=value, ...`.
    pub best: Option<String>,
}

/// `sweep.json`: the plan, and which shard of it this folder holds.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct PlanFile {
    pub(crate) plan: Plan,
    pub(crate) shard: Option<Shard>,
}

/// Reads, expands and runs the sweep file at `path`.
///
/// # Errors
///
/// A bad sweep file, an unwritable output folder or a corrupt journal; a failing variant
/// is not an error (it is a row of `sweep.csv` with its message).
pub fn run_sweep(path: &Path, opts: &SweepOptions) -> Result<SweepReport, SweepError> {
    run_spec(&SweepSpec::load(path)?, opts)
}

/// The default output folder of a sweep (or of one shard of it).
pub fn default_out(name: &str, shard: Option<Shard>) -> PathBuf {
    let dir = Path::new("outputs").join(name);
    match shard {
        Some(s) => dir.join(format!("shard-{}-of-{}", s.index, s.count)),
        None => dir,
    }
}

/// Runs an already loaded sweep.
pub fn run_spec(spec: &SweepSpec, opts: &SweepOptions) -> Result<SweepReport, SweepError> {
    let started = Instant::now();
    let plan = &spec.plan;
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| default_out(&plan.name, opts.shard));
    std::fs::create_dir_all(&out).map_err(SweepError::io(&out))?;
    let plan_file = PlanFile {
        plan: plan.clone(),
        shard: opts.shard,
    };
    write_atomic(&out.join(PLAN_FILE), &pretty_json(&plan_file))?;

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
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.unwrap_or(0))
        .build()
        .map_err(|e| SweepError::invalid("--jobs", opts.jobs.unwrap_or(0), e.to_string()))?;
    let progress = Progress::new(&plan.name, runs.len(), opts.progress);
    let state = Mutex::new(State {
        journal,
        records: vec![None; runs.len()],
        executed: 0,
        failed: 0,
        error: None,
        checkpoint: Instant::now(),
    });
    let keep = opts.keep_runs.then(|| out.join("runs"));
    let lock = || state.lock().unwrap_or_else(|e| e.into_inner());
    pool.install(|| {
        runs.par_iter().enumerate().for_each(|(i, &k)| {
            if lock().error.is_some() {
                return;
            }
            let (v, r) = (k / replications, k % replications);
            let outcome = execute(&spec.base, plan, v, r, &done, keep.as_deref());
            let mut st = lock();
            if let Err(e) = st.finish(i, outcome, plan, &out) {
                st.error.get_or_insert(e);
            }
            progress.advance(st.failed);
        });
    });
    progress.finish();
    let st = state.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(e) = st.error {
        return Err(e);
    }
    let records: Vec<RunRecord> = st.records.into_iter().flatten().collect();
    write_atomic(&journal_path, &journal::to_bytes(&records))?;
    let stats = table::aggregate(plan, &records);
    let mut files = tables(plan, &records, &stats);
    if opts.charts {
        files.extend(super::charts::render(plan, &stats)?);
    }
    write_all(&out, &files)?;
    Ok(SweepReport {
        name: plan.name.clone(),
        out_dir: out,
        variants: runs.len() / replications,
        runs: runs.len(),
        executed: st.executed,
        resumed: runs.len() - st.executed,
        failed: st.failed,
        wall_s: started.elapsed().as_secs_f64(),
        slo_max_age_s: plan.slo_max_age_s,
        best: table::best(&stats)
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

pub(crate) fn pretty_json<T: Serialize>(value: &T) -> Vec<u8> {
    crate::output::json::pretty(value)
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
    let result = catch_unwind(AssertUnwindSafe(|| {
        let simulation = Simulation::new(&scenario);
        // Only kept runs write rows; the sweep's tables come from the summary.
        let simulation = match keep {
            Some(_) => simulation,
            None => simulation.without_interval_latency(),
        };
        simulation.run(&mut |_| {})
    }));
    let result = match result {
        Ok(result) => result,
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let error = format!("the simulation failed (a bug; please report it): {message}");
            return Ok(Outcome::Ran(RunRecord::failed(v, r, seed, hash, error)));
        }
    };
    if let Some(dir) = keep {
        write_all(
            &dir.join(run_folder(v, r)),
            &crate::output::render(&scenario, &result),
        )?;
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

/// What the workers share.
struct State {
    journal: Journal,
    records: Vec<Option<RunRecord>>,
    executed: usize,
    failed: usize,
    error: Option<SweepError>,
    checkpoint: Instant,
}

impl State {
    /// Records run `i`'s outcome; appends new runs to the journal and rebuilds the tables
    /// every [`CHECKPOINT`].
    fn finish(
        &mut self,
        i: usize,
        outcome: Result<Outcome, SweepError>,
        plan: &Plan,
        out: &Path,
    ) -> Result<(), SweepError> {
        let record = match outcome? {
            Outcome::Resumed(record) => record,
            Outcome::Ran(record) => {
                self.journal.append(&record)?;
                self.executed += 1;
                record
            }
        };
        self.failed += usize::from(record.error.is_some());
        self.records[i] = Some(record);
        if self.checkpoint.elapsed() >= CHECKPOINT {
            self.checkpoint = Instant::now();
            let records: Vec<RunRecord> = self.records.iter().flatten().cloned().collect();
            let stats = table::aggregate(plan, &records);
            write_all(out, &tables(plan, &records, &stats))?;
        }
        Ok(())
    }
}

/// Progress on standard error: a bar with an ETA on a terminal, otherwise a plain line at
/// every tenth of the runs.
struct Progress {
    bar: Option<ProgressBar>,
    plain: bool,
    name: String,
    total: usize,
    done: Mutex<usize>,
    started: Instant,
}

impl Progress {
    fn new(name: &str, total: usize, show: bool) -> Progress {
        let terminal = show && std::io::stderr().is_terminal();
        let bar = terminal.then(|| {
            let bar = ProgressBar::new(total as u64);
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} {msg} [{bar:30}] {pos}/{len} runs, {per_sec}, eta {eta}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(name.to_string());
            bar
        });
        Progress {
            bar,
            plain: show && !terminal,
            name: name.to_string(),
            total,
            done: Mutex::new(0),
            started: Instant::now(),
        }
    }

    fn advance(&self, failed: usize) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
            return;
        }
        let mut done = self.done.lock().unwrap_or_else(|e| e.into_inner());
        *done += 1;
        let tenth = |n: usize| n * 10 / self.total.max(1);
        if self.plain && tenth(*done) > tenth(*done - 1) {
            let elapsed = self.started.elapsed().as_secs_f64();
            let eta = elapsed / *done as f64 * (self.total - *done) as f64;
            eprintln!(
                "{}: {}/{} runs ({}%), {failed} failed, eta {}",
                self.name,
                *done,
                self.total,
                *done * 100 / self.total.max(1),
                humantime::format_duration(Duration::from_secs(eta.round() as u64))
            );
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
