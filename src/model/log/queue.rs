//! A partition's queue of runs, oldest first, with its first runs kept inline.
//!
//! One queue holds every run a partition has drawn and not yet handed to a batch: the
//! wholly arrived ones at the front, then those still to arrive (the partition counts
//! how many of the front ones have arrived). A run is written once, when it is drawn,
//! and read where it lies when it arrives and when a batch takes it, instead of being
//! moved from a queue of future runs to a queue of ready ones.
//!
//! Most partitions hold a few runs between two looks (a sparse partition's next
//! arrival and what arrived since its last batch, a busy one's last few buckets), so
//! the first [`INLINE`] runs live in the partition itself and only the runs behind them
//! in a heap buffer, whose header is inline too: a pass over many partitions reads
//! their first runs without a cache miss on a separate allocation per partition, and an
//! empty buffer allocates nothing.

use std::collections::VecDeque;

use crate::model::log::Run;

/// Runs kept inline, in the partition.
const INLINE: usize = 4;

/// A buffer at least this long grows by [`SLOW_GROWTH`] runs instead of doubling: a
/// partition's ready runs are coalesced at [`super::MAX_READY_RUNS`], so a long queue
/// stays about that long and doubling would only waste memory.
const SLOW_GROWTH_FROM: usize = 4096;

/// See [`SLOW_GROWTH_FROM`].
const SLOW_GROWTH: usize = 256;

/// An inline slot before its first use.
const EMPTY: Run = Run {
    count: 0,
    bytes: 0,
    first: crate::engine::time::SimTime::ZERO,
    last: crate::engine::time::SimTime::ZERO,
};

/// Runs, oldest first: the first [`INLINE`] in `head`, the others in `rest`.
#[derive(Debug)]
pub(super) struct RunQueue {
    /// The oldest runs, a ring: run `i` (for `i < inline`) is in slot
    /// `(start + i) % INLINE`, so taking the oldest moves no other run.
    head: [Run; INLINE],
    /// The runs behind `head`, oldest first; empty unless `head` is full.
    rest: VecDeque<Run>,
    /// Slot of the oldest run in `head`.
    start: u32,
    /// Runs used in `head`.
    inline: u32,
}

const _: () = assert!(INLINE.is_power_of_two(), "the ring's slots wrap by a mask");

impl RunQueue {
    /// An empty queue.
    pub(super) fn new() -> Self {
        RunQueue {
            head: [EMPTY; INLINE],
            rest: VecDeque::new(),
            start: 0,
            inline: 0,
        }
    }

    /// Slot in `head` of run `i` (`i < INLINE`).
    #[inline]
    fn slot(&self, i: usize) -> usize {
        (self.start as usize + i) & (INLINE - 1)
    }

    /// Whether the queue holds no run.
    pub(super) fn is_empty(&self) -> bool {
        self.inline == 0
    }

    /// Runs in the queue.
    pub(super) fn len(&self) -> usize {
        self.inline as usize + self.rest.len()
    }

    /// The oldest run.
    pub(super) fn front(&self) -> Option<&Run> {
        self.get(0)
    }

    /// The oldest run, to split it.
    pub(super) fn front_mut(&mut self) -> Option<&mut Run> {
        (!self.is_empty()).then_some(&mut self.head[self.start as usize])
    }

    /// Run `i` (0 is the oldest).
    #[inline]
    pub(super) fn get(&self, i: usize) -> Option<&Run> {
        if i < self.inline as usize {
            Some(&self.head[self.slot(i)])
        } else {
            // Past `head`'s runs: in `rest` (empty unless `head` is full).
            self.rest.get(i.checked_sub(INLINE)?)
        }
    }

    /// Run `i` (`i < len`, 0 is the oldest), to change it.
    fn get_mut(&mut self, i: usize) -> &mut Run {
        if i < INLINE {
            &mut self.head[self.slot(i)]
        } else {
            &mut self.rest[i - INLINE]
        }
    }

    /// Removes the oldest run; the first run of `rest`, if any, takes its slot as the
    /// newest in `head`.
    pub(super) fn pop_front(&mut self) -> Option<Run> {
        if self.is_empty() {
            return None;
        }
        let slot = self.start as usize;
        let front = self.head[slot];
        match self.rest.pop_front() {
            Some(run) => self.head[slot] = run,
            None => self.inline -= 1,
        }
        self.start = ((slot + 1) & (INLINE - 1)) as u32;
        Some(front)
    }

    /// Adds `run` (at least one record) as the newest.
    pub(super) fn push_back(&mut self, run: Run) {
        debug_assert!(run.count > 0, "an empty run");
        if (self.inline as usize) < INLINE {
            let slot = self.slot(self.inline as usize);
            self.head[slot] = run;
            self.inline += 1;
        } else {
            self.make_room();
            self.rest.push_back(run);
        }
    }

    /// Adds `run` (at least one record) as the oldest; when `head` is full, its newest
    /// run moves to the front of `rest`.
    pub(super) fn push_front(&mut self, run: Run) {
        debug_assert!(run.count > 0, "an empty run");
        let slot = (self.start as usize + INLINE - 1) & (INLINE - 1);
        if self.inline as usize == INLINE {
            self.make_room();
            self.rest.push_front(self.head[slot]);
        } else {
            self.inline += 1;
        }
        self.head[slot] = run;
        self.start = slot as u32;
    }

    /// Grows a full long buffer by [`SLOW_GROWTH`] runs rather than doubling it.
    fn make_room(&mut self) {
        if self.rest.len() == self.rest.capacity() && self.rest.len() >= SLOW_GROWTH_FROM {
            self.rest.reserve_exact(SLOW_GROWTH);
        }
    }

    /// Removes the `n` oldest runs (at most [`RunQueue::len`]); the buffer is kept.
    pub(super) fn drop_front(&mut self, n: usize) {
        for _ in 0..n {
            self.pop_front();
        }
    }

    /// The runs from run `i` on (0 is the oldest), oldest first.
    pub(super) fn iter_from(&self, i: usize) -> impl Iterator<Item = &Run> {
        let inline = self.inline as usize;
        (i.min(inline)..inline)
            .map(|j| &self.head[self.slot(j)])
            .chain(
                self.rest
                    .range(i.saturating_sub(INLINE).min(self.rest.len())..),
            )
    }

    /// The runs, oldest first.
    pub(super) fn iter(&self) -> impl Iterator<Item = &Run> {
        self.iter_from(0)
    }

    /// Merges neighbouring runs of the `n` oldest (at most [`RunQueue::len`]) in pairs
    /// (counts and bytes kept exactly; the first and last arrival times are the
    /// pair's), in place so the buffer keeps its allocation; the runs behind them move
    /// up unchanged. Returns how many runs the `n` became.
    pub(super) fn coalesce_front_pairs(&mut self, n: usize) -> usize {
        let len = self.len();
        debug_assert!(n <= len);
        let merged = n.div_ceil(2);
        // Pair `j` reads runs 2j and 2j + 1 and is written to run j, never past what is
        // still to be read; then run `n + m` moves to `merged + m`.
        for j in 0..merged {
            let first = *self.get_mut(2 * j);
            let run = if 2 * j + 1 < n {
                let next = *self.get_mut(2 * j + 1);
                Run {
                    count: first.count + next.count,
                    bytes: first.bytes + next.bytes,
                    first: first.first,
                    last: next.last,
                }
            } else {
                first
            };
            *self.get_mut(j) = run;
        }
        for m in 0..len - n {
            *self.get_mut(merged + m) = *self.get_mut(n + m);
        }
        let keep = len - (n - merged);
        self.truncate(keep);
        merged
    }

    /// Keeps the `keep` oldest runs (at least one when the queue holds any).
    fn truncate(&mut self, keep: usize) {
        if keep >= INLINE {
            self.rest.truncate(keep - INLINE);
        } else {
            self.rest.clear();
            self.inline = keep.min(self.inline as usize) as u32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::SimTime;

    fn run(count: u64, at: u64) -> Run {
        Run {
            count,
            bytes: 10 * count,
            first: SimTime(at),
            last: SimTime(at + count - 1),
        }
    }

    #[test]
    fn behaves_as_a_deque_whatever_is_inline() {
        let mut queue = RunQueue::new();
        let mut model = VecDeque::new();
        assert_eq!((queue.len(), queue.front()), (0, None));
        for step in 0..300u64 {
            let r = run(1 + step % 3, step * 10);
            match step % 7 {
                0 | 1 | 5 => {
                    queue.push_back(r);
                    model.push_back(r);
                }
                2 => {
                    queue.push_front(r);
                    model.push_front(r);
                }
                3 => assert_eq!(queue.pop_front(), model.pop_front()),
                4 if step % 2 == 0 => {
                    let n = model.len().min(2);
                    queue.drop_front(n);
                    model.drain(..n);
                }
                _ => {
                    if let (Some(a), Some(b)) = (queue.front_mut(), model.front_mut()) {
                        a.count += 1;
                        b.count += 1;
                    }
                }
            }
            assert_eq!(queue.len(), model.len());
            assert_eq!(queue.front(), model.front());
            assert!(queue.iter().eq(model.iter()));
            for i in 0..=model.len() + 1 {
                assert_eq!(queue.get(i), model.get(i), "run {i}");
                assert!(queue.iter_from(i).eq(model.iter().skip(i)), "from {i}");
            }
        }
        let len = queue.len();
        queue.drop_front(len);
        assert!(queue.is_empty() && queue.pop_front().is_none());
    }

    #[test]
    fn coalescing_merges_the_front_pairs_in_order_and_keeps_the_rest() {
        for len in 0..8u64 {
            for n in 0..=len {
                let mut queue = RunQueue::new();
                for i in 0..len {
                    queue.push_back(run(i + 1, 100 * i));
                }
                let merged_len = queue.coalesce_front_pairs(n as usize);
                let merged: Vec<(u64, u64, u64)> = queue
                    .iter()
                    .map(|r| (r.count, r.first.0, r.last.0))
                    .collect();
                let mut expected: Vec<(u64, u64, u64)> = (0..n)
                    .step_by(2)
                    .map(|i| {
                        let j = (i + 1).min(n - 1);
                        let count = if j > i { i + 1 + j + 1 } else { i + 1 };
                        (count, 100 * i, 100 * j + j)
                    })
                    .collect();
                assert_eq!(merged_len, expected.len(), "{len} runs, {n} merged");
                expected.extend((n..len).map(|i| (i + 1, 100 * i, 100 * i + i)));
                assert_eq!(merged, expected, "{len} runs, {n} merged");
                let bytes: u64 = queue.iter().map(|r| r.bytes).sum();
                assert_eq!(bytes, 10 * (1..=len).sum::<u64>());
            }
        }
    }

    #[test]
    fn a_long_buffer_grows_slowly() {
        let mut queue = RunQueue::new();
        for i in 0..SLOW_GROWTH_FROM as u64 + 2 * INLINE as u64 + 10 {
            queue.push_back(run(1, i));
        }
        let capacity = queue.rest.capacity();
        assert!(
            capacity < SLOW_GROWTH_FROM + 2 * SLOW_GROWTH,
            "{capacity} runs of room"
        );
    }
}
