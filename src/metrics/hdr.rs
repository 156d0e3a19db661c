//! A high-dynamic-range histogram of `u64` values, cut down to what the latency statistics
//! need: record a value `n` times, the value at a quantile, the largest value, reset.
//!
//! Its buckets, counts and answers are those of the `hdrhistogram` crate's
//! `Histogram::<u64>::new(digits)` (lowest discernible value 1, growing as values come):
//! value `v` lands in bucket `b = floor(log2(v | mask)) - log2(sub_bucket_count) + 1`,
//! sub-bucket `v >> b`, and a quantile is the highest value equivalent to the first
//! bucket where the running count reaches `ceil(q × total)`. Recording is the hot path of
//! every commit, so it is a few shifts and one add, with no range checks beyond the
//! vector's. The test
//! below checks the answers against the crate's on random values.

/// Counts of values in buckets of `significant_digits` decimal digits of precision.
#[derive(Clone, Debug)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
    /// Largest value recorded (0 when none).
    max: u64,
    /// Lowest index counted since the last reset (`usize::MAX` when none): with the index
    /// of `max`, the range a reset, a walk or a merge has to visit.
    lowest: usize,
    /// `log2` of half the sub-buckets per bucket.
    half_magnitude: u32,
    /// `2^(half_magnitude + 1) - 1`: values up to it sit in bucket 0.
    sub_bucket_mask: u64,
}

impl Histogram {
    /// An empty histogram keeping `significant_digits` (1 ..= 5) digits.
    pub fn new(significant_digits: u8) -> Self {
        assert!(
            (1..=5).contains(&significant_digits),
            "1 to 5 significant digits"
        );
        let largest_single_unit = 2 * 10_u64.pow(u32::from(significant_digits));
        let count_magnitude = u64::BITS - (largest_single_unit - 1).leading_zeros();
        let half_magnitude = count_magnitude - 1;
        Histogram {
            counts: Vec::new(),
            total: 0,
            max: 0,
            lowest: usize::MAX,
            half_magnitude,
            sub_bucket_mask: (1 << count_magnitude) - 1,
        }
    }

    /// Bucket of `value`: how many powers of two it lies above bucket 0's range.
    fn bucket_of(&self, value: u64) -> u32 {
        (u64::BITS - self.half_magnitude - 1) - (value | self.sub_bucket_mask).leading_zeros()
    }

    /// Index in `counts` of `value`.
    fn index_of(&self, value: u64) -> usize {
        let bucket = self.bucket_of(value);
        let sub_bucket = (value >> bucket) as usize;
        ((bucket as usize + 1) << self.half_magnitude) + sub_bucket - (1 << self.half_magnitude)
    }

    /// The lowest value counted at `index`.
    fn value_of(&self, index: usize) -> u64 {
        let half = 1_usize << self.half_magnitude;
        let bucket = (index >> self.half_magnitude) as i64 - 1;
        let sub_bucket = (index & (half - 1)) + half;
        if bucket < 0 {
            (sub_bucket - half) as u64
        } else {
            (sub_bucket as u64) << bucket
        }
    }

    /// The highest value counted with `value`.
    fn highest_equivalent(&self, value: u64) -> u64 {
        if value == u64::MAX {
            return u64::MAX;
        }
        let bucket = self.bucket_of(value);
        let lowest = (value >> bucket) << bucket;
        lowest.saturating_add(1 << bucket) - 1
    }

    /// Counts `value` `n` times.
    #[inline]
    pub fn record_n(&mut self, value: u64, n: u64) {
        let index = self.add_count(value, n);
        self.total = self.total.saturating_add(n);
        self.max = self.max.max(value);
        self.lowest = self.lowest.min(index);
    }

    /// Counts each `(value, n)` of `groups`, whose values do not increase (a committed
    /// run's latency groups, its oldest records first): what [`Histogram::record_n`] of
    /// each does, with the total, the largest value and the lowest index brought up to
    /// date once.
    #[inline]
    pub fn record_descending(&mut self, groups: &[(u64, u64)]) {
        debug_assert!(
            groups.windows(2).all(|w| w[0].0 >= w[1].0),
            "not descending"
        );
        let Some(&(largest, _)) = groups.first() else {
            return;
        };
        let (mut added, mut index) = (0_u64, usize::MAX);
        for &(value, n) in groups {
            index = self.add_count(value, n);
            added = added.saturating_add(n);
        }
        self.total = self.total.saturating_add(added);
        self.max = self.max.max(largest);
        self.lowest = self.lowest.min(index);
    }

    /// Adds `n` to the count of `value`'s bucket (the total, largest value and lowest
    /// index are the caller's) and returns its index.
    #[inline]
    fn add_count(&mut self, value: u64, n: u64) -> usize {
        let index = self.index_of(value);
        if index >= self.counts.len() {
            self.grow(index);
        }
        self.counts[index] = self.counts[index].saturating_add(n);
        index
    }

    /// The indices that may hold counts: from the lowest counted to that of the largest
    /// value (empty when nothing was counted).
    fn counted(&self) -> std::ops::Range<usize> {
        if self.total == 0 {
            0..0
        } else {
            self.lowest..self.index_of(self.max) + 1
        }
    }

    /// Makes room for the count at `index` (rare: the counts cover the largest value so
    /// far), out of line so that recording keeps few registers.
    #[cold]
    #[inline(never)]
    fn grow(&mut self, index: usize) {
        self.counts.resize(index + 1, 0);
    }

    /// The value at quantile `q` (capped at 1): the highest value equivalent to the first
    /// count that reaches `ceil(q × total)` (at least 1); the lowest equivalent one for
    /// `q = 0`; 0 when nothing was recorded.
    pub fn value_at_quantile(&self, q: f64) -> u64 {
        self.value_at_quantile_as(q, self)
    }

    /// The value at quantile `q` that a histogram of `significant_digits` (at most this
    /// one's) would answer had it counted the same values. Exact: every bucket of this
    /// histogram lies within one bucket of the coarser one (both are aligned powers of two
    /// wide, the coarser at least as wide), so the first coarse bucket whose running count
    /// reaches the target is the one holding the first fine bucket that does.
    pub fn value_at_quantile_at(&self, q: f64, significant_digits: u8) -> u64 {
        let coarse = Histogram::new(significant_digits);
        assert!(
            coarse.half_magnitude <= self.half_magnitude,
            "a coarser precision"
        );
        self.value_at_quantile_as(q, &coarse)
    }

    /// [`Histogram::value_at_quantile`] with the answer's bucket taken from `layout`'s
    /// precision (this histogram's or a coarser one).
    fn value_at_quantile_as(&self, q: f64, layout: &Histogram) -> u64 {
        let q = q.min(1.0);
        let target = ((q * self.total as f64).ceil() as u64).max(1);
        let counted = self.counted();
        let start = counted.start;
        // Whole chunks are summed first (vectorised), the chunk that reaches the target
        // is then walked count by count.
        const CHUNK: usize = 8;
        let mut running = 0_u64;
        for (c, chunk) in self.counts[counted].chunks(CHUNK).enumerate() {
            let sum: u64 = chunk.iter().sum();
            if running + sum < target {
                running += sum;
                continue;
            }
            for (j, &count) in chunk.iter().enumerate() {
                running += count;
                if running >= target {
                    let value = self.value_of(start + c * CHUNK + j);
                    return if q == 0.0 {
                        layout.value_of(layout.index_of(value))
                    } else {
                        layout.highest_equivalent(value)
                    };
                }
            }
        }
        0
    }

    /// Adds every count of `self` to `total` (of the same precision) and empties `self`:
    /// a visit of the indices `self` counted, not of the whole range.
    pub fn drain_into(&mut self, total: &mut Histogram) {
        assert_eq!(self.half_magnitude, total.half_magnitude, "one precision");
        let counted = self.counted();
        if counted.is_empty() {
            return;
        }
        if total.counts.len() < counted.end {
            total.grow(counted.end - 1);
        }
        for (sum, count) in total.counts[counted.clone()]
            .iter_mut()
            .zip(&mut self.counts[counted.clone()])
        {
            *sum = sum.saturating_add(std::mem::take(count));
        }
        total.total = total.total.saturating_add(self.total);
        total.max = total.max.max(self.max);
        total.lowest = total.lowest.min(counted.start);
        self.total = 0;
        self.max = 0;
        self.lowest = usize::MAX;
    }

    /// The highest value equivalent to the largest value recorded (0 when none).
    pub fn max(&self) -> u64 {
        if self.max == 0 {
            0
        } else {
            self.highest_equivalent(self.max)
        }
    }

    /// Forgets every value (keeps the allocation).
    pub fn reset(&mut self) {
        let counted = self.counted();
        self.counts[counted].fill(0);
        self.total = 0;
        self.max = 0;
        self.lowest = usize::MAX;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Values spread over many orders of magnitude, as latencies in microseconds are.
    fn value() -> impl Strategy<Value = u64> {
        (0u32..48, any::<u64>()).prop_map(|(bits, v)| v & ((1 << bits) - 1))
    }

    proptest! {
        /// Quantiles and maxima equal those of the `hdrhistogram` crate, across resets.
        #[test]
        fn answers_as_the_hdrhistogram_crate(
            digits in 1u8..=5,
            rounds in proptest::collection::vec(
                proptest::collection::vec((value(), 1u64..1000), 1..60),
                1..4,
            ),
        ) {
            let mut ours = Histogram::new(digits);
            let mut theirs = hdrhistogram::Histogram::<u64>::new(digits).unwrap();
            for round in rounds {
                for &(v, n) in &round {
                    ours.record_n(v, n);
                    theirs.record_n(v, n).unwrap();
                }
                for q in [0.0, 0.001, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0, 1.5] {
                    prop_assert_eq!(ours.value_at_quantile(q), theirs.value_at_quantile(q), "q {}", q);
                }
                prop_assert_eq!(ours.max(), theirs.max());
                ours.reset();
                theirs.reset();
            }
        }

        /// Recording a run's groups (values not increasing) at once leaves the histogram
        /// exactly as recording them one by one does: counts, total, largest value,
        /// lowest index.
        #[test]
        fn descending_groups_at_once_are_the_groups_one_by_one(
            digits in 1u8..=5,
            before in proptest::collection::vec((value(), 1u64..1000), 0..10),
            mut groups in proptest::collection::vec((value(), 1u64..1000), 0..5),
        ) {
            groups.sort_by_key(|g| std::cmp::Reverse(g.0));
            let mut at_once = Histogram::new(digits);
            let mut one_by_one = Histogram::new(digits);
            for &(v, n) in &before {
                at_once.record_n(v, n);
                one_by_one.record_n(v, n);
            }
            at_once.record_descending(&groups);
            for &(v, n) in &groups {
                one_by_one.record_n(v, n);
            }
            prop_assert_eq!(&at_once.counts, &one_by_one.counts);
            prop_assert_eq!(
                (at_once.total, at_once.max, at_once.lowest),
                (one_by_one.total, one_by_one.max, one_by_one.lowest)
            );
        }

        /// A fine histogram answers at a coarser precision exactly what a coarse one
        /// holding the same values answers, and drained round by round into a total it
        /// gives the total's answers of recording everything there directly.
        #[test]
        fn coarser_answers_and_draining_equal_recording_directly(
            digits in 2u8..=5,
            coarser in 1u8..=4,
            rounds in proptest::collection::vec(
                proptest::collection::vec((value(), 1u64..1000), 1..60),
                1..4,
            ),
        ) {
            let coarser = coarser.min(digits);
            let mut fine = Histogram::new(digits);
            let mut coarse = Histogram::new(coarser);
            let mut drained = Histogram::new(digits);
            let mut direct = Histogram::new(digits);
            for round in rounds {
                for &(v, n) in &round {
                    fine.record_n(v, n);
                    coarse.record_n(v, n);
                    direct.record_n(v, n);
                }
                for q in [0.0, 0.001, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0] {
                    prop_assert_eq!(
                        fine.value_at_quantile_at(q, coarser),
                        coarse.value_at_quantile(q),
                        "q {}", q
                    );
                }
                fine.drain_into(&mut drained);
                prop_assert_eq!(fine.total, 0);
                prop_assert!(fine.counts.iter().all(|&c| c == 0));
                coarse.reset();
                for q in [0.0, 0.001, 0.5, 0.99, 1.0] {
                    prop_assert_eq!(drained.value_at_quantile(q), direct.value_at_quantile(q));
                }
                prop_assert_eq!(drained.max(), direct.max());
            }
        }
    }
}
