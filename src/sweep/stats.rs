//! Statistics over replications: the mean with a 95 % Student-t confidence interval
//! (clamped to the metric's range), the smallest and largest value, and the Pareto front
//! of cost against record age.
//!
//! Sums run in replication order on one thread, so the numbers do not depend on how the
//! runs were scheduled.

/// Two-sided 95 % Student-t quantiles (`t_{0.975}`) for 1 to 30 degrees of freedom.
const T975: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042,
];

/// The `t_{0.975}` quantile for `df` degrees of freedom (1.96, the normal quantile, beyond 30).
pub fn t975(df: usize) -> f64 {
    T975.get(df.wrapping_sub(1)).copied().unwrap_or(1.96)
}

/// Mean and 95 % confidence interval of a sample.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MeanCi {
    /// Number of values.
    pub n: usize,
    /// The mean (`None` without values).
    pub mean: Option<f64>,
    /// Lower end of the interval (`None` with fewer than two values).
    pub low: Option<f64>,
    /// Upper end of the interval.
    pub high: Option<f64>,
    /// Smallest value (`None` without values).
    pub min: Option<f64>,
    /// Largest value.
    pub max: Option<f64>,
}

impl MeanCi {
    /// The interval cut to `[lo, hi]`, the range the metric can take: a Student-t
    /// interval is symmetric, so with few, skewed replications it can reach values the
    /// metric never has (an age below 0).
    pub fn clamped(self, lo: f64, hi: f64) -> MeanCi {
        MeanCi {
            low: self.low.map(|l| l.clamp(lo, hi)),
            high: self.high.map(|h| h.clamp(lo, hi)),
            ..self
        }
    }
}

/// The mean of `values` and its 95 % confidence interval `mean ± t_{n-1} · s / √n`, with
/// `s` the sample standard deviation (divisor `n - 1`).
pub fn mean_ci95(values: &[f64]) -> MeanCi {
    let n = values.len();
    if n == 0 {
        return MeanCi::default();
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if n == 1 {
        return MeanCi {
            n,
            mean: Some(mean),
            low: None,
            high: None,
            min: Some(min),
            max: Some(max),
        };
    }
    let var = values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let half = t975(n - 1) * (var / n as f64).sqrt();
    MeanCi {
        n,
        mean: Some(mean),
        low: Some(mean - half),
        high: Some(mean + half),
        min: Some(min),
        max: Some(max),
    }
}

/// Indices of the points on the Pareto front when both coordinates are to be minimised:
/// no other point is at least as good on both and better on one. Sorted by `x`.
pub fn pareto_front(points: &[(f64, f64)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| {
        let (pa, pb) = (points[a], points[b]);
        pa.0.total_cmp(&pb.0)
            .then(pa.1.total_cmp(&pb.1))
            .then(a.cmp(&b))
    });
    let mut front = Vec::new();
    let mut best_y = f64::INFINITY;
    for i in order {
        if points[i].1 < best_y {
            best_y = points[i].1;
            front.push(i);
        }
    }
    front
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ci_matches_a_hand_computed_example() {
        // 1..5: mean 3, s^2 = 10/4 = 2.5, s/sqrt(5) = 0.707107, t_{4} = 2.776,
        // half-width 1.962929: [1.037071, 4.962929].
        let ci = mean_ci95(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(ci.n, 5);
        assert_eq!(ci.mean, Some(3.0));
        assert!((ci.low.unwrap() - 1.037071).abs() < 1e-6, "{ci:?}");
        assert!((ci.high.unwrap() - 4.962929).abs() < 1e-6, "{ci:?}");
        // Two values 10 and 14: mean 12, s = 2.828427, s/sqrt(2) = 2, t_{1} = 12.706.
        let ci = mean_ci95(&[10.0, 14.0]);
        assert!((ci.high.unwrap() - (12.0 + 25.412)).abs() < 1e-9, "{ci:?}");
    }

    #[test]
    fn one_value_has_a_mean_but_no_interval_and_none_has_neither() {
        assert_eq!(
            mean_ci95(&[7.0]),
            MeanCi {
                n: 1,
                mean: Some(7.0),
                low: None,
                high: None,
                min: Some(7.0),
                max: Some(7.0),
            }
        );
        assert_eq!(mean_ci95(&[]), MeanCi::default());
        assert_eq!(mean_ci95(&[4.0, 4.0, 4.0]).low, Some(4.0));
    }

    #[test]
    fn the_interval_is_clamped_to_the_range_of_the_metric() {
        // Ages 67, 170, 67 s: mean 101.333, s = 59.467, s/sqrt(3) = 34.333,
        // t_2 = 4.303: half-width 147.737, so the raw interval starts at -46.4 s.
        let ci = mean_ci95(&[67.0, 170.0, 67.0]);
        assert!(ci.low.unwrap() < 0.0, "{ci:?}");
        let clamped = ci.clamped(0.0, f64::INFINITY);
        assert_eq!(clamped.low, Some(0.0));
        assert_eq!(clamped.high, ci.high);
        assert_eq!((clamped.min, clamped.max), (Some(67.0), Some(170.0)));
        assert_eq!(clamped.mean, ci.mean);
        // A share in [0, 1] is cut at both ends.
        let share = mean_ci95(&[0.0, 1.0]).clamped(0.0, 1.0);
        assert_eq!((share.low, share.high), (Some(0.0), Some(1.0)));
    }

    #[test]
    fn t_quantiles_fall_to_the_normal_one() {
        assert_eq!(t975(1), 12.706);
        assert_eq!(t975(30), 2.042);
        assert_eq!(t975(31), 1.96);
        assert!(T975.windows(2).all(|w| w[0] > w[1]));
    }

    #[test]
    fn pareto_front_keeps_the_undominated_points() {
        let points = [
            (1.0, 9.0),
            (2.0, 5.0),
            (3.0, 6.0),
            (4.0, 1.0),
            (2.0, 5.0),
            (5.0, 1.0),
        ];
        assert_eq!(pareto_front(&points), vec![0, 1, 3]);
        assert!(pareto_front(&[]).is_empty());
    }
}
