//! Random YAML trees through the `check` path (parse and resolve): a valid scenario with
//! random subtrees put in at random places. Whatever comes in, the answer is a scenario
//! or an error of bounded length, within bounded memory, never a panic; and a scenario
//! that resolves survives `explain` (printed, parsed and resolved again, it is equal).

use std::path::Path;

use esmsim::scenario::{FileTraces, ParsedScenario, load::to_raw, to_yaml};
use proptest::prelude::*;
use serde_json::{Map, Value};

use crate::alloc::{MIB, peak_during};

/// Words the trees are made of: field names, keywords, hostile numbers, units.
const WORDS: &[&str] = &[
    "name",
    "seed",
    "duration",
    "sample_interval",
    "topic",
    "partitions",
    "keys",
    "uniform",
    "zipf",
    "hot",
    "weights",
    "factor",
    "producer",
    "rate",
    "constant",
    "step",
    "spike",
    "ramp",
    "diurnal",
    "points",
    "trace",
    "file",
    "scale",
    "at",
    "from",
    "to",
    "start",
    "end",
    "period",
    "amplitude",
    "esm",
    "batch_size",
    "batching_window",
    "scaler",
    "policy",
    "fixed",
    "aws",
    "keda",
    "legacy",
    "pollers",
    "function",
    "memory",
    "timeout",
    "per_batch",
    "jitter",
    "lognormal",
    "sigma",
    "exponential",
    "mode",
    "provisioned",
    "on_failure",
    "errors",
    "pricing",
    "slo",
    "outputs",
    "0",
    "1",
    "-1",
    "0.5",
    "1e9",
    "1e400",
    "-1e400",
    ".nan",
    ".inf",
    "-.inf",
    "18446744073709551616",
    "99999999999999999999999",
    "30s",
    "1ms",
    "366d",
    "1e300s",
    "NaNs",
    "-1s",
    "1us",
    "6MiB",
    "1e30GB",
    "unlimited",
    "true",
    "null",
    "~",
    "''",
    "data/small_trace.csv",
];

/// A random YAML value as a JSON tree (strings are written unquoted, so `.nan` and
/// `30s` mean what YAML makes of them).
fn tree() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        prop::sample::select(WORDS).prop_map(|w| Value::String(w.to_string())),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|x| Value::String(format!("{x:e}"))),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(WORDS), inner), 0..6).prop_map(|entries| {
                Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

/// `value` as flow YAML, strings unquoted.
fn flow(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
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

/// Every path into `value`, as lists of keys and indices.
fn paths(value: &Value, at: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| {
            at.push(Value::String(k.clone()));
            paths(v, at, out);
            at.pop();
        }),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| {
            at.push(Value::from(i));
            paths(v, at, out);
            at.pop();
        }),
        _ => {}
    }
}

/// Puts `new` at `path` in `value` (the last key may be new).
fn put(value: &mut Value, path: &[Value], new: Value) {
    let Some((first, rest)) = path.split_first() else {
        *value = new;
        return;
    };
    let child = match (value, first) {
        (Value::Object(map), Value::String(k)) => map.entry(k.clone()).or_insert(Value::Null),
        (Value::Array(items), Value::Number(i)) => {
            let i = i.as_u64().unwrap() as usize;
            &mut items[i]
        }
        _ => return,
    };
    put(child, rest, new);
}

fn folder() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/scenario"
    ))
}

/// The every-feature fixture with every default written out, as a JSON tree.
fn base() -> Value {
    let s = esmsim::scenario::load(&folder().join("every_feature.yaml"), &[]).unwrap();
    serde_json::to_value(to_raw(&s)).unwrap()
}

proptest! {
    // 256 cases by default; `PROPTEST_CASES=20000` for a longer search.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_yaml_trees_never_panic(
        edits in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(WORDS), tree()), 1..4),
        whole in tree(),
    ) {
        let mut scenario = base();
        for (at, key, new) in edits {
            let mut all = Vec::new();
            paths(&scenario, &mut Vec::new(), &mut all);
            let mut path = at.get(&all).clone();
            // Half the time a new key below the chosen place.
            if matches!(new, Value::Object(_)) {
                path.push(Value::String(key.to_string()));
            }
            put(&mut scenario, &path, new);
        }
        for text in [flow(&scenario), flow(&whole)] {
            let (result, peak) = peak_during(|| {
                ParsedScenario::parse(&text, folder())
                    .and_then(|p| p.resolve(&[], &FileTraces::default()))
            });
            prop_assert!(peak < 64 * MIB, "{} bytes for {}", peak, text);
            match result {
                Err(e) => {
                    let message = e.to_string();
                    prop_assert!(!message.is_empty() && message.len() < 8_000, "{}", message);
                }
                Ok(s) => {
                    let again = ParsedScenario::parse(&to_yaml(&s), folder())
                        .and_then(|p| p.resolve(&[], &FileTraces::default()));
                    prop_assert_eq!(again.ok(), Some(s));
                }
            }
        }
    }
}

#[test]
fn explain_of_durations_past_a_month_reads_back() {
    // Found by the fuzzer: `explain` wrote 300 days as `9months 26days 6h`, which a
    // scenario refuses (a month has no fixed length).
    let text = crate::BASE.replace("duration: 1h", "duration: 300d 1s");
    let s = crate::check(&text, &[]).unwrap();
    let explained = to_yaml(&s);
    assert!(explained.contains("duration: 300d 1s"), "{explained}");
    assert_eq!(crate::check(&explained, &[]).unwrap(), s);
}
