//! The `legacy` policy: the on-demand scaler as AWS described it before 2022. Its rules
//! are the `aws` policy's ([`AwsLikeScaler`]); only its defaults differ (half of
//! `max_pollers` at start, an evaluation every 15 minutes), and those are resolved in
//! `crate::scenario::scaler::legacy`. This module builds it and tests what tells it apart.

use crate::model::scaler::AwsLikeScaler;
use crate::scenario::{AwsScaler, ConcurrentInvokes};

/// The legacy scaler with the given (resolved) settings for a topic of `partitions`
/// partitions.
pub fn build(
    config: &AwsScaler,
    partitions: u32,
    per_poller: ConcurrentInvokes,
    seed: u64,
) -> AwsLikeScaler {
    AwsLikeScaler::new(config.clone(), partitions, per_poller, seed)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::engine::time::{SimDuration, SimTime};
    use crate::model::scaler::{Action, Observation, Scaler};
    use crate::scenario::{Scaler as ScalerConfig, from_yaml_str};

    /// The resolved `esm.scaler` of a 12-partition topic with `scaler` as its settings.
    fn resolved(scaler: &str) -> ScalerConfig {
        let yaml = format!(
            "name: t\nduration: 2h\ntopic: {{partitions: 12}}\nproducer: {{rate: [{{constant: 100}}]}}\nfunction: {{duration: {{per_batch: 10ms}}}}\nesm: {{batch_size: 100, scaler: {scaler}}}\n"
        );
        from_yaml_str(&yaml, Path::new("."), &[])
            .expect("valid scenario")
            .esm
            .scaler
    }

    fn legacy(scaler: &str) -> AwsScaler {
        match resolved(scaler) {
            ScalerConfig::Legacy(a) => a,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn starts_at_half_of_the_maximum_and_evaluates_every_15_minutes() {
        let c = legacy("{policy: legacy}");
        // max_pollers defaults to the 12 partitions; half of it is 6.
        assert_eq!((c.max_pollers, c.initial_pollers), (12, 6));
        assert_eq!(c.evaluation_interval, SimDuration::from_secs(900));
        let s = build(&c, 12, ConcurrentInvokes::AtMost(5), 1);
        assert_eq!(s.initial_pollers(), 6);
        assert_eq!(
            s.next_evaluation(SimTime::ZERO),
            Some(SimTime(900_000_000_000))
        );
        // Half is rounded up: 3 of a maximum of 5, 1 of 1.
        assert_eq!(
            legacy("{policy: legacy, max_pollers: 5}").initial_pollers,
            3
        );
        assert_eq!(
            legacy("{policy: legacy, max_pollers: 1}").initial_pollers,
            1
        );
        // The aws policy on the same topic: 1 poller, every minute.
        let ScalerConfig::Aws(a) = resolved("{policy: aws}") else {
            panic!("aws")
        };
        assert_eq!(
            (a.initial_pollers, a.evaluation_interval),
            (1, SimDuration::from_secs(60))
        );
        // Everything else is the aws policy's defaults.
        assert_eq!(
            (&c.actuation_delay, &c.scale_out, &c.scale_in),
            (&a.actuation_delay, &a.scale_out, &a.scale_in)
        );
    }

    #[test]
    fn its_fields_are_the_aws_fields_and_override_the_defaults() {
        let c = legacy("{policy: legacy, initial_pollers: 1, evaluation_interval: 5m}");
        assert_eq!(
            (c.initial_pollers, c.evaluation_interval),
            (1, SimDuration::from_secs(300))
        );
        // From 6 pollers, one evaluation at 15 min with a high, rising lag doubles to 12
        // after the 180 s actuation delay.
        let mut s = build(
            &legacy("{policy: legacy}"),
            12,
            ConcurrentInvokes::AtMost(5),
            1,
        );
        let d = s.evaluate(&Observation {
            now: SimTime(900_000_000_000),
            total_lag: 5000,
            max_partition_lag: 500,
            pollers: 6,
            change_pending: false,
            throttles: 0,
        });
        assert_eq!(
            (d.action, d.target, d.delay),
            (Action::ScaleOut, 12, SimDuration::from_secs(180))
        );
    }
}
