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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_secs(s)
    }

    fn pool(init: InitDuration, keep_warm_s: u64, provisioned: u32) -> Environments {
        let config = ColdStart {
            init,
            keep_warm: SimDuration::from_secs(keep_warm_s),
            bill_init: true,
            provisioned_concurrency: provisioned,
        };
        Environments::new(&config, 1)
    }

    #[test]
    fn the_most_recently_used_idle_environment_is_taken_and_the_oldest_reclaimed() {
        let second = SimDuration::from_secs(1);
        let mut envs = pool(InitDuration::Fixed(second), 15, 0);
        // Two environments start cold at 0 s; one goes idle at 10 s, the other at 20 s.
        assert_eq!(envs.acquire(at(0)), (Environment::Cold, second));
        assert_eq!(envs.acquire(at(0)), (Environment::Cold, second));
        envs.release(at(10));
        envs.release(at(20));
        assert_eq!(envs.warm(at(25)), 2);
        // At 26 s the one idle since 10 s has been idle 16 s > 15 s: reclaimed. The one
        // idle since 20 s serves the next invocation warm; the one after that is cold.
        assert_eq!(envs.warm(at(26)), 1);
        assert!(!envs.needs_new(at(26)));
        assert_eq!(envs.acquire(at(26)), (Environment::Warm, SimDuration::ZERO));
        assert!(envs.needs_new(at(26)));
        assert_eq!(envs.acquire(at(26)).0, Environment::Cold);
        // Idle exactly keep_warm is still warm.
        envs.release(at(30));
        envs.release(at(30));
        assert_eq!(envs.warm(at(45)), 2);
        assert_eq!(envs.warm(at(46)), 0);
    }

    #[test]
    fn provisioned_environments_serve_first_and_the_spillover_is_on_demand() {
        let mut envs = pool(InitDuration::Fixed(SimDuration::from_secs(1)), 60, 2);
        assert_eq!(envs.warm(at(0)), 2);
        assert_eq!(envs.acquire(at(0)).0, Environment::Provisioned);
        assert_eq!(envs.acquire(at(0)).0, Environment::Provisioned);
        assert!(envs.needs_new(at(0)));
        assert_eq!(envs.acquire(at(0)).0, Environment::Cold);
        assert_eq!(envs.warm(at(0)), 3);
        // An end frees the on-demand environment first (it goes idle), so the next
        // invocation finds no provisioned one free and takes the idle one, warm.
        envs.release(at(1));
        assert_eq!(envs.acquire(at(2)).0, Environment::Warm);
        envs.release(at(3));
        envs.release(at(3));
        assert_eq!(envs.acquire(at(4)).0, Environment::Provisioned);
    }

    #[test]
    fn a_runtime_preset_draws_its_median_and_p99() {
        // Java: median 3.5 s, p99 8 s (capped at 10 s, beyond the p99).
        let mut envs = pool(InitDuration::Runtime(crate::scenario::Runtime::Java), 0, 0);
        let mut draws: Vec<f64> = (0..20_000)
            .map(|_| {
                let (kind, init) = envs.acquire(SimTime::ZERO);
                assert_eq!(kind, Environment::Cold);
                init.as_secs_f64()
            })
            .collect();
        draws.sort_by(f64::total_cmp);
        let (median, p99) = (draws[10_000], draws[19_800]);
        assert!((median / 3.5 - 1.0).abs() < 0.02, "median {median}");
        assert!((p99 / 8.0 - 1.0).abs() < 0.05, "p99 {p99}");
        assert!(draws.iter().all(|&d| d <= 10.0));
    }
}
