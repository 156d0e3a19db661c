//! The report of one run: headline numbers, the charts, the whole summary, the scaler's
//! decisions and the resolved scenario.

use std::fmt::Write as _;

use super::{cards, escape, figures, folded, header, headline_value, page, summary_table, unit_of};
use crate::charts::{ChartFormat, ChartKind, ChartOptions};
use crate::output::OutputFile;
use crate::output::columns::scaling::SCALING;
use crate::output::columns::{Unit, Value};
use crate::scenario::Scenario;
use crate::scenario::load::to_yaml;
use crate::sim::RunResult;

/// The summary fields shown as headline cards, in this order, when the summary has them
/// and they are not `null`.
pub const HEADLINE: [&str; 8] = [
    "max_record_age_s",
    "time_over_slo_s",
    "latency_p99_s",
    "max_lag_records",
    "max_pollers",
    "max_concurrency",
    "errors",
    "cost_usd",
];

/// The charts a run's report shows: every chart but the overview, which repeats them.
pub fn chart_options() -> ChartOptions {
    ChartOptions {
        format: ChartFormat::Svg,
        charts: ChartKind::ALL
            .into_iter()
            .filter(|&k| k != ChartKind::Overview)
            .collect(),
        ..ChartOptions::default()
    }
}

/// `report.html` of a run. `charts` are the run's chart files (those of
/// [`chart_options`]; other files and formats are skipped, the overview too).
pub fn html(scenario: &Scenario, result: &RunResult, charts: &[OutputFile]) -> String {
    let summary = serde_json::to_value(&result.summary).unwrap_or_default();
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<header><h1>{}</h1>\n<p class=\"sub\">Run of {} simulated, seed {}, {} mode.</p></header>",
        escape(&scenario.name),
        escape(&scenario.duration.to_string()),
        scenario.seed,
        escape(result.summary.mode.as_str()),
    );
    body.push_str("<section id=\"headline\">\n<h2>Headline</h2>\n");
    body.push_str(&headline(&summary));
    body.push_str("</section>\n");

    let shown: Vec<OutputFile> = charts
        .iter()
        .filter(|c| c.name.ends_with(".svg") && !c.name.starts_with("overview"))
        .cloned()
        .collect();
    if !shown.is_empty() {
        body.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
        body.push_str(&figures(&shown));
        body.push_str("</section>\n");
    }

    body.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n");
    body.push_str(
        "<p class=\"note\">Every field of <code>summary.json</code> (exact values on hover).</p>\n",
    );
    body.push_str(&summary_table(&summary));
    body.push_str("</section>\n");

    body.push_str("<section id=\"scaling\">\n<h2>Scaling decisions</h2>\n");
    body.push_str(&scaling(result));
    body.push_str("</section>\n");

    body.push_str("<section id=\"scenario\">\n<h2>Resolved scenario</h2>\n");
    let _ = writeln!(
        body,
        "<details open>\n<summary>As <code>esmsim explain</code> prints it: every default filled in</summary>\n<pre><code>{}</code></pre>\n</details>",
        escape(&to_yaml(scenario))
    );
    body.push_str("</section>\n");
    page(&format!("{} — esmsim report", scenario.name), &body)
}

/// The headline cards from the summary's JSON fields of [`HEADLINE`].
fn headline(summary: &serde_json::Value) -> String {
    let items: Vec<(String, String, String)> = HEADLINE
        .iter()
        .filter_map(|&name| {
            let v = summary.get(name)?.as_f64()?;
            let label = name.replace('_', " ");
            Some((label, headline_value(v, unit_of(name)), String::new()))
        })
        .collect();
    cards(&items)
}

/// `scaling.csv` as a sortable table, folded when long; a sentence when it is empty.
fn scaling(result: &RunResult) -> String {
    let records = &result.scaling;
    if records.is_empty() {
        return "<p class=\"note\">No scaler evaluation in this run (a fixed poller count, \
                or provisioned mode with min_pollers = max_pollers).</p>\n"
            .into();
    }
    let mut table = String::from(
        "<div class=\"scroll\"><table class=\"sortable\" id=\"scaling-table\">\n<thead><tr>",
    );
    for column in SCALING {
        let unit = match column.unit {
            Unit::Text | Unit::Count => "",
            unit => unit.symbol(),
        };
        table.push_str(&header(column.name, unit));
    }
    table.push_str("</tr></thead>\n<tbody>\n");
    for record in records {
        table.push_str("<tr>");
        for column in SCALING {
            let text = column.cell(record);
            match column.of(record) {
                Value::Int(_) | Value::Real(_) => {
                    let _ = write!(table, "<td class=\"num\">{}</td>", escape(&text));
                }
                Value::Text(_) | Value::Missing => {
                    let _ = write!(table, "<td>{}</td>", escape(&text));
                }
            }
        }
        table.push_str("</tr>\n");
    }
    table.push_str("</tbody>\n</table></div>\n");
    let changes = records.iter().filter(|r| r.pollers != r.target).count();
    folded(
        &format!(
            "{} evaluations, {} of them changed the poller count (scaling.csv)",
            records.len(),
            changes
        ),
        records.len(),
        &table,
    )
}
