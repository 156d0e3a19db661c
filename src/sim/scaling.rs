//! The scaler's side of the loop: when it evaluates, what it observes, whether a change
//! is pending, and the record of every decision (`scaling.csv`).

use crate::engine::time::SimTime;
use crate::metrics::ScalingRecord;
use crate::model::log::TopicLog;
use crate::model::scaler::{self, Action, Observation, Scaler};
use crate::scenario::Scenario;

/// The configured scaler and the state the simulation keeps around it.
pub(super) struct Scaling {
    scaler: Box<dyn Scaler>,
    /// The next evaluation, [`SimTime::MAX`] when there is none.
    next_evaluation: SimTime,
    /// Whether a decision has not taken effect yet.
    pending_change: bool,
    previous_lag: u64,
    /// Throttled invokes since the previous evaluation.
    throttles: u64,
    records: Vec<ScalingRecord>,
}

impl Scaling {
    /// The scaler of `scenario`, before its first evaluation (which comes after the
    /// mapping starts polling, `esm.startup_delay` after the start).
    pub(super) fn new(scenario: &Scenario) -> Self {
        let scaler = scaler::build(
            &scenario.esm.scaler,
            scenario.topic.partitions,
            scenario.esm.poller.max_concurrent_invokes,
            scenario.seed,
        );
        Scaling {
            next_evaluation: scaler
                .first_evaluation(SimTime::ZERO + scenario.esm.startup_delay)
                .unwrap_or(SimTime::MAX),
            scaler,
            pending_change: false,
            previous_lag: 0,
            throttles: 0,
            records: Vec::new(),
        }
    }

    /// Pollers at t = 0.
    pub(super) fn initial_pollers(&self) -> u32 {
        self.scaler.initial_pollers()
    }

    /// When the scaler evaluates next ([`SimTime::MAX`] for never).
    pub(super) fn next_evaluation(&self) -> SimTime {
        self.next_evaluation
    }

    /// An invoke was throttled (the scaler sees the count at its next evaluation).
    pub(super) fn throttled(&mut self) {
        self.throttles += 1;
    }

    /// The pending decision took effect.
    pub(super) fn change_applied(&mut self) {
        self.pending_change = false;
    }

    /// Evaluates at `now` on `log` (advanced to `now`) with `pollers` active; returns when
    /// a change takes effect and its poller count, if the scaler decided one.
    pub(super) fn evaluate(
        &mut self,
        now: SimTime,
        log: &TopicLog,
        pollers: u32,
    ) -> Option<(SimTime, u32)> {
        let (total_lag, max_partition_lag) = log.lag();
        let observation = Observation {
            now,
            total_lag,
            max_partition_lag,
            pollers,
            change_pending: self.pending_change,
            throttles: std::mem::take(&mut self.throttles),
        };
        let decision = self.scaler.evaluate(&observation);
        self.next_evaluation = self.scaler.next_evaluation(now).unwrap_or(SimTime::MAX);
        let effective_at = (decision.action != Action::Hold).then(|| now + decision.delay);
        if effective_at.is_some() {
            self.pending_change = true;
        }
        self.records.push(ScalingRecord {
            time: now,
            total_lag,
            previous_lag: std::mem::replace(&mut self.previous_lag, total_lag),
            max_partition_lag,
            pollers,
            target: decision.target,
            action: decision.action,
            reason: decision.reason,
            effective_at,
        });
        effective_at.map(|at| (at, decision.target))
    }

    /// The latest decision.
    pub(super) fn last_record(&self) -> Option<&ScalingRecord> {
        self.records.last()
    }

    /// Every decision, in order.
    pub(super) fn into_records(self) -> Vec<ScalingRecord> {
        self.records
    }
}
