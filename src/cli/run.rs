//! `esmsim run`: simulate a scenario, write its outputs, charts and timing, print a
//! summary line.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Args;

use super::ScenarioArgs;
use super::progress::SimulationProgress;
use super::scenario::print_warnings;
use crate::engine::time::SimDuration;
use crate::output::{self, OutputFile};
use crate::scenario::{Scenario, warnings};
use crate::sim::{RunResult, Simulation, measure_events};

/// Arguments of `esmsim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario and its overrides.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Output folder (default `outputs/<scenario name>/`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Do not print the progress bar or the summary line.
    #[arg(long, short)]
    pub quiet: bool,
    /// Skip the charts (same as `outputs: {charts: false}`).
    #[arg(long)]
    pub no_charts: bool,
}

/// Runs `esmsim run` (the scenario's warnings, values AWS cannot be set to, go to
/// standard error first).
///
/// # Errors
///
/// The scenario's error, a chart that cannot be drawn, an output that cannot be written.
pub fn command(args: &RunArgs) -> anyhow::Result<()> {
    let scenario = args.scenario.load()?;
    print_warnings(&warnings(&scenario));
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("outputs").join(&scenario.name));
    let started = Instant::now();
    let progress = SimulationProgress::new(&scenario.name, scenario.duration.0, !args.quiet);
    let mut result = Simulation::new(&scenario).run(&mut |now| progress.update(now));
    progress.finish();
    let wall = started.elapsed();
    measure_events(&scenario, &mut result.summary, &mut |name| {
        if !args.quiet {
            eprintln!(
                "{}: the same run without event '{name}', for what it added",
                scenario.name
            );
        }
    });
    let mut files = output::render(&scenario, &result);
    if scenario.outputs.charts && !args.no_charts {
        files.extend(crate::charts::render_run(
            &files,
            &crate::charts::ChartOptions::default(),
        )?);
    }
    files.push(timing_file(&scenario, &result, wall.as_secs_f64()));
    output::write::write_all(&out_dir, &files)
        .with_context(|| format!("writing the outputs of '{}'", scenario.name))?;
    if !args.quiet {
        println!(
            "{}",
            summary_line(&scenario, &result, wall.as_secs_f64(), &out_dir)
        );
    }
    Ok(())
}

fn timing_file(scenario: &Scenario, result: &RunResult, wall_s: f64) -> OutputFile {
    let timing = serde_json::json!({
        "wall_time_s": wall_s,
        "events_processed": result.events,
        "events_per_s": result.events as f64 / wall_s.max(1e-9),
        "simulated_s_per_wall_s": scenario.duration.as_secs_f64() / wall_s.max(1e-9),
    });
    OutputFile {
        name: "timing.json".into(),
        bytes: crate::output::json::pretty(&timing),
    }
}

fn summary_line(scenario: &Scenario, result: &RunResult, wall_s: f64, out_dir: &Path) -> String {
    let s = &result.summary;
    let p99 = s
        .latency_p99_s
        .map_or_else(|| "-".to_string(), |v| format!("{v:.2}s"));
    format!(
        "{}: {} simulated in {:.2}s | max lag {} at {} | max age {:.1}s | p99 latency {} | {} invocations | ${:.4} -> {}",
        scenario.name,
        scenario.duration,
        wall_s,
        s.max_lag_records,
        SimDuration::from_secs_f64(s.max_lag_at_s),
        s.max_record_age_s,
        p99,
        s.invocations,
        s.cost_usd,
        out_dir.display()
    )
}
