//! `esmsim plan`: the cheapest configuration that meets every objective on every seed,
//! its margins and binding constraint, the alternatives, the robustness of the verdict,
//! `plan.json` and the charts. The fields to vary come from the scenario's `plan:`
//! section and `--vary` (which wins for a field both name); the wall-clock time goes to
//! `timing.json`, so `plan.json` is the same bytes for the same inputs and `--jobs`.

use std::io::IsTerminal;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Args;

use super::progress::RunsProgress;
use super::sensitivity::{
    TIMING_JSON, on_progress, read_calibration, report_text, seeds_from, timing_file,
};
use crate::executor::Executor;
use crate::output::OutputFile;
use crate::planner::axes::{self, Axis};
use crate::planner::charts::{COST_CHART, TORNADO_CHART, cost_chart, cost_curves, tornado_chart};
use crate::planner::eval::{Problem, Runner};
use crate::planner::search::{self, Choice, PlanResult};
use crate::planner::sensitivity::{Subject, sensitivity};
use crate::planner::{PlanError, objectives};
use crate::scenario::plan::PlanSection;
use crate::scenario::{FileTraces, ParsedScenario, Scenario};

/// Seeds when neither `--seeds` nor the scenario's `plan.seeds` says.
pub const DEFAULT_SEEDS: u64 = 3;

/// Arguments of `esmsim plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The scenario with the requirements (at least one objective, e.g. `slo.max_age`).
    pub scenario: PathBuf,
    /// A field to choose and its values: `PATH=a,b,c`, `PATH=12..48`, `PATH=12..48:6`,
    /// `PATH=0s..5s` (repeatable). Adds to the scenario's `plan.vary`; a field it also
    /// lists takes the values given here.
    #[arg(long, value_name = "PATH=VALUES")]
    pub vary: Vec<String>,
    /// Override a field first (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub overrides: Vec<String>,
    /// Seeds every answer must hold for: the scenario's seed and the next ones (default
    /// the scenario's `plan.seeds`, else 3).
    #[arg(long)]
    pub seeds: Option<u64>,
    /// Simulate the whole grid with every seed instead of searching (for comparison).
    #[arg(long)]
    pub exhaustive: bool,
    /// Skip the robustness runs over the unpublished constants.
    #[arg(long)]
    pub no_sensitivity: bool,
    /// The `fit.json` of `esmsim calibrate`: in the robustness runs, each constant it
    /// fitted takes its calibrated range.
    #[arg(long, value_name = "FIT_JSON", conflicts_with = "no_sensitivity")]
    pub calibrated: Option<PathBuf>,
    /// Worker threads (default one per core).
    #[arg(long)]
    pub jobs: Option<NonZeroUsize>,
    /// Output folder (default `outputs/<scenario name>-plan/`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Do not print progress or the report.
    #[arg(long, short)]
    pub quiet: bool,
}

fn choice_text(label: &str, c: &Choice, period: &str) -> String {
    let mut out = format!(
        "{label}: {}\n  cost ${:.4} per {period} simulated (${:.2} per day), mean of {} seeds\n",
        c.settings.join(" "),
        c.cost_usd,
        c.cost_per_day_usd,
        c.seeds
    );
    for o in &c.objectives {
        let u = &o.unit;
        out.push_str(&format!(
            "  {}: {} on every seed; worst {:.1} {u} against {} {u} (margin {:.1} {u}, {:.0} %){}\n",
            o.name,
            if o.met { "met" } else { "NOT met" },
            o.limit - o.margin,
            o.limit,
            o.margin,
            o.relative_margin() * 100.0,
            if c.binding.as_deref() == Some(o.name.as_str()) {
                "  <- binding"
            } else {
                ""
            }
        ));
    }
    out
}

/// Every file name `plan` can write into its folder.
fn plan_file_names() -> Vec<String> {
    let mut names = vec!["plan.json".to_string(), TIMING_JSON.to_string()];
    for chart in [COST_CHART, TORNADO_CHART] {
        for ext in ["png", "svg"] {
            names.push(format!("{chart}.{ext}"));
        }
    }
    names
}

/// The short report printed on standard output.
fn text(name: &str, result: &PlanResult, seeds: usize, period: &str) -> String {
    let mut out = format!(
        "{name}: {} of {} configurations simulated, {} runs (full grid: {} runs, {} seeds)\n",
        result.configurations_simulated,
        result.grid_configurations,
        result.evaluations,
        result.full_grid_evaluations,
        seeds
    );
    match (&result.chosen, &result.closest) {
        (Some(c), _) => out.push_str(&choice_text("chosen", c, period)),
        (None, Some(c)) => {
            out.push_str(&format!(
                "no configuration meets every objective on every seed: {} cannot be met\n",
                result.unmet.join(", ")
            ));
            out.push_str(&choice_text("closest", c, period));
        }
        (None, None) => {}
    }
    for a in &result.alternatives {
        out.push_str(&choice_text(&a.label, &a.choice, period));
    }
    if result.invalid_configurations > 0 {
        out.push_str(&format!(
            "{} configurations do not resolve (first: {})\n",
            result.invalid_configurations,
            result.first_invalid.as_deref().unwrap_or("")
        ));
    }
    out
}

/// The scenario of `plan` and `sensitivity`, parsed once and resolved with the
/// overrides, and its `plan:` section; it must set at least one objective.
///
/// # Errors
///
/// A scenario or `plan:` section that does not read or resolve, or no objective.
pub(super) fn read_requirements(
    path: &std::path::Path,
    overrides: &[String],
    traces: &FileTraces,
) -> anyhow::Result<(ParsedScenario, Scenario, Option<PlanSection>)> {
    let base = ParsedScenario::read(path)?;
    let scenario = base.resolve(overrides, traces)?;
    let section = base.plan(overrides)?;
    if !objectives::has_objectives(&scenario) {
        return Err(PlanError::NoObjective.into());
    }
    Ok((base, scenario, section))
}

/// The fields to vary: the section's, in its order, with each `--vary` replacing the
/// section's values of its field or, for another field, added after them.
///
/// # Errors
///
/// A bad `--vary`, or nothing to vary.
fn merged_axes(section: Option<&PlanSection>, vary: &[String]) -> anyhow::Result<Vec<Axis>> {
    let mut axes: Vec<Axis> = section.map(|s| s.axes.clone()).unwrap_or_default();
    for spec in vary {
        let axis = axes::parse_axis(spec)?;
        match axes.iter_mut().find(|a| a.path == axis.path) {
            Some(existing) => *existing = axis,
            None => axes.push(axis),
        }
    }
    if axes.is_empty() {
        return Err(PlanError::NothingToVary.into());
    }
    Ok(axes)
}

/// Runs `esmsim plan`.
///
/// # Errors
///
/// A scenario that does not resolve or sets no objective, a bad `--vary`, a grid with no
/// configuration that resolves, an output that cannot be written.
pub fn command(args: &PlanArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let traces = FileTraces::default();
    let (base, scenario, section) = read_requirements(&args.scenario, &args.overrides, &traces)?;
    let calibration = read_calibration(args.calibrated.as_deref())?;
    let axes = merged_axes(section.as_ref(), &args.vary)?;
    let seeds = args
        .seeds
        .or(section.as_ref().and_then(|s| s.seeds))
        .unwrap_or(DEFAULT_SEEDS);
    let problem = Problem {
        base: &base,
        overrides: args.overrides.clone(),
        traces: &traces,
        axes,
        seeds: seeds_from(&scenario, seeds),
    };
    let executor = Executor::new(args.jobs)?;
    let mut bar = RunsProgress::new(
        &scenario.name,
        !args.quiet && std::io::stderr().is_terminal(),
    );
    let (result, curves) = {
        let mut progress = on_progress(&mut bar);
        let mut runner = Runner::new(&problem, &executor, &mut progress);
        let result = if args.exhaustive {
            search::exhaustive(&mut runner)?
        } else {
            search::plan(&mut runner)?
        };
        let curves = result
            .center
            .as_ref()
            .map(|c| cost_curves(&runner, c))
            .unwrap_or_default();
        (result, curves)
    };
    let robustness = match (&result.chosen, args.no_sensitivity) {
        (Some(chosen), false) => {
            let mut overrides = args.overrides.clone();
            overrides.extend(chosen.settings.iter().cloned());
            let subject = Subject {
                base: &base,
                overrides: overrides.clone(),
                traces: &traces,
                seeds: problem.seeds.clone(),
                calibration: calibration.as_ref(),
            };
            let resolved = base.resolve(&overrides, &traces)?;
            Some(sensitivity(
                &subject,
                &resolved,
                &executor,
                &mut on_progress(&mut bar),
            )?)
        }
        _ => None,
    };
    bar.finish();
    let wall = started.elapsed().as_secs_f64();
    let period = humantime::format_duration(scenario.duration.to_std()).to_string();
    let json = serde_json::json!({
        "scenario": scenario.name,
        "overrides": args.overrides,
        "seeds": problem.seeds,
        "cost_period": period,
        "axes": problem.axes,
        "method": if args.exhaustive { "exhaustive" } else { "search" },
        "result": result,
        "near_optimum": curves,
        "calibration": calibration,
        "sensitivity": robustness,
    });
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("outputs").join(format!("{}-plan", scenario.name)));
    let mut outputs = vec![OutputFile {
        name: "plan.json".into(),
        bytes: crate::output::json::pretty(&json),
    }];
    if !curves.is_empty() {
        outputs.extend(cost_chart(
            &format!(
                "{}: cost per day near the {}",
                scenario.name,
                if result.chosen.is_some() {
                    "chosen configuration"
                } else {
                    "closest configuration"
                }
            ),
            &curves,
        )?);
    }
    if let Some(report) = &robustness {
        outputs.extend(tornado_chart(
            &format!(
                "{}: margin of the chosen configuration over each assumption's range",
                scenario.name
            ),
            report,
        )?);
    }
    let evaluations = result.evaluations + robustness.as_ref().map_or(0, |r| r.evaluations);
    outputs.push(timing_file(wall, evaluations));
    let written = crate::output::write::write_all(&out_dir, &outputs)
        .with_context(|| format!("writing the plan of '{}'", scenario.name))?;
    // Never a mix of two plans in one folder: a tornado after --no-sensitivity, a cost
    // chart of an earlier plan, go once this plan's files are in place.
    crate::output::write::remove_stale(&out_dir, &plan_file_names(), &written).with_context(
        || {
            format!(
                "removing an earlier plan's files from {}",
                out_dir.display()
            )
        },
    )?;
    if !args.quiet {
        print!(
            "{}",
            text(&scenario.name, &result, problem.seeds.len(), &period)
        );
        if let Some(report) = &robustness {
            print!(
                "robustness of the chosen configuration:\n{}",
                report_text(report)
            );
        }
        println!("{wall:.1}s -> {}", out_dir.display());
    }
    Ok(())
}
