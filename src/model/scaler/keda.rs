//! The `keda` policy: what a KEDA Kafka scaler feeding a Kubernetes HPA decides when each
//! poller is a consumer pod. Every `polling_interval`:
//!
//! 1. **Metric.** The total lag if it is above `activation_lag_threshold`, else 0 (the
//!    scaler is inactive and asks for the minimum). Without `allow_idle_consumers` KEDA
//!    caps it at `partitions × lag_threshold`, so that no more consumers than partitions
//!    are asked for.
//! 2. **Tolerance.** With ratio = metric / (lag_threshold × pollers), the HPA keeps the
//!    count while |ratio − 1| <= tolerance (exactly, without floating-point noise at the
//!    boundary); otherwise it recommends ceil(metric / lag_threshold).
//! 3. **Stabilisation.** A scale-up takes the recommendation at once (the HPA's scale-up
//!    window is 0); a scale-down goes only to the highest recommendation made in the last
//!    `scale_down_stabilization` (the current one included, samples exactly that old
//!    excluded, as the HPA does).
//! 4. **Bounds.** The result is clamped to `min_pollers ..= max_pollers`.
//!
//! A change takes effect `actuation_delay` later; while one is pending the scaler still
//! records its recommendation but holds. The HPA's scale-up rate policies (double or +4
//! pods per 15 s) are not modelled.

use std::collections::VecDeque;

use crate::engine::time::SimTime;
use crate::model::scaler::{Action, Decision, Observation, Scaler, hold};
use crate::scenario::scaler::keda::KedaScaler;

/// The KEDA Kafka scaler with the HPA.
pub struct KedaHpaScaler {
    config: KedaScaler,
    partitions: u32,
    /// Recommendations of the stabilisation window, oldest first.
    recommendations: VecDeque<(SimTime, u32)>,
}

/// The metric, its ceiling and the recommendation of one evaluation, for the reason.
struct Recommendation {
    /// The pollers the metric asks for (after tolerance).
    pollers: u32,
    /// The formula in words.
    reason: String,
}

impl KedaHpaScaler {
    /// A scaler with the given settings for a topic of `partitions` partitions.
    pub fn new(config: KedaScaler, partitions: u32) -> Self {
        KedaHpaScaler {
            config,
            partitions,
            recommendations: VecDeque::new(),
        }
    }

    /// Steps 1 and 2: the HPA's recommendation for `lag` with `pollers` running.
    fn recommend(&self, lag: u64, pollers: u32) -> Recommendation {
        let c = &self.config;
        let t = c.lag_threshold;
        let mut reason;
        let metric = if lag > c.activation_lag_threshold {
            reason = format!("lag {lag} > activation {}", c.activation_lag_threshold);
            let cap = u64::from(self.partitions).saturating_mul(t);
            if !c.allow_idle_consumers && lag > cap {
                reason += &format!("; capped at {} partitions x {t} = {cap}", self.partitions);
                cap
            } else {
                lag
            }
        } else {
            reason = format!(
                "lag {lag} <= activation {}: inactive; metric 0",
                c.activation_lag_threshold
            );
            0
        };
        let target = t.saturating_mul(u64::from(pollers));
        let ratio = metric as f64 / target as f64;
        let wanted = metric.div_ceil(t).min(u64::from(u32::MAX)) as u32;
        if within_tolerance(metric, target, c.tolerance) {
            reason += &format!(
                "; ratio {metric} / ({t} x {pollers}) = {ratio:.3} within tolerance {}: keep {pollers}",
                c.tolerance
            );
            Recommendation { pollers, reason }
        } else {
            reason += &format!(
                "; ratio {metric} / ({t} x {pollers}) = {ratio:.3}: ceil({metric} / {t}) = {wanted}"
            );
            Recommendation {
                pollers: wanted,
                reason,
            }
        }
    }

    /// Step 3: records `recommended` at `now` and returns the highest recommendation of
    /// the scale-down window (the current one included).
    fn stabilise(&mut self, now: SimTime, recommended: u32) -> u32 {
        let window = self.config.scale_down_stabilization;
        while self
            .recommendations
            .front()
            .is_some_and(|&(t, _)| t + window <= now)
        {
            self.recommendations.pop_front();
        }
        self.recommendations.push_back((now, recommended));
        self.recommendations
            .iter()
            .map(|&(_, r)| r)
            .max()
            .unwrap_or(recommended)
    }
}

/// Whether |metric / target − 1| <= tolerance, i.e. |metric − target| <= tolerance ×
/// target, with a product within a relative 1e-9 of the difference counted as equal (a
/// planner's 10 % of 50 is 5, not 5.000000000000001).
fn within_tolerance(metric: u64, target: u64, tolerance: f64) -> bool {
    let difference = metric.abs_diff(target) as f64;
    let allowed = tolerance * target as f64;
    difference <= allowed + 1e-9 * allowed.max(1.0)
}

impl Scaler for KedaHpaScaler {
    fn initial_pollers(&self) -> u32 {
        self.config.min_pollers
    }

    fn next_evaluation(&self, after: SimTime) -> Option<SimTime> {
        Some(after + self.config.polling_interval)
    }

    fn evaluate(&mut self, obs: &Observation) -> Decision {
        let c = &self.config;
        let (min, max) = (c.min_pollers, c.max_pollers);
        let current = obs.pollers;
        let Recommendation {
            pollers: recommended,
            mut reason,
        } = self.recommend(obs.total_lag, current);
        let window_max = self.stabilise(obs.now, recommended);
        let stabilised = if recommended >= current {
            recommended
        } else {
            let stabilised = window_max.min(current);
            reason += &format!(
                "; highest of the last {} = {window_max}",
                self.config.scale_down_stabilization
            );
            stabilised
        };
        let target = stabilised.clamp(min, max);
        if target != stabilised {
            reason += &format!("; bounded to {min}..={max} = {target}");
        }
        if obs.change_pending {
            return hold(current, format!("a change is pending; {reason}"));
        }
        let action = match target.cmp(&current) {
            std::cmp::Ordering::Greater => Action::ScaleOut,
            std::cmp::Ordering::Less => Action::ScaleIn,
            std::cmp::Ordering::Equal => return hold(current, reason),
        };
        Decision {
            action,
            target,
            delay: self.config.actuation_delay,
            reason,
        }
    }
}

#[cfg(test)]
mod tests;
