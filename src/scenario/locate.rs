//! Field paths (`producer.rate[2].ramp.end`) and finding the line of one in the YAML text.
//!
//! The locator walks block-style YAML by indentation. When a path goes into a flow
//! collection (`keys: {hot: {partitions: 3}}`) it returns the line of the deepest key it
//! found, which is the line the value is on.

use std::fmt;

/// One step of a field path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    /// A mapping key.
    Key(String),
    /// A sequence index (from 0).
    Index(usize),
}

impl Seg {
    /// The segment as `--set` writes it (`rate`, `0`).
    pub fn as_text(&self) -> String {
        match self {
            Seg::Key(k) => k.clone(),
            Seg::Index(i) => i.to_string(),
        }
    }
}

/// A path from the root of the scenario to one field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldPath(pub Vec<Seg>);

impl FieldPath {
    /// The path of a top-level key.
    pub fn root(key: &str) -> FieldPath {
        FieldPath(vec![Seg::Key(key.to_string())])
    }

    /// This path extended by a key.
    pub fn key(&self, key: &str) -> FieldPath {
        let mut v = self.0.clone();
        v.push(Seg::Key(key.to_string()));
        FieldPath(v)
    }

    /// This path extended by an index.
    pub fn index(&self, i: usize) -> FieldPath {
        let mut v = self.0.clone();
        v.push(Seg::Index(i));
        FieldPath(v)
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A significant line: its number (from 1), indentation and text without the comment.
#[derive(Clone, Debug)]
struct Line<'a> {
    number: usize,
    indent: usize,
    text: &'a str,
}

/// The line (from 1) where the value at `path` is written, if it can be found.
pub fn locate(source: &str, path: &FieldPath) -> Option<usize> {
    let lines: Vec<Line<'_>> = source
        .lines()
        .enumerate()
        .filter_map(|(i, raw)| {
            let text = strip_comment(raw).trim_end();
            let trimmed = text.trim_start();
            if trimmed.is_empty() || trimmed == "---" || trimmed == "..." {
                return None;
            }
            Some(Line {
                number: i + 1,
                indent: text.len() - trimmed.len(),
                text: trimmed,
            })
        })
        .collect();
    find(&lines, &path.0)
}

/// Removes a `# comment` (a `#` at the start or after a space, outside quotes).
fn strip_comment(line: &str) -> &str {
    let mut in_single = false;
    let mut in_double = false;
    let mut prev_space = true;
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !in_double => in_single = !in_single,
            '"' if !in_single => in_double = !in_double,
            '#' if !in_single && !in_double && prev_space => return &line[..i],
            _ => {}
        }
        prev_space = c == ' ' || c == '\t';
    }
    line
}

/// The key of a `key: value` line, without quotes.
fn key_of(text: &str) -> Option<&str> {
    let colon = text
        .char_indices()
        .find(|&(i, c)| c == ':' && text[i + 1..].chars().next().is_none_or(|n| n == ' '))?
        .0;
    let key = text[..colon].trim();
    let key = key
        .strip_prefix('"')
        .and_then(|k| k.strip_suffix('"'))
        .or_else(|| key.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')))
        .unwrap_or(key);
    Some(key)
}

/// The text after `key:` on a `key: value` line.
fn inline_value(text: &str) -> &str {
    match text.find(": ") {
        Some(i) => text[i + 2..].trim(),
        None => "",
    }
}

fn find(block: &[Line<'_>], segs: &[Seg]) -> Option<usize> {
    let (seg, rest) = segs.split_first()?;
    let indent = block.first()?.indent;
    match seg {
        Seg::Key(want) => {
            let i = block
                .iter()
                .position(|l| l.indent == indent && key_of(l.text) == Some(want.as_str()))?;
            let line = &block[i];
            if rest.is_empty() {
                return Some(line.number);
            }
            let value = inline_value(line.text);
            if !value.is_empty() && !value.starts_with('&') && !value.starts_with('!') {
                // The value is on this line (a scalar or a flow collection).
                return Some(line.number);
            }
            // The child block: deeper lines, or a sequence at the same indentation.
            let child: Vec<Line<'_>> = block[i + 1..]
                .iter()
                .take_while(|l| {
                    l.indent > indent || (l.indent == indent && l.text.starts_with('-'))
                })
                .cloned()
                .collect();
            find(&child, rest).or(Some(line.number))
        }
        Seg::Index(n) => {
            let dash = block
                .iter()
                .enumerate()
                .filter(|(_, l)| l.indent == indent && is_item(l.text))
                .map(|(i, _)| i)
                .nth(*n)?;
            let line = &block[dash];
            if rest.is_empty() {
                return Some(line.number);
            }
            // The item: the dash line with the dash removed, then the deeper lines.
            let after = &line.text[1..];
            let content = after.trim_start();
            let mut item = Vec::new();
            if !content.is_empty() {
                item.push(Line {
                    number: line.number,
                    indent: indent + 1 + (after.len() - content.len()),
                    text: content,
                });
            }
            item.extend(
                block[dash + 1..]
                    .iter()
                    .take_while(|l| l.indent > indent)
                    .cloned(),
            );
            find(&item, rest).or(Some(line.number))
        }
    }
}

fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(segs: &[&str]) -> FieldPath {
        FieldPath(
            segs.iter()
                .map(|s| match s.parse::<usize>() {
                    Ok(i) => Seg::Index(i),
                    Err(_) => Seg::Key(s.to_string()),
                })
                .collect(),
        )
    }

    const DOC: &str = "\
name: x   # a comment
topic:
  partitions: 4
  keys: {hot: {partitions: 9, factor: 2}}
producer:
  rate:
    - constant: 5
    - ramp:
        start: 1h
        end: 30m
    -
      step: {at: 1m, rate: 2}
esm:
  scaler:
    # comment: here
    policy: fixed
rate2:
- a: 1
- b: 2
";

    #[test]
    fn finds_block_keys_and_items() {
        assert_eq!(locate(DOC, &path(&["name"])), Some(1));
        assert_eq!(locate(DOC, &path(&["topic", "partitions"])), Some(3));
        assert_eq!(
            locate(DOC, &path(&["topic", "keys", "hot", "partitions"])),
            Some(4)
        );
        assert_eq!(
            locate(DOC, &path(&["producer", "rate", "0", "constant"])),
            Some(7)
        );
        assert_eq!(
            locate(DOC, &path(&["producer", "rate", "1", "ramp", "end"])),
            Some(10)
        );
        assert_eq!(
            locate(DOC, &path(&["producer", "rate", "2", "step", "at"])),
            Some(12)
        );
        assert_eq!(locate(DOC, &path(&["esm", "scaler", "policy"])), Some(16));
        assert_eq!(locate(DOC, &path(&["rate2", "1", "b"])), Some(19));
        assert_eq!(locate(DOC, &path(&["esm", "batch_size"])), Some(13));
        assert_eq!(locate(DOC, &path(&["nothing"])), None);
    }

    #[test]
    fn displays_paths() {
        assert_eq!(
            path(&["producer", "rate", "2", "ramp", "end"]).to_string(),
            "producer.rate[2].ramp.end"
        );
    }
}
