//! `esmsim calibrate`: fit the scenario's unknown constants to CloudWatch observations and
//! write `calibrated.yaml`, `fit.json` and `fit.csv`.

use std::io::{IsTerminal, Write};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Args;

use crate::calibrate::chart::{self, FitPanel};
use crate::calibrate::fit::{self, DEFAULT_POINTS, Problem, Target, Weights};
use crate::calibrate::observed::{self, Metric};
use crate::executor::{Detail, Executor, simulate};
use crate::output::OutputFile;
use crate::scenario::{FileTraces, ParsedScenario, to_yaml};

/// Arguments of `esmsim calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// The scenario with what the team knows (partitions, traffic, duration, batching).
    pub scenario: PathBuf,
    /// The JSON `aws cloudwatch get-metric-data` printed (repeatable).
    #[arg(long, required = true, value_name = "FILE")]
    pub observed: Vec<PathBuf>,
    /// A field to fit: `PATH=lo..hi` (e.g. `esm.scaler.actuation_delay=30s..180s`),
    /// `PATH=a|b|c` (e.g. `esm.scaler.scale_out.step=double|{add: 2}`), or a bare `PATH`
    /// of the scaler for its default range; repeatable, and bare paths may be
    /// comma-separated (`--fit esm.scaler.actuation_delay,esm.scaler.scale_out.step`).
    #[arg(long, required = true, value_name = "SPEC")]
    pub fit: Vec<String>,
    /// Override a field before fitting (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub overrides: Vec<String>,
    /// Grid points of each range.
    #[arg(long, default_value_t = DEFAULT_POINTS)]
    pub points: usize,
    /// Seeds every candidate runs with (common random numbers): the scenario's seed and
    /// the next ones.
    #[arg(long, default_value_t = 2)]
    pub seeds: u64,
    /// The wall-clock time that is the scenario's t = 0 (ISO 8601; default the earliest
    /// observed timestamp).
    #[arg(long)]
    pub start: Option<String>,
    /// Weight of a metric in the loss, e.g. `--weight Invocations=1` (repeatable;
    /// defaults: OffsetLag, ConcurrentExecutions, ProvisionedPollers 1; Invocations,
    /// Throttles, Errors 0.5; Duration 0).
    #[arg(long, value_name = "METRIC=W")]
    pub weight: Vec<String>,
    /// Worker threads (default one per core).
    #[arg(long)]
    pub jobs: Option<NonZeroUsize>,
    /// Output folder (default `outputs/<scenario name>-calibrated/`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Do not print progress or the result line.
    #[arg(long, short)]
    pub quiet: bool,
    /// Skip `fit.png` and `fit.svg`.
    #[arg(long)]
    pub no_charts: bool,
}

/// Runs `esmsim calibrate`.
///
/// # Errors
///
/// An unreadable or bad observed file, a bad `--fit`, a candidate that does not resolve,
/// an output that cannot be written.
pub fn command(args: &CalibrateArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let base = ParsedScenario::read(&args.scenario)?;
    let traces = FileTraces::default();
    let scenario = base.resolve(&args.overrides, &traces)?;
    let mut files = Vec::new();
    for path in &args.observed {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        files.push((path.display().to_string(), text));
    }
    let observed = observed::parse(&files)?;
    let start = match &args.start {
        Some(t) => observed::parse_timestamp(t).with_context(|| {
            format!("--start '{t}' is not ISO 8601 (e.g. 2026-11-28T17:00:00+00:00)")
        })?,
        None => observed.earliest(),
    };
    let params = args
        .fit
        .iter()
        .flat_map(|s| {
            // Only bare paths are comma-separated: a value may hold commas.
            if s.contains('=') {
                vec![s.as_str()]
            } else {
                s.split(',').map(str::trim).collect()
            }
        })
        .map(|s| fit::parse_param(s, args.points))
        .collect::<Result<Vec<_>, _>>()?;
    let seeds: Vec<u64> = (0..args.seeds.max(1)).map(|i| scenario.seed + i).collect();
    let mut weights = Weights::default();
    for w in &args.weight {
        let parsed = w.split_once('=').and_then(|(m, v)| {
            Some((
                Metric::from_name(m)?,
                v.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|x| *x >= 0.0 && x.is_finite())?,
            ))
        });
        let Some((metric, value)) = parsed else {
            anyhow::bail!(
                "--weight '{w}': expected METRIC=W with METRIC one of OffsetLag, ConcurrentExecutions, Invocations, Duration, ProvisionedPollers, Throttles, Errors and W a number >= 0"
            );
        };
        if metric == Metric::Duration && value > 0.0 {
            anyhow::bail!(
                "--weight '{w}': Duration is an input of the scenario and is not compared; its weight must be 0"
            );
        }
        for entry in &mut weights.0 {
            if entry.0 == metric {
                entry.1 = value;
            }
        }
    }
    let problem = Problem {
        base: &base,
        overrides: args.overrides.clone(),
        traces: &traces,
        params,
        seeds,
        target: Target {
            observed: observed.clone(),
            start,
            weights,
        },
    };
    let executor = Executor::new(args.jobs)?;
    let show = !args.quiet && std::io::stderr().is_terminal();
    let result = fit::fit(&problem, &executor, &mut |runs| {
        if show {
            eprint!("\r{}: {runs} runs", scenario.name);
            let _ = std::io::stderr().flush();
        }
    })?;
    if show {
        eprintln!();
    }
    let mut best_overrides = args.overrides.clone();
    best_overrides.extend(result.best.iter().cloned());
    let calibrated = base.resolve(&best_overrides, &traces)?;
    let run = simulate(&calibrated, Detail::Rows)?;
    let wall = started.elapsed().as_secs_f64();
    let json = serde_json::json!({
        "scenario": scenario.name,
        "observed": args.observed.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "start": observed::format_timestamp(start),
        "period_s": observed.period_s,
        "metrics": observed.series.iter().map(|s| s.metric.name()).collect::<Vec<_>>(),
        "weights": problem.target.weights.0.iter().map(|(m, w)| (m.name().to_string(), *w)).collect::<std::collections::BTreeMap<_, _>>(),
        "seeds": problem.seeds,
        "best": result.best,
        "loss": result.loss,
        "profiles": result.profiles,
        "runs": result.runs,
        "wall_time_s": wall,
    });
    let mut csv = String::from("time,t_s,metric,observed,simulated\n");
    let mut panels = Vec::new();
    let interval = calibrated.sample_interval.as_secs_f64();
    for s in &observed.series {
        let mut points = Vec::new();
        for &(t, obs) in &s.points {
            let from = (t - start) as f64;
            let sim = (s.metric != Metric::Duration)
                .then(|| {
                    fit::aggregate(
                        &run.rows,
                        s.metric,
                        from,
                        from + observed.period_s as f64,
                        interval,
                    )
                })
                .flatten();
            points.push((from, obs, sim));
            csv.push_str(&format!(
                "{},{from},{},{obs},{}\n",
                observed::format_timestamp(t),
                s.metric.name(),
                sim.map_or_else(String::new, |v| v.to_string())
            ));
        }
        if s.metric != Metric::Duration {
            panels.push(FitPanel {
                title: format!("{} ({})", s.metric.name(), s.metric.statistic()),
                points,
            });
        }
    }
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("outputs").join(format!("{}-calibrated", scenario.name)));
    let outputs = vec![
        OutputFile {
            name: "calibrated.yaml".into(),
            bytes: to_yaml(&calibrated).into_bytes(),
        },
        OutputFile {
            name: "fit.json".into(),
            bytes: crate::output::json::pretty(&json),
        },
        OutputFile {
            name: "fit.csv".into(),
            bytes: csv.into_bytes(),
        },
    ];
    let outputs = if args.no_charts {
        outputs
    } else {
        let charts = chart::render(&scenario.name, &panels)
            .map_err(|m| anyhow::anyhow!("drawing fit.png: {m}"))?;
        outputs.into_iter().chain(charts).collect()
    };
    crate::output::write::write_all(&out_dir, &outputs)
        .with_context(|| format!("writing the calibration of '{}'", scenario.name))?;
    if !args.quiet {
        let undetermined: Vec<&str> = result
            .profiles
            .iter()
            .filter(|p| !p.determined)
            .map(|p| p.path.as_str())
            .collect();
        println!(
            "{}: {} | loss {:.4} | {} runs in {wall:.1}s{} -> {}",
            scenario.name,
            result.best.join(" "),
            result.loss,
            result.runs,
            if undetermined.is_empty() {
                String::new()
            } else {
                format!(" | not determined by the data: {}", undetermined.join(", "))
            },
            out_dir.display()
        );
    }
    Ok(())
}
