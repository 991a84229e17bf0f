//! Rolling-origin backtest of the volume forecast against the seasonal-naive baseline.
//!
//! * **Holdout**: the last `weeks × 7` calendar days of the history.
//! * **Origins**: the last day with data before the holdout, then every day with data inside
//!   the holdout except the last. At each origin the model is refitted on the days up to and
//!   including the origin.
//! * **Horizon** `h`: calendar days from the origin to the target day (1 = the next day);
//!   targets are the days with data in `(origin, origin + max_horizon]` inside the holdout.
//! * **Seasonal-naive**: the same interval one week before the target; when that day is
//!   missing (holiday) or after the origin, the same interval on the last day with data of
//!   the same weekday at or before the origin.
//! * **Metrics** over all evaluated intervals (an interval is one slot of one target day at
//!   one origin): WAPE = Σ|ŷ − y| / Σy; MAPE = mean |ŷ − y| / y over intervals with y > 0;
//!   bias = Σ(ŷ − y) / Σy (positive = over-forecast). The same per horizon, for the
//!   seasonal-naive forecast, and the share of actuals inside the 80 % / 95 % intervals.
//!
//! Closed days (holidays) come from the calendar of the whole file: a holiday calendar is
//! known in advance, the volumes are not.

use serde::Serialize;

use super::counts::CountSeries;
use super::forecast::{ForecastOptions, OpCalendar, fit};
use crate::error::{Error, Result};
use crate::scenario::dates::day_number;

/// Error measures of one forecast over a set of intervals.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Errors {
    pub wape: f64,
    pub mape: f64,
    pub bias: f64,
}

#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    abs: f64,
    signed: f64,
    actual: f64,
    ape: f64,
    ape_n: f64,
    n: u64,
}

impl Acc {
    fn add(&mut self, y: f64, f: f64) {
        self.abs += (f - y).abs();
        self.signed += f - y;
        self.actual += y;
        if y > 0.0 {
            self.ape += (f - y).abs() / y;
            self.ape_n += 1.0;
        }
        self.n += 1;
    }
    fn errors(&self) -> Errors {
        Errors {
            wape: self.abs / self.actual,
            mape: self.ape / self.ape_n,
            bias: self.signed / self.actual,
        }
    }
}

/// Results for one horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HorizonRow {
    pub horizon_days: i64,
    pub intervals_evaluated: u64,
    pub wape: f64,
    pub mape: f64,
    pub bias: f64,
    pub seasonal_naive_wape: f64,
    pub seasonal_naive_mape: f64,
    pub seasonal_naive_bias: f64,
    /// WAPE of the daily totals.
    pub daily_wape: f64,
    pub seasonal_naive_daily_wape: f64,
}

/// The whole backtest. Field names are stable (JSON output).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Backtest {
    pub holdout_weeks: u32,
    pub holdout_first_date: String,
    pub holdout_last_date: String,
    pub max_horizon_days: i64,
    pub origins: u64,
    pub intervals_evaluated: u64,
    pub wape: f64,
    pub mape: f64,
    pub bias: f64,
    pub seasonal_naive_wape: f64,
    pub seasonal_naive_mape: f64,
    pub seasonal_naive_bias: f64,
    /// WAPE of daily totals.
    pub daily_wape: f64,
    pub seasonal_naive_daily_wape: f64,
    /// The forecast's WAPE is below the seasonal-naive WAPE.
    pub beats_seasonal_naive: bool,
    /// Share of actual interval counts inside the 80 % / 95 % prediction intervals.
    pub pi80_coverage: f64,
    pub pi95_coverage: f64,
    /// Share of actual daily totals inside the 80 % / 95 % prediction intervals.
    pub daily_pi80_coverage: f64,
    pub daily_pi95_coverage: f64,
    pub by_horizon: Vec<HorizonRow>,
}

/// Run the rolling-origin backtest over the last `weeks` weeks.
pub fn backtest(
    series: &CountSeries,
    options: &ForecastOptions,
    weeks: u32,
    max_horizon_days: i64,
) -> Result<Backtest> {
    let (Some(first), Some(last)) = (series.days.first(), series.days.last()) else {
        return Err(Error::Input("backtest: the series is empty".into()));
    };
    let last_dn = day_number(last.date);
    let hs = last_dn - 7 * i64::from(weeks) + 1;
    if hs <= day_number(first.date) + 28 {
        return Err(Error::Input(format!(
            "--holdout {weeks}w leaves less than 4 weeks of history to fit on ({} to {})",
            first.date, last.date
        )));
    }
    let cal = OpCalendar::from_days(&series.days);
    let dns: Vec<i64> = series.days.iter().map(|d| day_number(d.date)).collect();
    let before = dns
        .iter()
        .rposition(|&d| d < hs)
        .ok_or_else(|| Error::Input("backtest: no day before the holdout".into()))?;
    let mut origins: Vec<usize> = vec![before];
    origins.extend((before + 1..dns.len()).filter(|&i| i + 1 < dns.len()));

    let h_max = max_horizon_days.max(1);
    let mut ours = vec![Acc::default(); h_max as usize + 1];
    let mut naive = vec![Acc::default(); h_max as usize + 1];
    let mut ours_d = vec![Acc::default(); h_max as usize + 1];
    let mut naive_d = vec![Acc::default(); h_max as usize + 1];
    let (mut in80, mut in95, mut cov_n) = (0u64, 0u64, 0u64);
    let (mut din80, mut din95, mut dcov_n) = (0u64, 0u64, 0u64);
    for &oi in &origins {
        let o = dns[oi];
        let train = series.until(series.days[oi].date);
        let model = fit(&train, options, Some(&cal))?;
        for ti in oi + 1..dns.len() {
            let t = dns[ti];
            let h = t - o;
            if h > h_max {
                break;
            }
            if t < hs {
                continue;
            }
            let target = &series.days[ti];
            let Some(fc) = model.forecast_day(target.date) else {
                continue;
            };
            // Seasonal-naive source day.
            let week_before = t - 7;
            let src = dns[..=oi]
                .iter()
                .rposition(|&d| d == week_before)
                .or_else(|| dns[..=oi].iter().rposition(|&d| (d - t).rem_euclid(7) == 0));
            let Some(si) = src else { continue };
            let src_counts = &series.days[si].counts;
            let h = h as usize;
            for (s, &y) in target.counts.iter().enumerate() {
                let f = fc.intervals[s];
                ours[h].add(y, f);
                naive[h].add(y, src_counts[s]);
                cov_n += 1;
                in80 += u64::from(y >= fc.lo80[s] && y <= fc.hi80[s]);
                in95 += u64::from(y >= fc.lo95[s] && y <= fc.hi95[s]);
            }
            let y = target.total();
            ours_d[h].add(y, fc.total);
            naive_d[h].add(y, src_counts.iter().sum());
            dcov_n += 1;
            din80 += u64::from(y >= fc.total_lo80 && y <= fc.total_hi80);
            din95 += u64::from(y >= fc.total_lo95 && y <= fc.total_hi95);
        }
    }
    let sum = |v: &[Acc]| {
        v.iter().fold(Acc::default(), |mut a, b| {
            a.abs += b.abs;
            a.signed += b.signed;
            a.actual += b.actual;
            a.ape += b.ape;
            a.ape_n += b.ape_n;
            a.n += b.n;
            a
        })
    };
    let (all, all_n, all_d, all_nd) = (sum(&ours), sum(&naive), sum(&ours_d), sum(&naive_d));
    if all.n == 0 {
        return Err(Error::Input(
            "backtest: no interval could be evaluated in the holdout".into(),
        ));
    }
    let e = all.errors();
    let en = all_n.errors();
    let by_horizon = (1..=h_max as usize)
        .filter(|&h| ours[h].n > 0)
        .map(|h| {
            let (a, b) = (ours[h].errors(), naive[h].errors());
            HorizonRow {
                horizon_days: h as i64,
                intervals_evaluated: ours[h].n,
                wape: a.wape,
                mape: a.mape,
                bias: a.bias,
                seasonal_naive_wape: b.wape,
                seasonal_naive_mape: b.mape,
                seasonal_naive_bias: b.bias,
                daily_wape: ours_d[h].errors().wape,
                seasonal_naive_daily_wape: naive_d[h].errors().wape,
            }
        })
        .collect();
    let date_of = |dn: i64| {
        series
            .days
            .iter()
            .find(|d| day_number(d.date) >= dn)
            .map_or_else(String::new, |d| d.date.to_string())
    };
    Ok(Backtest {
        holdout_weeks: weeks,
        holdout_first_date: date_of(hs),
        holdout_last_date: last.date.to_string(),
        max_horizon_days: h_max,
        origins: origins.len() as u64,
        intervals_evaluated: all.n,
        wape: e.wape,
        mape: e.mape,
        bias: e.bias,
        seasonal_naive_wape: en.wape,
        seasonal_naive_mape: en.mape,
        seasonal_naive_bias: en.bias,
        daily_wape: all_d.errors().wape,
        seasonal_naive_daily_wape: all_nd.errors().wape,
        beats_seasonal_naive: e.wape < en.wape,
        pi80_coverage: in80 as f64 / cov_n as f64,
        pi95_coverage: in95 as f64 / cov_n as f64,
        daily_pi80_coverage: din80 as f64 / dcov_n as f64,
        daily_pi95_coverage: din95 as f64 / dcov_n as f64,
        by_horizon,
    })
}
