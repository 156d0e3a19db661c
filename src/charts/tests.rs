//! Tests of the charts module as a whole: loading, SVG structure, PNG pixels, options and
//! error messages. Unit tests of helpers live next to them.

use std::fmt::Write as _;

use super::*;
use crate::model::scaler::Action;

/// A deterministic synthetic run of `n` samples, `step_s` apart: a burst that the scaler
/// chases, a short outage with no commits (so latency has a gap) and a one-sample spike.
/// Returns (timeseries.csv, scaling.csv).
pub(crate) fn synthetic_run(n: usize, step_s: f64) -> (String, String) {
    let mut ts = String::from(
        "time_s,produced_records_per_s,committed_records_per_s,produced_total_records,\
         committed_total_records,lag_records,max_partition_lag_records,oldest_record_age_s,\
         pollers,processors,concurrency_mean,concurrency_max,invocations_per_s,\
         mean_batch_records,errors,retries,latency_p50_s,latency_p99_s,gb_s,\
         cost_requests_usd,cost_duration_usd,cost_usd,extra_column\n",
    );
    let mut scaling = String::from(
        "time_s,total_lag_records,previous_lag_records,max_partition_lag_records,from,to,action,reason,effective_at_s\n",
    );
    let (mut lag, mut produced_total, mut committed_total) = (0.0_f64, 0.0, 0.0);
    let (mut pollers, mut pending): (u32, Option<(f64, u32)>) = (1, None);
    let (mut cost_req, mut cost_dur) = (0.0_f64, 0.0_f64);
    let mut previous_lag = 0.0;
    let eval_every = (n / 24).max(1);
    for i in 0..n {
        let t = (i + 1) as f64 * step_s;
        let frac = i as f64 / n as f64;
        if let Some((at, to)) = pending
            && t >= at
        {
            pollers = to;
            pending = None;
        }
        let mut produced = 1000.0
            + if (0.25..0.45).contains(&frac) {
                4000.0
            } else {
                0.0
            };
        if i == n / 5 {
            produced = 20_000.0; // one-sample spike
        }
        let outage = (0.6..0.63).contains(&frac);
        let capacity = if outage {
            0.0
        } else {
            f64::from(pollers) * 1500.0
        };
        let committed = capacity.min(produced + lag / step_s);
        lag = (lag + (produced - committed) * step_s).max(0.0);
        produced_total += produced * step_s;
        committed_total += committed * step_s;
        let age = if lag > 0.0 {
            lag / produced.max(1.0)
        } else {
            0.0
        };
        let (p50, p99) = if committed > 0.0 {
            (
                format!("{:.3}", 0.2 + age * 0.5),
                format!("{:.3}", 0.6 + age),
            )
        } else {
            (String::new(), String::new())
        };
        let invocations = committed / 100.0;
        cost_req += invocations * step_s * 0.2e-6;
        cost_dur += invocations * step_s * 0.5 * 1.0 * 0.000_016_666_7;
        let processors = pollers * 4;
        let concurrency = (invocations * 0.5).min(f64::from(processors));
        writeln!(
            ts,
            "{t},{produced},{committed},{produced_total},{committed_total},{lag},{mlag},{age:.3},\
             {pollers},{processors},{concurrency:.2},{cmax},{invocations},100,0,0,{p50},{p99},1.0,\
             {cost_req:.8},{cost_dur:.8},{total:.8},x",
            mlag = (lag / 3.0).round(),
            cmax = concurrency.ceil(),
            total = cost_req + cost_dur,
        )
        .unwrap();
        if i % eval_every == eval_every - 1 && pending.is_none() {
            let (action, to) = if lag > previous_lag && lag > 1000.0 {
                ("scale_out", pollers + 1)
            } else if lag == 0.0 && pollers > 1 {
                ("scale_in", pollers - 1)
            } else {
                ("hold", pollers)
            };
            let effective = if action == "hold" {
                String::new()
            } else {
                let at = t + 3.0 * step_s * eval_every as f64 / 4.0;
                pending = Some((at, to));
                format!("{at}")
            };
            writeln!(
                scaling,
                "{t},{lag},{previous_lag},{mlag},{pollers},{to},{action},lag {action},{effective}",
                mlag = (lag / 3.0).round(),
            )
            .unwrap();
            previous_lag = lag;
        }
    }
    (ts, scaling)
}

const MANIFEST: &str = r#"{"tool":"esmsim","version":"0.1.0","seed":42,"scenario_hash":"abc",
  "scenario":{"name":"burst-test","seed":42,"slo":{"max_age":"1m"}}}"#;
const SUMMARY: &str = r#"{"max_lag_records":123456,"max_record_age_s":95.5,"latency_p99_s":42.0,
  "cost_usd":1.2345,"invocations":1000}"#;

pub(crate) fn synthetic_input(n: usize, step_s: f64) -> ChartInput {
    let (ts, scaling) = synthetic_run(n, step_s);
    ChartInput::from_bytes(
        ts.as_bytes(),
        scaling.as_bytes(),
        MANIFEST.as_bytes(),
        SUMMARY.as_bytes(),
    )
    .expect("synthetic input parses")
}

fn svg_of(input: &ChartInput, kind: ChartKind) -> String {
    let opts = ChartOptions {
        format: ChartFormat::Svg,
        charts: vec![kind],
        ..ChartOptions::default()
    };
    let files = render(input, &opts).unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].name, format!("{}.svg", kind.name()));
    String::from_utf8(files[0].bytes.clone()).unwrap()
}

/// The text of every `<text>` element, in document order.
fn svg_texts(svg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find("<text") {
        rest = &rest[start..];
        let open_end = rest.find('>').unwrap() + 1;
        let close = rest.find("</text>").unwrap();
        let text = rest[open_end..close].trim();
        if !text.is_empty() {
            out.push(text.to_string());
        }
        rest = &rest[close..];
    }
    out
}

#[test]
fn parses_by_header_name_tolerating_extra_columns_and_empty_cells() {
    let input = synthetic_input(600, 1.0);
    assert_eq!(input.scenario_name, "burst-test");
    assert_eq!(input.seed, Some(42));
    assert_eq!(
        input.objectives.iter().map(|o| o.limit).collect::<Vec<_>>(),
        [60.0]
    );
    assert_eq!(input.series.len(), 600);
    assert!(
        input.series.latency_p99_s.iter().any(|v| v.is_nan()),
        "outage leaves gaps"
    );
    assert!(input.scaling.iter().any(|d| d.action == Action::ScaleOut));
    assert!(
        input
            .scaling
            .iter()
            .any(|d| d.action == Action::Hold && d.effective_at_s.is_none())
    );
    assert_eq!(input.summary.max_lag_records, Some(123_456.0));
}

/// `tests/fixtures/charts/`: `scenario.yaml` and the files a run of it writes.
fn fixture_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/charts")
}

/// The files the exporter writes for the fixture's `scenario.yaml` today.
fn fixture_run_files() -> Vec<ChartFile> {
    let scenario = crate::scenario::load::load(&fixture_dir().join("scenario.yaml"), &[])
        .expect("the fixture scenario resolves");
    let result = crate::sim::Simulation::new(&scenario).run(&mut |_| {});
    crate::output::render(&scenario, &result)
}

/// The fixture holds exactly what the exporter writes, so the charts are tested on real
/// columns. After an intended change to the outputs, regenerate it with
/// `ESMSIM_UPDATE_FIXTURES=1 cargo test --lib charts::tests::the_fixture`.
#[test]
fn the_fixture_is_what_a_run_of_its_scenario_writes() {
    let files = fixture_run_files();
    if std::env::var_os("ESMSIM_UPDATE_FIXTURES").is_some() {
        crate::output::write::write_all(&fixture_dir(), &files).unwrap();
    }
    for file in files {
        let saved = std::fs::read(fixture_dir().join(&file.name)).unwrap_or_default();
        assert!(
            saved == file.bytes,
            "tests/fixtures/charts/{} differs from what the exporter writes; regenerate it \
             with ESMSIM_UPDATE_FIXTURES=1 cargo test --lib charts::tests::the_fixture",
            file.name
        );
    }
}

#[test]
fn loads_the_fixture_directory() {
    let input = ChartInput::from_files(&fixture_dir()).unwrap();
    assert_eq!(input.scenario_name, "fixture-small");
    assert!(input.objectives.is_empty());
    assert_eq!(input.series.len(), 40);
    assert!(input.scaling.iter().any(|d| d.action == Action::ScaleOut));
    let files = render(&input, &ChartOptions::default()).unwrap();
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "throughput.png",
            "throughput.svg",
            "lag.png",
            "lag.svg",
            "scaling.png",
            "scaling.svg",
            "latency.png",
            "latency.svg",
            "cost.png",
            "cost.svg",
            "overview.png",
            "overview.svg"
        ]
    );
}

#[test]
fn overview_svg_structure_snapshot() {
    let input = synthetic_input(3600, 1.0);
    let svg = svg_of(&input, ChartKind::Overview);
    let texts = svg_texts(&svg);
    for expected in [
        "esmsim — burst-test (seed 42)",
        "Throughput: produced vs committed",
        "Offset lag",
        "Age of the oldest uncommitted record",
        "Pollers, processors and concurrency",
        "End-to-end latency of committed records",
        "Cumulative cost",
        "time (min)",
        "records/s",
        "lag (records)",
        "age (min)",
        "cost (USD)",
        "produced",
        "committed",
        "max partition lag",
        "SLO max_age 1 min",
        "scale-out decided",
        "change takes effect",
        "p99",
        "duration (GB-s)",
    ] {
        assert!(
            texts.iter().any(|t| t == expected),
            "missing text {expected:?} in {texts:?}"
        );
    }
    assert!(
        texts.iter().any(|t| t.contains("max lag 123k records")),
        "{texts:?}"
    );
    // Normalised excerpt: the texts, one per line, and how many of each drawn shape.
    let count = |needle: &str| svg.matches(needle).count();
    let excerpt = format!(
        "{}\n---\npolylines>0: {}\npolygons>0: {}\ncircles>0: {}",
        texts.join("\n"),
        count("<polyline") > 0,
        count("<polygon") > 0,
        count("<circle") > 0,
    );
    insta::assert_snapshot!("overview_svg_excerpt", excerpt);
}

/// The points, in pixels, of every `<polyline>` stroked with `colour` at `width`, in
/// document order.
fn polylines_stroked(svg: &str, colour: &str, width: u32) -> Vec<Vec<(i32, i32)>> {
    let stroke = format!("stroke=\"{colour}\" stroke-width=\"{width}\"");
    svg.split("<polyline")
        .skip(1)
        .map(|rest| &rest[..rest.find("/>").expect("polyline is closed")])
        .filter(|element| element.contains(&stroke))
        .map(|element| {
            let points = element.split("points=\"").nth(1).expect("points attribute");
            let points = &points[..points.find('"').unwrap()];
            points
                .split_whitespace()
                .map(|p| {
                    let (x, y) = p.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect()
        })
        .collect()
}

#[test]
fn latency_has_gaps_where_nothing_was_committed() {
    let input = synthetic_input(600, 1.0);
    // The synthetic outage (samples 360..378, times 361 s..378 s) commits nothing, so p50
    // is missing there: two committed stretches, 1 s..360 s and 379 s..600 s.
    let s = &input.series;
    let mut stretches: Vec<(f64, f64)> = Vec::new();
    let mut open: Option<f64> = None;
    for (i, (&t, &v)) in s.time_s.iter().zip(&s.latency_p50_s).enumerate() {
        if v.is_finite() {
            open.get_or_insert(t);
        } else if let Some(start) = open.take() {
            stretches.push((start, s.time_s[i - 1]));
        }
    }
    stretches.extend(open.map(|start| (start, *s.time_s.last().unwrap())));
    assert_eq!(stretches, [(1.0, 360.0), (379.0, 600.0)]);

    // p50 is the only solid blue (#0072B2, width 2) line of the chart; p99 is dashed in
    // another colour, so its per-dash polylines do not count here. The last blue polyline
    // is the legend glyph, a 20 px horizontal stroke.
    let svg = svg_of(&input, ChartKind::Latency);
    let mut runs = polylines_stroked(&svg, "#0072B2", 2);
    let legend = runs.pop().expect("p50 legend glyph");
    assert_eq!(legend.len(), 2, "legend glyph: {legend:?}");
    assert_eq!(
        (legend[1].0 - legend[0].0, legend[1].1 - legend[0].1),
        (20, 0),
        "legend glyph: {legend:?}"
    );
    // A line is also split where it turns back sharply; such runs share their vertex, so
    // runs that continue each other are one drawn stretch.
    let mut drawn: Vec<Vec<(i32, i32)>> = Vec::new();
    for run in runs {
        match drawn.last_mut() {
            Some(line) if line.last() == run.first() => line.extend_from_slice(&run[1..]),
            _ => drawn.push(run),
        }
    }
    assert_eq!(
        drawn.len(),
        stretches.len(),
        "one drawn p50 line per committed stretch"
    );
    // The gap is where the outage is: map pixels back to seconds with the ends of the
    // line (1 s and 600 s) and compare every stretch's ends, to within a second.
    let (x_first, x_last) = (drawn[0][0].0, drawn[1].last().unwrap().0);
    let seconds = |x: i32| 1.0 + f64::from(x - x_first) * 599.0 / f64::from(x_last - x_first);
    for (line, &(start, end)) in drawn.iter().zip(&stretches) {
        let (from, to) = (seconds(line[0].0), seconds(line.last().unwrap().0));
        assert!(
            (from - start).abs() <= 1.0 && (to - end).abs() <= 1.0,
            "drawn {from:.1} s..{to:.1} s, committed {start} s..{end} s"
        );
    }
}

#[test]
fn png_is_decodable_sized_and_not_blank() {
    let input = synthetic_input(3600, 1.0);
    let opts = ChartOptions {
        format: ChartFormat::Png,
        size: "800x400".parse().unwrap(),
        charts: vec![ChartKind::Lag, ChartKind::Overview],
        ..ChartOptions::default()
    };
    let files = render(&input, &opts).unwrap();
    for (file, (w, h)) in files
        .iter()
        .zip([(800, 400), (800, draw::overview_height(&input, 400))])
    {
        let decoder = png::Decoder::new(std::io::Cursor::new(&file.bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (w, h), "{}", file.name);
        assert_eq!(info.color_type, png::ColorType::Rgb);
        let pixels = &buf[..info.buffer_size()];
        let colours: std::collections::HashSet<&[u8]> = pixels.chunks(3).collect();
        assert!(
            colours.len() > 20,
            "{}: only {} colours",
            file.name,
            colours.len()
        );
        let non_white = pixels.chunks(3).filter(|p| *p != [255, 255, 255]).count();
        assert!(
            non_white * 50 > pixels.len() / 3,
            "{}: nearly blank",
            file.name
        );
    }
}

#[test]
fn rendering_is_deterministic() {
    let input = synthetic_input(900, 1.0);
    let opts = ChartOptions {
        charts: vec![ChartKind::Scaling],
        ..ChartOptions::default()
    };
    assert_eq!(
        render(&input, &opts).unwrap(),
        render(&input, &opts).unwrap()
    );
}

#[test]
fn zoom_window_changes_the_time_unit_and_rejects_empty_windows() {
    let input = synthetic_input(7200, 1.0);
    let zoomed = ChartOptions {
        from_s: Some(600.0),
        to_s: Some(720.0),
        ..ChartOptions::default()
    };
    let svg = {
        let opts = ChartOptions {
            format: ChartFormat::Svg,
            charts: vec![ChartKind::Overview],
            ..zoomed.clone()
        };
        String::from_utf8(render(&input, &opts).unwrap().remove(0).bytes).unwrap()
    };
    let texts = svg_texts(&svg);
    assert!(texts.iter().any(|t| t == "time (s)"), "{texts:?}");
    assert!(
        texts.iter().any(|t| t.contains("showing 10 min–12 min")),
        "{texts:?}"
    );

    let empty = ChartOptions {
        from_s: Some(10_000.0),
        to_s: Some(20_000.0),
        ..ChartOptions::default()
    };
    let err = render(&input, &empty).unwrap_err().to_string();
    assert!(
        err.contains("no sample between 10000 s and 20000 s"),
        "{err}"
    );
}

#[test]
fn errors_name_what_to_fix() {
    let missing =
        ChartInput::from_bytes(b"time_s,lag_records\n1,2\n", b"", MANIFEST.as_bytes(), b"")
            .unwrap_err()
            .to_string();
    assert_eq!(
        missing,
        "timeseries.csv has no column `produced_records_per_s` (its header must name it)"
    );

    let size = "800x".parse::<ChartSize>().unwrap_err().to_string();
    assert!(
        size.contains("\"800x\"") && size.contains("WIDTHxHEIGHT"),
        "{size}"
    );
    assert!("50x50".parse::<ChartSize>().is_err());
    assert_eq!(
        "1024x768".parse::<ChartSize>().unwrap(),
        ChartSize::new(1024, 768).unwrap()
    );

    let dir = tempfile::tempdir().unwrap();
    let err = ChartInput::from_files(dir.path()).unwrap_err().to_string();
    assert!(err.contains("timeseries.csv not found"), "{err}");

    let (ts, _) = synthetic_run(10, 1.0);
    let bad_action = "time_s,from,to,action,effective_at_s\n5,1,2,grow,8\n";
    let err = ChartInput::from_bytes(
        ts.as_bytes(),
        bad_action.as_bytes(),
        MANIFEST.as_bytes(),
        b"",
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("scaling.csv line 2, column `action`: \"grow\""),
        "{err}"
    );

    let bad_slo = r#"{"scenario":{"name":"x","slo":{"max_age":"soon"}}}"#;
    let err = ChartInput::from_bytes(ts.as_bytes(), b"", bad_slo.as_bytes(), b"")
        .unwrap_err()
        .to_string();
    assert!(err.contains("scenario.slo.max_age"), "{err}");
}

/// Writes every chart of a synthetic run to `$ESMSIM_CHART_PREVIEW` (a directory) and
/// prints the time to render a day of 1 s samples. Run with
/// `ESMSIM_CHART_PREVIEW=/tmp/charts cargo test --release --lib charts::tests::preview -- --ignored --nocapture`.
#[test]
#[ignore = "writes files; for looking at the charts and timing them"]
fn preview() {
    let dir = std::path::PathBuf::from(
        std::env::var("ESMSIM_CHART_PREVIEW").expect("set ESMSIM_CHART_PREVIEW"),
    );
    let rows: usize = std::env::var("ESMSIM_CHART_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(86_400);
    let (ts, scaling) = synthetic_run(rows, 1.0);
    let started = std::time::Instant::now();
    let input = ChartInput::from_bytes(
        ts.as_bytes(),
        scaling.as_bytes(),
        MANIFEST.as_bytes(),
        SUMMARY.as_bytes(),
    )
    .unwrap();
    let parsed = started.elapsed();
    let size = std::env::var("ESMSIM_CHART_SIZE")
        .map_or_else(|_| ChartSize::default(), |v| v.parse().unwrap());
    let files = render(
        &input,
        &ChartOptions {
            size,
            ..ChartOptions::default()
        },
    )
    .unwrap();
    let rendered = started.elapsed() - parsed;
    println!("{rows} rows: parse {parsed:?}, render 12 files {rendered:?}");
    crate::output::write::write_all(&dir, &files).unwrap();
}

/// The texts of the `kind` chart of a run of the bundled scenario `file` with `sets`.
pub(crate) fn svg_texts_of_run(file: &str, sets: &[&str], kind: ChartKind) -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let scenario = crate::scenario::load::load(&path, &sets).unwrap();
    let result = crate::sim::Simulation::new(&scenario).run(&mut |_| {});
    let files = crate::output::render(&scenario, &result);
    let bytes = |name: &str| &files.iter().find(|f| f.name == name).unwrap().bytes;
    let input = ChartInput::from_bytes(
        bytes("timeseries.csv"),
        bytes("scaling.csv"),
        bytes("manifest.json"),
        bytes("summary.json"),
    )
    .unwrap();
    svg_texts(&svg_of(&input, kind))
}

#[test]
fn the_cost_panel_stacks_event_poller_units_only_when_they_were_billed() {
    let chart_of = |sets: &[&str]| {
        svg_texts_of_run(
            "scenarios/on-demand-vs-provisioned.yaml",
            sets,
            ChartKind::Cost,
        )
    };
    let legend = "Event Poller Units".to_string();
    assert!(chart_of(&[]).contains(&legend));
    let on_demand = chart_of(&["esm.mode=on_demand", "esm.provisioned="]);
    assert!(!on_demand.contains(&legend), "{on_demand:?}");
    assert!(on_demand.contains(&"requests".to_string()));
}

#[test]
fn with_start_at_the_time_axis_reads_the_wall_clock() {
    let (ts, scaling) = synthetic_run(120, 30.0);
    let manifest =
        r#"{"seed":42,"start_at":"2026-11-30T09:00:00+01:00","scenario":{"name":"clock"}}"#;
    let input = ChartInput::from_bytes(
        ts.as_bytes(),
        scaling.as_bytes(),
        manifest.as_bytes(),
        SUMMARY.as_bytes(),
    )
    .unwrap();
    let texts = svg_texts(&svg_of(&input, ChartKind::Lag));
    assert!(texts.iter().any(|t| t == "time (UTC+01:00)"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "09:00"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "09:30"), "{texts:?}");
    let bad = r#"{"start_at":"09:00","scenario":{"name":"clock"}}"#;
    let e = ChartInput::from_bytes(ts.as_bytes(), b"", bad.as_bytes(), b"").unwrap_err();
    assert!(e.to_string().contains("start_at"), "{e}");
}

/// Reads `column` of a `timeseries.csv` text, every row.
fn column_of(csv_text: &str, column: &str) -> Vec<f64> {
    let mut rdr = ::csv::Reader::from_reader(csv_text.as_bytes());
    let index = rdr
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap();
    rdr.records()
        .map(|r| r.unwrap()[index].parse().unwrap_or(f64::NAN))
        .collect()
}

fn extremes(values: &[f64]) -> (f64, f64) {
    values
        .iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        })
}

/// A run of 300,000 rows (past the exact limit) read from its file keeps a bounded
/// selection of rows that holds the first and last sample and the minimum and maximum of
/// every drawn column, the one-sample spike included; a run under the limit keeps every
/// row, the same as read from memory.
#[test]
fn long_runs_are_read_from_file_into_a_bounded_series_that_keeps_every_extreme() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(crate::output::TIMESERIES_CSV);
    let manifest = MANIFEST.as_bytes();

    let (short, scaling) = synthetic_run(1000, 1.0);
    std::fs::write(&path, &short).unwrap();
    let from_file =
        ChartInput::from_timeseries_file(&path, scaling.as_bytes(), manifest, b"").unwrap();
    let in_memory =
        ChartInput::from_bytes(short.as_bytes(), scaling.as_bytes(), manifest, b"").unwrap();
    assert_eq!(from_file.series.len(), 1000);
    // Compared as text: the latency gaps are NaN.
    assert_eq!(
        format!("{:?}", from_file.series),
        format!("{:?}", in_memory.series)
    );

    let n = 300_000;
    let (long, scaling) = synthetic_run(n, 0.01);
    std::fs::write(&path, &long).unwrap();
    let input = ChartInput::from_timeseries_file(&path, scaling.as_bytes(), manifest, b"").unwrap();
    let s = &input.series;
    assert!(s.len() < n / 4, "{} rows kept", s.len());
    assert_eq!(s.time_s.first(), Some(&0.01));
    assert_eq!(s.time_s.last(), Some(&(n as f64 * 0.01)));
    assert!(
        s.time_s.windows(2).all(|w| w[0] < w[1]),
        "rows stay in order"
    );
    let kept: [(&str, &Vec<f64>); 6] = [
        ("produced_records_per_s", &s.produced_records_per_s),
        ("lag_records", &s.lag_records),
        ("oldest_record_age_s", &s.oldest_record_age_s),
        ("pollers", &s.pollers),
        ("latency_p99_s", &s.latency_p99_s),
        ("cost_usd", &s.cost_usd),
    ];
    for (column, values) in kept {
        assert_eq!(
            extremes(values),
            extremes(&column_of(&long, column)),
            "{column}"
        );
    }
    assert_eq!(extremes(&s.produced_records_per_s).1, 20_000.0, "the spike");

    // A zoom into 1,000 of those rows keeps each of them.
    std::fs::write(dir.path().join(crate::output::MANIFEST_JSON), manifest).unwrap();
    let zoomed = ChartInput::from_files_within(dir.path(), Some(100.005), Some(110.0)).unwrap();
    assert_eq!(zoomed.series.len(), 1000);
    assert_eq!(zoomed.series.time_s.first(), Some(&100.01));
    let empty = ChartInput::from_files_within(dir.path(), Some(5000.0), None).unwrap();
    let opts = ChartOptions {
        from_s: Some(5000.0),
        ..ChartOptions::default()
    };
    let err = render(&empty, &opts).unwrap_err().to_string();
    assert!(err.contains("3000"), "names where the samples end: {err}");
}
