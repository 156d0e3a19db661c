//! What each named event added: the scenario run again without the event's rate shape,
//! same seed (common random numbers: every stream is keyed the same way, so the runs
//! differ by the event and what it changed downstream, not by a fresh draw of
//! everything), and the difference in records produced and in cost.

use crate::metrics::Summary;
use crate::metrics::sink::Discard;
use crate::scenario::Scenario;

use super::Simulation;

/// The scenario without the rate shape at `shape`.
fn without_shape(scenario: &Scenario, shape: usize) -> Scenario {
    let mut counterfactual = scenario.clone();
    counterfactual.producer.rate.remove(shape);
    counterfactual
}

/// Fills `extra_records` and `extra_cost_usd` of every named event in `summary` (the
/// summary of a run of `scenario`) with one more run per event. `progress` is told the
/// name of the event whose run is starting.
pub fn measure_events(scenario: &Scenario, summary: &mut Summary, progress: &mut dyn FnMut(&str)) {
    let named =
        crate::scenario::producer::events::named_events(&scenario.producer.rate, scenario.duration);
    for (event, report) in named.iter().zip(summary.events.iter_mut()) {
        progress(&event.name);
        let base = Simulation::new(&without_shape(scenario, event.shape))
            .without_interval_latency()
            .run_into(&mut |_| {}, &mut Discard)
            .summary;
        report.extra_records = Some(summary.produced_records as i64 - base.produced_records as i64);
        report.extra_cost_usd = Some(summary.cost_usd - base.cost_usd);
    }
}
