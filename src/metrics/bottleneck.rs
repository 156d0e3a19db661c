//! Why a run is slow: which constraint binds at each sample, and a verdict over the run
//! and over each named event, with the numbers behind it.
//!
//! The rule, per row of `timeseries.csv` (interval `(t - width, t]`), first match wins:
//! 1. `concurrency_limit`: an invoke was throttled during the interval (`throttles > 0`).
//! 2. `scaler`: the lag is above 0 and the scaler is still adding pollers: `t` lies in
//!    a *scale-out phase*, from a `scale_out` decision to the time the last of a chain
//!    of scale-outs takes effect (a scale-out decided at the first evaluation that is
//!    not waiting on a pending change extends the chain; any other decision ends it).
//!    Scale-outs only happen below `max_pollers`.
//! 3. `poller_bandwidth`: the busiest poller read at least [`BANDWIDTH_BOUND_SHARE`] of
//!    its `max_bytes_per_s` over the interval.
//! 4. The busiest processor had a batch in flight at least [`PROCESSOR_BOUND_SHARE`] of
//!    the interval: `processors` when it holds more than one partition (more pollers, or
//!    another assignment, would split them), `function_duration` when it holds one (one
//!    batch per partition at a time: only a faster function goes faster).
//! 5. Otherwise nothing binds (an empty cell).
//!
//! The verdict over a span of rows is the constraint that bound for the most seconds
//! (ties go to the earlier one in the order above), `none` when none bound.

use serde::{Serialize, Serializer};

use crate::engine::time::SimTime;
use crate::metrics::{RowSink, SampleRow, ScalingRecord};
use crate::model::scaler::Action;

/// Share of its bandwidth the busiest poller must read over an interval for the
/// interval to count as bandwidth-bound.
pub const BANDWIDTH_BOUND_SHARE: f64 = 0.9;
/// Share of an interval the busiest processor must be busy for the interval to count
/// as processor- or function-bound.
pub const PROCESSOR_BOUND_SHARE: f64 = 0.9;

/// The constraint that binds at a sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bottleneck {
    /// The scaler is still adding pollers.
    Scaler,
    /// The busiest poller reads at its bandwidth limit.
    PollerBandwidth,
    /// The busiest processor is always busy and holds several partitions.
    Processors,
    /// The busiest processor is always busy with a single partition.
    FunctionDuration,
    /// Invokes are throttled.
    ConcurrencyLimit,
}

impl Bottleneck {
    /// Every constraint, in the order of the rule (after the throttles, which come
    /// first in the rule but last here, as in the list).
    pub const ALL: [Bottleneck; 5] = [
        Bottleneck::Scaler,
        Bottleneck::PollerBandwidth,
        Bottleneck::Processors,
        Bottleneck::FunctionDuration,
        Bottleneck::ConcurrencyLimit,
    ];

    /// The name in `timeseries.csv` and `summary.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bottleneck::Scaler => "scaler",
            Bottleneck::PollerBandwidth => "poller_bandwidth",
            Bottleneck::Processors => "processors",
            Bottleneck::FunctionDuration => "function_duration",
            Bottleneck::ConcurrencyLimit => "concurrency_limit",
        }
    }

    /// The constraint named `name`.
    pub fn from_name(name: &str) -> Option<Bottleneck> {
        Bottleneck::ALL.into_iter().find(|b| b.as_str() == name)
    }

    /// Rank of the constraint in the rule (lower wins a tie of seconds).
    fn rank(self) -> u8 {
        match self {
            Bottleneck::ConcurrencyLimit => 0,
            Bottleneck::Scaler => 1,
            Bottleneck::PollerBandwidth => 2,
            Bottleneck::Processors => 3,
            Bottleneck::FunctionDuration => 4,
        }
    }
}

/// The spans during which the scaler is adding pollers: each from a scale-out decision
/// to the effect of the last scale-out chained to it.
pub fn scale_out_phases(scaling: &[ScalingRecord]) -> Vec<(SimTime, SimTime)> {
    let mut phases = Vec::new();
    let mut open: Option<(SimTime, SimTime)> = None;
    for record in scaling {
        let effect = record.effective_at.unwrap_or(record.time);
        open = match (open, record.action) {
            (Some((start, _)), Action::ScaleOut) => Some((start, effect)),
            (None, Action::ScaleOut) => Some((record.time, effect)),
            // Waiting on the pending scale-out: the phase goes on.
            (Some((start, end)), _) if record.time < end => Some((start, end)),
            (Some(phase), _) => {
                phases.push(phase);
                None
            }
            (None, _) => None,
        };
    }
    phases.extend(open);
    phases
}

/// The constraint binding in `row`, given whether its time lies in a scale-out phase.
fn class_of(row: &SampleRow, scaling_out: bool) -> Option<Bottleneck> {
    let load = &row.load;
    if row.throttles > 0 {
        Some(Bottleneck::ConcurrencyLimit)
    } else if scaling_out && row.lag > 0 {
        Some(Bottleneck::Scaler)
    } else if load
        .busiest_poller_bandwidth_share
        .is_some_and(|s| s >= BANDWIDTH_BOUND_SHARE)
    {
        Some(Bottleneck::PollerBandwidth)
    } else if load
        .busiest_processor_busy_share
        .is_some_and(|s| s >= PROCESSOR_BOUND_SHARE)
    {
        match load.busiest_processor_partitions {
            Some(n) if n > 1 => Some(Bottleneck::Processors),
            _ => Some(Bottleneck::FunctionDuration),
        }
    } else {
        None
    }
}

/// Sets each row's binding constraint while the run goes, fed the scaler's decisions and
/// the rows in time order (a decision at the time of a sample before the row).
///
/// Whether a row lies in a scale-out phase (rule 2) can depend on a decision made after
/// it: a row past the effect of the phase's latest scale-out is in the phase if the next
/// decision is another scale-out (which then takes effect after the row), and out
/// otherwise. Such rows wait here until that decision, so at most the rows of one
/// evaluation interval are held; every other row passes straight through. The result is
/// the same as [`scale_out_phases`] over all the decisions afterwards.
#[derive(Debug, Default)]
pub struct Classifier {
    /// The phase still open: its start and the effect of its latest scale-out.
    open: Option<(SimTime, SimTime)>,
    /// Rows after the open phase's current end, waiting on the next decision.
    pending: std::collections::VecDeque<SampleRow>,
}

impl Classifier {
    /// Takes in the scaler's next decision; `out` gets the rows it settles.
    pub fn decision(&mut self, record: &ScalingRecord, out: &mut dyn RowSink) {
        let extends = self.open.is_some() && record.action == Action::ScaleOut;
        let effect = record.effective_at.unwrap_or(record.time);
        self.open = match (self.open, record.action) {
            (Some((start, _)), Action::ScaleOut) => Some((start, effect)),
            (None, Action::ScaleOut) => Some((record.time, effect)),
            (Some((start, end)), _) if record.time < end => Some((start, end)),
            _ => None,
        };
        // Each waiting row lies after the phase's end before this decision and before
        // the decision itself: in the phase exactly when the decision extends it.
        for mut row in self.pending.drain(..) {
            row.bottleneck = class_of(&row, extends);
            out.row(row);
        }
    }

    /// Takes in the next row; `out` gets it at once unless its class waits on the next
    /// decision.
    pub fn row(&mut self, mut row: SampleRow, out: &mut dyn RowSink) {
        let scaling_out = match self.open {
            _ if !self.pending.is_empty() => None,
            Some((start, end)) if row.time >= start && row.time >= end => None,
            Some((start, end)) => Some(start <= row.time && row.time < end),
            None => Some(false),
        };
        match scaling_out {
            Some(scaling_out) => {
                row.bottleneck = class_of(&row, scaling_out);
                out.row(row);
            }
            None => self.pending.push_back(row),
        }
    }

    /// Ends the run: the rows still waiting were after the end of the last phase.
    pub fn finish(&mut self, out: &mut dyn RowSink) {
        for mut row in self.pending.drain(..) {
            row.bottleneck = class_of(&row, false);
            out.row(row);
        }
    }
}

/// Seconds each constraint bound, in the order of [`Bottleneck::ALL`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BoundSeconds(pub [f64; 5]);

impl Serialize for BoundSeconds {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(5))?;
        for (b, s) in Bottleneck::ALL.iter().zip(self.0) {
            map.serialize_entry(b.as_str(), &s)?;
        }
        map.end()
    }
}

/// The verdict over a span of rows and the numbers behind it (`bottleneck` in
/// `summary.json`, for the run and for each named event).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct BottleneckReport {
    /// The constraint that bound for the most seconds; `none` when none bound.
    #[serde(serialize_with = "verdict_name")]
    pub verdict: Option<Bottleneck>,
    /// Seconds each constraint bound.
    pub bound_s: BoundSeconds,
    /// Largest share of its bandwidth the busiest poller read in one interval.
    pub peak_busiest_poller_bandwidth_share: Option<f64>,
    /// Bytes all pollers read per second, averaged over the span.
    pub mean_poller_read_bytes_per_s: Option<f64>,
    /// Largest busy share of the busiest processor in one interval.
    pub peak_busiest_processor_busy_share: Option<f64>,
    /// Partitions held by the busiest processor of that interval.
    pub busiest_processor_partitions: Option<u32>,
    /// Busy share over all processors, averaged over the span (low against a busy
    /// busiest processor: assignment skew).
    pub mean_processor_busy_share: Option<f64>,
    /// Mean invocation duration over the span (time-averaged concurrency over
    /// invocations per second), seconds.
    pub mean_invocation_s: Option<f64>,
    /// Invokes throttled over the span.
    pub throttles: u64,
    /// Fewest and most pollers at a sample of the span.
    pub pollers_min: u32,
    /// See `pollers_min`.
    pub pollers_max: u32,
}

fn verdict_name<S: Serializer>(v: &Option<Bottleneck>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(v.map_or("none", Bottleneck::as_str))
}

/// The verdict over a span of classified rows, taken in one row at a time.
#[derive(Clone, Debug)]
pub struct ReportFold {
    report: BottleneckReport,
    /// Fewest and most pollers so far.
    pollers: Option<(u32, u32)>,
    previous: SimTime,
    span: f64,
    read: f64,
    busy: f64,
    busy_span: f64,
    concurrency: f64,
    invocations: f64,
}

impl ReportFold {
    /// A span whose first row starts at `start`.
    pub fn new(start: SimTime) -> Self {
        ReportFold {
            report: BottleneckReport::default(),
            pollers: None,
            previous: start,
            span: 0.0,
            read: 0.0,
            busy: 0.0,
            busy_span: 0.0,
            concurrency: 0.0,
            invocations: 0.0,
        }
    }

    /// Takes in the next row of the span.
    pub fn observe(&mut self, row: &SampleRow) {
        let r = &mut self.report;
        let width = row.time.saturating_since(self.previous).as_secs_f64();
        self.previous = row.time;
        self.pollers = Some(self.pollers.map_or((row.pollers, row.pollers), |(lo, hi)| {
            (lo.min(row.pollers), hi.max(row.pollers))
        }));
        let load = &row.load;
        if let Some(b) = row.bottleneck {
            r.bound_s.0[Bottleneck::ALL
                .iter()
                .position(|&x| x == b)
                .expect("listed")] += width;
        }
        if let Some(s) = load.busiest_poller_bandwidth_share {
            self.span += width;
            self.read += load.poller_read_bytes_per_s * width;
            if r.peak_busiest_poller_bandwidth_share.is_none_or(|p| s > p) {
                r.peak_busiest_poller_bandwidth_share = Some(s);
            }
        }
        if let Some(s) = load.busiest_processor_busy_share
            && r.peak_busiest_processor_busy_share.is_none_or(|p| s > p)
        {
            r.peak_busiest_processor_busy_share = Some(s);
            r.busiest_processor_partitions = load.busiest_processor_partitions;
        }
        if let Some(s) = load.processor_busy_share {
            self.busy += s * width;
            self.busy_span += width;
        }
        self.concurrency += row.concurrency_mean * width;
        self.invocations += row.invocations_per_s * width;
        r.throttles += row.throttles;
    }

    /// The verdict over the rows taken in.
    pub fn finish(self) -> BottleneckReport {
        let mut r = self.report;
        (r.pollers_min, r.pollers_max) = self.pollers.unwrap_or((0, 0));
        r.mean_poller_read_bytes_per_s = (self.span > 0.0).then(|| self.read / self.span);
        r.mean_processor_busy_share = (self.busy_span > 0.0).then(|| self.busy / self.busy_span);
        r.mean_invocation_s = (self.invocations > 0.0).then(|| self.concurrency / self.invocations);
        r.verdict = Bottleneck::ALL
            .into_iter()
            .zip(r.bound_s.0)
            .filter(|&(_, s)| s > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.rank().cmp(&a.0.rank())))
            .map(|(b, _)| b);
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::from_yaml_str;
    use crate::sim::{RunResult, Simulation};

    /// A 2-minute run on deterministic traffic with a fixed poller count.
    fn run(partitions: u32, rate: f64, esm: &str, function: &str) -> RunResult {
        let yaml = format!(
            "name: bottleneck
duration: 2m
topic: {{partitions: {partitions}}}
producer: {{arrivals: deterministic, resolution: 10ms, record_size: 1KiB, rate: [{{constant: {rate}}}]}}
esm: {esm}
function: {function}
"
        );
        let scenario = from_yaml_str(&yaml, std::path::Path::new("."), &[]).expect("valid");
        Simulation::new(&scenario).run(&mut |_| {})
    }

    #[test]
    fn a_poller_reading_twice_its_bandwidth_is_bandwidth_bound() {
        // 200 KiB/s arrive, one poller reads 100 KiB/s, the function takes 1 ms.
        let r = run(
            1,
            200.0,
            "{batch_size: 100, poller: {max_bytes_per_s: 100KiB}, scaler: {policy: fixed, pollers: 1}}",
            "{duration: {per_batch: 1ms}}",
        );
        let b = &r.summary.bottleneck;
        assert_eq!(b.verdict, Some(Bottleneck::PollerBandwidth), "{b:?}");
        let peak = b.peak_busiest_poller_bandwidth_share.expect("pollers");
        assert!((0.99..=2.0).contains(&peak), "{peak}");
        // Every row from the second on reads its full bandwidth (the first row has the
        // one-second burst on top).
        assert!(b.bound_s.0[1] >= 118.0, "{b:?}");
        assert!(b.peak_busiest_processor_busy_share.expect("processors") < 0.1);
    }

    #[test]
    fn one_processor_with_two_hot_partitions_is_processor_bound() {
        // 3 partitions on one poller with 2 processors: the range split gives one of
        // them partitions 0 and 1. Each partition gets 100 records/s and a record takes
        // 6 ms, so that processor needs 1.2 s per second, the other 0.6 s.
        let r = run(
            3,
            300.0,
            "{batch_size: 10, batching_window: 0s, poller: {max_concurrent_invokes: 2}, scaler: {policy: fixed, pollers: 1}}",
            "{duration: {per_record: 6ms}}",
        );
        let b = &r.summary.bottleneck;
        assert_eq!(b.verdict, Some(Bottleneck::Processors), "{b:?}");
        assert_eq!(b.busiest_processor_partitions, Some(2));
        assert_eq!(b.peak_busiest_processor_busy_share, Some(1.0));
        // One processor always busy, the other 60 % of the time (0.8 on average).
        let mean = b.mean_processor_busy_share.expect("processors");
        assert!((mean - 0.8).abs() < 0.03, "{mean}");
        let last = r.rows.last().expect("rows");
        assert_eq!(last.bottleneck, Some(Bottleneck::Processors));
    }

    #[test]
    fn one_partition_slower_than_its_arrivals_is_function_bound() {
        // 100 records/s into one partition, 12 ms per record: 1.2 s of work per second.
        let r = run(
            1,
            100.0,
            "{batch_size: 10, batching_window: 0s, scaler: {policy: fixed, pollers: 1}}",
            "{duration: {per_record: 12ms}}",
        );
        let b = &r.summary.bottleneck;
        assert_eq!(b.verdict, Some(Bottleneck::FunctionDuration), "{b:?}");
        assert_eq!(b.busiest_processor_partitions, Some(1));
        let mean = b.mean_invocation_s.expect("invocations");
        assert!((mean - 0.12).abs() < 0.005, "{mean}");
    }

    #[test]
    fn a_consumer_that_keeps_up_has_no_bottleneck() {
        let r = run(
            1,
            10.0,
            "{batch_size: 5, scaler: {policy: fixed, pollers: 1}}",
            "{duration: {per_batch: 100ms}}",
        );
        assert_eq!(r.summary.bottleneck.verdict, None);
        assert!(r.rows.iter().all(|row| row.bottleneck.is_none()));
    }

    /// A decision at `minute` with `action`, taking effect 3 minutes later unless held.
    fn decision(minute: u64, action: Action) -> ScalingRecord {
        let at = SimTime(minute * 60_000_000_000);
        ScalingRecord {
            time: at,
            total_lag: 0,
            previous_lag: 0,
            max_partition_lag: 0,
            pollers: 1,
            target: 1,
            action,
            reason: String::new(),
            effective_at: (action != Action::Hold)
                .then(|| at + crate::engine::time::SimDuration::from_secs(180)),
        }
    }

    #[test]
    fn chained_scale_outs_make_one_phase_until_the_last_takes_effect() {
        let m = |minute: u64| SimTime(minute * 60_000_000_000);
        let records = [
            decision(1, Action::ScaleOut),
            decision(2, Action::Hold), // pending: the phase goes on
            decision(4, Action::ScaleOut),
            decision(7, Action::Hold), // after the effect at 7: the phase ends at 7
            decision(9, Action::ScaleOut),
        ];
        assert_eq!(
            scale_out_phases(&records),
            vec![(m(1), m(7)), (m(9), m(12))]
        );
    }

    /// Sets the binding constraint of every row as a run does, decisions at the time of
    /// a sample before the row.
    fn classify(rows: &mut [SampleRow], scaling: &[ScalingRecord]) {
        let mut classifier = Classifier::default();
        let mut classified: Vec<SampleRow> = Vec::with_capacity(rows.len());
        let mut decisions = scaling.iter().peekable();
        for row in rows.iter() {
            while let Some(d) = decisions.next_if(|d| d.time <= row.time) {
                classifier.decision(d, &mut classified);
            }
            classifier.row(row.clone(), &mut classified);
        }
        for d in decisions {
            classifier.decision(d, &mut classified);
        }
        classifier.finish(&mut classified);
        for (row, done) in rows.iter_mut().zip(classified) {
            row.bottleneck = done.bottleneck;
        }
    }

    proptest::proptest! {
        /// Streaming classification equals membership in the phases found from all the
        /// decisions afterwards, whatever the order of actions and the delays (random
        /// delays can put a later scale-out's effect before an earlier one's).
        #[test]
        fn streamed_classes_equal_the_phases_of_the_whole_run(
            steps in proptest::collection::vec((0u8..3, 0u64..400), 0..40),
            row_gaps in proptest::collection::vec(1u64..90, 1..200),
        ) {
            let mut t = 0;
            let records: Vec<ScalingRecord> = steps
                .iter()
                .map(|&(action, delay)| {
                    t += 60;
                    let action = [Action::ScaleOut, Action::Hold, Action::ScaleIn][action as usize];
                    let at = SimTime::from_secs_f64(t as f64);
                    ScalingRecord {
                        time: at,
                        effective_at: (action != Action::Hold)
                            .then(|| at + crate::engine::time::SimDuration::from_secs(delay)),
                        ..decision(0, action)
                    }
                })
                .collect();
            let mut t = 0;
            let mut rows: Vec<SampleRow> = row_gaps
                .iter()
                .map(|gap| {
                    t += gap;
                    crate::metrics::summary::tests::row(t, 1, 0.0)
                })
                .collect();
            classify(&mut rows, &records);
            let phases = scale_out_phases(&records);
            for row in &rows {
                let inside = phases.iter().any(|&(a, b)| a <= row.time && row.time < b);
                proptest::prop_assert_eq!(
                    row.bottleneck == Some(Bottleneck::Scaler),
                    inside,
                    "row at {:?}",
                    row.time
                );
            }
        }
    }
}
