//! Failures, retries, bisection, partial-batch responses, destinations and retention on
//! micro-scenarios whose numbers are computed by hand, and a property test of the
//! records accounting over random small scenarios.

use super::*;
use crate::engine::time::SimDuration;
use crate::metrics::SampleRow;
use crate::scenario::Scenario;
use crate::scenario::load::from_yaml_str;

/// One partition at `rate` records/s (fluid, 10 ms buckets) with `backlog` records at
/// t = 0, batches of `batch_size`, a 1 s window, one fixed poller, 100 ms per batch at
/// 1 GB, samples every second; `extra_esm` and `errors` are added to their blocks.
fn scenario(
    rate: f64,
    backlog: u64,
    batch_size: u32,
    secs: u64,
    extra_esm: &str,
    errors: &str,
) -> Scenario {
    let yaml = format!(
        "name: failures
duration: {secs}s
sample_interval: 1s
topic: {{partitions: 1, initial_backlog: {backlog}}}
producer: {{arrivals: deterministic, resolution: 10ms, rate: [{{constant: {rate}}}]}}
esm: {{batch_size: {batch_size}, batching_window: 1s, scaler: {{policy: fixed, pollers: 1}}{extra_esm}}}
function: {{memory: 1024, timeout: 10s, duration: {{per_batch: 100ms}}, errors: {errors}}}
"
    );
    from_yaml_str(&yaml, std::path::Path::new("."), &[]).expect("the micro scenario is valid")
}

fn run(s: &Scenario) -> RunResult {
    let result = Simulation::new(s).with_invariant_checks().run(&mut |_| {});
    assert_eq!(result.violations, Vec::<String>::new());
    result
}

fn column<T>(result: &RunResult, f: fn(&SampleRow) -> T) -> Vec<T> {
    result.rows.iter().map(f).collect()
}

#[test]
fn a_poison_record_with_two_retries_reaches_the_destination_after_three_invocations() {
    // Records at 0.1, 0.2, ... s; offset 2 (0.3 s) is poison. The batch of offsets 0..4
    // fills at 0.5 s and fails at 0.6, 0.7 and 0.8 s (retried at once: no backoff);
    // after its third attempt (two retries) its 5 records go to SQS and are committed.
    // Then the partition moves on: offsets 5..9 fill at 1.0 s and succeed at 1.1 s,
    // 10..14 at 1.5 s, 15..19 at 2.0 s (in flight at the end).
    let s = scenario(
        10.0,
        0,
        5,
        2,
        ", on_failure: {max_retry_attempts: 2, destination: sqs, allow_in_on_demand: true}",
        "{poison: [{partition: 0, offset: 2}]}",
    );
    let result = run(&s);
    assert_eq!(column(&result, |r| r.errors_function), vec![3, 0]);
    assert_eq!(column(&result, |r| r.retries), vec![2, 0]);
    assert_eq!(column(&result, |r| r.records_to_destination), vec![5, 0]);
    assert_eq!(column(&result, |r| r.committed_total), vec![5, 15]);
    assert_eq!(column(&result, |r| r.blocked_partitions), vec![0, 0]);
    let summary = &result.summary;
    assert_eq!(
        (summary.invocations, summary.errors, summary.errors_timeout),
        (6, 3, 0)
    );
    assert_eq!(
        (summary.records_succeeded, summary.records_to_destination),
        (10, 5)
    );
    // Every start is billed: 6 × 0.1 s × 1 GB.
    assert!((summary.gb_s - 0.6).abs() < 1e-12, "{}", summary.gb_s);
}

#[test]
fn an_unlimited_retry_on_a_poison_record_ends_when_retention_passes() {
    // AWS's on-demand default: retry for ever. Offset 2 (arrived 0.3 s) is poison; the
    // topic keeps records 3 s. Batches of 5 fail every 0.1 s from 0.5 s on while the
    // partition stays blocked. Each retry first drops what left the log: offsets 0, 1
    // and 2 expire at the ends of 3.1, 3.2 and 3.3 s (3 s after 0.1, 0.2, 0.3 s), so
    // the batches started at 0.5, 0.6, ..., 3.2 s (28) fail and the one of 3.3 s, from
    // offset 3 on, succeeds.
    let s = scenario(10.0, 0, 5, 5, "", "{poison: [{partition: 0, offset: 2}]}");
    let s = Scenario {
        topic: crate::scenario::Topic {
            retention: SimDuration::from_secs(3),
            ..s.topic
        },
        ..s
    };
    let result = run(&s);
    assert_eq!(result.summary.errors_function, 28);
    assert_eq!(result.summary.records_expired, 3);
    assert_eq!(column(&result, |r| r.records_expired), vec![0, 0, 0, 3, 0]);
    assert_eq!(
        column(&result, |r| r.blocked_partitions),
        vec![1, 1, 1, 0, 0]
    );
    // Blocked: nothing committed until 3.4 s.
    assert_eq!(column(&result, |r| r.committed_total)[..3], [0, 0, 0]);
}

#[test]
fn bisection_isolates_a_poison_record_in_ceil_log2_n_plus_one_failed_invocations() {
    // 100 records waiting, offset 0 poison, no traffic. The rule: a failed batch of
    // n > 1 records is split into a first half of ceil(n/2) and a second of floor(n/2),
    // retried in that order (bisection consumes no attempt). The poison is in the first
    // half each time: 100, 50, 25, 13, 7, 4, 2, 1 fail (ceil(log2 100) + 1 = 8). Alone,
    // its failure is its first attempt, over `max_retry_attempts: 0`: it goes to the
    // destination. The halves left on the stack then succeed: 1, 2, 3, 6, 12, 25, 50.
    let s = scenario(
        0.0,
        100,
        100,
        5,
        ", on_failure: {max_retry_attempts: 0, bisect_batch: true, destination: s3, allow_in_on_demand: true}",
        "{poison: [{partition: 0, offset: 0}]}",
    );
    let result = run(&s);
    let summary = &result.summary;
    assert_eq!(summary.errors_function, 8);
    assert_eq!(summary.invocations, 15);
    assert_eq!(
        (summary.records_to_destination, summary.records_succeeded),
        (1, 99)
    );
    // Batch sizes 100+50+25+13+7+4+2+1 failed, 1+2+3+6+12+25+50 succeeded.
    let sent = 100 + 50 + 25 + 13 + 7 + 4 + 2 + 1 + 99;
    assert_eq!(summary.mean_batch_records, Some(sent as f64 / 15.0));
    assert_eq!(summary.final_lag_records, 0);
}

#[test]
fn a_partial_batch_response_commits_the_records_before_the_failed_one() {
    // 10 records waiting, offset 4 poison. The first attempt commits offsets 0..3 and
    // retries from 4; the retry (6 records) fails at its first record and is its
    // second attempt, over `max_retry_attempts: 1`: offsets 4..9 go to the destination.
    let s = scenario(
        0.0,
        10,
        10,
        2,
        ", on_failure: {max_retry_attempts: 1, report_batch_item_failures: true, destination: sqs, allow_in_on_demand: true}",
        "{poison: [{partition: 0, offset: 4}]}",
    );
    let result = run(&s);
    let summary = &result.summary;
    assert_eq!(
        (
            summary.invocations,
            summary.errors_function,
            summary.retries
        ),
        (2, 2, 1)
    );
    assert_eq!(
        (summary.records_succeeded, summary.records_to_destination),
        (4, 6)
    );
    assert_eq!(summary.mean_batch_records, Some(8.0));
    // The 4 committed records waited from 0 to the end of the first attempt, 0.1 s.
    let latency = summary.latency_max_s.expect("records were committed");
    assert!((latency - 0.1).abs() < 0.001, "{latency}");
}

#[test]
fn a_record_age_limit_discards_the_failing_batch_without_a_destination() {
    // 5 records waiting at t = 0, offset 0 poison, 1 s per batch, retries unlimited but
    // records at most 60 s old: the attempt that ends at 61 s is the first whose oldest
    // record is over 60 s old, so the 61 attempts started at 0..60 s fail and the batch
    // is discarded (dropped, no destination).
    let yaml = "name: age
duration: 70s
sample_interval: 10s
topic: {partitions: 1, initial_backlog: 5}
producer: {arrivals: deterministic, rate: [{constant: 0}]}
esm: {batch_size: 5, scaler: {policy: fixed, pollers: 1},
      on_failure: {max_record_age: 60s, allow_in_on_demand: true}}
function: {memory: 1024, timeout: 10s, duration: {per_batch: 1s}, errors: {poison: [{partition: 0, offset: 0}]}}
";
    let s = from_yaml_str(yaml, std::path::Path::new("."), &[]).expect("valid");
    let result = run(&s);
    assert_eq!(result.summary.errors_function, 61);
    assert_eq!(result.summary.records_dropped, 5);
    assert_eq!(result.summary.records_to_destination, 0);
    assert_eq!(
        column(&result, |r| r.records_dropped),
        vec![0, 0, 0, 0, 0, 0, 5]
    );
}

#[test]
fn invocation_errors_follow_their_share_and_window() {
    // 20 % of invocations fail between 100 s and 200 s, none outside. Fluid 100
    // records/s, batches of 10 every 0.1 s: about 1,000 invocations in the window,
    // plus their retries (a retry fails with the same 20 %).
    let yaml = "name: flaky
duration: 300s
sample_interval: 100s
topic: {partitions: 1}
producer: {arrivals: deterministic, resolution: 10ms, rate: [{constant: 100}]}
esm: {batch_size: 10, scaler: {policy: fixed, pollers: 1}}
function: {memory: 1024, duration: {per_batch: 10ms},
           errors: {invocation_error_rate: [{spike: {at: 100s, duration: 100s, rate: 0.2}}]}}
";
    let s = from_yaml_str(yaml, std::path::Path::new("."), &[]).expect("valid");
    let result = run(&s);
    let errors = column(&result, |r| r.errors_function);
    assert_eq!((errors[0], errors[2]), (0, 0));
    // In the window: n invocations, of which errors ~ Binomial(n, 0.2).
    let n = result.rows[1].invocations_per_s * 100.0;
    let share = errors[1] as f64 / n;
    let se = (0.2 * 0.8 / n).sqrt();
    assert!((share - 0.2).abs() < 4.0 * se, "share {share}, n {n}");
    assert_eq!(result.rows[1].retries, errors[1]);
    assert_eq!(
        result.summary.records_succeeded,
        result.summary.committed_records
    );
}

#[test]
fn failure_controls_need_provisioned_mode_unless_allowed_as_a_what_if() {
    let yaml = |extra: &str| {
        format!(
            "name: x
duration: 1m
topic: {{partitions: 1}}
producer: {{rate: [{{constant: 1}}]}}
esm: {{on_failure: {{max_retry_attempts: 2{extra}}}}}
function: {{duration: {{per_batch: 1ms}}}}
"
        )
    };
    let err = from_yaml_str(&yaml(""), std::path::Path::new("."), &[])
        .expect_err("on-demand has no retry limit")
        .to_string();
    assert!(err.contains("esm.on_failure.max_retry_attempts"), "{err}");
    assert!(err.contains("provisioned"), "{err}");
    assert!(err.contains("allow_in_on_demand"), "{err}");
    assert!(err.contains("line 5"), "{err}");
    let ok = from_yaml_str(
        &yaml(", allow_in_on_demand: true"),
        std::path::Path::new("."),
        &[],
    )
    .expect("allowed as a what-if");
    assert_eq!(ok.esm.on_failure.retry_limit(), Some(2));
    let unlimited = "name: x
duration: 1m
topic: {partitions: 1}
producer: {rate: [{constant: 1}]}
esm: {mode: provisioned, on_failure: {max_retry_attempts: -1, destination: kafka}}
function: {duration: {per_batch: 1ms}}
";
    let s = from_yaml_str(unlimited, std::path::Path::new("."), &[]).expect("valid");
    // Unlimited retries with a destination are at most 10 (AWS).
    assert_eq!(s.esm.on_failure.retry_limit(), Some(10));
    let bad = unlimited.replace("max_retry_attempts: -1", "max_retry_attempts: 10001");
    let err = from_yaml_str(&bad, std::path::Path::new("."), &[])
        .expect_err("over 10,000")
        .to_string();
    assert!(err.contains("10001") && err.contains("10000"), "{err}");
    let bad = unlimited.replace("max_retry_attempts: -1", "max_record_age: 30s");
    let err = from_yaml_str(&bad, std::path::Path::new("."), &[])
        .expect_err("under 60 s")
        .to_string();
    assert!(
        err.contains("esm.on_failure.max_record_age") && err.contains("30s"),
        "{err}"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// Over random small scenarios with every failure source and handling, a filter and
    /// a concurrency limit that throttles: at every
    /// sample and in every partition produced = committed + lag (the invariant checks),
    /// committed = succeeded + to destination + dropped + expired, the rows' interval
    /// counts add up to the summary's totals.
    #[test]
    fn every_record_is_accounted_for(
        partitions in 1u32..4,
        rate in 0.0f64..80.0,
        backlog in 0u64..50,
        batch_size in 1u32..30,
        invocation_error in 0.0f64..0.5,
        record_error in 0.0f64..0.05,
        retries in -1i64..4,
        bisect in proptest::bool::ANY,
        report in proptest::bool::ANY,
        destination in 0usize..2,
        retention_s in 2u64..40,
        filter_match in 0.2f64..1.0,
        reserved in 1u32..6,
        seed in 0u64..1000,
    ) {
        let destination = ["none", "sqs"][destination];
        let yaml = format!(
            "name: prop
seed: {seed}
duration: 60s
sample_interval: 5s
topic: {{partitions: {partitions}, initial_backlog: {backlog}, retention: {retention_s}s}}
producer: {{rate: [{{constant: {rate}}}]}}
esm:
  batch_size: {batch_size}
  batching_window: 0s
  rebalance_pause: 1s
  scaler: {{policy: aws, initial_pollers: 1, max_pollers: {partitions}, evaluation_interval: 10s, actuation_delay: 5s, scale_out: {{min_lag: 5}}}}
  on_failure: {{max_retry_attempts: {retries}, bisect_batch: {bisect}, report_batch_item_failures: {report}, destination: {destination}, allow_in_on_demand: true}}
  filter: {{match: {filter_match}}}
function: {{memory: 1024, timeout: 1s, duration: {{per_batch: 50ms, per_record: 5ms, jitter: exponential}},
           concurrency: {{reserved: {reserved}}},
           errors: {{invocation_error_rate: {invocation_error}, record_error_rate: {record_error}}}}}
"
        );
        let s = from_yaml_str(&yaml, std::path::Path::new("."), &[]).expect("valid");
        let result = Simulation::new(&s).with_invariant_checks().run(&mut |_| {});
        proptest::prop_assert_eq!(result.violations, Vec::<String>::new());
        let sum = |f: fn(&SampleRow) -> u64| result.rows.iter().map(f).sum::<u64>();
        let summary = &result.summary;
        proptest::prop_assert_eq!(sum(|r| r.records_to_destination), summary.records_to_destination);
        proptest::prop_assert_eq!(sum(|r| r.records_dropped), summary.records_dropped);
        proptest::prop_assert_eq!(sum(|r| r.records_expired), summary.records_expired);
        proptest::prop_assert_eq!(sum(|r| r.records_duplicated), summary.records_duplicated);
        proptest::prop_assert_eq!(sum(|r| r.errors), summary.errors);
        proptest::prop_assert_eq!(
            summary.committed_records,
            summary.records_succeeded + summary.records_to_destination + summary.records_dropped + summary.records_expired + summary.records_filtered
        );
        proptest::prop_assert_eq!(sum(|r| r.records_filtered), summary.records_filtered);
        proptest::prop_assert_eq!(summary.produced_records, summary.committed_records + summary.final_lag_records);
        for row in &result.rows {
            proptest::prop_assert_eq!(row.produced_total, row.committed_total + row.lag);
        }
    }
}
