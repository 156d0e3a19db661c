//! The KEDA/HPA rule on hand-computed observations: the formula and its caps, the
//! tolerance, the scale-down stabilisation window, the activation threshold and a
//! pending change.

use super::*;
use crate::engine::time::SimDuration;

/// Lag threshold 10, activation 0, tolerance 0.1, window 300 s, 1..=12 pollers, 20 s delay.
fn config() -> KedaScaler {
    KedaScaler {
        lag_threshold: 10,
        activation_lag_threshold: 0,
        allow_idle_consumers: false,
        polling_interval: SimDuration::from_secs(30),
        tolerance: 0.1,
        scale_down_stabilization: SimDuration::from_secs(300),
        min_pollers: 1,
        max_pollers: 12,
        actuation_delay: SimDuration::from_secs(20),
    }
}

fn obs(secs: u64, lag: u64, pollers: u32) -> Observation {
    Observation {
        now: SimTime(secs * 1_000_000_000),
        total_lag: lag,
        max_partition_lag: lag,
        pollers,
        change_pending: false,
        throttles: 0,
    }
}

/// The decision of a fresh scaler (12 partitions) at one observation.
fn once(c: KedaScaler, lag: u64, pollers: u32) -> Decision {
    KedaHpaScaler::new(c, 12).evaluate(&obs(30, lag, pollers))
}

fn action_and_target(d: &Decision) -> (Action, u32) {
    (d.action, d.target)
}

#[test]
fn desired_is_the_ceiling_of_lag_over_threshold() {
    let d = once(config(), 95, 1);
    assert_eq!(
        d,
        Decision {
            action: Action::ScaleOut,
            target: 10,
            delay: SimDuration::from_secs(20),
            reason: "lag 95 > activation 0; ratio 95 / (10 x 1) = 9.500: ceil(95 / 10) = 10"
                .to_string(),
        }
    );
    // 41 / 10 = 4.1 -> 5; 40 / 10 = 4 exactly.
    assert_eq!(
        action_and_target(&once(config(), 41, 1)),
        (Action::ScaleOut, 5)
    );
    assert_eq!(
        action_and_target(&once(config(), 40, 1)),
        (Action::ScaleOut, 4)
    );
    // The first evaluation comes one polling interval after the start; pollers start at
    // min_pollers.
    let s = KedaHpaScaler::new(config(), 12);
    assert_eq!(
        s.next_evaluation(SimTime::ZERO),
        Some(SimTime(30_000_000_000))
    );
    assert_eq!(s.initial_pollers(), 1);
}

#[test]
fn the_lag_is_capped_at_partitions_unless_idle_consumers_are_allowed() {
    let d = once(config(), 5000, 2);
    assert_eq!(action_and_target(&d), (Action::ScaleOut, 12));
    assert_eq!(
        d.reason,
        "lag 5000 > activation 0; capped at 12 partitions x 10 = 120; ratio 120 / (10 x 2) = 6.000: ceil(120 / 10) = 12"
    );
    let idle = KedaScaler {
        allow_idle_consumers: true,
        ..config()
    };
    let d = once(idle, 5000, 2);
    assert_eq!(action_and_target(&d), (Action::ScaleOut, 12));
    assert_eq!(
        d.reason,
        "lag 5000 > activation 0; ratio 5000 / (10 x 2) = 250.000: ceil(5000 / 10) = 500; bounded to 1..=12 = 12"
    );
    // At 12 pollers the capped metric is on target (ratio 1): hold; uncapped, the ratio
    // is far off but the bound keeps 12: hold too.
    assert_eq!(
        action_and_target(&once(config(), 5000, 12)),
        (Action::Hold, 12)
    );
    let idle = KedaScaler {
        allow_idle_consumers: true,
        ..config()
    };
    assert_eq!(action_and_target(&once(idle, 5000, 12)), (Action::Hold, 12));
}

#[test]
fn tolerance_keeps_the_count_within_ten_percent() {
    // 10 pollers, target 100: lag 90..=110 is within 10 %.
    for lag in [90, 100, 110] {
        let d = once(config(), lag, 10);
        assert_eq!(action_and_target(&d), (Action::Hold, 10), "lag {lag}");
    }
    assert!(
        once(config(), 110, 10)
            .reason
            .ends_with("ratio 110 / (10 x 10) = 1.100 within tolerance 0.1: keep 10"),
        "{}",
        once(config(), 110, 10).reason
    );
    // Just outside: 111 -> ceil(11.1) = 12; 89 -> ceil(8.9) = 9.
    assert_eq!(
        action_and_target(&once(config(), 111, 10)),
        (Action::ScaleOut, 12)
    );
    assert_eq!(
        action_and_target(&once(config(), 89, 10)),
        (Action::ScaleIn, 9)
    );
    // A tolerance of 0 acts on any difference: 101 -> 11.
    let exact = KedaScaler {
        tolerance: 0.0,
        ..config()
    };
    assert_eq!(
        action_and_target(&once(exact, 101, 10)),
        (Action::ScaleOut, 11)
    );
    // 5 pollers, target 50, lag 55: 10 % of 50 is 5, exactly at the boundary: hold.
    assert_eq!(action_and_target(&once(config(), 55, 5)), (Action::Hold, 5));
    assert_eq!(action_and_target(&once(config(), 45, 5)), (Action::Hold, 5));
}

#[test]
fn scale_down_goes_only_to_the_highest_recommendation_of_the_window() {
    let mut s = KedaHpaScaler::new(config(), 12);
    let mut run = |secs: u64, lag: u64, pollers: u32| {
        let d = s.evaluate(&obs(secs, lag, pollers));
        (d.action, d.target)
    };
    // t = 30: lag 200 from 1 poller: capped at 120, 12 pollers at once (no up window).
    assert_eq!(run(30, 200, 1), (Action::ScaleOut, 12));
    // t = 60: lag 60 recommends 6, t = 90: lag 40 recommends 4; the window still holds
    // the 12 of t = 30.
    assert_eq!(run(60, 60, 12), (Action::Hold, 12));
    assert_eq!(run(90, 40, 12), (Action::Hold, 12));
    for t in (120..=300).step_by(30) {
        assert_eq!(run(t, 0, 12), (Action::Hold, 12), "t = {t}");
    }
    // t = 330: the sample of t = 30 is exactly 300 s old and leaves; the highest left is
    // the 6 of t = 60.
    assert_eq!(run(330, 0, 12), (Action::ScaleIn, 6));
    // t = 360: the 6 leaves, the 4 of t = 90 is the highest.
    assert_eq!(run(360, 0, 6), (Action::ScaleIn, 4));
    // t = 390: only zeros remain: down to min_pollers.
    assert_eq!(run(390, 0, 4), (Action::ScaleIn, 1));
    // A scale-up in the middle of the window acts at once: 35 -> ceil(3.5) = 4.
    assert_eq!(run(420, 35, 1), (Action::ScaleOut, 4));
}

#[test]
fn the_scale_down_reason_names_the_window_maximum() {
    let mut s = KedaHpaScaler::new(config(), 12);
    s.evaluate(&obs(30, 60, 1));
    let d = s.evaluate(&obs(60, 0, 6));
    assert_eq!(
        d,
        Decision {
            action: Action::Hold,
            target: 6,
            delay: SimDuration::ZERO,
            reason: "lag 0 <= activation 0: inactive; metric 0; ratio 0 / (10 x 6) = 0.000: ceil(0 / 10) = 0; highest of the last 5m = 6".to_string(),
        }
    );
    // Without a window the scale-down is immediate, bounded at min_pollers.
    let no_window = KedaScaler {
        scale_down_stabilization: SimDuration::ZERO,
        min_pollers: 2,
        ..config()
    };
    let mut s = KedaHpaScaler::new(no_window, 12);
    s.evaluate(&obs(30, 60, 1));
    let d = s.evaluate(&obs(60, 0, 6));
    assert_eq!(action_and_target(&d), (Action::ScaleIn, 2));
    assert!(
        d.reason
            .ends_with("highest of the last 0s = 0; bounded to 2..=12 = 2"),
        "{}",
        d.reason
    );
}

#[test]
fn at_or_under_the_activation_threshold_the_scaler_asks_for_the_minimum() {
    let c = KedaScaler {
        activation_lag_threshold: 50,
        min_pollers: 2,
        ..config()
    };
    // Lag 50 is not above 50: inactive, metric 0, down to the minimum of 2.
    let d = once(c.clone(), 50, 3);
    assert_eq!(action_and_target(&d), (Action::ScaleIn, 2));
    assert!(
        d.reason
            .starts_with("lag 50 <= activation 50: inactive; metric 0;"),
        "{}",
        d.reason
    );
    // Lag 51 is above: 51 / 30 = 1.7, ceil(5.1) = 6.
    assert_eq!(
        action_and_target(&once(c.clone(), 51, 3)),
        (Action::ScaleOut, 6)
    );
    // Inactive at the minimum: hold.
    assert_eq!(action_and_target(&once(c, 40, 2)), (Action::Hold, 2));
}

#[test]
fn a_pending_change_holds_but_its_recommendation_counts_in_the_window() {
    let mut s = KedaHpaScaler::new(config(), 12);
    assert_eq!(
        action_and_target(&s.evaluate(&obs(30, 80, 1))),
        (Action::ScaleOut, 8)
    );
    // Still pending at t = 60 with lag 120 (it would be 12): hold, said so.
    let d = s.evaluate(&Observation {
        change_pending: true,
        ..obs(60, 120, 1)
    });
    assert_eq!(action_and_target(&d), (Action::Hold, 1));
    assert!(
        d.reason.starts_with("a change is pending; lag 120"),
        "{}",
        d.reason
    );
    // At t = 90 with 8 pollers and no lag, the 12 recommended while pending keeps 8.
    assert_eq!(
        action_and_target(&s.evaluate(&obs(90, 0, 8))),
        (Action::Hold, 8)
    );
}
