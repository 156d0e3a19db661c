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

#[test]
fn the_filtered_stream_costs_a_fraction_of_no_filter_and_lags_less() {
    let file =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/filtered-stream.yaml");
    let summary = |sets: &[&str]| {
        let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
        let scenario = esmsim::scenario::load::load(&file, &sets).unwrap();
        run_checked(&scenario).summary
    };
    let (filtered, plain) = (summary(&[]), summary(&["esm.filter="]));
    // The same traffic; 9 in 10 committed records never reach the function.
    assert_eq!(filtered.produced_records, plain.produced_records);
    assert_eq!(plain.records_filtered, 0);
    let share = filtered.records_filtered as f64 / filtered.committed_records as f64;
    assert!((0.89..0.91).contains(&share), "{share}");
    // Handlers with a tenth of the records: well under half the cost, and the backlog of
    // the spike (bandwidth-bound with the filter, handler-bound without) stays smaller.
    assert!(
        filtered.cost_usd < 0.3 * plain.cost_usd,
        "{} vs {}",
        filtered.cost_usd,
        plain.cost_usd
    );
    assert!(filtered.max_lag_records * 2 < plain.max_lag_records);
    assert!(filtered.max_record_age_s < plain.max_record_age_s);
}
