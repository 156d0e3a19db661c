//! Sweep throughput: runs per second of a sweep of 64 variants of the `medium` benchmark
//! scenario (24 partitions, 20k records/s; cut to 15 min so that one sweep takes seconds),
//! with 1 and 2 worker threads.
//!
//! `cargo bench --bench sweep_throughput`. Each iteration runs the whole sweep (64 runs:
//! 4 memory sizes x 4 batch sizes x 4 seeds, journal and tables included, charts off)
//! into a temporary folder; criterion reports the throughput in runs per second.

use std::path::Path;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use esmsim::sweep::{SweepOptions, SweepSpec, run_spec};

const SWEEP: &str = "\
name: bench
base: medium.yaml
replications: 4
set: {duration: 15m}
grid:
  function.memory: [512, 1024, 1536, 2048]
  esm.batch_size: [50, 100, 200, 400]
";

fn sweep_throughput(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/scenarios");
    let file = dir.path().join("bench.yaml");
    std::fs::write(
        &file,
        SWEEP.replace(
            "medium.yaml",
            &scenarios.join("medium.yaml").to_string_lossy(),
        ),
    )
    .expect("the sweep file is written");
    let spec = SweepSpec::load(&file).expect("the bench sweep loads");
    let runs = spec.plan.run_count() as u64;
    let mut group = c.benchmark_group("sweep");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(60));
    group.throughput(Throughput::Elements(runs));
    for jobs in [1, 2] {
        group.bench_with_input(
            BenchmarkId::new("runs_per_s", format!("{jobs}_threads")),
            &jobs,
            |b, &jobs| {
                let opts = SweepOptions {
                    out: Some(dir.path().join(format!("out-{jobs}"))),
                    jobs: Some(jobs),
                    charts: false,
                    ..SweepOptions::default()
                };
                b.iter(|| {
                    run_spec(&spec, &opts, &mut |_| {})
                        .expect("the bench sweep runs")
                        .executed
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, sweep_throughput);
criterion_main!(benches);
