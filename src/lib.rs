//! esmsim: a deterministic simulator of AWS Lambda consuming Apache Kafka through an
//! event source mapping (ESM), for capacity planning without Kafka or AWS.
//!
//! # How a run flows
//!
//! ```text
//! scenario YAML ──parse──▶ raw config ──(--set)──▶ resolve ──▶ Scenario (validated)
//!                                                                  │
//!                          Simulation (engine + model) ──samples──▶ Recorder
//!                                                                  │
//!        timeseries.csv / scaling.csv / summary.json / manifest.json ◀── exporters
//! ```
//!
//! * [`scenario`] parses and validates the YAML; only a resolved [`scenario::Scenario`]
//!   reaches the engine, and it cannot hold an invalid value.
//! * [`engine`] has the integer-nanosecond clock, the `(time, seq)` event queue and the
//!   named random streams.
//! * [`model`] holds the simulated system, one component per room: the topic's log
//!   (partitions kept as runs of records), the ESM's dispatcher (assignment, processors,
//!   bandwidth, batches and their attempts), the function (invocations and their
//!   outcomes), billing, and the scalers. Components hold state and rules; none of them
//!   schedules events.
//! * [`sim`] owns time: it turns the components' answers into events and hands each
//!   event to the component it concerns; [`metrics`] records rows and the summary;
//!   [`output`] turns them into file contents (every column described once, in
//!   `output::columns`) and writes them atomically.
//! * [`executor`] runs many scenarios (or any jobs) on worker threads and delivers the
//!   results in job order; [`sweep`] builds sweeps on it, [`charts`] draws the charts,
//!   [`report`] puts a run's or a sweep's results and charts in one HTML page and
//!   [`mod@bench`] times the benchmark scenarios.
//! * [`cli`] is the command line: everything clap and terminal lives there, and the
//!   library takes option structs and progress callbacks.
//!
//! # Ordering contract and determinism
//!
//! Events fire in `(time, seq)` order: by time, and at equal times in the order they were
//! scheduled. At a time `t`, every event at or before `t` fires, then a scaler evaluation
//! due at `t` (the scaler names its own evaluation times), then the sample at `t`
//! (details, with the start of polling and batches the filter empties, in [`sim`]). Randomness comes from `ChaCha8Rng` streams keyed by
//! `(seed, purpose, entity)`, so the same scenario and seed give byte-identical outputs on
//! any machine, and the producer's traffic depends only on the seed and the producer
//! settings (two scenarios that differ on the consumer side see the same records).
//!
//! # Example
//!
//! ```
//! use std::path::Path;
//! use esmsim::scenario::load::from_yaml_str;
//! use esmsim::sim::Simulation;
//!
//! let yaml = "
//! name: example
//! duration: 2m
//! topic: {partitions: 4}
//! producer: {rate: [{constant: 400}]}
//! function: {memory: 1024, duration: {per_batch: 10ms, per_record: 1ms}}
//! ";
//! let scenario = from_yaml_str(yaml, Path::new("."), &[]).expect("valid scenario");
//! let result = Simulation::new(&scenario).run(&mut |_now| {});
//! assert_eq!(result.rows.len(), 120); // one row per second
//! let s = &result.summary;
//! assert_eq!(s.produced_records, s.committed_records + s.final_lag_records);
//! ```

#![warn(missing_docs)]

pub mod bench;
pub mod calibrate;
pub mod charts;
pub mod cli;
pub mod engine;
pub mod executor;
pub mod import;
pub mod metrics;
pub mod model;
pub mod output;
pub mod planner;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod sweep;
