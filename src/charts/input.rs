//! Loading what a run wrote (`timeseries.csv`, `scaling.csv`, `manifest.json`,
//! `summary.json`) into the plain columns the charts draw from.
//!
//! CSV columns are found by header name (the names of [`crate::output::columns`]), extra
//! columns are ignored, and an empty cell is a missing value (stored as `NaN`).

use std::io::{BufRead, Read};
use std::path::Path;

use serde_json::Value;

use super::error::ChartError;
use super::reduce::{ChartRow, SeriesBuilder};
use crate::metrics::{SampleRow, Summary};
use crate::model::scaler::Action;
use crate::output::columns::scaling::ACTIONS_ALLOWED;
use crate::output::columns::{Column, scaling, summary, timeseries};
use crate::output::{MANIFEST_JSON, SCALING_CSV, SUMMARY_JSON, TIMESERIES_CSV};

/// The per-sample columns of `timeseries.csv` that the charts draw.
///
/// All vectors have the same length, one entry per row; a missing value is `f64::NAN`.
/// `time_s` is the end of each sample interval and strictly increases.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimeSeries {
    /// End of the sample interval, seconds since the start of the run.
    pub time_s: Vec<f64>,
    /// Records produced per second over the interval.
    pub produced_records_per_s: Vec<f64>,
    /// Records committed per second over the interval.
    pub committed_records_per_s: Vec<f64>,
    /// Total offset lag over all partitions, records.
    pub lag_records: Vec<f64>,
    /// Largest lag of any single partition, records.
    pub max_partition_lag_records: Vec<f64>,
    /// Age of the oldest uncommitted record, seconds.
    pub oldest_record_age_s: Vec<f64>,
    /// Number of pollers.
    pub pollers: Vec<f64>,
    /// Number of processors.
    pub processors: Vec<f64>,
    /// Mean number of concurrent invocations over the interval.
    pub concurrency_mean: Vec<f64>,
    /// Median end-to-end latency of records committed in the interval, seconds (NaN if none).
    pub latency_p50_s: Vec<f64>,
    /// 99th percentile end-to-end latency of records committed in the interval, seconds.
    pub latency_p99_s: Vec<f64>,
    /// Cold starts in the interval; empty when the file has no `cold_starts` column (runs
    /// written before it existed still plot).
    pub cold_starts: Vec<f64>,
    /// Failed invocations, retries, throttled invokes (interval counts) and blocked
    /// partitions (instant), each empty when the file has no such column (runs written
    /// before they existed still plot).
    pub failures: Failures,
    /// Cumulative request cost, USD.
    pub cost_requests_usd: Vec<f64>,
    /// Cumulative duration (GB-s) cost, USD.
    pub cost_duration_usd: Vec<f64>,
    /// Cumulative total cost, USD.
    pub cost_usd: Vec<f64>,
}

/// The optional failure columns of `timeseries.csv`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Failures {
    /// `errors`: invocations that failed in the interval.
    pub errors: Vec<f64>,
    /// `retries`: invocations that re-sent failed records in the interval.
    pub retries: Vec<f64>,
    /// `throttles`: invokes throttled in the interval.
    pub throttles: Vec<f64>,
    /// `blocked_partitions`: partitions blocked on a failed batch at the sample.
    pub blocked_partitions: Vec<f64>,
}

/// Where the values of one optional column go.
type FailureSlot = fn(&mut Failures) -> &mut Vec<f64>;

impl Failures {
    /// The columns, by name, with where each value goes.
    const COLUMNS: [(&'static str, FailureSlot); 4] = [
        ("errors", |f| &mut f.errors),
        ("retries", |f| &mut f.retries),
        ("throttles", |f| &mut f.throttles),
        ("blocked_partitions", |f| &mut f.blocked_partitions),
    ];

    /// Whether anything failed, was retried or throttled, or blocked in the run.
    pub fn any(&self) -> bool {
        [
            &self.errors,
            &self.retries,
            &self.throttles,
            &self.blocked_partitions,
        ]
        .iter()
        .any(|ys| ys.iter().any(|&v| v > 0.0))
    }
}

impl TimeSeries {
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.time_s.len()
    }

    /// True when there is no sample.
    pub fn is_empty(&self) -> bool {
        self.time_s.is_empty()
    }
}

/// One row of `scaling.csv`: a scaler evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct ScalingDecision {
    /// When the scaler decided, seconds.
    pub time_s: f64,
    /// Pollers before the decision.
    pub from: f64,
    /// Pollers after the decision takes effect.
    pub to: f64,
    /// What was decided.
    pub action: Action,
    /// When the change takes effect, seconds (`None` for a hold).
    pub effective_at_s: Option<f64>,
}

/// The headline numbers of `summary.json` shown in the overview's title area.
/// Each is `None` when the key is absent or null.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SummaryNumbers {
    /// Largest total offset lag, records.
    pub max_lag_records: Option<f64>,
    /// Largest age of an uncommitted record, seconds.
    pub max_record_age_s: Option<f64>,
    /// 99th percentile end-to-end latency over the run, seconds.
    pub latency_p99_s: Option<f64>,
    /// Total cost, USD.
    pub cost_usd: Option<f64>,
    /// Number of invocations.
    pub invocations: Option<f64>,
}

/// Everything the charts need from one run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChartInput {
    /// The scenario's name (`manifest.json` `scenario.name`).
    pub scenario_name: String,
    /// The run's seed, when the manifest records one.
    pub seed: Option<u64>,
    /// The SLO on record age, seconds (`scenario.slo.max_age`), if set.
    pub slo_max_age_s: Option<f64>,
    /// The sampled time series.
    pub series: TimeSeries,
    /// The scaler's evaluations, in time order.
    pub scaling: Vec<ScalingDecision>,
    /// Headline numbers from `summary.json`.
    pub summary: SummaryNumbers,
}

impl ChartInput {
    /// Reads a run directory.
    ///
    /// `timeseries.csv` and `manifest.json` are required; `scaling.csv` and `summary.json`
    /// are optional (no scaling markers, no summary numbers when absent).
    ///
    /// # Errors
    ///
    /// [`ChartError::MissingFile`] when a required file is absent, [`ChartError::Io`] when
    /// one cannot be read, and any error of [`ChartInput::from_bytes`].
    pub fn from_files(dir: &Path) -> Result<Self, ChartError> {
        let read = |name: &str, required: bool| -> Result<Vec<u8>, ChartError> {
            let path = dir.join(name);
            match std::fs::read(&path) {
                Ok(bytes) => Ok(bytes),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    if required {
                        Err(ChartError::MissingFile { path })
                    } else {
                        Ok(Vec::new())
                    }
                }
                Err(source) => Err(ChartError::Io { path, source }),
            }
        };
        let timeseries = dir.join(TIMESERIES_CSV);
        if !timeseries.exists() {
            return Err(ChartError::MissingFile { path: timeseries });
        }
        let manifest = read(MANIFEST_JSON, true)?;
        let scaling = read(SCALING_CSV, false)?;
        let summary = read(SUMMARY_JSON, false)?;
        Self::from_timeseries_file(&timeseries, &scaling, &manifest, &summary)
    }

    /// Like [`ChartInput::from_bytes`], with `timeseries.csv` read from the file at
    /// `timeseries` without holding it: a first pass counts its rows, the second keeps
    /// what the charts draw (every row up to [`super::reduce::EXACT_ROWS`] rows, a
    /// bounded selection beyond).
    ///
    /// # Errors
    ///
    /// [`ChartError::Io`] when the file cannot be read, and any error of
    /// [`ChartInput::from_bytes`].
    pub fn from_timeseries_file(
        timeseries: &Path,
        scaling_csv: &[u8],
        manifest_json: &[u8],
        summary_json: &[u8],
    ) -> Result<Self, ChartError> {
        let io = |source| ChartError::Io {
            path: timeseries.to_path_buf(),
            source,
        };
        let open = || {
            std::fs::File::open(timeseries)
                .map(|f| std::io::BufReader::with_capacity(1 << 16, f))
                .map_err(io)
        };
        let (mut lines, mut blank) = (0usize, true);
        let mut counting = open()?;
        loop {
            let chunk = counting.fill_buf().map_err(io)?;
            if chunk.is_empty() {
                break;
            }
            lines += chunk.iter().filter(|&&b| b == b'\n').count();
            blank &= is_blank(chunk);
            let n = chunk.len();
            counting.consume(n);
        }
        if blank {
            return Err(ChartError::NoSamples);
        }
        let series = parse_timeseries_from(open()?, lines.saturating_sub(1))?;
        Self::with_series(series, scaling_csv, manifest_json, summary_json)
    }

    /// Parses the four files from memory. An empty `scaling_csv` or `summary_json` means
    /// "none"; `timeseries_csv` must have at least one row.
    ///
    /// # Errors
    ///
    /// [`ChartError::NoSamples`] for an empty time series; [`ChartError::MissingColumn`],
    /// [`ChartError::BadValue`], [`ChartError::TimeNotIncreasing`] or [`ChartError::Csv`]
    /// for a malformed CSV; [`ChartError::Json`] or [`ChartError::BadField`] for malformed
    /// JSON.
    pub fn from_bytes(
        timeseries_csv: &[u8],
        scaling_csv: &[u8],
        manifest_json: &[u8],
        summary_json: &[u8],
    ) -> Result<Self, ChartError> {
        Self::with_series(
            parse_timeseries(timeseries_csv)?,
            scaling_csv,
            manifest_json,
            summary_json,
        )
    }

    fn with_series(
        series: TimeSeries,
        scaling_csv: &[u8],
        manifest_json: &[u8],
        summary_json: &[u8],
    ) -> Result<Self, ChartError> {
        let scaling = parse_scaling(scaling_csv)?;
        let (scenario_name, seed, slo_max_age_s) = parse_manifest(manifest_json)?;
        let summary = parse_summary(summary_json)?;
        Ok(Self {
            scenario_name,
            seed,
            slo_max_age_s,
            series,
            scaling,
            summary,
        })
    }
}

fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
}

/// Finds each wanted column's index in the header, or names the first missing one.
fn column_indices<const N: usize>(
    file: &'static str,
    headers: &csv::StringRecord,
    wanted: [&'static str; N],
) -> Result<[usize; N], ChartError> {
    let mut out = [0; N];
    for (slot, column) in out.iter_mut().zip(wanted) {
        *slot = headers
            .iter()
            .position(|h| h.trim() == column)
            .ok_or(ChartError::MissingColumn { file, column })?;
    }
    Ok(out)
}

fn line_of(record: &csv::StringRecord) -> u64 {
    record.position().map_or(0, |p| p.line())
}

/// Parses a numeric cell; empty means missing (`NaN`).
fn number(
    file: &'static str,
    record: &csv::StringRecord,
    index: usize,
    column: &'static str,
) -> Result<f64, ChartError> {
    let cell = record.get(index).unwrap_or("").trim();
    if cell.is_empty() {
        return Ok(f64::NAN);
    }
    cell.parse::<f64>().map_err(|_| ChartError::BadValue {
        file,
        line: line_of(record),
        column,
        value: cell.to_string(),
        expected: "a number or empty",
    })
}

fn reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes)
}

/// Where a charted column of `timeseries.csv` goes in a [`TimeSeries`].
type Slot = for<'a> fn(&'a mut TimeSeries) -> &'a mut Vec<f64>;

/// The columns of `timeseries.csv` the charts draw, each with its place in [`TimeSeries`];
/// `time_s` first.
const CHARTED: [(&Column<SampleRow>, Slot); 14] = [
    (&timeseries::TIME_S, |s| &mut s.time_s),
    (&timeseries::PRODUCED_RECORDS_PER_S, |s| {
        &mut s.produced_records_per_s
    }),
    (&timeseries::COMMITTED_RECORDS_PER_S, |s| {
        &mut s.committed_records_per_s
    }),
    (&timeseries::LAG_RECORDS, |s| &mut s.lag_records),
    (&timeseries::MAX_PARTITION_LAG_RECORDS, |s| {
        &mut s.max_partition_lag_records
    }),
    (&timeseries::OLDEST_RECORD_AGE_S, |s| {
        &mut s.oldest_record_age_s
    }),
    (&timeseries::POLLERS, |s| &mut s.pollers),
    (&timeseries::PROCESSORS, |s| &mut s.processors),
    (&timeseries::CONCURRENCY_MEAN, |s| &mut s.concurrency_mean),
    (&timeseries::LATENCY_P50_S, |s| &mut s.latency_p50_s),
    (&timeseries::LATENCY_P99_S, |s| &mut s.latency_p99_s),
    (&timeseries::COST_REQUESTS_USD, |s| &mut s.cost_requests_usd),
    (&timeseries::COST_DURATION_USD, |s| &mut s.cost_duration_usd),
    (&timeseries::COST_USD, |s| &mut s.cost_usd),
];

/// `timeseries.csv` from memory.
fn parse_timeseries(bytes: &[u8]) -> Result<TimeSeries, ChartError> {
    if is_blank(bytes) {
        return Err(ChartError::NoSamples);
    }
    let rows = bytes
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        .saturating_sub(1);
    parse_timeseries_from(bytes, rows)
}

/// Puts a parsed row into the series.
fn push_row(ts: &mut TimeSeries, row: &ChartRow<{ CHARTED.len() }>) {
    for ((_, slot), value) in CHARTED.iter().zip(row.values) {
        slot(ts).push(value);
    }
    if let Some(cold) = row.cold {
        ts.cold_starts.push(cold);
    }
    for (value, (_, slot)) in row.failures.iter().zip(Failures::COLUMNS) {
        if let Some(value) = value {
            slot(&mut ts.failures).push(*value);
        }
    }
}

/// `timeseries.csv` from `input`, about `rows` rows long (which decides whether every
/// row is kept, see [`super::reduce`]).
fn parse_timeseries_from(input: impl Read, rows: usize) -> Result<TimeSeries, ChartError> {
    let file = TIMESERIES_CSV;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(input);
    let headers = rdr
        .headers()
        .map_err(|source| ChartError::Csv { file, source })?
        .clone();
    let idx = column_indices(file, &headers, CHARTED.map(|(column, _)| column.name))?;
    let cold_idx = headers
        .iter()
        .position(|h| h.trim() == timeseries::COLD_STARTS.name);
    let failure_idx =
        Failures::COLUMNS.map(|(name, _)| headers.iter().position(|h| h.trim() == name));
    let mut ts = TimeSeries::default();
    let mut builder = SeriesBuilder::new(rows);
    let mut previous: Option<f64> = None;
    let mut record = csv::StringRecord::new();
    while rdr
        .read_record(&mut record)
        .map_err(|source| ChartError::Csv { file, source })?
    {
        let mut values = [0.0; CHARTED.len()];
        for ((value, index), (column, _)) in values.iter_mut().zip(idx).zip(CHARTED) {
            *value = number(file, &record, index, column.name)?;
        }
        let t = values[0];
        if !t.is_finite() {
            return Err(ChartError::BadValue {
                file,
                line: line_of(&record),
                column: timeseries::TIME_S.name,
                value: record.get(idx[0]).unwrap_or("").to_string(),
                expected: "a finite number of seconds",
            });
        }
        if let Some(previous) = previous
            && t <= previous
        {
            return Err(ChartError::TimeNotIncreasing {
                file,
                line: line_of(&record),
                time_s: t,
                previous,
            });
        }
        previous = Some(t);
        let cold = cold_idx
            .map(|index| number(file, &record, index, timeseries::COLD_STARTS.name))
            .transpose()?;
        let mut failures = [None; 4];
        for ((value, index), (name, _)) in
            failures.iter_mut().zip(failure_idx).zip(Failures::COLUMNS)
        {
            *value = index
                .map(|index| number(file, &record, index, name))
                .transpose()?;
        }
        builder.take(
            ChartRow {
                values,
                cold,
                failures,
            },
            &mut ts,
            push_row,
        );
    }
    builder.finish(&mut ts, push_row);
    if ts.is_empty() {
        return Err(ChartError::NoSamples);
    }
    Ok(ts)
}

fn parse_scaling(bytes: &[u8]) -> Result<Vec<ScalingDecision>, ChartError> {
    if is_blank(bytes) {
        return Ok(Vec::new());
    }
    let file = SCALING_CSV;
    let mut rdr = reader(bytes);
    let headers = rdr
        .headers()
        .map_err(|source| ChartError::Csv { file, source })?
        .clone();
    let wanted = [
        &scaling::TIME_S,
        &scaling::FROM,
        &scaling::TO,
        &scaling::ACTION,
        &scaling::EFFECTIVE_AT_S,
    ];
    let [t, from, to, action, effective] =
        column_indices(file, &headers, wanted.map(|column| column.name))?;
    let mut out = Vec::new();
    for record in rdr.records() {
        let record = record.map_err(|source| ChartError::Csv { file, source })?;
        let action_text = record.get(action).unwrap_or("").trim();
        let parsed_action = action_text
            .parse::<Action>()
            .map_err(|e| ChartError::BadValue {
                file,
                line: line_of(&record),
                column: scaling::ACTION.name,
                value: e.given,
                expected: ACTIONS_ALLOWED,
            })?;
        let cell = |index: usize, column: &Column<_>| number(file, &record, index, column.name);
        let effective_at_s = cell(effective, &scaling::EFFECTIVE_AT_S)?;
        out.push(ScalingDecision {
            time_s: cell(t, &scaling::TIME_S)?,
            from: cell(from, &scaling::FROM)?,
            to: cell(to, &scaling::TO)?,
            action: parsed_action,
            effective_at_s: effective_at_s.is_finite().then_some(effective_at_s),
        });
    }
    Ok(out)
}

fn parse_json(file: &'static str, bytes: &[u8]) -> Result<Value, ChartError> {
    serde_json::from_slice(bytes).map_err(|source| ChartError::Json { file, source })
}

fn parse_manifest(bytes: &[u8]) -> Result<(String, Option<u64>, Option<f64>), ChartError> {
    let file = MANIFEST_JSON;
    let manifest = parse_json(file, bytes)?;
    let scenario = manifest.get("scenario");
    let name = match scenario.and_then(|s| s.get("name")) {
        None | Some(Value::Null) => "unnamed scenario".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(ChartError::BadField {
                file,
                field: "scenario.name",
                problem: format!("should be a string, found {other}"),
            });
        }
    };
    let seed_value = manifest
        .get("seed")
        .or_else(|| scenario.and_then(|s| s.get("seed")));
    let seed = match seed_value {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_u64().ok_or_else(|| ChartError::BadField {
            file,
            field: "seed",
            problem: format!("should be a non-negative integer, found {v}"),
        })?),
    };
    let max_age = scenario
        .and_then(|s| s.get("slo"))
        .and_then(|slo| slo.get("max_age"));
    let slo = match max_age {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(
            humantime::parse_duration(text.trim())
                .map_err(|e| ChartError::BadField {
                    file,
                    field: "scenario.slo.max_age",
                    problem: format!("{text:?} is not a duration such as \"1m\": {e}"),
                })?
                .as_secs_f64(),
        ),
        Some(Value::Number(n)) => n.as_f64(),
        Some(other) => {
            return Err(ChartError::BadField {
                file,
                field: "scenario.slo.max_age",
                problem: format!("should be a duration string such as \"1m\", found {other}"),
            });
        }
    };
    Ok((name, seed, slo))
}

fn parse_summary(bytes: &[u8]) -> Result<SummaryNumbers, ChartError> {
    if is_blank(bytes) {
        return Ok(SummaryNumbers::default());
    }
    let file = SUMMARY_JSON;
    let json = parse_json(file, bytes)?;
    let get = |column: &Column<Summary>| -> Result<Option<f64>, ChartError> {
        let field = column.name;
        match json.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(other) => Err(ChartError::BadField {
                file,
                field,
                problem: format!("should be a number or null, found {other}"),
            }),
        }
    };
    Ok(SummaryNumbers {
        max_lag_records: get(&summary::MAX_LAG_RECORDS)?,
        max_record_age_s: get(&summary::MAX_RECORD_AGE_S)?,
        latency_p99_s: get(&summary::LATENCY_P99_S)?,
        cost_usd: get(&summary::COST_USD)?,
        invocations: get(&summary::INVOCATIONS)?,
    })
}
