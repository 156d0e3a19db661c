//! CloudWatch exports → the producer's rate (a `trace`) and the handler time (a duration
//! model), read with [`crate::calibrate::observed::parse_any`].
//!
//! **Rate.** One series. Its unit is `--rate-unit`, else read from its label (or id):
//! `bytes` in it means bytes, `PerSec` a per-second rate (MSK `MessagesInPerSec` and
//! `BytesInPerSec`, exported with `Average`), otherwise a count per period (a `Sum`).
//! Each datapoint becomes one trace row, `value` = the count over its period (a
//! per-second value × the period); bytes are turned into records by the trace's `scale`
//! = 1 / record size. `start_at` is the first timestamp, `duration` the periods covered.
//!
//! **Duration.** Series of Lambda's `Duration` (ms) whose label or id says the statistic:
//! `p50`, `p99`, `avg`/`average`/`mean` (a single series with none is taken as the
//! average). Each statistic is averaged over its periods. With p50 and p99, the handler
//! time is lognormal through them: σ = ln(p99 / p50) / 2.3263, `per_batch` = the mean
//! p50 · e^(σ²/2) and `jitter: {lognormal: {sigma: σ}}` (mean 1); else `per_batch` is
//! the average (or the p50), with no jitter.

use crate::calibrate::observed::{AnySeries, format_timestamp, parse_any};
use crate::scenario::units::parse_size;

use super::{Draft, ImportError, Input, Options, RateUnit, Section, seconds_text};

/// The z-score of the 99th percentile of a standard normal.
const Z_P99: f64 = 2.3263;

/// The largest jitter σ a scenario accepts.
const MAX_SIGMA: f64 = 3.0;

/// The unit of a rate series from its label or id.
pub fn rate_unit(series: &AnySeries) -> RateUnit {
    let text = format!("{} {}", series.label, series.id).to_ascii_lowercase();
    match (text.contains("bytes"), text.contains("persec")) {
        (true, true) => RateUnit::BytesPerSec,
        (true, false) => RateUnit::Bytes,
        (false, true) => RateUnit::RecordsPerSec,
        (false, false) => RateUnit::Records,
    }
}

/// `x` with at most 6 decimals, without trailing zeros.
fn number(x: f64) -> String {
    let rounded = (x * 1e6).round() / 1e6;
    format!("{rounded}")
}

/// Writes `producer` (record size and rate) and, with a rate export, `start_at`,
/// `duration` and the trace CSV.
pub(crate) fn producer(
    rate: Option<&Input>,
    options: &Options,
    draft: &mut Draft,
) -> Result<(), ImportError> {
    let record_bytes = match &options.record_size {
        Some(text) => {
            let bytes = parse_size(text).map_err(|message| ImportError::Flag {
                flag: "--record-size",
                message: format!("'{text}': {message}"),
            })?;
            draft.line(
                Section::Producer,
                0,
                &format!("record_size: {text}"),
                "--record-size",
            );
            Some(bytes)
        }
        None => {
            let v = draft.placeholder(
                "producer.record_size",
                "the size of one record (key + value); AWS does not report it: MSK BytesInPerSec / MessagesInPerSec, or import again with --record-size SIZE",
            );
            draft.line(
                Section::Producer,
                0,
                &format!("record_size: {v}"),
                "PLACEHOLDER",
            );
            None
        }
    };
    if let Some(input) = rate {
        if options.rate_constant.is_some() {
            return Err(ImportError::Flag {
                flag: "--rate-constant",
                message: "give either --rate FILE or --rate-constant N, not both".to_string(),
            });
        }
        draft.line(
            Section::Producer,
            0,
            "rate:",
            "records/s for the whole topic",
        );
        return rate_trace(input, options, record_bytes, draft);
    }
    if let Some(d) = &options.duration {
        draft.duration = Some((d.clone(), "--duration".to_string()));
    }
    match options.rate_constant {
        Some(r) => {
            draft.line(
                Section::Producer,
                0,
                "rate:",
                "records/s for the whole topic",
            );
            draft.line(
                Section::Producer,
                1,
                &format!("- constant: {}", number(r)),
                "--rate-constant",
            );
        }
        None => {
            let v = draft.placeholder(
                "producer.rate",
                "the producer's rate, a list of rate shapes in records/s (e.g. [{constant: 5000}]); import again with --rate FILE (a CloudWatch export of MessagesInPerSec) or --rate-constant N",
            );
            draft.line(Section::Producer, 0, &format!("rate: {v}"), "PLACEHOLDER");
        }
    }
    Ok(())
}

fn rate_trace(
    input: &Input,
    options: &Options,
    record_bytes: Option<u64>,
    draft: &mut Draft,
) -> Result<(), ImportError> {
    let bad = |message: String| ImportError::Series {
        file: input.file.clone(),
        message,
    };
    let series = parse_any(&input.file, &input.text)?;
    let [one] = series.as_slice() else {
        return Err(bad(format!(
            "expected one series (the producer's rate), found {}: {}",
            series.len(),
            series
                .iter()
                .map(|s| format!("'{}'", s.name()))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    let Some(period) = one.period_s.filter(|_| one.points.len() >= 2) else {
        return Err(bad(format!(
            "series '{}' needs at least 2 datapoints to make a trace",
            one.name()
        )));
    };
    let unit = options.rate_unit.unwrap_or_else(|| rate_unit(one));
    let per_second = matches!(unit, RateUnit::RecordsPerSec | RateUnit::BytesPerSec);
    let bytes = matches!(unit, RateUnit::Bytes | RateUnit::BytesPerSec);
    let mut csv = String::from("timestamp,value\n");
    for &(t, v) in &one.points {
        let count = if per_second { v * period as f64 } else { v };
        let when = format_timestamp(t);
        let when = when.trim_end_matches("+00:00").replacen('T', " ", 1);
        csv.push_str(&format!("{when},{}\n", number(count.max(0.0))));
    }
    let unit_text = match unit {
        RateUnit::Records => "records per period",
        RateUnit::RecordsPerSec => "records/s",
        RateUnit::Bytes => "bytes per period",
        RateUnit::BytesPerSec => "bytes/s",
    };
    let how = if per_second {
        format!("{unit_text} x {period} s per row")
    } else {
        unit_text.to_string()
    };
    let entry = if bytes {
        let Some(size) = record_bytes else {
            return Err(ImportError::Flag {
                flag: "--record-size",
                message: format!(
                    "series '{}' of {} counts bytes ({unit_text}); turning it into records needs --record-size SIZE",
                    one.name(),
                    input.file
                ),
            });
        };
        format!(
            "- trace: {{file: {}, scale: {}}}",
            options.trace_file,
            1.0 / size as f64
        )
    } else {
        format!("- trace: {{file: {}}}", options.trace_file)
    };
    let scale_note = if bytes {
        "; scale = 1 / record size"
    } else {
        ""
    };
    draft.line(
        Section::Producer,
        1,
        &entry,
        &format!("{} of {} ({how}{scale_note})", one.name(), input.file),
    );
    let first = one.points[0].0;
    draft.start_at = Some(format_timestamp(first).replace("+00:00", "Z"));
    draft.duration = Some((
        seconds_text(one.points.len() as i64 * period),
        format!(
            "the {} periods of {period} s of the rate export",
            one.points.len()
        ),
    ));
    draft.trace = Some(csv);
    Ok(())
}

/// A statistic of `Duration`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stat {
    P50,
    P99,
    Average,
}

fn stat_of(series: &AnySeries, only: bool) -> Option<Stat> {
    let text = format!("{} {}", series.label, series.id).to_ascii_lowercase();
    if text.contains("p99") {
        Some(Stat::P99)
    } else if text.contains("p50") || text.contains("median") {
        Some(Stat::P50)
    } else if text.contains("avg") || text.contains("average") || text.contains("mean") || only {
        Some(Stat::Average)
    } else {
        None
    }
}

/// A duration text in ms with at most 3 decimals: `84.213ms`.
fn millis(ms: f64) -> String {
    format!("{}ms", (ms * 1000.0).round() / 1000.0)
}

/// Writes `function.duration` from a `Duration` export, or a placeholder without one.
pub(crate) fn duration_model(input: Option<&Input>, draft: &mut Draft) -> Result<(), ImportError> {
    draft.line(Section::Function, 0, "duration:", "");
    let Some(input) = input else {
        let v = draft.placeholder(
            "function.duration.per_batch",
            "the handler time of one invocation; import again with --duration-metric FILE (a CloudWatch export of Lambda Duration p50 and p99), or measure per_batch/per_record",
        );
        draft.line(
            Section::Function,
            1,
            &format!("per_batch: {v}"),
            "PLACEHOLDER",
        );
        return Ok(());
    };
    let bad = |message: String| ImportError::Series {
        file: input.file.clone(),
        message,
    };
    let series = parse_any(&input.file, &input.text)?;
    let only = series.len() == 1;
    let mut means: Vec<(Stat, f64)> = Vec::new();
    for s in &series {
        let stat = stat_of(s, only).ok_or_else(|| {
            bad(format!(
                "cannot tell the statistic of series '{}'; put p50, p99 or avg in its Id or Label",
                s.name()
            ))
        })?;
        if means.iter().any(|m| m.0 == stat) {
            return Err(bad(format!(
                "two series of the statistic of '{}'",
                s.name()
            )));
        }
        if s.points.is_empty() {
            return Err(bad(format!("series '{}' has no datapoints", s.name())));
        }
        let mean = s.points.iter().map(|p| p.1).sum::<f64>() / s.points.len() as f64;
        means.push((stat, mean));
    }
    let get = |stat| means.iter().find(|m| m.0 == stat).map(|m| m.1);
    let (per_batch, jitter, why) = match (get(Stat::P50), get(Stat::P99), get(Stat::Average)) {
        (Some(p50), Some(p99), _) if p99 > p50 && p50 > 0.0 => {
            let sigma = ((p99 / p50).ln() / Z_P99).min(MAX_SIGMA);
            let sigma = (sigma * 1e4).round() / 1e4;
            let mean = p50 * (sigma * sigma / 2.0).exp();
            (
                mean,
                Some(sigma),
                format!(
                    "Duration: lognormal through p50 {} and p99 {}; per_batch is its mean",
                    millis(p50),
                    millis(p99)
                ),
            )
        }
        (_, _, Some(avg)) => (avg, None, "Duration Average".to_string()),
        (Some(p50), _, None) => (p50, None, "Duration p50".to_string()),
        _ => {
            return Err(bad(
                "needs Duration p50 and p99 (p99 above p50), or its average".to_string(),
            ));
        }
    };
    draft.line(
        Section::Function,
        1,
        &format!("per_batch: {}", millis(per_batch)),
        &format!(
            "{why} (mean of each statistic over the periods of {})",
            input.file
        ),
    );
    if let Some(sigma) = jitter {
        draft.line(
            Section::Function,
            1,
            &format!("jitter: {{lognormal: {{sigma: {sigma}}}}}"),
            "sigma = ln(p99 / p50) / 2.3263",
        );
    }
    draft.line(
        Section::Function,
        1,
        "cpu_bound: 0",
        "unknown: the whole time is taken as I/O (more memory does not speed it up)",
    );
    Ok(())
}
