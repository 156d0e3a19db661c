//! Criterion benchmarks: `cargo bench`. Each group lives in `benches/benchmarks/`.

use criterion::criterion_main;

mod benchmarks;

criterion_main! {
    benchmarks::arrivals::benches,
    benchmarks::charts::benches,
    benchmarks::engine::benches,
    benchmarks::floor::benches,
    benchmarks::scenarios::benches,
}
