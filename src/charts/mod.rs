//! Charts a planner can read at a glance: throughput, lag and record age, scaling, latency,
//! cost, and one overview image with every panel on a shared time axis.
//!
//! Rendering is pure: [`render`] turns a [`ChartInput`] (what a run wrote, loaded with
//! [`ChartInput::from_files`] or [`ChartInput::from_bytes`]) into PNG and SVG bytes; only
//! [`ChartInput::from_files`] touches the file system (the `plot` command writes the
//! files).
//!
//! Text is drawn with DejaVu Sans, bundled in the binary (`assets/fonts/`, licence
//! alongside) and registered with plotters' `ab_glyph` font table, so no system font
//! library is needed. Long runs are downsampled for drawing only (min and max per pixel
//! column, see [`minmax_downsample`]), so spikes stay visible and a day of 1 s samples
//! draws quickly.
//!
//! ```no_run
//! use esmsim::charts::{ChartInput, ChartOptions, render};
//! let input = ChartInput::from_files(std::path::Path::new("out/run1"))?;
//! for file in render(&input, &ChartOptions::default())? {
//!     println!("{} ({} bytes)", file.name, file.bytes.len());
//! }
//! # Ok::<(), esmsim::charts::ChartError>(())
//! ```

mod downsample;
mod draw;
mod error;
pub(crate) mod format;
pub(crate) mod image;
mod input;
#[cfg(test)]
mod limits_tests;
pub(crate) mod palette;
mod reduce;
#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use plotters::prelude::*;
use rayon::prelude::*;

pub use downsample::{Segment, minmax_downsample};
pub use error::ChartError;
pub use input::{ChartInput, ScalingDecision, SummaryNumbers, TimeSeries};

/// One of the charts [`render`] can draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChartKind {
    /// Produced vs committed records/s.
    Throughput,
    /// Total and max-partition offset lag, and the age of the oldest uncommitted record
    /// with the SLO line.
    Lag,
    /// Pollers, processors and mean concurrency, with scaler decisions marked.
    Scaling,
    /// End-to-end p50/p99 latency.
    Latency,
    /// Cumulative cost, requests and duration stacked (and EPUs in provisioned mode).
    Cost,
    /// Every panel above on a shared time axis, with the scenario and key numbers on top.
    Overview,
}

impl ChartKind {
    /// Every chart, in the order they are rendered.
    pub const ALL: [ChartKind; 6] = [
        ChartKind::Throughput,
        ChartKind::Lag,
        ChartKind::Scaling,
        ChartKind::Latency,
        ChartKind::Cost,
        ChartKind::Overview,
    ];

    /// The file stem, e.g. `lag` for `lag.png`.
    pub fn name(self) -> &'static str {
        match self {
            ChartKind::Throughput => "throughput",
            ChartKind::Lag => "lag",
            ChartKind::Scaling => "scaling",
            ChartKind::Latency => "latency",
            ChartKind::Cost => "cost",
            ChartKind::Overview => "overview",
        }
    }
}

/// Which image formats to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChartFormat {
    /// PNG only.
    Png,
    /// SVG only.
    Svg,
    /// PNG and SVG.
    #[default]
    Both,
}

impl ChartFormat {
    fn formats(self) -> &'static [image::Format] {
        match self {
            ChartFormat::Png => &[image::Format::Png],
            ChartFormat::Svg => &[image::Format::Svg],
            ChartFormat::Both => &[image::Format::Png, image::Format::Svg],
        }
    }
}

/// The pixel size of each chart, parsed from `WIDTHxHEIGHT` (e.g. `1200x600`).
///
/// The overview is as wide as the other charts and taller: a header plus six panels, each
/// half the given height (at least 200 px).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartSize {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl ChartSize {
    /// Smallest allowed width or height.
    pub const MIN: u32 = 200;
    /// Largest allowed width or height.
    pub const MAX: u32 = 4000;

    /// A size, checked against [`ChartSize::MIN`] and [`ChartSize::MAX`].
    ///
    /// # Errors
    ///
    /// [`ChartError::BadSize`] when a side is out of range.
    pub fn new(width: u32, height: u32) -> Result<Self, ChartError> {
        let ok = |v: u32| (Self::MIN..=Self::MAX).contains(&v);
        if ok(width) && ok(height) {
            Ok(Self { width, height })
        } else {
            Err(Self::bad(&format!("{width}x{height}")))
        }
    }

    fn bad(given: &str) -> ChartError {
        ChartError::BadSize {
            given: given.to_string(),
            min: Self::MIN,
            max: Self::MAX,
        }
    }
}

impl Default for ChartSize {
    fn default() -> Self {
        Self {
            width: 1200,
            height: 600,
        }
    }
}

impl FromStr for ChartSize {
    type Err = ChartError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (w, h) = s
            .trim()
            .split_once(['x', 'X', '×'])
            .ok_or_else(|| Self::bad(s))?;
        let w = w.trim().parse().map_err(|_| Self::bad(s))?;
        let h = h.trim().parse().map_err(|_| Self::bad(s))?;
        Self::new(w, h).map_err(|_| Self::bad(s))
    }
}

impl fmt::Display for ChartSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.width, self.height)
    }
}

/// What to render and how.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartOptions {
    /// PNG, SVG or both.
    pub format: ChartFormat,
    /// Size of each chart (the overview is taller, see [`ChartSize`]).
    pub size: ChartSize,
    /// Start of the time window, seconds (default: 0).
    pub from_s: Option<f64>,
    /// End of the time window, seconds (default: the last sample).
    pub to_s: Option<f64>,
    /// Which charts to draw (default: all of [`ChartKind::ALL`]).
    pub charts: Vec<ChartKind>,
}

impl Default for ChartOptions {
    fn default() -> Self {
        Self {
            format: ChartFormat::Both,
            size: ChartSize::default(),
            from_s: None,
            to_s: None,
            charts: ChartKind::ALL.to_vec(),
        }
    }
}

/// One rendered image (file name such as `lag.svg`, and the encoded bytes).
pub use crate::output::OutputFile as ChartFile;

static DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static DEJAVU_SANS_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the bundled fonts as plotters' `sans-serif` family, once per process.
pub fn ensure_fonts() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, DEJAVU_SANS).is_ok()
            && plotters::style::register_font("sans-serif", FontStyle::Bold, DEJAVU_SANS_BOLD)
                .is_ok()
    });
    if ok { Ok(()) } else { Err(ChartError::Font) }
}

/// The time window `(from, to)` in seconds that `opts` selects from `input`.
fn window(input: &ChartInput, opts: &ChartOptions) -> Result<(f64, f64), ChartError> {
    let t = &input.series.time_s;
    let (first, last) = match (t.first(), t.last()) {
        (Some(&a), Some(&b)) => (a, b),
        _ => return Err(ChartError::NoSamples),
    };
    let x0 = opts.from_s.unwrap_or(first.min(0.0));
    let mut x1 = opts.to_s.unwrap_or(last);
    if opts.to_s.is_none() && x1 <= x0 {
        x1 = x0 + 1.0;
    }
    let any = t.partition_point(|&x| x < x0) < t.partition_point(|&x| x <= x1);
    let ordered = x0.is_finite() && x1.is_finite() && x1 > x0;
    if !ordered || !any {
        return Err(ChartError::EmptyWindow {
            from_s: x0,
            to_s: x1,
            first_s: first,
            last_s: last,
        });
    }
    Ok((x0, x1))
}

/// The contents of the file named `name` among `run_files` (empty when absent).
fn file_bytes<'a>(run_files: &'a [ChartFile], name: &str) -> &'a [u8] {
    run_files
        .iter()
        .find(|f| f.name == name)
        .map_or(&[][..], |f| &f.bytes[..])
}

/// The charts of a run, drawn from the files the run produced (`timeseries.csv`,
/// `scaling.csv`, `manifest.json`, `summary.json`), exactly as `esmsim plot` would draw
/// them from the saved files.
pub fn render_run(
    run_files: &[ChartFile],
    opts: &ChartOptions,
) -> Result<Vec<ChartFile>, ChartError> {
    let bytes = |name| file_bytes(run_files, name);
    let input = ChartInput::from_bytes(
        bytes(crate::output::TIMESERIES_CSV),
        bytes(crate::output::SCALING_CSV),
        bytes(crate::output::MANIFEST_JSON),
        bytes(crate::output::SUMMARY_JSON),
    )?;
    render(&input, opts)
}

/// The charts of a run whose `timeseries.csv` is the file at `timeseries` (read in two
/// passes without holding it, see [`ChartInput::from_timeseries_file`]) and whose other
/// files are in `run_files`.
///
/// # Errors
///
/// As [`render_run`], and [`ChartError::Io`] when the file cannot be read.
pub fn render_run_from_file(
    timeseries: &std::path::Path,
    run_files: &[ChartFile],
    opts: &ChartOptions,
) -> Result<Vec<ChartFile>, ChartError> {
    let bytes = |name| file_bytes(run_files, name);
    let input = ChartInput::from_timeseries_file(
        timeseries,
        bytes(crate::output::SCALING_CSV),
        bytes(crate::output::MANIFEST_JSON),
        bytes(crate::output::SUMMARY_JSON),
    )?;
    render(&input, opts)
}

/// Renders the charts `opts` asks for, PNG before SVG for each chart, in the order of
/// `opts.charts`. Pure: no file is read or written. Charts are rendered in parallel.
///
/// # Errors
///
/// [`ChartError::BadSize`] for an out-of-range size, [`ChartError::EmptyWindow`] when
/// `from_s..to_s` holds no sample, [`ChartError::Draw`] or [`ChartError::Png`] when plotters
/// or the encoder fail, [`ChartError::Font`] if the bundled font cannot be loaded.
pub fn render(input: &ChartInput, opts: &ChartOptions) -> Result<Vec<ChartFile>, ChartError> {
    ensure_fonts()?;
    let size = ChartSize::new(opts.size.width, opts.size.height)?;
    let (x0, x1) = window(input, opts)?;
    let jobs: Vec<(ChartKind, image::Format)> = opts
        .charts
        .iter()
        .flat_map(|&k| opts.format.formats().iter().map(move |&f| (k, f)))
        .collect();
    jobs.into_par_iter()
        .map(|(kind, format)| render_one(input, kind, format, size, x0, x1))
        .collect()
}

fn render_one(
    input: &ChartInput,
    kind: ChartKind,
    format: image::Format,
    size: ChartSize,
    x0: f64,
    x1: f64,
) -> Result<ChartFile, ChartError> {
    let (w, h) = (size.width, size.height);
    let image_h = if kind == ChartKind::Overview {
        draw::overview_height(input, h)
    } else {
        h
    };
    let drawing = draw::ChartDrawing {
        kind,
        frame: draw::Frame::new(input, x0, x1, w),
        base_height: h,
    };
    let name = format!("{}.{}", kind.name(), format.extension());
    let bytes = image::encode(format, (w, image_h), &drawing).map_err(|e| match e {
        image::ImageError::Draw(message) => ChartError::Draw {
            chart: name.clone(),
            message,
        },
        image::ImageError::Encode(message) => ChartError::Png {
            chart: name.clone(),
            message,
        },
    })?;
    Ok(ChartFile { name, bytes })
}
