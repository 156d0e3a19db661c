//! When samples are due: every `sample_interval` from the start, and at the end of the
//! run (a shorter last interval when the duration is not a multiple of it).

use crate::engine::time::{SimDuration, SimTime};

/// The sample times of one run.
pub(super) struct SampleClock {
    interval: SimDuration,
    end: SimTime,
    next: Option<SimTime>,
}

impl SampleClock {
    /// Samples every `interval` until `end`, and at `end`.
    pub(super) fn new(interval: SimDuration, end: SimTime) -> Self {
        SampleClock {
            interval,
            end,
            next: Some((SimTime::ZERO + interval).min(end)),
        }
    }

    /// The end of the run (the last sample).
    pub(super) fn end(&self) -> SimTime {
        self.end
    }

    /// The next sample time, `None` after the last one.
    pub(super) fn next(&self) -> Option<SimTime> {
        self.next
    }

    /// Moves past the sample at [`SampleClock::next`].
    pub(super) fn advance(&mut self) {
        self.next = match self.next {
            Some(t) if t < self.end => Some((t + self.interval).min(self.end)),
            _ => None,
        };
    }
}
