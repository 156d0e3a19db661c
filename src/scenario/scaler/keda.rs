//! `policy: keda`: the poller count a KEDA Kafka scaler with the Kubernetes Horizontal Pod
//! Autoscaler (HPA) would choose if each poller were a consumer pod. Raw form, resolved
//! form, defaults (KEDA and HPA defaults, and esmsim's assumptions), checks, the manifest's
//! assumptions and the `explain` inverse. The decision rule is in
//! `crate::model::scaler::keda`.
//!
//! Sources: the KEDA Apache Kafka scaler (`lagThreshold` 10, `activationLagThreshold` 0,
//! `allowIdleConsumers` false), KEDA `ScaledObject` (`pollingInterval` 30 s,
//! `maxReplicaCount` 100, `minReplicaCount` 0) and the HPA (tolerance 0.1, scale-down
//! stabilisation window 300 s, scale-up window 0).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Scaler, ScalerInputs, ScalerPolicy};
use crate::engine::time::SimDuration;
use crate::scenario::locate::FieldPath;
use crate::scenario::resolve::{Context, Result};
use crate::scenario::units::DurationValue;

/// Target lag per poller (KEDA's `lagThreshold` default).
pub const DEFAULT_LAG_THRESHOLD: i64 = 10;
/// Total lag at or under which the scaler is inactive (KEDA's `activationLagThreshold`
/// default).
pub const DEFAULT_ACTIVATION_LAG_THRESHOLD: i64 = 0;
/// Time between two evaluations (KEDA's `pollingInterval` default).
pub const DEFAULT_POLLING_INTERVAL: SimDuration = SimDuration::from_secs(30);
/// Shortest polling interval a scenario may set.
pub const MIN_POLLING_INTERVAL: SimDuration = SimDuration::from_secs(1);
/// Longest polling interval a scenario may set.
pub const MAX_POLLING_INTERVAL: SimDuration = SimDuration::from_secs(3600);
/// Relative distance from the target within which the HPA keeps the count (its
/// `--horizontal-pod-autoscaler-tolerance` default).
pub const DEFAULT_TOLERANCE: f64 = 0.1;
/// Scale-down stabilisation window (the HPA's `stabilizationWindowSeconds` default for
/// scale-down).
pub const DEFAULT_SCALE_DOWN_STABILIZATION: SimDuration = SimDuration::from_secs(300);
/// Longest stabilisation window a scenario may set (the HPA's own limit, one hour).
pub const MAX_SCALE_DOWN_STABILIZATION: SimDuration = SimDuration::from_secs(3600);
/// Fewest pollers; an assumption: KEDA's `minReplicaCount` default is 0, but a mapping
/// always holds at least one poller in esmsim.
pub const DEFAULT_MIN_POLLERS: i64 = 1;
/// Most pollers (KEDA's `maxReplicaCount` default), capped at the partition count.
pub const DEFAULT_MAX_POLLERS: i64 = 100;
/// Delay from a decision to its effect; an assumption: the time to start a consumer and
/// have it join the group.
pub const DEFAULT_ACTUATION_DELAY: SimDuration = SimDuration::from_secs(20);
/// Longest actuation delay a scenario may set.
pub const MAX_ACTUATION_DELAY: SimDuration = SimDuration::from_secs(3600);

/// The manifest's assumptions of the `keda` policy (listed only when it is in force).
pub(crate) fn assumptions() -> Vec<String> {
    vec![
        format!(
            "esm.scaler (keda): one evaluation every polling_interval (KEDA default {} s) stands in for the HPA's own 15 s sync; the HPA's scale-up rate limits are not modelled",
            DEFAULT_POLLING_INTERVAL.to_std().as_secs()
        ),
        format!(
            "esm.scaler.actuation_delay (keda): {} s to start a consumer and join the group",
            DEFAULT_ACTUATION_DELAY.to_std().as_secs()
        ),
        format!(
            "esm.scaler.min_pollers (keda): at least {DEFAULT_MIN_POLLERS} (KEDA allows 0); at or under activation_lag_threshold the scaler asks for min_pollers"
        ),
        "esm.scaler.max_pollers (keda): capped at the partition count, also with allow_idle_consumers (a poller beyond it would have no partition)".to_string(),
    ]
}

/// Settings of the KEDA Kafka scaler with the HPA.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KedaScaler {
    /// Target lag per poller: desired = ceil(total lag / lag_threshold) (KEDA: 10).
    pub lag_threshold: u64,
    /// Total lag at or under which the scaler is inactive and asks for `min_pollers`
    /// (KEDA: 0).
    pub activation_lag_threshold: u64,
    /// Whether the desired count may exceed the partition count (KEDA: false).
    pub allow_idle_consumers: bool,
    /// Time between evaluations (KEDA: 30 s).
    pub polling_interval: SimDuration,
    /// No change while |lag / (lag_threshold × pollers) − 1| <= tolerance (HPA: 0.1).
    pub tolerance: f64,
    /// A scale-down goes only to the highest recommendation of this window (HPA: 300 s).
    pub scale_down_stabilization: SimDuration,
    /// Fewest pollers, and pollers at t = 0 (assumed 1; KEDA allows 0).
    pub min_pollers: u32,
    /// Most pollers (KEDA: 100), capped at the partition count.
    pub max_pollers: u32,
    /// Time from a decision to its effect (assumed 20 s).
    pub actuation_delay: SimDuration,
}

/// `esm.scaler` with `policy: keda`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawKedaScaler {
    /// Target lag per poller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lag_threshold: Option<i64>,
    /// Activation threshold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activation_lag_threshold: Option<i64>,
    /// Whether pollers may exceed partitions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_idle_consumers: Option<bool>,
    /// Time between evaluations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub polling_interval: Option<DurationValue>,
    /// HPA tolerance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<f64>,
    /// Scale-down stabilisation window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_down_stabilization: Option<DurationValue>,
    /// Fewest pollers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_pollers: Option<i64>,
    /// Most pollers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_pollers: Option<i64>,
    /// Decision-to-effect delay.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actuation_delay: Option<DurationValue>,
}

impl ScalerPolicy for RawKedaScaler {
    fn resolve(&self, at: &FieldPath, cx: &Context<'_>, inputs: &ScalerInputs) -> Result<Scaler> {
        let partitions = i64::from(inputs.partitions);
        // Like the aws policy's, a max_pollers above the partition count is capped.
        let max_pollers = cx
            .int(
                &at.key("max_pollers"),
                self.max_pollers,
                DEFAULT_MAX_POLLERS,
                1,
                i64::MAX,
            )?
            .min(partitions);
        let p_min = at.key("min_pollers");
        let min_pollers = cx.int(&p_min, self.min_pollers, DEFAULT_MIN_POLLERS, 1, i64::MAX)?;
        if min_pollers > max_pollers {
            return Err(cx.invalid(
                &p_min,
                min_pollers,
                format!(
                    "at most `max_pollers` ({max_pollers}, which is capped at the partition count); esmsim needs at least 1 poller, so KEDA's 0 is not allowed"
                ),
            ));
        }
        let zero = SimDuration::ZERO;
        Ok(Scaler::Keda(KedaScaler {
            lag_threshold: cx.int(
                &at.key("lag_threshold"),
                self.lag_threshold,
                DEFAULT_LAG_THRESHOLD,
                1,
                i64::MAX,
            )? as u64,
            activation_lag_threshold: cx.int(
                &at.key("activation_lag_threshold"),
                self.activation_lag_threshold,
                DEFAULT_ACTIVATION_LAG_THRESHOLD,
                0,
                i64::MAX,
            )? as u64,
            allow_idle_consumers: self.allow_idle_consumers.unwrap_or(false),
            polling_interval: cx.duration(
                &at.key("polling_interval"),
                self.polling_interval.as_ref(),
                DEFAULT_POLLING_INTERVAL,
                MIN_POLLING_INTERVAL,
                MAX_POLLING_INTERVAL,
            )?,
            tolerance: cx.float(
                &at.key("tolerance"),
                self.tolerance,
                DEFAULT_TOLERANCE,
                |t| (0.0..1.0).contains(&t),
                "a number from 0 to under 1 (0.1 is the HPA's 10 %)",
            )?,
            scale_down_stabilization: cx.duration(
                &at.key("scale_down_stabilization"),
                self.scale_down_stabilization.as_ref(),
                DEFAULT_SCALE_DOWN_STABILIZATION,
                zero,
                MAX_SCALE_DOWN_STABILIZATION,
            )?,
            min_pollers: min_pollers as u32,
            max_pollers: max_pollers as u32,
            actuation_delay: cx.duration(
                &at.key("actuation_delay"),
                self.actuation_delay.as_ref(),
                DEFAULT_ACTUATION_DELAY,
                zero,
                MAX_ACTUATION_DELAY,
            )?,
        }))
    }
}

/// The `explain` inverse of the KEDA scaler's settings.
pub(crate) fn to_raw(k: &KedaScaler) -> RawKedaScaler {
    let dur = DurationValue::new;
    let int = |n: u64| n.min(i64::MAX as u64) as i64;
    RawKedaScaler {
        lag_threshold: Some(int(k.lag_threshold)),
        activation_lag_threshold: Some(int(k.activation_lag_threshold)),
        allow_idle_consumers: Some(k.allow_idle_consumers),
        polling_interval: Some(dur(k.polling_interval)),
        tolerance: Some(k.tolerance),
        scale_down_stabilization: Some(dur(k.scale_down_stabilization)),
        min_pollers: Some(i64::from(k.min_pollers)),
        max_pollers: Some(i64::from(k.max_pollers)),
        actuation_delay: Some(dur(k.actuation_delay)),
    }
}
