//! Sweep throughput: runs per second of a sweep of the standard 1-hour, 24-partition
//! scenario (`steady-orders` cut to 1 h), with 1 and 2 worker threads.
//!
//! `cargo bench --bench sweep_throughput`. Each iteration runs the whole sweep (8 runs:
//! 4 memory sizes x 2 seeds, journal and tables included, charts off) into a temporary
//! folder; criterion reports the throughput in runs per second.

use std::path::Path;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use esmsim::sweep::{SweepOptions, SweepSpec, run_spec};

const SWEEP: &str = "\
name: bench
base: steady-orders.yaml
replications: 2
set: {duration: 1h}
grid:
  function.memory: [512, 1024, 2048, 4096]
";

fn sweep_throughput(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let file = dir.path().join("bench.yaml");
    std::fs::write(
        &file,
        SWEEP.replace(
            "steady-orders.yaml",
            &scenarios.join("steady-orders.yaml").to_string_lossy(),
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
                    run_spec(&spec, &opts)
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
