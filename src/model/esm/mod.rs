//! The event source mapping: pollers and their processors, partition assignment, fetch
//! bandwidth, and batches from building to settling.
//!
//! Partitions are spread over pollers by a range assignor ([`assign`]). A processor owns
//! its partitions: it invokes one batch at a time, so each partition has at most one
//! batch in flight and its records are invoked in order; a batch may hold records of
//! several partitions of the same processor. The [`Dispatcher`] holds this state and
//! answers the simulation's two questions: "can this processor invoke now, or when
//! should it look again?" and "this invocation ended: what happens to its records?".

mod assign;
mod bandwidth;
mod batch;
mod dispatcher;
mod fill;
#[cfg(test)]
mod tests;
mod utilisation;

pub use assign::{Processor, assign, shape};
pub use bandwidth::Bandwidth;
pub use batch::{Batch, BatchLimits, BatchPart, build_batch};
pub use dispatcher::{Dispatch, Dispatcher, Rebalance, Settled};
pub use fill::{Pending, fill_time, first_full_time};
pub use utilisation::{Load, Utilisation};
