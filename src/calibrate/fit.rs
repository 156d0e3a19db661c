//! The fit: candidate parameter values applied as `--set` overrides, simulated with
//! common random numbers, compared with the observations, searched coordinate-wise.
//!
//! # Loss
//!
//! For each observed metric `m` with weight `w_m` ([`Weights`]) and its `n_m` periods,
//! `loss = Σ_m w_m · (1/n_m) Σ_periods (log1p(observed) − log1p(simulated))²`, averaged
//! over the seeds. The simulated rows are aggregated to the observed period with the
//! metric's CloudWatch statistic: Maximum for `OffsetLag`, `ConcurrentExecutions` and
//! `ProvisionedPollers`, Sum for `Invocations`, `Throttles` and `Errors`. `Duration` is
//! not compared (the function's duration is an input of the scenario). Periods that start
//! before t = 0 or end after the scenario's duration are skipped.
//!
//! # Search
//!
//! Every parameter has a grid: a discrete one its listed choices, a range `lo..hi` its
//! `points` values (log-spaced when `lo > 0` and `hi/lo ≥ 10`, else evenly spaced).
//! Coordinate descent from the middle of every grid: each parameter in turn takes its
//! best grid value with the others held, until a full round changes nothing (at most
//! [`MAX_ROUNDS`]). The last round's losses along each parameter are its profile: a flat
//! profile means the data do not determine that parameter. Every candidate runs with the
//! same seeds (common random numbers), so loss differences come from the parameters.

use std::collections::HashMap;

use super::observed::{Metric, Observed};
use crate::executor::{Detail, Executor, simulate};
use crate::metrics::SampleRow;
use crate::scenario::ParsedScenario;
use crate::scenario::error::ScenarioError;
use crate::scenario::traces::TraceSource;

/// Rounds of coordinate descent at most.
pub const MAX_ROUNDS: usize = 4;
/// Grid points of a range parameter by default.
pub const DEFAULT_POINTS: usize = 7;
/// A value whose loss is within this share of the best loss fits the data as well: a
/// parameter with such another value is *not determined by the data*.
pub const TOLERANCE: f64 = 0.05;

/// Whether `loss` fits the data as well as the `best` loss (within [`TOLERANCE`]); a
/// loss that was not computed (NaN) cannot rule its value out, so it counts as within.
pub fn within_tolerance(loss: f64, best: f64) -> bool {
    loss.is_nan() || loss <= best * (1.0 + TOLERANCE) + 1e-9
}

/// One parameter to fit.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Param {
    /// The scenario path (`esm.scaler.actuation_delay`).
    pub path: String,
    /// The values tried, as `--set` value texts.
    pub grid: Vec<String>,
}

/// A `--fit` text that cannot be used.
#[derive(Debug, PartialEq, thiserror::Error)]
#[error("--fit '{spec}': {message}")]
pub struct FitSpecError {
    /// The text.
    pub spec: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

/// Parses `PATH=lo..hi` (numbers, optionally all with the unit `s`, e.g. `30s..180s` or
/// `100..1e6`) or `PATH=a|b|c` (choices as `--set` values, e.g. `double|{add: 2}`).
///
/// # Errors
///
/// [`FitSpecError`] naming the text and the forms allowed.
pub fn parse_param(spec: &str, points: usize) -> Result<Param, FitSpecError> {
    let bad = |message: &str| FitSpecError {
        spec: spec.to_string(),
        message: message.to_string(),
    };
    let (path, value) = match spec.split_once('=') {
        Some(split) => split,
        None => match default_range(spec.trim()) {
            Some(range) => (spec, range),
            None => {
                let known: Vec<&str> = DEFAULT_RANGES.iter().map(|(p, _)| *p).collect();
                return Err(bad(&format!(
                    "expected PATH=lo..hi or PATH=a|b|c; a bare PATH takes its default range only for {}",
                    known.join(", ")
                )));
            }
        },
    };
    let path = path.trim().to_string();
    if path.is_empty() {
        return Err(bad("the path before `=` is empty"));
    }
    if let Some((lo, hi)) = value.split_once("..") {
        fn unit(t: &str) -> (&str, &str) {
            t.trim()
                .strip_suffix('s')
                .map_or((t.trim(), ""), |n| (n, "s"))
        }
        let ((lo, ulo), (hi, uhi)) = (unit(lo), unit(hi));
        if ulo != uhi {
            return Err(bad(
                "both ends of the range need the same unit (seconds `s` or none)",
            ));
        }
        let parse = |t: &str| t.parse::<f64>().ok().filter(|x| x.is_finite());
        let (Some(lo), Some(hi)) = (parse(lo), parse(hi)) else {
            return Err(bad(
                "a range is lo..hi with numbers, e.g. 30s..180s or 100..1e6",
            ));
        };
        if hi <= lo || points < 2 {
            return Err(bad("a range needs lo < hi and at least 2 points"));
        }
        let log = lo > 0.0 && hi / lo >= 10.0;
        let grid = (0..points)
            .map(|i| {
                let f = i as f64 / (points - 1) as f64;
                let v = if log {
                    (lo.ln() + f * (hi.ln() - lo.ln())).exp()
                } else {
                    lo + f * (hi - lo)
                };
                format_value(v, ulo)
            })
            .collect::<Vec<_>>();
        let mut dedup = grid.clone();
        dedup.dedup();
        return Ok(Param { path, grid: dedup });
    }
    let grid: Vec<String> = value.split('|').map(|s| s.trim().to_string()).collect();
    if grid.iter().any(String::is_empty) {
        return Err(bad("an empty choice; list choices as a|b|c"));
    }
    Ok(Param { path, grid })
}

/// The range a bare `--fit PATH` searches: the plausible span of each of the scaler's
/// assumed constants (docs/calibrate.md lists them).
pub const DEFAULT_RANGES: &[(&str, &str)] = &[
    ("esm.scaler.actuation_delay", "0s..180s"),
    (
        "esm.scaler.scale_out.step",
        "double|{add: 1}|{add: 2}|{add: 4}|to_max",
    ),
    ("esm.scaler.scale_out.min_lag", "100..1e6"),
    ("esm.scaler.scale_in.cooldown", "0s..1800s"),
    ("esm.scaler.scale_in.after_evaluations", "1|2|3|5|10"),
    ("esm.scaler.on_throttle.factor", "0.25..0.9"),
];

/// The default range of a bare `--fit PATH`, if it has one.
pub fn default_range(path: &str) -> Option<&'static str> {
    DEFAULT_RANGES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, range)| *range)
}

/// A grid value as a `--set` text: a whole number when it is one (after rounding numbers
/// above 100), else 3 significant decimals.
fn format_value(v: f64, unit: &str) -> String {
    let r = if v.abs() >= 100.0 {
        v.round()
    } else {
        (v * 1000.0).round() / 1000.0
    };
    format!("{r}{unit}")
}

/// The weight of each metric in the loss.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Weights(pub Vec<(Metric, f64)>);

impl Default for Weights {
    /// `OffsetLag` 1, `ConcurrentExecutions` 1, `ProvisionedPollers` 1, `Invocations`
    /// 0.5, `Throttles` 0.5, `Errors` 0.5, `Duration` 0.
    fn default() -> Self {
        Weights(vec![
            (Metric::OffsetLag, 1.0),
            (Metric::ConcurrentExecutions, 1.0),
            (Metric::ProvisionedPollers, 1.0),
            (Metric::Invocations, 0.5),
            (Metric::Throttles, 0.5),
            (Metric::Errors, 0.5),
            (Metric::Duration, 0.0),
        ])
    }
}

impl Weights {
    fn of(&self, m: Metric) -> f64 {
        self.0.iter().find(|w| w.0 == m).map_or(0.0, |w| w.1)
    }
}

/// The simulated value of `metric` over `(from_s, to_s]`, with its CloudWatch statistic;
/// `None` when no row falls in it.
pub fn aggregate(
    rows: &[SampleRow],
    metric: Metric,
    from_s: f64,
    to_s: f64,
    interval_s: f64,
) -> Option<f64> {
    let inside = rows.iter().filter(|r| {
        let t = r.time.as_secs_f64();
        t > from_s + 1e-9 && t <= to_s + 1e-9
    });
    let mut any = false;
    let mut acc = 0.0f64;
    for r in inside {
        any = true;
        match metric {
            Metric::OffsetLag => acc = acc.max(r.lag as f64),
            Metric::ConcurrentExecutions => acc = acc.max(f64::from(r.concurrency_max)),
            Metric::ProvisionedPollers => acc = acc.max(f64::from(r.pollers)),
            Metric::Invocations => acc += r.invocations_per_s * interval_s,
            Metric::Throttles => acc += r.throttles as f64,
            Metric::Errors => acc += r.errors as f64,
            Metric::Duration => return None,
        }
    }
    any.then_some(acc)
}

/// The observed data placed on the simulation's clock.
#[derive(Clone, Debug)]
pub struct Target {
    /// The observations.
    pub observed: Observed,
    /// The epoch second that is the scenario's t = 0.
    pub start: i64,
    /// The loss weights.
    pub weights: Weights,
}

impl Target {
    /// The loss of one run's rows (see the module doc).
    pub fn loss(&self, rows: &[SampleRow], duration_s: f64, interval_s: f64) -> f64 {
        let p = self.observed.period_s as f64;
        let mut total = 0.0;
        for s in &self.observed.series {
            let w = self.weights.of(s.metric);
            if w == 0.0 {
                continue;
            }
            let (mut sum, mut n) = (0.0, 0usize);
            for &(t, obs) in &s.points {
                let from = (t - self.start) as f64;
                if from < 0.0 || from + p > duration_s + 1e-9 {
                    continue;
                }
                if let Some(sim) = aggregate(rows, s.metric, from, from + p, interval_s) {
                    let d = obs.max(0.0).ln_1p() - sim.max(0.0).ln_1p();
                    sum += d * d;
                    n += 1;
                }
            }
            if n > 0 {
                total += w * sum / n as f64;
            }
        }
        total
    }
}

/// What a fit found.
#[derive(Clone, Debug, serde::Serialize)]
pub struct FitResult {
    /// The best value of each parameter, as `--set` texts (`path=value`).
    pub best: Vec<String>,
    /// Its loss.
    pub loss: f64,
    /// Per parameter: `(value, loss)` along its grid with the others at their best.
    pub profiles: Vec<Profile>,
    /// Simulations run.
    pub runs: usize,
}

/// The loss along one parameter.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Profile {
    /// The path.
    pub path: String,
    /// `(value, loss)` pairs in grid order.
    pub points: Vec<(String, f64)>,
    /// Whether the data pin it: another value within 5 % of the best loss means no
    /// (`false`), the loss rising by more than 5 % at every other value means yes.
    pub determined: bool,
}

/// A fit that could not run.
#[derive(Debug, thiserror::Error)]
pub enum FitError {
    /// A candidate does not resolve.
    #[error("candidate {overrides:?}: {source}")]
    Scenario {
        /// Its overrides.
        overrides: Vec<String>,
        /// Why.
        source: Box<ScenarioError>,
    },
    /// A simulation panicked.
    #[error(transparent)]
    Panicked(#[from] crate::executor::SimulationPanicked),
}

/// The fit's inputs.
pub struct Problem<'a> {
    /// The scenario as the team knows it.
    pub base: &'a ParsedScenario,
    /// Overrides applied before the candidate's (`--set`).
    pub overrides: Vec<String>,
    /// Trace files.
    pub traces: &'a dyn TraceSource,
    /// The parameters.
    pub params: Vec<Param>,
    /// Seeds every candidate runs with.
    pub seeds: Vec<u64>,
    /// The observations.
    pub target: Target,
}

/// Runs the coordinate search; `progress(runs_done)` after each batch.
///
/// # Errors
///
/// [`FitError`] when a candidate does not resolve or a simulation panics.
pub fn fit(
    problem: &Problem<'_>,
    executor: &Executor,
    progress: &mut dyn FnMut(usize),
) -> Result<FitResult, FitError> {
    let mut index: Vec<usize> = problem.params.iter().map(|p| p.grid.len() / 2).collect();
    let mut cache: HashMap<Vec<usize>, f64> = HashMap::new();
    let mut runs = 0usize;
    let mut profiles: Vec<Vec<(String, f64)>> = vec![Vec::new(); problem.params.len()];
    for _round in 0..MAX_ROUNDS {
        let mut changed = false;
        for (k, param) in problem.params.iter().enumerate() {
            let candidates: Vec<Vec<usize>> = (0..param.grid.len())
                .map(|v| {
                    let mut c = index.clone();
                    c[k] = v;
                    c
                })
                .collect();
            let missing: Vec<&Vec<usize>> = candidates
                .iter()
                .filter(|c| !cache.contains_key(*c))
                .collect();
            let losses = evaluate(problem, executor, &missing)?;
            runs += missing.len() * problem.seeds.len();
            progress(runs);
            for (c, l) in missing.into_iter().zip(losses) {
                cache.insert(c.clone(), l);
            }
            let mut best = index[k];
            for (v, c) in candidates.iter().enumerate() {
                if cache[c]
                    < cache[&{
                        let mut b = index.clone();
                        b[k] = best;
                        b
                    }] - 1e-12
                {
                    best = v;
                }
            }
            if best != index[k] {
                changed = true;
                index[k] = best;
            }
        }
        if !changed {
            break;
        }
    }
    let loss = cache[&index];
    for (k, param) in problem.params.iter().enumerate() {
        profiles[k] = (0..param.grid.len())
            .map(|v| {
                let mut c = index.clone();
                c[k] = v;
                (
                    param.grid[v].clone(),
                    cache.get(&c).copied().unwrap_or(f64::NAN),
                )
            })
            .collect();
    }
    Ok(FitResult {
        best: set_texts(&problem.params, &index),
        loss,
        profiles: problem
            .params
            .iter()
            .zip(profiles)
            .enumerate()
            .map(|(k, (p, points))| Profile {
                path: p.path.clone(),
                determined: points
                    .iter()
                    .enumerate()
                    .all(|(v, (_, l))| v == index[k] || !within_tolerance(*l, loss)),
                points,
            })
            .collect(),
        runs,
    })
}

fn set_texts(params: &[Param], index: &[usize]) -> Vec<String> {
    params
        .iter()
        .zip(index)
        .map(|(p, &v)| format!("{}={}", p.path, p.grid[v]))
        .collect()
}

/// The overrides of candidate `index` (the base's `--set` first), with `seed`.
pub fn overrides_for(problem: &Problem<'_>, index: &[usize], seed: Option<u64>) -> Vec<String> {
    let mut o = problem.overrides.clone();
    o.extend(set_texts(&problem.params, index));
    if let Some(seed) = seed {
        o.push(format!("seed={seed}"));
    }
    o
}

/// The mean loss over the seeds of each candidate.
fn evaluate(
    problem: &Problem<'_>,
    executor: &Executor,
    candidates: &[&Vec<usize>],
) -> Result<Vec<f64>, FitError> {
    let jobs: Vec<(usize, u64)> = (0..candidates.len())
        .flat_map(|c| problem.seeds.iter().map(move |&s| (c, s)))
        .collect();
    let mut sums = vec![0.0; candidates.len()];
    executor.run(
        &jobs,
        |&(c, seed)| {
            let overrides = overrides_for(problem, candidates[c], Some(seed));
            let scenario = problem
                .base
                .resolve(&overrides, problem.traces)
                .map_err(|source| FitError::Scenario {
                    overrides: overrides.clone(),
                    source: Box::new(source),
                })?;
            let result = simulate(&scenario, Detail::Rows)?;
            Ok::<f64, FitError>(problem.target.loss(
                &result.rows,
                scenario.duration.as_secs_f64(),
                scenario.sample_interval.as_secs_f64(),
            ))
        },
        |i, loss| {
            sums[jobs[i].0] += loss;
            Ok(())
        },
    )?;
    let n = problem.seeds.len().max(1) as f64;
    Ok(sums.into_iter().map(|s| s / n).collect())
}
