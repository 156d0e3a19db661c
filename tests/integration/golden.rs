//! Golden outputs: shortened runs of the bundled scenarios and of feature-rich variants
//! must produce exactly the committed files. Any change to the model or the exporters
//! shows up here as a diff; accept an intended change with `cargo insta review` (or
//! `INSTA_UPDATE=always`) and say why in the commit message.

use std::path::Path;

use esmsim::output;
use esmsim::scenario::load::load;

/// Runs `file` (relative to the repository root) with `overrides` and compares every
/// output file with its snapshot, named `<label>__<file>`.
fn assert_golden(label: &str, file: &str, overrides: &[&str]) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let overrides: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    let scenario = load(&path, &overrides).expect("resolves");
    let result = crate::common::run_checked(&scenario);
    for file in output::render(&scenario, &result) {
        let text = String::from_utf8(file.bytes).expect("outputs are UTF-8");
        insta::assert_snapshot!(format!("{label}__{}", file.name), text);
    }
}

#[test]
fn quickstart_outputs_are_unchanged() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quickstart.yaml");
    let scenario = load(
        &path,
        &[
            "duration=12m".to_string(),
            "sample_interval=30s".to_string(),
        ],
    )
    .expect("resolves");
    let result = crate::common::run_checked(&scenario);
    for file in output::render(&scenario, &result) {
        let text = String::from_utf8(file.bytes).expect("outputs are UTF-8");
        insta::assert_snapshot!(file.name.clone(), text);
    }
}

#[test]
fn steady_orders_outputs_are_unchanged() {
    assert_golden(
        "steady-orders",
        "scenarios/steady-orders.yaml",
        &["duration=40m", "sample_interval=1m"],
    );
}

#[test]
fn taxi_trace_outputs_are_unchanged() {
    assert_golden(
        "taxi-trace",
        "scenarios/taxi-trace.yaml",
        &["duration=3h", "sample_interval=10m"],
    );
}

/// Every scenario feature: weighted keys, deterministic arrivals, lognormal sizes, a
/// trace, uniform actuation delays, multiply steps, partitions.csv.
#[test]
fn every_feature_outputs_are_unchanged() {
    assert_golden(
        "every-feature",
        "tests/fixtures/scenario/every_feature.yaml",
        &["duration=20m", "sample_interval=1m"],
    );
}

/// Timeouts with retries that block partitions, under a fixed poller count and
/// exponential jitter.
#[test]
fn timeouts_and_retries_outputs_are_unchanged() {
    assert_golden(
        "timeouts",
        "scenarios/quickstart.yaml",
        &[
            "duration=15m",
            "sample_interval=1m",
            "function.timeout=400ms",
            "function.duration.jitter=exponential",
            "esm.scaler={policy: fixed, pollers: 2}",
        ],
    );
}
