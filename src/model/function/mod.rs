//! The Lambda function: what one invocation of a batch takes and how it ends.
//!
//! [`FunctionModel`] is what the simulation invokes: it draws each invocation's handler
//! time from the duration model ([`duration`]) with the random stream of the batch's
//! first partition, and keeps the count of invocations in flight (the function's
//! concurrency). An invocation ends with an [`Outcome`]; execution environments, cold
//! starts and concurrency limits add their effects here (the [`Invocation::init`] time,
//! [`Outcome::Throttled`]).

pub mod duration;
pub mod environments;
pub mod errors;
pub mod limits;
#[cfg(test)]
mod tests;

use rand_pcg::Pcg64Mcg;

use crate::engine::rng::{Purpose, compact_stream};
use crate::engine::time::{SimDuration, SimTime};
use crate::model::esm::Batch;
use crate::scenario::Scenario;
use errors::Failures;

pub use duration::{DurationCalculator, MAX_VCPUS, MB_PER_VCPU, vcpus};
pub use environments::{Environment, Environments};
pub use limits::ConcurrencyLimit;

/// How an invocation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The handler returned: the batch's records are committed.
    Ok,
    /// The invocation failed as a whole (a transient error): the batch is retried.
    Error,
    /// A poison record in the batch made the handler fail: the batch is retried (from
    /// that record, with partial-batch responses).
    RecordError,
    /// The handler ran into the timeout: an error at the timeout, the batch is retried.
    Timeout,
    /// Lambda refused the invocation (HTTP 429): the batch goes back without being an
    /// attempt, nothing is billed.
    Throttled,
}

/// What an outcome means to the rest of the model: every rule that depends on how an
/// invocation ended asks here, so a new outcome is one variant and one arm per question.
impl Outcome {
    /// Whether the batch's records are committed.
    pub fn commits(self) -> bool {
        matches!(self, Outcome::Ok)
    }

    /// Whether it is a function error: counted in `errors` and as a failed attempt at
    /// the batch (the batch is retried).
    pub fn is_error(self) -> bool {
        matches!(
            self,
            Outcome::Error | Outcome::RecordError | Outcome::Timeout
        )
    }

    /// Whether Lambda bills it (a request and its duration).
    pub fn is_billed(self) -> bool {
        !matches!(self, Outcome::Throttled)
    }
}

/// One invocation: how long it lasts and how it ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Invocation {
    /// Wall time from the invoke to the end (capped at the timeout), init included.
    pub duration: SimDuration,
    /// Part of `duration` spent starting an execution environment (a cold start).
    pub init: SimDuration,
    /// How it ended.
    pub outcome: Outcome,
    /// The environment it ran on (a cold start is [`Environment::Cold`]).
    pub environment: Environment,
}

impl Invocation {
    /// An invocation on a warm environment that lasts `duration` and ends with `outcome`.
    pub fn finished(duration: SimDuration, outcome: Outcome) -> Self {
        Invocation {
            duration,
            init: SimDuration::ZERO,
            outcome,
            environment: Environment::Warm,
        }
    }

    /// A throttled invoke: no time, nothing billed.
    pub fn throttled() -> Self {
        Invocation::finished(SimDuration::ZERO, Outcome::Throttled)
    }
}

/// The function as the ESM sees it: invocations, their concurrency, its limits and,
/// with `function.cold_start`, its execution environments.
///
/// An invoke at `now` is throttled ([`Outcome::Throttled`], no time, not in flight)
/// when the function already runs its concurrency limit, or when it needs a new
/// execution environment and the scaling rate has no token left. A new environment is
/// needed when no environment is free: without `cold_start`, environments are never
/// reclaimed, so that is when the concurrency exceeds its peak so far; with it, when no
/// provisioned or warm idle one is free (see [`environments`]).
pub struct FunctionModel {
    durations: DurationCalculator,
    /// Handler-time streams, one per partition (the batch's first partition draws):
    /// 16-byte [`compact_stream`]s, read at every invocation, so 1,000 partitions'
    /// streams stay in cache; none when the handler time is not random.
    rngs: Vec<Pcg64Mcg>,
    /// Invocation errors and poison records, when the function has any.
    failures: Option<Failures>,
    in_flight: u32,
    limit: ConcurrencyLimit,
    /// Environments created so far, when they are not modelled (never reclaimed).
    created: u32,
    environments: Option<Environments>,
}

impl FunctionModel {
    /// The function of `scenario`.
    pub fn new(scenario: &Scenario) -> Self {
        let durations = DurationCalculator::new(&scenario.function);
        let streams = if durations.is_random() {
            scenario.topic.partitions
        } else {
            0
        };
        FunctionModel {
            durations,
            rngs: (0..streams)
                .map(|p| compact_stream(scenario.seed, Purpose::Durations, u64::from(p)))
                .collect(),
            failures: (!scenario.function.errors.is_none()).then(|| {
                Failures::new(
                    &scenario.function.errors,
                    scenario.topic.partitions,
                    scenario.seed,
                )
            }),
            in_flight: 0,
            limit: ConcurrencyLimit::new(&scenario.function.concurrency),
            created: 0,
            environments: scenario
                .function
                .cold_start
                .as_ref()
                .map(|c| Environments::new(c, scenario.seed)),
        }
    }

    /// Invokes `batch` at `now`: its records that pass the filter, with a handler time
    /// drawn from the stream of its first partition. Unless it is throttled, the invocation is in flight until
    /// [`FunctionModel::finished`]; a cold start's INIT comes before the handler (the
    /// handler alone is held to the timeout).
    pub fn invoke(&mut self, now: SimTime, batch: &Batch) -> Invocation {
        if self.in_flight >= self.limit.limit_at(now) {
            return Invocation::throttled();
        }
        let needs_new = match &mut self.environments {
            None => self.in_flight >= self.created,
            Some(envs) => envs.needs_new(now),
        };
        if needs_new {
            if !self.limit.take_environment(now) {
                return Invocation::throttled();
            }
            if self.environments.is_none() {
                self.created += 1;
            }
        }
        self.in_flight += 1;
        let lead = batch.parts[0].partition as usize;
        let factor = self
            .rngs
            .get_mut(lead)
            .map_or(1.0, |rng| self.durations.jitter_factor(rng));
        let mut invocation =
            self.durations
                .invoke_scaled(batch.matched, batch.matched_bytes, factor);
        if let Some(failures) = &mut self.failures
            && invocation.outcome == Outcome::Ok
        {
            invocation.outcome = failures.outcome(now, batch);
        }
        if let Some(envs) = &mut self.environments {
            let (environment, init) = envs.acquire(now);
            invocation.environment = environment;
            invocation.init = init;
            invocation.duration = invocation.duration + init;
        }
        invocation
    }

    /// The first poison record of `partition` in `offset..offset + records`, if any (for
    /// a partial-batch response).
    pub fn first_poison(&mut self, partition: u32, offset: u64, records: u64) -> Option<u64> {
        self.failures
            .as_mut()
            .and_then(|f| f.first_poison(partition, offset, records))
    }

    /// An invocation (not a throttled invoke) ended at `now`.
    pub fn finished(&mut self, now: SimTime) {
        self.in_flight -= 1;
        if let Some(envs) = &mut self.environments {
            envs.release(now);
        }
    }

    /// The concurrency limit at `now`.
    pub fn limit_at(&self, now: SimTime) -> u32 {
        self.limit.limit_at(now)
    }

    /// Initialised execution environments at `now` (`None` when `cold_start` is off).
    pub fn warm_environments(&mut self, now: SimTime) -> Option<u32> {
        self.environments.as_mut().map(|e| e.warm(now))
    }

    /// Invocations in flight (the function's concurrency).
    pub fn in_flight(&self) -> u32 {
        self.in_flight
    }
}
