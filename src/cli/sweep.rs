//! `esmsim sweep`: run many variants of a scenario in parallel and compare them.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::progress::RunsProgress;
use super::scenario::print_warnings;
use crate::scenario::{ScenarioWarning, warnings};
use crate::sweep::{Shard, SweepOptions, SweepSpec, run_spec};

/// Arguments of `esmsim sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The sweep YAML file.
    pub file: PathBuf,
    /// Output folder (default `outputs/<sweep name>/`, or
    /// `outputs/<sweep name>/shard-<i>-of-<n>/` with `--shard`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads (default: one per core). The outputs do not depend on it.
    #[arg(long, short, value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Skip runs already recorded in the output folder's `runs.jsonl` with the same seed
    /// and scenario hash (after an interrupted sweep).
    #[arg(long)]
    pub resume: bool,
    /// Also write each run's own outputs (time series, summary, manifest) under `runs/`.
    #[arg(long)]
    pub keep_runs: bool,
    /// Run only the variants whose id modulo N is I (shards numbered from 0); combine the
    /// shards' folders with `esmsim merge`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<Shard>,
    /// Skip the comparison charts.
    #[arg(long)]
    pub no_charts: bool,
    /// Skip `report.html`.
    #[arg(long)]
    pub no_report: bool,
    /// Print neither progress nor the result line.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Runs `esmsim sweep`: progress on standard error, then the result line and the best
/// variant.
///
/// # Errors
///
/// A bad sweep file, an unwritable output folder or a corrupt journal, prefixed with the
/// sweep file's path.
pub fn command(args: &SweepArgs) -> anyhow::Result<()> {
    let context = || format!("sweep {}", args.file.display());
    let spec = SweepSpec::load(&args.file).with_context(context)?;
    print_warnings(&distinct_warnings(&spec, args.shard));
    let opts = SweepOptions {
        out: args.out.clone(),
        jobs: args.jobs.map(usize::from),
        resume: args.resume,
        keep_runs: args.keep_runs,
        shard: args.shard,
        charts: !args.no_charts,
        report: !args.no_report,
    };
    let mut progress = RunsProgress::new(&spec.plan.name, !args.quiet);
    let report = run_spec(&spec, &opts, &mut |p| progress.update(p));
    progress.finish();
    let report = report.with_context(context)?;
    if !args.quiet {
        let resumed = if report.resumed > 0 {
            format!(", {} resumed", report.resumed)
        } else {
            String::new()
        };
        println!(
            "{}: {} variants, {} runs ({} failed{resumed}) in {:.1}s ({:.1} runs/s) -> {}",
            report.name,
            report.variants,
            report.runs,
            report.failed,
            report.wall_s,
            report.executed as f64 / report.wall_s.max(1e-9),
            report.out_dir.display()
        );
        match (&report.best, report.slo_max_age_s) {
            (Some(best), Some(_)) => println!("cheapest variant meeting the SLO: {best}"),
            (Some(best), None) => println!("cheapest variant: {best}"),
            (None, Some(slo)) => println!("no variant meets the SLO (max age {slo} s)"),
            (None, None) => println!("no variant ran without errors"),
        }
    }
    Ok(())
}

/// Each distinct warning about the variants this process runs, once, in the order of the
/// variants (replications differ only in their seed, which warns about nothing).
fn distinct_warnings(spec: &SweepSpec, shard: Option<Shard>) -> Vec<ScenarioWarning> {
    let mut found: Vec<ScenarioWarning> = Vec::new();
    let owned = (0..spec.plan.variant_count()).filter(|&v| shard.is_none_or(|s| s.owns(v)));
    for v in owned {
        // A variant that does not resolve fails in its run, with its own error.
        let Ok(scenario) = spec.base.resolve(&spec.plan.overrides(v, 0)) else {
            continue;
        };
        for warning in warnings(&scenario) {
            if !found.contains(&warning) {
                found.push(warning);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Sweep {
        #[command(flatten)]
        args: SweepArgs,
    }

    #[test]
    fn arguments_parse_and_bad_ones_are_rejected() {
        let s = Sweep::try_parse_from(["x", "s.yaml", "--jobs", "2", "--shard", "1/4", "--resume"])
            .unwrap()
            .args;
        assert_eq!(s.jobs, Some(2));
        assert_eq!(s.shard, Some(Shard { index: 1, count: 4 }));
        assert!(s.resume && !s.keep_runs);
        for bad in [
            &["x", "s.yaml", "--jobs", "0"][..],
            &["x", "s.yaml", "--shard", "4/4"],
        ] {
            assert!(Sweep::try_parse_from(bad).is_err());
        }
    }
}
