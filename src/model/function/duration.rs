//! How long one invocation of the handler takes: memory to vCPU, and the duration model.
//!
//! Handler time at the reference memory is `per_batch + per_record × records +
//! per_kib × KiB`. The CPU-bound share of it scales with the vCPUs the handler can use,
//! `min(memory / 1,769 MB, 6, threads)` (AWS: 1,769 MB buys one vCPU, at most 6), the
//! rest does not; the result is multiplied by a random factor with mean 1.

use rand::Rng;
use rand_distr::{Distribution, Exp1, StandardNormal};

use crate::engine::time::SimDuration;
use crate::model::function::{Invocation, Outcome};
use crate::scenario::{DurationModel, Function, Jitter};

/// Memory (MB) that buys one vCPU (AWS).
pub const MB_PER_VCPU: f64 = 1769.0;
/// Most vCPUs a function can have (AWS, at 10,240 MB).
pub const MAX_VCPUS: f64 = 6.0;

/// vCPUs of a function with `memory` MB.
pub fn vcpus(memory: u32) -> f64 {
    (memory as f64 / MB_PER_VCPU).min(MAX_VCPUS)
}

/// Computes invocation durations for one function configuration.
#[derive(Clone, Debug)]
pub struct DurationCalculator {
    model: DurationModel,
    timeout: SimDuration,
    /// Multiplier from reference memory to the function's memory.
    memory_factor: f64,
}

impl DurationCalculator {
    /// A calculator for the scenario's function.
    pub fn new(function: &Function) -> Self {
        let model = function.duration.clone();
        let threads = model.threads as f64;
        let usable = |memory: u32| vcpus(memory).min(threads);
        let speedup = usable(model.reference_memory) / usable(function.memory);
        let memory_factor = model.cpu_bound * speedup + (1.0 - model.cpu_bound);
        DurationCalculator {
            model,
            timeout: function.timeout,
            memory_factor,
        }
    }

    /// Mean handler time of a batch, before the random factor, in seconds.
    pub fn mean_secs(&self, records: u64, bytes: u64) -> f64 {
        let m = &self.model;
        let reference = m.per_batch.as_secs_f64()
            + m.per_record.as_secs_f64() * records as f64
            + m.per_kib.as_secs_f64() * bytes as f64 / 1024.0;
        reference * self.memory_factor
    }

    /// Draws the handler time of a batch of `records` records of `bytes` bytes: an
    /// invocation that succeeds, or one that runs into the timeout and fails at it. The
    /// function draws the factor only when it is random ([`FunctionModel`] keeps no
    /// stream otherwise), so only the tests take both steps at once.
    ///
    /// [`FunctionModel`]: super::FunctionModel
    #[cfg(test)]
    pub fn invoke<R: Rng>(&self, records: u64, bytes: u64, rng: &mut R) -> Invocation {
        self.invoke_scaled(records, bytes, self.jitter_factor(rng))
    }

    /// Whether the handler time is random (a jitter law other than `fixed`): only then
    /// does [`DurationCalculator::jitter_factor`] draw.
    pub fn is_random(&self) -> bool {
        self.model.jitter != Jitter::Fixed
    }

    /// The random factor on the mean handler time (1 without jitter, drawing nothing).
    pub fn jitter_factor<R: Rng>(&self, rng: &mut R) -> f64 {
        match self.model.jitter {
            Jitter::Fixed => 1.0,
            Jitter::Exponential => Exp1.sample(rng),
            Jitter::Lognormal { sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                (sigma * z - sigma * sigma / 2.0).exp()
            }
        }
    }

    /// The invocation of a batch of `records` records of `bytes` bytes whose handler
    /// time is the mean times `factor`.
    pub fn invoke_scaled(&self, records: u64, bytes: u64, factor: f64) -> Invocation {
        let duration = SimDuration::from_secs_f64(self.mean_secs(records, bytes) * factor);
        if duration > self.timeout {
            Invocation::finished(self.timeout, Outcome::Timeout)
        } else {
            Invocation::finished(duration, Outcome::Ok)
        }
    }
}
