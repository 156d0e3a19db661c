//! `random:` sweeps: Latin hypercube or uniform samples of parameter ranges, seeded.
//!
//! Samples come from a `ChaCha8Rng` seeded with the sweep's seed on a stream of its own,
//! so the same sweep file always gives the same variants. A range is `[low, high]` of
//! integers (sampled as integers, both ends included), of decimal numbers, or of
//! durations (`[0s, 2s]`, written back in milliseconds to the microsecond).

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use schemars::JsonSchema;
use serde::Deserialize;

use super::error::SweepError;
use crate::scenario::units::parse_duration;

/// How samples spread over the ranges.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Latin hypercube: each range is cut into `samples` equal strata and every stratum
    /// is used once per parameter, so a few samples still cover every range.
    #[default]
    Lhs,
    /// Independent uniform draws.
    Uniform,
}

/// One parameter's range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Range {
    /// Whole numbers, both ends included.
    Integer(i64, i64),
    /// Decimal numbers.
    Decimal(f64, f64),
    /// Durations, in nanoseconds.
    Duration(u64, u64),
}

/// The stream of the sampling RNG (ASCII "sweep").
const STREAM: u64 = 0x73_77_65_65_70;

impl Range {
    /// Parses `[low, high]` as written under `field`.
    pub fn parse(field: &str, bounds: &[String]) -> Result<Range, SweepError> {
        let allowed = "`[low, high]` with low <= high: two integers, two numbers or two durations (e.g. `[0s, 2s]`)";
        let bad = || SweepError::invalid(field, format!("[{}]", bounds.join(", ")), allowed);
        let [lo, hi] = bounds else {
            return Err(bad());
        };
        let range = if let (Ok(a), Ok(b)) = (lo.parse::<i64>(), hi.parse::<i64>()) {
            Range::Integer(a, b)
        } else if let (Ok(a), Ok(b)) = (lo.parse::<f64>(), hi.parse::<f64>()) {
            Range::Decimal(a, b)
        } else if let (Ok(a), Ok(b)) = (parse_duration(lo), parse_duration(hi)) {
            Range::Duration(a.0, b.0)
        } else {
            return Err(bad());
        };
        let ordered = match range {
            Range::Integer(a, b) => a <= b,
            Range::Decimal(a, b) => a.is_finite() && b.is_finite() && a <= b,
            Range::Duration(a, b) => a <= b,
        };
        if ordered { Ok(range) } else { Err(bad()) }
    }

    /// The value at position `u` in `[0, 1)` of the range, as override text.
    fn at(self, u: f64) -> String {
        match self {
            Range::Integer(a, b) => {
                let span = (b as f64 - a as f64) + 1.0;
                let v = (a as f64 + (u * span).floor()).min(b as f64);
                format!("{}", v as i64)
            }
            Range::Decimal(a, b) => {
                let v = a + u * (b - a);
                // Six significant digits: readable, and the same text on every machine.
                let digits = if v == 0.0 {
                    0
                } else {
                    (5 - v.abs().log10().floor() as i32).clamp(0, 15)
                };
                let text = format!("{v:.*}", digits as usize);
                trim_decimal(&text)
            }
            Range::Duration(a, b) => {
                let ns = a as f64 + u * (b - a) as f64;
                let us = (ns / 1000.0).round() as u64;
                trim_decimal(&format!("{}.{:03}", us / 1000, us % 1000)) + "ms"
            }
        }
    }
}

fn trim_decimal(text: &str) -> String {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text.to_string()
    }
}

/// Draws `n` samples of every range; returns one list of values (aligned with `ranges`)
/// per sample.
pub fn draw(ranges: &[Range], n: usize, method: Method, seed: u64) -> Vec<Vec<String>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(STREAM);
    let columns: Vec<Vec<String>> = ranges
        .iter()
        .map(|range| {
            let mut strata: Vec<usize> = (0..n).collect();
            if method == Method::Lhs {
                strata.shuffle(&mut rng);
            }
            strata
                .into_iter()
                .map(|s| {
                    let u: f64 = rng.random();
                    let u = match method {
                        Method::Lhs => (s as f64 + u) / n as f64,
                        Method::Uniform => u,
                    };
                    range.at(u)
                })
                .collect()
        })
        .collect();
    (0..n)
        .map(|i| columns.iter().map(|c| c[i].clone()).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn ranges_parse_by_kind_and_reject_the_rest() {
        assert_eq!(
            Range::parse("f", &strings(&["1", "10"])).unwrap(),
            Range::Integer(1, 10)
        );
        assert_eq!(
            Range::parse("f", &strings(&["0.5", "2"])).unwrap(),
            Range::Decimal(0.5, 2.0)
        );
        assert_eq!(
            Range::parse("f", &strings(&["0s", "2s"])).unwrap(),
            Range::Duration(0, 2_000_000_000)
        );
        for bad in [&["2", "1"][..], &["1"], &["a", "b"], &["1", "2s"]] {
            let err = Range::parse("random.ranges.x", &strings(bad)).unwrap_err();
            assert!(err.to_string().contains("`random.ranges.x` is ["), "{err}");
        }
    }

    #[test]
    fn latin_hypercube_uses_every_stratum_once() {
        let n = 10;
        let samples = draw(
            &[Range::Integer(0, 9), Range::Decimal(0.0, 1.0)],
            n,
            Method::Lhs,
            1,
        );
        let mut ints: Vec<i64> = samples.iter().map(|s| s[0].parse().unwrap()).collect();
        ints.sort();
        assert_eq!(ints, (0..10).collect::<Vec<_>>());
        let mut strata: Vec<usize> = samples
            .iter()
            .map(|s| (s[1].parse::<f64>().unwrap() * n as f64) as usize)
            .collect();
        strata.sort();
        assert_eq!(strata, (0..n).collect::<Vec<_>>());
        assert_eq!(
            samples,
            draw(
                &[Range::Integer(0, 9), Range::Decimal(0.0, 1.0)],
                n,
                Method::Lhs,
                1
            )
        );
        assert_ne!(
            samples,
            draw(
                &[Range::Integer(0, 9), Range::Decimal(0.0, 1.0)],
                n,
                Method::Lhs,
                2
            )
        );
    }

    #[test]
    fn values_are_written_as_the_scenario_reads_them() {
        assert_eq!(Range::Duration(0, 1_000_000_000).at(0.1374821), "137.482ms");
        assert_eq!(Range::Duration(0, 1_000_000_000).at(0.5), "500ms");
        assert_eq!(Range::Decimal(0.0, 1000.0).at(0.123456789), "123.457");
        assert_eq!(Range::Integer(10, 12).at(0.999999), "12");
        let all = draw(&[Range::Duration(0, 2_000_000_000)], 50, Method::Uniform, 3);
        for s in all {
            parse_duration(&s[0]).unwrap();
        }
    }
}
