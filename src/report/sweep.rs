//! The report of a sweep: headline numbers, the Pareto chart and the other comparison
//! charts, a sortable table of the variants with those meeting the SLO highlighted, and
//! the plan. Built from the plan and the per-variant statistics only, so a merged sharded
//! sweep writes the same page as the whole sweep.

use std::fmt::Write as _;

use super::{cards, escape, figures, header, headline_value, number, page, unit_of};
use crate::output::OutputFile;
use crate::output::columns::summary::{COST_USD, MAX_RECORD_AGE_S, SWEEP_METRICS};
use crate::sweep::Plan;
use crate::sweep::stats::MeanCi;
use crate::sweep::table::{VariantStats, best};

/// `report.html` of a sweep. `charts` are the sweep's chart files (the `.svg` ones are
/// shown, the Pareto chart first).
pub fn html(plan: &Plan, stats: &[VariantStats], charts: &[OutputFile]) -> String {
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<header><h1>{}</h1>\n<p class=\"sub\">Sweep of <code>{}</code>: {} variants × {} replications.</p></header>",
        escape(&plan.name),
        escape(&plan.base),
        plan.variant_count(),
        plan.seeds.len()
    );
    body.push_str("<section id=\"headline\">\n<h2>Headline</h2>\n");
    body.push_str(&headline(plan, stats));
    body.push_str("</section>\n");

    let mut shown: Vec<OutputFile> = charts
        .iter()
        .filter(|c| c.name.ends_with(".svg"))
        .cloned()
        .collect();
    shown.sort_by_key(|c| !c.name.starts_with("pareto"));
    if !shown.is_empty() {
        body.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
        body.push_str(&figures(&shown));
        body.push_str("</section>\n");
    }

    body.push_str("<section id=\"variants\">\n<h2>Variants</h2>\n");
    body.push_str(&variants(plan, stats));
    body.push_str("</section>\n");

    body.push_str("<section id=\"plan\">\n<h2>Plan</h2>\n");
    let plan_json = serde_json::to_string_pretty(plan).unwrap_or_default();
    let _ = writeln!(
        body,
        "<details>\n<summary>The expanded sweep (<code>sweep.json</code>)</summary>\n<pre><code>{}</code></pre>\n</details>",
        escape(&plan_json)
    );
    body.push_str("</section>\n");
    page(&format!("{} — esmsim sweep report", plan.name), &body)
}

/// Cards: variants and runs, failures, how many meet the SLO, the cheapest that does.
fn headline(plan: &Plan, stats: &[VariantStats]) -> String {
    let runs: usize = stats.iter().map(|v| v.ok + v.failed).sum();
    let failed: usize = stats.iter().map(|v| v.failed).sum();
    let mut items = vec![
        (
            "variants".to_string(),
            number(stats.len() as f64),
            String::new(),
        ),
        ("runs".to_string(), number(runs as f64), String::new()),
        (
            "failed runs".to_string(),
            number(failed as f64),
            String::new(),
        ),
    ];
    let best = best(plan, stats);
    if !plan.objectives.is_empty() {
        let limits: Vec<String> = plan
            .objectives
            .iter()
            .map(|o| {
                let unit = if o.kind == "max_lag" { "records" } else { "s" };
                format!("{} ≤ {}", o.name, headline_value(o.limit, unit))
            })
            .collect();
        items.push((
            "meet every objective".into(),
            number(best.len() as f64),
            format!("on every replication: {}", limits.join(", ")),
        ));
    }
    let label = if plan.objectives.is_empty() {
        "cheapest variant"
    } else {
        "cheapest meeting every objective"
    };
    match best.first() {
        Some(v) => {
            let cost = v
                .mean(&COST_USD)
                .map_or("–".into(), |c| headline_value(c, "USD"));
            let age = v
                .mean(&MAX_RECORD_AGE_S)
                .map_or("–".into(), |a| headline_value(a, "s"));
            items.push((
                label.into(),
                format!("variant {}", v.variant),
                format!("{}; {cost}, max age {age}", parameters(plan, v.variant)),
            ));
        }
        None => items.push((label.into(), "none".into(), String::new())),
    }
    cards(&items)
}

/// `key=value, ...` of a variant.
fn parameters(plan: &Plan, variant: usize) -> String {
    plan.parameters()
        .iter()
        .zip(plan.values(variant))
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The sortable table of variants: id, parameters, runs, failures, SLO, Pareto, then the
/// mean of every sweep metric (the 95 % interval on hover). Rows meeting the SLO are
/// highlighted, rows with a failed run marked.
fn variants(plan: &Plan, stats: &[VariantStats]) -> String {
    let mut html = String::from(
        "<p class=\"legend note\"><span style=\"background:var(--good)\">meets the SLO</span>\
         <span style=\"background:var(--bad)\">a run failed</span> Click a column header to sort; \
         means over the replications, 95 % interval on hover.</p>\n\
         <div class=\"scroll\"><table class=\"sortable\" id=\"variants-table\">\n<thead><tr>",
    );
    html.push_str(&header("variant", ""));
    for p in plan.parameters() {
        html.push_str(&header(p, ""));
    }
    for name in ["runs", "failed", "meets_slo", "pareto"] {
        html.push_str(&header(name, ""));
    }
    for m in SWEEP_METRICS {
        html.push_str(&header(m.name, unit_of(m.name)));
    }
    html.push_str("<th scope=\"col\">error</th></tr></thead>\n<tbody>\n");
    for v in stats {
        let class = if v.failed > 0 {
            " class=\"failed\""
        } else if v.meets_slo == Some(true) {
            " class=\"meets\""
        } else {
            ""
        };
        let _ = write!(html, "<tr{class}><td class=\"num\">{}</td>", v.variant);
        for value in plan.values(v.variant) {
            let _ = write!(html, "<td>{}</td>", escape(value));
        }
        let _ = write!(
            html,
            "<td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td>",
            v.ok + v.failed,
            v.failed,
            v.meets_slo.map_or("–".into(), |b| b.to_string()),
            v.pareto
        );
        for s in &v.stats {
            html.push_str(&mean_cell(s));
        }
        let _ = writeln!(
            html,
            "<td>{}</td></tr>",
            escape(v.error.as_deref().unwrap_or(""))
        );
    }
    html.push_str("</tbody>\n</table></div>\n");
    html
}

/// A metric's mean as a cell, sorting by the exact mean, the interval as its title.
fn mean_cell(s: &MeanCi) -> String {
    let Some(mean) = s.mean else {
        return "<td data-v=\"\">–</td>".into();
    };
    let title = match (s.low, s.high) {
        (Some(low), Some(high)) => format!("mean {mean}, 95 % CI [{low}, {high}], n = {}", s.n),
        _ => format!("mean {mean}, n = {}", s.n),
    };
    format!(
        "<td class=\"num\" data-v=\"{mean}\" title=\"{}\">{}</td>",
        escape(&title),
        number(mean)
    )
}
