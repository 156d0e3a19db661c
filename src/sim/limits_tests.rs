//! Micro-scenarios of the function's limits (concurrency, scaling rate, throttles) and
//! of its execution environments (cold starts), every number computed by hand.

use super::*;
use crate::scenario::Scenario;
use crate::scenario::load::from_yaml_str;

fn scenario(yaml: &str) -> Scenario {
    from_yaml_str(yaml, std::path::Path::new("."), &[]).expect("the micro scenario is valid")
}

fn run(s: &Scenario) -> RunResult {
    Simulation::new(s).with_invariant_checks().run(&mut |_| {})
}

/// `partitions` partitions holding a backlog of 1,000 records each and no new traffic,
/// one fixed poller per partition (so one processor each), batches of 10 sent at once
/// (window 0), and the given `function` block.
fn busy(partitions: u32, secs: u64, function: &str) -> Scenario {
    scenario(&format!(
        "name: busy
duration: {secs}s
topic: {{partitions: {partitions}, initial_backlog: 1000}}
producer: {{arrivals: deterministic, rate: [{{constant: 0}}]}}
esm: {{batch_size: 10, batching_window: 0s, scaler: {{policy: fixed, pollers: {partitions}}}}}
function: {function}
"
    ))
}

#[test]
fn reserved_concurrency_3_on_24_busy_partitions_never_runs_more_than_3() {
    // Each invocation takes 1 s. At t = 0 processors 0, 1, 2 invoke and the other 21
    // are throttled and wait 1 s. At every whole second the three invocations end
    // first (they were scheduled first), their processors invoke again at once (a full
    // batch, window 0), and the 21 that come back from their backoff are throttled
    // again: 21 throttles at t = 0, 1, ..., 10 (events at the end time still fire).
    let s = busy(
        24,
        10,
        "{memory: 1024, duration: {per_batch: 1s}, concurrency: {reserved: 3}}",
    );
    let r = run(&s);
    assert_eq!(r.violations, Vec::<String>::new());
    for row in &r.rows {
        assert_eq!(row.concurrency_max, 3, "at {}", row.time);
        assert_eq!(row.concurrency_limit, 3);
    }
    // The first row, (0, 1], also holds the 21 throttles of t = 0.
    let throttles: Vec<u64> = r.rows.iter().map(|row| row.throttles).collect();
    assert_eq!(throttles, [vec![42], vec![21; 9]].concat());
    assert_eq!(r.summary.throttles, 21 * 11);
    assert_eq!(r.summary.max_concurrency, 3);
    // 3 invocations at each of t = 0 .. 10; those of 0 .. 9 committed 10 records each.
    assert_eq!(r.summary.invocations, 33);
    assert_eq!(r.summary.committed_records, 300);
    // Throttled invokes are neither billed nor retries: 30 s of 1 GB billed at t = 10
    // for the 30 ended plus the 3 started at 10 s (billed as they start).
    assert_eq!(r.summary.retries, 0);
    assert_eq!(r.summary.gb_s, 33.0);
    // Some processor waited out a backoff from t = 0 to the end.
    assert_eq!(r.summary.time_throttled_s, 10.0);
}

#[test]
fn the_scaling_rate_adds_1000_environments_at_once_then_100_per_second() {
    // 2,000 busy partitions, an account limit of 5,000, invocations of 60 s. At t = 0
    // the bucket holds 1,000 tokens: 1,000 invoke, 1,000 are throttled. It refills by
    // 100 per second: at t = k (k = 1 .. 10) 100 of the waiting processors invoke and
    // the rest (1,000 - 100 k) are throttled again. Concurrency reaches 2,000 at 10 s.
    let s = busy(
        2000,
        12,
        "{memory: 1024, timeout: 100s, duration: {per_batch: 60s}, concurrency: {account_limit: 5000}}",
    );
    let r = run(&s);
    let max: Vec<u32> = r.rows.iter().map(|row| row.concurrency_max).collect();
    let expected: Vec<u32> = (1..=12).map(|k| 1000 + 100 * k.min(10)).collect();
    assert_eq!(max, expected);
    let throttles: Vec<u64> = r.rows.iter().map(|row| row.throttles).collect();
    // Row 1 covers t = 0 and t = 1: 1,000 + 900.
    let mut expected = vec![1900];
    expected.extend((2..=9).map(|k| 1000 - 100 * k));
    expected.extend([0, 0, 0]);
    assert_eq!(throttles, expected);
    assert_eq!(r.summary.throttles, 5500);
    assert_eq!(r.summary.invocations, 2000);
    assert_eq!(r.summary.time_throttled_s, 10.0);
    assert!(r.rows.iter().all(|row| row.concurrency_limit == 5000));
}

#[test]
fn other_functions_take_the_account_limit_over_time() {
    // A neighbour uses 998 of the 1,000 from 2 s to 4 s: the limit is 1,000, then 2,
    // then 1,000 again; 6 busy partitions with 1 s invocations.
    let s = busy(
        6,
        6,
        "{memory: 1024, duration: {per_batch: 1s}, concurrency: {other_functions: [{spike: {at: 2s, duration: 2s, rate: 998}}]}}",
    );
    let r = run(&s);
    let got: Vec<(u32, u32, u64)> = r
        .rows
        .iter()
        .map(|row| (row.concurrency_limit, row.concurrency_max, row.throttles))
        .collect();
    // At t = 2 and 3 only two of the six invoke (4 throttled each time); at t = 4 the
    // four throttled at 3 come back and all six run again.
    assert_eq!(
        got,
        vec![
            (1000, 6, 0),
            (2, 6, 4),
            (2, 2, 4),
            (1000, 6, 0),
            (1000, 6, 0),
            (1000, 6, 0),
        ]
    );
}

/// One partition; a single record at about 1 s, 4 min later and 10 min later (three
/// 1-record spikes), 100 ms per batch at 1 GB, cold starts with a fixed 1 s INIT and a
/// keep-warm of 5 min, and INIT billed as `bill_init` says.
fn three_lonely_records(bill_init: bool) -> Scenario {
    scenario(&format!(
        "name: lonely
duration: 700s
sample_interval: 10s
topic: {{partitions: 1}}
producer: {{arrivals: deterministic, rate: [{{spike: {{at: 0s, duration: 1s, rate: 1}}}}, {{spike: {{at: 240s, duration: 1s, rate: 1}}}}, {{spike: {{at: 600s, duration: 1s, rate: 1}}}}]}}
esm: {{scaler: {{policy: fixed, pollers: 1}}}}
function: {{memory: 1024, duration: {{per_batch: 100ms}}, cold_start: {{init: 1s, keep_warm: 5min, bill_init: {bill_init}}}}}
"
    ))
}

#[test]
fn idle_4_then_6_minutes_pays_exactly_one_more_cold_start() {
    let r = run(&three_lonely_records(true));
    // The first invocation starts the environment (cold), the second finds it idle for
    // about 4 min (warm), the third after about 6 min finds it reclaimed (cold).
    assert_eq!(r.summary.invocations, 3);
    assert_eq!(r.summary.cold_starts, 2);
    assert_eq!(r.summary.cold_start_share, Some(2.0 / 3.0));
    let cold_rows: Vec<u64> = r
        .rows
        .iter()
        .filter(|row| row.cold_starts > 0)
        .map(|row| row.time.as_secs_f64() as u64)
        .collect();
    assert_eq!(cold_rows, vec![10, 610]);
    // INIT is billed: 3 × 100 ms + 2 × 1 s at 1 GB.
    assert_eq!(r.summary.gb_s, 2.3);
    // The environment is warm from the first invocation until 5 min after the second
    // ended (about 241 s + 5 min), and again from the third.
    let warm = |t: u64| r.rows[(t / 10 - 1) as usize].warm_environments;
    assert_eq!(
        (warm(10), warm(500), warm(550), warm(700)),
        (Some(1), Some(1), Some(0), Some(1))
    );
}

#[test]
fn init_is_not_billed_with_bill_init_false() {
    let r = run(&three_lonely_records(false));
    assert_eq!(r.summary.cold_starts, 2);
    assert_eq!(r.summary.gb_s, 0.3);
}

#[test]
fn without_cold_start_there_are_no_environments_to_report() {
    let s = busy(2, 2, "{memory: 1024, duration: {per_batch: 1s}}");
    let r = run(&s);
    assert!(r.rows.iter().all(|row| row.warm_environments.is_none()));
    assert_eq!((r.summary.cold_starts, r.summary.throttles), (0, 0));
    assert!(r.rows.iter().all(|row| row.concurrency_limit == 1000));
}

#[test]
fn provisioned_concurrency_serves_without_cold_starts_at_its_own_prices() {
    let mut s = three_lonely_records(true);
    s.function
        .cold_start
        .as_mut()
        .unwrap()
        .provisioned_concurrency = 1;
    let r = run(&s);
    assert_eq!((r.summary.invocations, r.summary.cold_starts), (3, 0));
    assert!(r.rows.iter().all(|row| row.warm_environments == Some(1)));
    // 3 × 100 ms at 1 GB on the provisioned environment, at its duration price; the
    // environment itself for 700 s rounded up to 900 s (5-minute steps).
    assert!((r.summary.gb_s - 0.3).abs() < 1e-12);
    let duration = 0.3 * 0.0000097222;
    assert!((r.summary.cost_duration_usd - duration).abs() < 1e-15);
    let kept = 900.0 * 0.0000041667;
    assert!((r.summary.cost_provisioned_concurrency_usd - kept).abs() < 1e-15);
    let requests = 3.0 * 0.2e-6;
    assert!((r.summary.cost_usd - (requests + duration + kept)).abs() < 1e-15);
}
