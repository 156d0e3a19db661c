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
        let index = self.index_of(value);
        if index >= self.counts.len() {
            self.grow(index);
        }
        self.counts[index] = self.counts[index].saturating_add(n);
        self.total = self.total.saturating_add(n);
        self.max = self.max.max(value);
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
        let q = q.min(1.0);
        let target = ((q * self.total as f64).ceil() as u64).max(1);
        // Whole chunks are summed first (vectorised), the chunk that reaches the target
        // is then walked count by count.
        const CHUNK: usize = 8;
        let mut running = 0_u64;
        for (c, chunk) in self.counts.chunks(CHUNK).enumerate() {
            let sum: u64 = chunk.iter().sum();
            if running + sum < target {
                running += sum;
                continue;
            }
            for (j, &count) in chunk.iter().enumerate() {
                running += count;
                if running >= target {
                    let value = self.value_of(c * CHUNK + j);
                    return if q == 0.0 {
                        value
                    } else {
                        self.highest_equivalent(value)
                    };
                }
            }
        }
        0
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
        self.counts.fill(0);
        self.total = 0;
        self.max = 0;
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
    }
}
