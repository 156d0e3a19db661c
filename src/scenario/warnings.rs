//! Warnings about a valid scenario: values the simulator accepts for what-if studies but
//! that AWS cannot be set to. Each section states its own rules; [`warnings`] gathers
//! them, and `esmsim check` and `esmsim run` print each on standard error.

use std::fmt;

use super::Scenario;
use crate::engine::time::SimDuration;

/// A value that is simulated as given but cannot be configured in AWS.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ScenarioWarning {
    /// `esm.batching_window` is neither a whole number of seconds (0 ..= 300) nor the
    /// 500 ms default (AWS's `MaximumBatchingWindowInSeconds` is an integer).
    BatchingWindowNotSettable {
        /// The window as given.
        window: SimDuration,
    },
}

impl fmt::Display for ScenarioWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioWarning::BatchingWindowNotSettable { window } => write!(
                f,
                "esm.batching_window {}s cannot be set in AWS (whole seconds 0..300, or the 500 ms default); simulating it anyway",
                window.as_secs_f64()
            ),
        }
    }
}

/// The warnings about `scenario`, in the order of its sections (none for a scenario
/// that AWS can be configured as).
pub fn warnings(scenario: &Scenario) -> Vec<ScenarioWarning> {
    super::esm::warnings(&scenario.esm)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load::from_yaml_str;

    fn window_warnings(window: &str) -> Vec<String> {
        let yaml = format!(
            "name: w\nduration: 1m\ntopic: {{partitions: 1}}\nproducer: {{rate: [{{constant: 1}}]}}\nesm: {{batching_window: {window}}}\nfunction: {{duration: {{per_batch: 1ms}}}}\n"
        );
        let scenario = from_yaml_str(&yaml, std::path::Path::new("."), &[]).expect("valid");
        warnings(&scenario)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn only_whole_seconds_and_the_default_window_are_settable_in_aws() {
        for settable in ["0s", "500ms", "1s", "2m", "300s"] {
            assert_eq!(
                window_warnings(settable),
                Vec::<String>::new(),
                "{settable}"
            );
        }
        for (window, shown) in [
            ("1500ms", "1.5s"),
            ("250ms", "0.25s"),
            ("299999ms", "299.999s"),
            ("1ms", "0.001s"),
        ] {
            assert_eq!(
                window_warnings(window),
                vec![format!(
                    "esm.batching_window {shown} cannot be set in AWS (whole seconds 0..300, or the 500 ms default); simulating it anyway"
                )],
                "{window}"
            );
        }
    }
}
