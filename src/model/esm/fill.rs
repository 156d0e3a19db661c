//! When a batch will fill: the arrival time of the record that completes it, found from
//! the partitions' future runs without simulating records one by one.

use crate::engine::time::SimTime;
use crate::model::esm::BatchLimits;
use crate::model::log::{Run, TopicLog};

/// A run with records still to arrive, and how many of its records have arrived
/// already (counted among the waiting records).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pending {
    /// The run.
    pub run: Run,
    /// Its records that have arrived (at the clock).
    pub arrived: u64,
}

impl Pending {
    /// Records of the run that arrive after the clock and by `t` (at or after the clock).
    #[inline(always)]
    fn arrived_by(&self, t: SimTime) -> u64 {
        self.run.arrived_by(t).max(self.arrived) - self.arrived
    }

    /// Records and raw bytes of the run that arrive after the clock and by `t` (at or
    /// after the clock).
    #[inline(always)]
    pub fn arrived_with_bytes_by(&self, t: SimTime) -> (u64, u64) {
        if self.arrived == 0 {
            return self.run.arrived_with_bytes_by(t);
        }
        let (k, bytes) = self.run.arrived_with_bytes_by(t);
        let before = self.run.front_bytes(self.arrived);
        (
            k.max(self.arrived) - self.arrived,
            bytes.max(before) - before,
        )
    }
}

/// The arrival time of the record that fills a batch, given `count` records of `bytes`
/// raw bytes already waiting (those of `group` that have arrived included) and the runs
/// of one arrival bucket with records still to arrive (`group`), which
/// do fill it by `deadline`; `at_deadline` is the records and bytes (waiting plus
/// `group`'s) arrived by then, which the caller has already summed. Equal to the least time `t` at which the waiting records
/// plus those of `group` arrived by `t` are full, but found without bisecting on time:
/// the batch fills when some record arrives. When only the batch size decides, that is
/// the `need`-th record still to come, which `nth_arrival` walks to from a guess;
/// otherwise (or when the guess is far off) each run is searched (on the record index,
/// first trying the record that completes the batch size on its own) for its first
/// record whose arrival fills the batch, and the earliest of those wins.
pub fn first_full_time(
    group: &[Pending],
    count: u64,
    bytes: u64,
    at_deadline: (u64, u64),
    limits: &BatchLimits,
    deadline: SimTime,
) -> SimTime {
    // The payload only needs checking if it is reached by the deadline.
    let payload_matters = limits.payload_full(at_deadline.0, at_deadline.1);
    if !payload_matters && let Some(t) = nth_arrival(group, limits.batch_size.saturating_sub(count))
    {
        return t.min(deadline);
    }
    let full_at = |t: SimTime| {
        let c: u64 = group.iter().map(|p| p.arrived_by(t)).sum();
        if count + c >= limits.batch_size {
            return true;
        }
        payload_matters && {
            let b: u64 = group.iter().map(|p| p.arrived_with_bytes_by(t).1).sum();
            limits.payload_full(count + c, bytes + b)
        }
    };
    let mut earliest = deadline;
    for &Pending { ref run, arrived } in group {
        // Records before `from` do not fill the batch (those before `arrived` are
        // waiting already); record `to` does (or none of the run does when
        // `to == run.count`).
        let (mut from, mut to) = (arrived, run.count);
        let guess = arrived + limits.batch_size.saturating_sub(count + 1);
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

/// Most runs [`nth_arrival`] walks over (a bucket's runs of a few partitions).
const WALK_RUNS: usize = 8;

/// Most records [`nth_arrival`] walks from its guess before it leaves the search to
/// [`first_full_time`]'s bisection.
const WALK_RECORDS: u64 = 8;

/// The arrival time of the `need`-th record (from 1) of `group` still to arrive (those
/// after each run's `arrived`), in arrival order: the time the batch fills when only its
/// size decides. Guessed by spreading the group's records evenly from its first pending
/// arrival to its last, then exact by walking record by record from the records
/// arrived by the guess (the latest of them backwards, or the next ones forwards).
/// `None` (the caller bisects) when the group has more than [`WALK_RUNS`] runs, fewer
/// records than `need`, or the guess is off by more than [`WALK_RECORDS`] records.
fn nth_arrival(group: &[Pending], need: u64) -> Option<SimTime> {
    if group.len() > WALK_RUNS || need == 0 {
        return None;
    }
    let pending: u64 = group.iter().map(|p| p.run.count - p.arrived).sum();
    if need > pending {
        return None;
    }
    let first = group.iter().map(|p| p.run.arrival_step(p.arrived)).min()?;
    let last = group.iter().map(|p| p.run.last).max()?;
    let spread = u128::from(last.0 - first.0) * u128::from(need) / u128::from(pending);
    let guess = SimTime(first.0 + spread as u64);
    // Records of each run arriving by the guess (after its `arrived`), and their sum.
    let mut by = [0_u64; WALK_RUNS];
    for (i, p) in group.iter().enumerate() {
        by[i] = p.arrived_by(guess);
    }
    let mut counted: u64 = by.iter().sum();
    if counted >= need {
        if counted - need >= WALK_RECORDS {
            return None;
        }
        // The `counted`-th record is the latest of those counted: drop it until it is
        // the `need`-th.
        loop {
            let (i, at) = group
                .iter()
                .enumerate()
                .filter(|&(i, _)| by[i] > 0)
                .map(|(i, p)| (i, p.run.arrival_step(p.arrived + by[i] - 1)))
                .max_by_key(|&(_, at)| at)?;
            if counted == need {
                return Some(at);
            }
            by[i] -= 1;
            counted -= 1;
        }
    }
    if need - counted > WALK_RECORDS {
        return None;
    }
    // The next record to arrive is the earliest of each run's next one.
    loop {
        let (i, at) = group
            .iter()
            .enumerate()
            .filter(|&(i, p)| p.arrived + by[i] < p.run.count)
            .map(|(i, p)| (i, p.run.arrival_step(p.arrived + by[i])))
            .min_by_key(|&(_, at)| at)?;
        by[i] += 1;
        counted += 1;
        if counted == need {
            return Some(at);
        }
    }
}

/// Buckets back from the deadline's within which [`fill_time`] sums the buckets in place
/// instead of sorting the runs.
const FEW_BUCKETS: usize = 32;

/// The earliest time in `(now, deadline]` at which the `eligible` partitions hold a full
/// batch, if any (their logs must be advanced to `now`, so every record of a future run
/// not counted as arrived arrives after it). `runs` is scratch space, kept by the caller to reuse its allocation.
///
/// Runs of different arrival buckets never overlap in time, so the future runs are taken
/// bucket by bucket until the batch would be full; only within that bucket is the exact
/// record found, by [`first_full_time`], whose answer does not depend on the order of the
/// bucket's runs.
pub fn fill_time(
    log: &mut TopicLog,
    eligible: &[u32],
    deadline: SimTime,
    limits: &BatchLimits,
    runs: &mut Vec<Pending>,
) -> Option<SimTime> {
    let (mut count, mut bytes) = (0, 0);
    let (mut by_deadline, mut bytes_by_deadline) = (0, 0);
    runs.clear();
    for &p in eligible {
        let partition = log.generate_until(p, deadline);
        count += partition.ready_count();
        bytes += partition.ready_bytes();
        // Only the first future run may have records that arrived already.
        let mut arrived = partition.future_arrived();
        for run in partition.future_until(deadline) {
            let pending = Pending { run: *run, arrived };
            arrived = 0;
            let (c, b) = pending.arrived_with_bytes_by(deadline);
            by_deadline += c;
            bytes_by_deadline += b;
            runs.push(pending);
        }
    }
    // Not full even with everything that arrives by the deadline: no need to order
    // the runs (the usual case with a window and a batch size that rarely fills).
    if !limits.is_full(count + by_deadline, bytes + bytes_by_deadline) {
        return None;
    }
    let width = log.resolution().0;
    let bucket_of = |p: &Pending| p.run.first.0 / width;
    let last = deadline.0 / width;
    // The buckets' records and bytes arrived by the deadline, oldest bucket first; the
    // first that fills the batch (with the waiting records and the older buckets') is
    // the one to search. Within `FEW_BUCKETS` of the deadline's bucket (the usual case:
    // a window of a few buckets) they are summed in place, since which runs share a
    // bucket is all that matters; a longer window orders the runs.
    let mut totals = [(0_u64, 0_u64); FEW_BUCKETS];
    let few = runs.iter().all(|run| {
        let back = (last - bucket_of(run)) as usize;
        if back >= FEW_BUCKETS {
            return false;
        }
        let (c, b) = run.arrived_with_bytes_by(deadline);
        totals[back].0 += c;
        totals[back].1 += b;
        true
    });
    // Whether a bucket of `gc` records and `gb` bytes fills the batch; if not, they join
    // what waits before the next bucket.
    let mut fills = |gc: u64, gb: u64| {
        let full = limits.is_full(count + gc, bytes + gb);
        if !full {
            count += gc;
            bytes += gb;
        }
        full
    };
    let filling = if few {
        // A bucket without runs is passed (every run has a record by the deadline).
        (0..FEW_BUCKETS)
            .rev()
            .filter(|&back| totals[back].0 > 0)
            .map(|back| (last - back as u64, totals[back].0, totals[back].1))
            .find(|&(_, gc, gb)| fills(gc, gb))
    } else {
        runs.sort_unstable_by_key(|p| p.run.first);
        runs.chunk_by(|a, b| bucket_of(a) == bucket_of(b))
            .map(|group| {
                let (gc, gb) = group.iter().fold((0, 0), |(c, b), run| {
                    let (rc, rb) = run.arrived_with_bytes_by(deadline);
                    (c + rc, b + rb)
                });
                (bucket_of(&group[0]), gc, gb)
            })
            .find(|&(_, gc, gb)| fills(gc, gb))
    };
    let (bucket, gc, gb) = filling?;
    // The bucket's runs start in its time range (compared, not divided, run by run).
    let from = bucket * width;
    let to = from.saturating_add(width);
    runs.retain(|p| (from..to).contains(&p.run.first.0));
    Some(first_full_time(
        runs,
        count,
        bytes,
        (count + gc, bytes + gb),
        limits,
        deadline,
    ))
}
