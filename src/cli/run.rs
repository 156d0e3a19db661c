//! `esmsim run`: simulate a scenario, write its outputs, charts, report and timing, print
//! a summary line.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Args;

use super::ScenarioArgs;
use super::progress::SimulationProgress;
use super::scenario::print_warnings;
use crate::engine::time::SimDuration;
use crate::output::estimate::{Limits, OutputEstimate};
use crate::output::stream::RowFiles;
use crate::output::{self, OutputFile};
use crate::report;
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
    /// Skip `report.html` (same as `outputs: {report: false}`).
    #[arg(long)]
    pub no_report: bool,
    /// Write the outputs even when they are estimated above 2 GB or 20 million rows in
    /// one file.
    #[arg(long)]
    pub allow_large: bool,
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
    let estimate = OutputEstimate::of(&scenario);
    if !args.allow_large && estimate.exceeds(&Limits::default()) {
        anyhow::bail!(
            "{}: the outputs would be too large: {estimate}. Sample less often \
             (`--set sample_interval=1s`), turn partitions.csv off \
             (`--set outputs.partitions_csv=false`), shorten the run, or pass --allow-large",
            scenario.name
        );
    }
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("outputs").join(&scenario.name));
    std::fs::create_dir_all(&out_dir)
        .with_context(|| format!("creating the output folder {}", out_dir.display()))?;
    let writing = || format!("writing the outputs of '{}'", scenario.name);
    // The rows go to their files as the run produces them (under temporary names until
    // every file is ready), so memory does not grow with the run's length.
    let mut rows = RowFiles::create(
        &out_dir,
        scenario.outputs.partitions_csv,
        scenario.start_at.as_ref(),
    )
    .with_context(writing)?;
    let started = Instant::now();
    let progress = SimulationProgress::new(&scenario.name, scenario.duration.0, !args.quiet);
    let mut result =
        Simulation::new(&scenario).run_into(&mut |now| progress.update(now), &mut rows);
    progress.finish();
    let wall = started.elapsed();
    let (mut timeseries, partitions) = rows.finish().with_context(writing)?;
    measure_events(&scenario, &mut result.summary, &mut |name| {
        if !args.quiet {
            eprintln!(
                "{}: the same run without event '{name}', for what it added",
                scenario.name
            );
        }
    });
    let mut files = output::render_except_rows(&scenario, &result);
    let timeseries_so_far = timeseries.flushed().with_context(writing)?.to_path_buf();
    let charts = scenario.outputs.charts && !args.no_charts;
    if charts {
        files.extend(crate::charts::render_run_from_file(
            &timeseries_so_far,
            &files,
            &crate::charts::ChartOptions::default(),
        )?);
    }
    if scenario.outputs.report && !args.no_report {
        files.push(report_file(
            &scenario,
            &result,
            &files,
            (!charts).then_some(timeseries_so_far.as_path()),
        )?);
    }
    files.push(timing_file(&scenario, &result, wall.as_secs_f64()));
    let mut written = vec![timeseries.commit().with_context(writing)?];
    if let Some(partitions) = partitions {
        written.push(partitions.commit().with_context(writing)?);
    }
    written.extend(output::write::write_all(&out_dir, &files).with_context(writing)?);
    // Never a mix of two runs in one folder: what an earlier run wrote and this one did
    // not (a partitions.csv, charts now off) goes once this run's files are in place.
    output::write::remove_stale(&out_dir, &run_file_names(), &written)
        .with_context(|| format!("removing an earlier run's files from {}", out_dir.display()))?;
    if !args.quiet {
        println!(
            "{}",
            summary_line(&scenario, &result, wall.as_secs_f64(), &out_dir)
        );
    }
    Ok(())
}

/// File name of the wall-clock timing of a run.
const TIMING_JSON: &str = "timing.json";

/// Every file name `run` can write into its folder: the data files, `report.html` and
/// each chart in both formats.
fn run_file_names() -> Vec<String> {
    let mut names: Vec<String> = [
        output::TIMESERIES_CSV,
        output::SCALING_CSV,
        output::PARTITIONS_CSV,
        output::SUMMARY_JSON,
        output::MANIFEST_JSON,
        TIMING_JSON,
        report::REPORT_HTML,
    ]
    .map(String::from)
    .to_vec();
    for chart in crate::charts::ChartKind::ALL {
        for ext in ["png", "svg"] {
            names.push(format!("{}.{ext}", chart.name()));
        }
    }
    names
}

/// `report.html`, with the SVG charts already drawn among `files` or, when charts are off,
/// drawn for the report alone from the time series at `draw_from`.
fn report_file(
    scenario: &Scenario,
    result: &RunResult,
    files: &[OutputFile],
    draw_from: Option<&Path>,
) -> anyhow::Result<OutputFile> {
    let drawn_now;
    let charts = match draw_from {
        None => files,
        Some(timeseries) => {
            drawn_now = crate::charts::render_run_from_file(
                timeseries,
                files,
                &report::run::chart_options(),
            )?;
            &drawn_now[..]
        }
    };
    Ok(OutputFile {
        name: report::REPORT_HTML.into(),
        bytes: report::run::html(scenario, result, charts).into_bytes(),
    })
}

fn timing_file(scenario: &Scenario, result: &RunResult, wall_s: f64) -> OutputFile {
    let timing = serde_json::json!({
        "wall_time_s": wall_s,
        "events_processed": result.events,
        "events_per_s": result.events as f64 / wall_s.max(1e-9),
        "simulated_s_per_wall_s": scenario.duration.as_secs_f64() / wall_s.max(1e-9),
    });
    OutputFile {
        name: TIMING_JSON.into(),
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
