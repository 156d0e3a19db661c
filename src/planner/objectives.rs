//! Feasibility: what the planner asks of a run. One function, [`objectives`], turns a
//! run's summary into one [`ObjectiveOutcome`] per objective of the scenario; the search
//! and the sensitivity report see nothing else of the SLOs, so a new objective kind
//! (`max_lag`, `drain`, windows) is one more arm here.
//!
//! Today the scenario has one objective, `slo.max_age`: met when no sample's oldest
//! record is older than it (`time_over_slo_s` is 0), with margin `max_age −
//! max_record_age_s` in seconds (negative when missed).

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

/// The outcome of every objective of `scenario` for one run's `summary`, in a fixed
/// order; empty when the scenario sets none.
pub fn objectives(summary: &Summary, scenario: &Scenario) -> Vec<ObjectiveOutcome> {
    let mut out = Vec::new();
    if let Some(max_age) = scenario.slo.max_age {
        let limit = max_age.as_secs_f64();
        out.push(ObjectiveOutcome {
            name: "max_age".to_string(),
            met: summary.time_over_slo_s.unwrap_or(0.0) <= 0.0,
            margin: limit - summary.max_record_age_s,
            limit,
            unit: "s".to_string(),
        });
    }
    out
}

/// Whether `scenario` sets any objective.
pub fn has_objectives(scenario: &Scenario) -> bool {
    scenario.slo.max_age.is_some()
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
