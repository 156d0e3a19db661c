//! Placeholders: values a scenario's author (or `esmsim import`) could not know, written
//! as a string `"<fill in: what, why, how>"` in place of the value.
//!
//! The string is valid YAML in any field, so a file with placeholders still parses: they
//! are found in the parsed tree, noted with their field path and line, and set to null
//! before the raw types read the tree. Resolution then refuses the scenario, listing
//! every placeholder that no `--set` filled, in one error
//! ([`super::ScenarioError::Placeholders`]). A file without the marker text costs one
//! substring search.

use serde_json::Value;

use super::error::ScenarioError;
use super::locate::{FieldPath, Seg, locate};
use super::resolve::AppliedOverride;

/// The text a placeholder starts with (case-insensitive).
pub const MARKER: &str = "<fill in";

/// The placeholder text for a field: `"<fill in: NOTE>"`.
pub fn placeholder(note: &str) -> String {
    format!("{MARKER}: {note}>")
}

/// One placeholder in a scenario file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placeholder {
    /// The field it stands for.
    pub path: FieldPath,
    /// Its line in the file (from 1), when found.
    pub line: Option<usize>,
    /// What to fill in, why and how (the text after `<fill in:`).
    pub note: String,
}

/// Whether `text` is a placeholder; its note if so.
fn note_of(text: &str) -> Option<String> {
    let t = text.trim();
    let head = t.get(..MARKER.len())?;
    if !head.eq_ignore_ascii_case(MARKER) {
        return None;
    }
    let rest = t[MARKER.len()..].trim_start();
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    let rest = rest.strip_suffix('>').unwrap_or(rest);
    Some(rest.trim().to_string())
}

/// Replaces every placeholder string in `value` by null, recording it.
fn collect(value: &mut Value, path: &FieldPath, source: &str, out: &mut Vec<Placeholder>) {
    match value {
        Value::String(s) => {
            if let Some(note) = note_of(s) {
                out.push(Placeholder {
                    path: path.clone(),
                    line: locate(source, path),
                    note,
                });
                *value = Value::Null;
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                collect(item, &path.index(i), source, out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                collect(item, &path.key(key), source, out);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// The scenario tree of `text` with its placeholders set to null, and the placeholders;
/// `None` when the text holds no placeholder (the usual case: no tree is built).
pub(crate) fn extract(text: &str) -> Result<Option<(Value, Vec<Placeholder>)>, ScenarioError> {
    if !text.to_ascii_lowercase().contains(MARKER) {
        return Ok(None);
    }
    let mut tree: Value = serde_saphyr::from_str_with_options(text, super::load::yaml_options())
        .map_err(|e| ScenarioError::from_yaml(&e))?;
    let mut found = Vec::new();
    collect(&mut tree, &FieldPath::default(), text, &mut found);
    Ok((!found.is_empty()).then_some((tree, found)))
}

/// The placeholders no override fills: an override fills a placeholder when it sets the
/// placeholder's field or a block that holds it.
pub(crate) fn unfilled(all: &[Placeholder], applied: &[AppliedOverride]) -> Vec<Placeholder> {
    all.iter()
        .filter(|p| {
            let segments: Vec<String> = p.path.0.iter().map(Seg::as_text).collect();
            !applied
                .iter()
                .any(|o| segments.starts_with(o.segments.as_slice()))
        })
        .cloned()
        .collect()
}

/// The list an error shows: one line per placeholder.
pub(crate) fn describe(list: &[Placeholder]) -> String {
    let mut out = format!(
        "{} placeholder{} to fill in before the scenario can run (edit the file, or pass `--set PATH=VALUE`):",
        list.len(),
        if list.len() == 1 { "" } else { "s" }
    );
    for p in list {
        let line = p.line.map(|n| format!(" (line {n})")).unwrap_or_default();
        out.push_str(&format!("\n  - {}{line}: {}", p.path, p.note));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load::from_yaml_str;
    use std::path::Path;

    const WITH_TWO: &str = "name: p\nduration: 10m\ntopic:\n  partitions: \"<fill in: partition count; AWS does not report it>\"\nproducer:\n  record_size: '<FILL IN: record size>'\n  rate:\n    - constant: 100\nfunction:\n  duration:\n    per_record: 1ms\n";

    #[test]
    fn every_placeholder_is_listed_in_one_error_with_its_line() {
        let err = from_yaml_str(WITH_TWO, Path::new("."), &[]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "2 placeholders to fill in before the scenario can run (edit the file, or pass `--set PATH=VALUE`):\n  - topic.partitions (line 4): partition count; AWS does not report it\n  - producer.record_size (line 6): record size"
        );
    }

    #[test]
    fn overrides_fill_placeholders() {
        let err = from_yaml_str(WITH_TWO, Path::new("."), &["topic.partitions=6".into()])
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("1 placeholder to fill"), "{err}");
        assert!(err.contains("producer.record_size (line 6)"), "{err}");
        let s = from_yaml_str(
            WITH_TWO,
            Path::new("."),
            &[
                "topic.partitions=6".into(),
                "producer={rate: [{constant: 5}], record_size: 2KiB}".into(),
            ],
        )
        .unwrap();
        assert_eq!(s.topic.partitions, 6);
    }

    #[test]
    fn the_note_is_the_text_after_the_marker() {
        assert_eq!(note_of(&placeholder("x, y")), Some("x, y".into()));
        assert_eq!(note_of("  <Fill In>"), Some(String::new()));
        assert_eq!(note_of("fill in"), None);
        assert_eq!(note_of("<fil"), None);
    }
}
