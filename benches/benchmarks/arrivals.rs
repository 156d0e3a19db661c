//! The floor under `large`: drawing its arrival buckets, with the same sampler and random
//! streams a run uses and nothing else around them.
//!
//! `large` draws 864 million buckets (1,000 partitions, 24 h, 100 ms), so the time per
//! draw here, times 864 million, is what any run of `large` must spend on arrivals
//! while its results stay byte-identical.
//!
//! `inversion_candidate` times the sampler docs/performance.md proposes for a deliberate change
//! of realisations: inversion of the Poisson CDF, tabulated once per bucket and shared
//! by every partition of it, one uniform per draw. It is not used by the engine.

use criterion::{Criterion, Throughput, criterion_group};
use esmsim::engine::rng::{Purpose, stream};
use esmsim::engine::time::{SimDuration, SimTime};
use esmsim::model::traffic::RateCurve;
use esmsim::scenario::RateShape;
use rand::Rng;
use rand_distr::Distribution;

/// Partitions of `large`.
const PARTITIONS: u64 = 1_000;
/// Buckets drawn per partition and iteration, one every 15 minutes of `large`'s day.
const BUCKETS: u64 = 96;

fn poisson_draws(c: &mut Criterion) {
    let curve = RateCurve::new(&[
        RateShape::Constant(200_000.0),
        RateShape::Diurnal {
            period: SimDuration::from_secs(86_400),
            amplitude: 100_000.0,
            peak_at: SimDuration::from_secs(14 * 3_600),
        },
    ]);
    let means: Vec<f64> = (0..BUCKETS)
        .map(|k| {
            let mid = SimTime::from_secs_f64((k as f64 + 0.5) * 900.0);
            curve.rate_at(mid) / PARTITIONS as f64 * 0.1
        })
        .collect();
    let mut streams: Vec<_> = (0..PARTITIONS)
        .map(|p| stream(1, Purpose::Arrivals, p))
        .collect();
    let mut group = c.benchmark_group("arrivals");
    group.throughput(Throughput::Elements(PARTITIONS * BUCKETS));
    group.bench_function("large_bucket_draws", |b| {
        b.iter(|| {
            let mut records = 0u64;
            for (bucket, &mean) in means.iter().enumerate() {
                let law = curve
                    .bucket_poisson(bucket as u64, mean)
                    .expect("valid mean");
                for rng in &mut streams {
                    let count: f64 = law.sample(rng);
                    records += count as u64;
                }
            }
            records
        })
    });
    group.bench_function("inversion_candidate", |b| {
        b.iter(|| {
            let mut records = 0u64;
            for &mean in &means {
                let cdf = poisson_cdf(mean);
                for rng in &mut streams {
                    let u: f64 = rng.random();
                    records += cdf.partition_point(|&c| c < u) as u64;
                }
            }
            records
        })
    });
    group.finish();
}

/// The Poisson CDF with mean `mean` at 0, 1, 2, ... until it is within 1e-15 of 1
/// (then 1).
fn poisson_cdf(mean: f64) -> Vec<f64> {
    let mut cdf = Vec::new();
    let mut p = (-mean).exp();
    let mut total = p;
    let mut k = 0.0;
    while total < 1.0 - 1e-15 {
        cdf.push(total);
        k += 1.0;
        p *= mean / k;
        total += p;
    }
    cdf.push(1.0);
    cdf
}

criterion_group!(benches, poisson_draws);
