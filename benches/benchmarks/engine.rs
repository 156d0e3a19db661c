//! The event queue alone: schedule and pop with a realistic mix of times (most events a
//! few milliseconds ahead, some far ahead, many ties).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use esmsim::engine::queue::EventQueue;
use esmsim::engine::rng::{Purpose, stream};
use esmsim::engine::time::SimTime;
use rand::Rng;

fn schedule_pop(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine");
    for pending in [1_000u64, 100_000] {
        let events = 1_000_000u64;
        group.throughput(Throughput::Elements(events));
        group.bench_with_input(
            BenchmarkId::new("schedule_pop", pending),
            &pending,
            |b, &pending| {
                let mut rng = stream(1, Purpose::Scaler, 0);
                let delays: Vec<u64> = (0..4096)
                    .map(|i| match i % 8 {
                        0 => 0,
                        1..=5 => rng.random_range(1_000_000..50_000_000),
                        _ => rng.random_range(1_000_000_000..180_000_000_000),
                    })
                    .collect();
                b.iter(|| {
                    let mut q = EventQueue::new();
                    for i in 0..pending {
                        q.schedule(SimTime(delays[(i % 4096) as usize]), i)
                            .expect("future");
                    }
                    let mut k = 0usize;
                    for _ in 0..events {
                        let (now, e) = q.pop().expect("never empty");
                        k = (k + 1) % 4096;
                        q.schedule(SimTime(now.0 + delays[k]), e).expect("future");
                    }
                    q.len()
                });
            },
        );
    }
    group.finish();
}

criterion_group!(benches, schedule_pop);
