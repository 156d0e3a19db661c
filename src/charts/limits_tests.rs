//! The latency chart marks cold starts, and the overview shows failures, retries and
//! throttles, only in runs that had some.

use super::tests::svg_texts_of_run;
use super::*;

#[test]
fn the_latency_chart_marks_cold_starts_only_when_there_were_some() {
    let cold = svg_texts_of_run("scenarios/cold-scale-out.yaml", &[], ChartKind::Latency);
    assert!(cold.contains(&"cold starts".to_string()), "{cold:?}");
    // Provisioned for every processor: no cold start, no legend entry.
    let warm = svg_texts_of_run(
        "scenarios/cold-scale-out.yaml",
        &["function.cold_start.provisioned_concurrency=24"],
        ChartKind::Latency,
    );
    assert!(!warm.contains(&"cold starts".to_string()), "{warm:?}");
    assert!(warm.contains(&"p99".to_string()));
}

#[test]
fn the_overview_adds_a_failures_panel_only_for_runs_with_failures() {
    let failing = svg_texts_of_run("scenarios/poison-pill.yaml", &[], ChartKind::Overview);
    let caption = "Failures, retries and throttles".to_string();
    assert!(failing.contains(&caption), "{failing:?}");
    assert!(failing.contains(&"blocked partitions".to_string()));
    // Without the poison record nothing fails: the overview keeps its six panels.
    let clean = svg_texts_of_run(
        "scenarios/poison-pill.yaml",
        &["function.errors.poison="],
        ChartKind::Overview,
    );
    assert!(!clean.contains(&caption), "{clean:?}");
    assert!(clean.contains(&"Cumulative cost".to_string()));
}
