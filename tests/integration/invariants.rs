//! Properties every run must have: conservation of records, scaler cadence and bounds,
//! common random numbers, determinism.

use esmsim::engine::time::SimTime;
use esmsim::output;

use crate::common::{run_checked, scenario};

/// A load step on 12 partitions with a small consumer, so the AWS-like scaler acts.
const STEP: &str = "name: step
seed: 11
duration: 40m
sample_interval: 1s
topic: {partitions: 12, keys: {zipf: 0.8}}
producer: {rate: [{constant: 300}, {step: {at: 10m, rate: 3000}}], record_size: {lognormal: {median: 1KiB, p99: 8KiB}}}
esm: {batch_size: 50, scaler: {policy: aws, actuation_delay: {uniform: [30s, 180s]}}}
function: {memory: 512, timeout: 10s, duration: {per_batch: 40ms, per_record: 4ms, cpu_bound: 0.5, jitter: {lognormal: {sigma: 0.4}}}}
";

#[test]
fn records_are_conserved_at_every_sample_in_every_partition() {
    // Conservation is checked inside the run (produced = committed + in flight + waiting
    // per partition, at every sample); here on a scaling, skewed, rebalancing run, a run
    // with timeouts and retries, and a run with an initial backlog and a payload limit.
    let step = run_checked(&scenario(STEP));
    assert!(
        step.summary.scaling_changes >= 2,
        "the scaler should have acted"
    );
    let timeouts = run_checked(&scenario(
        "name: timeouts
duration: 10m
topic: {partitions: 3}
producer: {rate: [{constant: 300}]}
function: {memory: 1024, timeout: 300ms, duration: {per_batch: 100ms, per_record: 2ms, jitter: exponential}}
",
    ));
    assert!(timeouts.summary.errors > 0 && timeouts.summary.retries > 0);
    let backlog = run_checked(&scenario(
        "name: backlog
duration: 5m
topic: {partitions: 4, initial_backlog: 100000}
producer: {rate: [{constant: 10}], record_size: 400KiB}
esm: {batch_size: 10000}
function: {memory: 2048, timeout: 60s, duration: {per_batch: 50ms, per_kib: 0.01ms}}
",
    ));
    // 400 KiB records: 6 MiB / (400 KiB × 4/3 + 200 B) fits 11 records per batch.
    let first = &backlog.rows[0];
    assert_eq!(first.mean_batch_records, Some(11.0));
    for rows in [&step.rows, &timeouts.rows, &backlog.rows] {
        for r in rows.iter() {
            assert_eq!(r.produced_total, r.committed_total + r.lag);
        }
    }
}

#[test]
fn pollers_change_only_at_evaluation_plus_delay_and_never_exceed_partitions() {
    let result = run_checked(&scenario(STEP));
    for s in &result.scaling {
        assert_eq!(
            s.time.0 % 60_000_000_000,
            0,
            "evaluations every 60 s, got {}",
            s.time
        );
        if let Some(at) = s.effective_at {
            let delay = at.0 - s.time.0;
            assert!(
                (30_000_000_000..=180_000_000_000).contains(&delay),
                "delay {delay} ns"
            );
        }
    }
    let effects: Vec<SimTime> = result
        .scaling
        .iter()
        .filter_map(|s| s.effective_at)
        .collect();
    for pair in result.rows.windows(2) {
        assert!(pair[1].pollers <= 12);
        if pair[0].pollers != pair[1].pollers {
            let explained = effects
                .iter()
                .any(|&t| t > pair[0].time && t <= pair[1].time);
            assert!(
                explained,
                "pollers changed between {} and {} without a decision taking effect",
                pair[0].time, pair[1].time
            );
        }
    }
    // The load step at 10 min makes the scaler scale out soon after.
    let first_out = result
        .scaling
        .iter()
        .find(|s| s.action == "scale_out")
        .expect("a scale-out");
    assert!(
        first_out.time > SimTime::from_secs_f64(600.0)
            && first_out.time <= SimTime::from_secs_f64(780.0)
    );
    assert!(result.summary.max_pollers > 1);
}

#[test]
fn traffic_does_not_depend_on_the_consumer() {
    let base = run_checked(&scenario(STEP));
    let other = STEP
        .replace("memory: 512", "memory: 4096")
        .replace("batch_size: 50", "batch_size: 500")
        .replace(
            "policy: aws, actuation_delay: {uniform: [30s, 180s]}",
            "policy: fixed, pollers: 12",
        );
    let other = run_checked(&scenario(&other));
    let produced = |r: &esmsim::sim::RunResult| {
        r.rows
            .iter()
            .map(|row| row.produced_total)
            .collect::<Vec<_>>()
    };
    assert_eq!(produced(&base), produced(&other));
    assert_ne!(
        base.summary.committed_records,
        other.summary.committed_records
    );
}

#[test]
fn same_scenario_and_seed_give_byte_identical_outputs() {
    let s = scenario(STEP);
    let a = output::render(&s, &run_checked(&s));
    let b = output::render(&s, &run_checked(&s));
    assert_eq!(a, b);
    let mut reseeded = s.clone();
    reseeded.seed += 1;
    let c = output::render(&reseeded, &run_checked(&reseeded));
    assert_ne!(
        a[0].bytes, c[0].bytes,
        "a different seed must give a different run"
    );
}

#[test]
fn a_poller_fetches_at_most_its_bandwidth() {
    // 100 KiB records at 100/s are 10.24 MB/s for one poller limited to 5 MB/s: once the
    // one-second burst is spent, commits settle at 5,000,000 / 102,400 = 48.8 records/s.
    let result = run_checked(&scenario(
        "name: bandwidth
duration: 10m
topic: {partitions: 1}
producer: {arrivals: deterministic, rate: [{constant: 100}], record_size: 100KiB}
esm: {scaler: {policy: fixed, pollers: 1}, poller: {max_bytes_per_s: 5MB}}
function: {memory: 1024, timeout: 10s, duration: {per_batch: 10ms}}
",
    ));
    let tail = &result.rows[300..];
    let rate = (tail.last().unwrap().committed_total - result.rows[299].committed_total) as f64
        / tail.len() as f64;
    assert!(
        (rate / 48.83 - 1.0).abs() < 0.02,
        "committed {rate} records/s"
    );
    // The payload limit (6 MiB of base64 plus 200 B per record) caps batches at 46 records.
    assert!(
        result
            .rows
            .iter()
            .filter_map(|r| r.mean_batch_records)
            .all(|b| b <= 46.0)
    );
}
