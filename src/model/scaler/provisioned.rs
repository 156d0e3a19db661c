//! Provisioned mode's autoscaler: between the minimum and the maximum pollers, sized on
//! the backlog.
//!
//! At every evaluation (every `evaluation_interval`, the first one interval after the
//! start) it computes the pollers the backlog needs,
//! `needed = clamp(ceil(total_lag / lag_per_poller), min_pollers, max_pollers)`, where
//! `lag_per_poller` defaults to 5 × `batch_size` (one batch for each of a poller's 5
//! concurrent invocations). It scales out to `needed` at once when `needed` is above the
//! current count, and scales in to `needed` when `needed` was below the current count at
//! `scale_in_evaluations` evaluations in a row. A change takes effect `actuation_delay`
//! after its decision; while one is pending it holds. With min = max it never evaluates.

use crate::engine::time::SimTime;
use crate::model::scaler::{Action, Decision, Observation, Scaler, hold};
use crate::scenario::esm::provisioned::Provisioned;

/// The provisioned-mode autoscaler.
pub struct ProvisionedScaler {
    config: Provisioned,
    /// Evaluations in a row that wanted fewer pollers than there were.
    wanting_fewer: u32,
}

impl ProvisionedScaler {
    /// The autoscaler with the given (resolved, already capped) settings.
    pub fn new(config: Provisioned) -> Self {
        ProvisionedScaler {
            config,
            wanting_fewer: 0,
        }
    }

    /// The pollers a total lag of `lag` records needs, within min and max.
    pub fn needed(&self, lag: u64) -> u32 {
        let wanted = lag.div_ceil(self.config.lag_per_poller);
        let max = u64::from(self.config.max_pollers);
        (wanted.min(max) as u32).max(self.config.min_pollers)
    }

    fn change(&self, action: Action, target: u32, reason: String) -> Decision {
        Decision {
            action,
            target,
            delay: self.config.actuation_delay,
            reason,
        }
    }
}

impl Scaler for ProvisionedScaler {
    fn initial_pollers(&self) -> u32 {
        self.config.min_pollers
    }

    fn next_evaluation(&self, after: SimTime) -> Option<SimTime> {
        self.config
            .autoscales()
            .then(|| after + self.config.evaluation_interval)
    }

    fn evaluate(&mut self, obs: &Observation) -> Decision {
        let c = &self.config;
        let needed = self.needed(obs.total_lag);
        let sizing = format!(
            "lag {} needs {needed} pollers (ceil(lag / {}) within {}..={})",
            obs.total_lag, c.lag_per_poller, c.min_pollers, c.max_pollers
        );
        if obs.change_pending {
            return hold(obs.pollers, format!("{sizing}; a change is pending"));
        }
        if needed > obs.pollers {
            self.wanting_fewer = 0;
            return self.change(Action::ScaleOut, needed, sizing);
        }
        if needed == obs.pollers {
            self.wanting_fewer = 0;
            return hold(obs.pollers, sizing);
        }
        self.wanting_fewer += 1;
        let (count, of) = (self.wanting_fewer, c.scale_in_evaluations);
        if count < of {
            return hold(
                obs.pollers,
                format!("{sizing}; fewer wanted at {count} of {of} evaluations in a row"),
            );
        }
        self.wanting_fewer = 0;
        self.change(
            Action::ScaleIn,
            needed,
            format!("{sizing}; fewer wanted at {of} evaluations in a row"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::SimDuration;

    fn scaler(min: u32, max: u32) -> ProvisionedScaler {
        ProvisionedScaler::new(Provisioned {
            min_pollers: min,
            max_pollers: max,
            evaluation_interval: SimDuration::from_secs(10),
            actuation_delay: SimDuration::from_secs(30),
            lag_per_poller: 500,
            scale_in_evaluations: 2,
        })
    }

    fn observe(
        s: &mut ProvisionedScaler,
        t: u64,
        lag: u64,
        pollers: u32,
        pending: bool,
    ) -> Decision {
        s.evaluate(&Observation {
            now: SimTime::ZERO + SimDuration::from_secs(t),
            total_lag: lag,
            max_partition_lag: lag,
            pollers,
            change_pending: pending,
            throttles: 0,
        })
    }

    #[test]
    fn sizes_on_the_backlog_within_min_and_max() {
        let s = scaler(2, 8);
        // ceil(lag / 500), clamped to 2..=8.
        let cases = [
            (0, 2),
            (500, 2),
            (1_000, 2),
            (1_001, 3),
            (2_500, 5),
            (3_999, 8),
            (4_001, 8),
            (1 << 40, 8),
        ];
        for (lag, needed) in cases {
            assert_eq!(s.needed(lag), needed, "lag {lag}");
        }
    }

    #[test]
    fn decisions_on_a_hand_computed_sequence() {
        let mut s = scaler(1, 10);
        assert_eq!(s.initial_pollers(), 1);
        let t10 = SimTime::ZERO + SimDuration::from_secs(10);
        assert_eq!(s.next_evaluation(SimTime::ZERO), Some(t10));
        // Lag 2,600 at 1 poller: ceil(2600 / 500) = 6, out to 6 after 30 s.
        let d = observe(&mut s, 10, 2_600, 1, false);
        assert_eq!(
            (d.action, d.target, d.delay),
            (Action::ScaleOut, 6, SimDuration::from_secs(30))
        );
        assert_eq!(
            d.reason,
            "lag 2600 needs 6 pollers (ceil(lag / 500) within 1..=10)"
        );
        // Pending: hold whatever the lag says.
        let d = observe(&mut s, 20, 9_000, 1, true);
        assert_eq!(
            (d.action, d.target, d.delay),
            (Action::Hold, 1, SimDuration::ZERO)
        );
        assert!(d.reason.ends_with("; a change is pending"), "{}", d.reason);
        // 6 active, lag 5,100 needs 11, capped at 10.
        let d = observe(&mut s, 40, 5_100, 6, false);
        assert_eq!((d.action, d.target), (Action::ScaleOut, 10));
        // Lag 3,000 needs 6 < 10: first of 2 evaluations, hold; a needed == current
        // evaluation resets the count; then two in a row scale in to the last need.
        let d = observe(&mut s, 80, 3_000, 10, false);
        assert_eq!((d.action, d.target), (Action::Hold, 10));
        assert!(
            d.reason
                .ends_with("fewer wanted at 1 of 2 evaluations in a row")
        );
        let d = observe(&mut s, 90, 4_800, 10, false);
        assert_eq!((d.action, d.target), (Action::Hold, 10));
        let d = observe(&mut s, 100, 1_200, 10, false);
        assert_eq!((d.action, d.target), (Action::Hold, 10));
        let d = observe(&mut s, 110, 0, 10, false);
        assert_eq!(
            (d.action, d.target, d.delay),
            (Action::ScaleIn, 1, SimDuration::from_secs(30))
        );
    }

    #[test]
    fn min_equal_to_max_never_evaluates() {
        let s = scaler(4, 4);
        assert_eq!(s.initial_pollers(), 4);
        assert_eq!(s.next_evaluation(SimTime::ZERO), None);
    }
}
