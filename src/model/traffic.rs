//! Producer traffic: the rate curve, the spread of keys over partitions and record sizes.
//!
//! Everything here is a pure function of the producer settings (and, for sizes, a random
//! stream of the producer side), so a change on the consumer side never changes what is
//! produced.

use std::cell::{Cell, RefCell};

use rand::Rng;
use rand_distr::{Distribution, Normal, Poisson};

use super::size_laws::{Histogram, TruncatedLognormal};
use crate::engine::time::{NANOS_PER_SEC, SimTime};
use crate::scenario::{KeyDistribution, RateShape, RecordSize};

/// The topic-wide producer rate in records/s as a function of time: the sum of the
/// scenario's shapes, never below zero, up to the end of the run ([`RateCurve::with_end`]).
///
/// Every partition asks for the rate of the same arrival buckets at about the same
/// time, so [`RateCurve::bucket_rate`] keeps recent buckets' rates in a small
/// direct-mapped cache: the curve is evaluated about once per bucket, not once per
/// bucket and partition. The cached value is the same number, so results do not change.
/// Likewise [`RateCurve::draw_poisson`] keeps the inverted Poisson law (a table of its
/// distribution function) of a bucket's expected count, which partitions with equal
/// shares all draw from.
#[derive(Clone, Debug)]
pub struct RateCurve {
    shapes: Vec<RateShape>,
    /// Seconds from which no shape changes again ([`RateCurve::steady_until`] is
    /// infinite at and after it); infinite when some shape keeps changing or is not
    /// worth the bound (points, traces, weeks).
    settled_from: f64,
    end: SimTime,
    cache: Vec<Cell<(u64, f64)>>,
    laws: RefCell<Vec<CachedLaw>>,
}

/// Slots of the bucket-rate cache.
const RATE_CACHE_SLOTS: usize = 4096;

/// Slots of the Poisson-law cache: partitions draw buckets close together in time, so
/// few recent buckets are live at once.
const LAW_CACHE_SLOTS: usize = 256;

/// Poisson means from this one on are drawn by `rand_distr`'s rejection sampler
/// (PTRS): building a table costs about `mean + 10 sqrt(mean)` terms, which from here on
/// costs more than the rejection sampler saves (callgrind on `medium`, whose buckets
/// expect 80 to 170 records shared by 24 partitions: 8 % more instructions at 256).
pub const INVERSION_MEAN_LIMIT: f64 = 32.0;

/// The distribution function of one Poisson mean, tabulated for inversion.
#[derive(Clone, Debug)]
struct CachedLaw {
    expected_bits: u64,
    /// `P(N <= k)` for k = 0, 1, ..., the last entry 1 (see [`poisson_cdf`]).
    cdf: Vec<f64>,
    /// Where to start looking for a uniform `u` (see [`CachedLaw::inverse`]): entry `j`
    /// is the first `k` with `cdf[k] >= j / guide.len()`.
    guide: Vec<u32>,
}

impl CachedLaw {
    /// A slot holding no law (no mean's bits equal NaN's, so the first use tabulates).
    fn empty() -> Self {
        CachedLaw {
            expected_bits: f64::NAN.to_bits(),
            cdf: Vec::new(),
            guide: Vec::new(),
        }
    }

    /// Tabulates the law of mean `mean`.
    fn set(&mut self, mean: f64) {
        self.expected_bits = mean.to_bits();
        poisson_cdf(mean, &mut self.cdf);
        let slots = self.cdf.len();
        self.guide.clear();
        let mut k = 0;
        for j in 0..slots {
            let at = j as f64 / slots as f64;
            while self.cdf[k] < at {
                k += 1;
            }
            self.guide.push(k as u32);
        }
    }

    /// The least `k` with `cdf[k] >= u` (`0 <= u < 1`): the Poisson draw for `u`. The
    /// guide entry of `u`'s slot is a start at most a step or two from it; stepping back
    /// first makes the answer exact whatever the rounding of the slot.
    fn inverse(&self, u: f64) -> u64 {
        let slot = ((u * self.guide.len() as f64) as usize).min(self.guide.len() - 1);
        let mut k = self.guide[slot] as usize;
        while k > 0 && self.cdf[k - 1] >= u {
            k -= 1;
        }
        while self.cdf[k] < u {
            k += 1;
        }
        k as u64
    }
}

impl RateCurve {
    /// A curve from the scenario's shapes, with no end.
    pub fn new(shapes: &[RateShape]) -> Self {
        let cache = (0..RATE_CACHE_SLOTS)
            .map(|_| Cell::new((u64::MAX, 0.0)))
            .collect();
        RateCurve {
            shapes: shapes.to_vec(),
            settled_from: shapes
                .iter()
                .map(shape_settled_from)
                .fold(f64::NEG_INFINITY, f64::max),
            end: SimTime::MAX,
            cache,
            laws: RefCell::new(vec![CachedLaw::empty(); LAW_CACHE_SLOTS]),
        }
    }

    /// The same curve, producing nothing after `end` (the end of the run): producers
    /// draw no arrival bucket that starts after it, so a search for the next non-empty
    /// bucket always ends.
    pub fn with_end(mut self, end: SimTime) -> Self {
        self.end = end;
        self
    }

    /// No arrival bucket starting after this time is drawn.
    pub fn end(&self) -> SimTime {
        self.end
    }

    /// A draw of a Poisson count with mean `expected`, for arrival bucket `bucket`
    /// (0 when `expected` is not a positive mean), by inversion: one uniform `u`, and
    /// the count is the least `k` with `P(N <= k) >= u`. Tabulating the distribution
    /// function costs a pass over its support, and with equal shares every partition
    /// asks for the same one, so each bucket's slot keeps the last table built for it.
    /// Means of [`INVERSION_MEAN_LIMIT`] or more use `rand_distr`'s sampler.
    pub fn draw_poisson<R: Rng>(&self, bucket: u64, expected: f64, rng: &mut R) -> u64 {
        if expected.is_nan() || expected <= 0.0 {
            return 0;
        }
        if expected >= INVERSION_MEAN_LIMIT {
            return Poisson::new(expected).map_or(0, |law| law.sample(rng) as u64);
        }
        let mut laws = self.laws.borrow_mut();
        let slot = &mut laws[bucket as usize % LAW_CACHE_SLOTS];
        if slot.expected_bits != expected.to_bits() {
            slot.set(expected);
        }
        let u: f64 = rng.random();
        slot.inverse(u)
    }

    /// The rate at `mid`, the middle of arrival bucket number `bucket` (cached).
    pub fn bucket_rate(&self, bucket: u64, mid: SimTime) -> f64 {
        let slot = &self.cache[bucket as usize % RATE_CACHE_SLOTS];
        match slot.get() {
            (cached, rate) if cached == bucket => rate,
            _ => {
                let rate = self.rate_at(mid);
                slot.set((bucket, rate));
                rate
            }
        }
    }

    /// The rate at `t`, in records/s.
    pub fn rate_at(&self, t: SimTime) -> f64 {
        let secs = t.as_secs_f64();
        let total: f64 = self
            .shapes
            .iter()
            .map(|shape| shape_rate(shape, secs))
            .sum();
        total.max(0.0)
    }

    /// A time in seconds up to which (excluded) [`RateCurve::rate_at`] returns the very
    /// same number as at `t` seconds: every shape keeps its value on `[t, until)`.
    /// Infinite when the rate never changes again; `t` itself when it may change at
    /// once (a ramp, a daily curve, points, a trace or a week being followed).
    pub fn steady_until(&self, t: f64) -> f64 {
        if t >= self.settled_from {
            return f64::INFINITY;
        }
        self.shapes
            .iter()
            .map(|shape| shape_steady_until(shape, t))
            .fold(f64::INFINITY, f64::min)
    }
}

/// The distribution function of the Poisson law with mean `mean` at 0, 1, 2, ... into
/// `cdf`, until it is within 1e-15 of 1 or, past the mean, the terms fall below 1e-18
/// (rounding can keep the sum just under 1 - 1e-15 for large means), then 1: the mass
/// put on the last count is of the order of the rounding of the sum.
fn poisson_cdf(mean: f64, cdf: &mut Vec<f64>) {
    cdf.clear();
    let mut p = (-mean).exp();
    let mut total = p;
    let mut k = 0.0;
    while total < 1.0 - 1e-15 && (k <= mean || p > 1e-18) {
        cdf.push(total);
        k += 1.0;
        p *= mean / k;
        total += p;
    }
    cdf.push(1.0);
}

/// See [`RateCurve::steady_until`], for one shape.
fn shape_steady_until(shape: &RateShape, t: f64) -> f64 {
    match shape {
        RateShape::Constant(_) => f64::INFINITY,
        RateShape::Step { at, .. } => {
            let at = at.as_secs_f64();
            if t >= at { f64::INFINITY } else { at }
        }
        RateShape::Spike { at, duration, .. } => {
            let start = at.as_secs_f64();
            let end = start + duration.as_secs_f64();
            if t < start {
                start
            } else if t < end {
                end
            } else {
                f64::INFINITY
            }
        }
        RateShape::Ramp { start, end, .. } => {
            let (s, e) = (start.as_secs_f64(), end.as_secs_f64());
            if t < s {
                s
            } else if t >= e {
                f64::INFINITY
            } else {
                t
            }
        }
        RateShape::Diurnal { amplitude, .. } => {
            if *amplitude == 0.0 {
                f64::INFINITY
            } else {
                t
            }
        }
        RateShape::Points(points) => steady_after_last(points, t),
        RateShape::Trace(trace) => steady_after_last(&trace.points, t),
        RateShape::Weekly(_) => t,
    }
}

/// Seconds from which [`shape_steady_until`] is infinite for `shape` (its own comparisons,
/// made once); infinite for a shape that keeps changing (a daily curve) or whose last
/// change is not worth finding here (points, traces, weeks).
fn shape_settled_from(shape: &RateShape) -> f64 {
    match shape {
        RateShape::Constant(_) => f64::NEG_INFINITY,
        RateShape::Step { at, .. } => at.as_secs_f64(),
        RateShape::Spike { at, duration, .. } => at.as_secs_f64() + duration.as_secs_f64(),
        RateShape::Ramp { end, .. } => end.as_secs_f64(),
        RateShape::Diurnal { amplitude, .. } if *amplitude == 0.0 => f64::NEG_INFINITY,
        RateShape::Diurnal { .. }
        | RateShape::Points(_)
        | RateShape::Trace(_)
        | RateShape::Weekly(_) => f64::INFINITY,
    }
}

/// Interpolated points hold their last value for ever after the last point.
fn steady_after_last(points: &[(crate::engine::time::SimDuration, f64)], t: f64) -> f64 {
    let t_ns = (t * NANOS_PER_SEC as f64) as u64;
    match points.last() {
        Some((at, _)) if at.0 <= t_ns => f64::INFINITY,
        None => f64::INFINITY,
        Some(_) => t,
    }
}

fn shape_rate(shape: &RateShape, t: f64) -> f64 {
    match shape {
        RateShape::Constant(rate) => *rate,
        RateShape::Step { at, rate, .. } => {
            if t >= at.as_secs_f64() {
                *rate
            } else {
                0.0
            }
        }
        RateShape::Spike {
            at, duration, rate, ..
        } => {
            let start = at.as_secs_f64();
            if t >= start && t < start + duration.as_secs_f64() {
                *rate
            } else {
                0.0
            }
        }
        RateShape::Ramp {
            start,
            end,
            from,
            to,
            ..
        } => {
            let (s, e) = (start.as_secs_f64(), end.as_secs_f64());
            if t < s {
                0.0
            } else if t >= e {
                *to
            } else {
                from + (to - from) * (t - s) / (e - s)
            }
        }
        RateShape::Diurnal {
            period,
            amplitude,
            peak_at,
        } => {
            let phase = (t - peak_at.as_secs_f64()) / period.as_secs_f64();
            amplitude * (std::f64::consts::TAU * phase).cos()
        }
        RateShape::Points(points) => interpolate(points, t),
        RateShape::Trace(trace) => interpolate(&trace.points, t),
        RateShape::Weekly(w) => w.rate_at(t),
    }
}

/// Piecewise-linear interpolation, constant outside the first and last points.
fn interpolate(points: &[(crate::engine::time::SimDuration, f64)], t: f64) -> f64 {
    let Some(first) = points.first() else {
        return 0.0;
    };
    let t_ns = (t * NANOS_PER_SEC as f64) as u64;
    let after = points.partition_point(|(at, _)| at.0 <= t_ns);
    if after == 0 {
        return first.1;
    }
    if after == points.len() {
        return points[after - 1].1;
    }
    let (t0, r0) = points[after - 1];
    let (t1, r1) = points[after];
    let frac = (t - t0.as_secs_f64()) / (t1.as_secs_f64() - t0.as_secs_f64());
    r0 + (r1 - r0) * frac
}

/// Share of the topic's records that each partition receives; the shares sum to 1.
pub fn partition_shares(keys: &KeyDistribution, partitions: u32) -> Vec<f64> {
    let n = partitions as usize;
    let raw: Vec<f64> = match keys {
        KeyDistribution::Uniform => vec![1.0; n],
        KeyDistribution::Zipf(exponent) => (0..n)
            .map(|i| 1.0 / ((i + 1) as f64).powf(*exponent))
            .collect(),
        KeyDistribution::Hot {
            partitions: hot,
            factor,
        } => (0..n)
            .map(|i| if i < *hot as usize { *factor } else { 1.0 })
            .collect(),
        KeyDistribution::Weights(weights) => weights.clone(),
    };
    let total: f64 = raw.iter().sum();
    raw.into_iter().map(|w| w / total).collect()
}

/// Draws the total bytes of a run of records.
#[derive(Clone, Debug)]
pub struct RecordSizer {
    kind: SizeKind,
}

#[derive(Clone, Debug)]
enum SizeKind {
    Fixed(u64),
    MeanMax(TruncatedLognormal),
    Histogram(Histogram),
    Lognormal {
        mu: f64,
        sigma: f64,
        mean: f64,
        variance: f64,
    },
}

/// Runs up to this many records draw each record's size; longer runs use the normal
/// approximation of the sum (central limit theorem).
const EXACT_SIZE_DRAWS: u64 = 16;

/// The 99th percentile of the standard normal distribution.
const Z_P99: f64 = 2.326_347_874_040_841;

impl RecordSizer {
    /// A sizer for the scenario's record size setting.
    pub fn new(size: &RecordSize) -> Self {
        let kind = match size {
            RecordSize::Fixed(bytes) => SizeKind::Fixed(*bytes),
            RecordSize::Lognormal { median, p99 } => {
                let mu = (*median as f64).ln();
                let sigma = ((*p99 as f64).ln() - mu) / Z_P99;
                let mean = (mu + sigma * sigma / 2.0).exp();
                let variance = ((sigma * sigma).exp() - 1.0) * (2.0 * mu + sigma * sigma).exp();
                SizeKind::Lognormal {
                    mu,
                    sigma,
                    mean,
                    variance,
                }
            }
            RecordSize::MeanMax { mean, max } => {
                SizeKind::MeanMax(TruncatedLognormal::fit(*mean as f64, *max as f64))
            }
            RecordSize::Histogram(bins) => SizeKind::Histogram(Histogram::new(bins)),
        };
        RecordSizer { kind }
    }

    /// Mean size of one record in bytes.
    pub fn mean_bytes(&self) -> f64 {
        match self.kind {
            SizeKind::Fixed(bytes) => bytes as f64,
            SizeKind::Lognormal { mean, .. } => mean,
            SizeKind::MeanMax(law) => law.mean,
            SizeKind::Histogram(ref law) => law.mean,
        }
    }

    /// Total bytes of `count` records (at least one byte per record).
    #[inline]
    pub fn run_bytes<R: Rng>(&self, count: u64, rng: &mut R) -> u64 {
        match self.kind {
            SizeKind::Fixed(bytes) => bytes * count,
            _ => self.drawn_run_bytes(count, rng),
        }
    }

    /// [`RecordSizer::run_bytes`] of a size law that draws (kept out of line, so that
    /// fixed sizes cost a multiplication where runs are made).
    #[inline(never)]
    fn drawn_run_bytes<R: Rng>(&self, count: u64, rng: &mut R) -> u64 {
        match self.kind {
            SizeKind::Fixed(bytes) => bytes * count,
            SizeKind::Lognormal {
                mu,
                sigma,
                mean,
                variance,
            } => {
                if count <= EXACT_SIZE_DRAWS {
                    let normal = Normal::new(mu, sigma).expect("sigma is finite and >= 0");
                    (0..count)
                        .map(|_| normal.sample(rng).exp().max(1.0).round() as u64)
                        .sum()
                } else {
                    let n = count as f64;
                    let normal = Normal::new(n * mean, (n * variance).sqrt())
                        .expect("variance is finite and >= 0");
                    normal.sample(rng).max(n).round() as u64
                }
            }
            SizeKind::MeanMax(law) => {
                if count <= EXACT_SIZE_DRAWS {
                    (0..count).map(|_| law.sample(rng)).sum()
                } else {
                    sum_of(count, law.mean, law.variance, law.max, rng)
                }
            }
            SizeKind::Histogram(ref law) => {
                if count <= EXACT_SIZE_DRAWS {
                    (0..count).map(|_| law.sample(rng)).sum()
                } else {
                    sum_of(count, law.mean, law.variance, law.largest(), rng)
                }
            }
        }
    }
}

/// The total of `count` sizes of mean `mean`, variance `variance` and at most `max`
/// bytes, by the normal approximation of the sum, kept between `count` and
/// `count × max`.
fn sum_of<R: Rng>(count: u64, mean: f64, variance: f64, max: f64, rng: &mut R) -> u64 {
    let n = count as f64;
    let normal = Normal::new(n * mean, (n * variance).sqrt()).expect("variance is finite and >= 0");
    normal.sample(rng).clamp(n, n * max).round() as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::SimDuration;

    fn secs(s: u64) -> SimDuration {
        SimDuration::from_secs(s)
    }

    #[test]
    fn shapes_add_up_and_never_go_negative() {
        let curve = RateCurve::new(&[
            RateShape::Constant(100.0),
            RateShape::Spike {
                name: None,
                at: secs(10),
                duration: secs(5),
                rate: 50.0,
            },
            RateShape::Ramp {
                name: None,
                start: secs(20),
                end: secs(30),
                from: 0.0,
                to: 100.0,
            },
            RateShape::Step {
                name: None,
                at: secs(40),
                rate: -500.0,
            },
        ]);
        let at = |s: f64| curve.rate_at(SimTime::from_secs_f64(s));
        assert_eq!(at(0.0), 100.0);
        assert_eq!(at(10.0), 150.0);
        assert_eq!(at(14.999), 150.0);
        assert_eq!(at(15.0), 100.0);
        assert_eq!(at(25.0), 150.0);
        assert_eq!(at(35.0), 200.0);
        assert_eq!(at(45.0), 0.0);
    }

    #[test]
    fn diurnal_peaks_at_peak_at_and_bottoms_half_a_period_later() {
        let curve = RateCurve::new(&[
            RateShape::Constant(1000.0),
            RateShape::Diurnal {
                period: secs(86_400),
                amplitude: 500.0,
                peak_at: secs(50_400),
            },
        ]);
        assert!((curve.rate_at(SimTime::from_secs_f64(50_400.0)) - 1500.0).abs() < 1e-9);
        assert!((curve.rate_at(SimTime::from_secs_f64(7_200.0)) - 500.0).abs() < 1e-9);
    }

    #[test]
    fn draw_poisson_inverts_the_law_of_the_mean_on_hits_and_misses() {
        let curve = RateCurve::new(&[RateShape::Constant(1.0)]);
        let slot_mate = 3 + LAW_CACHE_SLOTS as u64;
        let queries = [
            (3, 20.0),
            (3, 20.0),
            (slot_mate, 20.0),
            (slot_mate, 0.5),
            (3, 0.5),
            (3, 20.0),
            (4, 7.0),
            (4, 7.0),
        ];
        let mut rng = crate::engine::rng::stream(9, crate::engine::rng::Purpose::Arrivals, 0);
        for (bucket, expected) in queries {
            let mut copy = rng.clone();
            let got = curve.draw_poisson(bucket, expected, &mut rng);
            let mut cdf = Vec::new();
            poisson_cdf(expected, &mut cdf);
            let u: f64 = copy.random();
            let want = cdf
                .iter()
                .position(|&c| c >= u)
                .expect("the last entry is 1");
            assert_eq!(got, want as u64, "bucket {bucket}, mean {expected}");
        }
        // No valid mean: no records, and no uniform used.
        for expected in [0.0, -1.0, f64::NAN] {
            let before = rng.clone();
            assert_eq!(curve.draw_poisson(3, expected, &mut rng), 0);
            assert!(rng == before, "mean {expected} used a uniform");
        }
    }

    #[test]
    fn the_guided_inverse_is_the_first_entry_at_or_above_the_uniform() {
        let mut law = CachedLaw::empty();
        for mean in [1e-3, 0.3, 1.0, 2.5, 7.0, 20.0, 31.9] {
            law.set(mean);
            let mut uniforms = vec![0.0, f64::MIN_POSITIVE, 0.5, 1.0 - f64::EPSILON / 2.0];
            for &c in &law.cdf {
                // Each entry itself and its neighbouring floats, where slots and entries meet.
                uniforms.extend([c, f64::from_bits(c.to_bits() - 1), c.next_up()]);
            }
            uniforms.extend((0..1000).map(|i| (i as f64 + 0.5) / 1000.0));
            for u in uniforms.into_iter().filter(|u| (0.0..1.0).contains(u)) {
                let want = law.cdf.partition_point(|&c| c < u) as u64;
                assert_eq!(law.inverse(u), want, "mean {mean}, u {u}");
            }
        }
    }

    #[test]
    fn the_distribution_function_ends_at_one_for_every_tabulated_mean() {
        let mut cdf = Vec::new();
        let mut mean = 1e-3;
        while mean < INVERSION_MEAN_LIMIT {
            poisson_cdf(mean, &mut cdf);
            assert_eq!(cdf.last(), Some(&1.0), "mean {mean}");
            let support = mean + 12.0 * mean.sqrt() + 40.0;
            assert!(
                (cdf.len() as f64) < support,
                "mean {mean}: {} counts",
                cdf.len()
            );
            mean *= 1.07;
        }
    }

    #[test]
    fn the_inverted_distribution_function_is_the_poisson_one() {
        let mut cdf = Vec::new();
        poisson_cdf(2.0, &mut cdf);
        let e2 = (-2.0f64).exp();
        assert!((cdf[0] - e2).abs() < 1e-16);
        assert!((cdf[1] - 3.0 * e2).abs() < 1e-15);
        assert!((cdf[2] - 5.0 * e2).abs() < 1e-15);
        assert_eq!(cdf.last(), Some(&1.0));
        assert!(cdf.windows(2).all(|w| w[0] <= w[1]));
        // The support kept reaches far into the tail: P(N > 20) is about 6e-15 at 2.
        assert!(cdf.len() > 18 && cdf.len() < 25, "{}", cdf.len());
    }

    #[test]
    fn steady_until_is_where_some_shape_may_change() {
        let curve = RateCurve::new(&[
            RateShape::Constant(100.0),
            RateShape::Spike {
                name: None,
                at: secs(10),
                duration: secs(5),
                rate: 50.0,
            },
            RateShape::Step {
                name: None,
                at: secs(40),
                rate: 10.0,
            },
        ]);
        assert_eq!(curve.steady_until(0.0), 10.0);
        assert_eq!(curve.steady_until(12.0), 15.0);
        assert_eq!(curve.steady_until(20.0), 40.0);
        assert_eq!(curve.steady_until(40.0), f64::INFINITY);
        let daily = RateCurve::new(&[RateShape::Diurnal {
            period: secs(86_400),
            amplitude: 5.0,
            peak_at: secs(0),
        }]);
        assert_eq!(daily.steady_until(3.5), 3.5);
        let points = RateCurve::new(&[RateShape::Points(vec![(secs(10), 1.0), (secs(20), 2.0)])]);
        assert_eq!(points.steady_until(15.0), 15.0);
        assert_eq!(points.steady_until(20.0), f64::INFINITY);
    }

    #[test]
    fn the_settled_shortcut_agrees_with_every_shape() {
        let spike = RateShape::Spike {
            name: None,
            at: SimDuration::from_millis(10_300),
            duration: SimDuration::from_millis(4_700),
            rate: 50.0,
        };
        let ramp = RateShape::Ramp {
            name: None,
            start: secs(20),
            end: secs(30),
            from: 0.0,
            to: 100.0,
        };
        let step = RateShape::Step {
            name: None,
            at: secs(40),
            rate: 10.0,
        };
        let flat_day = RateShape::Diurnal {
            period: secs(86_400),
            amplitude: 0.0,
            peak_at: secs(0),
        };
        let curves = [
            vec![RateShape::Constant(5.0)],
            vec![RateShape::Constant(5.0), spike.clone(), flat_day],
            vec![ramp.clone(), step.clone()],
            vec![spike, ramp, step],
            vec![RateShape::Points(vec![(secs(10), 1.0), (secs(20), 2.0)])],
        ];
        for curve in curves.iter().map(|shapes| RateCurve::new(shapes)) {
            for tenth in 0..600 {
                let t = f64::from(tenth) / 10.0;
                for t in [t, t.next_up(), t.next_down()] {
                    let every_shape = curve
                        .shapes
                        .iter()
                        .map(|shape| shape_steady_until(shape, t))
                        .fold(f64::INFINITY, f64::min);
                    assert_eq!(curve.steady_until(t), every_shape, "at {t}");
                }
            }
        }
    }

    #[test]
    fn points_interpolate_linearly_and_hold_at_the_ends() {
        let curve = RateCurve::new(&[RateShape::Points(vec![
            (secs(10), 100.0),
            (secs(20), 300.0),
        ])]);
        let at = |s: f64| curve.rate_at(SimTime::from_secs_f64(s));
        assert_eq!(at(0.0), 100.0);
        assert_eq!(at(15.0), 200.0);
        assert_eq!(at(99.0), 300.0);
    }

    #[test]
    fn shares_follow_the_key_distribution() {
        assert_eq!(
            partition_shares(&KeyDistribution::Uniform, 4),
            vec![0.25; 4]
        );
        let hot = partition_shares(
            &KeyDistribution::Hot {
                partitions: 1,
                factor: 3.0,
            },
            3,
        );
        assert_eq!(hot, vec![0.6, 0.2, 0.2]);
        let zipf = partition_shares(&KeyDistribution::Zipf(1.0), 2);
        assert!((zipf[0] - 2.0 / 3.0).abs() < 1e-12);
        let sum: f64 = partition_shares(&KeyDistribution::Zipf(1.1), 100)
            .iter()
            .sum();
        assert!((sum - 1.0).abs() < 1e-12);
    }

    #[test]
    fn lognormal_sizes_have_the_requested_median_and_mean() {
        let sizer = RecordSizer::new(&RecordSize::Lognormal {
            median: 1024,
            p99: 16_384,
        });
        let mut rng = crate::engine::rng::stream(7, crate::engine::rng::Purpose::RecordSizes, 0);
        let mut one: Vec<u64> = (0..20_001).map(|_| sizer.run_bytes(1, &mut rng)).collect();
        one.sort_unstable();
        let median = one[10_000] as f64;
        assert!((median / 1024.0 - 1.0).abs() < 0.05, "median {median}");
        let big: f64 = (0..2000)
            .map(|_| sizer.run_bytes(1000, &mut rng) as f64)
            .sum::<f64>()
            / 2000.0
            / 1000.0;
        assert!((big / sizer.mean_bytes() - 1.0).abs() < 0.02, "mean {big}");
    }
}
