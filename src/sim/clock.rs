//! When samples are due: every `sample_interval` from the start, and at the end of the
//! run (a shorter last interval when the duration is not a multiple of it).

use crate::engine::time::{SimDuration, SimTime};

/// The sample times of one run.
pub(super) struct SampleClock {
    interval: SimDuration,
    end: SimTime,
    /// The next sample, [`SimTime::MAX`] after the last one.
    next: SimTime,
}

impl SampleClock {
    /// Samples every `interval` until `end`, and at `end`.
    pub(super) fn new(interval: SimDuration, end: SimTime) -> Self {
        SampleClock {
            interval,
            end,
            next: (SimTime::ZERO + interval).min(end),
        }
    }

    /// The end of the run (the last sample).
    pub(super) fn end(&self) -> SimTime {
        self.end
    }

    /// The next sample time, [`SimTime::MAX`] after the last one.
    pub(super) fn next(&self) -> SimTime {
        self.next
    }

    /// Moves past the sample at [`SampleClock::next`].
    pub(super) fn advance(&mut self) {
        self.next = if self.next < self.end {
            (self.next + self.interval).min(self.end)
        } else {
            SimTime::MAX
        };
    }
}
