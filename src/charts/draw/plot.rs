//! Drawing one panel on a plotters backend: the time axis and its ticks, y range,
//! downsampled lines and areas, reference lines, markers and the legend.

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::{Dash, FONT, Frame, Kind, Panel, Series, Shape, Stroke, YFormat};
use crate::charts::downsample::minmax_downsample;
use crate::charts::format;
use crate::charts::image::DrawResult;
use crate::charts::palette::{GRID, INK, tint};
use crate::engine::time::SimTime;

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

/// Draws `panel` on `area` under `caption`, with the time axis labelled when `x_labels`.
pub(super) fn draw_panel<DB: DrawingBackend>(
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
    let clock = frame.input.start_at;
    let with_day = frame.x1_s - frame.x0_s > 86_400.0;
    let x_fmt = |v: &f64| match (x_labels, clock) {
        (false, _) => String::new(),
        (true, None) => format::plain(*v),
        (true, Some(c)) => c.label(SimTime::from_secs_f64(v * unit.seconds), with_day),
    };
    let x_desc = match clock {
        None => format!("time ({})", unit.label),
        Some(c) => format!("time ({})", c.zone()),
    };
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
    draw_bands(&mut chart, frame, panel, (y0, y1))?;

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
    let yr = chart.y_range();
    let unit = frame.unit.seconds;
    for l in &panel.hlines {
        let y = l.y / panel.y_divisor();
        let st = l.stroke;
        let (on, off) = dash_pattern(st.dash, st.width);
        let spans: Vec<(f64, f64)> = match &l.spans {
            None => vec![(xr.start, xr.end)],
            Some(spans) => spans
                .iter()
                .map(|&(a, b)| ((a / unit).max(xr.start), (b / unit).min(xr.end)))
                .filter(|(a, b)| a < b)
                .collect(),
        };
        if l.spans.is_some() {
            chart.draw_series(spans.iter().map(|&(a, b)| {
                Rectangle::new([(a, yr.start), (b, yr.end)], st.color.mix(0.08).filled())
            }))?;
        }
        for (i, &(a, b)) in spans.iter().enumerate() {
            let drawn = chart.draw_series(DashedLineSeries::new(
                vec![(a, y), (b, y)],
                on,
                off,
                st.color.stroke_width(st.width),
            ))?;
            if i == 0 {
                drawn
                    .label(l.label.as_str())
                    .legend(move |p| dashed_glyph(p, size, st, st.dash));
            }
        }
    }
    Ok(())
}

/// Shades each band's spans over the panel's height, one legend entry per band. Spans
/// less than a pixel apart are drawn as one rectangle (a long run at a short sample
/// interval can switch thousands of times within a pixel).
fn draw_bands<'c, DB: DrawingBackend + 'c>(
    chart: &mut Chart<'c, DB>,
    frame: &Frame<'_>,
    panel: &Panel<'_>,
    (y0, y1): (f64, f64),
) -> DrawResult<DB> {
    let unit = frame.unit.seconds;
    let columns = chart.plotting_area().dim_in_pixel().0.max(1) as f64;
    let pixel_s = (frame.x1_s - frame.x0_s) / columns;
    for band in &panel.bands {
        let fill = band.color.mix(0.18).filled();
        let mut merged: Vec<(f64, f64)> = Vec::new();
        for &(a, b) in band
            .spans
            .iter()
            .filter(|(a, b)| *b >= frame.x0_s && *a <= frame.x1_s)
        {
            let (a, b) = (a.max(frame.x0_s), b.min(frame.x1_s));
            match merged.last_mut() {
                Some(last) if a - last.1 < pixel_s => last.1 = b,
                _ => merged.push((a, b)),
            }
        }
        let rects = merged
            .into_iter()
            .map(|(a, b)| Rectangle::new([(a / unit, y0), (b / unit, y1)], fill));
        let r = frame.px(6.0);
        chart
            .draw_series(rects)?
            .label(band.label)
            .legend(move |(x, y)| Rectangle::new([(x - r, y - r), (x + r, y + r)], fill));
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
