//! Hostile inputs: files built to hurt (alias bombs, deep nesting, huge or endless files,
//! binary junk, traces that escape the scenario's folder, NaN, infinities and numbers past
//! 2^64 in every numeric field, random YAML trees) are refused quickly, with a clear
//! message and bounded memory; a long run streams its rows in memory that does not grow
//! with its length.
//!
//! Memory is measured, not guessed: this test binary counts the bytes each thread has
//! allocated ([`alloc::peak_during`]), so a test can assert the peak of one parse.

mod alloc;
mod files;
mod long_runs;
mod numbers;
mod trees;
mod yaml;

use std::path::Path;

use esmsim::scenario::{FileTraces, ParsedScenario, Scenario, ScenarioError};

/// A small valid scenario, to put hostile values into.
pub const BASE: &str = "\
name: base
duration: 1h
topic: {partitions: 2}
producer: {rate: [{constant: 10}]}
function: {duration: {per_batch: 10ms}}
";

/// Parses and resolves `text` (trace files relative to `folder`), as `esmsim check` does.
pub fn check_in(
    text: &str,
    folder: &Path,
    overrides: &[String],
) -> Result<Scenario, ScenarioError> {
    ParsedScenario::parse(text, folder)?.resolve(overrides, &FileTraces::default())
}

/// [`check_in`] in the current folder.
pub fn check(text: &str, overrides: &[String]) -> Result<Scenario, ScenarioError> {
    check_in(text, Path::new("."), overrides)
}

/// The error of a scenario that must not resolve, as the CLI prints it.
pub fn refused(text: &str, overrides: &[String]) -> String {
    match check(text, overrides) {
        Ok(_) => panic!("resolved, but should be refused: {overrides:?}\n{text}"),
        Err(e) => e.to_string(),
    }
}
