//! `esmsim sensitivity`: re-run a scenario across the plausible range of every constant
//! AWS does not publish (or the calibrated range, with `--calibrated`), say which can
//! flip its verdict, and draw the tornado.

use std::io::IsTerminal;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Args;

use super::progress::RunsProgress;
use crate::executor::Executor;
use crate::output::OutputFile;
use crate::planner::calibration::Calibration;
use crate::planner::charts::tornado_chart;
use crate::planner::eval::Progress;
use crate::planner::sensitivity::{SensitivityReport, Subject, Verdict, sensitivity};
use crate::scenario::{FileTraces, Scenario};
use crate::sweep::SweepProgress;

/// Arguments of `esmsim sensitivity`.
#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// The scenario (with at least one objective, e.g. `slo.max_age`).
    pub scenario: PathBuf,
    /// Override a field first (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub overrides: Vec<String>,
    /// Seeds of every run: the scenario's seed and the next ones (default the scenario's
    /// `plan.seeds`, else 3).
    #[arg(long)]
    pub seeds: Option<u64>,
    /// The `fit.json` of `esmsim calibrate`: each constant it fitted takes its
    /// calibrated range (the values fitting the data within its tolerance).
    #[arg(long, value_name = "FIT_JSON")]
    pub calibrated: Option<PathBuf>,
    /// Worker threads (default one per core).
    #[arg(long)]
    pub jobs: Option<NonZeroUsize>,
    /// Output folder (default `outputs/<scenario name>-sensitivity/`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Do not print progress or the report.
    #[arg(long, short)]
    pub quiet: bool,
}

/// The seeds `base` and the next ones, `count` of them (at least one).
pub(crate) fn seeds_from(scenario: &Scenario, count: u64) -> Vec<u64> {
    (0..count.max(1))
        .map(|i| scenario.seed.wrapping_add(i))
        .collect()
}

/// The calibration of `--calibrated`, if given.
///
/// # Errors
///
/// A file that cannot be read or is not a calibrate `fit.json`.
pub(crate) fn read_calibration(path: Option<&Path>) -> anyhow::Result<Option<Calibration>> {
    let Some(path) = path else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("--calibrated: reading {}", path.display()))?;
    Ok(Some(Calibration::parse(
        &path.display().to_string(),
        &text,
    )?))
}

/// The file name of the wall-clock timing of `plan` and `sensitivity`.
pub(crate) const TIMING_JSON: &str = "timing.json";

/// `timing.json`: the wall-clock time of a `plan` or `sensitivity`, kept out of its
/// report so that the report's bytes depend only on the inputs, the seeds and `--jobs`.
pub(crate) fn timing_file(wall_s: f64, evaluations: usize) -> OutputFile {
    let timing = serde_json::json!({
        "wall_time_s": wall_s,
        "evaluations": evaluations,
        "runs_per_s": evaluations as f64 / wall_s.max(1e-9),
    });
    OutputFile {
        name: TIMING_JSON.into(),
        bytes: crate::output::json::pretty(&timing),
    }
}

/// A progress callback for the planner's reports on `bar`.
pub(crate) fn on_progress(bar: &mut RunsProgress) -> impl FnMut(Progress) + '_ {
    |p: Progress| {
        bar.update(SweepProgress {
            done: p.done,
            total: p.total,
            failed: 0,
        });
    }
}

fn verdict_words(v: &Verdict) -> String {
    format!(
        "{} (margin {:+.0} %, ${:.4})",
        if v.met { "met" } else { "missed" },
        if v.margin.is_finite() {
            v.margin * 100.0
        } else {
            0.0
        },
        v.cost_usd
    )
}

/// The report as text: the baseline, then one line per assumption.
pub(crate) fn report_text(report: &SensitivityReport) -> String {
    let mut out = format!("as configured: {}\n", verdict_words(&report.baseline));
    for e in &report.assumptions {
        let values: Vec<String> = e
            .values
            .iter()
            .map(|v| match &v.verdict {
                Some(verdict) => format!("{}: {}", v.value, verdict_words(verdict)),
                None => format!("{}: does not resolve", v.value),
            })
            .collect();
        out.push_str(&format!(
            "  {}{} ({}{}): {}\n",
            if e.flips { "FLIPS " } else { "" },
            e.name,
            e.path,
            if e.calibrated { ", calibrated" } else { "" },
            values.join("; ")
        ));
    }
    if !report.calibration_unused.is_empty() {
        out.push_str(&format!(
            "calibrated but not an assumption tried here: {}\n",
            report.calibration_unused.join(", ")
        ));
    }
    out.push_str(&if report.flips.is_empty() {
        format!(
            "no assumption flips the verdict ({} tried, {} runs)\n",
            report.assumptions.len(),
            report.evaluations
        )
    } else {
        format!(
            "the verdict can flip with: {} ({} runs)\n",
            report.flips.join(", "),
            report.evaluations
        )
    });
    out
}

/// Runs `esmsim sensitivity`.
///
/// # Errors
///
/// A scenario that does not resolve or sets no objective, an output that cannot be
/// written.
pub fn command(args: &SensitivityArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let traces = FileTraces::default();
    let (base, scenario, section) =
        super::plan::read_requirements(&args.scenario, &args.overrides, &traces)?;
    let seeds = args
        .seeds
        .or(section.and_then(|s| s.seeds))
        .unwrap_or(super::plan::DEFAULT_SEEDS);
    let calibration = read_calibration(args.calibrated.as_deref())?;
    let subject = Subject {
        base: &base,
        overrides: args.overrides.clone(),
        traces: &traces,
        seeds: seeds_from(&scenario, seeds),
        calibration: calibration.as_ref(),
    };
    let executor = Executor::new(args.jobs)?;
    let mut bar = RunsProgress::new(
        &scenario.name,
        !args.quiet && std::io::stderr().is_terminal(),
    );
    let report = sensitivity(&subject, &scenario, &executor, &mut on_progress(&mut bar))?;
    bar.finish();
    let wall = started.elapsed().as_secs_f64();
    let json = serde_json::json!({
        "scenario": scenario.name,
        "overrides": args.overrides,
        "seeds": subject.seeds,
        "calibration": calibration,
        "report": report,
    });
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("outputs").join(format!("{}-sensitivity", scenario.name)));
    let mut outputs = vec![OutputFile {
        name: "sensitivity.json".into(),
        bytes: crate::output::json::pretty(&json),
    }];
    outputs.extend(tornado_chart(
        &format!(
            "{}: margin over the {} range of each assumption",
            scenario.name,
            if report.calibrated.is_empty() {
                "plausible"
            } else {
                "plausible or calibrated"
            }
        ),
        &report,
    )?);
    outputs.push(timing_file(wall, report.evaluations));
    crate::output::write::write_all(&out_dir, &outputs)
        .with_context(|| format!("writing the sensitivity report of '{}'", scenario.name))?;
    if !args.quiet {
        print!("{}", report_text(&report));
        println!("{:.1}s -> {}", wall, out_dir.display());
    }
    Ok(())
}
