//! The `plot` command: read a run directory, render its charts and write them atomically
//! (temporary file in the target directory, then rename).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use super::{ChartError, ChartFormat, ChartInput, ChartKind, ChartOptions, ChartSize, render};

/// Arguments of `esmsim plot`: draw the charts of a finished run.
#[derive(Debug, Clone, clap::Args)]
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
pub fn plot_command(args: &PlotArgs) -> anyhow::Result<()> {
    let input = ChartInput::from_files(&args.dir)?;
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
    let files = render(&input, &opts)?;
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
