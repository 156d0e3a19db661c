//! Drawing: turns a [`ChartInput`] into panels (one plot area each) and draws them on any
//! plotters backend. Knows nothing about files or image formats.

use std::borrow::Cow;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::ChartKind;
use super::downsample::minmax_downsample;
use super::format::{self, TimeUnit};
use super::input::ChartInput;
use crate::model::scaler::Action;

/// Result of drawing on backend `DB`.
pub(crate) type DrawResult<DB> =
    Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

// Okabe–Ito colours: distinguishable with colour-blindness, and of different lightness so
// that, together with dashes and widths, lines stay apart in greyscale.
const BLUE: RGBColor = RGBColor(0, 114, 178);
const ORANGE: RGBColor = RGBColor(230, 159, 0);
const GREEN: RGBColor = RGBColor(0, 158, 115);
const VERMILLION: RGBColor = RGBColor(213, 94, 0);
const PURPLE: RGBColor = RGBColor(204, 121, 167);
const INK: RGBColor = RGBColor(30, 30, 30);
const GRID: RGBColor = RGBColor(225, 225, 225);

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

/// A horizontal reference line, e.g. an SLO.
struct HLine {
    label: String,
    y: f64,
    stroke: Stroke,
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

fn throughput_panel<'a>(frame: &Frame<'a>) -> Panel<'a> {
    let s = &frame.input.series;
    Panel {
        caption: "Throughput: produced vs committed".into(),
        y_desc: "records/s".into(),
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
        hlines: vec![],
    }
}

fn lag_panel<'a>(frame: &Frame<'a>) -> Panel<'a> {
    let s = &frame.input.series;
    Panel {
        caption: "Offset lag".into(),
        y_desc: "lag (records)".into(),
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
        hlines: vec![],
    }
}

fn age_panel<'a>(frame: &Frame<'a>) -> Panel<'a> {
    let s = &frame.input.series;
    let slo = frame.input.slo_max_age_s;
    let max = visible_max(frame, &s.oldest_record_age_s).max(slo.unwrap_or(0.0));
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
        hlines: slo
            .map(|y| HLine {
                label: format!("SLO max age {}", format::duration(y)),
                y,
                stroke: stroke(VERMILLION, 2, Dash::Dashed),
            })
            .into_iter()
            .collect(),
    }
}

fn scaling_panel<'a>(frame: &Frame<'a>) -> Panel<'a> {
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
        hlines: vec![],
    }
}

fn latency_panel<'a>(frame: &Frame<'a>) -> Panel<'a> {
    let s = &frame.input.series;
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
        markers: vec![],
        hlines: vec![],
    }
}

fn cost_panel<'a>(frame: &Frame<'a>) -> Panel<'a> {
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
    Panel {
        caption: "Cumulative cost".into(),
        y_desc: "cost (USD)".into(),
        y_format: YFormat::Usd,
        series: vec![
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
        ],
        markers: vec![],
        hlines: vec![],
    }
}

/// The panels of one chart, top to bottom.
fn panels<'a>(kind: ChartKind, frame: &Frame<'a>) -> Vec<Panel<'a>> {
    match kind {
        ChartKind::Throughput => vec![throughput_panel(frame)],
        ChartKind::Lag => vec![lag_panel(frame), age_panel(frame)],
        ChartKind::Scaling => vec![scaling_panel(frame)],
        ChartKind::Latency => vec![latency_panel(frame)],
        ChartKind::Cost => vec![cost_panel(frame)],
        ChartKind::Overview => vec![
            throughput_panel(frame),
            lag_panel(frame),
            age_panel(frame),
            scaling_panel(frame),
            latency_panel(frame),
            cost_panel(frame),
        ],
    }
}

/// Pixel height of the overview for a chart size of `height` (six panels plus a header).
pub(crate) fn overview_height(height: u32) -> u32 {
    let panel = (height / 2).max(200);
    header_height(height) + 6 * panel
}

fn header_height(height: u32) -> u32 {
    (height / 8).clamp(64, 140)
}

/// Draws chart `kind` on `root`.
pub(crate) fn draw_chart<DB: DrawingBackend>(
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
    root.present()
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
    if let Some(slo) = frame.input.slo_max_age_s {
        line.push_str(&format!("  ·  SLO max age {}", format::duration(slo)));
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

/// The y range `0..=max` (or below zero if data is), with headroom for the legend.
fn y_range(frame: &Frame<'_>, panel: &Panel<'_>) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0_f64, 0.0_f64);
    for s in &panel.series {
        for &v in &s.ys[frame.i0..frame.i1.min(s.ys.len())] {
            if v.is_finite() {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
    }
    for m in &panel.markers {
        for &(t, v) in &m.points {
            if t >= frame.x0_s && t <= frame.x1_s && v.is_finite() {
                hi = hi.max(v);
            }
        }
    }
    for l in &panel.hlines {
        hi = hi.max(l.y);
    }
    let d = panel.y_divisor();
    let (lo, hi) = (lo / d, hi / d);
    if hi - lo <= f64::EPSILON {
        (lo, lo + 1.0)
    } else {
        (lo, hi + (hi - lo) * 0.22)
    }
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    frame: &Frame<'_>,
    panel: &Panel<'_>,
    caption: &str,
    x_labels: bool,
) -> DrawResult<DB> {
    let unit = frame.unit;
    let (x0, x1) = (frame.x0_s / unit.seconds, frame.x1_s / unit.seconds);
    let (y0, y1) = y_range(frame, panel);
    let (w, h) = area.dim_in_pixel();

    let mut builder = ChartBuilder::on(area);
    builder
        .caption(
            caption,
            (FONT, 16.0 * frame.scale, FontStyle::Bold).into_font(),
        )
        .margin_left(frame.px(10.0))
        .margin_right(frame.px(24.0))
        .margin_top(frame.px(4.0))
        .margin_bottom(frame.px(if x_labels { 6.0 } else { 2.0 }))
        .y_label_area_size(frame.px(84.0))
        .x_label_area_size(frame.px(if x_labels { 48.0 } else { 6.0 }));
    let max_ticks = ((f64::from(w) / 110.0) as usize).max(3);
    let ticks = format::time_ticks(x0, x1, unit, max_ticks);
    let mut chart = builder.build_cartesian_2d(TimeAxis { x0, x1, ticks }, y0..y1)?;

    let y_fmt = |v: &f64| match panel.y_format {
        YFormat::Count | YFormat::Duration(_) => format::count(*v),
        YFormat::Usd => format::usd(*v),
    };
    let x_fmt = |v: &f64| {
        if x_labels {
            format::plain(*v)
        } else {
            String::new()
        }
    };
    let x_desc = format!("time ({})", unit.label);
    let mut mesh = chart.configure_mesh();
    mesh.light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .axis_style(INK.mix(0.6))
        .label_style(frame.font(14.0).color(&INK))
        .axis_desc_style(frame.font(14.0).color(&INK))
        .x_labels(max_ticks)
        .y_labels(((f64::from(h) / 45.0) as usize).clamp(3, 8))
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .y_desc(panel.y_desc.as_str());
    if x_labels {
        mesh.x_desc(x_desc.as_str());
    }
    mesh.draw()?;

    let mut height_left = 0.0_f64;
    let mut height_right = 0.0_f64;
    for s in &panel.series {
        let (left, right) = draw_one_series(&mut chart, frame, panel, s)?;
        height_left = height_left.max(left);
        height_right = height_right.max(right);
    }
    draw_hlines(&mut chart, frame, panel)?;
    draw_markers(&mut chart, frame, panel)?;

    // Put the legend on the side where the data is lower.
    let position = if height_left <= height_right {
        SeriesLabelPosition::UpperLeft
    } else {
        SeriesLabelPosition::UpperRight
    };
    chart
        .configure_series_labels()
        .position(position)
        .margin(frame.px(8.0))
        .legend_area_size(frame.px(26.0))
        .label_font(frame.font(14.0).color(&INK))
        .background_style(WHITE.mix(0.85))
        .border_style(INK.mix(0.4))
        .draw()?;
    Ok(())
}

/// Draws one series (downsampled) and its legend entry. Returns how high (0..1 of the
/// y range) it reaches in the left and the right third of the window.
fn draw_one_series<'c, DB: DrawingBackend + 'c>(
    chart: &mut Chart<'c, DB>,
    frame: &Frame<'_>,
    panel: &Panel<'_>,
    s: &Series<'_>,
) -> Result<(f64, f64), DrawingAreaErrorKind<DB::ErrorType>> {
    let unit = frame.unit.seconds;
    let d = panel.y_divisor();
    let (xr, yr) = (chart.x_range(), chart.y_range());
    let columns = chart.plotting_area().dim_in_pixel().0 as usize;
    let times = &frame.input.series.time_s;
    let (mut left, mut right) = (0.0_f64, 0.0_f64);
    for seg in minmax_downsample(times, &s.ys, frame.x0_s, frame.x1_s, columns) {
        let points: Vec<(f64, f64)> = seg.into_iter().map(|(t, y)| (t / unit, y / d)).collect();
        for &(x, y) in &points {
            let fx = (x - xr.start) / (xr.end - xr.start);
            let fy = (y - yr.start) / (yr.end - yr.start);
            if fx < 0.35 {
                left = left.max(fy);
            } else if fx > 0.65 {
                right = right.max(fy);
            }
        }
        match s.kind {
            Kind::Line => {
                let runs = split_sharp_turns(points, |p| chart.backend_coord(p));
                for run in runs {
                    draw_series(chart, run, s)?;
                }
            }
            Kind::Area => draw_series(chart, points, s)?,
        }
    }
    let st = s.stroke;
    let size = frame.px(20.0);
    let anno = chart.draw_series(std::iter::empty::<PathElement<(f64, f64)>>())?;
    anno.label(s.label.as_str());
    match (s.kind, st.dash) {
        (Kind::Area, _) => {
            anno.legend(move |(x, y)| {
                EmptyElement::at((x, y))
                    + Rectangle::new([(0, -5), (size, 5)], tint(st.color).filled())
                    + Rectangle::new([(0, -5), (size, 5)], st.color.stroke_width(1))
            });
        }
        (Kind::Line, Dash::Solid) => {
            anno.legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + size, y)], st.color.stroke_width(st.width))
            });
        }
        (Kind::Line, dash) => {
            anno.legend(move |(x, y)| dashed_glyph((x, y), size, st, dash));
        }
    }
    Ok((left, right))
}

/// A short dashed line for a legend.
fn dashed_glyph(
    (x, y): (i32, i32),
    size: i32,
    st: Stroke,
    dash: Dash,
) -> DashedPathElement<std::vec::IntoIter<(i32, i32)>, u32> {
    let (on, off) = dash_pattern(dash, st.width);
    DashedPathElement::new(
        vec![(x, y), (x + size, y)],
        on,
        off,
        st.color.stroke_width(st.width),
    )
}

/// Draws the horizontal reference lines (SLOs) across the window, with legend entries.
fn draw_hlines<'c, DB: DrawingBackend + 'c>(
    chart: &mut Chart<'c, DB>,
    frame: &Frame<'_>,
    panel: &Panel<'_>,
) -> DrawResult<DB> {
    let xr = chart.x_range();
    let size = frame.px(20.0);
    for l in &panel.hlines {
        let y = l.y / panel.y_divisor();
        let st = l.stroke;
        let (on, off) = dash_pattern(st.dash, st.width);
        chart
            .draw_series(DashedLineSeries::new(
                vec![(xr.start, y), (xr.end, y)],
                on,
                off,
                st.color.stroke_width(st.width),
            ))?
            .label(l.label.as_str())
            .legend(move |p| dashed_glyph(p, size, st, st.dash));
    }
    Ok(())
}

/// Draws the marker sets (scaling decisions) inside the window, with legend entries.
fn draw_markers<'c, DB: DrawingBackend + 'c>(
    chart: &mut Chart<'c, DB>,
    frame: &Frame<'_>,
    panel: &Panel<'_>,
) -> DrawResult<DB> {
    let (unit, d) = (frame.unit.seconds, panel.y_divisor());
    let r = frame.px(6.0);
    for m in &panel.markers {
        let points: Vec<(f64, f64)> = m
            .points
            .iter()
            .filter(|(t, v)| *t >= frame.x0_s && *t <= frame.x1_s && v.is_finite())
            .map(|&(t, v)| (t / unit, v / d))
            .collect();
        let color = m.color;
        match m.shape {
            Shape::TriangleUp | Shape::TriangleDown => {
                let shape = if matches!(m.shape, Shape::TriangleUp) {
                    triangle_up
                } else {
                    triangle_down
                };
                chart
                    .draw_series(
                        points
                            .into_iter()
                            .map(|p| EmptyElement::at(p) + Polygon::new(shape(r), color.filled())),
                    )?
                    .label(m.label)
                    .legend(move |p| EmptyElement::at(p) + Polygon::new(shape(r), color.filled()));
            }
            Shape::Ring => {
                chart
                    .draw_series(
                        points
                            .into_iter()
                            .map(|p| Circle::new(p, r, color.stroke_width(2))),
                    )?
                    .label(m.label)
                    .legend(move |p| Circle::new(p, r, color.stroke_width(2)));
            }
        }
    }
    Ok(())
}

/// The fill colour of an area: the line colour blended 60/40 with white, opaque so stacked
/// areas keep their colour and stay apart in greyscale.
fn tint(c: RGBColor) -> RGBColor {
    let mix = |v: u8| (f64::from(v) * 0.6 + 255.0 * 0.4).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

fn dash_pattern(dash: Dash, width: u32) -> (u32, u32) {
    match dash {
        Dash::Solid => (1, 0),
        Dash::Dashed => (8 + 2 * width, 5 + width),
        Dash::Dotted => (2 + width, 3 + width),
    }
}

type Chart<'c, DB> = ChartContext<'c, DB, Cartesian2d<TimeAxis, RangedCoordf64>>;

fn draw_series<'c, DB: DrawingBackend + 'c>(
    chart: &mut Chart<'c, DB>,
    points: Vec<(f64, f64)>,
    s: &Series<'_>,
) -> DrawResult<DB> {
    let st = s.stroke;
    let style = st.color.stroke_width(st.width);
    match (s.kind, st.dash) {
        (Kind::Area, _) => {
            chart.draw_series(
                AreaSeries::new(points, 0.0, tint(st.color).filled())
                    .border_style(st.color.stroke_width(1)),
            )?;
        }
        (Kind::Line, Dash::Solid) => {
            chart.draw_series(LineSeries::new(points, style))?;
        }
        (Kind::Line, dash) => {
            let (on, off) = dash_pattern(dash, st.width);
            chart.draw_series(DashedLineSeries::new(points, on, off, style))?;
        }
    }
    Ok(())
}

/// A linear time axis whose ticks are given (see [`format::time_ticks`]) instead of
/// plotters' decimal choice, so hours step by 3 or 6 and minutes by 15 or 30.
#[derive(Clone)]
struct TimeAxis {
    x0: f64,
    x1: f64,
    ticks: Vec<f64>,
}

impl Ranged for TimeAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let f = (v - self.x0) / (self.x1 - self.x0);
        limit.0 + (f * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.x0..self.x1
    }
}

/// Prepares a polyline for plotters' thick-line rasteriser: drops points that fall on the
/// same pixel as the previous one (a zero-length segment has no direction) and splits the
/// line where it turns back sharply (more than 135°), because the inner corner of such a
/// join is drawn as a long spike far outside the line.
fn split_sharp_turns(
    points: Vec<(f64, f64)>,
    to_px: impl Fn(&(f64, f64)) -> (i32, i32),
) -> Vec<Vec<(f64, f64)>> {
    let mut runs = Vec::new();
    let mut run: Vec<(f64, f64)> = Vec::with_capacity(points.len());
    let mut px: Vec<(i32, i32)> = Vec::with_capacity(points.len());
    for p in points {
        let q = to_px(&p);
        if px.last() == Some(&q) {
            continue;
        }
        if let [.., a, b] = px[..] {
            let (ux, uy) = (f64::from(b.0 - a.0), f64::from(b.1 - a.1));
            let (vx, vy) = (f64::from(q.0 - b.0), f64::from(q.1 - b.1));
            let cos = (ux * vx + uy * vy) / ((ux * ux + uy * uy) * (vx * vx + vy * vy)).sqrt();
            if cos < -0.7 {
                let last = *run.last().expect("run holds the vertex");
                runs.push(std::mem::replace(&mut run, vec![last]));
                px = vec![b];
            }
        }
        run.push(p);
        px.push(q);
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

fn triangle_up(r: i32) -> Vec<(i32, i32)> {
    vec![(-r, r / 2 + 1), (r, r / 2 + 1), (0, -r)]
}

fn triangle_down(r: i32) -> Vec<(i32, i32)> {
    vec![(-r, -r / 2 - 1), (r, -r / 2 - 1), (0, r)]
}
