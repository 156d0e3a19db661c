//! Tests of the whole scenario layer: defaults, checks, error messages, overrides and the
//! `explain` round trip.

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::*;
use crate::scenario::scaler::phase::EvaluationPhase;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scenario")
}

const MINIMAL: &str = "\
name: minimal
duration: 10m
topic:
  partitions: 4
producer:
  rate:
    - constant: 1000
function:
  duration:
    per_record: 1ms
";

fn parse(text: &str) -> Result<Scenario, ScenarioError> {
    from_yaml_str(text, &fixtures(), &[])
}

fn with_sets(text: &str, sets: &[&str]) -> Result<Scenario, ScenarioError> {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    from_yaml_str(text, &fixtures(), &sets)
}

fn err(text: &str) -> String {
    parse(text).expect_err("should fail").to_string()
}

fn err_set(sets: &[&str]) -> String {
    with_sets(MINIMAL, sets)
        .expect_err("should fail")
        .to_string()
}

fn assert_has(message: &str, needles: &[&str]) {
    for n in needles {
        assert!(message.contains(n), "`{n}` not in: {message}");
    }
}

#[test]
fn minimal_scenario_gets_every_default() {
    let s = parse(MINIMAL).unwrap();
    let expected = Scenario {
        name: "minimal".into(),
        seed: 1,
        start_at: None,
        duration: SimDuration::from_secs(600),
        sample_interval: SimDuration::from_secs(1),
        topic: Topic {
            partitions: 4,
            keys: KeyDistribution::Uniform,
            initial_backlog: 0,
            retention: crate::scenario::topic::DEFAULT_RETENTION,
            starting_position: StartingPosition::TrimHorizon,
        },
        producer: Producer {
            arrivals: ArrivalProcess::Poisson,
            record_size: RecordSize::Fixed(1024),
            rate: vec![RateShape::Constant(1000.0)],
            resolution: SimDuration::from_millis(100),
        },
        esm: Esm {
            batch_size: 100,
            batching_window: SimDuration::from_millis(500),
            batching_window_starts: WindowStart::AfterInvocation,
            max_payload_bytes: 6_291_456,
            payload_encoding_factor: 4.0 / 3.0,
            record_overhead_bytes: 200,
            poller: PollerLimits {
                max_bytes_per_s: 5_000_000,
                max_concurrent_invokes: ConcurrentInvokes::AtMost(5),
            },
            scaler: Scaler::Aws(AwsScaler {
                initial_pollers: 1,
                max_pollers: 4,
                evaluation_interval: SimDuration::from_secs(60),
                evaluation_phase: EvaluationPhase::Random,
                actuation_delay: DelayDistribution::Fixed(SimDuration::from_secs(180)),
                scale_out: ScaleOut {
                    step: ScaleStep::Double,
                    min_lag: 400,
                    only_if_useful: false,
                },
                scale_in: ScaleIn {
                    cooldown: SimDuration::from_secs(600),
                    after_evaluations: 3,
                    max_lag: 400,
                    min_interval: SimDuration::from_secs(300),
                },
                on_throttle: Default::default(),
            }),
            rebalance_pause: SimDuration::from_secs(5),
            on_failure: Default::default(),
            filter: None,
            startup_delay: SimDuration::ZERO,
        },
        function: Function {
            memory: 128,
            architecture: Architecture::X86_64,
            timeout: SimDuration::from_secs(3),
            duration: DurationModel {
                reference_memory: 128,
                per_batch: SimDuration::ZERO,
                per_record: SimDuration::from_millis(1),
                per_kib: SimDuration::ZERO,
                cpu_bound: 0.0,
                threads: 1,
                jitter: Jitter::Fixed,
            },
            errors: Default::default(),
            concurrency: Default::default(),
            cold_start: None,
        },
        pricing: resolve::default_pricing(),
        slo: Slo::default(),
        outputs: Outputs {
            partitions_csv: false,
            charts: true,
            report: true,
        },
    };
    assert_eq!(s, expected);
    assert_eq!(s.pricing.x86_64.len(), 3);
    assert_eq!(s.pricing.arm64[2].up_to_gb_s, None);
}

#[test]
fn every_feature_resolves() {
    let s = load(&fixtures().join("every_feature.yaml"), &[]).unwrap();
    assert_eq!(
        s.topic.keys,
        KeyDistribution::Weights(vec![1.0, 2.0, 3.0, 0.0, 1.5, 1.0])
    );
    assert_eq!(
        s.producer.record_size,
        RecordSize::Lognormal {
            median: 1024,
            p99: 16384
        }
    );
    assert_eq!(s.producer.resolution, SimDuration(500_000));
    assert_eq!(s.esm.batching_window, SimDuration::from_millis(1500));
    assert_eq!(s.esm.max_payload_bytes, 5 * 1024 * 1024);
    assert_eq!(s.esm.poller.max_bytes_per_s, 10_000_000);
    let Scaler::Aws(a) = &s.esm.scaler else {
        panic!("aws expected")
    };
    assert_eq!(
        a.max_pollers, 6,
        "max_pollers is capped at the partition count"
    );
    assert_eq!(
        a.actuation_delay,
        DelayDistribution::Uniform(SimDuration::from_secs(30), SimDuration::from_secs(180))
    );
    assert_eq!(a.scale_out.step, ScaleStep::Multiply(1.5));
    assert_eq!(s.function.duration.per_record, SimDuration(500_000));
    let RateShape::Trace(t) = &s.producer.rate[6] else {
        panic!("trace expected")
    };
    assert_eq!(t.file, "data/small_trace.csv");
    assert_eq!(t.sha256.len(), 64);
    // 18000 records over 30 min = 10/s, times the scale 0.5.
    assert_eq!(t.points[0], (SimDuration::ZERO, 5.0));
    assert_eq!(t.points[3], (SimDuration::from_secs(5400), 7.5));
    assert_eq!(
        s.slo.objectives[0].target,
        crate::scenario::slo::Target::MaxAge(SimDuration::from_secs(60))
    );
}

fn assert_round_trip(s: &Scenario, base_dir: &Path) {
    let yaml = to_yaml(s);
    let back = from_yaml_str(&yaml, base_dir, &[])
        .unwrap_or_else(|e| panic!("explain output does not load: {e}\n{yaml}"));
    assert_eq!(&back, s, "YAML round trip changed the scenario:\n{yaml}");
    assert_eq!(back.hash(), s.hash());
    // The manifest's JSON form is a scenario too.
    let json = serde_json::to_string_pretty(s).unwrap();
    let back = from_yaml_str(&json, base_dir, &[])
        .unwrap_or_else(|e| panic!("JSON form does not load: {e}\n{json}"));
    assert_eq!(&back, s, "JSON round trip changed the scenario:\n{json}");
}

#[test]
fn explain_round_trips_every_fixture_and_bundled_scenario() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut count = 0;
    for dir in [fixtures(), root.join("scenarios")] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
            .collect();
        files.sort();
        for file in files {
            let s = load(&file, &[]).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            assert_round_trip(&s, file.parent().unwrap());
            count += 1;
        }
    }
    assert!(count >= 2, "expected the fixtures to be found");
}

#[test]
fn fixed_policy_and_other_variants_round_trip() {
    let s = with_sets(
        MINIMAL,
        &[
            "esm.scaler={policy: fixed, pollers: 3}",
            "topic.keys={hot: {partitions: 2, factor: 5}}",
            "producer.record_size=2KiB",
            "function.duration.jitter=exponential",
            "esm.batching_window=0",
            "producer.rate.1={points: [[0s, 1], [1m, 2]]}",
        ],
    )
    .unwrap();
    assert_eq!(s.esm.scaler, Scaler::Fixed { pollers: 3 });
    assert_eq!(
        s.topic.keys,
        KeyDistribution::Hot {
            partitions: 2,
            factor: 5.0
        }
    );
    assert_eq!(s.producer.record_size, RecordSize::Fixed(2048));
    assert_eq!(s.function.duration.jitter, Jitter::Exponential);
    assert_eq!(s.esm.batching_window, SimDuration::ZERO);
    assert_eq!(
        s.producer.rate,
        [
            RateShape::Constant(1000.0),
            RateShape::Points(vec![
                (SimDuration::ZERO, 1.0),
                (SimDuration::from_secs(60), 2.0)
            ]),
        ]
    );
    assert_round_trip(&s, &fixtures());
    for (text, step) in [
        ("to_max", ScaleStep::ToMax),
        ("{add: 2}", ScaleStep::Add(2)),
        ("{multiply: 1.5}", ScaleStep::Multiply(1.5)),
        ("double", ScaleStep::Double),
    ] {
        let s = with_sets(MINIMAL, &[&format!("esm.scaler.scale_out.step={text}")]).unwrap();
        let Scaler::Aws(a) = &s.esm.scaler else {
            panic!("aws expected")
        };
        assert_eq!(a.scale_out.step, step, "{text}");
        assert_round_trip(&s, &fixtures());
    }
    let s = with_sets(
        MINIMAL,
        &[
            "topic.keys={zipf: 1.1}",
            "esm.scaler.actuation_delay={fixed: 30s}",
        ],
    )
    .unwrap();
    assert_eq!(s.topic.keys, KeyDistribution::Zipf(1.1));
    let Scaler::Aws(a) = &s.esm.scaler else {
        panic!("aws expected")
    };
    assert_eq!(
        a.actuation_delay,
        DelayDistribution::Fixed(SimDuration::from_secs(30))
    );
    assert_round_trip(&s, &fixtures());
}

#[test]
fn filters_and_start_up_resolve_and_round_trip() {
    let one = with_sets(MINIMAL, &["esm.filter.match=0.25"]).unwrap();
    let f = one.esm.filter.as_ref().unwrap();
    assert_eq!((f.matches.as_slice(), f.listed), ([0.25].as_slice(), false));
    assert!(f.bandwidth_counts_filtered);
    assert_round_trip(&one, &fixtures());
    let two = with_sets(
        MINIMAL,
        &[
            "esm.filter={filters: [{match: 0.1}, {match: 0.05}]}",
            "esm.startup_delay=3m",
            "topic.starting_position=latest",
        ],
    )
    .unwrap();
    let f = two.esm.filter.as_ref().unwrap();
    // OR of independent filters: 1 - 0.9 x 0.95.
    assert!((f.pass_share() - 0.145).abs() < 1e-12);
    assert_eq!(two.esm.startup_delay, SimDuration::from_secs(180));
    assert_eq!(two.topic.starting_position, StartingPosition::Latest);
    assert_round_trip(&two, &fixtures());
    // The options appear in the hash only when used; their assumptions likewise.
    assert_ne!(two.hash(), parse(MINIMAL).unwrap().hash());
    assert!(parse(MINIMAL).unwrap().optional_assumptions().is_empty());
    assert_eq!(two.optional_assumptions().len(), 5);
    let json = serde_json::to_value(&two).unwrap();
    assert_eq!(
        json["esm"]["filter"],
        serde_json::json!({"filters": [{"match": 0.1}, {"match": 0.05}]})
    );
    let ten = with_sets(
        MINIMAL,
        &["esm.filter={filters: [{match: 0.1}, {match: 0.1}, {match: 0.1}, {match: 0.1}, {match: 0.1}, {match: 0.1}], quota_raised: true}"],
    )
    .unwrap();
    assert_eq!(ten.esm.filter.as_ref().unwrap().matches.len(), 6);
    assert_round_trip(&ten, &fixtures());
}

#[test]
fn filter_errors_name_the_field_and_what_is_allowed() {
    let six = "esm.filter={filters: [{match: 0.1}, {match: 0.1}, {match: 0.1}, {match: 0.1}, {match: 0.1}, {match: 0.1}]}";
    assert_has(
        &err_set(&[six]),
        &[
            "esm.filter.filters",
            "a list of 6 filters",
            "1 to 5 (AWS; 10 with `quota_raised: true`)",
        ],
    );
    assert_has(
        &err_set(&["esm.filter.match=1.5"]),
        &["esm.filter.match", "1.5", "a share of records from 0 to 1"],
    );
    assert_has(
        &err_set(&["esm.filter={match: 0.5, filters: [{match: 0.1}]}"]),
        &["esm.filter.filters", "either `match: share`"],
    );
    assert_has(
        &err_set(&["esm.filter={filters: [{}]}"]),
        &["esm.filter.filters[0].match"],
    );
    assert_has(&err_set(&["esm.filter={}"]), &["esm.filter.match"]);
    assert_has(
        &err_set(&["esm.startup_delay=2d"]),
        &["esm.startup_delay", "a duration from `0` to"],
    );
    assert_has(
        &err_set(&["topic.starting_position=earliest"]),
        &["starting_position", "latest"],
    );
}

#[test]
fn on_demand_readings_resolve_print_back_and_round_trip() {
    let s = with_sets(
        MINIMAL,
        &[
            "esm.poller.max_concurrent_invokes=unlimited",
            "esm.batching_window_starts=first_record",
        ],
    )
    .unwrap();
    assert_eq!(
        s.esm.poller.max_concurrent_invokes,
        ConcurrentInvokes::Unlimited
    );
    assert_eq!(s.esm.batching_window_starts, WindowStart::FirstRecord);
    let yaml = to_yaml(&s);
    assert_has(
        &yaml,
        &[
            "max_concurrent_invokes: unlimited",
            "batching_window_starts: first_record",
        ],
    );
    assert_round_trip(&s, &fixtures());
    // The default window start is written by `explain` but left out of the manifest and
    // the hash (they stay as before the option existed); `first_record` is in both.
    let default = parse(MINIMAL).unwrap();
    assert_has(
        &to_yaml(&default),
        &["batching_window_starts: after_invocation"],
    );
    assert!(
        !serde_json::to_string(&default)
            .unwrap()
            .contains("window_starts")
    );
    let first = with_sets(MINIMAL, &["esm.batching_window_starts=first_record"]).unwrap();
    assert!(
        serde_json::to_string(&first)
            .unwrap()
            .contains("\"first_record\"")
    );
    assert_ne!(first.hash(), default.hash());
    let explicit = with_sets(MINIMAL, &["esm.batching_window_starts=after_invocation"]);
    assert_eq!(explicit.unwrap().hash(), default.hash());
    assert_has(
        &err_set(&["esm.poller.max_concurrent_invokes=lots"]),
        &["\"lots\"", "an integer from 1 to 100, or `unlimited`"],
    );
    assert_has(
        &err(&MINIMAL.replace(
            "function:",
            "esm:\n  batching_window_starts: later\nfunction:",
        )),
        &["line 9", "`later`", "after_invocation", "first_record"],
    );
}

#[test]
fn dependent_defaults_follow_their_fields() {
    let s = with_sets(
        MINIMAL,
        &[
            "esm.batch_size=10",
            "topic.partitions=7",
            "function.memory=2048",
        ],
    )
    .unwrap();
    let Scaler::Aws(a) = &s.esm.scaler else {
        panic!()
    };
    assert_eq!(a.max_pollers, 7);
    assert_eq!(a.scale_out.min_lag, 70);
    assert_eq!(a.scale_in.max_lag, 70);
    // Durations stay measured at the file's memory (128 MB here, the default): a memory
    // override means the same handler with more memory.
    assert_eq!(s.function.memory, 2048);
    assert_eq!(s.function.duration.reference_memory, 128);
    let explicit = with_sets(
        MINIMAL,
        &[
            "function.duration.reference_memory=512",
            "function.memory=2048",
        ],
    )
    .unwrap();
    assert_eq!(explicit.function.duration.reference_memory, 512);
    let s = with_sets(MINIMAL, &["esm.scaler.scale_out.min_lag=5"]).unwrap();
    let Scaler::Aws(a) = &s.esm.scaler else {
        panic!()
    };
    assert_eq!(a.scale_in.max_lag, 5);
    // A run shorter than a second samples once per run by default.
    let s = with_sets(MINIMAL, &["duration=500ms"]).unwrap();
    assert_eq!(s.sample_interval, SimDuration::from_millis(500));
}

#[test]
fn max_pollers_is_capped_at_partitions() {
    let s = with_sets(MINIMAL, &["esm.scaler.max_pollers=1000"]).unwrap();
    let Scaler::Aws(a) = &s.esm.scaler else {
        panic!()
    };
    assert_eq!(a.max_pollers, 4);
}

#[test]
fn unknown_fields_are_rejected_at_any_depth_with_line_and_valid_keys() {
    let top = err(&format!("{MINIMAL}colour: blue\n"));
    assert_has(
        &top,
        &["line 11", "unknown field `colour`", "outputs", "producer"],
    );

    let deep = err(&MINIMAL.replace("  partitions: 4\n", "  partitions: 4\n  partitons: 5\n"));
    assert_has(
        &deep,
        &["line 5", "`partitons`", "partitions", "initial_backlog"],
    );

    let item = err(&MINIMAL.replace(
        "- constant: 1000",
        "- constant: 1000\n    - step: {at: 1m, rat: 5}",
    ));
    assert_has(&item, &["line 8", "`rat`", "at", "rate"]);

    let variant = err(&MINIMAL.replace("- constant: 1000", "- constnt: 1000"));
    assert_has(
        &variant,
        &["line 7", "`constnt`", "constant", "ramp", "trace"],
    );

    let scaler = err(&format!(
        "{MINIMAL}esm:\n  scaler:\n    scale_out: {{min_lag: 3, step_size: 2}}\n"
    ));
    assert_has(&scaler, &["line 13", "`step_size`", "min_lag"]);
    assert!(matches!(
        parse(&format!("{MINIMAL}colour: blue\n")),
        Err(ScenarioError::UnknownField { .. })
    ));
}

#[test]
fn invalid_values_name_path_value_allowed_and_line() {
    let e = err(&MINIMAL.replace("partitions: 4", "partitions: 0"));
    assert_eq!(
        e,
        "`topic.partitions` is 0 (line 4), but it must be an integer from 1 to 100000"
    );
    let e = err(&MINIMAL.replace("per_record: 1ms", "per_record: 1ms\n    threads: 9"));
    assert_has(
        &e,
        &["`function.duration.threads`", "9", "line 11", "from 1 to 6"],
    );
    let e = err(&MINIMAL.replace("- constant: 1000", "- constant: 1000\n    - ramp:\n        start: 1h\n        end: 30m\n        from: 0\n        to: 5"));
    assert_has(
        &e,
        &[
            "`producer.rate[1].ramp.end`",
            "`30m`",
            "line 10",
            "later than `start` (`1h`)",
        ],
    );
    let e = err_set(&["topic.partitions=0"]);
    assert_has(
        &e,
        &[
            "`topic.partitions` is 0",
            "set by `--set topic.partitions=0`",
            "1 to 100000",
        ],
    );
}

#[test]
fn non_finite_numbers_are_rejected() {
    let e = err(&MINIMAL.replace("partitions: 4", "partitions: 4\n  keys: {zipf: .nan}"));
    assert_has(&e, &["`topic.keys.zipf` is NaN (line 5)", "> 0"]);
    let e = err(&MINIMAL.replace("constant: 1000", "constant: .inf"));
    assert_has(
        &e,
        &["`producer.rate[0].constant` is inf (line 7)", "finite"],
    );
}

#[test]
fn type_errors_and_unit_errors_quote_the_line() {
    let e = err(&MINIMAL.replace("duration: 10m", "duration: 10"));
    assert_has(&e, &["line 2", "no unit", "10s"]);
    let e = err(&MINIMAL.replace("partitions: 4", "partitions: four"));
    assert_has(&e, &["line 4"]);
    let e = err(&MINIMAL.replace("per_record: 1ms", "per_record: 1 parsec"));
    assert_has(&e, &["line 10", "not a duration"]);
    let e = err_set(&["producer.record_size=lots"]);
    assert_has(&e, &["producer.record_size=lots", "not a size"]);
}

#[test]
fn missing_required_fields_are_named() {
    assert_has(
        &err(&MINIMAL.replace("name: minimal\n", "")),
        &["missing required `name`"],
    );
    assert_has(
        &err(&MINIMAL.replace("duration: 10m\n", "")),
        &["missing required `duration`"],
    );
    assert_has(
        &err(&MINIMAL.replace("  partitions: 4\n", "  initial_backlog: 3\n")),
        &["missing required `topic.partitions` (in the block at line 3)"],
    );
    assert_has(
        &err_set(&["producer.rate="]),
        &["missing required `producer.rate`"],
    );
    assert_has(
        &err_set(&["function.duration="]),
        &["missing required `function.duration`"],
    );
    assert_has(
        &err_set(&["esm.scaler.policy=fixed"]),
        &["missing required `esm.scaler.pollers`", "policy: fixed"],
    );
    assert_has(
        &err_set(&["pricing.x86_64=[{up_to_gb_s: 5, usd_per_gb_s: 1}, {}]"]),
        &["missing required `pricing.x86_64[1].usd_per_gb_s`"],
    );
}

#[test]
fn empty_and_malformed_yaml_are_errors() {
    assert_has(&err(""), &["empty"]);
    assert_has(&err("# only a comment\n"), &["empty"]);
    assert_has(&err("name: [x\n"), &["line 1"]);
    assert_has(&err("- a\n- b\n"), &["line 1"]);
    assert_has(&err("name: x\nname: y\n"), &["duplicate"]);
    // A bare scalar is not a scenario: the error says a map is expected, where, and quotes
    // the line.
    assert_has(
        &err("just a string"),
        &[
            "line 1 column 1: expected a map (`key: value` entries)",
            "1 | just a string",
        ],
    );
}

#[test]
fn range_checks() {
    let cases: &[(&str, &[&str])] = &[
        ("name=a/b", &["`name`", "\"a/b\"", "A-Z"]),
        ("name=..", &["`name`"]),
        ("duration=0", &["`duration`", "1ms", "366 days"]),
        ("duration=367d", &["`duration`", "366 days"]),
        ("sample_interval=0", &["`sample_interval`"]),
        (
            "sample_interval=20m",
            &["`sample_interval`", "`20m`", "10m"],
        ),
        ("topic.partitions=100001", &["`topic.partitions`", "100001"]),
        (
            "topic.initial_backlog=-1",
            &["`topic.initial_backlog` is -1", "from 0 to"],
        ),
        ("topic.keys={zipf: 0}", &["`topic.keys.zipf`", "> 0"]),
        ("topic.keys={zipf: .nan}", &["non-finite"]),
        (
            "topic.keys={hot: {partitions: 5, factor: 2}}",
            &["`topic.keys.hot.partitions` is 5", "`topic.partitions` (4)"],
        ),
        (
            "topic.keys={hot: {partitions: 1, factor: 0}}",
            &["`topic.keys.hot.factor`"],
        ),
        (
            "topic.keys={weights: [1, 2, 3]}",
            &[
                "`topic.keys.weights`",
                "3 weights",
                "exactly `topic.partitions` (4)",
            ],
        ),
        (
            "topic.keys={weights: [1, 2, 3, -1]}",
            &["`topic.keys.weights[3]` is -1", ">= 0"],
        ),
        (
            "topic.keys={weights: [0, 0, 0, 0]}",
            &["`topic.keys.weights`", "sum > 0"],
        ),
        (
            "producer.record_size=0",
            &["`producer.record_size`", "1 bytes", "6MiB"],
        ),
        (
            "producer.record_size=7MiB",
            &[
                "`producer.record_size` is `7MiB` (7340032 bytes)",
                "6MiB (6291456 bytes)",
            ],
        ),
        (
            "producer.record_size={lognormal: {median: 2KiB, p99: 1KiB}}",
            &[
                "`producer.record_size.lognormal.p99`",
                "greater than `median`",
            ],
        ),
        (
            "producer.record_size={fixed: 0}",
            &["`producer.record_size.fixed`"],
        ),
        (
            "producer.resolution=2s",
            &["`producer.resolution`", "`1us` to `1s`"],
        ),
        ("producer.resolution=100ns", &["`producer.resolution`"]),
        (
            "producer.rate=[]",
            &["`producer.rate` is an empty list", "non-empty"],
        ),
        (
            "producer.rate.0.constant=-1",
            &["`producer.rate[0].constant` is -1", ">= 0"],
        ),
        (
            "producer.rate.1={step: {at: 1m, rate: -5}}",
            &["`producer.rate[1].step.rate`"],
        ),
        (
            "producer.rate.1={spike: {at: 1m, duration: 0, rate: 5}}",
            &["`producer.rate[1].spike.duration`"],
        ),
        (
            "producer.rate.1={ramp: {start: 1m, end: 1m, from: 0, to: 5}}",
            &["`producer.rate[1].ramp.end`", "later than `start`"],
        ),
        (
            "producer.rate.1={diurnal: {period: 0s, amplitude: 5}}",
            &["`producer.rate[1].diurnal.period`"],
        ),
        (
            "producer.rate.1={points: []}",
            &["`producer.rate[1].points`", "non-empty"],
        ),
        (
            "producer.rate.1={points: [[1m, 1], [1m, 2]]}",
            &["`producer.rate[1].points[1]`", "strictly increase"],
        ),
        (
            "producer.rate.1={points: [[1m, -1]]}",
            &["`producer.rate[1].points[0]`", ">= 0"],
        ),
        (
            "producer.rate.1={trace: {file: nope.csv}}",
            &["producer.rate[1].trace", "nope.csv", "cannot read"],
        ),
        (
            "producer.rate.1={trace: {file: data/small_trace.csv, sha256: abc}}",
            &["`producer.rate[1].trace.sha256` is abc", "the file changed"],
        ),
        (
            "producer.rate.1={trace: {file: data/small_trace.csv, scale: -1}}",
            &["`producer.rate[1].trace.scale`"],
        ),
        ("esm.batch_size=0", &["`esm.batch_size` is 0", "1 to 10000"]),
        ("esm.batch_size=10001", &["`esm.batch_size`"]),
        (
            "esm.batching_window=301s",
            &["`esm.batching_window`", "`0` to `5m`"],
        ),
        ("esm.max_payload=100", &["`esm.max_payload`", "1KiB"]),
        ("esm.max_payload=7MiB", &["`esm.max_payload`"]),
        (
            "esm.payload_encoding_factor=0.5",
            &["`esm.payload_encoding_factor`", "from 1 to 4"],
        ),
        ("esm.record_overhead=2MiB", &["`esm.record_overhead`"]),
        (
            "esm.rebalance_pause=11m",
            &["`esm.rebalance_pause`", "`10m`"],
        ),
        (
            "esm.poller.max_bytes_per_s=0",
            &["`esm.poller.max_bytes_per_s`"],
        ),
        (
            "esm.poller.max_concurrent_invokes=101",
            &[
                "`esm.poller.max_concurrent_invokes`",
                "1 to 100, or `unlimited`",
            ],
        ),
        (
            "esm.scaler.policy=manual",
            &["unknown variant `manual`", "aws", "fixed"],
        ),
        (
            "esm.scaler.pollers=2",
            &["`esm.scaler.pollers`", "only valid with `policy: fixed`"],
        ),
        (
            "esm.scaler={policy: fixed, pollers: 5}",
            &["`esm.scaler.pollers` is 5", "`topic.partitions` (4)"],
        ),
        (
            "esm.scaler={policy: fixed, pollers: 2, initial_pollers: 1}",
            &[
                "`esm.scaler.initial_pollers`",
                "only valid with `policy: aws`",
            ],
        ),
        (
            "esm.scaler.initial_pollers=5",
            &[
                "`esm.scaler.initial_pollers` is 5",
                "at most `max_pollers` (4",
            ],
        ),
        (
            "esm.scaler.initial_pollers=0",
            &["`esm.scaler.initial_pollers`", ">= 1"],
        ),
        ("esm.scaler.max_pollers=0", &["`esm.scaler.max_pollers`"]),
        (
            "esm.scaler.evaluation_interval=500ms",
            &["`esm.scaler.evaluation_interval`", "`1s` to `1h`"],
        ),
        (
            "esm.scaler.actuation_delay=2h",
            &["`esm.scaler.actuation_delay`"],
        ),
        (
            "esm.scaler.actuation_delay={uniform: [3m, 30s]}",
            &["`esm.scaler.actuation_delay.uniform`", "low <= high"],
        ),
        (
            "esm.scaler.actuation_delay={normal: 3m}",
            &["unknown variant `normal`", "uniform"],
        ),
        (
            "esm.scaler.scale_out.step={add: 0}",
            &["`esm.scaler.scale_out.step.add` is 0"],
        ),
        (
            "esm.scaler.scale_out.step={multiply: 1}",
            &["`esm.scaler.scale_out.step.multiply`", "> 1"],
        ),
        (
            "esm.scaler.scale_out.min_lag=-1",
            &["`esm.scaler.scale_out.min_lag`"],
        ),
        (
            "esm.scaler.scale_in.after_evaluations=0",
            &["`esm.scaler.scale_in.after_evaluations`"],
        ),
        (
            "esm.scaler.scale_in.max_lag=-3",
            &["`esm.scaler.scale_in.max_lag`"],
        ),
        (
            "function.memory=64",
            &["`function.memory` is 64", "128 to 10240"],
        ),
        ("function.memory=10241", &["`function.memory`"]),
        (
            "function.architecture=risc-v",
            &["unknown variant", "arm64"],
        ),
        ("function.timeout=841s", &["`function.timeout`", "`14m`"]),
        ("function.timeout=0", &["`function.timeout`"]),
        (
            "function.duration.reference_memory=100",
            &["`function.duration.reference_memory`"],
        ),
        (
            "function.duration.per_record=0",
            &["`function.duration`", "at least one"],
        ),
        (
            "function.duration.cpu_bound=1.5",
            &["`function.duration.cpu_bound`", "0 to 1"],
        ),
        (
            "function.duration.threads=0",
            &["`function.duration.threads`"],
        ),
        (
            "function.duration.jitter={lognormal: {sigma: 4}}",
            &["`function.duration.jitter.lognormal.sigma`", "0 to 3"],
        ),
        (
            "pricing.request_per_million=-1",
            &["`pricing.request_per_million`"],
        ),
        (
            "pricing.month_to_date_gb_s=-1",
            &["`pricing.month_to_date_gb_s`"],
        ),
        ("pricing.arm64=[]", &["`pricing.arm64`", "non-empty"]),
        (
            "pricing.arm64=[{up_to_gb_s: 5, usd_per_gb_s: 1}]",
            &["`pricing.arm64[0].up_to_gb_s`", "last tier"],
        ),
        (
            "pricing.arm64=[{up_to_gb_s: 5, usd_per_gb_s: 1}, {up_to_gb_s: 5, usd_per_gb_s: 1}, {usd_per_gb_s: 1}]",
            &["`pricing.arm64[1].up_to_gb_s`", "previous tier"],
        ),
        (
            "pricing.arm64=[{usd_per_gb_s: -1}]",
            &["`pricing.arm64[0].usd_per_gb_s`"],
        ),
        ("slo.max_age=0", &["`slo.max_age`"]),
        ("outputs.charts=maybe", &["outputs.charts=maybe"]),
    ];
    let mut failures = Vec::new();
    for (set, needles) in cases {
        match with_sets(MINIMAL, &[set]) {
            Ok(_) => failures.push(format!("`--set {set}` should be rejected")),
            Err(e) => {
                let message = e.to_string();
                for n in *needles {
                    if !message.contains(n) {
                        failures.push(format!("`{n}` not in: {message}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn valid_edges_are_accepted() {
    for set in [
        "topic.partitions=100000",
        "esm.batch_size=10000",
        "esm.batching_window=300s",
        "esm.max_payload=6MiB",
        "esm.scaler.actuation_delay={uniform: [30s, 30s]}",
        "function.memory=10240",
        "function.timeout=840s",
        "producer.resolution=1us",
        "producer.record_size=6MiB",
        "topic.keys={hot: {partitions: 4, factor: 5}}",
        "sample_interval=10m",
        "duration=366d",
        "producer.rate.1={ramp: {start: 0, end: 1m, from: -5, to: 5}}",
    ] {
        if let Err(e) = with_sets(MINIMAL, &[set]) {
            panic!("`--set {set}` should be accepted: {e}");
        }
    }
}

#[test]
fn load_names_the_file() {
    let missing = fixtures().join("no_such_file.yaml");
    let e = load(&missing, &[]).unwrap_err();
    assert!(matches!(e, ScenarioError::Io { .. }));
    assert_has(&e.to_string(), &["no_such_file.yaml"]);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.yaml");
    std::fs::write(&file, MINIMAL.replace("partitions: 4", "partitions: -4")).unwrap();
    let e = load(&file, &[]).unwrap_err().to_string();
    assert_has(&e, &["bad.yaml", "`topic.partitions` is -4 (line 4)"]);
    std::fs::write(&file, format!("{MINIMAL}bogus: 1\n")).unwrap();
    let e = load(&file, &[]).unwrap_err().to_string();
    assert_has(&e, &["bad.yaml:11", "bogus"]);
}

#[test]
fn hash_is_stable_and_sensitive() {
    let a = parse(MINIMAL).unwrap();
    let b = parse(MINIMAL).unwrap();
    assert_eq!(a.hash(), b.hash());
    assert_eq!(a.hash().len(), 64);
    assert!(a.hash().chars().all(|c| c.is_ascii_hexdigit()));
    let c = with_sets(MINIMAL, &["seed=2"]).unwrap();
    assert_ne!(a.hash(), c.hash());
}

#[test]
fn overrides_apply_to_the_file_values() {
    let s = with_sets(
        MINIMAL,
        &[
            "topic.partitions=48",
            "esm.scaler.actuation_delay={uniform: [30s, 180s]}",
            "producer.rate.0.constant=5000",
        ],
    )
    .unwrap();
    assert_eq!(s.topic.partitions, 48);
    assert_eq!(s.producer.rate[0], RateShape::Constant(5000.0));
    let e = err_set(&[
        "topic.keys={hot: {partitions: 1, factor: 2}}",
        "topic.keys.zipf=1.2",
    ]);
    assert_has(
        &e,
        &[
            "`topic.keys` holds exactly one form",
            "--set topic.keys={zipf: 1.2}",
        ],
    );
    // Absent, the one-key map is created.
    let s = with_sets(MINIMAL, &["topic.keys.zipf=1.2"]).unwrap();
    assert_eq!(s.topic.keys, KeyDistribution::Zipf(1.2));
    let e = err_set(&["topic.keys=uniform", "topic.keys.zipf=1.2"]);
    assert_has(
        &e,
        &[
            "`topic.keys` is a string (`uniform`)",
            "--set topic.keys=<value>",
        ],
    );
    let e = err_set(&["topic.partitionz=4"]);
    assert_has(
        &e,
        &[
            "topic.partitionz=4",
            "partitionz",
            "partitions",
            "keys",
            "initial_backlog",
        ],
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = from_yaml_str(&text, Path::new("."), &[]);
    }

    #[test]
    fn yaml_like_text_never_panics(text in "([a-z_]{1,8}: ?[-0-9a-z.{}\\[\\], ]{0,12}\n {0,4}-? ?){0,12}") {
        let _ = from_yaml_str(&text, Path::new("."), &[]);
    }

    #[test]
    fn mutated_scenarios_never_panic(pos in 0usize..200, insert in "[\\PC\n]{0,6}") {
        let mut text: Vec<char> = MINIMAL.chars().collect();
        let at = pos.min(text.len());
        text.splice(at..at, insert.chars());
        let text: String = text.into_iter().collect();
        let _ = from_yaml_str(&text, Path::new("."), &[]);
    }

    #[test]
    fn arbitrary_overrides_never_panic(set in "[a-z_.0-9]{0,20}=?[\\PC]{0,20}") {
        let _ = with_sets(MINIMAL, &[&set]);
    }
}

#[test]
fn provisioned_mode_keeps_aws_per_poller_invokes_and_window_start() {
    let provisioned = "esm.mode=provisioned";
    for (set, needles) in [
        (
            "esm.poller.max_concurrent_invokes=unlimited",
            ["`esm.poller.max_concurrent_invokes` is unlimited", "1 to 5"],
        ),
        (
            "esm.poller.max_concurrent_invokes=6",
            ["`esm.poller.max_concurrent_invokes` is 6", "1 to 5"],
        ),
        (
            "esm.batching_window_starts=first_record",
            ["`esm.batching_window_starts`", "`after_invocation`"],
        ),
    ] {
        assert_has(&err_set(&[provisioned, set]), &needles);
        // The same values are fine on demand.
        with_sets(MINIMAL, &[set]).unwrap_or_else(|e| panic!("{set}: {e}"));
    }
    let ok = with_sets(
        MINIMAL,
        &[provisioned, "esm.poller.max_concurrent_invokes=3"],
    )
    .expect("fewer invokes than AWS's 5 is a valid what-if");
    assert_eq!(
        ok.esm.poller.max_concurrent_invokes,
        crate::scenario::ConcurrentInvokes::AtMost(3)
    );
}
