//! esmsim: a deterministic simulator of AWS Lambda consuming Apache Kafka through an
//! event source mapping (ESM).

pub mod cli;
pub mod engine;
pub mod metrics;
pub mod model;
pub mod output;
pub mod scenario;
pub mod sim;
