//! `esm.poller`: the limits of one poller. Raw form, resolved form, defaults, checks and
//! `explain` inverse.
//!
//! AWS publishes "5 MB/s or 5 concurrent invocations per poller" only for provisioned
//! mode; for on-demand pollers nothing is published. The defaults are those figures,
//! listed as assumptions in the manifest. `max_concurrent_invokes: unlimited` is the
//! other reading (AWS's older text and the seed article): one processor per partition.

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::scenario::locate::FieldPath;
use crate::scenario::resolve::{Context, Result, int_range};
use crate::scenario::units::SizeValue;

/// Record bytes one poller fetches per second: AWS's provisioned-mode figure (5 MB/s),
/// assumed for on-demand pollers.
pub const DEFAULT_MAX_BYTES_PER_S: u64 = 5_000_000;
/// Concurrent invocations per poller: AWS's provisioned-mode figure (5), assumed for
/// on-demand pollers.
pub const DEFAULT_MAX_CONCURRENT_INVOKES: i64 = 5;
/// Most concurrent invocations per poller a scenario may set as a number.
pub const MAX_CONCURRENT_INVOKES: i64 = 100;
/// The keyword of [`ConcurrentInvokes::Unlimited`] in scenarios.
pub const UNLIMITED: &str = "unlimited";

/// The manifest's assumptions about pollers.
pub(crate) fn assumptions() -> Vec<String> {
    vec![
        "esm.poller.max_bytes_per_s: enforced as a rate with one second of burst per poller"
            .to_string(),
        format!(
            "esm.poller: {} MB/s and {DEFAULT_MAX_CONCURRENT_INVOKES} concurrent invocations per poller are AWS's figures for provisioned mode; for on-demand pollers AWS publishes none (max_concurrent_invokes: {UNLIMITED} is the other reading, one processor per partition)",
            DEFAULT_MAX_BYTES_PER_S / 1_000_000
        ),
    ]
}

/// How many concurrent invocations (= processors) one poller runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConcurrentInvokes {
    /// At most this many (1 ..= 100): a poller's partitions are split over this many
    /// processors, or fewer when it has fewer partitions.
    AtMost(u32),
    /// No per-poller limit: one processor per assigned partition.
    Unlimited,
}

impl ConcurrentInvokes {
    /// Processors of a poller that is assigned `partitions` partitions.
    pub fn processors(self, partitions: u32) -> u32 {
        match self {
            ConcurrentInvokes::AtMost(n) => n.min(partitions),
            ConcurrentInvokes::Unlimited => partitions,
        }
    }
}

impl fmt::Display for ConcurrentInvokes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConcurrentInvokes::AtMost(n) => write!(f, "{n}"),
            ConcurrentInvokes::Unlimited => f.write_str(UNLIMITED),
        }
    }
}

impl Serialize for ConcurrentInvokes {
    /// A number, or the string `unlimited`, as scenarios write it.
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            ConcurrentInvokes::AtMost(n) => serializer.serialize_u32(*n),
            ConcurrentInvokes::Unlimited => serializer.serialize_str(UNLIMITED),
        }
    }
}

/// Limits of one poller (defaults: 5 MB/s and 5 concurrent invocations).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PollerLimits {
    /// Record bytes one poller can fetch per second.
    pub max_bytes_per_s: u64,
    /// Concurrent invocations (= processors) per poller.
    pub max_concurrent_invokes: ConcurrentInvokes,
}

/// `esm.poller.max_concurrent_invokes` as written: an integer (range-checked when
/// resolved) or `unlimited`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RawConcurrentInvokes {
    /// A number.
    Count(i64),
    /// `unlimited`.
    Unlimited,
}

impl Serialize for RawConcurrentInvokes {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            RawConcurrentInvokes::Count(n) => serializer.serialize_i64(*n),
            RawConcurrentInvokes::Unlimited => serializer.serialize_str(UNLIMITED),
        }
    }
}

impl schemars::JsonSchema for RawConcurrentInvokes {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ConcurrentInvokes".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": format!("An integer from 1 to {MAX_CONCURRENT_INVOKES}, or `{UNLIMITED}`."),
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": MAX_CONCURRENT_INVOKES},
                {"const": UNLIMITED}
            ]
        })
    }
}

impl<'de> Deserialize<'de> for RawConcurrentInvokes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(InvokesVisitor)
    }
}

struct InvokesVisitor;

impl Visitor<'_> for InvokesVisitor {
    type Value = RawConcurrentInvokes;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "an integer from 1 to {MAX_CONCURRENT_INVOKES}, or `{UNLIMITED}`"
        )
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Self::Value, E> {
        Ok(RawConcurrentInvokes::Count(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Self::Value, E> {
        Ok(RawConcurrentInvokes::Count(
            i64::try_from(v).unwrap_or(i64::MAX),
        ))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
        if v == UNLIMITED {
            Ok(RawConcurrentInvokes::Unlimited)
        } else {
            Err(E::invalid_value(de::Unexpected::Str(v), &self))
        }
    }
}

/// `esm.poller`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPoller {
    /// Record bytes per second.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_bytes_per_s: Option<SizeValue>,
    /// Concurrent invocations: a number or `unlimited`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_concurrent_invokes: Option<RawConcurrentInvokes>,
}

/// Resolves `esm.poller` at `base` (every field has a default).
pub(crate) fn resolve(
    raw: Option<&RawPoller>,
    base: &FieldPath,
    cx: &Context<'_>,
) -> Result<PollerLimits> {
    let default = RawPoller::default();
    let p = raw.unwrap_or(&default);
    let max_bytes_per_s = cx.size(
        &base.key("max_bytes_per_s"),
        p.max_bytes_per_s.as_ref(),
        DEFAULT_MAX_BYTES_PER_S,
        1,
        u64::MAX,
    )?;
    let max_concurrent_invokes = match p.max_concurrent_invokes {
        None => ConcurrentInvokes::AtMost(DEFAULT_MAX_CONCURRENT_INVOKES as u32),
        Some(RawConcurrentInvokes::Unlimited) => ConcurrentInvokes::Unlimited,
        Some(RawConcurrentInvokes::Count(n)) if (1..=MAX_CONCURRENT_INVOKES).contains(&n) => {
            ConcurrentInvokes::AtMost(n as u32)
        }
        Some(RawConcurrentInvokes::Count(n)) => {
            return Err(cx.invalid(
                &base.key("max_concurrent_invokes"),
                n,
                format!("{}, or `{UNLIMITED}`", int_range(1, MAX_CONCURRENT_INVOKES)),
            ));
        }
    };
    Ok(PollerLimits {
        max_bytes_per_s,
        max_concurrent_invokes,
    })
}

/// The `explain` inverse of the poller limits.
pub(crate) fn to_raw(p: &PollerLimits) -> RawPoller {
    RawPoller {
        max_bytes_per_s: Some(SizeValue::new(p.max_bytes_per_s)),
        max_concurrent_invokes: Some(match p.max_concurrent_invokes {
            ConcurrentInvokes::AtMost(n) => RawConcurrentInvokes::Count(i64::from(n)),
            ConcurrentInvokes::Unlimited => RawConcurrentInvokes::Unlimited,
        }),
    }
}
