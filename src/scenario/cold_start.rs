//! `function.cold_start`: execution environments and their INIT time. Absent, the model
//! has no environments to track (an invocation never pays an init), as before the block
//! existed. Raw form, resolved form, runtime presets with their source, defaults, checks
//! and `explain` inverse.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::concurrency::{DEFAULT_ACCOUNT_LIMIT, UNRESERVED_MINIMUM};
use super::locate::FieldPath;
use super::raw::{Expecting, ScalarOr};
use super::resolve::{Context, Result};
use super::units::DurationValue;
use crate::engine::time::SimDuration;

/// How long an idle environment stays warm when the scenario gives none; an assumption:
/// AWS says the lifetime of an idle environment is not deterministic and publishes none.
pub const DEFAULT_KEEP_WARM: SimDuration = SimDuration::from_secs(6 * 60);
/// Longest keep-warm a scenario may set.
pub const MAX_KEEP_WARM: SimDuration = SimDuration::from_secs(24 * 3600);
/// Longest INIT AWS allows an on-demand environment (10 s); the init model is capped there.
pub const MAX_INIT: SimDuration = SimDuration::from_secs(10);
/// Whether INIT is billed when the scenario does not say (AWS: billed since 2025-08-01
/// for on-demand functions packaged as ZIP on managed runtimes).
pub const DEFAULT_BILL_INIT: bool = true;

/// The manifest's assumptions about cold starts (they apply only with
/// `function.cold_start`).
pub(crate) fn assumptions() -> Vec<String> {
    vec![
        format!(
            "function.cold_start.keep_warm: an idle execution environment is reclaimed after {} min (AWS publishes no lifetime); an invocation takes the most recently used idle environment",
            DEFAULT_KEEP_WARM.as_secs_f64() / 60.0
        ),
        "function.cold_start.init runtime presets: lognormal INIT times from third-party 2026 measurements (edjgeek.com, 'Lambda cold starts'), the middle of each quoted P50 and P99 range".to_string(),
    ]
}

/// A managed runtime whose INIT time has a preset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Runtime {
    /// Python 3.13.
    Python,
    /// Node.js 22.
    Nodejs,
    /// Java 21 without SnapStart.
    Java,
    /// Java 21 with SnapStart.
    JavaSnapstart,
    /// Go (provided.al2023).
    Go,
    /// Rust (provided.al2023).
    Rust,
}

impl Runtime {
    /// Median and 99th percentile of the INIT time, in milliseconds: the middle of the
    /// P50 and P99 ranges of the third-party 2026 measurements quoted in docs/scenario.md.
    pub fn init_median_p99_ms(self) -> (u64, u64) {
        match self {
            Runtime::Python => (300, 1000),
            Runtime::Nodejs => (275, 800),
            Runtime::Java => (3500, 8000),
            Runtime::JavaSnapstart => (115, 300),
            Runtime::Go => (75, 200),
            Runtime::Rust => (65, 150),
        }
    }
}

/// How long an environment's INIT takes.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InitDuration {
    /// Always this long.
    Fixed(SimDuration),
    /// Lognormal by median and 99th percentile (capped at 10 s).
    Lognormal {
        /// Median INIT time.
        median: SimDuration,
        /// 99th percentile.
        p99: SimDuration,
    },
    /// A runtime's preset (a lognormal, see [`Runtime::init_median_p99_ms`]).
    Runtime(Runtime),
}

impl InitDuration {
    /// `None` for a fixed time, else the lognormal's median and 99th percentile.
    pub fn lognormal(&self) -> Option<(SimDuration, SimDuration)> {
        match self {
            InitDuration::Fixed(_) => None,
            InitDuration::Lognormal { median, p99 } => Some((*median, *p99)),
            InitDuration::Runtime(r) => {
                let (m, p) = r.init_median_p99_ms();
                Some((SimDuration::from_millis(m), SimDuration::from_millis(p)))
            }
        }
    }
}

/// Execution environments: INIT time, keep-warm, INIT billing, provisioned concurrency.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ColdStart {
    /// INIT time of a new environment.
    pub init: InitDuration,
    /// Idle time after which an environment is reclaimed (assumed 6 min).
    pub keep_warm: SimDuration,
    /// Whether INIT time is billed (AWS: yes since 2025-08-01).
    pub bill_init: bool,
    /// Environments kept initialised at all times (provisioned concurrency).
    pub provisioned_concurrency: u32,
}

/// `function.cold_start`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawColdStart {
    /// INIT time (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub init: Option<RawInit>,
    /// Keep-warm time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep_warm: Option<DurationValue>,
    /// Whether INIT is billed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bill_init: Option<bool>,
    /// Provisioned concurrency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioned_concurrency: Option<i64>,
}

/// `cold_start.init`: a duration, `{runtime: java}` or `{lognormal: {median, p99}}`.
pub type RawInit = ScalarOr<DurationValue, RawInitTagged>;

/// The map forms of `cold_start.init`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RawInitTagged {
    /// Always this long.
    Fixed(DurationValue),
    /// A runtime preset.
    Runtime(Runtime),
    /// Lognormal by median and p99.
    Lognormal {
        /// Median.
        median: DurationValue,
        /// 99th percentile.
        p99: DurationValue,
    },
}

impl Expecting for RawInitTagged {
    const EXPECTING: &'static str = "a duration such as `800ms`, `{runtime: python}` (python, nodejs, java, java_snapstart, go, rust) or `{lognormal: {median: 300ms, p99: 1s}}`";
}

/// Resolves `function.cold_start`; `None` when absent. `reserved` is the function's
/// reserved concurrency, which bounds the provisioned concurrency.
pub(crate) fn resolve(
    raw: Option<&RawColdStart>,
    base: &FieldPath,
    cx: &Context<'_>,
    reserved: Option<u32>,
    account_limit: u32,
) -> Result<Option<ColdStart>> {
    let Some(c) = raw else {
        return Ok(None);
    };
    let p_init = base.key("init");
    let positive = SimDuration::from_millis(1);
    let init = match &c.init {
        None => {
            return Err(cx.missing(
                &p_init,
                "an INIT time: a duration such as `800ms`, `{runtime: java}` or `{lognormal: {median: 300ms, p99: 1s}}`",
            ));
        }
        Some(ScalarOr::Scalar(d)) => {
            InitDuration::Fixed(cx.check_duration(&p_init, d, SimDuration::ZERO, MAX_INIT)?)
        }
        Some(ScalarOr::Tagged(RawInitTagged::Fixed(d))) => InitDuration::Fixed(cx.check_duration(
            &p_init.key("fixed"),
            d,
            SimDuration::ZERO,
            MAX_INIT,
        )?),
        Some(ScalarOr::Tagged(RawInitTagged::Runtime(r))) => InitDuration::Runtime(*r),
        Some(ScalarOr::Tagged(RawInitTagged::Lognormal { median, p99 })) => {
            let p = p_init.key("lognormal");
            let m = cx.check_duration(&p.key("median"), median, positive, MAX_INIT)?;
            let q = cx.check_duration(&p.key("p99"), p99, positive, MAX_INIT)?;
            if q <= m {
                return Err(cx.invalid(
                    &p.key("p99"),
                    format!("`{p99}`"),
                    format!("longer than `median` (`{median}`)"),
                ));
            }
            InitDuration::Lognormal { median: m, p99: q }
        }
    };
    let keep_warm = cx.duration(
        &base.key("keep_warm"),
        c.keep_warm.as_ref(),
        DEFAULT_KEEP_WARM,
        SimDuration::ZERO,
        MAX_KEEP_WARM,
    )?;
    let most = match reserved {
        Some(r) => i64::from(r),
        None => i64::from(account_limit) - UNRESERVED_MINIMUM,
    };
    let provisioned_concurrency = cx
        .int(
            &base.key("provisioned_concurrency"),
            c.provisioned_concurrency,
            0,
            0,
            most.max(0),
        )
        .map_err(|_| {
            cx.invalid(
                &base.key("provisioned_concurrency"),
                c.provisioned_concurrency.unwrap_or_default(),
                format!(
                    "an integer from 0 to {most}: at most the reserved concurrency, else the account limit minus the {UNRESERVED_MINIMUM} AWS keeps unreserved (default account limit {DEFAULT_ACCOUNT_LIMIT})"
                ),
            )
        })? as u32;
    Ok(Some(ColdStart {
        init,
        keep_warm,
        bill_init: c.bill_init.unwrap_or(DEFAULT_BILL_INIT),
        provisioned_concurrency,
    }))
}

/// The `explain` inverse.
pub(crate) fn to_raw(c: &ColdStart) -> RawColdStart {
    let dur = DurationValue::new;
    RawColdStart {
        init: Some(match &c.init {
            InitDuration::Fixed(d) => ScalarOr::Scalar(dur(*d)),
            InitDuration::Runtime(r) => ScalarOr::Tagged(RawInitTagged::Runtime(*r)),
            InitDuration::Lognormal { median, p99 } => ScalarOr::Tagged(RawInitTagged::Lognormal {
                median: dur(*median),
                p99: dur(*p99),
            }),
        }),
        keep_warm: Some(dur(c.keep_warm)),
        bill_init: Some(c.bill_init),
        provisioned_concurrency: Some(i64::from(c.provisioned_concurrency)),
    }
}
