//! `fit.png` and `fit.svg`: what CloudWatch saw against what the calibrated scenario
//! simulates, one panel per compared metric (lag, concurrency, pollers, ...) on one time
//! axis, at the observed period. Pure: panels in, image bytes out.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::charts::format::{count, plain};
use crate::charts::image::{self, DrawResult, Drawing, Format, ImageError};
use crate::charts::palette::{BLUE, INK};
use crate::output::OutputFile;

/// Width of the image, and height of one panel, in pixels.
const WIDTH: u32 = 1200;
const PANEL_HEIGHT: u32 = 260;

/// One compared metric: its name and, per observed period, the period's start (seconds
/// from t = 0), the observed value and the simulated one (none when the run has no sample
/// in the period).
#[derive(Clone, Debug, PartialEq)]
pub struct FitPanel {
    /// The CloudWatch metric name and its statistic, e.g. `OffsetLag (Maximum)`.
    pub title: String,
    /// `(t_s, observed, simulated)` per period, in time order.
    pub points: Vec<(f64, f64, Option<f64>)>,
}

struct FitDrawing<'a> {
    name: &'a str,
    panels: &'a [FitPanel],
}

impl Drawing for FitDrawing<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        let (title, body) = root.split_vertically(40);
        title.titled(
            &format!("{}: observed (CloudWatch) against simulated", self.name),
            (FontFamily::SansSerif, 22).into_font(),
        )?;
        let end_min = self
            .panels
            .iter()
            .flat_map(|p| p.points.iter().map(|q| q.0 / 60.0))
            .fold(0.0f64, f64::max)
            .max(1.0);
        let areas = body.split_evenly((self.panels.len().max(1), 1));
        for (panel, area) in self.panels.iter().zip(&areas) {
            draw_panel(area, panel, end_min)?;
        }
        Ok(())
    }
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &FitPanel,
    end_min: f64,
) -> DrawResult<DB> {
    let y_max = panel
        .points
        .iter()
        .flat_map(|p| [Some(p.1), p.2])
        .flatten()
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    let y_top = if y_max > 0.0 { y_max * 1.1 } else { 1.0 };
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, (FontFamily::SansSerif, 16).into_font())
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(80)
        .build_cartesian_2d(0.0..end_min, 0.0..y_top)?;
    chart
        .configure_mesh()
        .x_desc("minutes from t = 0")
        .x_label_formatter(&|v| plain(*v))
        .y_label_formatter(&|v| count(*v))
        .label_style((FontFamily::SansSerif, 13).into_font())
        .axis_desc_style((FontFamily::SansSerif, 14).into_font())
        .draw()?;
    let observed: Vec<(f64, f64)> = panel.points.iter().map(|p| (p.0 / 60.0, p.1)).collect();
    chart
        .draw_series(LineSeries::new(
            observed.iter().copied(),
            INK.stroke_width(1),
        ))?
        .label("observed")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], INK.stroke_width(2)));
    let simulated: Vec<(f64, f64)> = panel
        .points
        .iter()
        .filter_map(|p| Some((p.0 / 60.0, p.2?)))
        .collect();
    chart
        .draw_series(LineSeries::new(simulated, BLUE.stroke_width(2)))?
        .label("simulated")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE.stroke_width(2)));
    // The observed points go on top, so a perfect fit still shows them.
    chart.draw_series(observed.iter().map(|&p| Circle::new(p, 3, INK.filled())))?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .label_font((FontFamily::SansSerif, 13).into_font())
        .draw()?;
    Ok(())
}

/// `fit.png` and `fit.svg` for the calibration of scenario `name`.
///
/// # Errors
///
/// The bundled font cannot be registered, or plotters or the PNG encoder fail: the
/// message.
pub fn render(name: &str, panels: &[FitPanel]) -> Result<Vec<OutputFile>, String> {
    crate::charts::ensure_fonts().map_err(|e| e.to_string())?;
    let size = (WIDTH, 40 + PANEL_HEIGHT * panels.len().max(1) as u32);
    let drawing = FitDrawing { name, panels };
    [Format::Png, Format::Svg]
        .into_iter()
        .map(|format| {
            let bytes = image::encode(format, size, &drawing).map_err(|e| match e {
                ImageError::Draw(m) | ImageError::Encode(m) => m,
            })?;
            Ok(OutputFile {
                name: format!("fit.{}", format.extension()),
                bytes,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_panel_per_metric_in_both_formats() {
        let panels = vec![
            FitPanel {
                title: "OffsetLag (Maximum)".into(),
                points: vec![(0.0, 10.0, Some(12.0)), (60.0, 50.0, None)],
            },
            FitPanel {
                title: "ConcurrentExecutions (Maximum)".into(),
                points: vec![(0.0, 1.0, Some(1.0)), (60.0, 3.0, Some(2.0))],
            },
        ];
        let files = render("orders", &panels).unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["fit.png", "fit.svg"]);
        assert!(files[0].bytes.starts_with(b"\x89PNG"));
        let svg = String::from_utf8(files[1].bytes.clone()).unwrap();
        for text in [
            "OffsetLag (Maximum)",
            "ConcurrentExecutions (Maximum)",
            "simulated",
        ] {
            assert!(svg.contains(text), "the SVG lacks {text:?}");
        }
        assert!(svg.contains(&format!("height=\"{}\"", 40 + 2 * PANEL_HEIGHT)));
    }
}
