//! The producer of one partition: draws, bucket by bucket, how many records arrive and
//! when, from the partition's own random streams.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::Distribution;

use crate::engine::rng::{Purpose, stream};
use crate::engine::time::{SimDuration, SimTime};
use crate::model::log::Run;
use crate::model::traffic::{RateCurve, RecordSizer};
use crate::scenario::ArrivalProcess;

/// The producer of one partition: draws runs bucket by bucket from its own streams.
pub(super) struct Producer {
    arrivals: ArrivalProcess,
    share: f64,
    pub(super) resolution: SimDuration,
    pub(super) next_bucket: u64,
    arrival_rng: ChaCha8Rng,
    /// Record sizes, drawn per run (also for the initial backlog).
    pub(super) size_rng: ChaCha8Rng,
    /// Deterministic arrivals: expected records so far, and records emitted so far.
    expected: f64,
    emitted: u64,
}

/// Buckets with up to this many Poisson arrivals draw their first and last arrival times
/// exactly; busier buckets place them at their expected positions, `width / (n + 1)`
/// from either edge (the draws would move them by about that much).
pub const EXACT_ORDER_STATISTICS: u64 = 8;

/// Tolerance on the expected count of fluid arrivals, so that float rounding never
/// delays a record that is due exactly at a bucket boundary.
const FLUID_EPSILON: f64 = 1e-9;

impl Producer {
    /// The producer of partition `index` with `share` of the topic's traffic.
    pub(super) fn new(
        seed: u64,
        index: u32,
        share: f64,
        arrivals: ArrivalProcess,
        resolution: SimDuration,
    ) -> Self {
        Producer {
            arrivals,
            share,
            resolution,
            next_bucket: 0,
            arrival_rng: stream(seed, Purpose::Arrivals, index as u64),
            size_rng: stream(seed, Purpose::RecordSizes, index as u64),
            expected: 0.0,
            emitted: 0,
        }
    }

    /// Draws the next bucket; returns its run if any record arrived in it.
    pub(super) fn next_run(&mut self, curve: &RateCurve, sizer: &RecordSizer) -> Option<Run> {
        let width = self.resolution.0;
        let bucket = self.next_bucket;
        let start = bucket * width;
        self.next_bucket += 1;
        let mid = SimTime(start + width / 2);
        let expected = curve.bucket_rate(bucket, mid) * self.share * self.resolution.as_secs_f64();
        let (count, first, last) = match self.arrivals {
            ArrivalProcess::Poisson => {
                if expected <= 0.0 {
                    return None;
                }
                let count = curve
                    .bucket_poisson(bucket, expected)
                    .map_or(0, |law| law.sample(&mut self.arrival_rng) as u64);
                if count == 0 {
                    return None;
                }
                let (min_frac, max_frac) = if count > EXACT_ORDER_STATISTICS {
                    // Busy bucket: the expected first and last of `count` uniforms.
                    let gap = 1.0 / (count + 1) as f64;
                    (gap, 1.0 - gap)
                } else {
                    // The maximum of `count` uniforms, then the minimum of the other ones
                    // below it: the exact joint law of the first and last arrival.
                    let max_frac: f64 = self.arrival_rng.random::<f64>().powf(1.0 / count as f64);
                    let min_frac = if count == 1 {
                        max_frac
                    } else {
                        let u: f64 = self.arrival_rng.random();
                        max_frac * (1.0 - u.powf(1.0 / (count - 1) as f64))
                    };
                    (min_frac, max_frac)
                };
                let at = |frac: f64| SimTime(start + ((width as f64) * frac) as u64);
                (count, at(min_frac), at(max_frac))
            }
            ArrivalProcess::Deterministic => {
                let before = self.expected;
                self.expected += expected;
                let due = (self.expected + FLUID_EPSILON).floor() as u64;
                if due <= self.emitted || expected <= 0.0 {
                    return None;
                }
                let count = due - self.emitted;
                let first_k = self.emitted + 1;
                self.emitted = due;
                let at = |k: u64| {
                    let frac = ((k as f64 - before) / expected).clamp(0.0, 1.0);
                    SimTime(start + ((width as f64) * frac).round() as u64)
                };
                (count, at(first_k), at(due))
            }
        };
        let bytes = sizer.run_bytes(count, &mut self.size_rng);
        Some(Run {
            count,
            bytes,
            first,
            last,
        })
    }

    pub(super) fn generated_until(&self) -> SimTime {
        SimTime(self.next_bucket * self.resolution.0)
    }
}
