//! NaN, infinities and numbers past 2^64 in every numeric field, and in durations and
//! sizes: each is refused with a message that names the field.

use std::path::Path;

use esmsim::scenario::{ParsedScenario, load::to_raw};
use serde_json::Value;

use crate::{BASE, check_in, refused};

/// Every path (as `--set` writes it) of a numeric value in `value`.
/// Whether each is a float (a price, a rate) rather than an integer.
fn numeric_paths(value: &Value, path: &str, out: &mut Vec<(String, bool)>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::Number(n) => out.push((path.to_string(), n.is_f64())),
        Value::Object(map) => map
            .iter()
            .for_each(|(k, v)| numeric_paths(v, &join(k), out)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| numeric_paths(v, &join(&i.to_string()), out)),
        _ => {}
    }
}

/// Scenarios that between them use every section: the every-feature fixture, the
/// bundled failure, provisioned, limits and filter scenarios, each with every default
/// written out.
fn full_scenarios() -> Vec<(String, std::path::PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        "tests/fixtures/scenario/every_feature.yaml",
        "scenarios/poison-pill.yaml",
        "scenarios/flaky-downstream.yaml",
        "scenarios/on-demand-vs-provisioned.yaml",
        "scenarios/throttled-neighbour.yaml",
        "scenarios/cold-scale-out.yaml",
        "scenarios/filtered-stream.yaml",
    ]
    .iter()
    .map(|file| {
        let path = root.join(file);
        let s = esmsim::scenario::load(&path, &[]).unwrap();
        (
            esmsim::scenario::to_yaml(&s),
            path.parent().unwrap().to_path_buf(),
        )
    })
    .collect()
}

#[test]
fn nan_infinities_and_huge_numbers_are_refused_in_every_numeric_field() {
    const HOSTILE: [&str; 7] = [
        ".nan",
        ".inf",
        "-.inf",
        "1e400",
        "-1e400",
        "18446744073709551616",
        "-99999999999999999999999",
    ];
    let mut failures = Vec::new();
    let mut fields = 0;
    for (text, folder) in full_scenarios() {
        let parsed = ParsedScenario::parse(&text, &folder).unwrap();
        let raw = serde_json::to_value(to_raw(
            &parsed
                .resolve(&[], &esmsim::scenario::FileTraces::default())
                .unwrap(),
        ))
        .unwrap();
        let mut paths = Vec::new();
        numeric_paths(&raw, "", &mut paths);
        fields += paths.len();
        for (path, float) in &paths {
            for value in HOSTILE {
                // 2^64 is a finite float: a price or rate that large is refused by its
                // own range, not for being past 2^64.
                if *float && value == "18446744073709551616" && !path.contains("rate") {
                    continue;
                }
                let set = format!("{path}={value}");
                match check_in(&text, &folder, std::slice::from_ref(&set)) {
                    Ok(_) => failures.push(format!("accepted: --set {set}")),
                    Err(e) => {
                        let message = e.to_string();
                        let last = path.rsplit('.').next().unwrap();
                        if !message.contains(last) || message.len() > 2_000 {
                            failures.push(format!("--set {set}: unclear message: {message}"));
                        }
                    }
                }
            }
        }
    }
    assert!(fields > 60, "only {fields} numeric fields found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn non_finite_and_huge_durations_and_sizes_are_refused() {
    for (field, value) in [
        ("duration", "NaNs"),
        ("duration", "infs"),
        ("duration", "1e400s"),
        ("duration", "18446744073709551616s"),
        ("duration", "99999999999999999999d"),
        ("sample_interval", "nan ms"),
        ("esm.batching_window", "inf"),
        ("function.timeout", "-infs"),
        ("producer.record_size", "1e400KiB"),
        ("producer.record_size", "NaNKiB"),
        ("producer.record_size", "18446744073709551616"),
        ("esm.max_payload", "infMB"),
        ("seed", "18446744073709551616"),
        ("seed", "-1"),
        ("topic.partitions", "1e30"),
        ("topic.initial_backlog", "99999999999999999999999"),
    ] {
        let message = refused(BASE, &[format!("{field}={value}")]);
        let last = field.rsplit('.').next().unwrap();
        assert!(message.contains(last), "{field}={value}: {message}");
    }
    // The same in the file, where the line is named.
    let text = BASE
        .replace("seed", "x")
        .replace("name: base", "name: base\nseed: 18446744073709551616");
    let message = refused(&text, &[]);
    assert!(message.contains("line 2"), "{message}");
}
