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

#[test]
fn the_processor_sensitivity_scenario_separates_the_two_readings() {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/sensitivity-processors.yaml");
    let summary = |invokes: &str| {
        let set = format!("esm.poller.max_concurrent_invokes={invokes}");
        let scenario = esmsim::scenario::load::load(&file, &[set]).unwrap();
        run_checked(&scenario).summary
    };
    let (five, unlimited) = (summary("5"), summary("unlimited"));
    // 5 per poller cannot follow the spike from one poller: records age for minutes
    // and the 60 s SLO is missed; one processor per partition keeps them seconds old.
    assert!(five.max_record_age_s > 300.0, "{}", five.max_record_age_s);
    assert!(five.time_over_slo_s.unwrap() > 0.0);
    assert!(
        unlimited.max_record_age_s < 10.0,
        "{}",
        unlimited.max_record_age_s
    );
    assert_eq!(unlimited.time_over_slo_s, Some(0.0));
    assert!(five.max_lag_records > 50 * unlimited.max_lag_records);
}
