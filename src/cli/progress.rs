//! Progress on standard error, for `run` (simulated time) and `sweep`, `plan` and
//! `sensitivity` (runs): a bar with
//! an ETA when standard error is a terminal; otherwise nothing for `run` and a plain line
//! at every tenth of the runs for `sweep`.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::engine::time::SimTime;
use crate::sweep::SweepProgress;

const SIMULATION_TEMPLATE: &str = "{spinner} simulating {msg} [{bar:30}] {percent:>3}% eta {eta}";
const SWEEP_TEMPLATE: &str = "{spinner} {msg} [{bar:30}] {pos}/{len} runs, {per_sec}, eta {eta}";

/// A run shorter than this shows no bar.
const SIMULATION_BAR_DELAY: Duration = Duration::from_millis(300);

/// A bar of `len` steps labelled `name` when `show` is set and standard error is a
/// terminal.
fn terminal_bar(name: &str, len: u64, template: &str, show: bool) -> Option<ProgressBar> {
    if !show || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(len);
    let style = ProgressStyle::with_template(template).expect("the templates are valid");
    bar.set_style(style.progress_chars("=> "));
    bar.set_message(name.to_string());
    Some(bar)
}

/// The progress of one simulation, fed with the simulated time.
pub struct SimulationProgress {
    bar: Option<ProgressBar>,
    started: Instant,
}

impl SimulationProgress {
    /// Progress of a run of `scenario_name` lasting `duration` simulated nanoseconds;
    /// hidden unless `show`.
    pub fn new(scenario_name: &str, duration: u64, show: bool) -> Self {
        SimulationProgress {
            bar: terminal_bar(scenario_name, duration, SIMULATION_TEMPLATE, show),
            started: Instant::now(),
        }
    }

    /// The simulation has reached `now`.
    pub fn update(&self, now: SimTime) {
        if let Some(bar) = &self.bar
            && self.started.elapsed() > SIMULATION_BAR_DELAY
        {
            bar.set_position(now.0);
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// The progress of a sweep, fed with [`SweepProgress`] reports.
pub struct RunsProgress {
    name: String,
    show: bool,
    display: Option<RunsDisplay>,
}

/// A bar, or plain lines, once the number of runs is known.
enum RunsDisplay {
    Bar(ProgressBar),
    Lines { started: Instant },
}

impl RunsProgress {
    /// Progress of sweep `name`; hidden unless `show`.
    pub fn new(name: &str, show: bool) -> Self {
        RunsProgress {
            name: name.to_string(),
            show,
            display: None,
        }
    }

    /// Shows `progress`; the first report (before any run) chooses a bar or lines, and
    /// each report sets the number of runs (the planner learns it one batch at a time).
    pub fn update(&mut self, progress: SweepProgress) {
        if !self.show {
            return;
        }
        let display = self.display.get_or_insert_with(|| {
            match terminal_bar(&self.name, progress.total as u64, SWEEP_TEMPLATE, true) {
                Some(bar) => RunsDisplay::Bar(bar),
                None => RunsDisplay::Lines {
                    started: Instant::now(),
                },
            }
        });
        match display {
            RunsDisplay::Bar(bar) => {
                bar.set_length(progress.total as u64);
                bar.set_position(progress.done as u64);
            }
            RunsDisplay::Lines { started } => print_line(&self.name, progress, *started),
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if let Some(RunsDisplay::Bar(bar)) = &self.display {
            bar.finish_and_clear();
        }
    }
}

/// Prints a line when `progress` crosses a tenth of the runs.
fn print_line(name: &str, progress: SweepProgress, started: Instant) {
    let SweepProgress {
        done,
        total,
        failed,
    } = progress;
    let tenth = |n: usize| n * 10 / total.max(1);
    if done == 0 || tenth(done) == tenth(done - 1) {
        return;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let eta = elapsed / done as f64 * (total - done) as f64;
    eprintln!(
        "{name}: {done}/{total} runs ({}%), {failed} failed, eta {}",
        done * 100 / total.max(1),
        humantime::format_duration(Duration::from_secs(eta.round() as u64))
    );
}
