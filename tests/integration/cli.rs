//! The binary end to end: run, check, explain, plot, sweep, merge, bench, errors and exit
//! codes.

use std::path::Path;
use std::process::Command;

fn esmsim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_esmsim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn run_writes_every_output_and_reruns_are_identical() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for out in [&a, &b] {
        let o = esmsim(&[
            "run",
            "scenarios/quickstart.yaml",
            "--out",
            out.to_str().unwrap(),
            "--set",
            "duration=5m",
        ]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        assert!(
            text(&o.stdout).contains("quickstart: 5m simulated"),
            "{}",
            text(&o.stdout)
        );
    }
    for name in [
        "timeseries.csv",
        "scaling.csv",
        "summary.json",
        "manifest.json",
    ] {
        let (x, y) = (
            std::fs::read(a.join(name)).unwrap(),
            std::fs::read(b.join(name)).unwrap(),
        );
        assert!(
            !x.is_empty() && x == y,
            "{name} differs between identical runs"
        );
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["scenario"]["duration"], "5m");
    assert_eq!(manifest["scenario"]["esm"]["batch_size"], 100);
    assert_eq!(manifest["scenario_hash"].as_str().unwrap().len(), 64);
    // The flash sale at 10 min is past the end of this 5-minute run: the run without it
    // is the same run, so it added nothing.
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("summary.json")).unwrap()).unwrap();
    let event = &summary["events"][0];
    assert_eq!(event["name"], "flash-sale");
    assert_eq!(
        (&event["extra_records"], &event["drain_s"]),
        (&0.into(), &serde_json::Value::Null)
    );
    assert_eq!(event["extra_cost_usd"], 0.0);
    let timing: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("timing.json")).unwrap()).unwrap();
    assert!(timing["events_processed"].as_u64().unwrap() > 0);
}

#[test]
fn seed_flag_and_set_overrides_change_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let o = esmsim(&[
        "run",
        "scenarios/quickstart.yaml",
        "-q",
        "--out",
        out.to_str().unwrap(),
        "--seed",
        "7",
        "--set",
        "duration=2m",
        "--set",
        "topic.partitions=2",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(o.stdout.is_empty(), "--quiet prints nothing");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["seed"], 7);
    assert_eq!(summary["duration_s"], 120.0);
}

#[test]
fn check_and_explain() {
    let o = esmsim(&["check", "scenarios/quickstart.yaml"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains(": ok"));
    let o = esmsim(&["explain", "scenarios/quickstart.yaml"]);
    assert!(o.status.success());
    let yaml = text(&o.stdout);
    for default in [
        "max_payload",
        "rebalance_pause",
        "evaluation_interval",
        "request_per_million",
    ] {
        assert!(
            yaml.contains(default),
            "explain shows the default for {default}:\n{yaml}"
        );
    }
}

#[test]
fn bad_input_is_a_clear_error_naming_field_value_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "name: bad\nduration: 10m\ntopic:\n  partitions: 0\nproducer: {rate: [{constant: 1}]}\nfunction: {duration: {per_batch: 1ms}}\n").unwrap();
    let o = esmsim(&["check", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("topic.partitions") && err.contains('0') && err.contains("line 4"),
        "{err}"
    );
    let o = esmsim(&[
        "run",
        "scenarios/quickstart.yaml",
        "--set",
        "esm.batch_size=abc",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("esm.batch_size"),
        "{}",
        text(&o.stderr)
    );
    let o = esmsim(&["check", "does-not-exist.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("does-not-exist.yaml"));
    assert!(
        !Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("outputs/bad")
            .exists()
    );
}

#[test]
fn sweep_and_merge_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    let o = esmsim(&[
        "sweep",
        "tests/fixtures/sweep/small.yaml",
        "--out",
        whole.to_str().unwrap(),
        "-j",
        "2",
        "-q",
        "--no-charts",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let mut shard_dirs = Vec::new();
    for i in 0..2 {
        let out = dir.path().join(format!("shard{i}"));
        let shard = format!("{i}/2");
        let o = esmsim(&[
            "sweep",
            "tests/fixtures/sweep/small.yaml",
            "--out",
            out.to_str().unwrap(),
            "--shard",
            &shard,
            "-q",
            "--no-charts",
        ]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        shard_dirs.push(out.to_str().unwrap().to_string());
    }
    let merged = dir.path().join("merged");
    let mut args = vec!["merge"];
    args.extend(shard_dirs.iter().map(String::as_str));
    args.extend(["--out", merged.to_str().unwrap(), "--no-charts"]);
    let o = esmsim(&args);
    assert!(o.status.success(), "{}", text(&o.stderr));
    for name in ["sweep.csv", "aggregate.csv", "best.csv"] {
        let (a, b) = (
            std::fs::read(whole.join(name)).unwrap(),
            std::fs::read(merged.join(name)).unwrap(),
        );
        assert!(
            !a.is_empty() && a == b,
            "{name} differs between the whole sweep and the merged shards"
        );
    }
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "name: bad\nbase: ".to_string() + env!("CARGO_MANIFEST_DIR") + "/tests/fixtures/sweep/base.yaml\nzip:\n  esm.batch_size: [50, 100]\n  function.memory: [512]\n").unwrap();
    let o = esmsim(&["sweep", bad.to_str().unwrap(), "-q"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("zip") && err.contains("function.memory"),
        "{err}"
    );
}

/// A sweep file over the sweep tests' base scenario, in `dir`.
fn sweep_file(dir: &Path, name: &str, body: &str) -> String {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sweep/base.yaml");
    let path = dir.join(format!("{name}.yaml"));
    std::fs::write(
        &path,
        format!("name: {name}\nbase: {}\n{body}", base.display()),
    )
    .unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn a_sweep_removes_what_an_earlier_sweep_left_in_its_folder_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out_s = out.to_str().unwrap();
    let two = sweep_file(
        dir.path(),
        "two",
        "replications: 1\ngrid:\n  topic.partitions: [2, 4]\n",
    );
    let one = sweep_file(
        dir.path(),
        "one",
        "replications: 1\ngrid:\n  topic.partitions: [2]\n",
    );
    let o = esmsim(&["sweep", &two, "--keep-runs", "--out", out_s]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    // Sized first: 5 minutes sampled every second, 300 rows a run.
    assert!(
        text(&o.stderr).contains("two: 2 kept runs, about ")
            && text(&o.stderr).contains("each: timeseries.csv 300 rows"),
        "{}",
        text(&o.stderr)
    );
    for path in [
        "pareto.png",
        "report.html",
        "runs/v00000-r0/summary.json",
        "runs/v00001-r0/summary.json",
    ] {
        assert!(out.join(path).is_file(), "{path}");
    }
    // The user's own files, one of them inside a run folder.
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    std::fs::write(out.join("runs/notes.txt"), "mine").unwrap();
    std::fs::write(out.join("runs/v00001-r0/mine.txt"), "mine").unwrap();

    let o = esmsim(&[
        "sweep",
        &one,
        "--keep-runs",
        "--no-charts",
        "--no-report",
        "-q",
        "--out",
        out_s,
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    for gone in [
        "pareto.png",
        "pareto.svg",
        "report.html",
        "runs/v00001-r0/summary.json",
    ] {
        assert!(
            !out.join(gone).exists(),
            "{gone} is left from the earlier sweep"
        );
    }
    for kept in [
        "sweep.csv",
        "runs.jsonl",
        "runs/v00000-r0/summary.json",
        "notes.txt",
        "runs/notes.txt",
        "runs/v00001-r0/mine.txt",
    ] {
        assert!(out.join(kept).is_file(), "{kept}");
    }
    let journal = std::fs::read_to_string(out.join("runs.jsonl")).unwrap();
    assert_eq!(journal.lines().count(), 1, "{journal}");

    // Resuming still finds its run, and keeps its folder.
    let o = esmsim(&[
        "sweep",
        &one,
        "--keep-runs",
        "--no-charts",
        "--no-report",
        "--resume",
        "--out",
        out_s,
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("1 runs (0 failed, 1 resumed)"),
        "{}",
        text(&o.stdout)
    );
    assert!(out.join("runs/v00000-r0/summary.json").is_file());

    // Without --keep-runs the kept runs are stale; runs/ stays for the user's file.
    let o = esmsim(&[
        "sweep",
        &one,
        "--no-charts",
        "--no-report",
        "-q",
        "--out",
        out_s,
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!out.join("runs/v00000-r0").exists());
    assert!(out.join("runs/notes.txt").is_file());
}

#[test]
fn a_sweep_sizes_its_kept_runs_and_refuses_too_large_ones_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    // 5 minutes sampled every millisecond: 300,000 rows a run, 30 runs, over 2 GB in all.
    let sweep = sweep_file(
        dir.path(),
        "fine",
        "replications: 30\ngrid:\n  sample_interval: [1ms]\n",
    );
    let out = dir.path().join("out");
    let o = esmsim(&[
        "sweep",
        &sweep,
        "--keep-runs",
        "-q",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("the kept runs' outputs would be too large: 30 kept runs, about ")
            && err.contains("the largest, variant 0, each: timeseries.csv 300,000 rows")
            && err.contains("drop --keep-runs")
            && err.contains("--allow-large"),
        "{err}"
    );
    assert!(!out.exists(), "refused before anything is written");
    // --allow-large only means something with --keep-runs.
    let o = esmsim(&["sweep", &sweep, "--allow-large", "-q"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn plot_redraws_the_chosen_charts_of_a_run() {
    let dir = tempfile::tempdir().unwrap();
    let (run, charts) = (dir.path().join("run"), dir.path().join("charts"));
    let o = esmsim(&[
        "run",
        "scenarios/quickstart.yaml",
        "-q",
        "--no-charts",
        "--out",
        run.to_str().unwrap(),
        "--set",
        "duration=2m",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = esmsim(&[
        "plot",
        run.to_str().unwrap(),
        "--chart",
        "lag,cost",
        "--format",
        "svg",
        "--out",
        charts.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let lines: Vec<String> = text(&o.stdout).lines().map(String::from).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    for (line, name) in lines.iter().zip(["lag.svg", "cost.svg"]) {
        assert!(line.starts_with("wrote ") && line.contains(name), "{line}");
        assert!(charts.join(name).is_file());
    }
    let o = esmsim(&["plot", run.to_str().unwrap(), "--chart", "pie"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("[possible values: throughput, lag"));
}

#[test]
fn bench_names_an_unknown_scenario() {
    let o = esmsim(&["bench", "--only", "small,huge"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        o.stdout.is_empty(),
        "nothing runs before the names are checked"
    );
    assert_eq!(
        text(&o.stderr),
        "error: unknown benchmark scenario `huge`; choose from small, medium, large, backlog, sparse, invokes\n"
    );
}

/// Rows of a CSV file as its header and the cells of each row.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

#[test]
fn partitions_csv_holds_the_lag_of_each_partition_of_every_sample() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    // 12 min of the quick start (6 partitions, the spike from 10 min piles up uneven
    // lag) sampled every 7 s: rows at 7, 14, ..., 714 s and a short one at 720 s.
    let o = esmsim(&[
        "run",
        "scenarios/quickstart.yaml",
        "-q",
        "--no-charts",
        "--out",
        out.to_str().unwrap(),
        "--set",
        "duration=12m",
        "--set",
        "sample_interval=7s",
        "--set",
        "outputs.partitions_csv=true",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let (header, partitions) = read_csv(&out.join("partitions.csv"));
    assert_eq!(header, ["time_s", "p0", "p1", "p2", "p3", "p4", "p5"]);
    let (ts_header, timeseries) = read_csv(&out.join("timeseries.csv"));
    let column = |name: &str| ts_header.iter().position(|h| h == name).unwrap();
    let (lag, max_lag) = (column("lag_records"), column("max_partition_lag_records"));
    assert_eq!(
        partitions.len(),
        103,
        "720 / 7 = 102 full rows and a short one"
    );
    assert_eq!(timeseries.len(), partitions.len());
    assert_eq!(partitions[0][0], "7.000");
    assert_eq!(partitions[101][0], "714.000");
    assert_eq!(partitions[102][0], "720.000");
    let mut overall_max = 0;
    for (p, t) in partitions.iter().zip(&timeseries) {
        assert_eq!(p.len(), 7, "{p:?}");
        assert_eq!(p[0], t[0], "same sample times");
        let lags: Vec<u64> = p[1..].iter().map(|c| c.parse().unwrap()).collect();
        let sum: u64 = lags.iter().sum();
        let max = *lags.iter().max().unwrap();
        assert_eq!(
            sum.to_string(),
            t[lag],
            "row sum is lag_records at {}",
            p[0]
        );
        assert_eq!(
            max.to_string(),
            t[max_lag],
            "row max is max_partition_lag_records at {}",
            p[0]
        );
        overall_max = overall_max.max(max);
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["max_partition_lag_records"], overall_max);
    // The spike leaves thousands of records of lag by 12 min, not evenly spread.
    let last: Vec<u64> = partitions[102][1..]
        .iter()
        .map(|c| c.parse().unwrap())
        .collect();
    assert!(last.iter().sum::<u64>() > 10_000, "{last:?}");
    assert!(last.iter().min() < last.iter().max(), "{last:?}");

    // Off by default.
    let plain = dir.path().join("plain");
    let o = esmsim(&[
        "run",
        "scenarios/quickstart.yaml",
        "-q",
        "--no-charts",
        "--out",
        plain.to_str().unwrap(),
        "--set",
        "duration=1m",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(plain.join("timeseries.csv").exists());
    assert!(!plain.join("partitions.csv").exists());
}

#[test]
fn keda_and_legacy_policies_through_set() {
    let dir = tempfile::tempdir().unwrap();
    for (policy, first_reason, assumption) in [
        (
            "keda",
            "capped at 6 partitions x 10 = 60; ratio 60 / (10 x 1)",
            "esm.scaler (keda)",
        ),
        ("legacy", "min_lag 600", "esm.scaler (legacy)"),
    ] {
        let out = dir.path().join(policy);
        let o = esmsim(&[
            "run",
            "scenarios/quickstart.yaml",
            "--out",
            out.to_str().unwrap(),
            "--no-charts",
            "-q",
            "--set",
            &format!("esm.scaler.policy={policy}"),
        ]);
        assert!(o.status.success(), "{policy}: {}", text(&o.stderr));
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["scenario"]["esm"]["scaler"]["policy"], policy);
        let assumptions = manifest["assumptions"].as_array().unwrap();
        assert!(
            assumptions
                .iter()
                .any(|a| a.as_str().unwrap().starts_with(assumption)),
            "{assumptions:?}"
        );
        let scaling = std::fs::read_to_string(out.join("scaling.csv")).unwrap();
        let first = scaling.lines().nth(1).expect("at least one evaluation");
        assert!(first.contains(first_reason), "{first}");
    }
    // The keda run evaluates every 30 s; legacy every 15 min (two rows in 30 min).
    let rows = |p: &str| {
        std::fs::read_to_string(dir.path().join(p).join("scaling.csv"))
            .unwrap()
            .lines()
            .count()
            - 1
    };
    assert_eq!((rows("keda"), rows("legacy")), (60, 2));
    // explain prints every field of the policy chosen with --set.
    let o = esmsim(&[
        "explain",
        "scenarios/quickstart.yaml",
        "--set",
        "esm.scaler.policy=keda",
        "--set",
        "esm.scaler.lag_threshold=250",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let yaml = text(&o.stdout);
    for field in [
        "policy: keda",
        "lag_threshold: 250",
        "activation_lag_threshold: 0",
        "allow_idle_consumers: false",
        "polling_interval: 30s",
        "tolerance: 0.1",
        "scale_down_stabilization: 5m",
        "min_pollers: 1",
        "max_pollers: 6",
        "actuation_delay: 20s",
    ] {
        assert!(yaml.contains(field), "{field} missing:\n{yaml}");
    }
    // A keda field with the legacy policy is rejected, naming the policy that has it.
    let o = esmsim(&[
        "check",
        "scenarios/quickstart.yaml",
        "--set",
        "esm.scaler.policy=legacy",
        "--set",
        "esm.scaler.lag_threshold=250",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("--set esm.scaler.lag_threshold=250")
            && err.contains("only valid with `policy: keda`"),
        "{err}"
    );
}

#[test]
fn check_run_and_sweep_warn_about_a_window_aws_cannot_be_set_to() {
    let warning = "warning: esm.batching_window 1.5s cannot be set in AWS (whole seconds 0..300, or the 500 ms default); simulating it anyway";
    let o = esmsim(&[
        "check",
        "scenarios/quickstart.yaml",
        "--set",
        "esm.batching_window=1500ms",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(text(&o.stderr), format!("{warning}\n"));
    assert!(text(&o.stdout).contains(": ok"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let o = esmsim(&[
        "run",
        "scenarios/quickstart.yaml",
        "-q",
        "--no-charts",
        "--out",
        out.to_str().unwrap(),
        "--set",
        "duration=1m",
        "--set",
        "esm.batching_window=1.5s",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(text(&o.stderr), format!("{warning}\n"));
    // Whole seconds and the 500 ms default are what AWS accepts: no warning.
    for window in ["0s", "500ms", "1s", "5m"] {
        let set = format!("esm.batching_window={window}");
        let o = esmsim(&["check", "scenarios/quickstart.yaml", "--set", &set]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        assert_eq!(text(&o.stderr), "", "{window}");
    }
    // A sweep prints each distinct warning once, however many variants share it.
    let sweep = dir.path().join("windows.yaml");
    std::fs::write(
        &sweep,
        format!(
            "name: windows\nbase: {}/tests/fixtures/sweep/base.yaml\nset: {{duration: 20s}}\ngrid:\n  function.memory: [512, 1024]\n  esm.batching_window: [1500ms, 1s, 250ms]\n",
            env!("CARGO_MANIFEST_DIR")
        ),
    )
    .unwrap();
    let o = esmsim(&[
        "sweep",
        sweep.to_str().unwrap(),
        "-q",
        "--no-charts",
        "--out",
        dir.path().join("s").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stderr),
        format!("{warning}\n{}\n", warning.replace("1.5s", "0.25s"))
    );
}

#[test]
fn unlimited_invokes_and_first_record_windows_go_through_set_and_explain() {
    let o = esmsim(&[
        "explain",
        "scenarios/quickstart.yaml",
        "--set",
        "esm.poller.max_concurrent_invokes=unlimited",
        "--set",
        "esm.batching_window_starts=first_record",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let yaml = text(&o.stdout);
    for line in [
        "max_concurrent_invokes: unlimited",
        "batching_window_starts: first_record",
    ] {
        assert!(yaml.contains(line), "{line} not in:\n{yaml}");
    }
    let o = esmsim(&[
        "check",
        "scenarios/quickstart.yaml",
        "--set",
        "esm.poller.max_concurrent_invokes=many",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("esm.poller.max_concurrent_invokes")
            && err.contains("\"many\"")
            && err.contains("or `unlimited`"),
        "{err}"
    );
}

#[test]
fn calibrate_recovers_the_bundled_examples_constants_and_writes_a_runnable_scenario() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let scenario = root.join("scenarios/calibrate/synthetic-esm.yaml");
    let observed = root.join("scenarios/calibrate/observed.json");
    let o = esmsim(&[
        "calibrate",
        scenario.to_str().unwrap(),
        "--observed",
        observed.to_str().unwrap(),
        "--fit",
        "esm.scaler.actuation_delay=30s..180s",
        "--points",
        "6",
        "--fit",
        "esm.scaler.scale_out.step=double|{add: 1}|{add: 2}|{add: 4}",
        "--fit",
        "esm.scaler.scale_out.min_lag=625..40000",
        "--seeds",
        "1",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let line = text(&o.stdout);
    assert!(line.contains("esm.scaler.actuation_delay=120s"), "{line}");
    assert!(
        line.contains("esm.scaler.scale_out.step={add: 2}"),
        "{line}"
    );
    assert!(line.contains("esm.scaler.scale_out.min_lag=7579"), "{line}");
    let fit: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("fit.json")).unwrap()).unwrap();
    assert_eq!(fit["loss"], 0.0);
    assert_eq!(fit["period_s"], 60);
    let csv = std::fs::read_to_string(out.path().join("fit.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 3 * 20);
    assert!(
        csv.contains("2026-11-02T09:03:00+00:00,180,OffsetLag,130620,130620"),
        "{csv}"
    );
    let svg = std::fs::read_to_string(out.path().join("fit.svg")).unwrap();
    for panel in [
        "OffsetLag (Maximum)",
        "ConcurrentExecutions (Maximum)",
        "ProvisionedPollers (Maximum)",
    ] {
        assert!(svg.contains(panel), "fit.svg lacks the {panel} panel");
    }
    assert!(out.path().join("fit.png").is_file());
    let check = esmsim(&[
        "check",
        out.path().join("calibrated.yaml").to_str().unwrap(),
    ]);
    assert!(check.status.success(), "{}", text(&check.stderr));
}

#[test]
fn calibrate_refuses_a_bad_observed_file_naming_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"{"MetricDataResults": [{"Id": "a", "Label": "IteratorAge", "Timestamps": [], "Values": [], "StatusCode": "Complete"}], "Messages": []}"#,
    )
    .unwrap();
    let o = esmsim(&[
        "calibrate",
        root.join("scenarios/calibrate/synthetic-esm.yaml")
            .to_str()
            .unwrap(),
        "--observed",
        bad.to_str().unwrap(),
        "--fit",
        "esm.scaler.actuation_delay=30s..180s",
    ]);
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert!(
        err.contains("bad.json: series 'IteratorAge' (id 'a') is not a metric esmsim knows"),
        "{err}"
    );
}

#[test]
fn init_writes_a_starter_that_check_accepts_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("orders.yaml");
    let path = file.to_str().unwrap();
    let o = esmsim(&["init", path]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = esmsim(&["check", path]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("scenario 'orders'"),
        "{}",
        text(&o.stdout)
    );
    std::fs::write(&file, "mine").unwrap();
    let o = esmsim(&["init", path]);
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("already exists"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
    assert!(esmsim(&["init", path, "--force"]).status.success());
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .starts_with("# A starter scenario")
    );
}

#[test]
fn completions_cover_every_command() {
    for shell in ["bash", "zsh", "fish"] {
        let o = esmsim(&["completions", shell]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        let script = text(&o.stdout);
        for command in ["run", "check", "sweep", "calibrate", "init"] {
            assert!(script.contains(command), "{shell}: no {command}");
        }
    }
    let o = esmsim(&["completions", "tcsh"]);
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("possible values"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn import_writes_a_scenario_and_trace_that_check_accepts_and_run_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("orders.yaml");
    let f = "tests/fixtures/import/";
    let args = [
        "import",
        "--esm",
        &format!("{f}msk-on-demand-esm.json"),
        "--function",
        &format!("{f}function-x86.json"),
        "--concurrency",
        &format!("{f}concurrency.json"),
        "--rate",
        &format!("{f}msk-messages-in.json"),
        "--duration-metric",
        &format!("{f}lambda-duration.json"),
        "--partitions",
        "6",
        "--record-size",
        "1KiB",
        "--filter-match",
        "0.5",
        "--out",
        out.to_str().unwrap(),
    ];
    let o = esmsim(&args);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(dir.path().join("orders-rate.csv").exists());
    assert!(text(&o.stdout).starts_with("wrote "), "{}", text(&o.stdout));
    // Never overwritten without --force.
    let again = esmsim(&args);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        text(&again.stderr).contains("already exists"),
        "{}",
        text(&again.stderr)
    );
    let o = esmsim(&["check", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let run_dir = dir.path().join("run");
    let o = esmsim(&[
        "run",
        out.to_str().unwrap(),
        "--no-charts",
        "-q",
        "--out",
        run_dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(run_dir.join("summary.json").exists());
}

#[test]
fn run_refuses_an_imported_scenario_with_placeholders_and_lists_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.yaml");
    let f = "tests/fixtures/import/";
    let o = esmsim(&[
        "import",
        "--esm",
        &format!("{f}self-managed-provisioned-esm.json"),
        "--function",
        &format!("{f}function-arm64.json"),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("with 4 placeholder(s)"),
        "{}",
        text(&o.stdout)
    );
    let o = esmsim(&[
        "run",
        out.to_str().unwrap(),
        "--out",
        dir.path().join("r").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("4 placeholders to fill in"), "{err}");
    for field in [
        "topic.partitions",
        "producer.record_size",
        "producer.rate",
        "function.duration.per_batch",
    ] {
        assert!(
            err.contains(&format!("  - {field} (line ")),
            "{field}: {err}"
        );
    }
    let o = esmsim(&[
        "import",
        "--esm",
        &format!("{f}function-arm64.json"),
        "--function",
        &format!("{f}function-arm64.json"),
        "--out",
        "-",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains(
            "function-arm64.json: expected what `aws lambda get-event-source-mapping` prints"
        ),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn plan_writes_its_answer_charts_and_robustness_with_fewer_runs_than_the_grid() {
    let out = tempfile::tempdir().unwrap();
    let o = esmsim(&[
        "plan",
        "scenarios/quickstart.yaml",
        "--set",
        "duration=5m",
        "--set",
        "slo.max_age=30s",
        "--vary",
        "topic.partitions=2..6",
        "--vary",
        "function.memory=512,1024",
        "--seeds",
        "2",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let report = text(&o.stdout);
    assert!(
        report.contains("chosen: topic.partitions=2 function.memory=512"),
        "{report}"
    );
    assert!(report.contains("<- binding"), "{report}");
    let plan: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("plan.json")).unwrap()).unwrap();
    let result = &plan["result"];
    assert_eq!(result["full_grid_evaluations"], 20);
    assert!(result["evaluations"].as_u64().unwrap() < 20, "{result}");
    assert_eq!(result["chosen"]["binding"], "max_age");
    assert_eq!(result["alternatives"][0]["label"], "runner-up");
    assert!(plan["sensitivity"]["assumptions"].as_array().unwrap().len() > 5);
    for name in [
        "cost-by-parameter.png",
        "cost-by-parameter.svg",
        "tornado.png",
        "tornado.svg",
    ] {
        assert!(out.path().join(name).is_file(), "{name}");
    }
}

#[test]
fn plan_and_sensitivity_need_an_objective_and_a_good_vary() {
    let o = esmsim(&[
        "plan",
        "scenarios/quickstart.yaml",
        "--vary",
        "topic.partitions=2..3",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("sets no objective"),
        "{}",
        text(&o.stderr)
    );
    let o = esmsim(&["sensitivity", "scenarios/quickstart.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("sets no objective"),
        "{}",
        text(&o.stderr)
    );
    let o = esmsim(&[
        "plan",
        "scenarios/quickstart.yaml",
        "--set",
        "slo.max_age=30s",
        "--vary",
        "topic.partitions=9..2",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("--vary 'topic.partitions=9..2': 9..2: the upper end"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn sensitivity_writes_its_report_and_tornado() {
    let out = tempfile::tempdir().unwrap();
    let o = esmsim(&[
        "sensitivity",
        "scenarios/quickstart.yaml",
        "--set",
        "duration=5m",
        "--set",
        "slo.max_age=30s",
        "--seeds",
        "1",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("as configured: met"),
        "{}",
        text(&o.stdout)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("sensitivity.json")).unwrap())
            .unwrap();
    assert_eq!(report["report"]["baseline"]["met"], true);
    assert!(out.path().join("tornado.png").is_file());
}

/// The quick start with an objective and a `plan:` section, in a folder of its own.
fn planned_quickstart(dir: &Path) -> String {
    let text = std::fs::read_to_string("scenarios/quickstart.yaml").unwrap()
        + "slo: {max_age: 30s}\nplan:\n  vary:\n    topic.partitions: 2..4\n    function.memory: [512, 1024]\n  seeds: 2\n";
    let path = dir.join("planned.yaml");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn plan_reads_its_fields_from_the_plan_section_and_its_json_does_not_depend_on_threads() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = planned_quickstart(dir.path());
    let o = esmsim(&["check", &scenario]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains(
            "plan: varies topic.partitions (3 values), function.memory (2 values); 6 configurations, 2 seeds"
        ),
        "{}",
        text(&o.stdout)
    );
    // The bundled example's section.
    let o = esmsim(&["check", "scenarios/memory-or-batch.yaml"]);
    assert!(
        text(&o.stdout).contains(
            "plan: varies function.memory (3 values), esm.batch_size (3 values); 9 configurations, 2 seeds"
        ),
        "{}",
        text(&o.stdout)
    );
    let mut plans = Vec::new();
    for jobs in ["1", "2"] {
        let out = dir.path().join(format!("plan-{jobs}"));
        // An earlier plan's tornado: this one has --no-sensitivity, so it must go.
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("tornado.png"), "old").unwrap();
        std::fs::write(out.join("mine.txt"), "mine").unwrap();
        let o = esmsim(&[
            "plan",
            &scenario,
            "--set",
            "duration=5m",
            // Replaces the section's memory values; the partitions stay the section's.
            "--vary",
            "function.memory=256,512",
            "--vary",
            "esm.batch_size=100,200",
            "--no-sensitivity",
            "--jobs",
            jobs,
            "--out",
            out.to_str().unwrap(),
            "-q",
        ]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        let timing: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("timing.json")).unwrap()).unwrap();
        assert!(timing["wall_time_s"].as_f64().unwrap() > 0.0);
        plans.push(std::fs::read(out.join("plan.json")).unwrap());
        assert!(!out.join("tornado.png").exists());
        assert!(out.join("mine.txt").is_file() && out.join("cost-by-parameter.png").is_file());
    }
    assert!(
        plans[0] == plans[1],
        "plan.json differs between --jobs 1 and 2"
    );
    let plan: serde_json::Value = serde_json::from_slice(&plans[0]).unwrap();
    assert_eq!(plan.get("wall_time_s"), None);
    assert_eq!(plan["seeds"], serde_json::json!([42, 43]));
    let axes: Vec<(String, serde_json::Value)> = plan["axes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["path"].as_str().unwrap().to_string(), a["values"].clone()))
        .collect();
    assert_eq!(
        axes,
        [
            (
                "topic.partitions".into(),
                serde_json::json!(["2", "3", "4"])
            ),
            ("function.memory".into(), serde_json::json!(["256", "512"])),
            ("esm.batch_size".into(), serde_json::json!(["100", "200"])),
        ]
    );
    // `run` ignores the section.
    let o = esmsim(&[
        "run",
        &scenario,
        "--set",
        "duration=1m",
        "--no-charts",
        "--no-report",
        "-q",
        "--out",
        dir.path().join("run").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    // Nothing to vary at all is an error that says how to give the fields.
    let o = esmsim(&[
        "plan",
        "scenarios/quickstart.yaml",
        "--set",
        "slo.max_age=30s",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("nothing to vary: give `--vary PATH=VALUES`"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn sensitivity_takes_the_calibrated_ranges_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut reports = Vec::new();
    let mut stdout = String::new();
    for jobs in ["1", "2"] {
        let out = dir.path().join(jobs);
        let o = esmsim(&[
            "sensitivity",
            "scenarios/quickstart.yaml",
            "--set",
            "duration=5m",
            "--set",
            "slo.max_age=30s",
            "--seeds",
            "1",
            "--calibrated",
            "tests/fixtures/calibrate/fit-delay.json",
            "--jobs",
            jobs,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        assert!(out.join("timing.json").is_file());
        reports.push(std::fs::read(out.join("sensitivity.json")).unwrap());
        stdout = text(&o.stdout);
    }
    assert!(
        reports[0] == reports[1],
        "sensitivity.json differs between --jobs 1 and 2"
    );
    assert!(
        stdout.contains("actuation delay (esm.scaler.actuation_delay, calibrated): 0s: "),
        "{stdout}"
    );
    assert!(
        stdout.contains("calibrated but not an assumption tried here: function.memory"),
        "{stdout}"
    );
    let report: serde_json::Value = serde_json::from_slice(&reports[0]).unwrap();
    assert_eq!(
        report["calibration"]["file"],
        "tests/fixtures/calibrate/fit-delay.json"
    );
    assert_eq!(
        report["report"]["calibrated"],
        serde_json::json!(["actuation delay", "scale-in cooldown"])
    );
    let delay = report["report"]["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["path"] == "esm.scaler.actuation_delay")
        .unwrap();
    let values: Vec<&str> = delay["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].as_str().unwrap())
        .collect();
    assert_eq!(values, ["0s", "60s"]);
    let o = esmsim(&[
        "sensitivity",
        "scenarios/quickstart.yaml",
        "--set",
        "slo.max_age=30s",
        "--calibrated",
        "scenarios/quickstart.yaml",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("--calibrated scenarios/quickstart.yaml: not the fit.json"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn check_estimates_the_outputs_and_run_refuses_too_large_ones_unless_allowed() {
    let o = esmsim(&["check", "scenarios/quickstart.yaml"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    // 30 minutes sampled every second: 1,800 rows.
    assert!(
        text(&o.stdout).contains("outputs: timeseries.csv 1,800 rows"),
        "{}",
        text(&o.stdout)
    );
    // A year sampled every millisecond: 31,536,000,000 rows, refused before running.
    let huge = ["--set", "duration=365d", "--set", "sample_interval=1ms"];
    let o = esmsim(&[&["check", "scenarios/quickstart.yaml"][..], &huge].concat());
    assert!(
        text(&o.stdout).contains("31,536,000,000 rows"),
        "{}",
        text(&o.stdout)
    );
    assert!(text(&o.stdout).contains("over the limit"));
    let out = tempfile::tempdir().unwrap();
    let o = esmsim(
        &[
            &[
                "run",
                "scenarios/quickstart.yaml",
                "--out",
                out.path().to_str().unwrap(),
            ][..],
            &huge,
        ]
        .concat(),
    );
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    for hint in ["too large", "sample_interval=1s", "--allow-large"] {
        assert!(err.contains(hint), "{hint}: {err}");
    }
    assert!(std::fs::read_dir(out.path()).unwrap().next().is_none());
}

#[test]
fn a_rerun_removes_the_files_of_the_earlier_run_it_does_not_rewrite_and_nothing_else() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();
    let first = esmsim(&[
        "run",
        "scenarios/quickstart.yaml",
        "--set",
        "outputs.partitions_csv=true",
        "--out",
        dir,
        "-q",
    ]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(out.path().join("partitions.csv").is_file());
    assert!(out.path().join("overview.png").is_file());
    std::fs::write(out.path().join("notes.txt"), "mine").unwrap();
    let second = esmsim(&[
        "run",
        "scenarios/quickstart.yaml",
        "--no-charts",
        "--out",
        dir,
        "-q",
    ]);
    assert!(second.status.success(), "{}", text(&second.stderr));
    assert!(!out.path().join("partitions.csv").exists());
    assert!(!out.path().join("overview.png").exists());
    assert!(!out.path().join("lag.svg").exists());
    assert!(out.path().join("timeseries.csv").is_file());
    assert!(out.path().join("report.html").is_file());
    assert_eq!(
        std::fs::read_to_string(out.path().join("notes.txt")).unwrap(),
        "mine"
    );
}
