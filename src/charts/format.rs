//! Human-readable numbers for axes and titles: `12k`, `1.2M`, `$0.0042`, time in the unit
//! that suits the span (s, min, h, d).

/// A unit of time used on an axis: how many seconds it holds and its short name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TimeUnit {
    /// Seconds per unit.
    pub(crate) seconds: f64,
    /// Short name shown in axis labels, e.g. `min`.
    pub(crate) label: &'static str,
}

const MS: TimeUnit = TimeUnit {
    seconds: 0.001,
    label: "ms",
};
const S: TimeUnit = TimeUnit {
    seconds: 1.0,
    label: "s",
};
const MIN: TimeUnit = TimeUnit {
    seconds: 60.0,
    label: "min",
};
const H: TimeUnit = TimeUnit {
    seconds: 3600.0,
    label: "h",
};
const D: TimeUnit = TimeUnit {
    seconds: 86_400.0,
    label: "d",
};

/// The unit for a time axis spanning `span_s` seconds: seconds up to 3 min, minutes up to
/// 3 h, hours up to 3 days, then days.
pub(crate) fn time_axis_unit(span_s: f64) -> TimeUnit {
    if span_s <= 180.0 {
        S
    } else if span_s <= 3.0 * 3600.0 {
        MIN
    } else if span_s <= 3.0 * 86_400.0 {
        H
    } else {
        D
    }
}

/// The unit for a duration axis (age, latency) whose largest value is `max_s` seconds.
pub(crate) fn duration_unit(max_s: f64) -> TimeUnit {
    if max_s < 1.0 {
        MS
    } else if max_s < 180.0 {
        S
    } else if max_s < 3.0 * 3600.0 {
        MIN
    } else {
        H
    }
}

/// Tick positions for a time axis in `unit`, covering `x0..=x1` (in that unit) with at
/// most `max_ticks` ticks at steps a reader expects: 1, 2, 5, 10, 15, 30 s or min; 1, 2, 3,
/// 6, 12 h; 1, 2, 7 days.
pub(crate) fn time_ticks(x0: f64, x1: f64, unit: TimeUnit, max_ticks: usize) -> Vec<f64> {
    let steps: &[f64] = match unit.label {
        "h" => &[0.25, 0.5, 1.0, 2.0, 3.0, 6.0, 12.0, 24.0, 48.0],
        "d" => &[1.0, 2.0, 7.0, 14.0, 28.0, 56.0, 112.0, 364.0],
        _ => &[0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0],
    };
    let span = x1 - x0;
    let max_ticks = max_ticks.max(2) as f64;
    let step = steps
        .iter()
        .copied()
        .find(|&st| span / st + 1.0 <= max_ticks)
        .unwrap_or_else(|| (span / (max_ticks - 1.0)).ceil());
    let first = (x0 / step).ceil() as i64;
    let last = (x1 / step + 1e-9).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// A plain number with as many decimals as its size needs, trailing zeros removed.
pub(crate) fn plain(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v.is_nan() { "–".into() } else { "0".into() };
    }
    let a = v.abs();
    let decimals = if a >= 100.0 {
        0
    } else if a >= 1.0 {
        2
    } else {
        ((-a.log10().floor()) as usize + 1).min(8)
    };
    let text = format!("{v:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    if text == "-0" { "0".into() } else { text }
}

/// `v` with four significant digits (`12.35`, `0.004200`, `123457`), for cells of a
/// heatmap.
pub(crate) fn four_significant_digits(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let digits = (3 - v.abs().log10().floor() as i32).clamp(0, 10) as usize;
    format!("{v:.digits$}")
}

/// A count with an SI suffix: `950`, `12k`, `1.2M`, `3.4G`.
pub(crate) fn count(v: f64) -> String {
    let a = v.abs();
    for (scale, suffix) in [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")] {
        if a >= scale {
            return format!("{}{suffix}", plain(v / scale));
        }
    }
    plain(v)
}

/// An amount in US dollars: `$0.0042`, `$12.5`, `$1.2k`.
pub(crate) fn usd(v: f64) -> String {
    if v.abs() >= 1000.0 {
        format!("${}", count(v))
    } else {
        format!("${}", plain(v))
    }
}

/// A duration in seconds for titles and legends: `850 ms`, `4.2 s`, `1 min`,
/// `3 min 30 s`, `2 h 5 min`.
pub(crate) fn duration(seconds: f64) -> String {
    let a = seconds.abs();
    if a < 1.0 && a > 0.0 {
        return format!("{} ms", plain(seconds * 1000.0));
    }
    if a < 60.0 {
        return format!("{} s", plain(seconds));
    }
    let sign = if seconds < 0.0 { "-" } else { "" };
    let total = a.round() as u64;
    let (big, small, big_unit, small_unit) = if total < 3600 {
        (total / 60, total % 60, "min", "s")
    } else if total < 86_400 {
        (total / 3600, (total % 3600) / 60, "h", "min")
    } else {
        (total / 86_400, (total % 86_400) / 3600, "d", "h")
    };
    if small == 0 {
        format!("{sign}{big} {big_unit}")
    } else {
        format!("{sign}{big} {big_unit} {small} {small_unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_use_si_suffixes() {
        assert_eq!(count(0.0), "0");
        assert_eq!(count(950.0), "950");
        assert_eq!(count(12_000.0), "12k");
        assert_eq!(count(1_200_000.0), "1.2M");
        assert_eq!(count(2_500.0), "2.5k");
        assert_eq!(count(0.5), "0.5");
    }

    #[test]
    fn four_significant_digits_whatever_the_size() {
        assert_eq!(four_significant_digits(12.3456), "12.35");
        assert_eq!(four_significant_digits(0.0042), "0.004200");
        assert_eq!(four_significant_digits(123_456.7), "123457");
        assert_eq!(four_significant_digits(0.0), "0");
    }

    #[test]
    fn money_and_durations() {
        assert_eq!(usd(0.0042), "$0.0042");
        assert_eq!(usd(12.5), "$12.5");
        assert_eq!(usd(1_234.0), "$1.23k");
        assert_eq!(duration(0.85), "850 ms");
        assert_eq!(duration(4.2), "4.2 s");
        assert_eq!(duration(210.0), "3 min 30 s");
        assert_eq!(duration(60.0), "1 min");
        assert_eq!(duration(7500.0), "2 h 5 min");
        assert_eq!(duration(0.0), "0 s");
    }

    #[test]
    fn time_ticks_use_familiar_steps() {
        assert_eq!(
            time_ticks(0.0, 24.0, H, 10),
            vec![0.0, 3.0, 6.0, 9.0, 12.0, 15.0, 18.0, 21.0, 24.0]
        );
        assert_eq!(
            time_ticks(0.0, 24.0, H, 6),
            vec![0.0, 6.0, 12.0, 18.0, 24.0]
        );
        assert_eq!(
            time_ticks(10.0, 12.0, MIN, 10),
            vec![10.0, 10.5, 11.0, 11.5, 12.0]
        );
        assert_eq!(
            time_ticks(0.0, 120.0, MIN, 10),
            vec![0.0, 15.0, 30.0, 45.0, 60.0, 75.0, 90.0, 105.0, 120.0]
        );
    }

    #[test]
    fn time_axis_picks_a_unit_from_the_span() {
        assert_eq!(time_axis_unit(120.0).label, "s");
        assert_eq!(time_axis_unit(3600.0).label, "min");
        assert_eq!(time_axis_unit(86_400.0).label, "h");
        assert_eq!(time_axis_unit(7.0 * 86_400.0).label, "d");
    }
}
