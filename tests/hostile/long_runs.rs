//! Long runs: a run whose rows stream to their files holds the same memory whatever its
//! length, where keeping the rows grows with it.

use std::path::Path;

use esmsim::output::stream::RowFiles;
use esmsim::sim::Simulation;

use crate::alloc::{MIB, peak_during};

/// A small steady topic sampled every 100 ms for `minutes`, with partitions.csv on.
fn scenario(minutes: u32) -> esmsim::scenario::Scenario {
    let yaml = format!(
        "name: long
duration: {minutes}m
sample_interval: 100ms
topic: {{partitions: 4}}
producer: {{rate: [{{constant: 400}}]}}
esm: {{batch_size: 50, batching_window: 200ms}}
function: {{duration: {{per_batch: 10ms, per_record: 1ms}}}}
outputs: {{partitions_csv: true}}
"
    );
    esmsim::scenario::from_yaml_str(&yaml, Path::new("."), &[]).expect("valid")
}

/// The peak bytes of a run of `minutes` streamed to files in a fresh folder.
fn streamed_peak(minutes: u32) -> usize {
    let scenario = scenario(minutes);
    let dir = tempfile::tempdir().unwrap();
    let ((), peak) = peak_during(|| {
        let mut files = RowFiles::create(dir.path(), true, None).unwrap();
        let result = Simulation::new(&scenario).run_into(&mut |_| {}, &mut files);
        assert!(result.rows.is_empty());
        let (timeseries, partitions) = files.finish().unwrap();
        timeseries.commit().unwrap();
        partitions.unwrap().commit().unwrap();
    });
    peak
}

#[test]
fn a_streamed_run_four_times_longer_takes_no_more_memory() {
    let short = streamed_peak(20);
    let long = streamed_peak(80);
    // 36,000 more rows: kept, they would take more than 10 MiB (next test).
    assert!(long < short + MIB, "20 min: {short} B, 80 min: {long} B");
}

#[test]
fn keeping_the_rows_grows_with_the_run() {
    let kept_peak = |minutes| {
        let scenario = scenario(minutes);
        peak_during(|| Simulation::new(&scenario).run(&mut |_| {}).rows.len())
    };
    let (short_rows, short) = kept_peak(20);
    let (long_rows, long) = kept_peak(80);
    assert_eq!((short_rows, long_rows), (12_000, 48_000));
    assert!(
        long > short + 10 * MIB,
        "20 min: {short} B, 80 min: {long} B"
    );
}
