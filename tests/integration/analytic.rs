//! Long runs against closed-form queueing results (peers.md §5).
//!
//! One partition, batch size 1, window 0, one fixed poller and Poisson arrivals make the
//! partition a single FIFO server: end-to-end latency is the sojourn time W. Each case
//! runs five seeds and asserts that the analytic value lies within the 99 % confidence
//! interval of the seed means, and that the interval is tight (so the test can fail).

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
fn littles_law_holds_for_concurrency() {
    // Mean concurrency = invocation rate × mean duration, on a scaling, multi-partition run.
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
