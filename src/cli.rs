//! The command line: argument definitions and the commands behind them.
//!
//! Each command parses its arguments, calls the library and prints; `main` only maps
//! the result to an exit code.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::engine::time::SimTime;
use crate::output::{self, OutputFile};
use crate::scenario::{self, Scenario};
use crate::sim::{RunResult, Simulation};

/// Simulate AWS Lambda consuming Apache Kafka through an event source mapping.
#[derive(Debug, Parser)]
#[command(name = "esmsim", version, about, long_about = None)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario and write time series, scaling decisions, summary, manifest and charts.
    Run(RunArgs),
    /// Validate a scenario without running it.
    Check(ScenarioArgs),
    /// Print the resolved scenario, every default filled in, as YAML.
    Explain(ScenarioArgs),
    /// Redraw the charts of a finished run from its saved files.
    Plot(crate::charts::PlotArgs),
    /// Run many variants of a scenario in parallel and compare them.
    Sweep(crate::sweep::SweepArgs),
    /// Combine the outputs of a sharded sweep into the files one run would have written.
    Merge(crate::sweep::MergeArgs),
    /// Time the fixed benchmark scenarios (events/s, simulated s per wall s, memory).
    Bench(crate::bench::BenchArgs),
}

/// A scenario file and overrides.
#[derive(Debug, Args)]
pub struct ScenarioArgs {
    /// The scenario YAML file.
    pub scenario: PathBuf,
    /// Override a field, e.g. `--set topic.partitions=48` (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub overrides: Vec<String>,
    /// Use this seed instead of the scenario's.
    #[arg(long)]
    pub seed: Option<u64>,
}

impl ScenarioArgs {
    /// Loads and resolves the scenario with the overrides applied.
    pub fn load(&self) -> Result<Scenario, scenario::error::ScenarioError> {
        let mut overrides = self.overrides.clone();
        if let Some(seed) = self.seed {
            overrides.push(format!("seed={seed}"));
        }
        scenario::load::load(&self.scenario, &overrides)
    }
}

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

/// Runs the command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Run(args) => run_command(&args),
        Command::Check(args) => {
            let scenario = args.load()?;
            println!(
                "{}: ok ({} scenario '{}', hash {})",
                args.scenario.display(),
                describe(&scenario),
                scenario.name,
                &scenario.hash()[..12]
            );
            Ok(())
        }
        Command::Explain(args) => {
            print!("{}", scenario::load::to_yaml(&args.load()?));
            Ok(())
        }
        Command::Plot(args) => crate::charts::plot_command(&args),
        Command::Sweep(args) => crate::sweep::sweep_command(&args),
        Command::Merge(args) => crate::sweep::merge_command(&args),
        Command::Bench(args) => crate::bench::bench_command(&args),
    }
}

fn describe(s: &Scenario) -> String {
    format!("{} of {} partitions", s.duration, s.topic.partitions)
}

fn run_command(args: &RunArgs) -> anyhow::Result<()> {
    let scenario = args.scenario.load()?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("outputs").join(&scenario.name));
    let started = Instant::now();
    let result = simulate_with_progress(&scenario, args.quiet);
    let wall = started.elapsed();
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

/// Runs the simulation, with a progress bar on a terminal for runs that take a while.
fn simulate_with_progress(scenario: &Scenario, quiet: bool) -> RunResult {
    let total = scenario.duration.0;
    let bar = if quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new(total);
        let style = ProgressStyle::with_template(
            "{spinner} simulating {msg} [{bar:30}] {percent:>3}% eta {eta}",
        )
        .expect("the template is valid")
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_message(scenario.name.clone());
        bar
    };
    let started = Instant::now();
    let mut progress = |now: SimTime| {
        if started.elapsed().as_millis() > 300 {
            bar.set_position(now.0);
        }
    };
    let result = Simulation::new(scenario).run(&mut progress);
    bar.finish_and_clear();
    result
}

fn timing_file(scenario: &Scenario, result: &RunResult, wall_s: f64) -> OutputFile {
    let timing = serde_json::json!({
        "wall_time_s": wall_s,
        "events_processed": result.events,
        "events_per_s": result.events as f64 / wall_s.max(1e-9),
        "simulated_s_per_wall_s": scenario.duration.as_secs_f64() / wall_s.max(1e-9),
    });
    let mut bytes = serde_json::to_vec_pretty(&timing).expect("plain data always serialises");
    bytes.push(b'\n');
    OutputFile {
        name: "timing.json".into(),
        bytes,
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
        crate::engine::time::SimDuration::from_secs_f64(s.max_lag_at_s),
        s.max_record_age_s,
        p99,
        s.invocations,
        s.cost_usd,
        out_dir.display()
    )
}
