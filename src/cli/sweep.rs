//! `esmsim sweep`: run many variants of a scenario in parallel and compare them.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use super::emit::{ClusterJob, ClusterKind, emit};
use super::progress::RunsProgress;
use super::scenario::print_warnings;
use crate::scenario::{ScenarioWarning, warnings};
use crate::sweep::run::{KeptEstimate, default_out};
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
    /// Keep the runs even when their outputs are estimated above 2 GB in all, or above
    /// 2 GB or 20 million rows in one file of one run.
    #[arg(long, requires = "keep_runs")]
    pub allow_large: bool,
    /// Run only the variants whose id modulo N is I (shards numbered from 0); combine the
    /// shards' folders with `esmsim merge`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<Shard>,
    /// Skip the comparison charts.
    #[arg(long)]
    pub no_charts: bool,
    /// Rank `best.csv` by this sweep metric (lowest mean first) instead of `cost_usd`;
    /// the variants meeting every objective still come first. Not with `--emit` (the
    /// emitted shards and merge rank by cost).
    #[arg(long, value_name = "METRIC", conflicts_with = "emit")]
    pub rank_by: Option<String>,
    /// Skip `report.html`.
    #[arg(long)]
    pub no_report: bool,
    /// Print neither progress nor the result line.
    #[arg(long, short)]
    pub quiet: bool,
    /// Instead of running, write the job files that run the sweep as `--shards` array
    /// tasks on a cluster and then merge them into `--out`.
    #[arg(long, value_enum, requires = "shards", conflicts_with_all = ["shard", "resume"])]
    pub emit: Option<ClusterKind>,
    /// Number of shards (array tasks) for `--emit`.
    #[arg(long, requires = "emit", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub shards: Option<u32>,
    /// Folder for the job files, the shards' outputs and the logs (default
    /// `outputs/<sweep name>.<slurm|k8s>/`).
    #[arg(long, requires = "emit")]
    pub emit_dir: Option<PathBuf>,
    /// Container image with esmsim and the sweep's files, for `--emit k8s`.
    #[arg(long, requires = "emit", default_value = "esmsim:latest")]
    pub image: String,
    /// Persistent volume claim mounted at `/results`, for `--emit k8s`.
    #[arg(long, requires = "emit", default_value = "esmsim-results")]
    pub claim: String,
}

/// Runs `esmsim sweep`: with `--keep-runs` the estimated size of the kept runs and
/// progress on standard error, then the result line and the best variant.
///
/// # Errors
///
/// A bad sweep file, an unwritable output folder or a corrupt journal, prefixed with the
/// sweep file's path.
pub fn command(args: &SweepArgs) -> anyhow::Result<()> {
    let context = || format!("sweep {}", args.file.display());
    let mut spec = SweepSpec::load(&args.file).with_context(context)?;
    if let Some(metric) = &args.rank_by {
        spec.set_rank_by(metric).with_context(context)?;
    }
    if let Some(kind) = args.emit {
        return emit_jobs(args, kind, &spec.plan.name).with_context(context);
    }
    print_warnings(&distinct_warnings(&spec, args.shard));
    if args.keep_runs && !args.quiet {
        eprintln!(
            "{}: {}",
            spec.plan.name,
            KeptEstimate::of(&spec, args.shard)
        );
    }
    let opts = SweepOptions {
        out: args.out.clone(),
        jobs: args.jobs.map(usize::from),
        resume: args.resume,
        keep_runs: args.keep_runs,
        shard: args.shard,
        charts: !args.no_charts,
        report: !args.no_report,
        allow_large: args.allow_large,
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
        let first = if report.rank_by == "cost_usd" {
            "cheapest variant".to_string()
        } else {
            format!("lowest {} variant", report.rank_by)
        };
        let names = report.objectives.join(", ");
        match (&report.best, report.objectives.is_empty()) {
            (Some(best), false) => {
                println!("{first} meeting every objective ({names}) in every replication: {best}");
            }
            (Some(best), true) => println!("{first}: {best}"),
            (None, false) => {
                println!("no variant meets every objective ({names}) in every replication");
            }
            (None, true) => println!("no variant ran without errors"),
        }
    }
    Ok(())
}

/// `--emit`: writes the cluster's job files and prints how to submit them.
fn emit_jobs(args: &SweepArgs, kind: ClusterKind, name: &str) -> anyhow::Result<()> {
    let absolute = |path: &Path| -> anyhow::Result<PathBuf> {
        std::path::absolute(path).with_context(|| format!("cannot resolve {}", path.display()))
    };
    let suffix = match kind {
        ClusterKind::Slurm => "slurm",
        ClusterKind::K8s => "k8s",
    };
    let out = args.out.clone().unwrap_or_else(|| default_out(name, None));
    let job_dir = args
        .emit_dir
        .clone()
        .unwrap_or_else(|| Path::new("outputs").join(format!("{name}.{suffix}")));
    let sweep_file = match kind {
        ClusterKind::Slurm => absolute(&args.file)?,
        ClusterKind::K8s => args.file.clone(),
    };
    let job = ClusterJob {
        name: name.to_string(),
        sweep_file,
        shards: args.shards.unwrap_or(1),
        jobs: args.jobs.unwrap_or(1),
        program: std::env::current_exe().context("cannot locate the esmsim program")?,
        job_dir: absolute(&job_dir)?,
        out: absolute(&out)?,
        image: args.image.clone(),
        claim: args.claim.clone(),
    };
    let written = emit(kind, &job)?;
    if !args.quiet {
        for path in &written {
            println!("wrote {}", path.display());
        }
        println!("submit with: {}", job.job_dir.join("submit.sh").display());
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
