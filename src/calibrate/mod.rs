//! `esmsim calibrate`: fit the scenario's unknown constants (the scaler's step, min_lag,
//! actuation delay, ...) to what CloudWatch saw.
//!
//! [`observed`] parses the `aws cloudwatch get-metric-data` JSON; [`fit`] simulates
//! candidates on the shared [`crate::executor::Executor`] with common random numbers and
//! searches the parameter grids. No file IO here; the command in `src/cli/calibrate.rs`
//! reads the files and writes `calibrated.yaml`, `fit.json`, `fit.csv` and the
//! [`chart`] of observed against simulated series.

pub mod chart;
pub mod fit;
pub mod observed;

#[cfg(test)]
mod tests;

use crate::metrics::SampleRow;
use observed::{Metric, Observed, Series};

/// The rows of a run as observed series with `period_s`, starting at epoch `start`, for
/// `metrics` (the synthetic-truth test and the bundled example's data come from this).
pub fn observe_run(
    rows: &[SampleRow],
    interval_s: f64,
    duration_s: f64,
    period_s: i64,
    start: i64,
    metrics: &[Metric],
) -> Observed {
    let periods = (duration_s / period_s as f64).floor() as i64;
    let series = metrics
        .iter()
        .map(|&metric| Series {
            metric,
            points: (0..periods)
                .filter_map(|i| {
                    let from = (i * period_s) as f64;
                    fit::aggregate(rows, metric, from, from + period_s as f64, interval_s)
                        .map(|v| (start + i * period_s, v))
                })
                .collect(),
        })
        .collect();
    Observed { period_s, series }
}
