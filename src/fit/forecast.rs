//! Volume forecast: daily totals × intraday profile (the decomposition of Weinberg, Brown &
//! Stroud 2007), fitted on nalgebra.
//!
//! **Daily totals.** A log-linear regression, solved by (optionally discounted) least squares
//! through an SVD:
//!
//! ```text
//! ln y_d = level + trend · weeks_d + Σ weekday effects
//!        + Σ_k (a_k cos 2πk·dom_d/len + b_k sin 2πk·dom_d/len)     (day of the month)
//!        + post_holiday · [the previous operating weekday was a holiday]
//!        + Σ_events Σ_j uplift_{e,j} · [d = date_e + j] + r_d
//! ```
//!
//! The residuals `r_d` carry into the forecast by [`ResidualModel`]: by default a simple
//! exponential smoothing (a local level that follows level shifts, α by one-step squared
//! error; h-step variance `σ₁²(1 + (k − 1)α²)`), or AR(1) (`φ^k r_o`, variance
//! `σ²(1 − φ^{2k})`). Weekday effects, uplifts and the post-holiday effect are multiplicative
//! (`exp β`); their standard errors are σ²(XᵀWX)⁻¹ (ignoring residual autocorrelation).
//!
//! **Intraday profile.** Per weekday, the share of the day's contacts in each slot: ratio of
//! sums over the training days of that weekday (volume-weighted).
//!
//! **Uncertainty.** Day level: lognormal around the median, with a log sd that depends on
//! the lead `k` (open days from the last day of history). By default
//! ([`LeadSpread::Empirical`]) the sd is *measured*: the model is refitted at up to
//! [`MAX_CALIBRATION_ORIGINS`] origins inside the history (each with at least
//! [`MIN_TRAINING_DAYS`] days before it), every later day up to [`MAX_CALIBRATED_LEAD`] open
//! days ahead is forecast, and the mean square of the log errors per lead is smoothed by a
//! variance curve `a + b(k − 1) + c(k − 1)²` with non-negative coefficients (extended along
//! its tangent beyond the last measured lead). The 80 % and 95 % intervals use the 80th and
//! 95th percentiles of |error| / sd over all those errors rather than the normal 1.28 and
//! 1.96, so heavy tails are honoured, and each weekday gets a factor on the variance (its
//! mean squared standardised error, shrunk towards 1): a small weekend day is relatively
//! noisier than a busy Monday. With [`LeadSpread::Model`] (or too little history)
//! the residual model's own h-step variance is used. Interval level: the day-level error
//! plus over-dispersed Poisson noise around the profile (`Var = ω·μ`, ω estimated
//! in-sample), normal approximation. The simulator's day-level volume multiplier
//! Gamma(mean 1, cv) gets `cv = sqrt(exp(σ_k²) − 1)` for each day's lead.
//!
//! **Unusual days.** Days whose residual lies beyond 3.5 robust sd (MAD × 1.4826) —
//! holidays with some traffic, outages, overload days — are listed, left out of the spread
//! ([`Spread::Robust`], default; [`Spread::Plain`] keeps them) and left out of the lead
//! calibration's errors. They are events, not noise: give known ones as `--holiday` or
//! `--event`.
//!
//! **Calendar.** Operating weekdays are those present in at least half of the weeks the
//! history spans; an operating weekday without data is *closed*. Closed days are known in
//! advance (holiday calendars are), so the forecast of a day after a closed day uses the
//! post-holiday effect. With [`ForecastOptions::holidays`] only the listed closed days count
//! as holidays; other missing days are data gaps.
//!
//! **Robustness.** By default the regression is Huber-robust (IRLS, k = 1.5 MAD-scaled): a
//! few extraordinary days (a holiday that still has some calls, an overload day) barely move
//! the level; the residual smoothing clips them.
//!
//! **Defaults** (robust fit, smoothing residuals, two monthly harmonics, no discounting, all
//! history in the profile) were chosen on validation holdouts that end *before* the final
//! four weeks: the US-bank series cut at 2003-06-05 and 2003-07-03, the Anonymous Bank
//! 15-minute arrivals cut at 1999-04-30 and 1999-05-31.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use nalgebra::{DMatrix, DVector};
use serde::Serialize;

use super::counts::{CountSeries, DayCounts};
use crate::error::{Error, Result};
use crate::scenario::Day;
use crate::scenario::dates::{date_of_day_number, day_number, weekday_index};

/// A named special date (an event's day 0).
#[derive(Debug, Clone, PartialEq)]
pub struct SpecialDay {
    pub name: String,
    pub date: Date,
}

/// Forecast settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastOptions {
    /// Special days whose uplift is fitted.
    pub events: Vec<SpecialDay>,
    /// Day offsets around each special day that get their own uplift (inclusive).
    pub event_window: (i32, i32),
    /// Fit a post-holiday effect.
    pub post_holiday: bool,
    /// How the daily residuals carry forward.
    pub residual: ResidualModel,
    /// Public holidays; when given, only closed days listed here trigger the post-holiday
    /// effect (other missing days are data gaps). `None`: every missing operating day is a
    /// holiday.
    pub holidays: Option<Vec<Date>>,
    /// Weeks of history (same weekday) averaged for the intraday profile; `None` = all.
    pub profile_weeks: Option<usize>,
    /// Discounted least squares: a day `a` weeks before the last training day gets weight
    /// `0.5^(a / halflife)`; `None` = ordinary least squares.
    pub halflife_weeks: Option<f64>,
    /// Huber-robust regression (IRLS) and a robust (MAD) residual scale.
    pub robust: bool,
    /// Fourier pairs (cos, sin) of the day of the month (period = days in that month): the
    /// turn-of-the-month pattern of banks, bills and salaries. 0 = none.
    pub monthly_harmonics: usize,
    /// How the day-level spread (and so every prediction interval) is measured.
    pub spread: Spread,
    /// How the spread grows with the lead (days from the last day of history).
    pub lead_spread: LeadSpread,
}

/// How the forecast's spread grows with the lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeadSpread {
    /// Measured on the history itself: a rolling origin over the history's own days (every
    /// day with at least [`MIN_TRAINING_DAYS`] before it, the last [`MAX_CALIBRATION_ORIGINS`]
    /// of them), the model refitted at each origin, the log errors of the median forecast
    /// collected by lead (extraordinary days left out); a variance line `a + b·(lead − 1)`
    /// (b ≥ 0) fitted to their mean squares, weighted by count. Falls back to `Model` when
    /// the history is too short. Default.
    Empirical,
    /// The residual model's own formula (smoothing: `σ₁²(1 + (k − 1)α²)`).
    Model,
}

/// Least history before a calibration origin, in days.
pub const MIN_TRAINING_DAYS: i64 = 56;
/// Most calibration origins (the latest ones).
pub const MAX_CALIBRATION_ORIGINS: usize = 84;
/// Longest lead measured by the calibration (open days); longer leads extrapolate the
/// variance line.
pub const MAX_CALIBRATED_LEAD: i32 = 42;
/// Fewest log errors at lead 1 for the empirical calibration to be used.
const MIN_LEAD1_ERRORS: usize = 20;
/// Pseudo-errors at factor 1 that shrink each weekday's variance factor.
const WEEKDAY_PRIOR: f64 = 10.0;

/// Forecast errors of one lead in the calibration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LeadError {
    /// Open days from the origin to the target.
    pub lead: i32,
    /// Log errors measured (target days with data, extraordinary days left out).
    pub n: usize,
    /// Root mean square of ln(actual / median forecast), each error divided by the square
    /// root of its weekday's variance factor.
    pub rms_log: f64,
    /// The spread used at this lead (the fitted variance line), ln scale.
    pub sigma_log: f64,
}

/// How the day-level spread of the forecast is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spread {
    /// Extraordinary days (residual beyond 3.5 robust sd: holidays with some traffic,
    /// outages, overload days) are left out of the spread and reported. Default.
    Robust,
    /// Every day counts in the spread, extraordinary ones included (one overload day and a
    /// few holidays can double it).
    Plain,
}

impl Default for ForecastOptions {
    fn default() -> Self {
        ForecastOptions {
            events: vec![],
            event_window: (-3, 1),
            post_holiday: true,
            residual: ResidualModel::Smoothing,
            holidays: None,
            profile_weeks: None,
            halflife_weeks: None,
            monthly_harmonics: 2,
            robust: true,
            spread: Spread::Robust,
            lead_spread: LeadSpread::Empirical,
        }
    }
}

/// How the regression's daily residuals carry into the forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResidualModel {
    /// Independent residuals: the regression alone.
    None,
    /// AR(1): the last residual decays by φ per open day.
    Ar1,
    /// Simple exponential smoothing of the residuals (a local level that follows level
    /// shifts; α chosen by one-step squared error), carried at every horizon. Default.
    Smoothing,
}

/// Which days a centre works: operating weekdays and closed (holiday) dates.
#[derive(Debug, Clone, PartialEq)]
pub struct OpCalendar {
    /// Monday first.
    pub operating: [bool; 7],
    /// Operating weekdays without data inside the history (day numbers).
    pub closed: BTreeSet<i64>,
    /// Which closed days are public holidays (their next open day gets the post-holiday
    /// effect); `None`: every closed day is. Closed days not listed are data gaps.
    pub holidays: Option<BTreeSet<i64>>,
}

impl OpCalendar {
    /// Operating weekdays: present in at least half of the weeks spanned by the days.
    pub fn from_days(days: &[DayCounts]) -> OpCalendar {
        let mut operating = [false; 7];
        let mut closed = BTreeSet::new();
        let (Some(first), Some(last)) = (days.first(), days.last()) else {
            return OpCalendar {
                operating,
                closed,
                holidays: None,
            };
        };
        let (a, b) = (day_number(first.date), day_number(last.date));
        let present: BTreeSet<i64> = days.iter().map(|d| day_number(d.date)).collect();
        let mut seen = [0usize; 7];
        let mut possible = [0usize; 7];
        for dn in a..=b {
            possible[weekday_index(dn)] += 1;
            if present.contains(&dn) {
                seen[weekday_index(dn)] += 1;
            }
        }
        for w in 0..7 {
            operating[w] = possible[w] > 0 && 2 * seen[w] >= possible[w];
        }
        for dn in a..=b {
            if operating[weekday_index(dn)] && !present.contains(&dn) {
                closed.insert(dn);
            }
        }
        OpCalendar {
            operating,
            closed,
            holidays: None,
        }
    }

    /// Declare the public holidays: they are closed days (even when the history has some
    /// contacts on them: a holiday is planned as closed, not forecast), and only they
    /// trigger the post-holiday effect (other closed days become data gaps).
    pub fn with_holidays(mut self, holidays: &[Date]) -> OpCalendar {
        self.holidays = Some(holidays.iter().map(|&d| day_number(d)).collect());
        self.closed.extend(holidays.iter().map(|&d| day_number(d)));
        self
    }

    /// The centre works on this day.
    pub fn is_open(&self, dn: i64) -> bool {
        self.operating[weekday_index(dn)] && !self.closed.contains(&dn)
    }

    /// The previous operating weekday before `dn` was closed.
    pub fn post_holiday(&self, dn: i64) -> bool {
        (1..=7)
            .map(|k| dn - k)
            .find(|&p| self.operating[weekday_index(p)])
            .is_some_and(|p| {
                self.closed.contains(&p) && self.holidays.as_ref().is_none_or(|h| h.contains(&p))
            })
    }

    /// Open days in (from, to].
    pub fn open_days_between(&self, from: i64, to: i64) -> usize {
        (from + 1..=to).filter(|&d| self.is_open(d)).count()
    }
}

/// A fitted volume model.
#[derive(Debug, Clone)]
pub struct VolumeModel {
    pub interval_min: u32,
    pub first_slot_min: u32,
    pub slots_per_day: usize,
    pub calendar: OpCalendar,
    /// Day number of the first training day (trend origin).
    t0: i64,
    /// Regression column names and coefficients.
    pub columns: Vec<String>,
    pub beta: Vec<f64>,
    /// Standard errors of `beta` (σ²(XᵀWX)⁻¹, ignoring residual autocorrelation).
    pub std_errors: Vec<f64>,
    /// Weekday of the reference level (its effect is 0).
    pub reference_weekday: usize,
    /// Residual standard deviation of ln(daily total).
    pub sigma_log: f64,
    /// AR(1) coefficient of the residuals (0 when off).
    pub phi: f64,
    /// Smoothing constant and final level of the residuals (when smoothing).
    pub alpha: f64,
    pub level_resid: f64,
    /// One-step-ahead residual sd of the smoothing.
    pub sigma_one_step: f64,
    /// Last training day and its residual.
    pub last_day: i64,
    pub last_resid: f64,
    /// Per weekday (Monday first): slot shares summing to 1, `None` when unseen.
    pub profile: [Option<Vec<f64>>; 7],
    /// Over-dispersion ω of interval counts around the profile (1 = Poisson).
    pub overdispersion: f64,
    pub training_days: usize,
    pub options: ForecastOptions,
    /// Event (name → day numbers of its day 0).
    events: BTreeMap<String, Vec<i64>>,
    /// Days whose residual exceeds 3.5 robust sd (robust fits), with actual / fitted.
    pub extraordinary_days: Vec<(Date, f64)>,
    /// Fitted (ln-scale) values and residuals for the training days.
    pub residuals: Vec<(Date, f64)>,
    /// Variance curve of ln(daily total) by lead, `(a, b, c)`: `a + b·x + c·x²` with
    /// `x = k − 1` at `k` open days ahead (the empirical calibration; beyond
    /// [`MAX_CALIBRATED_LEAD`] it continues along its tangent); `None`: the residual model's
    /// formula.
    pub lead_variance: Option<(f64, f64, f64)>,
    /// The calibration's measured errors by lead (empty without it).
    pub lead_errors: Vec<LeadError>,
    /// Multipliers of the day-level log sd for the 80 % and 95 % intervals: the normal
    /// quantiles 1.28 and 1.96, or with the empirical calibration the 80th and 95th
    /// percentiles of |log error| / sd over all calibration errors (heavy tails widen the
    /// 95 % interval and narrow the 80 % one).
    pub day_z80: f64,
    pub day_z95: f64,
    /// Per weekday (Monday first): the factor on the lead variance (1 without the
    /// empirical calibration).
    pub weekday_variance_factor: [f64; 7],
}

/// One day's forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayForecast {
    pub date: String,
    /// Median forecast of the day's total.
    pub total: f64,
    pub total_lo80: f64,
    pub total_hi80: f64,
    pub total_lo95: f64,
    pub total_hi95: f64,
    /// Per slot: point forecast and the 80 % / 95 % prediction intervals.
    pub intervals: Vec<f64>,
    pub lo80: Vec<f64>,
    pub hi80: Vec<f64>,
    pub lo95: Vec<f64>,
    pub hi95: Vec<f64>,
}

const Z80: f64 = 1.281_551_565_544_600_5;
const Z95: f64 = 1.959_963_984_540_054;

impl VolumeModel {
    fn row(&self, dn: i64) -> Vec<f64> {
        design_row(
            dn,
            self.t0,
            &self.columns,
            self.reference_weekday,
            &self.calendar,
            &self.events,
        )
    }

    /// Multiplicative effect of a named regressor (`exp β`), if fitted.
    pub fn effect(&self, column: &str) -> Option<f64> {
        self.columns
            .iter()
            .position(|c| c == column)
            .map(|i| self.beta[i].exp())
    }

    /// Coefficient (ln scale) and its standard error of a named regressor.
    pub fn coefficient(&self, column: &str) -> Option<(f64, f64)> {
        self.columns
            .iter()
            .position(|c| c == column)
            .map(|i| (self.beta[i], self.std_errors[i]))
    }

    /// Weekly growth factor − 1 (0.01 = +1 % a week).
    pub fn weekly_growth(&self) -> f64 {
        self.effect("trend_per_week").map_or(0.0, |e| e - 1.0)
    }

    /// Forecast-error variance of ln(daily total) `k` open days ahead.
    pub fn log_variance(&self, k: i32) -> f64 {
        let k = k.max(1);
        if let Some((a, b, c)) = self.lead_variance {
            let x = f64::from(k - 1);
            let xm = f64::from(MAX_CALIBRATED_LEAD - 1);
            let v = if x <= xm {
                a + b * x + c * x * x
            } else {
                a + b * xm + c * xm * xm + (b + 2.0 * c * xm) * (x - xm)
            };
            return v.max(1e-12);
        }
        self.model_log_variance(k)
    }

    /// The residual model's own forecast-error variance `k` open days ahead.
    pub fn model_log_variance(&self, k: i32) -> f64 {
        let k = k.max(1);
        match self.options.residual {
            ResidualModel::Smoothing => {
                self.sigma_one_step.powi(2) * (1.0 + f64::from(k - 1) * self.alpha.powi(2))
            }
            ResidualModel::Ar1 => self.sigma_log.powi(2) * (1.0 - self.phi.powi(2 * k)),
            ResidualModel::None => self.sigma_log.powi(2),
        }
        .max(1e-12)
    }

    /// Day-level volume cv of a forecast made `k` open days ahead.
    pub fn volume_cv_ahead(&self, k: i32) -> f64 {
        (self.log_variance(k).exp() - 1.0).sqrt()
    }

    /// Day-level volume cv of a date's forecast (its lead from the last day of history and
    /// its weekday's variance factor).
    pub fn volume_cv_on(&self, date: Date) -> f64 {
        let dn = day_number(date);
        let k = self.calendar.open_days_between(self.last_day, dn).max(1) as i32;
        let v = self.log_variance(k) * self.weekday_variance_factor[weekday_index(dn)];
        (v.exp() - 1.0).sqrt()
    }

    /// Day-level volume cv for the simulator's Gamma(mean 1, cv) multiplier.
    pub fn volume_cv(&self) -> f64 {
        (self.sigma_log.powi(2).exp() - 1.0).sqrt()
    }

    /// Multiplicative uplift per day offset of an event.
    pub fn uplift(&self, event: &str) -> Vec<(i32, f64)> {
        let (a, b) = self.options.event_window;
        (a..=b)
            .filter_map(|k| self.effect(&event_column(event, k)).map(|e| (k, e)))
            .collect()
    }

    /// Median daily total for a date with no residual carry-over (the long-run forecast).
    pub fn expected_total(&self, date: Date) -> f64 {
        let x = self.row(day_number(date));
        dot(&x, &self.beta).exp()
    }

    /// ln of the median forecast of a day's total (regression + carried residual); `None`
    /// when the day is closed or its weekday has no profile.
    pub fn median_log(&self, date: Date) -> Option<f64> {
        let dn = day_number(date);
        if !self.calendar.is_open(dn) || self.profile[weekday_index(dn)].is_none() {
            return None;
        }
        let k = self.calendar.open_days_between(self.last_day, dn).max(1) as i32;
        let carry = match self.options.residual {
            ResidualModel::Smoothing => self.level_resid,
            ResidualModel::Ar1 => self.phi.powi(k) * self.last_resid,
            ResidualModel::None => 0.0,
        };
        Some(dot(&self.row(dn), &self.beta) + carry)
    }

    /// Forecast one day from the end of the training data. `None` when the day is closed
    /// or its weekday has no profile.
    pub fn forecast_day(&self, date: Date) -> Option<DayForecast> {
        let dn = day_number(date);
        if !self.calendar.is_open(dn) {
            return None;
        }
        let profile = self.profile[weekday_index(dn)].as_ref()?;
        let x = self.row(dn);
        let k = self.calendar.open_days_between(self.last_day, dn).max(1) as i32;
        let carry = match self.options.residual {
            ResidualModel::Smoothing => self.level_resid,
            ResidualModel::Ar1 => self.phi.powi(k) * self.last_resid,
            ResidualModel::None => 0.0,
        };
        let mu = dot(&x, &self.beta) + carry;
        let var = self.log_variance(k) * self.weekday_variance_factor[weekday_index(dn)];
        let sd = var.sqrt();
        let total = mu.exp();
        let rel_var = var.exp() - 1.0;
        let mut f = DayForecast {
            date: date.to_string(),
            total,
            total_lo80: (mu - self.day_z80 * sd).exp(),
            total_hi80: (mu + self.day_z80 * sd).exp(),
            total_lo95: (mu - self.day_z95 * sd).exp(),
            total_hi95: (mu + self.day_z95 * sd).exp(),
            intervals: Vec::with_capacity(profile.len()),
            lo80: vec![],
            hi80: vec![],
            lo95: vec![],
            hi95: vec![],
        };
        for &s in profile {
            let c = total * s;
            let isd = (c * c * rel_var + self.overdispersion * c).sqrt();
            f.intervals.push(c);
            f.lo80.push((c - Z80 * isd).max(0.0));
            f.hi80.push(c + Z80 * isd);
            f.lo95.push((c - Z95 * isd).max(0.0));
            f.hi95.push(c + Z95 * isd);
        }
        Some(f)
    }
}

fn median_abs(r: &[f64]) -> f64 {
    let mut a: Vec<f64> = r.iter().map(|v| v.abs()).collect();
    a.sort_by(f64::total_cmp);
    if a.is_empty() {
        0.0
    } else if a.len() % 2 == 1 {
        a[a.len() / 2]
    } else {
        0.5 * (a[a.len() / 2 - 1] + a[a.len() / 2])
    }
}

/// The dot product of two vectors (over the shorter length).
fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn event_column(name: &str, k: i32) -> String {
    format!("event:{name}:{k:+}")
}

const WEEKDAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn design_row(
    dn: i64,
    t0: i64,
    columns: &[String],
    _reference: usize,
    cal: &OpCalendar,
    events: &BTreeMap<String, Vec<i64>>,
) -> Vec<f64> {
    columns
        .iter()
        .map(|c| match c.as_str() {
            "level" => 1.0,
            "trend_per_week" => (dn - t0) as f64 / 7.0,
            "post_holiday" => f64::from(u8::from(cal.post_holiday(dn))),
            c if c.starts_with("month_cos") || c.starts_with("month_sin") => {
                let k: f64 = c[9..].parse().unwrap_or(1.0);
                let date = date_of_day_number(dn);
                let len = f64::from(date.days_in_month());
                let angle = 2.0 * std::f64::consts::PI * k * (f64::from(date.day()) - 0.5) / len;
                if c.starts_with("month_cos") {
                    angle.cos()
                } else {
                    angle.sin()
                }
            }
            c if c.starts_with("weekday:") => {
                f64::from(u8::from(c[8..] == *WEEKDAY_NAMES[weekday_index(dn)]))
            }
            c if c.starts_with("event:") => {
                let mut parts = c[6..].rsplitn(2, ':');
                let k: i64 = parts.next().and_then(|k| k.parse().ok()).unwrap_or(0);
                let name = parts.next().unwrap_or("");
                let hit = events
                    .get(name)
                    .is_some_and(|ds| ds.iter().any(|&d0| d0 + k == dn));
                f64::from(u8::from(hit))
            }
            _ => 0.0,
        })
        .collect()
}

/// Fit the regression, residual model and profiles on a whole series (no lead
/// calibration). `calendar`: the operating calendar to use (pass the one of the full history
/// when backtesting, so holidays ahead of the origin are known); `None` derives it from the
/// series.
pub fn fit_model(
    series: &CountSeries,
    options: &ForecastOptions,
    calendar: Option<&OpCalendar>,
) -> Result<VolumeModel> {
    let mut cal = calendar
        .cloned()
        .unwrap_or_else(|| OpCalendar::from_days(&series.days));
    if let Some(h) = &options.holidays {
        cal = cal.with_holidays(h);
    }
    let days = training_days(series, &cal)?;
    let dns: Vec<i64> = days.iter().map(|d| day_number(d.date)).collect();
    let t0 = dns[0];
    let mut events: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for e in &options.events {
        events
            .entry(e.name.clone())
            .or_default()
            .push(day_number(e.date));
    }
    let (columns, reference_weekday) = design_columns(&dns, options, &cal, &events);
    let p = columns.len();
    let n = dns.len();
    let mut x = DMatrix::<f64>::zeros(n, p);
    let mut y = DVector::<f64>::zeros(n);
    for (i, (&dn, d)) in dns.iter().zip(&days).enumerate() {
        let row = design_row(dn, t0, &columns, reference_weekday, &cal, &events);
        for (j, v) in row.into_iter().enumerate() {
            x[(i, j)] = v;
        }
        y[i] = d.total().ln();
    }
    let weights = recency_weights(&dns, options);
    let (beta, xtx, robust_scale) = robust_regression(&x, &y, &weights, options)?;
    let fitted = &x * &beta;
    let resid: Vec<f64> = (0..n).map(|i| y[i] - fitted[i]).collect();
    // Extraordinary days: residual beyond 3.5 robust sd (the Huber fit's MAD scale; for a
    // least-squares fit the MAD of its residuals). They are listed for the planner
    // (holidays with some traffic, outages, overload days: give them as `--holiday`s or
    // `--event`s) and, with `Spread::Robust`, left out of the spread: a handful of them
    // would otherwise double it (Anonymous Bank January–June: residual sd 0.50 with them,
    // see ARCHITECTURE.md for the figures without).
    let flag_scale = robust_scale.unwrap_or_else(|| 1.4826 * median_abs(&resid));
    let outlier_limit = (flag_scale > 0.0).then_some(3.5 * flag_scale);
    let is_outlier = |r: f64| outlier_limit.is_some_and(|lim| r.abs() > lim);
    let usual: Vec<bool> = match options.spread {
        Spread::Robust => resid.iter().map(|&r| !is_outlier(r)).collect(),
        Spread::Plain => vec![true; n],
    };
    let extraordinary_days: Vec<(Date, f64)> = days
        .iter()
        .zip(&resid)
        .filter(|&(_, &r)| is_outlier(r))
        .map(|(d, &r)| (d.date, r.exp()))
        .collect();
    let (sigma_log, dof) = residual_spread(&resid, &usual, &weights, p);
    let std_errors: Vec<f64> = match xtx.pseudo_inverse(1e-12) {
        Ok(inv) => (0..p)
            .map(|j| sigma_log * inv[(j, j)].max(0.0).sqrt())
            .collect(),
        Err(_) => vec![f64::NAN; p],
    };
    let phi = if options.residual == ResidualModel::Ar1 {
        ar1_coefficient(&resid)
    } else {
        0.0
    };
    let smoothing = if options.residual == ResidualModel::Smoothing {
        smooth_residuals(&resid, &usual, robust_scale, dof, sigma_log)
    } else {
        Smoothing {
            alpha: 0.0,
            level_resid: 0.0,
            sigma_one_step: sigma_log,
        }
    };
    let profile = weekday_profiles(&days, series.slots_per_day, options);
    let overdispersion = overdispersion(&days, &profile);

    Ok(VolumeModel {
        interval_min: series.interval_min,
        first_slot_min: series.first_slot_min,
        slots_per_day: series.slots_per_day,
        calendar: cal,
        t0,
        columns,
        beta: beta.iter().copied().collect(),
        std_errors,
        reference_weekday,
        sigma_log,
        phi,
        alpha: smoothing.alpha,
        level_resid: smoothing.level_resid,
        sigma_one_step: smoothing.sigma_one_step,
        last_day: *dns.last().unwrap_or(&t0),
        last_resid: *resid.last().unwrap_or(&0.0),
        profile,
        overdispersion,
        training_days: n,
        options: options.clone(),
        events,
        residuals: days.iter().map(|d| d.date).zip(resid).collect(),
        extraordinary_days,
        lead_variance: None,
        lead_errors: vec![],
        day_z80: Z80,
        day_z95: Z95,
        weekday_variance_factor: [1.0; 7],
    })
}

/// The days the model learns from: days with contacts that the calendar does not close
/// (declared holidays are closed even when the history has some contacts on them); at
/// least 14.
fn training_days<'a>(series: &'a CountSeries, cal: &OpCalendar) -> Result<Vec<&'a DayCounts>> {
    let days: Vec<&DayCounts> = series
        .days
        .iter()
        .filter(|d| d.total() > 0.0 && !cal.closed.contains(&day_number(d.date)))
        .collect();
    if days.len() < 14 {
        return Err(Error::Input(format!(
            "{}: {} days with contacts; the volume fit needs at least 14",
            series.file.display(),
            days.len()
        )));
    }
    Ok(days)
}

/// The regression's columns, only those with at least one non-zero value in training:
/// level, trend, a dummy per weekday but the most frequent (returned as the reference),
/// day-of-month harmonics, post-holiday, and one per event and offset in its window.
fn design_columns(
    dns: &[i64],
    options: &ForecastOptions,
    cal: &OpCalendar,
    events: &BTreeMap<String, Vec<i64>>,
) -> (Vec<String>, usize) {
    let mut weekday_count = [0usize; 7];
    for &dn in dns {
        weekday_count[weekday_index(dn)] += 1;
    }
    let reference_weekday = (0..7).max_by_key(|&w| weekday_count[w]).unwrap_or(0);
    let mut columns = vec!["level".to_string(), "trend_per_week".to_string()];
    for (w, &n) in weekday_count.iter().enumerate() {
        if n > 0 && w != reference_weekday {
            columns.push(format!("weekday:{}", WEEKDAY_NAMES[w]));
        }
    }
    for k in 1..=options.monthly_harmonics {
        columns.push(format!("month_cos{k}"));
        columns.push(format!("month_sin{k}"));
    }
    if options.post_holiday && dns.iter().any(|&d| cal.post_holiday(d)) {
        columns.push("post_holiday".into());
    }
    let (ka, kb) = options.event_window;
    for (name, d0s) in events {
        for k in ka..=kb {
            if d0s.iter().any(|&d0| dns.contains(&(d0 + i64::from(k)))) {
                columns.push(event_column(name, k));
            }
        }
    }
    (columns, reference_weekday)
}

/// Each training day's weight: halved every `halflife_weeks` before the last day (1 without
/// a half-life).
fn recency_weights(dns: &[i64], options: &ForecastOptions) -> Vec<f64> {
    let last_dn = *dns.last().unwrap_or(&dns[0]);
    dns.iter()
        .map(|&d| match options.halflife_weeks {
            Some(hl) if hl > 0.0 => 0.5f64.powf((last_dn - d) as f64 / 7.0 / hl),
            _ => 1.0,
        })
        .collect()
}

/// Weighted least squares of `y` on `x`: the coefficients (by SVD) and the weighted `XᵀX`.
fn weighted_least_squares(
    x: &DMatrix<f64>,
    y: &DVector<f64>,
    w: &[f64],
) -> Result<(DVector<f64>, DMatrix<f64>)> {
    let mut xw = x.clone();
    let mut yw = y.clone();
    for (i, wi) in w.iter().enumerate() {
        let r = wi.sqrt();
        xw.row_mut(i).scale_mut(r);
        yw[i] *= r;
    }
    let xtx = xw.transpose() * &xw;
    let beta = xw
        .svd(true, true)
        .solve(&yw, 1e-9)
        .map_err(|e| Error::Input(format!("volume regression failed: {e}")))?;
    Ok((beta, xtx))
}

/// The regression with recency weights `base`; with `options.robust`, Huber weights
/// (k = 1.5 robust sd) by iteratively reweighted least squares, so that a few
/// extraordinary days (an unlisted holiday, an overload day) do not move the level or
/// inflate the uncertainty of every other day. Returns the coefficients, `XᵀX` and the
/// last robust scale (MAD × 1.4826; `None` for a plain fit).
#[allow(clippy::type_complexity)]
fn robust_regression(
    x: &DMatrix<f64>,
    y: &DVector<f64>,
    base: &[f64],
    options: &ForecastOptions,
) -> Result<(DVector<f64>, DMatrix<f64>, Option<f64>)> {
    let (mut beta, mut xtx) = weighted_least_squares(x, y, base)?;
    let mut robust_scale = None;
    if options.robust {
        for _ in 0..8 {
            let fitted = x * &beta;
            let r: Vec<f64> = (0..y.len()).map(|i| y[i] - fitted[i]).collect();
            let scale = 1.4826 * median_abs(&r);
            if scale <= 0.0 {
                break;
            }
            robust_scale = Some(scale);
            let weights: Vec<f64> = base
                .iter()
                .zip(&r)
                .map(|(b, ri)| b * (1.5 * scale / ri.abs()).min(1.0))
                .collect();
            (beta, xtx) = weighted_least_squares(x, y, &weights)?;
        }
    }
    Ok((beta, xtx, robust_scale))
}

/// The residual sd in logs: the weighted residual variance over the usual days with Kish's
/// effective sample size, on `dof = n_eff − p` degrees of freedom (at least 1; returned).
fn residual_spread(resid: &[f64], usual: &[bool], weights: &[f64], p: usize) -> (f64, f64) {
    let spread_w: Vec<f64> = weights
        .iter()
        .zip(usual)
        .map(|(&w, &u)| if u { w } else { 0.0 })
        .collect();
    let wsum: f64 = spread_w.iter().sum();
    let n_eff = wsum * wsum / spread_w.iter().map(|w| w * w).sum::<f64>();
    let dof = (n_eff - p as f64).max(1.0);
    let sigma_log = (resid
        .iter()
        .zip(&spread_w)
        .map(|(r, w)| w * r * r)
        .sum::<f64>()
        / wsum
        * n_eff
        / dof)
        .sqrt();
    (sigma_log, dof)
}

/// The residuals' lag-1 autocorrelation, clamped to [0, 0.95].
fn ar1_coefficient(resid: &[f64]) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for i in 1..resid.len() {
        num += resid[i] * resid[i - 1];
        den += resid[i - 1] * resid[i - 1];
    }
    if den > 0.0 {
        (num / den).clamp(0.0, 0.95)
    } else {
        0.0
    }
}

/// The smoothed residual level and its one-step error.
struct Smoothing {
    alpha: f64,
    level_resid: f64,
    sigma_one_step: f64,
}

/// Simple exponential smoothing of the residuals: α (0.05 to 0.95) minimising one-step
/// squared errors, the level after the last day and the one-step sd over the usual days.
fn smooth_residuals(
    resid: &[f64],
    usual: &[bool],
    robust_scale: Option<f64>,
    dof: f64,
    sigma_log: f64,
) -> Smoothing {
    let mut out = Smoothing {
        alpha: 0.0,
        level_resid: 0.0,
        sigma_one_step: sigma_log,
    };
    let mut best = f64::INFINITY;
    for a in (1..=19).map(|i| f64::from(i) * 0.05) {
        let (mut l, mut sse) = (0.0, 0.0);
        let mut sse_usual = 0.0;
        for (&raw, &u) in resid.iter().zip(usual) {
            // Robust fits clip outlying days so they do not shift the level (nor choose
            // α); the one-step error variance counts the usual days as they were.
            let r = match robust_scale {
                Some(k) => raw.clamp(-1.5 * k, 1.5 * k),
                None => raw,
            };
            sse += (r - l).powi(2);
            if u {
                sse_usual += (raw - l).powi(2);
            }
            l += a * (r - l);
        }
        if sse < best {
            best = sse;
            out = Smoothing {
                alpha: a,
                level_resid: l,
                sigma_one_step: (sse_usual / dof).sqrt(),
            };
        }
    }
    out
}

/// Intraday profile per weekday (Monday first): ratio of sums over the last
/// `profile_weeks` days of that weekday (all of them without a limit).
fn weekday_profiles(
    days: &[&DayCounts],
    slots: usize,
    options: &ForecastOptions,
) -> [Option<Vec<f64>>; 7] {
    let mut profile: [Option<Vec<f64>>; 7] = Default::default();
    for (w, prof) in profile.iter_mut().enumerate() {
        let mut same: Vec<&&DayCounts> = days
            .iter()
            .filter(|d| weekday_index(day_number(d.date)) == w)
            .collect();
        if let Some(k) = options.profile_weeks {
            let skip = same.len().saturating_sub(k);
            same.drain(..skip);
        }
        if same.is_empty() {
            continue;
        }
        let mut sums = vec![0.0; slots];
        for d in &same {
            for (s, c) in sums.iter_mut().zip(&d.counts) {
                *s += c;
            }
        }
        let tot: f64 = sums.iter().sum();
        *prof = Some(sums.into_iter().map(|s| s / tot).collect());
    }
    profile
}

/// Over-dispersion of interval counts given the day's actual total: the mean Pearson
/// χ² per cell, at least 1.
fn overdispersion(days: &[&DayCounts], profile: &[Option<Vec<f64>>; 7]) -> f64 {
    let (mut num, mut cells) = (0.0, 0.0);
    for d in days {
        if let Some(prof) = &profile[weekday_index(day_number(d.date))] {
            let t = d.total();
            for (&c, &s) in d.counts.iter().zip(prof) {
                let mu = t * s;
                if mu > 0.0 {
                    num += (c - mu).powi(2) / mu;
                    cells += 1.0;
                }
            }
        }
    }
    if cells > 0.0 {
        (num / cells).max(1.0)
    } else {
        1.0
    }
}

/// Fit the model on a whole series, then measure how its spread grows with the lead
/// ([`LeadSpread::Empirical`]). `calendar`: as for [`fit_model`].
pub fn fit(
    series: &CountSeries,
    options: &ForecastOptions,
    calendar: Option<&OpCalendar>,
) -> Result<VolumeModel> {
    let mut model = fit_model(series, options, calendar)?;
    if options.lead_spread == LeadSpread::Empirical {
        calibrate_leads(&mut model, series)?;
    }
    Ok(model)
}

/// Weighted least squares of `y ≈ a + b·x + c·x²` over `(x, y, weight)` rows with
/// `a ≥ 1e-8`, `b ≥ 0`, `c ≥ 0`: every subset of the three terms that keeps `a` is solved
/// unconstrained and the feasible one with the smallest weighted squared error wins.
pub fn variance_curve(rows: &[(f64, f64, f64)]) -> (f64, f64, f64) {
    let mut best: Option<(f64, (f64, f64, f64))> = None;
    for (use_b, use_c) in [(true, true), (true, false), (false, true), (false, false)] {
        let cols: Vec<usize> = [Some(0), use_b.then_some(1), use_c.then_some(2)]
            .into_iter()
            .flatten()
            .collect();
        let m = cols.len();
        let mut xtx = DMatrix::<f64>::zeros(m, m);
        let mut xty = DVector::<f64>::zeros(m);
        for &(x, y, w) in rows {
            let f = [1.0, x, x * x];
            for (i, &ci) in cols.iter().enumerate() {
                xty[i] += w * f[ci] * y;
                for (j, &cj) in cols.iter().enumerate() {
                    xtx[(i, j)] += w * f[ci] * f[cj];
                }
            }
        }
        let Some(sol) = xtx.lu().solve(&xty) else {
            continue;
        };
        let mut coef = [0.0; 3];
        for (i, &ci) in cols.iter().enumerate() {
            coef[ci] = sol[i];
        }
        if coef[1] < 0.0 || coef[2] < 0.0 || coef[0] < 1e-8 {
            continue;
        }
        let sse: f64 = rows
            .iter()
            .map(|&(x, y, w)| w * (y - coef[0] - coef[1] * x - coef[2] * x * x).powi(2))
            .sum();
        if best.is_none_or(|(s, _)| sse < s) {
            best = Some((sse, (coef[0], coef[1], coef[2])));
        }
    }
    best.map_or_else(
        || {
            // Only the constant is left: the weighted mean.
            let (sw, sy) = rows
                .iter()
                .fold((0.0, 0.0), |a, &(_, y, w)| (a.0 + w, a.1 + w * y));
            ((sy / sw).max(1e-8), 0.0, 0.0)
        },
        |(_, c)| c,
    )
}

/// The empirical lead calibration (see [`LeadSpread::Empirical`]).
fn calibrate_leads(model: &mut VolumeModel, series: &CountSeries) -> Result<()> {
    let days: Vec<&DayCounts> = series
        .days
        .iter()
        .filter(|d| d.total() > 0.0 && !model.calendar.closed.contains(&day_number(d.date)))
        .collect();
    let dns: Vec<i64> = days.iter().map(|d| day_number(d.date)).collect();
    let Some(&first) = dns.first() else {
        return Ok(());
    };
    let unusual: BTreeSet<i64> = model
        .extraordinary_days
        .iter()
        .map(|(d, _)| day_number(*d))
        .collect();
    let inner = ForecastOptions {
        lead_spread: LeadSpread::Model,
        ..model.options.clone()
    };
    let cal = model.calendar.clone();
    let candidates: Vec<usize> = (0..dns.len().saturating_sub(1))
        .filter(|&i| dns[i] - first >= MIN_TRAINING_DAYS)
        .collect();
    let skip = candidates.len().saturating_sub(MAX_CALIBRATION_ORIGINS);
    // Log errors by lead, with the target's weekday.
    let mut errors: Vec<Vec<(f64, usize)>> = vec![Vec::new(); MAX_CALIBRATED_LEAD as usize + 1];
    for &oi in &candidates[skip..] {
        let train = series.until(days[oi].date);
        let Ok(m) = fit_model(&train, &inner, Some(&cal)) else {
            continue;
        };
        for tj in oi + 1..dns.len() {
            let k = cal.open_days_between(dns[oi], dns[tj]) as i32;
            if k > MAX_CALIBRATED_LEAD {
                break;
            }
            if k < 1 || unusual.contains(&dns[tj]) {
                continue;
            }
            if let Some(f) = m.median_log(days[tj].date) {
                errors[k as usize].push((days[tj].total().ln() - f, weekday_index(dns[tj])));
            }
        }
    }
    if errors[1].len() < MIN_LEAD1_ERRORS {
        return Ok(());
    }
    // Mean squares by lead (each error scaled by its weekday's factor), then a variance
    // curve a + b·x + c·x² (x = k − 1) fitted by weighted least squares with a > 0, b ≥ 0,
    // c ≥ 0 (non-negative least squares by active sets): smooth, never falling with the
    // lead, and free to grow faster than a random walk when the level drifts. The weekday
    // factors (a small weekend day is relatively noisier than a busy Monday) are the mean
    // of e² / curve per weekday, shrunk towards 1 by WEEKDAY_PRIOR pseudo-errors; curve
    // and factors are fitted twice in turn.
    let mut factor = [1.0f64; 7];
    let mut curve = (0.0, 0.0, 0.0);
    let mut rows: Vec<(f64, f64, f64)> = Vec::new();
    let var_at = |(a, b, c): (f64, f64, f64), k: usize| {
        let x = (k - 1) as f64;
        a + b * x + c * x * x
    };
    for _ in 0..2 {
        rows = errors
            .iter()
            .enumerate()
            .filter(|(k, e)| *k >= 1 && e.len() >= 5)
            .map(|(k, e)| {
                let ms = e.iter().map(|(x, w)| x * x / factor[*w]).sum::<f64>() / e.len() as f64;
                ((k - 1) as f64, ms, e.len() as f64)
            })
            .collect();
        curve = variance_curve(&rows);
        let mut sum = [0.0f64; 7];
        let mut n = [0.0f64; 7];
        for (k, e) in errors.iter().enumerate().skip(1) {
            let v = var_at(curve, k);
            for &(x, w) in e {
                sum[w] += x * x / v;
                n[w] += 1.0;
            }
        }
        for w in 0..7 {
            factor[w] = (sum[w] + WEEKDAY_PRIOR) / (n[w] + WEEKDAY_PRIOR);
        }
    }
    let (a, b, c) = curve;
    // Standardised errors, pooled over the leads: their percentiles set the band widths.
    let mut u: Vec<f64> = errors
        .iter()
        .enumerate()
        .skip(1)
        .flat_map(|(k, e)| {
            let v = var_at(curve, k.max(1));
            e.iter()
                .map(move |(x, w)| (x / (v * factor[*w]).sqrt()).abs())
        })
        .collect();
    u.sort_by(f64::total_cmp);
    model.day_z80 = super::estimate::quantile_sorted(&u, 0.80);
    model.day_z95 = super::estimate::quantile_sorted(&u, 0.95);
    model.lead_variance = Some((a, b, c));
    model.weekday_variance_factor = factor;
    model.lead_errors = rows
        .iter()
        .map(|&(x, ms, n)| LeadError {
            lead: x as i32 + 1,
            n: n as usize,
            rms_log: ms.sqrt(),
            sigma_log: (a + b * x + c * x * x).sqrt(),
        })
        .collect();
    Ok(())
}

/// Weekday (Monday first) as the scenario's [`Day`].
pub fn day_of_index(w: usize) -> Day {
    Day::ALL[w % 7]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekday_index_matches_jiff() {
        for d in [
            jiff::civil::date(2003, 7, 4),
            jiff::civil::date(2027, 2, 14),
            jiff::civil::date(1999, 1, 1),
        ] {
            assert_eq!(
                weekday_index(day_number(d)),
                d.weekday().to_monday_zero_offset() as usize
            );
        }
    }
}
