//! Benchmark groups.

pub mod engine;
pub mod scenarios;
