//! `esmsim import` on the fixtures in `tests/fixtures/import/`: every field mapped, the
//! result resolves, placeholders are listed together, bad documents are named.

use std::path::Path;

use serde_json::Value;

use super::*;
use crate::scenario::load::{from_yaml_str, to_yaml};

fn fixture(name: &str) -> Input {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name);
    Input {
        file: name.to_string(),
        text: std::fs::read_to_string(path).expect("fixture"),
    }
}

fn inputs(esm: &str, function: &str) -> Inputs {
    Inputs {
        esm: fixture(esm),
        function: fixture(function),
        concurrency: None,
        rate: None,
        duration: None,
    }
}

fn options() -> Options {
    Options {
        trace_file: "t-rate.csv".into(),
        ..Options::default()
    }
}

/// The imported scenario resolved (the trace written next to it) and printed by
/// `explain`, as a JSON tree.
fn resolved(imported: &Imported, overrides: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    if let Some(csv) = &imported.trace {
        std::fs::write(dir.path().join("t-rate.csv"), csv).unwrap();
    }
    let overrides: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    let s = from_yaml_str(&imported.yaml, dir.path(), &overrides)
        .unwrap_or_else(|e| panic!("{e}\n{}", imported.yaml));
    serde_saphyr::from_str(&to_yaml(&s)).unwrap()
}

fn at<'a>(v: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(v, |v, k| match k.parse::<usize>() {
        Ok(i) => &v[i],
        Err(_) => &v[k],
    })
}

#[test]
fn an_msk_on_demand_mapping_maps_every_field() {
    let mut i = inputs("msk-on-demand-esm.json", "function-x86.json");
    i.concurrency = Some(fixture("concurrency.json"));
    i.rate = Some(fixture("msk-messages-in.json"));
    i.duration = Some(fixture("lambda-duration.json"));
    let o = Options {
        partitions: Some(12),
        record_size: Some("1KiB".into()),
        filter_match: vec![0.25],
        ..options()
    };
    let imported = import(&i, &o).unwrap();
    assert_eq!(imported.name, "orders");
    assert!(
        imported.placeholders.is_empty(),
        "{:?}",
        imported.placeholders
    );
    let csv = imported.trace.as_deref().unwrap();
    // MessagesInPerSec 1200/s over 60 s periods: 72,000 records in the first row.
    assert!(
        csv.starts_with("timestamp,value\n2026-11-02 09:00:00,72000\n2026-11-02 09:01:00,75000\n")
    );
    assert_eq!(csv.lines().count(), 13);
    let v = resolved(&imported, &[]);
    let expect = [
        ("start_at", "\"2026-11-02T09:00:00Z\""),
        ("duration", "\"12m\""),
        ("topic.partitions", "12"),
        ("topic.starting_position", "\"latest\""),
        ("producer.record_size", "\"1KiB\""),
        ("esm.batch_size", "500"),
        ("esm.batching_window", "\"1s\""),
        ("esm.mode", "\"on_demand\""),
        ("esm.filter.filters.0.match", "0.25"),
        ("function.memory", "1024"),
        ("function.timeout", "\"1m\""),
        ("function.architecture", "\"x86_64\""),
        ("function.cold_start.init.runtime", "\"python\""),
        ("function.concurrency.reserved", "50"),
        ("function.duration.per_batch", "\"55ms 980us\""),
        ("function.duration.jitter.lognormal.sigma", "0.665"),
    ];
    for (path, value) in expect {
        assert_eq!(at(&v, path).to_string(), value, "{path}");
    }
    assert!(at(&v, "esm.on_failure").is_null() || at(&v, "esm.on_failure.destination") == "none");
    // Every field not mapped is listed, none silently dropped.
    for field in [
        "mapping: State = \"Enabled\"",
        "mapping: AmazonManagedKafkaEventSourceConfig = {…}",
        "function: Environment = {…}",
        "function: Handler = \"app.handler\"",
    ] {
        assert!(
            imported.not_imported.iter().any(|n| n.starts_with(field))
                || imported.yaml.contains(field),
            "{field}"
        );
    }
}

#[test]
fn a_self_managed_provisioned_mapping_maps_retries_and_its_sqs_destination() {
    let imported = import(
        &inputs("self-managed-provisioned-esm.json", "function-arm64.json"),
        &Options {
            partitions: Some(8),
            record_size: Some("2KiB".into()),
            rate_constant: Some(500.0),
            ..options()
        },
    )
    .unwrap();
    assert_eq!(imported.name, "payments");
    assert_eq!(imported.placeholders, ["function.duration.per_batch"]);
    let v = resolved(&imported, &["function.duration.per_batch=20ms"]);
    let expect = [
        ("duration", "\"1h\""),
        ("topic.partitions", "8"),
        ("topic.starting_position", "\"trim_horizon\""),
        ("producer.rate.0.constant", "500.0"),
        ("esm.batch_size", "100"),
        ("esm.batching_window", "\"0s\""),
        ("esm.mode", "\"provisioned\""),
        ("esm.provisioned.min_pollers", "2"),
        ("esm.provisioned.max_pollers", "8"),
        ("esm.on_failure.max_retry_attempts", "3"),
        ("esm.on_failure.max_record_age", "\"1h\""),
        ("esm.on_failure.bisect_batch", "true"),
        ("esm.on_failure.report_batch_item_failures", "true"),
        ("esm.on_failure.destination", "\"sqs\""),
        ("function.memory", "2048"),
        ("function.timeout", "\"2m\""),
        ("function.architecture", "\"arm64\""),
        ("function.cold_start.init.runtime", "\"java_snapstart\""),
    ];
    for (path, value) in expect {
        assert_eq!(at(&v, path).to_string(), value, "{path}");
    }
    assert!(imported.yaml.contains("mapping: ParallelizationFactor = 1"));
    assert!(
        imported
            .yaml
            .contains("mapping: SourceAccessConfigurations = […]")
    );
}

#[test]
fn what_aws_cannot_tell_becomes_placeholders_that_check_lists_together() {
    let imported = import(
        &inputs("self-managed-provisioned-esm.json", "function-arm64.json"),
        &options(),
    )
    .unwrap();
    assert_eq!(
        imported.placeholders,
        [
            "topic.partitions",
            "producer.record_size",
            "producer.rate",
            "function.duration.per_batch"
        ]
    );
    let err = from_yaml_str(&imported.yaml, Path::new("."), &[])
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("4 placeholders to fill in before the scenario can run"),
        "{err}"
    );
    for (field, line) in [
        ("topic.partitions", 9),
        ("producer.record_size", 12),
        ("producer.rate", 13),
        ("function.duration.per_batch", 34),
    ] {
        assert!(
            err.contains(&format!("  - {field} (line {line}): ")),
            "{field}\n{err}\n{}",
            imported.yaml
        );
    }
    // Filled by --set, it resolves.
    let v = resolved(
        &imported,
        &[
            "topic.partitions=4",
            "producer.record_size=1KiB",
            "producer.rate=[{constant: 100}]",
            "function.duration.per_batch=5ms",
        ],
    );
    assert_eq!(at(&v, "topic.partitions").to_string(), "4");
}

#[test]
fn a_filter_without_a_share_is_a_placeholder() {
    let imported = import(
        &inputs("msk-on-demand-esm.json", "function-x86.json"),
        &Options {
            partitions: Some(2),
            record_size: Some("1KiB".into()),
            rate_constant: Some(10.0),
            ..options()
        },
    )
    .unwrap();
    assert_eq!(
        imported.placeholders,
        ["esm.filter.filters[0].match", "function.duration.per_batch"]
    );
    assert!(
        imported
            .yaml
            .contains(r#"# Pattern {"value": {"type": ["order_placed"]}}"#)
    );
    let err = import(
        &inputs("msk-on-demand-esm.json", "function-x86.json"),
        &Options {
            filter_match: vec![0.1, 0.2],
            ..options()
        },
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "--filter-match: 2 given, but the mapping has 1 filter pattern(s); give one share per pattern, in order"
    );
}

#[test]
fn bad_json_and_the_wrong_document_are_named() {
    let mut i = inputs("msk-on-demand-esm.json", "function-x86.json");
    i.esm = fixture("function-x86.json");
    assert_eq!(
        import(&i, &options()).unwrap_err().to_string(),
        "function-x86.json: expected what `aws lambda get-event-source-mapping` prints, but this is what `aws lambda get-function-configuration` prints"
    );
    let mut i = inputs("msk-on-demand-esm.json", "msk-on-demand-esm.json");
    assert_eq!(
        import(&i, &options()).unwrap_err().to_string(),
        "msk-on-demand-esm.json: expected what `aws lambda get-function-configuration` prints, but this is what `aws lambda get-event-source-mapping` prints"
    );
    i.function = Input {
        file: "f.json".into(),
        text: "{\"MemorySize\": 1024,".into(),
    };
    let err = import(&i, &options()).unwrap_err().to_string();
    assert!(
        err.starts_with(
            "f.json: not JSON (expected what `aws lambda get-function-configuration` prints): "
        ),
        "{err}"
    );
    i.function = Input {
        file: "f.json".into(),
        text: "{\"MemorySize\": \"big\"}".into(),
    };
    assert_eq!(
        import(&i, &options()).unwrap_err().to_string(),
        "f.json: `MemorySize` is \"big\", but it must be a whole number"
    );
    let mut i = inputs("msk-on-demand-esm.json", "function-x86.json");
    i.rate = Some(fixture("lambda-duration.json"));
    assert_eq!(
        import(&i, &options()).unwrap_err().to_string(),
        "lambda-duration.json: expected one series (the producer's rate), found 2: 'Duration p50', 'Duration p99'"
    );
}

#[test]
fn destinations_units_and_durations() {
    assert_eq!(
        destination_kind_of("arn:aws:sqs:us-east-1:1:q"),
        Some("sqs")
    );
    assert_eq!(
        destination_kind_of("arn:aws:sns:us-east-1:1:t"),
        Some("sns")
    );
    assert_eq!(destination_kind_of("arn:aws:s3:::bucket"), Some("s3"));
    assert_eq!(
        destination_kind_of("arn:aws-cn:kafka:cn-north-1:1:cluster/c/u"),
        Some("kafka")
    );
    assert_eq!(destination_kind_of("kafka://failed-orders"), Some("kafka"));
    assert_eq!(
        destination_kind_of("arn:aws:lambda:us-east-1:1:function:f"),
        None
    );
    let series = |label: &str| crate::calibrate::observed::AnySeries {
        id: "m1".into(),
        label: label.into(),
        points: Vec::new(),
        period_s: None,
    };
    assert_eq!(
        metrics::rate_unit(&series("MessagesInPerSec")),
        RateUnit::RecordsPerSec
    );
    assert_eq!(
        metrics::rate_unit(&series("BytesInPerSec")),
        RateUnit::BytesPerSec
    );
    assert_eq!(
        metrics::rate_unit(&series("RecordsProduced")),
        RateUnit::Records
    );
    assert_eq!(seconds_text(0), "0s");
    assert_eq!(seconds_text(90), "90s");
    assert_eq!(seconds_text(3600), "1h");
    assert_eq!(scenario_name("orders.v2/eu"), "orders.v2-eu");
}

fn destination_kind_of(arn: &str) -> Option<&'static str> {
    mapping::destination_kind(arn)
}

#[test]
fn a_bytes_rate_needs_the_record_size_and_becomes_the_trace_scale() {
    let text = fixture("msk-messages-in.json")
        .text
        .replace("MessagesInPerSec", "BytesInPerSec");
    let mut i = inputs("msk-on-demand-esm.json", "function-x86.json");
    i.rate = Some(Input {
        file: "bytes.json".into(),
        text,
    });
    let err = import(&i, &options()).unwrap_err().to_string();
    assert!(
        err.starts_with("--record-size: series 'BytesInPerSec' of bytes.json counts bytes"),
        "{err}"
    );
    let imported = import(
        &i,
        &Options {
            record_size: Some("2KiB".into()),
            ..options()
        },
    )
    .unwrap();
    assert!(
        imported
            .yaml
            .contains("- trace: {file: t-rate.csv, scale: 0.00048828125}"),
        "{}",
        imported.yaml
    );
}
