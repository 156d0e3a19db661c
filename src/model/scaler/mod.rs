//! Poller scalers: how many pollers the ESM holds over time.
//!
//! A scaler names its own evaluation times ([`Scaler::next_evaluation`]); at each one it
//! sees what it can observe (the offset lag of every partition) and answers with a
//! [`Decision`]. The simulation applies a change after the decision's actuation delay and
//! logs every decision with its inputs in `scaling.csv`. A new policy (provisioned mode,
//! a throttle reaction, another cadence) is a new module implementing [`Scaler`] and one
//! arm in [`build`].

mod aws;
mod fixed;
mod keda;
mod legacy;
mod provisioned;

use crate::engine::time::{SimDuration, SimTime};
use crate::scenario::ConcurrentInvokes;
use crate::scenario::Scaler as ScalerConfig;

pub use aws::AwsLikeScaler;
pub use fixed::FixedScaler;
pub use keda::KedaHpaScaler;
pub use provisioned::ProvisionedScaler;

/// What a scaler sees at an evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Observation {
    /// Time of the evaluation.
    pub now: SimTime,
    /// Sum of the offset lag of all partitions.
    pub total_lag: u64,
    /// Largest offset lag of one partition.
    pub max_partition_lag: u64,
    /// Pollers currently active.
    pub pollers: u32,
    /// Whether an earlier decision has not taken effect yet.
    pub change_pending: bool,
    /// Invokes throttled since the previous evaluation (the function's Throttles).
    pub throttles: u64,
}

/// What a scaler decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Add pollers.
    ScaleOut,
    /// Remove pollers.
    ScaleIn,
    /// Keep the current count.
    Hold,
}

impl Action {
    /// The name used in `scaling.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::ScaleOut => "scale_out",
            Action::ScaleIn => "scale_in",
            Action::Hold => "hold",
        }
    }
}

/// A scaler's answer at one evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// Scale out, in, or hold.
    pub action: Action,
    /// The poller count wanted (the current count when holding).
    pub target: u32,
    /// Delay until the change takes effect (zero when holding).
    pub delay: SimDuration,
    /// Why, in words, for `scaling.csv`.
    pub reason: String,
}
/// A poller scaling policy.
pub trait Scaler {
    /// Pollers at t = 0.
    fn initial_pollers(&self) -> u32;
    /// The first evaluation once the mapping polls from `start` (by default one
    /// interval later, as [`Scaler::next_evaluation`] says).
    fn first_evaluation(&self, start: SimTime) -> Option<SimTime> {
        self.next_evaluation(start)
    }
    /// The first evaluation after `after` (the start of the run, or the evaluation just
    /// made), or `None` when the policy never evaluates again.
    fn next_evaluation(&self, after: SimTime) -> Option<SimTime>;
    /// Decides at one evaluation.
    fn evaluate(&mut self, observation: &Observation) -> Decision;
}

/// Builds the scaler configured in the scenario, capped at `partitions` pollers whose
/// pollers run `per_poller` processors at most.
pub fn build(
    config: &ScalerConfig,
    partitions: u32,
    per_poller: ConcurrentInvokes,
    seed: u64,
) -> Box<dyn Scaler> {
    match config {
        ScalerConfig::Fixed { pollers } => Box::new(FixedScaler::new((*pollers).min(partitions))),
        ScalerConfig::Aws(aws) => Box::new(AwsLikeScaler::new(
            aws.clone(),
            partitions,
            per_poller,
            seed,
        )),
        ScalerConfig::Keda(keda) => Box::new(KedaHpaScaler::new(keda.clone(), partitions)),
        ScalerConfig::Legacy(old) => Box::new(legacy::build(old, partitions, per_poller, seed)),
        ScalerConfig::Provisioned(p) => Box::new(ProvisionedScaler::new(p.clone())),
    }
}

/// A decision that keeps `pollers`, because of `reason`.
fn hold(pollers: u32, reason: String) -> Decision {
    Decision {
        action: Action::Hold,
        target: pollers,
        delay: SimDuration::ZERO,
        reason,
    }
}
