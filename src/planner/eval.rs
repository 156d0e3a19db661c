//! Simulating configurations: a configuration (one value index per axis) and a seed
//! become `--set` overrides on the parsed scenario, are resolved and simulated on the
//! shared [`Executor`], and leave their cost and objective outcomes in a cache that the
//! search reads. A batch is run in the order given and its results stored in that order,
//! so what the search sees never depends on the number of threads.

use std::collections::BTreeMap;

use serde::Serialize;

use super::PlanError;
use super::axes::Axis;
use super::objectives::{ObjectiveOutcome, combine, objectives};
use crate::executor::{Detail, Executor, simulate};
use crate::scenario::ParsedScenario;
use crate::scenario::traces::TraceSource;

/// One value index per axis.
pub type Config = Vec<usize>;

/// What one simulation of one configuration and seed gave.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunOutcome {
    /// Total cost of the simulated period, USD.
    pub cost_usd: f64,
    /// Simulated seconds.
    pub duration_s: f64,
    /// Each objective of the scenario.
    pub objectives: Vec<ObjectiveOutcome>,
}

/// What the planner plans over.
pub struct Problem<'a> {
    /// The scenario, parsed once.
    pub base: &'a ParsedScenario,
    /// Overrides applied before each configuration's (`--set`).
    pub overrides: Vec<String>,
    /// Trace files.
    pub traces: &'a dyn TraceSource,
    /// The varied fields.
    pub axes: Vec<Axis>,
    /// The seeds every answer must hold for; the first screens.
    pub seeds: Vec<u64>,
}

impl Problem<'_> {
    /// The `path=value` settings of `config`.
    pub fn settings(&self, config: &[usize]) -> Vec<String> {
        self.axes
            .iter()
            .zip(config)
            .map(|(a, &i)| format!("{}={}", a.path, a.values[i]))
            .collect()
    }

    /// Every `--set` of `config` run with seed number `seed` (an index into `seeds`).
    fn overrides_for(&self, config: &[usize], seed: usize) -> Vec<String> {
        let mut o = self.overrides.clone();
        o.extend(self.settings(config));
        o.push(format!("seed={}", self.seeds[seed]));
        o
    }
}

/// Progress of a planner command: simulations done, and done plus those of the batch
/// under way (the planner adapts, so the total is known one batch at a time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Simulations finished.
    pub done: usize,
    /// Finished plus those of the current batch.
    pub total: usize,
}

/// The simulations run so far, by configuration and seed.
pub struct Runner<'a> {
    problem: &'a Problem<'a>,
    executor: &'a Executor,
    progress: &'a mut dyn FnMut(Progress),
    runs: BTreeMap<Config, Vec<Option<RunOutcome>>>,
    invalid: BTreeMap<Config, String>,
    count: usize,
}

impl<'a> Runner<'a> {
    /// A runner with nothing simulated yet.
    pub fn new(
        problem: &'a Problem<'a>,
        executor: &'a Executor,
        progress: &'a mut dyn FnMut(Progress),
    ) -> Self {
        Runner {
            problem,
            executor,
            progress,
            runs: BTreeMap::new(),
            invalid: BTreeMap::new(),
            count: 0,
        }
    }

    /// The problem.
    pub fn problem(&self) -> &'a Problem<'a> {
        self.problem
    }

    /// Simulations run so far.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Simulates every `(config, seed index)` not yet known, in the order given.
    ///
    /// # Errors
    ///
    /// [`PlanError::Panicked`] when a simulation panics. A configuration that does not
    /// resolve is recorded as invalid (see [`Runner::invalid`]), not an error.
    pub fn ensure(&mut self, points: &[(Config, usize)]) -> Result<(), PlanError> {
        let mut jobs: Vec<(Config, usize)> = Vec::new();
        for (c, s) in points {
            let known = self.invalid.contains_key(c)
                || self
                    .runs
                    .get(c)
                    .is_some_and(|r| r.get(*s).is_some_and(Option::is_some));
            if !known && !jobs.contains(&(c.clone(), *s)) {
                jobs.push((c.clone(), *s));
            }
        }
        if jobs.is_empty() {
            return Ok(());
        }
        let start = self.count;
        (self.progress)(Progress {
            done: start,
            total: start + jobs.len(),
        });
        let problem = self.problem;
        let seeds = problem.seeds.len();
        let (runs, invalid, count, progress) = (
            &mut self.runs,
            &mut self.invalid,
            &mut self.count,
            &mut self.progress,
        );
        self.executor.run(
            &jobs,
            |(config, seed)| {
                let overrides = problem.overrides_for(config, *seed);
                let scenario = match problem.base.resolve(&overrides, problem.traces) {
                    Ok(s) => s,
                    Err(e) => return Ok(Err(e.to_string())),
                };
                let result = simulate(&scenario, Detail::SummaryOnly)?;
                Ok::<_, PlanError>(Ok(RunOutcome {
                    cost_usd: result.summary.cost_usd,
                    duration_s: result.summary.duration_s,
                    objectives: objectives(&result.summary, &scenario),
                }))
            },
            |i, outcome| {
                let (config, seed) = &jobs[i];
                *count += 1;
                match outcome {
                    Ok(run) => {
                        runs.entry(config.clone())
                            .or_insert_with(|| vec![None; seeds])[*seed] = Some(run);
                    }
                    Err(message) => {
                        invalid.entry(config.clone()).or_insert(message);
                    }
                }
                progress(Progress {
                    done: *count,
                    total: start + jobs.len(),
                });
                Ok(())
            },
        )
    }

    /// Why `config` does not resolve, if it does not.
    pub fn invalid(&self, config: &[usize]) -> Option<&str> {
        self.invalid.get(config).map(String::as_str)
    }

    /// Every configuration that did not resolve, with its error.
    pub fn invalid_all(&self) -> &BTreeMap<Config, String> {
        &self.invalid
    }

    /// The run of `config` with seed index `seed`, if simulated.
    pub fn run(&self, config: &[usize], seed: usize) -> Option<&RunOutcome> {
        self.runs.get(config)?.get(seed)?.as_ref()
    }

    /// Every simulated configuration, in configuration order.
    pub fn configs(&self) -> impl Iterator<Item = &Config> {
        self.runs.keys()
    }

    /// The runs of `config` simulated so far, in seed order.
    pub fn runs_of(&self, config: &[usize]) -> Vec<&RunOutcome> {
        self.runs
            .get(config)
            .map(|r| r.iter().flatten().collect())
            .unwrap_or_default()
    }

    /// Whether `config` has been simulated with every seed.
    pub fn complete(&self, config: &[usize]) -> bool {
        self.runs
            .get(config)
            .is_some_and(|r| r.iter().all(Option::is_some))
    }

    /// Whether the first seed's run of `config` met every objective (`None`: not run).
    pub fn screened(&self, config: &[usize]) -> Option<bool> {
        self.run(config, 0)
            .map(|r| r.objectives.iter().all(|o| o.met))
    }

    /// Mean cost over the seeds simulated.
    pub fn mean_cost(&self, config: &[usize]) -> Option<f64> {
        let runs = self.runs_of(config);
        (!runs.is_empty()).then(|| runs.iter().map(|r| r.cost_usd).sum::<f64>() / runs.len() as f64)
    }

    /// The objectives over the seeds simulated, combined (met on all, smallest margin).
    pub fn combined(&self, config: &[usize]) -> Vec<ObjectiveOutcome> {
        let runs: Vec<Vec<ObjectiveOutcome>> = self
            .runs_of(config)
            .into_iter()
            .map(|r| r.objectives.clone())
            .collect();
        combine(&runs)
    }

    /// Whether `config` met every objective on every seed (all simulated).
    pub fn confirmed(&self, config: &[usize]) -> bool {
        self.complete(config) && self.combined(config).iter().all(|o| o.met)
    }
}
