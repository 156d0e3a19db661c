//! Partition assignment: a range assignor spreads partitions over pollers (poller `i`
//! gets a contiguous block, the first `partitions % pollers` pollers one more), and each
//! poller splits its block over at most `max_concurrent_invokes` processors the same way
//! (with `unlimited`, one processor per partition).

use crate::engine::time::SimTime;
use crate::scenario::ConcurrentInvokes;

/// One processor of the current assignment.
#[derive(Clone, Debug)]
pub struct Processor {
    /// Index of the poller it belongs to.
    pub poller: u32,
    /// Partitions it owns, in increasing order.
    pub partitions: Vec<u32>,
    /// Whether its batch is in flight.
    pub busy: bool,
    /// When the current batching window ends.
    pub window_deadline: SimTime,
    /// Token of the only wake-up event that is still valid.
    pub wake_token: u64,
    /// No batch goes before this time (the retry backoff after a failed attempt).
    pub not_before: SimTime,
    /// Sizes of the next batches after a failed batch was bisected, the next on top.
    pub bisect: Vec<u64>,
}

/// Splits `items` into `groups` contiguous blocks, the first `items % groups` one larger.
fn range_blocks(items: u32, groups: u32) -> impl Iterator<Item = std::ops::Range<u32>> {
    let base = items / groups;
    let extra = items % groups;
    (0..groups).scan(0, move |start, g| {
        let len = base + u32::from(g < extra);
        let block = *start..*start + len;
        *start += len;
        Some(block)
    })
}

/// What an assignment of `partitions` partitions over `pollers` pollers (range
/// assignor) gives: `(processors, most partitions on one poller)`. More processors
/// mean more batches in flight at once; fewer partitions on the most loaded poller
/// mean more of its bandwidth per partition.
pub fn shape(partitions: u32, pollers: u32, per_poller: ConcurrentInvokes) -> (u32, u32) {
    let pollers = pollers.clamp(1, partitions.max(1));
    let (base, extra) = (partitions / pollers, partitions % pollers);
    let processors =
        extra * per_poller.processors(base + 1) + (pollers - extra) * per_poller.processors(base);
    (processors, base + u32::from(extra > 0))
}

/// The processors of `pollers` pollers over `partitions` partitions (range assignor),
/// each poller with as many processors as `per_poller` allows.
pub fn assign(
    partitions: u32,
    pollers: u32,
    per_poller: ConcurrentInvokes,
    window_start: SimTime,
) -> Vec<Processor> {
    let pollers = pollers.clamp(1, partitions);
    let mut processors = Vec::new();
    for (poller, block) in range_blocks(partitions, pollers).enumerate() {
        let count = block.len() as u32;
        for sub in range_blocks(count, per_poller.processors(count)) {
            processors.push(Processor {
                poller: poller as u32,
                partitions: (block.start + sub.start..block.start + sub.end).collect(),
                busy: false,
                window_deadline: window_start,
                wake_token: 0,
                not_before: SimTime::ZERO,
                bisect: Vec::new(),
            });
        }
    }
    processors
}
