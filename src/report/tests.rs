//! The report pages: structure, escaping, the generic summary, determinism.

use serde_json::json;

use super::*;
use crate::sweep::plan::{Axis, ChartChoice, Plan, PlanObjective, Samples};
use crate::sweep::stats::MeanCi;
use crate::sweep::table::VariantStats;

fn quickstart(sets: &[&str]) -> (crate::scenario::Scenario, crate::sim::RunResult) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quickstart.yaml");
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let scenario = crate::scenario::load::load(&path, &sets).unwrap();
    let result = crate::sim::Simulation::new(&scenario).run(&mut |_| {});
    (scenario, result)
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn escapes_the_characters_that_matter_in_html() {
    assert_eq!(
        escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
        "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
    );
    assert_eq!(escape("plain-name_1.0"), "plain-name_1.0");
}

#[test]
fn numbers_read_well() {
    assert_eq!(number(1257918.0), "1,257,918");
    assert_eq!(number(-1000.0), "-1,000");
    assert_eq!(number(999.0), "999");
    assert_eq!(number(0.0718292015828), "0.07183");
    assert_eq!(number(159.933962266), "159.9");
    assert_eq!(number(0.5), "0.5");
    assert_eq!(headline_value(160.0, "s"), "2 min 40 s");
    assert_eq!(headline_value(205254.0, "records"), "205k records");
}

#[test]
fn units_come_from_the_registry_then_the_name() {
    assert_eq!(unit_of("cost_usd"), "USD");
    assert_eq!(unit_of("gb_s"), "GB-s");
    assert_eq!(unit_of("max_pollers"), "");
    // Fields the registry does not list (nested, or added later) by their suffix.
    assert_eq!(unit_of("drain_s"), "s");
    assert_eq!(unit_of("extra_cost_usd"), "USD");
    assert_eq!(unit_of("peak_lag_records"), "records");
    assert_eq!(unit_of("bottleneck"), "");
}

#[test]
fn the_summary_table_shows_every_field_even_unknown_ones() {
    let summary = json!({
        "max_record_age_s": 12.5,
        "verdict": "<fails>",
        "time_over_slo_s": null,
        "objectives": [{"name": "age", "met": false, "worst_s": 40.0}],
        "bottleneck": {"component": "function", "share": 0.75}
    });
    let html = summary_table(&summary);
    assert_eq!(count(&html, "<table"), 3, "{html}");
    assert!(html.contains("<code>max_record_age_s</code></th><td class=\"num\" data-v=\"12.5\" title=\"12.5\">12.5</td><td>s</td>"), "{html}");
    assert!(html.contains("<td>&lt;fails&gt;</td>"), "{html}");
    assert!(!html.contains("<fails>"));
    assert!(html.contains("<code>time_over_slo_s</code></th><td data-v=\"\">–</td>"));
    assert!(html.contains("<h3><code>objectives</code></h3>"));
    assert!(html.contains("<th scope=\"col\">worst_s <span class=\"unit\">(s)</span></th>"));
    assert!(html.contains("<td data-v=\"false\">false</td>"));
    assert!(html.contains("<h3><code>bottleneck</code></h3>"));
    assert!(html.contains("data-v=\"0.75\""));
}

#[test]
fn a_run_report_has_every_section_and_inline_charts_only() {
    let (scenario, result) = quickstart(&["duration=20m", "sample_interval=30s"]);
    let files = crate::output::render(&scenario, &result);
    let charts = crate::charts::render_run(&files, &run::chart_options()).unwrap();
    assert_eq!(charts.len(), 5);
    let html = run::html(&scenario, &result, &charts);
    assert!(html.starts_with("<!DOCTYPE html>\n"));
    for id in ["headline", "charts", "summary", "scaling", "scenario"] {
        assert_eq!(count(&html, &format!("<section id=\"{id}\">")), 1, "{id}");
    }
    assert_eq!(count(&html, "<svg"), 5);
    assert_eq!(count(&html, "<figure class=\"chart\""), 5);
    assert!(html.contains("id=\"chart-lag\""));
    assert!(!html.contains("<?xml"));
    // Self-contained: nothing is fetched.
    for fetch in ["<link", "src=\"http", "href=\"http", "@import", "url("] {
        assert!(!html.contains(fetch), "{fetch}");
    }
    // Every scaling.csv row is a table row, and a change names its action.
    let table = &html[html.find("id=\"scaling-table\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(count(table, "<tr>"), result.scaling.len() + 1);
    assert!(table.contains("<td>scale_out</td>"));
    // Every summary field, the named event's too, and the resolved scenario.
    let summary = serde_json::to_value(&result.summary).unwrap();
    for key in summary.as_object().unwrap().keys() {
        assert!(html.contains(&format!("<code>{key}</code>")), "{key}");
    }
    assert!(html.contains("<td>flash-sale</td>"));
    assert!(html.contains(&escape(&crate::scenario::load::to_yaml(&scenario))));
    assert!(html.contains("<div class=\"label\">cost usd</div>"));
    // Same results, same bytes.
    assert_eq!(html, run::html(&scenario, &result, &charts));
}

#[test]
fn a_long_scaling_table_starts_folded() {
    let (scenario, result) = quickstart(&["sample_interval=1m"]);
    assert!(result.scaling.len() > OPEN_ROWS);
    let html = run::html(&scenario, &result, &[]);
    assert!(html.contains("<details>\n<summary>"));
    assert!(!html.contains("<section id=\"charts\">"));
}

fn plan() -> Plan {
    Plan {
        name: "s".into(),
        base: "base.yaml".into(),
        fixed: vec![],
        grid: vec![Axis {
            key: "function.memory".into(),
            values: vec!["512".into(), "<b>1024</b>".into(), "2048".into()],
        }],
        zip: vec![],
        samples: Samples::default(),
        seeds: vec![1, 2],
        objectives: vec![PlanObjective {
            name: "max_age".into(),
            kind: "max_age".into(),
            limit: 10.0,
            during: None,
        }],
        rank_by: None,
        charts: ChartChoice {
            metric: "cost_usd".into(),
            x: None,
            lines: None,
            reference: None,
        },
    }
}

fn variant(variant: usize, age: f64, cost: f64, meets: bool) -> VariantStats {
    let stats = SWEEP_METRICS
        .iter()
        .map(|m| {
            let mean = match m.name {
                "max_record_age_s" => Some(age),
                "cost_usd" => Some(cost),
                _ => None,
            };
            MeanCi {
                n: 2,
                mean,
                low: mean.map(|v| v - 1.0),
                high: mean.map(|v| v + 1.0),
                min: mean,
                max: mean,
            }
        })
        .collect();
    VariantStats {
        variant,
        ok: 2,
        failed: 0,
        stats,
        objectives: Vec::new(),
        meets_slo: Some(meets),
        pareto: meets,
        error: None,
    }
}

use crate::output::columns::summary::SWEEP_METRICS;

#[test]
fn a_sweep_report_highlights_the_variants_meeting_the_slo() {
    let mut failed = variant(1, 30.0, 0.5, false);
    failed.failed = 1;
    failed.error = Some("bad value <b>1024</b>".into());
    let stats = vec![
        variant(0, 4.0, 2.0, true),
        failed,
        variant(2, 8.0, 1.5, true),
    ];
    let html = sweep::html(&plan(), &stats, &[]);
    assert_eq!(count(&html, "<tr class=\"meets\">"), 2);
    assert_eq!(count(&html, "<tr class=\"failed\">"), 1);
    assert!(html.contains("id=\"variants-table\""));
    assert!(!html.contains("<b>1024</b>"));
    assert!(html.contains("<td>&lt;b&gt;1024&lt;/b&gt;</td>"));
    assert!(html.contains("bad value &lt;b&gt;1024&lt;/b&gt;"));
    // The cheapest variant meeting the SLO is the headline.
    assert!(
        html.contains("<div class=\"value\">variant 2</div>"),
        "{html}"
    );
    assert!(html.contains("title=\"mean 1.5, 95 % CI [0.5, 2.5], n = 2\">1.5</td>"));
    assert_eq!(html, sweep::html(&plan(), &stats, &[]));
}

#[test]
fn a_sweep_report_shows_the_pareto_chart_first() {
    let svg = |name: &str| OutputFile {
        name: name.into(),
        bytes: format!("<?xml version=\"1.0\"?>\n<svg id=\"{name}\"></svg>\n").into_bytes(),
    };
    let png = OutputFile {
        name: "pareto.png".into(),
        bytes: vec![0x89, b'P'],
    };
    let charts = [svg("metric-by-parameter.svg"), png, svg("pareto.svg")];
    let html = sweep::html(&plan(), &[variant(0, 1.0, 1.0, true)], &charts);
    assert_eq!(count(&html, "<svg"), 2);
    assert!(html.find("chart-pareto").unwrap() < html.find("chart-metric-by-parameter").unwrap());
    assert!(!html.contains("<?xml"));
}
