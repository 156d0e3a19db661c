//! `esm.on_failure`: what the mapping does with a batch whose invocation failed: retry
//! limits by attempts and by record age, bisection, partial-batch responses and the
//! on-failure destination (AWS's `MaximumRetryAttempts`, `MaximumRecordAgeInSeconds`,
//! `BisectBatchOnFunctionError`, `ReportBatchItemFailures`, `DestinationConfig`). Raw
//! form, resolved form, defaults, checks and `explain` inverse.
//!
//! AWS offers these controls for Kafka only in provisioned mode; in on-demand mode a
//! failed batch is retried until it succeeds or its records leave the topic. Retry
//! backoff and whether bisection consumes attempts are not documented for Kafka: they
//! are assumptions with named defaults.

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::engine::time::SimDuration;
use crate::scenario::esm::provisioned::Mode;
use crate::scenario::locate::FieldPath;
use crate::scenario::resolve::{Context, Result};
use crate::scenario::units::DurationValue;

/// Most retries AWS accepts for `MaximumRetryAttempts`.
pub const MAX_RETRY_ATTEMPTS: i64 = 10_000;
/// Retries when `max_retry_attempts` is infinite but a destination is set (AWS).
pub const RETRIES_WITH_DESTINATION: u32 = 10;
/// Shortest `MaximumRecordAgeInSeconds` AWS accepts.
pub const MIN_RECORD_AGE: SimDuration = SimDuration::from_secs(60);
/// Longest `MaximumRecordAgeInSeconds` AWS accepts (7 days).
pub const MAX_RECORD_AGE: SimDuration = SimDuration::from_secs(604_800);
/// Longest retry backoff a scenario may set.
pub const MAX_RETRY_BACKOFF: SimDuration = SimDuration::from_secs(900);
/// Whether the attempts of a bisected batch count toward `max_retry_attempts` when the
/// scenario does not say: no, as AWS documents for Kinesis (an assumption for Kafka).
pub const DEFAULT_BISECT_CONSUMES_ATTEMPTS: bool = false;
/// The keyword for an unlimited retry count or record age.
pub const UNLIMITED: &str = "unlimited";

/// The manifest's assumptions about failure handling.
pub(crate) fn assumptions() -> Vec<String> {
    vec![
        "esm.on_failure.retry_backoff: without one, a failed batch is retried like any batch: when it is full or when the batching window that opens as the failed invocation ends closes (AWS documents no retry backoff for Kafka)".to_string(),
        format!(
            "esm.on_failure.bisect_consumes_attempts: {DEFAULT_BISECT_CONSUMES_ATTEMPTS} (AWS documents this for Kinesis, not for Kafka)"
        ),
        "esm.on_failure: a failed batch is split in halves (first half: the larger) and the halves are retried in order; a batch whose partition moved to another poller during a rebalance is not committed by its old owner and is delivered again (records_duplicated)".to_string(),
    ]
}

/// Where records go when their retries or age run out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Destination {
    /// None: the records are discarded (counted as dropped).
    #[default]
    None,
    /// An SQS queue (the invocation record with metadata).
    Sqs,
    /// An SNS topic (metadata only).
    Sns,
    /// An S3 bucket (the invocation record).
    S3,
    /// A Kafka topic on the same cluster (provisioned mode only).
    Kafka,
}

/// Failure handling of the mapping (defaults: AWS's on-demand behaviour, retry until
/// the records expire).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OnFailure {
    /// Retries after the first attempt (`None`: unlimited).
    pub max_retry_attempts: Option<u32>,
    /// Records older than this when their batch fails are not retried (`None`: no
    /// limit).
    pub max_record_age: Option<SimDuration>,
    /// Whether a failed batch is split in two and the halves retried.
    pub bisect_batch: bool,
    /// Whether the function reports its failed records: the batch is retried from the
    /// first failed record of each partition, the records before it are committed.
    pub report_batch_item_failures: bool,
    /// Where records go when their retries or age run out.
    pub destination: Destination,
    /// Whether these controls were allowed in on-demand mode as a what-if.
    pub allow_in_on_demand: bool,
    /// Wait between a failed attempt and its retry; `None`: the retry is batched like
    /// any batch, under the batching window (assumed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_backoff: Option<SimDuration>,
    /// Whether a bisected batch's attempts count toward the retry limit (assumed).
    pub bisect_consumes_attempts: bool,
}

impl Default for OnFailure {
    fn default() -> Self {
        OnFailure {
            max_retry_attempts: None,
            max_record_age: None,
            bisect_batch: false,
            report_batch_item_failures: false,
            destination: Destination::None,
            allow_in_on_demand: false,
            retry_backoff: None,
            bisect_consumes_attempts: DEFAULT_BISECT_CONSUMES_ATTEMPTS,
        }
    }
}

impl OnFailure {
    /// Whether this is the default (which the manifest and the scenario hash leave out).
    pub fn is_default(&self) -> bool {
        *self == OnFailure::default()
    }

    /// Retries allowed after the first attempt (`None`: unlimited). An unlimited count
    /// with a destination is at most [`RETRIES_WITH_DESTINATION`] (AWS).
    pub fn retry_limit(&self) -> Option<u32> {
        match (self.max_retry_attempts, self.destination) {
            (Some(n), _) => Some(n),
            (None, Destination::None) => None,
            (None, _) => Some(RETRIES_WITH_DESTINATION),
        }
    }
}

/// A count or age limit as written: a value, or `-1` / `unlimited`.
#[derive(Clone, Debug, PartialEq)]
pub enum RawLimit<T> {
    /// `-1` or `unlimited`.
    Unlimited,
    /// A value (range-checked when resolved).
    Value(T),
}

impl<T: Serialize> Serialize for RawLimit<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            RawLimit::Unlimited => serializer.serialize_i64(-1),
            RawLimit::Value(v) => v.serialize(serializer),
        }
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for RawLimit<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Limit_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A limit, or -1 (or `unlimited`) for none.",
            "anyOf": [generator.subschema_for::<T>(), {"const": -1}, {"const": "unlimited"}]
        })
    }
}

impl<'de> Deserialize<'de> for RawLimit<i64> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(LimitVisitor::<i64>(std::marker::PhantomData))
    }
}

impl<'de> Deserialize<'de> for RawLimit<DurationValue> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(LimitVisitor::<DurationValue>(std::marker::PhantomData))
    }
}

struct LimitVisitor<T>(std::marker::PhantomData<T>);

/// How a limit's value is read from a scalar.
trait LimitValue: Sized {
    const EXPECTING: &'static str;
    fn from_int<E: de::Error>(v: i64) -> std::result::Result<Self, E>;
    fn from_str<E: de::Error>(v: &str) -> std::result::Result<Self, E>;
}

impl LimitValue for i64 {
    const EXPECTING: &'static str = "an integer from 0 to 10000, or -1 (unlimited)";
    fn from_int<E: de::Error>(v: i64) -> std::result::Result<Self, E> {
        Ok(v)
    }
    fn from_str<E: de::Error>(v: &str) -> std::result::Result<Self, E> {
        Err(E::invalid_value(de::Unexpected::Str(v), &Self::EXPECTING))
    }
}

impl LimitValue for DurationValue {
    const EXPECTING: &'static str = "a duration from `60s` to `7d`, or -1 (unlimited)";
    fn from_int<E: de::Error>(v: i64) -> std::result::Result<Self, E> {
        DurationValue::deserialize(de::value::I64Deserializer::<E>::new(v))
    }
    fn from_str<E: de::Error>(v: &str) -> std::result::Result<Self, E> {
        DurationValue::deserialize(de::value::StrDeserializer::<E>::new(v))
    }
}

impl<T: LimitValue> Visitor<'_> for LimitVisitor<T> {
    type Value = RawLimit<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Self::Value, E> {
        if v == -1 {
            Ok(RawLimit::Unlimited)
        } else {
            T::from_int(v).map(RawLimit::Value)
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Self::Value, E> {
        self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
        if v == UNLIMITED || v == "-1" {
            Ok(RawLimit::Unlimited)
        } else {
            T::from_str(v).map(RawLimit::Value)
        }
    }
}

/// `esm.on_failure`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOnFailure {
    /// `MaximumRetryAttempts`: -1 or 0 ..= 10,000.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_retry_attempts: Option<RawLimit<i64>>,
    /// `MaximumRecordAgeInSeconds`: -1 or 60 s ..= 7 days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_record_age: Option<RawLimit<DurationValue>>,
    /// `BisectBatchOnFunctionError`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bisect_batch: Option<bool>,
    /// `ReportBatchItemFailures`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_batch_item_failures: Option<bool>,
    /// `none`, `sqs`, `sns`, `s3` or `kafka`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination: Option<Destination>,
    /// Simulate these controls in on-demand mode (a what-if).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_in_on_demand: Option<bool>,
    /// Wait before a retry (assumed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_backoff: Option<DurationValue>,
    /// Whether bisected attempts count (assumed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bisect_consumes_attempts: Option<bool>,
}

/// Resolves `esm.on_failure` at `base` for an ESM in `mode`.
pub(crate) fn resolve(
    raw: Option<&RawOnFailure>,
    base: &FieldPath,
    cx: &Context<'_>,
    mode: Mode,
) -> Result<OnFailure> {
    let Some(r) = raw else {
        return Ok(OnFailure::default());
    };
    let max_retry_attempts = match &r.max_retry_attempts {
        None | Some(RawLimit::Unlimited) => None,
        Some(RawLimit::Value(n)) => Some(cx.int(
            &base.key("max_retry_attempts"),
            Some(*n),
            0,
            0,
            MAX_RETRY_ATTEMPTS,
        )? as u32),
    };
    let max_record_age = match &r.max_record_age {
        None | Some(RawLimit::Unlimited) => None,
        Some(RawLimit::Value(d)) => Some(cx.check_duration(
            &base.key("max_record_age"),
            d,
            MIN_RECORD_AGE,
            MAX_RECORD_AGE,
        )?),
    };
    let retry_backoff = r
        .retry_backoff
        .as_ref()
        .map(|d| {
            cx.check_duration(
                &base.key("retry_backoff"),
                d,
                SimDuration::ZERO,
                MAX_RETRY_BACKOFF,
            )
        })
        .transpose()?;
    let on_failure = OnFailure {
        max_retry_attempts,
        max_record_age,
        bisect_batch: r.bisect_batch.unwrap_or(false),
        report_batch_item_failures: r.report_batch_item_failures.unwrap_or(false),
        destination: r.destination.unwrap_or_default(),
        allow_in_on_demand: r.allow_in_on_demand.unwrap_or(false),
        retry_backoff,
        bisect_consumes_attempts: r
            .bisect_consumes_attempts
            .unwrap_or(DEFAULT_BISECT_CONSUMES_ATTEMPTS),
    };
    if mode == Mode::OnDemand && !on_failure.allow_in_on_demand {
        check_on_demand(&on_failure, r, base, cx)?;
    }
    Ok(on_failure)
}

/// AWS offers the failure controls, and a Kafka destination, only in provisioned mode.
fn check_on_demand(
    f: &OnFailure,
    r: &RawOnFailure,
    base: &FieldPath,
    cx: &Context<'_>,
) -> Result<()> {
    let age = r.max_record_age.as_ref().map(|a| match a {
        RawLimit::Unlimited => "-1".to_string(),
        RawLimit::Value(d) => format!("`{d}`"),
    });
    let set: [(&str, bool, String); 5] = [
        (
            "max_retry_attempts",
            f.max_retry_attempts.is_some(),
            format!("{:?}", f.max_retry_attempts.unwrap_or(0)),
        ),
        (
            "max_record_age",
            f.max_record_age.is_some(),
            age.unwrap_or_default(),
        ),
        ("bisect_batch", f.bisect_batch, "true".to_string()),
        (
            "report_batch_item_failures",
            f.report_batch_item_failures,
            "true".to_string(),
        ),
        (
            "destination",
            f.destination != Destination::None,
            format!("{:?}", f.destination).to_lowercase(),
        ),
    ];
    match set.into_iter().find(|(_, on, _)| *on) {
        Some((key, _, value)) => Err(cx.invalid(
            &base.key(key),
            value,
            "this field only with `esm.mode: provisioned` (AWS offers retry limits, record age, bisection, partial-batch responses and destinations for Kafka only in provisioned mode); to simulate it in on-demand mode as a what-if, add `esm.on_failure.allow_in_on_demand: true`",
        )),
        None => Ok(()),
    }
}

/// The `explain` inverse: every field written out.
pub(crate) fn to_raw(f: &OnFailure) -> RawOnFailure {
    RawOnFailure {
        max_retry_attempts: Some(match f.max_retry_attempts {
            None => RawLimit::Unlimited,
            Some(n) => RawLimit::Value(i64::from(n)),
        }),
        max_record_age: Some(match f.max_record_age {
            None => RawLimit::Unlimited,
            Some(d) => RawLimit::Value(DurationValue::new(d)),
        }),
        bisect_batch: Some(f.bisect_batch),
        report_batch_item_failures: Some(f.report_batch_item_failures),
        destination: Some(f.destination),
        allow_in_on_demand: Some(f.allow_in_on_demand),
        retry_backoff: f.retry_backoff.map(DurationValue::new),
        bisect_consumes_attempts: Some(f.bisect_consumes_attempts),
    }
}
