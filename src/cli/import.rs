//! `esmsim import`: read the AWS CLI's JSON files and write a scenario (and its rate
//! trace) built from them; the conversion is [`crate::import`].

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;

use crate::import::{self, Input, Inputs, Options, RateUnit};
use crate::output::write::write_atomic;

/// Arguments of `esmsim import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What `aws lambda get-event-source-mapping --uuid UUID` printed.
    #[arg(long, value_name = "FILE")]
    pub esm: PathBuf,
    /// What `aws lambda get-function-configuration --function-name NAME` printed.
    #[arg(long, value_name = "FILE")]
    pub function: PathBuf,
    /// What `aws lambda get-function-concurrency --function-name NAME` printed.
    #[arg(long, value_name = "FILE")]
    pub concurrency: Option<PathBuf>,
    /// A `aws cloudwatch get-metric-data` export of the producer's rate (one series, e.g.
    /// MSK MessagesInPerSec); becomes a trace CSV next to the scenario.
    #[arg(long, value_name = "FILE")]
    pub rate: Option<PathBuf>,
    /// What the rate export counts (default: from its label: `bytes` means bytes,
    /// `PerSec` a per-second rate, else a count per period).
    #[arg(long, value_name = "UNIT")]
    pub rate_unit: Option<RateUnit>,
    /// A `aws cloudwatch get-metric-data` export of Lambda Duration (p50 and p99, or the
    /// average); becomes the handler-time model.
    #[arg(long, value_name = "FILE")]
    pub duration_metric: Option<PathBuf>,
    /// The topic's partition count (AWS does not report it).
    #[arg(long, value_name = "N")]
    pub partitions: Option<u64>,
    /// The size of one record, e.g. `2KiB` (AWS does not report it).
    #[arg(long, value_name = "SIZE")]
    pub record_size: Option<String>,
    /// A constant producer rate in records/s, when there is no rate export.
    #[arg(long, value_name = "N")]
    pub rate_constant: Option<f64>,
    /// The share (0 to 1) of records each filter pattern matches, in order (repeatable).
    #[arg(long, value_name = "SHARE")]
    pub filter_match: Vec<f64>,
    /// The simulated time span when there is no rate export (default 1h).
    #[arg(long, value_name = "DURATION")]
    pub duration: Option<String>,
    /// Scenario name (default: the topic's name, else the function's).
    #[arg(long)]
    pub name: Option<String>,
    /// The scenario file to write (default `<name>.yaml`; `-` prints it, without a rate
    /// export).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace files that exist.
    #[arg(long)]
    pub force: bool,
}

fn input(path: &Path) -> anyhow::Result<Input> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(Input {
        file: path.display().to_string(),
        text,
    })
}

fn optional(path: Option<&PathBuf>) -> anyhow::Result<Option<Input>> {
    path.map(|p| input(p)).transpose()
}

/// The trace file's name for the scenario `out`: `<stem>-rate.csv`.
fn trace_name(out: &Path, name: &str) -> String {
    let stem = out
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| !s.is_empty() && *s != "-")
        .unwrap_or(name);
    format!("{}-rate.csv", import::scenario_name(stem))
}

/// Runs `esmsim import`.
///
/// # Errors
///
/// A file that cannot be read, a document of the wrong kind or with a bad field, a file
/// that exists (without `--force`) or cannot be written.
pub fn command(args: &ImportArgs) -> anyhow::Result<()> {
    let inputs = Inputs {
        esm: input(&args.esm)?,
        function: input(&args.function)?,
        concurrency: optional(args.concurrency.as_ref())?,
        rate: optional(args.rate.as_ref())?,
        duration: optional(args.duration_metric.as_ref())?,
    };
    let mut options = Options {
        name: args.name.clone(),
        partitions: args.partitions,
        record_size: args.record_size.clone(),
        rate_constant: args.rate_constant,
        rate_unit: args.rate_unit,
        filter_match: args.filter_match.clone(),
        duration: args.duration.clone(),
        trace_file: String::new(),
    };
    // The name decides the default file, which names the trace: a first pass for the name.
    let name = match &args.out {
        Some(_) => String::new(),
        None => import::import(&inputs, &options)?.name,
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{name}.yaml")));
    let to_stdout = out.as_os_str() == "-";
    options.trace_file = trace_name(&out, &name);
    let imported = import::import(&inputs, &options)?;
    if to_stdout {
        if imported.trace.is_some() {
            bail!("--rate writes a trace CSV next to the scenario; give --out FILE instead of -");
        }
        print!("{}", imported.yaml);
        return Ok(());
    }
    let trace_path = out
        .parent()
        .unwrap_or(Path::new(""))
        .join(&options.trace_file);
    let mut files = vec![(out.clone(), imported.yaml.clone())];
    if let Some(csv) = &imported.trace {
        files.push((trace_path, csv.clone()));
    }
    if !args.force
        && let Some((path, _)) = files.iter().find(|(p, _)| p.exists())
    {
        bail!(
            "`{}` already exists; choose another --out or pass --force to replace it",
            path.display()
        );
    }
    for (path, text) in &files {
        write_atomic(path, text.as_bytes())
            .with_context(|| format!("writing `{}`", path.display()))?;
    }
    let mut message = format!("wrote {}", out.display());
    if imported.trace.is_some() {
        message.push_str(&format!(" and {}", files[1].0.display()));
    }
    if imported.placeholders.is_empty() {
        message.push_str(&format!(": `esmsim run {}`", out.display()));
    } else {
        message.push_str(&format!(
            " with {} placeholder(s) to fill in ({}): `esmsim check {}` lists them",
            imported.placeholders.len(),
            imported.placeholders.join(", "),
            out.display()
        ));
    }
    if !imported.not_imported.is_empty() {
        message.push_str(&format!(
            "; {} AWS field(s) not imported, listed at its end",
            imported.not_imported.len()
        ));
    }
    println!("{message}");
    Ok(())
}
