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
        let k = records_that_fit(&run, batch, limits);
        let k = if k == 0 && batch.records == 0 { 1 } else { k };
        if k == 0 {
            break;
        }
        let taken = partition.take_front(k);
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

/// How many records from the front of `run` can join `batch`: at most the batch size,
/// and as many as keep the whole batch's payload (rounded once, as
/// [`BatchLimits::payload`] does) within the limit.
fn records_that_fit(run: &Run, batch: &Batch, limits: &BatchLimits) -> u64 {
    let fits = |k: u64| {
        let payload = limits.payload(batch.records + k, batch.bytes + run.front_bytes(k));
        payload <= limits.max_payload
    };
    let room = run.count.min(limits.batch_size - batch.records);
    if fits(room) {
        return room;
    }
    // The payload grows with k: the largest k in [0, room) that fits, or 0 if none does
    // (a batch already over the limit: an oversized record sent alone).
    let (mut fit, mut over) = (0, room);
    while over - fit > 1 {
        let mid = fit + (over - fit) / 2;
        if fits(mid) {
            fit = mid;
        } else {
            over = mid;
        }
    }
    fit
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

    #[test]
    fn bandwidth_idle_time_banks_no_credit_beyond_the_burst() {
        let secs = |s: f64| SimTime::from_secs_f64(s);
        let rate = 5_000_000; // 5 MB/s: 2.5 MB costs 0.5 s, 5 MB costs 1 s.
        let mut bw = Bandwidth::default();
        // 7.5 MB at t = 0: paid for at 1.5 s, so the next batch may start at 0.5 s.
        bw.consume(SimTime::ZERO, 7_500_000, rate);
        assert_eq!(bw.ready_at(SimTime::ZERO), secs(0.5));
        assert_eq!(bw.ready_at(secs(0.7)), secs(0.7));
        // Idle until t = 10 s: ready at once, and the 8.5 s of idle time are not credit.
        let t = secs(10.0);
        assert_eq!(bw.ready_at(t), t);
        // Two 2.5 MB batches at 10 s reach exactly one second of debt: still allowed.
        bw.consume(t, 2_500_000, rate);
        assert_eq!(bw.ready_at(t), t);
        bw.consume(t, 2_500_000, rate);
        assert_eq!(bw.ready_at(t), t);
        // A third is 1.5 s in debt: the next waits 0.5 s (with banked credit it would not).
        bw.consume(t, 2_500_000, rate);
        assert_eq!(bw.ready_at(t), secs(10.5));
        // From then on batches are paced at the bandwidth.
        bw.consume(secs(10.5), 2_500_000, rate);
        assert_eq!(bw.ready_at(secs(10.5)), secs(11.0));
        bw.consume(secs(11.0), 5_000_000, rate);
        assert_eq!(bw.ready_at(secs(11.0)), secs(12.0));
        assert_eq!(bw.ready_at(secs(11.9)), secs(12.0));
        bw.consume(secs(12.0), 5_000_000, rate);
        assert_eq!(bw.ready_at(secs(12.0)), secs(13.0));
        // Starting 0.4 s late while still in debt loses nothing: paid for at 15 s.
        bw.consume(secs(13.4), 5_000_000, rate);
        assert_eq!(bw.ready_at(secs(13.4)), secs(14.0));
        // Half a second idle after that (to 15.5 s) is not credit either: one 5 MB batch
        // at once, the next one second later.
        bw.consume(secs(15.5), 5_000_000, rate);
        assert_eq!(bw.ready_at(secs(15.5)), secs(15.5));
        bw.consume(secs(15.5), 5_000_000, rate);
        assert_eq!(bw.ready_at(secs(15.5)), secs(16.5));
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

    const SCENARIO: &str = "\
name: batches
duration: 10m
topic:
  partitions: 3
producer:
  rate:
    - constant: 1
function:
  duration:
    per_record: 1ms
";

    /// The batch limits of [`SCENARIO`] with `esm` (YAML lines under `esm:`) added.
    fn limits_with(esm: &str) -> BatchLimits {
        let text = format!("{SCENARIO}esm:\n{esm}");
        let scenario = crate::scenario::from_yaml_str(&text, std::path::Path::new("."), &[])
            .expect("test scenario resolves");
        BatchLimits::new(&scenario.esm)
    }

    fn secs_f(s: f64) -> SimTime {
        SimTime::from_secs_f64(s)
    }

    /// Partitions with deterministic arrivals in 1 s buckets, constant 1 record/s times
    /// `shares[i]` for partition `i` (records of `sizes[i]` bytes), advanced to `now`.
    /// A partition with share `q` gets one run per second, `q` records arriving at
    /// `k + 1/q, k + 2/q, ..., k + 1` in second `k`.
    fn partitions(shares: &[f64], sizes: &[u64], now: SimTime) -> Vec<Partition> {
        use crate::model::traffic::{RateCurve, RecordSizer};
        use crate::scenario::{ArrivalProcess, RateShape, RecordSize};
        let curve = RateCurve::new(&[RateShape::Constant(1.0)]);
        shares
            .iter()
            .zip(sizes)
            .enumerate()
            .map(|(i, (&share, &size))| {
                let sizer = RecordSizer::new(&RecordSize::Fixed(size));
                let mut p = Partition::new(
                    1,
                    i as u32,
                    share,
                    ArrivalProcess::Deterministic,
                    SimDuration::from_secs(1),
                    0,
                    &sizer,
                );
                p.advance(now, &curve, &sizer);
                p
            })
            .collect()
    }

    fn run(count: u64, bytes: u64, first: f64, last: f64) -> Run {
        Run {
            count,
            bytes,
            first: secs_f(first),
            last: secs_f(last),
        }
    }

    fn parts(batch: &Batch) -> Vec<(u32, u64, SimTime)> {
        batch
            .parts
            .iter()
            .map(|p| (p.partition, p.records, p.oldest))
            .collect()
    }

    /// Partitions 0, 1, 2 at 2, 5 and 4 records/s, advanced to t = 2 s: ready runs
    /// p1 [0.2..1.0] ×5, p2 [0.25..1.0] ×4, p0 [0.5..1.0] ×2, then p1 [1.2..2.0] ×5,
    /// p2 [1.25..2.0] ×4, p0 [1.5..2.0] ×2 (22 records), in that order of first arrival.
    fn interleaved(size: u64) -> Vec<Partition> {
        partitions(&[2.0, 5.0, 4.0], &[size; 3], secs_f(2.0))
    }

    #[test]
    fn batch_takes_the_oldest_runs_across_partitions_up_to_the_batch_size() {
        let mut ps = interleaved(100);
        assert_eq!(
            ps.iter().map(Partition::ready_count).collect::<Vec<_>>(),
            vec![4, 10, 8]
        );
        let limits = limits_with("  batch_size: 13\n");
        let mut batch = Batch::default();
        build_batch(&mut ps, &[0, 1, 2], &limits, &mut batch);
        // 5 (p1) + 4 (p2) + 2 (p0) = 11, then 2 of p1's second run (split) = 13.
        assert_eq!(batch.records, 13);
        assert_eq!(batch.bytes, 1_300);
        assert_eq!(
            batch.runs,
            vec![
                (1, run(5, 500, 0.2, 1.0)),
                (2, run(4, 400, 0.25, 1.0)),
                (0, run(2, 200, 0.5, 1.0)),
                (1, run(2, 200, 1.2, 1.4)),
            ]
        );
        assert_eq!(
            parts(&batch),
            vec![
                (1, 7, secs_f(0.2)),
                (2, 4, secs_f(0.25)),
                (0, 2, secs_f(0.5))
            ]
        );
        assert_eq!(
            batch.runs_of(1).copied().collect::<Vec<_>>(),
            vec![run(5, 500, 0.2, 1.0), run(2, 200, 1.2, 1.4)]
        );
        // The rest of the split run stays at the front of partition 1.
        assert_eq!(ps[1].front_ready(), Some(&run(3, 300, 1.6, 2.0)));
        assert_eq!(
            ps.iter().map(Partition::ready_count).collect::<Vec<_>>(),
            vec![2, 3, 4]
        );

        // The next batch (the same value, cleared) takes the remaining 9 records, oldest
        // run first, and stops when nothing is left.
        build_batch(&mut ps, &[0, 1, 2], &limits, &mut batch);
        assert_eq!(batch.records, 9);
        assert_eq!(batch.bytes, 900);
        assert_eq!(
            batch.runs,
            vec![
                (2, run(4, 400, 1.25, 2.0)),
                (0, run(2, 200, 1.5, 2.0)),
                (1, run(3, 300, 1.6, 2.0)),
            ]
        );
        assert_eq!(
            parts(&batch),
            vec![
                (2, 4, secs_f(1.25)),
                (0, 2, secs_f(1.5)),
                (1, 3, secs_f(1.6))
            ]
        );
        build_batch(&mut ps, &[0, 1, 2], &limits, &mut batch);
        assert_eq!((batch.records, batch.bytes), (0, 0));
        assert!(batch.parts.is_empty() && batch.runs.is_empty());
    }

    #[test]
    fn batch_only_takes_eligible_partitions() {
        let mut ps = interleaved(100);
        let limits = limits_with("  batch_size: 8\n");
        let mut batch = Batch::default();
        // Partition 1 (the oldest) is not eligible: p2's 4, p0's 2, then 2 of p2's next.
        build_batch(&mut ps, &[0, 2], &limits, &mut batch);
        assert_eq!(batch.records, 8);
        assert_eq!(
            batch.runs,
            vec![
                (2, run(4, 400, 0.25, 1.0)),
                (0, run(2, 200, 0.5, 1.0)),
                (2, run(2, 200, 1.25, 1.5)),
            ]
        );
        assert_eq!(
            parts(&batch),
            vec![(2, 6, secs_f(0.25)), (0, 2, secs_f(0.5))]
        );
        assert_eq!(ps[1].ready_count(), 10);
    }

    #[test]
    fn payload_limit_stops_the_batch_at_the_exact_record() {
        // 1,200-byte records: ceil(1,200 × 4/3) + 200 = 1,800 payload bytes each.
        let limits = limits_with("  max_payload: 16200\n");
        assert_eq!(limits.payload(1, 1_200), 1_800);
        assert_eq!(limits.payload(9, 10_800), 16_200);
        // p1's 5 records (9,000) and p2's 4 (16,200) reach the limit exactly: allowed.
        let mut ps = interleaved(1_200);
        let mut batch = Batch::default();
        build_batch(&mut ps, &[0, 1, 2], &limits, &mut batch);
        assert_eq!(batch.records, 9);
        assert_eq!(batch.bytes, 10_800);
        assert_eq!(
            batch.runs,
            vec![(1, run(5, 6_000, 0.2, 1.0)), (2, run(4, 4_800, 0.25, 1.0))]
        );

        // One byte less: only 3 of p2's run fit (9,000 + 3 × 1,800 = 14,400; a fourth
        // would make 16,200 > 16,199), and the run is split.
        let limits = limits_with("  max_payload: 16199\n");
        let mut ps = interleaved(1_200);
        build_batch(&mut ps, &[0, 1, 2], &limits, &mut batch);
        assert_eq!(batch.records, 8);
        assert_eq!(batch.bytes, 9_600);
        assert_eq!(
            batch.runs,
            vec![(1, run(5, 6_000, 0.2, 1.0)), (2, run(3, 3_600, 0.25, 0.75))]
        );
        assert_eq!(
            parts(&batch),
            vec![(1, 5, secs_f(0.2)), (2, 3, secs_f(0.25))]
        );
        assert_eq!(ps[2].front_ready(), Some(&run(1, 1_200, 1.0, 1.0)));
    }

    /// The payload of 3 records of 1,000 bytes is ceil(3,000 × 4/3) + 3 × 200 = 4,600,
    /// which does not exceed a 4,600-byte limit, so the batch should hold all 3.
    #[test]
    fn payload_limit_uses_the_rounding_of_the_whole_batch() {
        let limits = limits_with("  max_payload: 4600\n");
        assert_eq!(limits.payload(3, 3_000), 4_600);
        // Partition 0 at 3 records/s: one run of 3 records by t = 1 s.
        let mut ps = partitions(&[3.0], &[1_000], secs_f(1.0));
        let mut batch = Batch::default();
        build_batch(&mut ps, &[0], &limits, &mut batch);
        assert_eq!(batch.records, 3);
    }

    #[test]
    fn a_record_over_the_payload_limit_is_sent_alone() {
        // 1 KiB limit. p0: 100-byte records (334 payload bytes) at 0.5, 1.0, 1.5 s;
        // p1: a 1,000-byte record (1,534 payload bytes, over the limit) at 1.0 s.
        let limits = limits_with("  max_payload: 1KiB\n");
        assert_eq!(limits.max_payload, 1_024);
        assert_eq!(limits.payload(1, 1_000), 1_534);
        let mut ps = partitions(&[2.0, 1.0], &[100, 1_000], secs_f(1.5));
        let mut batch = Batch::default();
        // The two small records before it; the large one does not join them.
        build_batch(&mut ps, &[0, 1], &limits, &mut batch);
        assert_eq!((batch.records, batch.bytes), (2, 200));
        assert_eq!(batch.runs, vec![(0, run(2, 200, 0.5, 1.0))]);
        // Then the large record alone, although a small one is ready behind it.
        build_batch(&mut ps, &[0, 1], &limits, &mut batch);
        assert_eq!((batch.records, batch.bytes), (1, 1_000));
        assert_eq!(batch.runs, vec![(1, run(1, 1_000, 1.0, 1.0))]);
        assert_eq!(parts(&batch), vec![(1, 1, secs_f(1.0))]);
        // Then the small one.
        build_batch(&mut ps, &[0, 1], &limits, &mut batch);
        assert_eq!((batch.records, batch.bytes), (1, 100));
        assert_eq!(batch.runs, vec![(0, run(1, 100, 1.5, 1.5))]);

        // A backlog of oversized records goes out one per batch.
        let sizer =
            crate::model::traffic::RecordSizer::new(&crate::scenario::RecordSize::Fixed(1_000));
        let mut ps = vec![Partition::new(
            1,
            0,
            0.0,
            crate::scenario::ArrivalProcess::Deterministic,
            SimDuration::from_secs(1),
            3,
            &sizer,
        )];
        for left in [2, 1, 0] {
            build_batch(&mut ps, &[0], &limits, &mut batch);
            assert_eq!((batch.records, batch.bytes), (1, 1_000));
            assert_eq!(ps[0].ready_count(), left);
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
