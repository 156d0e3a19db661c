//! Integration tests of esmsim: one test binary, one module per concern.

mod cli;
mod common;
mod docs;
mod golden;
mod invariants;
mod limits;
mod policies;
mod scenarios;
mod slurm;
