//! Clock time end to end: `start_at` with a weekly shape and a clock-time spike, the
//! `time` column of every CSV and `start_at` in both JSON files.

use esmsim::output::{self, OutputFile};

use crate::common::{run_checked, scenario};

/// Friday 17:00 at +01:00: an hour of business traffic (6,000 records/s), then the
/// evening (1,500), and a 1,000 records/s spike at 18:30 local.
const FRIDAY: &str = r#"
name: clock
start_at: 2026-11-06T17:00:00+01:00
duration: 2h
sample_interval: 60s
topic: {partitions: 3}
producer:
  arrivals: deterministic
  record_size: {mean: 2KiB, max: 40KiB}
  rate:
    - weekly: {weekdays: {"09:00-18:00": 6000, default: 1500}, weekend: 1500}
    - spike: {name: evening, at: "fri 18:30", duration: 10m, rate: 1000}
function: {duration: {per_record: 0.01ms}}
outputs: {partitions_csv: true}
"#;

fn file<'a>(files: &'a [OutputFile], name: &str) -> &'a str {
    let f = files.iter().find(|f| f.name == name).expect("file written");
    std::str::from_utf8(&f.bytes).expect("utf-8")
}

#[test]
fn the_time_column_is_start_at_plus_time_s() {
    let s = scenario(FRIDAY);
    let result = run_checked(&s);
    let files = output::render(&s, &result);
    let start: jiff::Timestamp = "2026-11-06T16:00:00Z".parse().unwrap();
    for name in ["timeseries.csv", "scaling.csv", "partitions.csv"] {
        let text = file(&files, name);
        let mut lines = text.lines();
        assert!(lines.next().unwrap().starts_with("time_s,time,"), "{name}");
        let mut rows = 0;
        for line in lines {
            let cells: Vec<&str> = line.split(',').collect();
            let t_ms = (cells[0].parse::<f64>().unwrap() * 1000.0).round() as i64;
            assert!(cells[1].ends_with("+01:00"), "{name}: {line}");
            let wall: jiff::Timestamp = cells[1].parse().unwrap();
            assert_eq!(
                wall.as_millisecond() - start.as_millisecond(),
                t_ms,
                "{name}: {line}"
            );
            rows += 1;
        }
        assert!(rows > 0, "{name} has rows");
    }
    let ts = file(&files, "timeseries.csv");
    assert!(
        ts.contains("\n60.000,2026-11-06T17:01:00.000+01:00,"),
        "{ts}"
    );
    assert!(ts.contains("\n3600.000,2026-11-06T18:00:00.000+01:00,"));
    // Fluid arrivals: the produced rate of each minute is the shape's, switching at
    // 18:00 local (3,600 s) and with the spike from 18:30 to 18:40.
    let produced = |t: &str| -> f64 {
        let line = ts
            .lines()
            .find(|l| l.starts_with(&format!("{t},")))
            .unwrap();
        line.split(',').nth(2).unwrap().parse().unwrap()
    };
    assert!((produced("3600.000") - 6000.0).abs() < 1.0);
    assert!((produced("3660.000") - 1500.0).abs() < 1.0);
    assert!((produced("5460.000") - 2500.0).abs() < 1.0);
    assert!((produced("6060.000") - 1500.0).abs() < 1.0);
    for name in ["summary.json", "manifest.json"] {
        let json: serde_json::Value = serde_json::from_str(file(&files, name)).unwrap();
        assert_eq!(json["start_at"], "2026-11-06T17:00:00+01:00", "{name}");
    }
}

#[test]
fn without_start_at_there_is_no_time_column() {
    let s = scenario(
        "name: plain\nduration: 1m\ntopic: {partitions: 1}\nproducer: {rate: [{constant: 10}]}\nfunction: {duration: {per_record: 1ms}}\n",
    );
    let files = output::render(&s, &run_checked(&s));
    assert!(file(&files, "timeseries.csv").starts_with("time_s,produced"));
    assert!(file(&files, "scaling.csv").starts_with("time_s,total_lag"));
    assert!(!file(&files, "summary.json").contains("start_at"));
    assert!(!file(&files, "manifest.json").contains("start_at"));
}
