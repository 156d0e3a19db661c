//! `policy: legacy`: the on-demand scaler as AWS described it before its January 2022
//! change: start with half of the maximum consumers and scale only every 15 minutes. It
//! has the `aws` policy's fields and rules (`crate::scenario::scaler::aws`) with two
//! other defaults; this module holds those defaults, their sources, the manifest's
//! assumptions and the `explain` inverse.
//!
//! Sources (see `esm-facts.md` §2.2):
//! - AWS What's New, 2022-01-31 ("AWS Lambda now supports faster auto scaling for MSK and
//!   self-managed Kafka"): before it, Lambda started with **50 % of the maximum
//!   consumers** and scaled up **every 15 minutes**; after it, one consumer, a lag check
//!   every minute and changes within 3 minutes (today's `aws` policy).
//! - The Lambda developer guide of July and November 2021 (awsdocs commits e0af1ee,
//!   afca609, `with-msk.md`): the lag is checked **every 15 minutes**, but Lambda starts
//!   with **one** consumer. The two sources disagree on the start; this policy follows
//!   the announcement ("start higher"), and `initial_pollers: 1` gives the 2021 docs.
//! - The Nov 2023 change (more initial consumers, faster scale-up, slower scale-down)
//!   published no numbers, so it is not a separate profile.
//!
//! Assumed, as for `aws` (AWS never published them): the actuation delay (180 s), the
//! scale-out step (double) and threshold, and the scale-in rule.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::aws::{self, AwsDefaults, AwsScaler, RawAwsScaler};
use super::{Scaler, ScalerInputs, ScalerPolicy};
use crate::engine::time::SimDuration;
use crate::scenario::locate::FieldPath;
use crate::scenario::resolve::{Context, Result};

/// Time between evaluations (AWS, before 2022-01-31: every 15 minutes).
pub const DEFAULT_EVALUATION_INTERVAL: SimDuration = SimDuration::from_secs(15 * 60);
/// Share of `max_pollers` at t = 0, in percent (AWS, before 2022-01-31: 50 % of the
/// maximum consumers), rounded up.
pub const DEFAULT_INITIAL_SHARE_PERCENT: u32 = 50;

/// Pollers at t = 0 when the scenario gives none: [`DEFAULT_INITIAL_SHARE_PERCENT`] of
/// `max_pollers`, rounded up (so at least 1).
pub fn default_initial_pollers(max_pollers: u32) -> i64 {
    i64::from(
        max_pollers
            .saturating_mul(DEFAULT_INITIAL_SHARE_PERCENT)
            .div_ceil(100),
    )
}

/// The manifest's assumptions of the `legacy` policy (listed only when it is in force).
pub(crate) fn assumptions() -> Vec<String> {
    vec![format!(
        "esm.scaler (legacy): {DEFAULT_INITIAL_SHARE_PERCENT} % of max_pollers at start and an evaluation every {} min follow AWS's 2022-01-31 announcement of the behaviour it replaced (the 2021 docs say 1 initial consumer); actuation delay, step and scale-in rules are the aws policy's assumptions",
        DEFAULT_EVALUATION_INTERVAL.to_std().as_secs() / 60
    )]
}

/// `esm.scaler` with `policy: legacy`: the fields of `policy: aws`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct RawLegacyScaler(pub RawAwsScaler);

impl ScalerPolicy for RawLegacyScaler {
    fn resolve(&self, at: &FieldPath, cx: &Context<'_>, inputs: &ScalerInputs) -> Result<Scaler> {
        let defaults = AwsDefaults {
            initial_pollers: default_initial_pollers,
            evaluation_interval: DEFAULT_EVALUATION_INTERVAL,
        };
        self.0
            .settings(at, cx, inputs, &defaults)
            .map(Scaler::Legacy)
    }
}

/// The `explain` inverse of the legacy scaler's settings.
pub(crate) fn to_raw(a: &AwsScaler) -> RawLegacyScaler {
    RawLegacyScaler(aws::to_raw(a))
}
