//! The columns of `timeseries.csv`, one row per sample interval, in file order.
//!
//! Fixed decimals keep files readable and byte-identical across platforms: times and
//! rates to the thousandth, latencies to the microsecond, money to the nano-dollar.

use super::{Column, Kind, Unit, Value};
use crate::metrics::SampleRow;

/// The `time_s` column.
pub const TIME_S: Column<SampleRow> = Column {
    name: "time_s",
    unit: Unit::Seconds,
    kind: Kind::Time,
    optional: false,
    decimals: Some(3),
    doc: "End of the sample interval, seconds since the start of the run.",
    value: |r| Value::Real(r.time.as_secs_f64()),
};

/// The `produced_records_per_s` column.
pub const PRODUCED_RECORDS_PER_S: Column<SampleRow> = Column {
    name: "produced_records_per_s",
    unit: Unit::RecordsPerSecond,
    kind: Kind::Rate,
    optional: false,
    decimals: Some(3),
    doc: "Records produced during the interval, per second.",
    value: |r| Value::Real(r.produced_per_s),
};

/// The `committed_records_per_s` column.
pub const COMMITTED_RECORDS_PER_S: Column<SampleRow> = Column {
    name: "committed_records_per_s",
    unit: Unit::RecordsPerSecond,
    kind: Kind::Rate,
    optional: false,
    decimals: Some(3),
    doc: "Records committed during the interval, per second.",
    value: |r| Value::Real(r.committed_per_s),
};

/// The `produced_total_records` column.
pub const PRODUCED_TOTAL_RECORDS: Column<SampleRow> = Column {
    name: "produced_total_records",
    unit: Unit::Records,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Records produced since the start, the initial backlog included.",
    value: |r| Value::Int(r.produced_total),
};

/// The `committed_total_records` column.
pub const COMMITTED_TOTAL_RECORDS: Column<SampleRow> = Column {
    name: "committed_total_records",
    unit: Unit::Records,
    kind: Kind::Counter,
    optional: false,
    decimals: None,
    doc: "Records committed since the start.",
    value: |r| Value::Int(r.committed_total),
};

/// The `lag_records` column.
pub const LAG_RECORDS: Column<SampleRow> = Column {
    name: "lag_records",
    unit: Unit::Records,
    kind: Kind::Gauge,
    optional: false,
    decimals: None,
    doc: "Total offset lag over all partitions.",
    value: |r| Value::Int(r.lag),
};

/// The `max_partition_lag_records` column.
pub const MAX_PARTITION_LAG_RECORDS: Column<SampleRow> = Column {
    name: "max_partition_lag_records",
    unit: Unit::Records,
    kind: Kind::Gauge,
    optional: false,
    decimals: None,
    doc: "Largest offset lag of a single partition.",
    value: |r| Value::Int(r.max_partition_lag),
};

/// The `oldest_record_age_s` column.
pub const OLDEST_RECORD_AGE_S: Column<SampleRow> = Column {
    name: "oldest_record_age_s",
    unit: Unit::Seconds,
    kind: Kind::Gauge,
    optional: false,
    decimals: Some(3),
    doc: "Age of the oldest uncommitted record (0 when there is none).",
    value: |r| Value::Real(r.oldest_age_s),
};

/// The `pollers` column.
pub const POLLERS: Column<SampleRow> = Column {
    name: "pollers",
    unit: Unit::Count,
    kind: Kind::Gauge,
    optional: false,
    decimals: None,
    doc: "Active pollers.",
    value: |r| Value::Int(u64::from(r.pollers)),
};

/// The `processors` column.
pub const PROCESSORS: Column<SampleRow> = Column {
    name: "processors",
    unit: Unit::Count,
    kind: Kind::Gauge,
    optional: false,
    decimals: None,
    doc: "Active processors.",
    value: |r| Value::Int(u64::from(r.processors)),
};

/// The `concurrency_mean` column.
pub const CONCURRENCY_MEAN: Column<SampleRow> = Column {
    name: "concurrency_mean",
    unit: Unit::Count,
    kind: Kind::Interval,
    optional: false,
    decimals: Some(3),
    doc: "Time-averaged number of invocations in flight over the interval.",
    value: |r| Value::Real(r.concurrency_mean),
};

/// The `concurrency_max` column.
pub const CONCURRENCY_MAX: Column<SampleRow> = Column {
    name: "concurrency_max",
    unit: Unit::Count,
    kind: Kind::Interval,
    optional: false,
    decimals: None,
    doc: "Most invocations in flight at once during the interval.",
    value: |r| Value::Int(u64::from(r.concurrency_max)),
};

/// The `concurrency_limit` column.
pub const CONCURRENCY_LIMIT: Column<SampleRow> = Column {
    name: "concurrency_limit",
    unit: Unit::Count,
    kind: Kind::Gauge,
    optional: false,
    decimals: None,
    doc: "The function's concurrency limit at the end of the interval: the reserved concurrency if set, else the account limit (default 1,000) minus the other functions' concurrency.",
    value: |r| Value::Int(u64::from(r.concurrency_limit)),
};

/// The `throttles` column.
pub const THROTTLES: Column<SampleRow> = Column {
    name: "throttles",
    unit: Unit::Count,
    kind: Kind::Interval,
    optional: false,
    decimals: None,
    doc: "Invokes throttled during the interval (CloudWatch Throttles).",
    value: |r| Value::Int(r.throttles),
};

/// The `cold_starts` column.
pub const COLD_STARTS: Column<SampleRow> = Column {
    name: "cold_starts",
    unit: Unit::Count,
    kind: Kind::Interval,
    optional: false,
    decimals: None,
    doc: "Invocations started during the interval that paid an INIT (0 without `function.cold_start`).",
    value: |r| Value::Int(r.cold_starts),
};

/// The `warm_environments` column.
pub const WARM_ENVIRONMENTS: Column<SampleRow> = Column {
    name: "warm_environments",
    unit: Unit::Count,
    kind: Kind::Gauge,
    optional: true,
    decimals: None,
    doc: "Initialised execution environments at the end of the interval: provisioned, busy and warm idle (empty without `function.cold_start`).",
    value: |r| {
        r.warm_environments
            .map_or(Value::Missing, |n| Value::Int(u64::from(n)))
    },
};

/// The `invocations_per_s` column.
pub const INVOCATIONS_PER_S: Column<SampleRow> = Column {
    name: "invocations_per_s",
    unit: Unit::PerSecond,
    kind: Kind::Rate,
    optional: false,
    decimals: Some(3),
    doc: "Invocations started during the interval, per second.",
    value: |r| Value::Real(r.invocations_per_s),
};

/// The `mean_batch_records` column.
pub const MEAN_BATCH_RECORDS: Column<SampleRow> = Column {
    name: "mean_batch_records",
    unit: Unit::Records,
    kind: Kind::Interval,
    optional: true,
    decimals: Some(2),
    doc: "Mean records per invocation started during the interval (empty without one).",
    value: |r| r.mean_batch_records.into(),
};

/// The `errors` column.
pub const ERRORS: Column<SampleRow> = Column {
    name: "errors",
    unit: Unit::Count,
    kind: Kind::Interval,
    optional: false,
    decimals: None,
    doc: "Invocations that failed during the interval.",
    value: |r| Value::Int(r.errors),
};

/// The `errors_timeout` column.
pub const ERRORS_TIMEOUT: Column<SampleRow> = Column {
    name: "errors_timeout",
    unit: Unit::Count,
    kind: Kind::Interval,
    optional: false,
    decimals: None,
    doc: "Of `errors`, invocations that ran into the function timeout (billed at the timeout).",
    value: |r| Value::Int(r.errors_timeout),
};

/// The `errors_function` column.
pub const ERRORS_FUNCTION: Column<SampleRow> = Column {
    name: "errors_function",
    unit: Unit::Count,
    kind: Kind::Interval,
    optional: false,
    decimals: None,
    doc: "Of `errors`, invocations the function failed: an invocation error or a poison record in the batch.",
    value: |r| Value::Int(r.errors_function),
};

/// The `retries` column.
pub const RETRIES: Column<SampleRow> = Column {
    name: "retries",
    unit: Unit::Count,
    kind: Kind::Interval,
    optional: false,
    decimals: None,
    doc: "Invocations that retried a failed batch during the interval.",
    value: |r| Value::Int(r.retries),
};

/// The `records_to_destination` column.
pub const RECORDS_TO_DESTINATION: Column<SampleRow> = Column {
    name: "records_to_destination",
    unit: Unit::Records,
    kind: Kind::Interval,
    optional: false,
    decimals: None,
    doc: "Records sent to the on-failure destination during the interval (retries or record age ran out); their offsets are committed.",
    value: |r| Value::Int(r.records_to_destination),
};

/// The `records_dropped` column.
pub const RECORDS_DROPPED: Column<SampleRow> = Column {
    name: "records_dropped",
    unit: Unit::Records,
    kind: Kind::Interval,
    optional: false,
    decimals: None,
    doc: "Records dropped during the interval: too large for the payload on their own, or out of retries with no destination; their offsets are committed.",
    value: |r| Value::Int(r.records_dropped),
};

/// The `records_expired` column.
pub const RECORDS_EXPIRED: Column<SampleRow> = Column {
    name: "records_expired",
    unit: Unit::Records,
    kind: Kind::Interval,
    optional: false,
    decimals: None,
    doc: "Records that left the topic (`topic.retention`) before they were committed, during the interval; the consumer skips them.",
    value: |r| Value::Int(r.records_expired),
};

/// The `records_duplicated` column.
pub const RECORDS_DUPLICATED: Column<SampleRow> = Column {
    name: "records_duplicated",
    unit: Unit::Records,
    kind: Kind::Interval,
    optional: false,
    decimals: None,
    doc: "Records delivered again during the interval: their batch was in flight when their partition moved to another poller (assumed model).",
    value: |r| Value::Int(r.records_duplicated),
};

/// The `blocked_partitions` column.
pub const BLOCKED_PARTITIONS: Column<SampleRow> = Column {
    name: "blocked_partitions",
    unit: Unit::Count,
    kind: Kind::Gauge,
    optional: false,
    decimals: None,
    doc: "Partitions blocked at the end of the interval: their oldest records failed at least once and are not committed yet.",
    value: |r| Value::Int(u64::from(r.blocked_partitions)),
};

/// The `records_filtered` column.
pub const RECORDS_FILTERED: Column<SampleRow> = Column {
    name: "records_filtered",
    unit: Unit::Records,
    kind: Kind::Interval,
    optional: false,
    decimals: None,
    doc: "Records committed during the interval that did not pass the filter (never invoked; 0 without esm.filter).",
    value: |r| Value::Int(r.records_filtered),
};

/// The `latency_p50_s` column.
pub const LATENCY_P50_S: Column<SampleRow> = Column {
    name: "latency_p50_s",
    unit: Unit::Seconds,
    kind: Kind::Interval,
    optional: true,
    decimals: Some(6),
    doc: "Median end-to-end latency of records committed during the interval (empty without a commit).",
    value: |r| r.latency_p50_s.into(),
};

/// The `latency_p99_s` column.
pub const LATENCY_P99_S: Column<SampleRow> = Column {
    name: "latency_p99_s",
    unit: Unit::Seconds,
    kind: Kind::Interval,
    optional: true,
    decimals: Some(6),
    doc: "99th percentile end-to-end latency of records committed during the interval (empty without a commit).",
    value: |r| r.latency_p99_s.into(),
};

/// The `poller_read_bytes_per_s` column.
pub const POLLER_READ_BYTES_PER_S: Column<SampleRow> = Column {
    name: "poller_read_bytes_per_s",
    unit: Unit::BytesPerSecond,
    kind: Kind::Rate,
    optional: false,
    decimals: Some(3),
    doc: "Record bytes the pollers read during the interval, per second (counted when a batch starts, filtered records included unless `esm.filter.bandwidth_counts_filtered` is off).",
    value: |r| Value::Real(r.load.poller_read_bytes_per_s),
};

/// The `poller_bandwidth_share` column.
pub const POLLER_BANDWIDTH_SHARE: Column<SampleRow> = Column {
    name: "poller_bandwidth_share",
    unit: Unit::Share,
    kind: Kind::Interval,
    optional: true,
    decimals: Some(4),
    doc: "Bytes read during the interval as a share of what the active pollers could read (`esm.poller.max_bytes_per_s` x time-averaged pollers x interval); empty without pollers.",
    value: |r| r.load.poller_bandwidth_share.into(),
};

/// The `busiest_poller_bandwidth_share` column.
pub const BUSIEST_POLLER_BANDWIDTH_SHARE: Column<SampleRow> = Column {
    name: "busiest_poller_bandwidth_share",
    unit: Unit::Share,
    kind: Kind::Interval,
    optional: true,
    decimals: Some(4),
    doc: "Bytes read by the busiest poller during the interval as a share of `esm.poller.max_bytes_per_s` x interval (above 1 by up to the one-second burst); empty without pollers.",
    value: |r| r.load.busiest_poller_bandwidth_share.into(),
};

/// The `processor_busy_share` column.
pub const PROCESSOR_BUSY_SHARE: Column<SampleRow> = Column {
    name: "processor_busy_share",
    unit: Unit::Share,
    kind: Kind::Interval,
    optional: true,
    decimals: Some(4),
    doc: "Share of the processor-time of the interval during which processors had a batch in flight (invocation or throttle backoff); empty without processors.",
    value: |r| r.load.processor_busy_share.into(),
};

/// The `busiest_processor_busy_share` column.
pub const BUSIEST_PROCESSOR_BUSY_SHARE: Column<SampleRow> = Column {
    name: "busiest_processor_busy_share",
    unit: Unit::Share,
    kind: Kind::Interval,
    optional: true,
    decimals: Some(4),
    doc: "Share of the interval during which the busiest processor had a batch in flight; empty without processors.",
    value: |r| r.load.busiest_processor_busy_share.into(),
};

/// The `busiest_processor_partitions` column.
pub const BUSIEST_PROCESSOR_PARTITIONS: Column<SampleRow> = Column {
    name: "busiest_processor_partitions",
    unit: Unit::Count,
    kind: Kind::Interval,
    optional: true,
    decimals: None,
    doc: "Partitions held by the busiest processor of the interval; empty when no processor was busy.",
    value: |r| {
        r.load
            .busiest_processor_partitions
            .map_or(Value::Missing, |n| Value::Int(u64::from(n)))
    },
};

/// The `bottleneck` column.
pub const BOTTLENECK: Column<SampleRow> = Column {
    name: "bottleneck",
    unit: Unit::Text,
    kind: Kind::Label,
    optional: true,
    decimals: None,
    doc: "The constraint that bound during the interval: `concurrency_limit`, `scaler`, `poller_bandwidth`, `processors` or `function_duration` (rule in docs/outputs.md); empty when none did.",
    value: |r| {
        r.bottleneck
            .map_or(Value::Missing, |b| Value::Text(b.as_str()))
    },
};

/// The `gb_s` column.
pub const GB_S: Column<SampleRow> = Column {
    name: "gb_s",
    unit: Unit::GbSeconds,
    kind: Kind::Counter,
    optional: false,
    decimals: Some(6),
    doc: "GB-seconds billed since the start.",
    value: |r| Value::Real(r.cost.gb_s),
};

/// The `cost_requests_usd` column.
pub const COST_REQUESTS_USD: Column<SampleRow> = Column {
    name: "cost_requests_usd",
    unit: Unit::Usd,
    kind: Kind::Counter,
    optional: false,
    decimals: Some(9),
    doc: "Request charges since the start.",
    value: |r| Value::Real(r.cost.requests_usd),
};

/// The `cost_duration_usd` column.
pub const COST_DURATION_USD: Column<SampleRow> = Column {
    name: "cost_duration_usd",
    unit: Unit::Usd,
    kind: Kind::Counter,
    optional: false,
    decimals: Some(9),
    doc: "Duration charges since the start.",
    value: |r| Value::Real(r.cost.duration_usd),
};

/// The `epu` column.
pub const EPU: Column<SampleRow> = Column {
    name: "epu",
    unit: Unit::Epu,
    kind: Kind::Gauge,
    optional: false,
    decimals: None,
    doc: "Event Poller Units provisioned, ceil(pollers / pricing.pollers_per_epu) (0 in on-demand mode).",
    value: |r| Value::Int(u64::from(r.cost.epu)),
};

/// The `cost_epu_usd` column.
pub const COST_EPU_USD: Column<SampleRow> = Column {
    name: "cost_epu_usd",
    unit: Unit::Usd,
    kind: Kind::Counter,
    optional: false,
    decimals: Some(9),
    doc: "Event Poller Unit charges since the start, units still provisioned billed up to the row's time (0 in on-demand mode).",
    value: |r| Value::Real(r.cost.epu_usd),
};

/// The `cost_usd` column.
pub const COST_USD: Column<SampleRow> = Column {
    name: "cost_usd",
    unit: Unit::Usd,
    kind: Kind::Counter,
    optional: false,
    decimals: Some(9),
    doc: "Total cost since the start.",
    value: |r| Value::Real(r.cost.total_usd),
};

/// Every column of `timeseries.csv`, in order.
pub const TIMESERIES: [&Column<SampleRow>; 43] = [
    &TIME_S,
    &PRODUCED_RECORDS_PER_S,
    &COMMITTED_RECORDS_PER_S,
    &PRODUCED_TOTAL_RECORDS,
    &COMMITTED_TOTAL_RECORDS,
    &LAG_RECORDS,
    &MAX_PARTITION_LAG_RECORDS,
    &OLDEST_RECORD_AGE_S,
    &POLLERS,
    &PROCESSORS,
    &CONCURRENCY_MEAN,
    &CONCURRENCY_MAX,
    &CONCURRENCY_LIMIT,
    &THROTTLES,
    &COLD_STARTS,
    &WARM_ENVIRONMENTS,
    &INVOCATIONS_PER_S,
    &MEAN_BATCH_RECORDS,
    &ERRORS,
    &ERRORS_TIMEOUT,
    &ERRORS_FUNCTION,
    &RETRIES,
    &RECORDS_TO_DESTINATION,
    &RECORDS_DROPPED,
    &RECORDS_EXPIRED,
    &RECORDS_DUPLICATED,
    &BLOCKED_PARTITIONS,
    &RECORDS_FILTERED,
    &LATENCY_P50_S,
    &LATENCY_P99_S,
    &POLLER_READ_BYTES_PER_S,
    &POLLER_BANDWIDTH_SHARE,
    &BUSIEST_POLLER_BANDWIDTH_SHARE,
    &PROCESSOR_BUSY_SHARE,
    &BUSIEST_PROCESSOR_BUSY_SHARE,
    &BUSIEST_PROCESSOR_PARTITIONS,
    &BOTTLENECK,
    &GB_S,
    &COST_REQUESTS_USD,
    &COST_DURATION_USD,
    &EPU,
    &COST_EPU_USD,
    &COST_USD,
];
