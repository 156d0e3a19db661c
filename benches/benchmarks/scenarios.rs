//! Whole runs of bundled scenarios; throughput is reported in queue events per second.

use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group};
use esmsim::scenario::load::load;
use esmsim::sim::Simulation;

fn run_scenario(c: &mut Criterion, name: &str, file: &str, overrides: &[String]) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let scenario = load(&path, overrides).expect("bundled scenario resolves");
    let events = Simulation::new(&scenario).run(&mut |_| {}).events;
    let mut group = c.benchmark_group("scenario");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(events));
    group.bench_function(name, |b| {
        b.iter(|| {
            Simulation::new(&scenario)
                .run(&mut |_| {})
                .summary
                .invocations
        })
    });
    group.finish();
}

fn scenarios(c: &mut Criterion) {
    run_scenario(c, "quickstart", "scenarios/quickstart.yaml", &[]);
    run_scenario(c, "steady-orders", "scenarios/steady-orders.yaml", &[]);
}

criterion_group!(benches, scenarios);
