//! Order → contact delays, discretised on the day grid (`Timing::DailyProfile`) or on the
//! interval grid (`Timing::FollowsOrder`).
//!
//! Both kernels are probability vectors (they sum to 1 exactly, up to rounding): the tail
//! beyond [`MAX_LAG_DAYS`] or beyond a remaining mass of [`TAIL`] is added to the last bin, so
//! no contact is lost in the discretisation.

use crate::scenario::Lag;

/// Longest delay considered, in days. Longer tails are folded into the last bin.
pub const MAX_LAG_DAYS: usize = 400;
/// Remaining probability below which a kernel stops.
const TAIL: f64 = 1e-12;
/// Sub-points per interval (or per quarter hour for day kernels) at which the order time is
/// sampled: the order time is uniform within its interval.
const SUB: usize = 8;

/// Checks a lag's parameters; `Err` says what is wrong.
pub fn check(lag: &Lag) -> Result<(), String> {
    let pos = |name: &str, v: f64| {
        if v.is_finite() && v > 0.0 {
            Ok(())
        } else {
            Err(format!("{name} must be a positive number, got {v}"))
        }
    };
    match lag {
        Lag::Days(w) => {
            if w.is_empty() || w.len() > MAX_LAG_DAYS {
                return Err(format!(
                    "Days(...) needs 1 to {MAX_LAG_DAYS} weights (day 0 = same day), got {}",
                    w.len()
                ));
            }
            if w.iter().any(|x| !x.is_finite() || *x < 0.0) || w.iter().sum::<f64>() <= 0.0 {
                return Err("Days(...) weights must be ≥ 0 with a positive sum".into());
            }
            Ok(())
        }
        Lag::Exponential { mean_h } => pos("mean_h", *mean_h),
        Lag::LogNormal { mean_h, cv } | Lag::Gamma { mean_h, cv } => {
            pos("mean_h", *mean_h)?;
            pos("cv", *cv)
        }
        Lag::Fixed { h } => {
            if h.is_finite() && *h >= 0.0 && *h < (MAX_LAG_DAYS * 24) as f64 {
                Ok(())
            } else {
                Err(format!(
                    "Fixed(h: ...) must be between 0 and {} hours, got {h}",
                    MAX_LAG_DAYS * 24
                ))
            }
        }
    }
}

/// Builds a kernel from bin probabilities `bin(k)` until the remaining mass is negligible or
/// `max_bins` is reached; the remainder goes into the last bin.
fn kernel(max_bins: usize, mut bin: impl FnMut(usize) -> f64) -> Vec<f64> {
    let mut out = Vec::new();
    let mut acc = 0.0;
    for k in 0..max_bins.max(1) {
        let p = bin(k).max(0.0);
        out.push(p);
        acc += p;
        if 1.0 - acc <= TAIL {
            break;
        }
    }
    let rest = 1.0 - out.iter().sum::<f64>();
    if let Some(last) = out.last_mut() {
        *last += rest;
    }
    // Trailing zero bins carry nothing.
    while out.len() > 1 && out.last() == Some(&0.0) {
        out.pop();
    }
    out
}

/// P(contact on day d + k | order on day d), k = 0, 1, …
///
/// `Days` weights are used as they are (normalised). For delays in hours the order time of
/// day follows the order hourly profile (sampled at [`SUB`] points per hour): a 20-hour delay
/// after an evening order lands on the next day, after a morning order on the same day or
/// the next. Days are taken as 24 hours here (a DST day's hour is ignored at this step).
pub fn day_kernel(lag: &Lag, order_profile: &[f64]) -> Vec<f64> {
    if let Lag::Days(w) = lag {
        let total: f64 = w.iter().sum();
        return kernel(w.len(), |k| w[k] / total);
    }
    let total: f64 = order_profile.iter().sum();
    let points: Vec<(f64, f64)> = order_profile
        .iter()
        .enumerate()
        .flat_map(|(h, w)| {
            (0..SUB).map(move |s| (h as f64 + (s as f64 + 0.5) / SUB as f64, w / total))
        })
        .map(|(t, w)| (t, w / SUB as f64))
        .collect();
    // F at each point's lower bin edge, carried from one bin to the next (bins are visited in
    // order), so each CDF value is computed once.
    let mut lower: Vec<f64> = points.iter().map(|&(t, _)| lag.cdf_h(-t)).collect();
    kernel(MAX_LAG_DAYS, |k| {
        let hi = 24.0 * (k + 1) as f64;
        points
            .iter()
            .zip(lower.iter_mut())
            .map(|(&(t, w), lo)| {
                let f = lag.cdf_h(hi - t);
                let p = w * (f - *lo);
                *lo = f;
                p
            })
            .sum()
    })
}

/// P(contact in interval i + j | order in interval i), j = 0, 1, … for intervals of
/// `interval_h` hours; the order time is uniform within its interval (sampled at [`SUB`]
/// points).
pub fn interval_kernel(lag: &Lag, interval_h: f64) -> Vec<f64> {
    let max_bins = ((MAX_LAG_DAYS as f64 * 24.0) / interval_h).ceil() as usize;
    let offsets: Vec<f64> = (0..SUB)
        .map(|s| (s as f64 + 0.5) / SUB as f64 * interval_h)
        .collect();
    let mut lower: Vec<f64> = offsets.iter().map(|u| lag.cdf_h(-u)).collect();
    kernel(max_bins, |j| {
        let hi = (j + 1) as f64 * interval_h;
        offsets
            .iter()
            .zip(lower.iter_mut())
            .map(|(u, lo)| {
                let f = lag.cdf_h(hi - u);
                let p = f - *lo;
                *lo = f;
                p
            })
            .sum::<f64>()
            / SUB as f64
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernels_are_probability_vectors() {
        let profile = crate::scenario::default_order_profile();
        for lag in [
            Lag::Days(vec![0.0, 2.0, 1.0, 1.0]),
            Lag::Exponential { mean_h: 30.0 },
            Lag::LogNormal {
                mean_h: 40.0,
                cv: 0.6,
            },
            Lag::Gamma {
                mean_h: 20.0,
                cv: 1.5,
            },
            Lag::Fixed { h: 36.0 },
        ] {
            let k = day_kernel(&lag, &profile);
            assert!((k.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{lag:?}");
            assert!(k.iter().all(|p| *p >= 0.0));
            let k = interval_kernel(&lag, 0.25);
            assert!((k.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{lag:?}");
        }
    }

    #[test]
    fn lognormal_cdf_is_one_half_at_the_median() {
        // Median of a lognormal = mean / sqrt(1 + cv²).
        let lag = Lag::LogNormal {
            mean_h: 40.0,
            cv: 0.75,
        };
        let median = 40.0 / (1.0f64 + 0.75 * 0.75).sqrt();
        assert!((lag.cdf_h(median) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn gamma_with_cv_one_is_exponential() {
        let g = Lag::Gamma {
            mean_h: 5.0,
            cv: 1.0,
        };
        for x in [0.5, 3.0, 12.0] {
            assert!((g.cdf_h(x) - (1.0 - (-x / 5.0f64).exp())).abs() < 1e-10);
        }
    }

    #[test]
    fn exponential_interval_kernel_matches_closed_form() {
        // Order uniform on [0, Δ), delay Exp(mean m): P(j=0) = 1 − m/Δ (1 − e^{−Δ/m}).
        let (m, d): (f64, f64) = (0.5, 0.25);
        let k = interval_kernel(&Lag::Exponential { mean_h: m }, d);
        let exact = 1.0 - m / d * (1.0 - (-d / m).exp());
        assert!((k[0] - exact).abs() < 2e-3, "{} vs {exact}", k[0]);
    }

    #[test]
    fn fixed_lag_on_the_interval_grid_splits_by_the_fraction() {
        // A delay of 1.5 intervals: half the orders land one interval later, half two.
        let k = interval_kernel(&Lag::Fixed { h: 0.375 }, 0.25);
        assert!(
            (k[1] - 0.5).abs() < 1e-12 && (k[2] - 0.5).abs() < 1e-12,
            "{k:?}"
        );
    }
}
