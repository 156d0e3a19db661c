//! The bundled scenarios of the function's limits show what they say they show: a
//! neighbour's hour of concurrency throttles the consumer and sheds its pollers, and a
//! Java function pays cold starts on every scale-out that adds processors.

use esmsim::model::scaler::Action;

use crate::common::run_checked;

fn load(name: &str, sets: &[&str]) -> esmsim::scenario::Scenario {
    let file =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.yaml"));
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    esmsim::scenario::load::load(&file, &sets).unwrap()
}

#[test]
fn a_neighbour_throttles_the_consumer_and_the_scaler_sheds_pollers() {
    let r = run_checked(&load("throttled-neighbour", &[]));
    // The limit is 1,000 - 200 = 800, then 1,000 - 992 = 8 from 10 min to 70 min.
    let limits: Vec<u32> = r.rows.iter().map(|row| row.concurrency_limit).collect();
    assert_eq!(limits.iter().min(), Some(&8));
    assert_eq!(limits[0], 800);
    assert!(r.summary.throttles > 0);
    // Invocations in flight when the limit drops run on; in any interval that starts
    // under the same limit, concurrency never exceeds it.
    for pair in r.rows.windows(2) {
        if pair[0].concurrency_limit == pair[1].concurrency_limit {
            assert!(pair[1].concurrency_max <= pair[1].concurrency_limit);
        }
    }
    // Throttles only while the neighbour is there (an invoke at 70 min may still see it).
    for row in &r.rows {
        let t = row.time.as_secs_f64();
        if row.throttles > 0 {
            assert!((600.0..=4210.0).contains(&t), "throttles at {t} s");
        }
    }
    let shed: Vec<_> = r
        .scaling
        .iter()
        .filter(|d| d.action == Action::ScaleIn && d.reason.starts_with("throttled"))
        .collect();
    assert!(shed.len() >= 3, "{shed:?}");
    assert!(shed.iter().all(|d| d.target == (d.pollers / 2).max(1)));
    // Lag builds up during the hour and drains after it.
    assert!(r.summary.max_lag_records > 100_000);
    assert!(
        r.summary.final_lag_records < r.summary.max_lag_records / 100,
        "{} left of {}",
        r.summary.final_lag_records,
        r.summary.max_lag_records
    );
    // Reserved concurrency of 20 protects the consumer from the neighbour.
    let reserved = run_checked(&load(
        "throttled-neighbour",
        &["function.concurrency.reserved=20"],
    ));
    assert_eq!(reserved.summary.throttles, 0);
    // During the neighbour's hour (after the first scale-outs are done) the lag stays
    // a fraction of what builds up without the reservation.
    let hour_max = |rows: &[esmsim::metrics::SampleRow]| {
        rows.iter()
            .filter(|row| (1200.0..=4200.0).contains(&row.time.as_secs_f64()))
            .map(|row| row.lag)
            .max()
            .unwrap()
    };
    let (starved, protected) = (hour_max(&r.rows), hour_max(&reserved.rows));
    assert!(starved > 100_000, "{starved}");
    assert!(protected * 5 < starved, "{protected} against {starved}");
}

#[test]
fn a_java_consumer_pays_cold_starts_on_each_scale_out_unless_provisioned() {
    let r = run_checked(&load("cold-scale-out", &[]));
    // Cold starts happen at t = 0 and in the interval where each scale-out that adds
    // processors takes effect; never elsewhere.
    let cold_times: Vec<f64> = r
        .rows
        .iter()
        .filter(|row| row.cold_starts > 0)
        .map(|row| row.time.as_secs_f64())
        .collect();
    let effects: Vec<f64> = r
        .scaling
        .iter()
        .filter(|d| d.action == Action::ScaleOut)
        .filter_map(|d| d.effective_at.map(|t| t.as_secs_f64()))
        .collect();
    assert!(cold_times.len() >= 3, "{cold_times:?}");
    for t in &cold_times[1..] {
        assert!(
            effects.iter().any(|e| t - e > 0.0 && t - e <= 5.0 + 8.0),
            "cold starts at {t} s, scale-outs effective at {effects:?}"
        );
    }
    // Each of the 24 processors started one environment, none was reclaimed while
    // needed.
    assert_eq!(r.summary.cold_starts, 24);
    let provisioned = run_checked(&load(
        "cold-scale-out",
        &["function.cold_start.provisioned_concurrency=24"],
    ));
    assert_eq!(provisioned.summary.cold_starts, 0);
    assert!(provisioned.summary.cost_provisioned_concurrency_usd > 0.0);
    assert!(provisioned.summary.cost_usd > r.summary.cost_usd);
}
