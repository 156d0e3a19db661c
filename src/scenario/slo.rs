//! `slo:`: service-level objectives, each reported one by one in the summary. Raw form,
//! resolved form, checks and `explain` inverse.
//!
//! `slo:` is a list of objectives; a single map (`slo: {max_age: 2m}`) is one objective,
//! so scenarios written before the list form still load. Each objective is exactly one
//! of `max_age`, `max_lag` or `drain` (`{event: month-end, within: 20m}`, naming one of
//! the scenario's named events), with an optional `name` and, for `max_age` and
//! `max_lag`, an optional daily window `during` (which needs `start_at`).

use std::fmt;

use schemars::JsonSchema;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use super::clock::{DAYS_ALLOWED, DailyWindow, Days, TIME_OF_DAY_ALLOWED, TimeOfDay};
use super::locate::FieldPath;
use super::resolve::{Context, MAX_RUN, Result};
use super::units::DurationValue;
use crate::engine::time::SimDuration;

/// Service-level objectives, in the order written; each is reported in the summary.
/// Serialises as its raw list form (the manifest's scenario reads back as a scenario).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Slo {
    /// The objectives (empty without `slo:`).
    pub objectives: Vec<Objective>,
}

/// One objective.
#[derive(Clone, Debug, PartialEq)]
pub struct Objective {
    /// The name it is reported under: `name` if given, else its kind (`max_age`,
    /// `max_lag`) or `drain-<event>`. Unique within the scenario.
    pub name: String,
    /// Whether `name` was written (so `explain` writes it back only then).
    pub named: bool,
    /// What is limited.
    pub target: Target,
    /// The daily window it applies in (always, when `None`).
    pub during: Option<DailyWindow>,
}

/// What an objective limits.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// The age of the oldest uncommitted record stays at or under this.
    MaxAge(SimDuration),
    /// The total offset lag stays at or under this many records.
    MaxLag(u64),
    /// The named event drains within `within` of its start.
    Drain {
        /// The named event.
        event: String,
        /// Longest acceptable drain time.
        within: SimDuration,
    },
}

impl Target {
    /// The kind as written (`max_age`, `max_lag`, `drain`).
    pub fn kind(&self) -> &'static str {
        match self {
            Target::MaxAge(_) => "max_age",
            Target::MaxLag(_) => "max_lag",
            Target::Drain { .. } => "drain",
        }
    }

    /// The limit as a number: seconds for `max_age` and `drain`, records for `max_lag`.
    pub fn limit(&self) -> f64 {
        match self {
            Target::MaxAge(d) | Target::Drain { within: d, .. } => d.as_secs_f64(),
            Target::MaxLag(n) => *n as f64,
        }
    }
}

impl Serialize for Slo {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        to_raw(self).serialize(s)
    }
}

impl Slo {
    /// Whether any objective is set.
    pub fn is_empty(&self) -> bool {
        self.objectives.is_empty()
    }
}

/// A window as the summary and the sweep tables show it: `09:00-18:00` (every day) or
/// `09:00-18:00 weekdays`.
pub fn window_label(w: &DailyWindow) -> String {
    if w.days == Days::ALL {
        format!("{}-{}", w.from, w.to)
    } else {
        format!("{}-{} {}", w.from, w.to, w.days)
    }
}

/// A window as `explain` and the manifest write it.
fn window_text(w: &DailyWindow) -> RawWindow {
    const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let days = match w.days {
        Days::ALL => None,
        d @ (Days::WEEKDAYS | Days::WEEKENDS) => Some(RawDays::One(d.to_string())),
        Days(bits) => Some(RawDays::List(
            (0..7)
                .filter(|i| bits & (1 << i) != 0)
                .map(|i| NAMES[i].to_string())
                .collect(),
        )),
    };
    RawWindow {
        from: w.from.to_string(),
        to: w.to.to_string(),
        days,
    }
}

/// `slo:`: a list of objectives, or one objective written as a map.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum RawSlo {
    /// One objective (`slo: {max_age: 2m}`).
    One(RawObjective),
    /// Several objectives.
    List(Vec<RawObjective>),
}

impl Default for RawSlo {
    fn default() -> Self {
        RawSlo::List(Vec::new())
    }
}

impl<'de> Deserialize<'de> for RawSlo {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Vis;
        impl<'de> Visitor<'de> for Vis {
            type Value = RawSlo;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of objectives such as `[{max_age: 2m}, {max_lag: 100000}]`, or one objective as a map")
            }
            fn visit_map<A: de::MapAccess<'de>>(
                self,
                map: A,
            ) -> std::result::Result<RawSlo, A::Error> {
                RawObjective::deserialize(MapAccessDeserializer::new(map)).map(RawSlo::One)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(
                self,
                seq: A,
            ) -> std::result::Result<RawSlo, A::Error> {
                Vec::deserialize(SeqAccessDeserializer::new(seq)).map(RawSlo::List)
            }
            fn visit_unit<E: de::Error>(self) -> std::result::Result<RawSlo, E> {
                Ok(RawSlo::default())
            }
        }
        d.deserialize_any(Vis)
    }
}

/// One objective: exactly one of `max_age`, `max_lag`, `drain`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawObjective {
    /// The name it is reported under (default: its kind, or `drain-<event>`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Maximum acceptable age of the oldest uncommitted record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_age: Option<DurationValue>,
    /// Maximum acceptable total offset lag, records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_lag: Option<i64>,
    /// A named event must drain within a time of its start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drain: Option<RawDrain>,
    /// The daily window the objective applies in (needs `start_at`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub during: Option<RawWindow>,
}

/// `drain: {event, within}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDrain {
    /// The name of a named event (`name:` of a rate shape).
    pub event: String,
    /// Longest acceptable time from the event's start until its lag is drained.
    pub within: DurationValue,
}

/// `during: {from: "09:00", to: "18:00", days: weekdays}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWindow {
    /// Opening time of day (`HH:MM` or `HH:MM:SS`).
    pub from: String,
    /// Closing time of day; not after `from`: the window runs past midnight.
    pub to: String,
    /// The days it opens on (default `all`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<RawDays>,
}

/// A day set: `weekdays`, `weekends`, `all`, or a list of days.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawDays {
    /// `all`, `weekdays`, `weekends` or one day.
    One(String),
    /// `[mon, tue]`.
    List(Vec<String>),
}

/// Everything `slo` needs from the rest of the scenario.
pub(crate) struct SloContext<'a> {
    /// Whether `start_at` is set.
    pub has_clock: bool,
    /// The names of the named events, in order.
    pub events: &'a [String],
}

/// Resolves `slo:` (no objective when absent).
pub(crate) fn resolve(raw: Option<&RawSlo>, cx: &Context<'_>, sx: &SloContext<'_>) -> Result<Slo> {
    let root = FieldPath::root("slo");
    let items: Vec<(FieldPath, &RawObjective)> = match raw {
        None => Vec::new(),
        Some(RawSlo::One(o)) => vec![(root.clone(), o)],
        Some(RawSlo::List(list)) => list
            .iter()
            .enumerate()
            .map(|(i, o)| (root.index(i), o))
            .collect(),
    };
    let mut objectives: Vec<Objective> = Vec::with_capacity(items.len());
    for (path, raw) in items {
        let o = objective(raw, &path, cx, sx)?;
        if objectives.iter().any(|p| p.name == o.name) {
            return Err(cx.invalid(
                &path.key("name"),
                format!("`{}` (a second objective with this name)", o.name),
                "a name of its own for each objective: give one of them `name:`",
            ));
        }
        objectives.push(o);
    }
    Ok(Slo { objectives })
}

fn objective(
    raw: &RawObjective,
    path: &FieldPath,
    cx: &Context<'_>,
    sx: &SloContext<'_>,
) -> Result<Objective> {
    const ONE_OF: &str =
        "exactly one of `max_age` (a duration), `max_lag` (records) or `drain: {event, within}`";
    let target = match (&raw.max_age, raw.max_lag, &raw.drain) {
        (Some(d), None, None) => {
            Target::MaxAge(cx.check_duration(&path.key("max_age"), d, SimDuration(1), MAX_RUN)?)
        }
        (None, Some(n), None) => Target::MaxLag(
            cx.int(&path.key("max_lag"), Some(n), 0, 0, i64::MAX)?
                .unsigned_abs(),
        ),
        (None, None, Some(d)) => {
            let p = path.key("drain");
            if !sx.events.contains(&d.event) {
                let known = if sx.events.is_empty() {
                    "the name of a named event; this scenario has none (give a rate shape `name:`)"
                        .to_string()
                } else {
                    let names: Vec<String> = sx.events.iter().map(|e| format!("`{e}`")).collect();
                    format!("one of the named events: {}", names.join(", "))
                };
                return Err(cx.invalid(&p.key("event"), format!("`{}`", d.event), known));
            }
            Target::Drain {
                event: d.event.clone(),
                within: cx.check_duration(&p.key("within"), &d.within, SimDuration(1), MAX_RUN)?,
            }
        }
        (age, lag, drain) => {
            let kinds: Vec<&str> = [
                ("max_age", age.is_some()),
                ("max_lag", lag.is_some()),
                ("drain", drain.is_some()),
            ]
            .into_iter()
            .filter_map(|(k, g)| g.then_some(k))
            .collect();
            let value = if kinds.is_empty() {
                "no limit".to_string()
            } else {
                format!("{} together", kinds.join(" and "))
            };
            return Err(cx.invalid(path, value, ONE_OF));
        }
    };
    let during = match &raw.during {
        None => None,
        Some(w) => Some(window(w, &target, &path.key("during"), cx, sx)?),
    };
    let name = match &raw.name {
        Some(n) => {
            let ok = !n.is_empty()
                && n.len() <= 64
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
            if !ok {
                return Err(cx.invalid(
                    &path.key("name"),
                    format!("{n:?}"),
                    "a name of 1 to 64 characters from A-Z, a-z, 0-9, `.`, `_`, `-` (it names sweep columns)",
                ));
            }
            n.clone()
        }
        None => match &target {
            Target::Drain { event, .. } => format!("drain-{event}"),
            t => t.kind().to_string(),
        },
    };
    Ok(Objective {
        name,
        named: raw.name.is_some(),
        target,
        during,
    })
}

fn window(
    raw: &RawWindow,
    target: &Target,
    path: &FieldPath,
    cx: &Context<'_>,
    sx: &SloContext<'_>,
) -> Result<DailyWindow> {
    if matches!(target, Target::Drain { .. }) {
        return Err(cx.invalid(
            path,
            "a window on a drain objective",
            "`during` only on `max_age` and `max_lag` (a drain is timed from its event's start)",
        ));
    }
    if !sx.has_clock {
        return Err(cx.invalid(
            path,
            "a window without `start_at`",
            "`during` together with `start_at` (such as `start_at: 2026-11-02T00:00:00Z`), which anchors t = 0 to the wall clock",
        ));
    }
    let time = |key: &str, text: &str| {
        TimeOfDay::parse(text)
            .ok_or_else(|| cx.invalid(&path.key(key), format!("{text:?}"), TIME_OF_DAY_ALLOWED))
    };
    let days = match &raw.days {
        None => Some(Days::ALL),
        Some(RawDays::One(d)) => Days::parse(d),
        Some(RawDays::List(list)) => Days::parse_list(list.iter().map(String::as_str)),
    };
    let days = days.filter(|d| *d != Days::NONE).ok_or_else(|| {
        let value = match &raw.days {
            Some(RawDays::One(d)) => format!("{d:?}"),
            Some(RawDays::List(l)) => format!("{l:?}"),
            None => String::new(),
        };
        cx.invalid(&path.key("days"), value, DAYS_ALLOWED)
    })?;
    Ok(DailyWindow {
        from: time("from", &raw.from)?,
        to: time("to", &raw.to)?,
        days,
    })
}

/// The `explain` inverse of the objectives (always the list form).
pub(crate) fn to_raw(s: &Slo) -> RawSlo {
    RawSlo::List(
        s.objectives
            .iter()
            .map(|o| RawObjective {
                name: o.named.then(|| o.name.clone()),
                max_age: match o.target {
                    Target::MaxAge(d) => Some(DurationValue::new(d)),
                    _ => None,
                },
                max_lag: match o.target {
                    Target::MaxLag(n) => Some(n.min(i64::MAX as u64) as i64),
                    _ => None,
                },
                drain: match &o.target {
                    Target::Drain { event, within } => Some(RawDrain {
                        event: event.clone(),
                        within: DurationValue::new(*within),
                    }),
                    _ => None,
                },
                during: o.during.as_ref().map(window_text),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::scenario::load::{from_yaml_str, to_raw};

    fn scenario(clock: bool, slo: &str) -> String {
        format!(
            "name: s\n{}duration: 1d\ntopic: {{partitions: 2}}\nproducer:\n  rate:\n    - constant: 100\n    - spike: {{name: month-end, at: 2h, duration: 10m, rate: 1000}}\nfunction: {{duration: {{per_record: 1ms}}}}\nslo: {slo}\n",
            if clock {
                "start_at: 2026-11-02T00:00:00Z\n"
            } else {
                ""
            }
        )
    }

    fn parse(clock: bool, slo: &str) -> std::result::Result<Slo, String> {
        from_yaml_str(&scenario(clock, slo), Path::new("."), &[])
            .map(|s| s.slo)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn the_map_form_is_one_objective_and_the_list_form_many() {
        let one = parse(false, "{max_age: 2m}").unwrap();
        assert_eq!(
            one.objectives,
            [Objective {
                name: "max_age".into(),
                named: false,
                target: Target::MaxAge(SimDuration::from_secs(120)),
                during: None,
            }]
        );
        let many = parse(
            true,
            "[{name: day-age, max_age: 2m, during: {from: \"09:00\", to: \"18:00\", days: weekdays}}, {max_lag: 100000}, {drain: {event: month-end, within: 20m}}]",
        )
        .unwrap();
        let names: Vec<&str> = many.objectives.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, ["day-age", "max_lag", "drain-month-end"]);
        assert_eq!(
            many.objectives[0].during.map(|w| window_label(&w)),
            Some("09:00-18:00 weekdays".into())
        );
        assert_eq!(many.objectives[1].target, Target::MaxLag(100_000));
        assert_eq!(
            many.objectives[2].target,
            Target::Drain {
                event: "month-end".into(),
                within: SimDuration::from_secs(1200)
            }
        );
        assert!(parse(false, "[]").unwrap().is_empty());
    }

    #[test]
    fn explain_writes_the_list_form_and_it_reads_back() {
        let text = scenario(
            true,
            "[{name: day-age, max_age: 2m, during: {from: \"22:00\", to: \"06:00\", days: [sat, sun]}}, {max_lag: 5}, {drain: {event: month-end, within: 20m}}]",
        );
        let s = from_yaml_str(&text, Path::new("."), &[]).unwrap();
        let yaml = serde_saphyr::to_string(&to_raw(&s)).unwrap();
        let back = from_yaml_str(&yaml, Path::new("."), &[]).unwrap();
        assert_eq!(back.slo, s.slo, "{yaml}");
    }

    #[test]
    fn errors_name_the_objective_and_what_is_allowed() {
        let cases: [(bool, &str, &[&str]); 7] = [
            (
                false,
                "[{drain: {event: month_end, within: 20m}}]",
                &["`slo[0].drain.event`", "month_end", "`month-end`"],
            ),
            (
                false,
                "{max_age: 2m, during: {from: \"09:00\", to: \"18:00\"}}",
                &["`slo.during`", "start_at"],
            ),
            (
                true,
                "[{max_age: 2m, max_lag: 5}]",
                &["`slo[0]`", "max_age and max_lag together"],
            ),
            (true, "[{name: x}]", &["`slo[0]`", "no limit"]),
            (
                true,
                "[{max_age: 1m}, {max_age: 2m}]",
                &["`slo[1].name`", "`max_age`"],
            ),
            (
                true,
                "[{max_lag: 5, during: {from: \"9:00\", to: \"18:00\"}}]",
                &["`slo[0].during.from`", "9:00"],
            ),
            (
                true,
                "[{drain: {event: month-end, within: 1m}, during: {from: \"09:00\", to: \"18:00\"}}]",
                &["`slo[0].during`", "only on `max_age` and `max_lag`"],
            ),
        ];
        for (clock, slo, wanted) in cases {
            let e = parse(clock, slo).unwrap_err();
            for w in wanted {
                assert!(e.contains(w), "{slo}: {w} not in {e}");
            }
        }
    }
}
