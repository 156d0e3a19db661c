//! The fuzz harnesses: each takes arbitrary bytes and runs them through one input path of
//! esmsim, panicking only on a bug (a panic inside esmsim, or an invariant below broken).
//!
//! * [`scenario`]: scenario YAML through parse and resolution (the `check` path), trace
//!   files served from memory; a scenario that resolves must survive `explain` (printed,
//!   parsed and resolved again, it gives the same scenario) and hash.
//! * [`sweep`]: a sweep file (its base scenario is `quickstart.yaml`, copied beside it)
//!   through parse, base loading and expansion.
//! * [`trace`]: trace CSV bytes through parsing and rate points.

use std::path::Path;

use esmsim::scenario::load::MAX_SCENARIO_BYTES;
use esmsim::scenario::trace::TraceFile;
use esmsim::scenario::{MemoryTraces, ParsedScenario, to_yaml, warnings};

/// The folder the fuzzed scenarios' trace files are relative to.
const FOLDER: &str = "fuzz-scenario";

/// The trace files a fuzzed scenario can name: `data/trace.csv` (the bundled taxi trace)
/// and `data/small.csv`.
fn traces() -> MemoryTraces {
    let mut traces = MemoryTraces::default();
    traces.insert(
        Path::new(FOLDER).join("data/trace.csv"),
        include_bytes!("../../scenarios/data/nyc_taxi_2014-07-01_2days.csv"),
    );
    traces.insert(
        Path::new(FOLDER).join("data/small.csv"),
        b"timestamp,value\n0,10\n60,20\n120,0\n",
    );
    traces
}

/// Scenario YAML through the `check` path; see the crate doc.
pub fn scenario(bytes: &[u8]) {
    if bytes.len() as u64 > MAX_SCENARIO_BYTES {
        return;
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let folder = Path::new(FOLDER);
    let Ok(parsed) = ParsedScenario::parse(text, folder) else {
        return;
    };
    let traces = traces();
    let Ok(resolved) = parsed.resolve(&[], &traces) else {
        return;
    };
    let _ = warnings(&resolved);
    let _ = resolved.hash();
    // `explain` prints a valid scenario that resolves to the same one.
    let explained = to_yaml(&resolved);
    let again = ParsedScenario::parse(&explained, folder)
        .and_then(|p| p.resolve(&[], &traces))
        .unwrap_or_else(|e| panic!("explain output does not resolve: {e}\n{explained}"));
    assert_eq!(
        again, resolved,
        "explain output resolves differently:\n{explained}"
    );
}

/// A sweep file through parse, base loading and expansion; see the crate doc.
pub fn sweep(bytes: &[u8]) {
    if bytes.len() as u64 > MAX_SCENARIO_BYTES {
        return;
    }
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let base = dir.path().join("quickstart.yaml");
    let file = dir.path().join("sweep.yaml");
    let written = std::fs::write(&base, include_str!("../../scenarios/quickstart.yaml"))
        .and_then(|()| std::fs::write(&file, bytes));
    if written.is_ok() {
        let _ = esmsim::sweep::SweepSpec::load(&file);
    }
}

/// Trace CSV bytes through parsing and rate points; see the crate doc.
pub fn trace(bytes: &[u8]) {
    let file = TraceFile::parse(bytes);
    for scale in [1.0, 0.0, 1e300] {
        if let Ok(points) = file.points(scale) {
            assert!(points.windows(2).all(|w| w[0].0 < w[1].0));
            assert!(points.iter().all(|p| p.1.is_finite() && p.1 >= 0.0));
        }
    }
}
