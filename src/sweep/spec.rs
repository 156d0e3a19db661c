//! The sweep file: parsed, checked and expanded into a [`Plan`].
//!
//! ```yaml
//! name: size-the-consumer
//! base: ../steady-orders.yaml     # relative to this file
//! replications: 5                 # seeds: first seed, +1, +2 ...
//! seed: 42                        # optional; default: the base scenario's seed
//! set: {duration: 1h}             # optional: overrides applied to every run
//! grid:                           # cartesian product, last key fastest
//!   topic.partitions: [12, 24, 48]
//!   function.memory: [512, 1024]
//! zip:                            # optional: varied together, same length
//!   esm.batching_window: [0s, 500ms]
//! random:                         # optional: sampled, seeded
//!   samples: 20
//!   method: lhs                   # lhs (default) or uniform
//!   ranges: {esm.batch_size: [10, 1000]}
//! slo: [{max_age: 60s}]           # optional: the scenario's `slo:`, in every variant
//! charts: {metric: max_record_age_s, x: function.memory, lines: topic.partitions,
//!          reference: {topic.partitions: 24}}
//! ```

use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{MapAccess, Visitor};

use super::error::SweepError;
use super::plan::{Axis, ChartChoice, Plan, PlanObjective, Samples};
use super::random::{self, Method, Range};
use super::table::METRICS;
use crate::scenario::error::parser_error;
use crate::scenario::raw::RawSlo;
use crate::scenario::slo::window_label;
use crate::scenario::{FileTraces, ParsedScenario, Scenario, ScenarioError};

/// Most runs one sweep may have.
pub const MAX_RUNS: usize = 1_000_000;

/// Most replications of a variant.
pub const MAX_REPLICATIONS: u32 = 1000;

/// A map that keeps the order of its keys as written and rejects duplicates.
#[derive(Debug, Default)]
struct Ordered<V>(Vec<(String, V)>);

impl<V: schemars::JsonSchema> schemars::JsonSchema for Ordered<V> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("PathMap_{}", V::schema_name()).into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        // Values are scalars or lists of them, read as text and parsed per path.
        schemars::json_schema!({
            "description": "A map from scenario paths (`topic.partitions`) to values, in order.",
            "type": "object"
        })
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Vis<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of scenario paths, e.g. `topic.partitions: [12, 24]`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries: Vec<(String, V)> = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, V>()? {
                    if entries.iter().any(|(k, _)| *k == key) {
                        return Err(serde::de::Error::custom(format!("`{key}` is given twice")));
                    }
                    entries.push((key, value));
                }
                Ok(Ordered(entries))
            }
        }
        d.deserialize_map(Vis(PhantomData))
    }
}

/// A sweep file: a base scenario and the variants to run.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawSweep {
    /// Sweep name; the default output folder is `outputs/<name>/`.
    name: String,
    /// The base scenario file, relative to the sweep file.
    base: String,
    /// First seed; replication `r` uses `seed + r`.
    #[serde(default)]
    seed: Option<u64>,
    /// Runs per variant, each with its own seed.
    #[serde(default)]
    replications: Option<u32>,
    /// Overrides applied to the base scenario in every variant (`path: value`).
    #[serde(default)]
    set: Ordered<String>,
    /// Every combination of these values (`path: [v1, v2, ...]`).
    #[serde(default)]
    grid: Ordered<Vec<String>>,
    /// Lists of equal length varied together, crossed with the grid.
    #[serde(default)]
    zip: Ordered<Vec<String>>,
    /// Randomly sampled variants instead of a grid.
    #[serde(default)]
    random: Option<RawRandom>,
    /// The objectives variants are checked against (the scenario's `slo:` form; it
    /// replaces the base scenario's).
    #[serde(default)]
    slo: Option<RawSlo>,
    /// Which metric and axes the sweep charts show.
    #[serde(default)]
    charts: Option<RawCharts>,
}

/// The JSON Schema of the sweep file format.
pub fn json_schema() -> schemars::Schema {
    schemars::schema_for!(RawSweep)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawRandom {
    samples: u32,
    #[serde(default)]
    method: Option<Method>,
    ranges: Ordered<Vec<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawCharts {
    #[serde(default)]
    metric: Option<String>,
    #[serde(default)]
    x: Option<String>,
    #[serde(default)]
    lines: Option<String>,
    /// The variant the charts hold the other parameters at, by parameter values.
    #[serde(default)]
    reference: Option<Ordered<String>>,
}

/// The base scenario of a sweep, parsed once: every run resolves a copy of its raw form
/// with the run's overrides, and the trace files it replays are read once for all runs.
#[derive(Clone, Debug)]
pub struct Base {
    /// The scenario file (resolved against the sweep file's folder).
    pub path: PathBuf,
    parsed: ParsedScenario,
    traces: Arc<FileTraces>,
    /// The base scenario without any override.
    pub scenario: Scenario,
}

impl Base {
    /// Reads, parses and resolves the scenario at `path`.
    pub fn load(path: &Path) -> Result<Base, SweepError> {
        let parsed = ParsedScenario::read(path).map_err(|e| SweepError::Base(Box::new(e)))?;
        let traces = Arc::new(FileTraces::default());
        let scenario = parsed
            .resolve(&[], traces.as_ref())
            .map_err(|e| SweepError::Base(Box::new(e)))?;
        Ok(Base {
            path: path.to_path_buf(),
            parsed,
            traces,
            scenario,
        })
    }

    /// The base scenario with `overrides` applied (errors name the base file).
    pub fn resolve(&self, overrides: &[String]) -> Result<Scenario, ScenarioError> {
        self.parsed.resolve(overrides, self.traces.as_ref())
    }
}

/// A parsed and checked sweep file.
#[derive(Debug)]
pub struct SweepSpec {
    /// The expanded sweep.
    pub plan: Plan,
    /// The base scenario.
    pub base: Base,
}

impl SweepSpec {
    /// Reads the sweep file at `path`, loads its base scenario and expands the variants.
    ///
    /// # Errors
    ///
    /// A [`SweepError`] naming the field, the value and what is allowed: bad YAML, an
    /// unknown key, zip lists of different lengths, a parameter path the scenario does not
    /// have, a base scenario that does not load, more than [`MAX_RUNS`] runs.
    pub fn load(path: &Path) -> Result<SweepSpec, SweepError> {
        let text = crate::scenario::load::read_text(path).map_err(|e| match e {
            ScenarioError::Io { source, .. } => SweepError::Io {
                path: path.to_path_buf(),
                source,
            },
            other => SweepError::Yaml {
                path: path.to_path_buf(),
                message: other.to_string().replace("scenario file", "sweep file"),
            },
        })?;
        let raw: RawSweep =
            serde_saphyr::from_str_with_options(&text, crate::scenario::load::yaml_options())
                .map_err(|e| SweepError::Yaml {
                    path: path.to_path_buf(),
                    message: yaml_message(&e),
                })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let base = Base::load(&dir.join(&raw.base))?;
        let plan = expand(raw, &base)?;
        Ok(SweepSpec { plan, base })
    }

    /// Ranks `best.csv` by `metric` (`--rank-by`).
    ///
    /// # Errors
    ///
    /// A metric that is not a sweep metric, with the list of those that are.
    pub fn set_rank_by(&mut self, metric: &str) -> Result<(), SweepError> {
        if !METRICS.contains(&metric) {
            return Err(SweepError::invalid(
                "--rank-by",
                format!("`{metric}`"),
                format!("one of {}", METRICS.join(", ")),
            ));
        }
        self.plan.rank_by = Some(metric.to_string());
        Ok(())
    }
}

/// The parser's message, with a hint when a parameter value is a map or a list.
fn yaml_message(error: &serde_saphyr::Error) -> String {
    let message = error.to_string();
    if matches!(
        parser_error(error),
        serde_saphyr::Error::Unexpected {
            expected: "string scalar",
            ..
        }
    ) {
        format!(
            "{message}\nparameter values must be scalars (numbers, durations, words); write a map or list value as a quoted string, e.g. \"{{uniform: [30s, 180s]}}\""
        )
    } else {
        message
    }
}

/// Checks the raw sweep and expands it into a plan.
fn expand(raw: RawSweep, base: &Base) -> Result<Plan, SweepError> {
    if raw.name.trim().is_empty() || raw.name.contains(['/', '\\']) || raw.name.starts_with('.') {
        return Err(SweepError::invalid(
            "name",
            format!("`{}`", raw.name),
            "a non-empty folder name without `/` or `\\` that does not start with `.`",
        ));
    }
    let replications = raw.replications.unwrap_or(1);
    if !(1..=MAX_REPLICATIONS).contains(&replications) {
        return Err(SweepError::invalid(
            "replications",
            replications,
            format!("from 1 to {MAX_REPLICATIONS}"),
        ));
    }
    let first_seed = raw.seed.unwrap_or(base.scenario.seed);
    let seeds = (0..u64::from(replications))
        .map(|r| first_seed.wrapping_add(r))
        .collect();

    let mut fixed: Vec<String> = raw.set.0.iter().map(|(k, v)| format!("{k}={v}")).collect();
    if let Some(slo) = &raw.slo {
        let text = serde_json::to_string(slo).unwrap_or_default();
        fixed.push(format!("slo={text}"));
    }
    // The fixed overrides must apply on their own.
    let fixed_scenario = base
        .resolve(&fixed)
        .map_err(|source| SweepError::Parameter {
            field: if raw.slo.is_some() { "set, slo" } else { "set" }.into(),
            value: fixed.join(", "),
            source: Box::new(source),
        })?;
    let objectives = plan_objectives(&fixed_scenario);

    let axes = |section: &str, map: Ordered<Vec<String>>| -> Result<Vec<Axis>, SweepError> {
        map.0
            .into_iter()
            .map(|(key, values)| {
                if values.is_empty() {
                    return Err(SweepError::invalid(
                        format!("{section}.{key}"),
                        "an empty list",
                        "a list of at least one value",
                    ));
                }
                Ok(Axis { key, values })
            })
            .collect()
    };
    let grid = axes("grid", raw.grid)?;
    let zip = axes("zip", raw.zip)?;
    if let Some(first) = zip.first()
        && let Some(other) = zip.iter().find(|a| a.values.len() != first.values.len())
    {
        return Err(SweepError::ZipLength {
            key: other.key.clone(),
            len: other.values.len(),
            first_key: first.key.clone(),
            first_len: first.values.len(),
        });
    }
    let (samples, ranges) = match raw.random {
        None => (Samples::default(), Vec::new()),
        Some(r) => sample(r, first_seed)?,
    };

    // Every key once, never the seed, and every written value applicable to the base.
    let mut seen: Vec<(&str, &str)> = raw.set.0.iter().map(|(k, _)| (k.as_str(), "set")).collect();
    let sections = grid
        .iter()
        .map(|a| (a, "grid"))
        .chain(zip.iter().map(|a| (a, "zip")))
        .chain(ranges.iter().map(|a| (a, "random.ranges")));
    for (axis, section) in sections {
        let field = format!("{section}.{}", axis.key);
        if axis.key == "seed" {
            return Err(SweepError::invalid(
                field,
                "a parameter",
                "left out: seeds come from `replications` (and `seed`), one per replication",
            ));
        }
        if let Some((_, other)) = seen.iter().find(|(k, _)| *k == axis.key) {
            return Err(SweepError::invalid(
                field,
                format!("also under `{other}`"),
                "given in one place only (`set`, `grid`, `zip` or `random.ranges`)",
            ));
        }
        seen.push((&axis.key, section));
        for value in &axis.values {
            check_applies(base, &fixed, &field, &axis.key, value)?;
        }
    }

    let plan = Plan {
        name: raw.name,
        base: raw.base,
        charts: ChartChoice {
            metric: String::new(),
            x: None,
            lines: None,
            reference: None,
        },
        fixed,
        grid,
        zip,
        samples,
        seeds,
        objectives,
        rank_by: None,
    };
    let runs = plan
        .grid
        .iter()
        .map(|a| a.values.len())
        .chain([plan.zip.first().map_or(1, |a| a.values.len())])
        .chain([plan.samples.values.len().max(1), plan.seeds.len()])
        .try_fold(1usize, |acc, n| acc.checked_mul(n))
        .filter(|&n| n <= MAX_RUNS);
    if runs.is_none() {
        return Err(SweepError::invalid(
            "grid",
            "a sweep of more runs than allowed",
            format!(
                "at most {MAX_RUNS} runs (variants x replications); use `random` to sample a large space"
            ),
        ));
    }
    let charts = choose_charts(&plan, raw.charts)?;
    Ok(Plan { charts, ..plan })
}

/// The objectives of `scenario` as the sweep tables name them.
fn plan_objectives(scenario: &Scenario) -> Vec<PlanObjective> {
    scenario
        .slo
        .objectives
        .iter()
        .map(|o| PlanObjective {
            name: o.name.clone(),
            kind: o.target.kind().to_string(),
            limit: o.target.limit(),
            during: o.during.as_ref().map(window_label),
        })
        .collect()
}

/// The first variant whose parameters have the values in `pairs` (`charts.reference`).
fn reference_variant(plan: &Plan, pairs: &Ordered<String>) -> Result<usize, SweepError> {
    let parameters = plan.parameters();
    for (key, _) in &pairs.0 {
        if !parameters.contains(&key.as_str()) {
            return Err(SweepError::invalid(
                format!("charts.reference.{key}"),
                format!("`{key}`, which the sweep does not vary"),
                format!("one of the varied parameters: {}", parameters.join(", ")),
            ));
        }
    }
    (0..plan.variant_count())
        .find(|&v| {
            let values = plan.values(v);
            pairs.0.iter().all(|(key, want)| {
                parameters
                    .iter()
                    .zip(&values)
                    .any(|(p, got)| *p == key.as_str() && got.trim() == want.trim())
            })
        })
        .ok_or_else(|| {
            let written: Vec<String> = pairs.0.iter().map(|(k, v)| format!("{k}={v}")).collect();
            SweepError::invalid(
                "charts.reference",
                written.join(", "),
                "the parameter values of one of the sweep's variants, written as in the sweep file",
            )
        })
}

/// Applies `key=value` alone to the base: an unknown path or a value of the wrong type
/// is an error of the sweep file; a value out of range is left to its variants.
fn check_applies(
    base: &Base,
    fixed: &[String],
    field: &str,
    key: &str,
    value: &str,
) -> Result<(), SweepError> {
    let mut sets = fixed.to_vec();
    sets.push(format!("{key}={value}"));
    match base.resolve(&sets) {
        Err(e) if is_override_error(&e) => Err(SweepError::Parameter {
            field: field.to_string(),
            value: value.to_string(),
            source: Box::new(e),
        }),
        _ => Ok(()),
    }
}

fn is_override_error(e: &ScenarioError) -> bool {
    match e {
        ScenarioError::Override { .. } => true,
        ScenarioError::InFile { error, .. } => is_override_error(error),
        _ => false,
    }
}

/// Draws the `random` samples; returns them and the ranges as axes (for the checks).
fn sample(raw: RawRandom, seed: u64) -> Result<(Samples, Vec<Axis>), SweepError> {
    if raw.samples == 0 || raw.samples as usize > MAX_RUNS {
        return Err(SweepError::invalid(
            "random.samples",
            raw.samples,
            format!("from 1 to {MAX_RUNS}"),
        ));
    }
    if raw.ranges.0.is_empty() {
        return Err(SweepError::invalid(
            "random.ranges",
            "empty",
            "at least one `path: [low, high]`",
        ));
    }
    let ranges = raw
        .ranges
        .0
        .iter()
        .map(|(key, bounds)| Range::parse(&format!("random.ranges.{key}"), bounds))
        .collect::<Result<Vec<_>, _>>()?;
    let values = random::draw(
        &ranges,
        raw.samples as usize,
        raw.method.unwrap_or_default(),
        seed,
    );
    let keys: Vec<String> = raw.ranges.0.iter().map(|(k, _)| k.clone()).collect();
    let bounds = raw
        .ranges
        .0
        .into_iter()
        .map(|(key, values)| Axis { key, values })
        .collect();
    Ok((Samples { keys, values }, bounds))
}

/// The chart choice: the metric, and the x and line parameters among the grid and zip
/// parameters with at least two values (zip counts once).
fn choose_charts(plan: &Plan, raw: Option<RawCharts>) -> Result<ChartChoice, SweepError> {
    let mut raw = raw.unwrap_or(RawCharts {
        metric: None,
        x: None,
        lines: None,
        reference: None,
    });
    let reference = match raw.reference.take() {
        None => None,
        Some(pairs) => Some(reference_variant(plan, &pairs)?),
    };
    let metric = raw.metric.unwrap_or_else(|| "max_record_age_s".to_string());
    if !METRICS.contains(&metric.as_str()) {
        return Err(SweepError::invalid(
            "charts.metric",
            format!("`{metric}`"),
            format!("one of {}", METRICS.join(", ")),
        ));
    }
    let candidates: Vec<&str> = plan
        .grid
        .iter()
        .filter(|a| a.values.len() >= 2)
        .chain(plan.zip.iter().filter(|a| a.values.len() >= 2))
        .map(|a| a.key.as_str())
        .collect();
    let pick = |field: &str, given: Option<String>, not: Option<&str>| {
        let allowed = |c: &str| Some(plan.dim_of(c)) != not.map(|n| plan.dim_of(n));
        match given {
            Some(key) if candidates.iter().any(|c| *c == key && allowed(c)) => Ok(Some(key)),
            Some(key) => Err(SweepError::invalid(
                format!("charts.{field}"),
                format!("`{key}`"),
                format!(
                    "a `grid` or `zip` parameter with at least two values{}: {}",
                    not.map_or(String::new(), |n| format!(", varied apart from `{n}`")),
                    candidates
                        .iter()
                        .filter(|c| allowed(c))
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
            None => Ok(candidates
                .iter()
                .find(|c| allowed(c))
                .map(|c| c.to_string())),
        }
    };
    let x = pick("x", raw.x, None)?;
    let lines = match &x {
        Some(x) => pick("lines", raw.lines, Some(x))?,
        None => None,
    };
    Ok(ChartChoice {
        metric,
        x,
        lines,
        reference,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(sweep: &str) -> Result<SweepSpec, SweepError> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("base.yaml"),
            "name: b\nseed: 42\nduration: 1m\ntopic: {partitions: 4}\n\
             producer: {rate: [{constant: 100}]}\nfunction: {duration: {per_batch: 10ms}}\n",
        )
        .unwrap();
        let path = dir.path().join("sweep.yaml");
        std::fs::write(&path, sweep).unwrap();
        SweepSpec::load(&path)
    }

    #[test]
    fn expands_grid_zip_and_seeds_in_file_order() {
        let s = spec(
            "name: s\nbase: base.yaml\nreplications: 3\n\
             grid: {topic.partitions: [2, 4], function.memory: [512, 1024, 2048]}\n\
             zip: {esm.batching_window: [0s, 500ms], esm.batch_size: [10, 100]}\n",
        )
        .unwrap();
        let p = &s.plan;
        assert_eq!(p.variant_count(), 12);
        assert_eq!(p.seeds, [42, 43, 44]);
        assert_eq!(p.values(0), ["2", "512", "0s", "10"]);
        assert_eq!(p.values(1), ["2", "512", "500ms", "100"]);
        assert_eq!(p.values(2), ["2", "1024", "0s", "10"]);
        assert_eq!(p.values(11), ["4", "2048", "500ms", "100"]);
        assert_eq!(p.charts.x.as_deref(), Some("topic.partitions"));
        assert_eq!(p.charts.lines.as_deref(), Some("function.memory"));
    }

    #[test]
    fn zip_lists_of_different_lengths_are_named() {
        let err = spec(
            "name: s\nbase: base.yaml\nzip: {esm.batching_window: [0s, 1s], esm.batch_size: [1, 2, 3]}\n",
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(matches!(
            err,
            SweepError::ZipLength {
                len: 3,
                first_len: 2,
                ..
            }
        ));
        assert!(
            text.contains("`zip.esm.batch_size` has 3 values")
                && text.contains("`zip.esm.batching_window` has 2"),
            "{text}"
        );
    }

    #[test]
    fn bad_sweep_files_name_the_field_the_value_and_what_is_allowed() {
        let cases = [
            (
                "grid: {topic.partition: [1]}",
                "`grid.topic.partition` value `1`",
            ),
            (
                "grid: {topic.partitions: []}",
                "`grid.topic.partitions` is an empty list",
            ),
            ("grid: {seed: [1, 2]}", "`grid.seed`"),
            (
                "replications: 0",
                "`replications` is 0, but it must be from 1 to 1000",
            ),
            (
                "grid: {function.memory: [512]}\nzip: {function.memory: [1024]}",
                "`zip.function.memory` is also under `grid`",
            ),
            (
                "charts: {metric: speed}",
                "`charts.metric` is `speed`, but it must be one of",
            ),
            ("grid: {topic.partitions: [{x: 1}]}", "quoted string"),
            ("grids: {}", "unknown field"),
            ("slo: {max_age: soon}", "`soon` is not a duration"),
        ];
        for (extra, expected) in cases {
            let err = spec(&format!("name: s\nbase: base.yaml\n{extra}\n")).unwrap_err();
            assert!(err.to_string().contains(expected), "{extra}: {err}");
        }
    }

    #[test]
    fn out_of_range_values_are_left_to_their_variants() {
        let s = spec("name: s\nbase: base.yaml\ngrid: {topic.partitions: [0, 4]}\n").unwrap();
        assert!(s.base.resolve(&s.plan.overrides(0, 0)).is_err());
        assert!(s.base.resolve(&s.plan.overrides(1, 0)).is_ok());
    }

    #[test]
    fn random_samples_are_seeded_and_combined_with_the_grid() {
        let yaml = "name: s\nbase: base.yaml\ngrid: {function.memory: [512, 1024]}\n\
                    random: {samples: 4, ranges: {esm.batch_size: [10, 100], esm.batching_window: [0s, 1s]}}\n";
        let a = spec(yaml).unwrap().plan;
        let b = spec(yaml).unwrap().plan;
        assert_eq!(a, b);
        assert_eq!(a.variant_count(), 8);
        assert_eq!(
            a.parameters(),
            ["function.memory", "esm.batch_size", "esm.batching_window"]
        );
        assert_eq!(a.values(0)[0], "512");
        assert_eq!(a.values(4)[0], "1024");
        assert_eq!(a.values(0)[1..], a.values(4)[1..]);
    }
}
