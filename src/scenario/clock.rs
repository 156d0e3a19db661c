//! Clock time: `start_at` anchors simulation time t = 0 to a wall-clock instant, so that
//! shapes and windows can be written as times of day (`"09:00"`) and days of the week,
//! and outputs can show the wall clock.
//!
//! The wall clock is the UTC offset written in `start_at` (`Z`, `+01:00`, ...), fixed for
//! the whole run: daylight-saving changes inside a run are not followed (write the offset
//! in force, or run the two halves separately). This keeps every result independent of
//! the time-zone database of the machine that runs it.
//!
//! Everything here is pure arithmetic on [`SimTime`]; nothing reads the system clock.

use std::fmt;

use jiff::civil::{DateTime, Weekday};
use jiff::fmt::temporal::Pieces;
use jiff::tz::Offset;
use jiff::{SignedDuration, Timestamp};

use crate::engine::time::{NANOS_PER_SEC, SimTime};

/// Seconds in a day.
const DAY_S: u64 = 86_400;

/// What `start_at` accepts, for errors.
pub const START_AT_ALLOWED: &str = "an RFC 3339 date and time with its UTC offset, such as `2026-11-02T00:00:00Z` or `2026-11-02T09:00:00+01:00`";

/// What a time of day accepts, for errors.
pub const TIME_OF_DAY_ALLOWED: &str =
    "a time of day `HH:MM` or `HH:MM:SS` from `00:00` to `24:00` (needs `start_at`)";

/// The wall clock of a run: the instant of t = 0 and the UTC offset its times are shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    /// The instant of t = 0.
    start: Timestamp,
    /// The UTC offset of the wall clock.
    offset: Offset,
}

impl Clock {
    /// Parses `start_at` (RFC 3339 with an explicit offset; `Z` for UTC). A time without
    /// an offset, a time-zone name or a malformed date is refused with `None`.
    pub fn parse(text: &str) -> Option<Clock> {
        let pieces = Pieces::parse(text).ok()?;
        if pieces.time_zone_annotation().is_some() {
            return None;
        }
        let offset = pieces.to_numeric_offset()?;
        let time = pieces.time()?;
        let start = offset.to_timestamp(pieces.date().to_datetime(time)).ok()?;
        Some(Clock { start, offset })
    }

    /// The wall-clock date and time at simulation time `t`.
    pub fn civil(&self, t: SimTime) -> DateTime {
        self.offset.to_datetime(self.instant(t))
    }

    /// The day of the week at simulation time `t`.
    pub fn weekday(&self, t: SimTime) -> Weekday {
        self.civil(t).weekday()
    }

    /// Seconds since local midnight at simulation time `t` (0 to 86,400 exclusive).
    pub fn seconds_of_day(&self, t: SimTime) -> f64 {
        let c = self.civil(t);
        f64::from(c.hour()) * 3600.0
            + f64::from(c.minute()) * 60.0
            + f64::from(c.second())
            + f64::from(c.subsec_nanosecond()) / 1e9
    }

    /// The instant at simulation time `t`.
    pub fn instant(&self, t: SimTime) -> Timestamp {
        self.start
            .saturating_add(SignedDuration::from_nanos(
                i64::try_from(t.0).unwrap_or(i64::MAX),
            ))
            .expect("a saturating add of a duration cannot fail")
    }

    /// The simulation time of `instant`: `None` if it is before t = 0 or too far after it
    /// to be held in nanoseconds.
    pub fn time_of(&self, instant: Timestamp) -> Option<SimTime> {
        let ns = instant.as_nanosecond() - self.start.as_nanosecond();
        u64::try_from(ns).ok().map(SimTime)
    }

    /// Nanoseconds from local Monday 00:00 of the week holding t = 0 to t = 0 (less than a
    /// week): the phase of weekly shapes.
    pub fn into_week(&self) -> u64 {
        let day = u64::from(self.weekday(SimTime(0)).to_monday_zero_offset() as u8);
        day * DAY_S * NANOS_PER_SEC + self.start_into_day() as u64
    }

    /// `t` as RFC 3339 text in the clock's offset, rounded to the millisecond
    /// (`2026-11-02T09:00:00.000+01:00`): the `time` column.
    pub fn format(&self, t: SimTime) -> String {
        // Rounded to the millisecond like the `time_s` column beside it (3 decimals).
        let c = self.civil(SimTime(t.0.saturating_add(500_000) / 1_000_000 * 1_000_000));
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}{}",
            c.year(),
            c.month(),
            c.day(),
            c.hour(),
            c.minute(),
            c.second(),
            c.subsec_nanosecond() / 1_000_000,
            OffsetText(self.offset)
        )
    }

    /// The clock's zone for axis labels: `UTC` or `UTC+01:00`.
    pub fn zone(&self) -> String {
        match self.offset.seconds() {
            0 => "UTC".to_string(),
            _ => format!("UTC{}", OffsetText(self.offset)),
        }
    }

    /// A short wall-clock label of `t` for chart axes: `09:00` (with seconds when not
    /// whole minutes), preceded by the day (`Mon 09:00`) when `with_day`.
    pub fn label(&self, t: SimTime, with_day: bool) -> String {
        let c = self.civil(t);
        let time = TimeOfDay(
            u32::from(c.hour() as u8) * 3600
                + u32::from(c.minute() as u8) * 60
                + u32::from(c.second() as u8),
        );
        if with_day {
            const NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
            let day = NAMES[c.weekday().to_monday_zero_offset() as usize];
            format!("{day} {time}")
        } else {
            time.to_string()
        }
    }

    /// The first simulation time at or after `from` whose wall clock reads `time` on one
    /// of `days`, or `None` if there is none within a week (no day selected).
    pub fn next(&self, from: SimTime, time: TimeOfDay, days: Days) -> Option<SimTime> {
        let day = self.day_index(from);
        (day..=day + 7)
            .filter(|&k| days.contains(self.weekday_of_day(k)))
            .map(|k| self.at(k, time))
            .find(|&t| t >= i128::from(from.0))
            .and_then(|t| u64::try_from(t).ok().map(SimTime))
    }

    /// The spans `[from, to)` of simulation time within `[0, end)` whose wall clock is
    /// between `window.from` and `window.to` on one of `window.days`, in order, touching
    /// spans merged. A window whose `to` is not after its `from` runs past midnight (a
    /// whole day when they are equal); the day it opens on is the one that must be
    /// selected.
    pub fn spans(&self, window: &DailyWindow, end: SimTime) -> Vec<(SimTime, SimTime)> {
        let length = if window.to.0 > window.from.0 {
            u64::from(window.to.0 - window.from.0)
        } else {
            DAY_S - u64::from(window.from.0) + u64::from(window.to.0)
        };
        let length = i128::from(length * NANOS_PER_SEC);
        let end_ns = i128::from(end.0);
        let mut out: Vec<(SimTime, SimTime)> = Vec::new();
        // Start a day early: a window opened the day before t = 0 may still be open.
        for k in -1..=self.day_index(end) {
            if !window.days.contains(self.weekday_of_day(k)) {
                continue;
            }
            let open = self.at(k, window.from);
            let (lo, hi) = (open.max(0), (open + length).min(end_ns));
            if lo >= hi {
                continue;
            }
            let span = (SimTime(lo as u64), SimTime(hi as u64));
            match out.last_mut() {
                Some(last) if last.1 >= span.0 => last.1 = span.1,
                _ => out.push(span),
            }
        }
        out
    }

    /// Nanoseconds from local midnight of the day holding t = 0 to t = 0.
    fn start_into_day(&self) -> i128 {
        let c = self.civil(SimTime(0));
        let secs =
            i128::from(c.hour()) * 3600 + i128::from(c.minute()) * 60 + i128::from(c.second());
        secs * i128::from(NANOS_PER_SEC) + i128::from(c.subsec_nanosecond())
    }

    /// The local day holding `t`, counted from the day holding t = 0.
    fn day_index(&self, t: SimTime) -> i64 {
        ((i128::from(t.0) + self.start_into_day()) / i128::from(DAY_S * NANOS_PER_SEC)) as i64
    }

    /// The day of the week of local day `k` (counted from the day holding t = 0).
    fn weekday_of_day(&self, k: i64) -> Weekday {
        self.weekday(SimTime(0)).wrapping_add(k)
    }

    /// Simulation time (ns, may be negative) at which local day `k` reads `time`.
    fn at(&self, k: i64, time: TimeOfDay) -> i128 {
        i128::from(k) * i128::from(DAY_S * NANOS_PER_SEC)
            + i128::from(u64::from(time.0) * NANOS_PER_SEC)
            - self.start_into_day()
    }
}

impl fmt::Display for Clock {
    /// `start_at` as written back by `explain`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.offset.to_datetime(self.start);
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            c.year(),
            c.month(),
            c.day(),
            c.hour(),
            c.minute(),
            c.second()
        )?;
        if c.subsec_nanosecond() != 0 {
            write!(f, ".{:09}", c.subsec_nanosecond())?;
        }
        write!(f, "{}", OffsetText(self.offset))
    }
}

impl serde::Serialize for Clock {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// An offset as `Z` or `+HH:MM`.
struct OffsetText(Offset);

impl fmt::Display for OffsetText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0.seconds();
        if s == 0 {
            return f.write_str("Z");
        }
        let sign = if s < 0 { '-' } else { '+' };
        let a = s.unsigned_abs();
        write!(f, "{sign}{:02}:{:02}", a / 3600, a % 3600 / 60)
    }
}

/// A time of day, in whole seconds after local midnight (`24:00` = 86,400 allowed as the
/// end of a window).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeOfDay(pub u32);

impl TimeOfDay {
    /// Parses `HH:MM` or `HH:MM:SS`; `None` when malformed or past `24:00`.
    pub fn parse(text: &str) -> Option<TimeOfDay> {
        let parts: Vec<&str> = text.trim().split(':').collect();
        if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.len() != 2) {
            return None;
        }
        let num = |p: &str| -> Option<u32> {
            p.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| p.parse().ok())
                .flatten()
        };
        let (h, m) = (num(parts[0])?, num(parts[1])?);
        let s = parts.get(2).map_or(Some(0), |p| num(p))?;
        let total = h * 3600 + m * 60 + s;
        (m < 60 && s < 60 && total <= DAY_S as u32).then_some(TimeOfDay(total))
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s) = (self.0 / 3600, self.0 % 3600 / 60, self.0 % 60);
        if s == 0 {
            write!(f, "{h:02}:{m:02}")
        } else {
            write!(f, "{h:02}:{m:02}:{s:02}")
        }
    }
}

/// A set of days of the week (bit 0 = Monday ... bit 6 = Sunday).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Days(pub u8);

/// What a day set accepts, for errors.
pub const DAYS_ALLOWED: &str = "`all`, `weekdays`, `weekends`, or a list of days such as `[mon, tue]` (mon, tue, wed, thu, fri, sat, sun)";

impl Days {
    /// Every day.
    pub const ALL: Days = Days(0b111_1111);
    /// Monday to Friday.
    pub const WEEKDAYS: Days = Days(0b001_1111);
    /// Saturday and Sunday.
    pub const WEEKENDS: Days = Days(0b110_0000);
    /// No day.
    pub const NONE: Days = Days(0);

    /// Whether `day` is in the set.
    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << (day.to_monday_zero_offset())) != 0
    }

    /// Parses `all`, `weekdays`, `weekends` or one day name (`mon` or `monday`).
    pub fn parse(text: &str) -> Option<Days> {
        let t = text.trim().to_ascii_lowercase();
        match t.as_str() {
            "all" | "daily" | "every day" => Some(Days::ALL),
            "weekdays" => Some(Days::WEEKDAYS),
            "weekends" | "weekend" => Some(Days::WEEKENDS),
            _ => {
                const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
                const LONG: [&str; 7] = [
                    "monday",
                    "tuesday",
                    "wednesday",
                    "thursday",
                    "friday",
                    "saturday",
                    "sunday",
                ];
                (0..7)
                    .find(|&i| t == NAMES[i] || t == LONG[i])
                    .map(|i| Days(1 << i))
            }
        }
    }

    /// The union of the sets named in `texts`; `None` if any is unknown.
    pub fn parse_list<'a>(texts: impl IntoIterator<Item = &'a str>) -> Option<Days> {
        texts.into_iter().try_fold(Days::NONE, |acc, t| {
            Days::parse(t).map(|d| Days(acc.0 | d.0))
        })
    }
}

impl fmt::Display for Days {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Days::ALL => f.write_str("all"),
            Days::WEEKDAYS => f.write_str("weekdays"),
            Days::WEEKENDS => f.write_str("weekends"),
            Days(bits) => {
                const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
                let names: Vec<&str> = (0..7)
                    .filter(|i| bits & (1 << i) != 0)
                    .map(|i| NAMES[i])
                    .collect();
                write!(f, "[{}]", names.join(", "))
            }
        }
    }
}

/// A daily window of wall-clock time (`from` to `to`) on some days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DailyWindow {
    /// Opening time of day.
    pub from: TimeOfDay,
    /// Closing time of day (not after `from`: the window runs past midnight).
    pub to: TimeOfDay,
    /// The days on which the window opens.
    pub days: Days,
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: u64 = 3600 * NANOS_PER_SEC;

    fn clock(text: &str) -> Clock {
        Clock::parse(text).unwrap()
    }

    #[test]
    fn start_at_needs_an_offset_and_reads_back() {
        for bad in [
            "2026-11-02T00:00:00",
            "2026-11-02",
            "2026-11-02T00:00:00+01:00[Europe/Paris]",
            "2026-13-02T00:00:00Z",
            "09:00",
            "",
        ] {
            assert_eq!(Clock::parse(bad), None, "{bad}");
        }
        for good in [
            "2026-11-02T00:00:00Z",
            "2026-11-02T09:30:00+01:00",
            "2026-11-02T09:30:00.250000000-05:30",
        ] {
            assert_eq!(clock(good).to_string(), good);
        }
        assert_eq!(
            clock("2026-11-02T00:00:00+00:00").to_string(),
            "2026-11-02T00:00:00Z"
        );
    }

    #[test]
    fn wall_clock_follows_the_offset_of_start_at() {
        // 2026-11-02 is a Monday.
        let c = clock("2026-11-01T23:00:00-01:00");
        assert_eq!(c.weekday(SimTime(0)), Weekday::Sunday);
        assert_eq!(c.weekday(SimTime(H)), Weekday::Monday);
        assert_eq!(c.seconds_of_day(SimTime(H + 1_500_000_000)), 1.5);
        assert_eq!(
            c.format(SimTime(H + 1_500_000_000)),
            "2026-11-02T00:00:01.500-01:00"
        );
        assert_eq!(
            clock("2026-11-02T00:00:00Z").format(SimTime(0)),
            "2026-11-02T00:00:00.000Z"
        );
    }

    #[test]
    fn times_of_day_and_day_sets_parse_strictly() {
        assert_eq!(TimeOfDay::parse("09:00"), Some(TimeOfDay(9 * 3600)));
        assert_eq!(TimeOfDay::parse("23:59:30"), Some(TimeOfDay(86_370)));
        assert_eq!(TimeOfDay::parse("24:00"), Some(TimeOfDay(86_400)));
        for bad in [
            "9:00",
            "24:01",
            "12:60",
            "12",
            "ab:cd",
            "-1:00",
            "12:00:00:00",
        ] {
            assert_eq!(TimeOfDay::parse(bad), None, "{bad}");
        }
        assert_eq!(TimeOfDay(9 * 3600 + 30).to_string(), "09:00:30");
        assert_eq!(Days::parse("Weekdays"), Some(Days::WEEKDAYS));
        assert_eq!(Days::parse_list(["sat", "sunday"]), Some(Days::WEEKENDS));
        assert_eq!(Days::parse_list(["mon", "funday"]), None);
        assert_eq!(Days(0b101).to_string(), "[mon, wed]");
        assert!(Days::WEEKDAYS.contains(Weekday::Friday));
        assert!(!Days::WEEKDAYS.contains(Weekday::Saturday));
    }

    #[test]
    fn next_finds_the_first_matching_clock_time() {
        // Friday 2026-11-06 12:00 UTC.
        let c = clock("2026-11-06T12:00:00Z");
        let nine = TimeOfDay(9 * 3600);
        // The next weekday 09:00 is Monday, 69 hours later.
        assert_eq!(
            c.next(SimTime(0), nine, Days::WEEKDAYS),
            Some(SimTime(69 * H))
        );
        assert_eq!(c.next(SimTime(0), nine, Days::ALL), Some(SimTime(21 * H)));
        assert_eq!(
            c.next(SimTime(21 * H), nine, Days::ALL),
            Some(SimTime(21 * H))
        );
        assert_eq!(c.next(SimTime(0), nine, Days::NONE), None);
    }

    #[test]
    fn spans_clip_to_the_run_and_cross_midnight() {
        // Monday 2026-11-02 10:00 UTC, a 3-day run.
        let c = clock("2026-11-02T10:00:00Z");
        let end = SimTime(72 * H);
        let day = DailyWindow {
            from: TimeOfDay(9 * 3600),
            to: TimeOfDay(18 * 3600),
            days: Days::WEEKDAYS,
        };
        // Already open at t = 0 (Monday 10:00 to 18:00), then Tuesday, Wednesday and the
        // first hour of Thursday's, cut by the end of the run.
        assert_eq!(
            c.spans(&day, end),
            vec![
                (SimTime(0), SimTime(8 * H)),
                (SimTime(23 * H), SimTime(32 * H)),
                (SimTime(47 * H), SimTime(56 * H)),
                (SimTime(71 * H), end),
            ]
        );
        // 22:00 to 02:00, opening on Sundays only: the Sunday night before t = 0 ended
        // at 02:00 Monday, before the run.
        let night = DailyWindow {
            from: TimeOfDay(22 * 3600),
            to: TimeOfDay(2 * 3600),
            days: Days::parse("sun").unwrap(),
        };
        assert_eq!(c.spans(&night, end), vec![]);
        let night = DailyWindow {
            days: Days::parse("mon").unwrap(),
            ..night
        };
        assert_eq!(
            c.spans(&night, end),
            vec![(SimTime(12 * H), SimTime(16 * H))]
        );
        // A whole-day window on every day covers the run in one span.
        let all = DailyWindow {
            from: TimeOfDay(0),
            to: TimeOfDay(0),
            days: Days::ALL,
        };
        assert_eq!(c.spans(&all, end), vec![(SimTime(0), end)]);
    }
}
