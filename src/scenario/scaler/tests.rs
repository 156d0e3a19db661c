//! Tests of the policy tag: the tag is read first, each policy rejects the others' fields
//! with the line, and overrides go through the same checks.

use std::path::Path;

use crate::scenario::{Scaler, ScenarioError, from_yaml_str};

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
