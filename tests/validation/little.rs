//! Little's law, L = λW, on runs with batching, scaling and rebalances: the time-average
//! of the records in the system (lag, from the partitions' offsets at each sample) against
//! the commit rate times the mean latency (from the recorder at each commit). The two
//! sides come from separate code; the tolerance is the exact worst case of sampling, not
//! a statistical one. Also the invocations' own Little's law: mean concurrency against
//! invocations × duration. These are fast and run in debug too.

use std::path::Path;

use esmsim::sim::RunResult;

use crate::{run, scenario};

/// Asserts L = λW on the records of `result`, sampled every `dt` seconds, and returns
/// (L, λ, W).
fn assert_little(case: &str, result: &RunResult, dt: f64) -> (f64, f64, f64) {
    let t = result.rows.len() as f64 * dt;
    let last = result.rows.last().unwrap();
    let (arrived, committed) = (last.produced_total as f64, last.committed_total as f64);
    let w = result
        .summary
        .latency_mean_s
        .expect("records were committed");
    // Both sides as record-seconds over the run: S = Σ lag(t_k) Δ, A = N_committed × W.
    let sampled: f64 = result.rows.iter().map(|r| r.lag as f64 * dt).sum();
    let sojourn = committed * w;
    // * ∫ lag dt − A = the time the records still uncommitted at T have spent in the
    //   system, in [0, lag(T) × age(T)];
    // * S − ∫ lag dt: a sample at the end of its row counts each arrival in that row for
    //   up to Δ too long and each commit for up to Δ too short, so it lies in
    //   [−Δ N_committed, Δ N_arrived].
    let low = -dt * committed;
    let high = dt * arrived + last.lag as f64 * last.oldest_age_s;
    let diff = sampled - sojourn;
    println!(
        "| {case}: L vs λW (records) | {:.1} | {:.1} | bound [{:.1}, {:.1}] |",
        sojourn / t,
        sampled / t,
        (sojourn + low) / t,
        (sojourn + high) / t
    );
    assert!(
        (low..=high).contains(&diff),
        "{case}: time-average lag {} vs λW {} (λ = {} /s, W = {w} s): S − A = {diff} outside [{low}, {high}]",
        sampled / t,
        sojourn / t,
        committed / t,
    );
    (sojourn / t, committed / t, w)
}

#[test]
fn littles_law_holds_for_records() {
    // 4 partitions, Poisson arrivals at 200/s, one poller, a 20 s window and batches of
    // about 1,100 records taking 2.4 s on average: busy about 11 % of the time, so the run
    // is stationary and W is about 14 s (13.95 s with this seed). Records spend about
    // 2.4 s of their 14 s in flight, so leaving in-flight records out of the lag, or a 1 %
    // error in either side, breaks it (the bound is about ±0.7 %).
    let s = scenario(
        "name: little-records
seed: 5
duration: 2h
sample_interval: 100ms
topic: {partitions: 4}
producer: {arrivals: poisson, rate: [{constant: 200}]}
esm: {batch_size: 10000, batching_window: 20s, scaler: {policy: fixed, pollers: 1}}
function: {memory: 1024, timeout: 60s, duration: {per_batch: 200ms, per_record: 2ms, jitter: exponential}}
",
    );
    let result = run(&s);
    assert_eq!(result.rows.len(), 72_000);
    let (l, _, w) = assert_little("4 partitions, 20 s window", &result, 0.1);
    // Guard against a vacuous pass: the window must fill the system with records.
    assert!(l > 2_000.0 && w > 10.0, "L = {l}, W = {w}");
}

#[test]
fn littles_law_holds_on_the_bundled_scenarios() {
    // Realistic runs: the quick start (a burst, the on-demand scaler, rebalances) and the
    // provisioned-mode spike, sampled every 100 ms.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in [
        "scenarios/quickstart.yaml",
        "scenarios/on-demand-vs-provisioned.yaml",
    ] {
        let s = esmsim::scenario::load(&root.join(file), &["sample_interval=100ms".to_string()])
            .unwrap();
        let result = run(&s);
        let (l, _, _) = assert_little(file, &result, 0.1);
        assert!(l > 100.0, "{file}: L = {l}");
    }
}

#[test]
fn mean_concurrency_matches_billed_duration() {
    // Bookkeeping consistency, not queueing theory: the time-average of the invocations in
    // flight (concurrency_mean) must equal the billed invocation-seconds per second, on a
    // scaling, multi-partition run; both are views of the same invocation durations.
    let s = scenario(
        "name: little
seed: 3
duration: 1h
sample_interval: 10s
topic: {partitions: 8}
producer: {rate: [{constant: 2000}, {spike: {at: 20m, duration: 10m, rate: 4000}}]}
esm: {scaler: {policy: aws, actuation_delay: 60s}}
function: {memory: 1024, timeout: 30s, duration: {per_batch: 30ms, per_record: 1ms, jitter: {lognormal: {sigma: 0.3}}}}
",
    );
    let result = run(&s);
    let mean_concurrency =
        result.rows.iter().map(|r| r.concurrency_mean).sum::<f64>() / result.rows.len() as f64;
    // Billed seconds are rounded up to the millisecond: at most 1 ms per invocation high.
    let billed_s = result.summary.gb_s; // 1 GB of memory: GB-s = seconds
    let busy_per_s = billed_s / 3600.0;
    let rounding = result.summary.invocations as f64 * 0.001 / 3600.0;
    assert!(
        mean_concurrency <= busy_per_s + 1e-9
            && mean_concurrency >= busy_per_s - rounding - 0.01 * busy_per_s,
        "mean concurrency {mean_concurrency} vs invocations × duration {busy_per_s}"
    );
}
