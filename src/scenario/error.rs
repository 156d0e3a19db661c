//! Errors of loading a scenario. Every message names the field, the value and what is
//! allowed, and says where the value came from (a line of the file or a `--set`).

use std::fmt;
use std::path::PathBuf;

/// Where a value that failed a check came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueSource {
    /// A line (from 1) of the scenario file.
    Line(usize),
    /// A `--set path=value` override (the whole `path=value` text).
    Override(String),
    /// Unknown (e.g. the line could not be located in flow-style YAML).
    Unknown,
}

impl fmt::Display for ValueSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueSource::Line(n) => write!(f, " (line {n})"),
            ValueSource::Override(set) => write!(f, " (set by `--set {}`)", clip(set)),
            ValueSource::Unknown => Ok(()),
        }
    }
}

/// Everything that can go wrong turning a scenario file into a [`super::Scenario`].
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The scenario file could not be read.
    #[error("cannot read scenario file `{}`: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The scenario file is larger than [`super::load::MAX_SCENARIO_BYTES`].
    #[error(
        "scenario file `{}` is larger than the {} MiB a scenario may have ({size} bytes or more); put long traffic in a trace file (`producer.rate: [{{trace: ...}}]`)",
        path.display(),
        limit / (1024 * 1024)
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes (or at least this many, when it is not a regular file).
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The text is not valid YAML, or a value has the wrong type (the message quotes the
    /// offending line).
    #[error("{message}")]
    Yaml {
        /// The parser's message, with line, column and a snippet.
        message: String,
    },
    /// A key that the format does not have; the message lists the valid keys at that level.
    #[error("{message}")]
    UnknownField {
        /// The parser's message (`unknown field `x`, expected one of ...`) with the line.
        message: String,
    },
    /// A required field is absent.
    #[error(
        "missing required `{path}`{}: expected {expected}",
        block_text(source_of)
    )]
    Missing {
        /// Dotted path of the missing field, e.g. `topic.partitions`.
        path: String,
        /// What it should be.
        expected: String,
        /// Where the enclosing block is (its line, or the `--set` that made it).
        source_of: ValueSource,
    },
    /// A value outside its allowed range, or inconsistent with another field.
    #[error("`{path}` is {}{source_of}, but it must be {allowed}", clip(value))]
    Invalid {
        /// Dotted path of the field, e.g. `producer.rate[2].ramp.end`.
        path: String,
        /// The offending value as written (or computed, for defaults).
        value: String,
        /// What is allowed.
        allowed: String,
        /// Where the value came from.
        source_of: ValueSource,
    },
    /// A trace CSV file could not be read or is malformed.
    #[error("trace `{}` (`{path}`{source_of}): {message}", file.display())]
    Trace {
        /// Dotted path of the trace entry.
        path: String,
        /// The CSV file (resolved against the scenario's folder).
        file: PathBuf,
        /// What is wrong.
        message: String,
        /// Where the trace entry is.
        source_of: ValueSource,
    },
    /// A `--set` override that cannot be applied.
    #[error("bad override `--set {}`: {message}", clip(set))]
    Override {
        /// The override as given (`path=value`).
        set: String,
        /// What is wrong.
        message: String,
    },
    /// Placeholders (`"<fill in: ...>"`) that no `--set` filled, all of them.
    #[error("{}", super::placeholders::describe(list))]
    Placeholders {
        /// Each placeholder left, in file order.
        list: Vec<super::placeholders::Placeholder>,
    },
    /// An error in a named scenario file.
    #[error("{}: {error}", path.display())]
    InFile {
        /// The scenario file.
        path: PathBuf,
        /// The error.
        error: Box<ScenarioError>,
    },
}

/// Longest value or `--set` text an error message quotes whole, in characters.
const MAX_QUOTED_CHARS: usize = 120;

/// `text`, cut to [`MAX_QUOTED_CHARS`] characters with `…` (a 200 KB `--set` value is not
/// worth printing back).
fn clip(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]).into(),
        None => text.into(),
    }
}

fn block_text(source: &ValueSource) -> String {
    match source {
        ValueSource::Line(n) => format!(" (in the block at line {n})"),
        ValueSource::Override(set) => format!(" (in the block set by `--set {}`)", clip(set)),
        ValueSource::Unknown => String::new(),
    }
}

/// Rewords the parser's terse messages.
fn reword(message: &str) -> String {
    const REPLACEMENTS: [(&str, &str); 5] = [
        ("invalid i64", "expected a whole number"),
        ("invalid u64", "expected a whole number >= 0"),
        (
            "expected mapping start",
            "expected a map (`key: value` entries)",
        ),
        ("expected sequence start", "expected a list"),
        (
            "expected string scalar",
            "expected a name (such as `uniform`) or a one-key map (such as `{zipf: 1.1}`)",
        ),
    ];
    let mut out = message.to_string();
    for (from, to) in REPLACEMENTS {
        out = out.replace(from, to);
    }
    out
}

/// The parser's error itself, without the source snippet or alias it is wrapped in.
pub(crate) fn parser_error(mut err: &serde_saphyr::Error) -> &serde_saphyr::Error {
    while let serde_saphyr::Error::WithSnippet { error, .. }
    | serde_saphyr::Error::AliasError { error, .. } = err
    {
        err = error;
    }
    err
}

impl ScenarioError {
    /// Classifies a serde-saphyr error: unknown fields get their own variant.
    pub(crate) fn from_yaml(err: &serde_saphyr::Error) -> ScenarioError {
        let mut message = reword(&err.to_string());
        if let Some(rest) = message.strip_prefix("error: ") {
            message = rest.to_string();
        }
        if message.trim().is_empty() {
            message = "the scenario is empty".to_string();
        }
        if matches!(
            parser_error(err),
            serde_saphyr::Error::SerdeUnknownField { .. }
        ) {
            ScenarioError::UnknownField { message }
        } else {
            ScenarioError::Yaml { message }
        }
    }

    /// Tags the error with the scenario file it came from.
    pub(crate) fn in_file(self, path: PathBuf) -> ScenarioError {
        match self {
            // An IO error already names the file.
            e @ (ScenarioError::Io { .. } | ScenarioError::TooLarge { .. }) => e,
            ScenarioError::Yaml { message } => ScenarioError::InFile {
                error: Box::new(ScenarioError::Yaml {
                    message: message.replace("<input>", &path.display().to_string()),
                }),
                path,
            },
            ScenarioError::UnknownField { message } => ScenarioError::InFile {
                error: Box::new(ScenarioError::UnknownField {
                    message: message.replace("<input>", &path.display().to_string()),
                }),
                path,
            },
            error => ScenarioError::InFile {
                path,
                error: Box::new(error),
            },
        }
    }
}
