//! The sweep's tables: `sweep.csv` (one row per run), `aggregate.csv` (one row per
//! variant: mean, 95 % confidence interval, worst and best over its replications, and
//! each objective's met share and worst value) and `best.csv` (every variant, those that
//! meet every objective in every replication first, each group by the ranking metric).
//!
//! Tables are pure functions of the [`Plan`] and the run records, so a sharded sweep
//! merged afterwards writes the same bytes as one unsharded run. Numbers are written in
//! the shortest form that reads back to the same value; an empty cell means "no value".

use super::journal::RunRecord;
use super::plan::Plan;
use super::stats::{MeanCi, mean_ci95, pareto_front};
use crate::metrics::Summary;
use crate::output::columns::summary::{
    COMMITTED_RECORDS, COST_USD, MAX_RECORD_AGE_S, PRODUCED_RECORDS, SWEEP_METRICS,
};
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

/// The metrics for which more is better (their worst replication is the smallest
/// value); for every other sweep metric the worst is the largest.
pub const HIGHER_IS_BETTER: [&str; 2] = [COMMITTED_RECORDS.name, PRODUCED_RECORDS.name];

/// One objective over a variant's successful replications.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectiveStats {
    /// Share of the successful replications that met it.
    pub met_share: Option<f64>,
    /// The worst value over them: the largest (`None` if one has no value: a drain that
    /// never came, or no row in the window).
    pub worst: Option<f64>,
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
    /// Mean, confidence interval (clamped to `>= 0`, the range of every sweep metric),
    /// smallest and largest value of each of [`SWEEP_METRICS`], in order.
    pub stats: Vec<MeanCi>,
    /// Each objective of the plan, in order.
    pub objectives: Vec<ObjectiveStats>,
    /// Whether every replication ran and met every objective (`None` without an
    /// objective or a successful run).
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

    /// Whether it goes in the first group of `best.csv`: every run succeeded and met
    /// every objective.
    pub fn qualifies(&self) -> bool {
        self.clean() && self.meets_slo != Some(false)
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
                    mean_ci95(&values).clamped(0.0, f64::INFINITY)
                })
                .collect();
            let objectives = plan
                .objectives
                .iter()
                .map(|o| {
                    let found: Vec<_> = ok.iter().map(|r| r.objective(&o.name)).collect();
                    let met = found.iter().filter(|f| f.is_some_and(|f| f.met)).count();
                    ObjectiveStats {
                        met_share: (!ok.is_empty()).then(|| met as f64 / ok.len() as f64),
                        worst: found
                            .iter()
                            .map(|f| f.and_then(|f| f.worst))
                            .try_fold(None::<f64>, |acc, w| {
                                w.map(|w| Some(acc.map_or(w, |a| a.max(w))))
                            })
                            .flatten(),
                    }
                })
                .collect();
            let failed = runs.len() - ok.len();
            let meets_slo = (!plan.objectives.is_empty() && !ok.is_empty())
                .then(|| failed == 0 && ok.iter().all(|r| r.meets_all(&plan.objectives)));
            VariantStats {
                variant: runs[0].variant,
                ok: ok.len(),
                failed,
                stats,
                objectives,
                meets_slo,
                pareto: false,
                error: runs.iter().find_map(|r| r.error.clone()),
            }
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

/// The metric `best.csv` ranks by: the plan's `rank_by`, else `cost_usd`.
pub fn rank_metric(plan: &Plan) -> &'static Column<Summary> {
    plan.rank_by
        .as_deref()
        .and_then(metric_named)
        .unwrap_or(&COST_USD)
}

/// Every variant in `best.csv` order: those that meet every objective in every
/// replication (every clean variant without objectives) first, then the rest; each
/// group by the mean of `metric`, lowest first (no value last), ties by variant id.
pub fn ranked<'a>(stats: &'a [VariantStats], metric: &Column<Summary>) -> Vec<&'a VariantStats> {
    let mut all: Vec<&VariantStats> = stats.iter().collect();
    all.sort_by(|a, b| {
        let value = |v: &VariantStats| v.mean(metric).unwrap_or(f64::INFINITY);
        b.qualifies()
            .cmp(&a.qualifies())
            .then(value(a).total_cmp(&value(b)))
            .then(a.variant.cmp(&b.variant))
    });
    all
}

/// The variants that meet every objective (every clean variant without objectives),
/// ranked as in `best.csv`.
pub fn best<'a>(plan: &Plan, stats: &'a [VariantStats]) -> Vec<&'a VariantStats> {
    ranked(stats, rank_metric(plan))
        .into_iter()
        .filter(|v| v.qualifies())
        .collect()
}

/// `sweep.csv`: one row per run in run order.
pub fn sweep_csv(plan: &Plan, records: &[RunRecord]) -> Vec<u8> {
    let mut header: Vec<String> = ["variant", "replication", "seed"]
        .map(String::from)
        .to_vec();
    header.extend(plan.parameters().iter().map(|p| p.to_string()));
    header.push("scenario_hash".into());
    header.extend(METRICS.iter().map(|m| m.to_string()));
    for o in &plan.objectives {
        header.extend([
            format!("slo_{}_met", o.name),
            format!("slo_{}_worst", o.name),
        ]);
    }
    header.extend(["meets_slo".into(), "error".into()]);
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
        for o in &plan.objectives {
            let found = r.objective(&o.name);
            row.extend([flag(found.map(|f| f.met)), num(found.and_then(|f| f.worst))]);
        }
        let meets = (!plan.objectives.is_empty() && r.error.is_none())
            .then(|| r.meets_all(&plan.objectives));
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
            format!("{m}_worst"),
            format!("{m}_best"),
        ]);
    }
    for o in &plan.objectives {
        header.extend([
            format!("slo_{}_met_share", o.name),
            format!("slo_{}_worst", o.name),
        ]);
    }
    header.extend(["meets_slo".into(), "pareto".into(), "error".into()]);
    header
}

fn aggregate_row(plan: &Plan, v: &VariantStats) -> Vec<String> {
    let mut row = vec![v.variant.to_string()];
    row.extend(plan.values(v.variant).iter().map(|s| s.to_string()));
    row.extend([(v.ok + v.failed).to_string(), v.failed.to_string()]);
    for (s, name) in v.stats.iter().zip(METRICS) {
        let (worst, best) = if HIGHER_IS_BETTER.contains(&name) {
            (s.min, s.max)
        } else {
            (s.max, s.min)
        };
        row.extend([num(s.mean), num(s.low), num(s.high), num(worst), num(best)]);
    }
    for o in &v.objectives {
        row.extend([num(o.met_share), num(o.worst)]);
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

/// `best.csv`: every variant in [`ranked`] order, ranked from 1, with the columns of
/// `aggregate.csv`.
pub fn best_csv(plan: &Plan, stats: &[VariantStats]) -> Vec<u8> {
    let mut header = vec!["rank".to_string()];
    header.extend(aggregate_header(plan));
    let mut csv = CsvWriter::new(&header);
    for (i, v) in ranked(stats, rank_metric(plan)).into_iter().enumerate() {
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
    use crate::sweep::journal::ObjectiveRecord;
    use crate::sweep::plan::{Axis, ChartChoice, PlanObjective, Samples};

    fn plan() -> Plan {
        Plan {
            name: "t".into(),
            base: "b.yaml".into(),
            fixed: vec![],
            grid: vec![Axis {
                key: "function.memory".into(),
                values: vec!["512".into(), "1024".into(), "2048".into()],
            }],
            zip: vec![],
            samples: Samples::default(),
            seeds: vec![1, 2, 3],
            objectives: vec![PlanObjective {
                name: "age".into(),
                kind: "max_age".into(),
                limit: 120.0,
                during: None,
            }],
            rank_by: None,
            charts: ChartChoice {
                metric: "cost_usd".into(),
                x: None,
                lines: None,
                reference: None,
            },
        }
    }

    /// A run whose age objective (limit 120 s) is judged on `age`.
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
            slo: vec![ObjectiveRecord {
                name: "age".into(),
                met: age <= 120.0,
                worst: Some(age),
            }],
        }
    }

    #[test]
    fn a_variant_meets_the_slo_only_if_every_replication_meets_every_objective() {
        let mut failed = RunRecord::failed(2, 2, 3, String::new(), "bad, \"value\"".into());
        failed.seed = 3;
        let records = vec![
            // Variant 0: 67, 170 and 67 s; the mean (101.3 s) is under 120 s, but one
            // replication of three is over: missed.
            run(0, 0, 67.0, 1.0),
            run(0, 1, 170.0, 1.0),
            run(0, 2, 67.0, 1.0),
            run(1, 0, 1.0, 3.0),
            run(1, 1, 2.0, 3.0),
            run(1, 2, 3.0, 3.0),
            run(2, 0, 1.0, 2.0),
            run(2, 1, 1.0, 2.0),
            failed,
        ];
        let stats = aggregate(&plan(), &records);
        assert_eq!(stats.len(), 3);
        assert_eq!(stats[0].meets_slo, Some(false));
        assert_eq!(stats[0].objectives[0].met_share, Some(2.0 / 3.0));
        assert_eq!(stats[0].objectives[0].worst, Some(170.0));
        assert_eq!(stats[1].meets_slo, Some(true));
        assert_eq!((stats[2].ok, stats[2].failed), (2, 1));
        assert_eq!(stats[2].meets_slo, Some(false));

        // The interval of variant 0's age is clamped at 0 (the raw one starts at
        // -46.4 s); worst and best are the largest and smallest ages.
        let age = &stats[0].stats[1];
        assert_eq!(
            (age.low, age.min, age.max),
            (Some(0.0), Some(67.0), Some(170.0))
        );
        let age = &stats[1].stats[1];
        // s = 1, s/sqrt(3) = 0.57735, t_2 = 4.303: 2 ± 2.484338, cut at 0.
        assert_eq!(age.low, Some(0.0));
        assert!((age.high.unwrap() - 4.484338).abs() < 1e-6);

        // best: only variant 1 qualifies; best.csv ranks it first, then the rest by
        // cost (variant 0 at 1 USD before variant 2 at 2 USD).
        let best_ids: Vec<usize> = best(&plan(), &stats).iter().map(|v| v.variant).collect();
        assert_eq!(best_ids, [1]);
        let csv = String::from_utf8(best_csv(&plan(), &stats)).unwrap();
        let firsts: Vec<&str> = csv.lines().skip(1).map(|l| &l[..4]).collect();
        assert_eq!(firsts, ["1,1,", "2,0,", "3,2,"]);
        // --rank-by max_record_age_s: the rest by mean age (variant 2 at 1 s first).
        let by_age = Plan {
            rank_by: Some("max_record_age_s".into()),
            ..plan()
        };
        let csv = String::from_utf8(best_csv(&by_age, &stats)).unwrap();
        let firsts: Vec<&str> = csv.lines().skip(1).map(|l| &l[..4]).collect();
        assert_eq!(firsts, ["1,1,", "2,2,", "3,0,"]);

        let agg = String::from_utf8(aggregate_csv(&plan(), &stats)).unwrap();
        let header: Vec<&str> = agg.lines().next().unwrap().split(',').collect();
        for column in [
            "max_record_age_s_worst",
            "max_record_age_s_best",
            "slo_age_met_share",
            "slo_age_worst",
        ] {
            assert!(header.contains(&column), "{column} in {header:?}");
        }
        let row0: Vec<&str> = agg.lines().nth(1).unwrap().split(',').collect();
        let cell = |name: &str| row0[header.iter().position(|h| *h == name).unwrap()];
        assert_eq!(cell("max_record_age_s_worst"), "170");
        assert_eq!(cell("max_record_age_s_best"), "67");
        assert_eq!(cell("max_record_age_s_ci95_low"), "0");
        assert_eq!(cell("slo_age_worst"), "170");
        assert_eq!(cell("meets_slo"), "false");

        let csv = String::from_utf8(sweep_csv(&plan(), &records)).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[0].starts_with(
            "variant,replication,seed,function.memory,scenario_hash,max_lag_records,"
        ));
        assert!(lines[0].ends_with(",slo_age_met,slo_age_worst,meets_slo,error"));
        assert!(lines[1].starts_with("0,0,1,512,h,,67,"), "{}", lines[1]);
        assert!(lines[1].ends_with(",true,67,true,"), "{}", lines[1]);
        assert!(lines[2].ends_with(",false,170,false,"), "{}", lines[2]);
        assert!(
            lines[9].ends_with(",,,,\"bad, \"\"value\"\"\""),
            "{}",
            lines[9]
        );
    }

    #[test]
    fn without_objectives_every_clean_variant_is_in_best_and_meets_slo_is_empty() {
        let plan = Plan {
            objectives: vec![],
            ..plan()
        };
        let records = vec![run(0, 0, 500.0, 2.0), run(1, 0, 1.0, 1.0)];
        let stats = aggregate(&plan, &records);
        assert_eq!(stats[0].meets_slo, None);
        let ids: Vec<usize> = best(&plan, &stats).iter().map(|v| v.variant).collect();
        assert_eq!(ids, [1, 0]);
    }
}
