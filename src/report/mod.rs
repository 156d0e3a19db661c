//! `report.html`: one self-contained page per run and per sweep, for people who open a
//! browser rather than a CSV file.
//!
//! A pure exporter like [`crate::output`]: [`run::html`] and [`sweep::html`] take the
//! in-memory results and the SVG charts already drawn by [`crate::charts`] or
//! [`crate::sweep::charts`] and return the page as a `String`; the CLI edge writes it
//! atomically with the other files. The page needs no network: the charts are inline
//! SVG, the style sheet and the few lines of script that sort tables are inline, and no
//! font is loaded (the browser's own sans-serif is used; the charts carry their text as
//! SVG text drawn in the bundled font's metrics). Every string that comes from a scenario
//! or a sweep file is HTML-escaped ([`escape`]). Same results, same bytes.
//!
//! The summary is rendered from its serialized JSON ([`summary_table`]), with units and
//! meanings from the column registry ([`crate::output::columns`]), so a field added to
//! `summary.json` appears in the report without a change here.

pub mod run;
pub mod sweep;
#[cfg(test)]
mod tests;

use std::fmt::Write as _;

use serde_json::Value as Json;

use crate::charts::format;
use crate::output::OutputFile;
use crate::output::columns::summary::SUMMARY;
use crate::output::columns::{self, Unit};

/// File name of the report, in a run's or a sweep's output folder.
pub const REPORT_HTML: &str = "report.html";

/// Longest table that is shown open; longer ones start folded (`<details>`).
const OPEN_ROWS: usize = 25;

/// The style sheet, inline in every report.
const CSS: &str = include_str!("report.css");

/// The table sorter, inline in every report: clicking (or Enter on) a header of a
/// `table.sortable` sorts its rows by that column, numbers before text, again to reverse.
const SORT_JS: &str = include_str!("sort.js");

/// `text` with the five characters that matter in HTML text and attribute values
/// replaced by entities.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The whole page: head with the inline style sheet, `body`, then the inline script.
fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"esmsim {version}\">\n\
         <title>{title}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n{body}\
         <footer>Written by esmsim {version}. This page is self-contained: it loads nothing \
         from the network.</footer>\n<script>\n{SORT_JS}</script>\n</body>\n</html>\n",
        version = env!("CARGO_PKG_VERSION"),
        title = escape(title),
    )
}

/// An SVG chart as an inline `<figure>`: the document without an XML declaration.
fn figure(chart: &OutputFile) -> String {
    let text = String::from_utf8_lossy(&chart.bytes);
    let svg = text.find("<svg").map_or(&text[..], |i| &text[i..]);
    let stem = chart.name.trim_end_matches(".svg");
    format!(
        "<figure class=\"chart\" id=\"chart-{}\">\n{}\n</figure>\n",
        escape(stem),
        svg.trim_end()
    )
}

/// The inline figures of the `.svg` files among `charts`, in their order.
fn figures(charts: &[OutputFile]) -> String {
    charts
        .iter()
        .filter(|c| c.name.ends_with(".svg"))
        .map(figure)
        .collect()
}

/// A table inside `<details>`, open when it has at most [`OPEN_ROWS`] rows.
fn folded(summary: &str, rows: usize, table: &str) -> String {
    let open = if rows <= OPEN_ROWS { " open" } else { "" };
    format!(
        "<details{open}>\n<summary>{}</summary>\n{table}</details>\n",
        escape(summary)
    )
}

/// The unit of a summary field or a field nested in one: the registry's, else what the
/// name's suffix says (`_s`, `_usd`, `_records`), else none.
fn unit_of(name: &str) -> &'static str {
    if let Some(column) = columns::find(&SUMMARY, name) {
        return column.unit.symbol();
    }
    let by_suffix = [
        ("_gb_s", Unit::GbSeconds),
        ("_usd", Unit::Usd),
        ("_s", Unit::Seconds),
        ("records", Unit::Records),
    ];
    by_suffix
        .iter()
        .find(|(suffix, _)| name.ends_with(suffix))
        .map_or("", |(_, unit)| unit.symbol())
}

/// A number for reading: whole numbers grouped by thousands (`1,257,918`), others with
/// four significant digits and no trailing zeros.
fn number(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    if v.fract() == 0.0 && v.abs() < 1e15 {
        let digits = format!("{}", v.abs() as u64);
        let mut grouped = String::new();
        for (i, d) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(d);
        }
        return if v < 0.0 {
            format!("-{grouped}")
        } else {
            grouped
        };
    }
    let text = format::four_significant_digits(v);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A number in `unit` for a headline card: durations in words, dollars with `$`,
/// records with an SI suffix.
fn headline_value(v: f64, unit: &str) -> String {
    match unit {
        "s" => format::duration(v),
        "USD" => format::usd(v),
        "records" => format!("{} records", format::count(v)),
        "" => number(v),
        unit => format!("{} {unit}", number(v)),
    }
}

/// A JSON value as the contents of a table cell, with its sort key: numbers formatted
/// for reading (the exact value in the `title`), `null` as "–", text escaped, lists and
/// objects as compact JSON.
fn cell(value: &Json) -> String {
    match value {
        Json::Null => "<td data-v=\"\">–</td>".into(),
        Json::Number(n) => {
            let v = n.as_f64().unwrap_or(f64::NAN);
            format!(
                "<td class=\"num\" data-v=\"{n}\" title=\"{n}\">{}</td>",
                number(v)
            )
        }
        Json::Bool(b) => format!("<td data-v=\"{b}\">{b}</td>"),
        Json::String(s) => format!("<td>{}</td>", escape(s)),
        other => format!("<td><code>{}</code></td>", escape(&other.to_string())),
    }
}

/// The summary as tables, from its serialized JSON: one row per scalar field (name,
/// value, unit, meaning from the registry), then one table per list of objects (one row
/// per entry, one column per key) and per nested object.
pub fn summary_table(summary: &Json) -> String {
    let Json::Object(fields) = summary else {
        return String::new();
    };
    let mut html = String::from(
        "<table class=\"kv\">\n<thead><tr><th>Field</th><th>Value</th><th>Unit</th>\
         <th>Meaning</th></tr></thead>\n<tbody>\n",
    );
    let mut nested = String::new();
    for (name, value) in fields {
        match value {
            Json::Array(items) => nested.push_str(&list_table(name, items)),
            Json::Object(_) => nested.push_str(&list_table(name, std::slice::from_ref(value))),
            scalar => {
                let doc = columns::find(&SUMMARY, name).map_or("", |c| c.doc);
                let _ = writeln!(
                    html,
                    "<tr><th scope=\"row\"><code>{}</code></th>{}<td>{}</td><td>{}</td></tr>",
                    escape(name),
                    cell(scalar),
                    escape(unit_of(name)),
                    escape(doc)
                );
            }
        }
    }
    html.push_str("</tbody>\n</table>\n");
    html.push_str(&nested);
    html
}

/// A sortable table of `items` under the heading `name`: one row per item, one column
/// per key (in first-seen order, units in the header); a scalar item is one cell.
fn list_table(name: &str, items: &[Json]) -> String {
    let mut keys: Vec<&str> = Vec::new();
    for item in items {
        if let Json::Object(map) = item {
            for k in map.keys() {
                if !keys.contains(&k.as_str()) {
                    keys.push(k);
                }
            }
        }
    }
    let mut html = format!("<h3><code>{}</code></h3>\n", escape(name));
    if items.is_empty() {
        html.push_str("<p class=\"note\">None.</p>\n");
        return html;
    }
    html.push_str("<div class=\"scroll\"><table class=\"sortable\">\n<thead><tr>");
    if keys.is_empty() {
        html.push_str("<th>value</th>");
    }
    for k in &keys {
        html.push_str(&header(k, unit_of(k)));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for item in items {
        html.push_str("<tr>");
        match item {
            Json::Object(map) => {
                for k in &keys {
                    html.push_str(&cell(map.get(*k).unwrap_or(&Json::Null)));
                }
            }
            scalar => html.push_str(&cell(scalar)),
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table></div>\n");
    html
}

/// A column header: the name, and the unit in brackets when there is one.
fn header(name: &str, unit: &str) -> String {
    if unit.is_empty() {
        format!("<th scope=\"col\">{}</th>", escape(name))
    } else {
        format!(
            "<th scope=\"col\">{} <span class=\"unit\">({})</span></th>",
            escape(name),
            escape(unit)
        )
    }
}

/// Headline cards: the label, the value (already formatted) and an optional note.
fn cards(items: &[(String, String, String)]) -> String {
    let mut html = String::from("<div class=\"cards\">\n");
    for (label, value, note) in items {
        let _ = write!(
            html,
            "<div class=\"card\"><div class=\"label\">{}</div><div class=\"value\">{}</div>",
            escape(label),
            escape(value)
        );
        if !note.is_empty() {
            let _ = write!(html, "<div class=\"note\">{}</div>", escape(note));
        }
        html.push_str("</div>\n");
    }
    html.push_str("</div>\n");
    html
}
