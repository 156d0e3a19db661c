//! The Lambda function: memory to vCPU, and the duration of one invocation.
//!
//! Handler time at the reference memory is `per_batch + per_record × records +
//! per_kib × KiB`. The CPU-bound share of it scales with the vCPUs the handler can use,
//! `min(memory / 1,769 MB, 6, threads)` (AWS: 1,769 MB buys one vCPU, at most 6), the
//! rest does not; the result is multiplied by a random factor with mean 1.

use rand::Rng;
use rand_distr::{Distribution, Exp1, StandardNormal};

use crate::engine::time::SimDuration;
use crate::scenario::{DurationModel, Function, Jitter};

/// Memory (MB) that buys one vCPU (AWS).
pub const MB_PER_VCPU: f64 = 1769.0;
/// Most vCPUs a function can have (AWS, at 10,240 MB).
pub const MAX_VCPUS: f64 = 6.0;

/// vCPUs of a function with `memory` MB.
pub fn vcpus(memory: u32) -> f64 {
    (memory as f64 / MB_PER_VCPU).min(MAX_VCPUS)
}

/// What one invocation took.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvocationOutcome {
    /// Wall time of the invocation (capped at the timeout).
    pub duration: SimDuration,
    /// Whether the invocation ran into the timeout (a function error).
    pub timed_out: bool,
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

    /// Draws the outcome of invoking a batch of `records` records of `bytes` bytes.
    pub fn invoke<R: Rng>(&self, records: u64, bytes: u64, rng: &mut R) -> InvocationOutcome {
        let factor = match self.model.jitter {
            Jitter::Fixed => 1.0,
            Jitter::Exponential => Exp1.sample(rng),
            Jitter::Lognormal { sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                (sigma * z - sigma * sigma / 2.0).exp()
            }
        };
        let duration = SimDuration::from_secs_f64(self.mean_secs(records, bytes) * factor);
        if duration > self.timeout {
            InvocationOutcome {
                duration: self.timeout,
                timed_out: true,
            }
        } else {
            InvocationOutcome {
                duration,
                timed_out: false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Architecture;

    fn function(memory: u32, reference: u32, cpu_bound: f64, threads: u32) -> Function {
        Function {
            memory,
            architecture: Architecture::X86_64,
            timeout: SimDuration::from_secs(3),
            duration: DurationModel {
                reference_memory: reference,
                per_batch: SimDuration::from_millis(20),
                per_record: SimDuration::from_millis(1),
                per_kib: SimDuration::ZERO,
                cpu_bound,
                threads,
                jitter: Jitter::Fixed,
            },
        }
    }

    #[test]
    fn vcpus_follow_aws_steps() {
        assert!((vcpus(1769) - 1.0).abs() < 1e-12);
        assert!((vcpus(10_240) - 5.788_581).abs() < 1e-6);
        assert_eq!(vcpus(20_000), MAX_VCPUS);
    }

    #[test]
    fn cpu_bound_share_speeds_up_with_memory_up_to_the_thread_count() {
        let mut rng = crate::engine::rng::stream(1, crate::engine::rng::Purpose::Durations, 0);
        // 20 ms + 100 × 1 ms = 120 ms at 512 MB; 60 % of it is CPU-bound.
        let same = DurationCalculator::new(&function(512, 512, 0.6, 1));
        assert_eq!(
            same.invoke(100, 0, &mut rng).duration,
            SimDuration::from_millis(120)
        );
        // Double memory: the CPU part halves: 0.6 × 120 / 2 + 0.4 × 120 = 84 ms.
        let double = DurationCalculator::new(&function(1024, 512, 0.6, 1));
        assert_eq!(
            double.invoke(100, 0, &mut rng).duration,
            SimDuration::from_millis(84)
        );
        // Above one vCPU a single-threaded handler gains nothing more.
        let one = DurationCalculator::new(&function(1769, 512, 0.6, 1));
        let four = DurationCalculator::new(&function(7076, 512, 0.6, 1));
        assert_eq!(one.invoke(100, 0, &mut rng), four.invoke(100, 0, &mut rng));
    }

    #[test]
    fn longer_than_the_timeout_fails_at_the_timeout() {
        let mut rng = crate::engine::rng::stream(1, crate::engine::rng::Purpose::Durations, 0);
        let calc = DurationCalculator::new(&function(512, 512, 0.0, 1));
        let out = calc.invoke(5000, 0, &mut rng);
        assert_eq!(
            out,
            InvocationOutcome {
                duration: SimDuration::from_secs(3),
                timed_out: true
            }
        );
    }

    #[test]
    fn jitter_has_mean_one() {
        let mut f = function(512, 512, 0.0, 1);
        f.duration.jitter = Jitter::Lognormal { sigma: 0.5 };
        let calc = DurationCalculator::new(&f);
        let mut rng = crate::engine::rng::stream(3, crate::engine::rng::Purpose::Durations, 0);
        let n = 100_000;
        let mean: f64 = (0..n)
            .map(|_| calc.invoke(100, 0, &mut rng).duration.as_secs_f64())
            .sum::<f64>()
            / n as f64;
        assert!((mean / 0.120 - 1.0).abs() < 0.01, "mean {mean}");
    }
}
