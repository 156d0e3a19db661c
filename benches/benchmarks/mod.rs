//! Benchmark groups.

pub mod charts;
pub mod engine;
pub mod scenarios;
