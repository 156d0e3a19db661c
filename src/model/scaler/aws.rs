//! The `aws` policy: an on-demand scaler shaped after what AWS publishes (evaluate every
//! minute, act within three minutes) with the unpublished parts as settings.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::engine::rng::{Purpose, stream};
use crate::engine::time::{SimDuration, SimTime};
use crate::model::esm::shape;
use crate::model::scaler::{Action, Decision, Observation, Scaler, hold};
use crate::scenario::scaler::phase::EvaluationPhase;
use crate::scenario::{AwsScaler, ConcurrentInvokes, DelayDistribution, ScaleStep};

/// Entity of the scaler's stream that draws the evaluation phase (entity 0 draws the
/// actuation delays, so pinning the phase leaves those draws as they were).
const PHASE_ENTITY: u64 = 1;

/// The AWS-like on-demand scaler.
///
/// When the function was throttled since the previous evaluation, shrink to
/// `on_throttle.factor` of the pollers (rounded down, at least one fewer, at least 1),
/// whatever the lag. Otherwise scale out when the total lag is at least
/// `scale_out.min_lag` and did not fall since the previous evaluation (with
/// `only_if_useful`, only by pollers that change the assignment's processors or its
/// most loaded poller); scale in by one poller when the lag stayed under
/// `scale_in.max_lag` for `after_evaluations` evaluations in a row, no scale-out took
/// effect within the cooldown and no scale-in was decided within `min_interval`. One
/// change at a time. The first evaluation falls `evaluation_phase` after polling starts
/// (one interval with phase 0), the next ones every interval.
pub struct AwsLikeScaler {
    config: AwsScaler,
    partitions: u32,
    per_poller: ConcurrentInvokes,
    max_pollers: u32,
    rng: ChaCha8Rng,
    /// Offset of the evaluations within their interval.
    phase: SimDuration,
    previous_lag: u64,
    quiet_evaluations: u32,
    last_scale_out_effect: Option<SimTime>,
    last_scale_in: Option<SimTime>,
}

impl AwsLikeScaler {
    /// A scaler with the given settings for a topic of `partitions` partitions whose
    /// pollers run `per_poller` processors at most.
    pub fn new(
        config: AwsScaler,
        partitions: u32,
        per_poller: ConcurrentInvokes,
        seed: u64,
    ) -> Self {
        let max_pollers = config.max_pollers.min(partitions).max(1);
        let phase = match config.evaluation_phase {
            EvaluationPhase::Offset(d) => d,
            EvaluationPhase::Random => SimDuration(
                stream(seed, Purpose::Scaler, PHASE_ENTITY)
                    .random_range(0..config.evaluation_interval.0.max(1)),
            ),
        };
        AwsLikeScaler {
            config,
            partitions,
            per_poller,
            max_pollers,
            rng: stream(seed, Purpose::Scaler, 0),
            phase,
            previous_lag: 0,
            quiet_evaluations: 0,
            last_scale_out_effect: None,
            last_scale_in: None,
        }
    }

    /// The offset of the evaluations within their interval.
    pub fn phase(&self) -> SimDuration {
        self.phase
    }

    /// With `only_if_useful`, the fewest pollers above `current` and at most `wanted`
    /// that give the assignment of `wanted` pollers, or `None` when that assignment
    /// adds neither processors nor bandwidth per partition; otherwise `wanted`.
    fn useful_target(&self, current: u32, wanted: u32) -> Option<u32> {
        if !self.config.scale_out.only_if_useful {
            return Some(wanted);
        }
        let of = |n| shape(self.partitions, n, self.per_poller);
        let goal = of(wanted);
        if goal == of(current) {
            return None;
        }
        (current + 1..=wanted).find(|&n| of(n) == goal)
    }

    fn delay(&mut self) -> SimDuration {
        match self.config.actuation_delay {
            DelayDistribution::Fixed(d) => d,
            DelayDistribution::Uniform(lo, hi) => SimDuration(self.rng.random_range(lo.0..=hi.0)),
        }
    }

    fn scale_out_target(&self, current: u32) -> u32 {
        let wanted = match self.config.scale_out.step {
            ScaleStep::Double => current.saturating_mul(2),
            ScaleStep::Add(n) => current.saturating_add(n),
            ScaleStep::Multiply(f) => ceil_of_decimal_product(current, f).max(current + 1),
            ScaleStep::ToMax => self.max_pollers,
        };
        wanted.min(self.max_pollers)
    }
}

/// `ceil(count × factor)` as a planner computes it by hand: a product within a relative
/// 1e-9 of a whole number is that number (`50 × 1.1` is 55.00000000000001 in binary).
fn ceil_of_decimal_product(count: u32, factor: f64) -> u32 {
    let product = count as f64 * factor;
    let nearest = product.round();
    if (product - nearest).abs() <= 1e-9 * nearest.max(1.0) {
        nearest as u32
    } else {
        product.ceil() as u32
    }
}

impl Scaler for AwsLikeScaler {
    fn initial_pollers(&self) -> u32 {
        self.config.initial_pollers.min(self.max_pollers)
    }

    fn first_evaluation(&self, start: SimTime) -> Option<SimTime> {
        Some(if self.phase > SimDuration::ZERO {
            start + self.phase
        } else {
            start + self.config.evaluation_interval
        })
    }

    fn next_evaluation(&self, after: SimTime) -> Option<SimTime> {
        Some(after + self.config.evaluation_interval)
    }

    fn evaluate(&mut self, obs: &Observation) -> Decision {
        let previous = std::mem::replace(&mut self.previous_lag, obs.total_lag);
        let min_lag = self.config.scale_out.min_lag;
        if obs.total_lag < self.config.scale_in.max_lag {
            self.quiet_evaluations += 1;
        } else {
            self.quiet_evaluations = 0;
        }
        if obs.change_pending {
            return hold(obs.pollers, "a change is pending".to_string());
        }
        if obs.throttles > 0 && obs.pollers > 1 {
            let kept = (f64::from(obs.pollers) * self.config.on_throttle.factor).floor() as u32;
            self.quiet_evaluations = 0;
            self.last_scale_in = Some(obs.now);
            return Decision {
                action: Action::ScaleIn,
                target: kept.clamp(1, obs.pollers - 1),
                delay: self.delay(),
                reason: format!(
                    "throttled {} times since the previous evaluation",
                    obs.throttles
                ),
            };
        }
        if obs.total_lag >= min_lag && obs.total_lag >= previous {
            if obs.pollers >= self.max_pollers {
                return hold(
                    obs.pollers,
                    format!(
                        "lag {} >= {min_lag} but at max_pollers {}",
                        obs.total_lag, self.max_pollers
                    ),
                );
            }
            let wanted = self.scale_out_target(obs.pollers);
            let Some(target) = self.useful_target(obs.pollers, wanted) else {
                return hold(
                    obs.pollers,
                    format!(
                        "lag {} >= {min_lag} but {wanted} pollers would add neither processors nor bandwidth",
                        obs.total_lag
                    ),
                );
            };
            let delay = self.delay();
            self.last_scale_out_effect = Some(obs.now + delay);
            self.quiet_evaluations = 0;
            return Decision {
                action: Action::ScaleOut,
                target,
                delay,
                reason: format!(
                    "lag {} >= min_lag {min_lag} and not falling (was {previous})",
                    obs.total_lag
                ),
            };
        }
        let after = self.config.scale_in.after_evaluations;
        let cooled = self
            .last_scale_out_effect
            .is_none_or(|t| obs.now >= t + self.config.scale_in.cooldown);
        let spaced = self
            .last_scale_in
            .is_none_or(|t| obs.now >= t + self.config.scale_in.min_interval);
        if obs.pollers > 1 && self.quiet_evaluations >= after && cooled && spaced {
            self.quiet_evaluations = 0;
            self.last_scale_in = Some(obs.now);
            return Decision {
                action: Action::ScaleIn,
                target: obs.pollers - 1,
                delay: self.delay(),
                reason: format!(
                    "lag under {} for {after} evaluations",
                    self.config.scale_in.max_lag
                ),
            };
        }
        let reason = if obs.total_lag >= min_lag {
            format!(
                "lag {} >= {min_lag} but falling (was {previous})",
                obs.total_lag
            )
        } else if obs.pollers > 1 && !cooled {
            "quiet, in scale-in cooldown".to_string()
        } else if obs.pollers > 1 && self.quiet_evaluations >= after {
            format!(
                "quiet, under {} since the previous scale-in",
                self.config.scale_in.min_interval
            )
        } else if obs.pollers > 1 {
            format!(
                "quiet for {} of {after} evaluations",
                self.quiet_evaluations
            )
        } else {
            format!("lag {} < min_lag {min_lag}", obs.total_lag)
        };
        hold(obs.pollers, reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{OnThrottle, ScaleIn, ScaleOut};

    /// Five processors per poller, the default.
    const FIVE: ConcurrentInvokes = ConcurrentInvokes::AtMost(5);

    fn config() -> AwsScaler {
        AwsScaler {
            initial_pollers: 1,
            max_pollers: 100,
            evaluation_interval: SimDuration::from_secs(60),
            evaluation_phase: EvaluationPhase::Offset(SimDuration::ZERO),
            actuation_delay: DelayDistribution::Fixed(SimDuration::from_secs(180)),
            scale_out: ScaleOut {
                step: ScaleStep::Double,
                min_lag: 1000,
                only_if_useful: false,
            },
            scale_in: ScaleIn {
                cooldown: SimDuration::from_secs(600),
                after_evaluations: 3,
                max_lag: 1000,
                min_interval: SimDuration::ZERO,
            },
            on_throttle: OnThrottle { factor: 0.5 },
        }
    }

    fn obs(minute: u64, lag: u64, pollers: u32) -> Observation {
        Observation {
            now: SimTime(minute * 60_000_000_000),
            total_lag: lag,
            max_partition_lag: lag,
            pollers,
            change_pending: false,
            throttles: 0,
        }
    }

    #[test]
    fn scales_out_on_high_rising_lag_and_caps_at_partitions() {
        let mut s = AwsLikeScaler::new(config(), 6, FIVE, 1);
        let d = s.evaluate(&obs(1, 5000, 4));
        assert_eq!(
            (d.action, d.target, d.delay),
            (Action::ScaleOut, 6, SimDuration::from_secs(180))
        );
        // Falling lag: hold.
        assert_eq!(s.evaluate(&obs(2, 4000, 4)).action, Action::Hold);
        // At the cap: hold.
        assert_eq!(s.evaluate(&obs(3, 9000, 6)).action, Action::Hold);
    }

    #[test]
    fn scales_in_one_at_a_time_after_quiet_evaluations_and_cooldown() {
        let mut s = AwsLikeScaler::new(config(), 100, FIVE, 1);
        assert_eq!(s.evaluate(&obs(1, 5000, 1)).action, Action::ScaleOut); // effect at minute 4
        let actions: Vec<Action> = (2..=14)
            .map(|m| s.evaluate(&obs(m, 10, 2)).action)
            .collect();
        // Quiet from minute 2; cooldown ends at minute 14 (effect at 4 + 10).
        let first_in = actions
            .iter()
            .position(|a| *a == Action::ScaleIn)
            .map(|i| i + 2);
        assert_eq!(first_in, Some(14));
        let d = s.evaluate(&obs(15, 10, 2));
        assert_eq!(d.action, Action::Hold, "needs three new quiet evaluations");
    }

    /// The AWS-like scaler with `step`, `max_pollers` and a topic of `partitions`.
    fn with_step(step: &ScaleStep, max_pollers: u32, partitions: u32) -> AwsLikeScaler {
        let mut c = config();
        c.scale_out.step = step.clone();
        c.max_pollers = max_pollers;
        AwsLikeScaler::new(c, partitions, FIVE, 1)
    }

    /// The decision of a fresh scaler at high, rising lag (a scale-out unless capped).
    fn first_decision(
        step: &ScaleStep,
        max_pollers: u32,
        partitions: u32,
        pollers: u32,
    ) -> Decision {
        with_step(step, max_pollers, partitions).evaluate(&obs(1, 5000, pollers))
    }

    /// `(from, to)` pairs of scale-outs with `step`, under a cap of 100 pollers.
    fn assert_scale_outs(step: &ScaleStep, cases: &[(u32, u32)]) {
        for &(from, to) in cases {
            let d = first_decision(step, 100, 100, from);
            assert_eq!(
                (d.action, d.target, d.delay),
                (Action::ScaleOut, to, SimDuration::from_secs(180)),
                "{step:?} from {from}"
            );
        }
    }

    #[test]
    fn add_step_adds_n_pollers() {
        // p + n.
        assert_scale_outs(&ScaleStep::Add(3), &[(1, 4), (10, 13), (96, 99), (97, 100)]);
        assert_scale_outs(&ScaleStep::Add(1), &[(1, 2), (50, 51)]);
    }

    #[test]
    fn double_step_doubles() {
        assert_scale_outs(&ScaleStep::Double, &[(1, 2), (3, 6), (50, 100)]);
    }

    #[test]
    fn multiply_step_rounds_up() {
        // ceil(p * 1.5): 1.5 -> 2, 3 -> 3, 4.5 -> 5, 6 -> 6, 15 -> 15, 99 -> 99.
        assert_scale_outs(
            &ScaleStep::Multiply(1.5),
            &[(1, 2), (2, 3), (3, 5), (4, 6), (10, 15), (66, 99)],
        );
        // ceil(p * 2.5): 2.5 -> 3, 10 -> 10.
        assert_scale_outs(&ScaleStep::Multiply(2.5), &[(1, 3), (4, 10)]);
    }

    #[test]
    fn multiply_step_always_adds_at_least_one_poller() {
        // A factor barely above 1 still adds one poller: ceil(p * 1.001) = p + 1 for p < 1000.
        assert_scale_outs(
            &ScaleStep::Multiply(1.001),
            &[(1, 2), (2, 3), (7, 8), (50, 51), (99, 100)],
        );
        // For p >= 1 the ceiling already exceeds p; the `max(p + 1)` floor is what makes a
        // count of 0 grow (ceil(0 * f) = 0).
        let d = first_decision(&ScaleStep::Multiply(1.5), 100, 100, 0);
        assert_eq!((d.action, d.target), (Action::ScaleOut, 1));
        let d = first_decision(&ScaleStep::Add(2), 100, 100, 0);
        assert_eq!((d.action, d.target), (Action::ScaleOut, 2));
    }

    #[test]
    fn multiply_step_rounds_the_decimal_product() {
        // 50.0 * 1.1_f64 is 55.00000000000001: the planner's 55, not 56.
        assert_scale_outs(&ScaleStep::Multiply(1.1), &[(50, 55), (90, 99), (51, 57)]);
        assert_scale_outs(&ScaleStep::Multiply(1.3), &[(10, 13), (11, 15)]);
    }

    #[test]
    fn to_max_step_jumps_to_max_pollers() {
        // max_pollers under the partition count: the configured max.
        let d = first_decision(&ScaleStep::ToMax, 8, 100, 1);
        assert_eq!((d.action, d.target), (Action::ScaleOut, 8));
        let d = first_decision(&ScaleStep::ToMax, 8, 100, 7);
        assert_eq!((d.action, d.target), (Action::ScaleOut, 8));
        // max_pollers over the partition count: the partition count.
        let d = first_decision(&ScaleStep::ToMax, 100, 6, 2);
        assert_eq!((d.action, d.target), (Action::ScaleOut, 6));
    }

    #[test]
    fn every_step_is_capped_at_max_pollers_and_partitions() {
        for step in [
            ScaleStep::Double,
            ScaleStep::Add(5),
            ScaleStep::Multiply(3.0),
            ScaleStep::ToMax,
        ] {
            // Capped by max_pollers (8 < 100 partitions): 5 -> 10 / 10 / 15 / 8, all 8.
            let d = first_decision(&step, 8, 100, 5);
            assert_eq!((d.action, d.target), (Action::ScaleOut, 8), "{step:?}");
            // Capped by the partitions (6 < max_pollers 100): 4 -> 8 / 9 / 12 / 6, all 6.
            let d = first_decision(&step, 100, 6, 4);
            assert_eq!((d.action, d.target), (Action::ScaleOut, 6), "{step:?}");
            // At the cap: hold, with no delay and the cap in the reason.
            let d = first_decision(&step, 100, 6, 6);
            assert_eq!(
                d,
                Decision {
                    action: Action::Hold,
                    target: 6,
                    delay: SimDuration::ZERO,
                    reason: "lag 5000 >= 1000 but at max_pollers 6".to_string(),
                },
                "{step:?}"
            );
        }
        // initial_pollers is capped too.
        let mut c = config();
        c.initial_pollers = 50;
        assert_eq!(AwsLikeScaler::new(c, 6, FIVE, 1).initial_pollers(), 6);
    }

    #[test]
    fn holds_while_a_change_is_pending() {
        let mut s = AwsLikeScaler::new(config(), 100, FIVE, 1);
        let d = s.evaluate(&obs(1, 5000, 1));
        assert_eq!((d.action, d.target), (Action::ScaleOut, 2)); // effect at minute 4
        // High and rising lag, but the scale-out to 2 has not taken effect: hold at 1.
        for (m, lag) in [(2, 6000), (3, 6500)] {
            let pending = Observation {
                change_pending: true,
                ..obs(m, lag, 1)
            };
            assert_eq!(
                s.evaluate(&pending),
                Decision {
                    action: Action::Hold,
                    target: 1,
                    delay: SimDuration::ZERO,
                    reason: "a change is pending".to_string(),
                },
                "minute {m}"
            );
        }
        // Once it took effect, the next rise (6500 -> 7000) scales out again: 2 -> 4,
        // effect at minute 7.
        let d = s.evaluate(&obs(4, 7000, 2));
        assert_eq!((d.action, d.target), (Action::ScaleOut, 4));
        // A pending change also blocks a scale-in that would otherwise be due from minute
        // 17 (quiet from minute 5, cooldown until 7 + 10).
        for m in 5..=20 {
            let quiet_pending = Observation {
                change_pending: true,
                ..obs(m, 10, 4)
            };
            assert_eq!(
                s.evaluate(&quiet_pending).action,
                Action::Hold,
                "minute {m}"
            );
        }
        let d = s.evaluate(&obs(21, 10, 4));
        assert_eq!((d.action, d.target), (Action::ScaleIn, 3));
    }

    #[test]
    fn uniform_delay_is_uniform_within_bounds() {
        let (lo, hi) = (SimDuration::from_secs(30), SimDuration::from_secs(180));
        let mut c = config();
        c.actuation_delay = DelayDistribution::Uniform(lo, hi);
        let mut s = AwsLikeScaler::new(c, 1000, FIVE, 9);
        const N: u64 = 10_000;
        let delays: Vec<u64> = (1..=N)
            .map(|m| {
                let d = s.evaluate(&obs(m, 10_000 * m, 1));
                assert_eq!(d.action, Action::ScaleOut);
                d.delay.0
            })
            .collect();
        assert!(delays.iter().all(|&d| (lo.0..=hi.0).contains(&d)));
        let secs: Vec<f64> = delays.iter().map(|&d| d as f64 / 1e9).collect();
        // U(30 s, 180 s): mean 105 s, standard deviation 150 / sqrt(12) = 43.3 s, so the
        // mean of N draws is within 4 standard errors (1.73 s) of 105 s.
        let mean = secs.iter().sum::<f64>() / N as f64;
        let sd = 150.0 / 12f64.sqrt();
        let tolerance = 4.0 * sd / (N as f64).sqrt();
        assert!(
            (mean - 105.0).abs() < tolerance,
            "mean {mean:.3} s, expected 105 ± {tolerance:.3} s"
        );
        // The extremes reach the bounds: P(no draw within 2 s of a bound) = (148/150)^N.
        let min = secs.iter().copied().fold(f64::INFINITY, f64::min);
        let max = secs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        assert!(min < 32.0 && max > 178.0, "min {min:.3} s, max {max:.3} s");
        // Flat, not lumped at a few values: each tenth of the range holds 10 % of the draws
        // to within 4 standard errors (sqrt(0.1 * 0.9 / N) = 0.3 %).
        let mut bins = [0u64; 10];
        for &d in &delays {
            bins[((d - lo.0) as u128 * 10 / (hi.0 - lo.0 + 1) as u128) as usize] += 1;
        }
        let share_tolerance = 4.0 * (0.1f64 * 0.9 / N as f64).sqrt();
        for (i, &count) in bins.iter().enumerate() {
            let share = count as f64 / N as f64;
            assert!(
                (share - 0.1).abs() < share_tolerance,
                "bin {i} holds {share:.4} of the draws: {bins:?}"
            );
        }
    }

    #[test]
    fn throttles_since_the_last_evaluation_shed_pollers_whatever_the_lag() {
        let throttled = |minute, lag, pollers, throttles| Observation {
            throttles,
            ..obs(minute, lag, pollers)
        };
        let mut s = AwsLikeScaler::new(config(), 100, FIVE, 1);
        // High and rising lag, but 7 throttles: keep half of 9 pollers, rounded down.
        let d = s.evaluate(&throttled(1, 5000, 9, 7));
        assert_eq!(
            d,
            Decision {
                action: Action::ScaleIn,
                target: 4,
                delay: SimDuration::from_secs(180),
                reason: "throttled 7 times since the previous evaluation".to_string(),
            }
        );
        // Two pollers keep one; one poller cannot shed and the lag rule applies.
        assert_eq!(s.evaluate(&throttled(5, 6000, 2, 1)).target, 1);
        let d = s.evaluate(&throttled(9, 7000, 1, 3));
        assert_eq!((d.action, d.target), (Action::ScaleOut, 2));
        // With factor 0 the scaler goes straight to one poller.
        let mut c = config();
        c.on_throttle = OnThrottle { factor: 0.0 };
        let mut s = AwsLikeScaler::new(c, 100, FIVE, 1);
        assert_eq!(s.evaluate(&throttled(1, 0, 50, 1)).target, 1);
    }

    #[test]
    fn scale_ins_are_spaced_by_min_interval() {
        let mut c = config();
        c.scale_in.min_interval = SimDuration::from_secs(300);
        c.scale_in.after_evaluations = 1;
        let mut s = AwsLikeScaler::new(c, 100, FIVE, 1);
        // Quiet from minute 1 on: a scale-in at 1, then none before minute 6.
        let ins: Vec<u64> = (1..=12)
            .filter(|&m| s.evaluate(&obs(m, 10, 4)).action == Action::ScaleIn)
            .collect();
        assert_eq!(ins, vec![1, 6, 11]);
        let held = s.evaluate(&obs(13, 10, 4));
        assert_eq!(held.reason, "quiet, under 5m since the previous scale-in");
    }

    #[test]
    fn only_if_useful_adds_just_the_pollers_that_change_the_assignment() {
        let mut c = config();
        c.scale_out.only_if_useful = true;
        let scaler = |c: &AwsScaler, per_poller| AwsLikeScaler::new(c.clone(), 18, per_poller, 1);
        // 18 partitions, 5 processors per poller. 4 pollers hold 5, 5, 4, 4 (18
        // processors... at most 5 each: 5 + 5 + 4 + 4 = 18); doubling to 8 gives at
        // most 3 partitions a poller, which 6 pollers already give.
        let d = scaler(&c, FIVE).evaluate(&obs(1, 5000, 4));
        assert_eq!((d.action, d.target), (Action::ScaleOut, 6));
        // One processor per partition: 12 -> 24 (capped at 18) leaves at most 2
        // partitions on a poller until 18 pollers, which give 1 each.
        let unlimited = ConcurrentInvokes::Unlimited;
        let d = scaler(&c, unlimited).evaluate(&obs(1, 5000, 12));
        assert_eq!((d.action, d.target), (Action::ScaleOut, 18));
        // Adding one poller to 12 adds nothing: hold.
        c.scale_out.step = ScaleStep::Add(1);
        let d = scaler(&c, unlimited).evaluate(&obs(1, 5000, 12));
        assert_eq!(
            (d.action, d.reason.as_str()),
            (
                Action::Hold,
                "lag 5000 >= 1000 but 13 pollers would add neither processors nor bandwidth"
            )
        );
        // Off (the default), the step is taken as it is.
        c.scale_out.only_if_useful = false;
        let d = scaler(&c, unlimited).evaluate(&obs(1, 5000, 12));
        assert_eq!((d.action, d.target), (Action::ScaleOut, 13));
    }

    #[test]
    fn the_phase_places_the_first_evaluation() {
        let start = SimTime(30_000_000_000);
        // Phase 0: one interval after the start, as before the setting existed.
        let s = AwsLikeScaler::new(config(), 100, FIVE, 1);
        assert_eq!(s.first_evaluation(start), Some(SimTime(90_000_000_000)));
        // Random: within the first interval, per seed, from the scaler's stream.
        let mut c = config();
        c.evaluation_phase = EvaluationPhase::Random;
        let phases: Vec<SimDuration> = (1..=3)
            .map(|seed| AwsLikeScaler::new(c.clone(), 100, FIVE, seed).phase())
            .collect();
        assert!(phases.iter().all(|p| *p < c.evaluation_interval));
        assert_ne!(phases[0], phases[1]);
        assert_ne!(phases[1], phases[2]);
        assert_eq!(
            AwsLikeScaler::new(c.clone(), 100, FIVE, 2).phase(),
            phases[1]
        );
        let s = AwsLikeScaler::new(c, 100, FIVE, 1);
        assert_eq!(s.first_evaluation(start), Some(start + phases[0]));
    }
}
