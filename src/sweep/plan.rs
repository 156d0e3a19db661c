//! The expanded sweep: which parameters vary, every variant's values, the seeds, and how
//! a variant id maps to its coordinates. A [`Plan`] is what `sweep.json` stores, so shards
//! and `esmsim merge` agree on the runs without the sweep file or the base scenario.
//!
//! # Order
//!
//! Variants are numbered from 0: the `grid` cartesian product in the order its keys appear
//! (the last key varies fastest), then the `zip` position, then the `random` sample
//! (fastest). Run `k` is replication `k % replications` of variant `k / replications`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One varied parameter and its values, as written in the sweep file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Axis {
    /// Scenario path, e.g. `topic.partitions`.
    pub key: String,
    /// Values as written (passed to the scenario as `key=value`).
    pub values: Vec<String>,
}

/// Latin hypercube or uniform samples of some parameters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Samples {
    /// Sampled scenario paths.
    pub keys: Vec<String>,
    /// One list of values (aligned with `keys`) per sample.
    pub values: Vec<Vec<String>>,
}

/// What the comparison charts show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartChoice {
    /// The metric of the line chart and the heatmap (a `sweep.csv` column).
    pub metric: String,
    /// Parameter on the x axis (line chart) and the columns (heatmap), if any varies.
    pub x: Option<String>,
    /// Parameter with one line per value (line chart) and the rows (heatmap), if any.
    pub lines: Option<String>,
    /// The variant the first two charts hold the other parameters at
    /// (`charts.reference`); the first of `best.csv` when `None`.
    #[serde(default)]
    pub reference: Option<usize>,
}

/// An objective as the sweep tables name it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanObjective {
    /// Its name (the column prefix `slo_<name>_`).
    pub name: String,
    /// `max_age`, `max_lag` or `drain`.
    pub kind: String,
    /// Its limit (seconds, or records for `max_lag`).
    pub limit: f64,
    /// Its window as written, if any.
    pub during: Option<String>,
}

/// The fully expanded sweep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Sweep name (the default output folder is `outputs/<name>/`).
    pub name: String,
    /// The base scenario as written in the sweep file (relative to it).
    pub base: String,
    /// `path=value` overrides applied to every run before the parameters (`set`, `slo`).
    pub fixed: Vec<String>,
    /// Cartesian-product parameters, in file order.
    pub grid: Vec<Axis>,
    /// Parameters varied together (all lists of one length).
    pub zip: Vec<Axis>,
    /// Randomly sampled parameters.
    pub samples: Samples,
    /// The seed of each replication (`seeds[r] = first seed + r`).
    pub seeds: Vec<u64>,
    /// The objectives every replication of a variant must meet for `meets_slo` (those
    /// of the base scenario with the sweep's `set` and `slo`).
    #[serde(default)]
    pub objectives: Vec<PlanObjective>,
    /// The sweep metric `best.csv` ranks by (`cost_usd` when `None`), lowest first.
    #[serde(default)]
    pub rank_by: Option<String>,
    /// What the charts show.
    pub charts: ChartChoice,
}

/// Which dimension of the variant space a parameter belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dim {
    /// `grid` axis number.
    Grid(usize),
    /// The `zip` lists (all of them move together).
    Zip,
    /// The `random` samples (all of them move together).
    Sample,
}

/// A variant's position: one index per grid axis, then the zip and sample positions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Coords {
    pub(crate) grid: Vec<usize>,
    pub(crate) zip: usize,
    pub(crate) sample: usize,
}

impl Coords {
    /// Moves `dim` to position `i`.
    pub(crate) fn set(&mut self, dim: Dim, i: usize) {
        match dim {
            Dim::Grid(g) => self.grid[g] = i,
            Dim::Zip => self.zip = i,
            Dim::Sample => self.sample = i,
        }
    }
}

impl Plan {
    fn zip_len(&self) -> usize {
        self.zip.first().map_or(1, |a| a.values.len())
    }

    fn sample_len(&self) -> usize {
        if self.samples.keys.is_empty() {
            1
        } else {
            self.samples.values.len()
        }
    }

    /// Checks what [`Plan::coords`] and [`Plan::values`] rely on, for a plan read back
    /// from a file: no empty list, zip lists of one length, one value per sampled key,
    /// at least one seed.
    pub(crate) fn check(&self) -> Result<(), String> {
        let zip = self.zip_len();
        if self.grid.iter().any(|a| a.values.is_empty()) {
            Err("a grid parameter has no values".into())
        } else if self.zip.iter().any(|a| a.values.len() != zip || zip == 0) {
            Err("the zip lists are empty or of different lengths".into())
        } else if self
            .samples
            .values
            .iter()
            .any(|s| s.len() != self.samples.keys.len())
            || (!self.samples.keys.is_empty() && self.samples.values.is_empty())
        {
            Err("the random samples do not match their keys".into())
        } else if self.seeds.is_empty() {
            Err("there are no seeds".into())
        } else {
            Ok(())
        }
    }

    /// Number of variants (parameter combinations).
    pub fn variant_count(&self) -> usize {
        self.grid.iter().map(|a| a.values.len()).product::<usize>()
            * self.zip_len()
            * self.sample_len()
    }

    /// Number of runs: variants times replications.
    pub fn run_count(&self) -> usize {
        self.variant_count() * self.seeds.len()
    }

    /// Every varied parameter: grid keys, zip keys, then sampled keys.
    pub fn parameters(&self) -> Vec<&str> {
        self.grid
            .iter()
            .chain(&self.zip)
            .map(|a| a.key.as_str())
            .chain(self.samples.keys.iter().map(String::as_str))
            .collect()
    }

    /// The dimension a parameter varies along.
    pub(crate) fn dim_of(&self, key: &str) -> Option<Dim> {
        if let Some(i) = self.grid.iter().position(|a| a.key == key) {
            Some(Dim::Grid(i))
        } else if self.zip.iter().any(|a| a.key == key) {
            Some(Dim::Zip)
        } else if self.samples.keys.iter().any(|k| k == key) {
            Some(Dim::Sample)
        } else {
            None
        }
    }

    /// The coordinates of variant `v` (`v < variant_count()`).
    pub(crate) fn coords(&self, v: usize) -> Coords {
        let sample = v % self.sample_len();
        let rest = v / self.sample_len();
        let zip = rest % self.zip_len();
        let mut rest = rest / self.zip_len();
        let mut grid = vec![0; self.grid.len()];
        for (i, axis) in self.grid.iter().enumerate().rev() {
            grid[i] = rest % axis.values.len();
            rest /= axis.values.len();
        }
        Coords { grid, zip, sample }
    }

    /// The variant at `coords`.
    pub(crate) fn variant_at(&self, coords: &Coords) -> usize {
        let g = self
            .grid
            .iter()
            .zip(&coords.grid)
            .fold(0, |acc, (axis, &i)| acc * axis.values.len() + i);
        (g * self.zip_len() + coords.zip) * self.sample_len() + coords.sample
    }

    /// The values of variant `v`, aligned with [`Plan::parameters`].
    pub fn values(&self, v: usize) -> Vec<&str> {
        let c = self.coords(v);
        let grid = self.grid.iter().zip(&c.grid).map(|(a, &i)| &a.values[i]);
        let zip = self.zip.iter().map(|a| &a.values[c.zip]);
        let sampled = self.samples.values.get(c.sample).into_iter().flatten();
        grid.chain(zip).chain(sampled).map(String::as_str).collect()
    }

    /// The overrides of replication `r` of variant `v`: the fixed ones, the parameters,
    /// then the seed.
    pub fn overrides(&self, v: usize, r: usize) -> Vec<String> {
        let mut sets = self.fixed.clone();
        sets.extend(
            self.parameters()
                .iter()
                .zip(self.values(v))
                .map(|(k, value)| format!("{k}={value}")),
        );
        sets.push(format!("seed={}", self.seeds[r]));
        sets
    }
}

/// `--shard i/n`: this process runs the variants whose id `% n == i` (shards from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// This shard, `0..count`.
    pub index: usize,
    /// Number of shards.
    pub count: usize,
}

impl Shard {
    /// Whether variant `v` belongs to this shard.
    pub fn owns(&self, v: usize) -> bool {
        v % self.count == self.index
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            format!(
                "`{s}` is not a shard: write `i/n` with 0 <= i < n, e.g. `0/4` for the first of four (shards are numbered from 0)"
            )
        };
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: usize = i.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if index < count {
            Ok(Shard { index, count })
        } else {
            Err(bad())
        }
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(key: &str, values: &[&str]) -> Axis {
        Axis {
            key: key.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    fn plan() -> Plan {
        Plan {
            name: "t".into(),
            base: "base.yaml".into(),
            fixed: vec![],
            grid: vec![axis("a", &["1", "2"]), axis("b", &["x", "y", "z"])],
            zip: vec![axis("c", &["0s", "1s"]), axis("d", &["p", "q"])],
            samples: Samples::default(),
            seeds: vec![7, 8],
            objectives: Vec::new(),
            rank_by: None,
            charts: ChartChoice {
                metric: "cost_usd".into(),
                x: None,
                lines: None,
                reference: None,
            },
        }
    }

    #[test]
    fn grid_is_a_cartesian_product_with_the_last_key_fastest_and_zip_inside() {
        let p = plan();
        assert_eq!(p.variant_count(), 12);
        assert_eq!(p.run_count(), 24);
        assert_eq!(p.parameters(), ["a", "b", "c", "d"]);
        assert_eq!(p.values(0), ["1", "x", "0s", "p"]);
        assert_eq!(p.values(1), ["1", "x", "1s", "q"]);
        assert_eq!(p.values(2), ["1", "y", "0s", "p"]);
        assert_eq!(p.values(11), ["2", "z", "1s", "q"]);
        for v in 0..p.variant_count() {
            assert_eq!(p.variant_at(&p.coords(v)), v);
        }
        assert_eq!(
            p.overrides(3, 1),
            ["a=1", "b=y", "c=1s", "d=q", "seed=8"].map(String::from)
        );
    }

    #[test]
    fn shards_parse_and_split_by_variant() {
        let s: Shard = "1/3".parse().unwrap();
        assert_eq!(s, Shard { index: 1, count: 3 });
        assert!(s.owns(4) && !s.owns(3));
        for bad in ["3/3", "1", "a/2", "1/0", "-1/2"] {
            let err = bad.parse::<Shard>().unwrap_err();
            assert!(err.contains("numbered from 0"), "{err}");
        }
    }
}
