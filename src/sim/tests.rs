//! Micro-scenarios whose every number is computed by hand.

use super::*;
use crate::engine::time::SimDuration;
use crate::model::scaler::Action;
use crate::scenario::Scenario;
use crate::scenario::load::from_yaml_str;

/// One partition, fluid arrivals at `rate`/s (10 ms buckets), fixed 100 ms per batch
/// at 1 GB, one fixed poller; everything else at its default.
fn micro(rate: f64, batch_size: u32, window_ms: u64, secs: u64) -> Scenario {
    let function = "{memory: 1024, duration: {per_batch: 100ms}}";
    micro_with(rate, batch_size, window_ms, secs, function)
}

/// [`micro`] with another `function` block.
fn micro_with(rate: f64, batch_size: u32, window_ms: u64, secs: u64, function: &str) -> Scenario {
    let yaml = format!(
        "name: micro
duration: {secs}s
topic: {{partitions: 1}}
producer: {{arrivals: deterministic, resolution: 10ms, rate: [{{constant: {rate}}}]}}
esm: {{batch_size: {batch_size}, batching_window: {window_ms}ms, scaler: {{policy: fixed, pollers: 1}}}}
function: {function}
"
    );
    from_yaml_str(&yaml, std::path::Path::new("."), &[]).expect("the micro scenario is valid")
}

fn run(s: &Scenario) -> RunResult {
    Simulation::new(s).run(&mut |_| {})
}

#[test]
fn full_batches_go_when_the_fifth_record_arrives() {
    let result = run(&micro(10.0, 5, 1000, 3));
    let got: Vec<(u64, u64, u64)> = result
        .rows
        .iter()
        .map(|r| (r.produced_total, r.committed_total, r.lag))
        .collect();
    assert_eq!(got, vec![(10, 5, 5), (20, 15, 5), (30, 25, 5)]);
    // Invocations at 0.5, 1.0, 1.5, 2.0, 2.5 and 3.0 s.
    assert_eq!(result.summary.invocations, 6);
    // Every batch holds records that waited 0.5, 0.4, 0.3, 0.2 and 0.1 s.
    assert!((result.summary.latency_mean_s.unwrap() - 0.3).abs() < 1e-9);
    let p50 = result.rows[0].latency_p50_s.unwrap();
    assert!(
        (p50 - 0.3).abs() <= 0.3 * 0.01,
        "p50 {p50} (1 % histogram resolution)"
    );
}

fn counts(result: &RunResult) -> Vec<(u64, u64, u64)> {
    result
        .rows
        .iter()
        .map(|r| (r.produced_total, r.committed_total, r.lag))
        .collect()
}

#[test]
fn the_window_closes_a_partial_batch_and_restarts_when_the_invocation_ends() {
    // Records every 0.5 s; windows end at 1.0, 2.1 and 3.2 s; each sends two records.
    let result = run(&micro(2.0, 5, 1000, 4));
    assert_eq!(
        counts(&result),
        vec![(2, 0, 2), (4, 2, 2), (6, 4, 2), (8, 6, 2)]
    );
    assert_eq!(result.summary.invocations, 3);
    assert_eq!(result.summary.mean_batch_records, Some(2.0));
    // Batches (0.5, 1.0) at 1.1, (1.5, 2.0) at 2.2, (2.5, 3.0) at 3.3 s:
    // (0.6 + 0.1 + 0.7 + 0.2 + 0.8 + 0.3) / 6 = 0.45 s.
    assert!((result.summary.latency_mean_s.unwrap() - 0.45).abs() < 1e-9);
}

#[test]
fn window_zero_sends_each_record_when_it_arrives() {
    let result = run(&micro(2.0, 5, 0, 4));
    assert_eq!(result.summary.invocations, 8);
    assert_eq!(counts(&result).last(), Some(&(8, 7, 1)));
    assert!((result.summary.latency_mean_s.unwrap() - 0.1).abs() < 1e-9);
    assert_eq!(result.summary.max_concurrency, 1);
    // Busy 100 ms of every 500 ms.
    assert!((result.rows[1].concurrency_mean - 0.2).abs() < 1e-12);
}

#[test]
fn a_failing_batch_is_retried_whole_and_blocks_its_partition() {
    // Five records take 100 ms + 5 × 30 ms = 250 ms, over the 200 ms timeout: the
    // batch of the records of 0.1 .. 0.5 s fails at 0.7 s and is retried at once
    // (it is still full), with the same five records, failing every 200 ms.
    let function = "{memory: 1024, timeout: 200ms, duration: {per_batch: 100ms, per_record: 30ms}}";
    let result = run(&micro_with(10.0, 5, 1000, 2, function));
    assert_eq!(counts(&result), vec![(10, 0, 10), (20, 0, 20)]);
    let s = &result.summary;
    // Starts at 0.5, 0.7, ..., 1.9 s; the one of 1.9 s is still running at 2 s.
    assert_eq!(s.invocations, 8);
    assert_eq!(s.errors, 7);
    assert_eq!(s.retries, 7);
    // Retried batches hold the same five records, not the newer ones waiting.
    assert_eq!(s.mean_batch_records, Some(5.0));
    assert_eq!(s.latency_mean_s, None);
    // Each start is billed at the timeout: 8 × 0.2 s × 1 GB.
    assert!((s.gb_s - 1.6).abs() < 1e-12, "{}", s.gb_s);
}

#[test]
fn a_rebalance_pauses_every_partition_and_redelivers_the_batch_whose_partition_moved() {
    // Two partitions at 5 records/s each (arrivals 0.2, 0.4, ... s), each its own
    // processor under one poller. Both windows close at 1 s: two batches of 5
    // records, 1.5 s each. The evaluation at 1 s sees lag 10 >= min_lag and scales
    // out to 2 pollers at 2 s: partitions pause until 4 s and windows restart at 5 s.
    // The old batches end at 2.5 s, during the pause. Partition 0 stays with poller 0
    // and its batch commits; partition 1 moved to poller 1, so its old owner's commit
    // is refused and its 5 records are delivered again.
    let yaml = "name: rebalance
duration: 7s
topic: {partitions: 2}
producer: {arrivals: deterministic, resolution: 10ms, rate: [{constant: 10}]}
esm:
  batch_size: 100
  batching_window: 1s
  rebalance_pause: 2s
  scaler: {policy: aws, initial_pollers: 1, max_pollers: 2, evaluation_interval: 1s,
           evaluation_phase: 0s, actuation_delay: 1s, scale_out: {min_lag: 1}}
function: {memory: 1024, timeout: 10s, duration: {per_batch: 1500ms}}
";
    let scenario = from_yaml_str(yaml, std::path::Path::new("."), &[]).expect("valid");
    let result = Simulation::new(&scenario)
        .with_invariant_checks()
        .run(&mut |_| {});
    assert_eq!(result.violations, Vec::<String>::new());
    let column = |f: fn(&SampleRow) -> f64| result.rows.iter().map(f).collect::<Vec<_>>();
    assert_eq!(
        column(|r| r.pollers as f64),
        vec![1.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]
    );
    // Nothing starts during the pause (2 .. 4 s) nor before the new windows end (5 s).
    assert_eq!(
        column(|r| r.invocations_per_s),
        vec![2.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0]
    );
    // 5 records commit at 2.5 s; at 6.5 s partition 0's 20 records of 1.2 .. 5.0 s and
    // partition 1's 5 redelivered ones with its 20.
    assert_eq!(
        column(|r| r.committed_total as f64),
        vec![0.0, 0.0, 5.0, 5.0, 5.0, 5.0, 50.0]
    );
    assert_eq!(
        column(|r| r.records_duplicated as f64),
        vec![0.0, 0.0, 5.0, 0.0, 0.0, 0.0, 0.0]
    );
    assert_eq!(result.summary.records_duplicated, 5);
    assert_eq!(result.summary.invocations, 4);
    // Batches of 5, 5, 20 and 25 records.
    assert_eq!(result.summary.mean_batch_records, Some(13.75));
    assert_eq!(result.summary.scaling_changes, 1);
}

#[test]
fn without_interval_latency_only_the_rows_latency_columns_go() {
    let yaml = "name: poisson
duration: 2m
topic: {partitions: 3}
producer: {rate: [{constant: 300}]}
esm: {batch_size: 20, scaler: {policy: fixed, pollers: 1}}
function: {memory: 1024, duration: {per_batch: 10ms, per_record: 2ms, jitter: exponential}}
";
    let scenario = from_yaml_str(yaml, std::path::Path::new("."), &[]).expect("valid");
    let full = run(&scenario);
    let lean = Simulation::new(&scenario)
        .without_interval_latency()
        .run(&mut |_| {});
    assert_eq!(lean.summary, full.summary);
    assert!(full.rows.iter().all(|r| r.latency_p50_s.is_some()));
    let blanked: Vec<SampleRow> = full
        .rows
        .iter()
        .map(|r| SampleRow {
            latency_p50_s: None,
            latency_p99_s: None,
            ..r.clone()
        })
        .collect();
    assert_eq!(lean.rows, blanked);
}

#[test]
fn cost_of_fixed_duration_invocations_to_the_cent_fraction() {
    let result = run(&micro(10.0, 5, 1000, 3));
    // 6 invocations × 100 ms × 1 GB = 0.6 GB-s.
    let s = &result.summary;
    assert!((s.gb_s - 0.6).abs() < 1e-12);
    assert!((s.cost_requests_usd - 6.0 * 0.2e-6).abs() < 1e-15);
    assert!((s.cost_duration_usd - 0.6 * 0.0000166667).abs() < 1e-15);
    assert!((s.cost_usd - 1.120_002e-5).abs() < 1e-15);
}

#[test]
fn at_low_traffic_first_record_windows_add_a_full_window_of_latency() {
    // One record every 2 s (2, 4, 6, 8, 10 s), a 1 s window, 100 ms per batch.
    let scenario = |starts: &str| {
        let yaml = format!(
            "name: low
duration: 10s
topic: {{partitions: 1}}
producer: {{arrivals: deterministic, resolution: 10ms, rate: [{{constant: 0.5}}]}}
esm: {{batching_window: 1s, batching_window_starts: {starts}, scaler: {{policy: fixed, pollers: 1}}}}
function: {{memory: 1024, duration: {{per_batch: 100ms}}}}
"
        );
        from_yaml_str(&yaml, std::path::Path::new("."), &[]).expect("valid")
    };
    // after_invocation: each window ended long before its record, which goes at once
    // (2, 4, 6, 8 and 10 s) and commits 100 ms later; the last ends after the run.
    let after = run(&scenario("after_invocation")).summary;
    assert_eq!((after.invocations, after.committed_records), (5, 4));
    assert!((after.latency_mean_s.unwrap() - 0.1).abs() < 1e-9);
    // first_record: each record opens a window and goes 1 s later (3, 5, 7, 9 s).
    let first = run(&scenario("first_record")).summary;
    assert_eq!((first.invocations, first.committed_records), (4, 4));
    assert!((first.latency_mean_s.unwrap() - 1.1).abs() < 1e-9);
    assert!((first.max_record_age_s - after.max_record_age_s - 1.0).abs() < 1e-9);
}

/// Eight partitions, Poisson arrivals of 400/s with a spike to 3,000/s from 60 s to 90 s,
/// batches of 50 that take 20 ms + 4 ms per record; `esm` as given.
fn spike(esm: &str) -> Scenario {
    let yaml = format!(
        "name: spike
duration: 6m
sample_interval: 5s
topic: {{partitions: 8}}
producer: {{rate: [{{constant: 400}}, {{spike: {{name: burst, at: 1m, duration: 30s, rate: 2600}}}}]}}
esm: {esm}
function: {{memory: 1024, duration: {{per_batch: 20ms, per_record: 4ms, jitter: exponential}}}}
"
    );
    from_yaml_str(&yaml, std::path::Path::new("."), &[]).expect("the spike scenario is valid")
}

#[test]
fn provisioned_with_min_equal_to_max_runs_like_fixed_with_five_invoke_pollers() {
    let fixed = run(&spike(
        "{batch_size: 50, poller: {max_concurrent_invokes: 5}, scaler: {policy: fixed, pollers: 3}}",
    ));
    let provisioned = run(&spike(
        "{batch_size: 50, mode: provisioned, provisioned: {min_pollers: 3, max_pollers: 3}}",
    ));
    let without_cost = |rows: &[SampleRow]| -> Vec<SampleRow> {
        rows.iter()
            .map(|r| SampleRow {
                cost: crate::model::cost::CostBreakdown::default(),
                ..r.clone()
            })
            .collect()
    };
    assert_eq!(without_cost(&provisioned.rows), without_cost(&fixed.rows));
    assert!(provisioned.scaling.is_empty() && fixed.scaling.is_empty());
    // The Lambda part of the cost is the same; provisioned adds one EPU (3 pollers) for
    // the 360 s: 360 × $0.185 / 3600 = $0.0185.
    let (p, f) = (&provisioned.summary, &fixed.summary);
    assert_eq!(p.mode.as_str(), "provisioned");
    assert_eq!(f.mode.as_str(), "on_demand");
    assert_eq!((p.gb_s, p.cost_duration_usd), (f.gb_s, f.cost_duration_usd));
    assert_eq!((f.epu_hours, f.cost_epu_usd), (0.0, 0.0));
    assert_eq!(p.epu_hours, 0.1);
    assert!((p.cost_epu_usd - 0.0185).abs() < 1e-12);
    assert_eq!(p.cost_usd, f.cost_usd + p.cost_epu_usd);
    assert!(provisioned.rows.iter().all(|r| r.cost.epu == 1));
    assert!(fixed.rows.iter().all(|r| r.cost.epu == 0));
}

#[test]
fn the_same_spike_drains_faster_in_provisioned_mode_with_enough_minimum_pollers() {
    let on_demand = run(&spike("{batch_size: 50}")).summary;
    let provisioned = run(&spike(
        "{batch_size: 50, mode: provisioned, provisioned: {min_pollers: 4}}",
    ))
    .summary;
    let drain = |s: &Summary| s.events[0].drain_s.expect("drains within the run");
    assert!(
        drain(&provisioned) < drain(&on_demand),
        "provisioned {} s, on-demand {} s",
        drain(&provisioned),
        drain(&on_demand)
    );
    assert!(provisioned.max_record_age_s < on_demand.max_record_age_s);
    assert!(provisioned.cost_epu_usd > 0.0 && on_demand.cost_epu_usd == 0.0);
}

#[test]
fn the_provisioned_autoscaler_sizes_on_the_lag_at_every_evaluation() {
    let result = run(&spike(
        "{batch_size: 50, mode: provisioned, provisioned: {min_pollers: 1, max_pollers: 8, lag_per_poller: 100}}",
    ));
    assert_eq!(result.scaling.len(), 36, "every 10 s from 10 s to 360 s");
    let mut most_wanted = 1;
    for (i, s) in result.scaling.iter().enumerate() {
        assert_eq!(
            s.time,
            SimTime::ZERO + SimDuration::from_secs(10 * (i as u64 + 1))
        );
        let needed = s.total_lag.div_ceil(100).clamp(1, 8) as u32;
        match s.action {
            Action::ScaleOut => assert_eq!((s.target, s.target > s.pollers), (needed, true)),
            Action::ScaleIn => assert_eq!((s.target, s.target < s.pollers), (needed, true)),
            Action::Hold => assert_eq!(s.target, s.pollers),
        }
        assert!(
            s.reason
                .starts_with(&format!("lag {} needs {needed} pollers", s.total_lag))
        );
        if let Some(at) = s.effective_at {
            assert_eq!(at, s.time + SimDuration::from_secs(30));
        }
        most_wanted = most_wanted.max(s.target);
    }
    assert_eq!(most_wanted, 8, "the spike needs the maximum");
    assert_eq!(result.summary.max_pollers, 8);
    assert!(
        result.summary.scaling_changes >= 2,
        "out for the spike and back in"
    );
}

#[test]
fn bottleneck_columns_on_a_micro_scenario() {
    // 10 records/s of 100 B, batches of 5 at 0.5, 1.0, 1.5, ... s, 100 ms each, one
    // poller of 10,000 B/s.
    let yaml = "name: micro
duration: 2s
topic: {partitions: 1}
producer: {arrivals: deterministic, resolution: 10ms, record_size: 100, rate: [{constant: 10}]}
esm: {batch_size: 5, batching_window: 1s, poller: {max_bytes_per_s: 10000}, scaler: {policy: fixed, pollers: 1}}
function: {memory: 1024, duration: {per_batch: 100ms}}
";
    let scenario = from_yaml_str(yaml, std::path::Path::new("."), &[]).expect("valid");
    let result = run(&scenario);
    let got: Vec<_> = result.rows.iter().map(|r| r.load).collect();
    let row = |busy: f64| crate::model::esm::Load {
        // Two batches of 500 B per interval: 1,000 B/s, a tenth of the bandwidth.
        poller_read_bytes_per_s: 1000.0,
        poller_bandwidth_share: Some(0.1),
        busiest_poller_bandwidth_share: Some(0.1),
        processor_busy_share: Some(busy),
        busiest_processor_busy_share: Some(busy),
        busiest_processor_partitions: Some(1),
    };
    // (0, 1]: busy 0.5 -> 0.6 and from 1.0 (nothing yet); (1, 2]: 1.0 -> 1.1, 1.5 -> 1.6.
    assert_eq!(got, vec![row(0.1), row(0.2)]);
    assert!(result.rows.iter().all(|r| r.bottleneck.is_none()));
}

/// A 10-minute run of 12 partitions whose lag keeps the on-demand scaler busy, with
/// `scaler` as the extra scaler settings, and the times of its evaluations.
fn evaluation_times(scaler: &str, seed: u64) -> Vec<SimTime> {
    let yaml = format!(
        "name: phase
duration: 10m
seed: {seed}
topic: {{partitions: 12}}
producer: {{rate: [{{constant: 2000}}]}}
esm: {{scaler: {{max_pollers: 12{scaler}}}}}
function: {{duration: {{per_record: 5ms}}}}
"
    );
    let scenario = from_yaml_str(&yaml, std::path::Path::new("."), &[]).expect("valid");
    run(&scenario).scaling.iter().map(|r| r.time).collect()
}

#[test]
fn evaluation_phase_zero_evaluates_at_whole_minutes_and_random_phases_differ_by_seed() {
    let minutes: Vec<SimTime> = (1..=10).map(|m| SimTime(m * 60_000_000_000)).collect();
    assert_eq!(evaluation_times(", evaluation_phase: 0s", 1), minutes);
    assert_eq!(evaluation_times(", evaluation_phase: 0s", 2), minutes);
    // 20 s: at 0:20, 1:20, ..., 9:20.
    let offset: Vec<SimTime> = (0..10)
        .map(|m| SimTime(m * 60_000_000_000 + 20_000_000_000))
        .collect();
    assert_eq!(evaluation_times(", evaluation_phase: 20s", 1), offset);
    // Random (the default): every minute from a phase under a minute, the same phase
    // for the same seed, another for another seed.
    let one = evaluation_times("", 1);
    let two = evaluation_times("", 2);
    assert_eq!(one, evaluation_times("", 1));
    assert_ne!(one[0], two[0]);
    for times in [&one, &two] {
        assert!(times[0] < minutes[0], "{times:?}");
        assert!(
            times
                .windows(2)
                .all(|w| w[1] - w[0] == SimDuration::from_secs(60))
        );
    }
}

#[test]
fn without_a_rebalance_pause_the_new_processors_start_at_once() {
    // The scenario above with no pause: after the scale-out at 2 s the new windows open
    // at once and close at 3 s, where both processors invoke; those batches end at 4.5 s
    // and the next windows close at 5.5 s. (Before the fix the new processors waited for
    // the end of a pause that was never scheduled, and nothing was invoked again.)
    let yaml = "name: rebalance
duration: 7s
topic: {partitions: 2}
producer: {arrivals: deterministic, resolution: 10ms, rate: [{constant: 10}]}
esm:
  batch_size: 100
  batching_window: 1s
  rebalance_pause: 0s
  scaler: {policy: aws, initial_pollers: 1, max_pollers: 2, evaluation_interval: 1s,
           evaluation_phase: 0s, actuation_delay: 1s, scale_out: {min_lag: 1}}
function: {memory: 1024, timeout: 10s, duration: {per_batch: 1500ms}}
";
    let scenario = from_yaml_str(yaml, std::path::Path::new("."), &[]).expect("valid");
    let result = Simulation::new(&scenario)
        .with_invariant_checks()
        .run(&mut |_| {});
    assert_eq!(result.violations, Vec::<String>::new());
    let column = |f: fn(&SampleRow) -> f64| result.rows.iter().map(f).collect::<Vec<_>>();
    assert_eq!(
        column(|r| r.invocations_per_s),
        vec![2.0, 0.0, 2.0, 0.0, 0.0, 2.0, 0.0]
    );
}
