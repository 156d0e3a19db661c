//! The binary end to end: run, check, explain, errors and exit codes.

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
