//! The discrete-event core: integer time, the ordered event queue and the random streams.
//!
//! Nothing here knows about Kafka or Lambda; the model in [`crate::model`] and the loop in
//! [`crate::sim`] build on it.

pub mod queue;
pub mod rng;
pub mod time;
