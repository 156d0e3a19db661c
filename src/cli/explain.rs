//! `esmsim explain`: print the resolved scenario, every default filled in, as YAML.

use super::ScenarioArgs;
use crate::scenario;

/// Runs `esmsim explain`.
///
/// # Errors
///
/// The scenario's error, naming the file, field, value and what is allowed.
pub fn command(args: &ScenarioArgs) -> anyhow::Result<()> {
    print!("{}", scenario::load::to_yaml(&args.load()?));
    Ok(())
}
