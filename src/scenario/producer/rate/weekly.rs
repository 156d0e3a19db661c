//! The `weekly` rate shape: a rate by wall-clock time of day, one table for weekdays
//! (Monday to Friday) and one for the weekend (Saturday and Sunday), anchored by
//! `start_at`. "Weekdays 9 to 18 at 6,000, else 1,500; 1,500 at the weekend" is
//!
//! ```yaml
//! - weekly: {weekdays: {"09:00-18:00": 6000, default: 1500}, weekend: 1500}
//! ```
//!
//! Each day is a number (the whole day), a list of 24 hourly rates (hour 0 first), or a
//! map of `"HH:MM-HH:MM"` ranges (from inclusive, to exclusive, `24:00` allowed as the
//! end, no range past midnight, no overlaps) with an optional `default` for the times no
//! range covers. The resolved form is a table of change points per day and the phase of
//! t = 0 within the week, so the engine needs no calendar.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::{RATE, rate_ok};
use crate::engine::time::SimDuration;
use crate::scenario::clock::TimeOfDay;
use crate::scenario::locate::FieldPath;
use crate::scenario::resolve::{Context, Result};

/// Seconds in a day.
const DAY_S: u32 = 86_400;
/// Seconds in a week.
const WEEK_S: f64 = 7.0 * 86_400.0;

/// A weekly rate, resolved. It serialises as its raw form (the phase follows from
/// `start_at`), so the manifest's scenario reads back.
#[derive(Clone, Debug, PartialEq)]
pub struct Weekly {
    /// Monday to Friday.
    pub weekdays: DayRates,
    /// Saturday and Sunday.
    pub weekend: DayRates,
    /// Time from local Monday 00:00 of the week holding t = 0 to t = 0 (from `start_at`).
    pub phase: SimDuration,
}

/// The rates of one day: `(second of the day it starts at, records/s)`, the first at 0,
/// starts increasing, each rate holding until the next start (the last until midnight).
#[derive(Clone, Debug, PartialEq)]
pub struct DayRates(pub Vec<(u32, f64)>);

impl DayRates {
    /// The rate `second` seconds after local midnight.
    pub fn at(&self, second: f64) -> f64 {
        let after = self.0.partition_point(|&(s, _)| f64::from(s) <= second);
        self.0[after.saturating_sub(1)].1
    }

    fn peak(&self) -> f64 {
        self.0.iter().map(|p| p.1).fold(0.0, f64::max)
    }
}

impl Serialize for Weekly {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        to_raw(self).serialize(serializer)
    }
}

impl Weekly {
    /// The rate `t` seconds after t = 0.
    pub fn rate_at(&self, t: f64) -> f64 {
        let x = (t + self.phase.as_secs_f64()).rem_euclid(WEEK_S);
        let day = (x / f64::from(DAY_S)).floor();
        let second = x - day * f64::from(DAY_S);
        if day < 5.0 {
            self.weekdays.at(second)
        } else {
            self.weekend.at(second)
        }
    }

    /// The highest rate of the week.
    pub fn peak(&self) -> f64 {
        self.weekdays.peak().max(self.weekend.peak())
    }
}

/// `{weekly: {...}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWeekly {
    /// Rates Monday to Friday.
    pub weekdays: RawDayRates,
    /// Rates on Saturday and Sunday.
    pub weekend: RawDayRates,
}

/// One day of a weekly shape as written.
#[derive(Clone, Debug, PartialEq)]
pub enum RawDayRates {
    /// One rate all day.
    Flat(f64),
    /// 24 hourly rates, hour 0 first.
    Hourly(Vec<f64>),
    /// `"HH:MM-HH:MM"` ranges and an optional `default`.
    Ranges(BTreeMap<String, f64>),
}

/// The key of the rate of the times no range covers.
const DEFAULT_KEY: &str = "default";

/// What a day of a weekly shape accepts, for errors.
const DAY_ALLOWED: &str = "a rate for the whole day (`1500`), a list of 24 hourly rates, or a map of `\"HH:MM-HH:MM\"` ranges with a `default` (`{\"09:00-18:00\": 6000, default: 1500}`)";

impl Serialize for RawDayRates {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            RawDayRates::Flat(r) => serializer.serialize_f64(*r),
            RawDayRates::Hourly(v) => serde_saphyr::FlowSeq(v).serialize(serializer),
            RawDayRates::Ranges(m) => serde_saphyr::FlowMap(m).serialize(serializer),
        }
    }
}

impl JsonSchema for RawDayRates {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "DayRates".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "The rates of one day (records/s): a number for the whole day, 24 hourly rates (hour 0 first), or a map of `\"HH:MM-HH:MM\"` ranges (from inclusive, to exclusive) and an optional `default`.",
            "anyOf": [
                {"type": "number"},
                {"type": "array", "items": {"type": "number"}, "minItems": 24, "maxItems": 24},
                {"type": "object", "additionalProperties": {"type": "number"}}
            ]
        })
    }
}

impl<'de> Deserialize<'de> for RawDayRates {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(DayVisitor)
    }
}

struct DayVisitor;

impl<'de> Visitor<'de> for DayVisitor {
    type Value = RawDayRates;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(DAY_ALLOWED)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<RawDayRates, E> {
        Ok(RawDayRates::Flat(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<RawDayRates, E> {
        Ok(RawDayRates::Flat(v as f64))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<RawDayRates, E> {
        Ok(RawDayRates::Flat(v as f64))
    }

    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<RawDayRates, A::Error> {
        let mut out = Vec::new();
        while let Some(r) = seq.next_element::<f64>()? {
            out.push(r);
            if out.len() > 24 {
                return Err(de::Error::custom(
                    "more than 24 hourly rates (one per hour of the day)",
                ));
            }
        }
        Ok(RawDayRates::Hourly(out))
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<RawDayRates, A::Error> {
        let mut out = BTreeMap::new();
        while let Some((k, v)) = map.next_entry::<String, f64>()? {
            if out.insert(k.clone(), v).is_some() {
                return Err(de::Error::custom(format!("`{k}` is given twice")));
            }
        }
        Ok(RawDayRates::Ranges(out))
    }
}

/// Resolves `weekly` at `base` (`producer.rate[i].weekly`); needs `start_at`.
pub(crate) fn resolve(raw: &RawWeekly, base: &FieldPath, cx: &Context<'_>) -> Result<Weekly> {
    let Some(clock) = cx.clock else {
        return Err(cx.invalid(
            base,
            "a weekly shape",
            "a shape that needs no wall clock; `weekly` needs `start_at` (the wall-clock instant of t = 0, e.g. `start_at: 2026-11-02T00:00:00Z`): set it",
        ));
    };
    Ok(Weekly {
        weekdays: resolve_day(&raw.weekdays, &base.key("weekdays"), cx)?,
        weekend: resolve_day(&raw.weekend, &base.key("weekend"), cx)?,
        phase: SimDuration(clock.into_week()),
    })
}

fn resolve_day(raw: &RawDayRates, path: &FieldPath, cx: &Context<'_>) -> Result<DayRates> {
    let rate = |p: &FieldPath, r: f64| cx.check_float(p, r, rate_ok, RATE);
    let mut points: Vec<(u32, f64)> = match raw {
        RawDayRates::Flat(r) => vec![(0, rate(path, *r)?)],
        RawDayRates::Hourly(v) => {
            if v.len() != 24 {
                return Err(cx.invalid(
                    path,
                    format!("a list of {} rates", v.len()),
                    "24 hourly rates (hour 0 first), or a map of `\"HH:MM-HH:MM\"` ranges",
                ));
            }
            v.iter()
                .enumerate()
                .map(|(h, r)| Ok((h as u32 * 3600, rate(&path.index(h), *r)?)))
                .collect::<Result<_>>()?
        }
        RawDayRates::Ranges(m) => resolve_ranges(m, path, cx)?,
    };
    points.dedup_by(|b, a| a.1 == b.1);
    Ok(DayRates(points))
}

/// What a range key accepts, for errors.
const RANGE_ALLOWED: &str = "`\"HH:MM-HH:MM\"` (from inclusive, to exclusive, from before to; `24:00` ends the day) or `default`";

fn resolve_ranges(
    m: &BTreeMap<String, f64>,
    path: &FieldPath,
    cx: &Context<'_>,
) -> Result<Vec<(u32, f64)>> {
    let mut default = None;
    let mut ranges: Vec<(u32, u32, f64, &str)> = Vec::new();
    for (key, r) in m {
        let p = path.key(key);
        let r = cx.check_float(&p, *r, rate_ok, RATE)?;
        if key == DEFAULT_KEY {
            default = Some(r);
            continue;
        }
        let parsed = key.split_once('-').and_then(|(a, b)| {
            let (a, b) = (TimeOfDay::parse(a)?, TimeOfDay::parse(b)?);
            (a < b && a.0 < DAY_S).then_some((a.0, b.0))
        });
        let Some((from, to)) = parsed else {
            return Err(cx.invalid(&p, format!("{key:?}"), RANGE_ALLOWED));
        };
        ranges.push((from, to, r, key));
    }
    ranges.sort_by_key(|r| r.0);
    for w in ranges.windows(2) {
        if w[1].0 < w[0].1 {
            return Err(cx.invalid(
                &path.key(w[1].3),
                format!("{:?}", w[1].3),
                format!("a range that does not overlap {:?}", w[0].3),
            ));
        }
    }
    let mut points = Vec::new();
    let mut covered = 0;
    for &(from, to, r, _) in &ranges {
        if from > covered {
            points.push((covered, gap_rate(default, path, cx, covered)?));
        }
        points.push((from, r));
        covered = to;
    }
    if covered < DAY_S {
        points.push((covered, gap_rate(default, path, cx, covered)?));
    }
    Ok(points)
}

/// The rate of a time no range covers: `default`, or an error.
fn gap_rate(default: Option<f64>, path: &FieldPath, cx: &Context<'_>, at: u32) -> Result<f64> {
    default.ok_or_else(|| {
        cx.invalid(
            path,
            format!("ranges that leave {} uncovered", TimeOfDay(at)),
            "ranges that cover the whole day, or a `default` rate for the rest",
        )
    })
}

/// The `explain` inverse.
pub(crate) fn to_raw(w: &Weekly) -> RawWeekly {
    RawWeekly {
        weekdays: day_to_raw(&w.weekdays),
        weekend: day_to_raw(&w.weekend),
    }
}

fn day_to_raw(d: &DayRates) -> RawDayRates {
    if let [(_, r)] = d.0.as_slice() {
        return RawDayRates::Flat(*r);
    }
    let ends = d.0.iter().skip(1).map(|p| p.0).chain([DAY_S]);
    RawDayRates::Ranges(
        d.0.iter()
            .zip(ends)
            .map(|(&(from, r), to)| (format!("{}-{}", TimeOfDay(from), TimeOfDay(to)), r))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::engine::time::SimTime;
    use crate::model::traffic::RateCurve;
    use crate::scenario::{Scenario, ScenarioError, from_yaml_str, to_yaml};

    fn scenario(start_at: &str, shape: &str) -> Result<Scenario, ScenarioError> {
        let start = if start_at.is_empty() {
            String::new()
        } else {
            format!("start_at: {start_at}\n")
        };
        let text = format!(
            "name: weekly\n{start}duration: 1h\ntopic: {{partitions: 1}}\nproducer:\n  rate:\n    - {shape}\nfunction: {{duration: {{per_record: 1ms}}}}\n"
        );
        from_yaml_str(&text, Path::new("."), &[])
    }

    fn rate(s: &Scenario, day: u64, h: u64, m: u64, sec: f64) -> f64 {
        let t = ((day * 24 + h) * 60 + m) as f64 * 60.0 + sec;
        RateCurve::new(&s.producer.rate).rate_at(SimTime::from_secs_f64(t))
    }

    const PAYMENTS: &str =
        r#"weekly: {weekdays: {"09:00-18:00": 6000, default: 1500}, weekend: 1500}"#;

    #[test]
    fn weekday_hours_switch_exactly_at_their_boundaries() {
        // t = 0 is Monday 2026-11-02 00:00 UTC: day 4 is Friday, day 5 Saturday.
        let s = scenario("2026-11-02T00:00:00Z", PAYMENTS).unwrap();
        assert_eq!(rate(&s, 0, 8, 59, 59.999), 1500.0);
        assert_eq!(rate(&s, 0, 9, 0, 0.0), 6000.0);
        assert_eq!(rate(&s, 4, 17, 59, 0.0), 6000.0);
        assert_eq!(rate(&s, 4, 17, 59, 59.999), 6000.0);
        assert_eq!(rate(&s, 4, 18, 0, 0.0), 1500.0);
        assert_eq!(rate(&s, 5, 12, 0, 0.0), 1500.0);
        assert_eq!(rate(&s, 6, 23, 59, 59.0), 1500.0);
        // The next Monday, and the one after: the week repeats.
        assert_eq!(rate(&s, 7, 9, 0, 0.0), 6000.0);
        assert_eq!(rate(&s, 14, 17, 0, 0.0), 6000.0);
        assert_eq!(s.producer.rate[0].peak(), 6000.0);
    }

    #[test]
    fn the_wall_clock_is_the_offset_of_start_at() {
        // Friday 17:00 at +01:00: an hour of business traffic, then the evening, then
        // the weekend (hourly list: 100 records/s per hour of the day).
        let hourly: Vec<String> = (0..24).map(|h| (100 * h).to_string()).collect();
        let shape = format!(
            r#"weekly: {{weekdays: {{"09:00-18:00": 6000, default: 1500}}, weekend: [{}]}}"#,
            hourly.join(", ")
        );
        let s = scenario("2026-11-06T17:00:00+01:00", &shape).unwrap();
        assert_eq!(rate(&s, 0, 0, 59, 59.999), 6000.0);
        assert_eq!(rate(&s, 0, 1, 0, 0.0), 1500.0);
        // Saturday 00:00 local is 7 h in; 10:30 local is 17.5 h in.
        assert_eq!(rate(&s, 0, 6, 59, 59.0), 1500.0);
        assert_eq!(rate(&s, 0, 7, 0, 0.0), 0.0);
        assert_eq!(rate(&s, 0, 17, 30, 0.0), 1000.0);
        // Back on Monday 09:00 local, 2 days and 16 hours in.
        assert_eq!(rate(&s, 2, 16, 0, 0.0), 6000.0);
    }

    #[test]
    fn weekly_reads_back_from_explain() {
        let s = scenario("2026-11-02T00:00:00Z", PAYMENTS).unwrap();
        let text = to_yaml(&s);
        assert!(text.contains("weekly"), "{text}");
        assert_eq!(from_yaml_str(&text, Path::new("."), &[]).unwrap(), s);
    }

    #[test]
    fn weekly_errors_say_what_is_wrong() {
        let err = |start: &str, shape: &str| scenario(start, shape).unwrap_err().to_string();
        let monday = "2026-11-02T00:00:00Z";
        let e = err("", PAYMENTS);
        assert!(
            e.contains("producer.rate[0].weekly") && e.contains("needs `start_at`"),
            "{e}"
        );
        let e = err(
            monday,
            r#"weekly: {weekdays: {"09:00-18:00": 6000}, weekend: 1}"#,
        );
        assert!(
            e.contains("weekdays") && e.contains("leave 00:00 uncovered") && e.contains("default"),
            "{e}"
        );
        let e = err(
            monday,
            r#"weekly: {weekdays: {"09:00-18:00": 6000, "17:00-20:00": 1, default: 1}, weekend: 1}"#,
        );
        assert!(e.contains("does not overlap \"09:00-18:00\""), "{e}");
        let e = err(
            monday,
            r#"weekly: {weekdays: {"18:00-09:00": 6000, default: 1}, weekend: 1}"#,
        );
        assert!(
            e.contains("weekdays.18:00-09:00") || e.contains("HH:MM-HH:MM"),
            "{e}"
        );
        let e = err(monday, "weekly: {weekdays: [1, 2, 3], weekend: 1}");
        assert!(
            e.contains("a list of 3 rates") && e.contains("24 hourly"),
            "{e}"
        );
        let e = err(monday, "weekly: {weekdays: 1, weekend: -5}");
        assert!(e.contains("weekend") && e.contains(">= 0"), "{e}");
        let e = err(monday, "weekly: {weekdays: 1}");
        assert!(e.contains("weekend"), "{e}");
    }
}
