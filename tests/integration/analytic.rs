//! Long runs against closed-form queueing results: M/M/1 (`W = 1/(μ − λ)`) and M/D/1
//! (Pollaczek–Khinchine, `W = 1/μ + ρ/(2μ(1 − ρ))`).
//!
//! One partition, batch size 1, window 0, one fixed poller and Poisson arrivals make the
//! partition a single FIFO server: end-to-end latency is the sojourn time W. Each case
//! runs five seeds and asserts that the analytic value lies within the 99 % confidence
//! interval of the seed means, and that the interval is tight (so the test can fail).
//! Little's law is checked on records (time-average lag against commit rate × mean
//! latency) on a multi-partition, batching run.

use crate::common::{mean_ci99, run_checked, scenario};

fn single_server(seed: u64, lambda: f64, jitter: &str) -> String {
    format!(
        "name: single-server
seed: {seed}
duration: 200000s
sample_interval: 1h
topic: {{partitions: 1}}
producer: {{arrivals: poisson, record_size: 100, resolution: 100ms, rate: [{{constant: {lambda}}}]}}
esm: {{batch_size: 1, batching_window: 0s, scaler: {{policy: fixed, pollers: 1}}}}
function: {{memory: 1024, timeout: 840s, duration: {{per_batch: 1s, jitter: {jitter}}}}}
"
    )
}

fn mean_latencies(lambda: f64, jitter: &str) -> Vec<f64> {
    (1..=5)
        .map(|seed| {
            let result = run_checked(&scenario(&single_server(seed, lambda, jitter)));
            result
                .summary
                .latency_mean_s
                .expect("records were committed")
        })
        .collect()
}

#[test]
fn mm1_mean_latency_is_one_over_mu_minus_lambda() {
    // λ = 0.5/s, μ = 1/s: W = 1 / (μ − λ) = 2 s.
    let (mean, half) = mean_ci99(&mean_latencies(0.5, "exponential"));
    assert!(
        half < 0.1,
        "confidence interval too wide to mean anything: ±{half}"
    );
    assert!(
        (mean - 2.0).abs() <= half,
        "W = {mean} ± {half}, expected 2"
    );
}

#[test]
fn md1_mean_latency_follows_pollaczek_khinchine() {
    // λ = 0.5/s, D = 1 s: Wq = λ E[S²] / (2 (1 − ρ)) = 0.5, W = 1.5 s.
    let (mean, half) = mean_ci99(&mean_latencies(0.5, "fixed"));
    assert!(
        half < 0.05,
        "confidence interval too wide to mean anything: ±{half}"
    );
    assert!(
        (mean - 1.5).abs() <= half,
        "W = {mean} ± {half}, expected 1.5"
    );
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
    let result = run_checked(&s);
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

#[test]
fn littles_law_holds_for_records() {
    // L = λW for the records in the system (arrived, not yet committed; in-flight records
    // count as lag): the time-average of lag_records equals the commit rate times the mean
    // end-to-end latency. The two sides come from separate code: the lag from the
    // partitions' offsets at each sample, the latency from the recorder at each commit.
    //
    // 4 partitions, Poisson arrivals at 200/s, one poller, a 20 s window and batches of
    // about 1,100 records taking 2.4 s on average: busy about 11 % of the time, so the run
    // is stationary and W is about 14 s (13.95 s with this seed).
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
    let result = run_checked(&s);
    let dt = 0.1;
    let t = result.rows.len() as f64 * dt;
    assert_eq!(t, 7200.0);
    let last = result.rows.last().unwrap();
    let (arrived, committed) = (last.produced_total as f64, last.committed_total as f64);
    let w = result
        .summary
        .latency_mean_s
        .expect("records were committed");
    // Both sides as record-seconds over the run: S = Σ lag(t_k) Δ, A = N_committed × W.
    let sampled: f64 = result.rows.iter().map(|r| r.lag as f64 * dt).sum();
    let sojourn = committed * w;
    // The tolerance is not statistical, it is the worst case of two exact effects:
    // * ∫ lag dt − A = the time the records still uncommitted at T have spent in the
    //   system, in [0, lag(T) × age(T)];
    // * S − ∫ lag dt: a sample at the end of its 100 ms row counts each arrival in that
    //   row for up to Δ too long (in (0, Δ] per record) and each commit for up to Δ too
    //   short ([−Δ, 0) per record), so it lies in [−Δ N_committed, Δ N_arrived].
    // Relative to A this is about Δ / W ≈ 0.7 % each way (the run lands at +0.07 %). Records
    // spend about 2.4 s of their 14 s in flight, so leaving in-flight records out of the
    // lag, or a 1 % error in either side, breaks it.
    let low = -dt * committed;
    let high = dt * arrived + last.lag as f64 * last.oldest_age_s;
    let diff = sampled - sojourn;
    assert!(
        (low..=high).contains(&diff),
        "time-average lag {} vs λW {} (λ = {} /s, W = {w} s): S − A = {diff} outside [{low}, {high}]",
        sampled / t,
        sojourn / t,
        committed / t,
    );
    // Guard against a vacuous pass: the window must fill the system with records.
    assert!(
        sojourn / t > 2_000.0 && w > 10.0,
        "L = {}, W = {w}",
        sojourn / t
    );
}
