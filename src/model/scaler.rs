//! Poller scalers: how many pollers the ESM holds over time.
//!
//! A scaler is consulted at fixed evaluation times with what it can observe (the offset
//! lag of every partition) and answers with a [`Decision`]; the simulation applies a
//! change after the decision's actuation delay and logs every decision with its inputs
//! in `scaling.csv`. New policies (legacy, KEDA, provisioned mode, throttle reaction)
//! implement [`Scaler`] too.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::engine::rng::{Purpose, stream};
use crate::engine::time::{SimDuration, SimTime};
use crate::scenario::{AwsScaler, DelayDistribution, ScaleStep, Scaler as ScalerConfig};

/// What a scaler sees at an evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Observation {
    /// Time of the evaluation.
    pub now: SimTime,
    /// Sum of the offset lag of all partitions.
    pub total_lag: u64,
    /// Largest offset lag of one partition.
    pub max_partition_lag: u64,
    /// Pollers currently active.
    pub pollers: u32,
    /// Whether an earlier decision has not taken effect yet.
    pub change_pending: bool,
}

/// What a scaler decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Add pollers.
    ScaleOut,
    /// Remove pollers.
    ScaleIn,
    /// Keep the current count.
    Hold,
}

impl Action {
    /// The name used in `scaling.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::ScaleOut => "scale_out",
            Action::ScaleIn => "scale_in",
            Action::Hold => "hold",
        }
    }
}

/// A scaler's answer at one evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// Scale out, in, or hold.
    pub action: Action,
    /// The poller count wanted (the current count when holding).
    pub target: u32,
    /// Delay until the change takes effect (zero when holding).
    pub delay: SimDuration,
    /// Why, in words, for `scaling.csv`.
    pub reason: String,
}

/// A poller scaling policy.
pub trait Scaler {
    /// Pollers at t = 0.
    fn initial_pollers(&self) -> u32;
    /// Time between evaluations, or `None` for a policy that never changes.
    fn evaluation_interval(&self) -> Option<SimDuration>;
    /// Decides at one evaluation.
    fn evaluate(&mut self, observation: &Observation) -> Decision;
}

/// Builds the scaler configured in the scenario, capped at `partitions` pollers.
pub fn build(config: &ScalerConfig, partitions: u32, seed: u64) -> Box<dyn Scaler> {
    match config {
        ScalerConfig::Fixed { pollers } => Box::new(FixedScaler {
            pollers: (*pollers).min(partitions),
        }),
        ScalerConfig::Aws(aws) => Box::new(AwsLikeScaler::new(aws.clone(), partitions, seed)),
    }
}

/// A fixed number of pollers, never evaluated.
pub struct FixedScaler {
    pollers: u32,
}

impl Scaler for FixedScaler {
    fn initial_pollers(&self) -> u32 {
        self.pollers
    }

    fn evaluation_interval(&self) -> Option<SimDuration> {
        None
    }

    fn evaluate(&mut self, observation: &Observation) -> Decision {
        hold(observation.pollers, "fixed policy".to_string())
    }
}

/// The AWS-like on-demand scaler (MODEL.md §3.1).
///
/// Scale out when the total lag is at least `scale_out.min_lag` and did not fall since
/// the previous evaluation; scale in by one poller when the lag stayed under
/// `scale_in.max_lag` for `after_evaluations` evaluations in a row and no scale-out took
/// effect within the cooldown. One change at a time.
pub struct AwsLikeScaler {
    config: AwsScaler,
    max_pollers: u32,
    rng: ChaCha8Rng,
    previous_lag: u64,
    quiet_evaluations: u32,
    last_scale_out_effect: Option<SimTime>,
}

impl AwsLikeScaler {
    /// A scaler with the given settings for a topic of `partitions` partitions.
    pub fn new(config: AwsScaler, partitions: u32, seed: u64) -> Self {
        let max_pollers = config.max_pollers.min(partitions).max(1);
        AwsLikeScaler {
            config,
            max_pollers,
            rng: stream(seed, Purpose::Scaler, 0),
            previous_lag: 0,
            quiet_evaluations: 0,
            last_scale_out_effect: None,
        }
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
            ScaleStep::Multiply(f) => ((current as f64 * f).ceil() as u32).max(current + 1),
            ScaleStep::ToMax => self.max_pollers,
        };
        wanted.min(self.max_pollers)
    }
}

fn hold(pollers: u32, reason: String) -> Decision {
    Decision {
        action: Action::Hold,
        target: pollers,
        delay: SimDuration::ZERO,
        reason,
    }
}

impl Scaler for AwsLikeScaler {
    fn initial_pollers(&self) -> u32 {
        self.config.initial_pollers.min(self.max_pollers)
    }

    fn evaluation_interval(&self) -> Option<SimDuration> {
        Some(self.config.evaluation_interval)
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
            let delay = self.delay();
            self.last_scale_out_effect = Some(obs.now + delay);
            self.quiet_evaluations = 0;
            return Decision {
                action: Action::ScaleOut,
                target: self.scale_out_target(obs.pollers),
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
        if obs.pollers > 1 && self.quiet_evaluations >= after && cooled {
            self.quiet_evaluations = 0;
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
    use crate::scenario::{ScaleIn, ScaleOut};

    fn config() -> AwsScaler {
        AwsScaler {
            initial_pollers: 1,
            max_pollers: 100,
            evaluation_interval: SimDuration::from_secs(60),
            actuation_delay: DelayDistribution::Fixed(SimDuration::from_secs(180)),
            scale_out: ScaleOut {
                step: ScaleStep::Double,
                min_lag: 1000,
            },
            scale_in: ScaleIn {
                cooldown: SimDuration::from_secs(600),
                after_evaluations: 3,
                max_lag: 1000,
            },
        }
    }

    fn obs(minute: u64, lag: u64, pollers: u32) -> Observation {
        Observation {
            now: SimTime(minute * 60_000_000_000),
            total_lag: lag,
            max_partition_lag: lag,
            pollers,
            change_pending: false,
        }
    }

    #[test]
    fn scales_out_on_high_rising_lag_and_caps_at_partitions() {
        let mut s = AwsLikeScaler::new(config(), 6, 1);
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
        let mut s = AwsLikeScaler::new(config(), 100, 1);
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

    #[test]
    fn uniform_delay_stays_within_bounds() {
        let mut c = config();
        c.actuation_delay =
            DelayDistribution::Uniform(SimDuration::from_secs(30), SimDuration::from_secs(180));
        let mut s = AwsLikeScaler::new(c, 1000, 9);
        for m in 1..200 {
            let d = s.evaluate(&obs(m, 10_000 * m, 1));
            assert!(
                d.delay >= SimDuration::from_secs(30) && d.delay <= SimDuration::from_secs(180)
            );
        }
    }
}
