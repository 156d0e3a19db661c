//! The scenario arguments `run`, `check` and `explain` share: the file, `--set`, `--seed`;
//! and how `run`, `check` and `sweep` print the scenario's warnings.

use std::path::PathBuf;

use clap::Args;

use crate::scenario::{self, Scenario, ScenarioWarning};

/// A scenario file and overrides.
#[derive(Debug, Args)]
pub struct ScenarioArgs {
    /// The scenario YAML file.
    pub scenario: PathBuf,
    /// Override a field, e.g. `--set topic.partitions=48` (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub overrides: Vec<String>,
    /// Use this seed instead of the scenario's.
    #[arg(long)]
    pub seed: Option<u64>,
}

impl ScenarioArgs {
    /// Loads and resolves the scenario with the overrides applied.
    ///
    /// # Errors
    ///
    /// The scenario's error, naming the file, field, value and what is allowed.
    pub fn load(&self) -> Result<Scenario, scenario::error::ScenarioError> {
        scenario::load::load(&self.scenario, &self.all_overrides())
    }

    /// The `--set` overrides, then `--seed` as one.
    pub fn all_overrides(&self) -> Vec<String> {
        let mut overrides = self.overrides.clone();
        if let Some(seed) = self.seed {
            overrides.push(format!("seed={seed}"));
        }
        overrides
    }
}

/// Prints each of `warnings` on standard error as `warning: ...`.
pub fn print_warnings(warnings: &[ScenarioWarning]) {
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
}
