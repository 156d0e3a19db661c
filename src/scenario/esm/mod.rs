//! `esm:`: the event source mapping's batching and payload settings, the rebalance pause,
//! and its sub-blocks: the per-poller limits ([`poller`]), the scaling policy
//! ([`crate::scenario::scaler`]) and provisioned mode ([`provisioned`]). Raw form, resolved form, defaults, checks and `explain`
//! inverse.

pub mod filter;
pub mod on_failure;
pub mod poller;
pub mod provisioned;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::locate::FieldPath;
use super::resolve::{Context, MAX_PAYLOAD, Result};
use super::scaler::{self, RawScaler, Scaler};
use super::units::{DurationValue, SizeValue};
use super::warnings::ScenarioWarning;
use crate::engine::time::SimDuration;
use crate::scenario::ConcurrentInvokes;
use filter::{Filter, RawFilter};
use on_failure::{OnFailure, RawOnFailure};
use poller::{PollerLimits, RawPoller};
use provisioned::{Mode, ModeInputs, RawProvisioned};

/// Records per batch when the scenario gives none (AWS default for Kafka sources).
pub const DEFAULT_BATCH_SIZE: i64 = 100;
/// Largest batch size AWS accepts for Kafka sources.
pub const MAX_BATCH_SIZE: i64 = 10_000;
/// Batching window when the scenario gives none (AWS default for Kafka sources).
pub const DEFAULT_BATCHING_WINDOW: SimDuration = SimDuration::from_millis(500);
/// Longest batching window AWS accepts.
pub const MAX_BATCHING_WINDOW: SimDuration = SimDuration::from_secs(300);
/// When a processor's batching window opens when the scenario does not say: after its
/// previous invocation (AWS's current text for on-demand Kafka).
pub const DEFAULT_BATCHING_WINDOW_STARTS: WindowStart = WindowStart::AfterInvocation;
/// Smallest payload limit a scenario may set.
pub const MIN_PAYLOAD: u64 = 1024;
/// Payload bytes per record byte when the scenario gives none: record values are
/// base64-encoded inside the JSON event (4 bytes for every 3).
pub const DEFAULT_PAYLOAD_ENCODING_FACTOR: f64 = 4.0 / 3.0;
/// JSON bytes per record around its value (topic, partition, offset, timestamp, ...)
/// when the scenario gives none; an assumption, AWS does not publish it.
pub const DEFAULT_RECORD_OVERHEAD: u64 = 200;
/// Largest per-record overhead a scenario may set.
pub const MAX_RECORD_OVERHEAD: u64 = 1024 * 1024;
/// How long every partition pauses when the poller count changes, when the scenario
/// gives none; an assumption (an eager rebalance), AWS does not publish it.
pub const DEFAULT_REBALANCE_PAUSE: SimDuration = SimDuration::from_secs(5);
/// Longest rebalance pause a scenario may set.
pub const MAX_REBALANCE_PAUSE: SimDuration = SimDuration::from_secs(600);
/// Time from the start of the run to the first poll when the scenario gives none: none,
/// the mapping is polling at t = 0 (AWS: creating a mapping "might take several minutes").
pub const DEFAULT_STARTUP_DELAY: SimDuration = SimDuration::ZERO;
/// Longest start-up delay a scenario may set.
pub const MAX_STARTUP_DELAY: SimDuration = SimDuration::from_secs(86_400);

/// Whether a start-up delay is the default, none (which the manifest and the scenario
/// hash leave out, so that they stay as they were before the option existed).
fn is_no_delay(delay: &SimDuration) -> bool {
    *delay == SimDuration::ZERO
}

/// The manifest's assumptions about start-up (listed only when the mapping starts late).
pub(crate) fn startup_assumptions(e: &Esm) -> Vec<String> {
    if e.startup_delay == SimDuration::ZERO {
        return Vec::new();
    }
    vec![
        "esm.startup_delay: no poller exists before the mapping starts polling (pollers 0, no scaler evaluation until one evaluation interval after the start, EPUs billed from the start); the first assignment has no rebalance pause".to_string(),
    ]
}

/// The manifest's assumptions about the mapping itself (the scaler's and the pollers'
/// are in their own modules).
pub(crate) fn assumptions() -> Vec<String> {
    vec![
        format!(
            "esm.rebalance_pause: {} s pause of every partition on each poller change (eager assignor) is not published",
            DEFAULT_REBALANCE_PAUSE.to_std().as_secs()
        ),
        format!(
            "esm.record_overhead: {DEFAULT_RECORD_OVERHEAD} JSON bytes per record in the invocation payload"
        ),
    ]
}

/// When a processor's batching window opens (`esm.batching_window_starts`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WindowStart {
    /// When the processor's previous invocation ends (at t = 0 and after a rebalance:
    /// when its partitions become available), whether or not records are waiting. AWS's
    /// current text for on-demand Kafka; the default.
    #[default]
    AfterInvocation,
    /// When the first record becomes available to the processor after it went idle: at
    /// the later of the time it went idle (as for `after_invocation`) and the arrival of
    /// the oldest record waiting on its partitions. AWS's older Kafka text, and its
    /// current text for Amazon MQ and DocumentDB.
    FirstRecord,
}

impl WindowStart {
    /// Whether this is the default, [`WindowStart::AfterInvocation`] (which the manifest
    /// and the scenario hash leave out, so that they stay as they were before the option
    /// existed).
    pub fn is_after_invocation(&self) -> bool {
        *self == WindowStart::AfterInvocation
    }
}

/// Whether AWS can be set to this batching window: whole seconds up to
/// [`MAX_BATCHING_WINDOW`], or [`DEFAULT_BATCHING_WINDOW`] (which cannot be set back
/// once changed, but is what a new mapping has).
pub fn aws_accepts_window(window: SimDuration) -> bool {
    window == DEFAULT_BATCHING_WINDOW
        || (window <= MAX_BATCHING_WINDOW && window.0.is_multiple_of(SimDuration::from_secs(1).0))
}

/// The warnings about the mapping: a window AWS cannot be set to.
pub(crate) fn warnings(e: &Esm) -> Vec<ScenarioWarning> {
    (!aws_accepts_window(e.batching_window))
        .then_some(ScenarioWarning::BatchingWindowNotSettable {
            window: e.batching_window,
        })
        .into_iter()
        .collect()
}

/// The event source mapping.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Esm {
    /// Maximum records per batch (1 ..= 10,000; AWS default 100).
    pub batch_size: u32,
    /// Maximum batching window (0 ..= 300 s; AWS default 500 ms).
    pub batching_window: SimDuration,
    /// When a processor's window opens (default: after its previous invocation).
    #[serde(skip_serializing_if = "WindowStart::is_after_invocation")]
    pub batching_window_starts: WindowStart,
    /// Invocation payload limit in bytes (AWS: 6 MB = 6,291,456 bytes).
    pub max_payload_bytes: u64,
    /// Payload bytes per raw record byte (base64 inside JSON: 4/3).
    pub payload_encoding_factor: f64,
    /// JSON bytes added per record (topic, partition, offset, timestamp...); assumed.
    pub record_overhead_bytes: u64,
    /// Limits of one poller.
    pub poller: PollerLimits,
    /// How the number of pollers changes: `esm.scaler` in on-demand mode, the
    /// provisioned autoscaler ([`Scaler::Provisioned`]) in provisioned mode. Serialised
    /// as the scenario writes it: `scaler`, or `mode: provisioned` and `provisioned`.
    #[serde(flatten, serialize_with = "provisioned::serialize_scaler")]
    pub scaler: Scaler,
    /// How long partitions pause when the poller count changes (assumed 5 s).
    pub rebalance_pause: SimDuration,
    /// What happens to a batch whose invocation failed (default: retried until it
    /// succeeds or its records leave the topic).
    #[serde(skip_serializing_if = "OnFailure::is_default")]
    pub on_failure: OnFailure,
    /// Filter criteria; none: every record is invoked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<Filter>,
    /// Time from the start of the run until the mapping polls (default 0).
    #[serde(skip_serializing_if = "is_no_delay")]
    pub startup_delay: SimDuration,
}

/// `esm:`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEsm {
    /// Records per batch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<i64>,
    /// Batching window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batching_window: Option<DurationValue>,
    /// When a processor's window opens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batching_window_starts: Option<WindowStart>,
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
    /// On-demand or provisioned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<Mode>,
    /// Provisioned mode's settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioned: Option<RawProvisioned>,
    /// Failure handling.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_failure: Option<RawOnFailure>,
    /// Filter criteria.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<RawFilter>,
    /// Time until the mapping polls.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub startup_delay: Option<DurationValue>,
}

impl Esm {
    /// On-demand or provisioned (provisioned exactly when the scaler is provisioned
    /// mode's autoscaler).
    pub fn mode(&self) -> Mode {
        match self.scaler {
            Scaler::Provisioned(_) => Mode::Provisioned,
            _ => Mode::OnDemand,
        }
    }
}

/// Resolves `esm:` (every field has a default); `partitions` bounds the scaler.
/// In provisioned mode AWS fixes what on-demand leaves open: at most 5 concurrent
/// invocations per poller, and the window starts when the previous batch completes.
fn check_provisioned_limits(
    base: &FieldPath,
    cx: &Context<'_>,
    poller: &PollerLimits,
    starts: WindowStart,
) -> Result<()> {
    let over = match poller.max_concurrent_invokes {
        ConcurrentInvokes::AtMost(n) if n <= 5 => None,
        ConcurrentInvokes::AtMost(n) => Some(n.to_string()),
        ConcurrentInvokes::Unlimited => Some("unlimited".to_string()),
    };
    if let Some(value) = over {
        return Err(cx.invalid(
            &base.key("poller").key("max_concurrent_invokes"),
            value,
            "1 to 5 with `esm.mode: provisioned` (AWS: 5 concurrent invocations per provisioned poller)",
        ));
    }
    if starts != WindowStart::AfterInvocation {
        return Err(cx.invalid(
            &base.key("batching_window_starts"),
            "first_record",
            "`after_invocation` with `esm.mode: provisioned` (AWS: the next window starts when the previous batch completes)",
        ));
    }
    Ok(())
}

pub(crate) fn resolve(raw: Option<&RawEsm>, cx: &Context<'_>, partitions: u32) -> Result<Esm> {
    let base = FieldPath::root("esm");
    let default = RawEsm::default();
    let e = raw.unwrap_or(&default);
    let batch_size = cx.int(
        &base.key("batch_size"),
        e.batch_size,
        DEFAULT_BATCH_SIZE,
        1,
        MAX_BATCH_SIZE,
    )? as u32;
    let batching_window = cx.duration(
        &base.key("batching_window"),
        e.batching_window.as_ref(),
        DEFAULT_BATCHING_WINDOW,
        SimDuration::ZERO,
        MAX_BATCHING_WINDOW,
    )?;
    let max_payload_bytes = cx.size(
        &base.key("max_payload"),
        e.max_payload.as_ref(),
        MAX_PAYLOAD,
        MIN_PAYLOAD,
        MAX_PAYLOAD,
    )?;
    let payload_encoding_factor = cx.float(
        &base.key("payload_encoding_factor"),
        e.payload_encoding_factor,
        DEFAULT_PAYLOAD_ENCODING_FACTOR,
        |x| (1.0..=4.0).contains(&x),
        "a number from 1 to 4",
    )?;
    let record_overhead_bytes = cx.size(
        &base.key("record_overhead"),
        e.record_overhead.as_ref(),
        DEFAULT_RECORD_OVERHEAD,
        0,
        MAX_RECORD_OVERHEAD,
    )?;
    let rebalance_pause = cx.duration(
        &base.key("rebalance_pause"),
        e.rebalance_pause.as_ref(),
        DEFAULT_REBALANCE_PAUSE,
        SimDuration::ZERO,
        MAX_REBALANCE_PAUSE,
    )?;
    let poller = poller::resolve(e.poller.as_ref(), &base.key("poller"), cx)?;
    let filter = filter::resolve(e.filter.as_ref(), &base.key("filter"), cx)?;
    let startup_delay = cx.duration(
        &base.key("startup_delay"),
        e.startup_delay.as_ref(),
        DEFAULT_STARTUP_DELAY,
        SimDuration::ZERO,
        MAX_STARTUP_DELAY,
    )?;
    let mode = ModeInputs {
        mode: e.mode,
        provisioned: e.provisioned.as_ref(),
        scaler_given: e.scaler.is_some(),
        partitions,
        batch_size,
    };
    let scaler = match provisioned::resolve(&mode, &base, cx)? {
        Some(provisioned) => provisioned,
        None => scaler::resolve(
            e.scaler.as_ref(),
            &base.key("scaler"),
            cx,
            partitions,
            batch_size,
        )?,
    };
    let batching_window_starts = e
        .batching_window_starts
        .unwrap_or(DEFAULT_BATCHING_WINDOW_STARTS);
    if matches!(scaler, Scaler::Provisioned(_)) {
        check_provisioned_limits(&base, cx, &poller, batching_window_starts)?;
    }
    let mode = match scaler {
        Scaler::Provisioned(_) => Mode::Provisioned,
        _ => Mode::OnDemand,
    };
    let on_failure = on_failure::resolve(e.on_failure.as_ref(), &base.key("on_failure"), cx, mode)?;
    Ok(Esm {
        batch_size,
        batching_window,
        batching_window_starts,
        max_payload_bytes,
        payload_encoding_factor,
        record_overhead_bytes,
        poller,
        scaler,
        rebalance_pause,
        on_failure,
        filter,
        startup_delay,
    })
}

/// The `explain` inverse: the resolved mapping with every field written out.
pub(crate) fn to_raw(e: &Esm) -> RawEsm {
    RawEsm {
        batch_size: Some(i64::from(e.batch_size)),
        batching_window: Some(DurationValue::new(e.batching_window)),
        batching_window_starts: Some(e.batching_window_starts),
        max_payload: Some(SizeValue::new(e.max_payload_bytes)),
        payload_encoding_factor: Some(e.payload_encoding_factor),
        record_overhead: Some(SizeValue::new(e.record_overhead_bytes)),
        rebalance_pause: Some(DurationValue::new(e.rebalance_pause)),
        poller: Some(poller::to_raw(&e.poller)),
        scaler: scaler::to_raw(&e.scaler),
        mode: Some(e.mode()),
        provisioned: match &e.scaler {
            Scaler::Provisioned(p) => Some(provisioned::to_raw(p)),
            _ => None,
        },
        on_failure: Some(on_failure::to_raw(&e.on_failure)),
        filter: e.filter.as_ref().map(filter::to_raw),
        startup_delay: Some(DurationValue::new(e.startup_delay)),
    }
}
