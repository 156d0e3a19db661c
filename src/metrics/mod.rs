//! What a run measures: one [`SampleRow`] per sample interval, the scaler's decisions,
//! and the end-of-run [`Summary`].
//!
//! The [`Recorder`] is fed by the simulation as things happen (commits, invocation
//! starts and ends, errors) and closes one row per interval. It only accumulates;
//! it never looks at the model's state by itself.

pub mod latency;
pub mod summary;

use crate::engine::time::{SimDuration, SimTime};
use crate::metrics::latency::{LatencyStats, RunGroups};
use crate::model::cost::{CostBreakdown, CostModel};
use crate::model::log::Run;

pub use summary::Summary;

/// One row of `timeseries.csv`: the state at the end of a sample interval and what
/// happened during it.
#[derive(Clone, Debug, PartialEq)]
pub struct SampleRow {
    /// End of the interval.
    pub time: SimTime,
    /// Records produced during the interval, per second.
    pub produced_per_s: f64,
    /// Records committed during the interval, per second.
    pub committed_per_s: f64,
    /// Records produced since the start (including the initial backlog).
    pub produced_total: u64,
    /// Records committed since the start.
    pub committed_total: u64,
    /// Sum of the offset lag of all partitions.
    pub lag: u64,
    /// Largest offset lag of one partition.
    pub max_partition_lag: u64,
    /// Age of the oldest uncommitted record, seconds (0 when there is none).
    pub oldest_age_s: f64,
    /// Active pollers.
    pub pollers: u32,
    /// Active processors.
    pub processors: u32,
    /// Time-averaged number of invocations in flight.
    pub concurrency_mean: f64,
    /// Most invocations in flight at once.
    pub concurrency_max: u32,
    /// Invocations started during the interval, per second.
    pub invocations_per_s: f64,
    /// Mean records per invocation started during the interval.
    pub mean_batch_records: Option<f64>,
    /// Invocations that failed during the interval.
    pub errors: u64,
    /// Invocations that retried a failed batch during the interval.
    pub retries: u64,
    /// Median end-to-end latency of records committed during the interval, seconds.
    pub latency_p50_s: Option<f64>,
    /// 99th percentile of the same.
    pub latency_p99_s: Option<f64>,
    /// Cost so far.
    pub cost: CostBreakdown,
    /// Offset lag per partition (only when `outputs.partitions_csv` is on).
    pub partition_lags: Option<Vec<u64>>,
}

/// One evaluation of the scaler (a row of `scaling.csv`).
#[derive(Clone, Debug, PartialEq)]
pub struct ScalingRecord {
    /// When the scaler evaluated.
    pub time: SimTime,
    /// Total offset lag it saw.
    pub total_lag: u64,
    /// Total offset lag at the previous evaluation.
    pub previous_lag: u64,
    /// Largest partition lag it saw.
    pub max_partition_lag: u64,
    /// Pollers active at the evaluation.
    pub pollers: u32,
    /// Pollers the decision wants.
    pub target: u32,
    /// `scale_out`, `scale_in` or `hold`.
    pub action: &'static str,
    /// Why.
    pub reason: String,
    /// When the change takes effect (none for a hold).
    pub effective_at: Option<SimTime>,
}

/// State of the model at a sample time, read by the simulation for the recorder.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// Records produced so far.
    pub produced_total: u64,
    /// Records committed so far.
    pub committed_total: u64,
    /// Total lag.
    pub lag: u64,
    /// Largest partition lag.
    pub max_partition_lag: u64,
    /// Arrival time of the oldest uncommitted record.
    pub oldest_uncommitted: Option<SimTime>,
    /// Active pollers.
    pub pollers: u32,
    /// Active processors.
    pub processors: u32,
    /// Lag per partition, when requested.
    pub partition_lags: Option<Vec<u64>>,
}

#[derive(Clone, Debug)]
struct Interval {
    invocations: u64,
    batch_records: u64,
    errors: u64,
    retries: u64,
    busy_ns: u128,
    max_concurrency: u32,
    latency: LatencyStats,
}

/// Significant digits of the per-interval latency percentiles.
const INTERVAL_LATENCY_DIGITS: u8 = 2;

impl Interval {
    fn new(max_concurrency: u32, latency: LatencyStats) -> Self {
        Interval {
            invocations: 0,
            batch_records: 0,
            errors: 0,
            retries: 0,
            busy_ns: 0,
            max_concurrency,
            latency,
        }
    }

    /// Starts the next interval with `active` invocations in flight, keeping the
    /// histogram's allocation.
    fn restart(&mut self, active: u32) {
        self.invocations = 0;
        self.batch_records = 0;
        self.errors = 0;
        self.retries = 0;
        self.busy_ns = 0;
        self.max_concurrency = active;
        self.latency.reset();
    }
}

/// Accumulates measurements and closes one [`SampleRow`] per sample.
pub struct Recorder {
    cost: CostModel,
    memory_mb: u64,
    rows: Vec<SampleRow>,
    current: Interval,
    active: u32,
    last_change: SimTime,
    last_sample: SimTime,
    last_produced: u64,
    last_committed: u64,
    invocations: u64,
    billed_mb_ms: u128,
    errors: u64,
    retries: u64,
    batch_records: u64,
    max_concurrency: u32,
    latency: LatencyStats,
}

impl Recorder {
    /// A recorder pricing a function of `memory_mb`, with `initial_produced` records
    /// (the initial backlog) already produced at t = 0. Rows close when
    /// [`Recorder::sample`] is called.
    pub fn new(cost: CostModel, memory_mb: u32, initial_produced: u64) -> Self {
        Recorder {
            cost,
            memory_mb: memory_mb as u64,
            rows: Vec::new(),
            current: Interval::new(0, LatencyStats::with_precision(INTERVAL_LATENCY_DIGITS)),
            active: 0,
            last_change: SimTime::ZERO,
            last_sample: SimTime::ZERO,
            last_produced: initial_produced,
            last_committed: 0,
            invocations: 0,
            billed_mb_ms: 0,
            errors: 0,
            retries: 0,
            batch_records: 0,
            max_concurrency: 0,
            latency: LatencyStats::default(),
        }
    }

    fn integrate(&mut self, now: SimTime) {
        self.current.busy_ns += self.active as u128 * (now - self.last_change).0 as u128;
        self.last_change = now;
    }

    /// An invocation of `records` records started at `now` and will take `duration`;
    /// `retry` if it re-sends a failed batch. The invocation is billed now, since its
    /// duration is known (rounded up to the millisecond).
    pub fn invocation_started(
        &mut self,
        now: SimTime,
        records: u64,
        duration: SimDuration,
        retry: bool,
    ) {
        self.billed_mb_ms += duration.as_millis_ceil() as u128 * self.memory_mb as u128;
        self.integrate(now);
        self.active += 1;
        self.current.max_concurrency = self.current.max_concurrency.max(self.active);
        self.max_concurrency = self.max_concurrency.max(self.active);
        self.current.invocations += 1;
        self.current.batch_records += records;
        self.invocations += 1;
        self.batch_records += records;
        if retry {
            self.current.retries += 1;
            self.retries += 1;
        }
    }

    /// An invocation ended at `now`; `failed` if it ran into the timeout.
    pub fn invocation_ended(&mut self, now: SimTime, failed: bool) {
        self.integrate(now);
        self.active -= 1;
        if failed {
            self.current.errors += 1;
            self.errors += 1;
        }
    }

    /// Records of `run` were committed at `now`.
    pub fn committed(&mut self, run: &Run, now: SimTime) {
        let groups = RunGroups::new(run, now);
        self.current.latency.record_groups(&groups);
        self.latency.record_groups(&groups);
    }

    /// Closes the interval ending at `now` with the model's state at that time.
    pub fn sample(&mut self, now: SimTime, snapshot: Snapshot) {
        self.integrate(now);
        let secs = (now - self.last_sample).as_secs_f64();
        let interval = &self.current;
        let row = SampleRow {
            time: now,
            produced_per_s: (snapshot.produced_total - self.last_produced) as f64 / secs,
            committed_per_s: (snapshot.committed_total - self.last_committed) as f64 / secs,
            produced_total: snapshot.produced_total,
            committed_total: snapshot.committed_total,
            lag: snapshot.lag,
            max_partition_lag: snapshot.max_partition_lag,
            oldest_age_s: snapshot
                .oldest_uncommitted
                .map_or(0.0, |t| (now - t).as_secs_f64()),
            pollers: snapshot.pollers,
            processors: snapshot.processors,
            concurrency_mean: interval.busy_ns as f64 / (now - self.last_sample).0 as f64,
            concurrency_max: interval.max_concurrency.max(self.active),
            invocations_per_s: interval.invocations as f64 / secs,
            mean_batch_records: (interval.invocations > 0)
                .then(|| interval.batch_records as f64 / interval.invocations as f64),
            errors: interval.errors,
            retries: interval.retries,
            latency_p50_s: interval.latency.quantile_secs(0.5),
            latency_p99_s: interval.latency.quantile_secs(0.99),
            cost: self.cost.cost(self.invocations, self.billed_mb_ms),
            partition_lags: snapshot.partition_lags,
        };
        self.current.restart(self.active);
        self.last_sample = now;
        self.last_produced = snapshot.produced_total;
        self.last_committed = snapshot.committed_total;
        self.rows.push(row);
    }

    /// Ends the run: the rows and the run totals.
    pub fn finish(self) -> (Vec<SampleRow>, RunTotals) {
        let totals = RunTotals {
            invocations: self.invocations,
            batch_records: self.batch_records,
            errors: self.errors,
            retries: self.retries,
            billed_mb_ms: self.billed_mb_ms,
            max_concurrency: self.max_concurrency,
            cost: self.cost.cost(self.invocations, self.billed_mb_ms),
            latency: self.latency,
        };
        (self.rows, totals)
    }
}

/// Totals over the whole run.
#[derive(Clone, Debug)]
pub struct RunTotals {
    /// Invocations started.
    pub invocations: u64,
    /// Records over all invocations (retries included).
    pub batch_records: u64,
    /// Failed invocations.
    pub errors: u64,
    /// Retried invocations.
    pub retries: u64,
    /// Billed MB·ms.
    pub billed_mb_ms: u128,
    /// Most invocations in flight at once.
    pub max_concurrency: u32,
    /// Cost of the run.
    pub cost: CostBreakdown,
    /// Latency of every committed record.
    pub latency: LatencyStats,
}
