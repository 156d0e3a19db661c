//! Robustness to what AWS does not publish: a configuration re-run at the plausible
//! values of every unpublished constant ([`super::assumptions::RANGES`]), one constant
//! at a time, every run with every seed. A constant *flips the verdict* when at one of
//! its values the configuration meets every objective on every seed and at another (or
//! at the scenario's own value) it does not. Given a calibration
//! ([`super::calibration`]), a constant it fitted takes its calibrated range instead.

use serde::Serialize;

use super::PlanError;
use super::assumptions::RANGES;
use super::calibration::Calibration;
use super::eval::Progress;
use super::objectives::{ObjectiveOutcome, binding, combine, has_objectives, objectives};
use crate::executor::{Detail, Executor, simulate};
use crate::scenario::traces::TraceSource;
use crate::scenario::{ParsedScenario, Scenario};

/// The configuration under test.
pub struct Subject<'a> {
    /// The scenario, parsed once.
    pub base: &'a ParsedScenario,
    /// Its overrides (`--set`, and the planned configuration's settings).
    pub overrides: Vec<String>,
    /// Trace files.
    pub traces: &'a dyn TraceSource,
    /// Seeds of every run.
    pub seeds: Vec<u64>,
    /// Calibrated ranges that replace the table's for the constants they cover.
    pub calibration: Option<&'a Calibration>,
}

/// How a configuration did over the seeds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verdict {
    /// Every objective met on every seed.
    pub met: bool,
    /// Mean cost of the simulated period, USD.
    pub cost_usd: f64,
    /// The smallest relative margin of any objective (share of its limit; negative when
    /// missed).
    pub margin: f64,
    /// The objective with that margin.
    pub binding: Option<String>,
    /// Each objective combined over the seeds.
    pub objectives: Vec<ObjectiveOutcome>,
}

/// One value of an assumption and the verdict at it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ValueVerdict {
    /// The value, as a `--set` text.
    pub value: String,
    /// The verdict; `None` when the value does not resolve for this scenario.
    pub verdict: Option<Verdict>,
    /// Why it does not resolve.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One assumption's effect.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AssumptionEffect {
    /// Its name.
    pub name: String,
    /// Its scenario path.
    pub path: String,
    /// Where its range comes from.
    pub source: String,
    /// Whether the range is the calibrated one (from `--calibrated`).
    pub calibrated: bool,
    /// The verdict at each value of the range.
    pub values: Vec<ValueVerdict>,
    /// Whether some value's verdict differs from another's or from the baseline's.
    pub flips: bool,
    /// Smallest and largest relative margin over the values and the baseline.
    pub margin_range: (f64, f64),
}

/// The sensitivity report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SensitivityReport {
    /// The configuration as given.
    pub baseline: Verdict,
    /// Each assumption that applies, largest margin swing first.
    pub assumptions: Vec<AssumptionEffect>,
    /// Names and paths of the assumptions that do not apply to this scenario (another
    /// mode or policy, or a block it does not use).
    pub not_applicable: Vec<String>,
    /// Names of the assumptions that flip the verdict.
    pub flips: Vec<String>,
    /// Names of the assumptions whose range came from the calibration.
    pub calibrated: Vec<String>,
    /// Paths the calibration fitted that are not an applicable assumption of the table
    /// (their fitted value matters only through the scenario or `--set`).
    pub calibration_unused: Vec<String>,
    /// Simulations run.
    pub evaluations: usize,
}

type RunData = (f64, Vec<ObjectiveOutcome>);

fn verdict(runs: &[RunData]) -> Verdict {
    let objectives = combine(&runs.iter().map(|r| r.1.clone()).collect::<Vec<_>>());
    let b = binding(&objectives);
    Verdict {
        met: objectives.iter().all(|o| o.met),
        cost_usd: runs.iter().map(|r| r.0).sum::<f64>() / runs.len().max(1) as f64,
        margin: b.map_or(f64::INFINITY, ObjectiveOutcome::relative_margin),
        binding: b.map(|o| o.name.clone()),
        objectives,
    }
}

/// Runs the report for `subject`, whose resolved scenario is `scenario`.
///
/// # Errors
///
/// [`PlanError::NoObjective`] when the scenario sets none; [`PlanError::Scenario`] when
/// the configuration itself does not resolve; [`PlanError::Panicked`].
pub fn sensitivity(
    subject: &Subject<'_>,
    scenario: &Scenario,
    executor: &Executor,
    progress: &mut dyn FnMut(Progress),
) -> Result<SensitivityReport, PlanError> {
    let calibrated = |path: &str| subject.calibration.and_then(|c| c.range(path));
    let applicable: Vec<(usize, Vec<String>)> = RANGES
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            (r.values)(scenario).map(|v| (i, calibrated(r.path).map_or(v, |c| c.values.clone())))
        })
        .collect();
    let calibration_unused = subject
        .calibration
        .map(|c| {
            c.ranges
                .iter()
                .filter(|r| !applicable.iter().any(|(i, _)| RANGES[*i].path == r.path))
                .map(|r| r.path.clone())
                .collect()
        })
        .unwrap_or_default();
    let not_applicable = RANGES
        .iter()
        .enumerate()
        .filter(|(i, _)| !applicable.iter().any(|a| a.0 == *i))
        .map(|(_, r)| format!("{} ({})", r.name, r.path))
        .collect();
    // Jobs: (assumption slot or None for the baseline, value, seed).
    let seeds = subject.seeds.len();
    let mut jobs: Vec<(Option<(usize, usize)>, usize)> = (0..seeds).map(|s| (None, s)).collect();
    for (slot, (_, values)) in applicable.iter().enumerate() {
        for v in 0..values.len() {
            jobs.extend((0..seeds).map(|s| (Some((slot, v)), s)));
        }
    }
    let total = jobs.len();
    progress(Progress { done: 0, total });
    let mut results: Vec<Option<Result<RunData, String>>> = vec![None; total];
    executor.run(
        &jobs,
        |&(which, seed)| {
            let mut overrides = subject.overrides.clone();
            if let Some((slot, v)) = which {
                let (i, values) = &applicable[slot];
                overrides.push(format!("{}={}", RANGES[*i].path, values[v]));
            }
            overrides.push(format!("seed={}", subject.seeds[seed]));
            let scenario = match subject.base.resolve(&overrides, subject.traces) {
                Ok(s) => s,
                Err(e) if which.is_some() => return Ok(Err(e.to_string())),
                Err(e) => return Err(PlanError::Scenario(Box::new(e))),
            };
            if !has_objectives(&scenario) {
                return Err(PlanError::NoObjective);
            }
            let run = simulate(&scenario, Detail::SummaryOnly)?;
            Ok(Ok((
                run.summary.cost_usd,
                objectives(&run.summary, &scenario),
            )))
        },
        |i, r| {
            results[i] = Some(r);
            progress(Progress { done: i + 1, total });
            Ok(())
        },
    )?;
    let results: Vec<Result<RunData, String>> = results.into_iter().flatten().collect();
    let baseline_runs: Vec<RunData> = results[..seeds]
        .iter()
        .filter_map(|r| r.as_ref().ok().cloned())
        .collect();
    let baseline = verdict(&baseline_runs);
    let mut at = seeds;
    let mut effects = Vec::new();
    for (i, values) in &applicable {
        let range = &RANGES[*i];
        let mut vs = Vec::new();
        for value in values {
            let chunk = &results[at..at + seeds];
            at += seeds;
            let error = chunk.iter().find_map(|r| r.as_ref().err().cloned());
            let runs: Vec<RunData> = chunk
                .iter()
                .filter_map(|r| r.as_ref().ok().cloned())
                .collect();
            vs.push(ValueVerdict {
                value: value.clone(),
                verdict: error.is_none().then(|| verdict(&runs)),
                error,
            });
        }
        let verdicts: Vec<&Verdict> = vs.iter().filter_map(|v| v.verdict.as_ref()).collect();
        if verdicts.is_empty() {
            continue;
        }
        let flips = verdicts.iter().any(|v| v.met != baseline.met);
        let margins = verdicts.iter().map(|v| v.margin).chain([baseline.margin]);
        let margin_range = margins.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), m| {
            (lo.min(m), hi.max(m))
        });
        let calibration = calibrated(range.path);
        let source = match (calibration, subject.calibration) {
            (Some(c), Some(file)) if c.determined => format!(
                "calibrated ({}): the fitted value, which the data determine",
                file.file
            ),
            (Some(_), Some(file)) => format!(
                "calibrated ({}): the values whose loss is within {} % of the best",
                file.file,
                crate::calibrate::fit::TOLERANCE * 100.0
            ),
            _ => range.source.to_string(),
        };
        effects.push(AssumptionEffect {
            name: range.name.to_string(),
            path: range.path.to_string(),
            source,
            calibrated: calibration.is_some(),
            values: vs,
            flips,
            margin_range,
        });
    }
    effects.sort_by(|a, b| {
        let swing = |e: &AssumptionEffect| e.margin_range.1 - e.margin_range.0;
        swing(b)
            .total_cmp(&swing(a))
            .then_with(|| a.path.cmp(&b.path))
    });
    Ok(SensitivityReport {
        flips: effects
            .iter()
            .filter(|e| e.flips)
            .map(|e| e.name.clone())
            .collect(),
        calibrated: effects
            .iter()
            .filter(|e| e.calibrated)
            .map(|e| e.name.clone())
            .collect(),
        calibration_unused,
        baseline,
        assumptions: effects,
        not_applicable,
        evaluations: total,
    })
}
