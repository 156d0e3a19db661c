//! The batching-window cycle, at low traffic, by renewal–reward: one partition, Poisson
//! arrivals at λ, a window of `w`, invocations of exactly `d`, batches never full.
//!
//! Cut the run at batch closes. With `after_invocation` the window opens when the last
//! invocation ends, d after the close: if a record arrived in the cycle C = d + w the
//! next batch closes at C and takes every record of [0, C); otherwise the first record
//! after C goes at once. With `first_record` the window opens at the invocation's end if
//! a record arrived during it, else at the next arrival. Summing each record's wait to
//! its batch's close plus d over a cycle and dividing by the records of a cycle gives
//! the mean latency (formulas below).

use crate::{assert_covers, run, scenario};

fn cycle(seed: u64, starts: &str, lambda: f64) -> String {
    format!(
        "name: cycle
seed: {seed}
duration: 100000s
sample_interval: 100s
topic: {{partitions: 1}}
producer: {{arrivals: poisson, record_size: 100, resolution: 10ms, rate: [{{constant: {lambda}}}]}}
esm: {{batch_size: 10000, batching_window: 2s, batching_window_starts: {starts}, scaler: {{policy: fixed, pollers: 1}}}}
function: {{memory: 1024, timeout: 60s, duration: {{per_batch: 1s}}}}
"
    )
}

#[test]
fn batching_window_cycles_after_invocation() {
    // W = [λ (C²/2 + C d) + e^{−λC} d] / [λ C + e^{−λC}], C = d + w.
    let (d, w) = (1.0_f64, 2.0_f64);
    for lambda in [0.2, 0.5, 2.0] {
        let c = d + w;
        let idle = (-lambda * c).exp();
        let exact = (lambda * (c * c / 2.0 + c * d) + idle * d) / (lambda * c + idle);
        assert_covers(
            &format!("window 2 s after invocation, d = 1 s, λ = {lambda}: W (s)"),
            exact,
            0.05,
            |seed| {
                run(&scenario(&cycle(seed, "after_invocation", lambda)))
                    .summary
                    .latency_mean_s
                    .unwrap()
            },
        );
    }
}

#[test]
fn batching_window_cycles_first_record() {
    // W = [λ d (3d/2 + w) + λ (w d + w²/2) + e^{−λd} (w + d)] / [λ (d + w) + e^{−λd}].
    let (d, w) = (1.0_f64, 2.0_f64);
    for lambda in [0.2, 0.5, 2.0] {
        let idle = (-lambda * d).exp();
        let exact = (lambda * d * (1.5 * d + w) + lambda * (w * d + w * w / 2.0) + idle * (w + d))
            / (lambda * (d + w) + idle);
        assert_covers(
            &format!("window 2 s from first record, d = 1 s, λ = {lambda}: W (s)"),
            exact,
            0.05,
            |seed| {
                run(&scenario(&cycle(seed, "first_record", lambda)))
                    .summary
                    .latency_mean_s
                    .unwrap()
            },
        );
    }
}
