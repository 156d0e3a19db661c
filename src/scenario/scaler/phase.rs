//! `esm.scaler.evaluation_phase`: where the on-demand scaler's evaluations fall within
//! their interval. Evaluations happen at `start + phase + k × evaluation_interval`, the
//! first one strictly after the mapping starts polling (`start`): with phase `0s` at
//! one interval after the start (the behaviour before this setting existed), with a
//! phase `p > 0` at `start + p`. `random` (the default, an assumption: AWS does not
//! say when its minute starts) draws the phase uniformly in `[0, interval)` from the
//! scaler's random stream, so replications see evaluations at different offsets.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::engine::time::SimDuration;
use crate::scenario::locate::FieldPath;
use crate::scenario::resolve::{Context, Result};
use crate::scenario::units::{DurationValue, parse_duration};

/// The keyword of [`EvaluationPhase::Random`] in scenarios.
pub const RANDOM: &str = "random";

/// Where evaluations fall within their interval (resolved).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvaluationPhase {
    /// Drawn uniformly in `[0, evaluation_interval)` from the scaler's stream.
    Random,
    /// This offset (less than the evaluation interval).
    Offset(SimDuration),
}

impl Serialize for EvaluationPhase {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            EvaluationPhase::Random => serializer.serialize_str(RANDOM),
            EvaluationPhase::Offset(d) => d.serialize(serializer),
        }
    }
}

/// `evaluation_phase` as written: a duration or `random`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RawPhase {
    /// `random`.
    Random,
    /// A duration.
    Offset(DurationValue),
}

impl Serialize for RawPhase {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            RawPhase::Random => serializer.serialize_str(RANDOM),
            RawPhase::Offset(d) => d.serialize(serializer),
        }
    }
}

impl schemars::JsonSchema for RawPhase {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "EvaluationPhase".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": format!("A duration under the evaluation interval (`0s` evaluates at whole intervals from the start), or `{RANDOM}`."),
            "type": ["string", "number"]
        })
    }
}

impl<'de> Deserialize<'de> for RawPhase {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(PhaseVisitor)
    }
}

struct PhaseVisitor;

impl PhaseVisitor {
    fn duration<E: de::Error>(text: String) -> std::result::Result<RawPhase, E> {
        parse_duration(&text)
            .map(|value| RawPhase::Offset(DurationValue { value, text }))
            .map_err(|e| E::custom(format!("{e}, or `{RANDOM}`")))
    }
}

impl Visitor<'_> for PhaseVisitor {
    type Value = RawPhase;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a duration such as `0s` or `20s`, or `{RANDOM}`")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<RawPhase, E> {
        if v == RANDOM {
            Ok(RawPhase::Random)
        } else {
            Self::duration(v.to_string())
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<RawPhase, E> {
        Self::duration(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<RawPhase, E> {
        Self::duration(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<RawPhase, E> {
        Self::duration(v.to_string())
    }
}

/// Resolves `evaluation_phase` at `path` for evaluations every `interval` (default
/// `random`).
pub(crate) fn resolve(
    raw: Option<&RawPhase>,
    path: &FieldPath,
    cx: &Context<'_>,
    interval: SimDuration,
) -> Result<EvaluationPhase> {
    match raw {
        None | Some(RawPhase::Random) => Ok(EvaluationPhase::Random),
        Some(RawPhase::Offset(d)) if d.value < interval => Ok(EvaluationPhase::Offset(d.value)),
        Some(RawPhase::Offset(d)) => Err(cx.invalid(
            path,
            format!("`{d}`"),
            format!(
                "a duration from `0` to under the evaluation interval (`{interval}`), or `{RANDOM}`"
            ),
        )),
    }
}

/// The `explain` inverse.
pub(crate) fn to_raw(phase: EvaluationPhase) -> RawPhase {
    match phase {
        EvaluationPhase::Random => RawPhase::Random,
        EvaluationPhase::Offset(d) => RawPhase::Offset(DurationValue::new(d)),
    }
}
