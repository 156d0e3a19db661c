//! The public entry points: load a scenario file, print a resolved one, hash one.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::error::ScenarioError;
use super::overrides;
use super::raw::*;
use super::resolve::{Context, resolve_with};
use super::units::{DurationValue, SizeValue};
use super::*;

/// Reads, overrides and resolves the scenario file at `path`.
///
/// `overrides` are `--set path=value` texts, applied in order. Relative trace files
/// resolve against the folder of `path`. Errors name the file.
pub fn load(path: &Path, overrides: &[String]) -> Result<Scenario, ScenarioError> {
    let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let base_dir = path.parent().unwrap_or(Path::new("."));
    from_yaml_str(&text, base_dir, overrides).map_err(|e| e.in_file(path.to_path_buf()))
}

/// Parses, overrides and resolves scenario YAML; relative trace files resolve against
/// `base_dir`.
pub fn from_yaml_str(
    text: &str,
    base_dir: &Path,
    overrides: &[String],
) -> Result<Scenario, ScenarioError> {
    if text.trim().is_empty()
        || text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Err(ScenarioError::Yaml {
            message: "the scenario is empty; it needs at least `name`, `duration`, `topic`, `producer` and `function`".to_string(),
        });
    }
    let mut raw: RawScenario =
        serde_saphyr::from_str(text).map_err(|e| ScenarioError::from_yaml(&e))?;
    pin_reference_memory(&mut raw);
    let (raw, applied) = overrides::apply(&raw, overrides)?;
    resolve_with(
        &raw,
        &Context {
            source: Some(text),
            overrides: &applied,
            base_dir,
        },
    )
}

/// Durations are measured at some memory size; when the file does not say which, it is
/// the memory the file gives the function. Pinning it before overrides makes
/// `--set function.memory=2048` (or a sweep over memory) mean "the same handler with
/// more memory" instead of silently moving the measurement along.
fn pin_reference_memory(raw: &mut RawScenario) {
    if let Some(function) = raw.function.as_mut() {
        let memory = function.memory.unwrap_or(super::resolve::DEFAULT_MEMORY);
        if let Some(duration) = function.duration.as_mut() {
            duration.reference_memory.get_or_insert(memory);
        }
    }
}

/// The resolved scenario as YAML in the scenario format, every default written out.
///
/// [`from_yaml_str`] accepts the result again (with the same `base_dir` for trace files)
/// and gives back an equal scenario. Trace entries carry the file's `sha256`, so a
/// changed file is reported instead of silently replayed.
pub fn to_yaml(s: &Scenario) -> String {
    match serde_saphyr::to_string(&to_raw(s)) {
        Ok(text) => text,
        // The raw types only hold strings, numbers, booleans, lists and maps.
        Err(e) => format!("# cannot write the scenario as YAML: {e}\n"),
    }
}

impl Scenario {
    /// Hex SHA-256 of the canonical JSON of the resolved scenario (`serde_json::to_string`).
    ///
    /// Two runs with the same hash simulate the same thing (trace files enter through
    /// their own SHA-256).
    pub fn hash(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        Sha256::digest(json.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

fn dur(d: SimDuration) -> DurationValue {
    DurationValue::new(d)
}

fn size(b: u64) -> SizeValue {
    SizeValue::new(b)
}

fn int(n: impl Into<i64>) -> Option<i64> {
    Some(n.into())
}

/// Converts a resolved scenario back to the raw mirror, every field given.
pub fn to_raw(s: &Scenario) -> RawScenario {
    RawScenario {
        name: Some(s.name.clone()),
        seed: Some(s.seed),
        duration: Some(dur(s.duration)),
        sample_interval: Some(dur(s.sample_interval)),
        topic: Some(RawTopic {
            partitions: int(s.topic.partitions),
            keys: Some(match &s.topic.keys {
                KeyDistribution::Uniform => RawKeys::Uniform,
                KeyDistribution::Zipf(x) => RawKeys::Zipf(*x),
                KeyDistribution::Hot { partitions, factor } => RawKeys::Hot {
                    partitions: i64::from(*partitions),
                    factor: *factor,
                },
                KeyDistribution::Weights(w) => RawKeys::Weights(w.clone()),
            }),
            initial_backlog: Some(s.topic.initial_backlog.min(i64::MAX as u64) as i64),
        }),
        producer: Some(RawProducer {
            arrivals: Some(match s.producer.arrivals {
                ArrivalProcess::Poisson => RawArrivals::Poisson,
                ArrivalProcess::Deterministic => RawArrivals::Deterministic,
            }),
            record_size: Some(match s.producer.record_size {
                RecordSize::Fixed(b) => ScalarOr::Scalar(size(b)),
                RecordSize::Lognormal { median, p99 } => {
                    ScalarOr::Tagged(RawRecordSizeTagged::Lognormal {
                        median: size(median),
                        p99: size(p99),
                    })
                }
            }),
            resolution: Some(dur(s.producer.resolution)),
            rate: Some(s.producer.rate.iter().map(shape_to_raw).collect()),
        }),
        esm: Some(esm_to_raw(&s.esm)),
        function: Some(RawFunction {
            memory: int(s.function.memory),
            architecture: Some(match s.function.architecture {
                Architecture::X86_64 => RawArchitecture::X86_64,
                Architecture::Arm64 => RawArchitecture::Arm64,
            }),
            timeout: Some(dur(s.function.timeout)),
            duration: Some({
                let d = &s.function.duration;
                RawDurationModel {
                    reference_memory: int(d.reference_memory),
                    per_batch: Some(dur(d.per_batch)),
                    per_record: Some(dur(d.per_record)),
                    per_kib: Some(dur(d.per_kib)),
                    cpu_bound: Some(d.cpu_bound),
                    threads: int(d.threads),
                    jitter: Some(match d.jitter {
                        Jitter::Fixed => RawJitter::Fixed,
                        Jitter::Exponential => RawJitter::Exponential,
                        Jitter::Lognormal { sigma } => RawJitter::Lognormal { sigma },
                    }),
                }
            }),
        }),
        pricing: Some(RawPricing {
            request_per_million: Some(s.pricing.request_per_million),
            x86_64: Some(tiers_to_raw(&s.pricing.x86_64)),
            arm64: Some(tiers_to_raw(&s.pricing.arm64)),
            month_to_date_gb_s: Some(s.pricing.month_to_date_gb_s),
        }),
        slo: Some(RawSlo {
            max_age: s.slo.max_age.map(dur),
        }),
        outputs: Some(RawOutputs {
            partitions_csv: Some(s.outputs.partitions_csv),
            charts: Some(s.outputs.charts),
        }),
    }
}

fn shape_to_raw(shape: &RateShape) -> RawRateShape {
    match shape {
        RateShape::Constant(r) => RawRateShape::Constant(*r),
        RateShape::Step { at, rate } => RawRateShape::Step {
            at: dur(*at),
            rate: *rate,
        },
        RateShape::Spike { at, duration, rate } => RawRateShape::Spike {
            at: dur(*at),
            duration: dur(*duration),
            rate: *rate,
        },
        RateShape::Ramp {
            start,
            end,
            from,
            to,
        } => RawRateShape::Ramp {
            start: dur(*start),
            end: dur(*end),
            from: *from,
            to: *to,
        },
        RateShape::Diurnal {
            period,
            amplitude,
            peak_at,
        } => RawRateShape::Diurnal {
            period: dur(*period),
            amplitude: *amplitude,
            peak_at: Some(dur(*peak_at)),
        },
        RateShape::Points(points) => {
            RawRateShape::Points(points.iter().map(|&(t, r)| RawPoint(dur(t), r)).collect())
        }
        RateShape::Trace(t) => RawRateShape::Trace(RawTrace {
            file: t.file.clone(),
            scale: Some(t.scale),
            sha256: Some(t.sha256.clone()),
        }),
    }
}

fn esm_to_raw(e: &Esm) -> RawEsm {
    let scaler = match &e.scaler {
        Scaler::Fixed { pollers } => RawScaler {
            policy: Some(RawPolicy::Fixed),
            pollers: int(*pollers),
            ..RawScaler::default()
        },
        Scaler::Aws(a) => RawScaler {
            policy: Some(RawPolicy::Aws),
            pollers: None,
            initial_pollers: int(a.initial_pollers),
            max_pollers: int(a.max_pollers),
            evaluation_interval: Some(dur(a.evaluation_interval)),
            actuation_delay: Some(match a.actuation_delay {
                DelayDistribution::Fixed(d) => ScalarOr::Scalar(dur(d)),
                DelayDistribution::Uniform(lo, hi) => {
                    ScalarOr::Tagged(RawDelayTagged::Uniform(dur(lo), dur(hi)))
                }
            }),
            scale_out: Some(RawScaleOut {
                step: Some(match a.scale_out.step {
                    ScaleStep::Double => RawScaleStep::Double,
                    ScaleStep::Add(n) => RawScaleStep::Add(i64::from(n)),
                    ScaleStep::Multiply(f) => RawScaleStep::Multiply(f),
                    ScaleStep::ToMax => RawScaleStep::ToMax,
                }),
                min_lag: Some(a.scale_out.min_lag.min(i64::MAX as u64) as i64),
            }),
            scale_in: Some(RawScaleIn {
                cooldown: Some(dur(a.scale_in.cooldown)),
                after_evaluations: int(a.scale_in.after_evaluations),
                max_lag: Some(a.scale_in.max_lag.min(i64::MAX as u64) as i64),
            }),
        },
    };
    RawEsm {
        batch_size: int(e.batch_size),
        batching_window: Some(dur(e.batching_window)),
        max_payload: Some(size(e.max_payload_bytes)),
        payload_encoding_factor: Some(e.payload_encoding_factor),
        record_overhead: Some(size(e.record_overhead_bytes)),
        rebalance_pause: Some(dur(e.rebalance_pause)),
        poller: Some(RawPoller {
            max_bytes_per_s: Some(size(e.poller.max_bytes_per_s)),
            max_concurrent_invokes: int(e.poller.max_concurrent_invokes),
        }),
        scaler: Some(scaler),
    }
}

fn tiers_to_raw(tiers: &[PriceTier]) -> Vec<RawPriceTier> {
    tiers
        .iter()
        .map(|t| RawPriceTier {
            up_to_gb_s: t.up_to_gb_s,
            usd_per_gb_s: Some(t.usd_per_gb_s),
        })
        .collect()
}
