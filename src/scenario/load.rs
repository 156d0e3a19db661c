//! The public entry points: parse a scenario once and resolve it (with overrides) as
//! often as needed, load a scenario file in one go, print a resolved one, hash one.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::error::ScenarioError;
use super::placeholders::{self, Placeholder};
use super::raw::RawScenario;
use super::resolve::{Context, resolve_with};
use super::trace::sha256_hex;
use super::traces::{FileTraces, TraceSource};
use super::units::DurationValue;
use super::{Scenario, esm, function, outputs, overrides, pricing, producer, slo, topic};

/// Largest scenario (or sweep) file read, in bytes (4 MiB). Bundled scenarios are a few
/// KiB; 100,000 partition weights fit in under 1 MiB. A larger file is refused before it
/// is read, so a 100 MB file costs neither time nor memory; long traffic goes in a trace
/// file.
pub const MAX_SCENARIO_BYTES: u64 = 4 * 1024 * 1024;

/// Deepest nesting of YAML collections accepted. A scenario nests at most about 6 deep;
/// the limit stops a deeply nested file before it costs memory.
pub const MAX_YAML_DEPTH: usize = 64;

/// Most alias expansions accepted (YAML `*name`), counted in parser events. A scenario
/// needs few or none; this stops "billion laughs" alias bombs in a few milliseconds.
pub const MAX_YAML_ALIAS_EVENTS: usize = 100_000;

/// The parser options for scenario and sweep files: serde-saphyr's default budget with
/// the depth and alias limits above.
pub(crate) fn yaml_options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    let mut budget = options.budget.clone().unwrap_or_default();
    budget.max_depth = MAX_YAML_DEPTH;
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = MAX_YAML_ALIAS_EVENTS;
    options
}

/// The text of the file at `path` if it holds at most [`MAX_SCENARIO_BYTES`] of UTF-8.
/// The read stops after the limit, so neither a huge file nor an endless stream (a FIFO,
/// `/dev/zero`) can exhaust memory.
pub fn read_text(path: &Path) -> Result<String, ScenarioError> {
    let io = |source: std::io::Error| ScenarioError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let too_large = |size: u64| ScenarioError::TooLarge {
        path: path.to_path_buf(),
        size,
        limit: MAX_SCENARIO_BYTES,
    };
    let meta = file.metadata().map_err(io)?;
    if meta.is_file() && meta.len() > MAX_SCENARIO_BYTES {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::new();
    file.take(MAX_SCENARIO_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_SCENARIO_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "not UTF-8 text (invalid byte at offset {}); is it a YAML file?",
                e.utf8_error().valid_up_to()
            ),
        ))
    })
}

/// A scenario parsed once: its raw form, its text (for the lines in error messages), the
/// folder its trace files are relative to and, when read from a file, that file (named
/// in error messages).
///
/// [`ParsedScenario::resolve`] applies `--set` overrides to a copy of the raw form and
/// resolves it, without parsing the text again: a sweep resolves its base scenario once
/// per run this way.
#[derive(Clone, Debug)]
pub struct ParsedScenario {
    raw: RawScenario,
    placeholders: Vec<Placeholder>,
    text: String,
    folder: PathBuf,
    file: Option<PathBuf>,
}

impl ParsedScenario {
    /// Reads and parses the scenario file at `path`; its trace files are relative to its
    /// folder. Errors name the file.
    pub fn read(path: &Path) -> Result<ParsedScenario, ScenarioError> {
        let text = read_text(path)?;
        let folder = path.parent().unwrap_or(Path::new("."));
        let mut parsed =
            ParsedScenario::parse(&text, folder).map_err(|e| e.in_file(path.to_path_buf()))?;
        parsed.file = Some(path.to_path_buf());
        Ok(parsed)
    }

    /// Parses scenario YAML whose trace files are relative to `folder`.
    pub fn parse(text: &str, folder: &Path) -> Result<ParsedScenario, ScenarioError> {
        if text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            return Err(ScenarioError::Yaml {
                message: "the scenario is empty; it needs at least `name`, `duration`, `topic`, `producer` and `function`".to_string(),
            });
        }
        let (mut raw, placeholders): (RawScenario, _) = match placeholders::extract(text)? {
            None => (
                serde_saphyr::from_str_with_options(text, yaml_options())
                    .map_err(|e| ScenarioError::from_yaml(&e))?,
                Vec::new(),
            ),
            // A placeholder where null is not allowed (inside a one-key form): the
            // placeholders are what to fix first, so they are the error.
            Some((tree, found)) => match RawScenario::deserialize(&tree) {
                Ok(raw) => (raw, found),
                Err(_) => return Err(ScenarioError::Placeholders { list: found }),
            },
        };
        if let Some(function) = raw.function.as_mut() {
            function::pin_reference_memory(function);
        }
        Ok(ParsedScenario {
            raw,
            placeholders,
            text: text.to_string(),
            folder: folder.to_path_buf(),
            file: None,
        })
    }

    /// The scenario file this was read from, if any.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// Applies `overrides` (`--set path=value` texts, in order) to a copy of the raw form
    /// and resolves it, taking trace files from `traces`. Errors name the file, if any.
    pub fn resolve(
        &self,
        overrides: &[String],
        traces: &dyn TraceSource,
    ) -> Result<Scenario, ScenarioError> {
        let resolved = overrides::apply(&self.raw, overrides).and_then(|(raw, applied)| {
            let unfilled = placeholders::unfilled(&self.placeholders, &applied);
            if !unfilled.is_empty() {
                return Err(ScenarioError::Placeholders { list: unfilled });
            }
            resolve_with(
                &raw,
                &Context {
                    source: Some(&self.text),
                    overrides: &applied,
                    base_dir: &self.folder,
                    traces,
                    clock: None,
                },
            )
        });
        match &self.file {
            Some(path) => resolved.map_err(|e| e.in_file(path.clone())),
            None => resolved,
        }
    }
}

impl ParsedScenario {
    /// The `plan:` section with `overrides` applied, resolved and checked (`None` when the
    /// scenario has none). Errors name the file, if any.
    pub fn plan(
        &self,
        overrides: &[String],
    ) -> Result<Option<super::plan::PlanSection>, ScenarioError> {
        let resolved = overrides::apply(&self.raw, overrides).and_then(|(raw, applied)| {
            super::plan::resolve(
                &raw,
                &Context {
                    source: Some(&self.text),
                    overrides: &applied,
                    base_dir: &self.folder,
                    traces: &FileTraces::default(),
                    clock: None,
                },
            )
        });
        match &self.file {
            Some(path) => resolved.map_err(|e| e.in_file(path.clone())),
            None => resolved,
        }
    }
}

/// Reads, overrides and resolves the scenario file at `path`.
///
/// `overrides` are `--set path=value` texts, applied in order. Relative trace files
/// resolve against the folder of `path`. Errors name the file.
pub fn load(path: &Path, overrides: &[String]) -> Result<Scenario, ScenarioError> {
    ParsedScenario::read(path)?.resolve(overrides, &FileTraces::default())
}

/// Parses, overrides and resolves scenario YAML; relative trace files resolve against
/// `base_dir`.
pub fn from_yaml_str(
    text: &str,
    base_dir: &Path,
    overrides: &[String],
) -> Result<Scenario, ScenarioError> {
    ParsedScenario::parse(text, base_dir)?.resolve(overrides, &FileTraces::default())
}

/// The resolved scenario as YAML in the scenario format, every default written out.
///
/// [`from_yaml_str`] accepts the result again (with the same `base_dir` for trace files)
/// and gives back an equal scenario. Trace entries carry the file's `sha256`, so a
/// changed file is reported instead of silently replayed.
pub fn to_yaml(s: &Scenario) -> String {
    serde_saphyr::to_string(&to_raw(s))
        .expect("the raw types hold only strings, numbers, booleans, lists and maps")
}

impl Scenario {
    /// Hex SHA-256 of the canonical JSON of the resolved scenario (`serde_json::to_string`).
    ///
    /// Two runs with the same hash simulate the same thing (trace files enter through
    /// their own SHA-256).
    pub fn hash(&self) -> String {
        let json = serde_json::to_vec(self)
            .expect("the scenario holds only strings, numbers, lists and string-keyed maps");
        sha256_hex(&json)
    }
}

/// Converts a resolved scenario back to the raw mirror, every field given.
pub fn to_raw(s: &Scenario) -> RawScenario {
    RawScenario {
        name: Some(s.name.clone()),
        seed: Some(s.seed),
        start_at: s.start_at.map(|c| c.to_string()),
        duration: Some(DurationValue::new(s.duration)),
        sample_interval: Some(DurationValue::new(s.sample_interval)),
        topic: Some(topic::to_raw(&s.topic)),
        producer: Some(producer::to_raw(&s.producer)),
        esm: Some(esm::to_raw(&s.esm)),
        function: Some(function::to_raw(&s.function)),
        pricing: Some(pricing::to_raw(&s.pricing)),
        slo: Some(slo::to_raw(&s.slo)),
        outputs: Some(outputs::to_raw(&s.outputs)),
        plan: None,
    }
}
