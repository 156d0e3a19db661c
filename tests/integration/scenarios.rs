//! Every bundled scenario loads, opens with a comment saying what it answers, and runs
//! with its invariants intact and one row per sample. (The `explain` round trip of every
//! bundled scenario is tested next to the scenario code, in
//! `explain_round_trips_every_fixture_and_bundled_scenario`.)

use crate::common::{bundled_scenarios, run_checked};

#[test]
fn every_bundled_scenario_runs_with_its_invariants_intact() {
    let files = bundled_scenarios();
    assert!(files.len() >= 3, "quickstart plus two realistic scenarios");
    for file in files {
        let scenario = esmsim::scenario::load::load(&file, &[]).unwrap_or_else(|e| panic!("{e}"));
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.trim_start().starts_with('#'),
            "{} must open with a comment saying what it answers",
            file.display()
        );
        let result = run_checked(&scenario);
        assert_eq!(
            result.rows.len() as u64,
            scenario.duration.0.div_ceil(scenario.sample_interval.0)
        );
        assert!(result.summary.committed_records > 0, "{}", file.display());
    }
}
