//! The simulation loop: the events, the order in which time advances, and the dispatch of
//! each event to the model component that handles it.
//!
//! The model lives in [`crate::model`]: the topic's log ([`TopicLog`]), the ESM's
//! dispatcher ([`Dispatcher`]), the function ([`FunctionModel`]), billing ([`Billing`])
//! and the scaler ([`crate::model::scaler`]). This module only owns time: it turns their answers into
//! events and hands each event back to the component it concerns.
//!
//! # Ordering contract
//!
//! * Model events live in the [`EventQueue`] and fire in `(time, seq)` order: by time,
//!   and at equal times in the order they were scheduled.
//! * Scaler evaluations and samples are observers that fire after the model at their
//!   time. At a time `t` every model event with time `<= t` fires first (including those
//!   scheduled at `t` while handling others), then the scaler evaluates if it asked to be
//!   evaluated at `t`, then the sample at `t` is taken. A sample at `t` therefore
//!   reflects everything that happened up to and including `t`, and row `k` of
//!   `timeseries.csv` covers the interval `(t - interval, t]`.
//! * The scaler names its own evaluation times ([`crate::model::scaler::Scaler::next_evaluation`]).
//!   A decision at `t` takes effect at `t + delay` as a queue event; partitions then
//!   pause for `rebalance_pause` and processors restart when the pause ends.
//! * A throttled invoke (see [`FunctionModel`]) keeps its batch in flight and its
//!   processor busy for `function.concurrency.throttle_backoff`: a `ThrottleEnd` event
//!   at `now + backoff` puts the batch back (not an attempt) and the processor invokes
//!   again at once (its window is closed), or, after a rebalance, the partitions' new
//!   owners go on. Throttled invokes are not invocations: not in flight, not billed.
//! * Samples are taken every `sample_interval` and at `duration` (a shorter last row when
//!   the duration is not a multiple of the interval). The run stops after the sample at
//!   `duration`; events later than that never fire and records still in flight count as
//!   lag.
//! * Polling starts at t = 0, or with `esm.startup_delay` at the first queue event at the
//!   delay (scheduled before any other): the first pollers are assigned then, without a
//!   rebalance pause, and every processor looks at its partitions at once. Before that
//!   there are no pollers, and the scaler's first evaluation is one interval after the
//!   start. With `starting_position: latest`, records that arrive before polling starts
//!   are skipped: the initial backlog at t = 0, the arrivals at every sample before the
//!   start and, at the start, everything that arrived by then.
//! * A batch none of whose records passes `esm.filter` is committed when it is built,
//!   at that time, with no invocation and no event: the processor is released as if an
//!   invocation had ended then (its next window opens) and looks again at once, in the
//!   same call, until it invokes, waits or idles (the poller's bandwidth bounds the
//!   batches one instant can read, and the records ready bound it in any case).
//!
//! "Event" in performance figures means one popped queue event (processor wake-up,
//! invocation end, throttle backoff end, poller change, rebalance end, start of polling).

mod clock;
mod counterfactual;
#[cfg(test)]
mod event_tests;
#[cfg(test)]
mod failure_tests;
#[cfg(test)]
mod filter_tests;
mod invariants;
#[cfg(test)]
mod limits_tests;
mod scaling;
#[cfg(test)]
mod tests;

use crate::engine::queue::EventQueue;
use crate::engine::time::SimTime;
use crate::metrics::bottleneck::Classifier;
use crate::metrics::summary::{SummaryContext, SummaryFold};
use crate::metrics::{Recorder, RowSink, SampleRow, ScalingRecord, Snapshot, Summary};
use crate::model::cost::Billing;
use crate::model::esm::{Dispatch, Dispatcher, Settled};
use crate::model::function::{Environment, FunctionModel, Outcome};
use crate::model::log::{Partition, Skip, TopicLog};
use crate::scenario::producer::events::named_events;
use crate::scenario::{Scenario, StartingPosition};

use clock::SampleClock;
pub use counterfactual::measure_events;
use scaling::Scaling;

/// Everything a run produces.
#[derive(Clone, Debug)]
pub struct RunResult {
    /// One row per sample interval ([`Simulation::run`]); empty when the rows went to
    /// a sink ([`Simulation::run_into`]).
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

/// A model event, handled by the component named in each variant's comment.
#[derive(Clone, Copy)]
enum Event {
    /// A processor re-checks whether its batch can go (stale when the token differs).
    /// Dispatcher.
    Wake { processor: u32, token: u64 },
    /// An invocation ended. Function, billing, then the dispatcher.
    InvocationDone {
        generation: u32,
        processor: u32,
        /// Slot of the batch, see [`Dispatcher::batch`].
        slot: u32,
        outcome: Outcome,
    },
    /// The backoff after a throttled invoke ended: the batch goes back, the processor
    /// tries again. Dispatcher.
    ThrottleEnd {
        generation: u32,
        processor: u32,
        /// Slot of the throttled batch.
        slot: u32,
    },
    /// A scaler decision takes effect. Dispatcher.
    ApplyPollers { target: u32 },
    /// The partitions paused by a rebalance resume. Dispatcher.
    RebalanceEnd { generation: u32 },
    /// The mapping starts polling after `esm.startup_delay`. Log, then dispatcher.
    StartPolling,
}

/// One run of a scenario.
pub struct Simulation<'a> {
    scenario: &'a Scenario,
    log: TopicLog,
    esm: Dispatcher,
    function: FunctionModel,
    billing: Billing,
    scaling: Scaling,
    queue: EventQueue<Event>,
    recorder: Recorder,
    /// Sets each row's binding constraint before the row goes on.
    classifier: Classifier,
    /// What the summary reads from the rows, folded as they go.
    summary: SummaryFold,
    samples: SampleClock,
    /// Reused buffer: the first failed offset of each part of a batch whose poison
    /// record the function reports (partial-batch responses).
    first_failed: Vec<Option<u64>>,
    /// Violations found so far, when invariant checks are on.
    invariants: Option<Vec<String>>,
}

impl<'a> Simulation<'a> {
    /// Prepares a run of `scenario` (nothing is simulated until [`Simulation::run`]).
    pub fn new(scenario: &'a Scenario) -> Self {
        let mut log = TopicLog::new(scenario);
        if scenario.topic.starting_position == StartingPosition::Latest {
            // The initial backlog is behind the consumer's starting position.
            log.skip_to_end(SimTime::ZERO);
        }
        let recorder = Recorder::new(log.produced()).with_initial_committed(log.committed());
        let named = named_events(&scenario.producer.rate, scenario.duration);
        let summary = SummaryFold::new(
            &named,
            &scenario.slo,
            scenario.start_at.as_ref(),
            scenario.duration,
        );
        Simulation {
            scenario,
            log,
            esm: Dispatcher::new(scenario),
            function: FunctionModel::new(scenario),
            billing: Billing::new(scenario),
            scaling: Scaling::new(scenario),
            queue: EventQueue::new(),
            recorder,
            classifier: Classifier::default(),
            summary,
            samples: SampleClock::new(scenario.sample_interval, SimTime::ZERO + scenario.duration),
            first_failed: Vec::new(),
            invariants: None,
        }
    }

    /// Checks conservation of records in every partition at every sample and the
    /// structural limits (pollers <= partitions, one batch in flight per partition);
    /// violations are returned in [`RunResult::violations`]. Costs a pass over every
    /// partition's runs per sample, so it is meant for tests.
    pub fn with_invariant_checks(mut self) -> Self {
        self.invariants = Some(Vec::new());
        self
    }

    /// Leaves the rows' per-interval latency percentiles empty (the summary's are
    /// unchanged), which saves half of the latency-histogram work. For callers that
    /// use only [`RunResult::summary`], such as a sweep that keeps no runs.
    pub fn without_interval_latency(mut self) -> Self {
        self.recorder = self.recorder.without_interval_latency();
        self
    }

    /// Runs to the end, keeping every row in [`RunResult::rows`]; `progress` is called
    /// after every sample with the current time.
    pub fn run(self, progress: &mut dyn FnMut(SimTime)) -> RunResult {
        let mut rows = Vec::new();
        let mut result = self.run_into(progress, &mut rows);
        result.rows = rows;
        result
    }

    /// Runs to the end, handing each row to `sink` once its binding constraint is known
    /// (at the latest at the scaler's next evaluation) instead of keeping it: memory does
    /// not grow with the run's length. The summary is the same as [`Simulation::run`]'s;
    /// [`RunResult::rows`] is empty.
    pub fn run_into(
        mut self,
        progress: &mut dyn FnMut(SimTime),
        sink: &mut dyn RowSink,
    ) -> RunResult {
        let start = self.polling_start();
        if start == SimTime::ZERO {
            self.start_polling(SimTime::ZERO);
        } else {
            self.schedule(start, Event::StartPolling);
        }
        let end = self.samples.end();
        loop {
            let next_event = self.queue.peek_time().unwrap_or(SimTime::MAX);
            let next_evaluation = self.scaling.next_evaluation();
            let next_sample = self.samples.next();
            if next_event <= next_evaluation.min(next_sample) && next_event <= end {
                let (now, event) = self.queue.pop().expect("peeked");
                self.handle(now, event);
            } else if next_evaluation <= next_sample && next_evaluation <= end {
                self.queue.advance_to(next_evaluation);
                self.evaluate_scaler(next_evaluation, sink);
            } else if next_sample <= end {
                self.queue.advance_to(next_sample);
                self.sample(next_sample, sink);
                progress(next_sample);
                self.samples.advance();
            } else {
                break;
            }
        }
        self.finish(sink)
    }

    fn finish(mut self, sink: &mut dyn RowSink) -> RunResult {
        self.classifier.finish(&mut self.summary.then(sink));
        let events = self.queue.popped();
        let scenario = self.scenario;
        let totals = self.recorder.finish(&self.billing);
        let scaling = self.scaling.into_records();
        let named = named_events(&scenario.producer.rate, scenario.duration);
        let ctx = SummaryContext {
            scenario: &scenario.name,
            seed: scenario.seed,
            duration: scenario.duration,
            mode: scenario.esm.mode(),
            named_events: &named,
            slo: &scenario.slo,
            clock: scenario.start_at.as_ref(),
            events,
        };
        let summary = self.summary.finish(&ctx, &scaling, &totals);
        RunResult {
            rows: Vec::new(),
            scaling,
            summary,
            events,
            violations: self.invariants.unwrap_or_default(),
        }
    }

    /// When the mapping starts polling (`esm.startup_delay` after the start of the run).
    fn polling_start(&self) -> SimTime {
        SimTime::ZERO + self.scenario.esm.startup_delay
    }

    /// The mapping starts polling at `now`: with `starting_position: latest` at the end
    /// of the log, then the first pollers and every processor's first look.
    fn start_polling(&mut self, now: SimTime) {
        if self.scenario.topic.starting_position == StartingPosition::Latest {
            self.log.skip_to_end(now);
        }
        let initial = self.scaling.initial_pollers();
        let _paused = self.reassign(now, initial);
        for p in 0..self.esm.processor_count() {
            self.try_dispatch(p, now);
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
                if self.esm.is_current_wake(processor, token) {
                    self.try_dispatch(processor, now);
                }
            }
            Event::InvocationDone {
                generation,
                processor,
                slot,
                outcome,
            } => self.complete(now, generation, processor, slot, outcome),
            Event::ThrottleEnd {
                generation,
                processor,
                slot,
            } => self.throttle_ended(now, generation, processor, slot),
            Event::ApplyPollers { target } => {
                self.scaling.change_applied();
                if !self.reassign(now, target) {
                    // No pause (`rebalance_pause: 0`): the new processors look now, as
                    // they would at the end of a pause.
                    for p in 0..self.esm.processor_count() {
                        self.try_dispatch(p, now);
                    }
                }
            }
            Event::RebalanceEnd { generation } => {
                if generation == self.esm.generation() {
                    for p in 0..self.esm.processor_count() {
                        self.try_dispatch(p, now);
                    }
                }
            }
            Event::StartPolling => self.start_polling(now),
        }
    }

    /// Moves to `pollers` pollers (billed as EPUs in provisioned mode) and schedules the
    /// end of the rebalance pause; whether there is a pause.
    fn reassign(&mut self, now: SimTime, pollers: u32) -> bool {
        let rebalance = self.esm.reassign(now, pollers);
        if let Some(rebalance) = &rebalance {
            let generation = rebalance.generation;
            self.schedule(rebalance.until, Event::RebalanceEnd { generation });
        }
        self.billing.pollers_changed(now, self.esm.pollers());
        rebalance.is_some()
    }

    /// Lets `processor` invoke its batch now, or schedules when it should look again. A
    /// batch that the filter empties is committed at once and the processor looks again.
    fn try_dispatch(&mut self, processor: u32, now: SimTime) {
        loop {
            match self.esm.try_dispatch(processor, now, &mut self.log) {
                Dispatch::Invoke { slot } if self.esm.batch(slot).matched == 0 => {
                    self.commit_filtered(processor, slot, now);
                }
                Dispatch::Invoke { slot } => return self.invoke(processor, slot, now),
                Dispatch::WakeAt { at, token } => {
                    return self.schedule(at, Event::Wake { processor, token });
                }
                Dispatch::Idle => return,
            }
        }
    }

    /// Commits a batch none of whose records passes the filter, without an invocation
    /// (nothing is invoked, billed or recorded as latency): its records count as
    /// filtered, and the processor is free again at `now`.
    fn commit_filtered(&mut self, processor: u32, slot: u32, now: SimTime) {
        self.esm.settle(now, slot, Outcome::Ok, &[], &mut self.log);
        let released = self
            .esm
            .release(now, self.esm.generation(), processor, slot);
        debug_assert_eq!(released, Some(processor), "the assignment is current");
    }

    /// Invokes the function with the batch the dispatcher built in `slot`.
    fn invoke(&mut self, processor: u32, slot: u32, now: SimTime) {
        let batch = self.esm.batch(slot);
        let (records, retry) = (batch.matched, batch.retry);
        let invocation = self.function.invoke(now, batch);
        if invocation.outcome == Outcome::Throttled {
            self.throttled(now, processor, slot);
            return;
        }
        if invocation.environment == Environment::Cold {
            self.recorder.cold_start();
        }
        self.billing.bill(&invocation);
        self.recorder
            .invocation_started(now, records, retry, self.function.in_flight());
        let event = Event::InvocationDone {
            generation: self.esm.generation(),
            processor,
            slot,
            outcome: invocation.outcome,
        };
        self.schedule(now + invocation.duration, event);
    }

    /// An invocation ended: settle its records, then let the processor (or, after a
    /// rebalance, the partitions' new owners) go on.
    fn complete(
        &mut self,
        now: SimTime,
        generation: u32,
        processor: u32,
        slot: u32,
        outcome: Outcome,
    ) {
        self.function.finished(now);
        self.recorder
            .invocation_ended(now, outcome, self.function.in_flight());
        self.first_failed.clear();
        if outcome == Outcome::RecordError
            && self.scenario.esm.on_failure.report_batch_item_failures
        {
            for part in &self.esm.batch(slot).parts {
                let first = self
                    .function
                    .first_poison(part.partition, part.offset, part.records);
                self.first_failed.push(first);
            }
        }
        match self
            .esm
            .settle(now, slot, outcome, &self.first_failed, &mut self.log)
        {
            Settled::All => {
                let recorder = &mut self.recorder;
                self.esm
                    .batch(slot)
                    .for_each_matched_run(|run| recorder.committed(run, now));
            }
            Settled::Some => {
                for run in self.esm.partly_committed() {
                    self.recorder.committed(run, now);
                }
            }
            Settled::None => {}
        }
        match self.esm.release(now, generation, processor, slot) {
            Some(processor) => self.try_dispatch(processor, now),
            None => self.hand_over(now, slot),
        }
    }

    /// After a rebalance, the partitions of the batch in `slot` belong to new processors:
    /// let those go on, oldest record first, and free the slot.
    fn hand_over(&mut self, now: SimTime, slot: u32) {
        for partition in self.esm.batch(slot).parts_oldest_first() {
            self.try_dispatch(self.esm.owner(partition), now);
        }
        self.esm.free(slot);
    }

    /// The invoke of the batch in `slot` was throttled at `now`: it stays in flight
    /// until the backoff ends.
    fn throttled(&mut self, now: SimTime, processor: u32, slot: u32) {
        self.recorder.throttled(now);
        self.scaling.throttled();
        let event = Event::ThrottleEnd {
            generation: self.esm.generation(),
            processor,
            slot,
        };
        let backoff = self.scenario.function.concurrency.throttle_backoff;
        self.schedule(now + backoff, event);
    }

    /// A throttle's backoff ended: the batch goes back to its partitions (not an
    /// attempt) and its processor invokes again at once.
    fn throttle_ended(&mut self, now: SimTime, generation: u32, processor: u32, slot: u32) {
        self.recorder.backoff_ended(now);
        self.esm
            .settle(now, slot, Outcome::Throttled, &[], &mut self.log);
        match self.esm.release(now, generation, processor, slot) {
            Some(processor) => {
                self.esm.close_window(processor, now);
                self.try_dispatch(processor, now);
            }
            None => self.hand_over(now, slot),
        }
    }

    fn evaluate_scaler(&mut self, now: SimTime, sink: &mut dyn RowSink) {
        self.log.advance_all(now);
        if let Some((at, target)) = self.scaling.evaluate(now, &self.log, self.esm.pollers()) {
            self.schedule(at, Event::ApplyPollers { target });
        }
        if let Some(record) = self.scaling.last_record() {
            self.classifier
                .decision(record, &mut self.summary.then(sink));
        }
    }

    fn sample(&mut self, now: SimTime, sink: &mut dyn RowSink) {
        if now < self.polling_start()
            && self.scenario.topic.starting_position == StartingPosition::Latest
        {
            // Not polling yet, at the end of the log: what arrived is skipped.
            self.log.skip_to_end(now);
        }
        let mut snapshot = Snapshot {
            pollers: self.esm.pollers(),
            processors: self.esm.processor_count(),
            concurrency_limit: self.function.limit_at(now),
            warm_environments: self.function.warm_environments(now),
            cost: self.billing.cost(now),
            ..Snapshot::default()
        };
        snapshot.duplicated = self.esm.duplicated();
        snapshot.load = self.esm.close_interval(now);
        self.log.advance_all_and(now, |partition| {
            snapshot.produced_total += partition.produced();
            snapshot.committed_total += partition.committed();
            for reason in Skip::ALL {
                snapshot.skipped[reason as usize] += partition.skipped_for(reason);
            }
            snapshot.blocked_partitions += u32::from(partition.is_blocked());
            snapshot.filtered_total += partition.filtered();
            snapshot.skipped_at_start_total += partition.skipped_at_start();
            snapshot.lag += partition.lag();
            snapshot.max_partition_lag = snapshot.max_partition_lag.max(partition.lag());
            if let Some(t) = partition.oldest_uncommitted() {
                snapshot.oldest_uncommitted =
                    Some(snapshot.oldest_uncommitted.map_or(t, |o: SimTime| o.min(t)));
            }
        });
        if let Some(violations) = &mut self.invariants {
            let processed = self.recorder.records_processed();
            invariants::check(
                now,
                self.scenario,
                &self.log,
                &self.esm,
                processed,
                violations,
            );
        }
        if self.scenario.outputs.partitions_csv {
            snapshot.partition_lags =
                Some(self.log.partitions().iter().map(Partition::lag).collect());
        }
        let row = self.recorder.sample(now, snapshot);
        self.classifier.row(row, &mut self.summary.then(sink));
    }
}
