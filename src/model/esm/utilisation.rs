//! How hard the mapping's pollers and processors work, per sample interval: the bytes
//! each poller reads and the time each processor has a batch in flight.
//!
//! Everything is accumulated as batches start and end and as the assignment changes;
//! closing an interval ([`Utilisation::close`]) looks only at the processors busy at
//! that moment, never at every partition or processor. Per-poller and per-processor
//! counts carry the number of the interval they belong to and are reset lazily when
//! next touched.
//!
//! Definitions (row `k` covers `(t - width, t]`):
//! * a poller *reads* a batch's bytes when the batch starts (those its bandwidth is
//!   charged for: filtered records included unless `esm.filter` says otherwise);
//! * a processor is *busy* while one of its batches is in flight: from the start of
//!   the invocation to its end, a throttle's backoff included;
//! * at a change of the poller count the processors of the old assignment stop being
//!   busy (their batches still end, but for the new owners the partitions are
//!   paused) and the new pollers and processors start with nothing read or busy, so
//!   the busiest poller and processor of that interval are the busiest of either
//!   assignment over its own part of the interval.

use crate::engine::time::SimTime;
use crate::model::esm::Processor;

/// What [`Utilisation::close`] reports for one interval: the bottleneck columns of a
/// `timeseries.csv` row.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Load {
    /// Bytes read by all pollers over the interval, per second.
    pub poller_read_bytes_per_s: f64,
    /// Bytes read over the interval as a share of what the active pollers could read
    /// (`max_bytes_per_s` × time-averaged pollers × width); `None` without pollers.
    pub poller_bandwidth_share: Option<f64>,
    /// Bytes read by the busiest poller over the interval as a share of one poller's
    /// `max_bytes_per_s` × width; `None` without pollers.
    pub busiest_poller_bandwidth_share: Option<f64>,
    /// Processor-time busy over the interval as a share of the processor-time
    /// available (time-averaged processors × width); `None` without processors.
    pub processor_busy_share: Option<f64>,
    /// Busy time of the busiest processor over the interval as a share of the width;
    /// `None` without processors.
    pub busiest_processor_busy_share: Option<f64>,
    /// Partitions the busiest processor holds; `None` when no processor was busy.
    pub busiest_processor_partitions: Option<u32>,
}

/// Per-processor state of the current assignment.
#[derive(Clone, Copy, Debug, Default)]
struct ProcessorLoad {
    /// Partitions it holds.
    partitions: u32,
    /// When its batch in flight started.
    busy_since: SimTime,
    /// Its position in [`Utilisation::busy`], when busy.
    position: u32,
    /// Interval that `busy_ns` belongs to.
    interval: u64,
    /// Busy time in that interval, spans already ended.
    busy_ns: u64,
}

/// The accumulators behind [`Load`], kept by the dispatcher.
#[derive(Clone, Debug)]
pub struct Utilisation {
    max_bytes_per_s: u64,
    /// Number of the current interval (the lazy resets compare with it).
    interval: u64,
    interval_start: SimTime,
    /// Time up to which `busy_ns` is integrated (it changes with every batch).
    last_change: SimTime,
    /// Time up to which `poller_ns` and `processor_ns` are integrated (they change only
    /// with the assignment, so only a reassignment or a close brings them up to date).
    assignment_integrated: SimTime,
    pollers: u32,
    poller_ns: u128,
    processor_ns: u128,
    busy_ns: u128,
    read_bytes: u64,
    /// Bytes read in an interval, with its number, per poller of the assignment.
    poller_bytes: Vec<(u64, u64)>,
    busiest_poller_bytes: u64,
    processors: Vec<ProcessorLoad>,
    /// Indices of the busy processors.
    busy: Vec<u32>,
    busiest_busy_ns: u64,
    busiest_partitions: Option<u32>,
}

impl Utilisation {
    /// Nothing read or busy yet, no pollers, for pollers of `max_bytes_per_s` each.
    pub fn new(max_bytes_per_s: u64) -> Self {
        Utilisation {
            max_bytes_per_s,
            interval: 0,
            interval_start: SimTime::ZERO,
            last_change: SimTime::ZERO,
            assignment_integrated: SimTime::ZERO,
            pollers: 0,
            poller_ns: 0,
            processor_ns: 0,
            busy_ns: 0,
            read_bytes: 0,
            poller_bytes: Vec::new(),
            busiest_poller_bytes: 0,
            processors: Vec::new(),
            busy: Vec::new(),
            busiest_busy_ns: 0,
            busiest_partitions: None,
        }
    }

    /// Adds the time since the last change to the integral of busy processors.
    fn integrate(&mut self, now: SimTime) {
        let dt = now.saturating_since(self.last_change).0 as u128;
        self.busy_ns += self.busy.len() as u128 * dt;
        self.last_change = self.last_change.max(now);
    }

    /// Adds the time since the last reassignment or close to the integrals of pollers
    /// and processors (constant in between, so the sum is the same as integrating at
    /// every batch).
    fn integrate_assignment(&mut self, now: SimTime) {
        let dt = now.saturating_since(self.assignment_integrated).0 as u128;
        self.poller_ns += u128::from(self.pollers) * dt;
        self.processor_ns += self.processors.len() as u128 * dt;
        self.assignment_integrated = self.assignment_integrated.max(now);
    }

    /// The assignment changed at `now` to `pollers` pollers and `processors`: the old
    /// processors' busy spans end now.
    pub fn reassign(&mut self, now: SimTime, pollers: u32, processors: &[Processor]) {
        self.integrate(now);
        self.integrate_assignment(now);
        for i in std::mem::take(&mut self.busy) {
            self.end_span(i, now);
        }
        self.pollers = pollers;
        self.poller_bytes.clear();
        self.poller_bytes
            .resize(pollers as usize, (self.interval, 0));
        self.processors.clear();
        self.processors
            .extend(processors.iter().map(|p| ProcessorLoad {
                partitions: p.partitions.len() as u32,
                interval: self.interval,
                ..ProcessorLoad::default()
            }));
    }

    /// `processor` of `poller` started a batch at `now`, reading `bytes`.
    pub fn batch_started(&mut self, now: SimTime, processor: u32, poller: u32, bytes: u64) {
        self.integrate(now);
        self.read_bytes += bytes;
        let interval = self.interval;
        let read = &mut self.poller_bytes[poller as usize];
        if read.0 != interval {
            *read = (interval, 0);
        }
        read.1 += bytes;
        self.busiest_poller_bytes = self.busiest_poller_bytes.max(read.1);
        let position = self.busy.len() as u32;
        let state = &mut self.processors[processor as usize];
        state.busy_since = now;
        state.position = position;
        self.busy.push(processor);
    }

    /// The batch of `processor` (of the current assignment) ended at `now`.
    pub fn batch_ended(&mut self, now: SimTime, processor: u32) {
        self.integrate(now);
        let position = self.processors[processor as usize].position as usize;
        self.busy.swap_remove(position);
        if let Some(&moved) = self.busy.get(position) {
            self.processors[moved as usize].position = position as u32;
        }
        self.end_span(processor, now);
    }

    /// The busy time of `processor` in this interval once its current span ends at
    /// `now`; stored when `store`.
    fn busy_with_span(&mut self, processor: u32, now: SimTime, store: bool) -> u64 {
        let (interval, start) = (self.interval, self.interval_start);
        let state = &mut self.processors[processor as usize];
        if state.interval != interval {
            state.interval = interval;
            state.busy_ns = 0;
        }
        let span = now.saturating_since(state.busy_since.max(start)).0;
        let total = state.busy_ns + span;
        if store {
            state.busy_ns = total;
        }
        total
    }

    /// Ends the busy span of `processor` at `now` and updates the busiest.
    fn end_span(&mut self, processor: u32, now: SimTime) {
        let total = self.busy_with_span(processor, now, true);
        self.consider_busiest(processor, total);
    }

    /// Makes `processor`, busy for `busy_ns` in this interval, the busiest if it is
    /// busier than the busiest so far, or as busy and holding more partitions (the one
    /// that more processors would relieve).
    fn consider_busiest(&mut self, processor: u32, busy_ns: u64) {
        let partitions = self.processors[processor as usize].partitions;
        let busier = busy_ns > self.busiest_busy_ns
            || (busy_ns > 0
                && busy_ns == self.busiest_busy_ns
                && self.busiest_partitions.is_some_and(|n| partitions > n));
        if busier {
            self.busiest_busy_ns = busy_ns;
            self.busiest_partitions = Some(partitions);
        }
    }

    /// Closes the interval ending at `now` and starts the next one.
    pub fn close(&mut self, now: SimTime) -> Load {
        self.integrate(now);
        self.integrate_assignment(now);
        for k in 0..self.busy.len() {
            let processor = self.busy[k];
            let total = self.busy_with_span(processor, now, false);
            self.consider_busiest(processor, total);
        }
        let width_ns = now.saturating_since(self.interval_start).0 as f64;
        let limit = self.max_bytes_per_s as f64;
        let share = |num: f64, den: f64| (den > 0.0).then(|| num / den);
        let load = Load {
            poller_read_bytes_per_s: if width_ns > 0.0 {
                self.read_bytes as f64 * 1e9 / width_ns
            } else {
                0.0
            },
            poller_bandwidth_share: share(
                self.read_bytes as f64 * 1e9,
                limit * self.poller_ns as f64,
            ),
            busiest_poller_bandwidth_share: (self.poller_ns > 0)
                .then(|| self.busiest_poller_bytes as f64 * 1e9 / (limit * width_ns)),
            processor_busy_share: share(self.busy_ns as f64, self.processor_ns as f64),
            busiest_processor_busy_share: (self.processor_ns > 0)
                .then(|| self.busiest_busy_ns as f64 / width_ns),
            busiest_processor_partitions: self.busiest_partitions,
        };
        self.interval += 1;
        self.interval_start = now;
        self.poller_ns = 0;
        self.processor_ns = 0;
        self.busy_ns = 0;
        self.read_bytes = 0;
        self.busiest_poller_bytes = 0;
        self.busiest_busy_ns = 0;
        self.busiest_partitions = None;
        load
    }
}
