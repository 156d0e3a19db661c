//! The serde mirror of the scenario YAML, before defaults and range checks.
//!
//! Every struct rejects unknown fields (the error lists the valid ones) and every field
//! that has a default is an `Option`, so [`super::resolve`] can tell "not given" from
//! "given". Numbers are kept wide (`i64`, `f64`) so that out-of-range values reach the
//! resolver, which explains what is allowed, instead of failing as a type error.
//!
//! The types also serialise, in the same format they read: `--set` overrides go through
//! JSON, and `esmsim explain` prints a resolved scenario through these types.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, IntoDeserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::units::{DurationValue, SizeValue};

/// The whole scenario file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// Scenario name (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Master seed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Simulated time span (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<DurationValue>,
    /// Width of one output row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample_interval: Option<DurationValue>,
    /// The topic (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<RawTopic>,
    /// The producers (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub producer: Option<RawProducer>,
    /// The event source mapping.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub esm: Option<RawEsm>,
    /// The function (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function: Option<RawFunction>,
    /// Prices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pricing: Option<RawPricing>,
    /// Service-level objectives.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slo: Option<RawSlo>,
    /// Optional outputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outputs: Option<RawOutputs>,
}

/// `topic:`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTopic {
    /// Partition count (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partitions: Option<i64>,
    /// Key distribution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keys: Option<RawKeys>,
    /// Records per partition at t = 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_backlog: Option<i64>,
}

/// `topic.keys`: `uniform`, `{zipf: s}`, `{hot: {partitions, factor}}`, `{weights: [..]}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RawKeys {
    /// Same share for every partition.
    Uniform,
    /// Zipf exponent.
    Zipf(f64),
    /// Hot partitions.
    Hot {
        /// How many partitions are hot.
        partitions: i64,
        /// Traffic factor of a hot partition.
        factor: f64,
    },
    /// One weight per partition.
    Weights(Vec<f64>),
}

/// `producer:`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProducer {
    /// `poisson` or `deterministic`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrivals: Option<RawArrivals>,
    /// Record size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_size: Option<RawRecordSize>,
    /// Arrival bucket width.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution: Option<DurationValue>,
    /// Rate shapes (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<Vec<RawRateShape>>,
}

/// `producer.arrivals`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RawArrivals {
    /// Poisson process.
    Poisson,
    /// Fluid arrivals.
    Deterministic,
}

/// `producer.record_size`: a size, or `{fixed: size}`, or `{lognormal: {median, p99}}`.
pub type RawRecordSize = ScalarOr<SizeValue, RawRecordSizeTagged>;

/// The map forms of `producer.record_size`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RawRecordSizeTagged {
    /// Every record has this size.
    Fixed(SizeValue),
    /// Lognormal by median and 99th percentile.
    Lognormal {
        /// Median size.
        median: SizeValue,
        /// 99th percentile.
        p99: SizeValue,
    },
}

impl Expecting for RawRecordSizeTagged {
    const EXPECTING: &'static str =
        "a size such as `1KiB`, or `{lognormal: {median: 1KiB, p99: 16KiB}}`";
}

/// One entry of `producer.rate`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RawRateShape {
    /// `{constant: r}`.
    Constant(f64),
    /// `{step: {at, rate}}`.
    Step {
        /// When.
        at: DurationValue,
        /// Rate added.
        rate: f64,
    },
    /// `{spike: {at, duration, rate}}`.
    Spike {
        /// Start.
        at: DurationValue,
        /// Length.
        duration: DurationValue,
        /// Rate added.
        rate: f64,
    },
    /// `{ramp: {start, end, from, to}}`.
    Ramp {
        /// Start of the ramp.
        start: DurationValue,
        /// End of the ramp.
        end: DurationValue,
        /// Rate at the start.
        from: f64,
        /// Rate at the end and after.
        to: f64,
    },
    /// `{diurnal: {period, amplitude, peak_at}}`.
    Diurnal {
        /// Cycle length.
        period: DurationValue,
        /// Half the swing.
        amplitude: f64,
        /// Time of the first peak (default 0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        peak_at: Option<DurationValue>,
    },
    /// `{points: [[t, r], ...]}`.
    Points(Vec<RawPoint>),
    /// `{trace: {file, scale}}`.
    Trace(RawTrace),
}

/// One `[time, rate]` pair of a `points` shape.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct RawPoint(pub DurationValue, pub f64);

impl Serialize for RawPoint {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Written as a flow sequence `[10m, 500.0]` in YAML; a plain array in JSON.
        serde_saphyr::FlowSeq((&self.0, self.1)).serialize(serializer)
    }
}

/// `{trace: {...}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTrace {
    /// CSV file, relative to the scenario's folder.
    pub file: String,
    /// Rate multiplier (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
    /// Expected SHA-256 of the file; when given, a different file is an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// `esm:`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEsm {
    /// Records per batch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<i64>,
    /// Batching window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batching_window: Option<DurationValue>,
    /// Payload limit.
    #[serde(alias = "max_payload_bytes", skip_serializing_if = "Option::is_none")]
    pub max_payload: Option<SizeValue>,
    /// Payload bytes per record byte.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload_encoding_factor: Option<f64>,
    /// JSON bytes per record.
    #[serde(
        alias = "record_overhead_bytes",
        skip_serializing_if = "Option::is_none"
    )]
    pub record_overhead: Option<SizeValue>,
    /// Pause on poller-count changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rebalance_pause: Option<DurationValue>,
    /// Per-poller limits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub poller: Option<RawPoller>,
    /// Scaling policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scaler: Option<RawScaler>,
}

/// `esm.poller`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPoller {
    /// Record bytes per second.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_bytes_per_s: Option<SizeValue>,
    /// Concurrent invocations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_concurrent_invokes: Option<i64>,
}

/// `esm.scaler`: the fields of both policies; the resolver rejects the other policy's.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScaler {
    /// `aws` or `fixed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<RawPolicy>,
    /// fixed: poller count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pollers: Option<i64>,
    /// aws: pollers at t = 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_pollers: Option<i64>,
    /// aws: upper bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_pollers: Option<i64>,
    /// aws: time between evaluations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluation_interval: Option<DurationValue>,
    /// aws: decision-to-effect delay.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actuation_delay: Option<RawDelay>,
    /// aws: scale-out rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_out: Option<RawScaleOut>,
    /// aws: scale-in rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_in: Option<RawScaleIn>,
}

/// `esm.scaler.policy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RawPolicy {
    /// The AWS-like on-demand scaler.
    Aws,
    /// A fixed poller count.
    Fixed,
}

/// `actuation_delay`: a duration, `{fixed: d}` or `{uniform: [lo, hi]}`.
pub type RawDelay = ScalarOr<DurationValue, RawDelayTagged>;

/// The map forms of a delay.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RawDelayTagged {
    /// Always this delay.
    Fixed(DurationValue),
    /// Uniform between two bounds.
    Uniform(DurationValue, DurationValue),
}

impl Expecting for RawDelayTagged {
    const EXPECTING: &'static str = "a duration such as `180s`, or `{uniform: [30s, 180s]}`";
}

/// `esm.scaler.scale_out`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScaleOut {
    /// Step rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<RawScaleStep>,
    /// Lag threshold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_lag: Option<i64>,
}

/// `scale_out.step`: `double`, `{add: n}`, `{multiply: f}`, `to_max`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RawScaleStep {
    /// Double.
    Double,
    /// Add n.
    Add(i64),
    /// Multiply by f.
    Multiply(f64),
    /// Straight to the maximum.
    ToMax,
}

/// `esm.scaler.scale_in`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScaleIn {
    /// Time after a scale-out before any scale-in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cooldown: Option<DurationValue>,
    /// Consecutive quiet evaluations needed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_evaluations: Option<i64>,
    /// Quiet lag threshold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_lag: Option<i64>,
}

/// `function:`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFunction {
    /// Memory in MB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<i64>,
    /// `x86_64` or `arm64`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub architecture: Option<RawArchitecture>,
    /// Invocation timeout.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<DurationValue>,
    /// Handler time model (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<RawDurationModel>,
}

/// `function.architecture`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RawArchitecture {
    /// Intel/AMD.
    X86_64,
    /// Graviton.
    Arm64,
}

/// `function.duration`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDurationModel {
    /// Memory the times were measured at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_memory: Option<i64>,
    /// Time per invocation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_batch: Option<DurationValue>,
    /// Time per record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_record: Option<DurationValue>,
    /// Time per KiB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_kib: Option<DurationValue>,
    /// CPU-bound share.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_bound: Option<f64>,
    /// Handler threads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threads: Option<i64>,
    /// Random factor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jitter: Option<RawJitter>,
}

/// `function.duration.jitter`: `fixed`, `exponential`, `{lognormal: {sigma}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RawJitter {
    /// No jitter.
    Fixed,
    /// Exponential, mean 1.
    Exponential,
    /// Lognormal, mean 1.
    Lognormal {
        /// Sigma of ln(factor).
        sigma: f64,
    },
}

/// `pricing:`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPricing {
    /// USD per million requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_per_million: Option<f64>,
    /// x86_64 tiers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x86_64: Option<Vec<RawPriceTier>>,
    /// arm64 tiers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arm64: Option<Vec<RawPriceTier>>,
    /// GB-s used this month before the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month_to_date_gb_s: Option<f64>,
}

/// One price tier.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPriceTier {
    /// Upper bound in GB-s (absent for the last tier).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_to_gb_s: Option<f64>,
    /// USD per GB-s (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usd_per_gb_s: Option<f64>,
}

/// `slo:`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSlo {
    /// Maximum acceptable record age.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_age: Option<DurationValue>,
}

/// `outputs:`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOutputs {
    /// Write `partitions.csv`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partitions_csv: Option<bool>,
    /// Draw charts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charts: Option<bool>,
}

/// What a [`ScalarOr`] says it expected when given neither form.
pub trait Expecting {
    /// A phrase such as "a duration such as `180s`, or `{uniform: [30s, 180s]}`".
    const EXPECTING: &'static str;
}

/// A field written either as a scalar (`180s`) or as a one-key map (`{uniform: [..]}`).
///
/// Scalars go to `S`, maps to the externally tagged enum `T`, so each form keeps its own
/// precise error messages (serde's untagged enums would only say "did not match").
#[derive(Clone, Debug, PartialEq)]
pub enum ScalarOr<S, T> {
    /// The scalar form.
    Scalar(S),
    /// The map form.
    Tagged(T),
}

impl<S: Serialize, T: Serialize> Serialize for ScalarOr<S, T> {
    fn serialize<Z: Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        match self {
            ScalarOr::Scalar(s) => s.serialize(serializer),
            ScalarOr::Tagged(t) => t.serialize(serializer),
        }
    }
}

impl<'de, S, T> Deserialize<'de> for ScalarOr<S, T>
where
    S: Deserialize<'de>,
    T: Deserialize<'de> + Expecting,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarOrVisitor(PhantomData))
    }
}

struct ScalarOrVisitor<S, T>(PhantomData<(S, T)>);

impl<S, T> ScalarOrVisitor<S, T> {
    fn scalar<'de, E, X>(v: X) -> Result<ScalarOr<S, T>, E>
    where
        E: de::Error,
        S: Deserialize<'de>,
        X: IntoDeserializer<'de, E>,
    {
        S::deserialize(v.into_deserializer()).map(ScalarOr::Scalar)
    }
}

impl<'de, S, T> Visitor<'de> for ScalarOrVisitor<S, T>
where
    S: Deserialize<'de>,
    T: Deserialize<'de> + Expecting,
{
    type Value = ScalarOr<S, T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Self::scalar(v.to_string())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Self::scalar(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Self::scalar(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Self::scalar(v)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Self::scalar(v)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(ScalarOr::Tagged)
    }
}
