//! A partition's queue of runs, oldest first, with its front run kept inline.
//!
//! Most partitions hold one run or none in each of their queues between two looks (a
//! sparse partition's next arrival, or what arrived since its last batch), so the front
//! run lives in the partition itself and only the runs behind it in a heap buffer: a
//! pass over many partitions reads their front runs without a cache miss on a separate
//! allocation per partition. The runs behind it live in a buffer allocated the first
//! time a second run waits, so an empty tail costs the partition one pointer and a count
//! (kept inline, so that a queue of one run never reads the buffer).

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
    /// The runs behind the front, oldest first; empty when the queue is. `None` until
    /// a second run first waits.
    #[expect(
        clippy::box_collection,
        reason = "one pointer in the partition instead of a 32-byte deque header: 100,000 \
                  partitions must fit in the cache, and most never hold a second run"
    )]
    rest: Option<Box<VecDeque<Run>>>,
    /// Runs in `rest`.
    behind: u32,
}

impl RunQueue {
    /// An empty queue.
    pub(super) fn new() -> Self {
        RunQueue {
            front: EMPTY,
            rest: None,
            behind: 0,
        }
    }

    /// The buffer behind the front, allocated on first use.
    fn rest_mut(&mut self) -> &mut VecDeque<Run> {
        self.rest.get_or_insert_with(Box::default)
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
            1 + self.behind as usize
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
        let next = match self.rest.as_mut().filter(|_| self.behind > 0) {
            Some(rest) => {
                self.behind -= 1;
                rest.pop_front()
                    .expect("`behind` counts the runs in `rest`")
            }
            None => EMPTY,
        };
        Some(std::mem::replace(&mut self.front, next))
    }

    /// Adds `run` (at least one record) as the newest.
    pub(super) fn push_back(&mut self, run: Run) {
        debug_assert!(run.count > 0, "an empty run");
        if self.is_empty() {
            self.front = run;
        } else {
            self.rest_mut().push_back(run);
            self.behind += 1;
        }
    }

    /// Adds `run` (at least one record) as the oldest.
    pub(super) fn push_front(&mut self, run: Run) {
        debug_assert!(run.count > 0, "an empty run");
        if !self.is_empty() {
            let front = self.front;
            self.rest_mut().push_front(front);
            self.behind += 1;
        }
        self.front = run;
    }

    /// Removes every run (the buffer is kept).
    pub(super) fn clear(&mut self) {
        self.front = EMPTY;
        if let Some(rest) = &mut self.rest {
            rest.clear();
        }
        self.behind = 0;
    }

    /// The runs, oldest first.
    pub(super) fn iter(&self) -> impl Iterator<Item = &Run> {
        let rest = self.rest.as_deref().filter(|_| self.behind > 0);
        self.front()
            .into_iter()
            .chain(rest.into_iter().flat_map(|rest| rest.iter()))
    }

    /// Makes room for exactly `additional` more runs behind the front, instead of the
    /// doubling a push would do.
    pub(super) fn reserve_exact(&mut self, additional: usize) {
        self.rest_mut().reserve_exact(additional);
    }

    /// Merges neighbouring runs in pairs (counts and bytes kept exactly; the first and
    /// last arrival times are the pair's), in place so the buffer keeps its allocation.
    pub(super) fn coalesce_pairs(&mut self) {
        let len = self.len();
        let Some(rest) = self.rest.as_deref_mut().filter(|_| len >= 2) else {
            return;
        };
        let runs = rest.make_contiguous();
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
        rest.truncate(merged - 1);
        self.behind = (merged - 1) as u32;
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
