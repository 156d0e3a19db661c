//! Named events on hand-computable traffic: drain time, peak, extra records and cost.

use super::*;
use crate::scenario::load::from_yaml_str;

/// One partition, fluid arrivals at 2 records/s plus a named spike of 10 records/s
/// from 60 s to 70 s; batches of one record, no window, 100 ms per batch at 1 GB, one
/// poller: the consumer serves 10 records/s.
fn burst(spike: &str) -> Scenario {
    let yaml = format!(
        "name: burst
duration: 90s
topic: {{partitions: 1}}
producer: {{arrivals: deterministic, resolution: 10ms, rate: [{{constant: 2}}, {spike}]}}
esm: {{batch_size: 1, batching_window: 0s, scaler: {{policy: fixed, pollers: 1}}}}
function: {{memory: 1024, duration: {{per_batch: 100ms}}}}
"
    );
    from_yaml_str(&yaml, std::path::Path::new("."), &[]).expect("the burst scenario is valid")
}

#[test]
fn a_named_spike_drains_when_the_lag_is_back_to_its_level_before() {
    let scenario = burst("{spike: {name: burst, at: 60s, duration: 10s, rate: 10}}");
    let mut result = Simulation::new(&scenario).run(&mut |_| {});
    // Before the spike a record arrives every 0.5 s, on the sample times, and is in
    // flight when the sample is taken: lag 1. During it 12 records/s arrive and 10 are
    // served, so 20 wait at 70 s (21 with the one in flight), the oldest for 2 s; then
    // the backlog falls by 8 records/s and is back to 1 by the sample at 73 s.
    let e = &result.summary.events[0];
    assert_eq!(
        (e.name.as_str(), e.start_s, e.settled_s, e.expected_records),
        ("burst", 60.0, 70.0, 100.0)
    );
    assert_eq!((e.lag_before, e.peak_lag, e.peak_age_s), (1, 21, 2.0));
    assert_eq!((e.drained_at_s, e.drain_s), (Some(73.0), Some(13.0)));
    assert_eq!((e.extra_records, e.extra_cost_usd), (None, None));

    // The same run without the spike: 100 records fewer, each one invocation of 100 ms
    // at 1 GB ($0.20 per million requests, $0.0000166667 per GB-s).
    measure_events(&scenario, &mut result.summary, &mut |_| {});
    let e = &result.summary.events[0];
    assert_eq!(e.extra_records, Some(100));
    let per_invocation = 0.20e-6 + 0.1 * 0.000_016_666_7;
    let extra = e.extra_cost_usd.unwrap();
    assert!((extra - 100.0 * per_invocation).abs() < 1e-15, "{extra}");
}

#[test]
fn a_lasting_step_beyond_capacity_never_drains_and_unnamed_shapes_are_not_events() {
    let scenario = burst("{step: {name: launch, at: 30s, rate: 9}}");
    let result = Simulation::new(&scenario).run(&mut |_| {});
    let e = &result.summary.events[0];
    // 11 records/s against 10 served: the lag grows by one a second from 30 s on.
    assert_eq!((e.settled_s, e.expected_records), (30.0, 540.0));
    assert_eq!(e.drain_s, None);
    assert_eq!(e.peak_lag, result.rows.last().unwrap().lag);
    let unnamed = burst("{spike: {at: 60s, duration: 10s, rate: 10}}");
    assert!(
        Simulation::new(&unnamed)
            .run(&mut |_| {})
            .summary
            .events
            .is_empty()
    );
}

#[test]
fn event_names_are_checked_and_unique() {
    let bad = [
        (
            "[{spike: {name: a b, at: 1s, duration: 1s, rate: 1}}]",
            "producer.rate[0].spike.name",
        ),
        (
            "[{spike: {name: x, at: 1s, duration: 1s, rate: 1}}, {step: {name: x, at: 2s, rate: 1}}]",
            "producer.rate[1].step.name",
        ),
    ];
    for (rate, field) in bad {
        let yaml = format!(
            "name: n\nduration: 1m\ntopic: {{partitions: 1}}\nproducer: {{rate: {rate}}}\nfunction: {{memory: 128}}\n"
        );
        let err = from_yaml_str(&yaml, std::path::Path::new("."), &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains(field), "{err}");
    }
}
