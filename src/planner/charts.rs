//! The planner's charts, PNG and SVG like every chart (bundled font, Okabe–Ito colours):
//!
//! * `cost-by-parameter`: one panel per varied field, the mean cost per day against its
//!   values with every other field at the chosen (or closest) configuration; filled dots
//!   met every objective on the seeds simulated, crosses missed; the chosen value ringed.
//!   Values not simulated (pruned) are left out.
//! * `tornado`: per assumption, the range of the smallest relative margin over its
//!   plausible values (a bar), the configuration as given (a black line) and the limit
//!   (margin 0, a red line); assumptions that flip the verdict are vermillion.

use plotters::coord::Shift;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use serde::Serialize;

use super::PlanError;
use super::eval::Runner;
use super::sensitivity::SensitivityReport;
use crate::charts::format::usd;
use crate::charts::image::{self, DrawResult, Drawing, Format, ImageError};
use crate::charts::palette::{BLUE, INK, VERMILLION};
use crate::output::OutputFile;
use crate::sweep::charts::{font, label_of};

/// The cost along one varied field through a configuration.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CostCurve {
    /// The field.
    pub path: String,
    /// Its values.
    pub values: Vec<String>,
    /// `(value index, mean cost per day in USD, met every objective)` for each value
    /// simulated.
    pub points: Vec<(usize, f64, bool)>,
    /// The value index of the configuration the curve goes through.
    pub at: usize,
}

/// The cost curves through `center`, one per axis.
pub fn cost_curves(runner: &Runner<'_>, center: &[usize]) -> Vec<CostCurve> {
    let problem = runner.problem();
    problem
        .axes
        .iter()
        .enumerate()
        .map(|(k, axis)| {
            let points = (0..axis.values.len())
                .filter_map(|v| {
                    let mut c = center.to_vec();
                    c[k] = v;
                    let runs = runner.runs_of(&c);
                    let first = runs.first()?;
                    let per_day = 86_400.0 / first.duration_s.max(1e-9);
                    let met = runner.combined(&c).iter().all(|o| o.met);
                    Some((v, runner.mean_cost(&c)? * per_day, met))
                })
                .collect();
            CostCurve {
                path: axis.path.clone(),
                values: axis.values.clone(),
                points,
                at: center[k],
            }
        })
        .collect()
}

struct CostDrawing<'a> {
    title: &'a str,
    curves: &'a [CostCurve],
}

impl Drawing for CostDrawing<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        let root = root.titled(self.title, font(22.0))?;
        let panels = root.split_evenly((self.curves.len().max(1), 1));
        for (curve, area) in self.curves.iter().zip(panels.iter()) {
            let top = curve.points.iter().map(|p| p.1).fold(0.0f64, f64::max);
            let top = if top > 0.0 { top * 1.15 } else { 1.0 };
            let n = curve.values.len() as i32;
            let mut chart = ChartBuilder::on(area)
                .margin(12)
                .x_label_area_size(40)
                .y_label_area_size(80)
                .build_cartesian_2d((0..n - 1).into_segmented(), 0.0..top)?;
            let x_label = label_of(&curve.values);
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_labels(curve.values.len().min(24))
                .x_label_formatter(&x_label)
                .y_label_formatter(&|v| usd(*v))
                .x_desc(curve.path.as_str())
                .y_desc("cost per day")
                .label_style(font(14.0))
                .axis_desc_style(font(15.0))
                .draw()?;
            let at = |i: usize| SegmentValue::CenterOf(i as i32);
            chart.draw_series(LineSeries::new(
                curve.points.iter().map(|p| (at(p.0), p.1)),
                BLUE.stroke_width(2),
            ))?;
            for &(v, cost, met) in &curve.points {
                if met {
                    chart.draw_series([Circle::new((at(v), cost), 5, BLUE.filled())])?;
                } else {
                    chart.draw_series([Cross::new(
                        (at(v), cost),
                        6,
                        VERMILLION.stroke_width(2),
                    )])?;
                }
                if v == curve.at {
                    chart.draw_series([Circle::new((at(v), cost), 10, INK.stroke_width(2))])?;
                }
            }
        }
        Ok(())
    }
}

struct TornadoDrawing<'a> {
    title: &'a str,
    report: &'a SensitivityReport,
}

impl Drawing for TornadoDrawing<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        let effects = &self.report.assumptions;
        let pct = |m: f64| if m.is_finite() { m * 100.0 } else { 0.0 };
        let base = pct(self.report.baseline.margin);
        let (lo, hi) = effects
            .iter()
            .map(|e| (pct(e.margin_range.0), pct(e.margin_range.1)))
            .fold((base.min(0.0), base.max(0.0)), |(a, b), (l, h)| {
                (a.min(l), b.max(h))
            });
        let pad = ((hi - lo) * 0.08).max(1.0);
        // A range narrowed by `--calibrated` says so on its label.
        let names: Vec<String> = effects
            .iter()
            .map(|e| {
                if e.calibrated {
                    format!("{} (calibrated)", e.name)
                } else {
                    e.name.clone()
                }
            })
            .collect();
        let n = names.len().max(1) as i32;
        let mut chart = ChartBuilder::on(root)
            .caption(self.title, font(22.0))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(230)
            .build_cartesian_2d((lo - pad)..(hi + pad), (0..n - 1).into_segmented())?;
        // The first (largest swing) at the top.
        let rev: Vec<String> = names.iter().rev().cloned().collect();
        let y_label = label_of(&rev);
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(names.len())
            .y_label_formatter(&y_label)
            .x_desc("smallest margin over the objectives, % of the limit (negative: missed)")
            .label_style(font(14.0))
            .axis_desc_style(font(15.0))
            .draw()?;
        let row = |i: usize| effects.len() - 1 - i;
        for (i, e) in effects.iter().enumerate() {
            let color = if e.flips { VERMILLION } else { BLUE };
            let y0 = SegmentValue::Exact(row(i) as i32);
            let y1 = if row(i) as i32 + 1 >= n {
                SegmentValue::Last
            } else {
                SegmentValue::Exact(row(i) as i32 + 1)
            };
            let (l, h) = (pct(e.margin_range.0), pct(e.margin_range.1));
            // A constant with no effect still shows as a sliver.
            let sliver = ((hi - lo) * 0.006).max(0.2);
            let h = if h - l < sliver { l + sliver } else { h };
            chart.draw_series([Rectangle::new([(l, y0), (h, y1)], color.mix(0.8).filled())])?;
        }
        let full = |x: f64| vec![(x, SegmentValue::Exact(0)), (x, SegmentValue::Last)];
        chart
            .draw_series([PathElement::new(full(0.0), VERMILLION.stroke_width(2))])?
            .label("the limit (margin 0)")
            .legend(|(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], VERMILLION.stroke_width(2))
            });
        chart
            .draw_series([PathElement::new(full(base), INK.stroke_width(2))])?
            .label("as configured")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], INK.stroke_width(2)));
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font(font(14.0))
            .position(SeriesLabelPosition::LowerRight)
            .draw()?;
        Ok(())
    }
}

fn files(
    name: &str,
    size: (u32, u32),
    drawing: &impl Drawing,
) -> Result<Vec<OutputFile>, PlanError> {
    crate::charts::ensure_fonts().map_err(|e| PlanError::Chart {
        chart: name.into(),
        message: e.to_string(),
    })?;
    [Format::Png, Format::Svg]
        .into_iter()
        .map(|format| {
            let bytes = image::encode(format, size, drawing).map_err(|e| PlanError::Chart {
                chart: name.into(),
                message: match e {
                    ImageError::Draw(m) | ImageError::Encode(m) => m,
                },
            })?;
            Ok(OutputFile {
                name: format!("{name}.{}", format.extension()),
                bytes,
            })
        })
        .collect()
}

/// The name of the cost chart's files (without extension).
pub const COST_CHART: &str = "cost-by-parameter";
/// The name of the tornado chart's files (without extension).
pub const TORNADO_CHART: &str = "tornado";

/// `cost-by-parameter.png` and `.svg`.
///
/// # Errors
///
/// [`PlanError::Chart`] when plotters or the encoder fails.
pub fn cost_chart(title: &str, curves: &[CostCurve]) -> Result<Vec<OutputFile>, PlanError> {
    let height = 120 + 260 * curves.len().max(1) as u32;
    files(COST_CHART, (1000, height), &CostDrawing { title, curves })
}

/// `tornado.png` and `.svg`.
///
/// # Errors
///
/// [`PlanError::Chart`] when plotters or the encoder fails.
pub fn tornado_chart(
    title: &str,
    report: &SensitivityReport,
) -> Result<Vec<OutputFile>, PlanError> {
    let height = 160 + 50 * report.assumptions.len().max(1) as u32;
    files(
        TORNADO_CHART,
        (1100, height),
        &TornadoDrawing { title, report },
    )
}
