//! `aws lambda get-event-source-mapping` → `topic` and `esm`.
//!
//! | AWS field | scenario field |
//! |---|---|
//! | `BatchSize` | `esm.batch_size` |
//! | `MaximumBatchingWindowInSeconds` | `esm.batching_window` |
//! | `ProvisionedPollerConfig.{MinimumPollers,MaximumPollers}` | `esm.mode: provisioned`, `esm.provisioned.{min,max}_pollers` |
//! | `MaximumRetryAttempts`, `MaximumRecordAgeInSeconds`, `BisectBatchOnFunctionError`, `FunctionResponseTypes`, `DestinationConfig.OnFailure.Destination` | `esm.on_failure.*` |
//! | `StartingPosition` | `topic.starting_position` |
//! | `FilterCriteria.Filters[].Pattern` | `esm.filter.filters[].match` (a share: from `--filter-match` or a placeholder) |
//! | `Topics`, `EventSourceArn`, `SelfManagedEventSource` | the name and the header |

use super::aws::{self, Doc, Kind};
use super::{Draft, ImportError, Input, Options, Section, quote, seconds_text};

/// Reads the mapping in `input` into `draft`: `topic` (partitions from `options`) and `esm`.
pub(crate) fn read(input: &Input, options: &Options, draft: &mut Draft) -> Result<(), ImportError> {
    let mut doc = Doc {
        file: input.file.clone(),
        rest: aws::read(&input.file, &input.text, Kind::Esm)?,
    };
    let uuid = doc.string("UUID")?;
    let topics = doc.strings("Topics")?;
    let source = match (
        doc.string("EventSourceArn")?,
        doc.object("SelfManagedEventSource")?,
    ) {
        (Some(arn), _) => format!("Amazon MSK {arn}"),
        (None, Some(mut sm)) => {
            let servers = sm
                .object("Endpoints")?
                .map(|mut e| e.strings("KAFKA_BOOTSTRAP_SERVERS"))
                .transpose()?
                .unwrap_or_default();
            format!("self-managed Kafka {}", servers.join(","))
        }
        (None, None) => "an unnamed event source".to_string(),
    };
    draft.header(format!(
        "Mapping: {} ({}), {} on {}",
        input.file,
        uuid.as_deref().unwrap_or("no UUID"),
        if topics.is_empty() {
            "no topic".to_string()
        } else {
            format!("topic {}", topics.join(", "))
        },
        aws::clip(&source, 160)
    ));
    if let Some(topic) = topics.first() {
        draft.name_hint(topic);
    }

    // topic
    match options.partitions {
        Some(n) => draft.line(
            Section::Topic,
            0,
            &format!("partitions: {n}"),
            "--partitions",
        ),
        None => {
            let v = draft.placeholder(
                "topic.partitions",
                "the topic's partition count; AWS's mapping does not report it: `kafka-topics.sh --describe --topic NAME`, or import again with --partitions N",
            );
            draft.line(
                Section::Topic,
                0,
                &format!("partitions: {v}"),
                "PLACEHOLDER",
            );
        }
    }
    if let Some(position) = doc.string("StartingPosition")? {
        let (value, comment) = match position.as_str() {
            "TRIM_HORIZON" => ("trim_horizon", "StartingPosition TRIM_HORIZON".to_string()),
            "LATEST" => ("latest", "StartingPosition LATEST".to_string()),
            other => (
                "trim_horizon",
                format!(
                    "StartingPosition {other} is not simulated: read from the oldest record (set topic.initial_backlog to the records after the timestamp)"
                ),
            ),
        };
        draft.line(
            Section::Topic,
            0,
            &format!("starting_position: {value}"),
            &comment,
        );
    }

    // esm: batching
    if let Some(n) = doc.int("BatchSize")? {
        draft.line(Section::Esm, 0, &format!("batch_size: {n}"), "BatchSize");
    }
    if let Some(s) = doc.int("MaximumBatchingWindowInSeconds")? {
        draft.line(
            Section::Esm,
            0,
            &format!("batching_window: {}", seconds_text(s)),
            "MaximumBatchingWindowInSeconds",
        );
    }

    // esm: mode
    let provisioned = match doc.object("ProvisionedPollerConfig")? {
        Some(mut p) => {
            let min = p.int("MinimumPollers")?;
            let max = p.int("MaximumPollers")?;
            draft.line(
                Section::Esm,
                0,
                "mode: provisioned",
                "ProvisionedPollerConfig",
            );
            draft.line(Section::Esm, 0, "provisioned:", "");
            if let Some(min) = min {
                draft.line(
                    Section::Esm,
                    1,
                    &format!("min_pollers: {min}"),
                    "MinimumPollers",
                );
            }
            if let Some(max) = max {
                draft.line(
                    Section::Esm,
                    1,
                    &format!("max_pollers: {max}"),
                    "MaximumPollers",
                );
            }
            draft.not_imported(p.leftovers("mapping: ProvisionedPollerConfig."));
            true
        }
        None => {
            draft.line(
                Section::Esm,
                0,
                "mode: on_demand",
                "no ProvisionedPollerConfig",
            );
            false
        }
    };

    // esm: on_failure (only values other than AWS's defaults, which are esmsim's)
    let mut on_failure: Vec<(String, String)> = Vec::new();
    match doc.int("MaximumRetryAttempts")? {
        Some(-1) | None => {}
        Some(n) => on_failure.push((
            format!("max_retry_attempts: {n}"),
            "MaximumRetryAttempts".into(),
        )),
    }
    match doc.int("MaximumRecordAgeInSeconds")? {
        Some(-1) | None => {}
        Some(s) => on_failure.push((
            format!("max_record_age: {}", seconds_text(s)),
            "MaximumRecordAgeInSeconds".into(),
        )),
    }
    if doc.bool("BisectBatchOnFunctionError")? == Some(true) {
        on_failure.push((
            "bisect_batch: true".into(),
            "BisectBatchOnFunctionError".into(),
        ));
    }
    let responses = doc.strings("FunctionResponseTypes")?;
    for r in &responses {
        if r == "ReportBatchItemFailures" {
            on_failure.push((
                "report_batch_item_failures: true".into(),
                "FunctionResponseTypes ReportBatchItemFailures".into(),
            ));
        } else {
            draft.not_imported(vec![format!(
                "mapping: FunctionResponseTypes = {}",
                quote(r)
            )]);
        }
    }
    if let Some(mut config) = doc.object("DestinationConfig")? {
        if let Some(mut failure) = config.object("OnFailure")? {
            if let Some(arn) = failure.string("Destination")? {
                let kind = destination_kind(&arn)
                    .ok_or_else(|| failure.invalid("DestinationConfig.OnFailure.Destination", &arn, "the ARN of an SQS queue, SNS topic, S3 bucket or Kafka cluster (or kafka://TOPIC)"))?;
                on_failure.push((
                    format!("destination: {kind}"),
                    format!("DestinationConfig.OnFailure {}", aws::clip(&arn, 100)),
                ));
            }
            draft.not_imported(failure.leftovers("mapping: DestinationConfig.OnFailure."));
        }
        draft.not_imported(config.leftovers("mapping: DestinationConfig."));
    }
    if !on_failure.is_empty() {
        draft.line(Section::Esm, 0, "on_failure:", "");
        for (text, comment) in &on_failure {
            draft.line(Section::Esm, 1, text, comment);
        }
        if !provisioned {
            draft.line(
                Section::Esm,
                1,
                "allow_in_on_demand: true",
                "AWS reports these controls on an on-demand mapping; esmsim allows them there only as a what-if",
            );
        }
    }

    // esm: filter
    let patterns = match doc.object("FilterCriteria")? {
        Some(mut criteria) => {
            let patterns = filter_patterns(&mut criteria)?;
            draft.not_imported(criteria.leftovers("mapping: FilterCriteria."));
            patterns
        }
        None => Vec::new(),
    };
    if options.filter_match.len() > patterns.len() {
        return Err(ImportError::Flag {
            flag: "--filter-match",
            message: format!(
                "{} given, but the mapping has {} filter pattern(s); give one share per pattern, in order",
                options.filter_match.len(),
                patterns.len()
            ),
        });
    }
    if !patterns.is_empty() {
        draft.line(Section::Esm, 0, "filter:", "FilterCriteria");
        if patterns.len() > 5 {
            draft.line(Section::Esm, 1, "quota_raised: true", "more than 5 filters");
        }
        draft.line(Section::Esm, 1, "filters:", "");
    }
    for (i, pattern) in patterns.iter().enumerate() {
        let value = match options.filter_match.get(i) {
            Some(share) => share.to_string(),
            None => draft.placeholder(
                &format!("esm.filter.filters[{i}].match"),
                "the share (0 to 1) of records this filter pattern matches; esmsim has no record contents: measure it, or import again with --filter-match SHARE",
            ),
        };
        draft.line(
            Section::Esm,
            2,
            &format!("- match: {value}"),
            &format!("Pattern {}", aws::clip(pattern, 150)),
        );
    }
    draft.not_imported(doc.leftovers("mapping: "));
    Ok(())
}

/// The patterns of `FilterCriteria.Filters`.
fn filter_patterns(criteria: &mut Doc) -> Result<Vec<String>, ImportError> {
    let Some(filters) = criteria.take("Filters") else {
        return Ok(Vec::new());
    };
    let bad = |v: &serde_json::Value| {
        criteria.invalid(
            "FilterCriteria.Filters",
            &v.to_string(),
            "a list of {\"Pattern\": \"...\"}",
        )
    };
    let serde_json::Value::Array(items) = &filters else {
        return Err(bad(&filters));
    };
    items
        .iter()
        .map(|f| {
            f.get("Pattern")
                .and_then(|p| p.as_str())
                .map(str::to_string)
                .ok_or_else(|| bad(f))
        })
        .collect()
}

/// The `esm.on_failure.destination` of an on-failure destination ARN: the ARN's service.
pub fn destination_kind(arn: &str) -> Option<&'static str> {
    if arn.starts_with("kafka://") {
        return Some("kafka");
    }
    let mut parts = arn.split(':');
    if parts.next() != Some("arn") {
        return None;
    }
    let _partition = parts.next()?;
    match parts.next()? {
        "sqs" => Some("sqs"),
        "sns" => Some("sns"),
        "s3" => Some("s3"),
        "kafka" => Some("kafka"),
        _ => None,
    }
}
