//! The verdict on each service-level objective (`summary.json` `slo[]`), computed after
//! the run from the sample rows and the named events' drains, so the engine does no work
//! for objectives.
//!
//! Rules, per objective:
//! - `max_age` / `max_lag`: each sample row stands for its interval `(previous row,
//!   row]` (the first from t = 0), with the oldest-record age or the total lag read at
//!   its end, as in `timeseries.csv`. The part of that interval inside the objective's
//!   window (`during`; the whole run without one) counts: `worst` is the largest value
//!   of a row with some of its interval in the window, `time_over_s` the sum of the
//!   in-window parts of the rows whose value is strictly over the limit; met when that
//!   sum is 0.
//! - `drain`: `worst` is the event's `drain_s`; met when it drained within the limit;
//!   `time_over_s` is by how much it was late; an event that never drained within the
//!   run is not met, and its time over counts to the end of the run.

use serde::Serialize;

use crate::engine::time::{SimDuration, SimTime};
use crate::metrics::SampleRow;
use crate::metrics::events::EventSummary;
use crate::scenario::clock::Clock;
use crate::scenario::slo::{Objective, Slo, Target, window_label};

/// What `summary.json` says of one objective (`slo[]`, fields in this order).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ObjectiveResult {
    /// The objective's name (its `name`, else its kind or `drain-<event>`).
    pub name: String,
    /// `max_age`, `max_lag` or `drain`.
    pub kind: &'static str,
    /// The limit: seconds for `max_age` and `drain`, records for `max_lag`.
    pub limit: f64,
    /// The named event of a `drain` objective.
    pub event: Option<String>,
    /// The window it applies in, as written (`09:00-18:00 weekdays`), or `None` for
    /// the whole run.
    pub during: Option<String>,
    /// Whether the run met it.
    pub met: bool,
    /// The worst value seen in its window (`max_age`, `max_lag`) or the drain time;
    /// `None` when no row falls in the window, or the event never drained.
    pub worst: Option<f64>,
    /// Time over the limit within the window; for `drain`, the lateness.
    pub time_over_s: f64,
}

/// The spans of simulation time an objective applies in, within `[0, end)`.
fn spans(o: &Objective, clock: Option<&Clock>, end: SimTime) -> Vec<(SimTime, SimTime)> {
    match (&o.during, clock) {
        (Some(w), Some(c)) => c.spans(w, end),
        _ => vec![(SimTime::ZERO, end)],
    }
}

/// The in-window length of `(from, to]` over sorted, disjoint `spans`, starting the
/// search at `*next` (advanced past spans that end before `from`).
fn overlap(spans: &[(SimTime, SimTime)], next: &mut usize, from: SimTime, to: SimTime) -> u64 {
    while spans.get(*next).is_some_and(|s| s.1 <= from) {
        *next += 1;
    }
    spans[(*next).min(spans.len())..]
        .iter()
        .take_while(|s| s.0 < to)
        .map(|s| to.min(s.1).0.saturating_sub(from.max(s.0).0))
        .sum()
}

/// An objective being evaluated: from the rows, or from its event's drain at the end.
#[derive(Clone, Debug)]
enum Folded {
    Rows(RowObjective),
    Drain { event: String },
}

/// A `max_age` or `max_lag` objective being evaluated, one row at a time.
#[derive(Clone, Debug)]
struct RowObjective {
    limit: f64,
    value: fn(&SampleRow) -> f64,
    /// The spans it applies in, sorted and disjoint.
    spans: Vec<(SimTime, SimTime)>,
    /// The first span that does not end before the current row's interval.
    next: usize,
    worst: Option<f64>,
    over_ns: u64,
    /// The in-window parts of the rows over the limit, neighbours merged.
    over: Vec<(SimTime, SimTime)>,
}

impl RowObjective {
    /// Takes in the row ending at `to`, whose interval starts at `from`.
    fn observe(&mut self, row: &SampleRow, from: SimTime, to: SimTime) {
        let inside = overlap(&self.spans, &mut self.next, from, to);
        if inside == 0 {
            return;
        }
        let v = (self.value)(row);
        self.worst = Some(self.worst.map_or(v, |w| w.max(v)));
        if v > self.limit {
            self.over_ns += inside;
            for s in self.spans[self.next..].iter().take_while(|s| s.0 < to) {
                let part = (from.max(s.0), to.min(s.1));
                match self.over.last_mut() {
                    Some(last) if last.1 == part.0 => last.1 = part.1,
                    _ => self.over.push(part),
                }
            }
        }
    }
}

/// The verdict on every objective, taken in one row at a time: a run hands its rows on
/// without keeping them.
#[derive(Clone, Debug)]
pub struct SloFold {
    /// Per objective of the `slo`, in order.
    objectives: Vec<Folded>,
    previous: SimTime,
}

impl SloFold {
    /// Before the first row of a run of `duration`, with `clock` for the windows.
    pub fn new(slo: &Slo, clock: Option<&Clock>, duration: SimDuration) -> Self {
        let end = SimTime::ZERO + duration;
        SloFold {
            objectives: slo
                .objectives
                .iter()
                .map(|o| {
                    let value: fn(&SampleRow) -> f64 = match &o.target {
                        Target::MaxAge(_) => |r| r.oldest_age_s,
                        Target::MaxLag(_) => |r| r.lag as f64,
                        Target::Drain { event, .. } => {
                            return Folded::Drain {
                                event: event.clone(),
                            };
                        }
                    };
                    Folded::Rows(RowObjective {
                        limit: o.target.limit(),
                        value,
                        spans: spans(o, clock, end),
                        next: 0,
                        worst: None,
                        over_ns: 0,
                        over: Vec::new(),
                    })
                })
                .collect(),
            previous: SimTime::ZERO,
        }
    }

    /// Takes in the next row of the run.
    pub fn observe(&mut self, row: &SampleRow) {
        for objective in &mut self.objectives {
            if let Folded::Rows(objective) = objective {
                objective.observe(row, self.previous, row.time);
            }
        }
        self.previous = row.time;
    }

    /// The verdict on every objective of `slo` (the one given to [`SloFold::new`]) with
    /// the named events' drains, and the time during which at least one `max_age` or
    /// `max_lag` objective was over its limit (`None` without such an objective).
    pub fn finish(
        self,
        slo: &Slo,
        duration: SimDuration,
        events: &[EventSummary],
    ) -> (Vec<ObjectiveResult>, Option<f64>) {
        let mut over_any: Vec<(SimTime, SimTime)> = Vec::new();
        let mut any_row_objective = false;
        let results = slo
            .objectives
            .iter()
            .zip(self.objectives)
            .map(|(o, folded)| {
                let limit = o.target.limit();
                let (worst, time_over_s, met, event) = match folded {
                    Folded::Rows(r) => {
                        any_row_objective = true;
                        over_any.extend(r.over);
                        let over = SimDuration(r.over_ns).as_secs_f64();
                        (r.worst, over, r.over_ns == 0, None)
                    }
                    Folded::Drain { event } => {
                        let found = events.iter().find(|e| e.name == event);
                        let drain = found.and_then(|e| e.drain_s);
                        let late = match (drain, found) {
                            (Some(d), _) => (d - limit).max(0.0),
                            (None, Some(e)) => {
                                (duration.as_secs_f64() - e.start_s - limit).max(0.0)
                            }
                            (None, None) => 0.0,
                        };
                        (drain, late, drain.is_some_and(|d| d <= limit), Some(event))
                    }
                };
                ObjectiveResult {
                    name: o.name.clone(),
                    kind: o.target.kind(),
                    limit,
                    event,
                    during: o.during.as_ref().map(window_label),
                    met,
                    worst,
                    time_over_s,
                }
            })
            .collect();
        let any = any_row_objective.then(|| union_length(over_any));
        (results, any)
    }
}

/// Seconds covered by the union of `spans`.
fn union_length(mut spans: Vec<(SimTime, SimTime)>) -> f64 {
    spans.sort();
    let (mut total, mut reach) = (0u64, SimTime::ZERO);
    for (a, b) in spans {
        let a = a.max(reach);
        if b > a {
            total += b.0 - a.0;
            reach = b;
        }
    }
    SimDuration(total).as_secs_f64()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::summary::tests::row;
    use crate::scenario::clock::{DailyWindow, Days, TimeOfDay};

    const H: u64 = 3600;

    /// The verdict on every objective of `slo` over a run's `rows` (see [`SloFold`]), and
    /// the time during which at least one `max_age` or `max_lag` objective was over its
    /// limit (`None` without such an objective).
    fn evaluate(
        slo: &Slo,
        clock: Option<&Clock>,
        duration: SimDuration,
        rows: &[SampleRow],
        events: &[EventSummary],
    ) -> (Vec<ObjectiveResult>, Option<f64>) {
        let mut fold = SloFold::new(slo, clock, duration);
        rows.iter().for_each(|r| fold.observe(r));
        fold.finish(slo, duration, events)
    }

    fn objective(name: &str, target: Target, during: Option<DailyWindow>) -> Objective {
        Objective {
            name: name.into(),
            named: true,
            target,
            during,
        }
    }

    fn office_hours() -> DailyWindow {
        DailyWindow {
            from: TimeOfDay::parse("09:00").unwrap(),
            to: TimeOfDay::parse("18:00").unwrap(),
            days: Days::WEEKDAYS,
        }
    }

    /// Hourly rows over one Monday: a night spike (age 500 s in the row ending at
    /// 03:00, lag 9,000), otherwise age 10 s and lag 100.
    fn monday() -> Vec<SampleRow> {
        (1..=24)
            .map(|h| {
                if h == 3 {
                    row(h * H, 9_000, 500.0)
                } else {
                    row(h * H, 100, 10.0)
                }
            })
            .collect()
    }

    #[test]
    fn a_window_that_excludes_the_night_spike_is_met_the_same_objective_without_it_is_not() {
        let clock = Clock::parse("2026-11-02T00:00:00Z").unwrap(); // a Monday
        let age = |during| objective("age", Target::MaxAge(SimDuration::from_secs(120)), during);
        let slo = Slo {
            objectives: vec![
                age(Some(office_hours())),
                objective("always", Target::MaxAge(SimDuration::from_secs(120)), None),
            ],
        };
        let (r, any) = evaluate(
            &slo,
            Some(&clock),
            SimDuration::from_secs(24 * H),
            &monday(),
            &[],
        );
        assert_eq!(
            (r[0].met, r[0].worst, r[0].time_over_s),
            (true, Some(10.0), 0.0)
        );
        assert_eq!(r[0].during.as_deref(), Some("09:00-18:00 weekdays"));
        // The row ending at 03:00 stands for 02:00 to 03:00: one hour over.
        assert_eq!(
            (r[1].met, r[1].worst, r[1].time_over_s),
            (false, Some(500.0), 3600.0)
        );
        assert_eq!(any, Some(3600.0));

        // The same day as a Sunday: the weekday window never opens, no row counts.
        let sunday = Clock::parse("2026-11-01T00:00:00Z").unwrap();
        let (r, _) = evaluate(
            &slo,
            Some(&sunday),
            SimDuration::from_secs(24 * H),
            &monday(),
            &[],
        );
        assert_eq!((r[0].met, r[0].worst), (true, None));
    }

    #[test]
    fn a_window_counts_only_the_part_of_a_row_inside_it() {
        // Window 02:30-03:30 every day: half of the spike row (02:00-03:00) is inside.
        let clock = Clock::parse("2026-11-02T00:00:00Z").unwrap();
        let window = DailyWindow {
            from: TimeOfDay::parse("02:30").unwrap(),
            to: TimeOfDay::parse("03:30").unwrap(),
            days: Days::ALL,
        };
        let slo = Slo {
            objectives: vec![objective("lag", Target::MaxLag(1_000), Some(window))],
        };
        let (r, any) = evaluate(
            &slo,
            Some(&clock),
            SimDuration::from_secs(24 * H),
            &monday(),
            &[],
        );
        assert_eq!(
            (r[0].met, r[0].worst, r[0].time_over_s),
            (false, Some(9_000.0), 1800.0)
        );
        assert_eq!(r[0].during.as_deref(), Some("02:30-03:30"));
        assert_eq!(any, Some(1800.0));
    }

    #[test]
    fn max_lag_time_over_sums_the_rows_strictly_over_the_limit() {
        // Rows every 10 s; 100 exactly is not over.
        let rows = [
            row(10, 50, 0.0),
            row(20, 150, 0.0),
            row(30, 100, 0.0),
            row(40, 101, 0.0),
            row(45, 90, 0.0),
        ];
        let slo = Slo {
            objectives: vec![
                objective("lag", Target::MaxLag(100), None),
                objective("age", Target::MaxAge(SimDuration::from_secs(1)), None),
            ],
        };
        let (r, any) = evaluate(&slo, None, SimDuration::from_secs(45), &rows, &[]);
        assert_eq!(
            (r[0].met, r[0].worst, r[0].time_over_s, r[0].limit),
            (false, Some(150.0), 20.0, 100.0)
        );
        assert_eq!((r[1].met, r[1].worst), (true, Some(0.0)));
        assert_eq!(any, Some(20.0));
    }

    fn drained(name: &str, start_s: f64, drain_s: Option<f64>) -> EventSummary {
        EventSummary {
            name: name.into(),
            start_s,
            settled_s: start_s,
            expected_records: 0.0,
            extra_records: None,
            lag_before: 0,
            drained_at_s: drain_s.map(|d| start_s + d),
            drain_s,
            peak_lag: 0,
            peak_age_s: 0.0,
            extra_cost_usd: None,
            bottleneck: Default::default(),
        }
    }

    #[test]
    fn drain_objectives_compare_the_drain_time_with_the_limit() {
        let within = |event: &str, s: u64| {
            objective(
                &format!("{event}-{s}"),
                Target::Drain {
                    event: event.into(),
                    within: SimDuration::from_secs(s),
                },
                None,
            )
        };
        let slo = Slo {
            objectives: vec![
                within("month-end", 1200),
                within("month-end", 600),
                within("month-end", 300),
                within("stuck", 500),
            ],
        };
        let events = [
            drained("month-end", 100.0, Some(600.0)),
            drained("stuck", 100.0, None),
        ];
        let (r, any) = evaluate(&slo, None, SimDuration::from_secs(1000), &[], &events);
        let got: Vec<_> = r
            .iter()
            .map(|o| (o.kind, o.met, o.worst, o.time_over_s))
            .collect();
        assert_eq!(
            got,
            [
                ("drain", true, Some(600.0), 0.0),
                // Exactly at the limit is within it.
                ("drain", true, Some(600.0), 0.0),
                ("drain", false, Some(600.0), 300.0),
                // Never drained: missed, late from 100 + 500 s to the 1,000 s end.
                ("drain", false, None, 400.0),
            ]
        );
        assert_eq!(r[3].event.as_deref(), Some("stuck"));
        // No age or lag objective: no time over the SLO.
        assert_eq!(any, None);
    }
}
