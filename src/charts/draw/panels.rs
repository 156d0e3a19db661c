//! What each chart shows: one function per panel, from the run's columns to the series,
//! markers and reference lines [`super::plot`] draws.

use std::borrow::Cow;

use super::{
    Band, Dash, Frame, HLine, Kind, Markers, Panel, Series, Shape, Stroke, YFormat, stroke,
};
use crate::charts::format;
use crate::charts::palette::{BLUE, GREEN, INK, ORANGE, PURPLE, VERMILLION};
use crate::metrics::bottleneck::Bottleneck;
use crate::model::scaler::Action;
use crate::output::columns::timeseries;
use plotters::style::RGBColor;

fn series<'a>(label: &str, ys: &'a [f64], stroke: Stroke) -> Series<'a> {
    Series {
        label: label.to_string(),
        ys: Cow::Borrowed(ys),
        stroke,
        kind: Kind::Line,
    }
}

fn visible_max(frame: &Frame<'_>, ys: &[f64]) -> f64 {
    ys[frame.i0..frame.i1.min(ys.len())]
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
}

/// Produced against committed records per second.
pub(super) fn throughput<'a>(frame: &Frame<'a>) -> Panel<'a> {
    let s = &frame.input.series;
    Panel {
        caption: "Throughput: produced vs committed".into(),
        y_desc: timeseries::PRODUCED_RECORDS_PER_S.unit.symbol().into(),
        y_format: YFormat::Count,
        series: vec![
            series(
                "produced",
                &s.produced_records_per_s,
                stroke(BLUE, 2, Dash::Solid),
            ),
            series(
                "committed",
                &s.committed_records_per_s,
                stroke(ORANGE, 3, Dash::Dashed),
            ),
        ],
        markers: vec![],
        bands: Vec::new(),
        hlines: vec![],
    }
}

/// Total and largest-partition offset lag.
pub(super) fn lag<'a>(frame: &Frame<'a>) -> Panel<'a> {
    let s = &frame.input.series;
    Panel {
        caption: "Offset lag".into(),
        y_desc: format!("lag ({})", timeseries::LAG_RECORDS.unit.symbol()),
        y_format: YFormat::Count,
        series: vec![
            Series {
                label: "total lag".into(),
                ys: Cow::Borrowed(&s.lag_records),
                stroke: stroke(BLUE, 2, Dash::Solid),
                kind: Kind::Area,
            },
            series(
                "max partition lag",
                &s.max_partition_lag_records,
                stroke(VERMILLION, 2, Dash::Dashed),
            ),
        ],
        markers: vec![],
        bands: bottleneck_bands(frame),
        hlines: limit_lines(frame, "max_lag", |v| {
            format!("{} records", format::count(v))
        }),
    }
}

/// Age of the oldest uncommitted record, with the SLO line.
pub(super) fn age<'a>(frame: &Frame<'a>) -> Panel<'a> {
    let s = &frame.input.series;
    let limits = limit_lines(frame, "max_age", format::duration);
    let max = limits
        .iter()
        .fold(visible_max(frame, &s.oldest_record_age_s), |m, l| {
            m.max(l.y)
        });
    let unit = format::duration_unit(max);
    Panel {
        caption: "Age of the oldest uncommitted record".into(),
        y_desc: format!("age ({})", unit.label),
        y_format: YFormat::Duration(unit),
        series: vec![series(
            "oldest record age",
            &s.oldest_record_age_s,
            stroke(GREEN, 2, Dash::Solid),
        )],
        markers: vec![],
        bands: Vec::new(),
        hlines: limits,
    }
}

/// The limit lines of the objectives of `kind`, each labelled with its name, limit and
/// window, shaded over its window when it has one.
fn limit_lines(frame: &Frame<'_>, kind: &str, show: fn(f64) -> String) -> Vec<HLine> {
    const COLORS: [RGBColor; 3] = [VERMILLION, PURPLE, INK];
    frame
        .input
        .objectives
        .iter()
        .filter(|o| o.kind == kind)
        .enumerate()
        .map(|(i, o)| HLine {
            label: match &o.during {
                Some(w) => format!("SLO {} {} ({w})", o.name, show(o.limit)),
                None => format!("SLO {} {}", o.name, show(o.limit)),
            },
            y: o.limit,
            stroke: stroke(COLORS[i % COLORS.len()], 2, Dash::Dashed),
            spans: o.spans.clone(),
        })
        .collect()
}

/// Pollers, processors and mean concurrency, with the scaler's decisions marked.
pub(super) fn scaling<'a>(frame: &Frame<'a>) -> Panel<'a> {
    let s = &frame.input.series;
    let mut out = Markers {
        label: "scale-out decided",
        points: vec![],
        shape: Shape::TriangleUp,
        color: VERMILLION,
    };
    let mut scale_in = Markers {
        label: "scale-in decided",
        points: vec![],
        shape: Shape::TriangleDown,
        color: PURPLE,
    };
    let mut effective = Markers {
        label: "change takes effect",
        points: vec![],
        shape: Shape::Ring,
        color: INK,
    };
    for d in &frame.input.scaling {
        let decided = match d.action {
            Action::ScaleOut => &mut out,
            Action::ScaleIn => &mut scale_in,
            Action::Hold => continue,
        };
        decided.points.push((d.time_s, d.from));
        if let Some(t) = d.effective_at_s {
            effective.points.push((t, d.to));
        }
    }
    Panel {
        caption: "Pollers, processors and concurrency".into(),
        y_desc: "count".into(),
        y_format: YFormat::Count,
        series: vec![
            series("pollers", &s.pollers, stroke(BLUE, 3, Dash::Solid)),
            series("processors", &s.processors, stroke(ORANGE, 2, Dash::Dashed)),
            series(
                "concurrency (mean)",
                &s.concurrency_mean,
                stroke(GREEN, 2, Dash::Dotted),
            ),
        ],
        markers: vec![out, scale_in, effective],
        bands: Vec::new(),
        hlines: vec![],
    }
}

/// Failed invocations, retries and throttled invokes per interval, and the partitions
/// blocked on a failed batch: drawn in the overview only for runs that had any.
pub(super) fn failures<'a>(frame: &Frame<'a>) -> Panel<'a> {
    let f = &frame.input.series.failures;
    Panel {
        caption: "Failures, retries and throttles".into(),
        y_desc: "count per interval".into(),
        y_format: YFormat::Count,
        series: vec![
            series("errors", &f.errors, stroke(VERMILLION, 2, Dash::Solid)),
            series("retries", &f.retries, stroke(ORANGE, 2, Dash::Dashed)),
            series("throttles", &f.throttles, stroke(PURPLE, 2, Dash::Dotted)),
            series(
                "blocked partitions",
                &f.blocked_partitions,
                stroke(BLUE, 3, Dash::Solid),
            ),
        ]
        .into_iter()
        .filter(|s| !s.ys.is_empty())
        .collect(),
        markers: vec![],
        bands: Vec::new(),
        hlines: vec![],
    }
}

/// End-to-end p50 and p99 latency, with the intervals that had cold starts marked on
/// the p99 line (at 0 when the interval committed nothing); no marker and no legend
/// entry in a run without cold starts.
pub(super) fn latency<'a>(frame: &Frame<'a>) -> Panel<'a> {
    let s = &frame.input.series;
    let cold = Markers {
        label: "cold starts",
        points: s
            .cold_starts
            .iter()
            .zip(&s.time_s)
            .zip(&s.latency_p99_s)
            .filter(|((n, _), _)| **n > 0.0)
            .map(|((_, &t), &p99)| (t, if p99.is_finite() { p99 } else { 0.0 }))
            .collect(),
        shape: Shape::Ring,
        color: ORANGE,
    };
    let max = visible_max(frame, &s.latency_p99_s).max(visible_max(frame, &s.latency_p50_s));
    let unit = format::duration_unit(max);
    Panel {
        caption: "End-to-end latency of committed records".into(),
        y_desc: format!("latency ({})", unit.label),
        y_format: YFormat::Duration(unit),
        series: vec![
            series("p50", &s.latency_p50_s, stroke(BLUE, 2, Dash::Solid)),
            series("p99", &s.latency_p99_s, stroke(VERMILLION, 2, Dash::Dashed)),
        ],
        bands: Vec::new(),
        markers: Some(cold)
            .filter(|m| !m.points.is_empty())
            .into_iter()
            .collect(),
        hlines: vec![],
    }
}

/// Cumulative cost, duration and requests stacked, and the total. In provisioned mode the
/// Event Poller Units are the band between the stack and the total, which includes them.
/// The band is drawn up to the total rather than read from `cost_epu_usd`, so the runs
/// written before that column existed still plot.
pub(super) fn cost<'a>(frame: &Frame<'a>) -> Panel<'a> {
    let s = &frame.input.series;
    // Stacked: duration at the bottom, requests on top of it.
    let stacked: Vec<f64> = s
        .cost_duration_usd
        .iter()
        .zip(&s.cost_requests_usd)
        .map(|(d, r)| match (d.is_finite(), r.is_finite()) {
            (true, true) => d + r,
            (true, false) => *d,
            (false, true) => *r,
            (false, false) => f64::NAN,
        })
        .collect();
    // The CSV rounds each cost to the nano-dollar; one EPU-minute is $0.003.
    let epu_band = stacked
        .iter()
        .zip(&s.cost_usd)
        .any(|(stack, total)| total - stack > EPU_BAND_MIN_USD);
    let mut layers = Vec::with_capacity(4);
    if epu_band {
        layers.push(Series {
            label: "Event Poller Units".into(),
            ys: Cow::Borrowed(&s.cost_usd),
            stroke: stroke(GREEN, 1, Dash::Solid),
            kind: Kind::Area,
        });
    }
    layers.extend([
        Series {
            label: "requests".into(),
            ys: Cow::Owned(stacked),
            stroke: stroke(ORANGE, 1, Dash::Solid),
            kind: Kind::Area,
        },
        Series {
            label: "duration (GB-s)".into(),
            ys: Cow::Borrowed(&s.cost_duration_usd),
            stroke: stroke(BLUE, 1, Dash::Solid),
            kind: Kind::Area,
        },
        series("total", &s.cost_usd, stroke(INK, 2, Dash::Dashed)),
    ]);
    Panel {
        caption: "Cumulative cost".into(),
        y_desc: format!("cost ({})", timeseries::COST_USD.unit.symbol()),
        y_format: YFormat::Usd,
        series: layers,
        markers: vec![],
        bands: Vec::new(),
        hlines: vec![],
    }
}

/// Total cost above the stacked requests and duration from which the cost panel draws the
/// EPU band: well above the CSV's rounding, well below one EPU-minute.
const EPU_BAND_MIN_USD: f64 = 1e-6;

/// The label and colour of the band of each bottleneck.
fn bottleneck_style(b: Bottleneck) -> (&'static str, plotters::style::RGBColor) {
    match b {
        Bottleneck::Scaler => ("bound: scaler", ORANGE),
        Bottleneck::PollerBandwidth => ("bound: poller bandwidth", BLUE),
        Bottleneck::Processors => ("bound: processors", PURPLE),
        Bottleneck::FunctionDuration => ("bound: function duration", GREEN),
        Bottleneck::ConcurrencyLimit => ("bound: concurrency limit", VERMILLION),
    }
}

/// One shaded band per bottleneck that binds in the run, over the intervals where it
/// does (the `bottleneck` column; none for files without it).
fn bottleneck_bands(frame: &Frame<'_>) -> Vec<Band> {
    let s = &frame.input.series;
    Bottleneck::ALL
        .into_iter()
        .filter_map(|b| {
            let mut spans: Vec<(f64, f64)> = Vec::new();
            for (i, row) in s.bottleneck.iter().enumerate() {
                if *row != Some(b) {
                    continue;
                }
                let end = s.time_s[i];
                let start = if i == 0 { 0.0 } else { s.time_s[i - 1] };
                match spans.last_mut() {
                    Some(last) if last.1 == start => last.1 = end,
                    _ => spans.push((start, end)),
                }
            }
            let (label, color) = bottleneck_style(b);
            (!spans.is_empty()).then_some(Band {
                label,
                spans,
                color,
            })
        })
        .collect()
}
