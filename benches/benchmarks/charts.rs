//! Drawing the charts of a 24-hour run sampled every second (86,400 rows): all six
//! charts as PNG and SVG, from the bytes a run writes.

use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group};
use esmsim::charts::{ChartInput, ChartOptions, render};
use esmsim::scenario::load::load;
use esmsim::sim::Simulation;

fn day_of_charts(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/daily-curve.yaml");
    let overrides = ["sample_interval=1s".to_string()];
    let scenario = load(&path, &overrides).expect("bundled scenario resolves");
    let result = Simulation::new(&scenario).run(&mut |_| {});
    let files = esmsim::output::render(&scenario, &result);
    let bytes = |name: &str| {
        &files
            .iter()
            .find(|f| f.name == name)
            .expect("written")
            .bytes
    };
    let input = ChartInput::from_bytes(
        bytes("timeseries.csv"),
        bytes("scaling.csv"),
        bytes("manifest.json"),
        bytes("summary.json"),
    )
    .expect("the run's own files parse");
    let mut group = c.benchmark_group("charts");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("render_24h_1s", |b| {
        b.iter(|| {
            render(&input, &ChartOptions::default())
                .expect("renders")
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, day_of_charts);
