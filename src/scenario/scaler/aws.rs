//! `policy: aws` (the default): the AWS-like on-demand scaler. Every evaluation interval
//! it compares the total lag with thresholds, adds pollers (up to the partition count)
//! when the lag is high and not falling, removes one after a cooldown and several quiet
//! evaluations, and each decision takes effect after an actuation delay. Raw form,
//! resolved form, defaults (AWS facts and assumptions), checks and `explain` inverse.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::phase::{self, EvaluationPhase, RawPhase};
use super::{Scaler, ScalerInputs, ScalerPolicy};
use crate::engine::time::SimDuration;
use crate::scenario::locate::FieldPath;
use crate::scenario::raw::{Expecting, ScalarOr};
use crate::scenario::resolve::{Context, MAX_PARTITIONS, MAX_RUN, Result};
use crate::scenario::units::DurationValue;

/// Pollers at t = 0; an assumption: AWS says "a default number" (raised in 2023), its
/// 2024 provisioned-mode blog says one.
pub const DEFAULT_INITIAL_POLLERS: i64 = 1;
/// Time between two evaluations (AWS fact: the scaler evaluates once a minute).
pub const DEFAULT_EVALUATION_INTERVAL: SimDuration = SimDuration::from_secs(60);
/// Shortest evaluation interval a scenario may set.
pub const MIN_EVALUATION_INTERVAL: SimDuration = SimDuration::from_secs(1);
/// Longest evaluation interval a scenario may set.
pub const MAX_EVALUATION_INTERVAL: SimDuration = SimDuration::from_secs(3600);
/// AWS fact: a scaling decision takes effect within 3 minutes of its evaluation.
pub const AWS_ACTUATION_BOUND: SimDuration = SimDuration::from_secs(180);
/// Delay from a decision to its effect when the scenario gives none; an assumption: the
/// whole of [`AWS_ACTUATION_BOUND`].
pub const DEFAULT_ACTUATION_DELAY: SimDuration = AWS_ACTUATION_BOUND;
/// Longest actuation delay a scenario may set.
pub const MAX_ACTUATION_DELAY: SimDuration = SimDuration::from_secs(3600);
/// How one scale-out grows the pollers when the scenario does not say; an assumption,
/// AWS does not publish it.
pub const DEFAULT_SCALE_STEP: ScaleStep = ScaleStep::Double;
/// Time after a scale-out before any scale-in when the scenario gives none; an
/// assumption, AWS does not publish it.
pub const DEFAULT_COOLDOWN: SimDuration = SimDuration::from_secs(600);
/// Consecutive quiet evaluations before a scale-in when the scenario gives none; an
/// assumption, AWS does not publish it.
pub const DEFAULT_AFTER_EVALUATIONS: i64 = 3;
/// Share of its pollers the scaler keeps when the function was throttled since the
/// previous evaluation, when the scenario gives none; an assumption: AWS says it reduces
/// the pollers and publishes neither how many nor how fast.
pub const DEFAULT_THROTTLE_FACTOR: f64 = 0.5;
/// Least time between two scale-ins when the scenario gives none; an assumption: AWS
/// only says it keeps pollers longer, especially after bursts. Five evaluations of the
/// default interval: going from 4 pollers to 1 takes at least 10 minutes after the
/// first removal, the order of the scale-out cooldown, instead of one removal per
/// actuation delay.
pub const DEFAULT_SCALE_IN_MIN_INTERVAL: SimDuration = SimDuration::from_secs(300);
/// Most quiet evaluations a scenario may ask for.
pub const MAX_AFTER_EVALUATIONS: i64 = 10_000;

/// The manifest's assumptions about the on-demand scaler.
pub(crate) fn assumptions() -> Vec<String> {
    let minutes = |d: SimDuration| d.to_std().as_secs() / 60;
    vec![
        format!(
            "esm.scaler.initial_pollers: AWS starts an on-demand mapping with \"a default number\" of pollers (raised in 2023) and publishes none; the default is {DEFAULT_INITIAL_POLLERS}"
        ),
        format!(
            "esm.scaler.actuation_delay: AWS says changes happen within {} minutes of an evaluation; the default is the full {} s",
            minutes(AWS_ACTUATION_BOUND),
            DEFAULT_ACTUATION_DELAY.to_std().as_secs()
        ),
        format!(
            "esm.scaler.scale_out: step and min_lag (default {} when total lag >= batch_size x partitions and not falling) are not published",
            step_name(&DEFAULT_SCALE_STEP)
        ),
        format!(
            "esm.scaler.scale_in: cooldown {} min, {DEFAULT_AFTER_EVALUATIONS} quiet evaluations, one poller at a time are not published",
            minutes(DEFAULT_COOLDOWN)
        ),
        format!(
            "esm.scaler.evaluation_phase: AWS does not say when the scaler's minute starts; by default the first evaluation falls at a random point of the first interval after polling starts (drawn from the scaler's stream; `0s` evaluates at whole intervals from the start)"
        ),
        format!(
            "esm.scaler.scale_in.min_interval: at least {} min between two scale-ins (AWS only says pollers are kept longer, especially after bursts)",
            minutes(DEFAULT_SCALE_IN_MIN_INTERVAL)
        ),
        "esm.scaler.scale_out.only_if_useful: off by default, as far as is known AWS scales on lag alone; on, the scaler adds only pollers that add processors or bandwidth per partition".to_string(),
        format!(
            "esm.scaler.on_throttle: after throttles since the previous evaluation the scaler keeps {DEFAULT_THROTTLE_FACTOR} of its pollers (rounded down, at least one fewer, at least 1) after the actuation delay; AWS only says it reduces pollers"
        ),
    ]
}

/// A scale-out step in words.
fn step_name(step: &ScaleStep) -> String {
    match step {
        ScaleStep::Double => "double".to_string(),
        ScaleStep::Add(n) => format!("add {n}"),
        ScaleStep::Multiply(f) => format!("multiply by {f}"),
        ScaleStep::ToMax => "straight to the maximum".to_string(),
    }
}

/// Settings of the AWS-like on-demand scaler.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AwsScaler {
    /// Pollers at t = 0 (default 1, assumed).
    pub initial_pollers: u32,
    /// Upper bound (default and cap: the partition count).
    pub max_pollers: u32,
    /// Time between evaluations (AWS: 60 s).
    pub evaluation_interval: SimDuration,
    /// Where evaluations fall within their interval (default random, assumed).
    pub evaluation_phase: EvaluationPhase,
    /// Time from a decision to its effect (AWS: within 180 s; default 180 s, assumed).
    pub actuation_delay: DelayDistribution,
    /// When and how to add pollers.
    pub scale_out: ScaleOut,
    /// When to remove pollers.
    pub scale_in: ScaleIn,
    /// How the pollers shrink after throttles (left out of the manifest at its default).
    #[serde(skip_serializing_if = "OnThrottle::is_default")]
    pub on_throttle: OnThrottle,
}

/// The on-demand scaler's reaction to throttles since its previous evaluation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OnThrottle {
    /// Share of the pollers kept (0 ..< 1; the target is at least one fewer and at
    /// least 1).
    pub factor: f64,
}

impl Default for OnThrottle {
    fn default() -> Self {
        OnThrottle {
            factor: DEFAULT_THROTTLE_FACTOR,
        }
    }
}

impl OnThrottle {
    /// Whether it is the default reaction.
    pub fn is_default(&self) -> bool {
        *self == OnThrottle::default()
    }
}

/// A delay that is fixed or drawn from a distribution.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DelayDistribution {
    /// Always this delay.
    Fixed(SimDuration),
    /// Uniform between the two bounds (inclusive).
    Uniform(SimDuration, SimDuration),
}

/// Scale-out rule of the AWS-like scaler.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScaleOut {
    /// How many pollers to add.
    pub step: ScaleStep,
    /// Total lag at or above which the scaler adds pollers (default batch_size × partitions).
    pub min_lag: u64,
    /// Add only pollers that add processors or bandwidth per partition (default off).
    pub only_if_useful: bool,
}

/// How many pollers one scale-out adds.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScaleStep {
    /// Double the pollers.
    Double,
    /// Add this many pollers.
    Add(u32),
    /// Multiply by this factor (rounded up, at least one more).
    Multiply(f64),
    /// Go straight to the maximum.
    ToMax,
}

/// Scale-in rule of the AWS-like scaler.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScaleIn {
    /// Time since the last scale-out before any scale-in (assumed 10 min).
    pub cooldown: SimDuration,
    /// Consecutive evaluations under `max_lag` needed (assumed 3).
    pub after_evaluations: u32,
    /// Total lag under which an evaluation counts as quiet (default: scale_out.min_lag).
    pub max_lag: u64,
    /// Least time between two scale-in decisions (assumed 5 min).
    pub min_interval: SimDuration,
}

/// `esm.scaler` with `policy: aws`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAwsScaler {
    /// Pollers at t = 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_pollers: Option<i64>,
    /// Upper bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_pollers: Option<i64>,
    /// Time between evaluations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluation_interval: Option<DurationValue>,
    /// Offset of the evaluations within their interval, or `random`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluation_phase: Option<RawPhase>,
    /// Decision-to-effect delay.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actuation_delay: Option<RawDelay>,
    /// Scale-out rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_out: Option<RawScaleOut>,
    /// Scale-in rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_in: Option<RawScaleIn>,
    /// Reaction to throttles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_throttle: Option<RawOnThrottle>,
}

/// `esm.scaler.on_throttle`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOnThrottle {
    /// Share of the pollers kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub factor: Option<f64>,
}

/// `actuation_delay`: a duration, `{fixed: d}` or `{uniform: [lo, hi]}`.
pub type RawDelay = ScalarOr<DurationValue, RawDelayTagged>;

/// The map forms of a delay.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
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
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScaleOut {
    /// Step rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<RawScaleStep>,
    /// Lag threshold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_lag: Option<i64>,
    /// Add only pollers that add processors or bandwidth per partition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub only_if_useful: Option<bool>,
}

/// `scale_out.step`: `double`, `{add: n}`, `{multiply: f}`, `to_max`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
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
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
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
    /// Least time between two scale-ins.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_interval: Option<DurationValue>,
}

impl ScalerPolicy for RawAwsScaler {
    fn resolve(&self, at: &FieldPath, cx: &Context<'_>, inputs: &ScalerInputs) -> Result<Scaler> {
        let defaults = AwsDefaults {
            initial_pollers: |_| DEFAULT_INITIAL_POLLERS,
            evaluation_interval: DEFAULT_EVALUATION_INTERVAL,
        };
        self.settings(at, cx, inputs, &defaults).map(Scaler::Aws)
    }
}

/// The defaults that differ between the policies that share these rules (`aws` and
/// `legacy`); the others are this module's constants.
pub(crate) struct AwsDefaults {
    /// Pollers at t = 0 for a given (capped) `max_pollers`.
    pub initial_pollers: fn(u32) -> i64,
    /// Time between evaluations.
    pub evaluation_interval: SimDuration,
}

impl RawAwsScaler {
    /// Checks the settings at `at` and fills every default from `defaults` and this
    /// module's constants.
    pub(crate) fn settings(
        &self,
        at: &FieldPath,
        cx: &Context<'_>,
        inputs: &ScalerInputs,
        defaults: &AwsDefaults,
    ) -> Result<AwsScaler> {
        let partitions = i64::from(inputs.partitions);
        // A max_pollers above the partition count is capped, as AWS does.
        let max_pollers = cx
            .int(
                &at.key("max_pollers"),
                self.max_pollers,
                partitions,
                1,
                i64::MAX,
            )?
            .min(partitions) as u32;
        let p_initial = at.key("initial_pollers");
        let initial_pollers = cx.int(
            &p_initial,
            self.initial_pollers,
            (defaults.initial_pollers)(max_pollers),
            1,
            i64::MAX,
        )?;
        if initial_pollers > i64::from(max_pollers) {
            return Err(cx.invalid(
                &p_initial,
                initial_pollers,
                format!(
                    "at most `max_pollers` ({max_pollers}, which is capped at the partition count)"
                ),
            ));
        }
        let evaluation_interval = cx.duration(
            &at.key("evaluation_interval"),
            self.evaluation_interval.as_ref(),
            defaults.evaluation_interval,
            MIN_EVALUATION_INTERVAL,
            MAX_EVALUATION_INTERVAL,
        )?;
        let evaluation_phase = phase::resolve(
            self.evaluation_phase.as_ref(),
            &at.key("evaluation_phase"),
            cx,
            evaluation_interval,
        )?;
        let actuation_delay = resolve_delay(
            self.actuation_delay.as_ref(),
            &at.key("actuation_delay"),
            cx,
        )?;
        let default_min_lag = u64::from(inputs.batch_size) * u64::from(inputs.partitions);
        let scale_out = resolve_scale_out(
            self.scale_out.as_ref(),
            &at.key("scale_out"),
            cx,
            default_min_lag,
        )?;
        let scale_in = resolve_scale_in(
            self.scale_in.as_ref(),
            &at.key("scale_in"),
            cx,
            scale_out.min_lag,
        )?;
        let on_throttle = OnThrottle {
            factor: cx.float(
                &at.key("on_throttle").key("factor"),
                self.on_throttle.as_ref().and_then(|o| o.factor),
                DEFAULT_THROTTLE_FACTOR,
                |x| (0.0..1.0).contains(&x),
                "a share of the pollers kept, from 0 to under 1",
            )?,
        };
        Ok(AwsScaler {
            initial_pollers: initial_pollers as u32,
            max_pollers,
            evaluation_interval,
            evaluation_phase,
            actuation_delay,
            scale_out,
            scale_in,
            on_throttle,
        })
    }
}

fn resolve_delay(
    raw: Option<&RawDelay>,
    p_delay: &FieldPath,
    cx: &Context<'_>,
) -> Result<DelayDistribution> {
    let (zero, max) = (SimDuration::ZERO, MAX_ACTUATION_DELAY);
    Ok(match raw {
        None => DelayDistribution::Fixed(DEFAULT_ACTUATION_DELAY),
        Some(ScalarOr::Scalar(d)) => {
            DelayDistribution::Fixed(cx.check_duration(p_delay, d, zero, max)?)
        }
        Some(ScalarOr::Tagged(RawDelayTagged::Fixed(d))) => {
            DelayDistribution::Fixed(cx.check_duration(&p_delay.key("fixed"), d, zero, max)?)
        }
        Some(ScalarOr::Tagged(RawDelayTagged::Uniform(lo, hi))) => {
            let p = p_delay.key("uniform");
            let l = cx.check_duration(&p.index(0), lo, zero, max)?;
            let h = cx.check_duration(&p.index(1), hi, zero, max)?;
            if h < l {
                return Err(cx.invalid(
                    &p,
                    format!("[{lo}, {hi}]"),
                    "a pair `[low, high]` with low <= high",
                ));
            }
            DelayDistribution::Uniform(l, h)
        }
    })
}

fn resolve_scale_out(
    raw: Option<&RawScaleOut>,
    p_out: &FieldPath,
    cx: &Context<'_>,
    default_min_lag: u64,
) -> Result<ScaleOut> {
    let default = RawScaleOut::default();
    let so = raw.unwrap_or(&default);
    let p_step = p_out.key("step");
    let step = match &so.step {
        None => DEFAULT_SCALE_STEP,
        Some(RawScaleStep::Double) => ScaleStep::Double,
        Some(RawScaleStep::ToMax) => ScaleStep::ToMax,
        Some(RawScaleStep::Add(n)) => {
            ScaleStep::Add(cx.int(&p_step.key("add"), Some(*n), 1, 1, MAX_PARTITIONS)? as u32)
        }
        Some(RawScaleStep::Multiply(f)) => ScaleStep::Multiply(cx.check_float(
            &p_step.key("multiply"),
            *f,
            |x| x > 1.0,
            "a finite factor > 1",
        )?),
    };
    let min_lag = cx.int(
        &p_out.key("min_lag"),
        so.min_lag,
        default_min_lag as i64,
        0,
        i64::MAX,
    )? as u64;
    Ok(ScaleOut {
        step,
        min_lag,
        only_if_useful: so.only_if_useful.unwrap_or(false),
    })
}

fn resolve_scale_in(
    raw: Option<&RawScaleIn>,
    p_in: &FieldPath,
    cx: &Context<'_>,
    min_lag: u64,
) -> Result<ScaleIn> {
    let default = RawScaleIn::default();
    let si = raw.unwrap_or(&default);
    Ok(ScaleIn {
        cooldown: cx.duration(
            &p_in.key("cooldown"),
            si.cooldown.as_ref(),
            DEFAULT_COOLDOWN,
            SimDuration::ZERO,
            MAX_RUN,
        )?,
        after_evaluations: cx.int(
            &p_in.key("after_evaluations"),
            si.after_evaluations,
            DEFAULT_AFTER_EVALUATIONS,
            1,
            MAX_AFTER_EVALUATIONS,
        )? as u32,
        max_lag: cx.int(
            &p_in.key("max_lag"),
            si.max_lag,
            min_lag as i64,
            0,
            i64::MAX,
        )? as u64,
        min_interval: cx.duration(
            &p_in.key("min_interval"),
            si.min_interval.as_ref(),
            DEFAULT_SCALE_IN_MIN_INTERVAL,
            SimDuration::ZERO,
            MAX_RUN,
        )?,
    })
}

/// The `explain` inverse of the on-demand scaler's settings.
pub(crate) fn to_raw(a: &AwsScaler) -> RawAwsScaler {
    let dur = DurationValue::new;
    RawAwsScaler {
        initial_pollers: Some(i64::from(a.initial_pollers)),
        max_pollers: Some(i64::from(a.max_pollers)),
        evaluation_interval: Some(dur(a.evaluation_interval)),
        evaluation_phase: Some(phase::to_raw(a.evaluation_phase)),
        actuation_delay: Some(match a.actuation_delay {
            DelayDistribution::Fixed(d) => ScalarOr::Scalar(dur(d)),
            DelayDistribution::Uniform(lo, hi) => {
                ScalarOr::Tagged(RawDelayTagged::Uniform(dur(lo), dur(hi)))
            }
        }),
        scale_out: Some(RawScaleOut {
            step: Some(match a.scale_out.step {
                ScaleStep::Double => RawScaleStep::Double,
                ScaleStep::Add(n) => RawScaleStep::Add(i64::from(n)),
                ScaleStep::Multiply(f) => RawScaleStep::Multiply(f),
                ScaleStep::ToMax => RawScaleStep::ToMax,
            }),
            min_lag: Some(a.scale_out.min_lag.min(i64::MAX as u64) as i64),
            only_if_useful: Some(a.scale_out.only_if_useful),
        }),
        scale_in: Some(RawScaleIn {
            cooldown: Some(dur(a.scale_in.cooldown)),
            after_evaluations: Some(i64::from(a.scale_in.after_evaluations)),
            max_lag: Some(a.scale_in.max_lag.min(i64::MAX as u64) as i64),
            min_interval: Some(dur(a.scale_in.min_interval)),
        }),
        // Written out only when set, so `explain` of older scenarios is unchanged.
        on_throttle: (!a.on_throttle.is_default()).then_some(RawOnThrottle {
            factor: Some(a.on_throttle.factor),
        }),
    }
}
