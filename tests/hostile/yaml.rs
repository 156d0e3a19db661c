//! YAML built to exhaust the parser: alias bombs and deep nesting, in a scenario file and
//! in a `--set` value (which is parsed as any YAML value, so it is where a bomb would
//! actually be expanded).

use crate::alloc::{MIB, peak_during};
use crate::{BASE, refused};

/// "Billion laughs" as a flow list: nine levels of nine aliases each, 9^9 = 387 million
/// leaves once expanded.
fn bomb() -> String {
    let mut list = String::from("[&l0 [1, 1, 1, 1, 1, 1, 1, 1, 1]");
    for i in 1..=9 {
        let refs = vec![format!("*l{}", i - 1); 9].join(", ");
        list.push_str(&format!(", &l{i} [{refs}]"));
    }
    list.push(']');
    list
}

/// Refuses `text` with `overrides`, within 64 MiB and with a message of a few lines.
fn refused_cheaply(text: &str, overrides: &[String]) -> String {
    let (message, peak) = peak_during(|| refused(text, overrides));
    let head: String = message.chars().take(300).collect();
    assert!(peak < 64 * MIB, "{peak} bytes: {head}");
    assert!(message.len() < 4_000, "{} bytes: {head}", message.len());
    message
}

#[test]
fn alias_bombs_are_refused_quickly_with_bounded_memory() {
    // In the file, where a list of numbers is expected.
    let text = BASE.replace(
        "topic: {partitions: 2}",
        &format!("topic: {{partitions: 2, keys: {{weights: {}}}}}", bomb()),
    );
    refused_cheaply(&text, &[]);
    // Anchors at the top level, expanded under a valid key.
    let mut text = String::from("name: &l0 [1, 1, 1, 1, 1, 1, 1, 1, 1]\n");
    for i in 1..=9 {
        let refs = vec![format!("*l{}", i - 1); 9].join(", ");
        text.push_str(&format!("x{i}: &l{i} [{refs}]\n"));
    }
    refused_cheaply(&text, &[]);
    // In a `--set` value, which is read as any YAML value: the alias replay limit stops it.
    let message = refused_cheaply(BASE, &[format!("topic.keys={}", bomb())]);
    assert!(message.contains("--set topic.keys="), "{message}");
    assert!(
        message.contains("alias") || message.contains("budget") || message.contains("replay"),
        "{message}"
    );
}

#[test]
fn deep_nesting_is_refused_with_bounded_memory() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let flow = BASE.replace(
        "topic: {partitions: 2}",
        &format!("topic: {{partitions: 2, keys: {deep}}}"),
    );
    refused_cheaply(&flow, &[]);
    let mut block = format!("{BASE}esm:\n");
    for depth in 1..1_000 {
        block.push_str(&"  ".repeat(depth));
        block.push_str("scaler:\n");
    }
    refused_cheaply(&block, &[]);
    let message = refused_cheaply(BASE, &[format!("topic.keys={deep}")]);
    assert!(message.contains("--set topic.keys="), "{message}");
}
