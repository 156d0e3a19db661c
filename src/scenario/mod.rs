//! The validated scenario: the only configuration the engine ever sees.
//!
//! A scenario file is parsed into the raw serde mirror ([`raw`]), `--set` overrides are
//! applied, and [`resolve`] checks every range, fills every default and converts units.
//! The types in this module cannot hold an unresolved or out-of-range value: durations
//! are [`SimDuration`]s, sizes are bytes, defaults that depend on other fields (such as
//! `max_pollers = partitions`) are already computed.
//!
//! The types serialise back to the scenario format (durations as `"500ms"`), so
//! `esmsim explain` and `manifest.json` show the fully resolved scenario and the output
//! of `explain` can be run again as a scenario.

use serde::Serialize;

use crate::engine::time::SimDuration;

pub mod error;
pub mod load;
pub mod locate;
pub mod overrides;
pub mod raw;
pub mod resolve;
pub mod trace;
pub mod units;

#[cfg(test)]
mod tests;

pub use error::{ScenarioError, ValueSource};
pub use load::{from_yaml_str, load, to_yaml};

/// A fully resolved, validated scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scenario {
    /// Name of the scenario; the default output folder is `outputs/<name>/`.
    pub name: String,
    /// Master seed of every random stream.
    pub seed: u64,
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

/// The Kafka topic.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Topic {
    /// Number of partitions (1 ..= 100,000).
    pub partitions: u32,
    /// How record keys spread over partitions.
    pub keys: KeyDistribution,
    /// Records per partition already waiting at t = 0.
    pub initial_backlog: u64,
}

/// How record keys (and so records) spread over partitions.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyDistribution {
    /// Every partition gets the same share.
    Uniform,
    /// Partition `i` (from 0) gets a share proportional to `1 / (i + 1)^exponent`.
    Zipf(f64),
    /// The first `partitions` partitions get `factor` times the share of the others.
    Hot {
        /// How many partitions are hot.
        partitions: u32,
        /// How much more traffic a hot partition gets.
        factor: f64,
    },
    /// Explicit relative weights, one per partition.
    Weights(Vec<f64>),
}

/// The producer side: how many records arrive, when, and how large.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Producer {
    /// Arrival process.
    pub arrivals: ArrivalProcess,
    /// Size of one record (key + value bytes).
    pub record_size: RecordSize,
    /// Rate shapes in records/s for the whole topic; they add up (negative sums count as 0).
    pub rate: Vec<RateShape>,
    /// Width of the arrival buckets: records arriving in one bucket of one partition are
    /// kept as one run, so arrival times are exact to within this width.
    pub resolution: SimDuration,
}

/// Arrival process of records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArrivalProcess {
    /// A (non-homogeneous) Poisson process per partition.
    Poisson,
    /// Fluid arrivals: record `k` of a partition arrives when the integral of its rate
    /// reaches `k`.
    Deterministic,
}

/// Size of one record in bytes.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordSize {
    /// Every record has this many bytes.
    Fixed(u64),
    /// Lognormal with the given median and 99th percentile, in bytes.
    Lognormal {
        /// Median size in bytes.
        median: u64,
        /// 99th percentile in bytes (greater than the median).
        p99: u64,
    },
}

/// One additive component of the producer rate curve, in records/s.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RateShape {
    /// A constant rate for the whole run.
    Constant(f64),
    /// `rate` added from `at` on.
    Step {
        /// When the step happens.
        at: SimDuration,
        /// Rate added from then on.
        rate: f64,
    },
    /// `rate` added during `[at, at + duration)`.
    Spike {
        /// Start of the spike.
        at: SimDuration,
        /// Length of the spike.
        duration: SimDuration,
        /// Rate added during the spike.
        rate: f64,
    },
    /// Zero before `start`, linear from `from` to `to` over `[start, end)`, `to` after.
    Ramp {
        /// Start of the ramp.
        start: SimDuration,
        /// End of the ramp.
        end: SimDuration,
        /// Rate at `start`.
        from: f64,
        /// Rate at `end` and after.
        to: f64,
    },
    /// `amplitude * cos(2π (t - peak_at) / period)`: a daily (or other) cycle around 0,
    /// to add to a constant base.
    Diurnal {
        /// Length of one cycle.
        period: SimDuration,
        /// Half the peak-to-trough swing, records/s.
        amplitude: f64,
        /// Time of the first peak.
        peak_at: SimDuration,
    },
    /// Piecewise-linear through `(time, rate)` points, constant before the first and after
    /// the last point.
    Points(Vec<(SimDuration, f64)>),
    /// A replayed CSV trace, resolved to points at load time.
    Trace(Trace),
}

/// A traffic trace replayed as a piecewise-linear rate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trace {
    /// The CSV file as written in the scenario (relative to the scenario file).
    pub file: String,
    /// Multiplier applied to the trace's rate.
    pub scale: f64,
    /// SHA-256 of the file contents, so the scenario hash changes when the file does.
    pub sha256: String,
    /// The rate points, in records/s, time relative to the start of the run.
    #[serde(skip)]
    pub points: Vec<(SimDuration, f64)>,
}

/// The event source mapping.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Esm {
    /// Maximum records per batch (1 ..= 10,000; AWS default 100).
    pub batch_size: u32,
    /// Maximum batching window (0 ..= 300 s; AWS default 500 ms).
    pub batching_window: SimDuration,
    /// Invocation payload limit in bytes (AWS: 6 MB = 6,291,456 bytes).
    pub max_payload_bytes: u64,
    /// Payload bytes per raw record byte (base64 inside JSON: 4/3).
    pub payload_encoding_factor: f64,
    /// JSON bytes added per record (topic, partition, offset, timestamp...); assumed.
    pub record_overhead_bytes: u64,
    /// Limits of one poller.
    pub poller: PollerLimits,
    /// How the number of pollers changes.
    pub scaler: Scaler,
    /// How long partitions pause when the poller count changes (assumed 5 s).
    pub rebalance_pause: SimDuration,
}

/// Limits of one poller (AWS: 5 MB/s and 5 concurrent invocations).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PollerLimits {
    /// Record bytes one poller can fetch per second.
    pub max_bytes_per_s: u64,
    /// Concurrent invocations (= processors) per poller.
    pub max_concurrent_invokes: u32,
}

/// The poller scaling policy.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "policy", rename_all = "snake_case")]
pub enum Scaler {
    /// A fixed number of pollers (at most the partition count).
    Fixed {
        /// Number of pollers.
        pollers: u32,
    },
    /// The AWS-like on-demand scaler of MODEL.md §3.1.
    Aws(AwsScaler),
}

/// Settings of the AWS-like on-demand scaler.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AwsScaler {
    /// Pollers at t = 0 (AWS: 1).
    pub initial_pollers: u32,
    /// Upper bound (default and cap: the partition count).
    pub max_pollers: u32,
    /// Time between evaluations (AWS: 60 s).
    pub evaluation_interval: SimDuration,
    /// Time from a decision to its effect (AWS: within 180 s; default 180 s, assumed).
    pub actuation_delay: DelayDistribution,
    /// When and how to add pollers.
    pub scale_out: ScaleOut,
    /// When to remove pollers.
    pub scale_in: ScaleIn,
}

/// A delay that is fixed or drawn from a distribution.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DelayDistribution {
    /// Always this delay.
    Fixed(SimDuration),
    /// Uniform between the two bounds (inclusive).
    Uniform(SimDuration, SimDuration),
}

/// Scale-out rule of the AWS-like scaler.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScaleOut {
    /// How many pollers to add.
    pub step: ScaleStep,
    /// Total lag at or above which the scaler adds pollers (default batch_size × partitions).
    pub min_lag: u64,
}

/// How many pollers one scale-out adds.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScaleStep {
    /// Double the pollers.
    Double,
    /// Add this many pollers.
    Add(u32),
    /// Multiply by this factor (rounded up, at least one more).
    Multiply(f64),
    /// Go straight to the maximum.
    ToMax,
}

/// Scale-in rule of the AWS-like scaler.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScaleIn {
    /// Time since the last scale-out before any scale-in (assumed 10 min).
    pub cooldown: SimDuration,
    /// Consecutive evaluations under `max_lag` needed (assumed 3).
    pub after_evaluations: u32,
    /// Total lag under which an evaluation counts as quiet (default: scale_out.min_lag).
    pub max_lag: u64,
}

/// The Lambda function.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Function {
    /// Memory in MB (128 ..= 10,240).
    pub memory: u32,
    /// Instruction set architecture (prices differ).
    pub architecture: Architecture,
    /// Invocation timeout (default 3 s, at most 840 s for Kafka).
    pub timeout: SimDuration,
    /// How long one invocation takes.
    pub duration: DurationModel,
}

/// Lambda architecture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Architecture {
    /// Intel/AMD.
    X86_64,
    /// Graviton.
    Arm64,
}

/// Handler time of one invocation, as measured at `reference_memory`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DurationModel {
    /// Memory (MB) at which the times below were measured (default: the function memory).
    pub reference_memory: u32,
    /// Fixed time per invocation.
    pub per_batch: SimDuration,
    /// Time per record in the batch.
    pub per_record: SimDuration,
    /// Time per KiB of record bytes in the batch.
    pub per_kib: SimDuration,
    /// Share of the time (0 ..= 1) that scales with vCPUs.
    pub cpu_bound: f64,
    /// Threads the handler uses; vCPUs beyond this do not help.
    pub threads: u32,
    /// Multiplicative random factor with mean 1.
    pub jitter: Jitter,
}

/// Multiplicative random factor on the handler time, mean 1.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Jitter {
    /// Always 1.
    Fixed,
    /// Exponential with mean 1.
    Exponential,
    /// Lognormal with mean 1 and the given sigma of the underlying normal.
    Lognormal {
        /// Sigma of ln(factor).
        sigma: f64,
    },
}

/// Prices (defaults: us-east-1, late 2026).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pricing {
    /// USD per million requests.
    pub request_per_million: f64,
    /// GB-second price tiers for x86_64.
    pub x86_64: Vec<PriceTier>,
    /// GB-second price tiers for arm64.
    pub arm64: Vec<PriceTier>,
    /// GB-seconds the account already used this month before the run (selects the tier).
    pub month_to_date_gb_s: f64,
}

/// One monthly price tier.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PriceTier {
    /// Upper bound of the tier in GB-s per month; `None` for the last tier.
    pub up_to_gb_s: Option<f64>,
    /// USD per GB-second within the tier.
    pub usd_per_gb_s: f64,
}

/// Service-level objectives; time over each is reported in the summary.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Slo {
    /// Maximum acceptable age of the oldest uncommitted record.
    pub max_age: Option<SimDuration>,
}

/// Which optional outputs a run writes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outputs {
    /// Write `partitions.csv` (lag per partition per sample).
    pub partitions_csv: bool,
    /// Draw the charts (PNG and SVG) after the run.
    pub charts: bool,
}
