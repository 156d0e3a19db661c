//! Feasibility: what the planner asks of a run. One function, [`objectives`], turns a
//! run's summary into one [`ObjectiveOutcome`] per objective of the scenario; the search
//! and the sensitivity report see nothing else of the SLOs, so a new objective kind
//! (`max_lag`, `drain`, windows) is one more arm here.
//!
//! Each objective of the scenario's `slo` list (`max_age`, `max_lag`, `drain`, each
//! possibly in a daily window) is judged by the run itself (`summary.slo`); its margin is
//! the limit minus the worst value in its window (seconds, or records for `max_lag`),
//! negative when missed.

use serde::Serialize;

use crate::metrics::Summary;
use crate::scenario::Scenario;

/// How one run did against one objective.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ObjectiveOutcome {
    /// The objective's name (`max_age`).
    pub name: String,
    /// Whether the run meets it.
    pub met: bool,
    /// Limit minus worst value, in the objective's unit (seconds for `max_age`):
    /// positive is room to spare, negative the violation.
    pub margin: f64,
    /// The limit, in the same unit (the scale of [`ObjectiveOutcome::relative_margin`]).
    pub limit: f64,
    /// The unit of `margin` and `limit` (`s`).
    pub unit: String,
}

impl ObjectiveOutcome {
    /// The margin as a share of the limit (−0.5: 50 % over the limit).
    pub fn relative_margin(&self) -> f64 {
        if self.limit > 0.0 {
            self.margin / self.limit
        } else {
            self.margin
        }
    }
}

/// The outcome of every objective of `scenario` for one run's `summary`, in the
/// scenario's order; empty when the scenario sets none.
pub fn objectives(summary: &Summary, scenario: &Scenario) -> Vec<ObjectiveOutcome> {
    debug_assert_eq!(summary.slo.len(), scenario.slo.objectives.len());
    summary
        .slo
        .iter()
        .map(|r| ObjectiveOutcome {
            name: r.name.clone(),
            met: r.met,
            margin: match r.worst {
                Some(worst) => r.limit - worst,
                // A window no sample fell in has its whole limit to spare; an event
                // that never drained is late by its lateness.
                None if r.met => r.limit,
                None => -r.time_over_s,
            },
            limit: r.limit,
            unit: if r.kind == "max_lag" { "records" } else { "s" }.to_string(),
        })
        .collect()
}

/// Whether `scenario` sets any objective.
pub fn has_objectives(scenario: &Scenario) -> bool {
    !scenario.slo.objectives.is_empty()
}

/// The objectives of several runs of one configuration (one per seed) combined: met only
/// when every run meets it, with the smallest margin.
pub fn combine(runs: &[Vec<ObjectiveOutcome>]) -> Vec<ObjectiveOutcome> {
    let Some(first) = runs.first() else {
        return Vec::new();
    };
    first
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let each = runs.iter().filter_map(|r| r.get(i));
            ObjectiveOutcome {
                name: o.name.clone(),
                met: each.clone().all(|x| x.met),
                margin: each.map(|x| x.margin).fold(f64::INFINITY, f64::min),
                limit: o.limit,
                unit: o.unit.clone(),
            }
        })
        .collect()
}

/// The objective with the smallest relative margin: the binding constraint when all are
/// met, the worst violation when not.
pub fn binding(outcomes: &[ObjectiveOutcome]) -> Option<&ObjectiveOutcome> {
    outcomes
        .iter()
        .min_by(|a, b| a.relative_margin().total_cmp(&b.relative_margin()))
}
