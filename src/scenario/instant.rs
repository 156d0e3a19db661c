//! Instants of the scenario format: where a rate shape takes a point in time (`at`,
//! `start`, `end`, `peak_at`, the times of `points`), it may be written as a duration
//! since t = 0 (`90m`) or, once `start_at` is set, as a clock time: an absolute RFC 3339
//! timestamp (`2026-11-30T23:50:00Z`) or a time of day, optionally on some days
//! (`"09:00"`, `"fri 18:00"`, `"weekdays 09:00"`, `"sat,sun 10:30"`).
//!
//! Clock times are resolved to simulation times here, once, against the scenario's
//! [`Clock`]: the engine only ever sees [`SimDuration`]s, and `explain` writes them back as
//! durations since t = 0.

use std::fmt;

use jiff::Timestamp;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::clock::{Clock, DAYS_ALLOWED, Days, TimeOfDay};
use super::locate::FieldPath;
use super::resolve::{Context, MAX_RUN, Result};
use super::units::{DurationValue, parse_duration};
use crate::engine::time::{SimDuration, SimTime};

/// What an instant accepts, for errors.
pub const INSTANT_ALLOWED: &str = "a duration since the start of the run (`90m`), or with `start_at` set a clock time: a timestamp with its offset (`2026-11-30T23:50:00Z`) or a time of day, optionally after days (`09:00`, `fri 18:00`, `weekdays 09:00`)";

/// An instant as written in a scenario.
#[derive(Clone, Debug, PartialEq)]
pub enum InstantValue {
    /// A duration since t = 0.
    Elapsed(DurationValue),
    /// A clock time (needs `start_at`).
    Clock(ClockTime),
}

/// A clock time as written, with what it means.
#[derive(Clone, Debug, PartialEq)]
pub struct ClockTime {
    /// The text as written.
    pub text: String,
    /// What it designates.
    pub kind: ClockKind,
}

/// What a clock time designates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ClockKind {
    /// One instant.
    Absolute(Timestamp),
    /// The next time the wall clock reads `time` on one of `days`.
    OfDay {
        /// The time of day.
        time: TimeOfDay,
        /// The days it may fall on.
        days: Days,
    },
}

impl ClockTime {
    /// Parses a timestamp with its offset, or `[days ]HH:MM[:SS]` (days: a day set as
    /// [`Days::parse`] reads them, several joined by commas).
    pub fn parse(text: &str) -> Option<ClockTime> {
        let t = text.trim();
        let kind = if let Some(c) = Clock::parse(t) {
            ClockKind::Absolute(c.instant(SimTime(0)))
        } else {
            match t.rsplit_once(char::is_whitespace) {
                None => ClockKind::OfDay {
                    time: TimeOfDay::parse(t)?,
                    days: Days::ALL,
                },
                Some((days, time)) => {
                    let days = Days::parse_list(days.split(',').map(str::trim))?;
                    if days == Days::NONE {
                        return None;
                    }
                    ClockKind::OfDay {
                        time: TimeOfDay::parse(time)?,
                        days,
                    }
                }
            }
        };
        Some(ClockTime {
            text: t.to_string(),
            kind,
        })
    }
}

impl InstantValue {
    /// Wraps a duration since t = 0, formatting its text.
    pub fn new(value: SimDuration) -> InstantValue {
        InstantValue::Elapsed(DurationValue::new(value))
    }
}

impl fmt::Display for InstantValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstantValue::Elapsed(d) => d.fmt(f),
            InstantValue::Clock(c) => f.write_str(&c.text),
        }
    }
}

impl Serialize for InstantValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            InstantValue::Elapsed(d) => d.serialize(serializer),
            InstantValue::Clock(c) => serializer.serialize_str(&c.text),
        }
    }
}

impl schemars::JsonSchema for InstantValue {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Instant".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A duration since the start of the run (`90m`, `0`), or with `start_at` set a clock time: an RFC 3339 timestamp with its offset (`2026-11-30T23:50:00Z`) or a time of day, optionally after days (`\"09:00\"`, `\"fri 18:00\"`, `\"weekdays 09:00\"`).",
            "type": ["string", "number"]
        })
    }
}

impl<'de> Deserialize<'de> for InstantValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(InstantVisitor)
    }
}

struct InstantVisitor;

impl InstantVisitor {
    fn number<E: de::Error>(text: String) -> std::result::Result<InstantValue, E> {
        parse_duration(&text)
            .map(|value| InstantValue::Elapsed(DurationValue { value, text }))
            .map_err(E::custom)
    }
}

impl Visitor<'_> for InstantVisitor {
    type Value = InstantValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(INSTANT_ALLOWED)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<InstantValue, E> {
        match parse_duration(v) {
            Ok(value) => Ok(InstantValue::Elapsed(DurationValue {
                value,
                text: v.to_string(),
            })),
            Err(duration_error) => match ClockTime::parse(v) {
                Some(c) => Ok(InstantValue::Clock(c)),
                None if v.contains(':') => Err(E::custom(format!(
                    "`{}` is not a clock time: write a timestamp with its offset (`2026-11-30T23:50:00Z`) or `HH:MM` from `00:00` to `24:00`, optionally after days ({DAYS_ALLOWED}), e.g. `fri 18:00`",
                    v.trim()
                ))),
                None => Err(E::custom(duration_error)),
            },
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<InstantValue, E> {
        Self::number(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<InstantValue, E> {
        Self::number(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<InstantValue, E> {
        Self::number(v.to_string())
    }
}

impl Context<'_> {
    /// The simulation time of the instant at `path`, from 0 to [`MAX_RUN`]. A time of day
    /// is its first occurrence at or after `after` (t = 0 for most fields; the previous
    /// point of a list, or a ramp's start, for the fields that follow one), or strictly
    /// after it when `strictly` is set. A clock time without `start_at` is an error that
    /// says to set it.
    pub(crate) fn check_instant(
        &self,
        path: &FieldPath,
        v: &InstantValue,
        after: SimDuration,
        strictly: bool,
    ) -> Result<SimDuration> {
        let c = match v {
            InstantValue::Elapsed(d) => {
                return self.check_duration(path, d, SimDuration::ZERO, MAX_RUN);
            }
            InstantValue::Clock(c) => c,
        };
        let Some(clock) = &self.clock else {
            return Err(self.invalid(
                path,
                format!("`{}` (a clock time)", c.text),
                "a duration since the start of the run; a clock time needs `start_at` (the wall-clock instant of t = 0, e.g. `start_at: 2026-11-02T00:00:00Z`): set it",
            ));
        };
        let time = match c.kind {
            ClockKind::Absolute(instant) => clock.time_of(instant).ok_or_else(|| {
                self.invalid(
                    path,
                    format!("`{}`", c.text),
                    format!("a time at or after `start_at` ({clock})"),
                )
            })?,
            ClockKind::OfDay { time, days } => {
                let from = SimTime(after.0.saturating_add(u64::from(strictly)));
                clock
                    .next(from, time, days)
                    .expect("a parsed day set is never empty")
            }
        };
        if time.0 > MAX_RUN.0 {
            return Err(self.invalid(
                path,
                format!("`{}` ({} after `start_at`)", c.text, SimDuration(time.0)),
                format!("a time at most 366 days after `start_at` ({clock})"),
            ));
        }
        Ok(SimDuration(time.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::traces::FileTraces;
    use std::path::Path;

    const H: u64 = 3_600_000_000_000;

    fn instant(text: &str) -> InstantValue {
        serde_saphyr::from_str(text).unwrap()
    }

    fn resolve(text: &str, start_at: Option<&str>, after: u64) -> Result<SimDuration> {
        let traces = FileTraces::default();
        let cx = Context {
            source: None,
            overrides: &[],
            base_dir: Path::new("."),
            traces: &traces,
            clock: start_at.map(|s| Clock::parse(s).unwrap()),
        };
        cx.check_instant(
            &FieldPath::root("at"),
            &instant(text),
            SimDuration(after),
            false,
        )
    }

    #[test]
    fn yaml_reads_clock_times_as_text_not_numbers() {
        assert!(matches!(instant("09:00"), InstantValue::Clock(_)));
        assert!(matches!(
            instant("2026-11-30T23:50:00Z"),
            InstantValue::Clock(_)
        ));
        let InstantValue::Elapsed(d) = instant("90m") else {
            panic!("a duration")
        };
        assert_eq!(d.value, SimDuration(90 * 60 * 1_000_000_000));
        assert!(matches!(instant("0"), InstantValue::Elapsed(d) if d.value == SimDuration::ZERO));
        for bad in ["25:00", "fri 9:00", "funday 09:00", "2026-11-30T23:50:00"] {
            let e = serde_saphyr::from_str::<InstantValue>(bad).unwrap_err();
            assert!(e.to_string().contains("not a clock time"), "{bad}: {e}");
        }
    }

    #[test]
    fn clock_times_resolve_against_start_at() {
        // Monday 2026-11-02 00:00 UTC.
        let monday = Some("2026-11-02T00:00:00Z");
        assert_eq!(resolve("09:00", monday, 0).unwrap(), SimDuration(9 * H));
        // Friday 18:00 is 4 days and 18 hours in; the next Saturday 10:00 5 days 10 h.
        assert_eq!(
            resolve("fri 18:00", monday, 0).unwrap(),
            SimDuration((4 * 24 + 18) * H)
        );
        assert_eq!(
            resolve("sat,sun 10:00", monday, 0).unwrap(),
            SimDuration((5 * 24 + 10) * H)
        );
        // After 10:00 on Monday, the next weekday 09:00 is Tuesday's.
        assert_eq!(
            resolve("weekdays 09:00", monday, 10 * H).unwrap(),
            SimDuration(33 * H)
        );
        // An absolute timestamp, in any offset.
        assert_eq!(
            resolve("2026-11-30T23:50:00Z", monday, 0).unwrap(),
            SimDuration((28 * 24 + 23) * H + 50 * 60_000_000_000)
        );
        assert_eq!(
            resolve("2026-11-02T10:00:00+01:00", monday, 0).unwrap(),
            SimDuration(9 * H)
        );
        // A start in the afternoon: 09:00 is the next morning.
        assert_eq!(
            resolve("09:00", Some("2026-11-02T15:00:00+01:00"), 0).unwrap(),
            SimDuration(18 * H)
        );
        // Durations need no clock.
        assert_eq!(resolve("2h", None, 0).unwrap(), SimDuration(2 * H));
    }

    #[test]
    fn clock_times_without_start_at_or_before_it_are_errors() {
        let e = resolve("09:00", None, 0).unwrap_err().to_string();
        assert!(
            e.contains("needs `start_at`") && e.contains("set it"),
            "{e}"
        );
        let e = resolve("2026-11-01T23:00:00Z", Some("2026-11-02T00:00:00Z"), 0)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("at or after `start_at` (2026-11-02T00:00:00Z)"),
            "{e}"
        );
        let e = resolve("2028-01-01T00:00:00Z", Some("2026-11-02T00:00:00Z"), 0)
            .unwrap_err()
            .to_string();
        assert!(e.contains("at most 366 days"), "{e}");
    }
}
