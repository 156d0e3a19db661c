//! Observed series: the JSON `aws cloudwatch get-metric-data` prints.
//!
//! `{"MetricDataResults": [{"Id", "Label", "Timestamps", "Values", "StatusCode"}],
//! "Messages": []}`; timestamps are ISO 8601 (`2026-11-28T17:00:00+00:00` or `...Z`), in
//! any order (newest first by default). A series is matched by its `Label`, then its `Id`,
//! to one of Lambda's ESM metric names ([`Metric`]), case-insensitively. Each series must
//! have one period (the gap between its timestamps), no duplicate timestamps and only
//! numbers; every series of every file must share the period.

use serde::Deserialize;

/// The Lambda metrics a calibration can compare with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum Metric {
    /// `OffsetLag`: total lag in records (statistic: Maximum).
    OffsetLag,
    /// `ConcurrentExecutions`: invocations in flight (statistic: Maximum).
    ConcurrentExecutions,
    /// `Invocations`: invocations started in the period (statistic: Sum).
    Invocations,
    /// `Duration`: read but not compared (the scenario's duration is an input).
    Duration,
    /// `ProvisionedPollers`: pollers (statistic: Maximum).
    ProvisionedPollers,
    /// `Throttles`: throttled invokes (statistic: Sum).
    Throttles,
    /// `Errors`: failed invocations (statistic: Sum).
    Errors,
}

impl Metric {
    /// Every metric, in report order.
    pub const ALL: [Metric; 7] = [
        Metric::OffsetLag,
        Metric::ConcurrentExecutions,
        Metric::Invocations,
        Metric::Duration,
        Metric::ProvisionedPollers,
        Metric::Throttles,
        Metric::Errors,
    ];

    /// The CloudWatch metric name.
    pub fn name(self) -> &'static str {
        match self {
            Metric::OffsetLag => "OffsetLag",
            Metric::ConcurrentExecutions => "ConcurrentExecutions",
            Metric::Invocations => "Invocations",
            Metric::Duration => "Duration",
            Metric::ProvisionedPollers => "ProvisionedPollers",
            Metric::Throttles => "Throttles",
            Metric::Errors => "Errors",
        }
    }

    /// The CloudWatch statistic esmsim compares for this metric (`Maximum` or `Sum`;
    /// `Average` for `Duration`, which is read but not compared).
    pub fn statistic(self) -> &'static str {
        match self {
            Metric::OffsetLag | Metric::ConcurrentExecutions | Metric::ProvisionedPollers => {
                "Maximum"
            }
            Metric::Invocations | Metric::Throttles | Metric::Errors => "Sum",
            Metric::Duration => "Average",
        }
    }

    /// The metric named `name` (case-insensitive).
    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(name.trim()))
    }
}

/// An observed file that cannot be used.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum ObservedError {
    /// Not JSON of the `get-metric-data` shape.
    #[error("{file}: not the JSON `aws cloudwatch get-metric-data` prints: {message}")]
    Json {
        /// The file.
        file: String,
        /// What serde said.
        message: String,
    },
    /// A series whose label and id are no ESM metric.
    #[error(
        "{file}: series '{label}' (id '{id}') is not a metric esmsim knows; set its Label or Id to one of OffsetLag, ConcurrentExecutions, Invocations, Duration, ProvisionedPollers, Throttles, Errors"
    )]
    UnknownLabel {
        /// The file.
        file: String,
        /// The series' label.
        label: String,
        /// The series' id.
        id: String,
    },
    /// A timestamp that is not ISO 8601.
    #[error(
        "{file}: series '{series}': timestamp '{value}' is not ISO 8601 (e.g. 2026-11-28T17:00:00+00:00)"
    )]
    BadTimestamp {
        /// The file.
        file: String,
        /// The metric.
        series: String,
        /// The text.
        value: String,
    },
    /// A value that is not a finite number.
    #[error("{file}: series '{series}': value {value} at {timestamp} is not a finite number")]
    NotANumber {
        /// The file.
        file: String,
        /// The metric.
        series: String,
        /// The value as written.
        value: String,
        /// Its timestamp.
        timestamp: String,
    },
    /// Timestamps and values of different lengths.
    #[error("{file}: series '{series}' has {timestamps} timestamps but {values} values")]
    LengthMismatch {
        /// The file.
        file: String,
        /// The metric.
        series: String,
        /// Timestamps.
        timestamps: usize,
        /// Values.
        values: usize,
    },
    /// The same timestamp twice.
    #[error("{file}: series '{series}' has timestamp {timestamp} twice")]
    DuplicateTimestamp {
        /// The file.
        file: String,
        /// The metric.
        series: String,
        /// The timestamp.
        timestamp: String,
    },
    /// Gaps that are not one period, or series of different periods.
    #[error("{file}: series '{series}': {message}")]
    PeriodMismatch {
        /// The file.
        file: String,
        /// The metric.
        series: String,
        /// What differs.
        message: String,
    },
    /// The same metric in two series.
    #[error("{file}: metric '{series}' is given twice")]
    DuplicateSeries {
        /// The file.
        file: String,
        /// The metric.
        series: String,
    },
    /// Nothing to compare with.
    #[error(
        "the observed files hold no series esmsim can compare with (OffsetLag, ConcurrentExecutions, ...)"
    )]
    Empty,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawFile {
    metric_data_results: Vec<RawSeries>,
    #[serde(default)]
    #[allow(dead_code)]
    messages: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawSeries {
    id: String,
    #[serde(default)]
    label: Option<String>,
    timestamps: Vec<String>,
    values: Vec<serde_json::Value>,
    #[serde(default)]
    #[allow(dead_code)]
    status_code: Option<String>,
}

/// One observed series.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The metric.
    pub metric: Metric,
    /// `(seconds since the Unix epoch, value)`, oldest first.
    pub points: Vec<(i64, f64)>,
}

/// Every observed series, on one period.
#[derive(Clone, Debug, PartialEq)]
pub struct Observed {
    /// The period, seconds.
    pub period_s: i64,
    /// The series, in [`Metric::ALL`] order.
    pub series: Vec<Series>,
}

impl Observed {
    /// The earliest timestamp of any series (epoch seconds).
    pub fn earliest(&self) -> i64 {
        self.series
            .iter()
            .filter_map(|s| s.points.first().map(|p| p.0))
            .min()
            .unwrap_or(0)
    }

    /// The latest timestamp plus one period (epoch seconds).
    pub fn end(&self) -> i64 {
        self.series
            .iter()
            .filter_map(|s| s.points.last().map(|p| p.0))
            .max()
            .unwrap_or(0)
            + self.period_s
    }
}

/// Parses the files `(name, text)` into one [`Observed`].
///
/// # Errors
///
/// [`ObservedError`] naming the file, series and value.
pub fn parse(files: &[(String, String)]) -> Result<Observed, ObservedError> {
    let mut series: Vec<Series> = Vec::new();
    let mut period: Option<(i64, String)> = None;
    for (file, text) in files {
        let raw: RawFile = serde_json::from_str(text).map_err(|e| ObservedError::Json {
            file: file.clone(),
            message: e.to_string(),
        })?;
        for s in raw.metric_data_results {
            let label = s.label.clone().unwrap_or_default();
            let metric = Metric::from_name(&label)
                .or_else(|| Metric::from_name(&s.id))
                .ok_or_else(|| ObservedError::UnknownLabel {
                    file: file.clone(),
                    label: label.clone(),
                    id: s.id.clone(),
                })?;
            let name = metric.name().to_string();
            if s.timestamps.len() != s.values.len() {
                return Err(ObservedError::LengthMismatch {
                    file: file.clone(),
                    series: name,
                    timestamps: s.timestamps.len(),
                    values: s.values.len(),
                });
            }
            let mut points = Vec::with_capacity(s.values.len());
            for (ts, v) in s.timestamps.iter().zip(&s.values) {
                let t = parse_timestamp(ts).ok_or_else(|| ObservedError::BadTimestamp {
                    file: file.clone(),
                    series: name.clone(),
                    value: ts.clone(),
                })?;
                let value = v.as_f64().filter(|x| x.is_finite()).ok_or_else(|| {
                    ObservedError::NotANumber {
                        file: file.clone(),
                        series: name.clone(),
                        value: v.to_string(),
                        timestamp: ts.clone(),
                    }
                })?;
                points.push((t, value));
            }
            points.sort_by_key(|p| p.0);
            for w in points.windows(2) {
                if w[0].0 == w[1].0 {
                    return Err(ObservedError::DuplicateTimestamp {
                        file: file.clone(),
                        series: name,
                        timestamp: format_timestamp(w[0].0),
                    });
                }
            }
            let gaps: Vec<i64> = points.windows(2).map(|w| w[1].0 - w[0].0).collect();
            if let Some(&gap) = gaps.first() {
                if let Some(bad) = gaps.iter().find(|&&g| g != gap) {
                    return Err(ObservedError::PeriodMismatch {
                        file: file.clone(),
                        series: name,
                        message: format!(
                            "timestamps are {gap} s apart but also {bad} s apart; export one period with no gaps (a missing datapoint: fill it, e.g. FILL(m1, 0))"
                        ),
                    });
                }
                match &period {
                    Some((p, first)) if *p != gap => {
                        return Err(ObservedError::PeriodMismatch {
                            file: file.clone(),
                            series: name,
                            message: format!(
                                "period {gap} s differs from the {p} s of series '{first}'; export every metric with the same --period"
                            ),
                        });
                    }
                    Some(_) => {}
                    None => period = Some((gap, name.clone())),
                }
            }
            if series.iter().any(|x| x.metric == metric) {
                return Err(ObservedError::DuplicateSeries {
                    file: file.clone(),
                    series: name,
                });
            }
            if !points.is_empty() {
                series.push(Series { metric, points });
            }
        }
    }
    if series.is_empty() {
        return Err(ObservedError::Empty);
    }
    series.sort_by_key(|s| s.metric);
    Ok(Observed {
        period_s: period.map_or(60, |p| p.0),
        series,
    })
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)` to epoch seconds (fractions dropped).
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let t = text.trim();
    let num = |s: &str| -> Option<i64> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (date, rest) = t.split_once(['T', ' '])?;
    let mut dp = date.split('-');
    let (y, mo, d) = (num(dp.next()?)?, num(dp.next()?)?, num(dp.next()?)?);
    if dp.next().is_some() || !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let (clock, offset) = if let Some(c) = rest.strip_suffix('Z') {
        (c, 0)
    } else if let Some(i) = rest.rfind(['+', '-']) {
        let (c, o) = rest.split_at(i);
        let sign = if o.starts_with('-') { -1 } else { 1 };
        let (oh, om) = o[1..].split_once(':').unwrap_or((&o[1..], "0"));
        (c, sign * (num(oh)? * 3600 + num(om)? * 60))
    } else {
        (rest, 0)
    };
    let clock = clock.split('.').next()?;
    let mut cp = clock.split(':');
    let (h, mi) = (num(cp.next()?)?, num(cp.next()?)?);
    let s = cp.next().map_or(Some(0), num)?;
    if h > 23 || mi > 59 || s > 60 {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset)
}

/// Epoch seconds as `YYYY-MM-DDTHH:MM:SS+00:00` (the AWS CLI's form).
pub fn format_timestamp(epoch: i64) -> String {
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+00:00",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The observed data as the AWS CLI prints it (newest first), e.g. for fixtures and the
/// synthetic-truth test.
pub fn to_json(observed: &Observed) -> String {
    let results: Vec<serde_json::Value> = observed
        .series
        .iter()
        .map(|s| {
            let mut points = s.points.clone();
            points.reverse();
            serde_json::json!({
                "Id": s.metric.name().to_ascii_lowercase(),
                "Label": s.metric.name(),
                "Timestamps": points.iter().map(|p| format_timestamp(p.0)).collect::<Vec<_>>(),
                "Values": points.iter().map(|p| p.1).collect::<Vec<_>>(),
                "StatusCode": "Complete",
            })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "MetricDataResults": results,
        "Messages": [],
    }))
    .expect("plain JSON values")
}
