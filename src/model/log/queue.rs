//! A partition's queue of runs, oldest first, with its front run kept inline.
//!
//! Most partitions hold one run or none in each of their queues between two looks (a
//! sparse partition's next arrival, or what arrived since its last batch), so the front
//! run lives in the partition itself and only the runs behind it in a heap buffer: a
//! pass over many partitions reads their front runs without a cache miss on a separate
//! allocation per partition.

use std::collections::VecDeque;

use crate::model::log::Run;

/// The front of an empty queue (a run holds at least one record).
const EMPTY: Run = Run {
    count: 0,
    bytes: 0,
    first: crate::engine::time::SimTime::ZERO,
    last: crate::engine::time::SimTime::ZERO,
};

/// Runs, oldest first: the front inline, the others in `rest`.
#[derive(Debug)]
pub(super) struct RunQueue {
    /// The oldest run; [`EMPTY`] (no record) when the queue is empty.
    front: Run,
    /// The runs behind the front, oldest first; empty when the queue is.
    rest: VecDeque<Run>,
}

impl RunQueue {
    /// An empty queue.
    pub(super) fn new() -> Self {
        RunQueue {
            front: EMPTY,
            rest: VecDeque::new(),
        }
    }

    /// Whether the queue holds no run.
    pub(super) fn is_empty(&self) -> bool {
        self.front.count == 0
    }

    /// Runs in the queue.
    pub(super) fn len(&self) -> usize {
        if self.is_empty() {
            0
        } else {
            1 + self.rest.len()
        }
    }

    /// The oldest run.
    pub(super) fn front(&self) -> Option<&Run> {
        (!self.is_empty()).then_some(&self.front)
    }

    /// The oldest run, to split it.
    pub(super) fn front_mut(&mut self) -> Option<&mut Run> {
        (!self.is_empty()).then_some(&mut self.front)
    }

    /// Removes the oldest run.
    pub(super) fn pop_front(&mut self) -> Option<Run> {
        if self.is_empty() {
            return None;
        }
        let next = self.rest.pop_front().unwrap_or(EMPTY);
        Some(std::mem::replace(&mut self.front, next))
    }

    /// Adds `run` (at least one record) as the newest.
    pub(super) fn push_back(&mut self, run: Run) {
        debug_assert!(run.count > 0, "an empty run");
        if self.is_empty() {
            self.front = run;
        } else {
            self.rest.push_back(run);
        }
    }

    /// Adds `run` (at least one record) as the oldest.
    pub(super) fn push_front(&mut self, run: Run) {
        debug_assert!(run.count > 0, "an empty run");
        if !self.is_empty() {
            self.rest.push_front(self.front);
        }
        self.front = run;
    }

    /// Removes every run (the buffer is kept).
    pub(super) fn clear(&mut self) {
        self.front = EMPTY;
        self.rest.clear();
    }

    /// The runs, oldest first.
    pub(super) fn iter(&self) -> impl Iterator<Item = &Run> {
        self.front().into_iter().chain(self.rest.iter())
    }

    /// Makes room for exactly `additional` more runs behind the front, instead of the
    /// doubling a push would do.
    pub(super) fn reserve_exact(&mut self, additional: usize) {
        self.rest.reserve_exact(additional);
    }

    /// Merges neighbouring runs in pairs (counts and bytes kept exactly; the first and
    /// last arrival times are the pair's), in place so the buffer keeps its allocation.
    pub(super) fn coalesce_pairs(&mut self) {
        let len = self.len();
        if len < 2 {
            return;
        }
        let runs = self.rest.make_contiguous();
        // Run `i` of the queue: the front, then `runs[i - 1]`. Pair `j` reads runs 2j
        // and 2j + 1 and is written to run j, never past what is still to be read.
        let at = |front: &Run, runs: &[Run], i: usize| if i == 0 { *front } else { runs[i - 1] };
        let merged = len.div_ceil(2);
        for j in 0..merged {
            let first = at(&self.front, runs, 2 * j);
            let run = if 2 * j + 1 < len {
                let next = at(&self.front, runs, 2 * j + 1);
                Run {
                    count: first.count + next.count,
                    bytes: first.bytes + next.bytes,
                    first: first.first,
                    last: next.last,
                }
            } else {
                first
            };
            if j == 0 {
                self.front = run;
            } else {
                runs[j - 1] = run;
            }
        }
        self.rest.truncate(merged - 1);
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
        for step in 0..200u64 {
            let r = run(1 + step % 3, step * 10);
            match step % 5 {
                0 | 1 => {
                    queue.push_back(r);
                    model.push_back(r);
                }
                2 => {
                    queue.push_front(r);
                    model.push_front(r);
                }
                3 => assert_eq!(queue.pop_front(), model.pop_front()),
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
        }
        queue.clear();
        assert!(queue.is_empty() && queue.pop_front().is_none());
    }

    #[test]
    fn coalescing_merges_pairs_in_order_and_keeps_the_totals() {
        for len in 0..7u64 {
            let mut queue = RunQueue::new();
            for i in 0..len {
                queue.push_back(run(i + 1, 100 * i));
            }
            queue.coalesce_pairs();
            let merged: Vec<(u64, u64, u64)> = queue
                .iter()
                .map(|r| (r.count, r.first.0, r.last.0))
                .collect();
            let expected: Vec<(u64, u64, u64)> = (0..len)
                .step_by(2)
                .map(|i| {
                    let j = (i + 1).min(len - 1);
                    let count = if j > i { i + 1 + j + 1 } else { i + 1 };
                    (count, 100 * i, 100 * j + j)
                })
                .collect();
            assert_eq!(merged, expected, "{len} runs");
            let bytes: u64 = queue.iter().map(|r| r.bytes).sum();
            assert_eq!(bytes, 10 * (1..=len).sum::<u64>());
        }
    }
}
