//! The documentation cannot go stale: every relative link in `README.md` and `docs/*.md`
//! reaches a file (and, with `#anchor`, a heading of it), every page under `docs/` is
//! linked from the README, every bundled file a page names exists, and the YAML examples
//! load: the annotated scenario resolves (with the page's CSV example as its trace) and the
//! sweep example loads against the bundled base scenario. Quoted results are today's: the
//! guide's run lines and the CSV lines `docs/outputs.md` quotes from the quick start.

use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `README.md` and every `docs/*.md`, with their text.
fn pages() -> Vec<(PathBuf, String)> {
    let mut files = vec![root().join("README.md")];
    let mut docs: Vec<PathBuf> = fs::read_dir(root().join("docs"))
        .expect("docs/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
        .into_iter()
        .map(|p| {
            let text = fs::read_to_string(&p).expect("page is readable");
            (p, text)
        })
        .collect()
}

/// The text outside fenced code blocks.
fn prose(text: &str) -> String {
    let mut inside = false;
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with("```") {
            inside = !inside;
            continue;
        }
        if !inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The fenced blocks of one language, in page order.
fn blocks(text: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(tag)) if tag.trim() == lang => current = Some(String::new()),
            (Some(block), Some(_)) => {
                out.push(std::mem::take(block));
                current = None;
            }
            (Some(block), None) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    out
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_' || *c == ' ')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// Every anchor a page defines: its headings and explicit `<a id="...">`.
fn anchors(text: &str) -> BTreeSet<String> {
    let prose = prose(text);
    let mut set: BTreeSet<String> = prose
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| slug(l.trim_start_matches('#')))
        .collect();
    for part in prose.split("<a id=\"").skip(1) {
        if let Some(end) = part.find('"') {
            set.insert(part[..end].to_string());
        }
    }
    set
}

/// Markdown link targets `](target)` in the prose of a page.
fn links(text: &str) -> Vec<String> {
    let prose = prose(text);
    prose
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.find(')').map(|end| rest[..end].to_string()))
        .collect()
}

#[test]
fn every_relative_link_reaches_a_file_and_an_anchor() {
    let mut broken = Vec::new();
    for (page, text) in pages() {
        let dir = page.parent().expect("page has a folder");
        for target in links(&text) {
            if target.starts_with("http://") || target.starts_with("https://") {
                continue;
            }
            let (file, anchor) = match target.split_once('#') {
                Some((f, a)) => (f, Some(a)),
                None => (target.as_str(), None),
            };
            let path = if file.is_empty() {
                page.clone()
            } else {
                dir.join(file)
            };
            if !path.exists() {
                broken.push(format!("{}: {target}: no such file", page.display()));
                continue;
            }
            if let Some(anchor) = anchor {
                let target_text = fs::read_to_string(&path).unwrap_or_default();
                if !anchors(&target_text).contains(anchor) {
                    broken.push(format!("{}: {target}: no such anchor", page.display()));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_docs_page_is_linked_from_the_readme() {
    let readme = fs::read_to_string(root().join("README.md")).expect("README is readable");
    let linked: BTreeSet<String> = links(&readme)
        .into_iter()
        .map(|t| t.split('#').next().unwrap_or_default().to_string())
        .collect();
    let unlinked: Vec<String> = pages()
        .into_iter()
        .skip(1)
        .map(|(p, _)| {
            format!(
                "docs/{}",
                p.file_name().expect("page has a name").to_string_lossy()
            )
        })
        .filter(|p| !linked.contains(p))
        .collect();
    assert!(
        unlinked.is_empty(),
        "pages the README does not link: {unlinked:?}"
    );
}

#[test]
fn every_bundled_file_a_page_names_exists() {
    let mut missing = Vec::new();
    for (page, text) in pages() {
        for word in text.split(|c: char| c.is_whitespace() || "`()[]|,:;'\"".contains(c)) {
            let word = word.trim_end_matches('.');
            let named = word.starts_with("scenarios/") && word.ends_with(".yaml");
            if named && !word.contains('*') && !root().join(word).exists() {
                missing.push(format!("{}: {word}", page.display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "files named but absent:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_annotated_scenario_example_resolves() {
    let page = fs::read_to_string(root().join("docs/scenario.md")).expect("readable");
    let example = blocks(&page, "yaml")
        .into_iter()
        .find(|b| b.contains("name: orders-peak"))
        .expect("docs/scenario.md has the annotated example");
    let trace = blocks(&page, "csv")
        .into_iter()
        .next()
        .expect("docs/scenario.md has a trace CSV example");
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir(dir.path().join("data")).expect("data dir");
    fs::write(dir.path().join("data/orders.csv"), trace).expect("trace written");
    let scenario = esmsim::scenario::load::from_yaml_str(&example, dir.path(), &[])
        .unwrap_or_else(|e| panic!("the annotated example does not resolve: {e}"));
    assert_eq!(scenario.name, "orders-peak");
}

#[test]
fn the_sweep_file_example_loads() {
    let page = fs::read_to_string(root().join("docs/sweeps.md")).expect("readable");
    let example = blocks(&page, "yaml")
        .into_iter()
        .find(|b| b.contains("base:"))
        .expect("docs/sweeps.md has a sweep file example");
    let dir = tempfile::tempdir_in(root().join("scenarios/sweeps")).expect("temp dir");
    let file = dir.path().join("example.yaml");
    fs::write(
        &file,
        example.replace("../steady-orders.yaml", "../../steady-orders.yaml"),
    )
    .expect("example written");
    let spec = esmsim::sweep::spec::SweepSpec::load(&file)
        .unwrap_or_else(|e| panic!("the sweep example does not load: {e}"));
    assert_eq!(spec.plan.name, "size-the-consumer");
}

/// A result line with its wall time and output folder masked: `in 0.25s` and `-> DIR`
/// differ from machine to machine, the rest must not.
fn masked(line: &str) -> String {
    let line = line.split(" -> ").next().unwrap_or(line);
    line.split(" | ")
        .map(|part| match part.split_once(" simulated in ") {
            Some((span, _)) => format!("{span} simulated in <wall>"),
            None => part.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

#[test]
fn the_guides_run_results_are_what_esmsim_prints_today() {
    let page = fs::read_to_string(root().join("docs/guide.md")).expect("readable");
    let commands = blocks(&page, "sh");
    let results = blocks(&page, "text");
    let runs: Vec<&String> = commands
        .iter()
        .filter(|b| b.trim().starts_with("esmsim run "))
        .collect();
    assert_eq!(
        runs.len(),
        results.len(),
        "one result block per `esmsim run`"
    );
    assert!(!runs.is_empty());
    for (command, expected) in runs.iter().zip(&results) {
        let scenario = command
            .split_whitespace()
            .nth(2)
            .expect("esmsim run SCENARIO");
        let out = tempfile::tempdir().expect("temp dir");
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_esmsim"))
            .args(["run", scenario, "--no-charts", "--no-report", "--out"])
            .arg(out.path())
            .current_dir(root())
            .output()
            .expect("esmsim starts");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let printed = String::from_utf8_lossy(&o.stdout);
        assert_eq!(
            masked(printed.lines().next().unwrap_or_default()),
            masked(expected.trim()),
            "docs/guide.md quotes an outdated result of {scenario}"
        );
    }
}

/// The file of a run that a CSV example quotes, known by its header.
fn quoted_file(header: &str) -> Option<&'static str> {
    [
        ("time_s,produced_records_per_s,", "timeseries.csv"),
        ("time_s,total_lag_records,", "scaling.csv"),
        ("time_s,p0,", "partitions.csv"),
    ]
    .into_iter()
    .find(|(start, _)| header.starts_with(start))
    .map(|(_, file)| file)
}

#[test]
fn the_outputs_pages_csv_lines_are_what_the_quickstart_writes_today() {
    let page = fs::read_to_string(root().join("docs/outputs.md")).expect("readable");
    let out = tempfile::tempdir().expect("temp dir");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_esmsim"))
        .args([
            "run",
            "scenarios/quickstart.yaml",
            "--no-charts",
            "--no-report",
        ])
        .args(["--set", "outputs.partitions_csv=true", "--out"])
        .arg(out.path())
        .current_dir(root())
        .output()
        .expect("esmsim starts");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let examples = blocks(&page, "csv");
    assert!(
        examples.len() >= 3,
        "timeseries, scaling and partitions examples"
    );
    for example in examples {
        let mut lines = example.lines();
        let header = lines.next().expect("a header");
        let file = quoted_file(header)
            .unwrap_or_else(|| panic!("docs/outputs.md quotes a CSV of no known file: {header}"));
        let written = fs::read_to_string(out.path().join(file)).expect("written");
        assert_eq!(written.lines().next(), Some(header), "{file}'s header");
        for line in lines {
            assert!(
                written.lines().any(|l| l == line),
                "docs/outputs.md quotes a {file} line the quickstart no longer writes: {line}"
            );
        }
    }
}
