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
use crate::metrics::bottleneck::Bottleneck;
use crate::metrics::{SampleRow, Summary};
use crate::model::scaler::Action;
use crate::output::columns::scaling::ACTIONS_ALLOWED;
use crate::output::columns::{Column, scaling, summary, timeseries};
use crate::output::{MANIFEST_JSON, SCALING_CSV, SUMMARY_JSON, TIMESERIES_CSV};
use crate::scenario::clock::Clock;

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
    /// The constraint that bound in each interval (`None`: none did); empty when the
    /// file has no `bottleneck` column (runs written before it existed still plot).
    pub bottleneck: Vec<Option<Bottleneck>>,
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

/// One objective as the overview marks it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChartObjective {
    /// Its name.
    pub name: String,
    /// `max_age`, `max_lag` or `drain`.
    pub kind: String,
    /// The limit: seconds, or records for `max_lag`.
    pub limit: f64,
    /// Its window as written, if any.
    pub during: Option<String>,
    /// The spans of the run (seconds) the window covers, when it has one and the
    /// manifest has the clock to place it.
    pub spans: Option<Vec<(f64, f64)>>,
    /// Whether the run met it (`None` when not known).
    pub met: Option<bool>,
}

/// Everything the charts need from one run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChartInput {
    /// The scenario's name (`manifest.json` `scenario.name`).
    pub scenario_name: String,
    /// The run's seed, when the manifest records one.
    pub seed: Option<u64>,
    /// The objectives of `slo`, from `summary.json` `slo[]` (for runs written before
    /// it: the manifest's `scenario.slo.max_age`).
    pub objectives: Vec<ChartObjective>,
    /// The sampled time series.
    pub series: TimeSeries,
    /// The scaler's evaluations, in time order.
    pub scaling: Vec<ScalingDecision>,
    /// Headline numbers from `summary.json`.
    pub summary: SummaryNumbers,
    /// The wall clock of t = 0 (`manifest.json` `start_at`), if the run had one: time
    /// axes are then labelled in clock time.
    pub start_at: Option<Clock>,
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
        Self::from_files_within(dir, None, None)
    }

    /// Reads a run directory for charts of the window `from_s..=to_s` (either end open):
    /// only the rows inside it are kept, so a zoom into a long run keeps every row of the
    /// window up to 200,000 of them.
    ///
    /// # Errors
    ///
    /// As [`ChartInput::from_files`].
    pub fn from_files_within(
        dir: &Path,
        from_s: Option<f64>,
        to_s: Option<f64>,
    ) -> Result<Self, ChartError> {
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
        if !timeseries.is_file() {
            return Err(ChartError::MissingFile { path: timeseries });
        }
        let manifest = read(MANIFEST_JSON, true)?;
        let scaling = read(SCALING_CSV, false)?;
        let summary = read(SUMMARY_JSON, false)?;
        let window = Window { from_s, to_s };
        let series = match read_timeseries_file(&timeseries, window) {
            // Read it all, for the error that says where the samples are.
            Err(ChartError::NoSamples) if !window.is_whole() => {
                read_timeseries_file(&timeseries, Window::default())?
            }
            read => read?,
        };
        Self::with_series(series, &scaling, &manifest, &summary)
    }

    /// Like [`ChartInput::from_bytes`], with `timeseries.csv` read from the file at
    /// `timeseries` without holding it: a first pass counts its lines, the second keeps
    /// what the charts draw (every row up to 200,000 rows, a
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
        let series = read_timeseries_file(timeseries, Window::default())?;
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

    /// The input with `series` already parsed.
    fn with_series(
        series: TimeSeries,
        scaling_csv: &[u8],
        manifest_json: &[u8],
        summary_json: &[u8],
    ) -> Result<Self, ChartError> {
        let scaling = parse_scaling(scaling_csv)?;
        let (scenario_name, seed, slo_max_age_s) = parse_manifest(manifest_json)?;
        let summary = parse_summary(summary_json)?;
        let objectives = match parse_objectives(summary_json, manifest_json) {
            Some(list) => list,
            None => slo_max_age_s
                .map(|limit| ChartObjective {
                    name: "max_age".into(),
                    kind: "max_age".into(),
                    limit,
                    ..ChartObjective::default()
                })
                .into_iter()
                .collect(),
        };
        let start_at = parse_start_at(manifest_json)?;
        Ok(Self {
            scenario_name,
            seed,
            objectives,
            series,
            scaling,
            summary,
            start_at,
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

fn reader<R: Read>(input: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(input)
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

/// The span of time charted, either end open.
#[derive(Clone, Copy, Debug, Default)]
struct Window {
    from_s: Option<f64>,
    to_s: Option<f64>,
}

impl Window {
    fn is_whole(self) -> bool {
        self.from_s.is_none() && self.to_s.is_none()
    }

    fn contains(self, t: f64) -> bool {
        self.from_s.is_none_or(|f| t >= f) && self.to_s.is_none_or(|e| t <= e)
    }
}

/// `timeseries.csv` from the file at `path`, read twice without holding it: a first pass
/// counts the rows (in `window`: their times are read), the second keeps the rows of the
/// window that the charts draw (see [`super::reduce`]).
fn read_timeseries_file(path: &Path, window: Window) -> Result<TimeSeries, ChartError> {
    let io = |source| ChartError::Io {
        path: path.to_path_buf(),
        source,
    };
    let open = || {
        std::fs::File::open(path)
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
    let rows = if window.is_whole() {
        lines.saturating_sub(1)
    } else {
        rows_within(open()?, window)?
    };
    parse_timeseries_from(open()?, rows, window)
}

/// A reader of `timeseries.csv` from `input`, with its header row.
fn timeseries_reader<R: Read>(input: R) -> Result<(csv::Reader<R>, csv::StringRecord), ChartError> {
    let mut rdr = reader(input);
    let headers = rdr
        .headers()
        .map_err(|source| ChartError::Csv {
            file: TIMESERIES_CSV,
            source,
        })?
        .clone();
    Ok((rdr, headers))
}

/// The rows of `timeseries.csv` read from `input` whose `time_s` lies in `window`.
fn rows_within(input: impl Read, window: Window) -> Result<usize, ChartError> {
    let file = TIMESERIES_CSV;
    let (mut rdr, headers) = timeseries_reader(input)?;
    let [time] = column_indices(file, &headers, [timeseries::TIME_S.name])?;
    let mut record = csv::StringRecord::new();
    let mut rows = 0;
    while rdr
        .read_record(&mut record)
        .map_err(|source| ChartError::Csv { file, source })?
    {
        let t = number(file, &record, time, timeseries::TIME_S.name)?;
        rows += usize::from(window.contains(t));
    }
    Ok(rows)
}

/// `timeseries.csv` from memory.
fn parse_timeseries(bytes: &[u8]) -> Result<TimeSeries, ChartError> {
    if is_blank(bytes) {
        return Err(ChartError::NoSamples);
    }
    let lines = bytes.iter().filter(|&&b| b == b'\n').count();
    parse_timeseries_from(bytes, lines.saturating_sub(1), Window::default())
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
    if let Some(bottleneck) = row.bottleneck {
        ts.bottleneck.push(bottleneck);
    }
}

/// `timeseries.csv` from `input`, with `rows` rows in `window` (which decides whether
/// every row is kept, see [`super::reduce`]); rows outside `window` are checked, not kept.
fn parse_timeseries_from(
    input: impl Read,
    rows: usize,
    window: Window,
) -> Result<TimeSeries, ChartError> {
    let file = TIMESERIES_CSV;
    let (mut rdr, headers) = timeseries_reader(input)?;
    let idx = column_indices(file, &headers, CHARTED.map(|(column, _)| column.name))?;
    let cold_idx = headers
        .iter()
        .position(|h| h.trim() == timeseries::COLD_STARTS.name);
    let failure_idx =
        Failures::COLUMNS.map(|(name, _)| headers.iter().position(|h| h.trim() == name));
    let bottleneck_idx = headers
        .iter()
        .position(|h| h.trim() == timeseries::BOTTLENECK.name);
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
        if !window.contains(t) {
            continue;
        }
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
        // An unknown label (a newer file) is drawn as none.
        let bottleneck = bottleneck_idx
            .map(|index| Bottleneck::from_name(record.get(index).unwrap_or("").trim()));
        builder.take(
            ChartRow {
                values,
                cold,
                failures,
                bottleneck,
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

/// `start_at` of `manifest.json`, if present.
fn parse_start_at(bytes: &[u8]) -> Result<Option<Clock>, ChartError> {
    let file = MANIFEST_JSON;
    match parse_json(file, bytes)?.get("start_at") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => {
            v.as_str()
                .and_then(Clock::parse)
                .map(Some)
                .ok_or_else(|| ChartError::BadField {
                    file,
                    field: "start_at",
                    problem: format!(
                        "should be an RFC 3339 date and time with its offset, found {v}"
                    ),
                })
        }
    }
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

/// The objectives of `summary.json` `slo[]` (`None` when the file or the key is absent),
/// their windows placed with the manifest's `scenario.start_at` and `duration_s`.
fn parse_objectives(summary_json: &[u8], manifest_json: &[u8]) -> Option<Vec<ChartObjective>> {
    use crate::engine::time::SimTime;
    use crate::scenario::clock::{Clock, DailyWindow, Days, TimeOfDay};
    let summary: Value = serde_json::from_slice(summary_json).ok()?;
    let list = summary.get("slo")?.as_array()?;
    let manifest: Value = serde_json::from_slice(manifest_json).unwrap_or(Value::Null);
    let scenario = manifest.get("scenario");
    let clock = scenario
        .and_then(|s| s.get("start_at"))
        .and_then(Value::as_str)
        .and_then(Clock::parse);
    let end = summary
        .get("duration_s")
        .and_then(Value::as_f64)
        .filter(|d| d.is_finite() && *d >= 0.0)
        .map(SimTime::from_secs_f64);
    let windows = scenario
        .and_then(|s| s.get("slo"))
        .and_then(Value::as_array);
    let window_of = |i: usize| -> Option<DailyWindow> {
        let w = windows?.get(i)?.get("during")?;
        let text = |k: &str| w.get(k).and_then(Value::as_str);
        let days = match w.get("days") {
            None | Some(Value::Null) => Some(Days::ALL),
            Some(Value::String(d)) => Days::parse(d),
            Some(Value::Array(l)) => Days::parse_list(l.iter().filter_map(Value::as_str)),
            Some(_) => None,
        }?;
        Some(DailyWindow {
            from: TimeOfDay::parse(text("from")?)?,
            to: TimeOfDay::parse(text("to")?)?,
            days,
        })
    };
    Some(
        list.iter()
            .enumerate()
            .map(|(i, o)| {
                let text = |k: &str| o.get(k).and_then(Value::as_str).map(str::to_string);
                let during = text("during");
                let spans = during.as_ref().and_then(|_| {
                    let spans = clock?.spans(&window_of(i)?, end?);
                    Some(
                        spans
                            .iter()
                            .map(|(a, b)| (a.as_secs_f64(), b.as_secs_f64()))
                            .collect(),
                    )
                });
                ChartObjective {
                    name: text("name").unwrap_or_default(),
                    kind: text("kind").unwrap_or_default(),
                    limit: o.get("limit").and_then(Value::as_f64).unwrap_or(f64::NAN),
                    during,
                    spans,
                    met: o.get("met").and_then(Value::as_bool),
                }
            })
            .filter(|o| o.limit.is_finite())
            .collect(),
    )
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
