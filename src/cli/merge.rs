//! `esmsim merge`: combine the outputs of a sharded sweep into the files one run would
//! have written.

use std::path::PathBuf;

use clap::Args;

use crate::sweep::merge;

/// Arguments of `esmsim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The output folders of the shards (`esmsim sweep --shard i/n`), every shard once.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Folder to write the merged outputs to.
    #[arg(long)]
    pub out: PathBuf,
    /// Skip the comparison charts.
    #[arg(long)]
    pub no_charts: bool,
    /// Skip `report.html`.
    #[arg(long)]
    pub no_report: bool,
}

/// Runs `esmsim merge` and prints one result line.
///
/// # Errors
///
/// Folders that are not the shards of one complete sweep, IO errors naming the file.
pub fn command(args: &MergeArgs) -> anyhow::Result<()> {
    let report = merge(&args.dirs, &args.out, !args.no_charts, !args.no_report)?;
    println!(
        "{}: merged {} shards, {} runs ({} failed) -> {}",
        report.name,
        report.shards,
        report.runs,
        report.failed,
        args.out.display()
    );
    Ok(())
}
