//! The latency chart marks cold starts, and only in runs that had some.

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
