//! The producer of one partition: draws, bucket by bucket, how many records arrive and
//! when, from the partition's own random streams, skipping empty buckets without
//! drawing them one by one.
//!
//! Poisson arrivals follow one of two exact samplers per bucket, chosen by the bucket's
//! expected count alone (so by the seed, the partition and the rate curve, never by the
//! consumer):
//!
//! * a busy bucket (mean at least [`SPARSE_MEAN`]) draws its count from the Poisson law
//!   ([`RateCurve::draw_poisson`]), then the first and last arrival times;
//! * a sparse bucket is read off the partition's Poisson process itself: the expected
//!   records before the next arrival are an Exp(1) draw (`gap`), which the buckets use
//!   up one after another, so empty buckets cost no random draw, and a stretch of
//!   buckets with the same rate is passed in one step (`floor(gap / mean)` buckets are
//!   empty). In the bucket where the gap runs out, the arrivals are placed at the
//!   successive Exp(1) steps, which gives their count and their exact first and last
//!   times. The process has no memory, so the gap left at the end of a bucket, or a
//!   fresh draw after a busy bucket, has the same law.
//!
//! The next non-empty bucket is found in one step, whoever asks and however far ahead,
//! so the runs drawn never depend on when they are asked for.

use rand::Rng;
use rand_distr::Exp1;
use rand_pcg::Pcg64Mcg;

use crate::engine::rng::{Purpose, compact_stream};
use crate::engine::time::{SimDuration, SimTime};
use crate::model::log::Run;
use crate::model::traffic::{RateCurve, RecordSizer};
use crate::scenario::ArrivalProcess;

/// The producer of one partition: draws runs bucket by bucket from its own streams.
///
/// Kept small (its streams are 16-byte [`compact_stream`]s) because every partition holds
/// one and a pass over many partitions reads it whenever a bucket is due.
pub(super) struct Producer {
    share: f64,
    pub(super) resolution: SimDuration,
    /// The next bucket to draw; every bucket before it is drawn. `u64::MAX` once every
    /// bucket up to the curve's end is.
    pub(super) next_bucket: u64,
    arrival_rng: Pcg64Mcg,
    /// Record sizes, drawn per run (also for the initial backlog).
    pub(super) size_rng: Pcg64Mcg,
    state: ArrivalState,
}

/// What an arrival process carries from one bucket to the next.
enum ArrivalState {
    /// Poisson arrivals: in sparse buckets, the expected records still to come, from the
    /// start of `next_bucket`, before the next arrival; `None` when not drawn yet.
    Poisson { gap: Option<f64> },
    /// Deterministic arrivals: expected records so far, and records emitted so far.
    Fluid { expected: f64, emitted: u64 },
}

/// Buckets expecting fewer records than this are drawn from the arrival process's gaps
/// (see the module documentation), busier ones from the Poisson law of their count.
pub const SPARSE_MEAN: f64 = 1.0;

/// Buckets with up to this many Poisson arrivals draw their first and last arrival times
/// exactly; busier buckets place them at their expected positions, `width / (n + 1)`
/// from either edge (the draws would move them by about that much).
pub const EXACT_ORDER_STATISTICS: u64 = 8;

/// `1 / (n + 1)` for `n` below 64: the expected first of `n` uniforms, the same value
/// the division gives, read from a table because a busy bucket needs it at every draw.
const EXPECTED_FIRST: [f64; 64] = {
    let mut table = [0.0; 64];
    let mut n = 0;
    while n < 64 {
        table[n] = 1.0 / (n + 1) as f64;
        n += 1;
    }
    table
};

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
        let state = match arrivals {
            ArrivalProcess::Poisson => ArrivalState::Poisson { gap: None },
            ArrivalProcess::Deterministic => ArrivalState::Fluid {
                expected: 0.0,
                emitted: 0,
            },
        };
        Producer {
            share,
            resolution,
            next_bucket: 0,
            arrival_rng: compact_stream(seed, Purpose::Arrivals, index as u64),
            size_rng: compact_stream(seed, Purpose::RecordSizes, index as u64),
            state,
        }
    }

    /// Draws up to the next bucket that holds records and returns its run; `None` when
    /// no bucket up to the curve's end does (every bucket is then drawn).
    pub(super) fn next_run(&mut self, curve: &RateCurve, sizer: &RecordSizer) -> Option<Run> {
        while self.starts_by_end(curve, self.next_bucket) {
            let drawn = match self.state {
                ArrivalState::Poisson { gap } => self.poisson_bucket(curve, gap),
                ArrivalState::Fluid { expected, emitted } => {
                    self.fluid_bucket(curve, expected, emitted)
                }
            };
            if let Some((count, first, last)) = drawn {
                let bytes = sizer.run_bytes(count, &mut self.size_rng);
                return Some(Run {
                    count,
                    bytes,
                    first,
                    last,
                });
            }
        }
        self.next_bucket = u64::MAX;
        None
    }

    /// Whether bucket `bucket` starts by the curve's end (it is at most the last
    /// bucket, `end / resolution`), found without a division.
    fn starts_by_end(&self, curve: &RateCurve, bucket: u64) -> bool {
        bucket
            .checked_mul(self.resolution.0)
            .is_some_and(|start| start <= curve.end().0)
    }

    /// Buckets from `bucket` (at most the last) to the curve's last, that one included.
    fn buckets_left(&self, curve: &RateCurve, bucket: u64) -> u64 {
        curve.end().0 / self.resolution.0 - bucket + 1
    }

    /// The expected records of bucket `bucket`.
    fn bucket_mean(&self, curve: &RateCurve, bucket: u64) -> f64 {
        let width = self.resolution.0;
        let mid = SimTime(bucket * width + width / 2);
        curve.bucket_rate(bucket, mid) * self.share * self.resolution.as_secs_f64()
    }

    /// Draws from `next_bucket` on, at least one bucket: the count and first and last
    /// arrival times of the bucket reached if it holds records, else `None` with the
    /// empty buckets passed.
    fn poisson_bucket(
        &mut self,
        curve: &RateCurve,
        gap: Option<f64>,
    ) -> Option<(u64, SimTime, SimTime)> {
        let width = self.resolution.0;
        let bucket = self.next_bucket;
        let start = bucket * width;
        let expected = self.bucket_mean(curve, bucket);
        if expected >= SPARSE_MEAN {
            self.next_bucket += 1;
            self.state = ArrivalState::Poisson { gap: None };
            let count = curve.draw_poisson(bucket, expected, &mut self.arrival_rng);
            return (count > 0).then(|| self.busy_bucket_times(start, count));
        }
        if expected.is_nan() || expected <= 0.0 {
            // No records: pass the whole stretch without any.
            let remaining = self.buckets_left(curve, bucket);
            self.next_bucket += self.steady_buckets(curve, bucket, remaining);
            return None;
        }
        let gap = match gap {
            Some(gap) => gap,
            None => self.arrival_rng.sample(Exp1),
        };
        let passed = (gap / expected).floor();
        if passed >= 1.0 {
            // `passed` is a whole number (or infinite) and the buckets left below 2^53
            // (a run lasts at most 366 days, buckets at least 1 µs), so comparing them
            // as integers gives what comparing them as floats did; they are counted
            // (a division) only when the stretch would pass the curve's end.
            let passed = passed as u64;
            let wanted = if self.starts_by_end(curve, bucket.saturating_add(passed - 1)) {
                passed
            } else {
                passed.min(self.buckets_left(curve, bucket))
            };
            let skipped = self.steady_buckets(curve, bucket, wanted);
            self.state = ArrivalState::Poisson {
                gap: Some((gap - skipped as f64 * expected).max(0.0)),
            };
            self.next_bucket += skipped;
            return None;
        }
        self.next_bucket += 1;
        let (first, mut at, mut count) = (gap, gap, 1);
        loop {
            let step: f64 = self.arrival_rng.sample(Exp1);
            if at + step >= expected {
                self.state = ArrivalState::Poisson {
                    gap: Some(at + step - expected),
                };
                break;
            }
            at += step;
            count += 1;
        }
        let time =
            |x: f64| SimTime(start + (((width as f64) * (x / expected)) as u64).min(width - 1));
        let first = time(first);
        // A lone arrival (the usual sparse bucket) is its own last.
        let last = if count == 1 { first } else { time(at) };
        Some((count, first, last))
    }

    /// First and last arrival times of a busy bucket starting at `start` with `count`
    /// records.
    fn busy_bucket_times(&mut self, start: u64, count: u64) -> (u64, SimTime, SimTime) {
        let width = self.resolution.0;
        let (min_frac, max_frac) = if count > EXACT_ORDER_STATISTICS {
            // Busy bucket: the expected first and last of `count` uniforms.
            let gap = EXPECTED_FIRST
                .get(count as usize)
                .copied()
                .unwrap_or_else(|| 1.0 / (count + 1) as f64);
            (gap, 1.0 - gap)
        } else {
            // The least and the greatest of `count` uniform arrival times: the exact
            // joint law of the first and last arrival, a few cheap draws instead of
            // two `powf` inversions.
            (0..count).fold((1.0_f64, 0.0_f64), |(min_frac, max_frac), _| {
                let u: f64 = self.arrival_rng.random();
                (min_frac.min(u), max_frac.max(u))
            })
        };
        let at = |frac: f64| SimTime(start + ((width as f64) * frac) as u64);
        (count, at(min_frac), at(max_frac))
    }

    /// How many buckets from `bucket` on (at least 1, at most `wanted`) have the very
    /// rate of `bucket`: those whose middles come before [`RateCurve::steady_until`].
    fn steady_buckets(&self, curve: &RateCurve, bucket: u64, wanted: u64) -> u64 {
        if wanted <= 1 {
            return 1;
        }
        let width = self.resolution.0;
        let mid = |b: u64| {
            b.checked_mul(width)
                .and_then(|start| start.checked_add(width / 2))
                .map_or(f64::INFINITY, |ns| SimTime(ns).as_secs_f64())
        };
        let until = curve.steady_until(mid(bucket));
        let steady = |n: u64| mid(bucket + n - 1) < until;
        if steady(wanted) {
            return wanted;
        }
        // The largest n in [1, wanted) with `steady(n)` (true at 1).
        let (mut lo, mut hi) = (1, wanted - 1);
        while lo < hi {
            let n = lo + (hi - lo).div_ceil(2);
            if steady(n) {
                lo = n;
            } else {
                hi = n - 1;
            }
        }
        lo
    }

    /// Draws bucket `next_bucket` of deterministic (fluid) arrivals.
    /// A stretch without records is passed in one step.
    fn fluid_bucket(
        &mut self,
        curve: &RateCurve,
        expected_so_far: f64,
        emitted: u64,
    ) -> Option<(u64, SimTime, SimTime)> {
        let width = self.resolution.0;
        let bucket = self.next_bucket;
        let start = bucket * width;
        let expected = self.bucket_mean(curve, bucket);
        if expected <= 0.0 {
            let remaining = self.buckets_left(curve, bucket);
            self.next_bucket += self.steady_buckets(curve, bucket, remaining);
            return None;
        }
        self.next_bucket += 1;
        let before = expected_so_far;
        let after = before + expected;
        let due = (after + FLUID_EPSILON).floor() as u64;
        let emitted_now = due.max(emitted);
        self.state = ArrivalState::Fluid {
            expected: after,
            emitted: emitted_now,
        };
        if due <= emitted {
            return None;
        }
        let count = due - emitted;
        let first_k = emitted + 1;
        let at = |k: u64| {
            let frac = ((k as f64 - before) / expected).clamp(0.0, 1.0);
            SimTime(start + ((width as f64) * frac).round() as u64)
        };
        Some((count, at(first_k), at(due)))
    }

    /// Every arrival before this time is drawn.
    pub(super) fn generated_until(&self) -> SimTime {
        self.next_bucket
            .checked_mul(self.resolution.0)
            .map_or(SimTime::MAX, SimTime)
    }
}
