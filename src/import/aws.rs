//! The AWS CLI's documents: which command printed a JSON text, and reading its fields.
//!
//! Each document is a JSON object. A field is *taken* when it is mapped to the scenario;
//! whatever is left afterwards is listed in the output as not imported, so nothing is
//! dropped silently.

use serde_json::{Map, Value};

use super::ImportError;

/// The documents `esmsim import` reads, by the command that prints them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `aws lambda get-event-source-mapping`.
    Esm,
    /// `aws lambda list-event-source-mappings`.
    EsmList,
    /// `aws lambda get-function-configuration` (or the `Configuration` of `get-function`).
    Function,
    /// `aws lambda get-function`.
    GetFunction,
    /// `aws lambda get-function-concurrency`.
    Concurrency,
    /// `aws cloudwatch get-metric-data`.
    Metrics,
}

impl Kind {
    /// The command that prints this document.
    pub fn command(self) -> &'static str {
        match self {
            Kind::Esm => "aws lambda get-event-source-mapping",
            Kind::EsmList => "aws lambda list-event-source-mappings",
            Kind::Function => "aws lambda get-function-configuration",
            Kind::GetFunction => "aws lambda get-function",
            Kind::Concurrency => "aws lambda get-function-concurrency",
            Kind::Metrics => "aws cloudwatch get-metric-data",
        }
    }

    /// The kind `doc` looks like, if any.
    fn of(doc: &Map<String, Value>) -> Option<Kind> {
        let has = |k: &str| doc.contains_key(k);
        if has("MetricDataResults") {
            Some(Kind::Metrics)
        } else if has("EventSourceMappings") {
            Some(Kind::EsmList)
        } else if has("UUID") || (has("BatchSize") && has("FunctionArn")) {
            Some(Kind::Esm)
        } else if has("Configuration") && has("Code") {
            Some(Kind::GetFunction)
        } else if has("MemorySize") || has("Runtime") || has("Handler") {
            Some(Kind::Function)
        } else if has("ReservedConcurrentExecutions") || doc.is_empty() {
            Some(Kind::Concurrency)
        } else {
            None
        }
    }
}

/// The JSON object in `text` if it is the document `want`; `file` names it in errors.
pub fn read(file: &str, text: &str, want: Kind) -> Result<Map<String, Value>, ImportError> {
    let value: Value = serde_json::from_str(text).map_err(|e| ImportError::Json {
        file: file.to_string(),
        expected: want.command(),
        message: e.to_string(),
    })?;
    let Value::Object(doc) = value else {
        return Err(ImportError::WrongKind {
            file: file.to_string(),
            expected: want.command(),
            found: "a JSON value that is not an object".to_string(),
        });
    };
    match Kind::of(&doc) {
        Some(kind) if kind == want => Ok(doc),
        Some(Kind::GetFunction) if want == Kind::Function => match doc.get("Configuration") {
            Some(Value::Object(config)) => Ok(config.clone()),
            _ => Err(wrong(
                file,
                want,
                "a `get-function` answer without a `Configuration`",
            )),
        },
        Some(Kind::EsmList) if want == Kind::Esm => Err(wrong(
            file,
            want,
            "the list `aws lambda list-event-source-mappings` prints; pass one mapping (`aws lambda get-event-source-mapping --uuid UUID`)",
        )),
        Some(kind) => Err(wrong(
            file,
            want,
            &format!("what `{}` prints", kind.command()),
        )),
        None => Err(wrong(
            file,
            want,
            &format!(
                "an object with the keys {}",
                doc.keys().take(6).cloned().collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

fn wrong(file: &str, want: Kind, found: &str) -> ImportError {
    ImportError::WrongKind {
        file: file.to_string(),
        expected: want.command(),
        found: found.to_string(),
    }
}

/// A document with the fields taken so far removed.
pub struct Doc {
    /// The file, for errors.
    pub file: String,
    /// The fields not taken yet.
    pub rest: Map<String, Value>,
}

impl Doc {
    /// Removes and returns `key`, treating JSON null as absent.
    pub fn take(&mut self, key: &str) -> Option<Value> {
        self.rest.remove(key).filter(|v| !v.is_null())
    }

    fn bad(&self, key: &str, value: &Value, expected: &str) -> ImportError {
        ImportError::Field {
            file: self.file.clone(),
            field: key.to_string(),
            value: clip(&value.to_string(), 80),
            expected: expected.to_string(),
        }
    }

    /// Takes `key` as a whole number (negative allowed).
    pub fn int(&mut self, key: &str) -> Result<Option<i64>, ImportError> {
        match self.take(key) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| self.bad(key, &v, "a whole number")),
        }
    }

    /// Takes `key` as a boolean.
    pub fn bool(&mut self, key: &str) -> Result<Option<bool>, ImportError> {
        match self.take(key) {
            None => Ok(None),
            Some(v) => v
                .as_bool()
                .map(Some)
                .ok_or_else(|| self.bad(key, &v, "true or false")),
        }
    }

    /// Takes `key` as a string.
    pub fn string(&mut self, key: &str) -> Result<Option<String>, ImportError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(self.bad(key, &v, "a string")),
        }
    }

    /// Takes `key` as a list of strings.
    pub fn strings(&mut self, key: &str) -> Result<Vec<String>, ImportError> {
        match self.take(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => Ok(items
                .into_iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()),
            Some(v) => Err(self.bad(key, &v, "a list of strings")),
        }
    }

    /// Takes `key` as an object (a sub-document).
    pub fn object(&mut self, key: &str) -> Result<Option<Doc>, ImportError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Object(rest)) => Ok(Some(Doc {
                file: self.file.clone(),
                rest,
            })),
            Some(v) => Err(self.bad(key, &v, "an object")),
        }
    }

    /// The fields left, as `Key = value` texts: scalars quoted (cut to 60 characters),
    /// objects and lists only named (they may hold environment variables or secrets).
    pub fn leftovers(&self, prefix: &str) -> Vec<String> {
        let mut items = self
            .rest
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| {
                let shown = match v {
                    Value::Object(_) => "{…}".to_string(),
                    Value::Array(a) if a.is_empty() => "[]".to_string(),
                    Value::Array(_) => "[…]".to_string(),
                    other => clip(&other.to_string(), 60),
                };
                format!("{prefix}{k} = {shown}")
            })
            .collect::<Vec<_>>();
        items.sort();
        items
    }

    /// An error for `key` holding `value`, expected to be `expected`.
    pub fn invalid(&self, key: &str, value: &str, expected: &str) -> ImportError {
        ImportError::Field {
            file: self.file.clone(),
            field: key.to_string(),
            value: clip(value, 80),
            expected: expected.to_string(),
        }
    }
}

/// `text` on one line (control characters as spaces), cut to `max` characters with `…`.
pub fn clip(text: &str, max: usize) -> String {
    let one: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match one.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &one[..cut]),
        None => one,
    }
}
