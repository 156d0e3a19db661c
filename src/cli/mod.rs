//! The command line: argument definitions and the commands behind them. Everything clap
//! and terminal lives here; the library takes option structs and progress callbacks.
//!
//! One file per command (`run`, `check`, `explain`, `plot`, `sweep`, `merge`, `bench`,
//! `calibrate`, `init`, `completions`, `schema`),
//! each with its arguments and a `command` function that calls the library and prints;
//! [`scenario`] holds the scenario arguments several commands share and [`progress`] the
//! progress bars. `main` only maps the result to an exit code.
//!
//! # Adding a command
//!
//! 1. A file `src/cli/<command>.rs` with its `Args` struct (doc comments are the help
//!    text) and `pub fn command(args: &Args) -> anyhow::Result<()>`;
//! 2. here, its `mod` line, a [`Command`] variant (its doc comment is the one-line help)
//!    and the match arm in [`run()`];
//! 3. an end-to-end test in `tests/integration/cli.rs`.

pub mod bench;
pub mod calibrate;
pub mod check;
pub mod completions;
pub mod emit;
pub mod explain;
pub mod init;
pub mod merge;
pub mod plot;
pub mod progress;
pub mod run;
pub mod scenario;
pub mod schema;
pub mod sweep;

use clap::{Parser, Subcommand};

pub use run::RunArgs;
pub use scenario::ScenarioArgs;

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
    Plot(plot::PlotArgs),
    /// Run many variants of a scenario in parallel and compare them.
    Sweep(sweep::SweepArgs),
    /// Combine the outputs of a sharded sweep into the files one run would have written.
    Merge(merge::MergeArgs),
    /// Time the fixed benchmark scenarios (events/s, simulated s per wall s, memory).
    Bench(bench::BenchArgs),
    /// Write a commented starter scenario that passes `check`.
    Init(init::InitArgs),
    /// Print the JSON Schema of the scenario or sweep format (for editors).
    Schema(schema::SchemaArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionsArgs),
    /// Fit the scenario's unknown constants (scaler step, min_lag, delay, ...) to CloudWatch data.
    Calibrate(calibrate::CalibrateArgs),
}

/// Runs the command line.
///
/// # Errors
///
/// Whatever stops the command: bad input (naming the field, value and what is allowed),
/// a file that cannot be read or written.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Run(args) => run::command(&args),
        Command::Check(args) => check::command(&args),
        Command::Explain(args) => explain::command(&args),
        Command::Plot(args) => plot::command(&args),
        Command::Sweep(args) => sweep::command(&args),
        Command::Merge(args) => merge::command(&args),
        Command::Bench(args) => bench::command(&args),
        Command::Calibrate(args) => calibrate::command(&args),
        Command::Init(args) => init::command(&args),
        Command::Completions(args) => completions::command(&args),
        Command::Schema(args) => schema::command(&args),
    }
}

/// The message of `err` and of each of its causes, joined by `: `, each cause once.
///
/// Many errors already quote their cause in their own message ("cannot read scenario file
/// `x`: No such file or directory"); anyhow's `{:#}` would print that cause a second time.
/// A cause whose text the message so far already holds is left out.
pub fn error_message(err: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if message.contains(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    message
}
