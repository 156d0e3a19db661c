//! What the summary reads from the sample rows, taken in one row at a time, so that a
//! run can hand its rows on (to a file) without keeping them: the peak lag and age and
//! when they happened, the time over the age SLO, the largest partition lag and poller
//! count, the last row's totals, and each named event's drain.
//!
//! Fed the rows of a run in order, it gives exactly what a pass over all the rows gives
//! (the same comparisons and the same sums in the same order).

use crate::engine::time::{SimDuration, SimTime};
use crate::metrics::SampleRow;
use crate::metrics::events::{EventSummary, EventTracker};
use crate::scenario::producer::events::NamedEvent;

/// The running row statistics of a run.
#[derive(Clone, Debug)]
pub struct RowStats {
    slo_max_age_s: Option<f64>,
    /// Largest total lag (compared as `f64`) and when; the first row wins a tie.
    pub(crate) peak_lag: Option<(u64, SimTime)>,
    /// Largest oldest-record age and when; the first row wins a tie.
    pub(crate) peak_age: Option<(f64, SimTime)>,
    previous: SimTime,
    over_slo_s: f64,
    /// Largest single-partition lag at any sample.
    pub(crate) max_partition_lag: u64,
    /// Most pollers at any sample.
    pub(crate) max_pollers: u32,
    /// The last row's produced and committed totals, lag and pollers.
    pub(crate) last: Option<LastRow>,
    events: Vec<EventTracker>,
}

/// The fields of the last row the summary reports.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LastRow {
    pub produced_total: u64,
    pub committed_total: u64,
    pub lag: u64,
    pub pollers: u32,
}

impl RowStats {
    /// Statistics before the first row, for a run with these named events and age SLO.
    pub fn new(named_events: &[NamedEvent], slo_max_age: Option<SimDuration>) -> Self {
        RowStats {
            slo_max_age_s: slo_max_age.map(SimDuration::as_secs_f64),
            peak_lag: None,
            peak_age: None,
            previous: SimTime::ZERO,
            over_slo_s: 0.0,
            max_partition_lag: 0,
            max_pollers: 0,
            last: None,
            events: named_events.iter().map(EventTracker::new).collect(),
        }
    }

    /// Takes in the next row of the run.
    pub fn observe(&mut self, r: &SampleRow) {
        if self
            .peak_lag
            .is_none_or(|(lag, _)| (lag as f64) < r.lag as f64)
        {
            self.peak_lag = Some((r.lag, r.time));
        }
        if self.peak_age.is_none_or(|(age, _)| age < r.oldest_age_s) {
            self.peak_age = Some((r.oldest_age_s, r.time));
        }
        if let Some(max_age) = self.slo_max_age_s
            && r.oldest_age_s > max_age
        {
            self.over_slo_s += (r.time - self.previous).as_secs_f64();
        }
        self.previous = r.time;
        self.max_partition_lag = self.max_partition_lag.max(r.max_partition_lag);
        self.max_pollers = self.max_pollers.max(r.pollers);
        self.last = Some(LastRow {
            produced_total: r.produced_total,
            committed_total: r.committed_total,
            lag: r.lag,
            pollers: r.pollers,
        });
        self.events.iter_mut().for_each(|e| e.observe(r));
    }

    /// Seconds of rows whose oldest record was older than the SLO (`None` without one).
    pub(crate) fn time_over_slo_s(&self) -> Option<f64> {
        self.slo_max_age_s.map(|_| self.over_slo_s)
    }

    /// The named events' summaries after the last row.
    pub(crate) fn event_summaries(&self) -> Vec<EventSummary> {
        self.events
            .iter()
            .cloned()
            .map(EventTracker::finish)
            .collect()
    }

    /// The statistics of `rows`, taken in order.
    pub fn over(
        named_events: &[NamedEvent],
        slo_max_age: Option<SimDuration>,
        rows: &[SampleRow],
    ) -> Self {
        let mut stats = RowStats::new(named_events, slo_max_age);
        rows.iter().for_each(|r| stats.observe(r));
        stats
    }
}
