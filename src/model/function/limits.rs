//! The function's concurrency limit and scaling rate: whether an invoke is throttled.
//!
//! * The limit at `t` is the reserved concurrency when set, else the account limit minus
//!   the concurrency of the other functions at `t` (a rate curve, never below 0). An
//!   invoke when the function already runs `limit` invocations is throttled.
//! * The scaling rate is a token bucket of `environments` tokens refilled continuously
//!   at `environments / period` (AWS: 1,000 per 10 s); unused refill beyond the
//!   capacity is lost. Creating an execution environment takes a token; with none left
//!   the invoke is throttled. The bucket is kept in integer units (one token =
//!   `period` in nanoseconds, refill = elapsed nanoseconds × `environments`), so its
//!   arithmetic is exact.

use crate::engine::time::SimTime;
use crate::model::traffic::RateCurve;
use crate::scenario::Concurrency;

/// The limit and the scaling-rate bucket of one function.
#[derive(Clone, Debug)]
pub struct ConcurrencyLimit {
    reserved: Option<u32>,
    account_limit: u32,
    others: Option<RateCurve>,
    bucket: TokenBucket,
}

impl ConcurrencyLimit {
    /// The limit of `config`, with a full bucket at t = 0.
    pub fn new(config: &Concurrency) -> Self {
        ConcurrencyLimit {
            reserved: config.reserved,
            account_limit: config.account_limit,
            others: (!config.other_functions.is_empty())
                .then(|| RateCurve::new(&config.other_functions)),
            bucket: TokenBucket::new(config.scaling_rate.environments, config.scaling_rate.per.0),
        }
    }

    /// The function's concurrency limit at `now`.
    pub fn limit_at(&self, now: SimTime) -> u32 {
        if let Some(reserved) = self.reserved {
            return reserved;
        }
        match &self.others {
            None => self.account_limit,
            Some(curve) => {
                let free = f64::from(self.account_limit) - curve.rate_at(now);
                free.max(0.0).floor() as u32
            }
        }
    }

    /// Takes one token to create an execution environment at `now`; `false` (nothing
    /// taken) when the scaling rate is exhausted.
    pub fn take_environment(&mut self, now: SimTime) -> bool {
        self.bucket.take(now)
    }
}

/// A token bucket refilled continuously, in exact integer units.
#[derive(Clone, Debug)]
struct TokenBucket {
    /// Tokens per period (also the capacity).
    per_period: u128,
    /// The period in nanoseconds (one token is this many units).
    period_ns: u128,
    /// Units in the bucket at `last`.
    level: u128,
    last: SimTime,
}

impl TokenBucket {
    fn new(per_period: u32, period_ns: u64) -> Self {
        let (per_period, period_ns) = (u128::from(per_period), u128::from(period_ns));
        TokenBucket {
            per_period,
            period_ns,
            level: per_period * period_ns,
            last: SimTime::ZERO,
        }
    }

    fn take(&mut self, now: SimTime) -> bool {
        let elapsed = u128::from(now.saturating_since(self.last).0).min(self.period_ns);
        let capacity = self.per_period * self.period_ns;
        self.level = (self.level + elapsed * self.per_period).min(capacity);
        self.last = now;
        if self.level >= self.period_ns {
            self.level -= self.period_ns;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::SimDuration;

    fn at_ms(ms: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_millis(ms)
    }

    #[test]
    fn the_bucket_starts_full_refills_continuously_and_does_not_bank() {
        // 1,000 per 10 s: 1,000 at once, then one every 10 ms.
        let mut b = TokenBucket::new(1000, SimDuration::from_secs(10).0);
        assert_eq!((0..1001).filter(|_| b.take(at_ms(0))).count(), 1000);
        assert!(!b.take(at_ms(9)));
        assert!(b.take(at_ms(10)));
        assert!(!b.take(at_ms(10)));
        // 1 s later: 100 tokens.
        assert_eq!((0..200).filter(|_| b.take(at_ms(1010))).count(), 100);
        // An hour idle refills to the capacity, not beyond.
        assert_eq!((0..5000).filter(|_| b.take(at_ms(3_601_010))).count(), 1000);
    }
}
