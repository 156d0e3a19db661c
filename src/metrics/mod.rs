//! What a run measures: one [`SampleRow`] per sample interval, the scaler's decisions,
//! and the end-of-run [`Summary`].
//!
//! The [`Recorder`] is fed by the simulation as things happen (commits, invocation
//! starts and ends, errors) and closes one row per interval. It only accumulates;
//! it never looks at the model's state by itself.

pub mod bottleneck;
pub mod events;
pub mod hdr;
pub mod latency;
pub mod sink;
pub mod slo;
pub mod summary;

use crate::engine::time::SimTime;
use crate::metrics::bottleneck::Bottleneck;
use crate::metrics::latency::{LatencyStats, RunGroups};
use crate::model::cost::{Billing, CostBreakdown};
use crate::model::esm::Load;
use crate::model::function::Outcome;
use crate::model::log::{Run, Skip};
use crate::model::scaler::Action;

pub use sink::RowSink;
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
    /// Of `errors`, those that ran into the timeout.
    pub errors_timeout: u64,
    /// Of `errors`, those the function failed (an invocation error or a poison record).
    pub errors_function: u64,
    /// Invocations that retried a failed batch during the interval.
    pub retries: u64,
    /// Records sent to the on-failure destination during the interval.
    pub records_to_destination: u64,
    /// Records dropped during the interval: too large to send, or out of retries with no
    /// destination.
    pub records_dropped: u64,
    /// Records that left the topic (retention) before they were committed, during the
    /// interval.
    pub records_expired: u64,
    /// Records delivered again during the interval because their partition moved to
    /// another poller while their batch was in flight.
    pub records_duplicated: u64,
    /// Partitions blocked on a failed batch at the end of the interval.
    pub blocked_partitions: u32,
    /// Invokes throttled during the interval.
    pub throttles: u64,
    /// The function's concurrency limit at the end of the interval.
    pub concurrency_limit: u32,
    /// Invocations that started with a cold start during the interval.
    pub cold_starts: u64,
    /// Initialised execution environments at the end of the interval (`None` without
    /// `function.cold_start`).
    pub warm_environments: Option<u32>,
    /// Records committed during the interval that did not pass the filter.
    pub records_filtered: u64,
    /// Median end-to-end latency of records committed during the interval, seconds.
    pub latency_p50_s: Option<f64>,
    /// 99th percentile of the same.
    pub latency_p99_s: Option<f64>,
    /// Cost so far.
    pub cost: CostBreakdown,
    /// Offset lag per partition (only when `outputs.partitions_csv` is on).
    pub partition_lags: Option<Vec<u64>>,
    /// How hard pollers and processors worked during the interval.
    pub load: Load,
    /// The constraint that bound during the interval (set before the row leaves the
    /// run, see [`bottleneck::Classifier`]).
    pub bottleneck: Option<Bottleneck>,
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
    /// Scale out, in, or hold.
    pub action: Action,
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
    /// Committed records so far that did not pass the filter.
    pub filtered_total: u64,
    /// Records skipped so far because the consumer started at the end of the log.
    pub skipped_at_start_total: u64,
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
    /// Cost billed so far.
    pub cost: CostBreakdown,
    /// Records committed without being processed so far, by [`Skip`] reason.
    pub skipped: [u64; Skip::COUNT],
    /// Records delivered again so far after a rebalance.
    pub duplicated: u64,
    /// Partitions blocked on a failed batch.
    pub blocked_partitions: u32,
    /// The function's concurrency limit.
    pub concurrency_limit: u32,
    /// Initialised execution environments (`None` without `function.cold_start`).
    pub warm_environments: Option<u32>,
    /// How hard pollers and processors worked since the previous sample.
    pub load: Load,
}

#[derive(Clone, Debug)]
struct Interval {
    invocations: u64,
    batch_records: u64,
    errors: u64,
    errors_timeout: u64,
    retries: u64,
    throttles: u64,
    cold_starts: u64,
    busy_ns: u128,
    max_concurrency: u32,
    /// The interval's committed records, at the run's precision: read at
    /// [`INTERVAL_LATENCY_DIGITS`] for the row, then drained into the run's statistics.
    /// `None` when the rows' latency percentiles are not wanted (records then go straight
    /// into the run's).
    latency: Option<LatencyStats>,
}

/// Significant digits of the per-interval latency percentiles.
const INTERVAL_LATENCY_DIGITS: u8 = 2;

impl Interval {
    fn new(max_concurrency: u32, latency: Option<LatencyStats>) -> Self {
        Interval {
            invocations: 0,
            batch_records: 0,
            errors: 0,
            errors_timeout: 0,
            retries: 0,
            throttles: 0,
            cold_starts: 0,
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
        self.errors_timeout = 0;
        self.retries = 0;
        self.throttles = 0;
        self.cold_starts = 0;
        self.busy_ns = 0;
        self.max_concurrency = active;
        if let Some(latency) = &mut self.latency {
            latency.reset();
        }
    }
}

/// Accumulates measurements and closes one [`SampleRow`] per sample.
pub struct Recorder {
    current: Interval,
    active: u32,
    last_change: SimTime,
    last_sample: SimTime,
    last_produced: u64,
    last_committed: u64,
    last_skipped: [u64; Skip::COUNT],
    last_duplicated: u64,
    last_filtered: u64,
    last_skipped_at_start: u64,
    invocations: u64,
    errors: u64,
    errors_timeout: u64,
    retries: u64,
    batch_records: u64,
    max_concurrency: u32,
    latency: LatencyStats,
    throttles: u64,
    cold_starts: u64,
    /// Processors waiting after a throttle, and since when at least one has been.
    backing_off: u32,
    backoff_since: SimTime,
    throttled_ns: u64,
}

impl Recorder {
    /// A recorder with `initial_produced` records (the initial backlog) already produced
    /// at t = 0. Rows close when [`Recorder::sample`] is called.
    pub fn new(initial_produced: u64) -> Self {
        Recorder {
            current: Interval::new(0, Some(LatencyStats::default())),
            active: 0,
            last_change: SimTime::ZERO,
            last_sample: SimTime::ZERO,
            last_produced: initial_produced,
            last_committed: 0,
            last_skipped: [0; Skip::COUNT],
            last_duplicated: 0,
            last_filtered: 0,
            last_skipped_at_start: 0,
            invocations: 0,
            errors: 0,
            errors_timeout: 0,
            retries: 0,
            batch_records: 0,
            max_concurrency: 0,
            latency: LatencyStats::default(),
            throttles: 0,
            cold_starts: 0,
            backing_off: 0,
            backoff_since: SimTime::ZERO,
            throttled_ns: 0,
        }
    }

    /// Starts with `committed` records (and as many skipped at the start) already
    /// committed at t = 0: the initial backlog that `starting_position: latest` skips.
    /// They count in neither the first row's rate nor a latency.
    pub fn with_initial_committed(mut self, committed: u64) -> Self {
        self.last_committed = committed;
        self.last_skipped_at_start = committed;
        self
    }

    /// Records delivered to the function by successful invocations so far (those whose
    /// latency was recorded).
    pub fn records_processed(&self) -> u64 {
        self.latency.count() + self.current.latency.as_ref().map_or(0, LatencyStats::count)
    }

    /// Leaves the rows' latency percentiles empty, which saves reading and draining the
    /// interval's histogram at each sample; for callers that use only the run's totals
    /// (the summary), as sweeps do.
    pub fn without_interval_latency(mut self) -> Self {
        self.current.latency = None;
        self
    }

    fn integrate(&mut self, now: SimTime) {
        self.current.busy_ns += self.active as u128 * (now - self.last_change).0 as u128;
        self.last_change = now;
    }

    /// An invocation of `records` records started at `now`, `retry` if it re-sends a
    /// failed batch; `in_flight` invocations are running now, this one included.
    pub fn invocation_started(&mut self, now: SimTime, records: u64, retry: bool, in_flight: u32) {
        self.integrate(now);
        self.active = in_flight;
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

    /// An invocation ended at `now` with `outcome`; `in_flight` invocations are still
    /// running.
    pub fn invocation_ended(&mut self, now: SimTime, outcome: Outcome, in_flight: u32) {
        self.integrate(now);
        self.active = in_flight;
        if outcome.is_error() {
            self.current.errors += 1;
            self.errors += 1;
            if outcome == Outcome::Timeout {
                self.current.errors_timeout += 1;
                self.errors_timeout += 1;
            }
        }
    }

    /// An invoke was throttled at `now`; its processor waits until
    /// [`Recorder::backoff_ended`].
    pub fn throttled(&mut self, now: SimTime) {
        self.current.throttles += 1;
        self.throttles += 1;
        if self.backing_off == 0 {
            self.backoff_since = now;
        }
        self.backing_off += 1;
    }

    /// A processor's backoff after a throttle ended at `now`.
    pub fn backoff_ended(&mut self, now: SimTime) {
        self.backing_off -= 1;
        if self.backing_off == 0 {
            self.throttled_ns += (now - self.backoff_since).0;
        }
    }

    /// The invocation just started paid a cold start.
    pub fn cold_start(&mut self) {
        self.current.cold_starts += 1;
        self.cold_starts += 1;
    }

    /// Records of `run` were committed at `now`.
    pub fn committed(&mut self, run: &Run, now: SimTime) {
        if run.count == 1 {
            // One record (most runs of small batches): one update per statistic, the
            // same as its one group, without building the groups.
            let latency_ns = now.0 as u128 - run.arrival_sum_ns();
            let micros = (now.0 - run.first.0) / 1_000;
            self.latency_now().record_one(latency_ns, micros);
            return;
        }
        let groups = RunGroups::new(run, now);
        self.latency_now().record_groups(&groups);
    }

    /// Where a commit's latencies go: the interval's statistics (drained into the run's
    /// at the next sample), or the run's when rows keep no percentiles.
    fn latency_now(&mut self) -> &mut LatencyStats {
        self.current.latency.as_mut().unwrap_or(&mut self.latency)
    }

    /// Closes the interval ending at `now` with the model's state at that time: its row
    /// (not yet classified, see [`bottleneck::Classifier`]).
    pub fn sample(&mut self, now: SimTime, snapshot: Snapshot) -> SampleRow {
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
            errors_timeout: interval.errors_timeout,
            errors_function: interval.errors - interval.errors_timeout,
            retries: interval.retries,
            records_to_destination: since(&snapshot.skipped, &self.last_skipped, Skip::Destination),
            records_dropped: since(&snapshot.skipped, &self.last_skipped, Skip::Oversized)
                + since(&snapshot.skipped, &self.last_skipped, Skip::Discarded),
            records_expired: since(&snapshot.skipped, &self.last_skipped, Skip::Expired),
            records_duplicated: snapshot.duplicated - self.last_duplicated,
            blocked_partitions: snapshot.blocked_partitions,
            throttles: interval.throttles,
            concurrency_limit: snapshot.concurrency_limit,
            cold_starts: interval.cold_starts,
            warm_environments: snapshot.warm_environments,
            records_filtered: snapshot.filtered_total - self.last_filtered,
            latency_p50_s: interval
                .latency
                .as_ref()
                .and_then(|l| l.quantile_secs_at(0.5, INTERVAL_LATENCY_DIGITS)),
            latency_p99_s: interval
                .latency
                .as_ref()
                .and_then(|l| l.quantile_secs_at(0.99, INTERVAL_LATENCY_DIGITS)),
            cost: snapshot.cost,
            partition_lags: snapshot.partition_lags,
            load: snapshot.load,
            bottleneck: None,
        };
        if let Some(latency) = &mut self.current.latency {
            latency.drain_into(&mut self.latency);
        }
        self.current.restart(self.active);
        self.last_sample = now;
        self.last_produced = snapshot.produced_total;
        self.last_committed = snapshot.committed_total;
        self.last_skipped = snapshot.skipped;
        self.last_duplicated = snapshot.duplicated;
        self.last_filtered = snapshot.filtered_total;
        self.last_skipped_at_start = snapshot.skipped_at_start_total;
        row
    }

    /// Ends the run: the run totals, with what `billing` billed up to the last sample.
    pub fn finish(mut self, billing: &Billing) -> RunTotals {
        if let Some(latency) = &mut self.current.latency {
            latency.drain_into(&mut self.latency);
        }
        RunTotals {
            invocations: self.invocations,
            batch_records: self.batch_records,
            errors: self.errors,
            errors_timeout: self.errors_timeout,
            skipped: self.last_skipped,
            duplicated: self.last_duplicated,
            retries: self.retries,
            billed_mb_ms: billing.billed_mb_ms(),
            max_concurrency: self.max_concurrency,
            records_filtered: self.last_filtered,
            records_skipped_at_start: self.last_skipped_at_start,
            cost: billing.cost(self.last_sample),
            latency: self.latency,
            throttles: self.throttles,
            throttled_ns: self.throttled_ns
                + if self.backing_off > 0 {
                    self.last_sample.saturating_since(self.backoff_since).0
                } else {
                    0
                },
            cold_starts: self.cold_starts,
        }
    }
}

/// What `skipped` gained for `reason` since `last`.
fn since(skipped: &[u64; Skip::COUNT], last: &[u64; Skip::COUNT], reason: Skip) -> u64 {
    skipped[reason as usize] - last[reason as usize]
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
    /// Of `errors`, timeouts.
    pub errors_timeout: u64,
    /// Records committed without being processed up to the last sample, by [`Skip`]
    /// reason.
    pub skipped: [u64; Skip::COUNT],
    /// Records delivered again after a rebalance, up to the last sample.
    pub duplicated: u64,
    /// Retried invocations.
    pub retries: u64,
    /// Billed MB·ms.
    pub billed_mb_ms: u128,
    /// Most invocations in flight at once.
    pub max_concurrency: u32,
    /// Committed records that did not pass the filter, up to the last sample.
    pub records_filtered: u64,
    /// Records skipped because the consumer started at the end of the log, up to the
    /// last sample.
    pub records_skipped_at_start: u64,
    /// Cost of the run.
    pub cost: CostBreakdown,
    /// Latency of every committed record.
    pub latency: LatencyStats,
    /// Throttled invokes.
    pub throttles: u64,
    /// Nanoseconds during which at least one processor waited after a throttle (a
    /// backoff still running at the end counts up to the last sample).
    pub throttled_ns: u64,
    /// Invocations that paid a cold start.
    pub cold_starts: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Simulation;

    fn secs(s: f64) -> SimTime {
        SimTime::from_secs_f64(s)
    }

    fn recorder() -> Recorder {
        Recorder::new(0)
    }

    fn snapshot(produced: u64, committed: u64) -> Snapshot {
        Snapshot {
            produced_total: produced,
            committed_total: committed,
            lag: produced - committed,
            max_partition_lag: produced - committed,
            pollers: 1,
            processors: 1,
            ..Snapshot::default()
        }
    }

    /// The rows of a run of 2.5 s sampled every 1 s: 1, 2 and a last one at 2.5 s whose
    /// rates and mean concurrency are over its real width, 0.5 s.
    #[test]
    fn a_short_last_row_divides_by_its_own_width() {
        let mut r = recorder();
        // (0, 1]: one invocation 0.2 -> 0.5 s; 10 produced, 4 committed.
        r.invocation_started(secs(0.2), 4, false, 1);
        r.invocation_ended(secs(0.5), Outcome::Ok, 0);
        let mut rows = vec![r.sample(secs(1.0), snapshot(10, 4))];
        // (1, 2]: one invocation 1.5 -> 2.25 s, still in flight at 2 s; 10 more
        // produced, 6 more committed.
        r.invocation_started(secs(1.5), 6, false, 1);
        rows.push(r.sample(secs(2.0), snapshot(20, 10)));
        // (2, 2.5]: a second invocation 2.1 -> 2.4 s overlaps the first until 2.25 s;
        // 3 more produced and 3 more committed (a run arrived at 2.2 s, committed at 2.4 s).
        r.invocation_started(secs(2.1), 3, false, 2);
        r.invocation_ended(secs(2.25), Outcome::Ok, 1);
        let run = Run {
            count: 3,
            bytes: 300,
            first: secs(2.2),
            last: secs(2.2),
        };
        r.committed(&run, secs(2.4));
        r.invocation_ended(secs(2.4), Outcome::Ok, 0);
        rows.push(r.sample(secs(2.5), snapshot(23, 13)));
        let totals = r.finish(&crate::model::cost::tests::one_gb_billing());

        let got: Vec<_> = rows
            .iter()
            .map(|row| {
                (
                    row.time,
                    row.produced_per_s,
                    row.committed_per_s,
                    row.invocations_per_s,
                    row.concurrency_mean,
                    row.concurrency_max,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                // 10/1, 4/1, 1/1; busy 0.3 s of 1 s.
                (secs(1.0), 10.0, 4.0, 1.0, 0.3, 1),
                // 10/1, 6/1, 1/1; busy 1.5 -> 2.0 s.
                (secs(2.0), 10.0, 6.0, 1.0, 0.5, 1),
                // 3/0.5, 3/0.5, 1/0.5; busy 0.25 s (2.0 -> 2.25) + 0.3 s (2.1 -> 2.4)
                // = 0.55 s of 0.5 s. Dividing by the 1 s interval would give 3, 3, 1, 0.55.
                (secs(2.5), 6.0, 6.0, 2.0, 1.1, 2),
            ]
        );
        let last = &rows[2];
        assert_eq!(last.mean_batch_records, Some(3.0));
        // Latency 0.2 s, within the 1 % of a 2-digit histogram.
        let p50 = last.latency_p50_s.expect("a commit in the last row");
        assert!((p50 - 0.2).abs() <= 0.2 * 0.01, "p50 {p50}");
        assert_eq!((totals.invocations, totals.max_concurrency), (3, 2));
    }

    /// The same through a whole simulation: fluid arrivals every 0.1 s, batches of 5 sent
    /// when the fifth record arrives (0.5, 1.0, ... s), 100 ms each.
    #[test]
    fn a_run_not_a_multiple_of_the_sample_interval_ends_with_a_short_row() {
        let yaml = "name: micro
duration: 2500ms
sample_interval: 1s
topic: {partitions: 1}
producer: {arrivals: deterministic, resolution: 10ms, rate: [{constant: 10}]}
esm: {batch_size: 5, batching_window: 1000ms, scaler: {policy: fixed, pollers: 1}}
function: {memory: 1024, duration: {per_batch: 100ms}}
";
        let scenario =
            crate::scenario::load::from_yaml_str(yaml, std::path::Path::new("."), &[]).unwrap();
        let result = Simulation::new(&scenario).run(&mut |_| {});
        let got: Vec<_> = result
            .rows
            .iter()
            .map(|row| {
                (
                    row.time,
                    row.produced_total,
                    row.committed_total,
                    row.produced_per_s,
                    row.committed_per_s,
                    row.invocations_per_s,
                    row.concurrency_mean,
                    row.concurrency_max,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                // Invocations at 0.5 and 1.0 s; the one at 0.5 s committed 5 records.
                (secs(1.0), 10, 5, 10.0, 5.0, 2.0, 0.1, 1),
                // At 1.5 and 2.0 s; those at 1.0 and 1.5 s committed; busy 1.0 -> 1.1,
                // 1.5 -> 1.6, 2.0 -> 2.0.
                (secs(2.0), 20, 15, 10.0, 10.0, 2.0, 0.2, 1),
                // (2, 2.5]: 5 produced, the batch of 2.0 s committed at 2.1 s, one
                // invocation started at 2.5 s; busy 2.0 -> 2.1 s. All over 0.5 s.
                (secs(2.5), 25, 20, 10.0, 10.0, 2.0, 0.2, 1),
            ]
        );
    }
}
