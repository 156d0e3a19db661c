//! Unit tests of the duration model.

use super::duration::*;
use super::{Environment, Invocation, Outcome};
use crate::engine::time::SimDuration;
use crate::scenario::Architecture;
use crate::scenario::{DurationModel, Function, Jitter};

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
        errors: Default::default(),
        concurrency: Default::default(),
        cold_start: None,
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
        Invocation {
            init: SimDuration::ZERO,
            duration: SimDuration::from_secs(3),
            outcome: Outcome::Timeout,
            environment: Environment::Warm,
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

fn rng(seed: u64) -> rand_chacha::ChaCha8Rng {
    crate::engine::rng::stream(seed, crate::engine::rng::Purpose::Durations, 0)
}

/// Fixed-jitter duration of `records` records of `bytes` bytes.
fn fixed(f: &Function, records: u64, bytes: u64) -> SimDuration {
    let out = DurationCalculator::new(f).invoke(records, bytes, &mut rng(1));
    assert!(out.outcome != Outcome::Timeout);
    out.duration
}

#[test]
fn per_kib_adds_time_per_1024_raw_bytes() {
    let mut f = function(512, 512, 0.0, 1);
    f.duration.per_kib = SimDuration::from_millis(2);
    // 20 ms + 100 × 1 ms + 10 KiB × 2 ms = 140 ms.
    assert_eq!(fixed(&f, 100, 10_240), SimDuration::from_millis(140));
    // Half a KiB costs half of per_kib: 20 ms + 1 ms.
    assert_eq!(fixed(&f, 0, 512), SimDuration::from_millis(21));
    // 1,000 B is 1000/1024 KiB, not one KiB: 20 ms + 2 ms × 1000/1024 = 21.953125 ms.
    assert_eq!(fixed(&f, 0, 1_000), SimDuration(21_953_125));
    // No bytes, no per-KiB time.
    assert_eq!(fixed(&f, 100, 0), SimDuration::from_millis(120));
}

#[test]
fn cpu_bound_share_scales_with_vcpus_up_to_the_threads() {
    // Measured at 1,769 MB (1 vCPU): 20 ms + 100 × 1 ms = 120 ms, half of it CPU-bound.
    // threads 1: 3,538 MB (2 vCPUs) does not help: 120 ms.
    assert_eq!(
        fixed(&function(3538, 1769, 0.5, 1), 100, 0),
        SimDuration::from_millis(120)
    );
    // threads 2 at 3,538 MB: CPU half halves: 0.5 × 120 / 2 + 0.5 × 120 = 90 ms.
    assert_eq!(
        fixed(&function(3538, 1769, 0.5, 2), 100, 0),
        SimDuration::from_millis(90)
    );
    // threads 2 at 7,076 MB (4 vCPUs): still 2 usable vCPUs, still 90 ms.
    assert_eq!(
        fixed(&function(7076, 1769, 0.5, 2), 100, 0),
        SimDuration::from_millis(90)
    );
    // threads 4 at 7,076 MB: 0.5 × 120 / 4 + 60 = 75 ms.
    assert_eq!(
        fixed(&function(7076, 1769, 0.5, 4), 100, 0),
        SimDuration::from_millis(75)
    );
    // A fully I/O-bound handler gains nothing from memory or threads.
    assert_eq!(
        fixed(&function(7076, 1769, 0.0, 4), 100, 0),
        SimDuration::from_millis(120)
    );
}

#[test]
fn durations_are_as_measured_at_the_reference_memory() {
    // At the reference memory the measured time is used as is, whatever the CPU share.
    assert_eq!(
        fixed(&function(3538, 3538, 1.0, 2), 100, 0),
        SimDuration::from_millis(120)
    );
    // Measured at 3,538 MB with 2 threads, run at 1,769 MB: the CPU-bound 60 % takes
    // twice as long: 0.6 × 120 × 2 + 0.4 × 120 = 192 ms.
    assert_eq!(
        fixed(&function(1769, 3538, 0.6, 2), 100, 0),
        SimDuration::from_millis(192)
    );
    // Fully CPU-bound, measured at 7,076 MB with 4 threads, run at 1,769 MB: 4 × 120 ms.
    assert_eq!(
        fixed(&function(1769, 7076, 1.0, 4), 100, 0),
        SimDuration::from_millis(480)
    );
    // Measured at 3,538 MB single-threaded: the second vCPU was not used, so running
    // at 1,769 MB costs nothing.
    assert_eq!(
        fixed(&function(1769, 3538, 1.0, 1), 100, 0),
        SimDuration::from_millis(120)
    );
}

/// `n` jitter factors: a 1 s handler at its reference memory, timeout far away.
fn factors(jitter: Jitter, n: usize, seed: u64) -> Vec<f64> {
    let mut f = function(512, 512, 0.0, 1);
    f.timeout = SimDuration::from_secs(840);
    f.duration.per_batch = SimDuration::from_secs(1);
    f.duration.per_record = SimDuration::ZERO;
    f.duration.jitter = jitter;
    let calc = DurationCalculator::new(&f);
    let mut rng = rng(seed);
    (0..n)
        .map(|_| {
            let out = calc.invoke(0, 0, &mut rng);
            assert!(out.outcome != Outcome::Timeout);
            out.duration.as_secs_f64()
        })
        .collect()
}

fn mean_and_variance(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var)
}

#[test]
fn exponential_jitter_has_mean_one_and_variance_one() {
    let n = 200_000;
    let (mean, var) = mean_and_variance(&factors(Jitter::Exponential, n, 5));
    // Exp(1): sd 1, so the mean's standard error is 1/sqrt(n).
    let se_mean = 1.0 / (n as f64).sqrt();
    assert!((mean - 1.0).abs() < 4.0 * se_mean, "mean {mean}");
    // Sample variance: Var(s²) ≈ (μ4 − σ⁴)/n = (9 − 1)/n for Exp(1).
    let se_var = (8.0 / n as f64).sqrt();
    assert!((var - 1.0).abs() < 4.0 * se_var, "variance {var}");
}

#[test]
fn lognormal_jitter_has_mean_one_and_log_sd_sigma() {
    let sigma: f64 = 0.8;
    let n = 200_000;
    let xs = factors(Jitter::Lognormal { sigma }, n, 7);
    let sqrt_n = (n as f64).sqrt();
    // Factor: mean 1, sd sqrt(exp(σ²) − 1).
    let (mean, _) = mean_and_variance(&xs);
    let sd = ((sigma * sigma).exp() - 1.0).sqrt();
    assert!((mean - 1.0).abs() < 4.0 * sd / sqrt_n, "mean {mean}");
    // ln(factor) = σZ − σ²/2: mean −σ²/2 (se σ/√n), sd σ (se ≈ σ/√(2n)).
    let logs: Vec<f64> = xs.iter().map(|x| x.ln()).collect();
    let (log_mean, log_var) = mean_and_variance(&logs);
    assert!(
        (log_mean + sigma * sigma / 2.0).abs() < 4.0 * sigma / sqrt_n,
        "log mean {log_mean}"
    );
    let log_sd = log_var.sqrt();
    assert!(
        (log_sd - sigma).abs() < 4.0 * sigma / (2.0 * n as f64).sqrt(),
        "log sd {log_sd}"
    );
}

#[test]
fn timeout_cuts_at_exactly_the_timeout() {
    // 120 ms handler: a 120 ms timeout is not exceeded, one nanosecond less is.
    let mut f = function(512, 512, 0.0, 1);
    f.timeout = SimDuration::from_millis(120);
    let calc = DurationCalculator::new(&f);
    assert_eq!(
        calc.invoke(100, 0, &mut rng(1)),
        Invocation {
            init: SimDuration::ZERO,
            duration: SimDuration::from_millis(120),
            outcome: Outcome::Ok,
            environment: Environment::Warm,
        }
    );
    f.timeout = SimDuration(119_999_999);
    let calc = DurationCalculator::new(&f);
    assert_eq!(
        calc.invoke(100, 0, &mut rng(1)),
        Invocation {
            init: SimDuration::ZERO,
            duration: SimDuration(119_999_999),
            outcome: Outcome::Timeout,
            environment: Environment::Warm,
        }
    );
    // The timeout applies after the memory factor: measured 120 ms at 3,538 MB, fully
    // CPU-bound with 2 threads, it takes 240 ms at 1,769 MB and times out at 200 ms.
    let mut f = function(1769, 3538, 1.0, 2);
    f.timeout = SimDuration::from_millis(200);
    assert_eq!(
        DurationCalculator::new(&f).invoke(100, 0, &mut rng(1)),
        Invocation {
            init: SimDuration::ZERO,
            duration: SimDuration::from_millis(200),
            outcome: Outcome::Timeout,
            environment: Environment::Warm,
        }
    );
}

#[test]
fn exponential_jitter_times_out_with_probability_exp_minus_timeout_over_mean() {
    // Mean 120 ms, timeout 120 ms: P(Exp(1) > 1) = e^-1. Timed-out invocations last
    // exactly the timeout, the others at most the timeout.
    let mut f = function(512, 512, 0.0, 1);
    f.timeout = SimDuration::from_millis(120);
    f.duration.jitter = Jitter::Exponential;
    let calc = DurationCalculator::new(&f);
    let mut rng = rng(11);
    let n = 100_000;
    let mut timed_out = 0;
    for _ in 0..n {
        let out = calc.invoke(100, 0, &mut rng);
        if out.outcome == Outcome::Timeout {
            timed_out += 1;
            assert_eq!(out.duration, f.timeout);
        } else {
            assert!(out.duration <= f.timeout);
        }
    }
    let p = (-1.0f64).exp();
    let share = timed_out as f64 / n as f64;
    let se = (p * (1.0 - p) / n as f64).sqrt();
    assert!((share - p).abs() < 4.0 * se, "timed out {share}");
}

#[test]
fn only_a_random_handler_time_draws_from_its_stream() {
    // The function keeps no per-partition streams for a fixed handler time, so a fixed
    // factor must not need one: it draws nothing, and a jittered one does.
    use rand::RngCore;
    for (jitter, random) in [
        (Jitter::Fixed, false),
        (Jitter::Exponential, true),
        (Jitter::Lognormal { sigma: 0.3 }, true),
    ] {
        let mut f = function(512, 512, 0.0, 1);
        f.duration.jitter = jitter.clone();
        let calc = DurationCalculator::new(&f);
        assert_eq!(calc.is_random(), random, "{jitter:?}");
        let (mut drawn, mut untouched) = (rng(7), rng(7));
        let factor = calc.jitter_factor(&mut drawn);
        assert_eq!(
            drawn.next_u64() != untouched.next_u64(),
            random,
            "{jitter:?}"
        );
        assert_eq!(
            calc.invoke_scaled(10, 0, factor),
            calc.invoke(10, 0, &mut rng(7)),
            "{jitter:?}"
        );
        if !random {
            assert_eq!(factor, 1.0);
        }
    }
}
