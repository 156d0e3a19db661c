//! The simulated system: traffic, partitions, the ESM, the scaler, the function, cost.
//!
//! Each module holds state and pure rules; [`crate::sim`] drives them with events.

pub mod cost;
pub mod esm;
pub mod function;
pub mod log;
pub mod scaler;
pub mod size_laws;
pub mod traffic;
