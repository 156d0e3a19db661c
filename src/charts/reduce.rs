//! Bounded chart input for long runs: the rows of `timeseries.csv` are read one at a
//! time, and past [`EXACT_ROWS`] rows only the rows that matter for drawing are kept.
//!
//! The rows are cut into about [`BUCKETS`] runs of consecutive rows; of each run the
//! first and last rows are kept, for every charted column the row of its minimum and the
//! row of its maximum (the first of equals), and the first row of each `bottleneck`
//! label in the run, so that every constraint that bound shows in its bands. A chart is at most a few
//! thousand pixels wide and draws the minimum and maximum of each pixel column
//! ([`super::downsample`]), so what is drawn keeps every peak and trough; memory is
//! bounded by the bucket count, whatever the length of the run. Runs of up to
//! [`EXACT_ROWS`] rows keep every row, and their charts are the bytes they were before
//! the reduction existed.

use super::input::TimeSeries;
use crate::metrics::bottleneck::Bottleneck;

/// Runs with at most this many rows keep every row for the charts.
pub const EXACT_ROWS: usize = 200_000;

/// About how many runs of rows a longer run is cut into.
pub const BUCKETS: usize = 8_192;

/// One parsed row of `timeseries.csv`: the charted columns (time first), then the
/// optional columns (`None` when the file has no such column).
#[derive(Clone, Debug)]
pub(super) struct ChartRow<const N: usize> {
    pub values: [f64; N],
    pub cold: Option<f64>,
    pub failures: [Option<f64>; 4],
    pub bottleneck: Option<Option<Bottleneck>>,
}

impl<const N: usize> ChartRow<N> {
    /// Every drawn value of the row, time excluded.
    fn drawn(&self) -> impl Iterator<Item = f64> + '_ {
        self.values[1..]
            .iter()
            .copied()
            .chain(self.cold)
            .chain(self.failures.iter().flatten().copied())
    }
}

/// Puts a kept row into the series.
pub(super) type Push<const N: usize> = fn(&mut TimeSeries, &ChartRow<N>);

/// Where a parsed row goes: straight into the series, or through a bucket.
pub(super) struct SeriesBuilder<const N: usize> {
    rows_per_bucket: usize,
    bucket: Vec<ChartRow<N>>,
    keep: Vec<usize>,
    /// Per drawn column of the bucket: the first minimum and maximum, `(row, value)`.
    extremes: Vec<Option<Extremes>>,
}

/// The row and value of a column's minimum, then of its maximum.
type Extremes = ((usize, f64), (usize, f64));

impl<const N: usize> SeriesBuilder<N> {
    /// A builder for a file of `rows` rows.
    pub fn new(rows: usize) -> Self {
        let rows_per_bucket = if rows <= EXACT_ROWS {
            1
        } else {
            rows.div_ceil(BUCKETS)
        };
        SeriesBuilder {
            rows_per_bucket,
            bucket: Vec::with_capacity(rows_per_bucket),
            keep: Vec::new(),
            extremes: Vec::new(),
        }
    }

    /// Takes the next row.
    pub fn take(&mut self, row: ChartRow<N>, ts: &mut TimeSeries, push: Push<N>) {
        if self.rows_per_bucket == 1 {
            push(ts, &row);
            return;
        }
        self.bucket.push(row);
        if self.bucket.len() == self.rows_per_bucket {
            self.flush(ts, push);
        }
    }

    /// Keeps what the last, partial bucket needs.
    pub fn finish(mut self, ts: &mut TimeSeries, push: Push<N>) {
        self.flush(ts, push);
    }

    fn flush(&mut self, ts: &mut TimeSeries, push: Push<N>) {
        let Some(last) = self.bucket.len().checked_sub(1) else {
            return;
        };
        self.keep.clear();
        self.keep.extend([0, last]);
        self.extremes.clear();
        let mut labels_seen = [false; Bottleneck::ALL.len() + 1];
        for (i, row) in self.bucket.iter().enumerate() {
            let label = row.bottleneck.flatten().map_or(0, |b| {
                1 + Bottleneck::ALL
                    .iter()
                    .position(|&x| x == b)
                    .expect("listed")
            });
            if !std::mem::replace(&mut labels_seen[label], true) {
                self.keep.push(i);
            }
            for (column, v) in row.drawn().enumerate() {
                if column == self.extremes.len() {
                    self.extremes.push(None);
                }
                if !v.is_finite() {
                    continue;
                }
                let slot = &mut self.extremes[column];
                *slot = Some(match *slot {
                    None => ((i, v), (i, v)),
                    Some((lo, hi)) => (
                        if v < lo.1 { (i, v) } else { lo },
                        if v > hi.1 { (i, v) } else { hi },
                    ),
                });
            }
        }
        for ((lo, _), (hi, _)) in self.extremes.iter().flatten() {
            self.keep.extend([*lo, *hi]);
        }
        self.keep.sort_unstable();
        self.keep.dedup();
        for &i in &self.keep {
            push(ts, &self.bucket[i]);
        }
        self.bucket.clear();
    }
}
