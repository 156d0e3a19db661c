//! The sweep's tables: `sweep.csv` (one row per run), `aggregate.csv` (one row per
//! variant: mean and 95 % confidence interval over its replications) and `best.csv` (the
//! variants that meet the SLO, cheapest first).
//!
//! Tables are pure functions of the [`Plan`] and the run records, so a sharded sweep
//! merged afterwards writes the same bytes as one unsharded run. Numbers are written in
//! the shortest form that reads back to the same value; an empty cell means "no value".

use super::journal::RunRecord;
use super::plan::Plan;
use super::stats::{MeanCi, mean_ci95, pareto_front};
use crate::metrics::Summary;
use crate::output::columns::summary::{COST_USD, MAX_RECORD_AGE_S, SWEEP_METRICS};
use crate::output::columns::{self, Column, Value};
use crate::output::csv::CsvWriter;

/// The names of the summary metrics in `sweep.csv` and `aggregate.csv`, in column order
/// (those of [`SWEEP_METRICS`]).
pub const METRICS: [&str; SWEEP_METRICS.len()] = {
    let mut names = [""; SWEEP_METRICS.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = SWEEP_METRICS[i].name;
        i += 1;
    }
    names
};

/// The sweep metric named `name`.
pub fn metric_named(name: &str) -> Option<&'static Column<Summary>> {
    columns::find(&SWEEP_METRICS, name)
}

/// One variant over its replications.
#[derive(Clone, Debug, PartialEq)]
pub struct VariantStats {
    /// Variant id.
    pub variant: usize,
    /// Runs that succeeded.
    pub ok: usize,
    /// Runs that failed.
    pub failed: usize,
    /// Mean and confidence interval of each of [`SWEEP_METRICS`], in order.
    pub stats: Vec<MeanCi>,
    /// Whether the mean `max_record_age_s` is within the SLO (`None` without an SLO or
    /// successful run; `false` if any run failed).
    pub meets_slo: Option<bool>,
    /// On the Pareto front of mean cost against mean max record age.
    pub pareto: bool,
    /// The first failed run's error.
    pub error: Option<String>,
}

impl VariantStats {
    /// Mean and confidence interval of `metric` (`None` if it is not a sweep metric).
    pub fn stats_of(&self, metric: &Column<Summary>) -> Option<MeanCi> {
        let i = SWEEP_METRICS.iter().position(|m| m.name == metric.name)?;
        self.stats.get(i).copied()
    }

    /// The mean of `metric`.
    pub fn mean(&self, metric: &Column<Summary>) -> Option<f64> {
        self.stats_of(metric)?.mean
    }

    /// Whether every run succeeded.
    pub fn clean(&self) -> bool {
        self.ok > 0 && self.failed == 0
    }
}

/// Aggregates `records` (sorted by run) per variant; variants without a record are left out.
pub fn aggregate(plan: &Plan, records: &[RunRecord]) -> Vec<VariantStats> {
    let mut out: Vec<VariantStats> = records
        .chunk_by(|a, b| a.variant == b.variant)
        .map(|runs| {
            let ok: Vec<&RunRecord> = runs.iter().filter(|r| r.error.is_none()).collect();
            let stats = SWEEP_METRICS
                .iter()
                .map(|m| {
                    let values: Vec<f64> = ok.iter().filter_map(|r| r.metric(m.name)).collect();
                    mean_ci95(&values)
                })
                .collect();
            let mut v = VariantStats {
                variant: runs[0].variant,
                ok: ok.len(),
                failed: runs.len() - ok.len(),
                stats,
                meets_slo: None,
                pareto: false,
                error: runs.iter().find_map(|r| r.error.clone()),
            };
            v.meets_slo = plan.slo_max_age_s.filter(|_| v.ok > 0).map(|slo| {
                v.failed == 0 && v.mean(&MAX_RECORD_AGE_S).is_some_and(|age| age <= slo)
            });
            v
        })
        .collect();
    let candidates: Vec<usize> = (0..out.len())
        .filter(|&i| out[i].clean() && out[i].mean(&COST_USD).is_some())
        .collect();
    let points: Vec<(f64, f64)> = candidates
        .iter()
        .map(|&i| {
            let v = &out[i];
            (
                v.mean(&MAX_RECORD_AGE_S).unwrap_or(0.0),
                v.mean(&COST_USD).unwrap_or(0.0),
            )
        })
        .collect();
    for k in pareto_front(&points) {
        out[candidates[k]].pareto = true;
    }
    out
}

/// The variants that meet the SLO (every clean variant without an SLO), cheapest mean
/// cost first, ties by variant id.
pub fn best(stats: &[VariantStats]) -> Vec<&VariantStats> {
    let mut best: Vec<&VariantStats> = stats
        .iter()
        .filter(|v| v.clean() && v.meets_slo != Some(false))
        .collect();
    best.sort_by(|a, b| {
        let cost = |v: &VariantStats| v.mean(&COST_USD).unwrap_or(f64::INFINITY);
        cost(a).total_cmp(&cost(b)).then(a.variant.cmp(&b.variant))
    });
    best
}

/// `sweep.csv`: one row per run in run order.
pub fn sweep_csv(plan: &Plan, records: &[RunRecord]) -> Vec<u8> {
    let mut header = vec!["variant", "replication", "seed"];
    header.extend(plan.parameters());
    header.push("scenario_hash");
    header.extend(METRICS);
    header.extend(["meets_slo", "error"]);
    let mut csv = CsvWriter::new(&header);
    for r in records {
        let mut row = vec![
            r.variant.to_string(),
            r.replication.to_string(),
            r.seed.to_string(),
        ];
        row.extend(plan.values(r.variant).iter().map(|v| v.to_string()));
        row.push(r.hash.clone());
        row.extend(SWEEP_METRICS.iter().map(|m| num(r.metric(m.name))));
        let meets = plan.slo_max_age_s.filter(|_| r.error.is_none()).map(|slo| {
            r.metric(MAX_RECORD_AGE_S.name)
                .is_some_and(|age| age <= slo)
        });
        row.push(flag(meets));
        row.push(r.error.clone().unwrap_or_default());
        csv.row(&row);
    }
    csv.into_bytes()
}

fn aggregate_header(plan: &Plan) -> Vec<String> {
    let mut header: Vec<String> = vec!["variant".into()];
    header.extend(plan.parameters().iter().map(|p| p.to_string()));
    header.extend(["runs".into(), "failed_runs".into()]);
    for m in METRICS {
        header.extend([
            format!("{m}_mean"),
            format!("{m}_ci95_low"),
            format!("{m}_ci95_high"),
        ]);
    }
    header.extend(["meets_slo".into(), "pareto".into(), "error".into()]);
    header
}

fn aggregate_row(plan: &Plan, v: &VariantStats) -> Vec<String> {
    let mut row = vec![v.variant.to_string()];
    row.extend(plan.values(v.variant).iter().map(|s| s.to_string()));
    row.extend([(v.ok + v.failed).to_string(), v.failed.to_string()]);
    for s in &v.stats {
        row.extend([num(s.mean), num(s.low), num(s.high)]);
    }
    row.extend([
        flag(v.meets_slo),
        v.pareto.to_string(),
        v.error.clone().unwrap_or_default(),
    ]);
    row
}

/// `aggregate.csv`: one row per variant.
pub fn aggregate_csv(plan: &Plan, stats: &[VariantStats]) -> Vec<u8> {
    let header = aggregate_header(plan);
    let mut csv = CsvWriter::new(&header);
    for v in stats {
        csv.row(&aggregate_row(plan, v));
    }
    csv.into_bytes()
}

/// `best.csv`: the rows of [`best`], ranked from 1, with the columns of `aggregate.csv`.
pub fn best_csv(plan: &Plan, stats: &[VariantStats]) -> Vec<u8> {
    let mut header = vec!["rank".to_string()];
    header.extend(aggregate_header(plan));
    let mut csv = CsvWriter::new(&header);
    for (i, v) in best(stats).into_iter().enumerate() {
        let mut row = vec![(i + 1).to_string()];
        row.extend(aggregate_row(plan, v));
        csv.row(&row);
    }
    csv.into_bytes()
}

/// A number in the shortest form that reads back to it; empty for no value.
fn num(v: Option<f64>) -> String {
    Value::from(v).cell(None)
}

fn flag(v: Option<bool>) -> String {
    v.map_or_else(String::new, |b| b.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::plan::{Axis, ChartChoice, Samples};

    fn plan() -> Plan {
        Plan {
            name: "t".into(),
            base: "b.yaml".into(),
            fixed: vec![],
            grid: vec![Axis {
                key: "function.memory".into(),
                values: vec!["512".into(), "1024".into()],
            }],
            zip: vec![],
            samples: Samples::default(),
            seeds: vec![1, 2, 3],
            slo_max_age_s: Some(10.0),
            charts: ChartChoice {
                metric: "cost_usd".into(),
                x: None,
                lines: None,
            },
        }
    }

    fn run(variant: usize, replication: usize, age: f64, cost: f64) -> RunRecord {
        RunRecord {
            variant,
            replication,
            seed: 1 + replication as u64,
            hash: "h".into(),
            error: None,
            metrics: [("max_record_age_s", age), ("cost_usd", cost)]
                .into_iter()
                .map(|(k, v)| (k.to_string(), Some(v)))
                .collect(),
        }
    }

    #[test]
    fn aggregates_per_variant_with_a_confidence_interval_and_the_slo() {
        let mut failed = RunRecord::failed(1, 2, 3, String::new(), "bad, \"value\"".into());
        failed.seed = 3;
        let records = vec![
            run(0, 0, 1.0, 2.0),
            run(0, 1, 2.0, 2.0),
            run(0, 2, 3.0, 2.0),
            run(1, 0, 12.0, 1.0),
            run(1, 1, 14.0, 1.0),
            failed,
        ];
        let stats = aggregate(&plan(), &records);
        assert_eq!(stats.len(), 2);
        let age = &stats[0].stats[1];
        assert_eq!(age.mean, Some(2.0));
        // s = 1, s/sqrt(3) = 0.57735, t_2 = 4.303: 2 ± 2.484338.
        assert!((age.high.unwrap() - 4.484338).abs() < 1e-6);
        assert_eq!(stats[0].meets_slo, Some(true));
        assert_eq!((stats[1].ok, stats[1].failed), (2, 1));
        assert_eq!(stats[1].meets_slo, Some(false));
        assert!(stats[0].pareto && !stats[1].pareto);
        assert_eq!(best(&stats).len(), 1);

        let csv = String::from_utf8(sweep_csv(&plan(), &records)).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[0].starts_with(
            "variant,replication,seed,function.memory,scenario_hash,max_lag_records,"
        ));
        assert!(lines[1].starts_with("0,0,1,512,h,,1,"), "{}", lines[1]);
        assert!(lines[1].ends_with(",true,"), "{}", lines[1]);
        assert!(
            lines[6].ends_with(",,\"bad, \"\"value\"\"\""),
            "{}",
            lines[6]
        );
        let best = String::from_utf8(best_csv(&plan(), &stats)).unwrap();
        assert_eq!(best.lines().count(), 2);
        assert!(best.lines().nth(1).unwrap().starts_with("1,0,512,3,0,"));
    }
}
