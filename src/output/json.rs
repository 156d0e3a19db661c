//! JSON exporters: `summary.json` and `manifest.json`.

use serde::Serialize;

use crate::metrics::Summary;
use crate::scenario::Scenario;
use crate::sim::RunResult;

#[derive(Serialize)]
struct Manifest<'a> {
    tool: &'static str,
    version: &'static str,
    seed: u64,
    scenario_hash: String,
    events_processed: u64,
    assumptions: Vec<String>,
    scenario: &'a Scenario,
}

/// `value` as pretty-printed JSON with a final line break, as every JSON file of the
/// crate is written.
pub fn pretty<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).expect("plain data always serialises");
    bytes.push(b'\n');
    bytes
}

/// `summary.json`.
pub fn summary(summary: &Summary) -> Vec<u8> {
    pretty(summary)
}

/// `manifest.json`: tool version, seed, scenario hash and the fully resolved scenario.
/// Wall time is deliberately not here (it would break byte-identical reruns); the CLI
/// prints it and writes it to `timing.json`.
pub fn manifest(scenario: &Scenario, result: &RunResult) -> Vec<u8> {
    pretty(&Manifest {
        tool: "esmsim",
        version: env!("CARGO_PKG_VERSION"),
        seed: scenario.seed,
        scenario_hash: scenario.hash(),
        events_processed: result.events,
        assumptions: [
            crate::scenario::assumptions(),
            scenario.esm.scaler.assumptions(),
            scenario.optional_assumptions(),
        ]
        .concat(),
        scenario,
    })
}
