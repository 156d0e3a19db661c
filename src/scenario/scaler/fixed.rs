//! `policy: fixed`: a fixed number of pollers for the whole run. Raw form, checks and
//! `explain` inverse (the resolved form is [`Scaler::Fixed`]).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Scaler, ScalerInputs, ScalerPolicy};
use crate::scenario::locate::FieldPath;
use crate::scenario::resolve::{Context, Result};

/// `esm.scaler` with `policy: fixed`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFixedScaler {
    /// The poller count (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pollers: Option<i64>,
}

impl ScalerPolicy for RawFixedScaler {
    fn resolve(&self, at: &FieldPath, cx: &Context<'_>, inputs: &ScalerInputs) -> Result<Scaler> {
        let partitions = inputs.partitions;
        let p = at.key("pollers");
        let pollers = match self.pollers {
            None => {
                return Err(cx.missing(
                    &p,
                    format!("(with `policy: fixed`) the poller count, an integer from 1 to `topic.partitions` ({partitions})"),
                ));
            }
            Some(n) if (1..=i64::from(partitions)).contains(&n) => n as u32,
            Some(n) => {
                return Err(cx.invalid(
                    &p,
                    n,
                    format!("an integer from 1 to `topic.partitions` ({partitions}): a poller without a partition would idle"),
                ));
            }
        };
        Ok(Scaler::Fixed { pollers })
    }
}

/// The `explain` inverse of a fixed poller count.
pub(crate) fn to_raw(pollers: u32) -> RawFixedScaler {
    RawFixedScaler {
        pollers: Some(i64::from(pollers)),
    }
}
