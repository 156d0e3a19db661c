//! The simulation loop: the events, their handlers, and the order in which time advances.
//!
//! # Ordering contract
//!
//! * Model events live in the [`EventQueue`] and fire in `(time, seq)` order: by time,
//!   and at equal times in the order they were scheduled.
//! * Scaler evaluations and samples are periodic observers outside the queue. At a time
//!   `t` every model event with time `<= t` fires first, then the scaler evaluates (if one
//!   is due at `t`), then the sample at `t` is taken. A sample at `t` therefore reflects
//!   everything that happened up to and including `t`, and row `k` of `timeseries.csv`
//!   covers the interval `(t - interval, t]`.
//! * A scaler decision at `t` takes effect at `t + delay` as a queue event; partitions then
//!   pause for `rebalance_pause` and processors restart when the pause ends.
//! * Samples are taken every `sample_interval` and at `duration` (a shorter last row when
//!   the duration is not a multiple of the interval). The run stops after the sample at
//!   `duration`; events later than that never fire and records still in flight count as
//!   lag.
//!
//! "Event" in performance figures means one popped queue event (processor wake-up,
//! invocation end, poller change, rebalance end).

use rand_chacha::ChaCha8Rng;

use crate::engine::queue::EventQueue;
use crate::engine::rng::{Purpose, stream};
use crate::engine::time::{SimDuration, SimTime};
use crate::metrics::summary::SummaryContext;
use crate::metrics::{Recorder, SampleRow, ScalingRecord, Snapshot, Summary};
use crate::model::cost::CostModel;
use crate::model::esm::{
    Bandwidth, Batch, BatchLimits, Processor, assign, build_batch, first_full_time,
};
use crate::model::function::DurationCalculator;
use crate::model::log::{Partition, Run};
use crate::model::scaler::{self, Action, Observation, Scaler};
use crate::model::traffic::{RateCurve, RecordSizer, partition_shares};
use crate::scenario::Scenario;

/// Everything a run produces.
#[derive(Clone, Debug)]
pub struct RunResult {
    /// One row per sample interval.
    pub rows: Vec<SampleRow>,
    /// One record per scaler evaluation.
    pub scaling: Vec<ScalingRecord>,
    /// The end-of-run summary.
    pub summary: Summary,
    /// Queue events processed.
    pub events: u64,
    /// Invariant violations found (only with [`Simulation::with_invariant_checks`]).
    pub violations: Vec<String>,
}

enum Event {
    /// A processor re-checks whether its batch can go (stale when the token differs).
    Wake { processor: u32, token: u64 },
    /// An invocation ended.
    InvocationDone {
        generation: u32,
        processor: u32,
        /// Index of the batch in [`Simulation::batches`].
        slot: u32,
        failed: bool,
    },
    /// A scaler decision takes effect.
    ApplyPollers { target: u32 },
    /// The partitions paused by a rebalance resume.
    RebalanceEnd { generation: u32 },
}

/// One run of a scenario.
pub struct Simulation<'a> {
    scenario: &'a Scenario,
    curve: RateCurve,
    sizer: RecordSizer,
    durations: DurationCalculator,
    limits: BatchLimits,
    partitions: Vec<Partition>,
    owner: Vec<u32>,
    paused_until: SimTime,
    duration_rngs: Vec<ChaCha8Rng>,
    retry_pending: Vec<bool>,
    processors: Vec<Processor>,
    bandwidth: Vec<Bandwidth>,
    generation: u32,
    pollers: u32,
    scaler: Box<dyn Scaler>,
    pending_change: bool,
    previous_lag: u64,
    queue: EventQueue<Event>,
    recorder: Recorder,
    scaling: Vec<ScalingRecord>,
    end: SimTime,
    next_token: u64,
    check_invariants: bool,
    violations: Vec<String>,
    /// Reused buffers (eligible partitions of a dispatch, future runs of a fill search).
    scratch_eligible: Vec<u32>,
    scratch_runs: Vec<Run>,
    /// Batches of the invocations in flight, by slot; freed slots are reused (with their
    /// allocations) by later invocations.
    batches: Vec<Batch>,
    free_slots: Vec<u32>,
}

impl<'a> Simulation<'a> {
    /// Prepares a run of `scenario` (nothing is simulated until [`Simulation::run`]).
    pub fn new(scenario: &'a Scenario) -> Self {
        let topic = &scenario.topic;
        let producer = &scenario.producer;
        let sizer = RecordSizer::new(&producer.record_size);
        let shares = partition_shares(&topic.keys, topic.partitions);
        let partitions: Vec<Partition> = shares
            .iter()
            .enumerate()
            .map(|(i, &share)| {
                Partition::new(
                    scenario.seed,
                    i as u32,
                    share,
                    producer.arrivals,
                    producer.resolution,
                    topic.initial_backlog,
                    &sizer,
                )
            })
            .collect();
        let initial_produced = partitions.iter().map(Partition::produced).sum();
        let duration_rngs = (0..topic.partitions)
            .map(|p| stream(scenario.seed, Purpose::Durations, p as u64))
            .collect();
        let scaler = scaler::build(&scenario.esm.scaler, topic.partitions, scenario.seed);
        let cost = CostModel::new(&scenario.pricing, scenario.function.architecture);
        Simulation {
            scenario,
            curve: RateCurve::new(&producer.rate),
            sizer,
            durations: DurationCalculator::new(&scenario.function),
            limits: BatchLimits::new(&scenario.esm),
            partitions,
            owner: vec![0; topic.partitions as usize],
            paused_until: SimTime::ZERO,
            duration_rngs,
            retry_pending: vec![false; topic.partitions as usize],
            processors: Vec::new(),
            bandwidth: Vec::new(),
            generation: 0,
            pollers: 0,
            scaler,
            pending_change: false,
            previous_lag: 0,
            queue: EventQueue::new(),
            recorder: Recorder::new(cost, scenario.function.memory, initial_produced),
            scaling: Vec::new(),
            end: SimTime::ZERO + scenario.duration,
            next_token: 0,
            check_invariants: false,
            violations: Vec::new(),
            scratch_eligible: Vec::new(),
            scratch_runs: Vec::new(),
            batches: Vec::new(),
            free_slots: Vec::new(),
        }
    }

    /// Checks conservation of records in every partition at every sample and the
    /// structural limits (pollers <= partitions, one batch in flight per partition);
    /// violations are returned in [`RunResult::violations`]. Costs a pass over every
    /// partition's runs per sample, so it is meant for tests.
    pub fn with_invariant_checks(mut self) -> Self {
        self.check_invariants = true;
        self
    }

    /// Leaves the rows' per-interval latency percentiles empty (the summary's are
    /// unchanged), which saves half of the latency-histogram work. For callers that
    /// use only [`RunResult::summary`], such as a sweep that keeps no runs.
    pub fn without_interval_latency(mut self) -> Self {
        self.recorder = self.recorder.without_interval_latency();
        self
    }

    /// Runs to the end; `progress` is called after every sample with the current time.
    pub fn run(mut self, progress: &mut dyn FnMut(SimTime)) -> RunResult {
        let initial = self.scaler.initial_pollers();
        self.reassign(SimTime::ZERO, initial);
        for p in 0..self.processors.len() as u32 {
            self.try_dispatch(p, SimTime::ZERO);
        }
        let sample_every = self.scenario.sample_interval;
        let evaluate_every = self.scaler.evaluation_interval();
        let mut next_sample = (SimTime::ZERO + sample_every).min(self.end);
        let mut next_evaluation = evaluate_every.map_or(SimTime::MAX, |d| SimTime::ZERO + d);
        loop {
            let next_event = self.queue.peek_time().unwrap_or(SimTime::MAX);
            let next_observer = next_sample.min(next_evaluation);
            if next_event <= next_observer && next_event <= self.end {
                let (now, event) = self.queue.pop().expect("peeked");
                self.handle(now, event);
            } else if next_evaluation <= next_sample && next_evaluation <= self.end {
                self.queue.advance_to(next_evaluation);
                self.evaluate_scaler(next_evaluation);
                next_evaluation += evaluate_every.expect("evaluations are scheduled");
            } else if next_sample <= self.end {
                self.queue.advance_to(next_sample);
                self.sample(next_sample);
                progress(next_sample);
                next_sample = match next_sample {
                    t if t == self.end => SimTime::MAX,
                    t => (t + sample_every).min(self.end),
                };
            } else {
                break;
            }
        }
        self.finish()
    }

    fn finish(self) -> RunResult {
        let events = self.queue.popped();
        let scenario = self.scenario;
        let (rows, totals) = self.recorder.finish();
        let ctx = SummaryContext {
            scenario: &scenario.name,
            seed: scenario.seed,
            duration: scenario.duration,
            drained_lag: scenario.esm.batch_size as u64 * scenario.topic.partitions as u64,
            slo_max_age: scenario.slo.max_age,
            events,
        };
        let summary = Summary::compute(&ctx, &rows, &self.scaling, &totals);
        RunResult {
            rows,
            scaling: self.scaling,
            summary,
            events,
            violations: self.violations,
        }
    }

    fn schedule(&mut self, at: SimTime, event: Event) {
        self.queue
            .schedule(at, event)
            .expect("the model only schedules at or after now");
    }

    fn handle(&mut self, now: SimTime, event: Event) {
        match event {
            Event::Wake { processor, token } => {
                if self
                    .processors
                    .get(processor as usize)
                    .is_some_and(|p| p.wake_token == token)
                {
                    self.try_dispatch(processor, now);
                }
            }
            Event::InvocationDone {
                generation,
                processor,
                slot,
                failed,
            } => {
                self.complete(now, generation, processor, slot, failed);
            }
            Event::ApplyPollers { target } => {
                self.pending_change = false;
                self.reassign(now, target);
            }
            Event::RebalanceEnd { generation } => {
                if generation == self.generation {
                    for p in 0..self.processors.len() as u32 {
                        self.try_dispatch(p, now);
                    }
                }
            }
        }
    }

    /// Replaces the processors with those of `pollers` pollers. Every partition pauses
    /// for the rebalance (eager assignor), except at t = 0.
    fn reassign(&mut self, now: SimTime, pollers: u32) {
        let esm = &self.scenario.esm;
        self.pollers = pollers.clamp(1, self.scenario.topic.partitions);
        self.generation += 1;
        let pause = if now == SimTime::ZERO {
            SimDuration::ZERO
        } else {
            esm.rebalance_pause
        };
        self.paused_until = now + pause;
        let start = self.paused_until + esm.batching_window;
        self.processors = assign(
            self.scenario.topic.partitions,
            self.pollers,
            esm.poller.max_concurrent_invokes,
            start,
        );
        self.bandwidth = vec![Bandwidth::default(); self.pollers as usize];
        for (i, processor) in self.processors.iter().enumerate() {
            for &p in &processor.partitions {
                self.owner[p as usize] = i as u32;
            }
        }
        if pause > SimDuration::ZERO {
            let generation = self.generation;
            self.schedule(self.paused_until, Event::RebalanceEnd { generation });
        }
    }

    /// Puts the partitions of `processor` that can join a batch at `now` into `eligible`.
    fn collect_eligible(&self, processor: u32, now: SimTime, eligible: &mut Vec<u32>) {
        eligible.clear();
        if now < self.paused_until {
            return;
        }
        eligible.extend(
            self.processors[processor as usize]
                .partitions
                .iter()
                .copied()
                .filter(|&p| !self.partitions[p as usize].in_flight()),
        );
    }

    /// Invokes the processor's batch if one of the closing rules holds, otherwise
    /// schedules a wake-up for the earliest time one will.
    fn try_dispatch(&mut self, processor: u32, now: SimTime) {
        if self.processors[processor as usize].busy {
            return;
        }
        let mut eligible = std::mem::take(&mut self.scratch_eligible);
        self.collect_eligible(processor, now, &mut eligible);
        if !eligible.is_empty() {
            self.dispatch_eligible(processor, now, &eligible);
        }
        self.scratch_eligible = eligible;
    }

    /// [`Self::try_dispatch`] once the eligible partitions are known (at least one).
    fn dispatch_eligible(&mut self, processor: u32, now: SimTime, eligible: &[u32]) {
        let (curve, sizer) = (&self.curve, &self.sizer);
        let (mut ready, mut bytes) = (0, 0);
        for &p in eligible {
            let partition = &mut self.partitions[p as usize];
            partition.advance(now, curve, sizer);
            ready += partition.ready_count();
            bytes += partition.ready_bytes();
        }
        let deadline = self.processors[processor as usize].window_deadline;
        let can_send = self.limits.is_full(ready, bytes) || (now >= deadline && ready > 0);
        let wake_at = if can_send {
            let poller = self.processors[processor as usize].poller as usize;
            let bandwidth_ready = self.bandwidth[poller].ready_at(now);
            if bandwidth_ready <= now {
                self.invoke(processor, now, eligible);
                return;
            }
            Some(bandwidth_ready)
        } else if now < deadline {
            Some(self.fill_time(eligible, deadline).unwrap_or(deadline))
        } else {
            let horizon = self.end;
            eligible
                .iter()
                .filter_map(|&p| {
                    self.partitions[p as usize].next_arrival(now, horizon, curve, sizer)
                })
                .min()
                .filter(|&t| t <= horizon)
        };
        if let Some(at) = wake_at {
            self.next_token += 1;
            let token = self.next_token;
            self.processors[processor as usize].wake_token = token;
            self.schedule(at, Event::Wake { processor, token });
        }
    }

    /// The earliest time in `(now, deadline]` at which the eligible partitions hold a
    /// full batch, if any (their logs are advanced to `now`, so every future run starts
    /// after it).
    ///
    /// Runs of different arrival buckets never overlap in time, so the future runs are
    /// taken bucket by bucket until the batch would be full; only within that bucket is
    /// the exact record found: the batch fills at the arrival of some record, so each
    /// run of the bucket is searched for its first record at whose arrival the batch is
    /// full, and the earliest of those wins.
    fn fill_time(&mut self, eligible: &[u32], deadline: SimTime) -> Option<SimTime> {
        let (mut count, mut bytes) = (0, 0);
        let mut runs = std::mem::take(&mut self.scratch_runs);
        runs.clear();
        for &p in eligible {
            let partition = &mut self.partitions[p as usize];
            partition.generate_until(deadline, &self.curve, &self.sizer);
            count += partition.ready_count();
            bytes += partition.ready_bytes();
            runs.extend(partition.future_until(deadline).copied());
        }
        runs.sort_unstable_by_key(|run| run.first);
        let width = self.scenario.producer.resolution.0;
        let arrived = |group: &[Run], t: SimTime| {
            group.iter().fold((0, 0), |(c, b), run| {
                let (rc, rb) = run.arrived_with_bytes_by(t);
                (c + rc, b + rb)
            })
        };
        for group in runs.chunk_by(|a, b| a.first.0 / width == b.first.0 / width) {
            let (gc, gb) = arrived(group, deadline);
            if !self.limits.is_full(count + gc, bytes + gb) {
                count += gc;
                bytes += gb;
                continue;
            }
            let earliest = first_full_time(
                group,
                count,
                bytes,
                (count + gc, bytes + gb),
                &self.limits,
                deadline,
            );
            self.scratch_runs = runs;
            return Some(earliest);
        }
        self.scratch_runs = runs;
        None
    }

    fn invoke(&mut self, processor: u32, now: SimTime, eligible: &[u32]) {
        let slot = self.free_slots.pop().unwrap_or_else(|| {
            self.batches.push(Batch::default());
            self.batches.len() as u32 - 1
        });
        let batch = &mut self.batches[slot as usize];
        build_batch(&mut self.partitions, eligible, &self.limits, batch);
        let lead = batch.parts[0].partition as usize;
        let retry = batch
            .parts
            .iter()
            .any(|part| self.retry_pending[part.partition as usize]);
        for part in &batch.parts {
            self.retry_pending[part.partition as usize] = false;
            self.partitions[part.partition as usize].start_flight(part.oldest, part.records);
        }
        let outcome =
            self.durations
                .invoke(batch.records, batch.bytes, &mut self.duration_rngs[lead]);
        let state = &mut self.processors[processor as usize];
        state.busy = true;
        self.bandwidth[state.poller as usize].consume(
            now,
            batch.bytes,
            self.scenario.esm.poller.max_bytes_per_s,
        );
        self.recorder
            .invocation_started(now, batch.records, outcome.duration, retry);
        let generation = self.generation;
        let failed = outcome.timed_out;
        self.schedule(
            now + outcome.duration,
            Event::InvocationDone {
                generation,
                processor,
                slot,
                failed,
            },
        );
    }

    /// An invocation ended: commit its records (or put them back to be retried), then
    /// let the processor (or, after a rebalance, the partitions' new owners) go on.
    fn complete(&mut self, now: SimTime, generation: u32, processor: u32, slot: u32, failed: bool) {
        self.recorder.invocation_ended(now, failed);
        let batch = &self.batches[slot as usize];
        for part in &batch.parts {
            let p = part.partition as usize;
            if failed {
                self.partitions[p].restore_front(batch.runs_of(part.partition));
                self.retry_pending[p] = true;
            } else {
                self.partitions[p].commit(part.records);
            }
        }
        if !failed {
            for (_, run) in &batch.runs {
                self.recorder.committed(run, now);
            }
        }
        if generation == self.generation {
            self.free_slots.push(slot);
            let state = &mut self.processors[processor as usize];
            state.busy = false;
            state.window_deadline = now + self.scenario.esm.batching_window;
            self.try_dispatch(processor, now);
        } else {
            // The slot stays taken while its partitions' new owners dispatch.
            for i in 0..self.batches[slot as usize].parts.len() {
                let partition = self.batches[slot as usize].parts[i].partition;
                let owner = self.owner[partition as usize];
                self.try_dispatch(owner, now);
            }
            self.free_slots.push(slot);
        }
    }

    /// Brings every partition's log up to `now`.
    fn advance_all(&mut self, now: SimTime) {
        for partition in &mut self.partitions {
            partition.advance(now, &self.curve, &self.sizer);
        }
    }

    fn evaluate_scaler(&mut self, now: SimTime) {
        self.advance_all(now);
        let total_lag = self.partitions.iter().map(Partition::lag).sum();
        let max_partition_lag = self
            .partitions
            .iter()
            .map(Partition::lag)
            .max()
            .unwrap_or(0);
        let observation = Observation {
            now,
            total_lag,
            max_partition_lag,
            pollers: self.pollers,
            change_pending: self.pending_change,
        };
        let decision = self.scaler.evaluate(&observation);
        let effective_at = (decision.action != Action::Hold).then(|| now + decision.delay);
        if let Some(at) = effective_at {
            self.pending_change = true;
            self.schedule(
                at,
                Event::ApplyPollers {
                    target: decision.target,
                },
            );
        }
        self.scaling.push(ScalingRecord {
            time: now,
            total_lag,
            previous_lag: std::mem::replace(&mut self.previous_lag, total_lag),
            max_partition_lag,
            pollers: self.pollers,
            target: decision.target,
            action: decision.action,
            reason: decision.reason,
            effective_at,
        });
    }

    fn check(&mut self, now: SimTime) {
        for (p, partition) in self.partitions.iter().enumerate() {
            if let Err(e) = partition.check_conservation() {
                self.violations.push(format!("t={now} partition {p}: {e}"));
            }
        }
        if self.pollers > self.scenario.topic.partitions {
            self.violations
                .push(format!("t={now}: {} pollers > partitions", self.pollers));
        }
        let in_flight = self.partitions.iter().filter(|p| p.in_flight()).count();
        let busy = self.processors.iter().filter(|p| p.busy).count();
        if busy > in_flight {
            self.violations.push(format!(
                "t={now}: {busy} busy processors but {in_flight} partitions in flight"
            ));
        }
    }

    fn sample(&mut self, now: SimTime) {
        self.advance_all(now);
        let mut snapshot = Snapshot {
            pollers: self.pollers,
            processors: self.processors.len() as u32,
            ..Snapshot::default()
        };
        for partition in &self.partitions {
            snapshot.produced_total += partition.produced();
            snapshot.committed_total += partition.committed();
            snapshot.lag += partition.lag();
            snapshot.max_partition_lag = snapshot.max_partition_lag.max(partition.lag());
            if let Some(t) = partition.oldest_uncommitted() {
                snapshot.oldest_uncommitted =
                    Some(snapshot.oldest_uncommitted.map_or(t, |o: SimTime| o.min(t)));
            }
        }
        if self.check_invariants {
            self.check(now);
        }
        if self.scenario.outputs.partitions_csv {
            snapshot.partition_lags = Some(self.partitions.iter().map(Partition::lag).collect());
        }
        self.recorder.sample(now, snapshot);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use crate::scenario::load::from_yaml_str;

    /// One partition, fluid arrivals at `rate`/s (10 ms buckets), fixed 100 ms per batch
    /// at 1 GB, one fixed poller; everything else at its default.
    fn micro(rate: f64, batch_size: u32, window_ms: u64, secs: u64) -> Scenario {
        let function = "{memory: 1024, duration: {per_batch: 100ms}}";
        micro_with(rate, batch_size, window_ms, secs, function)
    }

    /// [`micro`] with another `function` block.
    fn micro_with(
        rate: f64,
        batch_size: u32,
        window_ms: u64,
        secs: u64,
        function: &str,
    ) -> Scenario {
        let yaml = format!(
            "name: micro
duration: {secs}s
topic: {{partitions: 1}}
producer: {{arrivals: deterministic, resolution: 10ms, rate: [{{constant: {rate}}}]}}
esm: {{batch_size: {batch_size}, batching_window: {window_ms}ms, scaler: {{policy: fixed, pollers: 1}}}}
function: {function}
"
        );
        from_yaml_str(&yaml, std::path::Path::new("."), &[]).expect("the micro scenario is valid")
    }

    fn run(s: &Scenario) -> RunResult {
        Simulation::new(s).run(&mut |_| {})
    }

    #[test]
    fn full_batches_go_when_the_fifth_record_arrives() {
        let result = run(&micro(10.0, 5, 1000, 3));
        let got: Vec<(u64, u64, u64)> = result
            .rows
            .iter()
            .map(|r| (r.produced_total, r.committed_total, r.lag))
            .collect();
        assert_eq!(got, vec![(10, 5, 5), (20, 15, 5), (30, 25, 5)]);
        // Invocations at 0.5, 1.0, 1.5, 2.0, 2.5 and 3.0 s.
        assert_eq!(result.summary.invocations, 6);
        // Every batch holds records that waited 0.5, 0.4, 0.3, 0.2 and 0.1 s.
        assert!((result.summary.latency_mean_s.unwrap() - 0.3).abs() < 1e-9);
        let p50 = result.rows[0].latency_p50_s.unwrap();
        assert!(
            (p50 - 0.3).abs() <= 0.3 * 0.01,
            "p50 {p50} (1 % histogram resolution)"
        );
    }

    fn counts(result: &RunResult) -> Vec<(u64, u64, u64)> {
        result
            .rows
            .iter()
            .map(|r| (r.produced_total, r.committed_total, r.lag))
            .collect()
    }

    #[test]
    fn the_window_closes_a_partial_batch_and_restarts_when_the_invocation_ends() {
        // Records every 0.5 s; windows end at 1.0, 2.1 and 3.2 s; each sends two records.
        let result = run(&micro(2.0, 5, 1000, 4));
        assert_eq!(
            counts(&result),
            vec![(2, 0, 2), (4, 2, 2), (6, 4, 2), (8, 6, 2)]
        );
        assert_eq!(result.summary.invocations, 3);
        assert_eq!(result.summary.mean_batch_records, Some(2.0));
        // Batches (0.5, 1.0) at 1.1, (1.5, 2.0) at 2.2, (2.5, 3.0) at 3.3 s:
        // (0.6 + 0.1 + 0.7 + 0.2 + 0.8 + 0.3) / 6 = 0.45 s.
        assert!((result.summary.latency_mean_s.unwrap() - 0.45).abs() < 1e-9);
    }

    #[test]
    fn window_zero_sends_each_record_when_it_arrives() {
        let result = run(&micro(2.0, 5, 0, 4));
        assert_eq!(result.summary.invocations, 8);
        assert_eq!(counts(&result).last(), Some(&(8, 7, 1)));
        assert!((result.summary.latency_mean_s.unwrap() - 0.1).abs() < 1e-9);
        assert_eq!(result.summary.max_concurrency, 1);
        // Busy 100 ms of every 500 ms.
        assert!((result.rows[1].concurrency_mean - 0.2).abs() < 1e-12);
    }

    #[test]
    fn a_failing_batch_is_retried_whole_and_blocks_its_partition() {
        // Five records take 100 ms + 5 × 30 ms = 250 ms, over the 200 ms timeout: the
        // batch of the records of 0.1 .. 0.5 s fails at 0.7 s and is retried at once
        // (it is still full), with the same five records, failing every 200 ms.
        let function =
            "{memory: 1024, timeout: 200ms, duration: {per_batch: 100ms, per_record: 30ms}}";
        let result = run(&micro_with(10.0, 5, 1000, 2, function));
        assert_eq!(counts(&result), vec![(10, 0, 10), (20, 0, 20)]);
        let s = &result.summary;
        // Starts at 0.5, 0.7, ..., 1.9 s; the one of 1.9 s is still running at 2 s.
        assert_eq!(s.invocations, 8);
        assert_eq!(s.errors, 7);
        assert_eq!(s.retries, 7);
        // Retried batches hold the same five records, not the newer ones waiting.
        assert_eq!(s.mean_batch_records, Some(5.0));
        assert_eq!(s.latency_mean_s, None);
        // Each start is billed at the timeout: 8 × 0.2 s × 1 GB.
        assert!((s.gb_s - 1.6).abs() < 1e-12, "{}", s.gb_s);
    }

    #[test]
    fn a_rebalance_pauses_every_partition_and_commits_the_batch_that_spans_it() {
        // Two partitions at 5 records/s each (arrivals 0.2, 0.4, ... s), each its own
        // processor under one poller. Both windows close at 1 s: two batches of 5
        // records, 1.5 s each. The evaluation at 1 s sees lag 10 >= min_lag and scales
        // out to 2 pollers at 2 s: partitions pause until 4 s and windows restart at 5 s.
        // The old batches end at 2.5 s, during the pause, and still commit.
        let yaml = "name: rebalance
duration: 7s
topic: {partitions: 2}
producer: {arrivals: deterministic, resolution: 10ms, rate: [{constant: 10}]}
esm:
  batch_size: 100
  batching_window: 1s
  rebalance_pause: 2s
  scaler: {policy: aws, initial_pollers: 1, max_pollers: 2, evaluation_interval: 1s,
           actuation_delay: 1s, scale_out: {min_lag: 1}}
function: {memory: 1024, timeout: 10s, duration: {per_batch: 1500ms}}
";
        let scenario = from_yaml_str(yaml, std::path::Path::new("."), &[]).expect("valid");
        let result = Simulation::new(&scenario)
            .with_invariant_checks()
            .run(&mut |_| {});
        assert_eq!(result.violations, Vec::<String>::new());
        let column = |f: fn(&SampleRow) -> f64| result.rows.iter().map(f).collect::<Vec<_>>();
        assert_eq!(
            column(|r| r.pollers as f64),
            vec![1.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]
        );
        // Nothing starts during the pause (2 .. 4 s) nor before the new windows end (5 s).
        assert_eq!(
            column(|r| r.invocations_per_s),
            vec![2.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0]
        );
        // 10 records commit at 2.5 s; the 2 × 20 records of 1.2 .. 5.0 s at 6.5 s.
        assert_eq!(
            column(|r| r.committed_total as f64),
            vec![0.0, 0.0, 10.0, 10.0, 10.0, 10.0, 50.0]
        );
        assert_eq!(result.summary.invocations, 4);
        assert_eq!(result.summary.mean_batch_records, Some(12.5));
        assert_eq!(result.summary.scaling_changes, 1);
    }

    #[test]
    fn without_interval_latency_only_the_rows_latency_columns_go() {
        let yaml = "name: poisson
duration: 2m
topic: {partitions: 3}
producer: {rate: [{constant: 300}]}
esm: {batch_size: 20, scaler: {policy: fixed, pollers: 1}}
function: {memory: 1024, duration: {per_batch: 10ms, per_record: 2ms, jitter: exponential}}
";
        let scenario = from_yaml_str(yaml, std::path::Path::new("."), &[]).expect("valid");
        let full = run(&scenario);
        let lean = Simulation::new(&scenario)
            .without_interval_latency()
            .run(&mut |_| {});
        assert_eq!(lean.summary, full.summary);
        assert!(full.rows.iter().all(|r| r.latency_p50_s.is_some()));
        let blanked: Vec<SampleRow> = full
            .rows
            .iter()
            .map(|r| SampleRow {
                latency_p50_s: None,
                latency_p99_s: None,
                ..r.clone()
            })
            .collect();
        assert_eq!(lean.rows, blanked);
    }

    #[test]
    fn cost_of_fixed_duration_invocations_to_the_cent_fraction() {
        let result = run(&micro(10.0, 5, 1000, 3));
        // 6 invocations × 100 ms × 1 GB = 0.6 GB-s.
        let s = &result.summary;
        assert!((s.gb_s - 0.6).abs() < 1e-12);
        assert!((s.cost_requests_usd - 6.0 * 0.2e-6).abs() < 1e-15);
        assert!((s.cost_duration_usd - 0.6 * 0.0000166667).abs() < 1e-15);
        assert!((s.cost_usd - 1.120_002e-5).abs() < 1e-15);
    }
}
