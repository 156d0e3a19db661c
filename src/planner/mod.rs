//! `esmsim plan` and `esmsim sensitivity`: from requirements to the cheapest
//! configuration, and how sure we are.
//!
//! * [`axes`]: the `--vary PATH=VALUES` grammar and which fields are monotone;
//! * [`objectives`]: what "meets the requirements" means — the one place that reads the
//!   scenario's SLOs;
//! * [`eval`]: configurations and seeds simulated on the shared executor, cached;
//! * [`search`]: screening with one seed and monotone pruning, confirmation with every
//!   seed, local search; [`search::exhaustive`] for comparison;
//! * [`assumptions`] and [`sensitivity`]: the plausible range of every unpublished
//!   constant and the verdict at each; [`calibration`]: the narrower ranges
//!   `esmsim calibrate` fitted;
//! * [`charts`]: cost against each varied field near the optimum, and the tornado.
//!
//! No file IO here; `src/cli/plan.rs` and `src/cli/sensitivity.rs` read the scenario and
//! write `plan.json`, `sensitivity.json` and the charts.

pub mod assumptions;
pub mod axes;
pub mod calibration;
pub mod charts;
pub mod eval;
pub mod objectives;
pub mod search;
pub mod sensitivity;

#[cfg(test)]
mod tests;

use crate::executor::SimulationPanicked;
use crate::scenario::error::ScenarioError;

/// Why a plan or a sensitivity report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The scenario sets no objective, so every configuration would do.
    #[error(
        "the scenario sets no objective; add one (e.g. `slo: {{max_age: 2m}}` or `--set slo.max_age=2m`) so that there is something to meet"
    )]
    NoObjective,
    /// Neither `--vary` nor the scenario's `plan:` section names a field to vary.
    #[error(
        "nothing to vary: give `--vary PATH=VALUES` (e.g. `--vary topic.partitions=2..12`) or a `plan: {{vary: {{topic.partitions: 2..12}}}}` section in the scenario"
    )]
    NothingToVary,
    /// The scenario (with its overrides) does not resolve.
    #[error(transparent)]
    Scenario(Box<ScenarioError>),
    /// No configuration of the grid resolves.
    #[error("no configuration of the grid resolves; the first error: {first}")]
    AllInvalid {
        /// The first configuration's error.
        first: String,
    },
    /// The grid holds too many configurations.
    #[error("the grid holds more than {limit} configurations; vary fewer fields or fewer values")]
    TooLarge {
        /// The limit.
        limit: usize,
    },
    /// A simulation panicked.
    #[error(transparent)]
    Panicked(#[from] SimulationPanicked),
    /// A chart could not be drawn.
    #[error("cannot draw the {chart} chart: {message}")]
    Chart {
        /// Which chart.
        chart: String,
        /// Why.
        message: String,
    },
}
