//! The plausible range of every constant AWS does not publish, as data: which field, the
//! values tried, when it applies and why those values. The sensitivity report re-runs a
//! configuration at each value ([`super::sensitivity`]); `docs/model.md` holds the same
//! table.

use crate::scenario::Scenario;
use crate::scenario::scaler::Scaler;

/// One unpublished constant and its plausible values.
pub struct AssumptionRange {
    /// Short name (`actuation delay`).
    pub name: &'static str,
    /// The scenario path it is set through.
    pub path: &'static str,
    /// The values tried for `scenario` as `--set` texts; `None` when it does not apply
    /// (another mode or policy, or a block the scenario does not use).
    pub values: fn(&Scenario) -> Option<Vec<String>>,
    /// Where the range comes from.
    pub source: &'static str,
}

fn aws_policy(s: &Scenario) -> Option<&crate::scenario::scaler::aws::AwsScaler> {
    match &s.esm.scaler {
        Scaler::Aws(a) | Scaler::Legacy(a) => Some(a),
        _ => None,
    }
}

fn provisioned(s: &Scenario) -> bool {
    matches!(s.esm.scaler, Scaler::Provisioned(_))
}

fn texts(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// `factors` × `base`, rounded, at least 1, deduplicated.
fn scaled(base: u64, factors: &[f64]) -> Vec<String> {
    let mut v: Vec<u64> = factors
        .iter()
        .map(|f| ((base as f64 * f).round() as u64).max(1))
        .collect();
    v.dedup();
    v.into_iter().map(|x| x.to_string()).collect()
}

/// The table (documented in `docs/model.md`, "Sensitivity ranges").
pub const RANGES: &[AssumptionRange] = &[
    AssumptionRange {
        name: "actuation delay",
        path: "esm.scaler.actuation_delay",
        values: |s| aws_policy(s).map(|_| texts(&["0s", "60s", "180s"])),
        source: "AWS: a scaling change happens within 3 minutes of an evaluation; 0 to that bound",
    },
    AssumptionRange {
        name: "scale-out step",
        path: "esm.scaler.scale_out.step",
        values: |s| aws_policy(s).map(|_| texts(&["{add: 1}", "double", "to_max"])),
        source: "not published; one poller at a time to straight to the maximum brackets it",
    },
    AssumptionRange {
        name: "scale-out threshold",
        path: "esm.scaler.scale_out.min_lag",
        values: |s| aws_policy(s).map(|a| scaled(a.scale_out.min_lag, &[0.25, 4.0])),
        source: "not published; a quarter to four times the default batch_size x partitions",
    },
    AssumptionRange {
        name: "initial pollers",
        path: "esm.scaler.initial_pollers",
        values: |s| {
            aws_policy(s).map(|a| {
                let mut v = vec![1, a.max_pollers.div_ceil(2).max(1)];
                v.dedup();
                v.iter().map(u32::to_string).collect()
            })
        },
        source: "AWS: \"a default number\" (raised in 2023), unpublished; 1 to half the maximum",
    },
    AssumptionRange {
        name: "scale-in cooldown",
        path: "esm.scaler.scale_in.cooldown",
        values: |s| aws_policy(s).map(|_| texts(&["60s", "1800s"])),
        source: "not published; 1 to 30 minutes around the assumed 10",
    },
    AssumptionRange {
        name: "scale-in quiet evaluations",
        path: "esm.scaler.scale_in.after_evaluations",
        values: |s| aws_policy(s).map(|_| texts(&["1", "10"])),
        source: "not published; 1 to 10 around the assumed 3",
    },
    AssumptionRange {
        name: "throttle back-off",
        path: "esm.scaler.on_throttle.factor",
        values: |s| aws_policy(s).map(|_| texts(&["0.25", "0.75"])),
        source: "AWS says it reduces pollers after throttles, not by how much; keep a quarter to three quarters",
    },
    AssumptionRange {
        name: "per-poller invokes",
        path: "esm.poller.max_concurrent_invokes",
        values: |s| (!provisioned(s)).then(|| texts(&["5", "unlimited"])),
        source: "AWS's provisioned-mode figure (5) or the older one-processor-per-partition reading; on demand only",
    },
    AssumptionRange {
        name: "poller bandwidth",
        path: "esm.poller.max_bytes_per_s",
        values: |s| (!provisioned(s)).then(|| texts(&["2500000", "10000000"])),
        source: "AWS's provisioned-mode figure is 5 MB/s; half to double it on demand",
    },
    AssumptionRange {
        name: "rebalance pause",
        path: "esm.rebalance_pause",
        values: |_| Some(texts(&["0s", "30s"])),
        source: "not published; none (cooperative) to 30 s (an eager rebalance waiting on a slow member)",
    },
    AssumptionRange {
        name: "keep-warm",
        path: "function.cold_start.keep_warm",
        values: |s| {
            s.function
                .cold_start
                .as_ref()
                .map(|_| texts(&["5m", "60m"]))
        },
        source: "AWS publishes no idle lifetime; third-party measurements report 5 to 60 minutes",
    },
    AssumptionRange {
        name: "provisioned actuation delay",
        path: "esm.provisioned.actuation_delay",
        values: |s| provisioned(s).then(|| texts(&["0s", "180s"])),
        source: "not published for provisioned mode; 0 to the on-demand bound of 3 minutes",
    },
    AssumptionRange {
        name: "provisioned evaluation interval",
        path: "esm.provisioned.evaluation_interval",
        values: |s| provisioned(s).then(|| texts(&["5s", "60s"])),
        source: "AWS: \"3 times faster\" than on demand (60 s); 5 s to 60 s",
    },
    AssumptionRange {
        name: "provisioned lag per poller",
        path: "esm.provisioned.lag_per_poller",
        values: |s| match &s.esm.scaler {
            Scaler::Provisioned(p) => Some(scaled(p.lag_per_poller, &[0.5, 2.0])),
            _ => None,
        },
        source: "not published; half to double 5 batches per poller",
    },
    AssumptionRange {
        name: "provisioned scale-in evaluations",
        path: "esm.provisioned.scale_in_evaluations",
        values: |s| provisioned(s).then(|| texts(&["1", "10"])),
        source: "not published; 1 to 10 around the assumed 3",
    },
];
