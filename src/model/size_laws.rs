//! The record-size laws written as people know them: a mean and a maximum
//! (`{mean: 2KiB, max: 40KiB}`), fitted to a truncated lognormal, and an empirical
//! histogram of sizes and their shares.
//!
//! **The mean/max fit.** `max` is taken as the 99.9th percentile of a lognormal
//! (`ln max = mu + 3.0902 sigma`), sizes above it are never drawn (the law is truncated at
//! `max`, drawn by rejection: 1 draw in 1,000 is redrawn), and `sigma` is the one value
//! for which the mean of the truncated law is `mean` (bisection: the truncated mean falls
//! from `max` to 0 as `sigma` grows). So the mean is exact, no record exceeds `max`, and
//! about one record in 1,000 is within a few per cent of it.

use rand::Rng;
use rand_distr::{Distribution, Normal};

/// The 99.9th percentile of the standard normal distribution.
pub const Z_P999: f64 = 3.090_232_306_167_813_5;

/// A lognormal truncated above, by its mean and maximum.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TruncatedLognormal {
    /// Location of the underlying normal (log bytes).
    pub mu: f64,
    /// Scale of the underlying normal.
    pub sigma: f64,
    /// Largest size drawn, bytes.
    pub max: f64,
    /// Mean of the truncated law, bytes.
    pub mean: f64,
    /// Variance of the truncated law, bytes².
    pub variance: f64,
}

impl TruncatedLognormal {
    /// The law with mean `mean` and maximum `max` (`0 < mean < max`).
    pub fn fit(mean: f64, max: f64) -> TruncatedLognormal {
        let (mut lo, mut hi) = (1e-9, 30.0);
        for _ in 0..200 {
            let mid = (lo + hi) / 2.0;
            if Self::with_sigma(mid, max).mean > mean {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        Self::with_sigma((lo + hi) / 2.0, max)
    }

    /// The law whose 99.9th percentile before truncation is `max`, with scale `sigma`.
    fn with_sigma(sigma: f64, max: f64) -> TruncatedLognormal {
        let lm = max.ln();
        let mu = lm - Z_P999 * sigma;
        let kept = normal_cdf(Z_P999);
        // E[X^k | X <= max] = exp(k mu + k² sigma² / 2) Φ((ln max - mu - k sigma²) / sigma) / Φ(z).
        let moment = |k: f64| {
            (k * mu + k * k * sigma * sigma / 2.0).exp() * normal_cdf(Z_P999 - k * sigma) / kept
        };
        let mean = moment(1.0);
        TruncatedLognormal {
            mu,
            sigma,
            max,
            mean,
            variance: (moment(2.0) - mean * mean).max(0.0),
        }
    }

    /// One size in bytes (at least 1, at most `max`).
    pub fn sample<R: Rng>(&self, rng: &mut R) -> u64 {
        let normal = Normal::new(self.mu, self.sigma).expect("sigma is finite and > 0");
        loop {
            let x = normal.sample(rng).exp();
            if x <= self.max {
                return x.round().max(1.0) as u64;
            }
        }
    }
}

/// A discrete law over sizes: each record has one of `sizes` with the matching share.
#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    /// `(bytes, cumulative share)`, the last share exactly 1.
    cumulative: Vec<(u64, f64)>,
    /// Mean, bytes.
    pub mean: f64,
    /// Variance, bytes².
    pub variance: f64,
}

impl Histogram {
    /// The law of `(bytes, share)` pairs; shares are rescaled to add up to 1.
    pub fn new(bins: &[(u64, f64)]) -> Histogram {
        let total: f64 = bins.iter().map(|b| b.1).sum();
        let mut acc = 0.0;
        let mut cumulative: Vec<(u64, f64)> = bins
            .iter()
            .map(|&(s, w)| {
                acc += w / total;
                (s, acc)
            })
            .collect();
        if let Some(last) = cumulative.last_mut() {
            last.1 = 1.0;
        }
        let mean = bins.iter().map(|&(s, w)| s as f64 * w / total).sum::<f64>();
        let second = bins
            .iter()
            .map(|&(s, w)| (s as f64).powi(2) * w / total)
            .sum::<f64>();
        Histogram {
            cumulative,
            mean,
            variance: (second - mean * mean).max(0.0),
        }
    }

    /// The largest size, bytes.
    pub fn largest(&self) -> f64 {
        self.cumulative.iter().map(|b| b.0).max().unwrap_or(0) as f64
    }

    /// One size in bytes.
    pub fn sample<R: Rng>(&self, rng: &mut R) -> u64 {
        let u: f64 = rng.random();
        let i = self.cumulative.partition_point(|&(_, c)| c <= u);
        self.cumulative[i.min(self.cumulative.len() - 1)].0
    }
}

/// The standard normal cumulative distribution function (through `erfc`, fractional
/// error below 1.2e-7: Numerical Recipes' Chebyshev fit).
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::{Purpose, stream};

    #[test]
    fn normal_cdf_matches_known_values() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(1.959_963_985) - 0.975).abs() < 1e-7);
        assert!((normal_cdf(Z_P999) - 0.999).abs() < 1e-7);
        assert!((normal_cdf(-Z_P999) - 0.001).abs() < 1e-7);
    }

    #[test]
    fn mean_max_fit_has_the_mean_and_never_exceeds_the_max() {
        let law = TruncatedLognormal::fit(2048.0, 40_960.0);
        assert!((law.mean / 2048.0 - 1.0).abs() < 1e-9, "{law:?}");
        let mut rng = stream(3, Purpose::RecordSizes, 0);
        let draws: Vec<u64> = (0..200_000).map(|_| law.sample(&mut rng)).collect();
        let max = *draws.iter().max().unwrap();
        let mean = draws.iter().sum::<u64>() as f64 / draws.len() as f64;
        assert!(max <= 40_960, "max {max}");
        // The largest of 200,000 draws comes close to the maximum (0.1 % lie in the top
        // few per cent below it).
        assert!(max > 30_000, "max {max}");
        // Standard error of the mean: sqrt(variance / n), about 5 bytes here.
        let se = (law.variance / draws.len() as f64).sqrt();
        assert!((mean - 2048.0).abs() < 4.0 * se, "mean {mean}, se {se}");
        let var = draws
            .iter()
            .map(|&d| (d as f64 - mean).powi(2))
            .sum::<f64>()
            / draws.len() as f64;
        assert!(
            (var / law.variance - 1.0).abs() < 0.1,
            "{var} vs {}",
            law.variance
        );
    }

    #[test]
    fn histogram_draws_each_size_at_its_share() {
        let law = Histogram::new(&[(1024, 0.7), (4096, 0.25), (40_960, 0.05)]);
        assert!((law.mean - (0.7 * 1024.0 + 0.25 * 4096.0 + 0.05 * 40_960.0)).abs() < 1e-9);
        let mut rng = stream(5, Purpose::RecordSizes, 0);
        let n = 100_000;
        let mut counts = [0u32; 3];
        for _ in 0..n {
            match law.sample(&mut rng) {
                1024 => counts[0] += 1,
                4096 => counts[1] += 1,
                40_960 => counts[2] += 1,
                other => panic!("drew {other}"),
            }
        }
        for (count, share) in counts.iter().zip([0.7, 0.25, 0.05]) {
            let f = f64::from(*count) / f64::from(n);
            // Four standard errors of a proportion.
            let se = (share * (1.0 - share) / f64::from(n)).sqrt();
            assert!((f - share).abs() < 4.0 * se, "{f} vs {share}");
        }
    }
}
