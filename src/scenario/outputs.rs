//! `outputs:`: which optional outputs a run writes. Raw form, resolved form, defaults and
//! `explain` inverse.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Whether `partitions.csv` is written when the scenario does not say.
pub const DEFAULT_PARTITIONS_CSV: bool = false;
/// Whether charts are drawn when the scenario does not say.
pub const DEFAULT_CHARTS: bool = true;
/// Whether `report.html` is written when the scenario does not say.
pub const DEFAULT_REPORT: bool = true;

/// Which optional outputs a run writes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outputs {
    /// Write `partitions.csv` (lag per partition per sample).
    pub partitions_csv: bool,
    /// Draw the charts (PNG and SVG) after the run.
    pub charts: bool,
    /// Write `report.html`. Serialized only when `false`, so the manifest and the
    /// scenario hash of a scenario that keeps the default are what they were before the
    /// report existed.
    #[serde(skip_serializing_if = "is_default_report")]
    pub report: bool,
}

fn is_default_report(report: &bool) -> bool {
    *report == DEFAULT_REPORT
}

/// `outputs:`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOutputs {
    /// Write `partitions.csv`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partitions_csv: Option<bool>,
    /// Draw charts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charts: Option<bool>,
    /// Write `report.html`, one self-contained page with the headline numbers, the
    /// charts, the scaling decisions and the resolved scenario (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<bool>,
}

/// Resolves `outputs:` (every field has a default; there is nothing to check).
pub(crate) fn resolve(raw: Option<&RawOutputs>) -> Outputs {
    Outputs {
        partitions_csv: raw
            .and_then(|o| o.partitions_csv)
            .unwrap_or(DEFAULT_PARTITIONS_CSV),
        charts: raw.and_then(|o| o.charts).unwrap_or(DEFAULT_CHARTS),
        report: raw.and_then(|o| o.report).unwrap_or(DEFAULT_REPORT),
    }
}

/// The `explain` inverse of the output choices.
pub(crate) fn to_raw(o: &Outputs) -> RawOutputs {
    RawOutputs {
        partitions_csv: Some(o.partitions_csv),
        charts: Some(o.charts),
        report: Some(o.report),
    }
}
