//! Benchmark groups.

pub mod arrivals;
pub mod charts;
pub mod engine;
pub mod floor;
pub mod scenarios;

use esmsim::engine::time::SimDuration;
use esmsim::model::traffic::RateCurve;
use esmsim::scenario::RateShape;

/// Partitions of the `large` benchmark scenario.
pub const LARGE_PARTITIONS: u64 = 1_000;

/// The rate curve of the `large` benchmark scenario: 200,000 records/s, plus or minus
/// 100,000 over the day, peaking at 14 h.
pub fn large_curve() -> RateCurve {
    RateCurve::new(&[
        RateShape::Constant(200_000.0),
        RateShape::Diurnal {
            period: SimDuration::from_secs(86_400),
            amplitude: 100_000.0,
            peak_at: SimDuration::from_secs(14 * 3_600),
        },
    ])
}
