//! One partition of the topic: its producer and its log, kept as runs of records.
//!
//! Records are never simulated one by one. The producer draws, per partition and per
//! arrival bucket of width `producer.resolution`, how many records arrive, and stores
//! them as one [`Run`]: a count, total bytes, and the arrival times of the first and the
//! last record, with the records in between taken as evenly spaced. The first and last
//! times are exact draws (order statistics of the bucket's uniform arrival times, or
//! the arrival process's own gaps in sparse buckets) for buckets of up to 8 records, so
//! a bucket with one record holds its exact arrival time; busier buckets put them at
//! their expected positions. Empty buckets are passed without a draw (see `producer`). Every interpolated time is
//! within one bucket width of the truth. Work therefore grows with buckets and batches,
//! not with records.
//!
//! The producer of a partition draws from its own streams in bucket order, whoever asks
//! and whenever, so the traffic realisation depends only on the seed and the producer
//! settings. Buckets are generated lazily, a little ahead of the clock when a processor
//! needs to know when its batch will fill. A partition keeps its runs in one queue,
//! oldest first, and counts how many at its front have wholly arrived: records whose
//! arrival time is still in the future stay behind those and become visible (produced,
//! ready) when the clock passes them, without moving. A run that has partly arrived
//! keeps its arrived count until it has wholly arrived or a batch takes its arrived
//! records: it is split where a batch takes records, not at every look.
//!
//! With `esm.filter`, which offsets pass the filter is the partition's own
//! [`MatchCounter`] (in [`filter`]): a function of the offset, the seed and the share
//! that pass, so it does not depend on the consumer either.

pub mod filter;
mod producer;
mod queue;
mod run;
#[cfg(test)]
mod tests;
mod topic;

use crate::engine::time::{SimDuration, SimTime};
use crate::model::traffic::{RateCurve, RecordSizer};
use crate::scenario::ArrivalProcess;

pub use filter::MatchCounter;
pub use producer::EXACT_ORDER_STATISTICS;
use producer::Producer;
use queue::RunQueue;
pub use run::Run;
pub use topic::TopicLog;

/// Most runs a partition keeps waiting; beyond this, neighbouring runs are merged in
/// pairs, so memory stays bounded however large the backlog grows. A merged run spans at
/// most about 1/2,048 of the backlog's arrival-time range, which bounds the error of the
/// evenly-spaced assumption for the records in it.
pub const MAX_READY_RUNS: usize = 4096;

/// Why records were committed without being processed successfully.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skip {
    /// Sent to the on-failure destination after their retries or age ran out.
    Destination,
    /// Retries or age ran out with no destination: the records are discarded.
    Discarded,
    /// A record too large for the invocation payload on its own: Lambda drops it.
    Oversized,
    /// Not committed within the topic's retention: gone from the log.
    Expired,
}

impl Skip {
    /// Number of reasons.
    pub const COUNT: usize = 4;
    /// Every reason, in index order.
    pub const ALL: [Skip; Skip::COUNT] = [
        Skip::Destination,
        Skip::Discarded,
        Skip::Oversized,
        Skip::Expired,
    ];
}

/// A partition: its producer, its records and its offsets.
///
/// Kept small (320 bytes, a unit test checks it) so that 100,000 partitions stay in the
/// processor's cache: the producer's streams are compact, the run queue holds its first
/// four runs inline, and what few partitions need (records committed without success,
/// failed attempts, the filter) lives out of line (`Rare`), absent until needed.
pub struct Partition {
    producer: Producer,
    /// Generated runs not yet taken into a batch, oldest first: the `arrived_runs`
    /// wholly arrived ones (ready), then the future ones, the first of which may have
    /// begun to arrive (`future_arrived`).
    runs: RunQueue,
    /// Runs at the front of `runs` that have wholly arrived.
    arrived_runs: u32,
    /// Records of the first future run that have arrived: ready, after the wholly
    /// arrived runs'. The run is split there only when a batch takes them (see
    /// [`Partition::take_front`]), not at every look.
    future_arrived: u64,
    /// Ready records: the wholly arrived runs' and the first future run's arrived ones.
    ready_count: u64,
    /// Raw bytes of the ready records (the front future run's arrived records count
    /// as [`Run::front_bytes`] of it).
    ready_bytes: u64,
    /// Records that have arrived (the log end offset).
    produced: u64,
    /// Records committed (the committed offset).
    committed: u64,
    /// Arrival time of the oldest record of the batch in flight (meaningless when none
    /// is).
    in_flight_oldest: SimTime,
    /// Records of the batch in flight (at least one while a batch is in flight, 0
    /// otherwise).
    in_flight_records: u64,
    /// Skips, failures and the filter; `None` while all of them are zero or absent.
    rare: Option<Box<Rare>>,
}

/// The state of a partition that most partitions never need.
#[derive(Default)]
struct Rare {
    /// Committed records that were not processed successfully (part of `committed`),
    /// by [`Skip`] reason.
    skipped: [u64; Skip::COUNT],
    /// End offset of the records that have failed at least once and are not committed
    /// yet: the partition is blocked on a failed batch while `committed` is below it.
    failed_until: u64,
    /// Failed attempts at the records below `failed_until`.
    failed_attempts: u32,
    /// Committed records that did not pass the ESM's filter (part of `committed`).
    filtered: u64,
    /// Records skipped because the consumer started at the end of the log
    /// (`starting_position: latest`; part of `committed`).
    skipped_at_start: u64,
    /// Which offsets pass the ESM's filter; `None` without a filter.
    filter: Option<MatchCounter>,
}

impl Partition {
    /// A partition with the given share of the topic's traffic and `backlog` records
    /// already waiting at t = 0.
    pub fn new(
        seed: u64,
        index: u32,
        share: f64,
        arrivals: ArrivalProcess,
        resolution: SimDuration,
        backlog: u64,
        sizer: &RecordSizer,
    ) -> Self {
        let mut producer = Producer::new(seed, index, share, arrivals, resolution);
        let mut runs = RunQueue::new();
        let mut ready_bytes = 0;
        if backlog > 0 {
            let bytes = sizer.run_bytes(backlog, &mut producer.size_rng);
            runs.push_back(Run {
                count: backlog,
                bytes,
                first: SimTime::ZERO,
                last: SimTime::ZERO,
            });
            ready_bytes = bytes;
        }
        Partition {
            producer,
            runs,
            arrived_runs: u32::from(backlog > 0),
            future_arrived: 0,
            ready_count: backlog,
            ready_bytes,
            produced: backlog,
            committed: 0,
            in_flight_oldest: SimTime::ZERO,
            in_flight_records: 0,
            rare: None,
        }
    }

    /// The out-of-line state, created on first use.
    fn rare_mut(&mut self) -> &mut Rare {
        self.rare.get_or_insert_with(Box::default)
    }

    /// The filter, if the partition has one.
    fn filter_mut(&mut self) -> Option<&mut MatchCounter> {
        self.rare.as_mut().and_then(|rare| rare.filter.as_mut())
    }

    /// Filters the partition's records with `filter` (`esm.filter`).
    pub fn set_filter(&mut self, filter: MatchCounter) {
        self.rare_mut().filter = Some(filter);
    }

    /// How many of the next `k` ready records (from the oldest ready one) pass
    /// the filter: all `k` without one.
    pub fn matched_next(&mut self, k: u64) -> u64 {
        let front = self.produced - self.ready_count;
        match self.filter_mut() {
            Some(filter) => filter.matched(front, front + k),
            None => k,
        }
    }

    /// Skips every ready record (`starting_position: latest` before polling starts): the
    /// committed offset moves to the end of the log and the records count as
    /// [`Partition::skipped_at_start`]. Nothing may be in flight.
    pub fn skip_ready(&mut self) {
        debug_assert!(!self.in_flight(), "skip with a batch in flight");
        self.committed += self.ready_count;
        if self.ready_count > 0 {
            let skipped = self.ready_count;
            self.rare_mut().skipped_at_start += skipped;
        }
        self.runs.drop_front(self.arrived_runs as usize);
        self.arrived_runs = 0;
        self.split_arrived();
        self.ready_count = 0;
        self.ready_bytes = 0;
    }

    /// Cuts the arrived records off the first future run and returns them as a run
    /// (`None` when none has arrived); the caller must have taken every wholly arrived
    /// run, and the ready counters are its to settle.
    #[inline]
    fn split_arrived(&mut self) -> Option<Run> {
        debug_assert_eq!(self.arrived_runs, 0, "wholly arrived runs come first");
        let arrived = std::mem::take(&mut self.future_arrived);
        (arrived > 0).then(|| {
            self.runs
                .front_mut()
                .expect("arrived records are in a run")
                .split_front(arrived)
        })
    }

    /// The first run still to arrive wholly (it may have begun to).
    #[inline]
    fn first_future(&self) -> Option<&Run> {
        self.runs.get(self.arrived_runs as usize)
    }

    /// Generates buckets until every arrival before `t` is known.
    pub fn generate_until(&mut self, t: SimTime, curve: &RateCurve, sizer: &RecordSizer) {
        while self.producer.generated_until() <= t {
            self.generate_next(curve, sizer);
        }
    }

    /// Draws up to the producer's next run (queued as future records).
    fn generate_next(&mut self, curve: &RateCurve, sizer: &RecordSizer) {
        if let Some(run) = self.producer.next_run(curve, sizer) {
            self.runs.push_back(run);
        }
    }

    /// Counts every record that has arrived by `now` (inclusive) as ready.
    ///
    /// Inline for its common answer, nothing to do (every arrival by `now` is drawn and
    /// none of the future runs has begun by `now`): most looks and samples find a
    /// partition so.
    #[inline]
    pub fn advance(&mut self, now: SimTime, curve: &RateCurve, sizer: &RecordSizer) {
        let drawn = self.producer.generated_until() > now;
        if drawn
            && self
                .first_future()
                .is_none_or(|run| self.future_arrived == 0 && run.first > now)
        {
            return;
        }
        self.move_arrived(now, curve, sizer);
    }

    /// [`Partition::advance`] when records may have arrived.
    #[inline(never)]
    fn move_arrived(&mut self, now: SimTime, curve: &RateCurve, sizer: &RecordSizer) {
        self.generate_until(now, curve, sizer);
        while let Some(&run) = self.first_future() {
            let arrived = run.arrived_by(now);
            let before = self.future_arrived;
            if arrived == before {
                break;
            }
            self.ready_count += arrived - before;
            self.produced += arrived - before;
            if arrived < run.count {
                // Part of the run has arrived: it stays a future run, split only
                // when a batch takes its records.
                self.ready_bytes += run.front_bytes(arrived) - run.front_bytes(before);
                self.future_arrived = arrived;
                break;
            }
            self.ready_bytes += match before {
                0 => run.bytes,
                _ => run.bytes - run.front_bytes(before),
            };
            self.future_arrived = 0;
            self.arrived_runs += 1;
            if self.arrived_runs as usize > MAX_READY_RUNS {
                let merged = self.runs.coalesce_front_pairs(self.arrived_runs as usize);
                self.arrived_runs = merged as u32;
            }
        }
    }

    /// Arrival time of the first record after `now`, generating ahead up to `horizon`.
    pub fn next_arrival(
        &mut self,
        now: SimTime,
        horizon: SimTime,
        curve: &RateCurve,
        sizer: &RecordSizer,
    ) -> Option<SimTime> {
        loop {
            if let Some(run) = self.first_future() {
                let k = run.arrived_by(now);
                return Some(run.time_of(k));
            }
            if self.producer.generated_until() > horizon {
                return None;
            }
            self.generate_next(curve, sizer);
        }
    }

    /// Generated runs with records still to arrive whose first record arrives at or
    /// before `t`, oldest first (the first may have begun to arrive:
    /// [`Partition::future_arrived`]); the caller must have generated up to `t`.
    pub fn future_until(&self, t: SimTime) -> impl Iterator<Item = &Run> {
        self.runs
            .iter_from(self.arrived_runs as usize)
            .take_while(move |run| run.first <= t)
    }

    /// Records of the first future run that have arrived (ready, after the wholly
    /// arrived runs).
    pub fn future_arrived(&self) -> u64 {
        self.future_arrived
    }

    /// Arrival time of the oldest ready record.
    pub fn oldest_ready(&self) -> Option<SimTime> {
        if self.arrived_runs > 0 || self.future_arrived > 0 {
            self.runs.front().map(|run| run.first)
        } else {
            None
        }
    }

    /// The oldest ready run (for batch building): the oldest wholly arrived run, or the
    /// arrived records of the front future run as the run [`Partition::take_front`]
    /// would take.
    #[inline]
    pub fn front_ready(&self) -> Option<Run> {
        let front = self.runs.front()?;
        if self.arrived_runs > 0 {
            Some(*front)
        } else if self.future_arrived > 0 {
            let mut run = *front;
            Some(run.split_front(self.future_arrived))
        } else {
            None
        }
    }

    /// Takes up to `k` records (at least one) from the front of the ready records as
    /// one run: from [`Partition::front_ready`]'s run. Taking from the front future
    /// run's arrived records splits it there first, so the records taken and those left
    /// ready are pieces of what had arrived, as if it had been moved when it arrived.
    pub fn take_front(&mut self, k: u64) -> Run {
        let taken = if self.arrived_runs == 0 {
            let mut arrived = self
                .split_arrived()
                .expect("take_front with no ready record");
            if k >= arrived.count {
                arrived
            } else {
                let taken = arrived.split_front(k);
                self.runs.push_front(arrived);
                self.arrived_runs = 1;
                taken
            }
        } else {
            let front = self.runs.front_mut().expect("wholly arrived runs exist");
            if k >= front.count {
                self.arrived_runs -= 1;
                self.runs.pop_front().expect("front exists")
            } else {
                front.split_front(k)
            }
        };
        self.ready_count -= taken.count;
        self.ready_bytes -= taken.bytes;
        taken
    }

    /// Puts records of a failed batch back at the front, in their original order.
    pub fn restore_front<'r>(&mut self, runs: impl DoubleEndedIterator<Item = &'r Run>) {
        for run in runs.rev() {
            self.ready_count += run.count;
            self.ready_bytes += run.bytes;
            self.runs.push_front(*run);
            self.arrived_runs += 1;
        }
        self.in_flight_records = 0;
    }

    /// Puts the records of a failed attempt back at the front (as
    /// [`Partition::restore_front`]) and remembers that they failed, `attempts` times in
    /// all: the partition is blocked until they are committed.
    pub fn restore_failed<'r>(
        &mut self,
        runs: impl DoubleEndedIterator<Item = &'r Run>,
        attempts: u32,
    ) {
        let end = self.committed + self.in_flight_records;
        self.restore_front(runs);
        self.note_failed(end, attempts);
    }

    /// Remembers that the records up to offset `end` failed, `attempts` times in all.
    fn note_failed(&mut self, end: u64, attempts: u32) {
        let rare = self.rare_mut();
        rare.failed_until = rare.failed_until.max(end);
        rare.failed_attempts = attempts;
    }

    /// End offset of the records that have failed at least once (0 when none has).
    fn failed_until(&self) -> u64 {
        self.rare.as_ref().map_or(0, |rare| rare.failed_until)
    }

    /// Failed attempts at the records at the front (0 when they have not failed).
    pub fn failed_attempts(&self) -> u32 {
        match &self.rare {
            Some(rare) if self.is_blocked() => rare.failed_attempts,
            _ => 0,
        }
    }

    /// Whether the records at the front have failed at least once and are not committed
    /// yet (the partition is blocked on them).
    pub fn is_blocked(&self) -> bool {
        self.committed < self.failed_until()
    }

    /// Marks a batch of `records` records in flight whose oldest record arrived at
    /// `oldest`.
    pub fn start_flight(&mut self, oldest: SimTime, records: u64) {
        debug_assert!(records > 0, "a batch holds at least one record");
        self.in_flight_oldest = oldest;
        self.in_flight_records = records;
    }

    /// Whether a batch of this partition is in flight.
    pub fn in_flight(&self) -> bool {
        self.in_flight_records > 0
    }

    /// Commits `count` records (the batch in flight succeeded); those that did not pass
    /// the filter count as [`Partition::filtered`].
    pub fn commit(&mut self, count: u64) {
        debug_assert_eq!(
            count, self.in_flight_records,
            "commit of a batch that is not in flight"
        );
        self.advance_committed(count);
        self.in_flight_records = 0;
    }

    /// Moves the committed offset `count` records on past records a batch took; those
    /// that did not pass the filter count as [`Partition::filtered`].
    fn advance_committed(&mut self, count: u64) {
        let committed = self.committed;
        if let Some(rare) = &mut self.rare
            && let Some(filter) = &mut rare.filter
        {
            rare.filtered += count - filter.matched(committed, committed + count);
        }
        self.committed += count;
    }

    /// Records that did not pass the filter among the `count` from offset `from`.
    fn unmatched(&mut self, from: u64, count: u64) -> u64 {
        count - self.matched_in(from, count)
    }

    /// Records that pass the filter among the `count` from offset `from` (all of them
    /// without a filter).
    pub fn matched_in(&mut self, from: u64, count: u64) -> u64 {
        match self.filter_mut() {
            Some(filter) => filter.matched(from, from + count),
            None => count,
        }
    }

    /// Commits the `count` records in flight although they were not processed
    /// successfully (sent to an on-failure destination or discarded): the committed
    /// offset moves past them and they count as skipped for `reason`, except those that
    /// did not pass the filter, which count as [`Partition::filtered`].
    pub fn commit_unprocessed(&mut self, count: u64, reason: Skip) {
        self.commit_mixed(0, count, reason);
    }

    /// Commits the records in flight: the first `processed` were processed
    /// successfully, the `unprocessed` after them were not (see
    /// [`Partition::commit_unprocessed`]).
    pub fn commit_mixed(&mut self, processed: u64, unprocessed: u64, reason: Skip) {
        let unmatched = self.unmatched(self.committed + processed, unprocessed);
        self.commit(processed + unprocessed);
        self.add_skipped(reason, unprocessed - unmatched);
    }

    /// Commits the first `count` records in flight and puts the rest (`rest`, in offset
    /// order) back at the front as a failed attempt: a partial-batch response.
    pub fn commit_partial<'r>(
        &mut self,
        count: u64,
        rest: impl DoubleEndedIterator<Item = &'r Run>,
        attempts: u32,
    ) {
        let end = self.committed + self.in_flight_records;
        self.advance_committed(count);
        self.in_flight_records -= count;
        self.restore_front(rest);
        self.note_failed(end, attempts);
    }

    /// Commits the first `k` waiting records without a batch (the partition must not be
    /// in flight): a record too large to send, or records that left the log.
    pub fn skip_front(&mut self, k: u64, reason: Skip) -> Run {
        debug_assert!(!self.in_flight(), "skip_front while a batch is in flight");
        let run = self.take_front(k);
        self.committed += run.count;
        self.add_skipped(reason, run.count);
        run
    }

    /// Counts `count` more records committed without success for `reason`.
    fn add_skipped(&mut self, reason: Skip, count: u64) {
        if count > 0 {
            self.rare_mut().skipped[reason as usize] += count;
        }
    }

    /// Records that arrived at or before `cutoff` are gone from the log (retention):
    /// the consumer skips them, as Kafka does when the committed offset falls out of the
    /// log. Nothing happens while a batch is in flight (its records are older and are
    /// dealt with when it ends). Returns the records expired.
    pub fn expire(&mut self, cutoff: SimTime) -> u64 {
        if self.in_flight() {
            return 0;
        }
        let mut expired = 0;
        while let Some(run) = self.front_ready() {
            let k = run.arrived_by(cutoff);
            if k == 0 {
                break;
            }
            expired += self.skip_front(k, Skip::Expired).count;
        }
        expired
    }

    /// Checks conservation: every produced record is committed, in flight, or waiting;
    /// the cached counters match the runs; the committed records without processing are
    /// part of the committed ones and the failed ones were produced. Returns what does
    /// not add up.
    pub fn check_conservation(&self) -> Result<(), String> {
        let arrived = self
            .first_future()
            .map_or(0, |run| run.front_bytes(self.future_arrived));
        let wholly = || self.runs.iter().take(self.arrived_runs as usize);
        let ready: u64 = wholly().map(|r| r.count).sum::<u64>() + self.future_arrived;
        let ready_bytes: u64 = wholly().map(|r| r.bytes).sum::<u64>() + arrived;
        if ready != self.ready_count || ready_bytes != self.ready_bytes {
            return Err(format!(
                "ready runs hold {ready} records / {ready_bytes} bytes but the counters say {} / {}",
                self.ready_count, self.ready_bytes
            ));
        }
        let skipped = self.skipped();
        let unprocessed = skipped + self.filtered() + self.skipped_at_start();
        if unprocessed > self.committed {
            return Err(format!(
                "committed {} < skipped {skipped} + filtered {} + skipped at start {}",
                self.committed,
                self.filtered(),
                self.skipped_at_start()
            ));
        }
        if self.failed_until() > self.produced {
            return Err(format!(
                "failed records up to offset {} but only {} produced",
                self.failed_until(),
                self.produced
            ));
        }
        let accounted = self.committed + self.in_flight_records + self.ready_count;
        if accounted != self.produced {
            return Err(format!(
                "produced {} != committed {} + in flight {} + waiting {}",
                self.produced, self.committed, self.in_flight_records, self.ready_count
            ));
        }
        Ok(())
    }

    /// Records arrived so far (log end offset).
    pub fn produced(&self) -> u64 {
        self.produced
    }

    /// Records committed so far.
    pub fn committed(&self) -> u64 {
        self.committed
    }

    /// Records committed without a successful invocation (part of
    /// [`Partition::committed`]), for every reason.
    pub fn skipped(&self) -> u64 {
        self.rare
            .as_ref()
            .map_or(0, |rare| rare.skipped.iter().sum())
    }

    /// Records committed without a successful invocation for `reason`.
    pub fn skipped_for(&self, reason: Skip) -> u64 {
        self.rare
            .as_ref()
            .map_or(0, |rare| rare.skipped[reason as usize])
    }

    /// Records committed after a successful invocation (those the filter let through).
    pub fn succeeded(&self) -> u64 {
        self.committed - self.skipped() - self.filtered() - self.skipped_at_start()
    }

    /// Committed records that did not pass the filter (part of
    /// [`Partition::committed`]).
    pub fn filtered(&self) -> u64 {
        self.rare.as_ref().map_or(0, |rare| rare.filtered)
    }

    /// Records skipped because the consumer started at the end of the log (part of
    /// [`Partition::committed`]).
    pub fn skipped_at_start(&self) -> u64 {
        self.rare.as_ref().map_or(0, |rare| rare.skipped_at_start)
    }

    /// Offset lag: produced minus committed (records in flight count as lag).
    pub fn lag(&self) -> u64 {
        self.produced - self.committed
    }

    /// Arrived records waiting to be taken into a batch.
    pub fn ready_count(&self) -> u64 {
        self.ready_count
    }

    /// Raw bytes of the arrived records waiting to be taken into a batch.
    pub fn ready_bytes(&self) -> u64 {
        self.ready_bytes
    }

    /// Arrival time of the oldest uncommitted record, if any.
    pub fn oldest_uncommitted(&self) -> Option<SimTime> {
        if self.in_flight() {
            Some(self.in_flight_oldest)
        } else {
            self.oldest_ready()
        }
    }
}
