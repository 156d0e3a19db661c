//! `--set path=value` overrides, applied to the raw scenario before it is resolved.
//!
//! The path is dotted keys, with numbers for list indices (`producer.rate.0.constant`);
//! the value is a YAML flow value (`48`, `30s`, `{uniform: [30s, 180s]}`, `[1, 2]`, or
//! empty/`null` to go back to the default). Missing intermediate maps are created; an
//! index equal to a list's length appends. The raw scenario goes to JSON, is edited, and
//! comes back through the raw types, so an unknown key is rejected with the list of the
//! valid keys at its level.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::error::ScenarioError;
use super::raw::RawScenario;
use super::resolve::AppliedOverride;

/// Splits `path=value` into checked path segments and the value text.
fn split(set: &str) -> Result<(Vec<String>, &str), ScenarioError> {
    let bad = |message: String| ScenarioError::Override {
        set: set.to_string(),
        message,
    };
    let Some((path, value)) = set.split_once('=') else {
        return Err(bad(
            "expected `path=value`, e.g. `topic.partitions=48` or `producer.rate.0.constant=5000`"
                .to_string(),
        ));
    };
    let path = path.trim();
    if path.is_empty() {
        return Err(bad("the path before `=` is empty".to_string()));
    }
    let segments: Vec<String> = path.split('.').map(|s| s.trim().to_string()).collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Err(bad(format!("`{path}` has an empty segment")));
    }
    Ok((segments, value))
}

/// Parses the value text as a YAML flow value.
fn parse_value(set: &str, text: &str) -> Result<Value, ScenarioError> {
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_saphyr::from_str_with_options::<Value>(text, super::load::yaml_options()).map_err(|e| {
        ScenarioError::Override {
            set: set.to_string(),
            message: format!("the value is not valid YAML: {}", one_line(&e.to_string())),
        }
    })
}

fn one_line(message: &str) -> String {
    let first = message.lines().next().unwrap_or("").trim();
    first.strip_prefix("error: ").unwrap_or(first).to_string()
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

/// Sets `value` at `segments` in `root`, creating maps on the way.
fn set_in(root: &mut Value, segments: &[String], value: Value) -> Result<(), String> {
    let mut cur = root;
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        let here = segments[..i].join(".");
        if cur.is_null() {
            *cur = Value::Object(Map::new());
        }
        match cur {
            Value::Object(map) => {
                if last {
                    map.insert(seg.clone(), value);
                    return Ok(());
                }
                cur = map.entry(seg.clone()).or_insert(Value::Null);
            }
            Value::Array(list) => {
                let len = list.len();
                let Ok(index) = seg.parse::<usize>() else {
                    return Err(format!(
                        "`{here}` is a list, so the next segment must be an index from 0 to {}, not `{seg}`",
                        len.saturating_sub(1)
                    ));
                };
                if index > len || (index == len && !last) {
                    return Err(format!(
                        "`{here}` has {len} entries, so index {index} is out of range (use 0 to {}, or {len} to append)",
                        len.saturating_sub(1)
                    ));
                }
                if last {
                    if index == len {
                        list.push(value);
                    } else {
                        list[index] = value;
                    }
                    return Ok(());
                }
                cur = &mut list[index];
            }
            other => {
                let other = &*other;
                let shown = match other {
                    Value::String(s) => format!("`{s}`"),
                    v => v.to_string(),
                };
                return Err(format!(
                    "`{here}` is {} ({shown}), which has no `{seg}`; to replace it as a whole, use `--set {here}=<value>` (e.g. `{{{seg}: ...}}`)",
                    kind(other)
                ));
            }
        }
    }
    Ok(())
}

/// Applies `overrides` in order to a raw scenario.
///
/// Returns the new raw scenario and the overrides as applied (for error messages of
/// values that came from them).
pub(crate) fn apply(
    raw: &RawScenario,
    overrides: &[String],
) -> Result<(RawScenario, Vec<AppliedOverride>), ScenarioError> {
    let mut applied = Vec::with_capacity(overrides.len());
    if overrides.is_empty() {
        return Ok((raw.clone(), applied));
    }
    let mut doc = serde_json::to_value(raw).map_err(|e| ScenarioError::Override {
        set: overrides[0].clone(),
        message: format!("internal error: cannot convert the scenario: {e}"),
    })?;
    // JSON has no NaN or infinity: such a value would silently become null.
    if RawScenario::deserialize(&doc).ok().as_ref() != Some(raw) {
        return Err(ScenarioError::Override {
            set: overrides[0].clone(),
            message: "the scenario file holds a non-finite number (`.nan` or `.inf`), which \
                      overrides cannot carry; fix the file first"
                .to_string(),
        });
    }
    let mut current = raw.clone();
    for set in overrides {
        let (segments, text) = split(set)?;
        let value = parse_value(set, text)?;
        let mut next = doc.clone();
        set_in(&mut next, &segments, value).map_err(|message| ScenarioError::Override {
            set: set.clone(),
            message,
        })?;
        current = RawScenario::deserialize(&next).map_err(|e| {
            let mut message = e.to_string();
            if message.contains("single key") && segments.len() >= 2 {
                // A key added next to the one form of a one-key map such as `topic.keys`.
                let parent = segments[..segments.len() - 1].join(".");
                let key = &segments[segments.len() - 1];
                message = format!(
                    "`{parent}` holds exactly one form (a one-key map), so `{key}` cannot be added to the one it has; replace it as a whole: `--set {parent}={{{key}: {}}}`",
                    text.trim()
                );
            }
            ScenarioError::Override {
                set: set.clone(),
                message,
            }
        })?;
        doc = next;
        applied.push(AppliedOverride {
            segments,
            text: set.clone(),
        });
    }
    Ok((current, applied))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::raw::{RawDelayTagged, RawRateShape, RawScaler, ScalarOr};

    const BASE: &str = "\
name: t
duration: 1h
topic: {partitions: 4}
producer:
  rate:
    - constant: 100
    - step: {at: 10m, rate: 5}
function: {duration: {per_batch: 10ms}}
";

    fn raw() -> RawScenario {
        serde_saphyr::from_str(BASE).unwrap()
    }

    fn sets(list: &[&str]) -> Result<RawScenario, ScenarioError> {
        let list: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        apply(&raw(), &list).map(|(r, _)| r)
    }

    #[test]
    fn sets_scalars_and_creates_maps() {
        let r = sets(&["topic.partitions=48", "esm.scaler.max_pollers=7"]).unwrap();
        assert_eq!(r.topic.unwrap().partitions, Some(48));
        let Some(RawScaler::Aws(aws)) = r.esm.unwrap().scaler else {
            panic!("the aws policy is the default")
        };
        assert_eq!(aws.max_pollers, Some(7));
    }

    #[test]
    fn sets_nested_maps_and_list_items() {
        let r = sets(&[
            "esm.scaler.actuation_delay={uniform: [30s, 180s]}",
            "producer.rate.0.constant=5000",
            "producer.rate.1.step.at=20m",
            "producer.rate.2={constant: 1}",
        ])
        .unwrap();
        let Some(RawScaler::Aws(aws)) = r.esm.unwrap().scaler else {
            panic!("the aws policy is the default")
        };
        let delay = aws.actuation_delay.unwrap();
        match delay {
            ScalarOr::Tagged(RawDelayTagged::Uniform(lo, hi)) => {
                assert_eq!((lo.text.as_str(), hi.text.as_str()), ("30s", "180s"));
            }
            other => panic!("{other:?}"),
        }
        let rate = r.producer.unwrap().rate.unwrap();
        assert_eq!(rate[0], RawRateShape::Constant(5000.0));
        match &rate[1] {
            RawRateShape::Step { at, .. } => assert_eq!(at.to_string(), "20m"),
            other => panic!("{other:?}"),
        }
        assert_eq!(rate[2], RawRateShape::Constant(1.0));
    }

    #[test]
    fn empty_value_restores_the_default() {
        let r = sets(&["esm.batch_size=7", "esm.batch_size="]).unwrap();
        assert_eq!(r.esm.unwrap().batch_size, None);
    }

    #[test]
    fn unknown_paths_list_the_valid_keys() {
        let err = sets(&["topic.partitionz=4"]).unwrap_err().to_string();
        assert!(err.contains("topic.partitionz=4"), "{err}");
        assert!(err.contains("partitionz"), "{err}");
        assert!(err.contains("initial_backlog"), "{err}");
        let err = sets(&["esm.scalr.policy=fixed"]).unwrap_err().to_string();
        assert!(
            err.contains("scalr") && err.contains("batching_window"),
            "{err}"
        );
        let err = sets(&["bogus=1"]).unwrap_err().to_string();
        assert!(err.contains("bogus") && err.contains("producer"), "{err}");
    }

    #[test]
    fn bad_overrides_are_errors() {
        for (set, needle) in [
            ("topic.partitions", "path=value"),
            ("=4", "empty"),
            ("topic..x=1", "empty segment"),
            ("producer.rate.9.constant=1", "out of range"),
            ("producer.rate.x=1", "index"),
            ("topic.partitions.x=1", "a number"),
            ("topic.partitions=[1", "not valid YAML"),
            ("topic.partitions=abc", "topic.partitions=abc"),
            ("duration=5", "no unit"),
        ] {
            let err = sets(&[set]).unwrap_err().to_string();
            assert!(err.contains(needle), "{set}: {err}");
        }
    }
}
