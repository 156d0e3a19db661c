//! Sweeps: many variants of one scenario, run in parallel, compared in tables and charts.
//!
//! A sweep file names a base scenario and the parameters to vary (`grid`: a cartesian
//! product; `zip`: lists varied together; `random`: Latin hypercube or uniform samples),
//! each a scenario path as `--set` takes it. Every variant runs `replications` times with
//! the seeds `first, first + 1, ...`, the same seeds for every variant (common random
//! numbers, see [`run`]). The outputs, in `outputs/<sweep name>/`:
//!
//! * `sweep.csv`: one row per run: the parameters, the seed, the scenario hash, the
//!   summary metrics, `meets_slo` and `error`;
//! * `aggregate.csv`: one row per variant: mean and 95 % confidence interval of each
//!   metric over the replications, whether the mean meets the SLO, Pareto membership;
//! * `best.csv`: the variants that meet the SLO, cheapest first;
//! * `metric-by-parameter`, `heatmap`, `pareto` charts (PNG and SVG);
//! * `report.html`, the page of [`crate::report::sweep`]: the charts and a sortable
//!   table of the variants;
//! * `runs.jsonl`, the journal `--resume` and `esmsim merge` read; `sweep.json`, the plan;
//! * with `--keep-runs`, each run's own outputs under `runs/`.
//!
//! ```no_run
//! use esmsim::sweep::{SweepOptions, run_sweep};
//! let report = run_sweep(std::path::Path::new("scenarios/sweeps/size-the-consumer.yaml"),
//!                        &SweepOptions { jobs: Some(2), ..SweepOptions::default() },
//!                        &mut |_progress| {})?;
//! println!("{} runs, best: {:?}", report.runs, report.best);
//! # Ok::<(), esmsim::sweep::SweepError>(())
//! ```

pub mod charts;
pub mod error;
pub mod journal;
pub mod merge;
pub mod plan;
pub mod random;
pub mod run;
pub mod spec;
pub mod stats;
pub mod table;

pub use error::SweepError;
pub use merge::{MergeReport, merge};
pub use plan::{Plan, Shard};
pub use run::{SweepOptions, SweepProgress, SweepReport, run_spec, run_sweep};
pub use spec::SweepSpec;
