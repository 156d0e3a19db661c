//! Calibrated ranges: what `esmsim calibrate` learned (its `fit.json`) narrowing the
//! plausible range of the unpublished constants it fitted.
//!
//! For each fitted parameter, `fit.json` holds the best value and the loss profile along
//! its grid (the others at their best). The calibrated range is the fitted value alone
//! when calibrate reports the parameter *determined by the data*, else every grid value
//! whose loss is within calibrate's tolerance of the best loss
//! ([`crate::calibrate::fit::within_tolerance`]: the same notion as calibrate's "not
//! determined by the data"), in grid order. The sensitivity report then tries those
//! values instead of the table's ([`super::assumptions::RANGES`]).

use serde::{Deserialize, Serialize};

use crate::calibrate::fit::{TOLERANCE, within_tolerance};

/// The calibrated range of one fitted parameter.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CalibratedRange {
    /// The scenario path (`esm.scaler.actuation_delay`).
    pub path: String,
    /// The values to try, as `--set` texts.
    pub values: Vec<String>,
    /// Whether the data determine it (then `values` is the fitted value alone).
    pub determined: bool,
}

/// What a `fit.json` says about the fitted parameters.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Calibration {
    /// The file it was read from, as given.
    pub file: String,
    /// One range per fitted parameter, in the file's order.
    pub ranges: Vec<CalibratedRange>,
}

/// A calibration file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("--calibrated {file}: {message}")]
pub struct CalibrationError {
    /// The file.
    pub file: String,
    /// What is wrong with it.
    pub message: String,
}

/// The part of `fit.json` read here.
#[derive(Deserialize)]
struct FitFile {
    best: Vec<String>,
    loss: f64,
    profiles: Vec<ProfileFile>,
}

/// One profile of `fit.json`; a loss that was not computed is `null`.
#[derive(Deserialize)]
struct ProfileFile {
    path: String,
    points: Vec<(String, Option<f64>)>,
    determined: bool,
}

impl Calibration {
    /// Reads the text of `fit.json` (named `file` in errors).
    ///
    /// # Errors
    ///
    /// [`CalibrationError`] when the text is not a calibrate `fit.json` (not JSON, a key
    /// missing, a profile without a best value or without points).
    pub fn parse(file: &str, text: &str) -> Result<Calibration, CalibrationError> {
        let bad = |message: String| CalibrationError {
            file: file.to_string(),
            message,
        };
        let fit: FitFile = serde_json::from_str(text).map_err(|e| {
            bad(format!(
                "not the fit.json `esmsim calibrate` writes (`best`, `loss`, `profiles`): {e}"
            ))
        })?;
        let ranges = fit
            .profiles
            .iter()
            .map(|p| {
                let best = fit
                    .best
                    .iter()
                    .find_map(|b| {
                        b.split_once('=')
                            .filter(|(path, _)| path.trim() == p.path)
                            .map(|(_, v)| v.trim().to_string())
                    })
                    .ok_or_else(|| {
                        bad(format!(
                            "the profile of {} has no best value in `best`",
                            p.path
                        ))
                    })?;
                let values = if p.determined {
                    vec![best]
                } else {
                    p.points
                        .iter()
                        .filter(|(_, loss)| within_tolerance(loss.unwrap_or(f64::NAN), fit.loss))
                        .map(|(v, _)| v.clone())
                        .collect()
                };
                if values.is_empty() {
                    return Err(bad(format!(
                        "the profile of {} has no value within {} % of the best loss",
                        p.path,
                        TOLERANCE * 100.0
                    )));
                }
                Ok(CalibratedRange {
                    path: p.path.clone(),
                    values,
                    determined: p.determined,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Calibration {
            file: file.to_string(),
            ranges,
        })
    }

    /// The calibrated range of `path`, if it was fitted.
    pub fn range(&self, path: &str) -> Option<&CalibratedRange> {
        self.ranges.iter().find(|r| r.path == path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIT: &str = r#"{
      "best": ["esm.scaler.actuation_delay=60s", "esm.scaler.scale_in.cooldown=600s"],
      "loss": 1.0,
      "profiles": [
        {"path": "esm.scaler.actuation_delay",
         "points": [["30s", 1.04], ["60s", 1.0], ["120s", 1.06], ["180s", null]],
         "determined": false},
        {"path": "esm.scaler.scale_in.cooldown",
         "points": [["60s", 2.0], ["600s", 1.0]],
         "determined": true}
      ]
    }"#;

    #[test]
    fn a_flat_profile_keeps_the_values_within_tolerance_and_a_sharp_one_the_fitted_value() {
        let c = Calibration::parse("fit.json", FIT).expect("valid");
        // 1.04 and 1.0 are within 5 % of 1.0, 1.06 is not; an uncomputed loss cannot
        // rule 180s out.
        assert_eq!(
            c.range("esm.scaler.actuation_delay").unwrap().values,
            ["30s", "60s", "180s"]
        );
        let cooldown = c.range("esm.scaler.scale_in.cooldown").unwrap();
        assert_eq!(cooldown.values, ["600s"]);
        assert!(cooldown.determined);
        assert_eq!(c.range("esm.rebalance_pause"), None);
    }

    #[test]
    fn a_file_that_is_not_a_fit_is_refused_naming_it() {
        let e = Calibration::parse("x.json", "{\"best\": []}").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("--calibrated x.json: not the fit.json"),
            "{e}"
        );
        let no_best = FIT.replace("\"esm.scaler.actuation_delay=60s\", ", "");
        let e = Calibration::parse("x.json", &no_best).unwrap_err();
        assert!(
            e.to_string()
                .contains("the profile of esm.scaler.actuation_delay has no best value"),
            "{e}"
        );
    }
}
