//! The planner's answers for one run, computed from the sample rows and run totals.

use serde::Serialize;

use crate::engine::time::{SimDuration, SimTime};
use crate::metrics::{RunTotals, SampleRow, ScalingRecord};

/// End-of-run summary (`summary.json`). Times are seconds since the start of the run;
/// optional values are `null` when they do not apply.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// Seed of the run.
    pub seed: u64,
    /// Simulated seconds.
    pub duration_s: f64,
    /// Records produced (including the initial backlog).
    pub produced_records: u64,
    /// Records committed.
    pub committed_records: u64,
    /// Offset lag at the end of the run.
    pub final_lag_records: u64,
    /// Largest total offset lag at any sample.
    pub max_lag_records: u64,
    /// When the largest lag was first seen.
    pub max_lag_at_s: f64,
    /// Largest lag of a single partition at any sample.
    pub max_partition_lag_records: u64,
    /// Largest age of the oldest uncommitted record at any sample.
    pub max_record_age_s: f64,
    /// When that age was first seen.
    pub max_record_age_at_s: f64,
    /// Mean end-to-end latency of committed records.
    pub latency_mean_s: Option<f64>,
    /// Median end-to-end latency.
    pub latency_p50_s: Option<f64>,
    /// 99th percentile end-to-end latency.
    pub latency_p99_s: Option<f64>,
    /// 99.9th percentile end-to-end latency.
    pub latency_p999_s: Option<f64>,
    /// Largest end-to-end latency.
    pub latency_max_s: Option<f64>,
    /// Time from the peak lag until the lag is back at or under one batch per
    /// partition (`batch_size × partitions`); `null` if it never gets there.
    pub time_to_drain_s: Option<f64>,
    /// Time during which the oldest record was older than `slo.max_age`; `null` without
    /// an SLO.
    pub time_over_slo_s: Option<f64>,
    /// Invocations started.
    pub invocations: u64,
    /// Mean records per invocation.
    pub mean_batch_records: Option<f64>,
    /// Failed invocations (timeouts).
    pub errors: u64,
    /// Invocations that retried a failed batch.
    pub retries: u64,
    /// Most invocations in flight at once.
    pub max_concurrency: u32,
    /// Most pollers active at a sample.
    pub max_pollers: u32,
    /// Pollers at the end.
    pub final_pollers: u32,
    /// Scaler decisions that changed the poller count within the run.
    pub scaling_changes: u64,
    /// GB-seconds billed.
    pub gb_s: f64,
    /// Request charges, USD.
    pub cost_requests_usd: f64,
    /// Duration charges, USD.
    pub cost_duration_usd: f64,
    /// Total cost, USD.
    pub cost_usd: f64,
    /// Events the engine processed.
    pub events_processed: u64,
}

/// Inputs of the summary that are not in the rows.
pub struct SummaryContext<'a> {
    /// Scenario name.
    pub scenario: &'a str,
    /// Seed.
    pub seed: u64,
    /// Simulated span.
    pub duration: SimDuration,
    /// Lag at or under which the topic counts as drained.
    pub drained_lag: u64,
    /// Age SLO, if set.
    pub slo_max_age: Option<SimDuration>,
    /// Events processed.
    pub events: u64,
}

impl Summary {
    /// Computes the summary of a finished run.
    pub fn compute(
        ctx: &SummaryContext<'_>,
        rows: &[SampleRow],
        scaling: &[ScalingRecord],
        totals: &RunTotals,
    ) -> Self {
        let first_max = |key: &dyn Fn(&SampleRow) -> f64| {
            rows.iter().fold(None::<&SampleRow>, |best, r| match best {
                Some(b) if key(b) >= key(r) => Some(b),
                _ => Some(r),
            })
        };
        let peak_lag = first_max(&|r| r.lag as f64);
        let peak_age = first_max(&|r| r.oldest_age_s);
        let time_to_drain_s = peak_lag.and_then(|peak| {
            rows.iter()
                .filter(|r| r.time >= peak.time)
                .find(|r| r.lag <= ctx.drained_lag)
                .map(|r| (r.time - peak.time).as_secs_f64())
        });
        let time_over_slo_s = ctx.slo_max_age.map(|max_age| {
            let mut previous = SimTime::ZERO;
            let mut over = 0.0;
            for r in rows {
                if r.oldest_age_s > max_age.as_secs_f64() {
                    over += (r.time - previous).as_secs_f64();
                }
                previous = r.time;
            }
            over
        });
        let last = rows.last();
        Summary {
            scenario: ctx.scenario.to_string(),
            seed: ctx.seed,
            duration_s: ctx.duration.as_secs_f64(),
            produced_records: last.map_or(0, |r| r.produced_total),
            committed_records: last.map_or(0, |r| r.committed_total),
            final_lag_records: last.map_or(0, |r| r.lag),
            max_lag_records: peak_lag.map_or(0, |r| r.lag),
            max_lag_at_s: peak_lag.map_or(0.0, |r| r.time.as_secs_f64()),
            max_partition_lag_records: rows.iter().map(|r| r.max_partition_lag).max().unwrap_or(0),
            max_record_age_s: peak_age.map_or(0.0, |r| r.oldest_age_s),
            max_record_age_at_s: peak_age.map_or(0.0, |r| r.time.as_secs_f64()),
            latency_mean_s: totals.latency.mean_secs(),
            latency_p50_s: totals.latency.quantile_secs(0.5),
            latency_p99_s: totals.latency.quantile_secs(0.99),
            latency_p999_s: totals.latency.quantile_secs(0.999),
            latency_max_s: totals.latency.max_secs(),
            time_to_drain_s,
            time_over_slo_s,
            invocations: totals.invocations,
            mean_batch_records: (totals.invocations > 0)
                .then(|| totals.batch_records as f64 / totals.invocations as f64),
            errors: totals.errors,
            retries: totals.retries,
            max_concurrency: totals.max_concurrency,
            max_pollers: rows.iter().map(|r| r.pollers).max().unwrap_or(0),
            final_pollers: last.map_or(0, |r| r.pollers),
            scaling_changes: scaling
                .iter()
                .filter(|s| {
                    s.effective_at
                        .is_some_and(|t| t.saturating_since(SimTime::ZERO) <= ctx.duration)
                })
                .count() as u64,
            gb_s: totals.cost.gb_s,
            cost_requests_usd: totals.cost.requests_usd,
            cost_duration_usd: totals.cost.duration_usd,
            cost_usd: totals.cost.total_usd,
            events_processed: ctx.events,
        }
    }
}
