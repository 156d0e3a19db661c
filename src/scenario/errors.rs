//! `function.errors`: how often the function fails. Invocation errors (a transient
//! failure of a whole invocation, as a share of invocations that may vary in time) and
//! poison records (records that fail every attempt: drawn as a share of records, or
//! listed by partition and offset). Raw form, resolved form, checks and `explain`
//! inverse. Timeouts come from the duration model and `function.timeout`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::locate::FieldPath;
use super::producer::rate::{self, RateShape, RawRateShape};
use super::raw::{Expecting, ScalarOr};
use super::resolve::{Context, Result};

/// What a share is called in errors.
const SHARE: &str = "a share from 0 to 1";

/// How often the function fails (default: never, apart from timeouts).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FunctionErrors {
    /// Share of invocations that fail as a whole, as additive shapes over time
    /// (clamped to 0 ..= 1); empty: none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub invocation_error_rate: Vec<RateShape>,
    /// Share of records that are poison: each fails its batch at every attempt.
    pub record_error_rate: f64,
    /// Records that fail every attempt, by partition and offset.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub poison: Vec<PoisonRecord>,
}

impl FunctionErrors {
    /// Whether the function never fails (apart from timeouts).
    pub fn is_none(&self) -> bool {
        self.invocation_error_rate.is_empty()
            && self.record_error_rate == 0.0
            && self.poison.is_empty()
    }
}

/// One poison record.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct PoisonRecord {
    /// The partition (from 0).
    pub partition: u32,
    /// Its offset in the partition (from 0, the first record of the initial backlog).
    pub offset: u64,
}

/// `function.errors.invocation_error_rate` as a list of shapes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct RawShares(pub Vec<RawRateShape>);

impl Expecting for RawShares {
    const EXPECTING: &'static str = "a share from 0 to 1, or a list of rate shapes whose values are shares (e.g. `[{spike: {at: 10m, duration: 20m, rate: 0.05}}]`)";
}

/// `function.errors`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFunctionErrors {
    /// A share, or shapes of shares over time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invocation_error_rate: Option<ScalarOr<f64, RawShares>>,
    /// Share of poison records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_error_rate: Option<f64>,
    /// Explicit poison records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub poison: Option<Vec<RawPoison>>,
}

/// One entry of `function.errors.poison`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPoison {
    /// Partition.
    pub partition: i64,
    /// Offset.
    pub offset: i64,
}

/// Resolves `function.errors` at `base` for a topic of `partitions` partitions.
pub(crate) fn resolve(
    raw: Option<&RawFunctionErrors>,
    base: &FieldPath,
    cx: &Context<'_>,
    partitions: u32,
) -> Result<FunctionErrors> {
    let Some(r) = raw else {
        return Ok(FunctionErrors::default());
    };
    let p_rate = base.key("invocation_error_rate");
    let invocation_error_rate = match &r.invocation_error_rate {
        None => Vec::new(),
        Some(ScalarOr::Scalar(x)) => {
            let x = cx.check_float(&p_rate, *x, |x| (0.0..=1.0).contains(&x), SHARE)?;
            if x == 0.0 {
                Vec::new()
            } else {
                vec![RateShape::Constant(x)]
            }
        }
        Some(ScalarOr::Tagged(RawShares(shapes))) => shapes
            .iter()
            .enumerate()
            .map(|(i, shape)| {
                let path = p_rate.index(i);
                let resolved = rate::resolve(shape, &path, cx)?;
                check_share_shape(&resolved, &path, cx)?;
                Ok(resolved)
            })
            .collect::<Result<_>>()?,
    };
    let record_error_rate = cx.float(
        &base.key("record_error_rate"),
        r.record_error_rate,
        0.0,
        |x| (0.0..1.0).contains(&x),
        "a share from 0 to 1 (less than 1: every record poison would block every partition for ever)",
    )?;
    let mut poison = Vec::new();
    for (i, p) in r.poison.iter().flatten().enumerate() {
        let path = base.key("poison").index(i);
        let partition = cx.int(
            &path.key("partition"),
            Some(p.partition),
            0,
            0,
            i64::from(partitions) - 1,
        )? as u32;
        let offset = cx.int(&path.key("offset"), Some(p.offset), 0, 0, i64::MAX)? as u64;
        poison.push(PoisonRecord { partition, offset });
    }
    poison.sort_unstable();
    poison.dedup();
    Ok(FunctionErrors {
        invocation_error_rate,
        record_error_rate,
        poison,
    })
}

/// The values of a share shape must be shares.
fn check_share_shape(shape: &RateShape, path: &FieldPath, cx: &Context<'_>) -> Result<()> {
    let values: Vec<f64> = match shape {
        RateShape::Constant(x) => vec![*x],
        RateShape::Step { rate, .. } | RateShape::Spike { rate, .. } => vec![*rate],
        RateShape::Ramp { from, to, .. } => vec![*from, *to],
        RateShape::Diurnal { amplitude, .. } => vec![*amplitude],
        RateShape::Points(points) => points.iter().map(|(_, r)| *r).collect(),
        RateShape::Trace(_) => Vec::new(),
        RateShape::Weekly(w) => w
            .weekdays
            .0
            .iter()
            .chain(&w.weekend.0)
            .map(|p| p.1)
            .collect(),
    };
    match values.into_iter().find(|x| !(-1.0..=1.0).contains(x)) {
        Some(x) => Err(cx.invalid(
            path,
            x,
            "shares from 0 to 1 (the shapes of `invocation_error_rate` add up to the share of invocations that fail, clamped to 0..1)",
        )),
        None => Ok(()),
    }
}

/// The `explain` inverse.
pub(crate) fn to_raw(e: &FunctionErrors) -> RawFunctionErrors {
    RawFunctionErrors {
        invocation_error_rate: Some(ScalarOr::Tagged(RawShares(
            e.invocation_error_rate.iter().map(rate::to_raw).collect(),
        ))),
        record_error_rate: Some(e.record_error_rate),
        poison: Some(
            e.poison
                .iter()
                .map(|p| RawPoison {
                    partition: i64::from(p.partition),
                    offset: p.offset.min(i64::MAX as u64) as i64,
                })
                .collect(),
        ),
    }
}
