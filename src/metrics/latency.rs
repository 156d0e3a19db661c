//! End-to-end latency of committed records (commit time minus arrival time).
//!
//! Percentiles come from an HDR histogram ([`super::hdr`]) in microseconds: 3 significant
//! digits (relative error at most 0.1 %) for the whole run, 2 (at most 1 %) for the
//! per-interval columns. A run is recorded once, in its interval's 3-digit histogram,
//! which each sample reads at 2 digits (exactly what a 2-digit histogram of the same
//! values answers, see [`Histogram::value_at_quantile_at`]) and then drains into the
//! run's. A committed run is recorded as equal groups of
//! records at their middle record's latency: one group when the run spans less than 1 %
//! of its smallest latency (the group's latencies then differ by less than the
//! per-interval precision), otherwise up to 4, so a percentile is off by at most an
//! eighth of a run's span (a run spans at most one arrival bucket) plus the histogram
//! precision. A run costs at most 4 histogram updates. The mean is exact (the sum of a run's arrival
//! times is known in closed form).

use crate::engine::time::SimTime;
use crate::metrics::hdr::Histogram;
use crate::model::log::Run;

/// Most histogram updates per committed run.
pub const GROUPS_PER_RUN: u64 = 4;

/// The latencies of one committed run, as at most [`GROUPS_PER_RUN`] groups of equal
/// latency (see the module documentation).
#[derive(Clone, Copy, Debug)]
pub struct RunGroups {
    count: u64,
    latency_sum_ns: u128,
    /// `(latency in µs, records)` of each group; the first `len` are used.
    groups: [(u64, u64); GROUPS_PER_RUN as usize],
    len: usize,
}

impl RunGroups {
    /// The groups of `run` committed at `commit`.
    pub fn new(run: &Run, commit: SimTime) -> Self {
        let span = run.last.0 - run.first.0;
        let smallest = (commit.0 - run.last.0).max(1);
        let groups = run.count.min(groups_needed(span, smallest));
        let mut result = RunGroups {
            count: run.count,
            latency_sum_ns: commit.0 as u128 * run.count as u128 - run.arrival_sum_ns(),
            groups: [(0, 0); GROUPS_PER_RUN as usize],
            len: groups as usize,
        };
        // Group boundaries `g × count / groups`, with the divisor a constant per arm.
        let bound = |g: u64| match groups {
            1 => g * run.count,
            2 => g * run.count / 2,
            3 => g * run.count / 3,
            _ => g * run.count / 4,
        };
        for g in 0..groups {
            let (lo, hi) = (bound(g), bound(g + 1));
            let mid = run.time_of((lo + hi - 1) / 2);
            result.groups[g as usize] = ((commit.0 - mid.0) / 1_000, hi - lo);
        }
        result
    }
}

/// Groups a run spanning `span` ns with smallest latency `smallest` ns (at least 1)
/// needs: `ceil(100 × span / smallest)`, at least 1 and at most [`GROUPS_PER_RUN`],
/// found by comparisons (`ceil(x / s) >= k` exactly when `x > (k - 1) × s`) instead of a
/// division.
fn groups_needed(span: u64, smallest: u64) -> u64 {
    if let Some(scaled) = span.checked_mul(100) {
        // The same comparisons in 64 bits: a product past `u64::MAX` saturates there,
        // which `scaled` does not exceed either way.
        return (1..GROUPS_PER_RUN)
            .take_while(|&k| scaled > k.saturating_mul(smallest))
            .count() as u64
            + 1;
    }
    let scaled = u128::from(span) * 100;
    let smallest = u128::from(smallest);
    (1..GROUPS_PER_RUN)
        .take_while(|&k| scaled > u128::from(k) * smallest)
        .count() as u64
        + 1
}

/// Latency statistics of a set of committed records.
#[derive(Clone, Debug)]
pub struct LatencyStats {
    histogram: Histogram,
    sum_ns: u128,
    count: u64,
}

/// Significant digits the statistics keep (the run's precision; the rows read theirs at
/// fewer, see [`LatencyStats::quantile_secs_at`]).
const DIGITS: u8 = 3;

impl Default for LatencyStats {
    fn default() -> Self {
        LatencyStats {
            histogram: Histogram::new(DIGITS),
            sum_ns: 0,
            count: 0,
        }
    }
}

impl LatencyStats {
    /// Records the records of `run` committed at `commit`.
    pub fn record_run(&mut self, run: &Run, commit: SimTime) {
        self.record_groups(&RunGroups::new(run, commit));
    }

    /// Records one committed record that waited `latency_ns` (`micros` whole
    /// microseconds): what [`LatencyStats::record_groups`] does with a one-record run's
    /// single group, without building the groups.
    #[inline]
    pub fn record_one(&mut self, latency_ns: u128, micros: u64) {
        self.count += 1;
        self.sum_ns += latency_ns;
        self.histogram.record_n(micros, 1);
    }

    /// Records the groups of a committed run (computed once when the same run goes into
    /// several statistics).
    pub fn record_groups(&mut self, groups: &RunGroups) {
        self.count += groups.count;
        self.sum_ns += groups.latency_sum_ns;
        // Later records waited less: the groups' latencies do not increase.
        self.histogram
            .record_descending(&groups.groups[..groups.len]);
    }

    /// Number of records recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Mean latency in seconds, if any record was recorded.
    pub fn mean_secs(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum_ns as f64 / self.count as f64 / 1e9)
    }

    /// The `q` quantile (0 ..= 1) in seconds, if any record was recorded.
    pub fn quantile_secs(&self, q: f64) -> Option<f64> {
        (self.count > 0).then(|| self.histogram.value_at_quantile(q) as f64 / 1e6)
    }

    /// The `q` quantile in seconds that statistics keeping `significant_digits` (at most
    /// these statistics' own) would give for the same records.
    pub fn quantile_secs_at(&self, q: f64, significant_digits: u8) -> Option<f64> {
        (self.count > 0)
            .then(|| self.histogram.value_at_quantile_at(q, significant_digits) as f64 / 1e6)
    }

    /// Adds everything recorded here to `total` (of the same precision) and forgets it
    /// here, visiting only the histogram's counted range.
    pub fn drain_into(&mut self, total: &mut LatencyStats) {
        self.histogram.drain_into(&mut total.histogram);
        total.count += self.count;
        total.sum_ns += self.sum_ns;
        self.count = 0;
        self.sum_ns = 0;
    }

    /// The largest latency in seconds, if any record was recorded.
    pub fn max_secs(&self) -> Option<f64> {
        (self.count > 0).then(|| self.histogram.max() as f64 / 1e6)
    }

    /// Forgets everything (keeps the allocation).
    pub fn reset(&mut self) {
        if self.count > 0 {
            self.histogram.reset();
            self.sum_ns = 0;
            self.count = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_records_are_exact_and_runs_interpolate() {
        let mut stats = LatencyStats::default();
        stats.record_run(
            &Run {
                count: 1,
                bytes: 1,
                first: SimTime(1_000_000_000),
                last: SimTime(1_000_000_000),
            },
            SimTime(3_000_000_000),
        );
        assert_eq!(stats.mean_secs(), Some(2.0));
        // 101 records evenly spread over [0 s, 1 s], committed at 1 s: mean 0.5 s.
        let mut run_stats = LatencyStats::default();
        run_stats.record_run(
            &Run {
                count: 101,
                bytes: 101,
                first: SimTime(0),
                last: SimTime(1_000_000_000),
            },
            SimTime(1_000_000_000),
        );
        assert!((run_stats.mean_secs().unwrap() - 0.5).abs() < 1e-12);
        let p50 = run_stats.quantile_secs(0.5).unwrap();
        assert!((p50 - 0.5).abs() <= 0.125 + 0.001, "p50 {p50}");
        assert_eq!(run_stats.count(), 101);
    }

    #[test]
    fn groups_needed_is_the_clamped_ceiling_of_the_span_over_one_percent() {
        const SPANS: [u64; 12] = [
            0,
            1,
            7,
            99,
            100,
            101,
            250,
            299,
            300,
            301,
            10_000,
            u64::MAX / 3,
        ];
        for span in SPANS {
            for smallest in [1, 2, 3, 99, 100, 101, 7_919, 1_000_000] {
                let ceiling = (u128::from(span) * 100).div_ceil(u128::from(smallest));
                let expected = ceiling.clamp(1, u128::from(GROUPS_PER_RUN)) as u64;
                assert_eq!(
                    groups_needed(span, smallest),
                    expected,
                    "{span} / {smallest}"
                );
            }
        }
    }
}
