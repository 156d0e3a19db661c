//! `plan:`: the fields `esmsim plan` chooses and the values each may take, written in the
//! scenario instead of (or besides) `--vary` flags. Raw form, resolved form and checks.
//!
//! ```yaml
//! plan:
//!   vary:
//!     topic.partitions: 12..48
//!     function.memory: [512, 1024, 2048]
//!     esm.batching_window: 0s..5s
//!     esm.scaler.scale_out.step: [double, {add: 2}]
//!   seeds: 3
//! ```
//!
//! Each `vary` entry is a field as `--set` names it and its values: a text in the
//! `--vary` grammar ([`crate::planner::axes`]: `12..48`, `12..48:6`, `0s..5s`,
//! `512,1024`), a single number, or a YAML list whose items are the values themselves.
//! Every value must be one `--set PATH=VALUE` accepts, so a misspelt field is reported
//! with its line. The section is not part of the resolved [`super::Scenario`]: `run`,
//! `sweep` and the scenario's hash ignore it; `check` and `plan` resolve it with
//! [`super::ParsedScenario::plan`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::locate::FieldPath;
use super::overrides;
use super::raw::RawScenario;
use super::resolve::{Context, Result};
use crate::planner::axes::{self, Axis};

/// Most seeds a plan may ask for.
pub const MAX_SEEDS: i64 = 1000;

/// `plan:`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPlan {
    /// The fields to choose, in order, each with its values: `PATH: VALUES` where VALUES
    /// is a text as `--vary` takes it (`12..48`, `12..48:6`, `0s..5s`, `512,1024`), a
    /// number, or a list of the values (`[512, 1024]`, `[double, {add: 2}]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "vary_schema")]
    pub vary: Option<serde_json::Map<String, Value>>,
    /// Seeds every answer must hold for: the scenario's seed and the next ones (default
    /// 3; `--seeds` overrides it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seeds: Option<i64>,
}

/// The schema of `plan.vary`: a map of fields to a text, a number or a list of values.
fn vary_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": ["object", "null"],
        "minProperties": 1,
        "additionalProperties": {
            "anyOf": [
                {"type": "string"},
                {"type": "number"},
                {"type": "array", "minItems": 1}
            ]
        }
    })
}

/// The resolved `plan:` section.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanSection {
    /// The varied fields, in the file's order.
    pub axes: Vec<Axis>,
    /// The seed count, when the section gives one.
    pub seeds: Option<u64>,
}

const VARY_ALLOWED: &str = "a map of fields to their values, e.g. `{topic.partitions: 12..48, function.memory: [512, 1024]}`";
const VALUES_ALLOWED: &str = "values as `--vary` takes them (`12..48`, `12..48:6`, `0s..5s`, `512,1024`), a number, or a list of values";

/// Resolves `raw.plan` (the scenario with its overrides applied); `None` without a
/// section.
pub(crate) fn resolve(raw: &RawScenario, cx: &Context<'_>) -> Result<Option<PlanSection>> {
    let Some(plan) = &raw.plan else {
        return Ok(None);
    };
    let p_plan = FieldPath::root("plan");
    let p_vary = p_plan.key("vary");
    let vary = match &plan.vary {
        Some(v) if !v.is_empty() => v,
        Some(_) => return Err(cx.invalid(&p_vary, "`{}`", VARY_ALLOWED)),
        None => return Err(cx.missing(&p_vary, VARY_ALLOWED)),
    };
    let mut found = Vec::with_capacity(vary.len());
    for (path, value) in vary {
        let p = p_vary.key(path);
        let values = values(value).map_err(|why| {
            cx.invalid(
                &p,
                format!("`{}`", flow(value)),
                format!("{VALUES_ALLOWED}: {why}"),
            )
        })?;
        for v in &values {
            let set = format!("{path}={v}");
            if let Err(e) = overrides::apply(raw, std::slice::from_ref(&set)) {
                return Err(cx.invalid(
                    &p,
                    format!("`{v}`"),
                    format!("a field and value `--set` accepts (`--set {set}`: {e})"),
                ));
            }
        }
        let axis = axes::axis(path, values).map_err(|why| {
            cx.invalid(
                &p,
                format!("`{}`", flow(value)),
                format!("{VALUES_ALLOWED}: {why}"),
            )
        })?;
        found.push(axis);
    }
    let seeds = plan
        .seeds
        .map(|n| cx.int(&p_plan.key("seeds"), Some(n), 0, 1, MAX_SEEDS))
        .transpose()?
        .map(|n| n as u64);
    Ok(Some(PlanSection { axes: found, seeds }))
}

/// The values of one `vary` entry as `--set` texts.
fn values(value: &Value) -> std::result::Result<Vec<String>, String> {
    match value {
        Value::String(text) => axes::values_of(text),
        Value::Number(n) => Ok(vec![n.to_string()]),
        Value::Array(items) if items.is_empty() => Err("the list is empty".into()),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Null => Err("a list item is empty (null)".to_string()),
                Value::String(s) if s.trim().is_empty() => {
                    Err("a list item is an empty text".to_string())
                }
                Value::String(s) => Ok(s.trim().to_string()),
                other => Ok(flow(other)),
            })
            .collect(),
        Value::Null => Err("no values".into()),
        Value::Bool(_) | Value::Object(_) => Err("a single value that is not a number".into()),
    }
}

/// A value as YAML flow text (`{add: 2}`, `[1, 2]`), as `--set` reads it back.
fn flow(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            let plain = !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
            if plain {
                s.clone()
            } else {
                Value::String(s.clone()).to_string()
            }
        }
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(flow).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{k}: {}", flow(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// What `check` says about a plan section: the fields, the grid and the seeds.
pub fn describe(section: &PlanSection) -> String {
    let fields: Vec<String> = section
        .axes
        .iter()
        .map(|a| {
            let n = a.values.len();
            format!("{} ({n} value{})", a.path, if n == 1 { "" } else { "s" })
        })
        .collect();
    let grid = section
        .axes
        .iter()
        .map(|a| a.values.len() as u128)
        .product::<u128>();
    format!(
        "plan: varies {}; {grid} configurations{}",
        fields.join(", "),
        section
            .seeds
            .map_or_else(String::new, |s| format!(", {s} seeds"))
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::scenario::ParsedScenario;
    use crate::scenario::traces::FileTraces;

    const BASE: &str = "name: p
duration: 1m
topic: {partitions: 2}
producer: {rate: [{constant: 10}]}
function: {duration: {per_batch: 10ms}}
";

    fn section(plan: &str) -> Result<Option<super::PlanSection>, String> {
        let text = format!("{BASE}{plan}");
        ParsedScenario::parse(&text, Path::new("."))
            .map_err(|e| e.to_string())?
            .plan(&[])
            .map_err(|e| e.to_string())
    }

    #[test]
    fn vary_takes_ranges_lists_and_numbers_in_the_files_order() {
        let s = section(
            "plan:\n  vary:\n    function.memory: [1024, 512]\n    topic.partitions: 2..4\n    esm.batch_size: 100\n    esm.scaler.scale_out.step: [double, {add: 2}]\n  seeds: 2\n",
        )
        .unwrap()
        .expect("a section");
        let axes: Vec<(&str, Vec<&str>, bool)> = s
            .axes
            .iter()
            .map(|a| {
                (
                    a.path.as_str(),
                    a.values.iter().map(String::as_str).collect(),
                    a.monotone,
                )
            })
            .collect();
        assert_eq!(
            axes,
            [
                ("function.memory", vec!["512", "1024"], true),
                ("topic.partitions", vec!["2", "3", "4"], true),
                ("esm.batch_size", vec!["100"], false),
                (
                    "esm.scaler.scale_out.step",
                    vec!["double", "{add: 2}"],
                    false
                ),
            ]
        );
        assert_eq!(s.seeds, Some(2));
        assert_eq!(
            super::describe(&s),
            "plan: varies function.memory (2 values), topic.partitions (3 values), esm.batch_size (1 value), esm.scaler.scale_out.step (2 values); 12 configurations, 2 seeds"
        );
        assert_eq!(section("").unwrap(), None);
    }

    #[test]
    fn errors_name_the_field_the_value_what_is_allowed_and_the_line() {
        let e = section("plan:\n  vary:\n    topic.partitionz: 2..4\n").unwrap_err();
        assert!(
            e.contains("`plan.vary.topic.partitionz` is `2` (line 8), but it must be a field and value `--set` accepts"),
            "{e}"
        );
        let e = section("plan:\n  vary:\n    topic.partitions: 9..2\n").unwrap_err();
        assert!(
            e.contains("`plan.vary.topic.partitions` is `9..2` (line 8)")
                && e.contains("the upper end must be above the lower"),
            "{e}"
        );
        let e = section("plan:\n  vary:\n    topic.partitions: [2, 2]\n").unwrap_err();
        assert!(e.contains("the value `2` is listed twice"), "{e}");
        let e = section("plan:\n  seeds: 0\n  vary: {topic.partitions: 2..3}\n").unwrap_err();
        assert!(
            e.contains("`plan.seeds` is 0 (line 7), but it must be an integer from 1 to 1000"),
            "{e}"
        );
        let e = section("plan:\n  seeds: 2\n").unwrap_err();
        assert!(e.contains("missing required `plan.vary`"), "{e}");
        let e = section("plan:\n  vary: {}\n  sweep: 1\n").unwrap_err();
        assert!(e.contains("unknown field `sweep`"), "{e}");
    }

    #[test]
    fn the_section_changes_neither_the_run_nor_the_hash() {
        let with = format!("{BASE}plan:\n  vary: {{topic.partitions: 2..4}}\n");
        let traces = FileTraces::default();
        let a = ParsedScenario::parse(BASE, Path::new("."))
            .unwrap()
            .resolve(&[], &traces)
            .unwrap();
        let b = ParsedScenario::parse(&with, Path::new("."))
            .unwrap()
            .resolve(&[], &traces)
            .unwrap();
        assert_eq!(a, b);
        assert_eq!(a.hash(), b.hash());
    }
}
