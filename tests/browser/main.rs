//! `report.html` in a real headless browser: Debian's `chromium`, driven through
//! `chromedriver` (WebDriver, plain JSON over HTTP on a local port, spoken here with the
//! standard library). A bundled scenario's report and a bundled sweep's report must load
//! with no console message at warning level or above, show their SVG charts and tables,
//! and sort a table when a column header is clicked.
//!
//! Without `chromium` and `chromedriver` the test prints a SKIPPED line and passes;
//! `.ci/run` installs both so CI runs it.

mod webdriver;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;
use webdriver::Session;

fn esmsim(args: &[&str]) {
    let status = Command::new(env!("CARGO_BIN_EXE_esmsim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .status()
        .expect("esmsim runs");
    assert!(status.success(), "esmsim {args:?}");
}

fn url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The numbers of column `col` of the table `id`, top to bottom.
fn column(s: &Session, id: &str, col: usize) -> Vec<f64> {
    let script = format!(
        "return Array.from(document.getElementById('{id}').tBodies[0].rows)\
         .map(r => Number(r.cells[{col}].getAttribute('data-v') ?? r.cells[{col}].textContent));"
    );
    let value = s.execute(&script);
    value
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_f64().unwrap_or(f64::NAN))
        .collect()
}

/// The index of the header of table `id` whose text starts with `name`.
fn header_index(s: &Session, id: &str, name: &str) -> usize {
    let script = format!(
        "return Array.from(document.getElementById('{id}').tHead.rows[0].cells)\
         .findIndex(th => th.textContent.startsWith('{name}'));"
    );
    let i = s.execute(&script).as_i64().expect("an index");
    usize::try_from(i).unwrap_or_else(|_| panic!("no column {name} in {id}"))
}

fn click_header(s: &Session, id: &str, col: usize) {
    let css = format!("#{id} thead th:nth-child({})", col + 1);
    let element = s.find(&css);
    s.click(&element);
}

fn is_sorted(values: &[f64], ascending: bool) -> bool {
    values.windows(2).all(|w| {
        if ascending {
            w[0] <= w[1]
        } else {
            w[0] >= w[1]
        }
    })
}

/// Loads `page`, checks it has no console message at warning level or above and at least
/// `svgs` inline SVG charts, then sorts `table` by `column_name` both ways by clicking.
fn check_page(s: &Session, page: &Path, svgs: usize, table: &str, column_name: &str) {
    s.navigate(&url(page));
    let log = s.browser_log();
    let bad: Vec<&serde_json::Value> = log
        .iter()
        .filter(|e| matches!(e["level"].as_str(), Some("SEVERE" | "WARNING")))
        .collect();
    assert!(
        bad.is_empty(),
        "{}: console messages {bad:?}",
        page.display()
    );
    let charts = s
        .execute("return document.querySelectorAll('figure.chart > svg').length;")
        .as_u64()
        .unwrap();
    assert!(charts >= svgs as u64, "{}: {charts} charts", page.display());
    let rows = s
        .execute(&format!(
            "return document.getElementById('{table}').tBodies[0].rows.length;"
        ))
        .as_u64()
        .unwrap();
    assert!(rows >= 2, "{}: {rows} rows in {table}", page.display());

    // A long table starts folded: open it as a reader would.
    s.execute("document.querySelectorAll('details').forEach(d => { d.open = true; }); return 0;");
    let col = header_index(s, table, column_name);
    let before = column(s, table, col);
    click_header(s, table, col);
    let ascending = column(s, table, col);
    assert!(
        is_sorted(&ascending, true),
        "{table} by {column_name}: {ascending:?}"
    );
    click_header(s, table, col);
    let descending = column(s, table, col);
    assert!(
        is_sorted(&descending, false),
        "{table} by {column_name}: {descending:?}"
    );
    let mut sorted = before.clone();
    sorted.sort_by(f64::total_cmp);
    assert_eq!(ascending, sorted, "sorting keeps every row");
    assert_ne!(before, descending, "the click changed the order");
    let aria = s.execute(&format!(
        "return document.querySelector('#{table} thead th:nth-child({})').getAttribute('aria-sort');",
        col + 1
    ));
    assert_eq!(aria, json!("descending"));
}

#[test]
fn reports_load_show_charts_and_sort_in_headless_chromium() {
    let Some(driver) = webdriver::Driver::start() else {
        eprintln!(
            "SKIPPED browser test: `chromium` and `chromedriver` are not both installed \
             (apt-get install chromium chromium-driver); report.html was NOT checked in a browser"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let run: PathBuf = dir.path().join("run");
    let sweep: PathBuf = dir.path().join("sweep");
    esmsim(&[
        "run",
        "scenarios/quickstart.yaml",
        "--quiet",
        "--no-charts",
        "--out",
        run.to_str().unwrap(),
    ]);
    // A small sweep of the quick start: 6 variants, 2 replications each.
    let sweep_file = dir.path().join("sweep.yaml");
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quickstart.yaml");
    std::fs::write(
        &sweep_file,
        format!(
            "name: browser\nbase: {}\nreplications: 2\nset: {{duration: 20m}}\n\
             grid:\n  function.memory: [512, 1024, 2048]\n  esm.batch_size: [50, 500]\n\
             slo: {{max_age: 2m}}\ncharts: {{metric: cost_usd, x: function.memory, lines: esm.batch_size}}\n",
            base.display()
        ),
    )
    .unwrap();
    esmsim(&[
        "sweep",
        sweep_file.to_str().unwrap(),
        "--quiet",
        "--no-charts",
        "--jobs",
        "2",
        "--out",
        sweep.to_str().unwrap(),
    ]);
    let session = driver.session();
    check_page(
        &session,
        &run.join("report.html"),
        5,
        "scaling-table",
        "time_s",
    );
    check_page(
        &session,
        &sweep.join("report.html"),
        1,
        "variants-table",
        "cost_usd",
    );
    let meets = session
        .execute("return document.querySelectorAll('#variants-table tr.meets').length;")
        .as_u64()
        .unwrap();
    // best.csv lists every variant, those meeting every objective first.
    let best = std::fs::read_to_string(sweep.join("best.csv")).unwrap();
    let mut lines = best.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "meets_slo").unwrap();
    let meeting = lines
        .filter(|l| l.split(',').nth(col) == Some("true"))
        .count();
    assert!(
        meeting > 0,
        "the test sweep should have variants meeting its SLO"
    );
    assert_eq!(meets as usize, meeting, "highlighted rows");
}
