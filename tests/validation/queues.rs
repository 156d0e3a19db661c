//! Queues with exact answers: M/M/1 and M/D/1 at three loads, M/G/1 with lognormal
//! service (Pollaczek–Khinchine), the bulk-service queue M/M^[1,B]/1 solved as a CTMC,
//! P independent partitions, and the slope of the lag past saturation.
//!
//! With batch size 1, window 0 and one fixed poller, a partition is a FIFO single server
//! (at most one batch in flight per partition) and a record's end-to-end latency is its
//! sojourn time W. Latencies are exact means (sum over committed records, not histogram
//! buckets).

use crate::{assert_covers, run, scenario};

/// `partitions` partitions, `lambda` records/s in all, batches of up to `batch`, window
/// 0, `pollers` fixed pollers, invocations of `service` × the jitter.
fn queue(
    seed: u64,
    duration: &str,
    partitions: u32,
    lambda: f64,
    batch: u32,
    jitter: &str,
) -> String {
    format!(
        "name: queue
seed: {seed}
duration: {duration}
sample_interval: 10s
topic: {{partitions: {partitions}}}
producer: {{arrivals: poisson, record_size: 100, resolution: 100ms, rate: [{{constant: {lambda}}}]}}
esm: {{batch_size: {batch}, batching_window: 0s, scaler: {{policy: fixed, pollers: 1}}}}
function: {{memory: 1024, timeout: 840s, duration: {{per_batch: 1s, jitter: {jitter}}}}}
"
    )
}

/// Mean latency of one run.
fn mean_latency(yaml: &str) -> f64 {
    run(&scenario(yaml))
        .summary
        .latency_mean_s
        .expect("records were committed")
}

/// The run length giving about the same precision at every load: the relaxation time
/// of the queue grows like 1/(1 − ρ)².
fn horizon(rho: f64) -> &'static str {
    if rho > 0.85 { "1000000s" } else { "200000s" }
}

#[test]
fn mm1_at_loads_half_to_nine_tenths() {
    // μ = 1/s: W = 1 / (μ − λ).
    for rho in [0.5, 0.8, 0.9] {
        assert_covers(
            &format!("M/M/1 ρ = {rho}: mean latency W (s)"),
            1.0 / (1.0 - rho),
            0.1,
            |seed| mean_latency(&queue(seed, horizon(rho), 1, rho, 1, "exponential")),
        );
    }
}

#[test]
fn md1_at_loads_half_to_nine_tenths() {
    // D = 1 s: W = D + ρ D / (2 (1 − ρ)) (Pollaczek–Khinchine).
    for rho in [0.5, 0.8, 0.9] {
        let exact = 1.0 + rho / (2.0 * (1.0 - rho));
        assert_covers(&format!("M/D/1 ρ = {rho}: W (s)"), exact, 0.1, |seed| {
            mean_latency(&queue(seed, horizon(rho), 1, rho, 1, "fixed"))
        });
    }
}

#[test]
fn mg1_lognormal_follows_pollaczek_khinchine() {
    // Service = exp(σZ − σ²/2) s with σ = 1: E[S] = 1, E[S²] = e^{σ²} = e.
    // W = E[S] + λ E[S²] / (2 (1 − ρ)) at λ = 0.7: 4.171329.
    let lambda = 0.7;
    let exact = 1.0 + lambda * std::f64::consts::E / (2.0 * (1.0 - lambda));
    assert!((exact - 4.171_329).abs() < 1e-6);
    assert_covers(
        "M/G/1 lognormal σ = 1, ρ = 0.7: W (s)",
        exact,
        0.1,
        |seed| {
            mean_latency(&queue(
                seed,
                "1000000s",
                1,
                lambda,
                1,
                "{lognormal: {sigma: 1}}",
            ))
        },
    );
}

/// Mean sojourn of M/M^[1,B]/1 (a server takes up to `b` waiting customers at once, the
/// service time is exponential with rate `mu` whatever the batch size), by solving the
/// CTMC truncated at `n` waiting customers with Gauss–Seidel. States: idle, and busy with
/// k waiting.
fn bulk_sojourn_ctmc(lambda: f64, mu: f64, b: usize, n: usize) -> f64 {
    let mut idle = 1.0;
    let mut busy = vec![0.0; n + 1];
    for _ in 0..200_000 {
        let before = busy.clone();
        // Balance of busy with 0 waiting: (λ + μ) q0 = λ idle + μ (q1 + ... + qB).
        busy[0] = (lambda * idle + mu * busy[1..=b.min(n)].iter().sum::<f64>()) / (lambda + mu);
        // Balance of busy with k waiting: (λ + μ) qk = λ q(k−1) + μ q(k+B).
        for k in 1..=n {
            let from_above = if k + b <= n { busy[k + b] } else { 0.0 };
            let out = if k == n { mu } else { lambda + mu };
            busy[k] = (lambda * busy[k - 1] + mu * from_above) / out;
        }
        // Idle: λ idle = μ q0.
        idle = mu * busy[0] / lambda;
        let total = idle + busy.iter().sum::<f64>();
        idle /= total;
        busy.iter_mut().for_each(|q| *q /= total);
        let change: f64 = busy.iter().zip(&before).map(|(a, b)| (a - b).abs()).sum();
        if change < 1e-15 {
            break;
        }
    }
    let waiting: f64 = busy.iter().enumerate().map(|(k, q)| k as f64 * q).sum();
    waiting / lambda + 1.0 / mu
}

/// The same from the closed form: busy states are geometric, q_k = q_0 r^k, with r the
/// root in (0, 1) of μ r^{B+1} − (λ + μ) r + λ = 0.
fn bulk_sojourn_closed_form(lambda: f64, mu: f64, b: i32) -> f64 {
    let f = |r: f64| mu * r.powi(b + 1) - (lambda + mu) * r + lambda;
    let (mut lo, mut hi) = (0.0, 1.0 - 1e-9);
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        if f(mid) > 0.0 { lo = mid } else { hi = mid }
    }
    let r = (lo + hi) / 2.0;
    let q0 = 1.0 / (mu / lambda + 1.0 / (1.0 - r));
    let waiting = q0 * r / (1.0 - r).powi(2);
    waiting / lambda + 1.0 / mu
}

#[test]
fn the_bulk_queue_solutions_agree() {
    // Cheap, so it runs in debug too: the CTMC and the closed form give the same W, and
    // B = 1 is M/M/1.
    for (lambda, b) in [(2.0, 4), (0.5, 1), (3.5, 4), (1.0, 2)] {
        let ctmc = bulk_sojourn_ctmc(lambda, 1.0, b, 600);
        let closed = bulk_sojourn_closed_form(lambda, 1.0, b as i32);
        assert!(
            (ctmc - closed).abs() < 1e-9,
            "λ {lambda}, B {b}: {ctmc} vs {closed}"
        );
    }
    assert!((bulk_sojourn_closed_form(0.5, 1.0, 1) - 2.0).abs() < 1e-9);
}

#[test]
fn bulk_service_queue_matches_its_ctmc() {
    // Batches of up to B = 4, service Exp(1) per batch whatever its size (per_batch only),
    // λ = 2/s (half the capacity of 4/s) and λ = 3.5/s (7/8 of it).
    for (lambda, horizon) in [(2.0, "200000s"), (3.5, "1000000s")] {
        let exact = bulk_sojourn_ctmc(lambda, 1.0, 4, 2_000);
        assert_covers(
            &format!("M/M^[1,4]/1 λ = {lambda}: W (s)"),
            exact,
            0.1,
            |seed| mean_latency(&queue(seed, horizon, 1, lambda, 4, "exponential")),
        );
    }
}

#[test]
fn independent_partitions_are_independent_mm1_queues() {
    // 4 partitions, 3.2 records/s in all: each an M/M/1 at λ = 0.8, W = 5 s; one poller
    // runs a processor per partition (at most 5), so nothing is shared.
    assert_covers("4 partitions × M/M/1 ρ = 0.8: W (s)", 5.0, 0.1, |seed| {
        mean_latency(&queue(seed, "200000s", 4, 3.2, 1, "exponential"))
    });
}

/// Lag growth per second over the second half of a saturated run.
fn lag_slope(yaml: &str) -> f64 {
    let result = run(&scenario(yaml));
    let (half, last) = (
        &result.rows[result.rows.len() / 2 - 1],
        result.rows.last().unwrap(),
    );
    (last.lag as f64 - half.lag as f64) / (last.time.as_secs_f64() - half.time.as_secs_f64())
}

#[test]
fn lag_past_saturation_grows_at_arrivals_minus_capacity() {
    // One partition, batches of 10 taking exactly 1 s: capacity 10 records/s. At 15/s the
    // lag grows at 5/s; on 4 such partitions at 60/s in all, at 20/s.
    assert_covers(
        "saturation, 1 partition, λ = 15, capacity 10: lag slope (records/s)",
        5.0,
        0.05,
        |seed| lag_slope(&queue(seed, "20000s", 1, 15.0, 10, "fixed")),
    );
    assert_covers(
        "saturation, 4 partitions, λ = 60, capacity 40: lag slope (records/s)",
        20.0,
        0.05,
        |seed| lag_slope(&queue(seed, "20000s", 4, 60.0, 10, "fixed")),
    );
}
