//! Drawing: turns a [`ChartInput`] into panels (one plot area each) and draws them on any
//! plotters backend. Knows nothing about files or image formats.
//!
//! [`panels`] says what each chart shows (series, markers, reference lines); [`plot`]
//! draws a panel (axes, downsampled lines, areas, markers, legend); this module lays the
//! panels of a chart out, with the overview's header.

mod panels;
mod plot;

use std::borrow::Cow;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::ChartKind;
use super::format::{self, TimeUnit};
use super::image::{DrawResult, Drawing};
use super::input::ChartInput;
use super::palette::INK;
use plot::draw_panel;

const FONT: FontFamily<'static> = FontFamily::SansSerif;

/// How a line is stroked.
#[derive(Debug, Clone, Copy)]
enum Dash {
    Solid,
    Dashed,
    Dotted,
}

/// Stroke of one series.
#[derive(Debug, Clone, Copy)]
struct Stroke {
    color: RGBColor,
    width: u32,
    dash: Dash,
}

const fn stroke(color: RGBColor, width: u32, dash: Dash) -> Stroke {
    Stroke { color, width, dash }
}

/// Line or filled area (down to zero).
#[derive(Debug, Clone, Copy)]
enum Kind {
    Line,
    Area,
}

/// One series of a panel: a y value per sample (aligned with `time_s`), `NaN` = missing.
struct Series<'a> {
    label: String,
    ys: Cow<'a, [f64]>,
    stroke: Stroke,
    kind: Kind,
}

/// Marker shapes for scaling events.
#[derive(Debug, Clone, Copy)]
enum Shape {
    TriangleUp,
    TriangleDown,
    Ring,
}

/// Points marked with a symbol, in data units (seconds, raw y).
struct Markers {
    label: &'static str,
    points: Vec<(f64, f64)>,
    shape: Shape,
    color: RGBColor,
}

/// Spans of time shaded under a label, e.g. where a bottleneck binds, in seconds.
struct Band {
    label: &'static str,
    spans: Vec<(f64, f64)>,
    color: RGBColor,
}

/// A horizontal reference line, e.g. an SLO's limit.
struct HLine {
    label: String,
    y: f64,
    stroke: Stroke,
    /// The spans of time (seconds) it applies in, shaded and with the line drawn only
    /// over them; across the whole run when `None`.
    spans: Option<Vec<(f64, f64)>>,
}

/// How to print y tick labels.
#[derive(Debug, Clone, Copy)]
enum YFormat {
    /// Counts and rates: `12k`, `1.2M`.
    Count,
    /// US dollars.
    Usd,
    /// A duration shown in the given unit (y values are divided by it).
    Duration(TimeUnit),
}

/// One plot area: a caption, a y axis and what is drawn on it.
struct Panel<'a> {
    caption: String,
    y_desc: String,
    y_format: YFormat,
    series: Vec<Series<'a>>,
    markers: Vec<Markers>,
    hlines: Vec<HLine>,
    /// Shaded spans, drawn under the series.
    bands: Vec<Band>,
}

impl Panel<'_> {
    fn y_divisor(&self) -> f64 {
        match self.y_format {
            YFormat::Duration(unit) => unit.seconds,
            YFormat::Count | YFormat::Usd => 1.0,
        }
    }
}

/// The visible time window and the sizes shared by every panel of one image.
pub(crate) struct Frame<'a> {
    input: &'a ChartInput,
    /// Window start and end, seconds.
    x0_s: f64,
    x1_s: f64,
    /// Index range of samples inside the window.
    i0: usize,
    i1: usize,
    unit: TimeUnit,
    /// Scale factor for fonts and margins (1.0 at 1200 px wide).
    scale: f64,
}

impl<'a> Frame<'a> {
    /// A frame over `x0_s..=x1_s` for an image `width` pixels wide.
    pub(crate) fn new(input: &'a ChartInput, x0_s: f64, x1_s: f64, width: u32) -> Self {
        let t = &input.series.time_s;
        let i0 = t.partition_point(|&x| x < x0_s);
        let i1 = t.partition_point(|&x| x <= x1_s);
        Self {
            input,
            x0_s,
            x1_s,
            i0,
            i1,
            unit: format::time_axis_unit(x1_s - x0_s),
            scale: (f64::from(width) / 1200.0).clamp(0.85, 3.0),
        }
    }

    fn px(&self, v: f64) -> i32 {
        (v * self.scale).round() as i32
    }

    fn font(&self, size: f64) -> FontDesc<'static> {
        (FONT, size * self.scale).into_font()
    }

    fn zoomed(&self) -> bool {
        let t = &self.input.series.time_s;
        self.i0 > 0 || self.i1 < t.len()
    }
}

/// The panels of one chart, top to bottom.
fn panels<'a>(kind: ChartKind, frame: &Frame<'a>) -> Vec<Panel<'a>> {
    match kind {
        ChartKind::Throughput => vec![panels::throughput(frame)],
        ChartKind::Lag => vec![panels::lag(frame), panels::age(frame)],
        ChartKind::Scaling => vec![panels::scaling(frame)],
        ChartKind::Latency => vec![panels::latency(frame)],
        ChartKind::Cost => vec![panels::cost(frame)],
        ChartKind::Overview => {
            let mut all = vec![
                panels::throughput(frame),
                panels::lag(frame),
                panels::age(frame),
                panels::scaling(frame),
            ];
            if frame.input.series.failures.any() {
                all.push(panels::failures(frame));
            }
            all.extend([panels::latency(frame), panels::cost(frame)]);
            all
        }
    }
}

/// Pixel height of the overview of `input` for a chart size of `height`: six panels
/// plus a header, and a seventh for failures when the run had any.
pub(crate) fn overview_height(input: &ChartInput, height: u32) -> u32 {
    let panel = (height / 2).max(200);
    let count = if input.series.failures.any() { 7 } else { 6 };
    header_height(height) + count * panel
}

fn header_height(height: u32) -> u32 {
    (height / 8).clamp(64, 140)
}

/// One chart of one run, ready to be drawn on any backend.
pub(crate) struct ChartDrawing<'a> {
    /// Which chart.
    pub(crate) kind: ChartKind,
    /// The window and sizes it is drawn with.
    pub(crate) frame: Frame<'a>,
    /// The chart height the user asked for (the overview is taller, see
    /// [`overview_height`]).
    pub(crate) base_height: u32,
}

impl Drawing for ChartDrawing<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        draw_chart(root, self.kind, &self.frame, self.base_height)
    }
}

/// Draws chart `kind` on `root`.
fn draw_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    kind: ChartKind,
    frame: &Frame<'_>,
    base_height: u32,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let panels = panels(kind, frame);
    let body = if kind == ChartKind::Overview {
        let (header, body) = root.split_vertically(header_height(base_height));
        draw_header(&header, frame)?;
        body
    } else {
        root.clone()
    };
    let (_, body_height) = body.dim_in_pixel();
    let areas = if panels.len() == 2 {
        // lag over age: records matter most, give them more room
        let (a, b) = body.split_vertically(body_height * 55 / 100);
        vec![a, b]
    } else {
        body.split_evenly((panels.len(), 1))
    };
    let last = panels.len() - 1;
    for (i, (panel, area)) in panels.iter().zip(&areas).enumerate() {
        let caption = if i == 0 && kind != ChartKind::Overview {
            format!("{} — {}", panel.caption, title_name(frame))
        } else {
            panel.caption.clone()
        };
        draw_panel(area, frame, panel, &caption, i == last)?;
    }
    Ok(())
}

fn title_name(frame: &Frame<'_>) -> String {
    match frame.input.seed {
        Some(seed) => format!("{} (seed {seed})", frame.input.scenario_name),
        None => frame.input.scenario_name.clone(),
    }
}

fn draw_header<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    frame: &Frame<'_>,
) -> DrawResult<DB> {
    let (w, h) = area.dim_in_pixel();
    let title = (FONT, 24.0 * frame.scale, FontStyle::Bold)
        .into_font()
        .color(&INK)
        .pos(Pos::new(HPos::Center, VPos::Center));
    area.draw_text(
        &format!("esmsim — {}", title_name(frame)),
        &title,
        (w as i32 / 2, (h as f64 * 0.32) as i32),
    )?;
    let s = &frame.input.summary;
    let or_dash = |v: Option<f64>, f: fn(f64) -> String| v.map_or_else(|| "–".to_string(), f);
    let mut line = format!(
        "max lag {} records  ·  max record age {}  ·  p99 latency {}  ·  cost {}",
        or_dash(s.max_lag_records, format::count),
        or_dash(s.max_record_age_s, format::duration),
        or_dash(s.latency_p99_s, format::duration),
        or_dash(s.cost_usd, format::usd),
    );
    let met: Vec<String> = frame
        .input
        .objectives
        .iter()
        .filter_map(|o| {
            o.met
                .map(|m| format!("{} {}", o.name, if m { "met" } else { "missed" }))
        })
        .collect();
    if !met.is_empty() {
        line.push_str(&format!("  ·  SLO: {}", met.join(", ")));
    }
    if frame.zoomed() {
        line.push_str(&format!(
            "  ·  showing {}–{}",
            format::duration(frame.x0_s),
            format::duration(frame.x1_s)
        ));
    }
    let sub = frame
        .font(16.0)
        .color(&INK)
        .pos(Pos::new(HPos::Center, VPos::Center));
    area.draw_text(&line, &sub, (w as i32 / 2, (h as f64 * 0.72) as i32))
}
