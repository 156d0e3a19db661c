//! The analytic validation suite: esmsim against exact results of queueing theory, each
//! case replicated over seeds with a 99 % confidence interval that must cover the exact
//! value (and be tight enough to mean something).
//!
//! Run it with `cargo test --release --test validation` (add `-- --nocapture` to see the
//! table of docs/validation.md). It simulates about 10^8 seconds in
//! all, in about 15 s on 2 cores (the dev profile is optimised too), so plain
//! `cargo test` runs it as well.
//!
//! Each case prints one line: name, exact value, simulated mean, 99 % interval.

#[path = "cycles.rs"]
mod validation_cycles;
#[path = "little.rs"]
mod validation_little;
#[path = "queues.rs"]
mod validation_queues;

use std::path::Path;

use esmsim::scenario::Scenario;
use esmsim::sim::{RunResult, Simulation};

/// Resolves scenario YAML (relative files against the repository root).
pub fn scenario(yaml: &str) -> Scenario {
    esmsim::scenario::load::from_yaml_str(yaml, Path::new(env!("CARGO_MANIFEST_DIR")), &[])
        .unwrap_or_else(|e| panic!("validation scenario does not resolve: {e}"))
}

/// Runs a scenario.
pub fn run(s: &Scenario) -> RunResult {
    Simulation::new(s).run(&mut |_| {})
}

/// Mean and half-width of the 99 % confidence interval of `samples` (Student t, 2 to 10
/// samples).
pub fn mean_ci99(samples: &[f64]) -> (f64, f64) {
    // t quantiles (0.995) for 1..=9 degrees of freedom.
    const T995: [f64; 9] = [
        63.657, 9.925, 5.841, 4.604, 4.032, 3.707, 3.499, 3.355, 3.250,
    ];
    let n = samples.len() as f64;
    let mean = samples.iter().sum::<f64>() / n;
    let var = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, T995[samples.len() - 2] * (var / n).sqrt())
}

/// Replicates `measure` over seeds 1..=10 and asserts that the 99 % interval of the
/// means covers `exact` and is narrower than `width` × `exact` on each side.
pub fn assert_covers(case: &str, exact: f64, width: f64, measure: impl Fn(u64) -> f64 + Sync) {
    let samples: Vec<f64> = {
        // Two threads: the suite runs its cases in parallel anyway, but a case alone
        // (a filtered run) should use both cores.
        let measure = &measure;
        std::thread::scope(|scope| {
            let handles: Vec<_> = (1..=10u64)
                .map(|seed| scope.spawn(move || measure(seed)))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        })
    };
    let (mean, half) = mean_ci99(&samples);
    println!(
        "| {case} | {exact:.4} | {mean:.4} | [{:.4}, {:.4}] |",
        mean - half,
        mean + half
    );
    assert!(
        half <= width * exact.abs(),
        "{case}: interval ±{half} too wide to mean anything (mean {mean}, exact {exact})"
    );
    assert!(
        (mean - exact).abs() <= half,
        "{case}: exact {exact} outside {mean} ± {half} (samples {samples:?})"
    );
}
