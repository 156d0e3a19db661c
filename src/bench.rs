//! `esmsim bench`: fixed benchmark scenarios with fixed seeds, timed in this process.
//!
//! Each scenario is simulated (`--repeat` times, keeping the fastest run, since a shared
//! machine only ever adds time), then its output files and charts are rendered (in
//! memory, not written). Peak memory is the process's peak resident set (`VmHWM`),
//! reset before each scenario on Linux by writing `5` to `/proc/self/clear_refs`;
//! elsewhere it is not reported.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;

use crate::scenario::load::from_yaml_str;
use crate::sim::Simulation;

/// The benchmark scenarios by name, as YAML compiled into the binary
/// (`benches/scenarios/`, and the quick start as `small`).
pub const SCENARIOS: [(&str, &str); 6] = [
    ("small", include_str!("../scenarios/quickstart.yaml")),
    ("medium", include_str!("../benches/scenarios/medium.yaml")),
    ("large", include_str!("../benches/scenarios/large.yaml")),
    ("backlog", include_str!("../benches/scenarios/backlog.yaml")),
    ("sparse", include_str!("../benches/scenarios/sparse.yaml")),
    ("invokes", include_str!("../benches/scenarios/invokes.yaml")),
];

/// What one benchmark run measured.
#[derive(Clone, Debug)]
pub struct BenchResult {
    /// Scenario name.
    pub name: String,
    /// Simulated seconds.
    pub simulated_s: f64,
    /// Wall seconds of the simulation alone.
    pub simulate_s: f64,
    /// Wall seconds to render the output files and charts.
    pub output_s: f64,
    /// Queue events processed.
    pub events: u64,
    /// Invocations started.
    pub invocations: u64,
    /// Records produced (arrived in the topic).
    pub records: u64,
    /// Peak resident memory in MiB, where the platform reports it.
    pub peak_rss_mib: Option<f64>,
}

fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Runs one benchmark scenario given as YAML, simulating it `repeat` (at least 1) times
/// and keeping the fastest simulation.
pub fn run_one(
    name: &str,
    yaml: &str,
    overrides: &[String],
    repeat: u32,
) -> anyhow::Result<BenchResult> {
    let scenario = from_yaml_str(yaml, Path::new("."), overrides)
        .with_context(|| format!("benchmark scenario `{name}`"))?;
    reset_peak_rss();
    let mut simulate_s = f64::INFINITY;
    let mut result = None;
    for _ in 0..repeat.max(1) {
        let started = Instant::now();
        let run = Simulation::new(&scenario).run(&mut |_| {});
        simulate_s = simulate_s.min(started.elapsed().as_secs_f64());
        result = Some(run);
    }
    let result = result.expect("at least one run");
    let started = Instant::now();
    let files = crate::output::render(&scenario, &result);
    crate::charts::render_run(&files, &crate::charts::ChartOptions::default())?;
    Ok(BenchResult {
        name: name.to_string(),
        simulated_s: scenario.duration.as_secs_f64(),
        simulate_s,
        output_s: started.elapsed().as_secs_f64(),
        events: result.events,
        invocations: result.summary.invocations,
        records: result.summary.produced_records,
        peak_rss_mib: peak_rss_mib(),
    })
}

/// A name given to `esmsim bench --only` that is not a benchmark scenario.
#[derive(Debug, thiserror::Error)]
#[error(
    "unknown benchmark scenario `{0}`; choose from small, medium, large, backlog, sparse, invokes"
)]
pub struct UnknownScenario(pub String);

/// The benchmark scenarios named in `only` (all of them if it is empty), as
/// `(name, yaml)` in the order of [`SCENARIOS`].
///
/// # Errors
///
/// [`UnknownScenario`] for the first name that is not a benchmark scenario.
pub fn select(only: &[String]) -> Result<Vec<(&'static str, &'static str)>, UnknownScenario> {
    if let Some(unknown) = only
        .iter()
        .find(|wanted| !SCENARIOS.iter().any(|(name, _)| name == wanted))
    {
        return Err(UnknownScenario(unknown.clone()));
    }
    Ok(SCENARIOS
        .into_iter()
        .filter(|(name, _)| only.is_empty() || only.iter().any(|o| o == name))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_benchmark_scenario_resolves_and_a_short_one_runs() {
        for (name, yaml) in SCENARIOS {
            from_yaml_str(yaml, Path::new("."), &[]).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        let r = run_one("small", SCENARIOS[0].1, &["duration=1m".to_string()], 2).unwrap();
        assert_eq!(r.simulated_s, 60.0);
        assert!(r.events > 0);
        assert!(r.invocations > 0 && r.records >= r.invocations);
    }

    #[test]
    fn selection_keeps_the_benchmark_order_and_names_an_unknown_scenario() {
        let names = |only: &[&str]| {
            let only: Vec<String> = only.iter().map(|s| s.to_string()).collect();
            select(&only).map(|s| s.iter().map(|(name, _)| *name).collect::<Vec<_>>())
        };
        assert_eq!(
            names(&[]).unwrap(),
            ["small", "medium", "large", "backlog", "sparse", "invokes"]
        );
        assert_eq!(names(&["large", "small"]).unwrap(), ["small", "large"]);
        let err = names(&["small", "huge"]).unwrap_err().to_string();
        assert_eq!(
            err,
            "unknown benchmark scenario `huge`; choose from small, medium, large, backlog, sparse, invokes"
        );
    }
}
