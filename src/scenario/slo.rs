//! `slo:`: service-level objectives reported in the summary. Raw form, resolved form,
//! checks and `explain` inverse.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::locate::FieldPath;
use super::resolve::{Context, MAX_RUN, Result};
use super::units::DurationValue;
use crate::engine::time::SimDuration;

/// Service-level objectives; time over each is reported in the summary.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Slo {
    /// Maximum acceptable age of the oldest uncommitted record.
    pub max_age: Option<SimDuration>,
}

/// `slo:`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSlo {
    /// Maximum acceptable record age.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_age: Option<DurationValue>,
}

/// Resolves `slo:` (no objective when absent).
pub(crate) fn resolve(raw: Option<&RawSlo>, cx: &Context<'_>) -> Result<Slo> {
    let max_age = match raw.and_then(|s| s.max_age.as_ref()) {
        None => None,
        Some(d) => Some(cx.check_duration(
            &FieldPath::root("slo").key("max_age"),
            d,
            SimDuration(1),
            MAX_RUN,
        )?),
    };
    Ok(Slo { max_age })
}

/// The `explain` inverse of the objectives.
pub(crate) fn to_raw(s: &Slo) -> RawSlo {
    RawSlo {
        max_age: s.max_age.map(DurationValue::new),
    }
}
