//! Properties every run must have: conservation of records, scaler cadence and bounds,
//! common random numbers, determinism.

use esmsim::engine::time::SimTime;
use esmsim::output;
use esmsim::sim::RunResult;

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

/// Width of row `i` in seconds (the first row starts at 0).
fn row_secs(result: &RunResult, i: usize) -> f64 {
    let start = if i == 0 {
        SimTime::ZERO
    } else {
        result.rows[i - 1].time
    };
    (result.rows[i].time - start).as_secs_f64()
}

/// Cross-checks three counters the simulation keeps apart: the partitions' offsets
/// (`produced_total`, `committed_total`, `lag`), the per-interval rate columns, and the
/// records handed to invocations (`mean_batch_records × invocations`, from the
/// recorder). At every sample: the rates integrate to the totals; every committed record
/// was invoked; and with no failures, the records invoked but not yet committed (those in
/// flight, once records delivered twice after a rebalance are taken out) are part of the
/// lag and fit in the invocations running at that instant.
/// Returns the records invoked over the run.
fn check_counters(result: &RunResult, initial_backlog: u64, max_batch: u64) -> u64 {
    let (mut produced, mut committed, mut invoked) = (initial_backlog, 0u64, 0u64);
    let mut duplicated = 0u64;
    let no_failures = result.summary.errors == 0;
    for (i, r) in result.rows.iter().enumerate() {
        let secs = row_secs(result, i);
        produced += (r.produced_per_s * secs).round() as u64;
        committed += (r.committed_per_s * secs).round() as u64;
        let invocations = (r.invocations_per_s * secs).round() as u64;
        invoked += r
            .mean_batch_records
            .map_or(0, |m| (m * invocations as f64).round() as u64);
        assert_eq!(r.produced_total, produced, "row {i} at {}", r.time);
        assert_eq!(r.committed_total, committed, "row {i} at {}", r.time);
        assert!(
            invoked >= committed,
            "row {i}: {committed} committed but only {invoked} invoked"
        );
        duplicated += r.records_duplicated;
        if no_failures {
            let in_flight = invoked - committed - duplicated;
            assert!(
                in_flight <= r.lag,
                "row {i}: {in_flight} in flight > lag {}",
                r.lag
            );
            assert!(
                in_flight <= r.concurrency_max as u64 * max_batch,
                "row {i}: {in_flight} records in flight in at most {} invocations",
                r.concurrency_max
            );
        }
    }
    assert_eq!(
        invoked,
        (result.summary.mean_batch_records.unwrap_or(0.0) * result.summary.invocations as f64)
            .round() as u64
    );
    invoked
}

#[test]
fn records_are_conserved_at_every_sample_in_every_partition() {
    // Conservation is checked inside the run (produced = committed + in flight + waiting
    // per partition, at every sample); here on a scaling, skewed, rebalancing run, a run
    // with timeouts and retries, and a run with an initial backlog and a payload limit.
    // Outside the run, `check_counters` ties the offsets to the invocations.
    let step = run_checked(&scenario(STEP));
    assert!(
        step.summary.scaling_changes >= 2,
        "the scaler should have acted"
    );
    // At most 50 records × 4 ms × 1.5 (cpu_bound 0.5 at the reference memory) is far under
    // the 10 s timeout, so nothing fails and every invoked record is committed or in flight.
    assert_eq!(step.summary.errors, 0);
    check_counters(&step, 0, 50);
    let timeouts = run_checked(&scenario(
        "name: timeouts
duration: 10m
topic: {partitions: 3}
producer: {rate: [{constant: 300}]}
function: {memory: 1024, timeout: 300ms, duration: {per_batch: 100ms, per_record: 2ms, jitter: exponential}}
",
    ));
    assert!(timeouts.summary.errors > 0 && timeouts.summary.retries > 0);
    // Failed batches are invoked again, so strictly more records are invoked than committed.
    let invoked = check_counters(&timeouts, 0, 100);
    assert!(invoked > timeouts.summary.committed_records);
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
    assert_eq!(backlog.summary.errors, 0);
    check_counters(&backlog, 400_000, 11);
}

#[test]
fn conservation_holds_with_filtered_and_skipped_records() {
    // Inside the run, at every sample: per partition produced = committed + in flight +
    // waiting and committed >= skipped + filtered + skipped at start; over the topic
    // committed = processed + skipped + filtered + skipped at start. Here on the
    // scaling, rebalancing STEP run with two filters, a 2-minute start-up and a `latest`
    // start over a backlog, and on a run whose timeouts retry filtered batches.
    let yaml = STEP
        .replace(
            "topic: {partitions: 12,",
            "topic: {partitions: 12, initial_backlog: 2000, starting_position: latest,",
        )
        .replace(
            "esm: {batch_size: 50,",
            "esm: {batch_size: 50, startup_delay: 2m, filter: {filters: [{match: 0.3}, {match: 0.2}]},",
        );
    let result = run_checked(&scenario(&yaml));
    let s = &result.summary;
    assert!(s.scaling_changes >= 1, "the scaler should have acted");
    let column: u64 = result.rows.iter().map(|r| r.records_filtered).sum();
    assert_eq!(column, s.records_filtered);
    // The backlog (12 × 2,000) and about 300/s × 120 s are skipped; none is lag (rows
    // at 1 .. 119 s).
    assert!(
        s.records_skipped_at_start > 24_000 + 30_000,
        "{}",
        s.records_skipped_at_start
    );
    assert!(
        result.rows[..119]
            .iter()
            .all(|r| r.lag == 0 && r.pollers == 0)
    );
    // 1 - 0.7 × 0.8 = 44 % pass: 56 % of the records read are filtered.
    let read = s.committed_records - s.records_skipped_at_start;
    let share = s.records_filtered as f64 / read as f64;
    assert!((0.54..0.58).contains(&share), "{share}");
    // Every processed record was invoked (no failures here: invoked = processed + in
    // flight).
    assert_eq!(s.errors, 0);
    let invoked = (s.mean_batch_records.unwrap() * s.invocations as f64).round() as u64;
    let processed = read - s.records_filtered;
    assert!(processed <= invoked && invoked - processed <= s.final_lag_records);

    let timeouts = run_checked(&scenario(
        "name: timeouts
duration: 10m
topic: {partitions: 3}
producer: {rate: [{constant: 300}]}
esm: {filter: {match: 0.5}}
function: {memory: 1024, timeout: 300ms, duration: {per_batch: 100ms, per_record: 4ms, jitter: exponential}}
",
    ));
    assert!(timeouts.summary.retries > 0 && timeouts.summary.records_filtered > 0);
}

#[test]
fn fluid_arrivals_give_hand_computed_counts_at_every_sample() {
    // 3 partitions at 10 records/s each (fluid: record k of a partition arrives at k/10 s),
    // one poller, so one processor per partition. Each processor sends 5 records when the
    // 5th arrives (before its 1 s window ends): at 0.5 s, 1.0 s, 1.5 s, ...; each batch
    // takes 100 ms. By t = k s, batches sent at 0.5 j s for j = 1 ..= 2k − 1 have
    // committed (the one sent at k s is in flight until k + 0.1 s).
    let result = run_checked(&scenario(
        "name: fluid
duration: 20s
topic: {partitions: 3}
producer: {arrivals: deterministic, rate: [{constant: 30}]}
esm: {batch_size: 5, batching_window: 1s, scaler: {policy: fixed, pollers: 1}}
function: {memory: 1024, duration: {per_batch: 100ms}}
",
    ));
    assert_eq!(result.rows.len(), 20);
    for (i, r) in result.rows.iter().enumerate() {
        let k = i as u64 + 1;
        assert_eq!(r.produced_total, 30 * k, "t = {k} s");
        assert_eq!(r.committed_total, 15 * (2 * k - 1), "t = {k} s");
        assert_eq!(r.lag, 15, "t = {k} s");
        assert_eq!(r.max_partition_lag, 5, "t = {k} s");
        assert_eq!(r.processors, 3);
        assert_eq!(r.invocations_per_s, 6.0, "t = {k} s");
        assert_eq!(r.mean_batch_records, Some(5.0), "t = {k} s");
        // Three processors each busy 100 ms of every 500 ms; in the first second only
        // after 0.5 s (the invocation sent at 1.0 s counts from the next row).
        let busy = if k == 1 { 0.3 } else { 0.6 };
        assert!((r.concurrency_mean - busy).abs() < 1e-12, "t = {k} s");
    }
    let s = &result.summary;
    // 40 batches per partition, 5 records each; the last three (sent at 20 s) in flight.
    assert_eq!(s.invocations, 120);
    assert_eq!(check_counters(&result, 0, 5), 600);
    assert_eq!(s.committed_records, 585);
    // Every record waits 0.4, 0.3, 0.2, 0.1 or 0 s for its batch, then 0.1 s: mean 0.3 s.
    assert!((s.latency_mean_s.unwrap() - 0.3).abs() < 1e-9);
    // 120 × 0.1 s × 1 GB.
    assert!((s.gb_s - 12.0).abs() < 1e-9);
}

#[test]
fn a_function_slower_than_its_timeout_never_commits() {
    // One partition, fluid arrivals at 10 records/s (record k at k/10 s), handler 1 s
    // against a 500 ms timeout: every invocation fails at the timeout. The window (500 ms)
    // restarts when an invocation ends, so invocations start at 0.5, 1.5, ..., 59.5 s and
    // fail at 1.0, 2.0, ..., 60.0 s; the one started at k − 0.5 s re-sends everything
    // that arrived by then, 10k − 5 records (under batch_size and the 6 MiB payload).
    let result = run_checked(&scenario(
        "name: all-timeouts
duration: 60s
topic: {partitions: 1}
producer: {arrivals: deterministic, rate: [{constant: 10}]}
esm: {batch_size: 10000, batching_window: 500ms, scaler: {policy: fixed, pollers: 1}}
function: {memory: 512, timeout: 500ms, duration: {per_batch: 1s}}
",
    ));
    assert_eq!(result.rows.len(), 60);
    for (i, r) in result.rows.iter().enumerate() {
        let k = i as u64 + 1;
        assert_eq!(r.produced_total, 10 * k, "t = {k} s");
        assert_eq!(r.committed_total, 0, "t = {k} s");
        assert_eq!(r.lag, 10 * k, "t = {k} s");
        assert_eq!(r.invocations_per_s, 1.0, "t = {k} s");
        assert_eq!(r.errors, 1, "t = {k} s");
        // Only the first invocation sends a batch that never failed before.
        assert_eq!(r.retries, u64::from(k >= 2), "t = {k} s");
        assert_eq!(r.mean_batch_records, Some((10 * k - 5) as f64), "t = {k} s");
        assert_eq!(r.latency_p50_s, None, "t = {k} s");
        // The record that arrived at 0.1 s is never committed.
        assert!(
            (r.oldest_age_s - (k as f64 - 0.1)).abs() < 1e-9,
            "t = {k} s"
        );
        assert!((r.concurrency_mean - 0.5).abs() < 1e-12, "t = {k} s");
        // Billed at the start: k invocations × 0.5 s × 512/1024 GB.
        assert!((r.cost.gb_s - 0.25 * k as f64).abs() < 1e-12, "t = {k} s");
    }
    let s = &result.summary;
    assert_eq!(s.produced_records, 600);
    assert_eq!(s.committed_records, 0);
    assert_eq!(s.invocations, 60);
    assert_eq!(s.errors, 60);
    assert_eq!(s.retries, 59);
    assert_eq!(s.latency_mean_s, None);
    // 60 × 0.5 s (the timeout, not the 1 s handler) × 0.5 GB = 15 GB-s.
    assert!((s.gb_s - 15.0).abs() < 1e-12);
    assert!((s.cost_requests_usd - 60.0 * 0.2e-6).abs() < 1e-15);
    assert!((s.cost_duration_usd - 15.0 * 0.0000166667).abs() < 1e-15);
}

/// Processors of `pollers` pollers over 12 partitions: the range assignor gives poller i
/// 12 / p partitions (one more for the first 12 % p), split over at most 5 processors.
fn processors_on_12(pollers: u32) -> u32 {
    (0..pollers)
        .map(|i| (12 / pollers + u32::from(i < 12 % pollers)).min(5))
        .sum()
}

#[test]
fn pollers_change_only_at_evaluation_plus_delay_to_the_decided_count() {
    let result = run_checked(&scenario(STEP));
    // The first evaluation at a random phase within the first minute, then every 60 s.
    let first = result.scaling[0].time;
    assert!(first.0 < 60_000_000_000, "{first}");
    for s in &result.scaling {
        assert_eq!(
            (s.time.0 - first.0) % 60_000_000_000,
            0,
            "evaluations every 60 s from {first}, got {}",
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
    // Replaying scaling.csv gives the poller count of every row: the target of the last
    // decision in effect by then (1, the initial count, before any), and the processors
    // the range assignor makes of it (1 → 5, 2 → 10, 3 or more → 12).
    assert_eq!(
        (1..=4).map(processors_on_12).collect::<Vec<_>>(),
        vec![5, 10, 12, 12]
    );
    for r in &result.rows {
        let expected = result
            .scaling
            .iter()
            .rfind(|s| s.effective_at.is_some_and(|at| at <= r.time))
            .map_or(1, |s| s.target);
        assert_eq!(r.pollers, expected, "pollers at {}", r.time);
        assert_eq!(r.processors, processors_on_12(expected), "at {}", r.time);
    }
    // The load step at 10 min makes the scaler scale out soon after.
    let first_out = result
        .scaling
        .iter()
        .find(|s| s.action == esmsim::model::scaler::Action::ScaleOut)
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
    let produced = |r: &RunResult| {
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
    // The payload limit caps batches at 46 records: 46 × 102,400 B × 4/3 = 6,280,533.3,
    // rounded up, plus 46 × 200 B is 6,289,734 B <= 6,291,456 (6 MiB), while 47 records
    // make 6,426,467 B. The backlog grows by about 51 records/s, so in the tail every
    // batch is full: exactly 46 records in every row (one batch per 46 × 102,400 B /
    // 5 MB/s = 0.942 s, so every 1 s row starts at least one).
    for r in tail {
        assert_eq!(r.mean_batch_records, Some(46.0), "at {}", r.time);
    }
    assert!(
        tail[0].lag > 10_000,
        "the backlog is large: {}",
        tail[0].lag
    );
}
