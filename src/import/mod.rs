//! `esmsim import`: a scenario from what AWS already knows about a running mapping.
//!
//! The inputs are the JSON texts the AWS CLI prints: `get-event-source-mapping`
//! ([`mapping`]), `get-function-configuration` and `get-function-concurrency`
//! ([`function`]), and CloudWatch `get-metric-data` exports of the producer's rate and of
//! Lambda's `Duration` ([`metrics`], through [`crate::calibrate::observed::parse_any`]).
//! Each AWS field becomes its scenario field, with a comment naming it; what AWS cannot
//! tell (partitions, record size, the producer's rate without a metric, a filter's match
//! share, the handler time without a `Duration` export) comes from [`Options`] or is
//! written as a placeholder (`"<fill in: ...>"`, see
//! [`crate::scenario::placeholders`]) that `check` lists and `run` refuses. Fields not
//! mapped are listed as comments at the end. No file IO here: the command in
//! `src/cli/import.rs` reads the files and writes the scenario and its trace.

pub mod aws;
pub mod function;
pub mod mapping;
pub mod metrics;

#[cfg(test)]
mod tests;

use crate::calibrate::observed::ObservedError;
use crate::scenario::placeholders::placeholder;

/// A JSON document: its name (for errors) and text.
#[derive(Clone, Debug)]
pub struct Input {
    /// The file name, quoted in errors and in the output's header.
    pub file: String,
    /// The JSON text.
    pub text: String,
}

/// The documents to import.
#[derive(Clone, Debug)]
pub struct Inputs {
    /// `aws lambda get-event-source-mapping`.
    pub esm: Input,
    /// `aws lambda get-function-configuration`.
    pub function: Input,
    /// `aws lambda get-function-concurrency`.
    pub concurrency: Option<Input>,
    /// `aws cloudwatch get-metric-data` of the producer's rate.
    pub rate: Option<Input>,
    /// `aws cloudwatch get-metric-data` of Lambda's `Duration`.
    pub duration: Option<Input>,
}

/// What the rate export counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RateUnit {
    /// Records counted per period (a `Sum` of a count).
    Records,
    /// Records per second (e.g. MSK `MessagesInPerSec`, `Average`).
    #[value(name = "records/s")]
    RecordsPerSec,
    /// Bytes counted per period.
    Bytes,
    /// Bytes per second (e.g. MSK `BytesInPerSec`, `Average`).
    #[value(name = "bytes/s")]
    BytesPerSec,
}

/// What AWS cannot tell, from the command line.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Scenario name (default: the topic's name, else the function's).
    pub name: Option<String>,
    /// `topic.partitions`.
    pub partitions: Option<u64>,
    /// `producer.record_size`, as a size text (`2KiB`).
    pub record_size: Option<String>,
    /// A constant producer rate, records/s (when there is no rate export).
    pub rate_constant: Option<f64>,
    /// What the rate export counts (default: from its label).
    pub rate_unit: Option<RateUnit>,
    /// The match share of each filter, in the order of `FilterCriteria.Filters`.
    pub filter_match: Vec<f64>,
    /// The run's length when there is no rate export (default 1 h).
    pub duration: Option<String>,
    /// The file name the rate trace is written to, next to the scenario.
    pub trace_file: String,
}

/// The imported scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    /// The scenario name.
    pub name: String,
    /// The scenario YAML, commented.
    pub yaml: String,
    /// The rate trace CSV to write next to the scenario (`Options::trace_file`).
    pub trace: Option<String>,
    /// The fields written as placeholders (dotted paths).
    pub placeholders: Vec<String>,
    /// The AWS fields not imported (`Key = value`).
    pub not_imported: Vec<String>,
}

/// A document that cannot be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Not JSON.
    #[error("{file}: not JSON (expected what `{expected}` prints): {message}")]
    Json {
        /// The file.
        file: String,
        /// The command whose output was expected.
        expected: &'static str,
        /// What the parser said.
        message: String,
    },
    /// JSON of another command.
    #[error("{file}: expected what `{expected}` prints, but this is {found}")]
    WrongKind {
        /// The file.
        file: String,
        /// The command whose output was expected.
        expected: &'static str,
        /// What it looks like.
        found: String,
    },
    /// A field of the wrong type or value.
    #[error("{file}: `{field}` is {value}, but it must be {expected}")]
    Field {
        /// The file.
        file: String,
        /// The AWS field.
        field: String,
        /// Its value.
        value: String,
        /// What is allowed.
        expected: String,
    },
    /// A bad metric export.
    #[error(transparent)]
    Metric(#[from] ObservedError),
    /// A metric export that cannot give what it is for.
    #[error("{file}: {message}")]
    Series {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// A command-line value that cannot be used.
    #[error("{flag}: {message}")]
    Flag {
        /// The flag.
        flag: &'static str,
        /// What is wrong.
        message: String,
    },
}

/// One line of a section: indentation (2 per level below the section), text, comment.
#[derive(Clone, Debug)]
struct Line {
    indent: usize,
    text: String,
    comment: String,
}

/// The scenario being built, section by section.
#[derive(Debug, Default)]
pub(crate) struct Draft {
    header: Vec<String>,
    name_hint: Option<String>,
    start_at: Option<String>,
    duration: Option<(String, String)>,
    topic: Vec<Line>,
    producer: Vec<Line>,
    esm: Vec<Line>,
    function: Vec<Line>,
    placeholders: Vec<String>,
    not_imported: Vec<String>,
    trace: Option<String>,
}

/// Which section a line goes to.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Section {
    Topic,
    Producer,
    Esm,
    Function,
}

impl Draft {
    fn section(&mut self, section: Section) -> &mut Vec<Line> {
        match section {
            Section::Topic => &mut self.topic,
            Section::Producer => &mut self.producer,
            Section::Esm => &mut self.esm,
            Section::Function => &mut self.function,
        }
    }

    /// Adds `text` at `indent` levels below `section`, with `comment`.
    pub(crate) fn line(&mut self, section: Section, indent: usize, text: &str, comment: &str) {
        self.section(section).push(Line {
            indent,
            text: text.to_string(),
            comment: comment.to_string(),
        });
    }

    /// A placeholder for the field `path`: its YAML text (quoted), recorded.
    pub(crate) fn placeholder(&mut self, path: &str, note: &str) -> String {
        self.placeholders.push(path.to_string());
        quote(&placeholder(note))
    }

    /// Notes fields not imported.
    pub(crate) fn not_imported(&mut self, items: Vec<String>) {
        self.not_imported.extend(items);
    }

    /// Adds a header comment line.
    pub(crate) fn header(&mut self, text: String) {
        self.header.push(text);
    }

    /// Suggests a scenario name (the first suggestion wins).
    pub(crate) fn name_hint(&mut self, name: &str) {
        if self.name_hint.is_none() {
            self.name_hint = Some(name.to_string());
        }
    }

    fn render(&self, name: &str) -> String {
        let mut out = String::new();
        for h in &self.header {
            out.push_str(&format!("# {h}\n"));
        }
        out.push_str(&format!("name: {name}\n"));
        if let Some(start) = &self.start_at {
            out.push_str(&format!(
                "start_at: {start}{}\n",
                pad_comment(10 + start.len(), "the first datapoint of the rate export")
            ));
        }
        let (duration, why) = self.duration.clone().unwrap_or((
            "1h".to_string(),
            "default; --duration changes it".to_string(),
        ));
        out.push_str(&format!(
            "duration: {duration}{}\n",
            pad_comment(10 + duration.len(), &why)
        ));
        for (key, lines) in [
            ("topic", &self.topic),
            ("producer", &self.producer),
            ("esm", &self.esm),
            ("function", &self.function),
        ] {
            if lines.is_empty() {
                continue;
            }
            out.push_str(&format!("{key}:\n"));
            for l in lines {
                let text = format!("{}{}", "  ".repeat(l.indent + 1), l.text);
                out.push_str(&format!("{text}{}\n", pad_comment(text.len(), &l.comment)));
            }
        }
        if !self.not_imported.is_empty() {
            out.push_str("\n# Not imported (esmsim does not simulate them):\n");
            for item in &self.not_imported {
                out.push_str(&format!("#   {item}\n"));
            }
        }
        out
    }
}

/// `  # comment` padded to column 40 (nothing when `comment` is empty).
fn pad_comment(len: usize, comment: &str) -> String {
    if comment.is_empty() {
        String::new()
    } else {
        format!(
            "{}# {}",
            " ".repeat(40usize.saturating_sub(len).max(2)),
            aws::clip(comment, 200)
        )
    }
}

/// `text` as a double-quoted YAML string.
pub(crate) fn quote(text: &str) -> String {
    let escaped: String = text
        .chars()
        .flat_map(|c| match c {
            '"' => vec!['\\', '"'],
            '\\' => vec!['\\', '\\'],
            c if c.is_control() => vec![' '],
            c => vec![c],
        })
        .collect();
    format!("\"{escaped}\"")
}

/// `name` as a scenario name: characters outside `A-Z a-z 0-9 . _ -` become `-`, at most
/// 100 characters, no leading `.`.
pub fn scenario_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .take(100)
        .collect();
    let cleaned = cleaned.trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "imported".to_string()
    } else {
        cleaned
    }
}

/// Whole seconds as a duration text: `2h`, `5m`, `90s`.
pub(crate) fn seconds_text(s: i64) -> String {
    if s != 0 && s % 3600 == 0 {
        format!("{}h", s / 3600)
    } else if s != 0 && s % 60 == 0 {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

/// Imports the documents into a scenario.
///
/// # Errors
///
/// [`ImportError`] naming the file, the field or series, its value and what was expected.
pub fn import(inputs: &Inputs, options: &Options) -> Result<Imported, ImportError> {
    let mut draft = Draft::default();
    draft.header("Imported by `esmsim import` from what AWS reports; each value's comment names its AWS field.".to_string());
    draft.header(
        "Values written \"<fill in: ...>\" are placeholders: `esmsim check` lists them all, and"
            .to_string(),
    );
    draft.header("`esmsim run` refuses the scenario until each is replaced (edit it, or pass --set PATH=VALUE).".to_string());
    mapping::read(&inputs.esm, options, &mut draft)?;
    metrics::producer(inputs.rate.as_ref(), options, &mut draft)?;
    function::read(&inputs.function, &mut draft)?;
    if let Some(c) = &inputs.concurrency {
        function::concurrency(c, &mut draft)?;
    }
    metrics::duration_model(inputs.duration.as_ref(), &mut draft)?;
    let name = scenario_name(
        options
            .name
            .as_deref()
            .or(draft.name_hint.as_deref())
            .unwrap_or("imported"),
    );
    Ok(Imported {
        yaml: draft.render(&name),
        name,
        trace: draft.trace.clone(),
        placeholders: draft.placeholders.clone(),
        not_imported: draft.not_imported.clone(),
    })
}
