//! The floor under `large`: drawing its arrival buckets, with the same sampler and random
//! streams a run uses and nothing else around them.
//!
//! `large` draws 864 million buckets (1,000 partitions, 24 h, 100 ms), so the time per
//! draw here, times 864 million, is what any run of `large` spends on arrival counts.
//!
//! `large_bucket_draws` is the engine's sampler ([`RateCurve::draw_poisson`]: inversion
//! of the Poisson distribution function, tabulated once per bucket and shared by every
//! partition of it, one uniform per draw) on the partitions' `compact_stream`s, as the
//! producer draws them; `rand_distr_poisson` the sampler it replaced (`rand_distr`'s
//! `Poisson`, set up once per bucket, on the ChaCha8 streams partitions had then), for
//! comparison.

use super::{LARGE_PARTITIONS as PARTITIONS, large_curve};
use criterion::{Criterion, Throughput, criterion_group};
use esmsim::engine::rng::{Purpose, compact_stream, stream};
use esmsim::engine::time::SimTime;
use rand_distr::{Distribution, Poisson};

/// Buckets drawn per partition and iteration, one every 15 minutes of `large`'s day.
const BUCKETS: u64 = 96;

fn poisson_draws(c: &mut Criterion) {
    let curve = large_curve();
    let means: Vec<f64> = (0..BUCKETS)
        .map(|k| {
            let mid = SimTime::from_secs_f64((k as f64 + 0.5) * 900.0);
            curve.rate_at(mid) / PARTITIONS as f64 * 0.1
        })
        .collect();
    let mut streams: Vec<_> = (0..PARTITIONS)
        .map(|p| compact_stream(1, Purpose::Arrivals, p))
        .collect();
    let mut old_streams: Vec<_> = (0..PARTITIONS)
        .map(|p| stream(1, Purpose::Arrivals, p))
        .collect();
    let mut group = c.benchmark_group("arrivals");
    group.throughput(Throughput::Elements(PARTITIONS * BUCKETS));
    group.bench_function("large_bucket_draws", |b| {
        b.iter(|| {
            let mut records = 0u64;
            for (bucket, &mean) in means.iter().enumerate() {
                for rng in &mut streams {
                    records += curve.draw_poisson(bucket as u64, mean, rng);
                }
            }
            records
        })
    });
    group.bench_function("rand_distr_poisson", |b| {
        b.iter(|| {
            let mut records = 0u64;
            for &mean in &means {
                let law = Poisson::new(mean).expect("valid mean");
                for rng in &mut old_streams {
                    let count: f64 = law.sample(rng);
                    records += count as u64;
                }
            }
            records
        })
    });
    group.finish();
}

criterion_group!(benches, poisson_draws);
