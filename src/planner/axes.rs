//! `--vary PATH=VALUES`: the values a planned field may take, and whether more of it can
//! only help (monotone capacity).
//!
//! # VALUES
//!
//! * a list `512,1024,2048` (commas inside `{}` or `[]` belong to a value, so
//!   `esm.scaler.scale_out.step=double,{add: 2}` is two values);
//! * an integer range `12..48`: every integer when there are at most
//!   [`MAX_ALL_INTEGERS`] of them, otherwise [`RANGE_POINTS`] points spaced
//!   geometrically (evenly when the range starts at 0 or spans less than a factor of 4),
//!   rounded and deduplicated, both ends included;
//! * an integer range with a step `12..48:6` (12, 18, …, 48; the upper end is added when
//!   the steps miss it);
//! * a duration range `0s..5s` (units `ms`, `s`, `m`, `h`): every whole second when there
//!   are at most [`MAX_ALL_INTEGERS`] of them, else [`RANGE_POINTS`] evenly spaced
//!   values; with a step `0s..5s:500ms`.
//!
//! # Monotone fields
//!
//! For the fields in [`MONOTONE`] more is assumed never to raise a record's age (more
//! partitions, pollers, processors, memory or bandwidth): a configuration that misses an
//! objective is taken to miss it with less of any of them, so those configurations are
//! not simulated. It does not always hold — with weighted keys the range assignor can give
//! one processor two hot partitions at some partition counts, and more pollers mean more
//! rebalance pauses — so the search simulates the chosen configuration's neighbours
//! (one step down and up on every axis) before it answers.

use serde::Serialize;

/// A range yields every integer when it holds at most this many.
pub const MAX_ALL_INTEGERS: usize = 16;
/// Points of a range that holds more than [`MAX_ALL_INTEGERS`] integers.
pub const RANGE_POINTS: usize = 9;
/// Most values one axis may take.
pub const MAX_VALUES: usize = 1000;

/// Fields for which more is assumed never to raise the age (see the module doc).
pub const MONOTONE: &[&str] = &[
    "topic.partitions",
    "function.memory",
    "esm.scaler.pollers",
    "esm.scaler.initial_pollers",
    "esm.scaler.max_pollers",
    "esm.provisioned.min_pollers",
    "esm.provisioned.max_pollers",
    "esm.poller.max_concurrent_invokes",
    "esm.poller.max_bytes_per_s",
];

/// One varied field.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Axis {
    /// The scenario path (`topic.partitions`).
    pub path: String,
    /// Its values as `--set` texts, ascending for a monotone axis.
    pub values: Vec<String>,
    /// Whether more never raises the age (listed in [`MONOTONE`], numeric values).
    pub monotone: bool,
}

/// A `--vary` text that cannot be used.
#[derive(Debug, PartialEq, thiserror::Error)]
#[error("--vary '{spec}': {message}")]
pub struct VaryError {
    /// The text (at most 120 characters of it).
    pub spec: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

/// Parses `PATH=VALUES` (see the module doc).
///
/// # Errors
///
/// [`VaryError`] naming the text and the forms allowed.
pub fn parse_axis(spec: &str) -> Result<Axis, VaryError> {
    let bad = |message: String| VaryError {
        spec: spec.chars().take(120).collect(),
        message,
    };
    let (path, text) = spec.split_once('=').ok_or_else(|| {
        bad("expected PATH=VALUES, e.g. topic.partitions=12..48 or function.memory=512,1024".into())
    })?;
    let path = path.trim().to_string();
    if path.is_empty() {
        return Err(bad("the path before `=` is empty".into()));
    }
    values_of(text)
        .and_then(|values| axis(&path, values))
        .map_err(bad)
}

/// The values of a VALUES text (see the module doc): a range or a list.
///
/// # Errors
///
/// What is wrong and the forms allowed.
pub fn values_of(text: &str) -> Result<Vec<String>, String> {
    let text = text.trim();
    if text.contains("..") && !text.starts_with(['{', '[']) {
        range(text)
    } else {
        list(text)
    }
}

/// The axis of `path` taking `values` (as `--set` texts): at most [`MAX_VALUES`] of
/// them, none twice; a monotone field's numbers sorted ascending.
///
/// # Errors
///
/// Too many values, or one listed twice.
pub fn axis(path: &str, values: Vec<String>) -> Result<Axis, String> {
    if values.len() > MAX_VALUES {
        return Err(format!(
            "{} values; at most {MAX_VALUES} per field",
            values.len()
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    if let Some(dup) = values.iter().find(|v| !seen.insert(v.as_str())) {
        return Err(format!("the value `{dup}` is listed twice"));
    }
    let numbers: Option<Vec<f64>> = values.iter().map(|v| number(v)).collect();
    let monotone = MONOTONE.contains(&path) && numbers.is_some();
    let values = match numbers {
        Some(n) if monotone => {
            let mut pairs: Vec<(f64, String)> = n.into_iter().zip(values).collect();
            pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
            pairs.into_iter().map(|p| p.1).collect()
        }
        _ => values,
    };
    Ok(Axis {
        path: path.to_string(),
        values,
        monotone,
    })
}

/// A value as a number: plain, or a size/duration with a unit, compared by its number
/// of base units (`5MB` = 5,000,000).
fn number(text: &str) -> Option<f64> {
    let t = text.trim();
    if let Ok(x) = t.parse::<f64>() {
        return x.is_finite().then_some(x);
    }
    if let Some(s) = seconds(t) {
        return Some(s);
    }
    let digits = t.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (n, unit) = t.split_at(digits);
    let factor = match unit.trim() {
        "B" => 1.0,
        "KB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        "KiB" => 1024.0,
        "MiB" => 1024.0 * 1024.0,
        "GiB" => 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    n.parse::<f64>().ok().map(|n| n * factor)
}

/// Splits a list on the commas outside `{}` and `[]`.
fn list(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let (mut depth, mut current) = (0i32, String::new());
    for c in text.chars() {
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' => depth -= 1,
            _ => {}
        }
        if c == ',' && depth == 0 {
            out.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    out.push(current);
    let out: Vec<String> = out.into_iter().map(|s| s.trim().to_string()).collect();
    if out.iter().any(String::is_empty) {
        return Err("an empty value; list values as a,b,c".into());
    }
    Ok(out)
}

/// Seconds in a duration text `500ms`, `5s`, `2m`, `1h`.
fn seconds(text: &str) -> Option<f64> {
    let t = text.trim();
    let (n, factor) = if let Some(n) = t.strip_suffix("ms") {
        (n, 1e-3)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 60.0)
    } else if let Some(n) = t.strip_suffix('h') {
        (n, 3600.0)
    } else {
        return None;
    };
    let n: f64 = n.trim().parse().ok()?;
    (n.is_finite() && n >= 0.0).then_some(n * factor)
}

/// A duration in seconds as a `--set` text: whole seconds as `Ns`, else milliseconds.
fn duration_text(s: f64) -> String {
    let ms = (s * 1000.0).round() as u64;
    if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

const RANGE_FORMS: &str = "a range is lo..hi or lo..hi:step with integers (12..48, 12..48:6) or durations (0s..5s, 0s..5s:500ms)";

/// The values of a range `lo..hi[:step]`.
fn range(text: &str) -> Result<Vec<String>, String> {
    let (bounds, step) = match text.split_once(':') {
        Some((b, s)) => (b, Some(s.trim())),
        None => (text, None),
    };
    let (lo, hi) = bounds.split_once("..").ok_or(RANGE_FORMS)?;
    let (lo, hi) = (lo.trim(), hi.trim());
    if let (Ok(lo), Ok(hi)) = (lo.parse::<i64>(), hi.parse::<i64>()) {
        if hi <= lo {
            return Err(format!("{lo}..{hi}: the upper end must be above the lower"));
        }
        let points: Vec<i64> = match step {
            Some(s) => {
                let s: i64 = s
                    .parse()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or("the step of an integer range is a positive integer")?;
                let count = (i128::from(hi) - i128::from(lo)) / i128::from(s) + 1;
                if count > MAX_VALUES as i128 {
                    return Err(format!("{count} values; at most {MAX_VALUES} per field"));
                }
                let mut v: Vec<i64> = (0..count as i64).map(|i| lo + i * s).collect();
                if v.last() != Some(&hi) {
                    v.push(hi);
                }
                v
            }
            None if i128::from(hi) - i128::from(lo) < MAX_ALL_INTEGERS as i128 => {
                (lo..=hi).collect()
            }
            None => spaced(lo as f64, hi as f64, RANGE_POINTS)
                .into_iter()
                .map(|x| x.round() as i64)
                .collect(),
        };
        let mut points = points;
        points.dedup();
        return Ok(points.into_iter().map(|v| v.to_string()).collect());
    }
    let (Some(lo), Some(hi)) = (seconds(lo), seconds(hi)) else {
        return Err(RANGE_FORMS.into());
    };
    if hi <= lo {
        return Err("the upper end of the range must be above the lower".into());
    }
    let points: Vec<f64> = match step {
        Some(s) => {
            let s = seconds(s)
                .filter(|s| *s > 0.0)
                .ok_or("the step of a duration range is a positive duration such as 500ms")?;
            let count = ((hi - lo) / s + 1e-9).floor() as usize + 1;
            if count > MAX_VALUES {
                return Err(format!("{count} values; at most {MAX_VALUES} per field"));
            }
            let mut v: Vec<f64> = (0..count).map(|i| lo + i as f64 * s).collect();
            if (v[v.len() - 1] - hi).abs() > 1e-9 {
                v.push(hi);
            }
            v
        }
        None if lo.fract() == 0.0 && hi.fract() == 0.0 && hi - lo < MAX_ALL_INTEGERS as f64 => {
            (lo as u64..=hi as u64).map(|s| s as f64).collect()
        }
        None => (0..RANGE_POINTS)
            .map(|i| lo + (hi - lo) * i as f64 / (RANGE_POINTS - 1) as f64)
            .collect(),
    };
    let mut texts: Vec<String> = points.into_iter().map(duration_text).collect();
    texts.dedup();
    Ok(texts)
}

/// `n` points from `lo` to `hi`: geometric when `lo > 0` and `hi / lo ≥ 4`, else even.
fn spaced(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let geometric = lo > 0.0 && hi / lo >= 4.0;
    (0..n)
        .map(|i| {
            let f = i as f64 / (n - 1) as f64;
            if geometric {
                (lo.ln() + f * (hi.ln() - lo.ln())).exp()
            } else {
                lo + f * (hi - lo)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(spec: &str) -> Vec<String> {
        parse_axis(spec).unwrap().values
    }

    #[test]
    fn lists_ranges_and_steps() {
        assert_eq!(values("function.memory=1024,512"), ["512", "1024"]);
        assert_eq!(values("esm.batch_size=500,100"), ["500", "100"]);
        assert_eq!(values("topic.partitions=2..5"), ["2", "3", "4", "5"]);
        assert_eq!(
            values("topic.partitions=12..48:12"),
            ["12", "24", "36", "48"]
        );
        assert_eq!(
            values("topic.partitions=12..40:12"),
            ["12", "24", "36", "40"]
        );
        assert_eq!(
            values("esm.batch_size=100..1000"),
            [
                "100", "133", "178", "237", "316", "422", "562", "750", "1000"
            ]
        );
        assert_eq!(
            values("esm.batching_window=0s..3s"),
            ["0s", "1s", "2s", "3s"]
        );
        assert_eq!(
            values("esm.batching_window=0s..1s:250ms"),
            ["0s", "250ms", "500ms", "750ms", "1s"]
        );
        assert_eq!(
            values("esm.scaler.scale_out.step=double,{add: 2}"),
            ["double", "{add: 2}"]
        );
    }

    #[test]
    fn monotone_only_for_listed_numeric_fields() {
        assert!(parse_axis("topic.partitions=1..3").unwrap().monotone);
        assert!(!parse_axis("esm.batch_size=1..3").unwrap().monotone);
        assert!(
            !parse_axis("esm.poller.max_concurrent_invokes=5,unlimited")
                .unwrap()
                .monotone
        );
        assert!(
            parse_axis("esm.poller.max_bytes_per_s=10MB,5MB")
                .unwrap()
                .monotone
        );
    }

    #[test]
    fn errors_name_the_text_and_the_forms() {
        let e = parse_axis("topic.partitions").unwrap_err();
        assert!(e.to_string().contains("expected PATH=VALUES"), "{e}");
        let e = parse_axis("topic.partitions=5..2").unwrap_err();
        assert!(e.to_string().contains("upper end"), "{e}");
        let e = parse_axis("topic.partitions=a..b").unwrap_err();
        assert!(e.to_string().contains("12..48:6"), "{e}");
        let e = parse_axis("topic.partitions=1,,2").unwrap_err();
        assert!(e.to_string().contains("empty value"), "{e}");
        let e = parse_axis("topic.partitions=1,1").unwrap_err();
        assert!(e.to_string().contains("twice"), "{e}");
        let e = parse_axis("topic.partitions=1..100000:1").unwrap_err();
        assert!(e.to_string().contains("at most 1000"), "{e}");
    }
}
