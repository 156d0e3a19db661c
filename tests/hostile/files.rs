//! Hostile files: a 100 MB scenario, endless streams, trace files that are huge, claim a
//! billion rows, hold binary junk or escape the scenario's folder; and a missing file's
//! cause printed once.

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;

use esmsim::scenario::ParsedScenario;
use esmsim::scenario::load::MAX_SCENARIO_BYTES;
use esmsim::scenario::trace::MAX_TRACE_ROWS;
use esmsim::scenario::traces::MAX_TRACE_BYTES;

use crate::alloc::{MIB, peak_during};
use crate::{BASE, check_in};

/// A scenario replaying `file`.
fn replaying(file: &str) -> String {
    BASE.replace("{constant: 10}", &format!("{{trace: {{file: '{file}'}}}}"))
}

/// The error of resolving `text` in `folder`, with the bytes it took at most.
fn trace_error(text: &str, folder: &Path) -> (String, usize) {
    let (result, peak) = peak_during(|| check_in(text, folder, &[]));
    (result.expect_err("must be refused").to_string(), peak)
}

#[test]
fn a_100_mb_scenario_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.yaml");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(100_000_000).unwrap(); // sparse: costs no disk
    let (result, peak) = peak_during(|| ParsedScenario::read(&path));
    let message = result.unwrap_err().to_string();
    assert!(peak < MIB, "{peak} bytes");
    assert!(
        message.contains("larger than the 4 MiB a scenario may have (100000000 bytes"),
        "{message}"
    );
    // An endless stream is cut after the limit.
    let (result, peak) = peak_during(|| ParsedScenario::read(Path::new("/dev/zero")));
    let message = result.unwrap_err().to_string();
    assert!(peak < 3 * MAX_SCENARIO_BYTES as usize + MIB, "{peak} bytes");
    assert!(message.contains("larger than the 4 MiB"), "{message}");
    // Binary junk: not UTF-8, said so.
    std::fs::write(&path, [0xff, 0xfe, 0x00, 0x80, b'a']).unwrap();
    let message = ParsedScenario::read(&path).unwrap_err().to_string();
    assert!(
        message.contains("not UTF-8 text (invalid byte at offset 0)"),
        "{message}"
    );
}

#[test]
fn huge_and_malformed_traces_are_refused_with_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path();
    // A "billion-row" trace: 10 GB, sparse; refused from its size, nothing read.
    let file = std::fs::File::create(folder.join("billion.csv")).unwrap();
    file.set_len(10_000_000_000).unwrap();
    let (message, peak) = trace_error(&replaying("billion.csv"), folder);
    assert!(peak < MIB, "{peak} bytes");
    assert!(
        message.contains("the file is 10000000000 bytes, more than the 64 MiB"),
        "{message}"
    );
    // One row too many, within the byte limit: the parser stops at the limit.
    let mut csv = String::from("timestamp,value\n");
    for i in 0..=MAX_TRACE_ROWS {
        csv.push_str(&format!("{i},1\n"));
    }
    assert!((csv.len() as u64) < MAX_TRACE_BYTES);
    std::fs::write(folder.join("rows.csv"), &csv).unwrap();
    drop(csv);
    let (message, peak) = trace_error(&replaying("rows.csv"), folder);
    assert!(message.contains("more than 2000000 data rows"), "{message}");
    assert!(peak < 128 * MIB, "{peak} bytes");
    // Binary junk: a clear message with the junk escaped, never printed raw.
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(folder.join("junk.csv"), &junk).unwrap();
    let (message, _) = trace_error(&replaying("junk.csv"), folder);
    assert!(message.contains("trace `"), "{message}");
    assert!(message.len() < 1_000, "{} bytes", message.len());
    assert!(!message.chars().any(|c| c.is_control()), "{message:?}");
    let mut junk_rows = b"timestamp,value\n".to_vec();
    junk_rows.extend_from_slice(b"\x1b[2J\x07,1\n1,1\n");
    std::fs::write(folder.join("escape.csv"), &junk_rows).unwrap();
    let (message, _) = trace_error(&replaying("escape.csv"), folder);
    assert!(
        message.contains("line 2: timestamp `\\u{1b}[2J\\u{7}`"),
        "{message}"
    );
}

#[test]
fn traces_must_be_regular_files_inside_the_scenario_folder() {
    let outer = tempfile::tempdir().unwrap();
    let folder = outer.path().join("scenario");
    std::fs::create_dir_all(folder.join("data")).unwrap();
    std::fs::write(
        outer.path().join("secret.csv"),
        "timestamp,value\n0,1\n1,1\n",
    )
    .unwrap();
    std::fs::write(folder.join("data/ok.csv"), "timestamp,value\n0,1\n1,1\n").unwrap();
    symlink(
        outer.path().join("secret.csv"),
        folder.join("data/escape.csv"),
    )
    .unwrap();
    symlink("/dev/zero", folder.join("data/zero.csv")).unwrap();
    symlink(folder.join("data/ok.csv"), folder.join("inside.csv")).unwrap();
    let outside = format!(
        "outside the scenario's folder `{}`",
        folder.canonicalize().unwrap().display()
    );
    for file in [
        "data/escape.csv",
        "../secret.csv",
        "data/../../secret.csv",
        "/etc/hostname",
    ] {
        let (message, _) = trace_error(&replaying(file), &folder);
        assert!(message.contains(&outside), "{file}: {message}");
    }
    let (message, peak) = trace_error(&replaying("data/zero.csv"), &folder);
    assert!(
        message.contains("`/dev/zero` once symlinks are followed"),
        "{message}"
    );
    assert!(peak < MIB, "{peak} bytes");
    // A FIFO inside the folder is not a regular file: refused without blocking on it.
    let fifo = folder.join("data/fifo.csv");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let (message, _) = trace_error(&replaying("data/fifo.csv"), &folder);
    assert!(message.contains("not a regular file"), "{message}");
    // Symlinks and `..` that stay inside are fine.
    for file in ["inside.csv", "data/../data/ok.csv", "./data/ok.csv"] {
        check_in(&replaying(file), &folder, &[]).unwrap_or_else(|e| panic!("{file}: {e}"));
    }
}

#[test]
fn a_missing_file_names_its_cause_once() {
    let out = Command::new(env!("CARGO_BIN_EXE_esmsim"))
        .args(["check", "no/such/scenario.yaml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr,
        "error: cannot read scenario file `no/such/scenario.yaml`: No such file or directory (os error 2)\n"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_esmsim"))
        .args(["sweep", "no/such/sweep.yaml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr.matches("No such file or directory").count(),
        1,
        "{stderr}"
    );
}
