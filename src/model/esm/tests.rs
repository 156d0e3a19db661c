//! Unit tests of assignment, bandwidth, batch building and the fill-time search.

use super::*;
use crate::engine::time::{SimDuration, SimTime};
use crate::model::log::{Partition, Run, Skip};
use crate::scenario::ConcurrentInvokes::{AtMost, Unlimited};

fn owned(processors: &[Processor]) -> Vec<(u32, Vec<u32>)> {
    processors
        .iter()
        .map(|p| (p.poller, p.partitions.clone()))
        .collect()
}

#[test]
fn range_assignment_with_five_processors_per_poller() {
    let one = assign(7, 1, AtMost(5), SimTime::ZERO);
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
    let two = assign(5, 2, AtMost(5), SimTime::ZERO);
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
    assert_eq!(assign(3, 10, AtMost(5), SimTime::ZERO).len(), 3);
}

#[test]
fn unlimited_invokes_give_one_processor_per_partition_of_each_poller() {
    let unlimited = assign(7, 2, Unlimited, SimTime::ZERO);
    assert_eq!(
        owned(&unlimited),
        (0..7)
            .map(|p| (u32::from(p >= 4), vec![p]))
            .collect::<Vec<_>>()
    );
    // Fourteen partitions on one poller: fourteen processors, against five at most.
    assert_eq!(assign(14, 1, Unlimited, SimTime::ZERO).len(), 14);
    assert_eq!(assign(14, 1, AtMost(5), SimTime::ZERO).len(), 5);
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
    group: &[Pending],
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
    /// Overlapping runs of one bucket, some of whose records have arrived already,
    /// batch size or payload deciding.
    #[test]
    fn first_full_time_agrees_with_bisection_on_time(
        runs in proptest::collection::vec((1u64..60, 1u64..100_000_000, 0u64..5_000, 1u64..3_000, 0u64..60), 1..6),
        count in 0u64..120,
        batch_size in 1u64..150,
        max_payload in 10_000u64..400_000,
    ) {
        let start = 1_000_000_000u64;
        let group: Vec<Pending> = runs
            .iter()
            .map(|&(n, span, offset, size, arrived)| Pending {
                run: Run {
                    count: n,
                    bytes: n * size,
                    first: SimTime(start + offset),
                    last: SimTime(start + offset + if n == 1 { 0 } else { span }),
                },
                arrived: arrived % n,
            })
            .collect();
        let limits = BatchLimits { batch_size, max_payload, encoding_factor: 4.0 / 3.0, record_overhead: 200, filtering: false, light_below: 0 };
        // The records of the group that have arrived wait with the others.
        let count = count.max(group.iter().map(|p| p.arrived).sum::<u64>());
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
    assert_eq!(ps[1].front_ready(), Some(run(3, 300, 1.6, 2.0)));
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
    assert_eq!(ps[2].front_ready(), Some(run(1, 1_200, 1.0, 1.0)));
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
fn a_record_over_the_payload_limit_is_dropped_and_never_blocks_its_partition() {
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
    ps[0].start_flight(secs_f(0.5), 2);
    ps[0].commit(2);
    // Then the large record is the oldest: Lambda drops it (its offset is committed)
    // and the batch goes on with the small one behind it.
    build_batch(&mut ps, &[0, 1], &limits, &mut batch);
    assert_eq!((batch.records, batch.bytes), (1, 100));
    assert_eq!(batch.runs, vec![(0, run(1, 100, 1.5, 1.5))]);
    assert_eq!(batch.parts[0].offset, 2);
    assert_eq!(
        (
            ps[1].committed(),
            ps[1].skipped_for(Skip::Oversized),
            ps[1].lag()
        ),
        (1, 1, 0)
    );

    // A backlog of oversized records is dropped whole: the batch comes out empty.
    let sizer = crate::model::traffic::RecordSizer::new(&crate::scenario::RecordSize::Fixed(1_000));
    let mut ps = vec![Partition::new(
        1,
        0,
        0.0,
        crate::scenario::ArrivalProcess::Deterministic,
        SimDuration::from_secs(1),
        3,
        &sizer,
    )];
    build_batch(&mut ps, &[0], &limits, &mut batch);
    assert_eq!(batch.records, 0);
    assert_eq!(
        (ps[0].ready_count(), ps[0].skipped_for(Skip::Oversized)),
        (0, 3)
    );
}

#[test]
fn payload_counts_encoding_and_overhead() {
    let limits = BatchLimits {
        batch_size: 100,
        max_payload: 6_291_456,
        encoding_factor: 4.0 / 3.0,
        record_overhead: 200,
        filtering: false,
        light_below: 0,
    };
    assert_eq!(limits.payload(3, 3000), 4000 + 600);
    assert!(limits.is_full(100, 0));
    assert!(limits.is_full(1, 4_718_592));
    assert!(!limits.is_full(99, 1000));
}

/// Ready runs with their first arrival and partition.
type ReadyRuns = Vec<(SimTime, u32, Run)>;

/// 40 partitions (more than a scan handles), partition i at 1 + (i % 7) records/s,
/// advanced to 2 s: runs start at 1/q within each second, and equal rates tie on time.
/// Also every ready run with its partition, oldest first and ties to the lowest index.
fn forty_partitions() -> (Vec<Partition>, Vec<u32>, ReadyRuns) {
    let shares: Vec<f64> = (0..40).map(|i| 1.0 + (i % 7) as f64).collect();
    let mut ps = partitions(&shares, &[100; 40], secs_f(2.0));
    let mut expected: ReadyRuns = Vec::new();
    for (p, partition) in ps.iter_mut().enumerate() {
        while let Some(run) = partition.front_ready() {
            expected.push((run.first, p as u32, run));
            partition.take_front(run.count);
        }
    }
    expected.sort_by_key(|&(first, p, _)| (first, p));
    let ps = partitions(&shares, &[100; 40], secs_f(2.0));
    (ps, (0..40).collect(), expected)
}

#[test]
fn a_batch_of_many_partitions_takes_the_oldest_runs_first_with_ties_to_the_lowest_index() {
    // The heap orders the partitions; equal times go to the lowest partition index.
    let (mut ps, eligible, expected) = forty_partitions();
    let limits = limits_with("  batch_size: 200\n");
    let mut batch = Batch::default();
    build_batch(&mut ps, &eligible, &limits, &mut batch);
    // The first second's runs of every partition (155 records), then the second's until
    // the batch is full: 45 more, the last run split.
    assert_eq!(batch.records, 200);
    let taken: Vec<(u32, Run)> = batch.runs.clone();
    let whole = taken.len() - 1;
    let want: Vec<(u32, Run)> = expected.iter().map(|&(_, p, run)| (p, run)).collect();
    assert_eq!(taken[..whole], want[..whole]);
    assert_eq!(taken[whole].0, want[whole].0);
    assert_eq!(taken[whole].1.first, want[whole].1.first);
    assert_eq!(batch.parts.len(), 40);
    assert_eq!(batch.parts.iter().map(|p| p.records).sum::<u64>(), 200);
}

#[test]
fn a_batch_that_takes_every_ready_record_is_led_by_the_oldest_and_hands_over_in_heap_order() {
    // Room for all the ready records: the batch takes each partition's runs in turn,
    // the partition of the oldest record first, then the others in eligible order, each
    // partition's runs in their own order; ordered by oldest record (ties to the lowest
    // index), the parts are in the order runs taken oldest first would give them.
    let (mut ps, eligible, expected) = forty_partitions();
    let limits = limits_with("  batch_size: 10000\n");
    let mut batch = Batch::default();
    build_batch(&mut ps, &eligible, &limits, &mut batch);
    let total: u64 = expected.iter().map(|(_, _, run)| run.count).sum();
    assert_eq!(batch.records, total);
    let mut order: Vec<u32> = Vec::new();
    for &(_, p, _) in &expected {
        if !order.contains(&p) {
            order.push(p);
        }
    }
    let parts: Vec<u32> = batch.parts.iter().map(|part| part.partition).collect();
    let lead = order[0];
    let mut rest: Vec<u32> = eligible.iter().copied().filter(|&p| p != lead).collect();
    rest.insert(0, lead);
    assert_eq!(parts, rest);
    assert_ne!(
        lead, 0,
        "the lead is not the first eligible partition: the test can fail"
    );
    assert_eq!(batch.parts_oldest_first(), order);
    for p in 0..40 {
        let runs: Vec<Run> = batch.runs_of(p).copied().collect();
        let want: Vec<Run> = expected
            .iter()
            .filter(|&&(_, q, _)| q == p)
            .map(|&(_, _, run)| run)
            .collect();
        assert_eq!(runs, want, "partition {p}");
    }
    assert!(ps.iter().all(|partition| partition.ready_count() == 0));
}

/// The least time in `(now, deadline]` at which the ready records plus the future ones
/// arrived by then fill a batch, by bisection on time over every future run: the
/// definition [`fill_time`] must agree with, whether it sums buckets in place (a short
/// window) or orders the runs (a window of more buckets than it sums in place).
#[test]
fn fill_time_agrees_with_bisection_on_time_for_short_and_long_windows() {
    use crate::model::esm::fill_time;
    use crate::model::log::TopicLog;
    use crate::scenario::load::from_yaml_str;
    for (seed, batch, window_s) in [(1, 40, 0.5), (2, 300, 8.0), (3, 25, 0.3), (4, 900, 20.0)] {
        let yaml = format!(
            "name: fill
seed: {seed}
duration: 2m
topic: {{partitions: 6}}
producer: {{rate: [{{constant: 300}}]}}
esm: {{batch_size: {batch}, batching_window: {window_s}s}}
function: {{memory: 1024, duration: {{per_batch: 10ms}}}}
"
        );
        let scenario = from_yaml_str(&yaml, std::path::Path::new("."), &[]).expect("valid");
        let limits = BatchLimits::new(&scenario.esm);
        let mut log = TopicLog::new(&scenario);
        let eligible: Vec<u32> = (0..6).collect();
        let mut answers = 0;
        for step in 0..40 {
            let now = secs_f(1.0 + step as f64 * 1.7);
            let deadline = now + SimDuration::from_secs_f64(window_s);
            let mut runs = Vec::new();
            // What has arrived goes into a batch, as it would before the dispatcher asks
            // when the next batch fills.
            for &p in &eligible {
                log.advance(p, now);
                let partition = log.partition_mut(p);
                while partition.ready_count() > 0 {
                    partition.take_front(partition.ready_count());
                }
            }
            let full_at = fill_time(&mut log, &eligible, deadline, &limits, &mut runs);
            let ready: u64 = eligible
                .iter()
                .map(|&p| log.partition(p).ready_count())
                .sum();
            let ready_bytes: u64 = eligible
                .iter()
                .map(|&p| log.partition(p).ready_bytes())
                .sum();
            let future: Vec<Pending> = eligible
                .iter()
                .flat_map(|&p| {
                    let partition = log.partition(p);
                    let first_arrived = partition.future_arrived();
                    partition
                        .future_until(deadline)
                        .enumerate()
                        .map(|(i, &run)| Pending {
                            run,
                            arrived: if i == 0 { first_arrived } else { 0 },
                        })
                        .collect::<Vec<_>>()
                })
                .collect();
            let full = |t: SimTime| {
                let (c, b) = future.iter().fold((ready, ready_bytes), |(c, b), run| {
                    let (rc, rb) = run.arrived_with_bytes_by(t);
                    (c + rc, b + rb)
                });
                limits.is_full(c, b)
            };
            let expected = full(deadline).then(|| {
                let (mut lo, mut hi) = (now.0 + 1, deadline.0);
                while lo < hi {
                    let mid = lo + (hi - lo) / 2;
                    if full(SimTime(mid)) {
                        hi = mid
                    } else {
                        lo = mid + 1
                    }
                }
                SimTime(lo)
            });
            assert_eq!(full_at, expected, "seed {seed}, step {step}");
            answers += usize::from(expected.is_some());
        }
        assert!(answers > 0, "seed {seed}: no step fills its batch");
    }
}
