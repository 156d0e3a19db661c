//! The event source mapping's structure: pollers, processors, partition assignment and
//! batch building.
//!
//! Partitions are spread over pollers by a range assignor (poller `i` gets a contiguous
//! block, the first `partitions % pollers` pollers one more). Each poller splits its
//! partitions over at most `max_concurrent_invokes` processors the same way. A processor
//! owns its partitions: it invokes one batch at a time, so each partition has at most
//! one batch in flight and its records are invoked in order; a batch may hold records of
//! several partitions of the same processor.

use crate::engine::time::{SimDuration, SimTime};
use crate::model::log::{Partition, Run};
use crate::scenario::Esm;

/// One processor of the current assignment.
#[derive(Clone, Debug)]
pub struct Processor {
    /// Index of the poller it belongs to.
    pub poller: u32,
    /// Partitions it owns, in increasing order.
    pub partitions: Vec<u32>,
    /// Whether its batch is in flight.
    pub busy: bool,
    /// When the current batching window ends.
    pub window_deadline: SimTime,
    /// Token of the only wake-up event that is still valid.
    pub wake_token: u64,
}

/// Splits `items` into `groups` contiguous blocks, the first `items % groups` one larger.
fn range_blocks(items: u32, groups: u32) -> impl Iterator<Item = std::ops::Range<u32>> {
    let base = items / groups;
    let extra = items % groups;
    (0..groups).scan(0, move |start, g| {
        let len = base + u32::from(g < extra);
        let block = *start..*start + len;
        *start += len;
        Some(block)
    })
}

/// The processors of `pollers` pollers over `partitions` partitions (range assignor),
/// each poller with at most `per_poller` processors.
pub fn assign(
    partitions: u32,
    pollers: u32,
    per_poller: u32,
    window_start: SimTime,
) -> Vec<Processor> {
    let pollers = pollers.clamp(1, partitions);
    let mut processors = Vec::new();
    for (poller, block) in range_blocks(partitions, pollers).enumerate() {
        let count = block.len() as u32;
        for sub in range_blocks(count, per_poller.min(count)) {
            processors.push(Processor {
                poller: poller as u32,
                partitions: (block.start + sub.start..block.start + sub.end).collect(),
                busy: false,
                window_deadline: window_start,
                wake_token: 0,
            });
        }
    }
    processors
}

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

/// Limits that close a batch.
#[derive(Clone, Copy, Debug)]
pub struct BatchLimits {
    /// Most records per batch.
    pub batch_size: u64,
    /// Invocation payload limit in bytes.
    pub max_payload: u64,
    /// Payload bytes per raw record byte.
    pub encoding_factor: f64,
    /// Payload bytes added per record.
    pub record_overhead: u64,
}

impl BatchLimits {
    /// The limits configured for the ESM.
    pub fn new(esm: &Esm) -> Self {
        BatchLimits {
            batch_size: esm.batch_size as u64,
            max_payload: esm.max_payload_bytes,
            encoding_factor: esm.payload_encoding_factor,
            record_overhead: esm.record_overhead_bytes,
        }
    }

    /// Payload bytes of `count` records with `bytes` raw bytes in total.
    pub fn payload(&self, count: u64, bytes: u64) -> u64 {
        (bytes as f64 * self.encoding_factor).ceil() as u64 + count * self.record_overhead
    }

    /// Whether `count` records of `bytes` raw bytes fill a batch.
    pub fn is_full(&self, count: u64, bytes: u64) -> bool {
        count >= self.batch_size || self.payload_full(count, bytes)
    }

    /// Whether `count` records of `bytes` raw bytes reach the payload limit.
    pub fn payload_full(&self, count: u64, bytes: u64) -> bool {
        self.payload(count, bytes) >= self.max_payload
    }
}

/// The arrival time of the record that fills a batch, given `count` records of `bytes`
/// raw bytes already waiting and the future runs of one arrival bucket (`group`), which
/// do fill it by `deadline`; `at_deadline` is the records and bytes (waiting plus
/// `group`'s) arrived by then, which the caller has already summed. Equal to the least time `t` at which the waiting records
/// plus those of `group` arrived by `t` are full, but found without bisecting on time:
/// the batch fills when some record arrives, so each run is searched (on the record
/// index, first trying the record that completes the batch size on its own) for its
/// first record whose arrival fills the batch, and the earliest of those wins.
pub fn first_full_time(
    group: &[Run],
    count: u64,
    bytes: u64,
    at_deadline: (u64, u64),
    limits: &BatchLimits,
    deadline: SimTime,
) -> SimTime {
    // The payload only needs checking if it is reached by the deadline.
    let payload_matters = limits.payload_full(at_deadline.0, at_deadline.1);
    let full_at = |t: SimTime| {
        let c: u64 = group.iter().map(|run| run.arrived_by(t)).sum();
        if count + c >= limits.batch_size {
            return true;
        }
        payload_matters && {
            let b: u64 = group.iter().map(|run| run.arrived_with_bytes_by(t).1).sum();
            limits.payload_full(count + c, bytes + b)
        }
    };
    let mut earliest = deadline;
    for run in group {
        // Records before `from` do not fill the batch; record `to` does (or none of the
        // run does when `to == run.count`).
        let (mut from, mut to) = (0, run.count);
        let guess = limits.batch_size.saturating_sub(count + 1);
        if guess < run.count {
            if full_at(run.arrival_step(guess)) {
                to = guess;
            } else {
                from = guess + 1;
            }
        }
        while from < to {
            let mid = from + (to - from) / 2;
            if full_at(run.arrival_step(mid)) {
                to = mid;
            } else {
                from = mid + 1;
            }
        }
        if to < run.count {
            earliest = earliest.min(run.arrival_step(to));
        }
    }
    earliest
}

/// The records of one partition in a batch.
#[derive(Clone, Copy, Debug)]
pub struct BatchPart {
    /// The partition.
    pub partition: u32,
    /// Number of records.
    pub records: u64,
    /// Arrival time of its oldest record.
    pub oldest: SimTime,
}

/// A batch handed to one invocation. Cleared and refilled by [`build_batch`], so one
/// value can be reused for many invocations without allocating.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    /// Records per partition, in the order the partitions joined the batch.
    pub parts: Vec<BatchPart>,
    /// The runs taken, in the order they were taken (oldest record first), each with
    /// its partition; the runs of one partition are in offset order.
    pub runs: Vec<(u32, Run)>,
    /// Records in total.
    pub records: u64,
    /// Raw record bytes in total.
    pub bytes: u64,
}

impl Batch {
    /// The runs of `partition`, in offset order.
    pub fn runs_of(&self, partition: u32) -> impl DoubleEndedIterator<Item = &Run> {
        self.runs
            .iter()
            .filter(move |(p, _)| *p == partition)
            .map(|(_, run)| run)
    }
}

/// Fills `batch` (cleared first) from the ready records of `eligible` partitions, oldest
/// record first, until the batch size or the payload limit is reached. A record too
/// large for the payload on its own is sent alone.
pub fn build_batch(
    partitions: &mut [Partition],
    eligible: &[u32],
    limits: &BatchLimits,
    batch: &mut Batch,
) {
    batch.parts.clear();
    batch.runs.clear();
    batch.records = 0;
    batch.bytes = 0;
    let mut payload = 0u64;
    while batch.records < limits.batch_size {
        let oldest = eligible
            .iter()
            .filter_map(|&p| partitions[p as usize].oldest_ready().map(|t| (t, p)))
            .min();
        let Some((_, p)) = oldest else { break };
        let partition = &mut partitions[p as usize];
        let run = *partition
            .front_ready()
            .expect("partition has a ready record");
        let per_record = limits.payload(1, run.bytes.div_ceil(run.count)).max(1);
        let fit = limits.max_payload.saturating_sub(payload) / per_record;
        let k = run.count.min(limits.batch_size - batch.records).min(fit);
        let k = if k == 0 && batch.records == 0 { 1 } else { k };
        if k == 0 {
            break;
        }
        let taken = partition.take_front(k);
        payload += limits.payload(taken.count, taken.bytes);
        batch.records += taken.count;
        batch.bytes += taken.bytes;
        batch.runs.push((p, taken));
        match batch.parts.iter_mut().find(|part| part.partition == p) {
            Some(part) => part.records += taken.count,
            None => batch.parts.push(BatchPart {
                partition: p,
                records: taken.count,
                oldest: taken.first,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(processors: &[Processor]) -> Vec<(u32, Vec<u32>)> {
        processors
            .iter()
            .map(|p| (p.poller, p.partitions.clone()))
            .collect()
    }

    #[test]
    fn range_assignment_with_five_processors_per_poller() {
        let one = assign(7, 1, 5, SimTime::ZERO);
        assert_eq!(
            owned(&one),
            vec![
                (0, vec![0, 1]),
                (0, vec![2, 3]),
                (0, vec![4]),
                (0, vec![5]),
                (0, vec![6])
            ]
        );
        let two = assign(5, 2, 5, SimTime::ZERO);
        assert_eq!(
            owned(&two),
            vec![
                (0, vec![0]),
                (0, vec![1]),
                (0, vec![2]),
                (1, vec![3]),
                (1, vec![4])
            ]
        );
        // Never more pollers than partitions.
        assert_eq!(assign(3, 10, 5, SimTime::ZERO).len(), 3);
    }

    #[test]
    fn bandwidth_allows_one_second_of_burst_then_paces() {
        let mut bw = Bandwidth::default();
        let now = SimTime::ZERO;
        assert_eq!(bw.ready_at(now), now);
        bw.consume(now, 10_000_000, 5_000_000); // two seconds of bandwidth
        assert_eq!(bw.ready_at(now), SimTime(1_000_000_000));
    }

    /// Bisection on time: the definition [`first_full_time`] must agree with.
    fn first_full_time_by_bisection(
        group: &[Run],
        count: u64,
        bytes: u64,
        limits: &BatchLimits,
        after: SimTime,
        deadline: SimTime,
    ) -> SimTime {
        let full_at = |t: SimTime| {
            let (c, b) = group.iter().fold((count, bytes), |(c, b), run| {
                let (rc, rb) = run.arrived_with_bytes_by(t);
                (c + rc, b + rb)
            });
            limits.is_full(c, b)
        };
        let (mut lo, mut hi) = (after.0, deadline.0);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if full_at(SimTime(mid)) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        SimTime(hi)
    }

    proptest::proptest! {
        /// Overlapping runs of one bucket, batch size or payload deciding.
        #[test]
        fn first_full_time_agrees_with_bisection_on_time(
            runs in proptest::collection::vec((1u64..60, 1u64..100_000_000, 0u64..5_000, 1u64..3_000), 1..6),
            count in 0u64..120,
            batch_size in 1u64..150,
            max_payload in 10_000u64..400_000,
        ) {
            let start = 1_000_000_000u64;
            let group: Vec<Run> = runs
                .iter()
                .map(|&(n, span, offset, size)| Run {
                    count: n,
                    bytes: n * size,
                    first: SimTime(start + offset),
                    last: SimTime(start + offset + if n == 1 { 0 } else { span }),
                })
                .collect();
            let limits = BatchLimits { batch_size, max_payload, encoding_factor: 4.0 / 3.0, record_overhead: 200 };
            let bytes = count * 500;
            let deadline = SimTime(start + 200_000_000);
            let (gc, gb) = group.iter().fold((count, bytes), |(c, b), run| {
                let (rc, rb) = run.arrived_with_bytes_by(deadline);
                (c + rc, b + rb)
            });
            proptest::prop_assume!(!limits.is_full(count, bytes) && limits.is_full(gc, gb));
            let expected = first_full_time_by_bisection(&group, count, bytes, &limits, SimTime(start - 1), deadline);
            proptest::prop_assert_eq!(first_full_time(&group, count, bytes, (gc, gb), &limits, deadline), expected);
        }
    }

    #[test]
    fn payload_counts_encoding_and_overhead() {
        let limits = BatchLimits {
            batch_size: 100,
            max_payload: 6_291_456,
            encoding_factor: 4.0 / 3.0,
            record_overhead: 200,
        };
        assert_eq!(limits.payload(3, 3000), 4000 + 600);
        assert!(limits.is_full(100, 0));
        assert!(limits.is_full(1, 4_718_592));
        assert!(!limits.is_full(99, 1000));
    }
}
