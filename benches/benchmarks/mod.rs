//! Benchmark groups.

pub mod arrivals;
pub mod charts;
pub mod engine;
pub mod floor;
pub mod scenarios;
