//! `esm.mode` and `esm.provisioned`: provisioned mode, where the mapping keeps between a
//! minimum and a maximum of pollers and its own autoscaler moves between them on the
//! backlog. Raw form, resolved form (the engine sees it as the scaler
//! [`Scaler::Provisioned`]), defaults (AWS facts and assumptions), checks and `explain`
//! inverse.
//!
//! `esm.mode` decides which scaler runs: `on_demand` (the default) runs `esm.scaler`, and
//! any field of `esm.provisioned` is an error; `provisioned` runs the provisioned
//! autoscaler with the settings under `esm.provisioned`, and `esm.scaler` is an error. A
//! field of `esm.provisioned` written as `null` (or an empty block) says nothing and is
//! accepted in both modes, so a sweep can zip `esm.mode` with `[null, 1, 4]`.

use schemars::JsonSchema;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use crate::engine::time::SimDuration;
use crate::scenario::locate::FieldPath;
use crate::scenario::resolve::{Context, Result};
use crate::scenario::scaler::Scaler;
use crate::scenario::units::DurationValue;

/// Fewest minimum pollers AWS accepts (`MinimumPollers`).
pub const MIN_MIN_POLLERS: i64 = 1;
/// Most minimum pollers AWS accepts (`MinimumPollers`).
pub const MAX_MIN_POLLERS: i64 = 200;
/// Minimum pollers when the scenario gives none (AWS default).
pub const DEFAULT_MIN_POLLERS: i64 = 1;
/// Most maximum pollers AWS accepts (`MaximumPollers`).
pub const MAX_MAX_POLLERS: i64 = 2000;
/// Maximum pollers when the scenario gives none (AWS default; capped at the partitions).
pub const DEFAULT_MAX_POLLERS: i64 = 200;
/// Time between two autoscaler evaluations when the scenario gives none; an assumption
/// (AWS says provisioned mode scales "3 times faster" than on-demand, whose scaler
/// evaluates every minute).
pub const DEFAULT_EVALUATION_INTERVAL: SimDuration = SimDuration::from_secs(10);
/// Shortest evaluation interval a scenario may set.
pub const MIN_EVALUATION_INTERVAL: SimDuration = SimDuration::from_secs(1);
/// Longest evaluation interval a scenario may set.
pub const MAX_EVALUATION_INTERVAL: SimDuration = SimDuration::from_secs(3600);
/// Delay from a decision to its effect when the scenario gives none; an assumption.
pub const DEFAULT_ACTUATION_DELAY: SimDuration = SimDuration::from_secs(30);
/// Longest actuation delay a scenario may set.
pub const MAX_ACTUATION_DELAY: SimDuration = SimDuration::from_secs(3600);
/// Batches in flight one poller is sized for when the scenario gives none: its 5
/// concurrent invocations (AWS fact for provisioned pollers).
pub const DEFAULT_BATCHES_PER_POLLER: u64 = 5;
/// Consecutive evaluations wanting fewer pollers before a scale-in, when the scenario
/// gives none; an assumption.
pub const DEFAULT_SCALE_IN_EVALUATIONS: i64 = 3;
/// Most such evaluations a scenario may ask for.
pub const MAX_SCALE_IN_EVALUATIONS: i64 = 10_000;

/// The manifest's assumptions about provisioned mode.
pub(crate) fn assumptions() -> Vec<String> {
    vec![format!(
        "esm.provisioned: the autoscaler evaluates every {} s, acts after {} s, sizes for the backlog at {DEFAULT_BATCHES_PER_POLLER} batches per poller (ceil(total lag / lag_per_poller), within min and max) and scales in after {DEFAULT_SCALE_IN_EVALUATIONS} evaluations in a row that want fewer; AWS publishes none of these",
        DEFAULT_EVALUATION_INTERVAL.to_std().as_secs(),
        DEFAULT_ACTUATION_DELAY.to_std().as_secs()
    )]
}

/// `esm.mode`: how the mapping's pollers are managed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// AWS scales the pollers (`esm.scaler`); pollers are not billed.
    #[default]
    OnDemand,
    /// Minimum and maximum pollers with their own autoscaler (`esm.provisioned`), billed
    /// in Event Poller Units.
    Provisioned,
}

impl Mode {
    /// The name used in the scenario and in `summary.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::OnDemand => "on_demand",
            Mode::Provisioned => "provisioned",
        }
    }
}

/// Settings of provisioned mode and its autoscaler.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Provisioned {
    /// Pollers always kept, and at t = 0 (AWS: 1..200, default 1; capped at partitions).
    pub min_pollers: u32,
    /// Most pollers (AWS: 1..2,000, default 200; capped at partitions).
    pub max_pollers: u32,
    /// Time between autoscaler evaluations (assumed 10 s).
    pub evaluation_interval: SimDuration,
    /// Time from a decision to its effect (assumed 30 s).
    pub actuation_delay: SimDuration,
    /// Records of lag one poller is sized for (default 5 × `esm.batch_size`: one batch
    /// for each of its 5 concurrent invocations).
    pub lag_per_poller: u64,
    /// Consecutive evaluations wanting fewer pollers before a scale-in (assumed 3).
    pub scale_in_evaluations: u32,
}

impl Provisioned {
    /// Whether the autoscaler can change anything (min < max).
    pub fn autoscales(&self) -> bool {
        self.min_pollers < self.max_pollers
    }
}

/// `esm.provisioned`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProvisioned {
    /// Minimum pollers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_pollers: Option<i64>,
    /// Maximum pollers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_pollers: Option<i64>,
    /// Time between evaluations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluation_interval: Option<DurationValue>,
    /// Decision-to-effect delay.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actuation_delay: Option<DurationValue>,
    /// Records of lag per poller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lag_per_poller: Option<i64>,
    /// Evaluations before a scale-in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale_in_evaluations: Option<i64>,
}

impl RawProvisioned {
    /// The first field given a value, by name, if any.
    fn first_given(&self) -> Option<&'static str> {
        [
            ("min_pollers", self.min_pollers.is_some()),
            ("max_pollers", self.max_pollers.is_some()),
            ("evaluation_interval", self.evaluation_interval.is_some()),
            ("actuation_delay", self.actuation_delay.is_some()),
            ("lag_per_poller", self.lag_per_poller.is_some()),
            ("scale_in_evaluations", self.scale_in_evaluations.is_some()),
        ]
        .into_iter()
        .find_map(|(name, given)| given.then_some(name))
    }
}

/// What resolving the mode needs from the rest of `esm:`.
pub(crate) struct ModeInputs<'a> {
    /// `esm.mode` as written.
    pub mode: Option<Mode>,
    /// `esm.provisioned` as written.
    pub provisioned: Option<&'a RawProvisioned>,
    /// Whether `esm.scaler` was written.
    pub scaler_given: bool,
    /// `topic.partitions`: the cap of both poller counts.
    pub partitions: u32,
    /// `esm.batch_size`, for the default `lag_per_poller`.
    pub batch_size: u32,
}

/// Resolves `esm.mode` at `base` (`esm`): `None` for on-demand (after checking that no
/// provisioned setting is given), the provisioned scaler otherwise (after checking that
/// `esm.scaler` is not given).
pub(crate) fn resolve(
    inputs: &ModeInputs<'_>,
    base: &FieldPath,
    cx: &Context<'_>,
) -> Result<Option<Scaler>> {
    let at = base.key("provisioned");
    let default = RawProvisioned::default();
    let raw = inputs.provisioned.unwrap_or(&default);
    match inputs.mode.unwrap_or_default() {
        Mode::OnDemand => match raw.first_given() {
            Some(field) => Err(cx.invalid(
                &at.key(field),
                "given",
                "absent under `esm.mode: on_demand` (the default): provisioned settings need `esm.mode: provisioned`",
            )),
            None => Ok(None),
        },
        Mode::Provisioned if inputs.scaler_given => Err(cx.invalid(
            &base.key("scaler"),
            "given",
            "absent under `esm.mode: provisioned`: provisioned mode has its own autoscaler, set under `esm.provisioned` (min_pollers, max_pollers, evaluation_interval, actuation_delay, lag_per_poller, scale_in_evaluations)",
        )),
        Mode::Provisioned => resolve_provisioned(raw, &at, cx, inputs).map(|p| Some(Scaler::Provisioned(p))),
    }
}

/// Checks `esm.provisioned` at `at` and fills every default.
fn resolve_provisioned(
    raw: &RawProvisioned,
    at: &FieldPath,
    cx: &Context<'_>,
    inputs: &ModeInputs<'_>,
) -> Result<Provisioned> {
    let min = cx.int(
        &at.key("min_pollers"),
        raw.min_pollers,
        DEFAULT_MIN_POLLERS,
        MIN_MIN_POLLERS,
        MAX_MIN_POLLERS,
    )?;
    let max = cx.int(
        &at.key("max_pollers"),
        raw.max_pollers,
        DEFAULT_MAX_POLLERS,
        1,
        MAX_MAX_POLLERS,
    )?;
    if max < min {
        return Err(cx.invalid(
            &at.key("max_pollers"),
            max,
            format!("an integer >= `esm.provisioned.min_pollers` ({min})"),
        ));
    }
    let cap = i64::from(inputs.partitions);
    let default_lag = DEFAULT_BATCHES_PER_POLLER * u64::from(inputs.batch_size);
    Ok(Provisioned {
        min_pollers: min.min(cap) as u32,
        max_pollers: max.min(cap) as u32,
        evaluation_interval: cx.duration(
            &at.key("evaluation_interval"),
            raw.evaluation_interval.as_ref(),
            DEFAULT_EVALUATION_INTERVAL,
            MIN_EVALUATION_INTERVAL,
            MAX_EVALUATION_INTERVAL,
        )?,
        actuation_delay: cx.duration(
            &at.key("actuation_delay"),
            raw.actuation_delay.as_ref(),
            DEFAULT_ACTUATION_DELAY,
            SimDuration::ZERO,
            MAX_ACTUATION_DELAY,
        )?,
        lag_per_poller: cx.int(
            &at.key("lag_per_poller"),
            raw.lag_per_poller,
            default_lag as i64,
            1,
            i64::MAX,
        )? as u64,
        scale_in_evaluations: cx.int(
            &at.key("scale_in_evaluations"),
            raw.scale_in_evaluations,
            DEFAULT_SCALE_IN_EVALUATIONS,
            1,
            MAX_SCALE_IN_EVALUATIONS,
        )? as u32,
    })
}

/// Writes the resolved scaler as the scenario format has it: `scaler: {...}` on demand,
/// `mode: provisioned` and `provisioned: {...}` in provisioned mode (so the manifest's
/// scenario loads again).
pub(crate) fn serialize_scaler<S: Serializer>(
    scaler: &Scaler,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    match scaler {
        Scaler::Provisioned(p) => {
            map.serialize_entry("mode", &Mode::Provisioned)?;
            map.serialize_entry("provisioned", p)?;
        }
        on_demand => map.serialize_entry("scaler", on_demand)?,
    }
    map.end()
}

/// The `explain` inverse of the provisioned settings.
pub(crate) fn to_raw(p: &Provisioned) -> RawProvisioned {
    RawProvisioned {
        min_pollers: Some(i64::from(p.min_pollers)),
        max_pollers: Some(i64::from(p.max_pollers)),
        evaluation_interval: Some(DurationValue::new(p.evaluation_interval)),
        actuation_delay: Some(DurationValue::new(p.actuation_delay)),
        lag_per_poller: Some(p.lag_per_poller.min(i64::MAX as u64) as i64),
        scale_in_evaluations: Some(i64::from(p.scale_in_evaluations)),
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::{Scaler, Scenario, ScenarioError, from_yaml_str, to_yaml};

    const BASE: &str = "\
name: p
duration: 10m
topic:
  partitions: 6
producer:
  rate:
    - constant: 1000
function:
  duration:
    per_record: 1ms
esm:
  batch_size: 40
";

    fn load(extra: &str, sets: &[&str]) -> Result<Scenario, ScenarioError> {
        let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
        from_yaml_str(&format!("{BASE}{extra}"), std::path::Path::new("."), &sets)
    }

    fn provisioned(s: &Scenario) -> &super::Provisioned {
        match &s.esm.scaler {
            Scaler::Provisioned(p) => p,
            other => panic!("not provisioned: {other:?}"),
        }
    }

    #[test]
    fn defaults_are_aws_capped_at_the_partitions_and_sized_on_the_batch() {
        let s = load("  mode: provisioned\n", &[]).unwrap();
        assert_eq!(s.esm.mode(), super::Mode::Provisioned);
        let p = provisioned(&s);
        // min 1 (AWS default), max 200 capped at the 6 partitions, 5 × 40 records.
        assert_eq!((p.min_pollers, p.max_pollers), (1, 6));
        assert_eq!(p.lag_per_poller, 200);
        assert_eq!(p.evaluation_interval, super::DEFAULT_EVALUATION_INTERVAL);
        assert_eq!(p.actuation_delay, super::DEFAULT_ACTUATION_DELAY);
        let capped = load(
            "  mode: provisioned\n  provisioned: {min_pollers: 150}\n",
            &[],
        )
        .unwrap();
        assert_eq!(
            (
                provisioned(&capped).min_pollers,
                provisioned(&capped).max_pollers
            ),
            (6, 6)
        );
        // The default mode is on-demand with the `aws` scaler, as before.
        let on_demand = load("", &[]).unwrap();
        assert_eq!(on_demand.esm.mode(), super::Mode::OnDemand);
        assert!(matches!(on_demand.esm.scaler, Scaler::Aws(_)));
    }

    #[test]
    fn explain_writes_the_mode_and_reads_back() {
        for extra in [
            "",
            "  mode: provisioned\n  provisioned: {min_pollers: 2, max_pollers: 5}\n",
        ] {
            let s = load(extra, &[]).unwrap();
            let again = from_yaml_str(&to_yaml(&s), std::path::Path::new("."), &[]).unwrap();
            assert_eq!(again, s);
        }
    }

    #[test]
    fn errors_name_the_field_the_value_and_the_rule() {
        let cases: [(&str, &[&str], &[&str]); 6] = [
            (
                "  provisioned: {min_pollers: 4}\n",
                &[],
                &[
                    "`esm.provisioned.min_pollers` is given (line 13)",
                    "`esm.mode: provisioned`",
                ],
            ),
            (
                "  mode: provisioned\n  scaler: {policy: fixed, pollers: 2}\n",
                &[],
                &[
                    "`esm.scaler` is given (line 14)",
                    "own autoscaler",
                    "`esm.provisioned`",
                ],
            ),
            (
                "  mode: provisioned\n  provisioned: {min_pollers: 5, max_pollers: 3}\n",
                &[],
                &[
                    "`esm.provisioned.max_pollers` is 3 (line 14)",
                    ">= `esm.provisioned.min_pollers` (5)",
                ],
            ),
            (
                "",
                &["esm.mode=provisioned", "esm.provisioned.min_pollers=201"],
                &["`esm.provisioned.min_pollers` is 201", "from 1 to 200"],
            ),
            (
                "",
                &["esm.mode=provisioned", "esm.provisioned.max_pollers=2001"],
                &["`esm.provisioned.max_pollers` is 2001", "from 1 to 2000"],
            ),
            (
                "",
                &["esm.mode=serverless"],
                &["serverless", "on_demand", "provisioned"],
            ),
        ];
        for (extra, sets, needles) in cases {
            let message = load(extra, sets).expect_err("should fail").to_string();
            for needle in needles {
                assert!(message.contains(needle), "`{needle}` not in: {message}");
            }
        }
    }

    #[test]
    fn a_null_provisioned_field_says_nothing_in_either_mode() {
        let on_demand = load("", &["esm.provisioned.min_pollers=null"]).unwrap();
        assert!(matches!(on_demand.esm.scaler, Scaler::Aws(_)));
        let s = load(
            "",
            &["esm.mode=provisioned", "esm.provisioned.min_pollers=null"],
        )
        .unwrap();
        assert_eq!(provisioned(&s).min_pollers, 1);
    }
}
