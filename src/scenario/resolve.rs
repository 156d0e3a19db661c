//! Raw scenario → validated [`Scenario`]: fills every default, checks every range and the
//! rules that tie fields together, converts units and reads trace files.
//!
//! Defaults that depend on other fields:
//! - `sample_interval`: 1 s, or the run duration if that is shorter;
//! - `esm.scaler.max_pollers`: the partition count. A larger value is **capped** at the
//!   partition count, as AWS does (a poller without a partition would idle); it is not an
//!   error. (With `policy: fixed`, `pollers` above the partition count *is* an error.)
//! - `esm.scaler.scale_out.min_lag`: `batch_size × partitions`;
//! - `esm.scaler.scale_in.max_lag`: `scale_out.min_lag`;
//! - `function.duration.reference_memory`: the function's memory as written in the file
//!   (pinned by [`super::load`] before `--set` overrides, so overriding `function.memory`
//!   means "the same handler with more memory").

/// Function memory (MB) when the scenario gives none (AWS default).
pub const DEFAULT_MEMORY: i64 = 128;

use std::fmt::Display;
use std::path::Path;

use super::error::{ScenarioError, ValueSource};
use super::locate::{FieldPath, locate};
use super::raw::*;
use super::trace::{parse_trace, sha256_hex};
use super::units::{DurationValue, SizeValue};
use super::*;

/// Longest run a scenario may ask for.
pub const MAX_RUN: SimDuration = SimDuration::from_secs(366 * 86_400);
/// Largest partition count.
pub const MAX_PARTITIONS: i64 = 100_000;
/// The AWS payload limit, 6 MiB.
pub const MAX_PAYLOAD: u64 = 6 * 1024 * 1024;

/// One `--set` override, for telling the user that a value came from it.
#[derive(Clone, Debug)]
pub(crate) struct AppliedOverride {
    /// The path segments as written (`producer`, `rate`, `0`).
    pub segments: Vec<String>,
    /// The whole `path=value` text.
    pub text: String,
}

/// Where values came from, for error messages, and where relative files live.
pub(crate) struct Context<'a> {
    /// The scenario text, to find lines.
    pub source: Option<&'a str>,
    /// Overrides applied on top of the text.
    pub overrides: &'a [AppliedOverride],
    /// Folder that relative trace files resolve against.
    pub base_dir: &'a Path,
}

type Result<T> = std::result::Result<T, ScenarioError>;

impl Context<'_> {
    fn source_of(&self, path: &FieldPath) -> ValueSource {
        let segs: Vec<String> = path.0.iter().map(|s| s.as_text()).collect();
        for o in self.overrides.iter().rev() {
            let n = o.segments.len().min(segs.len());
            if o.segments[..n] == segs[..n] {
                return ValueSource::Override(o.text.clone());
            }
        }
        match self.source.and_then(|s| locate(s, path)) {
            Some(n) => ValueSource::Line(n),
            None => ValueSource::Unknown,
        }
    }

    fn invalid(
        &self,
        path: &FieldPath,
        value: impl Display,
        allowed: impl Into<String>,
    ) -> ScenarioError {
        ScenarioError::Invalid {
            path: path.to_string(),
            value: value.to_string(),
            allowed: allowed.into(),
            source_of: self.source_of(path),
        }
    }

    fn missing(&self, path: &FieldPath, expected: impl Into<String>) -> ScenarioError {
        let parent = FieldPath(path.0[..path.0.len().saturating_sub(1)].to_vec());
        let source_of = if parent.0.is_empty() {
            ValueSource::Unknown
        } else {
            self.source_of(&parent)
        };
        ScenarioError::Missing {
            path: path.to_string(),
            expected: expected.into(),
            source_of,
        }
    }

    fn not_applicable(&self, path: &FieldPath, reason: impl Into<String>) -> ScenarioError {
        ScenarioError::NotApplicable {
            path: path.to_string(),
            reason: reason.into(),
            source_of: self.source_of(path),
        }
    }

    /// An integer in `lo..=hi`, or the default when absent.
    fn int(&self, path: &FieldPath, v: Option<i64>, default: i64, lo: i64, hi: i64) -> Result<i64> {
        match v {
            None => Ok(default),
            Some(x) if (lo..=hi).contains(&x) => Ok(x),
            Some(x) => Err(self.invalid(path, x, int_range(lo, hi))),
        }
    }

    /// A finite float accepted by `ok`, or the default when absent.
    fn float(
        &self,
        path: &FieldPath,
        v: Option<f64>,
        default: f64,
        ok: impl Fn(f64) -> bool,
        allowed: &str,
    ) -> Result<f64> {
        match v {
            None => Ok(default),
            Some(x) => self.check_float(path, x, ok, allowed),
        }
    }

    fn check_float(
        &self,
        path: &FieldPath,
        x: f64,
        ok: impl Fn(f64) -> bool,
        allowed: &str,
    ) -> Result<f64> {
        if x.is_finite() && ok(x) {
            Ok(x)
        } else {
            Err(self.invalid(path, x, allowed))
        }
    }

    /// A duration in `lo..=hi`, or the default when absent.
    fn duration(
        &self,
        path: &FieldPath,
        v: Option<&DurationValue>,
        default: SimDuration,
        lo: SimDuration,
        hi: SimDuration,
    ) -> Result<SimDuration> {
        match v {
            None => Ok(default),
            Some(d) => self.check_duration(path, d, lo, hi),
        }
    }

    fn check_duration(
        &self,
        path: &FieldPath,
        d: &DurationValue,
        lo: SimDuration,
        hi: SimDuration,
    ) -> Result<SimDuration> {
        if d.value >= lo && d.value <= hi {
            Ok(d.value)
        } else {
            Err(self.invalid(path, format!("`{d}`"), duration_range(lo, hi)))
        }
    }

    /// A size in `lo..=hi` bytes, or the default when absent.
    fn size(
        &self,
        path: &FieldPath,
        v: Option<&SizeValue>,
        default: u64,
        lo: u64,
        hi: u64,
    ) -> Result<u64> {
        match v {
            None => Ok(default),
            Some(s) => self.check_size(path, s, lo, hi),
        }
    }

    fn check_size(&self, path: &FieldPath, s: &SizeValue, lo: u64, hi: u64) -> Result<u64> {
        if (lo..=hi).contains(&s.bytes) {
            Ok(s.bytes)
        } else {
            Err(self.invalid(
                path,
                format!("`{s}` ({} bytes)", s.bytes),
                format!("a size from {} to {}", size_text(lo), size_text(hi)),
            ))
        }
    }
}

fn int_range(lo: i64, hi: i64) -> String {
    if hi == i64::MAX {
        format!("an integer >= {lo}")
    } else {
        format!("an integer from {lo} to {hi}")
    }
}

fn duration_range(lo: SimDuration, hi: SimDuration) -> String {
    let hi_text = if hi == MAX_RUN {
        "366 days".to_string()
    } else {
        format!("`{hi}`")
    };
    if lo == SimDuration::ZERO {
        format!("a duration from `0` to {hi_text}")
    } else if lo == SimDuration(1) {
        format!("a duration > 0 and at most {hi_text}")
    } else {
        format!("a duration from `{lo}` to {hi_text}")
    }
}

fn size_text(bytes: u64) -> String {
    let s = super::units::format_size(bytes);
    if s == bytes.to_string() {
        format!("{bytes} bytes")
    } else {
        format!("{s} ({bytes} bytes)")
    }
}

const NON_NEGATIVE: &str = "a finite number >= 0";

/// Resolves a raw scenario with no source text (errors carry no line numbers).
pub fn resolve(raw: &RawScenario, base_dir: &Path) -> Result<Scenario> {
    resolve_with(
        raw,
        &Context {
            source: None,
            overrides: &[],
            base_dir,
        },
    )
}

pub(crate) fn resolve_with(raw: &RawScenario, cx: &Context<'_>) -> Result<Scenario> {
    let name = resolve_name(raw, cx)?;
    let seed = raw.seed.unwrap_or(1);

    let p_duration = FieldPath::root("duration");
    let duration = match &raw.duration {
        None => return Err(cx.missing(&p_duration, "a duration such as `2h` (at most 366 days)")),
        Some(d) => cx.check_duration(&p_duration, d, SimDuration::from_millis(1), MAX_RUN)?,
    };
    let sample_interval = cx.duration(
        &FieldPath::root("sample_interval"),
        raw.sample_interval.as_ref(),
        SimDuration::from_secs(1).min(duration),
        SimDuration::from_millis(1),
        duration,
    )?;

    let topic = resolve_topic(raw, cx)?;
    let producer = resolve_producer(raw, cx)?;
    let esm = resolve_esm(raw, cx, topic.partitions)?;
    let function = resolve_function(raw, cx)?;
    let pricing = resolve_pricing(raw, cx)?;

    let slo = match raw.slo.as_ref().and_then(|s| s.max_age.as_ref()) {
        None => Slo::default(),
        Some(d) => Slo {
            max_age: Some(cx.check_duration(
                &FieldPath::root("slo").key("max_age"),
                d,
                SimDuration(1),
                MAX_RUN,
            )?),
        },
    };
    let outputs = Outputs {
        partitions_csv: raw
            .outputs
            .as_ref()
            .and_then(|o| o.partitions_csv)
            .unwrap_or(false),
        charts: raw.outputs.as_ref().and_then(|o| o.charts).unwrap_or(true),
    };

    Ok(Scenario {
        name,
        seed,
        duration,
        sample_interval,
        topic,
        producer,
        esm,
        function,
        pricing,
        slo,
        outputs,
    })
}

fn resolve_name(raw: &RawScenario, cx: &Context<'_>) -> Result<String> {
    const ALLOWED: &str = "a name of 1 to 100 characters from A-Z, a-z, 0-9, `.`, `_`, `-` (it names the output folder), and not `.` or `..`";
    let path = FieldPath::root("name");
    let Some(name) = &raw.name else {
        return Err(cx.missing(&path, ALLOWED));
    };
    let ok = !name.is_empty()
        && name.len() <= 100
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(name.clone())
    } else {
        Err(cx.invalid(&path, format!("{name:?}"), ALLOWED))
    }
}

fn resolve_topic(raw: &RawScenario, cx: &Context<'_>) -> Result<Topic> {
    let base = FieldPath::root("topic");
    let Some(t) = &raw.topic else {
        return Err(cx.missing(&base, "a block with at least `partitions`"));
    };
    let p_parts = base.key("partitions");
    let partitions = match t.partitions {
        None => return Err(cx.missing(&p_parts, int_range(1, MAX_PARTITIONS))),
        Some(_) => cx.int(&p_parts, t.partitions, 1, 1, MAX_PARTITIONS)? as u32,
    };
    let p_keys = base.key("keys");
    let keys = match &t.keys {
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
    };
    let initial_backlog = cx.int(
        &base.key("initial_backlog"),
        t.initial_backlog,
        0,
        0,
        1_000_000_000_000,
    )? as u64;
    Ok(Topic {
        partitions,
        keys,
        initial_backlog,
    })
}

fn resolve_producer(raw: &RawScenario, cx: &Context<'_>) -> Result<Producer> {
    let base = FieldPath::root("producer");
    let Some(p) = &raw.producer else {
        return Err(cx.missing(&base, "a block with at least `rate`"));
    };
    let arrivals = match p.arrivals {
        None | Some(RawArrivals::Poisson) => ArrivalProcess::Poisson,
        Some(RawArrivals::Deterministic) => ArrivalProcess::Deterministic,
    };
    let p_size = base.key("record_size");
    let record_size = match &p.record_size {
        None => RecordSize::Fixed(1024),
        Some(ScalarOr::Scalar(s)) => {
            RecordSize::Fixed(cx.check_size(&p_size, s, 1, MAX_PAYLOAD)?)
        }
        Some(ScalarOr::Tagged(RawRecordSizeTagged::Fixed(s))) => {
            RecordSize::Fixed(cx.check_size(&p_size.key("fixed"), s, 1, MAX_PAYLOAD)?)
        }
        Some(ScalarOr::Tagged(RawRecordSizeTagged::Lognormal { median, p99 })) => {
            let base = p_size.key("lognormal");
            let median_b = cx.check_size(&base.key("median"), median, 1, MAX_PAYLOAD)?;
            let p99_b = cx.check_size(&base.key("p99"), p99, 1, MAX_PAYLOAD)?;
            if p99_b <= median_b {
                return Err(cx.invalid(
                    &base.key("p99"),
                    format!("`{p99}` ({p99_b} bytes)"),
                    format!("greater than `median` (`{median}`, {median_b} bytes)"),
                ));
            }
            RecordSize::Lognormal {
                median: median_b,
                p99: p99_b,
            }
        }
    };
    let resolution = cx.duration(
        &base.key("resolution"),
        p.resolution.as_ref(),
        SimDuration::from_millis(100),
        SimDuration(1_000),
        SimDuration::from_secs(1),
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
            .map(|(i, shape)| resolve_shape(shape, &p_rate.index(i), cx))
            .collect::<Result<Vec<_>>>()?,
    };
    Ok(Producer {
        arrivals,
        record_size,
        rate,
        resolution,
    })
}

fn resolve_shape(shape: &RawRateShape, path: &FieldPath, cx: &Context<'_>) -> Result<RateShape> {
    const RATE: &str = "a rate (records/s): a finite number >= 0";
    const FINITE: &str = "a finite number of records/s";
    let pos = SimDuration(1);
    Ok(match shape {
        RawRateShape::Constant(r) => {
            RateShape::Constant(cx.check_float(&path.key("constant"), *r, |x| x >= 0.0, RATE)?)
        }
        RawRateShape::Step { at, rate } => {
            let base = path.key("step");
            RateShape::Step {
                at: cx.check_duration(&base.key("at"), at, SimDuration::ZERO, MAX_RUN)?,
                rate: cx.check_float(&base.key("rate"), *rate, |x| x >= 0.0, RATE)?,
            }
        }
        RawRateShape::Spike { at, duration, rate } => {
            let base = path.key("spike");
            RateShape::Spike {
                at: cx.check_duration(&base.key("at"), at, SimDuration::ZERO, MAX_RUN)?,
                duration: cx.check_duration(&base.key("duration"), duration, pos, MAX_RUN)?,
                rate: cx.check_float(&base.key("rate"), *rate, |x| x >= 0.0, RATE)?,
            }
        }
        RawRateShape::Ramp {
            start,
            end,
            from,
            to,
        } => {
            let base = path.key("ramp");
            let s = cx.check_duration(&base.key("start"), start, SimDuration::ZERO, MAX_RUN)?;
            let e = cx.check_duration(&base.key("end"), end, SimDuration::ZERO, MAX_RUN)?;
            if e <= s {
                return Err(cx.invalid(
                    &base.key("end"),
                    format!("`{end}`"),
                    format!("later than `start` (`{start}`)"),
                ));
            }
            RateShape::Ramp {
                start: s,
                end: e,
                from: cx.check_float(&base.key("from"), *from, |_| true, FINITE)?,
                to: cx.check_float(&base.key("to"), *to, |_| true, FINITE)?,
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
                amplitude: cx.check_float(&base.key("amplitude"), *amplitude, |_| true, FINITE)?,
                peak_at: match peak_at {
                    None => SimDuration::ZERO,
                    Some(d) => {
                        cx.check_duration(&base.key("peak_at"), d, SimDuration::ZERO, MAX_RUN)?
                    }
                },
            }
        }
        RawRateShape::Points(points) => {
            let base = path.key("points");
            if points.is_empty() {
                return Err(cx.invalid(
                    &base,
                    "an empty list",
                    "a non-empty list of `[time, rate]` pairs",
                ));
            }
            let mut out: Vec<(SimDuration, f64)> = Vec::with_capacity(points.len());
            for (i, RawPoint(t, r)) in points.iter().enumerate() {
                let p = base.index(i);
                let time = cx.check_duration(&p, t, SimDuration::ZERO, MAX_RUN)?;
                if let Some(&(prev, _)) = out.last()
                    && time <= prev
                {
                    return Err(cx.invalid(
                        &p,
                        format!("at `{t}`"),
                        format!(
                            "later than the previous point (`{prev}`): times must strictly increase"
                        ),
                    ));
                }
                let rate = cx.check_float(&p, *r, |x| x >= 0.0, RATE)?;
                out.push((time, rate));
            }
            RateShape::Points(out)
        }
        RawRateShape::Trace(t) => RateShape::Trace(resolve_trace(t, &path.key("trace"), cx)?),
    })
}

fn resolve_trace(t: &RawTrace, base: &FieldPath, cx: &Context<'_>) -> Result<Trace> {
    let scale = cx.float(&base.key("scale"), t.scale, 1.0, |x| x >= 0.0, NON_NEGATIVE)?;
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
    let bytes =
        std::fs::read(&file).map_err(|e| trace_err(format!("cannot read the file: {e}")))?;
    let sha256 = sha256_hex(&bytes);
    if let Some(expected) = &t.sha256
        && !expected.eq_ignore_ascii_case(&sha256)
    {
        return Err(cx.invalid(
            &base.key("sha256"),
            expected,
            format!("the SHA-256 of the file ({sha256}); the file changed since this was written, or remove `sha256`"),
        ));
    }
    let loaded = parse_trace(&bytes, scale).map_err(trace_err)?;
    Ok(Trace {
        file: t.file.clone(),
        scale,
        sha256,
        points: loaded.points,
    })
}

fn resolve_esm(raw: &RawScenario, cx: &Context<'_>, partitions: u32) -> Result<Esm> {
    let base = FieldPath::root("esm");
    let default = RawEsm::default();
    let e = raw.esm.as_ref().unwrap_or(&default);
    let batch_size = cx.int(&base.key("batch_size"), e.batch_size, 100, 1, 10_000)? as u32;
    let batching_window = cx.duration(
        &base.key("batching_window"),
        e.batching_window.as_ref(),
        SimDuration::from_millis(500),
        SimDuration::ZERO,
        SimDuration::from_secs(300),
    )?;
    let max_payload_bytes = cx.size(
        &base.key("max_payload"),
        e.max_payload.as_ref(),
        MAX_PAYLOAD,
        1024,
        MAX_PAYLOAD,
    )?;
    let payload_encoding_factor = cx.float(
        &base.key("payload_encoding_factor"),
        e.payload_encoding_factor,
        4.0 / 3.0,
        |x| (1.0..=4.0).contains(&x),
        "a number from 1 to 4",
    )?;
    let record_overhead_bytes = cx.size(
        &base.key("record_overhead"),
        e.record_overhead.as_ref(),
        200,
        0,
        1024 * 1024,
    )?;
    let rebalance_pause = cx.duration(
        &base.key("rebalance_pause"),
        e.rebalance_pause.as_ref(),
        SimDuration::from_secs(5),
        SimDuration::ZERO,
        SimDuration::from_secs(600),
    )?;
    let p_poller = base.key("poller");
    let poller_default = RawPoller::default();
    let pl = e.poller.as_ref().unwrap_or(&poller_default);
    let poller = PollerLimits {
        max_bytes_per_s: cx.size(
            &p_poller.key("max_bytes_per_s"),
            pl.max_bytes_per_s.as_ref(),
            5_000_000,
            1,
            u64::MAX,
        )?,
        max_concurrent_invokes: cx.int(
            &p_poller.key("max_concurrent_invokes"),
            pl.max_concurrent_invokes,
            5,
            1,
            100,
        )? as u32,
    };
    let scaler = resolve_scaler(
        e.scaler.as_ref(),
        &base.key("scaler"),
        cx,
        partitions,
        batch_size,
    )?;
    Ok(Esm {
        batch_size,
        batching_window,
        max_payload_bytes,
        payload_encoding_factor,
        record_overhead_bytes,
        poller,
        scaler,
        rebalance_pause,
    })
}

fn resolve_scaler(
    raw: Option<&RawScaler>,
    base: &FieldPath,
    cx: &Context<'_>,
    partitions: u32,
    batch_size: u32,
) -> Result<Scaler> {
    let default = RawScaler::default();
    let s = raw.unwrap_or(&default);
    let policy = s.policy.unwrap_or(RawPolicy::Aws);
    if policy == RawPolicy::Fixed {
        let aws_only = [
            ("initial_pollers", s.initial_pollers.is_some()),
            ("max_pollers", s.max_pollers.is_some()),
            ("evaluation_interval", s.evaluation_interval.is_some()),
            ("actuation_delay", s.actuation_delay.is_some()),
            ("scale_out", s.scale_out.is_some()),
            ("scale_in", s.scale_in.is_some()),
        ];
        if let Some((key, _)) = aws_only.iter().find(|(_, given)| *given) {
            return Err(cx.not_applicable(
                &base.key(key),
                "is only valid with `policy: aws` (the policy here is `fixed`; use `pollers` to set the poller count)",
            ));
        }
        let p = base.key("pollers");
        let pollers = match s.pollers {
            None => {
                return Err(cx.missing(
                    &p,
                    format!("(with `policy: fixed`) the poller count, an integer from 1 to `topic.partitions` ({partitions})"),
                ));
            }
            Some(n) if (1..=i64::from(partitions)).contains(&n) => n as u32,
            Some(n) => {
                return Err(cx.invalid(
                    &p,
                    n,
                    format!("an integer from 1 to `topic.partitions` ({partitions}): a poller without a partition would idle"),
                ));
            }
        };
        return Ok(Scaler::Fixed { pollers });
    }

    if s.pollers.is_some() {
        return Err(cx.not_applicable(
            &base.key("pollers"),
            "is only valid with `policy: fixed` (the policy here is `aws`, the default; for a fixed count add `policy: fixed`, to bound the aws scaler use `max_pollers`)",
        ));
    }
    // A max_pollers above the partition count is capped, as AWS does.
    let max_pollers = cx
        .int(
            &base.key("max_pollers"),
            s.max_pollers,
            i64::from(partitions),
            1,
            i64::MAX,
        )?
        .min(i64::from(partitions)) as u32;
    let p_initial = base.key("initial_pollers");
    let initial_pollers = cx.int(&p_initial, s.initial_pollers, 1, 1, i64::MAX)?;
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
        &base.key("evaluation_interval"),
        s.evaluation_interval.as_ref(),
        SimDuration::from_secs(60),
        SimDuration::from_secs(1),
        SimDuration::from_secs(3600),
    )?;
    let p_delay = base.key("actuation_delay");
    let hour = SimDuration::from_secs(3600);
    let actuation_delay = match &s.actuation_delay {
        None => DelayDistribution::Fixed(SimDuration::from_secs(180)),
        Some(ScalarOr::Scalar(d)) => {
            DelayDistribution::Fixed(cx.check_duration(&p_delay, d, SimDuration::ZERO, hour)?)
        }
        Some(ScalarOr::Tagged(RawDelayTagged::Fixed(d))) => DelayDistribution::Fixed(
            cx.check_duration(&p_delay.key("fixed"), d, SimDuration::ZERO, hour)?,
        ),
        Some(ScalarOr::Tagged(RawDelayTagged::Uniform(lo, hi))) => {
            let p = p_delay.key("uniform");
            let l = cx.check_duration(&p.index(0), lo, SimDuration::ZERO, hour)?;
            let h = cx.check_duration(&p.index(1), hi, SimDuration::ZERO, hour)?;
            if h < l {
                return Err(cx.invalid(
                    &p,
                    format!("[{lo}, {hi}]"),
                    "a pair `[low, high]` with low <= high",
                ));
            }
            DelayDistribution::Uniform(l, h)
        }
    };

    let p_out = base.key("scale_out");
    let out_default = RawScaleOut::default();
    let so = s.scale_out.as_ref().unwrap_or(&out_default);
    let p_step = p_out.key("step");
    let step = match &so.step {
        None | Some(RawScaleStep::Double) => ScaleStep::Double,
        Some(RawScaleStep::ToMax) => ScaleStep::ToMax,
        Some(RawScaleStep::Add(n)) => ScaleStep::Add(cx.int(
            &p_step.key("add"),
            Some(*n),
            1,
            1,
            i64::from(MAX_PARTITIONS as u32),
        )? as u32),
        Some(RawScaleStep::Multiply(f)) => ScaleStep::Multiply(cx.check_float(
            &p_step.key("multiply"),
            *f,
            |x| x > 1.0,
            "a finite factor > 1",
        )?),
    };
    let default_min_lag = u64::from(batch_size) * u64::from(partitions);
    let min_lag = cx.int(
        &p_out.key("min_lag"),
        so.min_lag,
        default_min_lag as i64,
        0,
        i64::MAX,
    )? as u64;

    let p_in = base.key("scale_in");
    let in_default = RawScaleIn::default();
    let si = s.scale_in.as_ref().unwrap_or(&in_default);
    let scale_in = ScaleIn {
        cooldown: cx.duration(
            &p_in.key("cooldown"),
            si.cooldown.as_ref(),
            SimDuration::from_secs(600),
            SimDuration::ZERO,
            MAX_RUN,
        )?,
        after_evaluations: cx.int(
            &p_in.key("after_evaluations"),
            si.after_evaluations,
            3,
            1,
            10_000,
        )? as u32,
        max_lag: cx.int(
            &p_in.key("max_lag"),
            si.max_lag,
            min_lag as i64,
            0,
            i64::MAX,
        )? as u64,
    };
    Ok(Scaler::Aws(AwsScaler {
        initial_pollers: initial_pollers as u32,
        max_pollers,
        evaluation_interval,
        actuation_delay,
        scale_out: ScaleOut { step, min_lag },
        scale_in,
    }))
}

fn resolve_function(raw: &RawScenario, cx: &Context<'_>) -> Result<Function> {
    let base = FieldPath::root("function");
    let Some(f) = &raw.function else {
        return Err(cx.missing(
            &base,
            "a block with at least `duration` (the handler time model)",
        ));
    };
    let memory = cx.int(&base.key("memory"), f.memory, DEFAULT_MEMORY, 128, 10_240)? as u32;
    let architecture = match f.architecture {
        None | Some(RawArchitecture::X86_64) => Architecture::X86_64,
        Some(RawArchitecture::Arm64) => Architecture::Arm64,
    };
    let timeout = cx.duration(
        &base.key("timeout"),
        f.timeout.as_ref(),
        SimDuration::from_secs(3),
        SimDuration::from_millis(1),
        SimDuration::from_secs(840),
    )?;
    let p_dur = base.key("duration");
    let Some(d) = &f.duration else {
        return Err(cx.missing(
            &p_dur,
            "a block with at least one of `per_batch`, `per_record`, `per_kib` (e.g. `{per_batch: 20ms, per_record: 0.5ms}`)",
        ));
    };
    let reference_memory = cx.int(
        &p_dur.key("reference_memory"),
        d.reference_memory,
        i64::from(memory),
        128,
        10_240,
    )? as u32;
    let any = |key: &str, v: Option<&DurationValue>| {
        cx.duration(
            &p_dur.key(key),
            v,
            SimDuration::ZERO,
            SimDuration::ZERO,
            MAX_RUN,
        )
    };
    let per_batch = any("per_batch", d.per_batch.as_ref())?;
    let per_record = any("per_record", d.per_record.as_ref())?;
    let per_kib = any("per_kib", d.per_kib.as_ref())?;
    if per_batch == SimDuration::ZERO
        && per_record == SimDuration::ZERO
        && per_kib == SimDuration::ZERO
    {
        return Err(cx.invalid(
            &p_dur,
            "a model where `per_batch`, `per_record` and `per_kib` are all 0",
            "a model where at least one of them is > 0 (an invocation cannot take no time)",
        ));
    }
    let cpu_bound = cx.float(
        &p_dur.key("cpu_bound"),
        d.cpu_bound,
        0.0,
        |x| (0.0..=1.0).contains(&x),
        "a share from 0 to 1",
    )?;
    let threads = cx.int(&p_dur.key("threads"), d.threads, 1, 1, 6)? as u32;
    let jitter = match &d.jitter {
        None | Some(RawJitter::Fixed) => Jitter::Fixed,
        Some(RawJitter::Exponential) => Jitter::Exponential,
        Some(RawJitter::Lognormal { sigma }) => Jitter::Lognormal {
            sigma: cx.check_float(
                &p_dur.key("jitter").key("lognormal").key("sigma"),
                *sigma,
                |x| (0.0..=3.0).contains(&x),
                "a number from 0 to 3",
            )?,
        },
    };
    Ok(Function {
        memory,
        architecture,
        timeout,
        duration: DurationModel {
            reference_memory,
            per_batch,
            per_record,
            per_kib,
            cpu_bound,
            threads,
            jitter,
        },
    })
}

/// The default price table: us-east-1.
pub fn default_pricing() -> Pricing {
    let tier = |up_to: Option<f64>, usd: f64| PriceTier {
        up_to_gb_s: up_to,
        usd_per_gb_s: usd,
    };
    Pricing {
        request_per_million: 0.20,
        x86_64: vec![
            tier(Some(6_000_000_000.0), 0.0000166667),
            tier(Some(15_000_000_000.0), 0.000015),
            tier(None, 0.0000133334),
        ],
        arm64: vec![
            tier(Some(7_500_000_000.0), 0.0000133334),
            tier(Some(18_750_000_000.0), 0.0000120001),
            tier(None, 0.0000106667),
        ],
        month_to_date_gb_s: 0.0,
    }
}

fn resolve_pricing(raw: &RawScenario, cx: &Context<'_>) -> Result<Pricing> {
    let base = FieldPath::root("pricing");
    let defaults = default_pricing();
    let Some(p) = &raw.pricing else {
        return Ok(defaults);
    };
    let request_per_million = cx.float(
        &base.key("request_per_million"),
        p.request_per_million,
        defaults.request_per_million,
        |x| x >= 0.0,
        "a price in USD >= 0",
    )?;
    let x86_64 = match &p.x86_64 {
        None => defaults.x86_64,
        Some(t) => resolve_tiers(t, &base.key("x86_64"), cx)?,
    };
    let arm64 = match &p.arm64 {
        None => defaults.arm64,
        Some(t) => resolve_tiers(t, &base.key("arm64"), cx)?,
    };
    let month_to_date_gb_s = cx.float(
        &base.key("month_to_date_gb_s"),
        p.month_to_date_gb_s,
        0.0,
        |x| x >= 0.0,
        NON_NEGATIVE,
    )?;
    Ok(Pricing {
        request_per_million,
        x86_64,
        arm64,
        month_to_date_gb_s,
    })
}

fn resolve_tiers(
    tiers: &[RawPriceTier],
    base: &FieldPath,
    cx: &Context<'_>,
) -> Result<Vec<PriceTier>> {
    if tiers.is_empty() {
        return Err(cx.invalid(
            base,
            "an empty list",
            "a non-empty list of tiers `{up_to_gb_s, usd_per_gb_s}`, the last without `up_to_gb_s`",
        ));
    }
    let mut out = Vec::with_capacity(tiers.len());
    let mut prev_up_to: Option<f64> = None;
    for (i, t) in tiers.iter().enumerate() {
        let p = base.index(i);
        let last = i + 1 == tiers.len();
        let usd = match t.usd_per_gb_s {
            None => {
                return Err(cx.missing(
                    &p.key("usd_per_gb_s"),
                    "the price in USD per GB-second, >= 0",
                ));
            }
            Some(x) => cx.check_float(
                &p.key("usd_per_gb_s"),
                x,
                |x| x >= 0.0,
                "a price in USD >= 0",
            )?,
        };
        let up_to = match (t.up_to_gb_s, last) {
            (Some(x), true) => {
                return Err(cx.invalid(
                    &p.key("up_to_gb_s"),
                    x,
                    "absent: the last tier has no upper bound",
                ));
            }
            (None, true) => None,
            (None, false) => {
                return Err(cx.missing(
                    &p.key("up_to_gb_s"),
                    "the tier's upper bound in GB-s (every tier but the last has one)",
                ));
            }
            (Some(x), false) => {
                let after = prev_up_to.unwrap_or(0.0);
                if !(x.is_finite() && x > after) {
                    let allowed = match prev_up_to {
                        Some(prev) => format!(
                            "a number greater than the previous tier's `up_to_gb_s` ({prev})"
                        ),
                        None => "a finite number > 0".to_string(),
                    };
                    return Err(cx.invalid(&p.key("up_to_gb_s"), x, allowed));
                }
                prev_up_to = Some(x);
                Some(x)
            }
        };
        out.push(PriceTier {
            up_to_gb_s: up_to,
            usd_per_gb_s: usd,
        });
    }
    Ok(out)
}
