//! Filtering and start-up on micro-scenarios whose every number is computed by hand.

use super::*;
use crate::scenario::load::from_yaml_str;

/// One partition of fluid arrivals at `rate`/s (10 ms buckets: record `n`, from 0,
/// arrives at `(n + 1) / rate` s), one fixed poller, 1 GB; `topic` and `esm` add fields
/// to those blocks.
fn scenario(secs: u64, rate: f64, topic: &str, esm: &str, function: &str) -> Scenario {
    let yaml = format!(
        "name: micro
duration: {secs}s
topic: {{partitions: 1{topic}}}
producer: {{arrivals: deterministic, resolution: 10ms, rate: [{{constant: {rate}}}]}}
esm: {{scaler: {{policy: fixed, pollers: 1}}, {esm}}}
function: {function}
"
    );
    from_yaml_str(&yaml, std::path::Path::new("."), &[]).expect("the micro scenario is valid")
}

/// Runs with the invariant checks on, and asserts that none failed.
fn run(s: &Scenario) -> RunResult {
    let result = Simulation::new(s).with_invariant_checks().run(&mut |_| {});
    assert_eq!(result.violations, Vec::<String>::new());
    result
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn match_a_quarter_invokes_exactly_a_quarter_of_the_records_and_commits_all() {
    // 100 records/s, batches of 100 fill at 1, 2, ..., 10 s. Offsets [100k, 100k + 100)
    // hold floor(n / 4) steps: 25 matching records each (offsets 3, 7, ..., 99 of the
    // first), so each invocation takes 10 ms × 25 = 250 ms instead of 1 s.
    let s = scenario(
        10,
        100.0,
        "",
        "batch_size: 100, batching_window: 10s, filter: {match: 0.25}",
        "{memory: 1024, duration: {per_record: 10ms}}",
    );
    let result = run(&s);
    let summary = &result.summary;
    assert_eq!(summary.invocations, 10);
    assert_eq!(summary.mean_batch_records, Some(25.0));
    // The batches of 1 .. 9 s are committed (ends 1.25 .. 9.25 s); the one of 10 s is
    // in flight at the end. All their records are committed, 3 in 4 as filtered.
    assert_eq!(summary.committed_records, 900);
    assert_eq!(summary.records_filtered, 675);
    assert_eq!(summary.final_lag_records, 100);
    // Billed for 25 records, not 100: 10 × 0.25 s × 1 GB.
    assert!(close(summary.gb_s, 2.5), "{}", summary.gb_s);
    // Latency only of the invoked records: those of the first batch arrive at 0.04,
    // 0.08, ..., 1.00 s (mean 0.52 s) and are committed at 1.25 s.
    assert!(close(summary.latency_mean_s.unwrap(), 0.73));
    let per_row: Vec<(u64, u64, u64)> = result
        .rows
        .iter()
        .map(|r| (r.committed_total, r.records_filtered, r.lag))
        .collect();
    assert_eq!(per_row[0], (0, 0, 100));
    assert_eq!(per_row[1], (100, 75, 100));
    assert_eq!(per_row[9], (900, 75, 100));
}

#[test]
fn a_batch_the_filter_empties_commits_at_once_without_an_invocation() {
    // 10 records/s, batches of 2: offsets 3, 7, 11, ... match (floor(n / 4) steps), so
    // the batches [0, 2), [4, 6), ... hold no match and [2, 4), [6, 8), ... one. The
    // empty batch of 0.2 s commits at 0.2 s, uninvoked, and frees the processor (its
    // window would end at 1.2 s); the batch full at 0.4 s goes at once and ends at
    // 0.5 s; 0.6 s commits; 0.8 s goes; 1.0 s commits; then 1.2, 1.6 and 2.0 s go.
    let s = scenario(
        2,
        10.0,
        "",
        "batch_size: 2, batching_window: 1s, filter: {match: 0.25}",
        "{memory: 1024, duration: {per_batch: 100ms}}",
    );
    let result = run(&s);
    let rows: Vec<(u64, u64, u64, u64, f64)> = result
        .rows
        .iter()
        .map(|r| {
            (
                r.produced_total,
                r.committed_total,
                r.lag,
                r.records_filtered,
                r.invocations_per_s,
            )
        })
        .collect();
    // In (1, 2] s the batches of 1.3 (committed after its invocation), 1.4, 1.7 and
    // 1.8 s filter 1 + 2 + 1 + 2 records; the batch of 2.0 s is in flight at 2 s.
    assert_eq!(rows, vec![(10, 10, 0, 8, 2.0), (20, 18, 2, 6, 3.0)]);
    let summary = &result.summary;
    assert_eq!(summary.invocations, 5);
    assert_eq!(summary.mean_batch_records, Some(1.0));
    assert_eq!(summary.records_filtered, 14);
    // Offsets 3, 7, 11, 15 arrive at 0.4, 0.8, 1.2, 1.6 s and are committed 0.1 s later.
    assert!(close(summary.latency_mean_s.unwrap(), 0.1));
    // Only invocations are billed: 5 × 0.1 s × 1 GB.
    assert!(close(summary.gb_s, 0.5), "{}", summary.gb_s);
}

#[test]
fn with_nothing_matching_no_function_runs_and_every_record_is_committed() {
    let s = scenario(
        3,
        100.0,
        "",
        "batch_size: 100, batching_window: 10s, filter: {filters: [{match: 0}, {match: 0}]}",
        "{memory: 1024, duration: {per_batch: 100ms}}",
    );
    let result = run(&s);
    let rows: Vec<(u64, u64, u64)> = result
        .rows
        .iter()
        .map(|r| (r.committed_total, r.lag, r.records_filtered))
        .collect();
    // The batch full at k s commits at k s, before the sample.
    assert_eq!(rows, vec![(100, 0, 100), (200, 0, 100), (300, 0, 100)]);
    assert_eq!(result.summary.invocations, 0);
    assert_eq!(result.summary.cost_usd, 0.0);
    assert_eq!(result.summary.latency_mean_s, None);
}

#[test]
fn filtered_records_use_the_pollers_bandwidth_unless_told_otherwise() {
    // 1,000 records/s of 1 KiB, a poller of 102,400 B/s: one batch of 100 records
    // (102,400 B) a second, with 1 s of burst. A filter passing none commits every
    // batch when it fills (every 0.1 s), so only the bandwidth paces the poller.
    let esm = |counts: bool| {
        format!(
            "batch_size: 100, batching_window: 10s, poller: {{max_bytes_per_s: 102400}}, filter: {{match: 0, bandwidth_counts_filtered: {counts}}}"
        )
    };
    let function = "{memory: 1024, duration: {per_batch: 100ms}}";
    let counted = run(&scenario(10, 1000.0, "", &esm(true), function));
    let free = run(&scenario(10, 1000.0, "", &esm(false), function));
    // Counted: the batches of 0.1 s and 0.2 s (the burst), then one a second at 1.1,
    // 2.1, ..., 9.1 s: 11 batches of 100.
    assert_eq!(counted.summary.committed_records, 1_100);
    // Not counted: every batch goes when it fills, all 10,000 records.
    assert_eq!(free.summary.committed_records, 10_000);
    assert_eq!(free.summary.final_lag_records, 0);
}

#[test]
fn match_one_gives_exactly_the_outputs_of_no_filter() {
    let yaml = |filter: &str| {
        format!(
            "name: same
duration: 3m
sample_interval: 10s
topic: {{partitions: 4}}
producer: {{rate: [{{constant: 800}}, {{spike: {{at: 1m, duration: 30s, rate: 3000}}}}]}}
esm: {{batch_size: 50{filter}}}
function: {{memory: 512, duration: {{per_batch: 20ms, per_record: 2ms, jitter: exponential}}}}
"
        )
    };
    let load = |y: String| from_yaml_str(&y, std::path::Path::new("."), &[]).unwrap();
    let plain = run(&load(yaml("")));
    let one = run(&load(yaml(", filter: {match: 1.0}")));
    assert_eq!(plain.rows, one.rows);
    assert_eq!(plain.summary, one.summary);
}

#[test]
fn which_records_match_does_not_depend_on_the_consumer() {
    // Poisson traffic for 20 s, then none: two consumers that commit everything by the
    // end filter out exactly the same records, whatever their batches.
    let yaml = |batch: u32| {
        format!(
            "name: crn
duration: 40s
topic: {{partitions: 3, initial_backlog: 500}}
producer: {{rate: [{{spike: {{at: 0, duration: 20s, rate: 600}}}}]}}
esm: {{batch_size: {batch}, batching_window: 200ms, filter: {{filters: [{{match: 0.2}}, {{match: 0.1}}]}}}}
function: {{memory: 1024, duration: {{per_batch: 5ms, per_record: 1ms}}}}
"
        )
    };
    let load = |y: String| from_yaml_str(&y, std::path::Path::new("."), &[]).unwrap();
    let a = run(&load(yaml(100)));
    let b = run(&load(yaml(37)));
    assert_eq!(a.summary.final_lag_records, 0);
    assert_eq!(b.summary.final_lag_records, 0);
    assert_eq!(a.summary.produced_records, b.summary.produced_records);
    assert_eq!(a.summary.records_filtered, b.summary.records_filtered);
    // 1 - 0.8 × 0.9 = 28 % pass: about 72 % of ~13,500 records are filtered.
    let share = a.summary.records_filtered as f64 / a.summary.produced_records as f64;
    assert!((0.69..0.75).contains(&share), "{share}");
}

#[test]
fn polling_starts_after_the_startup_delay_and_its_window_opens_then() {
    // 10 records/s, batches of up to 1,000, a 1 s window, polling from 5 s. Until then
    // there is no poller and the lag grows. At 5 s the window opens: it ends at 6 s,
    // when the 60 records of 0.1 .. 6.0 s go (100 ms); the next window runs 6.1 .. 7.1 s.
    let s = scenario(
        8,
        10.0,
        "",
        "batch_size: 1000, batching_window: 1s, startup_delay: 5s",
        "{memory: 1024, duration: {per_batch: 100ms}}",
    );
    let result = run(&s);
    let rows: Vec<(u32, u32, u64, u64, f64)> = result
        .rows
        .iter()
        .map(|r| {
            (
                r.pollers,
                r.processors,
                r.committed_total,
                r.lag,
                r.invocations_per_s,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (0, 0, 0, 10, 0.0),
            (0, 0, 0, 20, 0.0),
            (0, 0, 0, 30, 0.0),
            (0, 0, 0, 40, 0.0),
            (1, 1, 0, 50, 0.0),
            (1, 1, 0, 60, 1.0),
            (1, 1, 60, 10, 0.0),
            (1, 1, 71, 9, 1.0),
        ]
    );
    assert_eq!(result.rows[5].mean_batch_records, Some(60.0));
    // The oldest record (0.1 s) is 4.9 s old when polling starts.
    assert!(close(result.rows[4].oldest_age_s, 4.9));
}

#[test]
fn with_a_backlog_the_first_invocation_is_at_the_delay() {
    // 1,000 records waiting and 50 more by 5 s: a full batch is ready when polling
    // starts, so it goes at 5 s exactly (trim_horizon reads the backlog).
    let s = scenario(
        6,
        10.0,
        ", initial_backlog: 1000",
        "batch_size: 1000, batching_window: 1s, startup_delay: 5s",
        "{memory: 1024, duration: {per_batch: 100ms}}",
    );
    let result = run(&s);
    assert_eq!(result.rows[3].invocations_per_s, 0.0);
    assert_eq!(result.rows[4].invocations_per_s, 1.0);
    assert_eq!(result.rows[4].mean_batch_records, Some(1000.0));
    assert_eq!(result.rows[5].committed_total, 1000);
    assert_eq!(result.summary.records_skipped_at_start, 0);
}

#[test]
fn latest_skips_the_backlog_and_what_arrives_before_polling() {
    // The same with `starting_position: latest`: the 1,000 records of t = 0 and the 50
    // of 0.1 .. 5.0 s are behind the start; they are committed when they arrive and
    // never lag. The window of 5 .. 6 s sends the 10 records of 5.1 .. 6.0 s.
    let s = scenario(
        8,
        10.0,
        ", initial_backlog: 1000, starting_position: latest",
        "batch_size: 1000, batching_window: 1s, startup_delay: 5s",
        "{memory: 1024, duration: {per_batch: 100ms}}",
    );
    let result = run(&s);
    let rows: Vec<(u64, u64, u64, f64)> = result
        .rows
        .iter()
        .map(|r| {
            (
                r.produced_total,
                r.committed_total,
                r.lag,
                r.committed_per_s,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            // The backlog counts in neither rate (it is produced and skipped at t = 0).
            (1010, 1010, 0, 10.0),
            (1020, 1020, 0, 10.0),
            (1030, 1030, 0, 10.0),
            (1040, 1040, 0, 10.0),
            (1050, 1050, 0, 10.0),
            (1060, 1050, 10, 0.0),
            (1070, 1060, 10, 10.0),
            (1080, 1071, 9, 11.0),
        ]
    );
    assert_eq!(result.rows[5].mean_batch_records, Some(10.0));
    assert_eq!(result.summary.records_skipped_at_start, 1050);
    // At 6.0 and 7.1 s; the next window ends at 8.2 s.
    assert_eq!(result.summary.invocations, 2);
}

#[test]
fn latest_without_a_delay_skips_only_the_backlog() {
    let s = scenario(
        2,
        10.0,
        ", initial_backlog: 1000, starting_position: latest",
        "batch_size: 1000, batching_window: 1s",
        "{memory: 1024, duration: {per_batch: 100ms}}",
    );
    let result = run(&s);
    assert_eq!(result.summary.records_skipped_at_start, 1000);
    // The window of 0 .. 1 s sends the 10 records of 0.1 .. 1.0 s, as without a backlog.
    assert_eq!(result.rows[0].mean_batch_records, Some(10.0));
    assert_eq!(result.rows[1].committed_total, 1010);
}

#[test]
fn the_scaler_first_evaluates_one_interval_after_polling_starts() {
    // With evaluation_phase 0s; a phase p > 0 puts it at the start + p.
    let yaml = "name: late
duration: 70s
topic: {partitions: 1}
producer: {rate: [{constant: 10}]}
esm: {startup_delay: 5s, scaler: {policy: aws, evaluation_phase: 0s}}
function: {memory: 1024, duration: {per_batch: 100ms}}
";
    let s = from_yaml_str(yaml, std::path::Path::new("."), &[]).unwrap();
    let result = run(&s);
    let times: Vec<f64> = result
        .scaling
        .iter()
        .map(|r| r.time.as_secs_f64())
        .collect();
    assert_eq!(times, vec![65.0]);
}
