//! A run of records: the records of one partition that arrived in one arrival bucket,
//! kept as a count, total bytes and the first and last arrival times.

use crate::engine::time::SimTime;

/// Records of one partition that arrived in one bucket (or a part of such a run).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    /// Number of records (at least 1).
    pub count: u64,
    /// Total record bytes.
    pub bytes: u64,
    /// Arrival time of the first record.
    pub first: SimTime,
    /// Arrival time of the last record; records in between are evenly spaced.
    pub last: SimTime,
}

/// `a × b / c` rounded down, in 64-bit arithmetic when the product fits.
fn mul_div(a: u64, b: u64, c: u64) -> u64 {
    match a.checked_mul(b) {
        Some(product) => product / c,
        None => (a as u128 * b as u128 / c as u128) as u64,
    }
}

impl Run {
    /// Arrival time of record `k` (0-based) of the run.
    pub fn time_of(&self, k: u64) -> SimTime {
        if self.count <= 1 {
            return self.first;
        }
        SimTime(self.first.0 + mul_div(self.last.0 - self.first.0, k, self.count - 1))
    }

    /// How many records of the run have arrived by `t` (inclusive).
    pub fn arrived_by(&self, t: SimTime) -> u64 {
        if t < self.first {
            0
        } else if t >= self.last || self.count == 1 {
            self.count
        } else {
            mul_div(
                t.0 - self.first.0,
                self.count - 1,
                self.last.0 - self.first.0,
            ) + 1
        }
    }

    /// The earliest time by which [`Run::arrived_by`] counts `k + 1` records
    /// (`k < count`): where the arrived count steps up for record `k`.
    pub fn arrival_step(&self, k: u64) -> SimTime {
        if k == 0 || self.count <= 1 {
            return self.first;
        }
        let span = self.last.0 - self.first.0;
        let steps = self.count - 1;
        let offset = match span.checked_mul(k) {
            Some(scaled) => scaled.div_ceil(steps),
            None => (span as u128 * k as u128).div_ceil(steps as u128) as u64,
        };
        SimTime(self.first.0 + offset)
    }

    /// Records and raw bytes of the run that have arrived by `t` (inclusive): the whole
    /// run's bytes, or none, without a division when it has wholly arrived or not begun.
    #[inline]
    pub fn arrived_with_bytes_by(&self, t: SimTime) -> (u64, u64) {
        if t < self.first {
            (0, 0)
        } else if t >= self.last || self.count == 1 {
            (self.count, self.bytes)
        } else {
            let k = self.arrived_by(t);
            (k, self.front_bytes(k))
        }
    }

    /// Raw bytes of the first `k` records (`k <= count`), as [`Run::split_front`] splits.
    pub fn front_bytes(&self, k: u64) -> u64 {
        mul_div(self.bytes, k, self.count)
    }

    /// Splits off the first `k` records (0 < k < count); `self` keeps the rest.
    pub fn split_front(&mut self, k: u64) -> Run {
        debug_assert!(k > 0 && k < self.count);
        let front_bytes = self.front_bytes(k);
        let front = Run {
            count: k,
            bytes: front_bytes,
            first: self.first,
            last: self.time_of(k - 1),
        };
        let rest_first = self.time_of(k);
        self.count -= k;
        self.bytes -= front_bytes;
        self.first = rest_first;
        front
    }

    /// `m` of the run's records (`0 < m <= count`), evenly spread over it, with their
    /// bytes pro rata: the records of the run that pass a filter. Record `j` of them is
    /// the run's record `floor((2j + 1) × count / 2m)`; the first and last are those.
    pub fn thinned(&self, m: u64) -> Run {
        debug_assert!(m > 0 && m <= self.count);
        if m == self.count {
            return *self;
        }
        let at = |j: u64| self.time_of(mul_div(2 * j + 1, self.count, 2 * m));
        Run {
            count: m,
            bytes: self.front_bytes(m),
            first: at(0),
            last: at(m - 1),
        }
    }

    /// Sum of the arrival times of all records, in nanoseconds (for exact mean latency).
    pub fn arrival_sum_ns(&self) -> u128 {
        (self.first.0 as u128 + self.last.0 as u128) * self.count as u128 / 2
    }
}
