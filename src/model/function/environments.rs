//! Execution environments, when `function.cold_start` is set: provisioned ones, the warm
//! pool of idle on-demand ones, and the INIT time of a new one.
//!
//! * Provisioned concurrency serves first: an invocation takes a provisioned environment
//!   while fewer than `provisioned_concurrency` are busy. Environments are
//!   interchangeable, so when an invocation ends the model frees an on-demand one if any
//!   is busy (on-demand busy = max(0, in flight − provisioned) at all times).
//! * Otherwise it takes the most recently used idle on-demand environment (a warm
//!   start), or, with none idle, a new one that pays INIT (a cold start).
//! * An idle environment is reclaimed once it has been idle longer than `keep_warm`,
//!   lazily: the pool is a queue ordered by the time each environment went idle (ends
//!   happen in time order), and the expired front is dropped whenever the pool is read.

use std::collections::VecDeque;

use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::engine::rng::{Purpose, stream};
use crate::engine::time::{SimDuration, SimTime};
use crate::scenario::cold_start::MAX_INIT;
use crate::scenario::{ColdStart, InitDuration};

/// The 99th percentile of the standard normal distribution.
const Z_99: f64 = 2.326_347_874_040_841;

/// Which environment an invocation runs on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Environment {
    /// An on-demand environment that was already initialised (or environments are not
    /// modelled).
    #[default]
    Warm,
    /// A new on-demand environment: the invocation paid INIT first.
    Cold,
    /// A provisioned-concurrency environment (always initialised).
    Provisioned,
}

/// The function's execution environments.
#[derive(Clone, Debug)]
pub struct Environments {
    keep_warm: SimDuration,
    init: InitSampler,
    rng: ChaCha8Rng,
    provisioned: u32,
    provisioned_busy: u32,
    on_demand_busy: u32,
    /// When each idle on-demand environment went idle, oldest first.
    idle: VecDeque<SimTime>,
}

#[derive(Clone, Copy, Debug)]
enum InitSampler {
    Fixed(SimDuration),
    /// `exp(mu + sigma z)` seconds, capped at AWS's 10 s.
    Lognormal {
        mu: f64,
        sigma: f64,
    },
}

impl Environments {
    /// The environments of `config`, none on-demand yet; `seed` keys the INIT stream.
    pub fn new(config: &ColdStart, seed: u64) -> Self {
        let init = match (&config.init, config.init.lognormal()) {
            (InitDuration::Fixed(d), _) => InitSampler::Fixed(*d),
            (_, Some((median, p99))) => InitSampler::Lognormal {
                mu: median.as_secs_f64().ln(),
                sigma: (p99.as_secs_f64() / median.as_secs_f64()).ln() / Z_99,
            },
            (_, None) => unreachable!("only a fixed init has no lognormal"),
        };
        Environments {
            keep_warm: config.keep_warm,
            init,
            rng: stream(seed, Purpose::ColdStarts, 0),
            provisioned: config.provisioned_concurrency,
            provisioned_busy: 0,
            on_demand_busy: 0,
            idle: VecDeque::new(),
        }
    }

    /// Drops the idle environments that have been idle longer than `keep_warm` at `now`.
    fn reclaim(&mut self, now: SimTime) {
        while self
            .idle
            .front()
            .is_some_and(|&since| now.saturating_since(since) > self.keep_warm)
        {
            self.idle.pop_front();
        }
    }

    /// Whether an invocation at `now` would need a new environment (no provisioned one
    /// free, no warm idle one).
    pub fn needs_new(&mut self, now: SimTime) -> bool {
        self.reclaim(now);
        self.provisioned_busy >= self.provisioned && self.idle.is_empty()
    }

    /// Takes an environment at `now` for an invocation; a new one's INIT time is drawn.
    pub fn acquire(&mut self, now: SimTime) -> (Environment, SimDuration) {
        self.reclaim(now);
        if self.provisioned_busy < self.provisioned {
            self.provisioned_busy += 1;
            return (Environment::Provisioned, SimDuration::ZERO);
        }
        self.on_demand_busy += 1;
        if self.idle.pop_back().is_some() {
            return (Environment::Warm, SimDuration::ZERO);
        }
        let init = match self.init {
            InitSampler::Fixed(d) => d,
            InitSampler::Lognormal { mu, sigma } => {
                let z: f64 = StandardNormal.sample(&mut self.rng);
                SimDuration::from_secs_f64((mu + sigma * z).exp()).min(MAX_INIT)
            }
        };
        (Environment::Cold, init)
    }

    /// An invocation ended at `now`: an on-demand environment (if any is busy) goes idle,
    /// else a provisioned one is free again.
    pub fn release(&mut self, now: SimTime) {
        if self.on_demand_busy > 0 {
            self.on_demand_busy -= 1;
            self.idle.push_back(now);
        } else {
            self.provisioned_busy -= 1;
        }
    }

    /// Initialised environments at `now`: provisioned, busy on-demand and warm idle.
    pub fn warm(&mut self, now: SimTime) -> u32 {
        self.reclaim(now);
        self.provisioned + self.on_demand_busy + self.idle.len() as u32
    }
}
