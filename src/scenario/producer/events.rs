//! Named events: rate shapes that carry a `name:` (`{spike: {name: month-end, ...}}`),
//! what the summary reports an answer about. Each has a start, the time from which its
//! records count as drained (the end of its burst), and the records it adds.

use serde::Serialize;

use super::rate::RateShape;
use crate::engine::time::SimDuration;
use crate::scenario::locate::FieldPath;
use crate::scenario::resolve::{Context, Result};

/// A named rate shape, as the summary sees it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NamedEvent {
    /// The name written in the scenario.
    pub name: String,
    /// Index of the shape in `producer.rate`.
    pub shape: usize,
    /// When the event begins: a spike's or step's `at`, a ramp's `start`.
    pub start: SimDuration,
    /// When its burst is over, so the lag can start coming back: a spike's end, a
    /// ramp's `end`, a step's `at` (a step lasts, there is no burst to wait for).
    pub settled: SimDuration,
    /// Records the shape adds over the run (the integral of its rate from the start of
    /// the run to `run`), before arrival randomness.
    pub expected_records: f64,
}

/// The named events among `shapes`, in the order of the list, for a run of length `run`.
pub fn named_events(shapes: &[RateShape], run: SimDuration) -> Vec<NamedEvent> {
    let secs = |d: SimDuration| d.as_secs_f64();
    let t_end = secs(run);
    // Seconds of [a, b) that fall inside the run.
    let within = |a: f64, b: f64| (b.min(t_end) - a.min(t_end)).max(0.0);
    shapes
        .iter()
        .enumerate()
        .filter_map(|(i, shape)| {
            let (name, start, settled, expected) = match shape {
                RateShape::Step {
                    name: Some(n),
                    at,
                    rate,
                } => (n, *at, *at, rate * within(secs(*at), t_end)),
                RateShape::Spike {
                    name: Some(n),
                    at,
                    duration,
                    rate,
                } => (
                    n,
                    *at,
                    SimDuration(at.0.saturating_add(duration.0)),
                    rate * within(secs(*at), secs(*at) + secs(*duration)),
                ),
                RateShape::Ramp {
                    name: Some(n),
                    start,
                    end,
                    from,
                    to,
                } => {
                    let (s, e) = (secs(*start), secs(*end));
                    // The linear part, clipped to the run, then `to` until the end.
                    let cut = e.min(t_end).max(s.min(t_end));
                    let rate_at = |t: f64| from + (to - from) * (t - s) / (e - s);
                    let linear = (cut - s.min(t_end)) * (from + rate_at(cut)) / 2.0;
                    (n, *start, *end, linear + to * within(e, t_end))
                }
                _ => return None,
            };
            Some(NamedEvent {
                name: name.clone(),
                shape: i,
                start,
                settled,
                expected_records: expected,
            })
        })
        .collect()
}

/// Checks that no two shapes of `producer.rate` share a name.
pub(crate) fn check_unique(shapes: &[RateShape], path: &FieldPath, cx: &Context<'_>) -> Result<()> {
    let names: Vec<(usize, &str)> = shapes
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.event_name().map(|n| (i, n)))
        .collect();
    for (k, &(i, name)) in names.iter().enumerate() {
        if let Some(&(first, _)) = names[..k].iter().find(|(_, n)| *n == name) {
            let kind = shapes[i].kind();
            return Err(cx.invalid(
                &path.index(i).key(kind).key("name"),
                format!("{name:?}"),
                format!("a name no other shape uses (`producer.rate[{first}]` is already called {name:?})"),
            ));
        }
    }
    Ok(())
}
