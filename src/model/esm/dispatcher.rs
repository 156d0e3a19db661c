//! The dispatcher: the ESM's state between events (assignment, processors, bandwidth,
//! batches in flight, failed attempts) and its two decisions.
//!
//! * [`Dispatcher::try_dispatch`]: a processor invokes its batch when one of the closing
//!   rules holds (the batch is full, or the window has ended with records waiting) and
//!   its poller's bandwidth allows, otherwise it names the earliest time to look again.
//!   The window opens when the processor goes idle (`after_invocation`), or, with
//!   `first_record`, at the later of that and the arrival of its oldest waiting record
//!   (see [`Dispatcher::window_deadline`]).
//! * [`Dispatcher::settle`] and [`Dispatcher::release`]: an invocation ended; its records
//!   are committed, go back to the front of their partitions to be retried (whole, from
//!   the first failed record, or bisected), or, when their retries or age ran out, go to
//!   the on-failure destination; then the processor (or, after a rebalance, the
//!   partitions' new owners) may go on. A batch whose partition moved to another poller
//!   while it was in flight is not committed by its old owner: the new owner reads it
//!   again (a duplicate delivery).
//!
//! It schedules nothing itself: it answers with [`Dispatch`] and [`Rebalance`] values
//! that the simulation turns into events, so the order of events stays the simulation's.

use std::mem;

use crate::engine::time::{SimDuration, SimTime};
use crate::model::esm::{
    Bandwidth, Batch, BatchLimits, Load, Pending, Processor, Utilisation, assign, build_batch,
    fill::fill_time,
};
use crate::model::function::Outcome;
use crate::model::log::{Partition, Run, Skip, TopicLog};
use crate::scenario::esm::on_failure::{Destination, OnFailure};
use crate::scenario::{ConcurrentInvokes, Scenario, WindowStart};

/// What a processor does after [`Dispatcher::try_dispatch`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dispatch {
    /// Nothing to do until something else happens (no record will arrive in the run).
    Idle,
    /// Look again at `at`, if `token` is still the processor's wake token then.
    WakeAt {
        /// When.
        at: SimTime,
        /// Identifies this wake-up; an older one is stale.
        token: u64,
    },
    /// The batch in `slot` was built and is in flight: invoke it.
    Invoke {
        /// Slot of the batch, see [`Dispatcher::batch`].
        slot: u32,
    },
}

/// Which records of a settled batch were processed successfully and committed (their
/// latency is measured).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settled {
    /// All of the batch's runs ([`Batch::runs`]).
    All,
    /// Those of [`Dispatcher::partly_committed`].
    Some,
    /// None.
    None,
}

/// A pause of every partition after a change of the poller count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rebalance {
    /// When partitions resume.
    pub until: SimTime,
    /// The assignment generation that resumes then.
    pub generation: u32,
}

/// The event source mapping's state and its dispatch rules.
pub struct Dispatcher {
    limits: BatchLimits,
    partitions: u32,
    per_poller: ConcurrentInvokes,
    max_bytes_per_s: u64,
    /// Whether records that do not pass the filter use the poller's bandwidth.
    bandwidth_counts_filtered: bool,
    batching_window: SimDuration,
    window_starts: WindowStart,
    rebalance_pause: SimDuration,
    /// No wake-up is scheduled for an arrival after this time (the end of the run).
    horizon: SimTime,
    processors: Vec<Processor>,
    /// Processor that owns each partition in the current assignment.
    owner: Vec<u32>,
    generation: u32,
    pollers: u32,
    paused_until: SimTime,
    bandwidth: Vec<Bandwidth>,
    /// Bytes read per poller and busy time per processor, per sample interval.
    utilisation: Utilisation,
    /// What happens to failed batches.
    on_failure: OnFailure,
    /// Records delivered again after their partition moved during a rebalance.
    duplicated: u64,
    /// Runs committed by the last [`Dispatcher::settle`] that returned [`Settled::Some`].
    partly_committed: Vec<Run>,
    /// Reused buffer: the runs of a partition put back after a partial commit.
    scratch_rest: Vec<Run>,
    /// Batches of the invocations in flight, by slot; freed slots are reused (with their
    /// allocations) by later invocations.
    batches: Vec<Batch>,
    free_slots: Vec<u32>,
    next_token: u64,
    /// Reused buffers: eligible partitions of a dispatch, future runs of a fill search.
    scratch_eligible: Vec<u32>,
    scratch_runs: Vec<Pending>,
}

impl Dispatcher {
    /// The ESM of `scenario`, with no pollers until [`Dispatcher::reassign`].
    pub fn new(scenario: &Scenario) -> Self {
        let esm = &scenario.esm;
        let partitions = scenario.topic.partitions;
        Dispatcher {
            limits: BatchLimits::new(esm),
            partitions,
            per_poller: esm.poller.max_concurrent_invokes,
            max_bytes_per_s: esm.poller.max_bytes_per_s,
            bandwidth_counts_filtered: esm
                .filter
                .as_ref()
                .is_none_or(|f| f.bandwidth_counts_filtered),
            batching_window: esm.batching_window,
            window_starts: esm.batching_window_starts,
            rebalance_pause: esm.rebalance_pause,
            horizon: SimTime::ZERO + scenario.duration,
            processors: Vec::new(),
            owner: vec![0; partitions as usize],
            generation: 0,
            pollers: 0,
            paused_until: SimTime::ZERO,
            bandwidth: Vec::new(),
            utilisation: Utilisation::new(esm.poller.max_bytes_per_s),
            on_failure: esm.on_failure.clone(),
            duplicated: 0,
            partly_committed: Vec::new(),
            scratch_rest: Vec::new(),
            batches: Vec::new(),
            free_slots: Vec::new(),
            next_token: 0,
            scratch_eligible: Vec::new(),
            scratch_runs: Vec::new(),
        }
    }

    /// Active pollers.
    pub fn pollers(&self) -> u32 {
        self.pollers
    }

    /// Processors of the current assignment.
    pub fn processor_count(&self) -> u32 {
        self.processors.len() as u32
    }

    /// Processors with a batch in flight.
    pub fn busy_processors(&self) -> usize {
        self.processors.iter().filter(|p| p.busy).count()
    }

    /// Closes the sample interval ending at `now`: how hard pollers and processors
    /// worked during it.
    pub fn close_interval(&mut self, now: SimTime) -> Load {
        self.utilisation.close(now)
    }

    /// The current assignment generation (one more at every poller change).
    pub fn generation(&self) -> u32 {
        self.generation
    }

    /// Whether `token` is the only valid wake-up of `processor`.
    pub fn is_current_wake(&self, processor: u32, token: u64) -> bool {
        self.processors
            .get(processor as usize)
            .is_some_and(|p| p.wake_token == token)
    }

    /// The batch in `slot`.
    pub fn batch(&self, slot: u32) -> &Batch {
        &self.batches[slot as usize]
    }

    /// Records delivered again so far because their partition moved to another poller
    /// while their batch was in flight.
    pub fn duplicated(&self) -> u64 {
        self.duplicated
    }

    /// The runs committed by the last settle that returned [`Settled::Some`].
    pub fn partly_committed(&self) -> &[Run] {
        &self.partly_committed
    }

    /// The batch limits of `processor`'s next batch: a bisection caps its size.
    fn limits_of(&self, processor: u32) -> BatchLimits {
        match self.processors[processor as usize].bisect.last() {
            Some(&cap) => BatchLimits {
                batch_size: cap.min(self.limits.batch_size),
                ..self.limits
            },
            None => self.limits,
        }
    }

    /// Replaces the processors with those of `pollers` pollers (at least one, at most one
    /// per partition). Every partition pauses for the rebalance (eager assignor), except
    /// at the first assignment (at t = 0, or when polling starts after
    /// `esm.startup_delay`); the pause to wait for is returned.
    pub fn reassign(&mut self, now: SimTime, pollers: u32) -> Option<Rebalance> {
        self.pollers = pollers.clamp(1, self.partitions);
        let first = self.generation == 0;
        self.generation += 1;
        let pause = if first || now == SimTime::ZERO {
            SimDuration::ZERO
        } else {
            self.rebalance_pause
        };
        self.paused_until = now + pause;
        let start = self.paused_until + self.batching_window;
        self.processors = assign(self.partitions, self.pollers, self.per_poller, start);
        self.bandwidth = vec![Bandwidth::default(); self.pollers as usize];
        self.utilisation
            .reassign(now, self.pollers, &self.processors);
        for (i, processor) in self.processors.iter().enumerate() {
            for &p in &processor.partitions {
                self.owner[p as usize] = i as u32;
            }
        }
        (pause > SimDuration::ZERO).then_some(Rebalance {
            until: self.paused_until,
            generation: self.generation,
        })
    }

    /// Builds and starts the processor's batch if one of the closing rules holds,
    /// otherwise says when to look again.
    pub fn try_dispatch(&mut self, processor: u32, now: SimTime, log: &mut TopicLog) -> Dispatch {
        if self.processors[processor as usize].busy {
            return Dispatch::Idle;
        }
        let mut eligible = mem::take(&mut self.scratch_eligible);
        let waiting = self.collect_eligible(processor, now, log, &mut eligible);
        let dispatch = if eligible.is_empty() {
            Dispatch::Idle
        } else {
            self.dispatch_eligible(processor, now, &eligible, waiting, log)
        };
        self.scratch_eligible = eligible;
        dispatch
    }

    /// Puts the partitions of `processor` that can join a batch at `now` into `eligible`,
    /// advanced to `now`, and returns their ready records and bytes: one pass over the
    /// processor's partitions, which a processor of many partitions reads from memory.
    fn collect_eligible(
        &self,
        processor: u32,
        now: SimTime,
        log: &mut TopicLog,
        eligible: &mut Vec<u32>,
    ) -> (u64, u64) {
        eligible.clear();
        let (mut ready, mut bytes) = (0, 0);
        if now < self.paused_until {
            return (ready, bytes);
        }
        for &p in &self.processors[processor as usize].partitions {
            if log.partition(p).in_flight() {
                continue;
            }
            eligible.push(p);
            let (r, b) = advanced_waiting(log, p, now);
            ready += r;
            bytes += b;
        }
        (ready, bytes)
    }

    /// [`Self::try_dispatch`] once the eligible partitions are known (at least one),
    /// with `waiting` their ready records and bytes.
    fn dispatch_eligible(
        &mut self,
        processor: u32,
        now: SimTime,
        eligible: &[u32],
        mut waiting: (u64, u64),
        log: &mut TopicLog,
    ) -> Dispatch {
        let limits = self.limits_of(processor);
        let wake_at = loop {
            let (ready, bytes) = waiting;
            let deadline = self.window_deadline(processor, now, ready, eligible, log);
            let can_send = limits.is_full(ready, bytes) || (now >= deadline && ready > 0);
            let not_before = self.processors[processor as usize].not_before;
            if can_send && now < not_before {
                break Some(not_before);
            }
            if can_send {
                let poller = self.processors[processor as usize].poller as usize;
                let bandwidth_ready = self.bandwidth[poller].ready_at(now);
                if bandwidth_ready > now {
                    break Some(bandwidth_ready);
                }
                match self.start_batch(processor, now, eligible, &limits, log) {
                    Some(slot) => return Dispatch::Invoke { slot },
                    // Only records too large to send were ready: they were dropped.
                    None => {
                        waiting = eligible.iter().fold((0, 0), |(ready, bytes), &p| {
                            let (r, b) = advanced_waiting(log, p, now);
                            (ready + r, bytes + b)
                        });
                        continue;
                    }
                }
            }
            break if now < deadline {
                let mut runs = mem::take(&mut self.scratch_runs);
                let full_at = fill_time(log, eligible, deadline, &limits, &mut runs);
                self.scratch_runs = runs;
                Some(full_at.unwrap_or(deadline))
            } else {
                let horizon = self.horizon;
                eligible
                    .iter()
                    .filter_map(|&p| log.next_arrival(p, now, horizon))
                    .min()
                    .filter(|&t| t <= horizon)
            };
        };
        match wake_at {
            Some(at) => {
                self.next_token += 1;
                let token = self.next_token;
                self.processors[processor as usize].wake_token = token;
                Dispatch::WakeAt { at, token }
            }
            None => Dispatch::Idle,
        }
    }

    /// When the processor's window ends, given `ready` records waiting on its `eligible`
    /// partitions at `now` (already advanced to `now`).
    ///
    /// The processor's `window_deadline` is the time it went idle (its previous
    /// invocation ended, or its partitions became available at t = 0 or after a
    /// rebalance) plus the window; with `after_invocation` that is the deadline. With
    /// `first_record` the window opens at the later of that time and the arrival of the
    /// oldest record waiting (or, with none waiting, of the next record to arrive), so
    /// it never ends before a full window after that record; with no record left to
    /// arrive in the run, it stays the stored deadline.
    fn window_deadline(
        &self,
        processor: u32,
        now: SimTime,
        ready: u64,
        eligible: &[u32],
        log: &mut TopicLog,
    ) -> SimTime {
        let idle_deadline = self.processors[processor as usize].window_deadline;
        if self.window_starts == WindowStart::AfterInvocation {
            return idle_deadline;
        }
        let first = if ready > 0 {
            eligible
                .iter()
                .filter_map(|&p| log.partition(p).oldest_ready())
                .min()
        } else {
            eligible
                .iter()
                .filter_map(|&p| log.next_arrival(p, now, self.horizon))
                .min()
        };
        first.map_or(idle_deadline, |t| {
            idle_deadline.max(t + self.batching_window)
        })
    }

    /// Builds the processor's batch into a free slot, puts its records in flight and
    /// charges the poller's bandwidth. `None` when the batch came out empty (only
    /// records too large to send were waiting, and they were dropped).
    fn start_batch(
        &mut self,
        processor: u32,
        now: SimTime,
        eligible: &[u32],
        limits: &BatchLimits,
        log: &mut TopicLog,
    ) -> Option<u32> {
        let slot = self.free_slots.pop().unwrap_or_else(|| {
            self.batches.push(Batch::default());
            self.batches.len() as u32 - 1
        });
        let batch = &mut self.batches[slot as usize];
        build_batch(log.partitions_mut(), eligible, limits, batch);
        if batch.records == 0 {
            self.free_slots.push(slot);
            return None;
        }
        let state = &mut self.processors[processor as usize];
        let (mut failed_before, mut retry) = (0, false);
        for part in &batch.parts {
            let partition = log.partition_mut(part.partition);
            failed_before = failed_before.max(partition.failed_attempts());
            retry |= partition.is_blocked();
            partition.start_flight(part.oldest, part.records);
        }
        batch.attempt = failed_before + 1;
        batch.retry = retry;
        batch.processor = processor;
        batch.poller = state.poller;
        batch.generation = self.generation;
        batch.bisected = !state.bisect.is_empty();
        batch.failed = false;
        state.busy = true;
        let fetched = if self.bandwidth_counts_filtered {
            batch.bytes
        } else {
            batch.matched_bytes
        };
        self.bandwidth[state.poller as usize].consume(now, fetched, self.max_bytes_per_s);
        self.utilisation
            .batch_started(now, processor, state.poller, fetched);
        Some(slot)
    }

    /// Applies the `outcome` of the invocation of the batch in `slot`, ended at `now`,
    /// to its partitions. `first_failed` holds, for a poison record with partial-batch
    /// responses on, the first failed offset of each part (`None`: the part succeeded);
    /// it is empty otherwise.
    ///
    /// * Success: the records are committed, except those of a partition that moved to
    ///   another poller during a rebalance, which go back to be delivered again.
    /// * Throttled: the records go back, not as an attempt.
    /// * A failure with partial-batch responses and a poison record: each part commits
    ///   its records before its first failed one; the rest is retried.
    /// * Any other failure: the batch is retried whole, or in halves with bisection
    ///   (halves of one record cannot split). When the failed attempts exceed the retry
    ///   limit, or the oldest record is older than the record age limit, the records go
    ///   to the destination (or are discarded without one) and their offsets are
    ///   committed.
    pub fn settle(
        &mut self,
        now: SimTime,
        slot: u32,
        outcome: Outcome,
        first_failed: &[Option<u64>],
        log: &mut TopicLog,
    ) -> Settled {
        let batch = &self.batches[slot as usize];
        let current = batch.generation == self.generation;
        if outcome.commits() {
            if current {
                self.finish_bisected(slot);
                for part in &self.batches[slot as usize].parts {
                    log.partition_mut(part.partition).commit(part.records);
                }
                return Settled::All;
            }
            return self.settle_moved(slot, log);
        }
        if !outcome.is_error() {
            for part in &batch.parts {
                log.partition_mut(part.partition)
                    .restore_front(batch.runs_of(part.partition));
            }
            return Settled::None;
        }
        self.batches[slot as usize].failed = true;
        if !first_failed.is_empty() {
            return self.settle_partial(now, slot, first_failed, log);
        }
        let batch = &self.batches[slot as usize];
        let splits = self.on_failure.bisect_batch && batch.records > 1;
        let failed = if splits && !self.on_failure.bisect_consumes_attempts {
            batch.attempt - 1
        } else {
            batch.attempt
        };
        if self.exhausted(now, slot, failed) {
            self.finish_bisected(slot);
            self.batches[slot as usize].failed = false;
            let batch = &self.batches[slot as usize];
            let reason = self.exhausted_reason();
            for part in &batch.parts {
                log.partition_mut(part.partition)
                    .commit_unprocessed(part.records, reason);
            }
            return Settled::None;
        }
        for part in &batch.parts {
            log.partition_mut(part.partition)
                .restore_failed(batch.runs_of(part.partition), failed);
        }
        if splits && current {
            let records = batch.records;
            let bisect = &mut self.processors[batch.processor as usize].bisect;
            if batch.bisected {
                bisect.pop();
            }
            bisect.push(records / 2);
            bisect.push(records - records / 2);
        }
        Settled::None
    }

    /// Whether the batch in `slot`, failed `failed` times, has run out of retries or age.
    fn exhausted(&self, now: SimTime, slot: u32, failed: u32) -> bool {
        let batch = &self.batches[slot as usize];
        let out_of_retries = self
            .on_failure
            .retry_limit()
            .is_some_and(|limit| failed > limit);
        let too_old = self.on_failure.max_record_age.is_some_and(|age| {
            batch
                .parts
                .iter()
                .any(|part| now.saturating_since(part.oldest) > age)
        });
        out_of_retries || too_old
    }

    /// Where exhausted records go.
    fn exhausted_reason(&self) -> Skip {
        match self.on_failure.destination {
            Destination::None => Skip::Discarded,
            _ => Skip::Destination,
        }
    }

    /// A bisected batch is done (committed or given up): its processor goes on with the
    /// next size.
    fn finish_bisected(&mut self, slot: u32) {
        let batch = &self.batches[slot as usize];
        if batch.bisected && batch.generation == self.generation {
            self.processors[batch.processor as usize].bisect.pop();
        }
    }

    /// A successful batch of an older assignment: the parts whose partition stayed with
    /// the same poller commit; the others go back to be delivered again by the new
    /// owner (their old owner's commit is refused after the rebalance).
    fn settle_moved(&mut self, slot: u32, log: &mut TopicLog) -> Settled {
        self.partly_committed.clear();
        let batch = &self.batches[slot as usize];
        for part in &batch.parts {
            let p = part.partition;
            let owner = self.processors[self.owner[p as usize] as usize].poller;
            let partition = log.partition_mut(p);
            if owner == batch.poller {
                let mut offset = part.offset;
                for run in batch.runs_of(p) {
                    push_matched(&mut self.partly_committed, partition, offset, *run);
                    offset += run.count;
                }
                partition.commit(part.records);
            } else {
                partition.restore_front(batch.runs_of(p));
                self.duplicated += part.records;
            }
        }
        Settled::Some
    }

    /// A poison record with partial-batch responses: each part commits up to its first
    /// failed record; the rest is retried, or sent to the destination when exhausted.
    fn settle_partial(
        &mut self,
        now: SimTime,
        slot: u32,
        first_failed: &[Option<u64>],
        log: &mut TopicLog,
    ) -> Settled {
        let failed = self.batches[slot as usize].attempt;
        let exhausted = self.exhausted(now, slot, failed);
        let reason = self.exhausted_reason();
        if exhausted {
            self.finish_bisected(slot);
            self.batches[slot as usize].failed = false;
        }
        self.partly_committed.clear();
        let mut rest = mem::take(&mut self.scratch_rest);
        let batch = &self.batches[slot as usize];
        for (part, failed_at) in batch.parts.iter().zip(first_failed) {
            let p = part.partition;
            let good = failed_at.map_or(part.records, |f| f - part.offset);
            rest.clear();
            let partition = log.partition_mut(p);
            let (mut left, mut offset) = (good, part.offset);
            for run in batch.runs_of(p) {
                let mut run = *run;
                if left >= run.count {
                    left -= run.count;
                    push_matched(&mut self.partly_committed, partition, offset, run);
                    offset += run.count;
                } else {
                    if left > 0 {
                        let front = run.split_front(left);
                        push_matched(&mut self.partly_committed, partition, offset, front);
                        left = 0;
                    }
                    rest.push(run);
                }
            }
            if good == part.records {
                partition.commit(part.records);
            } else if exhausted {
                partition.commit_mixed(good, part.records - good, reason);
            } else {
                partition.commit_partial(good, rest.iter(), failed);
            }
        }
        self.scratch_rest = rest;
        Settled::Some
    }

    /// After a batch was settled: if the invoking processor's assignment is still
    /// current, frees the slot, restarts the processor's window and returns it (it may
    /// dispatch now). Otherwise returns `None` and the slot stays taken until
    /// [`Dispatcher::free`], so that the caller can let the new owners of the batch's
    /// partitions ([`Dispatcher::owner`]) dispatch.
    pub fn release(
        &mut self,
        now: SimTime,
        generation: u32,
        processor: u32,
        slot: u32,
    ) -> Option<u32> {
        if generation != self.generation {
            return None;
        }
        self.free_slots.push(slot);
        let state = &mut self.processors[processor as usize];
        state.busy = false;
        self.utilisation.batch_ended(now, processor);
        match self.on_failure.retry_backoff {
            // A failed batch is retried once the backoff has passed, without a window.
            Some(backoff) if self.batches[slot as usize].failed => {
                state.window_deadline = now + backoff;
                state.not_before = now + backoff;
            }
            _ => state.window_deadline = now + self.batching_window,
        }
        Some(processor)
    }

    /// Ends the batching window of `processor` at `now`, so that what it holds goes at
    /// once: after a throttle's backoff the batch is invoked again without a new window.
    pub fn close_window(&mut self, processor: u32, now: SimTime) {
        self.processors[processor as usize].window_deadline = now;
    }

    /// The processor that owns `partition` in the current assignment.
    pub fn owner(&self, partition: u32) -> u32 {
        self.owner[partition as usize]
    }

    /// Frees the slot of a batch that [`Dispatcher::release`] kept.
    pub fn free(&mut self, slot: u32) {
        self.free_slots.push(slot);
    }
}

/// Partition `p` advanced to `now`: its ready records and bytes.
fn advanced_waiting(log: &mut TopicLog, p: u32, now: SimTime) -> (u64, u64) {
    let partition = log.advance(p, now);
    (partition.ready_count(), partition.ready_bytes())
}

/// Adds the records of `run`, from `offset` of `partition`, that passed the filter (and so
/// reached the function) to `committed`.
fn push_matched(committed: &mut Vec<Run>, partition: &mut Partition, offset: u64, run: Run) {
    let matched = partition.matched_in(offset, run.count);
    if matched > 0 {
        committed.push(run.thinned(matched));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load::from_yaml_str;

    /// `partitions` partitions at 10 records/s each (fluid, one every 0.1 s), batches of
    /// 5 records, a 1 s window, a 2 s rebalance pause.
    fn setup(partitions: u32) -> (Dispatcher, TopicLog) {
        let yaml = format!(
            "name: dispatch
duration: 1m
topic: {{partitions: {partitions}}}
producer: {{arrivals: deterministic, resolution: 10ms, rate: [{{constant: {}}}]}}
esm: {{batch_size: 5, batching_window: 1s, rebalance_pause: 2s, scaler: {{policy: fixed, pollers: 1}}}}
function: {{memory: 1024, duration: {{per_batch: 100ms}}}}
",
            10 * partitions
        );
        let scenario = from_yaml_str(&yaml, std::path::Path::new("."), &[]).expect("valid");
        (Dispatcher::new(&scenario), TopicLog::new(&scenario))
    }

    fn secs(s: f64) -> SimTime {
        SimTime::from_secs_f64(s)
    }

    fn invoke(esm: &mut Dispatcher, log: &mut TopicLog, now: SimTime) -> u32 {
        match esm.try_dispatch(0, now, log) {
            Dispatch::Invoke { slot } => slot,
            other => panic!("expected an invoke at {now}, got {other:?}"),
        }
    }

    #[test]
    fn a_batch_waits_until_full_then_its_attempts_count_failures_but_not_throttles() {
        let (mut esm, mut log) = setup(1);
        assert_eq!(esm.reassign(SimTime::ZERO, 1), None);
        // Records at 0.1, 0.2, ... s: the fifth fills the batch at 0.5 s.
        assert_eq!(
            esm.try_dispatch(0, SimTime::ZERO, &mut log),
            Dispatch::WakeAt {
                at: secs(0.5),
                token: 1
            }
        );
        assert!(esm.is_current_wake(0, 1));
        let mut attempts = Vec::new();
        for outcome in [
            Outcome::Timeout,
            Outcome::Error,
            Outcome::Throttled,
            Outcome::Ok,
        ] {
            let slot = invoke(&mut esm, &mut log, secs(0.5));
            let batch = esm.batch(slot);
            attempts.push(batch.attempt);
            assert_eq!((batch.records, batch.parts[0].oldest), (5, secs(0.1)));
            assert!(log.partition(0).in_flight());
            // The processor is busy until its invocation is released.
            assert_eq!(esm.try_dispatch(0, secs(0.5), &mut log), Dispatch::Idle);
            esm.settle(secs(0.5), slot, outcome, &[], &mut log);
            assert_eq!(esm.release(secs(0.5), esm.generation(), 0, slot), Some(0));
        }
        // Two failed attempts, then a throttle that is not one, then success.
        assert_eq!(attempts, vec![1, 2, 3, 3]);
        assert_eq!(log.partition(0).committed(), 5);
        let slot = invoke(&mut esm, &mut log, secs(1.0));
        assert_eq!(esm.batch(slot).attempt, 1);
    }

    /// One partition with one record every 2 s (at 2, 4, 6 s), batches of 5, a 1 s
    /// window opening as `starts` says.
    fn low_traffic(starts: &str) -> (Dispatcher, TopicLog) {
        let yaml = format!(
            "name: low
duration: 1m
topic: {{partitions: 1}}
producer: {{arrivals: deterministic, resolution: 10ms, rate: [{{constant: 0.5}}]}}
esm: {{batch_size: 5, batching_window: 1s, batching_window_starts: {starts}, scaler: {{policy: fixed, pollers: 1}}}}
function: {{memory: 1024, duration: {{per_batch: 100ms}}}}
"
        );
        let scenario = from_yaml_str(&yaml, std::path::Path::new("."), &[]).expect("valid");
        (Dispatcher::new(&scenario), TopicLog::new(&scenario))
    }

    /// Where `esm` wakes processor 0 at `now` (panics unless it is a wake-up).
    fn wake(esm: &mut Dispatcher, log: &mut TopicLog, now: SimTime) -> SimTime {
        match esm.try_dispatch(0, now, log) {
            Dispatch::WakeAt { at, .. } => at,
            other => panic!("expected a wake-up at {now}, got {other:?}"),
        }
    }

    /// Invokes at `at`, and the invocation ends successfully 100 ms later.
    fn invoke_and_end(esm: &mut Dispatcher, log: &mut TopicLog, at: SimTime) {
        let slot = invoke(esm, log, at);
        assert_eq!(esm.batch(slot).records, 1);
        esm.settle(at, slot, Outcome::Ok, &[], log);
        let end = at + SimDuration::from_millis(100);
        assert_eq!(esm.release(end, esm.generation(), 0, slot), Some(0));
    }

    #[test]
    fn after_invocation_a_lone_record_goes_at_once_when_the_window_ended_long_ago() {
        let (mut esm, mut log) = low_traffic("after_invocation");
        esm.reassign(SimTime::ZERO, 1);
        // The window opened at 0 and ends at 1 s; nothing there, so wait for the record
        // of 2 s, which finds the window over and goes at once.
        assert_eq!(wake(&mut esm, &mut log, SimTime::ZERO), secs(1.0));
        assert_eq!(wake(&mut esm, &mut log, secs(1.0)), secs(2.0));
        invoke_and_end(&mut esm, &mut log, secs(2.0));
        // The next window runs from 2.1 to 3.1 s, empty; the record of 4 s goes at 4 s.
        assert_eq!(wake(&mut esm, &mut log, secs(2.1)), secs(3.1));
        assert_eq!(wake(&mut esm, &mut log, secs(3.1)), secs(4.0));
        invoke_and_end(&mut esm, &mut log, secs(4.0));
    }

    #[test]
    fn first_record_a_lone_record_waits_a_full_window_from_its_arrival() {
        let (mut esm, mut log) = low_traffic("first_record");
        esm.reassign(SimTime::ZERO, 1);
        // The record of 2 s opens the window: it goes at 3 s, one window after it.
        assert_eq!(wake(&mut esm, &mut log, SimTime::ZERO), secs(3.0));
        assert_eq!(wake(&mut esm, &mut log, secs(2.0)), secs(3.0));
        invoke_and_end(&mut esm, &mut log, secs(3.0));
        // Idle from 3.1 s; the record of 4 s opens the next window, until 5 s.
        assert_eq!(wake(&mut esm, &mut log, secs(3.1)), secs(5.0));
        // That invocation runs until 6.5 s: the record of 6 s is already waiting when
        // the processor goes idle, so the window opens then, as with `after_invocation`.
        let slot = invoke(&mut esm, &mut log, secs(5.0));
        esm.settle(secs(0.5), slot, Outcome::Ok, &[], &mut log);
        assert_eq!(esm.release(secs(6.5), esm.generation(), 0, slot), Some(0));
        assert_eq!(wake(&mut esm, &mut log, secs(6.5)), secs(7.5));
    }

    #[test]
    fn after_a_rebalance_the_new_owners_go_on_once_the_pause_ends() {
        let (mut esm, mut log) = setup(2);
        esm.reassign(SimTime::ZERO, 1);
        // One poller, one processor per partition (up to 5 per poller).
        assert_eq!(esm.processor_count(), 2);
        let slot = invoke(&mut esm, &mut log, secs(0.5));
        let old = esm.generation();
        assert_eq!(
            esm.reassign(secs(0.6), 2),
            Some(Rebalance {
                until: secs(2.6),
                generation: old + 1
            })
        );
        // Paused: nothing is eligible.
        assert_eq!(esm.try_dispatch(1, secs(1.0), &mut log), Dispatch::Idle);
        // The old batch still commits; partition 0's new owner is processor 0.
        esm.settle(secs(0.5), slot, Outcome::Ok, &[], &mut log);
        assert_eq!(esm.release(secs(0.7), old, 0, slot), None);
        assert_eq!(esm.owner(esm.batch(slot).parts[0].partition), 0);
        esm.free(slot);
        assert_eq!(log.partition(0).committed(), 5);
        assert_eq!(esm.busy_processors(), 0);
        // After the pause a full batch goes at once (windows only hold partial ones).
        assert_eq!(
            esm.try_dispatch(1, secs(2.6), &mut log),
            Dispatch::Invoke { slot: 0 }
        );
    }
}
