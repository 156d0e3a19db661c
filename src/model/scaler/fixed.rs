//! The `fixed` policy: a constant number of pollers, never evaluated.

use crate::engine::time::SimTime;
use crate::model::scaler::{Decision, Observation, Scaler, hold};

/// A fixed number of pollers, never evaluated.
pub struct FixedScaler {
    pollers: u32,
}

impl FixedScaler {
    /// `pollers` pollers, for ever.
    pub fn new(pollers: u32) -> Self {
        FixedScaler { pollers }
    }
}

impl Scaler for FixedScaler {
    fn initial_pollers(&self) -> u32 {
        self.pollers
    }

    fn next_evaluation(&self, _after: SimTime) -> Option<SimTime> {
        None
    }

    fn evaluate(&mut self, observation: &Observation) -> Decision {
        hold(observation.pollers, "fixed policy".to_string())
    }
}
