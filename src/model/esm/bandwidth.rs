//! A poller's fetch bandwidth (`esm.poller.max_bytes_per_s`).

use crate::engine::time::{SimDuration, SimTime};

/// A poller's fetch bandwidth, as a generic cell-rate algorithm: a batch may start when
/// the poller is at most one second of bandwidth in debt; each batch adds its bytes.
#[derive(Clone, Debug, Default)]
pub struct Bandwidth {
    /// Theoretical time at which everything fetched so far has been paid for.
    tat: SimTime,
}

/// Burst a poller may fetch ahead of its average bandwidth.
const BANDWIDTH_BURST: SimDuration = SimDuration::from_secs(1);

impl Bandwidth {
    /// The earliest time at or after `now` at which a new batch may start.
    pub fn ready_at(&self, now: SimTime) -> SimTime {
        SimTime(self.tat.0.saturating_sub(BANDWIDTH_BURST.0)).max(now)
    }

    /// Accounts for a batch of `bytes` record bytes fetched at `now`.
    pub fn consume(&mut self, now: SimTime, bytes: u64, bytes_per_s: u64) {
        let cost = (bytes as u128 * 1_000_000_000 / bytes_per_s as u128) as u64;
        self.tat = SimTime(self.tat.max(now).0 + cost);
    }
}
