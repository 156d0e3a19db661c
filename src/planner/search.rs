//! The search for the cheapest configuration that meets every objective on every seed.
//!
//! 1. **Screening** (first seed only). Along the monotone axis with the most values, a
//!    binary search on every line of the grid (each combination of the other axes) finds
//!    the smallest value that meets every objective. A configuration is not simulated
//!    when its verdict follows from one already simulated that differs only on monotone
//!    axes: at least as much of each as one that met → meets; at most as much as one that
//!    missed → misses. The lines advance together, one batch per step. Without a
//!    monotone axis every configuration is screened.
//! 2. **Candidates**: the smallest configurations that met (none with at least as much of
//!    every monotone field as another that met: more capacity is assumed to cost at
//!    least as much), cheapest first by the screening cost.
//! 3. **Confirmation** (successive halving over seeds): the candidates run with every
//!    seed, [`CONFIRM_GROUP`] at a time, until the next one's screening cost is above the
//!    best confirmed mean cost by more than [`COST_SLACK`] (the seeds move the cost a
//!    little; the slack covers it).
//! 4. **Local search**: the best configuration's neighbours (one value down and up on
//!    every axis) are screened, those that met and could be cheaper confirmed; a cheaper
//!    confirmed neighbour becomes the best and its neighbours are searched in turn (at
//!    most [`MAX_LOCAL_ROUNDS`] times). This checks both assumptions of the first two
//!    steps where they matter.
//!
//! Every batch is fixed before it runs, so the answer and the number of simulations are
//! the same for any number of threads. [`exhaustive`] simulates the whole grid with every
//! seed, for comparison.

use std::collections::BTreeSet;

use serde::Serialize;

use super::PlanError;
use super::eval::{Config, Runner};
use super::objectives::{ObjectiveOutcome, binding};

/// Candidates confirmed with every seed at a time.
pub const CONFIRM_GROUP: usize = 4;
/// A candidate whose screening cost is within this share above the best confirmed mean
/// cost is still confirmed (2 %).
pub const COST_SLACK: f64 = 0.02;
/// Rounds of local search at most.
pub const MAX_LOCAL_ROUNDS: usize = 10;
/// Most configurations a grid may hold.
pub const MAX_CONFIGURATIONS: usize = 1_000_000;

/// One configuration as reported.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Choice {
    /// Its settings, `path=value`.
    pub settings: Vec<String>,
    /// Mean cost over the seeds of one simulated period (the scenario's `duration`), USD.
    pub cost_usd: f64,
    /// The same per day: `cost_usd × 86,400 / duration_s`.
    pub cost_per_day_usd: f64,
    /// Seeds simulated.
    pub seeds: usize,
    /// Whether every objective was met on every seed simulated.
    pub met: bool,
    /// Each objective, combined over the seeds (met on all, smallest margin).
    pub objectives: Vec<ObjectiveOutcome>,
    /// The objective with the smallest relative margin.
    pub binding: Option<String>,
}

/// A labelled alternative to the chosen configuration.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Alternative {
    /// What it is (`runner-up`, `best esm.mode=provisioned`).
    pub label: String,
    /// The configuration.
    pub choice: Choice,
}

/// What the search found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanResult {
    /// The cheapest configuration that met every objective on every seed.
    pub chosen: Option<Choice>,
    /// When none did: the configuration with the smallest violation (the largest
    /// smallest relative margin), simulated with every seed.
    pub closest: Option<Choice>,
    /// When none did: the objectives the closest configuration misses.
    pub unmet: Vec<String>,
    /// The runner-up and, when `esm.mode` is varied, the best of each mode.
    pub alternatives: Vec<Alternative>,
    /// Simulations run.
    pub evaluations: usize,
    /// Simulations of the full grid (configurations × seeds).
    pub full_grid_evaluations: usize,
    /// Configurations in the grid.
    pub grid_configurations: usize,
    /// Configurations simulated at least once.
    pub configurations_simulated: usize,
    /// Configurations that do not resolve (e.g. a field of the other `esm.mode`), with
    /// the first such error.
    pub invalid_configurations: usize,
    /// The first invalid configuration's error.
    pub first_invalid: Option<String>,
    /// The value indices of the chosen configuration, or of the closest when none meets
    /// the objectives (the centre of the cost chart).
    #[serde(skip)]
    pub center: Option<Config>,
}

/// The grid's configurations in order (the last axis varies fastest).
fn grid(sizes: &[usize]) -> Vec<Config> {
    let mut out = vec![Vec::new()];
    for &n in sizes {
        out = out
            .into_iter()
            .flat_map(|c| {
                (0..n).map(move |i| {
                    let mut c = c.clone();
                    c.push(i);
                    c
                })
            })
            .collect();
    }
    out
}

fn sizes(runner: &Runner<'_>) -> Vec<usize> {
    runner
        .problem()
        .axes
        .iter()
        .map(|a| a.values.len())
        .collect()
}

fn check_size(sizes: &[usize]) -> Result<usize, PlanError> {
    sizes
        .iter()
        .try_fold(1usize, |acc, &n| acc.checked_mul(n))
        .filter(|&n| n <= MAX_CONFIGURATIONS)
        .ok_or(PlanError::TooLarge {
            limit: MAX_CONFIGURATIONS,
        })
}

/// The screening verdict of `c`: simulated, or implied by one simulated (module doc).
fn verdict(runner: &Runner<'_>, monotone: &[bool], c: &[usize]) -> Option<bool> {
    if runner.invalid(c).is_some() {
        return Some(false);
    }
    if let Some(v) = runner.screened(c) {
        return Some(v);
    }
    for d in runner.configs() {
        let Some(met) = runner.screened(d) else {
            continue;
        };
        let same = (0..c.len()).all(|k| monotone[k] || c[k] == d[k]);
        if !same {
            continue;
        }
        let (ge, le) = (0..c.len())
            .filter(|&k| monotone[k])
            .fold((true, true), |acc, k| {
                (acc.0 && d[k] >= c[k], acc.1 && d[k] <= c[k])
            });
        if !met && ge {
            return Some(false);
        }
        if met && le {
            return Some(true);
        }
    }
    None
}

/// Screening (step 1): returns the candidates (step 2), cheapest first.
fn screen(runner: &mut Runner<'_>) -> Result<Vec<Config>, PlanError> {
    let sizes = sizes(runner);
    let monotone: Vec<bool> = runner.problem().axes.iter().map(|a| a.monotone).collect();
    let along = (0..sizes.len())
        .filter(|&k| monotone[k])
        .max_by_key(|&k| (sizes[k], std::cmp::Reverse(k)));
    let candidates: Vec<Config> = match along {
        None => {
            let all: Vec<(Config, usize)> = grid(&sizes).into_iter().map(|c| (c, 0)).collect();
            runner.ensure(&all)?;
            all.into_iter()
                .map(|p| p.0)
                .filter(|c| runner.screened(c) == Some(true))
                .collect()
        }
        Some(l) => {
            let mut line_sizes = sizes.clone();
            line_sizes[l] = 1;
            // (line, lo, hi): the first value that meets is in lo..=hi (hi = none).
            let mut lines: Vec<(Config, usize, usize)> = grid(&line_sizes)
                .into_iter()
                .map(|c| (c, 0, sizes[l]))
                .collect();
            loop {
                let mut batch: Vec<(Config, usize)> = Vec::new();
                for (line, lo, hi) in &mut lines {
                    while lo < hi {
                        let mid = (*lo + *hi) / 2;
                        line[l] = mid;
                        match verdict(runner, &monotone, line) {
                            Some(true) => *hi = mid,
                            Some(false) => *lo = mid + 1,
                            None => {
                                batch.push((line.clone(), 0));
                                break;
                            }
                        }
                    }
                }
                if batch.is_empty() {
                    break;
                }
                runner.ensure(&batch)?;
            }
            let frontier: Vec<Config> = lines
                .into_iter()
                .filter(|(_, lo, _)| *lo < sizes[l])
                .map(|(mut c, lo, _)| {
                    c[l] = lo;
                    c
                })
                .filter(|c| runner.screened(c) == Some(true))
                .collect();
            let dominates = |a: &Config, b: &Config| {
                a != b
                    && (0..a.len()).all(|k| {
                        if monotone[k] {
                            a[k] >= b[k]
                        } else {
                            a[k] == b[k]
                        }
                    })
            };
            frontier
                .iter()
                .filter(|c| !frontier.iter().any(|d| dominates(c, d)))
                .cloned()
                .collect()
        }
    };
    Ok(by_screening_cost(runner, candidates))
}

fn by_screening_cost(runner: &Runner<'_>, mut configs: Vec<Config>) -> Vec<Config> {
    let cost = |c: &Config| runner.run(c, 0).map_or(f64::INFINITY, |r| r.cost_usd);
    configs.sort_by(|a, b| cost(a).total_cmp(&cost(b)).then_with(|| a.cmp(b)));
    configs
}

/// The cheapest configuration confirmed on every seed among `among` (all simulated
/// configurations when `None`).
fn best_confirmed(runner: &Runner<'_>, among: Option<&dyn Fn(&Config) -> bool>) -> Option<Config> {
    runner
        .configs()
        .filter(|c| among.is_none_or(|f| f(c)))
        .filter(|c| runner.confirmed(c))
        .min_by(|a, b| {
            let (ca, cb) = (runner.mean_cost(a), runner.mean_cost(b));
            ca.partial_cmp(&cb)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.cmp(b))
        })
        .cloned()
}

/// Confirmation (step 3) of `candidates` (cheapest first), restricted to `among`.
fn confirm(
    runner: &mut Runner<'_>,
    candidates: &[Config],
    among: Option<&dyn Fn(&Config) -> bool>,
) -> Result<(), PlanError> {
    let seeds = runner.problem().seeds.len();
    let mut queue: Vec<&Config> = candidates
        .iter()
        .filter(|c| among.is_none_or(|f| f(c)))
        .collect();
    while !queue.is_empty() {
        let bound = best_confirmed(runner, among)
            .and_then(|b| runner.mean_cost(&b))
            .map_or(f64::INFINITY, |b| b * (1.0 + COST_SLACK));
        queue.retain(|c| runner.run(c, 0).is_some_and(|r| r.cost_usd <= bound));
        let group: Vec<&Config> = queue.drain(..queue.len().min(CONFIRM_GROUP)).collect();
        let points: Vec<(Config, usize)> = group
            .iter()
            .flat_map(|c| (0..seeds).map(move |s| ((*c).clone(), s)))
            .collect();
        runner.ensure(&points)?;
    }
    Ok(())
}

/// The neighbours of `c`: one value down and up on every axis.
fn neighbours(c: &[usize], sizes: &[usize]) -> Vec<Config> {
    let mut out = Vec::new();
    for k in 0..c.len() {
        for v in [c[k].checked_sub(1), Some(c[k] + 1)].into_iter().flatten() {
            if v < sizes[k] {
                let mut n = c.to_vec();
                n[k] = v;
                out.push(n);
            }
        }
    }
    out
}

/// Local search (step 4) from `start`; returns the best confirmed configuration.
fn local_search(runner: &mut Runner<'_>, start: Config) -> Result<Config, PlanError> {
    let sizes = sizes(runner);
    let mut best = start;
    for _ in 0..MAX_LOCAL_ROUNDS {
        let around: Vec<Config> = neighbours(&best, &sizes);
        let screening: Vec<(Config, usize)> = around.iter().map(|c| (c.clone(), 0)).collect();
        runner.ensure(&screening)?;
        let promising: Vec<Config> = by_screening_cost(
            runner,
            around
                .into_iter()
                .filter(|c| runner.screened(c) == Some(true))
                .collect(),
        );
        confirm(runner, &promising, None)?;
        let next = best_confirmed(runner, None).unwrap_or_else(|| best.clone());
        if next == best {
            break;
        }
        best = next;
    }
    Ok(best)
}

/// The report of `config` with what has been simulated of it.
pub fn choice(runner: &Runner<'_>, config: &[usize]) -> Choice {
    let runs = runner.runs_of(config);
    let cost_usd = runner.mean_cost(config).unwrap_or(0.0);
    let duration_s = runs.first().map_or(0.0, |r| r.duration_s);
    let objectives = runner.combined(config);
    Choice {
        settings: runner.problem().settings(config),
        cost_usd,
        cost_per_day_usd: if duration_s > 0.0 {
            cost_usd * 86_400.0 / duration_s
        } else {
            0.0
        },
        seeds: runs.len(),
        met: objectives.iter().all(|o| o.met),
        binding: binding(&objectives).map(|o| o.name.clone()),
        objectives,
    }
}

/// Runs the search (module doc) and reports.
///
/// # Errors
///
/// [`PlanError`] when a simulation panics, the grid is too large or no configuration
/// resolves.
pub fn plan(runner: &mut Runner<'_>) -> Result<PlanResult, PlanError> {
    check_size(&sizes(runner))?;
    let candidates = screen(runner)?;
    confirm(runner, &candidates, None)?;
    let chosen = match best_confirmed(runner, None) {
        Some(best) => Some(local_search(runner, best)?),
        None => None,
    };
    // The best of each mode when `esm.mode` is varied.
    let mut alternatives = Vec::new();
    if let Some(k) = runner
        .problem()
        .axes
        .iter()
        .position(|a| a.path == "esm.mode")
    {
        for v in 0..runner.problem().axes[k].values.len() {
            let of_mode = move |c: &Config| c[k] == v;
            confirm(runner, &candidates, Some(&of_mode))?;
            if let Some(best) = best_confirmed(runner, Some(&of_mode)) {
                alternatives.push(Alternative {
                    label: format!("best {}", runner.problem().settings(&best)[k]),
                    choice: choice(runner, &best),
                });
            }
        }
    }
    finish(runner, chosen, alternatives)
}

/// Simulates the whole grid with every seed and reports the cheapest configuration
/// that meets every objective on every seed.
///
/// # Errors
///
/// As [`plan`].
pub fn exhaustive(runner: &mut Runner<'_>) -> Result<PlanResult, PlanError> {
    let sizes = sizes(runner);
    check_size(&sizes)?;
    let seeds = runner.problem().seeds.len();
    let all: Vec<(Config, usize)> = grid(&sizes)
        .into_iter()
        .flat_map(|c| (0..seeds).map(move |s| (c.clone(), s)))
        .collect();
    runner.ensure(&all)?;
    let chosen = best_confirmed(runner, None);
    finish(runner, chosen, Vec::new())
}

/// The report: the chosen configuration, the runner-up, or the closest miss.
fn finish(
    runner: &mut Runner<'_>,
    chosen: Option<Config>,
    mut alternatives: Vec<Alternative>,
) -> Result<PlanResult, PlanError> {
    let sizes = sizes(runner);
    let grid_configurations = check_size(&sizes)?;
    let simulated: BTreeSet<Config> = runner.configs().cloned().collect();
    if simulated.is_empty() {
        return Err(PlanError::AllInvalid {
            first: runner
                .invalid_all()
                .values()
                .next()
                .cloned()
                .unwrap_or_default(),
        });
    }
    let (mut closest, mut unmet, mut center) = (None, Vec::new(), chosen.clone());
    if let Some(best) = &chosen {
        let other = |c: &Config| c != best;
        if let Some(second) = best_confirmed(runner, Some(&other)) {
            alternatives.insert(
                0,
                Alternative {
                    label: "runner-up".into(),
                    choice: choice(runner, &second),
                },
            );
        }
    } else {
        let worst = |c: &Config| {
            runner
                .combined(c)
                .iter()
                .map(|o| o.relative_margin())
                .fold(f64::INFINITY, f64::min)
        };
        let near = simulated
            .iter()
            .max_by(|a, b| worst(a).total_cmp(&worst(b)).then_with(|| b.cmp(a)))
            .cloned();
        if let Some(near) = near {
            let seeds = runner.problem().seeds.len();
            let points: Vec<(Config, usize)> = (0..seeds).map(|s| (near.clone(), s)).collect();
            runner.ensure(&points)?;
            let c = choice(runner, &near);
            unmet = c
                .objectives
                .iter()
                .filter(|o| !o.met)
                .map(|o| o.name.clone())
                .collect();
            closest = Some(c);
            center = Some(near);
        }
    }
    let seeds = runner.problem().seeds.len();
    Ok(PlanResult {
        chosen: chosen.map(|c| choice(runner, &c)),
        closest,
        unmet,
        alternatives,
        evaluations: runner.count(),
        full_grid_evaluations: grid_configurations * seeds,
        grid_configurations,
        configurations_simulated: runner.configs().count(),
        invalid_configurations: runner.invalid_all().len(),
        first_invalid: runner.invalid_all().values().next().cloned(),
        center,
    })
}
