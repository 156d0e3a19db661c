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
use crate::output::estimate::{self, Limits, OutputEstimate};
use crate::output::stream::RowFiles;
use crate::output::write::WriteError;
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
    /// Write the outputs even when they are estimated above 2 GB or 20 million rows in
    /// one file.
    #[arg(long)]
    pub allow_large: bool,
}

/// The outputs are estimated above the limits and `--allow-large` was not given.
#[derive(Debug, thiserror::Error)]
#[error(
    "'{name}' would write {estimate}, over the limit of {max_bytes} or {max_rows} rows in one file.\n\
     Ways out: a longer sample interval (--set sample_interval=1s), no per-partition \
     file (--set outputs.partitions_csv=false), a shorter run (--set duration=...), or \
     --allow-large to write it anyway"
)]
pub struct TooLarge {
    /// The scenario's name.
    pub name: String,
    /// What the run would write.
    pub estimate: OutputEstimate,
    /// The byte limit, formatted.
    pub max_bytes: String,
    /// The row limit, formatted.
    pub max_rows: String,
}

/// Refuses outputs over `limits`, unless `allow`.
///
/// # Errors
///
/// [`TooLarge`] with the estimate and the ways out.
pub fn check_size(scenario: &Scenario, limits: &Limits, allow: bool) -> Result<(), TooLarge> {
    let estimate = OutputEstimate::of(scenario);
    if allow || !estimate.exceeds(limits) {
        return Ok(());
    }
    Err(TooLarge {
        name: scenario.name.clone(),
        estimate,
        max_bytes: estimate::bytes(limits.max_bytes).replace("about ", ""),
        max_rows: estimate::thousands(limits.max_rows),
    })
}

/// Runs `esmsim run` (the scenario's warnings, values AWS cannot be set to, go to
/// standard error first).
///
/// The rows go to `timeseries.csv` and `partitions.csv` as the run closes them (memory
/// stays flat in the length of the run); every file gets its final name only once all
/// are ready, and the files of an earlier run in the folder that this run does not
/// write again are then removed.
///
/// # Errors
///
/// The scenario's error, outputs over the size limits, a chart that cannot be drawn, an
/// output that cannot be written.
pub fn command(args: &RunArgs) -> anyhow::Result<()> {
    let scenario = args.scenario.load()?;
    print_warnings(&warnings(&scenario));
    check_size(&scenario, &Limits::default(), args.allow_large)?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("outputs").join(&scenario.name));
    let context = || format!("writing the outputs of '{}'", scenario.name);
    std::fs::create_dir_all(&out_dir)
        .map_err(|source| WriteError {
            path: out_dir.clone(),
            source,
        })
        .with_context(context)?;
    let mut rows =
        RowFiles::create(&out_dir, scenario.outputs.partitions_csv).with_context(context)?;
    let started = Instant::now();
    let progress = SimulationProgress::new(&scenario.name, scenario.duration.0, !args.quiet);
    let mut result =
        Simulation::new(&scenario).run_into(&mut |now| progress.update(now), &mut rows);
    progress.finish();
    let wall = started.elapsed();
    let (mut timeseries, partitions) = rows.finish().with_context(context)?;
    measure_events(&scenario, &mut result.summary, &mut |name| {
        if !args.quiet {
            eprintln!(
                "{}: the same run without event '{name}', for what it added",
                scenario.name
            );
        }
    });
    let mut files = output::render_without_rows(&scenario, &result);
    if scenario.outputs.charts && !args.no_charts {
        let written = timeseries.flushed().with_context(context)?.to_path_buf();
        files.extend(crate::charts::render_run_from_file(
            &written,
            &files,
            &crate::charts::ChartOptions::default(),
        )?);
    }
    files.push(timing_file(&scenario, &result, wall.as_secs_f64()));
    let mut written = vec![timeseries.commit().with_context(context)?];
    if let Some(partitions) = partitions {
        written.push(partitions.commit().with_context(context)?);
    }
    written.extend(output::write::write_all(&out_dir, &files).with_context(context)?);
    output::write::remove_stale(&out_dir, &output::run_file_names(), &written)
        .with_context(context)?;
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
        name: output::TIMING_JSON.into(),
        bytes: output::json::pretty(&timing),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A day sampled every millisecond: refused with the estimate and the ways out,
    /// written with `--allow-large`.
    #[test]
    fn outputs_over_the_limit_are_refused_unless_allowed() {
        let yaml = "name: huge
duration: 1d
sample_interval: 1ms
topic: {partitions: 1}
producer: {rate: [{constant: 10}]}
function: {memory: 1024, duration: {per_batch: 100ms}}
";
        let scenario = crate::scenario::load::from_yaml_str(yaml, Path::new("."), &[]).unwrap();
        let err = check_size(&scenario, &Limits::default(), false).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("timeseries.csv 86,400,000 rows"),
            "{message}"
        );
        for way in [
            "--set sample_interval=",
            "outputs.partitions_csv=false",
            "--allow-large",
        ] {
            assert!(message.contains(way), "{message}");
        }
        assert!(check_size(&scenario, &Limits::default(), true).is_ok());
    }
}
