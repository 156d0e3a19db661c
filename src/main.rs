//! The `esmsim` binary: parse the command line, run it, map errors to exit codes.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = esmsim::cli::Cli::parse();
    match esmsim::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", esmsim::cli::error_message(&err));
            ExitCode::from(2)
        }
    }
}
