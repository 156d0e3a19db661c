//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use esmsim::scenario::Scenario;
use esmsim::sim::{RunResult, Simulation};

/// Resolves scenario YAML (relative files against the repository root).
pub fn scenario(yaml: &str) -> Scenario {
    esmsim::scenario::load::from_yaml_str(yaml, Path::new(env!("CARGO_MANIFEST_DIR")), &[])
        .unwrap_or_else(|e| panic!("test scenario does not resolve: {e}"))
}

/// Runs a scenario with invariant checks on and asserts that none was violated.
pub fn run_checked(s: &Scenario) -> RunResult {
    let result = Simulation::new(s).with_invariant_checks().run(&mut |_| {});
    assert!(
        result.violations.is_empty(),
        "invariants violated: {:#?}",
        &result.violations[..result.violations.len().min(5)]
    );
    result
}

/// The bundled scenario files.
pub fn bundled_scenarios() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("scenarios/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}
