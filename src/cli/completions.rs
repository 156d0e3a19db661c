//! `esmsim completions SHELL`: print a shell completion script.

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::Cli;

/// Arguments of `esmsim completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    pub shell: Shell,
}

/// Prints the completion script for `args.shell` on standard output.
///
/// # Errors
///
/// None today; the signature matches the other commands.
pub fn command(args: &CompletionsArgs) -> anyhow::Result<()> {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "esmsim", &mut std::io::stdout());
    Ok(())
}
