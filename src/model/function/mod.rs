//! The Lambda function: what one invocation of a batch takes and how it ends.
//!
//! [`FunctionModel`] is what the simulation invokes: it draws each invocation's handler
//! time from the duration model ([`duration`]) with the random stream of the batch's
//! first partition, and keeps the count of invocations in flight (the function's
//! concurrency). An invocation ends with an [`Outcome`]; execution environments, cold
//! starts and concurrency limits add their effects here (the [`Invocation::init`] time,
//! [`Outcome::Throttled`]).

pub mod duration;
pub mod errors;
#[cfg(test)]
mod tests;

use rand_chacha::ChaCha8Rng;

use crate::engine::rng::{Purpose, stream};
use crate::engine::time::{SimDuration, SimTime};
use crate::model::esm::Batch;
use crate::scenario::Scenario;
use errors::Failures;

pub use duration::{DurationCalculator, MAX_VCPUS, MB_PER_VCPU, vcpus};

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
}

impl Invocation {
    /// An invocation on a warm environment that lasts `duration` and ends with `outcome`.
    pub fn finished(duration: SimDuration, outcome: Outcome) -> Self {
        Invocation {
            duration,
            init: SimDuration::ZERO,
            outcome,
        }
    }
}

/// The function as the ESM sees it: invocations and their concurrency.
pub struct FunctionModel {
    durations: DurationCalculator,
    /// Handler-time streams, one per partition (the batch's first partition draws).
    rngs: Vec<ChaCha8Rng>,
    /// Invocation errors and poison records, when the function has any.
    failures: Option<Failures>,
    in_flight: u32,
}

impl FunctionModel {
    /// The function of `scenario`.
    pub fn new(scenario: &Scenario) -> Self {
        FunctionModel {
            durations: DurationCalculator::new(&scenario.function),
            rngs: (0..scenario.topic.partitions)
                .map(|p| stream(scenario.seed, Purpose::Durations, p as u64))
                .collect(),
            failures: (!scenario.function.errors.is_none()).then(|| {
                Failures::new(
                    &scenario.function.errors,
                    scenario.topic.partitions,
                    scenario.seed,
                )
            }),
            in_flight: 0,
        }
    }

    /// Invokes `batch` at `now` (its handler time drawn from the stream of its first
    /// partition); the invocation is in flight until [`FunctionModel::finished`].
    pub fn invoke(&mut self, now: SimTime, batch: &Batch) -> Invocation {
        self.in_flight += 1;
        let lead = batch.parts[0].partition as usize;
        let mut invocation =
            self.durations
                .invoke(batch.records, batch.bytes, &mut self.rngs[lead]);
        if let Some(failures) = &mut self.failures
            && invocation.outcome == Outcome::Ok
        {
            invocation.outcome = failures.outcome(now, batch);
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

    /// An invocation ended.
    pub fn finished(&mut self) {
        self.in_flight -= 1;
    }

    /// Invocations in flight (the function's concurrency).
    pub fn in_flight(&self) -> u32 {
        self.in_flight
    }
}
