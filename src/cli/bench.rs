//! `esmsim bench`: time the fixed benchmark scenarios and print one line per scenario.

use clap::Args;

use crate::bench::{run_one, select};

/// Arguments of `esmsim bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Scenarios to run (default: all): small, medium, large, backlog, sparse, invokes.
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Override a field of every benchmark scenario, e.g. `--set duration=1h`.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub overrides: Vec<String>,
    /// Simulate each scenario this many times and report the fastest.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub repeat: u32,
}

/// Runs `esmsim bench`: a header, then one line per scenario as it finishes.
///
/// # Errors
///
/// An unknown scenario name, a bad override, a chart that cannot be drawn.
pub fn command(args: &BenchArgs) -> anyhow::Result<()> {
    let scenarios = select(&args.only)?;
    println!(
        "{:<8} {:>10} {:>9} {:>12} {:>11} {:>10} {:>11} {:>13} {:>9} {:>8}",
        "scenario",
        "simulated",
        "wall_s",
        "events",
        "events/s",
        "inv/s",
        "Mrecords/s",
        "sim_s/wall_s",
        "output%",
        "peak_MiB"
    );
    for (name, yaml) in scenarios {
        let r = run_one(name, yaml, &args.overrides, args.repeat)?;
        println!(
            "{:<8} {:>9.0}s {:>9.2} {:>12} {:>11.0} {:>10.0} {:>11.1} {:>13.0} {:>8.1}% {:>8}",
            r.name,
            r.simulated_s,
            r.simulate_s,
            r.events,
            r.events as f64 / r.simulate_s,
            r.invocations as f64 / r.simulate_s,
            r.records as f64 / r.simulate_s / 1e6,
            r.simulated_s / r.simulate_s,
            100.0 * r.output_s / (r.simulate_s + r.output_s),
            r.peak_rss_mib
                .map_or_else(|| "n/a".to_string(), |m| format!("{m:.0}")),
        );
    }
    Ok(())
}
