//! The registry against a real run: names unique, and every value of the kind its column
//! says (fixed decimals for fractions in CSV files, present unless optional).

use std::collections::HashSet;

use super::*;
use crate::model::scaler::Action;
use crate::sim::RunResult;

fn quickstart() -> RunResult {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quickstart.yaml");
    let overrides = [
        "duration=15m".to_string(),
        "sample_interval=30s".to_string(),
    ];
    let scenario = crate::scenario::load::load(&path, &overrides).expect("resolves");
    crate::sim::Simulation::new(&scenario).run(&mut |_| {})
}

/// Checks `columns` over `rows`: unique names, values that fit the column's metadata.
fn check<R>(file: &str, columns: &[&Column<R>], rows: &[R], fixed_decimals: bool) {
    let unique: HashSet<&str> = columns.iter().map(|c| c.name).collect();
    assert_eq!(unique.len(), columns.len(), "{file}: a name is used twice");
    for column in columns {
        assert!(!column.doc.is_empty(), "{file}: {} has no doc", column.name);
        for row in rows {
            match column.of(row) {
                Value::Real(_) => assert_eq!(
                    column.decimals.is_some(),
                    fixed_decimals,
                    "{file}: decimals of {}",
                    column.name
                ),
                Value::Text(_) => assert_eq!(column.unit, Unit::Text, "{file}: {}", column.name),
                Value::Missing => assert!(column.optional, "{file}: {} is empty", column.name),
                Value::Int(_) => assert!(column.decimals.is_none(), "{file}: {}", column.name),
            }
        }
    }
}

#[test]
fn every_column_fits_its_metadata() {
    let result = quickstart();
    assert!(result.scaling.iter().any(|s| s.effective_at.is_none()));
    assert!(result.rows.iter().any(|r| r.mean_batch_records.is_some()));
    check(
        "timeseries.csv",
        &timeseries::TIMESERIES,
        &result.rows,
        true,
    );
    check("scaling.csv", &scaling::SCALING, &result.scaling, true);
    check("summary.json", &summary::SUMMARY, &[result.summary], false);
}

#[test]
fn sweep_metrics_are_numeric_summary_fields() {
    for metric in summary::SWEEP_METRICS {
        assert!(
            summary::SUMMARY.iter().any(|c| c.name == metric.name),
            "{} is not in summary.json",
            metric.name
        );
        assert_ne!(metric.unit, Unit::Text, "{}", metric.name);
    }
}

#[test]
fn actions_read_back_from_their_text() {
    for action in [Action::ScaleOut, Action::ScaleIn, Action::Hold] {
        assert_eq!(action.as_str().parse::<Action>(), Ok(action));
    }
    let err = "grow".parse::<Action>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "\"grow\" is not one of scale_out, scale_in, hold"
    );
}
