//! `producer:`: how many records arrive, when, and how large. Its raw form, resolved
//! form, defaults, checks and `explain` inverse; the rate shapes (and traces) are in
//! [`rate`].

pub mod events;
pub mod rate;
pub mod sizes;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::locate::FieldPath;
use super::raw::{Expecting, ScalarOr};
use super::resolve::{Context, MAX_PAYLOAD, Result};
use super::units::{DurationValue, SizeValue};
use crate::engine::time::SimDuration;
use rate::{RateShape, RawRateShape};

/// Size of every record when the scenario gives none (assumed).
pub const DEFAULT_RECORD_SIZE: u64 = 1024;
/// Width of the arrival buckets when the scenario gives none (assumed).
pub const DEFAULT_RESOLUTION: SimDuration = SimDuration::from_millis(100);
/// Narrowest arrival bucket.
pub const MIN_RESOLUTION: SimDuration = SimDuration(1_000);
/// Widest arrival bucket.
pub const MAX_RESOLUTION: SimDuration = SimDuration::from_secs(1);

/// The manifest's assumptions about the producer side.
pub(crate) fn assumptions() -> Vec<String> {
    vec![format!(
        "producer.resolution: records arriving in one bucket (default {} ms) of one partition are kept as one run with evenly spaced arrival times between its first and last, which are exact for buckets of up to {} records and at their expected positions in busier ones",
        DEFAULT_RESOLUTION.to_std().as_millis(),
        crate::model::log::EXACT_ORDER_STATISTICS,
    )]
}

/// The producer side: how many records arrive, when, and how large.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Producer {
    /// Arrival process.
    pub arrivals: ArrivalProcess,
    /// Size of one record (key + value bytes).
    pub record_size: RecordSize,
    /// Rate shapes in records/s for the whole topic; they add up (negative sums count as 0).
    pub rate: Vec<RateShape>,
    /// Width of the arrival buckets: records arriving in one bucket of one partition are
    /// kept as one run, so arrival times are exact to within this width.
    pub resolution: SimDuration,
}

/// Arrival process of records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArrivalProcess {
    /// A (non-homogeneous) Poisson process per partition.
    Poisson,
    /// Fluid arrivals: record `k` of a partition arrives when the integral of its rate
    /// reaches `k`.
    Deterministic,
}

/// Size of one record in bytes.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordSize {
    /// Every record has this many bytes.
    Fixed(u64),
    /// Lognormal with the given median and 99th percentile, in bytes.
    Lognormal {
        /// Median size in bytes.
        median: u64,
        /// 99th percentile in bytes (greater than the median).
        p99: u64,
    },
    /// Each record has one of the sizes, with its share (the shares add up to 1 within
    /// [`sizes::SHARE_TOLERANCE`]; the model rescales them).
    Histogram(Vec<(u64, f64)>),
    /// A lognormal truncated at `max` whose mean is `mean` (the fit:
    /// [`crate::model::size_laws`]). Serialised untagged, `{mean, max}`, as it is written.
    #[serde(untagged)]
    MeanMax {
        /// Mean size in bytes.
        mean: u64,
        /// Largest size in bytes (greater than the mean).
        max: u64,
    },
}

/// `producer:`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProducer {
    /// `poisson` or `deterministic`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrivals: Option<RawArrivals>,
    /// Record size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_size: Option<RawRecordSize>,
    /// Arrival bucket width.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution: Option<DurationValue>,
    /// Rate shapes (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<Vec<RawRateShape>>,
}

/// `producer.arrivals`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RawArrivals {
    /// Poisson process.
    Poisson,
    /// Fluid arrivals.
    Deterministic,
}

/// `producer.record_size`: a size, or `{fixed: size}`, or `{lognormal: {median, p99}}`.
pub type RawRecordSize = ScalarOr<SizeValue, RawRecordSizeTagged>;

/// The map forms of `producer.record_size`: exactly one of `fixed`, `lognormal`,
/// `mean` with `max`, or `histogram`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRecordSizeTagged {
    /// Every record has this size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<SizeValue>,
    /// Lognormal by median and 99th percentile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lognormal: Option<RawLognormal>,
    /// Mean size (with `max`: a lognormal truncated at `max` whose mean is this).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean: Option<SizeValue>,
    /// Largest size (with `mean`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<SizeValue>,
    /// `[[size, share], ...]`: each record has one of the sizes, with its share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub histogram: Option<Vec<RawBin>>,
}

/// `{lognormal: {median, p99}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLognormal {
    /// Median size.
    pub median: SizeValue,
    /// 99th percentile.
    pub p99: SizeValue,
}

/// One `[size, share]` pair of a histogram.
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema)]
pub struct RawBin(pub SizeValue, pub f64);

impl Serialize for RawBin {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serde_saphyr::FlowSeq((&self.0, self.1)).serialize(serializer)
    }
}

impl Expecting for RawRecordSizeTagged {
    const EXPECTING: &'static str = "a size such as `1KiB`, `{mean: 2KiB, max: 40KiB}`, `{histogram: [[1KiB, 0.7], [4KiB, 0.3]]}` or `{lognormal: {median: 1KiB, p99: 16KiB}}`";
}

/// Resolves `producer:` (required).
pub(crate) fn resolve(raw: Option<&RawProducer>, cx: &Context<'_>) -> Result<Producer> {
    let base = FieldPath::root("producer");
    let Some(p) = raw else {
        return Err(cx.missing(&base, "a block with at least `rate`"));
    };
    let arrivals = match p.arrivals {
        None | Some(RawArrivals::Poisson) => ArrivalProcess::Poisson,
        Some(RawArrivals::Deterministic) => ArrivalProcess::Deterministic,
    };
    let record_size = resolve_record_size(p.record_size.as_ref(), &base.key("record_size"), cx)?;
    let resolution = cx.duration(
        &base.key("resolution"),
        p.resolution.as_ref(),
        DEFAULT_RESOLUTION,
        MIN_RESOLUTION,
        MAX_RESOLUTION,
    )?;
    let p_rate = base.key("rate");
    let rate = match &p.rate {
        None => {
            return Err(cx.missing(
                &p_rate,
                "a list of rate shapes in records/s, e.g. `[{constant: 1000}]`",
            ));
        }
        Some(list) if list.is_empty() => {
            return Err(cx.invalid(&p_rate, "an empty list", "a non-empty list of rate shapes"));
        }
        Some(list) => list
            .iter()
            .enumerate()
            .map(|(i, shape)| rate::resolve(shape, &p_rate.index(i), cx))
            .collect::<Result<Vec<_>>>()?,
    };
    rate::check_total(&rate, &p_rate, cx)?;
    events::check_unique(&rate, &p_rate, cx)?;
    Ok(Producer {
        arrivals,
        record_size,
        rate,
        resolution,
    })
}

fn resolve_record_size(
    raw: Option<&RawRecordSize>,
    p_size: &FieldPath,
    cx: &Context<'_>,
) -> Result<RecordSize> {
    match raw {
        None => Ok(RecordSize::Fixed(DEFAULT_RECORD_SIZE)),
        Some(ScalarOr::Scalar(s)) => Ok(RecordSize::Fixed(cx.check_size(
            p_size,
            s,
            1,
            MAX_PAYLOAD,
        )?)),
        Some(ScalarOr::Tagged(t)) => sizes::resolve(t, p_size, cx),
    }
}

/// The `explain` inverse: the resolved producer with every field written out.
pub(crate) fn to_raw(p: &Producer) -> RawProducer {
    RawProducer {
        arrivals: Some(match p.arrivals {
            ArrivalProcess::Poisson => RawArrivals::Poisson,
            ArrivalProcess::Deterministic => RawArrivals::Deterministic,
        }),
        record_size: Some(sizes::to_raw(&p.record_size)),
        resolution: Some(DurationValue::new(p.resolution)),
        rate: Some(p.rate.iter().map(rate::to_raw).collect()),
    }
}
