//! Batches: the limits that close one (batch size, payload), and building one from the
//! ready records of a processor's partitions, oldest record first.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::engine::time::SimTime;
use crate::model::log::{Partition, Run, Skip};
use crate::scenario::Esm;

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
    /// Whether records pass a filter (`esm.filter`): then the batch counts the records
    /// that pass, run by run.
    pub filtering: bool,
    /// Up to `batch_size` records of fewer raw bytes than this are below the payload
    /// limit, so [`BatchLimits::payload_full`] answers without floating point (0: no
    /// such shortcut, always correct).
    pub(super) light_below: u64,
}

impl BatchLimits {
    /// The limits configured for the ESM.
    pub fn new(esm: &Esm) -> Self {
        let limits = BatchLimits {
            batch_size: esm.batch_size as u64,
            max_payload: esm.max_payload_bytes,
            encoding_factor: esm.payload_encoding_factor,
            record_overhead: esm.record_overhead_bytes,
            filtering: esm.filter.is_some(),
            light_below: 0,
        };
        BatchLimits {
            light_below: limits.first_full_bytes(),
            ..limits
        }
    }

    /// The fewest raw bytes with which `batch_size` records reach the payload limit
    /// (at most 2^53, where every byte count is still exact as a float). The payload
    /// grows with the bytes and with the records (rounding to the nearest float, a
    /// positive product and `ceil` all keep the order), so fewer bytes and at most
    /// `batch_size` records are below the limit.
    fn first_full_bytes(&self) -> u64 {
        let overhead = self.batch_size.saturating_mul(self.record_overhead);
        let full = |bytes: u64| {
            let encoded = (bytes as f64 * self.encoding_factor).ceil() as u64;
            encoded.saturating_add(overhead) >= self.max_payload
        };
        let (mut lo, mut hi) = (0_u64, 1_u64 << 53);
        if !full(hi) {
            return hi;
        }
        // The first full byte count is in `lo..=hi`.
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if full(mid) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        lo
    }

    /// Payload bytes of `count` records with `bytes` raw bytes in total.
    pub fn payload(&self, count: u64, bytes: u64) -> u64 {
        (bytes as f64 * self.encoding_factor).ceil() as u64 + count * self.record_overhead
    }

    /// Whether `count` records of `bytes` raw bytes fill a batch.
    pub fn is_full(&self, count: u64, bytes: u64) -> bool {
        count >= self.batch_size || self.payload_full(count, bytes)
    }

    /// Whether `count` records of `bytes` raw bytes may go in one invocation: their
    /// payload is at most the limit (without floating point below `light_below`).
    pub fn within_payload(&self, count: u64, bytes: u64) -> bool {
        self.light(count, bytes) || self.payload(count, bytes) <= self.max_payload
    }

    /// Whether `count` records of `bytes` raw bytes reach the payload limit.
    pub fn payload_full(&self, count: u64, bytes: u64) -> bool {
        !self.light(count, bytes) && self.payload(count, bytes) >= self.max_payload
    }

    /// Whether `count` records of `bytes` raw bytes are known to be below the payload
    /// limit without computing it: fewer bytes than `light_below`, at most `batch_size`
    /// records.
    fn light(&self, count: u64, bytes: u64) -> bool {
        bytes < self.light_below && count <= self.batch_size
    }
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
    /// Offset of its first record in the partition.
    pub offset: u64,
}

/// A batch handed to one invocation. Cleared and refilled by [`build_batch`], so one
/// value can be reused for many invocations without allocating; the dispatcher sets its
/// attempt number and where it came from.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    /// Records per partition, the partition of the oldest record first (the lead);
    /// the others in the order they joined the batch (oldest record first), or, when
    /// the batch took every ready record, in the eligible list's order.
    pub parts: Vec<BatchPart>,
    /// The runs taken, in the order they were taken (oldest record first, or by part
    /// when the batch took every ready record), each with its partition; the runs of
    /// one partition are in offset order.
    pub runs: Vec<(u32, Run)>,
    /// Records in total.
    pub records: u64,
    /// Raw record bytes in total.
    pub bytes: u64,
    /// Records that pass the filter: those the function receives (all of them without
    /// a filter). A batch may hold none: it is committed without an invocation.
    pub matched: u64,
    /// Raw bytes of the records that pass, pro rata within each run.
    pub matched_bytes: u64,
    /// With a filter, the records of each run of [`Batch::runs`] that pass (same
    /// order); empty without a filter.
    pub run_matched: Vec<u64>,
    /// Which attempt at these records this is: 1 for the first invocation, one more for
    /// each failed invocation of them before (a throttled invocation is not an attempt).
    pub attempt: u32,
    /// Whether it re-sends records that failed before.
    pub retry: bool,
    /// The processor that invoked it, its poller, and the assignment generation then.
    pub processor: u32,
    /// See `processor`.
    pub poller: u32,
    /// See `processor`.
    pub generation: u32,
    /// Whether its size was capped by a bisection of a failed batch.
    pub bisected: bool,
    /// Whether its invocation failed and it is to be retried (set when it is settled).
    pub failed: bool,
    /// Reused by [`build_batch`]: the eligible partitions with ready records, with their
    /// oldest ready record (and their position in the eligible list).
    oldest_first: Vec<Reverse<(SimTime, u32, u32)>>,
    /// Reused by [`build_batch`]: for each eligible partition (by position in the
    /// eligible list), the index of its part in [`Batch::parts`], or `NO_PART`.
    part_of: Vec<u32>,
}

/// Marks an eligible partition without a part in the batch being built.
const NO_PART: u32 = u32::MAX;

impl Batch {
    /// Calls `f` with the records of each run that reached the function (those that
    /// pass the filter, see [`Run::thinned`]), in the order they were taken.
    pub fn for_each_matched_run(&self, mut f: impl FnMut(&Run)) {
        if self.run_matched.is_empty() {
            self.runs.iter().for_each(|(_, run)| f(run));
            return;
        }
        for ((_, run), &m) in self.runs.iter().zip(&self.run_matched) {
            if m > 0 {
                f(&run.thinned(m));
            }
        }
    }

    /// The partitions of the parts ordered by their oldest record, ties to the lowest
    /// index: the order in which a batch taking runs oldest first would have them join.
    pub fn parts_oldest_first(&self) -> Vec<u32> {
        let mut parts: Vec<(SimTime, u32)> = self
            .parts
            .iter()
            .map(|part| (part.oldest, part.partition))
            .collect();
        parts.sort_unstable();
        parts.into_iter().map(|(_, p)| p).collect()
    }

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
/// large for the payload on its own is not sent: Lambda drops it, and its offset is
/// committed ([`Skip::Oversized`]); the batch may then be empty. The batch size and the
/// payload count every record read, whether it passes the filter or not (AWS: the batch
/// size is the records Lambda pulls from the source); [`Batch::matched`] counts those
/// that pass.
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
    batch.matched = 0;
    batch.matched_bytes = 0;
    batch.run_matched.clear();
    batch.attempt = 1;
    batch.part_of.clear();
    batch.part_of.resize(eligible.len(), NO_PART);
    if eligible.len() <= FEW_PARTITIONS {
        take_oldest_by_scan(partitions, eligible, limits, batch);
    } else {
        take_oldest_by_heap(partitions, eligible, limits, batch);
    }
    if !limits.filtering {
        batch.matched = batch.records;
        batch.matched_bytes = batch.bytes;
    }
}

/// Up to this many eligible partitions, [`build_batch`] finds the oldest ready record by
/// a scan of them per run taken; beyond, with a heap (the same order, since ties go to
/// the lowest partition index either way).
const FEW_PARTITIONS: usize = 16;

/// Takes runs, oldest first, scanning the eligible partitions for each.
fn take_oldest_by_scan(
    partitions: &mut [Partition],
    eligible: &[u32],
    limits: &BatchLimits,
    batch: &mut Batch,
) {
    while batch.records < limits.batch_size {
        let oldest = eligible
            .iter()
            .enumerate()
            .filter_map(|(i, &p)| {
                partitions[p as usize]
                    .oldest_ready()
                    .map(|t| (t, p, i as u32))
            })
            .min();
        let Some((_, p, i)) = oldest else { break };
        if !take_run(&mut partitions[p as usize], p, i, limits, batch) {
            break;
        }
    }
}

/// Takes runs, oldest first, with the eligible partitions in a heap by their oldest
/// ready record: only the partition a run came from changes, so it alone goes back in,
/// which keeps a batch of many partitions' runs linear, not quadratic, in them. When
/// every ready record fits in the batch (the usual case with a window), each partition
/// gives all its runs in turn instead, without ordering them: the partition of the
/// oldest record first (it leads the batch: its streams draw the handler time and the
/// invocation error), then the others in the order of the eligible list. The records
/// are the same; the parts' order does not matter beyond the lead (latencies are summed,
/// a commit or retry is per part, and a hand-over after a rebalance orders the parts by
/// oldest record itself, see [`Batch::parts_oldest_first`]).
fn take_oldest_by_heap(
    partitions: &mut [Partition],
    eligible: &[u32],
    limits: &BatchLimits,
    batch: &mut Batch,
) {
    let mut oldest_first = std::mem::take(&mut batch.oldest_first);
    oldest_first.clear();
    let (mut ready, mut bytes) = (0, 0);
    for (i, &p) in eligible.iter().enumerate() {
        let partition = &partitions[p as usize];
        if let Some(t) = partition.oldest_ready() {
            oldest_first.push(Reverse((t, p, i as u32)));
            ready += partition.ready_count();
            bytes += partition.ready_bytes();
        }
    }
    if ready <= limits.batch_size && limits.within_payload(ready, bytes) {
        let lead = (0..oldest_first.len()).min_by_key(|&k| oldest_first[k].0);
        if let Some(lead) = lead {
            oldest_first[..=lead].rotate_right(1);
        }
        for &Reverse((_, p, i)) in &oldest_first {
            let partition = &mut partitions[p as usize];
            while partition.ready_count() > 0 && take_run(partition, p, i, limits, batch) {}
        }
        batch.oldest_first = oldest_first;
        return;
    }
    let mut heap = BinaryHeap::from(oldest_first);
    while batch.records < limits.batch_size {
        let Some(Reverse((_, p, i))) = heap.pop() else {
            break;
        };
        let partition = &mut partitions[p as usize];
        if !take_run(partition, p, i, limits, batch) {
            break;
        }
        if let Some(t) = partition.oldest_ready() {
            heap.push(Reverse((t, p, i)));
        }
    }
    batch.oldest_first = heap.into_vec();
}

/// Takes as many records of partition `p` (at position `i` of the eligible list)'s front
/// run as fit into `batch`, or drops its front record if it alone is too large for the
/// payload; `false` when nothing fits (the batch is full by size or payload).
fn take_run(
    partition: &mut Partition,
    p: u32,
    i: u32,
    limits: &BatchLimits,
    batch: &mut Batch,
) -> bool {
    let run = partition
        .front_ready()
        .expect("partition has a ready record");
    let k = records_that_fit(&run, batch, limits);
    if k == 0 && batch.records == 0 {
        partition.skip_front(1, Skip::Oversized);
        return true;
    }
    if k == 0 {
        return false;
    }
    // Which of the records taken pass the filter: asked before they leave the
    // partition's ready records, whose first offset locates them.
    let matched = if limits.filtering {
        partition.matched_next(k)
    } else {
        0
    };
    let taken = partition.take_front(k);
    if limits.filtering {
        batch.run_matched.push(matched);
        batch.matched += matched;
        batch.matched_bytes += taken.front_bytes(matched);
    }
    batch.records += taken.count;
    batch.bytes += taken.bytes;
    batch.runs.push((p, taken));
    match batch.part_of[i as usize] {
        NO_PART => {
            batch.part_of[i as usize] = batch.parts.len() as u32;
            batch.parts.push(BatchPart {
                partition: p,
                records: taken.count,
                oldest: taken.first,
                offset: partition.committed(),
            });
        }
        part => batch.parts[part as usize].records += taken.count,
    }
    true
}

/// How many records from the front of `run` can join `batch`: at most the batch size,
/// and as many as keep the whole batch's payload (rounded once, as
/// [`BatchLimits::payload`] does) within the limit.
fn records_that_fit(run: &Run, batch: &Batch, limits: &BatchLimits) -> u64 {
    let fits = |k: u64| limits.within_payload(batch.records + k, batch.bytes + run.front_bytes(k));
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
    use proptest::prelude::*;

    proptest! {
        /// The shortcut below `light_below` gives the payload arithmetic's answer for
        /// any limits and any batch up to `batch_size` records, around the threshold
        /// and far from it.
        #[test]
        fn payload_shortcut_agrees_with_the_arithmetic(
            batch_size in 1_u64..10_000,
            max_payload in 0_u64..100_000_000,
            factor in prop_oneof![Just(1.0), Just(4.0 / 3.0), 0.01_f64..10.0],
            overhead in 0_u64..2_000,
            count in 0_u64..10_000,
            offset in -1_000_i64..1_000,
            bytes in 0_u64..(1 << 40),
        ) {
            let plain = BatchLimits {
                batch_size,
                max_payload,
                encoding_factor: factor,
                record_overhead: overhead,
                filtering: false,
                light_below: 0,
            };
            let fast = BatchLimits { light_below: plain.first_full_bytes(), ..plain };
            let near = fast.light_below.saturating_add_signed(offset);
            for b in [bytes, near] {
                prop_assert_eq!(fast.payload_full(count, b), plain.payload_full(count, b));
                prop_assert_eq!(fast.is_full(count, b), plain.is_full(count, b));
                prop_assert_eq!(fast.within_payload(count, b), plain.within_payload(count, b));
            }
        }
    }
}
