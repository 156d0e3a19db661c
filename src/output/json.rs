//! JSON exporters: `summary.json` and `manifest.json`.

use serde::Serialize;

use crate::metrics::Summary;
use crate::scenario::Scenario;
use crate::scenario::clock::Clock;
use crate::sim::RunResult;

#[derive(Serialize)]
struct Manifest<'a> {
    tool: &'static str,
    version: &'static str,
    seed: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_at: Option<Clock>,
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

/// `summary.json`; with a wall clock, `start_at` follows `seed`.
pub fn summary(summary: &Summary, start_at: Option<&Clock>) -> Vec<u8> {
    let Some(clock) = start_at else {
        return pretty(summary);
    };
    let serde_json::Value::Object(fields) =
        serde_json::to_value(summary).expect("plain data always serialises")
    else {
        unreachable!("a summary serialises as an object")
    };
    let mut out = serde_json::Map::new();
    for (key, value) in fields {
        let after_seed = key == "seed";
        out.insert(key, value);
        if after_seed {
            out.insert("start_at".into(), clock.to_string().into());
        }
    }
    pretty(&out)
}

/// `manifest.json`: tool version, seed, scenario hash and the fully resolved scenario.
/// Wall time is deliberately not here (it would break byte-identical reruns); the CLI
/// prints it and writes it to `timing.json`.
pub fn manifest(scenario: &Scenario, result: &RunResult) -> Vec<u8> {
    pretty(&Manifest {
        tool: "esmsim",
        version: env!("CARGO_PKG_VERSION"),
        seed: scenario.seed,
        start_at: scenario.start_at,
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
