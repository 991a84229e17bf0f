//! Output of `peakplan fit`: a table for people, JSON for tools.

use std::fmt::Write as _;

use super::calls::CallSet;
use super::estimate::CallFit;

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "n/a".to_string(), |x| format!("{x:.digits$}"))
}

fn pct(v: f64) -> String {
    format!("{:.1}%", 100.0 * v)
}

/// The human-readable report of a per-call fit.
pub fn calls_table(fit: &CallFit, set: &CallSet) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Calls fitted from {} file(s), {} to {} ({} days)",
        set.files.len(),
        fit.first_date.as_deref().unwrap_or("-"),
        fit.last_date.as_deref().unwrap_or("-"),
        fit.days
    );
    let _ = writeln!(
        o,
        "  rows: {} calls kept, {} ignored (e.g. PHANTOM), {} malformed skipped, {} unreadable customer ids (kept as unknown)",
        fit.calls, fit.ignored_rows, fit.malformed_rows, fit.unreadable_customer_ids
    );
    for s in &set.first_malformed {
        let _ = writeln!(
            o,
            "    skipped {}:{}: {}",
            s.file.display(),
            s.line,
            s.reason
        );
    }
    let rows: Vec<(&str, String)> = vec![
        ("calls", fit.calls.to_string()),
        ("queued share", pct(fit.queued_share)),
        (
            "abandoned, share of queued",
            pct(fit.abandon_share_of_queued),
        ),
        (
            "hung up before queueing",
            fit.abandoned_before_queue.to_string(),
        ),
        (
            "ASA (answered, waits of 0 included)",
            format!("{:.1} s", fit.asa_s),
        ),
        ("answered within 15 s / answered", pct(fit.sl15_of_answered)),
        (
            "answered within 15 s / (answered + abandoned in queue)",
            pct(fit.sl15_of_answered_and_abandoned),
        ),
        ("service mean", format!("{:.1} s", fit.service_mean_s)),
        ("service median", format!("{:.1} s", fit.service_median_s)),
        (
            "service sd (cv)",
            format!("{:.1} s ({:.2})", fit.service_sd_s, fit.service_cv),
        ),
        (
            "service lognormal mu, sigma (mean, cv)",
            fit.service_lognormal.map_or("n/a".into(), |l| {
                format!(
                    "{:.3}, {:.3} ({:.1} s, {:.2})",
                    l.mu, l.sigma, l.mean_s, l.cv
                )
            }),
        ),
        (
            "patience mean, exponential MLE",
            format!("{} s", opt(fit.patience_mean_s_exp_mle, 1)),
        ),
        (
            "patience median, Kaplan-Meier",
            format!("{} s", opt(fit.patience_km_median_s, 1)),
        ),
        (
            "redial share of queued abandons (with customer id)",
            fit.redial_share.map_or("n/a".into(), |s| {
                format!(
                    "{} of {} within {:.0} s, median delay {} s",
                    pct(s),
                    fit.redial_base,
                    fit.redial_window_s,
                    opt(fit.redial_delay_median_s, 0)
                )
            }),
        ),
    ];
    let w = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    for (k, v) in rows {
        let _ = writeln!(o, "  {k:<w$}  {v}");
    }
    let q: Vec<String> = fit
        .service_quantiles
        .iter()
        .map(|q| format!("p{:.0} {:.0}", 100.0 * q.q, q.s))
        .collect();
    let _ = writeln!(o, "  service quantiles (s): {}", q.join(", "));
    let s: Vec<String> = fit
        .patience_km_survival
        .iter()
        .map(|p| format!("S({:.0}) {:.3}", p.s, p.q))
        .collect();
    let _ = writeln!(o, "  patience survival (Kaplan-Meier): {}", s.join(", "));
    o
}

/// The per-day observed figures as a table.
pub fn days_table(days: &[super::estimate::DayObs]) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "  {:<10}  {:>6}  {:>6}  {:>8}  {:>9}  {:>7}  {:>9}  {:>9}  {:>6}",
        "date",
        "calls",
        "queued",
        "answered",
        "abandoned",
        "ASA s",
        "SL15 ans",
        "SL15 a+ab",
        "agents"
    );
    for d in days {
        let _ = writeln!(
            o,
            "  {:<10}  {:>6}  {:>6}  {:>8}  {:>8.1}%  {:>7.1}  {:>8.1}%  {:>8.1}%  {:>6}",
            d.date,
            d.calls,
            d.queued,
            d.answered,
            100.0 * d.abandon_share_of_queued,
            d.asa_s,
            100.0 * d.sl15_of_answered,
            100.0 * d.sl15_of_answered_and_abandoned,
            d.agents_seen
        );
    }
    o
}

/// JSON of a per-call fit with its per-day figures (`"days": [...]`).
pub fn calls_json_with_days(fit: &CallFit, days: &[super::estimate::DayObs]) -> String {
    #[derive(Serialize)]
    struct WithDays<'a> {
        #[serde(flatten)]
        fit: &'a CallFit,
        days: &'a [super::estimate::DayObs],
    }
    let mut s = serde_json::to_string_pretty(&WithDays { fit, days })
        .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}

/// JSON of a per-call fit (stable field names, see [`CallFit`]); NaN becomes null.
pub fn calls_json(fit: &CallFit) -> String {
    let mut s =
        serde_json::to_string_pretty(fit).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}

// ---------------------------------------------------------------------------------------
// Volumes (`fit --counts`)
// ---------------------------------------------------------------------------------------

use serde::Serialize;

use super::backtest::Backtest;
use super::counts::CountSeries;
use super::forecast::{DayForecast, VolumeModel, day_of_index};
use crate::error::{Error, Result};
use crate::scenario::{ArrivalProfile, EventDate, PeakEvent};

/// One fitted regression term.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Term {
    pub name: String,
    pub coefficient: f64,
    pub std_error: f64,
    /// exp(coefficient): the multiplicative effect.
    pub factor: f64,
}

/// A fitted special-day uplift curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Uplift {
    pub event: String,
    /// (day offset, multiplier).
    pub uplift: Vec<(i32, f64)>,
}

/// JSON of `fit --counts` (stable field names). The backtest's fields (`wape`, `mape`,
/// `bias`, `seasonal_naive_wape`, `intervals_evaluated`, …) sit at the top level when
/// `--holdout` was given.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountsReport {
    pub file: String,
    pub interval_min: u32,
    pub first_date: String,
    pub last_date: String,
    pub days_with_data: usize,
    pub closed_days: Vec<String>,
    pub malformed_rows: u64,
    pub terms: Vec<Term>,
    pub weekly_growth: f64,
    /// Multiplier of the day after a closed operating day (None when not fitted).
    pub post_holiday_factor: Option<f64>,
    pub uplifts: Vec<Uplift>,
    /// Residual sd of ln(daily total).
    pub sigma_log_daily: f64,
    /// Day-level volume cv for the simulator's Gamma(mean 1, cv) multiplier: the spread of
    /// days around the fitted model (written to the RON fragment).
    pub volume_cv: f64,
    /// The cv of a forecast made 1, 5, 20 and 60 open days ahead (`[days, cv]`): with the
    /// smoothing residual model the level itself is uncertain and this grows with the lead.
    pub volume_cv_ahead: Vec<(i32, f64)>,
    /// The empirical lead calibration: measured log errors by lead and the spread used
    /// (empty with `--lead-spread model` or a history too short for it).
    pub lead_errors: Vec<super::forecast::LeadError>,
    /// Huber-robust regression.
    pub robust: bool,
    /// `smoothing`, `ar1` or `none`.
    pub residual_model: String,
    /// Smoothing constant of the residual level (smoothing model).
    pub smoothing_alpha: f64,
    /// AR(1) coefficient of the daily residuals (ar1 model).
    pub ar1_phi: f64,
    /// Over-dispersion of interval counts (1 = Poisson).
    pub interval_overdispersion: f64,
    /// Days far outside the model (residual beyond 3.5 robust sd): date and actual / fitted.
    /// Holidays with some traffic, overload days: give them as `--event`s or `--holiday`s.
    pub extraordinary_days: Vec<(String, f64)>,
    /// Forecast of the open days in the week after the data (totals only).
    pub next_week: Vec<DayTotal>,
    #[serde(flatten)]
    pub backtest: Option<Backtest>,
}

/// A day's forecast total with its prediction intervals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayTotal {
    pub date: String,
    pub total: f64,
    pub lo80: f64,
    pub hi80: f64,
    pub lo95: f64,
    pub hi95: f64,
}

impl From<&DayForecast> for DayTotal {
    fn from(f: &DayForecast) -> Self {
        DayTotal {
            date: f.date.clone(),
            total: f.total,
            lo80: f.total_lo80,
            hi80: f.total_hi80,
            lo95: f.total_lo95,
            hi95: f.total_hi95,
        }
    }
}

fn next_week(model: &VolumeModel, series: &CountSeries) -> Vec<DayTotal> {
    let Some(last) = series.days.last() else {
        return vec![];
    };
    (1..=7)
        .filter_map(|k| last.date.checked_add(jiff::Span::new().days(k)).ok())
        .filter_map(|d| model.forecast_day(d))
        .map(|f| DayTotal::from(&f))
        .collect()
}

/// The report behind the table and JSON of `fit --counts`.
pub fn counts_report(
    model: &VolumeModel,
    series: &CountSeries,
    bt: Option<&Backtest>,
) -> CountsReport {
    let date =
        |i: Option<&super::counts::DayCounts>| i.map_or(String::new(), |d| d.date.to_string());
    let events: Vec<String> = {
        let mut v: Vec<String> = model
            .options
            .events
            .iter()
            .map(|e| e.name.clone())
            .collect();
        v.dedup();
        v
    };
    CountsReport {
        file: series.file.display().to_string(),
        interval_min: series.interval_min,
        first_date: date(series.days.first()),
        last_date: date(series.days.last()),
        days_with_data: series.days.len(),
        closed_days: model
            .calendar
            .closed
            .iter()
            .filter_map(|&dn| {
                jiff::civil::date(1970, 1, 1)
                    .checked_add(jiff::Span::new().days(dn))
                    .ok()
                    .map(|d| d.to_string())
            })
            .collect(),
        malformed_rows: series.malformed_rows,
        terms: model
            .columns
            .iter()
            .zip(model.beta.iter().zip(&model.std_errors))
            .map(|(n, (&b, &se))| Term {
                name: n.clone(),
                coefficient: b,
                std_error: se,
                factor: b.exp(),
            })
            .collect(),
        weekly_growth: model.weekly_growth(),
        post_holiday_factor: model.effect("post_holiday"),
        uplifts: events
            .into_iter()
            .map(|e| Uplift {
                uplift: model.uplift(&e),
                event: e,
            })
            .collect(),
        sigma_log_daily: model.sigma_log,
        volume_cv: model.volume_cv(),
        volume_cv_ahead: [1, 5, 20, 60]
            .iter()
            .map(|&k| (k, model.volume_cv_ahead(k)))
            .collect(),
        lead_errors: model.lead_errors.clone(),
        robust: model.options.robust,
        residual_model: match model.options.residual {
            super::forecast::ResidualModel::Smoothing => "smoothing",
            super::forecast::ResidualModel::Ar1 => "ar1",
            super::forecast::ResidualModel::None => "none",
        }
        .to_string(),
        smoothing_alpha: model.alpha,
        ar1_phi: model.phi,
        interval_overdispersion: model.overdispersion,
        extraordinary_days: model
            .extraordinary_days
            .iter()
            .map(|(d, f)| (d.to_string(), *f))
            .collect(),
        next_week: next_week(model, series),
        backtest: bt.cloned(),
    }
}

/// JSON of `fit --counts`.
pub fn counts_json(model: &VolumeModel, series: &CountSeries, bt: Option<&Backtest>) -> String {
    let r = counts_report(model, series, bt);
    let mut s =
        serde_json::to_string_pretty(&r).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}

/// The human report of `fit --counts`.
pub fn counts_table(model: &VolumeModel, series: &CountSeries, bt: Option<&Backtest>) -> String {
    let r = counts_report(model, series, bt);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Volumes fitted from {}: {} days with data, {} to {}, {}-minute intervals",
        r.file, r.days_with_data, r.first_date, r.last_date, r.interval_min
    );
    let _ = writeln!(
        o,
        "  malformed rows skipped: {}; closed operating days: {}",
        r.malformed_rows,
        if r.closed_days.is_empty() {
            "none".to_string()
        } else {
            r.closed_days.join(", ")
        }
    );
    for s in &series.first_malformed {
        let _ = writeln!(
            o,
            "    skipped {}:{}: {}",
            s.file.display(),
            s.line,
            s.reason
        );
    }
    write_daily_model(&mut o, &r);
    let _ = writeln!(o, "  next week (median, 80% interval):");
    for d in &r.next_week {
        let _ = writeln!(
            o,
            "    {}  {:>9.0}  [{:.0}, {:.0}]",
            d.date, d.total, d.lo80, d.hi80
        );
    }
    if let Some(b) = &r.backtest {
        write_backtest(&mut o, b);
    }
    o
}

/// The daily model's lines of the `fit --counts` table: the regression terms, growth,
/// spread, the cv by lead, event uplifts and extraordinary days.
fn write_daily_model(o: &mut String, r: &CountsReport) {
    let _ = writeln!(
        o,
        "  daily model: ln(total) {} regression, multiplicative effects",
        if r.robust {
            "Huber-robust"
        } else {
            "least-squares"
        }
    );
    for t in &r.terms {
        let _ = writeln!(
            o,
            "    {:<28} {:>10.4} (se {:.4})  x{:.4}",
            t.name, t.coefficient, t.std_error, t.factor
        );
    }
    let _ = writeln!(
        o,
        "  weekly growth {:+.2}%, residual sd (ln) {:.4} -> volume cv {:.3}, residuals: {} (alpha {:.2}, phi {:.2}), interval over-dispersion {:.2}",
        100.0 * r.weekly_growth,
        r.sigma_log_daily,
        r.volume_cv,
        r.residual_model,
        r.smoothing_alpha,
        r.ar1_phi,
        r.interval_overdispersion
    );
    let ahead: Vec<String> = r
        .volume_cv_ahead
        .iter()
        .map(|(k, cv)| format!("{k} days {cv:.3}"))
        .collect();
    let _ = writeln!(o, "  forecast cv by lead: {}", ahead.join(", "));
    for u in &r.uplifts {
        let pts: Vec<String> = u
            .uplift
            .iter()
            .map(|(k, m)| format!("{k:+}: x{m:.3}"))
            .collect();
        let _ = writeln!(o, "  uplift {}: {}", u.event, pts.join(", "));
    }
    if !r.extraordinary_days.is_empty() {
        let d = days_with_factors(&r.extraordinary_days);
        let _ = writeln!(
            o,
            "  extraordinary days (actual/fitted, beyond 3.5 robust sd): {}",
            d
        );
    }
}

/// The rolling-origin backtest's lines of the `fit --counts` table: errors by horizon
/// against seasonal-naive, interval coverage and the verdict.
fn write_backtest(o: &mut String, b: &Backtest) {
    let _ = writeln!(
        o,
        "Backtest: rolling origin over the last {} weeks ({} to {}), {} origins, horizons 1-{} days, {} intervals",
        b.holdout_weeks,
        b.holdout_first_date,
        b.holdout_last_date,
        b.origins,
        b.max_horizon_days,
        b.intervals_evaluated
    );
    let _ = writeln!(
        o,
        "  {:>7}  {:>9}  {:>7}  {:>7}  {:>7}  {:>9}  {:>9}  {:>9}  {:>10}",
        "horizon",
        "intervals",
        "WAPE",
        "MAPE",
        "bias",
        "naive WAPE",
        "naive MAPE",
        "naive bias",
        "day WAPE/naive"
    );
    let pc = |v: f64| format!("{:.2}%", 100.0 * v);
    for h in &b.by_horizon {
        let _ = writeln!(
            o,
            "  {:>6}d  {:>9}  {:>7}  {:>7}  {:>7}  {:>9}  {:>9}  {:>9}  {:>6}/{}",
            h.horizon_days,
            h.intervals_evaluated,
            pc(h.wape),
            pc(h.mape),
            pc(h.bias),
            pc(h.seasonal_naive_wape),
            pc(h.seasonal_naive_mape),
            pc(h.seasonal_naive_bias),
            pc(h.daily_wape),
            pc(h.seasonal_naive_daily_wape)
        );
    }
    let _ = writeln!(
        o,
        "  {:>7}  {:>9}  {:>7}  {:>7}  {:>7}  {:>9}  {:>9}  {:>9}  {:>6}/{}",
        "all",
        b.intervals_evaluated,
        pc(b.wape),
        pc(b.mape),
        pc(b.bias),
        pc(b.seasonal_naive_wape),
        pc(b.seasonal_naive_mape),
        pc(b.seasonal_naive_bias),
        pc(b.daily_wape),
        pc(b.seasonal_naive_daily_wape)
    );
    let _ = writeln!(
        o,
        "  prediction-interval coverage: intervals {} in 80%, {} in 95%; days {} in 80%, {} in 95%",
        pc(b.pi80_coverage),
        pc(b.pi95_coverage),
        pc(b.daily_pi80_coverage),
        pc(b.daily_pi95_coverage)
    );
    if b.beats_seasonal_naive {
        let _ = writeln!(
            o,
            "  The forecast beats seasonal-naive: WAPE {} vs {}.",
            pc(b.wape),
            pc(b.seasonal_naive_wape)
        );
    } else {
        let _ = writeln!(
            o,
            "  WARNING: the forecast does NOT beat seasonal-naive (WAPE {} vs {}); plan with the simpler baseline or more history.",
            pc(b.wape),
            pc(b.seasonal_naive_wape)
        );
    }
}

/// The fitted part of a scenario, as a RON fragment a scenario can `extends`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountsFragment {
    /// One intraday profile per weekday with data: 96 quarter-hour weights from 00:00.
    pub arrival_profiles: Vec<ArrivalProfile>,
    /// Fitted special-day uplifts (only when special days were given).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<PeakEvent>,
    /// Day-level volume uncertainty.
    pub simulation: SimulationFragment,
}

/// The fitted fields of `simulation`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimulationFragment {
    pub volume_cv: f64,
    /// The cv of a forecast made from the last day of history, by lead in calendar days
    /// (pooled over weekdays); written `Some(…)` so that plain RON reads it too.
    pub volume_cv_by_lead: Option<crate::scenario::VolumeCvByLead>,
}

/// Calendar leads (days) at which the counts fragment gives the cv.
pub const FRAGMENT_LEADS: [u32; 12] = [1, 2, 3, 4, 5, 6, 7, 14, 21, 28, 42, 56];

/// Slot shares → 96 quarter-hour weights from 00:00 (each slot's share spread over the
/// quarter-hours it overlaps, in proportion to the overlap).
pub fn quarter_hour_weights(shares: &[f64], first_slot_min: u32, interval_min: u32) -> Vec<f64> {
    let mut w = vec![0.0; 96];
    for (s, &share) in shares.iter().enumerate() {
        let a = f64::from(first_slot_min) + s as f64 * f64::from(interval_min);
        let b = (a + f64::from(interval_min)).min(1440.0);
        for (q, wq) in w.iter_mut().enumerate() {
            let (qa, qb) = (q as f64 * 15.0, q as f64 * 15.0 + 15.0);
            let overlap = (b.min(qb) - a.max(qa)).max(0.0);
            *wq += share * overlap / (b - a);
        }
    }
    w.iter().map(|v| (v * 1e6).round() / 1e6).collect()
}

/// Build the fragment.
pub fn counts_fragment_value(model: &VolumeModel, channel: &str) -> CountsFragment {
    let arrival_profiles = if model.interval_min >= 1440 {
        vec![]
    } else {
        model
            .profile
            .iter()
            .enumerate()
            .filter_map(|(w, p)| {
                p.as_ref().map(|p| ArrivalProfile {
                    channel: channel.to_string(),
                    days: vec![day_of_index(w)],
                    weights: quarter_hour_weights(p, model.first_slot_min, model.interval_min),
                })
            })
            .collect()
    };
    let mut names: Vec<&str> = model
        .options
        .events
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    let mut events = Vec::new();
    for name in names {
        let uplift = model.uplift(name);
        for e in model.options.events.iter().filter(|e| e.name == name) {
            events.push(PeakEvent {
                name: name.to_string(),
                date: EventDate::On(e.date),
                uplift: uplift.clone(),
                contact_rate_multipliers: std::collections::BTreeMap::new(),
            });
        }
    }
    let origin = crate::scenario::dates::date_of_day_number(model.last_day);
    let cv = FRAGMENT_LEADS
        .iter()
        .map(|&l| {
            let k = model
                .calendar
                .open_days_between(model.last_day, model.last_day + i64::from(l))
                .max(1) as i32;
            (l, (model.volume_cv_ahead(k) * 1e4).round() / 1e4)
        })
        .collect();
    CountsFragment {
        arrival_profiles,
        events,
        simulation: SimulationFragment {
            volume_cv: (model.volume_cv() * 1e4).round() / 1e4,
            volume_cv_by_lead: Some(crate::scenario::VolumeCvByLead { origin, cv }),
        },
    }
}

/// The RON text of the fragment, with the fitted model in comments.
pub fn counts_fragment(
    model: &VolumeModel,
    series: &CountSeries,
    channel: &str,
    bt: Option<&Backtest>,
) -> Result<String> {
    let frag = counts_fragment_value(model, channel);
    let body =
        ron::ser::to_string_pretty(&frag, ron::ser::PrettyConfig::new().compact_arrays(true))
            .map_err(|e| Error::Input(format!("cannot write the RON fragment: {e}")))?;
    let r = counts_report(model, series, bt);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "// Fitted by `peakplan fit --counts {}`: {} days with data, {} to {}.",
        r.file, r.days_with_data, r.first_date, r.last_date
    );
    let _ = writeln!(
        o,
        "// A fragment for `extends`: arrival_profiles (channel `{channel}`), simulation.volume_cv and volume_cv_by_lead{}.",
        if frag.events.is_empty() {
            ""
        } else {
            ", events"
        }
    );
    let _ = writeln!(
        o,
        "// Daily model (ln total, {}): weekly growth {:+.3}%, post-holiday x{}, residual sd {:.4}, residuals {}.",
        if r.robust {
            "Huber-robust"
        } else {
            "least squares"
        },
        100.0 * r.weekly_growth,
        r.post_holiday_factor
            .map_or("n/a".into(), |f| format!("{f:.3}")),
        r.sigma_log_daily,
        r.residual_model
    );
    let ahead: Vec<String> = r
        .volume_cv_ahead
        .iter()
        .map(|(k, cv)| format!("{k}: {cv:.3}"))
        .collect();
    let _ = writeln!(
        o,
        "// volume_cv below is the spread of usual days around the fitted level (unusual days set aside); volume_cv_by_lead gives each day of a scenario the cv of its lead from the last day of history (calendar days; the simulation uses it instead of volume_cv). cv by lead (open days) {}.",
        ahead.join(", ")
    );
    for d in &r.next_week {
        let _ = writeln!(
            o,
            "// Forecast {}: {:.0} contacts (80% {:.0}..{:.0}).",
            d.date, d.total, d.lo80, d.hi80
        );
    }
    if let Some(b) = bt {
        let _ = writeln!(
            o,
            "// Backtest, last {} weeks: WAPE {:.2}% vs seasonal-naive {:.2}% ({} intervals).",
            b.holdout_weeks,
            100.0 * b.wape,
            100.0 * b.seasonal_naive_wape,
            b.intervals_evaluated
        );
    }
    o.push_str(&body);
    o.push('\n');
    Ok(o)
}

/// The fitted behaviour of a per-call fit, as a RON fragment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallsFragment {
    pub behaviour: BehaviourFragment,
}

/// The fitted fields of `behaviour`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BehaviourFragment {
    /// Channel → exponential patience with the maximum-likelihood mean.
    pub patience: std::collections::BTreeMap<String, crate::scenario::DurationDist>,
    /// Redial probability and delay (when customer ids exist).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_present"
    )]
    pub redial: Option<crate::scenario::Redial>,
}

/// Write an `Option` that is known to be present as its value (RON would write `Some(…)`,
/// which the scenario's non-optional field does not accept).
fn serialize_present<S: serde::Serializer, T: Serialize>(
    v: &Option<T>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match v {
        Some(v) => v.serialize(s),
        None => s.serialize_none(),
    }
}

/// `v` rounded to `digits` decimals (the fitted figures a fragment writes).
pub(super) fn round_to(v: f64, digits: i32) -> f64 {
    let p = 10f64.powi(digits);
    (v * p).round() / p
}

/// The redial behaviour fitted from the calls: the share of abandons that call again and
/// an exponential delay with the observed median (`None` without redials).
pub(super) fn fitted_redial(fit: &CallFit) -> Option<crate::scenario::Redial> {
    fit.redial_share
        .zip(fit.redial_delay_median_s)
        .map(|(p, med)| crate::scenario::Redial {
            probability: round_to(p, 4),
            delay: crate::scenario::DurationDist::Exponential {
                mean_s: round_to(med / std::f64::consts::LN_2, 1),
            },
        })
}

/// The RON text of a per-call fit: `behaviour.patience` and `behaviour.redial`, with the
/// handling-time distribution to paste into the reasons in a comment (handling belongs to
/// reasons, which the history does not name).
pub fn calls_fragment(fit: &CallFit, channel: &str) -> Result<String> {
    use crate::scenario::DurationDist;
    let Some(patience) = fit.patience_mean_s_exp_mle else {
        return Err(Error::Input(
            "no queued abandon in the records: patience cannot be fitted".into(),
        ));
    };
    let frag = CallsFragment {
        behaviour: BehaviourFragment {
            patience: [(
                channel.to_string(),
                DurationDist::Exponential {
                    mean_s: round_to(patience, 1),
                },
            )]
            .into(),
            redial: fitted_redial(fit),
        },
    };
    let body = ron::ser::to_string_pretty(&frag, ron::ser::PrettyConfig::new())
        .map_err(|e| Error::Input(format!("cannot write the RON fragment: {e}")))?;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "// Fitted by `peakplan fit --calls`: {} calls, {} to {}.",
        fit.calls,
        fit.first_date.as_deref().unwrap_or("-"),
        fit.last_date.as_deref().unwrap_or("-")
    );
    let _ = writeln!(
        o,
        "// Patience: exponential MLE mean {:.1} s (queued wait / queued abandons); Kaplan-Meier median {} s (an exponential with this mean has median {:.1} s).",
        patience,
        opt(fit.patience_km_median_s, 1),
        patience * std::f64::consts::LN_2
    );
    if fit.redial_share.is_some() {
        let _ = writeln!(
            o,
            "// Redial: share of {} identified queued abandons calling again within {:.0} s; delay exponential with the observed median {} s.",
            fit.redial_base,
            fit.redial_window_s,
            opt(fit.redial_delay_median_s, 0)
        );
    }
    let _ = writeln!(
        o,
        "// Handling (paste into reasons[..].handling): \"{channel}\": LogNormal(mean_s: {:.1}, cv: {:.3}),  // sample mean and cv; lognormal MLE mu {} sigma {}",
        fit.service_mean_s,
        fit.service_cv,
        fit.service_lognormal
            .map_or("n/a".into(), |l| format!("{:.3}", l.mu)),
        fit.service_lognormal
            .map_or("n/a".into(), |l| format!("{:.3}", l.sigma)),
    );
    o.push_str(&body);
    o.push('\n');
    Ok(o)
}

/// Days with their factor (actual/fitted), "1999-03-01 x1.85, 1999-04-05 x0.42".
pub fn days_with_factors<D: std::fmt::Display>(days: &[(D, f64)]) -> String {
    days.iter()
        .map(|(d, f)| format!("{d} x{f:.2}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Make a fragment extend a base scenario: `extends: "BASE"` as its first field, so the
/// fragment itself is a complete scenario (the base with the fitted fields over it).
pub fn with_extends(fragment: &str, base: &str) -> String {
    let escaped = base.replace('\\', "\\\\").replace('"', "\\\"");
    match fragment.find("\n(\n") {
        Some(i) => format!(
            "{}\n(\n    extends: \"{escaped}\",\n{}",
            &fragment[..i],
            &fragment[i + 3..]
        ),
        None => fragment.to_string(),
    }
}
