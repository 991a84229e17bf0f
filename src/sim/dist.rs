//! Distributions compiled for sampling in milliseconds.

use rand::Rng;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, Exp1, Gamma, StandardNormal};

use super::SimError;
use super::model::Dist;
use crate::limits::{MAX_CV, MIN_CV};

/// Longest duration a draw may take, in ms (10^15 ms ≈ 31,700 years): a far tail draw of a
/// lognormal or gamma is cut here, so that adding it to the clock (`u64` ms) can never
/// overflow. Validated distributions (means up to 10^7 s) reach it with probability far
/// below 10^-100, so it changes no result.
pub(crate) const MAX_DRAW_MS: f64 = 1e15;

/// A uniform draw in [0, 1).
#[inline(always)]
pub(crate) fn unit(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A unit-mean exponential draw (ziggurat: one 64-bit draw and a table look-up in
/// ~99% of cases, no logarithm).
#[inline(always)]
pub(crate) fn exp1(rng: &mut ChaCha8Rng) -> f64 {
    Exp1.sample(rng)
}

/// A distribution ready to sample durations in ms.
#[derive(Debug, Clone)]
pub(crate) enum Sampler {
    Exp { mean_ms: f64 },
    LogNormal { mu: f64, sigma: f64 },
    Gamma(Gamma<f64>),
    Fixed(f64),
    Empirical { x_ms: Vec<f64>, p: Vec<f64> },
}

impl Sampler {
    /// Compiles a [`Dist`] (seconds) into a sampler in ms; an error (never a panic) when its
    /// parameters cannot be sampled (`Model::validate` rejects them first).
    pub fn new(d: &Dist) -> Result<Sampler, SimError> {
        Ok(match *d {
            Dist::Exponential { mean_s } => Sampler::Exp {
                mean_ms: mean_s * 1000.0,
            },
            Dist::LogNormal { mean_s, cv } => {
                let s2 = (1.0 + cv * cv).ln();
                Sampler::LogNormal {
                    mu: (mean_s * 1000.0).ln() - 0.5 * s2,
                    sigma: s2.sqrt(),
                }
            }
            Dist::Gamma { mean_s, cv } => {
                let shape = 1.0 / (cv * cv);
                let scale = mean_s * 1000.0 * cv * cv;
                let ok = shape.is_finite() && shape > 0.0 && scale.is_finite() && scale > 0.0;
                let g = Gamma::new(shape, scale).ok().filter(|_| ok).ok_or_else(|| {
                    SimError::Invalid(format!(
                        "Gamma(mean_s: {mean_s}, cv: {cv}) cannot be sampled (shape {shape:e}, scale {scale:e} ms); use a cv from {MIN_CV} to {MAX_CV}"
                    ))
                })?;
                Sampler::Gamma(g)
            }
            Dist::Fixed { s } => Sampler::Fixed(s * 1000.0),
            Dist::Empirical(ref pts) => {
                let mut x_ms = vec![0.0];
                let mut p = vec![0.0];
                for &(x, q) in pts {
                    x_ms.push(x * 1000.0);
                    p.push(q);
                }
                Sampler::Empirical { x_ms, p }
            }
        })
    }

    /// One draw in ms, in [0, [`MAX_DRAW_MS`]].
    #[inline]
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        self.draw(rng).min(MAX_DRAW_MS)
    }

    #[inline]
    fn draw(&self, rng: &mut ChaCha8Rng) -> f64 {
        match self {
            Sampler::Exp { mean_ms } => mean_ms * exp1(rng),
            Sampler::LogNormal { mu, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                (mu + sigma * z).exp()
            }
            Sampler::Gamma(g) => g.sample(rng),
            Sampler::Fixed(v) => *v,
            Sampler::Empirical { x_ms, p } => {
                let u = unit(rng);
                // First point with cumulative probability > u.
                let k = p.partition_point(|&q| q <= u).clamp(1, p.len() - 1);
                let (p0, p1) = (p[k - 1], p[k]);
                let (x0, x1) = (x_ms[k - 1], x_ms[k]);
                if p1 > p0 {
                    x0 + (x1 - x0) * (u - p0) / (p1 - p0)
                } else {
                    x1
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn mean_cv(d: &Dist, n: usize) -> (f64, f64) {
        let s = Sampler::new(d).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let (mut m, mut m2) = (0.0, 0.0);
        for _ in 0..n {
            let x = s.sample(&mut rng) / 1000.0;
            m += x;
            m2 += x * x;
        }
        m /= n as f64;
        let var = m2 / n as f64 - m * m;
        (m, var.sqrt() / m)
    }

    #[test]
    fn samplers_have_the_stated_mean_and_cv() {
        // 400k draws: the standard error of the mean is cv/√n ≈ 0.2% (lognormal cv 1.2:
        // the cv estimate itself is noisy, so it gets a wider band).
        let n = 400_000;
        let (m, cv) = mean_cv(&Dist::Exponential { mean_s: 300.0 }, n);
        assert!(
            (m / 300.0 - 1.0).abs() < 0.01 && (cv - 1.0).abs() < 0.02,
            "{m} {cv}"
        );
        let (m, cv) = mean_cv(
            &Dist::LogNormal {
                mean_s: 240.0,
                cv: 1.2,
            },
            n,
        );
        assert!(
            (m / 240.0 - 1.0).abs() < 0.015 && (cv - 1.2).abs() < 0.1,
            "{m} {cv}"
        );
        let (m, cv) = mean_cv(
            &Dist::Gamma {
                mean_s: 60.0,
                cv: 0.5,
            },
            n,
        );
        assert!(
            (m / 60.0 - 1.0).abs() < 0.01 && (cv - 0.5).abs() < 0.01,
            "{m} {cv}"
        );
        // Uniform on [10, 30]: mean 20, cv = (20/√12)/20.
        let emp = Dist::Empirical(vec![(10.0, 0.0), (30.0, 1.0)]);
        assert!((emp.mean_s() - 20.0).abs() < 1e-12);
        let (m, cv) = mean_cv(&emp, n);
        assert!(
            (m - 20.0).abs() < 0.05 && (cv - 1.0 / 12f64.sqrt()).abs() < 0.005,
            "{m} {cv}"
        );
    }
}
