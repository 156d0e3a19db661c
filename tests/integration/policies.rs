//! The `keda` and `legacy` scaler policies on whole runs: every KEDA decision recomputed
//! from the lag and pollers it saw, and what tells `legacy` and `keda` apart from `aws`
//! on the same spike.

use esmsim::metrics::ScalingRecord;
use esmsim::model::scaler::Action;
use esmsim::scenario::Scaler;
use esmsim::sim::RunResult;

use crate::common::{run_checked, scenario};

/// The quickstart spike (6 partitions, 600 records/s with 2,400 more from 10 to 15 min)
/// under `scaler`.
fn spike(scaler: &str) -> String {
    format!(
        "name: spike\nseed: 42\nduration: 30m\ntopic: {{partitions: 6}}\nproducer:\n  rate:\n    - constant: 600\n    - spike: {{at: 10m, duration: 5m, rate: 2400}}\nesm:\n  batch_size: 100\n  scaler: {scaler}\nfunction:\n  memory: 1024\n  timeout: 30s\n  duration: {{per_batch: 20ms, per_record: 2ms, cpu_bound: 0.5, jitter: {{lognormal: {{sigma: 0.25}}}}}}\n"
    )
}

/// The `aws` and `legacy` policies evaluating at whole intervals from the start
/// (`evaluation_phase: 0s`), so that decision times are the hand-computed ones.
const AWS_PINNED: &str = "{policy: aws, evaluation_phase: 0s}";
/// See [`AWS_PINNED`].
const LEGACY_PINNED: &str = "{policy: legacy, evaluation_phase: 0s}";

fn run(scaler: &str) -> RunResult {
    run_checked(&scenario(&spike(scaler)))
}

/// When the poller count first reaches `pollers`, in seconds (from the decisions).
fn first_effect_at(records: &[ScalingRecord], pollers: u32) -> Option<f64> {
    records
        .iter()
        .find(|r| r.target >= pollers && r.action == Action::ScaleOut)
        .and_then(|r| r.effective_at)
        .map(|t| t.as_secs_f64())
}

#[test]
fn every_keda_decision_follows_the_formula() {
    let yaml = spike("{policy: keda, lag_threshold: 100}");
    let s = scenario(&yaml);
    let Scaler::Keda(k) = &s.esm.scaler else {
        panic!("{:?}", s.esm.scaler)
    };
    let (threshold, partitions) = (k.lag_threshold, u64::from(s.topic.partitions));
    assert_eq!((k.min_pollers, k.max_pollers, k.tolerance), (1, 6, 0.1));
    let records = run_checked(&s).scaling;
    // One evaluation every 30 s: 60 in 30 min.
    assert_eq!(records.len(), 60);
    let mut window: Vec<(f64, u32)> = Vec::new();
    let mut counts = [0usize; 4];
    for (i, r) in records.iter().enumerate() {
        let now = r.time.as_secs_f64();
        assert_eq!(now, 30.0 * (i + 1) as f64);
        let p = r.pollers;
        // The 20 s actuation delay is shorter than the 30 s interval, so each decision
        // has taken effect by the next evaluation.
        if i > 0 {
            assert_eq!(p, records[i - 1].target, "pollers at {now} s");
        }
        // Activation 0, the metric capped at partitions x threshold.
        let metric = if r.total_lag > 0 {
            r.total_lag.min(partitions * threshold)
        } else {
            0
        };
        let target = threshold * u64::from(p);
        let within = metric.abs_diff(target) * 10 <= target;
        let desired = metric.div_ceil(threshold) as u32;
        let recommended = if within { p } else { desired };
        window.retain(|&(t, _)| t > now - 300.0);
        window.push((now, recommended));
        let stabilised = if recommended >= p {
            recommended
        } else {
            p.min(window.iter().map(|&(_, r)| r).max().unwrap())
        };
        let expected = stabilised.clamp(1, 6);
        assert_eq!(r.target, expected, "target at {now} s: {}", r.reason);
        let action = match expected.cmp(&p) {
            std::cmp::Ordering::Greater => Action::ScaleOut,
            std::cmp::Ordering::Less => Action::ScaleIn,
            std::cmp::Ordering::Equal => Action::Hold,
        };
        assert_eq!(r.action, action, "action at {now} s: {}", r.reason);
        // The reason shows the formula's numbers.
        let formula = if within {
            "within tolerance 0.1".to_string()
        } else {
            format!("ceil({metric} / {threshold}) = {desired}")
        };
        assert!(
            r.reason
                .contains(&format!("ratio {metric} / ({threshold} x {p})"))
                && r.reason.contains(&formula),
            "reason at {now} s: {}",
            r.reason
        );
        counts[match (action, within, recommended < p) {
            (Action::ScaleOut, ..) => 0,
            (Action::ScaleIn, ..) => 1,
            (Action::Hold, true, _) => 2,
            (Action::Hold, false, _) => 3,
        }] += 1;
    }
    // The run goes through every branch: out, in, within tolerance, held by the window.
    assert!(counts.iter().all(|&n| n > 0), "{counts:?}");
}

#[test]
fn legacy_starts_at_half_the_partitions_and_decides_every_15_minutes() {
    let legacy = run(LEGACY_PINNED);
    let times: Vec<f64> = legacy
        .scaling
        .iter()
        .map(|r| r.time.as_secs_f64())
        .collect();
    assert_eq!(times, [900.0, 1800.0]);
    // 3 pollers (half of 6) from the start, until the scale-out decided at 15 min takes
    // effect 180 s later.
    assert_eq!(legacy.scaling[0].pollers, 3);
    assert_eq!(
        (legacy.scaling[0].action, legacy.scaling[0].target),
        (Action::ScaleOut, 6)
    );
    assert_eq!(first_effect_at(&legacy.scaling, 6), Some(1080.0));
    // aws starts with 1 and decides every minute.
    let aws = run(AWS_PINNED);
    assert_eq!(aws.scaling.len(), 30);
    assert_eq!(aws.scaling[0].pollers, 1);
}

#[test]
fn on_the_spike_keda_reaches_all_pollers_first_and_aws_ages_records_most() {
    let aws = run(AWS_PINNED);
    let legacy = run(LEGACY_PINNED);
    let keda = run("{policy: keda}");
    let full: Vec<Option<f64>> = [&aws, &legacy, &keda]
        .iter()
        .map(|r| first_effect_at(&r.scaling, 6))
        .collect();
    // keda: lag threshold 10 asks for all 6 pollers at its first evaluation (30 s + 20 s).
    assert_eq!(full[2], Some(50.0));
    // aws doubles from 1 poller once the spike's lag is high and rising (to 2, then 4,
    // each 180 s after its minute), and never reaches 6 in the 30 minutes; legacy gets
    // there at 15 min + 180 s.
    let aws_most = aws.scaling.iter().map(|r| r.target).max();
    assert_eq!((full[0], aws_most), (None, Some(4)), "{full:?}");
    assert_eq!(full[1], Some(1080.0));
    // So aws drains the spike with the fewest pollers and its records get oldest.
    let age = |r: &RunResult| r.summary.max_record_age_s;
    assert!(
        age(&aws) > age(&legacy) && age(&aws) > age(&keda),
        "max age: aws {} legacy {} keda {}",
        age(&aws),
        age(&legacy),
        age(&keda)
    );
}
