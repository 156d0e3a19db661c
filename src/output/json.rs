//! JSON exporters: `summary.json` and `manifest.json`.

use serde::Serialize;

use crate::metrics::Summary;
use crate::scenario::Scenario;
use crate::sim::RunResult;

/// Defaults that are assumptions (not published by AWS); listed in every manifest.
pub const ASSUMPTIONS: [&str; 8] = [
    "esm.scaler.actuation_delay: AWS says changes happen within 3 minutes of an evaluation; the default is the full 180 s",
    "esm.scaler.scale_out: step and min_lag (default double when total lag >= batch_size x partitions and not falling) are not published",
    "esm.scaler.scale_in: cooldown 10 min, 3 quiet evaluations, one poller at a time are not published",
    "esm.rebalance_pause: 5 s pause of every partition on each poller change (eager assignor) is not published",
    "esm.record_overhead: 200 JSON bytes per record in the invocation payload",
    "producer.resolution: records arriving in one bucket (default 100 ms) of one partition are kept as one run with evenly spaced arrival times between its first and last, which are exact for buckets of up to 8 records and at their expected positions in busier ones",
    "esm.poller.max_bytes_per_s: enforced as a rate with one second of burst per poller",
    "function.duration: handler time model (per batch, per record, per KiB, CPU-bound share scaling with vCPUs) is the user's measurement",
];

#[derive(Serialize)]
struct Manifest<'a> {
    tool: &'static str,
    version: &'static str,
    seed: u64,
    scenario_hash: String,
    events_processed: u64,
    assumptions: &'static [&'static str],
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
        assumptions: &ASSUMPTIONS,
        scenario,
    })
}
