//! The validated scenario: the only configuration the engine ever sees.
//!
//! A scenario file is parsed once into the raw serde mirror ([`raw`], [`ParsedScenario`]);
//! `--set` overrides are applied to a copy, and resolution checks every range, fills
//! every default and converts units. Each section of the file has its own module that
//! owns its raw type, resolved type, named defaults, checks and `explain` inverse:
//! [`topic`], [`producer`] (rate shapes and traces in [`producer::rate`]), [`esm`]
//! (per-poller limits in [`esm::poller`]), [`scaler`] (one module per policy),
//! [`function`], [`pricing`], [`slo`], [`outputs`], and [`plan`] (what `esmsim plan`
//! varies; not part of the resolved scenario). The shared machinery: [`resolve`]
//! (checks and error building), [`locate`] (field paths, YAML lines), [`overrides`],
//! [`units`], [`placeholders`] (`"<fill in: ...>"` values), [`error`], [`mod@warnings`] (values AWS cannot be set to); trace files
//! come through a [`TraceSource`] ([`traces`]), so resolution does no file IO.
//! The types in this module cannot hold an unresolved or out-of-range value: durations
//! are [`SimDuration`]s, sizes are bytes, defaults that depend on other fields (such as
//! `max_pollers = partitions`) are already computed.
//!
//! The types serialise back to the scenario format (durations as `"500ms"`), so
//! `esmsim explain` and `manifest.json` show the fully resolved scenario and the output
//! of `explain` can be run again as a scenario.

use serde::Serialize;

use crate::engine::time::SimDuration;

pub mod clock;
pub mod cold_start;
pub mod concurrency;
pub mod error;
pub mod errors;
pub mod esm;
pub mod function;
pub mod instant;
pub mod load;
pub mod locate;
pub mod outputs;
pub mod overrides;
pub mod placeholders;
pub mod plan;
pub mod pricing;
pub mod producer;
pub mod raw;
pub mod resolve;
pub mod scaler;
pub mod slo;
pub mod topic;
pub mod trace;
pub mod traces;
pub mod units;
pub mod warnings;

#[cfg(test)]
mod limits_tests;
#[cfg(test)]
mod tests;

pub use cold_start::{ColdStart, InitDuration, Runtime};
pub use concurrency::Concurrency;
pub use error::{ScenarioError, ValueSource};
pub use esm::filter::Filter;
pub use esm::poller::{ConcurrentInvokes, PollerLimits};
pub use esm::{Esm, WindowStart};
pub use function::{Architecture, DurationModel, Function, Jitter};
pub use load::{ParsedScenario, from_yaml_str, load, to_yaml};
pub use outputs::Outputs;
pub use pricing::{PriceTier, Pricing};
pub use producer::rate::{RateShape, Trace};
pub use producer::{ArrivalProcess, Producer, RecordSize};
pub use scaler::Scaler;
pub use scaler::aws::{AwsScaler, DelayDistribution, OnThrottle, ScaleIn, ScaleOut, ScaleStep};
pub use slo::Slo;
pub use topic::{KeyDistribution, StartingPosition, Topic};
pub use traces::{FileTraces, MemoryTraces, TraceSource};
pub use warnings::{ScenarioWarning, warnings};

/// The defaults that are assumptions rather than published AWS behaviour, and the
/// modelling choices a reader of the results should know, one sentence each; listed in
/// every `manifest.json`. Each section states its own, from its default constants.
pub fn assumptions() -> Vec<String> {
    [
        scaler::aws::assumptions(),
        esm::assumptions(),
        esm::provisioned::assumptions(),
        esm::on_failure::assumptions(),
        producer::assumptions(),
        esm::poller::assumptions(),
        function::assumptions(),
    ]
    .concat()
}

impl Scenario {
    /// The manifest's assumptions of the options this scenario uses that are off by
    /// default (filtering, a start-up delay, `starting_position: latest`); empty for a
    /// scenario that uses none, so its manifest stays as it was.
    pub fn optional_assumptions(&self) -> Vec<String> {
        [
            self.esm
                .filter
                .as_ref()
                .map(esm::filter::assumptions)
                .unwrap_or_default(),
            esm::startup_assumptions(&self.esm),
            topic::assumptions(&self.topic),
        ]
        .concat()
    }
}

/// A fully resolved, validated scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scenario {
    /// Name of the scenario; the default output folder is `outputs/<name>/`.
    pub name: String,
    /// Master seed of every random stream.
    pub seed: u64,
    /// The wall clock that t = 0 is anchored to (`start_at`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_at: Option<clock::Clock>,
    /// Simulated time span.
    pub duration: SimDuration,
    /// Width of one row of `timeseries.csv`.
    pub sample_interval: SimDuration,
    /// The Kafka topic.
    pub topic: Topic,
    /// The producers writing to the topic.
    pub producer: Producer,
    /// The event source mapping.
    pub esm: Esm,
    /// The Lambda function.
    pub function: Function,
    /// Prices used for the cost columns.
    pub pricing: Pricing,
    /// Optional service-level objectives reported in the summary.
    pub slo: Slo,
    /// Which optional outputs to write.
    pub outputs: Outputs,
}
