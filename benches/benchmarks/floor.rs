//! The least a run of records costs: the model's own parts for one arrival bucket's run,
//! with nothing of the engine around them, to bound what any engine can reach.
//!
//! `run_pipeline` takes one run through what every run of `large` goes through at the
//! least: its count drawn ([`RateCurve::draw_poisson`] on the partition's
//! `compact_stream`, as the producer does), its first and last arrival placed, a
//! queue in and out, and its latencies recorded at commit ([`LatencyStats::record_run`]:
//! up to four groups, the documented bound). No batch is built, no event is scheduled,
//! no run is split. The time per run here, times the runs of a `large` day, is a floor
//! under that scenario's wall time (see docs/performance.md, "The floor under the
//! targets"). `draw_and_queue` is the same without the latency record, to tell the two
//! costs apart.

use std::collections::VecDeque;
use std::hint::black_box;

use super::{LARGE_PARTITIONS as PARTITIONS, large_curve};
use criterion::{Criterion, Throughput, criterion_group};
use esmsim::engine::rng::{Purpose, compact_stream};
use esmsim::engine::time::{SimDuration, SimTime};
use esmsim::metrics::latency::LatencyStats;
use esmsim::model::log::Run;

/// Consecutive 100 ms buckets drawn per partition and iteration.
const BUCKETS: u64 = 100;
/// Bucket width of `large` (the default resolution), in nanoseconds.
const WIDTH: u64 = 100_000_000;
/// Time from a run's last arrival to its commit: about `large`'s median latency.
const COMMIT_AFTER: u64 = 290_000_000;

fn run_pipeline(c: &mut Criterion) {
    let curve = large_curve();
    // One stretch of buckets at the curve's mean rate: 20 records per partition and
    // bucket at 20 h, as in `large` on average over its day.
    let start = 20 * 36_000;
    let means: Vec<f64> = (start..start + BUCKETS)
        .map(|bucket| {
            let mid = SimTime(bucket * WIDTH + WIDTH / 2);
            curve.rate_at(mid) / PARTITIONS as f64 * SimDuration(WIDTH).as_secs_f64()
        })
        .collect();
    let mut streams: Vec<_> = (0..PARTITIONS)
        .map(|p| compact_stream(1, Purpose::Arrivals, p))
        .collect();
    let mut queues: Vec<VecDeque<Run>> = vec![VecDeque::with_capacity(4); PARTITIONS as usize];
    let mut latency = LatencyStats::default();
    let mut group = c.benchmark_group("floor");
    group.throughput(Throughput::Elements(PARTITIONS * BUCKETS));
    for (name, record) in [("run_pipeline", true), ("draw_and_queue", false)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut records = 0;
                for (k, &mean) in means.iter().enumerate() {
                    let bucket = start + k as u64;
                    for (rng, queue) in streams.iter_mut().zip(&mut queues) {
                        let count = curve.draw_poisson(bucket, mean, rng);
                        if count == 0 {
                            continue;
                        }
                        let gap = WIDTH / (count + 1);
                        queue.push_back(Run {
                            count,
                            bytes: count * 1_024,
                            first: SimTime(bucket * WIDTH + gap),
                            last: SimTime((bucket + 1) * WIDTH - gap),
                        });
                        let run = queue.pop_front().expect("just queued");
                        if record {
                            latency.record_run(&run, SimTime(run.last.0 + COMMIT_AFTER));
                        } else {
                            records += black_box(run).count;
                        }
                    }
                }
                records + latency.count()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, run_pipeline);
