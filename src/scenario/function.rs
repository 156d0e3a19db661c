//! `function:`: the Lambda function's memory, architecture, timeout and handler time
//! model. Raw form, resolved form, defaults, checks and `explain` inverse.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::cold_start::{self, ColdStart, RawColdStart};
use super::concurrency::{self, Concurrency, RawConcurrency};
use super::errors::{self, FunctionErrors, RawFunctionErrors};
use super::locate::FieldPath;
use super::resolve::{Context, MAX_RUN, Result};
use super::units::DurationValue;
use crate::engine::time::SimDuration;

/// Function memory (MB) when the scenario gives none (AWS default).
pub const DEFAULT_MEMORY: i64 = 128;
/// Smallest function memory AWS accepts (MB).
pub const MIN_MEMORY: i64 = 128;
/// Largest function memory AWS accepts (MB).
pub const MAX_MEMORY: i64 = 10_240;
/// Invocation timeout when the scenario gives none (AWS default).
pub const DEFAULT_TIMEOUT: SimDuration = SimDuration::from_secs(3);
/// Longest timeout AWS accepts for a function behind a Kafka event source mapping.
pub const MAX_TIMEOUT: SimDuration = SimDuration::from_secs(840);
/// Share of the handler time that scales with vCPUs when the scenario gives none.
pub const DEFAULT_CPU_BOUND: f64 = 0.0;
/// Handler threads when the scenario gives none.
pub const DEFAULT_THREADS: i64 = 1;
/// Most handler threads that can help: the 6 vCPUs of the largest function (AWS fact).
pub const MAX_THREADS: i64 = 6;

/// The manifest's assumptions about the function.
pub(crate) fn assumptions() -> Vec<String> {
    [
        vec!["function.duration: handler time model (per batch, per record, per KiB, CPU-bound share scaling with vCPUs) is the user's measurement".to_string()],
        concurrency::assumptions(),
        cold_start::assumptions(),
    ]
    .concat()
}

/// The Lambda function.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Function {
    /// Memory in MB (128 ..= 10,240).
    pub memory: u32,
    /// Instruction set architecture (prices differ).
    pub architecture: Architecture,
    /// Invocation timeout (default 3 s, at most 840 s for Kafka).
    pub timeout: SimDuration,
    /// How long one invocation takes.
    pub duration: DurationModel,
    /// How often it fails (default: only by timing out).
    #[serde(skip_serializing_if = "FunctionErrors::is_none")]
    pub errors: FunctionErrors,
    /// Concurrency limit, scaling rate and throttle backoff (AWS defaults; left out of
    /// the manifest while at them).
    #[serde(skip_serializing_if = "Concurrency::is_default")]
    pub concurrency: Concurrency,
    /// Execution environments and cold starts (`None`: not modelled, no init ever).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cold_start: Option<ColdStart>,
}

/// Lambda architecture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Architecture {
    /// Intel/AMD.
    X86_64,
    /// Graviton.
    Arm64,
}

/// Handler time of one invocation, as measured at `reference_memory`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DurationModel {
    /// Memory (MB) at which the times below were measured (default: the function memory).
    pub reference_memory: u32,
    /// Fixed time per invocation.
    pub per_batch: SimDuration,
    /// Time per record in the batch.
    pub per_record: SimDuration,
    /// Time per KiB of record bytes in the batch.
    pub per_kib: SimDuration,
    /// Share of the time (0 ..= 1) that scales with vCPUs.
    pub cpu_bound: f64,
    /// Threads the handler uses; vCPUs beyond this do not help.
    pub threads: u32,
    /// Multiplicative random factor with mean 1.
    pub jitter: Jitter,
}

/// Multiplicative random factor on the handler time, mean 1.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Jitter {
    /// Always 1.
    Fixed,
    /// Exponential with mean 1.
    Exponential,
    /// Lognormal with mean 1 and the given sigma of the underlying normal.
    Lognormal {
        /// Sigma of ln(factor).
        sigma: f64,
    },
}

/// `function:`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFunction {
    /// Memory in MB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<i64>,
    /// `x86_64` or `arm64`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub architecture: Option<RawArchitecture>,
    /// Invocation timeout.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<DurationValue>,
    /// Handler time model (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<RawDurationModel>,
    /// Failure model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<RawFunctionErrors>,
    /// Concurrency limit and throttling.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<RawConcurrency>,
    /// Execution environments and cold starts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cold_start: Option<RawColdStart>,
}

/// `function.architecture`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RawArchitecture {
    /// Intel/AMD.
    X86_64,
    /// Graviton.
    Arm64,
}

/// `function.duration`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDurationModel {
    /// Memory the times were measured at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_memory: Option<i64>,
    /// Time per invocation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_batch: Option<DurationValue>,
    /// Time per record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_record: Option<DurationValue>,
    /// Time per KiB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_kib: Option<DurationValue>,
    /// CPU-bound share.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_bound: Option<f64>,
    /// Handler threads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threads: Option<i64>,
    /// Random factor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jitter: Option<RawJitter>,
}

/// `function.duration.jitter`: `fixed`, `exponential`, `{lognormal: {sigma}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RawJitter {
    /// No jitter.
    Fixed,
    /// Exponential, mean 1.
    Exponential,
    /// Lognormal, mean 1.
    Lognormal {
        /// Sigma of ln(factor).
        sigma: f64,
    },
}

/// Durations are measured at some memory size; when the file does not say which, it is
/// the memory the file gives the function. Pinning it before overrides makes
/// `--set function.memory=2048` (or a sweep over memory) mean "the same handler with
/// more memory" instead of silently moving the measurement along.
pub(crate) fn pin_reference_memory(raw: &mut RawFunction) {
    let memory = raw.memory.unwrap_or(DEFAULT_MEMORY);
    if let Some(duration) = raw.duration.as_mut() {
        duration.reference_memory.get_or_insert(memory);
    }
}

/// Resolves `function:` (required) for a topic of `partitions` partitions.
pub(crate) fn resolve(
    raw: Option<&RawFunction>,
    cx: &Context<'_>,
    partitions: u32,
) -> Result<Function> {
    let base = FieldPath::root("function");
    let Some(f) = raw else {
        return Err(cx.missing(
            &base,
            "a block with at least `duration` (the handler time model)",
        ));
    };
    let memory = cx.int(
        &base.key("memory"),
        f.memory,
        DEFAULT_MEMORY,
        MIN_MEMORY,
        MAX_MEMORY,
    )? as u32;
    let architecture = match f.architecture {
        None | Some(RawArchitecture::X86_64) => Architecture::X86_64,
        Some(RawArchitecture::Arm64) => Architecture::Arm64,
    };
    let timeout = cx.duration(
        &base.key("timeout"),
        f.timeout.as_ref(),
        DEFAULT_TIMEOUT,
        SimDuration::from_millis(1),
        MAX_TIMEOUT,
    )?;
    let duration = resolve_duration_model(f.duration.as_ref(), &base.key("duration"), cx, memory)?;
    let errors = errors::resolve(f.errors.as_ref(), &base.key("errors"), cx, partitions)?;
    let concurrency = concurrency::resolve(f.concurrency.as_ref(), &base.key("concurrency"), cx)?;
    let cold_start = cold_start::resolve(
        f.cold_start.as_ref(),
        &base.key("cold_start"),
        cx,
        concurrency.reserved,
        concurrency.account_limit,
    )?;
    Ok(Function {
        memory,
        architecture,
        timeout,
        duration,
        errors,
        concurrency,
        cold_start,
    })
}

fn resolve_duration_model(
    raw: Option<&RawDurationModel>,
    p_dur: &FieldPath,
    cx: &Context<'_>,
    memory: u32,
) -> Result<DurationModel> {
    let Some(d) = raw else {
        return Err(cx.missing(
            p_dur,
            "a block with at least one of `per_batch`, `per_record`, `per_kib` (e.g. `{per_batch: 20ms, per_record: 0.5ms}`)",
        ));
    };
    let reference_memory = cx.int(
        &p_dur.key("reference_memory"),
        d.reference_memory,
        i64::from(memory),
        MIN_MEMORY,
        MAX_MEMORY,
    )? as u32;
    let any = |key: &str, v: Option<&DurationValue>| {
        cx.duration(
            &p_dur.key(key),
            v,
            SimDuration::ZERO,
            SimDuration::ZERO,
            MAX_RUN,
        )
    };
    let per_batch = any("per_batch", d.per_batch.as_ref())?;
    let per_record = any("per_record", d.per_record.as_ref())?;
    let per_kib = any("per_kib", d.per_kib.as_ref())?;
    if per_batch == SimDuration::ZERO
        && per_record == SimDuration::ZERO
        && per_kib == SimDuration::ZERO
    {
        return Err(cx.invalid(
            p_dur,
            "a model where `per_batch`, `per_record` and `per_kib` are all 0",
            "a model where at least one of them is > 0 (an invocation cannot take no time)",
        ));
    }
    let cpu_bound = cx.float(
        &p_dur.key("cpu_bound"),
        d.cpu_bound,
        DEFAULT_CPU_BOUND,
        |x| (0.0..=1.0).contains(&x),
        "a share from 0 to 1",
    )?;
    let threads = cx.int(
        &p_dur.key("threads"),
        d.threads,
        DEFAULT_THREADS,
        1,
        MAX_THREADS,
    )? as u32;
    let jitter = match &d.jitter {
        None | Some(RawJitter::Fixed) => Jitter::Fixed,
        Some(RawJitter::Exponential) => Jitter::Exponential,
        Some(RawJitter::Lognormal { sigma }) => Jitter::Lognormal {
            sigma: cx.check_float(
                &p_dur.key("jitter").key("lognormal").key("sigma"),
                *sigma,
                |x| (0.0..=3.0).contains(&x),
                "a number from 0 to 3",
            )?,
        },
    };
    Ok(DurationModel {
        reference_memory,
        per_batch,
        per_record,
        per_kib,
        cpu_bound,
        threads,
        jitter,
    })
}

/// The `explain` inverse: the resolved function with every field written out.
pub(crate) fn to_raw(f: &Function) -> RawFunction {
    let d = &f.duration;
    RawFunction {
        memory: Some(i64::from(f.memory)),
        architecture: Some(match f.architecture {
            Architecture::X86_64 => RawArchitecture::X86_64,
            Architecture::Arm64 => RawArchitecture::Arm64,
        }),
        timeout: Some(DurationValue::new(f.timeout)),
        duration: Some(RawDurationModel {
            reference_memory: Some(i64::from(d.reference_memory)),
            per_batch: Some(DurationValue::new(d.per_batch)),
            per_record: Some(DurationValue::new(d.per_record)),
            per_kib: Some(DurationValue::new(d.per_kib)),
            cpu_bound: Some(d.cpu_bound),
            threads: Some(i64::from(d.threads)),
            jitter: Some(match d.jitter {
                Jitter::Fixed => RawJitter::Fixed,
                Jitter::Exponential => RawJitter::Exponential,
                Jitter::Lognormal { sigma } => RawJitter::Lognormal { sigma },
            }),
        }),
        errors: Some(errors::to_raw(&f.errors)),
        concurrency: concurrency::to_raw(&f.concurrency),
        cold_start: f.cold_start.as_ref().map(cold_start::to_raw),
    }
}
