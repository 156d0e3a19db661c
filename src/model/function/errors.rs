//! When the function fails a batch: invocation errors and poison records.
//!
//! * An invocation error fails a whole invocation with the share given by
//!   `function.errors.invocation_error_rate` at the invoke time, drawn from the stream of
//!   the batch's first partition (only when a rate is set, so a function without errors
//!   draws nothing).
//! * A poison record fails every batch that holds it. Poison records are offsets of a
//!   partition: the listed ones, and, with `record_error_rate` r, offsets drawn from the
//!   partition's own stream with geometric gaps (each record is poison with probability
//!   r, independently), generated lazily in offset order. Which records are poison thus
//!   depends only on the seed and the partition, never on how the consumer batches them.

use std::collections::VecDeque;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Geometric};

use crate::engine::rng::{Purpose, stream};
use crate::engine::time::SimTime;
use crate::model::esm::Batch;
use crate::model::function::Outcome;
use crate::model::traffic::RateCurve;
use crate::scenario::errors::FunctionErrors;

/// The function's failures.
pub struct Failures {
    /// Share of invocations that fail, when one is set.
    invocation_errors: Option<(RateCurve, Vec<ChaCha8Rng>)>,
    /// Poison records per partition.
    poison: Vec<PoisonOffsets>,
}

/// The poison records of one partition, in offset order, from the first not yet
/// passed by the consumer.
struct PoisonOffsets {
    /// Listed and drawn offsets known so far, in increasing order.
    known: VecDeque<u64>,
    /// Listed offsets not merged into `known` yet, in increasing order.
    listed: VecDeque<u64>,
    /// Where the next drawn offset's gap starts; `None` without a record error rate.
    drawn: Option<DrawnPoison>,
}

/// Drawn poison offsets: geometric gaps from the partition's stream.
struct DrawnPoison {
    next: u64,
    gaps: Geometric,
    rng: ChaCha8Rng,
}

impl DrawnPoison {
    /// The next drawn offset at or after the previous one plus one.
    fn draw(&mut self) -> u64 {
        let offset = self.next.saturating_add(self.gaps.sample(&mut self.rng));
        self.next = offset.saturating_add(1);
        offset
    }
}

impl PoisonOffsets {
    /// The first poison offset in `from..from + count`, generating as needed. Offsets
    /// below `from` are forgotten: the consumer never goes back.
    fn first_in(&mut self, from: u64, count: u64) -> Option<u64> {
        let end = from.saturating_add(count);
        while self.known.front().is_some_and(|&o| o < from) {
            self.known.pop_front();
        }
        if let Some(drawn) = &mut self.drawn {
            while self.known.back().is_none_or(|&o| o < end) {
                let offset = drawn.draw();
                self.known.push_back(offset);
                if offset == u64::MAX {
                    break;
                }
            }
        }
        let listed = loop {
            match self.listed.front() {
                Some(&o) if o < from => {
                    self.listed.pop_front();
                }
                other => break other.copied(),
            }
        };
        let drawn = self.known.iter().copied().find(|&o| o >= from);
        [listed, drawn]
            .into_iter()
            .flatten()
            .filter(|&o| o < end)
            .min()
    }
}

impl Failures {
    /// The failures of `errors` over `partitions` partitions, with streams of `seed`.
    pub fn new(errors: &FunctionErrors, partitions: u32, seed: u64) -> Self {
        let invocation_errors = (!errors.invocation_error_rate.is_empty()).then(|| {
            let rngs = (0..partitions)
                .map(|p| stream(seed, Purpose::InvocationErrors, u64::from(p)))
                .collect();
            (RateCurve::new(&errors.invocation_error_rate), rngs)
        });
        let poison = (0..partitions)
            .map(|p| PoisonOffsets {
                known: VecDeque::new(),
                listed: errors
                    .poison
                    .iter()
                    .filter(|r| r.partition == p)
                    .map(|r| r.offset)
                    .collect(),
                drawn: (errors.record_error_rate > 0.0).then(|| DrawnPoison {
                    next: 0,
                    gaps: Geometric::new(errors.record_error_rate)
                        .expect("record_error_rate is in (0, 1)"),
                    rng: stream(seed, Purpose::PoisonRecords, u64::from(p)),
                }),
            })
            .collect();
        Failures {
            invocation_errors,
            poison,
        }
    }

    /// How an invocation of `batch` at `now` that ran without timing out ends: an
    /// invocation error, a poison record, or success.
    pub fn outcome(&mut self, now: SimTime, batch: &Batch) -> Outcome {
        if let Some((curve, rngs)) = &mut self.invocation_errors {
            let share = curve.rate_at(now).clamp(0.0, 1.0);
            let lead = batch.parts[0].partition as usize;
            if rngs[lead].random::<f64>() < share {
                return Outcome::Error;
            }
        }
        let poisoned = batch.parts.iter().any(|part| {
            self.first_poison(part.partition, part.offset, part.records)
                .is_some()
        });
        if poisoned {
            Outcome::RecordError
        } else {
            Outcome::Ok
        }
    }

    /// The first poison record of `partition` in `offset..offset + records`.
    pub fn first_poison(&mut self, partition: u32, offset: u64, records: u64) -> Option<u64> {
        self.poison[partition as usize].first_in(offset, records)
    }
}
