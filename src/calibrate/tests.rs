use std::path::Path;

use super::fit::{self, DEFAULT_RANGES, Param, Problem, Target, Weights, parse_param};
use super::observe_run;
use super::observed::{self, Metric, ObservedError, parse, parse_timestamp};
use crate::executor::{Detail, Executor, simulate};
use crate::scenario::{FileTraces, ParsedScenario};

/// A small scenario the scaler must scale out in: 12 partitions, a 14-minute surge one
/// poller cannot keep up with, lag rising by ~9,000 a minute (so min_lag matters).
const BASE: &str = "
name: synthetic
seed: 1
duration: 20m
sample_interval: 10s
topic:
  partitions: 12
producer:
  arrivals: poisson
  rate:
    - constant: 200
    - spike: {at: 2m, duration: 14m, rate: 800}
esm:
  batch_size: 100
  batching_window: 500ms
function:
  memory: 1024
  timeout: 30s
  duration:
    per_batch: 50ms
    per_record: 5ms
";

const TRUTH: [&str; 3] = [
    "esm.scaler.actuation_delay=120s",
    "esm.scaler.scale_out.step={add: 2}",
    "esm.scaler.scale_out.min_lag=5000",
];

const START: i64 = 1_795_000_000 - 1_795_000_000 % 60;

#[test]
fn timestamps_parse_iso_8601_with_offsets() {
    assert_eq!(parse_timestamp("1970-01-01T00:00:00Z"), Some(0));
    assert_eq!(
        parse_timestamp("2026-11-28T17:00:00+00:00"),
        Some(1_795_885_200)
    );
    assert_eq!(
        parse_timestamp("2026-11-28T18:00:00+01:00"),
        Some(1_795_885_200)
    );
    assert_eq!(
        parse_timestamp("2026-11-28T17:00:00.000Z"),
        Some(1_795_885_200)
    );
    assert_eq!(parse_timestamp("2026-13-28T17:00:00Z"), None);
    assert_eq!(parse_timestamp("yesterday"), None);
    assert_eq!(
        observed::format_timestamp(1_795_885_200),
        "2026-11-28T17:00:00+00:00"
    );
}

#[test]
fn aws_cli_shape_parses_newest_first_by_label_or_id() {
    let text = r#"{
    "MetricDataResults": [
        {
            "Id": "m1",
            "Label": "OffsetLag",
            "Timestamps": ["2026-11-28T17:02:00+00:00", "2026-11-28T17:01:00+00:00", "2026-11-28T17:00:00+00:00"],
            "Values": [30.0, 20.0, 10.0],
            "StatusCode": "Complete"
        },
        {
            "Id": "concurrentexecutions",
            "Label": "",
            "Timestamps": ["2026-11-28T17:01:00+00:00", "2026-11-28T17:00:00+00:00"],
            "Values": [2.0, 1.0],
            "StatusCode": "Complete"
        }
    ],
    "Messages": []
}"#;
    let o = parse(&[("a.json".into(), text.into())]).unwrap();
    assert_eq!(o.period_s, 60);
    assert_eq!(o.series.len(), 2);
    assert_eq!(o.series[0].metric, Metric::OffsetLag);
    assert_eq!(
        o.series[0].points,
        vec![
            (1_795_885_200, 10.0),
            (1_795_885_260, 20.0),
            (1_795_885_320, 30.0)
        ]
    );
    assert_eq!(o.series[1].metric, Metric::ConcurrentExecutions);
    assert_eq!(o.earliest(), 1_795_885_200);
    assert_eq!(o.end(), 1_795_885_380);
}

fn one(label: &str, ts: &[&str], values: &str) -> String {
    format!(
        r#"{{"MetricDataResults": [{{"Id": "x", "Label": "{label}", "Timestamps": {}, "Values": {values}, "StatusCode": "Complete"}}], "Messages": []}}"#,
        serde_json::to_string(ts).unwrap()
    )
}

#[test]
fn bad_observed_files_are_refused_naming_file_series_and_value() {
    let ts = ["2026-11-28T17:01:00Z", "2026-11-28T17:00:00Z"];
    let err = |text: String| parse(&[("obs.json".into(), text)]).unwrap_err();
    assert_eq!(
        err(one("IteratorAge", &ts, "[1, 2]")),
        ObservedError::UnknownLabel {
            file: "obs.json".into(),
            label: "IteratorAge".into(),
            id: "x".into()
        }
    );
    assert_eq!(
        err(one(
            "OffsetLag",
            &["2026-11-28T17:00:00Z", "2026-11-28T17:00:00Z"],
            "[1, 2]"
        )),
        ObservedError::DuplicateTimestamp {
            file: "obs.json".into(),
            series: "OffsetLag".into(),
            timestamp: "2026-11-28T17:00:00+00:00".into()
        }
    );
    let e = err(one(
        "OffsetLag",
        &[
            "2026-11-28T17:00:00Z",
            "2026-11-28T17:01:00Z",
            "2026-11-28T17:06:00Z",
        ],
        "[1, 2, 3]",
    ));
    assert!(matches!(e, ObservedError::PeriodMismatch { .. }), "{e}");
    assert!(e.to_string().contains("60 s apart but also 300 s"), "{e}");
    let e = err(one("OffsetLag", &ts, r#"[1, "NaN"]"#));
    assert_eq!(
        e.to_string(),
        "obs.json: series 'OffsetLag': value \"NaN\" at 2026-11-28T17:00:00Z is not a finite number"
    );
    assert!(matches!(err("{}".into()), ObservedError::Json { .. }));
    assert!(matches!(
        err(one("OffsetLag", &ts, "[1]")),
        ObservedError::LengthMismatch {
            timestamps: 2,
            values: 1,
            ..
        }
    ));
    // Two files of different periods.
    let five = one(
        "ConcurrentExecutions",
        &["2026-11-28T17:05:00Z", "2026-11-28T17:00:00Z"],
        "[1, 2]",
    );
    let e = parse(&[
        ("a.json".into(), one("OffsetLag", &ts, "[1, 2]")),
        ("b.json".into(), five),
    ])
    .unwrap_err();
    assert!(
        e.to_string().starts_with(
            "b.json: series 'ConcurrentExecutions': period 300 s differs from the 60 s"
        ),
        "{e}"
    );
}

#[test]
fn fit_specs_give_grids() {
    assert_eq!(
        parse_param("esm.scaler.actuation_delay=30s..180s", 6).unwrap(),
        Param {
            path: "esm.scaler.actuation_delay".into(),
            grid: ["30s", "60s", "90s", "120s", "150s", "180s"]
                .map(String::from)
                .to_vec()
        }
    );
    assert_eq!(
        parse_param("esm.scaler.scale_out.min_lag=100..1e6", 5)
            .unwrap()
            .grid,
        ["100", "1000", "10000", "100000", "1000000"]
            .map(String::from)
            .to_vec()
    );
    assert_eq!(
        parse_param("esm.scaler.scale_out.step=double|{add: 2}", 5)
            .unwrap()
            .grid,
        ["double", "{add: 2}"].map(String::from).to_vec()
    );
    assert!(parse_param("esm.scaler.actuation_delay=30s..180", 5).is_err());
    assert!(parse_param("x=5..1", 5).is_err());
    assert!(parse_param("nopath", 5).is_err());
}

#[test]
fn a_bare_path_takes_its_default_range_and_every_default_resolves() {
    assert_eq!(
        parse_param("esm.scaler.actuation_delay", 4).unwrap().grid,
        ["0s", "60s", "120s", "180s"].map(String::from).to_vec()
    );
    let err = parse_param("topic.partitions", 4).unwrap_err().to_string();
    assert!(err.contains("esm.scaler.scale_out.step"), "{err}");
    let base = ParsedScenario::parse(BASE, Path::new(".")).unwrap();
    for (path, _) in DEFAULT_RANGES {
        for value in parse_param(path, 3).unwrap().grid {
            let set = format!("{path}={value}");
            base.resolve(std::slice::from_ref(&set), &FileTraces::default())
                .unwrap_or_else(|e| panic!("{set} does not resolve: {e}"));
        }
    }
}

/// Simulates the truth, writes it as the AWS CLI would, parses it back and fits: the
/// delay within one evaluation interval, the step exactly, min_lag within a factor of 2.
#[test]
fn synthetic_truth_is_recovered() {
    let base = ParsedScenario::parse(BASE, Path::new(".")).unwrap();
    let traces = FileTraces::default();
    let truth = base.resolve(&TRUTH.map(String::from), &traces).unwrap();
    let run = simulate(&truth, Detail::Rows).unwrap();
    let observed = observe_run(
        &run.rows,
        10.0,
        truth.duration.as_secs_f64(),
        60,
        START,
        &[
            Metric::OffsetLag,
            Metric::ConcurrentExecutions,
            Metric::ProvisionedPollers,
        ],
    );
    let json = observed::to_json(&observed);
    let parsed = parse(&[("truth.json".into(), json)]).unwrap();
    assert_eq!(parsed, observed);
    let problem = Problem {
        base: &base,
        overrides: vec![],
        traces: &traces,
        params: vec![
            parse_param("esm.scaler.actuation_delay=30s..180s", 6).unwrap(),
            parse_param(
                "esm.scaler.scale_out.step=double|{add: 1}|{add: 2}|{add: 4}",
                0,
            )
            .unwrap(),
            parse_param("esm.scaler.scale_out.min_lag=625..40000", 6).unwrap(),
        ],
        seeds: vec![1],
        target: Target {
            observed: parsed,
            start: START,
            weights: Weights::default(),
        },
    };
    let executor = Executor::new(None).unwrap();
    let result = fit::fit(&problem, &executor, &mut |_| {}).unwrap();
    eprintln!("{result:#?}");
    let delay: f64 = result.best[0]
        .trim_start_matches("esm.scaler.actuation_delay=")
        .trim_end_matches('s')
        .parse()
        .unwrap();
    assert!((delay - 120.0).abs() <= 60.0, "{:?}", result.best);
    assert_eq!(result.best[1], "esm.scaler.scale_out.step={add: 2}");
    let min_lag: f64 = result.best[2]
        .trim_start_matches("esm.scaler.scale_out.min_lag=")
        .parse()
        .unwrap();
    assert!((2500.0..=10000.0).contains(&min_lag), "{:?}", result.best);
    // The data pin min_lag only between the grid's 625 and 17,411: those two lose, the
    // values between do not.
    let lag = &result.profiles[2];
    assert!(!lag.determined);
    assert_eq!(lag.points[0].0, "625");
    assert!(lag.points[0].1 > 0.1, "{lag:?}");
    assert_eq!(lag.points[4].0, "17411");
    assert!(lag.points[4].1 > 0.1, "{lag:?}");
    assert!(lag.points[1..4].iter().all(|p| p.1 < 1e-9), "{lag:?}");
    assert!(result.profiles[0].determined && result.profiles[1].determined);
    assert!(result.loss < 1e-9 || result.loss < result.profiles[1].points[0].1);
    assert_eq!(result.profiles.len(), 3);
}

/// `scenarios/calibrate/observed.json` is what esmsim observes of its scenario run with
/// the known constants (`TRUTH`), at a 60 s period from 2026-11-02T09:00:00Z, so the
/// bundled example recovers them exactly. After an intended change of realisations,
/// regenerate it with
/// `ESMSIM_UPDATE_FIXTURES=1 cargo test --lib calibrate::tests::the_bundled_observed`.
#[test]
fn the_bundled_observed_file_is_what_its_scenario_shows_with_the_known_constants() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/calibrate");
    let text = std::fs::read_to_string(folder.join("synthetic-esm.yaml")).unwrap();
    let traces = FileTraces::default();
    let truth = ParsedScenario::parse(&text, &folder)
        .unwrap()
        .resolve(&TRUTH.map(String::from), &traces)
        .unwrap();
    let run = simulate(&truth, Detail::Rows).unwrap();
    let observed = observe_run(
        &run.rows,
        truth.sample_interval.as_secs_f64(),
        truth.duration.as_secs_f64(),
        60,
        1_793_610_000,
        &[
            Metric::OffsetLag,
            Metric::ConcurrentExecutions,
            Metric::ProvisionedPollers,
        ],
    );
    let json = observed::to_json(&observed);
    let path = folder.join("observed.json");
    if std::env::var_os("ESMSIM_UPDATE_FIXTURES").is_some() {
        std::fs::write(&path, &json).unwrap();
    }
    assert!(
        std::fs::read_to_string(&path).unwrap() == json,
        "scenarios/calibrate/observed.json differs from what its scenario shows; regenerate \
         it with ESMSIM_UPDATE_FIXTURES=1 cargo test --lib calibrate::tests::the_bundled_observed"
    );
}
