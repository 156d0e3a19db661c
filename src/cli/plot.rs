//! `esmsim plot`: read a run directory, render its charts and write them atomically
//! (temporary file in the target directory, then rename).
//!
//! The chart and format names the flags accept come from the chart types themselves
//! ([`ChartKind::name`]); the help line of each is here.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::builder::PossibleValue;
use clap::{Args, ValueEnum};

use crate::charts::{ChartError, ChartFormat, ChartInput, ChartKind, ChartOptions, ChartSize};

/// Arguments of `esmsim plot`: draw the charts of a finished run.
#[derive(Debug, Clone, Args)]
pub struct PlotArgs {
    /// Output directory of a run (holds timeseries.csv, scaling.csv, manifest.json,
    /// summary.json).
    pub dir: PathBuf,

    /// Image format to write.
    #[arg(long, value_enum, default_value_t = ChartFormat::Both)]
    pub format: ChartFormat,

    /// Size of each chart in pixels, WIDTHxHEIGHT (the overview is taller).
    #[arg(long, default_value_t = ChartSize::default())]
    pub size: ChartSize,

    /// Start of the time window: seconds (90) or a duration (30m, 1h 30m).
    #[arg(long, value_parser = parse_time)]
    pub from: Option<f64>,

    /// End of the time window: seconds (5400) or a duration (1h 30m).
    #[arg(long, value_parser = parse_time)]
    pub to: Option<f64>,

    /// Charts to draw (repeat the flag or separate with commas); default: all.
    #[arg(long = "chart", value_enum, value_delimiter = ',')]
    pub charts: Vec<ChartKind>,

    /// Directory to write the charts to (default: the run directory).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

impl ValueEnum for ChartKind {
    fn value_variants<'a>() -> &'a [Self] {
        &ChartKind::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let help = match self {
            ChartKind::Throughput => "Produced vs committed records/s",
            ChartKind::Lag => {
                "Total and max-partition offset lag, and the age of the oldest uncommitted record with the SLO line"
            }
            ChartKind::Scaling => {
                "Pollers, processors and mean concurrency, with scaler decisions marked"
            }
            ChartKind::Latency => "End-to-end p50/p99 latency",
            ChartKind::Cost => "Cumulative cost, requests and duration stacked",
            ChartKind::Overview => {
                "Every panel above on a shared time axis, with the scenario and key numbers on top"
            }
        };
        Some(PossibleValue::new(self.name()).help(help))
    }
}

impl ValueEnum for ChartFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &[ChartFormat::Png, ChartFormat::Svg, ChartFormat::Both]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let (name, help) = match self {
            ChartFormat::Png => ("png", "PNG only"),
            ChartFormat::Svg => ("svg", "SVG only"),
            ChartFormat::Both => ("both", "PNG and SVG"),
        };
        Some(PossibleValue::new(name).help(help))
    }
}

/// Parses a point in simulated time: plain seconds (`90`, `2.5`) or a humantime duration
/// (`30m`, `1h 30m`).
///
/// # Errors
///
/// [`ChartError::BadTime`] for a negative number or text that is neither.
pub fn parse_time(text: &str) -> Result<f64, ChartError> {
    let trimmed = text.trim();
    let bad = || ChartError::BadTime {
        given: text.to_string(),
    };
    if let Ok(seconds) = trimmed.parse::<f64>() {
        return if seconds.is_finite() && seconds >= 0.0 {
            Ok(seconds)
        } else {
            Err(bad())
        };
    }
    humantime::parse_duration(trimmed)
        .map(|d| d.as_secs_f64())
        .map_err(|_| bad())
}

/// Runs `esmsim plot`: loads the run in `args.dir`, renders the charts and writes them,
/// printing one line per file written.
///
/// # Errors
///
/// Any [`ChartError`] from loading, rendering or writing, or a failure to print.
pub fn command(args: &PlotArgs) -> anyhow::Result<()> {
    let input = ChartInput::from_files_within(&args.dir, args.from, args.to)?;
    let opts = ChartOptions {
        format: args.format,
        size: args.size,
        from_s: args.from,
        to_s: args.to,
        charts: if args.charts.is_empty() {
            ChartKind::ALL.to_vec()
        } else {
            args.charts.clone()
        },
    };
    let files = crate::charts::render(&input, &opts)?;
    let out = args.out.as_deref().unwrap_or(&args.dir);
    let written = crate::output::write::write_all(out, &files)?;
    let mut stdout = std::io::stdout().lock();
    for (path, file) in written.iter().zip(&files) {
        writeln!(
            stdout,
            "wrote {} ({} KiB)",
            path.display(),
            file.bytes.len().div_ceil(1024)
        )
        .context("writing to stdout")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use clap::Parser;

    use super::*;
    use crate::scenario::load::from_yaml_str;
    use crate::sim::Simulation;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        plot: PlotArgs,
    }

    #[test]
    fn time_arguments_accept_seconds_and_durations() {
        assert_eq!(parse_time("90").unwrap(), 90.0);
        assert_eq!(parse_time("30m").unwrap(), 1800.0);
        assert_eq!(parse_time("1h 30m").unwrap(), 5400.0);
        assert!(parse_time("soon").unwrap_err().to_string().contains("30m"));
        assert!(parse_time("-5").is_err());
    }

    #[test]
    fn plot_args_parse_from_the_command_line() {
        let cli = Cli::try_parse_from([
            "esmsim", "out/run", "--format", "png", "--size", "800x600", "--from", "30m", "--to",
            "5400", "--chart", "lag,cost",
        ])
        .unwrap();
        assert_eq!(cli.plot.format, ChartFormat::Png);
        assert_eq!(cli.plot.size, ChartSize::new(800, 600).unwrap());
        assert_eq!((cli.plot.from, cli.plot.to), (Some(1800.0), Some(5400.0)));
        assert_eq!(cli.plot.charts, [ChartKind::Lag, ChartKind::Cost]);
        let err = Cli::try_parse_from(["esmsim", "d", "--size", "800x"])
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("WIDTHxHEIGHT"), "{err}");
    }

    #[test]
    fn every_chart_and_format_is_accepted_by_its_file_name() {
        for kind in ChartKind::ALL {
            assert_eq!(ChartKind::from_str(kind.name(), false), Ok(kind));
        }
        for (name, format) in [
            ("png", ChartFormat::Png),
            ("svg", ChartFormat::Svg),
            ("both", ChartFormat::Both),
        ] {
            assert_eq!(ChartFormat::from_str(name, false), Ok(format));
        }
    }

    #[test]
    fn plot_writes_only_the_requested_charts_and_no_temporary_file() {
        let yaml = "
name: t
duration: 2m
topic: {partitions: 2}
producer: {rate: [{constant: 200}]}
function: {memory: 1024, duration: {per_batch: 10ms, per_record: 1ms}}
";
        let scenario = from_yaml_str(yaml, Path::new("."), &[]).unwrap();
        let result = Simulation::new(&scenario).run(&mut |_| {});
        let run = tempfile::tempdir().unwrap();
        crate::output::write::write_all(run.path(), &crate::output::render(&scenario, &result))
            .unwrap();
        let out = run.path().join("charts");
        let cli = Cli::try_parse_from([
            "esmsim",
            run.path().to_str().unwrap(),
            "--format",
            "svg",
            "--chart",
            "cost,lag",
            "--out",
            out.to_str().unwrap(),
        ])
        .unwrap();
        command(&cli.plot).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["cost.svg", "lag.svg"]);
    }
}
