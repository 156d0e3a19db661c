//! The topic's log: every partition with the rate curve and record sizes that feed it.

use crate::engine::time::{SimDuration, SimTime};
use crate::model::log::{MatchCounter, Partition};
use crate::model::traffic::{RateCurve, RecordSizer, partition_shares};
use crate::scenario::Scenario;

/// All partitions of the topic and what their producers draw from.
pub struct TopicLog {
    partitions: Vec<Partition>,
    curve: RateCurve,
    sizer: RecordSizer,
    resolution: SimDuration,
    /// How long a record stays in the log (`topic.retention`); `None` when the run is
    /// shorter, so that no record can expire and nothing is checked.
    retention: Option<SimDuration>,
}

impl TopicLog {
    /// The partitions of `scenario`'s topic at t = 0, initial backlog included.
    pub fn new(scenario: &Scenario) -> Self {
        let topic = &scenario.topic;
        let producer = &scenario.producer;
        let sizer = RecordSizer::new(&producer.record_size);
        let pass_share = scenario.esm.filter.as_ref().map(|f| f.pass_share());
        let partitions = partition_shares(&topic.keys, topic.partitions)
            .iter()
            .enumerate()
            .map(|(i, &share)| {
                let mut partition = Partition::new(
                    scenario.seed,
                    i as u32,
                    share,
                    producer.arrivals,
                    producer.resolution,
                    topic.initial_backlog,
                    &sizer,
                );
                if let Some(pass) = pass_share {
                    let counter =
                        MatchCounter::new(scenario.seed, i as u32, pass, producer.arrivals);
                    partition.set_filter(counter);
                }
                partition
            })
            .collect();
        TopicLog {
            partitions,
            curve: RateCurve::new(&producer.rate).with_end(SimTime::ZERO + scenario.duration),
            sizer,
            resolution: producer.resolution,
            retention: (topic.retention < scenario.duration).then_some(topic.retention),
        }
    }

    /// The partitions, by index.
    pub fn partitions(&self) -> &[Partition] {
        &self.partitions
    }

    /// The partitions, by index, for batch building.
    pub fn partitions_mut(&mut self) -> &mut [Partition] {
        &mut self.partitions
    }

    /// Partition `p`.
    pub fn partition(&self, p: u32) -> &Partition {
        &self.partitions[p as usize]
    }

    /// Partition `p`, to change its offsets.
    pub fn partition_mut(&mut self, p: u32) -> &mut Partition {
        &mut self.partitions[p as usize]
    }

    /// Width of the producers' arrival buckets.
    pub fn resolution(&self) -> SimDuration {
        self.resolution
    }

    /// Partition `p` with every record arrived by `now` ready, and those past the
    /// topic's retention gone (see [`Partition::expire`]).
    pub fn advance(&mut self, p: u32, now: SimTime) -> &Partition {
        let partition = &mut self.partitions[p as usize];
        partition.advance(now, &self.curve, &self.sizer);
        if let Some(cutoff) = retention_cutoff(now, self.retention) {
            partition.expire(cutoff);
        }
        partition
    }

    /// Brings every partition up to `now` (arrivals and retention).
    pub fn advance_all(&mut self, now: SimTime) {
        self.advance_all_and(now, |_| {});
    }

    /// Brings every partition up to `now` (arrivals and retention) and shows each one,
    /// in index order, to `visit` once it is: one pass over the partitions for a sample.
    pub fn advance_all_and(&mut self, now: SimTime, mut visit: impl FnMut(&Partition)) {
        let cutoff = retention_cutoff(now, self.retention);
        for partition in &mut self.partitions {
            partition.advance(now, &self.curve, &self.sizer);
            if let Some(cutoff) = cutoff {
                partition.expire(cutoff);
            }
            visit(partition);
        }
    }

    /// Partition `p` with every arrival before `t` generated (ready or future).
    pub fn generate_until(&mut self, p: u32, t: SimTime) -> &Partition {
        let partition = &mut self.partitions[p as usize];
        partition.generate_until(t, &self.curve, &self.sizer);
        partition
    }

    /// Arrival time of partition `p`'s first record after `now`, looking no further than
    /// `horizon`.
    pub fn next_arrival(&mut self, p: u32, now: SimTime, horizon: SimTime) -> Option<SimTime> {
        self.partitions[p as usize].next_arrival(now, horizon, &self.curve, &self.sizer)
    }

    /// Skips every record that has arrived by `now` in every partition
    /// (`starting_position: latest` before polling starts).
    pub fn skip_to_end(&mut self, now: SimTime) {
        for partition in &mut self.partitions {
            partition.advance(now, &self.curve, &self.sizer);
            partition.skip_ready();
        }
    }

    /// Records committed so far over all partitions.
    pub fn committed(&self) -> u64 {
        self.partitions.iter().map(Partition::committed).sum()
    }

    /// Records produced so far over all partitions.
    pub fn produced(&self) -> u64 {
        self.partitions.iter().map(Partition::produced).sum()
    }

    /// Total offset lag and the largest lag of one partition.
    pub fn lag(&self) -> (u64, u64) {
        self.partitions.iter().fold((0, 0), |(total, max), p| {
            (total + p.lag(), max.max(p.lag()))
        })
    }
}

/// Records that arrived at or before this time have left the log at `now`: `None`
/// without a retention shorter than the run, or before its first period has passed.
fn retention_cutoff(now: SimTime, retention: Option<SimDuration>) -> Option<SimTime> {
    now.0.checked_sub(retention?.0).map(SimTime)
}
