//! Invariants checked at every sample when a run asks for them (tests do): conservation
//! of records in every partition, and the ESM's structural limits.

use crate::engine::time::SimTime;
use crate::model::esm::Dispatcher;
use crate::model::log::TopicLog;
use crate::scenario::Scenario;

/// Appends to `violations` what does not hold at `now`.
pub(super) fn check(
    now: SimTime,
    scenario: &Scenario,
    log: &TopicLog,
    esm: &Dispatcher,
    violations: &mut Vec<String>,
) {
    for (p, partition) in log.partitions().iter().enumerate() {
        if let Err(e) = partition.check_conservation() {
            violations.push(format!("t={now} partition {p}: {e}"));
        }
    }
    if esm.pollers() > scenario.topic.partitions {
        violations.push(format!("t={now}: {} pollers > partitions", esm.pollers()));
    }
    let in_flight = log.partitions().iter().filter(|p| p.in_flight()).count();
    let busy = esm.busy_processors();
    if busy > in_flight {
        violations.push(format!(
            "t={now}: {busy} busy processors but {in_flight} partitions in flight"
        ));
    }
}
