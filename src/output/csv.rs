//! CSV exporters: `timeseries.csv`, `scaling.csv` and `partitions.csv`.
//!
//! Numbers are written with fixed decimals (times and rates to the millisecond or
//! thousandth, latencies to the microsecond, money to the nano-dollar), so files are
//! readable and byte-identical across platforms. An empty cell means "no value" (for
//! example no record was committed in the interval, so it has no latency percentile).

use std::fmt::Write as _;

use crate::metrics::{SampleRow, ScalingRecord};

/// Column names of `timeseries.csv`, in order.
pub const TIMESERIES_COLUMNS: [&str; 22] = [
    "time_s",
    "produced_records_per_s",
    "committed_records_per_s",
    "produced_total_records",
    "committed_total_records",
    "lag_records",
    "max_partition_lag_records",
    "oldest_record_age_s",
    "pollers",
    "processors",
    "concurrency_mean",
    "concurrency_max",
    "invocations_per_s",
    "mean_batch_records",
    "errors",
    "retries",
    "latency_p50_s",
    "latency_p99_s",
    "gb_s",
    "cost_requests_usd",
    "cost_duration_usd",
    "cost_usd",
];

/// Column names of `scaling.csv`, in order.
pub const SCALING_COLUMNS: [&str; 9] = [
    "time_s",
    "total_lag_records",
    "previous_lag_records",
    "max_partition_lag_records",
    "from",
    "to",
    "action",
    "reason",
    "effective_at_s",
];

fn opt(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(String::new, |v| format!("{v:.decimals$}"))
}

fn to_bytes(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer
        .write_record(header)
        .expect("writing to memory cannot fail");
    for row in rows {
        writer
            .write_record(&row)
            .expect("writing to memory cannot fail");
    }
    writer.into_inner().expect("writing to memory cannot fail")
}

/// `timeseries.csv`: one row per sample interval.
pub fn timeseries(rows: &[SampleRow]) -> Vec<u8> {
    to_bytes(
        &TIMESERIES_COLUMNS,
        rows.iter().map(|r| {
            vec![
                format!("{:.3}", r.time.as_secs_f64()),
                format!("{:.3}", r.produced_per_s),
                format!("{:.3}", r.committed_per_s),
                r.produced_total.to_string(),
                r.committed_total.to_string(),
                r.lag.to_string(),
                r.max_partition_lag.to_string(),
                format!("{:.3}", r.oldest_age_s),
                r.pollers.to_string(),
                r.processors.to_string(),
                format!("{:.3}", r.concurrency_mean),
                r.concurrency_max.to_string(),
                format!("{:.3}", r.invocations_per_s),
                opt(r.mean_batch_records, 2),
                r.errors.to_string(),
                r.retries.to_string(),
                opt(r.latency_p50_s, 6),
                opt(r.latency_p99_s, 6),
                format!("{:.6}", r.cost.gb_s),
                format!("{:.9}", r.cost.requests_usd),
                format!("{:.9}", r.cost.duration_usd),
                format!("{:.9}", r.cost.total_usd),
            ]
        }),
    )
}

/// `scaling.csv`: one row per scaler evaluation.
pub fn scaling(records: &[ScalingRecord]) -> Vec<u8> {
    to_bytes(
        &SCALING_COLUMNS,
        records.iter().map(|s| {
            vec![
                format!("{:.3}", s.time.as_secs_f64()),
                s.total_lag.to_string(),
                s.previous_lag.to_string(),
                s.max_partition_lag.to_string(),
                s.pollers.to_string(),
                s.target.to_string(),
                s.action.to_string(),
                s.reason.clone(),
                opt(s.effective_at.map(|t| t.as_secs_f64()), 3),
            ]
        }),
    )
}

/// `partitions.csv`: `time_s` then the lag of each partition (`p0`, `p1`, ...).
pub fn partitions(rows: &[SampleRow]) -> Vec<u8> {
    let count = rows
        .first()
        .and_then(|r| r.partition_lags.as_ref())
        .map_or(0, Vec::len);
    let mut header = vec!["time_s".to_string()];
    header.extend((0..count).map(|p| format!("p{p}")));
    let mut out = header.join(",");
    out.push('\n');
    for row in rows {
        let _ = write!(out, "{:.3}", row.time.as_secs_f64());
        for lag in row.partition_lags.iter().flatten() {
            let _ = write!(out, ",{lag}");
        }
        out.push('\n');
    }
    out.into_bytes()
}
