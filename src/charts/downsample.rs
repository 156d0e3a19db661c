//! Downsampling for drawing: keep the minimum and the maximum of every pixel column, so
//! a one-sample spike in a day of 1 s samples still shows, while a line never has more than
//! about two points per pixel.
//!
//! This is for drawing only; the numbers written to CSV and JSON are never downsampled.

/// A run of points to draw as one connected line, `(x, y)` in data units.
pub type Segment = Vec<(f64, f64)>;

/// Reduces `(xs[i], ys[i])` to at most two points per pixel column (its minimum and its
/// maximum, in the order they occur) over `columns` columns spanning `x0..=x1`.
///
/// `xs` must be sorted ascending. A `NaN` in `ys` is a missing value: the line is broken
/// into separate [`Segment`]s wherever a whole pixel column (or, when the input is small
/// enough to draw as is, a single sample) is missing. Points outside `x0..=x1` are dropped.
pub fn minmax_downsample(xs: &[f64], ys: &[f64], x0: f64, x1: f64, columns: usize) -> Vec<Segment> {
    let n = xs.len().min(ys.len());
    let start = xs[..n].partition_point(|&x| x < x0);
    let end = xs[..n].partition_point(|&x| x <= x1);
    let (xs, ys) = (&xs[start..end], &ys[start..end]);
    let mut segments = Vec::new();
    let mut current: Segment = Vec::new();
    let columns = columns.max(1);

    if xs.len() <= 2 * columns || x1 <= x0 {
        for (&x, &y) in xs.iter().zip(ys) {
            if y.is_finite() {
                current.push((x, y));
            } else if !current.is_empty() {
                segments.push(std::mem::take(&mut current));
            }
        }
        if !current.is_empty() {
            segments.push(current);
        }
        return segments;
    }

    let scale = columns as f64 / (x1 - x0);
    let column_of = |x: f64| (((x - x0) * scale) as usize).min(columns - 1);

    // Per column: index of min and max among finite values (None if all missing).
    let mut bucket = column_of(xs[0]);
    let mut extremes: Option<(usize, usize)> = None;
    let flush =
        |extremes: Option<(usize, usize)>, current: &mut Segment, segments: &mut Vec<Segment>| {
            match extremes {
                Some((lo, hi)) => {
                    let (a, b) = if lo <= hi { (lo, hi) } else { (hi, lo) };
                    current.push((xs[a], ys[a]));
                    if b != a {
                        current.push((xs[b], ys[b]));
                    }
                }
                None => {
                    if !current.is_empty() {
                        segments.push(std::mem::take(current));
                    }
                }
            }
        };
    for (i, (&x, &y)) in xs.iter().zip(ys).enumerate() {
        let c = column_of(x);
        if c != bucket {
            flush(extremes, &mut current, &mut segments);
            bucket = c;
            extremes = None;
        }
        if y.is_finite() {
            extremes = Some(match extremes {
                None => (i, i),
                Some((lo, hi)) => (
                    if y < ys[lo] { i } else { lo },
                    if y > ys[hi] { i } else { hi },
                ),
            });
        }
    }
    flush(extremes, &mut current, &mut segments);
    if !current.is_empty() {
        segments.push(current);
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_a_one_sample_spike_in_a_day_of_samples() {
        let n = 86_400;
        let xs: Vec<f64> = (1..=n).map(f64::from).collect();
        let mut ys = vec![10.0; n as usize];
        ys[43_210] = 1_000_000.0;
        ys[50_000] = -5.0;
        let segments = minmax_downsample(&xs, &ys, 0.0, 86_400.0, 1000);
        assert_eq!(segments.len(), 1);
        let points = &segments[0];
        assert!(points.len() <= 2 * 1000, "{} points", points.len());
        assert!(points.contains(&(43_211.0, 1_000_000.0)));
        assert!(points.contains(&(50_001.0, -5.0)));
        assert!(points.windows(2).all(|w| w[0].0 < w[1].0), "x stays sorted");
    }

    #[test]
    fn small_inputs_are_kept_and_split_at_missing_values() {
        let xs = [1.0, 2.0, 3.0, 4.0, 5.0];
        let ys = [1.0, f64::NAN, 3.0, 4.0, f64::NAN];
        let segments = minmax_downsample(&xs, &ys, 0.0, 5.0, 100);
        assert_eq!(
            segments,
            vec![vec![(1.0, 1.0)], vec![(3.0, 3.0), (4.0, 4.0)]]
        );
    }

    #[test]
    fn a_missing_pixel_column_breaks_the_line_but_a_missing_sample_does_not() {
        let xs: Vec<f64> = (0..1000).map(f64::from).collect();
        let mut ys = vec![1.0; 1000];
        ys[10] = f64::NAN; // one missing sample inside a 10-sample column: no gap
        for y in &mut ys[500..520] {
            *y = f64::NAN; // two whole columns missing: gap
        }
        let segments = minmax_downsample(&xs, &ys, 0.0, 1000.0, 100);
        assert_eq!(segments.len(), 2);
        assert!(segments[0].last().unwrap().0 < 500.0);
        assert!(segments[1][0].0 >= 520.0);
    }

    #[test]
    fn points_outside_the_window_are_dropped() {
        let xs = [1.0, 2.0, 3.0, 4.0];
        let ys = [1.0, 2.0, 3.0, 4.0];
        let segments = minmax_downsample(&xs, &ys, 2.0, 3.0, 10);
        assert_eq!(segments, vec![vec![(2.0, 2.0), (3.0, 3.0)]]);
    }
}
