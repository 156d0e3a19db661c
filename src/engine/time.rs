//! Simulated time: integer nanoseconds, never floating point.
//!
//! [`SimTime`] is an instant since the start of the run and [`SimDuration`] a span
//! between two instants. Both wrap a `u64` count of nanoseconds, which covers about
//! 584 years, so overflow is not a concern for any scenario the validator accepts
//! (runs are capped at 366 days).

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// Nanoseconds in one second.
pub const NANOS_PER_SEC: u64 = 1_000_000_000;

/// An instant of simulated time, in nanoseconds since the start of the run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

/// A span of simulated time, in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimDuration(pub u64);

impl SimTime {
    /// The start of every run.
    pub const ZERO: SimTime = SimTime(0);
    /// A time later than any event of a valid run.
    pub const MAX: SimTime = SimTime(u64::MAX);

    /// The instant `secs` seconds after the start (rounded to the nanosecond).
    pub fn from_secs_f64(secs: f64) -> SimTime {
        SimTime((secs * NANOS_PER_SEC as f64).round() as u64)
    }

    /// Seconds since the start, as a float for reporting and rate curves.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NANOS_PER_SEC as f64
    }

    /// The span from `earlier` to `self`, zero if `earlier` is later.
    pub fn saturating_since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    /// No time at all.
    pub const ZERO: SimDuration = SimDuration(0);

    /// A span of whole seconds.
    pub const fn from_secs(secs: u64) -> SimDuration {
        SimDuration(secs * NANOS_PER_SEC)
    }

    /// A span of whole milliseconds.
    pub const fn from_millis(ms: u64) -> SimDuration {
        SimDuration(ms * 1_000_000)
    }

    /// A span of `secs` seconds (rounded to the nanosecond, negative values give zero).
    pub fn from_secs_f64(secs: f64) -> SimDuration {
        SimDuration((secs.max(0.0) * NANOS_PER_SEC as f64).round() as u64)
    }

    /// The span in seconds, as a float.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NANOS_PER_SEC as f64
    }

    /// The span in whole milliseconds, rounded up (Lambda's billing rule).
    pub fn as_millis_ceil(self) -> u64 {
        self.0.div_ceil(1_000_000)
    }

    /// Converts to the standard library's duration (for display).
    pub fn to_std(self) -> std::time::Duration {
        std::time::Duration::from_nanos(self.0)
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, rhs: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, rhs: SimDuration) {
        *self = *self + rhs;
    }
}

impl Sub<SimTime> for SimTime {
    type Output = SimDuration;
    /// The span between two instants; panics in debug builds if `rhs` is later.
    fn sub(self, rhs: SimTime) -> SimDuration {
        debug_assert!(rhs <= self, "time went backwards: {rhs:?} > {self:?}");
        SimDuration(self.0 - rhs.0)
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, rhs: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(rhs.0))
    }
}

impl serde::Serialize for SimDuration {
    /// Serialises as a human duration such as `"1m 30s"`, the form scenarios use.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3}s", self.as_secs_f64())
    }
}

impl fmt::Display for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", humantime::format_duration(self.to_std()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn billing_rounds_up_to_the_millisecond() {
        assert_eq!(SimDuration(1).as_millis_ceil(), 1);
        assert_eq!(SimDuration(1_000_000).as_millis_ceil(), 1);
        assert_eq!(SimDuration(1_000_001).as_millis_ceil(), 2);
        assert_eq!(SimDuration::ZERO.as_millis_ceil(), 0);
    }

    #[test]
    fn display_is_human_readable() {
        assert_eq!(SimDuration::from_millis(1500).to_string(), "1s 500ms");
        assert_eq!(SimTime(2_500_000_000).to_string(), "2.500s");
    }
}
