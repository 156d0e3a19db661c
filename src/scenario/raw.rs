//! The serde mirror of the scenario YAML, before defaults and range checks: the whole
//! file ([`RawScenario`]), and [`ScalarOr`] for fields written as a scalar or a one-key
//! map. Each section's raw types live in the section's module and are re-exported here.
//!
//! Every struct rejects unknown fields (the error lists the valid ones) and every field
//! that has a default is an `Option`, so resolution can tell "not given" from "given".
//! Numbers are kept wide (`i64`, `f64`) so that out-of-range values reach the resolver,
//! which explains what is allowed, instead of failing as a type error.
//!
//! The types also serialise, in the same format they read: `--set` overrides go through
//! JSON, and `esmsim explain` prints a resolved scenario through these types.

use std::fmt;
use std::marker::PhantomData;

use schemars::JsonSchema;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserializer, IntoDeserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

pub use super::esm::RawEsm;
pub use super::esm::poller::{RawConcurrentInvokes, RawPoller};
pub use super::function::{RawArchitecture, RawDurationModel, RawFunction, RawJitter};
pub use super::outputs::RawOutputs;
pub use super::plan::RawPlan;
pub use super::pricing::{RawPriceTier, RawPricing};
pub use super::producer::rate::{RawPoint, RawRateShape, RawTrace};
pub use super::producer::{RawArrivals, RawProducer, RawRecordSize, RawRecordSizeTagged};
pub use super::scaler::RawScaler;
pub use super::scaler::aws::{
    RawAwsScaler, RawDelay, RawDelayTagged, RawScaleIn, RawScaleOut, RawScaleStep,
};
pub use super::scaler::fixed::RawFixedScaler;
pub use super::slo::RawSlo;
pub use super::topic::{RawKeys, RawTopic};
use super::units::DurationValue;

/// The whole scenario file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// Scenario name (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Master seed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Wall-clock instant of t = 0 (RFC 3339 with offset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_at: Option<String>,
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
    /// What `esmsim plan` varies (ignored by `run` and `sweep`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<RawPlan>,
}

/// The JSON Schema of the scenario file format.
pub fn json_schema() -> schemars::Schema {
    schemars::schema_for!(RawScenario)
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

impl<S: schemars::JsonSchema, T: schemars::JsonSchema> schemars::JsonSchema for ScalarOr<S, T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("{}_or_{}", S::schema_name(), T::schema_name()).into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "anyOf": [generator.subschema_for::<S>(), generator.subschema_for::<T>()]
        })
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

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        T::deserialize(SeqAccessDeserializer::new(seq)).map(ScalarOr::Tagged)
    }
}
