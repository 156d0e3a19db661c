//! `topic:`: the Kafka topic's partitions, how keys spread over them, the backlog at
//! t = 0 and where the consumer starts reading. Its raw form, resolved form, defaults,
//! checks and `explain` inverse.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::locate::FieldPath;
use super::resolve::{Context, MAX_PARTITIONS, NON_NEGATIVE, Result, int_range};
use super::units::DurationValue;
use crate::engine::time::SimDuration;

/// Records per partition waiting at t = 0 when the scenario gives none.
pub const DEFAULT_INITIAL_BACKLOG: i64 = 0;
/// Largest initial backlog per partition.
pub const MAX_INITIAL_BACKLOG: i64 = 1_000_000_000_000;

/// How long the topic keeps a record when the scenario does not say: Kafka's default
/// `retention.ms` (7 days).
pub const DEFAULT_RETENTION: SimDuration = SimDuration::from_secs(7 * 24 * 3600);
/// Shortest retention a scenario may set.
pub const MIN_RETENTION: SimDuration = SimDuration::from_secs(1);
/// Longest retention a scenario may set (a year; Kafka's infinite retention is longer
/// than any run).
pub const MAX_RETENTION: SimDuration = SimDuration::from_secs(366 * 24 * 3600);
/// Where the consumer starts reading when it has no committed offset yet
/// (`topic.starting_position`, AWS's `StartingPosition`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StartingPosition {
    /// At the oldest record: the initial backlog and everything produced before polling
    /// starts is read. The default (what esmsim did before the option existed).
    #[default]
    TrimHorizon,
    /// At the end of the log when polling starts: the initial backlog and the records
    /// produced during `esm.startup_delay` are skipped (produced and committed at once,
    /// never lag, counted in `records_skipped_at_start`).
    Latest,
}

impl StartingPosition {
    /// Whether this is the default, [`StartingPosition::TrimHorizon`] (which the manifest
    /// and the scenario hash leave out).
    pub fn is_trim_horizon(&self) -> bool {
        *self == StartingPosition::TrimHorizon
    }
}

/// The manifest's assumptions about the starting position (listed only with `latest`).
pub(crate) fn assumptions(t: &Topic) -> Vec<String> {
    if t.starting_position.is_trim_horizon() {
        return Vec::new();
    }
    vec!["topic.starting_position: latest: every record that arrives at or before the moment polling starts (the initial backlog included) is skipped: it counts as produced and, at once, as committed (records_skipped_at_start), never as lag".to_string()]
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
    /// How long a record stays in the log: records not committed by then are lost
    /// (default 7 days, Kafka's default).
    #[serde(skip_serializing_if = "is_default_retention")]
    pub retention: SimDuration,
    /// Where the consumer starts reading (default `trim_horizon`).
    #[serde(skip_serializing_if = "StartingPosition::is_trim_horizon")]
    pub starting_position: StartingPosition,
}

fn is_default_retention(r: &SimDuration) -> bool {
    *r == DEFAULT_RETENTION
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

/// `topic:`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
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
    /// How long the topic keeps records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention: Option<DurationValue>,
    /// Where the consumer starts reading.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starting_position: Option<StartingPosition>,
}

/// `topic.keys`: `uniform`, `{zipf: s}`, `{hot: {partitions, factor}}`, `{weights: [..]}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
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

/// Resolves `topic:` (required).
pub(crate) fn resolve(raw: Option<&RawTopic>, cx: &Context<'_>) -> Result<Topic> {
    let base = FieldPath::root("topic");
    let Some(t) = raw else {
        return Err(cx.missing(&base, "a block with at least `partitions`"));
    };
    let p_parts = base.key("partitions");
    let partitions = match t.partitions {
        None => return Err(cx.missing(&p_parts, int_range(1, MAX_PARTITIONS))),
        Some(_) => cx.int(&p_parts, t.partitions, 1, 1, MAX_PARTITIONS)? as u32,
    };
    let keys = resolve_keys(t.keys.as_ref(), &base.key("keys"), cx, partitions)?;
    let initial_backlog = cx.int(
        &base.key("initial_backlog"),
        t.initial_backlog,
        DEFAULT_INITIAL_BACKLOG,
        0,
        MAX_INITIAL_BACKLOG,
    )? as u64;
    let retention = cx.duration(
        &base.key("retention"),
        t.retention.as_ref(),
        DEFAULT_RETENTION,
        MIN_RETENTION,
        MAX_RETENTION,
    )?;
    Ok(Topic {
        partitions,
        keys,
        initial_backlog,
        retention,
        starting_position: t.starting_position.unwrap_or_default(),
    })
}

fn resolve_keys(
    raw: Option<&RawKeys>,
    p_keys: &FieldPath,
    cx: &Context<'_>,
    partitions: u32,
) -> Result<KeyDistribution> {
    Ok(match raw {
        None | Some(RawKeys::Uniform) => KeyDistribution::Uniform,
        Some(RawKeys::Zipf(s)) => KeyDistribution::Zipf(cx.check_float(
            &p_keys.key("zipf"),
            *s,
            |x| x > 0.0,
            "a zipf exponent > 0",
        )?),
        Some(RawKeys::Hot {
            partitions: hot,
            factor,
        }) => {
            let p = p_keys.key("hot").key("partitions");
            if !(1..=i64::from(partitions)).contains(hot) {
                return Err(cx.invalid(
                    &p,
                    hot,
                    format!("an integer from 1 to `topic.partitions` ({partitions})"),
                ));
            }
            let factor = cx.check_float(
                &p_keys.key("hot").key("factor"),
                *factor,
                |x| x > 0.0,
                "a finite number > 0",
            )?;
            KeyDistribution::Hot {
                partitions: *hot as u32,
                factor,
            }
        }
        Some(RawKeys::Weights(w)) => {
            let p = p_keys.key("weights");
            if w.len() != partitions as usize {
                return Err(cx.invalid(
                    &p,
                    format!("a list of {} weights", w.len()),
                    format!("a list of exactly `topic.partitions` ({partitions}) weights"),
                ));
            }
            for (i, x) in w.iter().enumerate() {
                cx.check_float(&p.index(i), *x, |x| x >= 0.0, NON_NEGATIVE)?;
            }
            let sum: f64 = w.iter().sum();
            if !(sum > 0.0 && sum.is_finite()) {
                return Err(cx.invalid(
                    &p,
                    format!("a list summing to {sum}"),
                    "a list with a finite sum > 0",
                ));
            }
            KeyDistribution::Weights(w.clone())
        }
    })
}

/// The `explain` inverse: the resolved topic with every field written out.
pub(crate) fn to_raw(t: &Topic) -> RawTopic {
    RawTopic {
        partitions: Some(i64::from(t.partitions)),
        keys: Some(match &t.keys {
            KeyDistribution::Uniform => RawKeys::Uniform,
            KeyDistribution::Zipf(x) => RawKeys::Zipf(*x),
            KeyDistribution::Hot { partitions, factor } => RawKeys::Hot {
                partitions: i64::from(*partitions),
                factor: *factor,
            },
            KeyDistribution::Weights(w) => RawKeys::Weights(w.clone()),
        }),
        initial_backlog: Some(t.initial_backlog.min(i64::MAX as u64) as i64),
        retention: Some(DurationValue::new(t.retention)),
        starting_position: Some(t.starting_position),
    }
}
