//! The sweep's comparison charts, SVG and PNG, drawn from the aggregate table:
//!
//! * `metric-by-parameter`: the chart metric against the `x` parameter, one line per value
//!   of the `lines` parameter, with the 95 % confidence interval as error bars;
//! * `heatmap`: the chart metric's mean over the `x` and `lines` parameters;
//! * `pareto`: mean cost against mean max record age for every variant, with the Pareto
//!   front and the SLO line marked.
//!
//! The first two hold every other parameter at the values of a reference variant: the one
//! named by `charts.reference`, else the first of `best.csv` meeting every objective
//! (the cheapest), or variant 0. Text uses the
//! bundled font of [`crate::charts`], so no system font is needed.

use plotters::coord::Shift;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::error::SweepError;
use super::plan::{Dim, Plan};
use super::stats::MeanCi;
use super::table::{METRICS, VariantStats, best, metric_named, rank_metric};
use crate::charts::format::four_significant_digits;
use crate::charts::image::{self, DrawResult, Drawing, Format, ImageError};
use crate::charts::palette::{SERIES, heat};
use crate::metrics::Summary;
use crate::output::OutputFile;
use crate::output::columns::Column;
use crate::output::columns::summary::{COST_USD, MAX_RECORD_AGE_S};

const SIZE: (u32, u32) = (1200, 700);

#[derive(Clone, Copy)]
enum Chart {
    ByParameter,
    Heatmap,
    Pareto,
}

impl Chart {
    /// Every chart a sweep can draw.
    const ALL: [Chart; 3] = [Chart::ByParameter, Chart::Heatmap, Chart::Pareto];

    fn name(self) -> &'static str {
        match self {
            Chart::ByParameter => "metric-by-parameter",
            Chart::Heatmap => "heatmap",
            Chart::Pareto => "pareto",
        }
    }
}

/// Every chart file name a sweep can write (each chart in both formats).
pub(crate) fn file_names() -> Vec<String> {
    Chart::ALL
        .iter()
        .flat_map(|c| ["png", "svg"].map(|ext| format!("{}.{ext}", c.name())))
        .collect()
}

/// What the charts draw from: the plan, the per-variant statistics, the reference variant
/// and the chart metric.
struct Data<'a> {
    plan: &'a Plan,
    stats: &'a [VariantStats],
    reference: usize,
    metric: &'static Column<Summary>,
}

impl Data<'_> {
    /// The statistics of the chart metric for the variant at the reference's coordinates,
    /// with `dims` moved to the given positions.
    fn at(&self, dims: &[(Dim, usize)]) -> Option<MeanCi> {
        let mut coords = self.plan.coords(self.reference);
        for &(dim, i) in dims {
            coords.set(dim, i);
        }
        let v = self.plan.variant_at(&coords);
        let stats = self.stats.binary_search_by_key(&v, |s| s.variant).ok()?;
        self.stats[stats]
            .stats_of(self.metric)
            .filter(|s| s.mean.is_some())
    }

    /// A parameter's dimension and its values along it.
    fn axis(&self, key: &str) -> Option<(Dim, Vec<String>)> {
        let dim = self.plan.dim_of(key)?;
        let axis = self
            .plan
            .grid
            .iter()
            .chain(&self.plan.zip)
            .find(|a| a.key == key)?;
        Some((dim, axis.values.clone()))
    }

    /// "held at a=1, b=2" for the parameters not in `varied`.
    fn held(&self, varied: &[&str]) -> String {
        let values = self.plan.values(self.reference);
        let held: Vec<String> = self
            .plan
            .parameters()
            .iter()
            .zip(values)
            .filter(|(k, _)| {
                !varied
                    .iter()
                    .any(|v| self.plan.dim_of(v) == self.plan.dim_of(k))
            })
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if held.is_empty() {
            String::new()
        } else {
            format!(" (others at {})", held.join(", "))
        }
    }
}

/// Renders the charts that apply to this sweep, PNG before SVG for each.
///
/// # Errors
///
/// [`SweepError::Chart`] when the font cannot be registered or plotters fails.
pub fn render(plan: &Plan, stats: &[VariantStats]) -> Result<Vec<OutputFile>, SweepError> {
    let Some(first) = stats.first() else {
        return Ok(Vec::new());
    };
    crate::charts::ensure_fonts().map_err(|e| SweepError::Chart {
        chart: "any".into(),
        message: e.to_string(),
    })?;
    let metric = metric_named(&plan.charts.metric).ok_or_else(|| {
        SweepError::invalid(
            "charts.metric",
            format!("`{}`", plan.charts.metric),
            format!("one of {}", METRICS.join(", ")),
        )
    })?;
    let reference = plan.charts.reference.unwrap_or_else(|| {
        best(plan, stats)
            .first()
            .map_or(first.variant, |v| v.variant)
    });
    let data = Data {
        plan,
        stats,
        reference,
        metric,
    };
    let mut charts = Vec::new();
    if plan.charts.x.is_some() {
        charts.push(Chart::ByParameter);
        if plan.charts.lines.is_some() {
            charts.push(Chart::Heatmap);
        }
    }
    charts.push(Chart::Pareto);
    let mut files = Vec::new();
    for chart in charts {
        for format in [Format::Png, Format::Svg] {
            files.push(file(&data, chart, format)?);
        }
    }
    Ok(files)
}

/// One sweep chart of one sweep, ready to be drawn on any backend.
struct SweepDrawing<'a> {
    data: &'a Data<'a>,
    chart: Chart,
}

impl Drawing for SweepDrawing<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        let charts = &self.data.plan.charts;
        match (self.chart, &charts.x, &charts.lines) {
            (Chart::ByParameter, Some(x), lines) => {
                by_parameter(root, self.data, x, lines.as_deref())
            }
            (Chart::Heatmap, Some(x), Some(lines)) => heatmap(root, self.data, x, lines),
            _ => pareto(root, self.data),
        }
    }
}

/// `chart` as a file in `format`.
fn file(data: &Data<'_>, chart: Chart, format: Format) -> Result<OutputFile, SweepError> {
    let bytes = image::encode(format, SIZE, &SweepDrawing { data, chart }).map_err(|e| {
        SweepError::Chart {
            chart: chart.name().into(),
            message: match e {
                ImageError::Draw(message) | ImageError::Encode(message) => message,
            },
        }
    })?;
    Ok(OutputFile {
        name: format!("{}.{}", chart.name(), format.extension()),
        bytes,
    })
}

/// The bundled sans-serif font at `size` points (also the planner's charts).
pub(crate) fn font(size: f64) -> FontDesc<'static> {
    (FontFamily::SansSerif, size).into_font()
}

/// Category `i` of a segmented axis.
fn cat(i: usize) -> SegmentValue<i32> {
    SegmentValue::CenterOf(i as i32)
}

/// Labels a category axis with `values` (also the planner's charts).
pub(crate) fn label_of(values: &[String]) -> impl Fn(&SegmentValue<i32>) -> String + '_ {
    move |v| match v {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => usize::try_from(*i)
            .ok()
            .and_then(|i| values.get(i))
            .cloned()
            .unwrap_or_default(),
        SegmentValue::Last => String::new(),
    }
}

fn by_parameter<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &Data<'_>,
    x: &str,
    lines: Option<&str>,
) -> DrawResult<DB> {
    let metric = data.metric.name;
    let Some((x_dim, x_values)) = data.axis(x) else {
        return Ok(());
    };
    let line_axis = lines.and_then(|l| data.axis(l));
    let line_count = line_axis.as_ref().map_or(1, |(_, v)| v.len());
    // One series per line value: (category, statistics) per x value that has data.
    let series: Vec<Vec<(usize, MeanCi)>> = (0..line_count)
        .map(|li| {
            (0..x_values.len())
                .filter_map(|xi| {
                    let mut dims = vec![(x_dim, xi)];
                    if let Some((dim, _)) = &line_axis {
                        dims.push((*dim, li));
                    }
                    data.at(&dims).map(|s| (xi, s))
                })
                .collect()
        })
        .collect();
    let top = series
        .iter()
        .flatten()
        .filter_map(|(_, s)| s.high.or(s.mean))
        .fold(0.0f64, f64::max);
    let top = if top > 0.0 { top * 1.1 } else { 1.0 };
    let mut varied = vec![x];
    varied.extend(lines);
    let mut chart = ChartBuilder::on(root)
        .caption(format!("{metric} by {x}{}", data.held(&varied)), font(22.0))
        .margin(20)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d((0..x_values.len() as i32 - 1).into_segmented(), 0.0..top)?;
    let x_label = label_of(&x_values);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(x_values.len())
        .x_label_formatter(&x_label)
        .x_desc(x)
        .y_desc(format!("{metric} (mean, 95% CI)"))
        .label_style(font(15.0))
        .axis_desc_style(font(16.0))
        .draw()?;
    for (li, points) in series.iter().enumerate() {
        let color = SERIES[li % SERIES.len()];
        let style = ShapeStyle::from(color).stroke_width(2);
        let line = chart.draw_series(LineSeries::new(
            points
                .iter()
                .filter_map(|(xi, s)| Some((cat(*xi), s.mean?))),
            style,
        ))?;
        if let Some((_, values)) = &line_axis {
            line.label(format!("{} = {}", lines.unwrap_or_default(), values[li]))
                .legend(move |(px, py)| {
                    PathElement::new(vec![(px, py), (px + 20, py)], color.stroke_width(2))
                });
        }
        chart.draw_series(
            points
                .iter()
                .filter_map(|(xi, s)| Some(Circle::new((cat(*xi), s.mean?), 4, color.filled()))),
        )?;
        for (xi, s) in points {
            if let (Some(low), Some(high)) = (s.low, s.high) {
                chart.draw_series([PathElement::new(
                    vec![(cat(*xi), low), (cat(*xi), high)],
                    style,
                )])?;
                for y in [low, high] {
                    chart.draw_series([EmptyElement::at((cat(*xi), y))
                        + PathElement::new(vec![(-6, 0), (6, 0)], style)])?;
                }
            }
        }
    }
    if line_axis.is_some() {
        legend(&mut chart)?;
    }
    Ok(())
}

/// The legend box every sweep chart uses: top right, on a translucent white background.
fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
) -> DrawResult<DB> {
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(font(15.0))
        .position(SeriesLabelPosition::UpperRight)
        .draw()?;
    Ok(())
}

fn heatmap<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &Data<'_>,
    x: &str,
    lines: &str,
) -> DrawResult<DB> {
    let metric = data.metric.name;
    let (Some((x_dim, x_values)), Some((y_dim, y_values))) = (data.axis(x), data.axis(lines))
    else {
        return Ok(());
    };
    let cells: Vec<(usize, usize, Option<f64>)> = (0..y_values.len())
        .flat_map(|yi| (0..x_values.len()).map(move |xi| (xi, yi)))
        .map(|(xi, yi)| {
            (
                xi,
                yi,
                data.at(&[(x_dim, xi), (y_dim, yi)]).and_then(|s| s.mean),
            )
        })
        .collect();
    let (lo, hi) = cells
        .iter()
        .filter_map(|c| c.2)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    let mut chart = ChartBuilder::on(root)
        .caption(
            format!("mean {metric}{}", data.held(&[x, lines])),
            font(22.0),
        )
        .margin(20)
        .x_label_area_size(50)
        .y_label_area_size(110)
        .build_cartesian_2d(
            (0..x_values.len() as i32 - 1).into_segmented(),
            (0..y_values.len() as i32 - 1).into_segmented(),
        )?;
    let (x_label, y_label) = (label_of(&x_values), label_of(&y_values));
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(x_values.len())
        .y_labels(y_values.len())
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .x_desc(x)
        .y_desc(lines)
        .label_style(font(15.0))
        .axis_desc_style(font(16.0))
        .draw()?;
    let edge = |i: usize, n: usize| {
        if i + 1 == n {
            SegmentValue::Last
        } else {
            SegmentValue::Exact(i as i32 + 1)
        }
    };
    let centred = font(15.0)
        .into_text_style(root)
        .pos(Pos::new(HPos::Center, VPos::Center));
    for &(xi, yi, value) in &cells {
        let t = value.map(|v| if hi > lo { (v - lo) / (hi - lo) } else { 0.5 });
        let fill = t.map_or(RGBColor(220, 220, 220), heat);
        let corners = [
            (
                SegmentValue::Exact(xi as i32),
                SegmentValue::Exact(yi as i32),
            ),
            (edge(xi, x_values.len()), edge(yi, y_values.len())),
        ];
        chart.draw_series([Rectangle::new(corners.clone(), fill.filled())])?;
        chart.draw_series([Rectangle::new(corners, WHITE.stroke_width(2))])?;
        let text = value.map_or_else(|| "n/a".to_string(), four_significant_digits);
        let color = if t.unwrap_or(0.0) > 0.6 { WHITE } else { BLACK };
        chart.draw_series([Text::new(text, (cat(xi), cat(yi)), centred.color(&color))])?;
    }
    Ok(())
}

fn pareto<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, data: &Data<'_>) -> DrawResult<DB> {
    let slo = data
        .plan
        .objectives
        .iter()
        .find(|o| o.kind == "max_age")
        .map(|o| o.limit);
    let points: Vec<(&VariantStats, f64, f64)> = data
        .stats
        .iter()
        .filter(|v| v.clean())
        .filter_map(|v| Some((v, v.mean(&MAX_RECORD_AGE_S)?, v.mean(&COST_USD)?)))
        .collect();
    let x_max = points.iter().map(|p| p.1).chain(slo).fold(0.0f64, f64::max);
    let y_max = points.iter().map(|p| p.2).fold(0.0f64, f64::max);
    let pad = |m: f64| if m > 0.0 { m * 1.1 } else { 1.0 };
    let mut chart = ChartBuilder::on(root)
        .caption(
            format!(
                "{}: cost against max record age, {} variants",
                data.plan.name,
                points.len()
            ),
            font(22.0),
        )
        .margin(20)
        .x_label_area_size(50)
        .y_label_area_size(90)
        .build_cartesian_2d(0.0..pad(x_max), 0.0..pad(y_max))?;
    chart
        .configure_mesh()
        .x_desc("max record age, s (mean over replications)")
        .y_desc("cost, USD (mean)")
        .label_style(font(15.0))
        .axis_desc_style(font(16.0))
        .draw()?;
    let meets = |v: &VariantStats| v.meets_slo != Some(false);
    for (ok, color, label) in [
        (true, SERIES[0], "meets every objective"),
        (false, SERIES[7], "misses an objective"),
    ] {
        let group: Vec<_> = points.iter().filter(|p| meets(p.0) == ok).collect();
        if group.is_empty() {
            continue;
        }
        chart
            .draw_series(
                group
                    .iter()
                    .map(|p| Circle::new((p.1, p.2), 4, color.filled())),
            )?
            .label(if data.plan.objectives.is_empty() {
                "variant"
            } else {
                label
            })
            .legend(move |(px, py)| Circle::new((px + 10, py), 4, color.filled()));
    }
    // Drawn from the youngest to the oldest age, so the line never doubles back.
    let mut front: Vec<(f64, f64)> = points
        .iter()
        .filter(|p| p.0.pareto)
        .map(|p| (p.1, p.2))
        .collect();
    front.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.total_cmp(&a.1)));
    let red = SERIES[3];
    chart
        .draw_series(LineSeries::new(front.iter().copied(), red.stroke_width(2)))?
        .label("Pareto front")
        .legend(move |(px, py)| {
            PathElement::new(vec![(px, py), (px + 20, py)], red.stroke_width(2))
        });
    chart.draw_series(
        front
            .iter()
            .map(|&p| Circle::new(p, 6, red.stroke_width(2))),
    )?;
    if let Some(slo) = slo {
        let green = SERIES[2];
        chart
            .draw_series([PathElement::new(
                vec![(slo, 0.0), (slo, pad(y_max))],
                green.stroke_width(2),
            )])?
            .label(format!("SLO: max age {slo} s"))
            .legend(move |(px, py)| {
                PathElement::new(vec![(px, py), (px + 20, py)], green.stroke_width(2))
            });
    }
    if let Some(best) = best(data.plan, data.stats).first()
        && let (Some(x), Some(y)) = (best.mean(&MAX_RECORD_AGE_S), best.mean(&COST_USD))
    {
        let what = match (data.plan.objectives.is_empty(), rank_metric(data.plan).name) {
            (false, "cost_usd") => "cheapest meeting every objective".to_string(),
            (true, "cost_usd") => "cheapest".to_string(),
            (false, m) => format!("lowest {m} meeting every objective"),
            (true, m) => format!("lowest {m}"),
        };
        let label = format!("{what}: variant {}", best.variant);
        chart.draw_series([EmptyElement::at((x, y))
            + Circle::new((0, 0), 9, BLACK.stroke_width(2))
            + Text::new(label, (12, -22), font(15.0))])?;
    }
    legend(&mut chart)?;
    Ok(())
}
