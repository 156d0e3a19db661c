//! Reading a traffic trace CSV into rate points.
//!
//! The file has a header with a `timestamp` and a `value` column (other columns are
//! ignored). Timestamps are either `YYYY-MM-DD HH:MM:SS` (also with a `T` and an optional
//! trailing `Z`) or numbers of seconds; the first row is t = 0. A value is the number of
//! records counted over the row's interval (the time to the next row; the last row reuses
//! the previous interval), so the rate at a row is `value / interval_s * scale`.

use sha2::{Digest, Sha256};

use crate::engine::time::SimDuration;

/// Most data rows a trace may have (two million: a row every 16 s for a year). The
/// parser stops at the next row, so a file that claims more costs no more memory.
pub const MAX_TRACE_ROWS: usize = 2_000_000;

/// A value from the file as an error message shows it: control characters and non-ASCII
/// escaped (binary junk stays readable), at most 40 characters.
fn shown(text: &str) -> String {
    let escaped: String = text.escape_default().collect();
    match escaped.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &escaped[..cut]),
        None => escaped,
    }
}

/// A trace file's contents: its SHA-256 and its rows, or why they cannot be read.
///
/// The rows do not depend on the `scale` a scenario applies, so one parsed file serves
/// every scenario (and every run of a sweep) that replays it; [`TraceFile::points`]
/// applies the scale.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceFile {
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// `(seconds, value)` per data row, times strictly increasing; or what is wrong.
    rows: Result<Vec<(f64, f64)>, String>,
}

/// Hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl TraceFile {
    /// Hashes and parses the CSV bytes of a trace file; a malformed file is kept with
    /// its error, which [`TraceFile::points`] reports.
    pub fn parse(bytes: &[u8]) -> TraceFile {
        TraceFile {
            sha256: sha256_hex(bytes),
            rows: parse_rows(bytes),
        }
    }

    /// The `(time since the first row, records/s)` points, every rate multiplied by
    /// `scale`; times strictly increasing.
    pub fn points(&self, scale: f64) -> Result<Vec<(SimDuration, f64)>, String> {
        let rows = self.rows.as_ref().map_err(Clone::clone)?;
        let t0 = rows[0].0;
        let mut points = Vec::with_capacity(rows.len());
        for i in 0..rows.len() {
            let interval = if i + 1 < rows.len() {
                rows[i + 1].0 - rows[i].0
            } else {
                rows[i].0 - rows[i - 1].0
            };
            let time = SimDuration::from_secs_f64(rows[i].0 - t0);
            if let Some(&(prev, _)) = points.last()
                && time <= prev
            {
                return Err(format!(
                    "line {}: rows closer than 1 ns cannot be told apart",
                    i + 2
                ));
            }
            let rate = rows[i].1 / interval * scale;
            if !rate.is_finite() {
                return Err(format!(
                    "line {}: the rate ({} / {interval} s × {scale}) is not a finite number",
                    i + 2,
                    rows[i].1
                ));
            }
            points.push((time, rate));
        }
        Ok(points)
    }
}

/// The data rows of a trace CSV: at least two, timestamps strictly increasing, values
/// finite and >= 0, spanning at most 366 days.
fn parse_rows(bytes: &[u8]) -> Result<Vec<(f64, f64)>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| format!("cannot read the CSV header: {e}"))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(ti), Some(vi)) = (column("timestamp"), column("value")) else {
        return Err(format!(
            "the header must have `timestamp` and `value` columns, found `{}`",
            shown(&headers.iter().collect::<Vec<_>>().join(","))
        ));
    };
    let mut rows: Vec<(f64, f64)> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        if i == MAX_TRACE_ROWS {
            return Err(format!(
                "more than {MAX_TRACE_ROWS} data rows; resample the trace to fewer rows"
            ));
        }
        let record = record.map_err(|e| format!("line {line}: {e}"))?;
        let (Some(ts), Some(val)) = (record.get(ti), record.get(vi)) else {
            return Err(format!(
                "line {line}: missing the timestamp or value column"
            ));
        };
        let t = parse_timestamp(ts)
            .ok_or_else(|| format!("line {line}: timestamp `{ts}` is neither `YYYY-MM-DD HH:MM:SS` nor a number of seconds", ts = shown(ts)))?;
        let v: f64 = val
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| {
                format!(
                    "line {line}: value `{}` is not a finite number >= 0",
                    shown(val)
                )
            })?;
        if let Some(&(prev, _)) = rows.last()
            && t <= prev
        {
            return Err(format!(
                "line {line}: timestamp `{}` is not after the previous row's; timestamps must strictly increase",
                shown(ts)
            ));
        }
        rows.push((t, v));
    }
    if rows.len() < 2 {
        return Err(format!(
            "needs at least 2 data rows to know the interval, found {}",
            rows.len()
        ));
    }
    if rows[rows.len() - 1].0 - rows[0].0 > 366.0 * 86_400.0 {
        return Err("spans more than 366 days".to_string());
    }
    Ok(rows)
}

/// Seconds of a timestamp: a number, or a calendar date-time (UTC, since 1970).
fn parse_timestamp(text: &str) -> Option<f64> {
    if let Ok(v) = text.parse::<f64>() {
        return v.is_finite().then_some(v);
    }
    let text = text.strip_suffix('Z').unwrap_or(text);
    let (date, time) = text.split_once([' ', 'T']).unwrap_or((text, "00:00:00"));
    let mut d = date.split('-');
    let year: i64 = d.next()?.parse().ok()?;
    let month: i64 = d.next()?.parse().ok()?;
    let day: i64 = d.next()?.parse().ok()?;
    if d.next().is_some()
        || !(1..=9999).contains(&year)
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
    {
        return None;
    }
    let mut t = time.trim().split(':');
    let hour: i64 = t.next()?.parse().ok()?;
    let minute: i64 = t.next()?.parse().ok()?;
    let second: f64 = t.next().unwrap_or("0").parse().ok()?;
    if t.next().is_some()
        || !(0..=23).contains(&hour)
        || !(0..=59).contains(&minute)
        || !(0.0..61.0).contains(&second)
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some((days * 86_400 + hour * 3_600 + minute * 60) as f64 + second)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_trace(bytes: &[u8], scale: f64) -> Result<Vec<(SimDuration, f64)>, String> {
        TraceFile::parse(bytes).points(scale)
    }

    #[test]
    fn calendar_timestamps_become_rates() {
        let csv = "timestamp,value\n2014-07-01 00:00:00,1800\n2014-07-01 00:30:00,3600\n2014-07-01 01:00:00,900\n";
        let file = TraceFile::parse(csv.as_bytes());
        assert_eq!(
            file.points(2.0).unwrap(),
            vec![
                (SimDuration::ZERO, 2.0),
                (SimDuration::from_secs(1800), 4.0),
                (SimDuration::from_secs(3600), 1.0),
            ]
        );
        assert_eq!(file.sha256.len(), 64);
    }

    #[test]
    fn numeric_timestamps_work() {
        let points = parse_trace(b"timestamp,value\n10,5\n11,7\n", 1.0).unwrap();
        assert_eq!(
            points,
            vec![(SimDuration::ZERO, 5.0), (SimDuration::from_secs(1), 7.0)]
        );
    }

    #[test]
    fn bad_traces_are_errors() {
        assert!(
            parse_trace(b"time,v\n1,2\n", 1.0)
                .unwrap_err()
                .contains("header")
        );
        assert!(
            parse_trace(b"timestamp,value\n1,2\n", 1.0)
                .unwrap_err()
                .contains("at least 2")
        );
        assert!(
            parse_trace(b"timestamp,value\n2,2\n1,2\n", 1.0)
                .unwrap_err()
                .contains("line 3")
        );
        assert!(
            parse_trace(b"timestamp,value\nxx,2\n3,2\n", 1.0)
                .unwrap_err()
                .contains("line 2")
        );
        assert!(
            parse_trace(b"timestamp,value\n99999999999999-01-01,1\n3,2\n", 1.0)
                .unwrap_err()
                .contains("line 2")
        );
        assert!(
            parse_trace(b"timestamp,value\n1,-2\n3,2\n", 1.0)
                .unwrap_err()
                .contains(">= 0")
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_csv_never_panics(text in "[0-9a-z:,.\\- \n]{0,120}", scale in -10.0f64..10.0) {
            let _ = parse_trace(format!("timestamp,value\n{text}").as_bytes(), scale);
            let _ = parse_trace(text.as_bytes(), scale);
        }
    }

    #[test]
    fn epoch_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }
}
