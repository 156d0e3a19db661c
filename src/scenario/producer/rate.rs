//! `producer.rate`: the additive rate shapes, in records/s, and replayed traces. Their
//! raw forms, resolved forms, checks and `explain` inverses. Their instants may be clock
//! times ([`crate::scenario::instant`]); the `weekly` shape is in [`weekly`].

pub mod weekly;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize, Serializer};

use crate::engine::time::SimDuration;
use crate::scenario::error::ScenarioError;
use crate::scenario::instant::InstantValue;
use crate::scenario::locate::FieldPath;
use crate::scenario::resolve::{Context, MAX_RUN, NON_NEGATIVE, Result};
use crate::scenario::units::DurationValue;
use weekly::{RawWeekly, Weekly};

/// Multiplier of a trace's rate when the scenario gives none.
pub const DEFAULT_TRACE_SCALE: f64 = 1.0;

/// Largest rate a shape may add, and largest total of every shape's peak, in records/s
/// (a billion: far beyond any Kafka topic; the arrival arithmetic is exact up to it).
pub const MAX_RATE: f64 = 1e9;

/// What a rate that must not be negative is called in errors.
const RATE: &str = "a rate (records/s): a finite number >= 0 and <= 1e9";
/// What a rate that may be negative (it adds to others) is called in errors.
const FINITE: &str = "a finite number of records/s from -1e9 to 1e9";

/// Whether `x` is a rate a shape may add.
fn rate_ok(x: f64) -> bool {
    (0.0..=MAX_RATE).contains(&x)
}

/// Whether `x` is a rate a shape may add or take away.
fn signed_ok(x: f64) -> bool {
    (-MAX_RATE..=MAX_RATE).contains(&x)
}

impl RateShape {
    /// The most this shape adds to the rate at any time, in records/s (0 if it only
    /// takes away).
    pub fn peak(&self) -> f64 {
        let max = |points: &[(SimDuration, f64)]| points.iter().map(|p| p.1).fold(0.0, f64::max);
        match self {
            RateShape::Constant(r) => *r,
            RateShape::Step { rate, .. } | RateShape::Spike { rate, .. } => *rate,
            RateShape::Ramp { from, to, .. } => from.max(*to).max(0.0),
            RateShape::Diurnal { amplitude, .. } => amplitude.abs(),
            RateShape::Points(points) => max(points),
            RateShape::Trace(t) => max(&t.points),
            RateShape::Weekly(w) => w.peak(),
        }
    }
    /// The shape's event name, if it has one.
    pub fn event_name(&self) -> Option<&str> {
        match self {
            RateShape::Step { name, .. }
            | RateShape::Spike { name, .. }
            | RateShape::Ramp { name, .. } => name.as_deref(),
            _ => None,
        }
    }

    /// The shape's key in the YAML (`spike`, `step`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            RateShape::Constant(_) => "constant",
            RateShape::Step { .. } => "step",
            RateShape::Spike { .. } => "spike",
            RateShape::Ramp { .. } => "ramp",
            RateShape::Diurnal { .. } => "diurnal",
            RateShape::Points(_) => "points",
            RateShape::Trace(_) => "trace",
            RateShape::Weekly(_) => "weekly",
        }
    }
}

/// Checks that the peaks of `shapes` add up to at most [`MAX_RATE`].
pub(crate) fn check_total(shapes: &[RateShape], path: &FieldPath, cx: &Context<'_>) -> Result<()> {
    let total: f64 = shapes.iter().map(RateShape::peak).sum();
    if total <= MAX_RATE {
        Ok(())
    } else {
        Err(cx.invalid(
            path,
            format!("up to {total:e} records/s (the peaks of its shapes added)"),
            "at most 1e9 records/s",
        ))
    }
}

/// One additive component of the producer rate curve, in records/s.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RateShape {
    /// A constant rate for the whole run.
    Constant(f64),
    /// `rate` added from `at` on.
    Step {
        /// The event's name, if it is a named event.
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// When the step happens.
        at: SimDuration,
        /// Rate added from then on.
        rate: f64,
    },
    /// `rate` added during `[at, at + duration)`.
    Spike {
        /// The event's name, if it is a named event.
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// Start of the spike.
        at: SimDuration,
        /// Length of the spike.
        duration: SimDuration,
        /// Rate added during the spike.
        rate: f64,
    },
    /// Zero before `start`, linear from `from` to `to` over `[start, end)`, `to` after.
    Ramp {
        /// The event's name, if it is a named event.
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// Start of the ramp.
        start: SimDuration,
        /// End of the ramp.
        end: SimDuration,
        /// Rate at `start`.
        from: f64,
        /// Rate at `end` and after.
        to: f64,
    },
    /// `amplitude * cos(2π (t - peak_at) / period)`: a daily (or other) cycle around 0,
    /// to add to a constant base.
    Diurnal {
        /// Length of one cycle.
        period: SimDuration,
        /// Half the peak-to-trough swing, records/s.
        amplitude: f64,
        /// Time of the first peak.
        peak_at: SimDuration,
    },
    /// Piecewise-linear through `(time, rate)` points, constant before the first and after
    /// the last point.
    Points(Vec<(SimDuration, f64)>),
    /// A replayed CSV trace, resolved to points at load time.
    Trace(Trace),
    /// A rate by time of day, weekdays and weekend apart, anchored by `start_at`.
    Weekly(Weekly),
}

/// A traffic trace replayed as a piecewise-linear rate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trace {
    /// The CSV file as written in the scenario (relative to the scenario file).
    pub file: String,
    /// Multiplier applied to the trace's rate.
    pub scale: f64,
    /// SHA-256 of the file contents, so the scenario hash changes when the file does.
    pub sha256: String,
    /// The rate points, in records/s, time relative to the start of the run.
    #[serde(skip)]
    pub points: Vec<(SimDuration, f64)>,
}

/// One entry of `producer.rate`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RawRateShape {
    /// `{constant: r}`.
    Constant(f64),
    /// `{step: {name, at, rate}}`.
    Step {
        /// The event's name (optional).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// When.
        at: InstantValue,
        /// Rate added.
        rate: f64,
    },
    /// `{spike: {name, at, duration, rate}}`.
    Spike {
        /// The event's name (optional).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// Start.
        at: InstantValue,
        /// Length.
        duration: DurationValue,
        /// Rate added.
        rate: f64,
    },
    /// `{ramp: {name, start, end, from, to}}`.
    Ramp {
        /// The event's name (optional).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// Start of the ramp.
        start: InstantValue,
        /// End of the ramp (a time of day: its first occurrence after `start`).
        end: InstantValue,
        /// Rate at the start.
        from: f64,
        /// Rate at the end and after.
        to: f64,
    },
    /// `{diurnal: {period, amplitude, peak_at}}`.
    Diurnal {
        /// Cycle length.
        period: DurationValue,
        /// Half the swing.
        amplitude: f64,
        /// Time of the first peak (default 0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        peak_at: Option<InstantValue>,
    },
    /// `{points: [[t, r], ...]}` (a time of day: its first occurrence after the previous
    /// point).
    Points(Vec<RawPoint>),
    /// `{trace: {file, scale}}`.
    Trace(RawTrace),
    /// `{weekly: {weekdays, weekend}}`: a rate by time of day, Monday to Friday and on
    /// Saturday and Sunday (needs `start_at`).
    Weekly(RawWeekly),
}

/// One `[time, rate]` pair of a `points` shape.
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema)]
pub struct RawPoint(pub InstantValue, pub f64);

impl Serialize for RawPoint {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        // Written as a flow sequence `[10m, 500.0]` in YAML; a plain array in JSON.
        serde_saphyr::FlowSeq((&self.0, self.1)).serialize(serializer)
    }
}

/// `{trace: {...}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTrace {
    /// CSV file, relative to the scenario's folder.
    pub file: String,
    /// Rate multiplier (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
    /// Expected SHA-256 of the file; when given, a different file is an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// Resolves one rate shape at `path` (`producer.rate[i]`).
pub(crate) fn resolve(
    shape: &RawRateShape,
    path: &FieldPath,
    cx: &Context<'_>,
) -> Result<RateShape> {
    let pos = SimDuration(1);
    Ok(match shape {
        RawRateShape::Constant(r) => {
            RateShape::Constant(cx.check_float(&path.key("constant"), *r, rate_ok, RATE)?)
        }
        RawRateShape::Step { name, at, rate } => {
            let base = path.key("step");
            RateShape::Step {
                name: event_name(name.as_deref(), &base, cx)?,
                at: cx.check_instant(&base.key("at"), at, SimDuration::ZERO, false)?,
                rate: cx.check_float(&base.key("rate"), *rate, rate_ok, RATE)?,
            }
        }
        RawRateShape::Spike {
            name,
            at,
            duration,
            rate,
        } => {
            let base = path.key("spike");
            RateShape::Spike {
                name: event_name(name.as_deref(), &base, cx)?,
                at: cx.check_instant(&base.key("at"), at, SimDuration::ZERO, false)?,
                duration: cx.check_duration(&base.key("duration"), duration, pos, MAX_RUN)?,
                rate: cx.check_float(&base.key("rate"), *rate, rate_ok, RATE)?,
            }
        }
        RawRateShape::Ramp {
            name,
            start,
            end,
            from,
            to,
        } => {
            let base = path.key("ramp");
            let name = event_name(name.as_deref(), &base, cx)?;
            let s = cx.check_instant(&base.key("start"), start, SimDuration::ZERO, false)?;
            let e = cx.check_instant(&base.key("end"), end, s, true)?;
            if e <= s {
                return Err(cx.invalid(
                    &base.key("end"),
                    format!("`{end}`"),
                    format!("later than `start` (`{start}`)"),
                ));
            }
            RateShape::Ramp {
                name,
                start: s,
                end: e,
                from: cx.check_float(&base.key("from"), *from, signed_ok, FINITE)?,
                to: cx.check_float(&base.key("to"), *to, signed_ok, FINITE)?,
            }
        }
        RawRateShape::Diurnal {
            period,
            amplitude,
            peak_at,
        } => {
            let base = path.key("diurnal");
            RateShape::Diurnal {
                period: cx.check_duration(&base.key("period"), period, pos, MAX_RUN)?,
                amplitude: cx.check_float(&base.key("amplitude"), *amplitude, signed_ok, FINITE)?,
                peak_at: match peak_at {
                    None => SimDuration::ZERO,
                    Some(d) => {
                        cx.check_instant(&base.key("peak_at"), d, SimDuration::ZERO, false)?
                    }
                },
            }
        }
        RawRateShape::Points(points) => {
            RateShape::Points(resolve_points(points, &path.key("points"), cx)?)
        }
        RawRateShape::Trace(t) => RateShape::Trace(resolve_trace(t, &path.key("trace"), cx)?),
        RawRateShape::Weekly(w) => RateShape::Weekly(weekly::resolve(w, &path.key("weekly"), cx)?),
    })
}

/// What an event name may be, for errors.
const EVENT_NAME: &str = "a name of 1 to 64 characters from A-Z, a-z, 0-9, `.`, `_`, `-`";

/// Checks the optional `name` of an event shape at `base`.
fn event_name(name: Option<&str>, base: &FieldPath, cx: &Context<'_>) -> Result<Option<String>> {
    let Some(name) = name else {
        return Ok(None);
    };
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(Some(name.to_string()))
    } else {
        Err(cx.invalid(&base.key("name"), format!("{name:?}"), EVENT_NAME))
    }
}

fn resolve_points(
    points: &[RawPoint],
    base: &FieldPath,
    cx: &Context<'_>,
) -> Result<Vec<(SimDuration, f64)>> {
    if points.is_empty() {
        return Err(cx.invalid(
            base,
            "an empty list",
            "a non-empty list of `[time, rate]` pairs",
        ));
    }
    let mut out: Vec<(SimDuration, f64)> = Vec::with_capacity(points.len());
    for (i, RawPoint(t, r)) in points.iter().enumerate() {
        let p = base.index(i);
        let after = out.last().map_or(SimDuration::ZERO, |&(prev, _)| prev);
        let time = cx.check_instant(&p, t, after, !out.is_empty())?;
        if let Some(&(prev, _)) = out.last()
            && time <= prev
        {
            return Err(cx.invalid(
                &p,
                format!("at `{t}`"),
                format!("later than the previous point (`{prev}`): times must strictly increase"),
            ));
        }
        let rate = cx.check_float(&p, *r, rate_ok, RATE)?;
        out.push((time, rate));
    }
    Ok(out)
}

fn resolve_trace(t: &RawTrace, base: &FieldPath, cx: &Context<'_>) -> Result<Trace> {
    let scale = cx.float(
        &base.key("scale"),
        t.scale,
        DEFAULT_TRACE_SCALE,
        |x| x >= 0.0,
        NON_NEGATIVE,
    )?;
    if t.file.trim().is_empty() {
        return Err(cx.invalid(&base.key("file"), "empty", "the path of a CSV file"));
    }
    let file = cx.base_dir.join(&t.file);
    let trace_err = |message: String| ScenarioError::Trace {
        path: base.to_string(),
        file: file.clone(),
        message,
        source_of: cx.source_of(&base.key("file")),
    };
    let loaded = cx.traces.trace(cx.base_dir, &file).map_err(trace_err)?;
    if let Some(expected) = &t.sha256
        && !expected.eq_ignore_ascii_case(&loaded.sha256)
    {
        return Err(cx.invalid(
            &base.key("sha256"),
            expected,
            format!(
                "the SHA-256 of the file ({}); the file changed since this was written, or remove `sha256`",
                loaded.sha256
            ),
        ));
    }
    Ok(Trace {
        file: t.file.clone(),
        scale,
        points: loaded.points(scale).map_err(trace_err)?,
        sha256: loaded.sha256.clone(),
    })
}

/// The `explain` inverse of one rate shape.
pub(crate) fn to_raw(shape: &RateShape) -> RawRateShape {
    let dur = InstantValue::new;
    match shape {
        RateShape::Constant(r) => RawRateShape::Constant(*r),
        RateShape::Step { name, at, rate } => RawRateShape::Step {
            name: name.clone(),
            at: dur(*at),
            rate: *rate,
        },
        RateShape::Spike {
            name,
            at,
            duration,
            rate,
        } => RawRateShape::Spike {
            name: name.clone(),
            at: dur(*at),
            duration: DurationValue::new(*duration),
            rate: *rate,
        },
        RateShape::Ramp {
            name,
            start,
            end,
            from,
            to,
        } => RawRateShape::Ramp {
            name: name.clone(),
            start: dur(*start),
            end: dur(*end),
            from: *from,
            to: *to,
        },
        RateShape::Diurnal {
            period,
            amplitude,
            peak_at,
        } => RawRateShape::Diurnal {
            period: DurationValue::new(*period),
            amplitude: *amplitude,
            peak_at: Some(dur(*peak_at)),
        },
        RateShape::Points(points) => {
            RawRateShape::Points(points.iter().map(|&(t, r)| RawPoint(dur(t), r)).collect())
        }
        RateShape::Trace(t) => RawRateShape::Trace(RawTrace {
            file: t.file.clone(),
            scale: Some(t.scale),
            sha256: Some(t.sha256.clone()),
        }),
        RateShape::Weekly(w) => RawRateShape::Weekly(weekly::to_raw(w)),
    }
}
