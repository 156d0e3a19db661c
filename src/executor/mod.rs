//! The run executor: jobs in, results out, on N worker threads, delivered in job order.
//!
//! An [`Executor`] owns a rayon pool. [`Executor::run`] hands the jobs to its workers in
//! job order (each worker takes the next job when it is free, so the jobs in progress are
//! always near the front of the list) and passes every result to a callback on the calling
//! thread, strictly in job order: result `i` is delivered only after results `0..i`. The
//! callback therefore sees the same sequence for 1 thread or 64, which is what makes a
//! sweep's journal, progress and tables independent of `--jobs`. A job that fails, or a
//! callback that returns an error, stops the run: no new job starts, and the first error in
//! job order is returned (the same one for any thread count).
//!
//! The executor does no file IO and prints nothing; journaling, progress and outputs are
//! the caller's, in its job and callback. [`simulate`] is the job most callers want: one
//! scenario simulated, a panic turned into that run's error.
//!
//! # Who uses it
//!
//! * `sweep` (`crate::sweep::run`): jobs are run numbers; a job resolves its scenario,
//!   looks it up in the journal (`--resume`), simulates it and writes its kept outputs;
//!   the callback appends to the journal, reports progress and rebuilds the tables at a
//!   checkpoint.
//! * A future `calibrate` would build one [`crate::scenario::Scenario`] per candidate
//!   parameter set and seed, run them with [`simulate`] as the job and collect each
//!   [`crate::metrics::Summary`] in the callback (by index, so candidates and seeds line up
//!   with the inputs), score the candidates, then run the next generation on the same
//!   executor: the pool is built once and reused.
//!
//! ```
//! use esmsim::executor::Executor;
//! let executor = Executor::new(None)?;
//! let mut squares = Vec::new();
//! executor.run(
//!     &[1u64, 2, 3],
//!     |&n| Ok::<u64, std::convert::Infallible>(n * n),
//!     |_index, square| {
//!         squares.push(square);
//!         Ok(())
//!     },
//! )?;
//! assert_eq!(squares, [1, 4, 9]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#[cfg(test)]
mod tests;

use std::num::NonZeroUsize;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use crate::metrics::sink::Discard;
use crate::scenario::Scenario;
use crate::sim::{RunResult, Simulation};

/// A pool of worker threads that runs jobs and delivers their results in job order.
#[derive(Debug)]
pub struct Executor {
    pool: rayon::ThreadPool,
}

/// The worker threads could not be started (the operating system refused them).
#[derive(Debug, thiserror::Error)]
#[error("cannot start the worker threads: {0}")]
pub struct StartError(#[from] rayon::ThreadPoolBuildError);

impl Executor {
    /// An executor with `threads` workers; `None` means rayon's default (one per core, or
    /// `RAYON_NUM_THREADS`).
    ///
    /// # Errors
    ///
    /// [`StartError`] when the threads cannot be spawned.
    pub fn new(threads: Option<NonZeroUsize>) -> Result<Executor, StartError> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.map_or(0, NonZeroUsize::get))
            .build()?;
        Ok(Executor { pool })
    }

    /// The number of worker threads.
    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// Runs `work` on every job on the worker threads and calls `on_result` with each
    /// job's index and result on the calling thread, in job order.
    ///
    /// # Errors
    ///
    /// The first error in job order, from `work` or from `on_result`; once it is seen no
    /// new job starts (jobs already running finish, and their results are dropped).
    pub fn run<J, R, E>(
        &self,
        jobs: &[J],
        work: impl Fn(&J) -> Result<R, E> + Sync,
        mut on_result: impl FnMut(usize, R) -> Result<(), E>,
    ) -> Result<(), E>
    where
        J: Sync,
        R: Send,
        E: Send,
    {
        let next_job = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        let (sender, receiver) = mpsc::channel::<(usize, Result<R, E>)>();
        let mut waiting: Vec<Option<Result<R, E>>> = jobs.iter().map(|_| None).collect();
        let mut delivered = 0;
        let mut failure = None;
        self.pool.in_place_scope(|scope| {
            for _ in 0..self.threads().min(jobs.len()) {
                let sender = sender.clone();
                let (next_job, stop, work) = (&next_job, &stop, &work);
                scope.spawn(move |_| {
                    while !stop.load(Ordering::Relaxed) {
                        let index = next_job.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = jobs.get(index) else { break };
                        if sender.send((index, work(job))).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(sender);
            // Ends when every worker has stopped (a panicking worker drops its sender too;
            // the scope then re-raises the panic).
            for (index, result) in receiver {
                waiting[index] = Some(result);
                while let Some(result) = waiting.get_mut(delivered).and_then(Option::take) {
                    let delivery = result.and_then(|r| on_result(delivered, r));
                    delivered += 1;
                    if let Err(e) = delivery {
                        failure = Some(e);
                        stop.store(true, Ordering::Relaxed);
                        return;
                    }
                }
            }
        });
        failure.map_or(Ok(()), Err)
    }
}

/// How much of a run a caller needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Everything a run's own output files need.
    Outputs,
    /// The rows without their per-interval latency percentiles (faster), and the
    /// summary; for callers that compare rows with observed data.
    Rows,
    /// Only the summary: the rows are not kept (`RunResult::rows` is empty), which is
    /// faster still and takes no memory per row.
    SummaryOnly,
}

/// A simulation that panicked: a bug in esmsim, reported as that run's error so that the
/// other runs go on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the simulation failed (a bug; please report it): {message}")]
pub struct SimulationPanicked {
    /// The panic's message (empty if it had none).
    pub message: String,
}

/// Simulates `scenario` without progress reporting, catching a panic as an error.
///
/// # Errors
///
/// [`SimulationPanicked`] when the simulation panics.
pub fn simulate(scenario: &Scenario, detail: Detail) -> Result<RunResult, SimulationPanicked> {
    catch_unwind(AssertUnwindSafe(|| {
        let simulation = Simulation::new(scenario);
        match detail {
            Detail::Outputs => simulation.run(&mut |_| {}),
            Detail::Rows => simulation.without_interval_latency().run(&mut |_| {}),
            Detail::SummaryOnly => simulation
                .without_interval_latency()
                .run_into(&mut |_| {}, &mut Discard),
        }
    }))
    .map_err(|panic| SimulationPanicked {
        message: panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default(),
    })
}
