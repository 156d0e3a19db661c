//! The fields of `summary.json`, in file order, and the summary metrics that sweeps
//! compare (`sweep.csv`, `aggregate.csv`, the journal and the sweep charts).
//!
//! Numbers are written in the shortest form that reads back to the same value; a missing
//! value is `null` (an empty cell in the sweep tables).

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::{Column, Kind, Unit, Value};
use crate::metrics::Summary;

/// The `scenario` field.
pub const SCENARIO: Column<Summary> = Column {
    name: "scenario",
    unit: Unit::Text,
    kind: Kind::Label,
    optional: false,
    decimals: None,
    doc: "Scenario name.",
    value: |s| Value::Text(&s.scenario),
};

/// The `seed` field.
pub const SEED: Column<Summary> = Column {
    name: "seed",
    unit: Unit::Count,
    kind: Kind::Label,
    optional: false,
    decimals: None,
    doc: "Seed of the run.",
    value: |s| Value::Int(s.seed),
};

/// The `duration_s` field.
pub const DURATION_S: Column<Summary> = Column {
    name: "duration_s",
    unit: Unit::Seconds,
    kind: Kind::Time,
    optional: false,
    decimals: None,
    doc: "Simulated seconds.",
    value: |s| Value::Real(s.duration_s),
};

/// The `mode` field.
pub const MODE: Column<Summary> = Column {
    name: "mode",
    unit: Unit::Text,
    kind: Kind::Label,
    optional: false,
    decimals: None,
    doc: "The mapping's mode, `on_demand` or `provisioned`.",
    value: |s| Value::Text(s.mode.as_str()),
};

/// The `produced_records` field.
pub const PRODUCED_RECORDS: Column<Summary> = Column {
    name: "produced_records",
    unit: Unit::Records,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Records produced, the initial backlog included.",
    value: |s| Value::Int(s.produced_records),
};

/// The `committed_records` field.
pub const COMMITTED_RECORDS: Column<Summary> = Column {
    name: "committed_records",
    unit: Unit::Records,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Records committed.",
    value: |s| Value::Int(s.committed_records),
};

/// The `final_lag_records` field.
pub const FINAL_LAG_RECORDS: Column<Summary> = Column {
    name: "final_lag_records",
    unit: Unit::Records,
    kind: Kind::Gauge,
    optional: false,
    decimals: None,
    doc: "Offset lag at the end of the run.",
    value: |s| Value::Int(s.final_lag_records),
};

/// The `max_lag_records` field.
pub const MAX_LAG_RECORDS: Column<Summary> = Column {
    name: "max_lag_records",
    unit: Unit::Records,
    kind: Kind::Interval,
    optional: false,
    decimals: None,
    doc: "Largest total offset lag at any sample.",
    value: |s| Value::Int(s.max_lag_records),
};

/// The `max_lag_at_s` field.
pub const MAX_LAG_AT_S: Column<Summary> = Column {
    name: "max_lag_at_s",
    unit: Unit::Seconds,
    kind: Kind::Time,
    optional: false,
    decimals: None,
    doc: "When the largest lag was first seen.",
    value: |s| Value::Real(s.max_lag_at_s),
};

/// The `max_partition_lag_records` field.
pub const MAX_PARTITION_LAG_RECORDS: Column<Summary> = Column {
    name: "max_partition_lag_records",
    unit: Unit::Records,
    kind: Kind::Interval,
    optional: false,
    decimals: None,
    doc: "Largest lag of a single partition at any sample.",
    value: |s| Value::Int(s.max_partition_lag_records),
};

/// The `max_record_age_s` field.
pub const MAX_RECORD_AGE_S: Column<Summary> = Column {
    name: "max_record_age_s",
    unit: Unit::Seconds,
    kind: Kind::Interval,
    optional: false,
    decimals: None,
    doc: "Largest age of the oldest uncommitted record at any sample.",
    value: |s| Value::Real(s.max_record_age_s),
};

/// The `max_record_age_at_s` field.
pub const MAX_RECORD_AGE_AT_S: Column<Summary> = Column {
    name: "max_record_age_at_s",
    unit: Unit::Seconds,
    kind: Kind::Time,
    optional: false,
    decimals: None,
    doc: "When that age was first seen.",
    value: |s| Value::Real(s.max_record_age_at_s),
};

/// The `latency_mean_s` field.
pub const LATENCY_MEAN_S: Column<Summary> = Column {
    name: "latency_mean_s",
    unit: Unit::Seconds,
    kind: Kind::Interval,
    optional: true,
    decimals: None,
    doc: "Mean end-to-end latency of committed records.",
    value: |s| s.latency_mean_s.into(),
};

/// The `latency_p50_s` field.
pub const LATENCY_P50_S: Column<Summary> = Column {
    name: "latency_p50_s",
    unit: Unit::Seconds,
    kind: Kind::Interval,
    optional: true,
    decimals: None,
    doc: "Median end-to-end latency.",
    value: |s| s.latency_p50_s.into(),
};

/// The `latency_p99_s` field.
pub const LATENCY_P99_S: Column<Summary> = Column {
    name: "latency_p99_s",
    unit: Unit::Seconds,
    kind: Kind::Interval,
    optional: true,
    decimals: None,
    doc: "99th percentile end-to-end latency.",
    value: |s| s.latency_p99_s.into(),
};

/// The `latency_p999_s` field.
pub const LATENCY_P999_S: Column<Summary> = Column {
    name: "latency_p999_s",
    unit: Unit::Seconds,
    kind: Kind::Interval,
    optional: true,
    decimals: None,
    doc: "99.9th percentile end-to-end latency.",
    value: |s| s.latency_p999_s.into(),
};

/// The `latency_max_s` field.
pub const LATENCY_MAX_S: Column<Summary> = Column {
    name: "latency_max_s",
    unit: Unit::Seconds,
    kind: Kind::Interval,
    optional: true,
    decimals: None,
    doc: "Largest end-to-end latency.",
    value: |s| s.latency_max_s.into(),
};

/// The `time_over_slo_s` field.
pub const TIME_OVER_SLO_S: Column<Summary> = Column {
    name: "time_over_slo_s",
    unit: Unit::Seconds,
    kind: Kind::Interval,
    optional: true,
    decimals: None,
    doc: "Time during which at least one `max_age` or `max_lag` objective was over its limit (within its window).",
    value: |s| s.time_over_slo_s.into(),
};

/// The `invocations` field.
pub const INVOCATIONS: Column<Summary> = Column {
    name: "invocations",
    unit: Unit::Count,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Invocations started.",
    value: |s| Value::Int(s.invocations),
};

/// The `mean_batch_records` field.
pub const MEAN_BATCH_RECORDS: Column<Summary> = Column {
    name: "mean_batch_records",
    unit: Unit::Records,
    kind: Kind::Interval,
    optional: true,
    decimals: None,
    doc: "Mean records per invocation.",
    value: |s| s.mean_batch_records.into(),
};

/// The `errors` field.
pub const ERRORS: Column<Summary> = Column {
    name: "errors",
    unit: Unit::Count,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Failed invocations: timeouts and function errors.",
    value: |s| Value::Int(s.errors),
};

/// The `errors_timeout` field.
pub const ERRORS_TIMEOUT: Column<Summary> = Column {
    name: "errors_timeout",
    unit: Unit::Count,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Of `errors`, invocations that ran into the function timeout.",
    value: |r| Value::Int(r.errors_timeout),
};

/// The `errors_function` field.
pub const ERRORS_FUNCTION: Column<Summary> = Column {
    name: "errors_function",
    unit: Unit::Count,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Of `errors`, invocations the function failed (an invocation error or a poison record).",
    value: |r| Value::Int(r.errors_function),
};

/// The `retries` field.
pub const RETRIES: Column<Summary> = Column {
    name: "retries",
    unit: Unit::Count,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Invocations that retried a failed batch.",
    value: |s| Value::Int(s.retries),
};

/// The `records_succeeded` field.
pub const RECORDS_SUCCEEDED: Column<Summary> = Column {
    name: "records_succeeded",
    unit: Unit::Records,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Committed records that were processed by a successful invocation (`committed_records` = this + `records_to_destination` + `records_dropped` + `records_expired` + `records_filtered` + `records_skipped_at_start`).",
    value: |r| Value::Int(r.records_succeeded),
};

/// The `records_to_destination` field.
pub const RECORDS_TO_DESTINATION: Column<Summary> = Column {
    name: "records_to_destination",
    unit: Unit::Records,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Records sent to the on-failure destination.",
    value: |r| Value::Int(r.records_to_destination),
};

/// The `records_dropped` field.
pub const RECORDS_DROPPED: Column<Summary> = Column {
    name: "records_dropped",
    unit: Unit::Records,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Records dropped: too large for the payload on their own, or out of retries with no destination.",
    value: |r| Value::Int(r.records_dropped),
};

/// The `records_oversized` field.
pub const RECORDS_OVERSIZED: Column<Summary> = Column {
    name: "records_oversized",
    unit: Unit::Records,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Of `records_dropped`, records too large for the invocation payload on their own.",
    value: |r| Value::Int(r.records_oversized),
};

/// The `records_expired` field.
pub const RECORDS_EXPIRED: Column<Summary> = Column {
    name: "records_expired",
    unit: Unit::Records,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Records that left the topic (retention) before they were committed.",
    value: |r| Value::Int(r.records_expired),
};

/// The `records_duplicated` field.
pub const RECORDS_DUPLICATED: Column<Summary> = Column {
    name: "records_duplicated",
    unit: Unit::Records,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Records delivered again because their partition moved to another poller while their batch was in flight.",
    value: |r| Value::Int(r.records_duplicated),
};

/// The `records_filtered` field.
pub const RECORDS_FILTERED: Column<Summary> = Column {
    name: "records_filtered",
    unit: Unit::Records,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Committed records that did not pass the filter (never invoked; 0 without esm.filter).",
    value: |s| Value::Int(s.records_filtered),
};

/// The `records_skipped_at_start` field.
pub const RECORDS_SKIPPED_AT_START: Column<Summary> = Column {
    name: "records_skipped_at_start",
    unit: Unit::Records,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Records behind the consumer's starting position (starting_position: latest): produced and committed, never invoked nor lag.",
    value: |s| Value::Int(s.records_skipped_at_start),
};

/// The `max_concurrency` field.
pub const MAX_CONCURRENCY: Column<Summary> = Column {
    name: "max_concurrency",
    unit: Unit::Count,
    kind: Kind::Interval,
    optional: false,
    decimals: None,
    doc: "Most invocations in flight at once.",
    value: |s| Value::Int(u64::from(s.max_concurrency)),
};

/// The `throttles` field.
pub const THROTTLES: Column<Summary> = Column {
    name: "throttles",
    unit: Unit::Count,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Invokes throttled by the function's concurrency limit or scaling rate (not invocations, not billed, not attempts; a retry after the backoff that is throttled again counts again).",
    value: |s| Value::Int(s.throttles),
};

/// The `time_throttled_s` field.
pub const TIME_THROTTLED_S: Column<Summary> = Column {
    name: "time_throttled_s",
    unit: Unit::Seconds,
    kind: Kind::Time,
    optional: false,
    decimals: None,
    doc: "Time during which at least one processor was waiting out a throttle's backoff.",
    value: |s| Value::Real(s.time_throttled_s),
};

/// The `cold_starts` field.
pub const COLD_STARTS: Column<Summary> = Column {
    name: "cold_starts",
    unit: Unit::Count,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Invocations that started a new execution environment and paid its INIT (0 without `function.cold_start`).",
    value: |s| Value::Int(s.cold_starts),
};

/// The `cold_start_share` field.
pub const COLD_START_SHARE: Column<Summary> = Column {
    name: "cold_start_share",
    unit: Unit::Count,
    kind: Kind::Interval,
    optional: true,
    decimals: None,
    doc: "Cold starts per invocation (null without invocations).",
    value: |s| s.cold_start_share.into(),
};

/// The `max_pollers` field.
pub const MAX_POLLERS: Column<Summary> = Column {
    name: "max_pollers",
    unit: Unit::Count,
    kind: Kind::Interval,
    optional: false,
    decimals: None,
    doc: "Most pollers active at a sample.",
    value: |s| Value::Int(u64::from(s.max_pollers)),
};

/// The `final_pollers` field.
pub const FINAL_POLLERS: Column<Summary> = Column {
    name: "final_pollers",
    unit: Unit::Count,
    kind: Kind::Gauge,
    optional: false,
    decimals: None,
    doc: "Pollers at the end.",
    value: |s| Value::Int(u64::from(s.final_pollers)),
};

/// The `scaling_changes` field.
pub const SCALING_CHANGES: Column<Summary> = Column {
    name: "scaling_changes",
    unit: Unit::Count,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Scaler decisions that changed the poller count within the run.",
    value: |s| Value::Int(s.scaling_changes),
};

/// The `gb_s` field.
pub const GB_S: Column<Summary> = Column {
    name: "gb_s",
    unit: Unit::GbSeconds,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "GB-seconds billed.",
    value: |s| Value::Real(s.gb_s),
};

/// The `cost_requests_usd` field.
pub const COST_REQUESTS_USD: Column<Summary> = Column {
    name: "cost_requests_usd",
    unit: Unit::Usd,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Request charges.",
    value: |s| Value::Real(s.cost_requests_usd),
};

/// The `cost_duration_usd` field.
pub const COST_DURATION_USD: Column<Summary> = Column {
    name: "cost_duration_usd",
    unit: Unit::Usd,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Duration charges.",
    value: |s| Value::Real(s.cost_duration_usd),
};

/// The `epu_hours` field.
pub const EPU_HOURS: Column<Summary> = Column {
    name: "epu_hours",
    unit: Unit::EpuHours,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Event Poller Unit-hours billed (provisioned mode; 0 in on-demand mode).",
    value: |s| Value::Real(s.epu_hours),
};

/// The `cost_epu_usd` field.
pub const COST_EPU_USD: Column<Summary> = Column {
    name: "cost_epu_usd",
    unit: Unit::Usd,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Event Poller Unit charges (provisioned mode; 0 in on-demand mode).",
    value: |s| Value::Real(s.cost_epu_usd),
};

/// The `cost_provisioned_concurrency_usd` field.
pub const COST_PROVISIONED_CONCURRENCY_USD: Column<Summary> = Column {
    name: "cost_provisioned_concurrency_usd",
    unit: Unit::Usd,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Provisioned-concurrency charges for the environments kept ready (0 without `function.cold_start.provisioned_concurrency`); their invocations are in `cost_duration_usd`.",
    value: |s| Value::Real(s.cost_provisioned_concurrency_usd),
};

/// The `cost_usd` field.
pub const COST_USD: Column<Summary> = Column {
    name: "cost_usd",
    unit: Unit::Usd,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Total cost.",
    value: |s| Value::Real(s.cost_usd),
};

/// The `events_processed` field.
pub const EVENTS_PROCESSED: Column<Summary> = Column {
    name: "events_processed",
    unit: Unit::Count,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Events the engine processed.",
    value: |s| Value::Int(s.events_processed),
};

/// Every field of `summary.json`, in order.
pub const SUMMARY: [&Column<Summary>; 48] = [
    &SCENARIO,
    &SEED,
    &DURATION_S,
    &MODE,
    &PRODUCED_RECORDS,
    &COMMITTED_RECORDS,
    &FINAL_LAG_RECORDS,
    &MAX_LAG_RECORDS,
    &MAX_LAG_AT_S,
    &MAX_PARTITION_LAG_RECORDS,
    &MAX_RECORD_AGE_S,
    &MAX_RECORD_AGE_AT_S,
    &LATENCY_MEAN_S,
    &LATENCY_P50_S,
    &LATENCY_P99_S,
    &LATENCY_P999_S,
    &LATENCY_MAX_S,
    &TIME_OVER_SLO_S,
    &INVOCATIONS,
    &MEAN_BATCH_RECORDS,
    &ERRORS,
    &ERRORS_TIMEOUT,
    &ERRORS_FUNCTION,
    &RETRIES,
    &RECORDS_SUCCEEDED,
    &RECORDS_TO_DESTINATION,
    &RECORDS_DROPPED,
    &RECORDS_OVERSIZED,
    &RECORDS_EXPIRED,
    &RECORDS_DUPLICATED,
    &RECORDS_FILTERED,
    &RECORDS_SKIPPED_AT_START,
    &MAX_CONCURRENCY,
    &THROTTLES,
    &TIME_THROTTLED_S,
    &COLD_STARTS,
    &COLD_START_SHARE,
    &MAX_POLLERS,
    &FINAL_POLLERS,
    &SCALING_CHANGES,
    &GB_S,
    &COST_REQUESTS_USD,
    &COST_DURATION_USD,
    &EPU_HOURS,
    &COST_EPU_USD,
    &COST_PROVISIONED_CONCURRENCY_USD,
    &COST_USD,
    &EVENTS_PROCESSED,
];

/// The metrics of a sweep, in the column order of `sweep.csv` and `aggregate.csv`.
pub const SWEEP_METRICS: [&Column<Summary>; 27] = [
    &MAX_LAG_RECORDS,
    &MAX_RECORD_AGE_S,
    &LATENCY_P50_S,
    &LATENCY_P99_S,
    &LATENCY_P999_S,
    &TIME_OVER_SLO_S,
    &INVOCATIONS,
    &MEAN_BATCH_RECORDS,
    &GB_S,
    &COST_USD,
    &COST_REQUESTS_USD,
    &COST_DURATION_USD,
    &COST_EPU_USD,
    &MAX_POLLERS,
    &MAX_CONCURRENCY,
    &SCALING_CHANGES,
    &PRODUCED_RECORDS,
    &COMMITTED_RECORDS,
    &FINAL_LAG_RECORDS,
    &ERRORS,
    &RETRIES,
    &RECORDS_TO_DESTINATION,
    &RECORDS_DROPPED,
    &RECORDS_EXPIRED,
    &RECORDS_FILTERED,
    &THROTTLES,
    &COLD_STARTS,
];

/// `summary.json` is the fields of [`SUMMARY`], in order.
impl Serialize for Summary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(SUMMARY.len() + 2))?;
        for column in SUMMARY {
            match column.of(self) {
                Value::Int(v) => map.serialize_entry(column.name, &v)?,
                Value::Real(v) => map.serialize_entry(column.name, &v)?,
                Value::Text(v) => map.serialize_entry(column.name, v)?,
                Value::Missing => map.serialize_entry(column.name, &None::<f64>)?,
            }
        }
        map.serialize_entry("events", &self.events)?;
        map.serialize_entry("bottleneck", &self.bottleneck)?;
        map.serialize_entry("slo", &self.slo)?;
        map.end()
    }
}
