//! Tests of `function.concurrency`, `function.cold_start`, `esm.scaler.on_throttle` and
//! `pricing.provisioned_concurrency`: defaults, checks, error messages and the `explain`
//! round trip.

use std::path::Path;

use super::*;

const BASE: &str = "\
name: limits
duration: 10m
topic: {partitions: 4}
producer: {rate: [{constant: 1000}]}
function:
  duration: {per_record: 1ms}
";

fn with_sets(sets: &[&str]) -> Result<Scenario, ScenarioError> {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    from_yaml_str(BASE, Path::new("."), &sets)
}

fn err_set(sets: &[&str]) -> String {
    with_sets(sets).expect_err("should fail").to_string()
}

fn assert_round_trip(s: &Scenario) {
    let yaml = to_yaml(s);
    let back = from_yaml_str(&yaml, Path::new("."), &[])
        .unwrap_or_else(|e| panic!("explain output does not load: {e}\n{yaml}"));
    assert_eq!(&back, s, "YAML round trip changed the scenario:\n{yaml}");
    let json = serde_json::to_string_pretty(s).unwrap();
    let back = from_yaml_str(&json, Path::new("."), &[])
        .unwrap_or_else(|e| panic!("JSON form does not load: {e}\n{json}"));
    assert_eq!(&back, s, "JSON round trip changed the scenario:\n{json}");
}

#[test]
fn the_defaults_are_aws_limits_without_environments_and_stay_out_of_the_manifest() {
    let s = with_sets(&[]).unwrap();
    let c = &s.function.concurrency;
    assert_eq!((c.reserved, c.account_limit), (None, 1000));
    assert!(c.other_functions.is_empty());
    assert_eq!(c.scaling_rate.environments, 1000);
    assert_eq!(c.scaling_rate.per, SimDuration::from_secs(10));
    assert_eq!(c.throttle_backoff, SimDuration::from_secs(1));
    assert_eq!(s.function.cold_start, None);
    let Scaler::Aws(aws) = &s.esm.scaler else {
        panic!("aws is the default policy")
    };
    assert_eq!(aws.on_throttle.factor, 0.5);
    // None of the new blocks appears in the manifest or in `explain` at its defaults.
    let json = serde_json::to_string(&s).unwrap();
    let yaml = to_yaml(&s);
    for key in [
        "concurrency",
        "cold_start",
        "on_throttle",
        "provisioned_concurrency",
    ] {
        assert!(!json.contains(key), "{key} in {json}");
        assert!(!yaml.contains(key), "{key} in {yaml}");
    }
}

#[test]
fn every_setting_resolves_and_round_trips() {
    let s = with_sets(&[
        "function.concurrency={reserved: 50, account_limit: 3000, other_functions: [{constant: 100}, {spike: {at: 1m, duration: 5m, rate: 2000}}], scaling_rate: {environments: 500, per: 10s}, throttle_backoff: 250ms}",
        "function.cold_start={init: {runtime: java}, keep_warm: 5min, bill_init: false, provisioned_concurrency: 20}",
        "esm.scaler.on_throttle.factor=0.25",
        "pricing.provisioned_concurrency.arm64.usd_per_gb_s=0.000004",
    ])
    .unwrap();
    let c = &s.function.concurrency;
    assert_eq!((c.reserved, c.account_limit), (Some(50), 3000));
    assert_eq!(c.other_functions.len(), 2);
    assert_eq!(c.scaling_rate.environments, 500);
    assert_eq!(c.throttle_backoff, SimDuration::from_millis(250));
    let cold = s.function.cold_start.as_ref().unwrap();
    assert_eq!(cold.init, InitDuration::Runtime(Runtime::Java));
    assert_eq!(
        cold.init.lognormal(),
        Some((
            SimDuration::from_millis(3500),
            SimDuration::from_millis(8000)
        ))
    );
    assert_eq!(
        (cold.keep_warm, cold.bill_init, cold.provisioned_concurrency),
        (SimDuration::from_secs(300), false, 20)
    );
    assert_eq!(
        s.pricing.provisioned_concurrency.arm64.usd_per_gb_s,
        0.000004
    );
    assert_round_trip(&s);
    for init in [
        "800ms",
        "{fixed: 2s}",
        "{lognormal: {median: 300ms, p99: 1s}}",
    ] {
        let s = with_sets(&[&format!("function.cold_start.init={init}")]).unwrap();
        assert_round_trip(&s);
    }
}

#[test]
fn limits_are_checked_with_what_is_allowed() {
    let cases: &[(&str, &[&str])] = &[
        (
            "function.concurrency.reserved=901",
            &[
                "`function.concurrency.reserved` is 901",
                "from 0 to 900",
                "100 of the account limit (1000) unreserved",
            ],
        ),
        (
            "function.concurrency={account_limit: 500, reserved: 450}",
            &["from 0 to 400"],
        ),
        (
            "function.concurrency.account_limit=99",
            &["`function.concurrency.account_limit` is 99", "100"],
        ),
        (
            "function.concurrency.other_functions=[{constant: -5}]",
            &["`function.concurrency.other_functions[0].constant`"],
        ),
        (
            "function.concurrency.scaling_rate.environments=0",
            &["`function.concurrency.scaling_rate.environments` is 0"],
        ),
        (
            "function.concurrency.throttle_backoff=0s",
            &["`function.concurrency.throttle_backoff`"],
        ),
        (
            "function.cold_start={keep_warm: 5min}",
            &["`function.cold_start.init`", "{runtime: java}"],
        ),
        (
            "function.cold_start.init=11s",
            &["`function.cold_start.init`", "`11s`", "10s"],
        ),
        (
            "function.cold_start.init={lognormal: {median: 1s, p99: 500ms}}",
            &[
                "`function.cold_start.init.lognormal.p99`",
                "longer than `median`",
            ],
        ),
        ("function.cold_start.init={runtime: cobol}", &["cobol"]),
        (
            "function.cold_start={init: 1s, provisioned_concurrency: 901}",
            &[
                "`function.cold_start.provisioned_concurrency` is 901",
                "from 0 to 900",
            ],
        ),
        (
            "function.concurrency.reserved=10",
            // Only with a provisioned concurrency above it: see the next case.
            &[],
        ),
        (
            "esm.scaler.on_throttle.factor=1",
            &["`esm.scaler.on_throttle.factor` is 1", "under 1"],
        ),
        (
            "pricing.provisioned_concurrency.x86_64.usd_per_gb_s=-1",
            &["`pricing.provisioned_concurrency.x86_64.usd_per_gb_s`"],
        ),
    ];
    for (set, needles) in cases {
        if needles.is_empty() {
            assert!(with_sets(&[set]).is_ok(), "{set}");
            continue;
        }
        let message = err_set(&[set]);
        for n in *needles {
            assert!(message.contains(n), "{set}: `{n}` not in: {message}");
        }
    }
    let message = err_set(&[
        "function.concurrency.reserved=10",
        "function.cold_start={init: 1s, provisioned_concurrency: 11}",
    ]);
    assert!(message.contains("from 0 to 10"), "{message}");
}
