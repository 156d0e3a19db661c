//! The event queue: a binary heap ordered by `(time, seq)`.
//!
//! # Ordering contract
//!
//! Events pop in increasing time; events scheduled for the same time pop in the order
//! they were scheduled (first in, first out), because every push takes the next value
//! of a monotone sequence counter as a tie-breaker. Nothing else (memory addresses,
//! hash order, thread timing) can influence the order, which is what makes a run
//! reproducible. Scheduling into the past is an error ([`QueueError::BackInTime`]).
//!
//! Cancellation is left to the caller (events carry a token and stale ones are
//! ignored when they pop), so the heap is never searched.
//!
//! A popped event stays at the top of the heap, marked taken, until the next event is
//! scheduled, which takes its place with one sift down: handling an event nearly always
//! schedules the next one (an invocation's end, a processor's next look), and a pop
//! followed by a push would sift twice. When nothing replaces it, the next look at the
//! queue removes it. Keys are unique, so the order of pops is the one a plain heap gives.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::time::SimTime;

/// An error raised by the queue.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum QueueError {
    /// An event was scheduled before the current time; this is a bug in the model.
    #[error("event scheduled at {at} but the simulation is already at {now}")]
    BackInTime {
        /// The requested time.
        at: SimTime,
        /// The current time.
        now: SimTime,
    },
}

/// An event with its `(time, seq)` key packed into one integer, time in the high half, so
/// that ordering entries is one 128-bit comparison.
struct Entry<E> {
    key: u128,
    event: E,
}

impl<E> Entry<E> {
    fn key(time: SimTime, seq: u64) -> u128 {
        (u128::from(time.0) << 64) | u128::from(seq)
    }

    fn time(&self) -> SimTime {
        SimTime((self.key >> 64) as u64)
    }
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl<E> Eq for Entry<E> {}

impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for Entry<E> {
    /// Reversed so that `BinaryHeap` (a max-heap) pops the earliest `(time, seq)`.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

/// A priority queue of events keyed by `(time, seq)`.
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    /// Whether the heap's top was popped already (see the module documentation).
    top_taken: bool,
    next_seq: u64,
    now: SimTime,
    popped: u64,
}

impl<E: Copy> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> EventQueue<E> {
    /// An empty queue at time zero.
    pub fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            top_taken: false,
            next_seq: 0,
            now: SimTime::ZERO,
            popped: 0,
        }
    }

    /// The time of the last popped event (zero before the first pop).
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// How many events have been popped so far.
    pub fn popped(&self) -> u64 {
        self.popped
    }

    /// Schedules `event` at `time`, after every event already scheduled at that time.
    pub fn schedule(&mut self, time: SimTime, event: E) -> Result<(), QueueError> {
        if time < self.now {
            return Err(QueueError::BackInTime {
                at: time,
                now: self.now,
            });
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        let entry = Entry {
            key: Entry::<E>::key(time, seq),
            event,
        };
        if std::mem::take(&mut self.top_taken)
            && let Some(mut top) = self.heap.peek_mut()
        {
            // Dropping the `PeekMut` sifts the new entry down from the root.
            *top = entry;
            return Ok(());
        }
        self.heap.push(entry);
        Ok(())
    }

    /// Removes the taken top, if any, so the heap's top is the next event.
    fn drop_taken(&mut self) {
        if self.top_taken {
            self.heap.pop();
            self.top_taken = false;
        }
    }

    /// The time of the next event, if any.
    pub fn peek_time(&mut self) -> Option<SimTime> {
        self.drop_taken();
        self.heap.peek().map(Entry::time)
    }

    /// Removes and returns the next event and advances the clock to its time.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.drop_taken();
        let entry = self.heap.peek()?;
        let (time, event) = (entry.time(), entry.event);
        self.top_taken = true;
        self.now = time;
        self.popped += 1;
        Some((time, event))
    }

    /// Advances the clock without an event (used for samples taken between events).
    /// Never moves the clock backwards.
    pub fn advance_to(&mut self, time: SimTime) {
        self.now = self.now.max(time);
    }

    /// Number of events waiting.
    pub fn len(&self) -> usize {
        self.heap.len() - usize::from(self.top_taken)
    }

    /// Whether no event is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    #[test]
    fn equal_times_pop_in_scheduling_order() {
        let mut q = EventQueue::new();
        for i in 0..10 {
            q.schedule(SimTime(5), i).unwrap();
        }
        q.schedule(SimTime(1), 99).unwrap();
        assert_eq!(q.pop(), Some((SimTime(1), 99)));
        let rest: Vec<i32> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(rest, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn scheduling_into_the_past_is_an_error() {
        let mut q = EventQueue::new();
        q.schedule(SimTime(10), ()).unwrap();
        q.pop();
        assert_eq!(
            q.schedule(SimTime(9), ()),
            Err(QueueError::BackInTime {
                at: SimTime(9),
                now: SimTime(10)
            })
        );
        assert!(q.schedule(SimTime(10), ()).is_ok());
    }

    proptest! {
        /// The heap behaves exactly like a `BTreeMap<(time, seq), _>` shadow model under
        /// any interleaving of pushes (at or after the current time) and pops, whether a
        /// push replaces a popped top or not.
        #[test]
        fn matches_an_ordered_map(ops in proptest::collection::vec((0u8..3, 0u64..50), 1..400)) {
            let mut q = EventQueue::new();
            let mut shadow = BTreeMap::new();
            let mut seq = 0u64;
            for (op, dt) in ops {
                match op {
                    0 => {
                        let t = SimTime(q.now().0 + dt);
                        q.schedule(t, seq).unwrap();
                        shadow.insert((t, seq), seq);
                        seq += 1;
                    }
                    1 => {
                        let expected = shadow.pop_first().map(|((t, _), v)| (t, v));
                        prop_assert_eq!(q.pop(), expected);
                    }
                    _ => {
                        let expected = shadow.first_key_value().map(|(&(t, _), _)| t);
                        prop_assert_eq!(q.peek_time(), expected);
                    }
                }
                // A popped event waiting at the top to be replaced is not counted.
                prop_assert_eq!(q.len(), shadow.len());
                prop_assert_eq!(q.is_empty(), shadow.is_empty());
            }
        }
    }
}
