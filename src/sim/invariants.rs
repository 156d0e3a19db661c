//! Invariants checked at every sample when a run asks for them (tests do): conservation
//! of records in every partition, the accounting of committed records, and the ESM's
//! structural limits.

use crate::engine::time::SimTime;
use crate::model::esm::Dispatcher;
use crate::model::log::TopicLog;
use crate::scenario::Scenario;

/// Appends to `violations` what does not hold at `now`; `processed` is the number of
/// records that successful invocations delivered to the function (as the recorder
/// counted them from the batches).
///
/// Per partition: produced = committed + in flight + waiting, and committed ≥ skipped +
/// filtered + skipped at start. Over the topic: committed = processed + skipped +
/// filtered + skipped at start, which ties the partitions' commits (filtered counted
/// from the offsets committed) to the invocations (matching records counted when the
/// batch was built).
pub(super) fn check(
    now: SimTime,
    scenario: &Scenario,
    log: &TopicLog,
    esm: &Dispatcher,
    processed: u64,
    violations: &mut Vec<String>,
) {
    let (mut committed, mut unprocessed) = (0, 0);
    for (p, partition) in log.partitions().iter().enumerate() {
        if let Err(e) = partition.check_conservation() {
            violations.push(format!("t={now} partition {p}: {e}"));
        }
        committed += partition.committed();
        unprocessed += partition.skipped() + partition.filtered() + partition.skipped_at_start();
    }
    if committed != processed + unprocessed {
        violations.push(format!(
            "t={now}: committed {committed} != processed {processed} + skipped, filtered and skipped at start {unprocessed}"
        ));
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
