//! `function.concurrency`: the function's concurrency limit (reserved concurrency or the
//! account's limit minus what other functions use), the scaling rate of new execution
//! environments, and how long the mapping waits after a throttle. Raw form, resolved
//! form, defaults (AWS facts and assumptions), checks and `explain` inverse.
//!
//! Every field has a default, and the defaults are AWS's (an account limit of 1,000, no
//! neighbour, 1,000 new environments per 10 s), so a scenario without the block is
//! limited as a fresh account is; the resolved block is left out of the manifest while
//! it holds only defaults.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::locate::FieldPath;
use super::producer::rate::{self, RateShape, RawRateShape};
use super::resolve::{Context, Result};
use super::units::DurationValue;
use crate::engine::time::SimDuration;

/// Concurrent executions of an account in a Region (AWS default quota).
pub const DEFAULT_ACCOUNT_LIMIT: i64 = 1000;
/// Largest account limit a scenario may set (AWS grants "tens of thousands").
pub const MAX_ACCOUNT_LIMIT: i64 = 1_000_000;
/// Concurrency AWS keeps unreserved in every account: reserved concurrency is at most the
/// account limit minus this (AWS, PutFunctionConcurrency).
pub const UNRESERVED_MINIMUM: i64 = 100;
/// New execution environments a function may add per [`DEFAULT_SCALING_PERIOD`] (AWS).
pub const DEFAULT_SCALING_ENVIRONMENTS: i64 = 1000;
/// The period of the scaling rate (AWS: 1,000 environments every 10 s, refilled
/// continuously, not banked).
pub const DEFAULT_SCALING_PERIOD: SimDuration = SimDuration::from_secs(10);
/// How long a processor waits after a throttled invoke before it tries again; an
/// assumption, AWS does not publish the mapping's backoff.
pub const DEFAULT_THROTTLE_BACKOFF: SimDuration = SimDuration::from_secs(1);
/// Longest backoff a scenario may set.
pub const MAX_THROTTLE_BACKOFF: SimDuration = SimDuration::from_secs(3600);

/// The manifest's assumptions about concurrency and throttling.
pub(crate) fn assumptions() -> Vec<String> {
    vec![format!(
        "function.concurrency.throttle_backoff: a throttled invoke is retried by its processor after a fixed {} s (AWS does not publish the mapping's backoff); the throttled batch stays in flight meanwhile",
        DEFAULT_THROTTLE_BACKOFF.as_secs_f64()
    )]
}

/// The function's concurrency limit and scaling rate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Concurrency {
    /// Reserved concurrency: the function's limit whatever the others use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reserved: Option<u32>,
    /// The account's concurrency limit in the Region (AWS default 1,000).
    pub account_limit: u32,
    /// Concurrency the account's other functions use over time (shapes add up, as the
    /// producer's rate); the limit without `reserved` is `account_limit` minus this.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_functions: Vec<RateShape>,
    /// New execution environments allowed per period (AWS: 1,000 per 10 s).
    pub scaling_rate: ScalingRate,
    /// Wait after a throttled invoke before the processor tries again (assumed 1 s).
    pub throttle_backoff: SimDuration,
}

/// The scaling rate: `environments` new execution environments per `per`, refilled
/// continuously.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ScalingRate {
    /// Environments per period (also the most that can start at once).
    pub environments: u32,
    /// The period.
    pub per: SimDuration,
}

impl Default for Concurrency {
    fn default() -> Self {
        Concurrency {
            reserved: None,
            account_limit: DEFAULT_ACCOUNT_LIMIT as u32,
            other_functions: Vec::new(),
            scaling_rate: ScalingRate {
                environments: DEFAULT_SCALING_ENVIRONMENTS as u32,
                per: DEFAULT_SCALING_PERIOD,
            },
            throttle_backoff: DEFAULT_THROTTLE_BACKOFF,
        }
    }
}

impl Concurrency {
    /// Whether every field holds its default (the block is then left out of the
    /// manifest, so scenarios written before it existed keep their hash).
    pub fn is_default(&self) -> bool {
        *self == Concurrency::default()
    }
}

/// `function.concurrency`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawConcurrency {
    /// Reserved concurrency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reserved: Option<i64>,
    /// Account limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_limit: Option<i64>,
    /// Other functions' concurrency, as rate shapes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_functions: Option<Vec<RawRateShape>>,
    /// `{environments, per}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scaling_rate: Option<RawScalingRate>,
    /// Backoff after a throttle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub throttle_backoff: Option<DurationValue>,
}

/// `function.concurrency.scaling_rate`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScalingRate {
    /// New environments per period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environments: Option<i64>,
    /// The period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per: Option<DurationValue>,
}

/// Resolves `function.concurrency` (every field has a default).
pub(crate) fn resolve(
    raw: Option<&RawConcurrency>,
    base: &FieldPath,
    cx: &Context<'_>,
) -> Result<Concurrency> {
    let Some(c) = raw else {
        return Ok(Concurrency::default());
    };
    let account_limit = cx.int(
        &base.key("account_limit"),
        c.account_limit,
        DEFAULT_ACCOUNT_LIMIT,
        UNRESERVED_MINIMUM,
        MAX_ACCOUNT_LIMIT,
    )?;
    let reserved = match c.reserved {
        None => None,
        Some(r) => {
            let most = account_limit - UNRESERVED_MINIMUM;
            if !(0..=most).contains(&r) {
                return Err(cx.invalid(
                    &base.key("reserved"),
                    r,
                    format!(
                        "an integer from 0 to {most}: AWS keeps {UNRESERVED_MINIMUM} of the account limit ({account_limit}) unreserved"
                    ),
                ));
            }
            Some(r as u32)
        }
    };
    let p_others = base.key("other_functions");
    let other_functions = match &c.other_functions {
        None => Vec::new(),
        Some(list) => list
            .iter()
            .enumerate()
            .map(|(i, shape)| rate::resolve(shape, &p_others.index(i), cx))
            .collect::<Result<Vec<_>>>()?,
    };
    let p_rate = base.key("scaling_rate");
    let (environments, per) = c
        .scaling_rate
        .as_ref()
        .map_or((None, None), |r| (r.environments, r.per.as_ref()));
    let scaling_environments = cx.int(
        &p_rate.key("environments"),
        environments,
        DEFAULT_SCALING_ENVIRONMENTS,
        1,
        MAX_ACCOUNT_LIMIT,
    )? as u32;
    let scaling_period = cx.duration(
        &p_rate.key("per"),
        per,
        DEFAULT_SCALING_PERIOD,
        SimDuration::from_millis(1),
        SimDuration::from_secs(3600),
    )?;
    let throttle_backoff = cx.duration(
        &base.key("throttle_backoff"),
        c.throttle_backoff.as_ref(),
        DEFAULT_THROTTLE_BACKOFF,
        SimDuration::from_millis(1),
        MAX_THROTTLE_BACKOFF,
    )?;
    Ok(Concurrency {
        reserved,
        account_limit: account_limit as u32,
        other_functions,
        scaling_rate: ScalingRate {
            environments: scaling_environments,
            per: scaling_period,
        },
        throttle_backoff,
    })
}

/// The `explain` inverse; `None` while every field is at its default, so `explain` of a
/// scenario without the block is unchanged.
pub(crate) fn to_raw(c: &Concurrency) -> Option<RawConcurrency> {
    (!c.is_default()).then(|| RawConcurrency {
        reserved: c.reserved.map(i64::from),
        account_limit: Some(i64::from(c.account_limit)),
        other_functions: (!c.other_functions.is_empty())
            .then(|| c.other_functions.iter().map(rate::to_raw).collect()),
        scaling_rate: Some(RawScalingRate {
            environments: Some(i64::from(c.scaling_rate.environments)),
            per: Some(DurationValue::new(c.scaling_rate.per)),
        }),
        throttle_backoff: Some(DurationValue::new(c.throttle_backoff)),
    })
}
