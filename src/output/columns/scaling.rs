//! The columns of `scaling.csv`, one row per scaler evaluation, in file order, and the
//! reading of its `action` column back into an [`Action`].

use std::str::FromStr;

use super::{Column, Kind, Unit, Value};
use crate::metrics::ScalingRecord;
use crate::model::scaler::Action;

/// The `time_s` column.
pub const TIME_S: Column<ScalingRecord> = Column {
    name: "time_s",
    unit: Unit::Seconds,
    kind: Kind::Time,
    optional: false,
    decimals: Some(3),
    doc: "When the scaler evaluated, seconds since the start of the run.",
    value: |s| Value::Real(s.time.as_secs_f64()),
};

/// The `total_lag_records` column.
pub const TOTAL_LAG_RECORDS: Column<ScalingRecord> = Column {
    name: "total_lag_records",
    unit: Unit::Records,
    kind: Kind::Gauge,
    optional: false,
    decimals: None,
    doc: "Total offset lag the scaler saw.",
    value: |s| Value::Int(s.total_lag),
};

/// The `previous_lag_records` column.
pub const PREVIOUS_LAG_RECORDS: Column<ScalingRecord> = Column {
    name: "previous_lag_records",
    unit: Unit::Records,
    kind: Kind::Gauge,
    optional: false,
    decimals: None,
    doc: "Total offset lag at the previous evaluation.",
    value: |s| Value::Int(s.previous_lag),
};

/// The `max_partition_lag_records` column.
pub const MAX_PARTITION_LAG_RECORDS: Column<ScalingRecord> = Column {
    name: "max_partition_lag_records",
    unit: Unit::Records,
    kind: Kind::Gauge,
    optional: false,
    decimals: None,
    doc: "Largest partition lag the scaler saw.",
    value: |s| Value::Int(s.max_partition_lag),
};

/// The `from` column.
pub const FROM: Column<ScalingRecord> = Column {
    name: "from",
    unit: Unit::Count,
    kind: Kind::Gauge,
    optional: false,
    decimals: None,
    doc: "Pollers active at the evaluation.",
    value: |s| Value::Int(u64::from(s.pollers)),
};

/// The `to` column.
pub const TO: Column<ScalingRecord> = Column {
    name: "to",
    unit: Unit::Count,
    kind: Kind::Gauge,
    optional: false,
    decimals: None,
    doc: "Pollers the decision wants.",
    value: |s| Value::Int(u64::from(s.target)),
};

/// The `action` column.
pub const ACTION: Column<ScalingRecord> = Column {
    name: "action",
    unit: Unit::Text,
    kind: Kind::Label,
    optional: false,
    decimals: None,
    doc: "What was decided: scale_out, scale_in or hold.",
    value: |s| Value::Text(s.action.as_str()),
};

/// The `reason` column.
pub const REASON: Column<ScalingRecord> = Column {
    name: "reason",
    unit: Unit::Text,
    kind: Kind::Label,
    optional: false,
    decimals: None,
    doc: "Why, in words.",
    value: |s| Value::Text(&s.reason),
};

/// The `effective_at_s` column.
pub const EFFECTIVE_AT_S: Column<ScalingRecord> = Column {
    name: "effective_at_s",
    unit: Unit::Seconds,
    kind: Kind::Time,
    optional: true,
    decimals: Some(3),
    doc: "When the change takes effect, seconds (empty for a hold).",
    value: |s| s.effective_at.map(|t| t.as_secs_f64()).into(),
};

/// Every column of `scaling.csv`, in order.
pub const SCALING: [&Column<ScalingRecord>; 9] = [
    &TIME_S,
    &TOTAL_LAG_RECORDS,
    &PREVIOUS_LAG_RECORDS,
    &MAX_PARTITION_LAG_RECORDS,
    &FROM,
    &TO,
    &ACTION,
    &REASON,
    &EFFECTIVE_AT_S,
];

/// What the `action` column allows, in words.
pub const ACTIONS_ALLOWED: &str = "one of scale_out, scale_in, hold";

/// An `action` cell that is none of the scaler's actions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{given:?} is not {ACTIONS_ALLOWED}")]
pub struct UnknownAction {
    /// The text that was read.
    pub given: String,
}

/// Reads the `action` column of `scaling.csv` (the text of [`Action::as_str`]).
impl FromStr for Action {
    type Err = UnknownAction;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        [Action::ScaleOut, Action::ScaleIn, Action::Hold]
            .into_iter()
            .find(|action| action.as_str() == text)
            .ok_or_else(|| UnknownAction {
                given: text.to_string(),
            })
    }
}
