//! Streaming statistics whose memory does not grow with the number of observations:
//! Welford moments and P² quantile markers. Both depend on the order of the observations,
//! so callers feed them in replication order (which makes results thread-count independent).

use std::cell::RefCell;

use statrs::distribution::{ContinuousCDF, StudentsT};

/// Quantiles tracked by [`Stat`].
pub const QUANTILES: [f64; 3] = [0.05, 0.5, 0.95];

/// Marker probabilities of the extended P² algorithm for P5/P50/P95: the three quantiles,
/// the extremes and midpoints between neighbours.
const MARKERS: [f64; 9] = [0.0, 0.025, 0.05, 0.275, 0.5, 0.725, 0.95, 0.975, 1.0];
const M: usize = MARKERS.len();

/// P² quantile estimator (Jain & Chlamtac 1985, extended to several quantiles as in
/// Raatikainen 1987): nine markers whose heights follow the quantiles with
/// piecewise-parabolic corrections. Exact (sorted values, linear interpolation) up to nine
/// observations; constant memory and deterministic for a fixed observation order after.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct P2 {
    count: u64,
    q: [f64; M],
    n: [f64; M],
}

impl Default for P2 {
    fn default() -> Self {
        P2 {
            count: 0,
            q: [0.0; M],
            n: [0.0; M],
        }
    }
}

impl P2 {
    pub fn push(&mut self, x: f64) {
        let c = self.count as usize;
        if c < M {
            // Insertion into the sorted buffer.
            let mut k = c;
            while k > 0 && self.q[k - 1] > x {
                self.q[k] = self.q[k - 1];
                k -= 1;
            }
            self.q[k] = x;
            self.count += 1;
            if self.count as usize == M {
                for (i, n) in self.n.iter_mut().enumerate() {
                    *n = i as f64;
                }
            }
            return;
        }
        let k = if x < self.q[0] {
            self.q[0] = x;
            0
        } else if x >= self.q[M - 1] {
            self.q[M - 1] = x;
            M - 2
        } else {
            let mut k = 0;
            while k + 1 < M - 1 && x >= self.q[k + 1] {
                k += 1;
            }
            k
        };
        for n in &mut self.n[k + 1..] {
            *n += 1.0;
        }
        self.count += 1;
        let last = (self.count - 1) as f64;
        for (i, &marker) in MARKERS.iter().enumerate().take(M - 1).skip(1) {
            let desired = marker * last;
            let d = desired - self.n[i];
            if (d >= 1.0 && self.n[i + 1] - self.n[i] > 1.0)
                || (d <= -1.0 && self.n[i - 1] - self.n[i] < -1.0)
            {
                let s = d.signum();
                let (q0, q1, q2) = (self.q[i - 1], self.q[i], self.q[i + 1]);
                let (n0, n1, n2) = (self.n[i - 1], self.n[i], self.n[i + 1]);
                let parabolic = q1
                    + s / (n2 - n0)
                        * ((n1 - n0 + s) * (q2 - q1) / (n2 - n1)
                            + (n2 - n1 - s) * (q1 - q0) / (n1 - n0));
                self.q[i] = if q0 < parabolic && parabolic < q2 {
                    parabolic
                } else {
                    let j = if s > 0.0 { i + 1 } else { i - 1 };
                    q1 + s * (self.q[j] - q1) / (self.n[j] - n1)
                };
                self.n[i] += s;
            }
        }
    }

    /// The estimate of quantile `p` (one of [`QUANTILES`], 0 or 1); `None` without data.
    pub fn quantile(&self, p: f64) -> Option<f64> {
        let c = self.count as usize;
        if c == 0 {
            return None;
        }
        if c < M {
            let pos = p * (c - 1) as f64;
            let lo = pos.floor() as usize;
            let hi = (lo + 1).min(c - 1);
            let f = pos - lo as f64;
            return Some(self.q[lo] + f * (self.q[hi] - self.q[lo]));
        }
        let i = MARKERS
            .iter()
            .position(|&m| (m - p).abs() < 1e-12)
            .expect("a tracked quantile");
        Some(self.q[i])
    }
}

/// Running mean, variance (Welford) and P5/P50/P95 (P²) of one metric.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Stat {
    n: u64,
    mean: f64,
    m2: f64,
    p2: P2,
}

/// The summary of one metric over the replications in which it was defined.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Replications in which the metric was defined (a service level needs contacts).
    pub n: u64,
    pub mean: f64,
    /// Sample standard deviation across replications (0 when n < 2).
    pub sd: f64,
    /// 95% confidence interval of the mean (Student t, n − 1 df); equal to the mean when
    /// n < 2.
    pub ci95_low: f64,
    pub ci95_high: f64,
    /// Quantiles over the replications, interpolated at position p(n − 1). From
    /// [`super::MStat`] (simulate's statistics): exact up to 9 replications, beyond within
    /// 0.5 % (relative) of the exact value, and exact when the order statistics read are
    /// the only value of their histogram bucket (counts, 0/1 outcomes); its mean and sd are
    /// those of the values rounded to 2^-24. From [`Stat`] (the plan's evaluation): P²
    /// estimates.
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
}

/// Half-width of the two-sided Student-t confidence interval at `level` (e.g. 0.95) of the
/// mean of `n` values with sample standard deviation `sd`; infinite below two values.
pub fn half_width(level: f64, n: u64, sd: f64) -> f64 {
    if n < 2 {
        return f64::INFINITY;
    }
    t_quantile(0.5 + level / 2.0, n - 1) * sd / (n as f64).sqrt()
}

impl Summary {
    /// The summary of `n ≥ 1` values with this mean, sample sd and quantile function: the
    /// 95% CI is Student t (zero-width for one value); a missing quantile is NaN.
    pub fn of(n: u64, mean: f64, sd: f64, quantile: impl Fn(f64) -> Option<f64>) -> Summary {
        let hw = if n < 2 { 0.0 } else { half_width(0.95, n, sd) };
        Summary {
            n,
            mean,
            sd,
            ci95_low: mean - hw,
            ci95_high: mean + hw,
            p5: quantile(0.05).unwrap_or(f64::NAN),
            p50: quantile(0.5).unwrap_or(f64::NAN),
            p95: quantile(0.95).unwrap_or(f64::NAN),
        }
    }
}

impl Stat {
    /// Adds one replication's value.
    #[inline]
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
        self.p2.push(x);
    }

    /// Adds a value when defined.
    #[inline]
    pub fn push_opt(&mut self, x: Option<f64>) {
        if let Some(x) = x {
            self.push(x);
        }
    }

    pub fn n(&self) -> u64 {
        self.n
    }

    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// Sample standard deviation.
    pub fn sd(&self) -> f64 {
        if self.n < 2 {
            0.0
        } else {
            (self.m2 / (self.n - 1) as f64).sqrt()
        }
    }

    /// Half-width of the two-sided confidence interval at `level` (e.g. 0.95).
    pub fn half_width(&self, level: f64) -> f64 {
        half_width(level, self.n, self.sd())
    }

    /// The summary; `None` when the metric was never defined.
    pub fn summary(&self) -> Option<Summary> {
        (self.n > 0).then(|| Summary::of(self.n, self.mean, self.sd(), |p| self.p2.quantile(p)))
    }
}

thread_local! {
    static T_CACHE: RefCell<Vec<(u64, u64, f64)>> = const { RefCell::new(Vec::new()) };
}

/// Quantile `p` of Student's t with `df` degrees of freedom (cached: summaries ask for the
/// same few values thousands of times).
pub fn t_quantile(p: f64, df: u64) -> f64 {
    let key = p.to_bits();
    T_CACHE.with(|c| {
        if let Some(&(_, _, v)) = c.borrow().iter().find(|e| e.0 == key && e.1 == df) {
            return v;
        }
        let v = StudentsT::new(0.0, 1.0, df as f64)
            .expect("df ≥ 1")
            .inverse_cdf(p);
        let mut c = c.borrow_mut();
        if c.len() > 64 {
            c.clear();
        }
        c.push((key, df, v));
        v
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welford_matches_two_pass() {
        let xs = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0];
        let mut s = Stat::default();
        xs.iter().for_each(|&x| s.push(x));
        let m = xs.iter().sum::<f64>() / 8.0;
        let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / 7.0;
        assert!((s.mean() - m).abs() < 1e-12 && (s.sd() - v.sqrt()).abs() < 1e-12);
        // Below nine values the quantiles are exact order statistics (interpolated).
        let sum = s.summary().unwrap();
        assert_eq!(sum.p50, 3.5);
        // t(0.975, 7) = 2.364624 (tables).
        assert!((t_quantile(0.975, 7) - 2.364_624).abs() < 1e-5);
    }

    #[test]
    fn p2_tracks_quantiles_of_a_known_law() {
        // A deterministic low-discrepancy sequence on [0, 1) (golden-ratio steps), i.e. a
        // uniform sample: the true quantiles are p itself. P² error ~ 1/√n style.
        let mut p = P2::default();
        let g = 0.618_033_988_749_895;
        let mut x: f64 = 0.0;
        for _ in 0..20_000 {
            x = (x + g).fract();
            p.push(x * x); // the law of U²: quantile(p) = p²
        }
        for q in QUANTILES {
            let est = p.quantile(q).unwrap();
            assert!((est - q * q).abs() < 0.01, "q{q}: {est} vs {}", q * q);
        }
    }
}
