//! `esmsim init`: write a commented starter scenario that passes `check`.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;

use crate::output::write::write_atomic;

/// The starter scenario, with `__NAME__` and `__FILE__` to fill in.
const STARTER: &str = include_str!("templates/starter.yaml");

/// Arguments of `esmsim init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The scenario file to write; its name (without `.yaml`) names the scenario.
    #[arg(default_value = "scenario.yaml")]
    pub file: PathBuf,
    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// The starter scenario for `file`: named after the file's stem when that is a valid
/// scenario name, `my-scenario` otherwise.
pub fn starter(file: &Path) -> String {
    let stem = file
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| {
            !s.is_empty()
                && s.len() <= 100
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
                && !s.starts_with('.')
        })
        .unwrap_or("my-scenario");
    STARTER
        .replace("__NAME__", stem)
        .replace("__FILE__", &file.display().to_string())
}

/// Runs `esmsim init`.
///
/// # Errors
///
/// The file exists (without `--force`) or cannot be written.
pub fn command(args: &InitArgs) -> anyhow::Result<()> {
    if args.file.exists() && !args.force {
        bail!(
            "`{}` already exists; choose another file or pass --force to replace it",
            args.file.display()
        );
    }
    write_atomic(&args.file, starter(&args.file).as_bytes())
        .with_context(|| format!("writing `{}`", args.file.display()))?;
    println!(
        "wrote {}: edit the values marked \"yours\", then `esmsim run {}`",
        args.file.display(),
        args.file.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_passes_check_and_is_named_after_its_file() {
        let text = starter(Path::new("plans/orders-east.yaml"));
        assert!(!text.contains("__"), "every placeholder filled");
        let s = crate::scenario::load::from_yaml_str(&text, Path::new("."), &[])
            .expect("the starter scenario is valid");
        assert_eq!(s.name, "orders-east");
        assert_eq!(s.topic.partitions, 12);
        assert_eq!(s.producer.rate[1].event_name(), Some("burst"));
        assert_eq!(
            starter(Path::new("my plan.yaml")).lines().nth(5),
            Some("name: my-scenario")
        );
    }
}
