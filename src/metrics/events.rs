//! Answers about named events (`{spike: {name: month-end, ...}}`): how long the lag took
//! to come back, how old records got, and what the event added.
//!
//! The drain rule, per event, from the sample rows of the run:
//! - *level before the event*: the largest total lag at any sample in the
//!   [`PRE_EVENT_WINDOW`] up to and including the event's start (0 when the event starts
//!   before the first sample). The largest, not the last, so that a momentary low
//!   between two commits does not set a level the lag cannot get back to.
//! - *drained*: at the first sample at or after the end of the event's burst (a spike's
//!   end, a ramp's end, a step's start) whose lag is at or under that level.
//! - `drain_s` is from the event's start to that sample; `null` if it never comes
//!   within the run.
//! - `peak_lag` and `peak_age_s` are the largest lag and oldest-record age at samples
//!   after the start, up to and including the drained sample (or the end of the run).
//! - `bottleneck` is the verdict of [`crate::metrics::bottleneck`] over the same rows.

use serde::Serialize;

use crate::engine::time::{SimDuration, SimTime};
use crate::metrics::SampleRow;
use crate::metrics::bottleneck::{BottleneckReport, ReportFold};
use crate::scenario::producer::events::NamedEvent;

/// How far before an event's start the lag level it must come back to is read.
pub const PRE_EVENT_WINDOW: SimDuration = SimDuration::from_secs(300);

/// What `summary.json` says of one named event (`events[]`, fields in this order).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventSummary {
    /// The event's name.
    pub name: String,
    /// When it starts, seconds since the start of the run.
    pub start_s: f64,
    /// When its burst is over (the drain is looked for from then on).
    pub settled_s: f64,
    /// Records its shape adds within the run, before arrival randomness.
    pub expected_records: f64,
    /// Records it added in this run: produced records against the same run without
    /// the event; `None` when that run was not made (sweeps).
    pub extra_records: Option<i64>,
    /// The lag level the event must drain back to.
    pub lag_before: u64,
    /// When the lag was back at that level.
    pub drained_at_s: Option<f64>,
    /// From the start to the drained sample.
    pub drain_s: Option<f64>,
    /// Largest total lag from the start to the drain (or the end of the run).
    pub peak_lag: u64,
    /// Largest age of the oldest uncommitted record over the same span.
    pub peak_age_s: f64,
    /// Cost of the run minus the cost of the same run without the event, USD; `None`
    /// when that run was not made.
    pub extra_cost_usd: Option<f64>,
    /// What bound from the start to the drain (or the end of the run).
    pub bottleneck: BottleneckReport,
}

/// Follows one event through the rows of a run, one row at a time.
#[derive(Clone, Debug)]
pub struct EventTracker {
    summary: EventSummary,
    start: SimTime,
    settled: SimTime,
    /// The sample at which the lag was back.
    drained: Option<SimTime>,
    /// The last sample at or before the start (the start of the run before one).
    before: SimTime,
    /// What bound, from the first sample after the start; `None` before it.
    bottleneck: Option<ReportFold>,
}

impl EventTracker {
    /// A tracker for `event`, before the first row.
    pub fn new(event: &NamedEvent) -> Self {
        EventTracker {
            summary: EventSummary {
                name: event.name.clone(),
                start_s: event.start.as_secs_f64(),
                settled_s: event.settled.as_secs_f64(),
                expected_records: event.expected_records,
                extra_records: None,
                lag_before: 0,
                drained_at_s: None,
                drain_s: None,
                peak_lag: 0,
                peak_age_s: 0.0,
                extra_cost_usd: None,
                bottleneck: BottleneckReport::default(),
            },
            start: SimTime::ZERO + event.start,
            settled: SimTime::ZERO + event.settled,
            drained: None,
            before: SimTime::ZERO,
            bottleneck: None,
        }
    }

    /// Takes in the next row of the run.
    pub fn observe(&mut self, row: &SampleRow) {
        let s = &mut self.summary;
        if row.time <= self.start {
            if self.start.saturating_since(row.time) <= PRE_EVENT_WINDOW {
                s.lag_before = s.lag_before.max(row.lag);
            }
            self.before = row.time;
            return;
        }
        if self.drained.is_some() {
            return;
        }
        let before = self.before;
        self.bottleneck
            .get_or_insert_with(|| ReportFold::new(before))
            .observe(row);
        s.peak_lag = s.peak_lag.max(row.lag);
        s.peak_age_s = s.peak_age_s.max(row.oldest_age_s);
        if row.time >= self.settled && row.lag <= s.lag_before {
            self.drained = Some(row.time);
            s.drained_at_s = Some(row.time.as_secs_f64());
            s.drain_s = Some((row.time - self.start).as_secs_f64());
        }
    }

    /// The event's summary after the last row.
    pub fn finish(self) -> EventSummary {
        let mut summary = self.summary;
        summary.bottleneck = self
            .bottleneck
            .unwrap_or_else(|| ReportFold::new(self.before))
            .finish();
        summary
    }
}
