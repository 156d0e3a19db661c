//! Tests of the executor: order of results and callbacks for any thread count, errors,
//! and the simulation job.

use std::convert::Infallible;
use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::*;
use crate::scenario::load::from_yaml_str;

fn executor(threads: usize) -> Executor {
    Executor::new(NonZeroUsize::new(threads)).unwrap()
}

/// Jobs whose run time decreases along the list, so that with several threads later jobs
/// finish before earlier ones.
fn jobs() -> Vec<u64> {
    (0..40).collect()
}

fn slow_square<E>(n: &u64) -> Result<u64, E> {
    std::thread::sleep(Duration::from_micros(40 - n) * 50);
    Ok(n * n)
}

#[test]
fn results_arrive_in_job_order_for_one_and_many_threads() {
    let expected: Vec<(usize, u64)> = jobs().iter().map(|&n| (n as usize, n * n)).collect();
    for threads in [1, 2, 4, 8] {
        let executor = executor(threads);
        assert_eq!(executor.threads(), threads);
        let mut seen = Vec::new();
        executor
            .run(&jobs(), slow_square, |index, square| {
                seen.push((index, square));
                Ok::<(), Infallible>(())
            })
            .unwrap();
        assert_eq!(seen, expected, "{threads} threads");
    }
}

#[test]
fn the_callback_runs_on_the_calling_thread_while_workers_run_ahead() {
    let executor = executor(4);
    let caller = std::thread::current().id();
    let started = AtomicUsize::new(0);
    let mut ahead = 0;
    executor
        .run(
            &jobs(),
            |n| {
                started.fetch_add(1, Ordering::SeqCst);
                slow_square(n)
            },
            |index, _| {
                assert_eq!(std::thread::current().id(), caller);
                ahead = ahead.max(started.load(Ordering::SeqCst) - index - 1);
                Ok::<(), Infallible>(())
            },
        )
        .unwrap();
    assert_eq!(started.into_inner(), 40);
    assert!(
        ahead > 0,
        "workers start later jobs while earlier results are delivered"
    );
}

#[test]
fn the_first_error_in_job_order_stops_the_run_whatever_the_thread_count() {
    for threads in [1, 3] {
        let executor = executor(threads);
        let mut delivered = Vec::new();
        let err = executor
            .run(
                &jobs(),
                |&n| {
                    if n % 10 == 7 {
                        Err(format!("job {n} failed"))
                    } else {
                        Ok(n)
                    }
                },
                |index, _| {
                    delivered.push(index);
                    Ok(())
                },
            )
            .unwrap_err();
        assert_eq!(err, "job 7 failed", "{threads} threads");
        assert_eq!(delivered, (0..7).collect::<Vec<_>>());

        let mut delivered = 0;
        let err = executor
            .run(&jobs(), slow_square, |index, _| {
                delivered += 1;
                if index == 12 { Err(index) } else { Ok(()) }
            })
            .unwrap_err();
        assert_eq!((err, delivered), (12, 13), "{threads} threads");
    }
}

#[test]
fn no_jobs_is_no_results() {
    executor(2)
        .run(
            &[] as &[u64],
            slow_square,
            |_, _| -> Result<(), Infallible> { panic!("nothing to deliver") },
        )
        .unwrap();
}

#[test]
fn lighter_details_give_the_same_summary_with_fewer_rows() {
    let yaml = "
name: t
duration: 1m
topic: {partitions: 2}
producer: {rate: [{constant: 200}]}
function: {memory: 1024, duration: {per_batch: 10ms, per_record: 1ms}}
";
    let scenario = from_yaml_str(yaml, Path::new("."), &[]).unwrap();
    let full = simulate(&scenario, Detail::Outputs).unwrap();
    let rows = simulate(&scenario, Detail::Rows).unwrap();
    let summary_only = simulate(&scenario, Detail::SummaryOnly).unwrap();
    assert_eq!(full.rows.len(), 60);
    assert_eq!(rows.rows.len(), 60);
    assert!(rows.rows.iter().all(|r| r.latency_p50_s.is_none()));
    assert!(summary_only.rows.is_empty());
    assert!(full.summary.invocations > 0);
    for lighter in [&rows, &summary_only] {
        assert_eq!(
            serde_json::to_string(&full.summary).unwrap(),
            serde_json::to_string(&lighter.summary).unwrap()
        );
    }
}
