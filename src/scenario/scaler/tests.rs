//! Tests of the policy tag: the tag is read first, each policy rejects the others' fields
//! with the line, and overrides go through the same checks.

use std::path::Path;

use crate::engine::time::SimDuration;
use crate::scenario::scaler::keda::KedaScaler;
use crate::scenario::{Scaler, ScenarioError, from_yaml_str, to_yaml};

const BASE: &str = "\
name: t
duration: 1h
topic: {partitions: 4}
producer: {rate: [{constant: 100}]}
function: {duration: {per_batch: 10ms}}
";

fn parse(esm: &str, sets: &[&str]) -> Result<Scaler, ScenarioError> {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    from_yaml_str(&format!("{BASE}{esm}"), Path::new("."), &sets).map(|s| s.esm.scaler)
}

fn err(esm: &str, sets: &[&str]) -> String {
    parse(esm, sets).expect_err("should fail").to_string()
}

#[test]
fn the_policy_selects_its_own_settings() {
    let fixed = parse("esm:\n  scaler:\n    policy: fixed\n    pollers: 2\n", &[]).unwrap();
    assert_eq!(fixed, Scaler::Fixed { pollers: 2 });
    let aws = parse(
        "esm:\n  scaler:\n    max_pollers: 3\n    policy: aws\n",
        &[],
    )
    .unwrap();
    let Scaler::Aws(a) = aws else {
        panic!("{aws:?}")
    };
    assert_eq!(a.max_pollers, 3);
}

#[test]
fn a_field_of_another_policy_names_the_field_both_policies_and_the_line() {
    let e = err(
        "esm:\n  scaler:\n    policy: fixed\n    pollers: 2\n    max_pollers: 3\n",
        &[],
    );
    assert!(
        e.contains("`esm.scaler.max_pollers` (line 10) is only valid with `policy: aws`")
            && e.contains("the policy here is `fixed`; its fields are `policy`, `pollers`"),
        "{e}"
    );
    let e = err("esm:\n  scaler:\n    pollers: 2\n", &[]);
    assert!(
        e.contains("`esm.scaler.pollers` (line 8) is only valid with `policy: fixed`")
            && e.contains("`aws`, the default")
            && e.contains("`max_pollers`"),
        "{e}"
    );
    let e = err(
        "esm:\n  scaler:\n    max_pollers: 3\n    policy: fixed\n",
        &[],
    );
    assert!(
        e.contains("`esm.scaler.policy` (line 9) is `fixed`") && e.contains("write `policy` first"),
        "{e}"
    );
}

#[test]
fn unknown_fields_and_policies_list_what_is_valid() {
    let e = err("esm:\n  scaler: {policy: fixed, polers: 2}\n", &[]);
    assert!(
        e.contains("unknown field `polers`") && e.contains("pollers"),
        "{e}"
    );
    assert!(matches!(
        parse("esm:\n  scaler: {policy: fixed, polers: 2}\n", &[]),
        Err(ScenarioError::UnknownField { .. })
    ));
    let e = err("esm:\n  scaler: {policy: manual}\n", &[]);
    assert!(
        e.contains("unknown variant `manual`") && e.contains("line 7"),
        "{e}"
    );
    let e = err("esm:\n  scaler: {policy: aws, policy: aws}\n", &[]);
    assert!(e.contains("policy"), "{e}");
}

#[test]
fn overrides_go_through_the_policy_types() {
    let s = parse("", &["esm.scaler.max_pollers=3"]).unwrap();
    assert!(
        matches!(s, Scaler::Aws(ref a) if a.max_pollers == 3),
        "{s:?}"
    );
    let s = parse("", &["esm.scaler={policy: fixed, pollers: 2}"]).unwrap();
    assert_eq!(s, Scaler::Fixed { pollers: 2 });
    let s = parse(
        "esm: {scaler: {policy: fixed, pollers: 1}}\n",
        &["esm.scaler.pollers=3"],
    )
    .unwrap();
    assert_eq!(s, Scaler::Fixed { pollers: 3 });
    let e = err(
        "esm: {scaler: {policy: fixed, pollers: 1}}\n",
        &["esm.scaler.max_pollers=3"],
    );
    assert!(
        e.contains("--set esm.scaler.max_pollers=3")
            && e.contains("`esm.scaler.max_pollers` is only valid with `policy: aws`"),
        "{e}"
    );
    assert!(matches!(
        parse("", &["esm.scaler.pollers=3"]),
        Err(ScenarioError::Override { .. })
    ));
}

#[test]
fn keda_fills_the_keda_and_hpa_defaults_and_caps_max_pollers_at_partitions() {
    let s = parse("esm:\n  scaler: {policy: keda}\n", &[]).unwrap();
    assert_eq!(
        s,
        Scaler::Keda(KedaScaler {
            lag_threshold: 10,
            activation_lag_threshold: 0,
            allow_idle_consumers: false,
            polling_interval: SimDuration::from_secs(30),
            tolerance: 0.1,
            scale_down_stabilization: SimDuration::from_secs(300),
            min_pollers: 1,
            // KEDA's 100, capped at the 4 partitions.
            max_pollers: 4,
            actuation_delay: SimDuration::from_secs(20),
        })
    );
    let s = parse(
        "esm:\n  scaler:\n    policy: keda\n    lag_threshold: 500\n    activation_lag_threshold: 20\n    allow_idle_consumers: true\n    polling_interval: 15s\n    tolerance: 0\n    scale_down_stabilization: 0s\n    min_pollers: 2\n    max_pollers: 3\n    actuation_delay: 1m\n",
        &[],
    )
    .unwrap();
    assert_eq!(
        s,
        Scaler::Keda(KedaScaler {
            lag_threshold: 500,
            activation_lag_threshold: 20,
            allow_idle_consumers: true,
            polling_interval: SimDuration::from_secs(15),
            tolerance: 0.0,
            scale_down_stabilization: SimDuration::ZERO,
            min_pollers: 2,
            max_pollers: 3,
            actuation_delay: SimDuration::from_secs(60),
        })
    );
}

#[test]
fn keda_rejects_out_of_range_settings_naming_field_value_and_range() {
    let cases = [
        (
            "lag_threshold: 0",
            "`esm.scaler.lag_threshold`",
            "an integer >= 1",
        ),
        (
            "min_pollers: 0",
            "`esm.scaler.min_pollers`",
            "an integer >= 1",
        ),
        (
            "min_pollers: 5",
            "`esm.scaler.min_pollers`",
            "at most `max_pollers` (4, which is capped at the partition count)",
        ),
        (
            "tolerance: 1",
            "`esm.scaler.tolerance`",
            "a number from 0 to under 1",
        ),
        (
            "tolerance: -0.1",
            "`esm.scaler.tolerance`",
            "a number from 0 to under 1",
        ),
        (
            "polling_interval: 0s",
            "`esm.scaler.polling_interval`",
            "from `1s`",
        ),
        (
            "scale_down_stabilization: 2h",
            "`esm.scaler.scale_down_stabilization`",
            "to `1h`",
        ),
        (
            "activation_lag_threshold: -1",
            "`esm.scaler.activation_lag_threshold`",
            "an integer >= 0",
        ),
    ];
    for (field, path, allowed) in cases {
        let e = err(
            &format!("esm:\n  scaler:\n    policy: keda\n    {field}\n"),
            &[],
        );
        assert!(
            e.contains(path) && e.contains(allowed) && e.contains("line 9"),
            "{field}: {e}"
        );
    }
}

#[test]
fn keda_and_legacy_reject_each_others_fields() {
    // An aws field with keda: both policies that have it are named.
    let e = err(
        "esm:\n  scaler:\n    policy: keda\n    initial_pollers: 2\n",
        &[],
    );
    assert!(
        e.contains("`esm.scaler.initial_pollers` (line 9) is only valid with `policy: aws` or `policy: legacy`")
            && e.contains("the policy here is `keda`; its fields are `policy`, `lag_threshold`"),
        "{e}"
    );
    // A field of three policies, given to fixed.
    let e = err(
        "esm:\n  scaler: {policy: fixed, pollers: 1, max_pollers: 2}\n",
        &[],
    );
    assert!(
        e.contains("only valid with `policy: aws`, `policy: keda` or `policy: legacy`"),
        "{e}"
    );
    let e = err("esm:\n  scaler: {policy: legacy, lag_threshold: 5}\n", &[]);
    assert!(
        e.contains("`esm.scaler.lag_threshold` (line 7) is only valid with `policy: keda`")
            && e.contains(
                "the policy here is `legacy`; its fields are `policy`, `initial_pollers`"
            ),
        "{e}"
    );
    let e = err("esm:\n  scaler: {policy: keda, lag_treshold: 5}\n", &[]);
    assert!(
        e.contains("unknown field `lag_treshold`") && e.contains("lag_threshold"),
        "{e}"
    );
    let e = err("esm:\n  scaler: {policy: hpa}\n", &[]);
    assert!(
        e.contains("unknown variant `hpa`") && e.contains("keda") && e.contains("legacy"),
        "{e}"
    );
}

#[test]
fn keda_and_legacy_are_selected_by_overrides() {
    let s = parse(
        "",
        &["esm.scaler.policy=keda", "esm.scaler.lag_threshold=50"],
    )
    .unwrap();
    assert!(
        matches!(s, Scaler::Keda(ref k) if k.lag_threshold == 50),
        "{s:?}"
    );
    let s = parse("", &["esm.scaler.policy=legacy"]).unwrap();
    let Scaler::Legacy(a) = s else {
        panic!("{s:?}")
    };
    // Half of the 4 partitions, every 15 minutes.
    assert_eq!(
        (a.initial_pollers, a.evaluation_interval),
        (2, SimDuration::from_secs(900))
    );
}

#[test]
fn explain_writes_every_keda_and_legacy_field_and_reads_back() {
    for (esm, fields) in [
        (
            "esm: {scaler: {policy: keda, tolerance: 0.25}}\n",
            &[
                "policy: keda",
                "lag_threshold: 10",
                "activation_lag_threshold: 0",
                "allow_idle_consumers: false",
                "polling_interval: 30s",
                "tolerance: 0.25",
                "scale_down_stabilization: 5m",
                "min_pollers: 1",
                "max_pollers: 4",
                "actuation_delay: 20s",
            ][..],
        ),
        (
            "esm: {scaler: {policy: legacy}}\n",
            &[
                "policy: legacy",
                "initial_pollers: 2",
                "max_pollers: 4",
                "evaluation_interval: 15m",
                "actuation_delay: 3m",
                "step: double",
                "cooldown: 10m",
            ][..],
        ),
    ] {
        let s = from_yaml_str(&format!("{BASE}{esm}"), Path::new("."), &[]).unwrap();
        let yaml = to_yaml(&s);
        for field in fields {
            assert!(yaml.contains(field), "{field} missing from\n{yaml}");
        }
        assert_eq!(from_yaml_str(&yaml, Path::new("."), &[]).unwrap(), s);
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(from_yaml_str(&json, Path::new("."), &[]).unwrap(), s);
    }
}
