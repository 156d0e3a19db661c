//! A sharded sweep on a real Slurm cluster: `esmsim sweep --emit slurm` writes the array
//! job and the merge, `submit.sh` queues them on the single-node cluster that
//! `.ci/slurm-up` starts from Debian's packages, and the merged outputs must equal the
//! local sweep's byte for byte. Without a cluster the test says SKIPPED loudly and passes:
//! `.ci/run` starts one first, so CI always runs it.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The sweep the cluster runs: 18 short runs, 3 shards.
const SWEEP: &str = "scenarios/sweeps/scaler-policies.yaml";
const SHARDS: &str = "3";

fn esmsim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_esmsim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("esmsim starts")
}

/// Whether a Slurm node is up and accepting jobs.
fn cluster_is_up() -> bool {
    Command::new("sinfo")
        .args(["-h", "-o", "%T"])
        .output()
        .is_ok_and(|o| {
            o.status.success()
                && String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .any(|s| ["idle", "mixed", "allocated"].contains(&s.trim()))
        })
}

/// Every file under `dir`, by relative path.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable folder") {
            let path = entry.expect("readable entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).expect("under dir");
                out.insert(
                    rel.to_string_lossy().into_owned(),
                    std::fs::read(&path).expect("readable file"),
                );
            }
        }
    }
    out
}

/// The state Slurm reports for a job (`COMPLETED`, `FAILED`, `PENDING`, ...).
fn job_state(id: &str) -> String {
    let out = Command::new("scontrol")
        .args(["show", "job", id])
        .output()
        .expect("scontrol starts");
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace()
        .find_map(|w| w.strip_prefix("JobState="))
        .unwrap_or("UNKNOWN")
        .to_string()
}

#[test]
fn a_sweep_sharded_on_slurm_merges_to_the_local_sweeps_bytes() {
    if !cluster_is_up() {
        eprintln!(
            "\n*** SKIPPED a_sweep_sharded_on_slurm_merges_to_the_local_sweeps_bytes: no Slurm \
             cluster is up (sinfo shows no idle node). Start one with `.ci/slurm-up` (as root; \
             installs slurm-wlm and munge); .ci/run does. ***\n"
        );
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let jobs = dir.path().join("jobs");
    let merged = dir.path().join("merged");
    let local = dir.path().join("local");
    let (jobs_s, merged_s, local_s) = (
        jobs.to_str().expect("utf-8 path"),
        merged.to_str().expect("utf-8 path"),
        local.to_str().expect("utf-8 path"),
    );

    let emitted = esmsim(&[
        "sweep",
        SWEEP,
        "--emit",
        "slurm",
        "--shards",
        SHARDS,
        "--emit-dir",
        jobs_s,
        "--out",
        merged_s,
    ]);
    assert!(
        emitted.status.success(),
        "{}",
        String::from_utf8_lossy(&emitted.stderr)
    );
    let submitted = Command::new(jobs.join("submit.sh"))
        .output()
        .expect("submit.sh starts");
    assert!(
        submitted.status.success(),
        "submit.sh failed: {}",
        String::from_utf8_lossy(&submitted.stderr)
    );
    let ids = String::from_utf8_lossy(&submitted.stdout).to_string();
    let (array, merge) = ids
        .trim()
        .split_once(' ')
        .unwrap_or_else(|| panic!("submit.sh printed {ids:?}, not two job ids"));

    let started = Instant::now();
    loop {
        let state = job_state(merge);
        if state == "COMPLETED" {
            break;
        }
        let finished_badly = [
            "FAILED",
            "CANCELLED",
            "TIMEOUT",
            "NODE_FAIL",
            "OUT_OF_MEMORY",
        ]
        .contains(&state.as_str())
            || (state == "PENDING" && job_state(array) == "FAILED");
        let logs: Vec<String> = std::fs::read_dir(jobs.join("logs"))
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            !finished_badly && started.elapsed() < Duration::from_secs(600),
            "the merge job {merge} is {state} (array {array}: {}); logs:\n{}",
            job_state(array),
            logs.join("\n")
        );
        std::thread::sleep(Duration::from_millis(500));
    }

    let ran = esmsim(&["sweep", SWEEP, "--out", local_s, "--quiet"]);
    assert!(
        ran.status.success(),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    let (a, b) = (files(&merged), files(&local));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the merged and the local sweep wrote different files"
    );
    for (name, bytes) in &a {
        assert!(
            bytes == &b[name],
            "{name} differs between the cluster's merge and the local sweep"
        );
    }
}
