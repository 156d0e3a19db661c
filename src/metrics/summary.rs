//! The planner's answers for one run, computed from the sample rows and run totals.
//!
//! What the summary reads from the rows is folded in one row at a time
//! ([`SummaryFold`]), so a run hands its rows on (to a file) without keeping them; fed a
//! run's rows in order, the fold gives exactly what a pass over all of them gives (the
//! same comparisons and the same sums in the same order).

use crate::engine::time::{SimDuration, SimTime};
use crate::metrics::bottleneck::{BottleneckReport, ReportFold};
use crate::metrics::events::{EventSummary, EventTracker};
use crate::metrics::slo::{ObjectiveResult, SloFold};
use crate::metrics::{RowSink, RunTotals, SampleRow, ScalingRecord};
use crate::model::log::Skip;
use crate::scenario::clock::Clock;
use crate::scenario::esm::provisioned::Mode;
use crate::scenario::producer::events::NamedEvent;
use crate::scenario::slo::Slo;

/// End-of-run summary (`summary.json`, written field by field as listed in
/// [`crate::output::columns::summary`]). Times are seconds since the start of the run;
/// optional values are `null` when they do not apply.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// Seed of the run.
    pub seed: u64,
    /// Simulated seconds.
    pub duration_s: f64,
    /// On-demand or provisioned.
    pub mode: Mode,
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
    /// Time during which at least one `max_age` or `max_lag` objective was over its
    /// limit (within its window); `null` without such an objective.
    pub time_over_slo_s: Option<f64>,
    /// Invocations started.
    pub invocations: u64,
    /// Mean records per invocation.
    pub mean_batch_records: Option<f64>,
    /// Failed invocations.
    pub errors: u64,
    /// Of `errors`, timeouts.
    pub errors_timeout: u64,
    /// Of `errors`, failures of the function (invocation errors, poison records).
    pub errors_function: u64,
    /// Invocations that retried a failed batch.
    pub retries: u64,
    /// Committed records that were processed by a successful invocation (those the
    /// filter let through).
    pub records_succeeded: u64,
    /// Records sent to the on-failure destination.
    pub records_to_destination: u64,
    /// Records dropped: too large to send, or out of retries with no destination.
    pub records_dropped: u64,
    /// Of `records_dropped`, records too large for the payload on their own.
    pub records_oversized: u64,
    /// Records that left the topic (retention) before they were committed.
    pub records_expired: u64,
    /// Records delivered again after their partition moved during a rebalance.
    pub records_duplicated: u64,
    /// Invokes throttled (each retry after a backoff that is throttled again counts).
    pub throttles: u64,
    /// Time during which at least one processor was waiting after a throttle.
    pub time_throttled_s: f64,
    /// Invocations that paid a cold start.
    pub cold_starts: u64,
    /// Cold starts per invocation; `null` without invocations.
    pub cold_start_share: Option<f64>,
    /// Committed records that did not pass the filter (never invoked).
    pub records_filtered: u64,
    /// Records skipped because the consumer started at the end of the log
    /// (`starting_position: latest`): produced and committed, never invoked nor lag.
    pub records_skipped_at_start: u64,
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
    /// Event Poller Unit-hours billed (0 in on-demand mode).
    pub epu_hours: f64,
    /// Event Poller Unit charges, USD.
    pub cost_epu_usd: f64,
    /// Provisioned-concurrency charges (environments kept ready), USD.
    pub cost_provisioned_concurrency_usd: f64,
    /// Total cost, USD.
    pub cost_usd: f64,
    /// Events the engine processed.
    pub events_processed: u64,
    /// The named events of the scenario, in the order of `producer.rate`.
    pub events: Vec<EventSummary>,
    /// What bound the run, and the numbers behind it (see [`crate::metrics::bottleneck`]).
    pub bottleneck: BottleneckReport,
    /// The verdict on each objective of `slo`, in order.
    pub slo: Vec<ObjectiveResult>,
}

/// Inputs of the summary that are not in the rows.
pub struct SummaryContext<'a> {
    /// Scenario name.
    pub scenario: &'a str,
    /// Seed.
    pub seed: u64,
    /// Simulated span.
    pub duration: SimDuration,
    /// The mapping's mode.
    pub mode: Mode,
    /// The scenario's named events.
    pub named_events: &'a [NamedEvent],
    /// The objectives.
    pub slo: &'a Slo,
    /// The wall clock, for objective windows.
    pub clock: Option<&'a Clock>,
    /// Events processed.
    pub events: u64,
}

impl Summary {
    /// Computes the summary of a finished run from all its rows (see [`SummaryFold`]).
    pub fn compute(
        ctx: &SummaryContext<'_>,
        rows: &[SampleRow],
        scaling: &[ScalingRecord],
        totals: &RunTotals,
    ) -> Self {
        let mut fold = SummaryFold::new(ctx.named_events, ctx.slo, ctx.clock, ctx.duration);
        rows.iter().for_each(|r| fold.observe(r));
        fold.finish(ctx, scaling, totals)
    }
}

/// What the summary reads from a run's rows, taken in one row at a time.
#[derive(Clone, Debug)]
pub struct SummaryFold {
    /// Largest total lag (compared as `f64`) and when; the first row wins a tie.
    peak_lag: Option<(u64, SimTime)>,
    /// Largest oldest-record age and when; the first row wins a tie.
    peak_age: Option<(f64, SimTime)>,
    max_partition_lag: u64,
    max_pollers: u32,
    /// The last row's produced and committed totals, lag and pollers.
    last: Option<(u64, u64, u64, u32)>,
    events: Vec<EventTracker>,
    slo: SloFold,
    bottleneck: ReportFold,
}

impl SummaryFold {
    /// Before the first row of a run of `duration` with these named events and
    /// objectives (`clock` places the objectives' windows).
    pub fn new(
        named_events: &[NamedEvent],
        slo: &Slo,
        clock: Option<&Clock>,
        duration: SimDuration,
    ) -> Self {
        SummaryFold {
            peak_lag: None,
            peak_age: None,
            max_partition_lag: 0,
            max_pollers: 0,
            last: None,
            events: named_events.iter().map(EventTracker::new).collect(),
            slo: SloFold::new(slo, clock, duration),
            bottleneck: ReportFold::new(SimTime::ZERO),
        }
    }

    /// Takes in the next row of the run (classified, see
    /// [`crate::metrics::bottleneck::Classifier`]).
    pub fn observe(&mut self, r: &SampleRow) {
        if !matches!(self.peak_lag, Some((lag, _)) if lag as f64 >= r.lag as f64) {
            self.peak_lag = Some((r.lag, r.time));
        }
        if !matches!(self.peak_age, Some((age, _)) if age >= r.oldest_age_s) {
            self.peak_age = Some((r.oldest_age_s, r.time));
        }
        self.max_partition_lag = self.max_partition_lag.max(r.max_partition_lag);
        self.max_pollers = self.max_pollers.max(r.pollers);
        self.last = Some((r.produced_total, r.committed_total, r.lag, r.pollers));
        for tracker in &mut self.events {
            tracker.observe(r);
        }
        self.slo.observe(r);
        self.bottleneck.observe(r);
    }

    /// A sink that takes each row in here, then hands it to `sink`.
    pub fn then<'a>(&'a mut self, sink: &'a mut dyn RowSink) -> impl RowSink + 'a {
        FoldThen { fold: self, sink }
    }

    /// The summary of the run, with what is not in the rows.
    pub fn finish(
        self,
        ctx: &SummaryContext<'_>,
        scaling: &[ScalingRecord],
        totals: &RunTotals,
    ) -> Summary {
        let events: Vec<EventSummary> = self.events.into_iter().map(EventTracker::finish).collect();
        let (slo, time_over_slo_s) = self.slo.finish(ctx.slo, ctx.duration, &events);
        let (produced, committed, final_lag, final_pollers) = self.last.unwrap_or_default();
        let seconds = |t: SimTime| t.as_secs_f64();
        Summary {
            scenario: ctx.scenario.to_string(),
            seed: ctx.seed,
            duration_s: ctx.duration.as_secs_f64(),
            mode: ctx.mode,
            produced_records: produced,
            committed_records: committed,
            final_lag_records: final_lag,
            max_lag_records: self.peak_lag.map_or(0, |p| p.0),
            max_lag_at_s: self.peak_lag.map_or(0.0, |p| seconds(p.1)),
            max_partition_lag_records: self.max_partition_lag,
            max_record_age_s: self.peak_age.map_or(0.0, |p| p.0),
            max_record_age_at_s: self.peak_age.map_or(0.0, |p| seconds(p.1)),
            latency_mean_s: totals.latency.mean_secs(),
            latency_p50_s: totals.latency.quantile_secs(0.5),
            latency_p99_s: totals.latency.quantile_secs(0.99),
            latency_p999_s: totals.latency.quantile_secs(0.999),
            latency_max_s: totals.latency.max_secs(),
            time_over_slo_s,
            invocations: totals.invocations,
            mean_batch_records: (totals.invocations > 0)
                .then(|| totals.batch_records as f64 / totals.invocations as f64),
            errors: totals.errors,
            errors_timeout: totals.errors_timeout,
            errors_function: totals.errors - totals.errors_timeout,
            retries: totals.retries,
            records_succeeded: committed
                - totals.skipped.iter().sum::<u64>()
                - totals.records_filtered
                - totals.records_skipped_at_start,
            records_to_destination: totals.skipped[Skip::Destination as usize],
            records_dropped: totals.skipped[Skip::Oversized as usize]
                + totals.skipped[Skip::Discarded as usize],
            records_oversized: totals.skipped[Skip::Oversized as usize],
            records_expired: totals.skipped[Skip::Expired as usize],
            records_duplicated: totals.duplicated,
            throttles: totals.throttles,
            time_throttled_s: SimDuration(totals.throttled_ns).as_secs_f64(),
            cold_starts: totals.cold_starts,
            cold_start_share: (totals.invocations > 0)
                .then(|| totals.cold_starts as f64 / totals.invocations as f64),
            records_filtered: totals.records_filtered,
            records_skipped_at_start: totals.records_skipped_at_start,
            max_concurrency: totals.max_concurrency,
            max_pollers: self.max_pollers,
            final_pollers,
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
            epu_hours: totals.cost.epu_hours,
            cost_epu_usd: totals.cost.epu_usd,
            cost_provisioned_concurrency_usd: totals.cost.provisioned_concurrency_usd,
            cost_usd: totals.cost.total_usd,
            events_processed: ctx.events,
            events,
            bottleneck: self.bottleneck.finish(),
            slo,
        }
    }
}

/// See [`SummaryFold::then`].
struct FoldThen<'a> {
    fold: &'a mut SummaryFold,
    sink: &'a mut dyn RowSink,
}

impl RowSink for FoldThen<'_> {
    fn row(&mut self, row: SampleRow) {
        self.fold.observe(&row);
        self.sink.row(row);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::metrics::latency::LatencyStats;
    use crate::model::cost::CostBreakdown;
    use crate::model::scaler::Action;

    fn secs(s: u64) -> SimTime {
        SimTime(s * 1_000_000_000)
    }

    /// A row at `t` seconds with the given total lag and oldest-record age; the other
    /// fields are neutral.
    pub(crate) fn row(t: u64, lag: u64, age_s: f64) -> SampleRow {
        SampleRow {
            time: secs(t),
            produced_per_s: 0.0,
            committed_per_s: 0.0,
            produced_total: 0,
            committed_total: 0,
            lag,
            max_partition_lag: lag,
            oldest_age_s: age_s,
            pollers: 1,
            processors: 1,
            concurrency_mean: 0.0,
            concurrency_max: 0,
            invocations_per_s: 0.0,
            mean_batch_records: None,
            errors: 0,
            errors_timeout: 0,
            errors_function: 0,
            retries: 0,
            records_to_destination: 0,
            records_dropped: 0,
            records_expired: 0,
            records_duplicated: 0,
            blocked_partitions: 0,
            throttles: 0,
            concurrency_limit: 1000,
            cold_starts: 0,
            warm_environments: None,
            records_filtered: 0,
            latency_p50_s: None,
            latency_p99_s: None,
            cost: CostBreakdown::default(),
            partition_lags: None,
            load: crate::model::esm::Load::default(),
            bottleneck: None,
        }
    }

    fn totals() -> RunTotals {
        RunTotals {
            invocations: 0,
            batch_records: 0,
            errors: 0,
            errors_timeout: 0,
            skipped: [0; Skip::COUNT],
            duplicated: 0,
            retries: 0,
            billed_mb_ms: 0,
            max_concurrency: 0,
            records_filtered: 0,
            records_skipped_at_start: 0,
            cost: CostBreakdown::default(),
            latency: LatencyStats::default(),
            throttles: 0,
            throttled_ns: 0,
            cold_starts: 0,
        }
    }

    fn ctx(duration_s: u64, slo_s: Option<u64>) -> SummaryContext<'static> {
        SummaryContext {
            scenario: "hand-made",
            seed: 7,
            duration: SimDuration::from_secs(duration_s),
            mode: Mode::OnDemand,
            named_events: &[],
            slo: Box::leak(Box::new(Slo {
                objectives: slo_s
                    .map(|s| crate::scenario::slo::Objective {
                        name: "max_age".into(),
                        named: false,
                        target: crate::scenario::slo::Target::MaxAge(SimDuration::from_secs(s)),
                        during: None,
                    })
                    .into_iter()
                    .collect(),
            })),
            clock: None,
            events: 0,
        }
    }

    fn decision(at_s: u64, action: Action, effective_at: Option<SimTime>) -> ScalingRecord {
        ScalingRecord {
            time: secs(at_s),
            total_lag: 0,
            previous_lag: 0,
            max_partition_lag: 0,
            pollers: 1,
            target: 1,
            action,
            reason: String::new(),
            effective_at,
        }
    }

    /// Peak lag 900 at t = 3 and again at t = 4, peak age 7.5 at t = 5 and again at
    /// t = 7; the lag is 50 before the peak, down to 100 at t = 6, then rises again to
    /// 600 at t = 7 and is 0 at the end.
    fn peaks() -> Vec<SampleRow> {
        vec![
            row(1, 50, 1.0),
            row(2, 400, 3.0),
            row(3, 900, 5.0),
            row(4, 900, 5.0),
            row(5, 300, 7.5),
            row(6, 100, 0.5),
            row(7, 600, 7.5),
            row(8, 0, 0.0),
        ]
    }

    #[test]
    fn ties_keep_the_first_maximum_for_lag_and_age() {
        let s = Summary::compute(&ctx(8, None), &peaks(), &[], &totals());
        assert_eq!(s.max_lag_records, 900);
        // 900 is seen at t = 3 and t = 4: the first one wins.
        assert_eq!(s.max_lag_at_s, 3.0);
        assert_eq!(s.max_record_age_s, 7.5);
        // 7.5 is seen at t = 5 and t = 7: the first one wins.
        assert_eq!(s.max_record_age_at_s, 5.0);
        assert_eq!(s.final_lag_records, 0);
    }

    fn spike(name: &str, start_s: u64, settled_s: u64) -> NamedEvent {
        NamedEvent {
            name: name.into(),
            shape: 0,
            start: SimDuration::from_secs(start_s),
            settled: SimDuration::from_secs(settled_s),
            expected_records: 0.0,
        }
    }

    #[test]
    fn named_events_drain_back_to_the_highest_lag_just_before_them() {
        let events = [
            // Level max(50, 400) = 400 (rows at and before t = 2); the burst ends at
            // t = 3; t = 5 (lag 300) is the first row from then on at or under 400.
            spike("a", 2, 3),
            // Before the first row: level 0, first reached at t = 8.
            spike("b", 0, 1),
            // Level 900 (the rows at t = 4 and 6 are within the window, the highest
            // counts); the row at t = 7 (600) is under it.
            spike("c", 6, 6),
        ];
        let with_events = SummaryContext {
            named_events: &events,
            ..ctx(8, None)
        };
        let s = Summary::compute(&with_events, &peaks(), &[], &totals());
        let got: Vec<_> = s
            .events
            .iter()
            .map(|e| {
                (
                    e.name.as_str(),
                    e.lag_before,
                    e.drain_s,
                    e.peak_lag,
                    e.peak_age_s,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("a", 400, Some(3.0), 900, 7.5),
                ("b", 0, Some(8.0), 900, 7.5),
                ("c", 900, Some(1.0), 600, 7.5),
            ]
        );
        assert_eq!(s.events[0].drained_at_s, Some(5.0));

        // Never back under the level within the run; rows more than five minutes before
        // the start do not set the level.
        let rows = [
            row(1, 10_000, 0.0),
            row(400, 10, 0.0),
            row(401, 500, 2.0),
            row(402, 101, 1.0),
        ];
        let late = [spike("d", 400, 400)];
        let with_events = SummaryContext {
            named_events: &late,
            ..ctx(402, None)
        };
        let e = &Summary::compute(&with_events, &rows, &[], &totals()).events[0];
        assert_eq!(
            (e.lag_before, e.drain_s, e.peak_lag, e.peak_age_s),
            (10, None, 500, 2.0)
        );
        assert_eq!((e.extra_records, e.extra_cost_usd), (None, None));
    }

    #[test]
    fn time_over_slo_sums_the_widths_of_rows_strictly_over_the_age() {
        // Rows every 2 s and a last, shorter row at the 7 s end.
        let rows = [
            row(2, 0, 10.0), // over: width 2 (from t = 0)
            row(4, 0, 5.0),  // exactly the SLO: not over
            row(6, 0, 6.0),  // over: width 2
            row(7, 0, 8.0),  // over: width 1
        ];
        let s = Summary::compute(&ctx(7, Some(5)), &rows, &[], &totals());
        assert_eq!(s.time_over_slo_s, Some(5.0));
        let s = Summary::compute(&ctx(7, Some(10)), &rows, &[], &totals());
        assert_eq!(s.time_over_slo_s, Some(0.0));
        let s = Summary::compute(&ctx(7, None), &rows, &[], &totals());
        assert_eq!(s.time_over_slo_s, None);
    }

    #[test]
    fn scaling_changes_count_only_changes_effective_by_the_end() {
        let end = secs(10);
        let scaling = [
            decision(1, Action::Hold, None),
            decision(2, Action::ScaleOut, Some(secs(4))),
            // Takes effect exactly at the end: within the run.
            decision(7, Action::ScaleIn, Some(end)),
            // One nanosecond after the end: never happens.
            decision(8, Action::ScaleOut, Some(SimTime(end.0 + 1))),
            decision(9, Action::ScaleOut, Some(secs(12))),
        ];
        let rows = [row(10, 0, 0.0)];
        let s = Summary::compute(&ctx(10, None), &rows, &scaling, &totals());
        assert_eq!(s.scaling_changes, 2);
    }
}
