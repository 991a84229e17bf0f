//! Distribution functions of the positive distributions a scenario writes by mean and
//! coefficient of variation: one implementation for lags in hours (`Lag::cdf_h`) and for
//! durations in seconds (`sim::Dist::cdf_s`). `x` and `mean` are in the same unit.

use statrs::function::{erf::erfc, gamma::checked_gamma_lr};

/// P(X ≤ x), X exponential with mean `mean`.
pub fn exponential(mean: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    1.0 - (-x / mean).exp()
}

/// P(X ≤ x), X lognormal with mean `mean` and coefficient of variation `cv`.
pub fn lognormal(mean: f64, cv: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let s2 = (1.0 + cv * cv).ln();
    let mu = mean.ln() - s2 / 2.0;
    0.5 * erfc(-(x.ln() - mu) / (s2.sqrt() * std::f64::consts::SQRT_2))
}

/// P(X ≤ x), X gamma with mean `mean` and coefficient of variation `cv`.
pub fn gamma(mean: f64, cv: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let shape = 1.0 / (cv * cv);
    let scale = mean * cv * cv;
    checked_gamma_lr(shape, x / scale).unwrap_or(1.0)
}

/// P(X ≤ x), X always `at`.
pub fn fixed(at: f64, x: f64) -> f64 {
    if x >= at { 1.0 } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gamma_with_cv_one_is_exponential_and_the_lognormal_median_is_right() {
        for x in [0.5, 2.0, 7.0] {
            assert!((gamma(5.0, 1.0, x) - exponential(5.0, x)).abs() < 1e-10);
        }
        // Lognormal median = mean / √(1 + cv²).
        let median = 10.0 / (1.0f64 + 0.25).sqrt();
        assert!((lognormal(10.0, 0.5, median) - 0.5).abs() < 1e-12);
        assert_eq!((fixed(3.0, 2.9), fixed(3.0, 3.0)), (0.0, 1.0));
        assert_eq!(exponential(5.0, -1.0), 0.0);
    }
}
