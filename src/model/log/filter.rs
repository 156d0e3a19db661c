//! Which records of a partition pass the ESM's filter (`esm.filter`), by offset.
//!
//! Records are kept as runs, never one by one, so a filter cannot look at records: it is
//! a count, `M(n)`, of the matching records among a partition's first `n` offsets, and
//! the records of offsets `[a, b)` hold `M(b) − M(a)` matching ones. `M` depends only on
//! the seed, the partition, the arrival process and the share of records that pass,
//! never on the consumer, so two consumers of the same topic filter the same records.
//!
//! * Deterministic arrivals: the fluid rule `M(n) = floor(n × share)` (so `match: 0.25`
//!   passes exactly every fourth record).
//! * Poisson arrivals: offsets are cut into blocks of [`FILTER_BLOCK`]; block `k` holds a
//!   binomial count `c_k` of matching records, drawn from the partition's
//!   [`Purpose::Filter`] stream at a fixed position of its own (so any block can be drawn
//!   first, and whatever order blocks are asked for, they hold the same count), with the
//!   matching records evenly spaced inside the block, as records are inside a run:
//!   offsets `[i, j)` of the block hold `floor(j × c_k / B) − floor(i × c_k / B)`.

use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution};

use crate::engine::rng::{Purpose, stream};
use crate::scenario::ArrivalProcess;

/// Offsets per block of the Poisson rule: each block draws one binomial count.
pub const FILTER_BLOCK: u64 = 1024;

/// Words of the partition's filter stream reserved for one block's draw (a binomial
/// draw uses a handful).
const WORDS_PER_BLOCK: u128 = 256;

/// Blocks whose counts are kept (direct-mapped by block index).
const CACHED_BLOCKS: usize = 8;

/// Tolerance on the fluid count, so that float rounding never loses a record that is
/// due exactly at a multiple (e.g. 30 × 0.1).
const FLUID_EPSILON: f64 = 1e-9;

/// The matching records of one partition, by offset.
pub struct MatchCounter {
    rule: Rule,
}

enum Rule {
    /// Every record matches.
    All,
    /// No record matches.
    None,
    /// `M(n) = floor(n × share)`.
    Fluid { share: f64 },
    /// A binomial count per block of offsets (boxed: the stream is large).
    Blocks(Box<BlockDraws>),
}

/// The draws of [`Rule::Blocks`].
struct BlockDraws {
    rng: ChaCha8Rng,
    law: Binomial,
    /// `(block, count)` of recently drawn blocks, by `block % CACHED_BLOCKS`.
    cache: [(u64, u64); CACHED_BLOCKS],
}

impl MatchCounter {
    /// The matching records of partition `index` when a share `share` (0 ..= 1) of the
    /// records pass the filter.
    pub fn new(seed: u64, index: u32, share: f64, arrivals: ArrivalProcess) -> Self {
        let rule = if share >= 1.0 {
            Rule::All
        } else if share <= 0.0 {
            Rule::None
        } else {
            match arrivals {
                ArrivalProcess::Deterministic => Rule::Fluid { share },
                ArrivalProcess::Poisson => Rule::Blocks(Box::new(BlockDraws {
                    rng: stream(seed, Purpose::Filter, index as u64),
                    law: Binomial::new(FILTER_BLOCK, share).expect("0 < share < 1"),
                    cache: [(u64::MAX, 0); CACHED_BLOCKS],
                })),
            }
        };
        MatchCounter { rule }
    }

    /// Matching records among offsets `[from, to)` (`from <= to`).
    pub fn matched(&mut self, from: u64, to: u64) -> u64 {
        debug_assert!(from <= to);
        match &mut self.rule {
            Rule::All => to - from,
            Rule::None => 0,
            Rule::Fluid { share } => fluid(to, *share) - fluid(from, *share),
            Rule::Blocks(draws) => {
                let mut matched = 0;
                let mut at = from;
                while at < to {
                    let block = at / FILTER_BLOCK;
                    let start = block * FILTER_BLOCK;
                    let end = (start + FILTER_BLOCK).min(to);
                    let count = draws.count(block);
                    let within = |offset: u64| (offset - start) * count / FILTER_BLOCK;
                    matched += within(end) - within(at);
                    at = end;
                }
                matched
            }
        }
    }
}

/// `floor(n × share)`, at most `n`.
fn fluid(n: u64, share: f64) -> u64 {
    ((n as f64 * share + FLUID_EPSILON).floor() as u64).min(n)
}

impl BlockDraws {
    /// The matching records of `block`, drawn at the block's own position in the
    /// stream.
    fn count(&mut self, block: u64) -> u64 {
        let slot = &mut self.cache[(block % CACHED_BLOCKS as u64) as usize];
        if slot.0 != block {
            self.rng.set_word_pos(block as u128 * WORDS_PER_BLOCK);
            *slot = (block, self.law.sample(&mut self.rng));
        }
        slot.1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fluid_rule_passes_every_fourth_record_of_a_quarter() {
        let mut m = MatchCounter::new(1, 0, 0.25, ArrivalProcess::Deterministic);
        assert_eq!(m.matched(0, 100), 25);
        assert_eq!(m.matched(0, 3), 0);
        assert_eq!(m.matched(3, 4), 1);
        assert_eq!(m.matched(4, 7), 0);
        assert_eq!(m.matched(7, 8), 1);
        // 0.1 of 30 records is 3 despite 30 × 0.1 = 3.0000000000000004 or 2.999...
        let mut m = MatchCounter::new(1, 0, 0.1, ArrivalProcess::Deterministic);
        assert_eq!(m.matched(0, 30), 3);
        assert_eq!(m.matched(0, 70), 7);
    }

    #[test]
    fn blocks_are_the_same_whatever_order_they_are_asked_for() {
        let mut forward = MatchCounter::new(7, 3, 0.3, ArrivalProcess::Poisson);
        let mut backward = MatchCounter::new(7, 3, 0.3, ArrivalProcess::Poisson);
        let cuts = [0, 17, 1024, 1500, 4096, 5000, 20_000];
        let pieces: Vec<u64> = cuts
            .windows(2)
            .map(|w| forward.matched(w[0], w[1]))
            .collect();
        let mut reversed: Vec<u64> = cuts
            .windows(2)
            .rev()
            .map(|w| backward.matched(w[0], w[1]))
            .collect();
        reversed.reverse();
        assert_eq!(pieces, reversed);
        // Additive over adjacent ranges, and near the share over many blocks.
        let total: u64 = pieces.iter().sum();
        assert_eq!(
            total,
            MatchCounter::new(7, 3, 0.3, ArrivalProcess::Poisson).matched(0, 20_000)
        );
        assert!((5_700..6_300).contains(&total), "{total}");
        // Another partition draws other blocks.
        let other = MatchCounter::new(7, 4, 0.3, ArrivalProcess::Poisson).matched(0, 20_000);
        assert_ne!(other, total);
    }

    #[test]
    fn all_and_none_need_no_draws() {
        assert_eq!(
            MatchCounter::new(1, 0, 1.0, ArrivalProcess::Poisson).matched(5, 105),
            100
        );
        assert_eq!(
            MatchCounter::new(1, 0, 0.0, ArrivalProcess::Poisson).matched(5, 105),
            0
        );
    }
}
