//! Sizing a run's outputs before they are written: the rows of `timeseries.csv`,
//! `partitions.csv` and `scaling.csv` are known exactly from the scenario (the sample
//! interval, the duration and the scaler's evaluation interval); their bytes are
//! estimated from a typical line of each file, encoded as the writers encode it.
//!
//! `esmsim check` prints the estimate and `esmsim run` refuses above [`Limits`] unless
//! told `--allow-large`.

use std::fmt;

use crate::engine::time::{SimDuration, SimTime};
use crate::metrics::bottleneck::Bottleneck;
use crate::metrics::{SampleRow, ScalingRecord};
use crate::model::cost::CostBreakdown;
use crate::model::esm::Load;
use crate::model::scaler::{self, Action};
use crate::output::csv;
use crate::scenario::Scenario;

/// Digits of a typical partition lag in `partitions.csv` (`,1234`).
const PARTITION_LAG_DIGITS: u32 = 4;

/// What a run will write, before it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutputEstimate {
    /// Rows of `timeseries.csv` (one per sample).
    pub timeseries_rows: u64,
    /// Estimated bytes of `timeseries.csv`.
    pub timeseries_bytes: u64,
    /// Rows of `partitions.csv` (0 when it is off).
    pub partitions_rows: u64,
    /// Estimated bytes of `partitions.csv` (0 when it is off).
    pub partitions_bytes: u64,
    /// Rows of `scaling.csv` (one per scaler evaluation).
    pub scaling_rows: u64,
    /// Estimated bytes of `scaling.csv`.
    pub scaling_bytes: u64,
}

/// When a run's outputs are too large to write without being told to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes over all the files.
    pub max_bytes: u64,
    /// Most rows in one file.
    pub max_rows: u64,
}

impl Default for Limits {
    /// 2 GB or 20 million rows.
    fn default() -> Self {
        Limits {
            max_bytes: 2_000_000_000,
            max_rows: 20_000_000,
        }
    }
}

/// Samples of a run of `duration` sampled every `interval`: one per interval and one at
/// the end when the duration is not a multiple of it.
pub fn sample_count(duration: SimDuration, interval: SimDuration) -> u64 {
    if interval.0 == 0 {
        return 0;
    }
    duration.0.div_ceil(interval.0)
}

impl OutputEstimate {
    /// The estimate for `scenario`.
    pub fn of(scenario: &Scenario) -> Self {
        let rows = sample_count(scenario.duration, scenario.sample_interval);
        let end = SimTime::ZERO + scenario.duration;
        let clock = scenario.start_at.as_ref();
        // A file's header and one line: the table of one row, less the table of none.
        let row = typical_row(end, None);
        let timeseries_header = csv::timeseries(&[], clock).len() as u64;
        let timeseries_line =
            csv::timeseries(std::slice::from_ref(&row), clock).len() as u64 - timeseries_header;
        let (partitions_rows, partitions_bytes) = if scenario.outputs.partitions_csv {
            let lags =
                vec![10u64.pow(PARTITION_LAG_DIGITS - 1); scenario.topic.partitions as usize];
            let row = typical_row(end, Some(lags));
            let one = csv::partitions(std::slice::from_ref(&row), clock).len() as u64;
            let two = csv::partitions(&[row.clone(), row], clock).len() as u64;
            let line = two - one;
            (rows, one - line + rows * line)
        } else {
            (0, 0)
        };
        let scaling_rows = evaluations(scenario);
        let scaling_header = csv::scaling(&[], clock).len() as u64;
        let scaling_line =
            csv::scaling(&[typical_decision(end)], clock).len() as u64 - scaling_header;
        OutputEstimate {
            timeseries_rows: rows,
            timeseries_bytes: timeseries_header + rows * timeseries_line,
            partitions_rows,
            partitions_bytes,
            scaling_rows,
            scaling_bytes: scaling_header + scaling_rows * scaling_line,
        }
    }

    /// Bytes over the three files.
    pub fn bytes(&self) -> u64 {
        self.timeseries_bytes + self.partitions_bytes + self.scaling_bytes
    }

    /// Rows of the longest file.
    pub fn max_rows(&self) -> u64 {
        self.timeseries_rows
            .max(self.partitions_rows)
            .max(self.scaling_rows)
    }

    /// Whether the outputs go over `limits`.
    pub fn exceeds(&self, limits: &Limits) -> bool {
        self.bytes() > limits.max_bytes || self.max_rows() > limits.max_rows
    }
}

impl fmt::Display for OutputEstimate {
    /// `timeseries.csv 8,640,000 rows (about 2.1 GB), ...`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "timeseries.csv {} rows ({})",
            thousands(self.timeseries_rows),
            bytes(self.timeseries_bytes)
        )?;
        if self.partitions_rows > 0 {
            write!(
                f,
                ", partitions.csv {} rows ({})",
                thousands(self.partitions_rows),
                bytes(self.partitions_bytes)
            )?;
        }
        write!(
            f,
            ", scaling.csv {} rows ({}); {} in all",
            thousands(self.scaling_rows),
            bytes(self.scaling_bytes),
            bytes(self.bytes())
        )
    }
}

/// `12345678` as `12,345,678`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A byte count in the largest unit that keeps it at or above 1 (decimal units).
pub fn bytes(n: u64) -> String {
    let units = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")];
    for (size, unit) in units {
        if n as f64 >= size {
            return format!("about {:.1} {unit}", n as f64 / size);
        }
    }
    format!("{n} B")
}

/// Scaler evaluations within the run: the first after the start of polling, then every
/// evaluation interval, up to and including the end.
fn evaluations(scenario: &Scenario) -> u64 {
    let scaler = scaler::build(
        &scenario.esm.scaler,
        scenario.topic.partitions,
        scenario.esm.poller.max_concurrent_invokes,
        scenario.seed,
    );
    let end = SimTime::ZERO + scenario.duration;
    let Some(first) = scaler.first_evaluation(SimTime::ZERO + scenario.esm.startup_delay) else {
        return 0;
    };
    if first > end {
        return 0;
    }
    match scaler.next_evaluation(first) {
        Some(second) if second > first => (end - first).0 / (second - first).0 + 1,
        _ => 1,
    }
}

/// A row with the magnitudes of a typical busy run: millions of records, a lag in the
/// thousands, ages and latencies of seconds, tens of pollers, dollars of cost.
fn typical_row(time: SimTime, partition_lags: Option<Vec<u64>>) -> SampleRow {
    SampleRow {
        time,
        produced_per_s: 1234.5,
        committed_per_s: 1234.5,
        produced_total: 12_345_678,
        committed_total: 12_345_678,
        lag: 1234,
        max_partition_lag: 123,
        oldest_age_s: 1.234,
        pollers: 12,
        processors: 12,
        concurrency_mean: 12.34,
        concurrency_max: 12,
        invocations_per_s: 12.34,
        mean_batch_records: Some(123.4),
        errors: 0,
        errors_timeout: 0,
        errors_function: 0,
        retries: 0,
        records_to_destination: 0,
        records_dropped: 0,
        records_expired: 0,
        records_duplicated: 0,
        blocked_partitions: 0,
        throttles: 0,
        concurrency_limit: 1000,
        cold_starts: 0,
        warm_environments: Some(12),
        records_filtered: 0,
        latency_p50_s: Some(1.234),
        latency_p99_s: Some(1.234),
        cost: CostBreakdown {
            gb_s: 1234.5678,
            requests_usd: 1.2345,
            duration_usd: 1.2345,
            epu: 0,
            epu_hours: 0.0,
            epu_usd: 0.0,
            provisioned_concurrency_usd: 0.0,
            total_usd: 1.2345,
        },
        partition_lags,
        load: Load {
            poller_read_bytes_per_s: 1_234_567.8,
            poller_bandwidth_share: Some(0.1234),
            busiest_poller_bandwidth_share: Some(0.1234),
            processor_busy_share: Some(0.1234),
            busiest_processor_busy_share: Some(0.1234),
            busiest_processor_partitions: Some(1),
        },
        bottleneck: Some(Bottleneck::FunctionDuration),
    }
}

/// A scale-out decision with a reason of typical length.
fn typical_decision(time: SimTime) -> ScalingRecord {
    ScalingRecord {
        time,
        total_lag: 12_345,
        previous_lag: 12_345,
        max_partition_lag: 1234,
        pollers: 12,
        target: 13,
        action: Action::ScaleOut,
        reason: "lag 12345 over 1000 and growing: +1 poller".to_string(),
        effective_at: Some(time),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(extra: &str) -> Scenario {
        let yaml = format!(
            "name: micro
duration: 2500ms
sample_interval: 1s
topic: {{partitions: 3}}
producer: {{rate: [{{constant: 10}}]}}
function: {{memory: 1024, duration: {{per_batch: 100ms}}}}
{extra}"
        );
        crate::scenario::load::from_yaml_str(&yaml, std::path::Path::new("."), &[]).unwrap()
    }

    /// 2.5 s sampled every second: rows at 1, 2 and 2.5 s; a fixed policy never
    /// evaluates; `partitions.csv` has a row per sample.
    #[test]
    fn rows_are_exact_and_bytes_count_a_typical_line() {
        let e = OutputEstimate::of(&scenario(
            "esm: {scaler: {policy: fixed, pollers: 1}}\noutputs: {partitions_csv: true}\n",
        ));
        assert_eq!(
            (e.timeseries_rows, e.partitions_rows, e.scaling_rows),
            (3, 3, 0)
        );
        let header = csv::timeseries(&[], None).len() as u64;
        let one = csv::timeseries(&[typical_row(SimTime::from_secs_f64(2.5), None)], None);
        assert_eq!(e.timeseries_bytes, header + 3 * (one.len() as u64 - header));
        // "time_s,p0,p1,p2\n" then "2.500,1000,1000,1000\n" three times.
        assert_eq!(e.partitions_bytes, 16 + 3 * 21);
        assert_eq!(
            sample_count(SimDuration::from_secs(86_400), SimDuration(10_000_000)),
            8_640_000
        );
    }

    #[test]
    fn the_limits_are_two_gigabytes_or_twenty_million_rows() {
        let small = OutputEstimate::of(&scenario(""));
        assert!(!small.exceeds(&Limits::default()));
        let rows = Limits {
            max_bytes: u64::MAX,
            max_rows: 2,
        };
        assert!(small.exceeds(&rows));
        assert_eq!(thousands(20_000_000), "20,000,000");
        assert_eq!(bytes(2_100_000_000), "about 2.1 GB");
    }
}
