//! `esmsim check`: validate a scenario without running it.

use super::ScenarioArgs;
use super::scenario::print_warnings;
use crate::output::estimate::{Limits, OutputEstimate};
use crate::scenario::{FileTraces, ParsedScenario, Scenario, warnings};

/// Runs `esmsim check`: loads the scenario, prints its warnings (values AWS cannot be
/// set to) on standard error, one `ok` line with its hash, one line with the estimated
/// size of its outputs and, when the scenario has a `plan:` section, one line with what
/// it varies.
///
/// # Errors
///
/// The scenario's error, naming the file, field, value and what is allowed.
pub fn command(args: &ScenarioArgs) -> anyhow::Result<()> {
    let overrides = args.all_overrides();
    let parsed = ParsedScenario::read(&args.scenario)?;
    let scenario = parsed.resolve(&overrides, &FileTraces::default())?;
    let section = parsed.plan(&overrides)?;
    print_warnings(&warnings(&scenario));
    println!(
        "{}: ok ({} scenario '{}', hash {})",
        args.scenario.display(),
        describe(&scenario),
        scenario.name,
        &scenario.hash()[..12]
    );
    let estimate = OutputEstimate::of(&scenario);
    let over = if estimate.exceeds(&Limits::default()) {
        " (over the limit: `run` needs --allow-large)"
    } else {
        ""
    };
    println!("outputs: {estimate}{over}");
    if let Some(section) = &section {
        println!("{}", crate::scenario::plan::describe(section));
    }
    Ok(())
}

fn describe(s: &Scenario) -> String {
    format!("{} of {} partitions", s.duration, s.topic.partitions)
}
