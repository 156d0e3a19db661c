//! Raw scenario → validated [`Scenario`]: the shared machinery of resolution and the
//! top-level fields.
//!
//! `Context` knows where every value came from (a line of the file or a `--set`) and
//! builds the errors; its checkers (`int`, `duration`, `size`, ...) fill a default when a
//! value is absent and check its range otherwise. Each section module (`topic`,
//! `producer`, `esm`, `function`, `pricing`, `slo`, `outputs`, and the scaler policies)
//! resolves its own block with them.
//!
//! Defaults that depend on other fields:
//! - `sample_interval`: 1 s, or the run duration if that is shorter;
//! - `esm.scaler.max_pollers`: the partition count. A larger value is **capped** at the
//!   partition count, as AWS does (a poller without a partition would idle); it is not an
//!   error. (With `policy: fixed`, `pollers` above the partition count *is* an error.)
//! - `esm.scaler.scale_out.min_lag`: `batch_size × partitions`;
//! - `esm.scaler.scale_in.max_lag`: `scale_out.min_lag`;
//! - `function.duration.reference_memory`: the function's memory as written in the file
//!   (pinned when the file is parsed, before `--set` overrides, so overriding
//!   `function.memory` means "the same handler with more memory").
//!
//! Resolution does no file IO: trace files come from the [`TraceSource`] it is handed.

use std::fmt::Display;
use std::path::Path;

use super::clock::{Clock, START_AT_ALLOWED};
use super::error::{ScenarioError, ValueSource};
use super::locate::{FieldPath, locate};
use super::raw::RawScenario;
use super::traces::{FileTraces, TraceSource};
use super::units::{DurationValue, SizeValue};
use super::{Scenario, esm, function, outputs, pricing, producer, slo, topic};
use crate::engine::time::SimDuration;

pub use super::function::DEFAULT_MEMORY;
pub use super::pricing::default_pricing;

/// Longest run a scenario may ask for.
pub const MAX_RUN: SimDuration = SimDuration::from_secs(366 * 86_400);
/// Largest partition count.
pub const MAX_PARTITIONS: i64 = 100_000;
/// The AWS payload limit of a synchronous invocation, 6 MiB (AWS fact).
pub const MAX_PAYLOAD: u64 = 6 * 1024 * 1024;
/// Master seed when the scenario gives none.
pub const DEFAULT_SEED: u64 = 1;
/// Width of one output row when the scenario gives none (capped at the run duration).
pub const DEFAULT_SAMPLE_INTERVAL: SimDuration = SimDuration::from_secs(1);

/// One `--set` override, for telling the user that a value came from it.
#[derive(Clone, Debug)]
pub(crate) struct AppliedOverride {
    /// The path segments as written (`producer`, `rate`, `0`).
    pub segments: Vec<String>,
    /// The whole `path=value` text.
    pub text: String,
}

/// Where values came from, for error messages, where relative files live, and the wall
/// clock that clock times resolve against.
#[derive(Clone, Copy)]
pub(crate) struct Context<'a> {
    /// The scenario text, to find lines.
    pub source: Option<&'a str>,
    /// Overrides applied on top of the text.
    pub overrides: &'a [AppliedOverride],
    /// Folder that relative trace files resolve against.
    pub base_dir: &'a Path,
    /// Where trace files are read from.
    pub traces: &'a dyn TraceSource,
    /// The wall clock of `start_at`, once resolved (`None` before, or without it).
    pub clock: Option<Clock>,
}

/// The result of resolving one value or block.
pub(crate) type Result<T> = std::result::Result<T, ScenarioError>;

/// What a finite number that must not be negative is called in errors.
pub(crate) const NON_NEGATIVE: &str = "a finite number >= 0";

impl Context<'_> {
    /// Where the value at `path` came from: the last `--set` that covers it, else its line.
    pub(crate) fn source_of(&self, path: &FieldPath) -> ValueSource {
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

    /// The error for a value outside what is allowed.
    pub(crate) fn invalid(
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

    /// The error for a required value that is absent.
    pub(crate) fn missing(&self, path: &FieldPath, expected: impl Into<String>) -> ScenarioError {
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

    /// An integer in `lo..=hi`, or the default when absent.
    pub(crate) fn int(
        &self,
        path: &FieldPath,
        v: Option<i64>,
        default: i64,
        lo: i64,
        hi: i64,
    ) -> Result<i64> {
        match v {
            None => Ok(default),
            Some(x) if (lo..=hi).contains(&x) => Ok(x),
            Some(x) => Err(self.invalid(path, x, int_range(lo, hi))),
        }
    }

    /// A finite float accepted by `ok`, or the default when absent.
    pub(crate) fn float(
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

    /// A finite float accepted by `ok`.
    pub(crate) fn check_float(
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
    pub(crate) fn duration(
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

    /// A duration in `lo..=hi`.
    pub(crate) fn check_duration(
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
    pub(crate) fn size(
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

    /// A size in `lo..=hi` bytes.
    pub(crate) fn check_size(
        &self,
        path: &FieldPath,
        s: &SizeValue,
        lo: u64,
        hi: u64,
    ) -> Result<u64> {
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

/// What an integer range is called in errors.
pub(crate) fn int_range(lo: i64, hi: i64) -> String {
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

/// Resolves a raw scenario with no source text (errors carry no line numbers), reading
/// trace files relative to `base_dir`.
pub fn resolve(raw: &RawScenario, base_dir: &Path) -> Result<Scenario> {
    resolve_with(
        raw,
        &Context {
            source: None,
            overrides: &[],
            base_dir,
            traces: &FileTraces::default(),
            clock: None,
        },
    )
}

pub(crate) fn resolve_with(raw: &RawScenario, cx: &Context<'_>) -> Result<Scenario> {
    let name = resolve_name(raw, cx)?;
    let seed = raw.seed.unwrap_or(DEFAULT_SEED);
    let start_at = resolve_start_at(raw, cx)?;
    let cx = &Context {
        clock: start_at,
        ..*cx
    };

    let p_duration = FieldPath::root("duration");
    let duration = match &raw.duration {
        None => return Err(cx.missing(&p_duration, "a duration such as `2h` (at most 366 days)")),
        Some(d) => cx.check_duration(&p_duration, d, SimDuration::from_millis(1), MAX_RUN)?,
    };
    let sample_interval = cx.duration(
        &FieldPath::root("sample_interval"),
        raw.sample_interval.as_ref(),
        DEFAULT_SAMPLE_INTERVAL.min(duration),
        SimDuration::from_millis(1),
        duration,
    )?;

    let topic = topic::resolve(raw.topic.as_ref(), cx)?;
    let producer = producer::resolve(raw.producer.as_ref(), cx)?;
    let events: Vec<String> = producer
        .rate
        .iter()
        .filter_map(|s| s.event_name().map(str::to_string))
        .collect();
    let slo_cx = slo::SloContext {
        has_clock: start_at.is_some(),
        events: &events,
    };
    Ok(Scenario {
        name,
        seed,
        start_at,
        duration,
        sample_interval,
        producer,
        esm: esm::resolve(raw.esm.as_ref(), cx, topic.partitions)?,
        function: function::resolve(raw.function.as_ref(), cx, topic.partitions)?,
        pricing: pricing::resolve(raw.pricing.as_ref(), cx)?,
        slo: slo::resolve(raw.slo.as_ref(), cx, &slo_cx)?,
        outputs: outputs::resolve(raw.outputs.as_ref()),
        topic,
    })
}

fn resolve_start_at(raw: &RawScenario, cx: &Context<'_>) -> Result<Option<Clock>> {
    let Some(text) = &raw.start_at else {
        return Ok(None);
    };
    match Clock::parse(text) {
        Some(clock) => Ok(Some(clock)),
        None => Err(cx.invalid(
            &FieldPath::root("start_at"),
            format!("{text:?}"),
            START_AT_ALLOWED,
        )),
    }
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
