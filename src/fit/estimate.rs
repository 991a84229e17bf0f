//! Estimates from per-call records: queueing and answer figures, handling-time distribution
//! (lognormal fit and empirical quantiles), patience (Kaplan–Meier with answered calls
//! censored at their wait, and the exponential maximum-likelihood mean), redial share.

use serde::Serialize;

use super::calls::{CallSet, Outcome};
use crate::scenario::dates::day_number;

/// Quantile levels reported for handling and patience.
pub const QUANTILES: [f64; 7] = [0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99];

/// A quantile `q` with its value in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Quantile {
    pub q: f64,
    pub s: f64,
}

/// Lognormal maximum-likelihood fit: ln X ~ Normal(mu, sigma²).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LogNormalFit {
    pub mu: f64,
    pub sigma: f64,
    /// exp(mu + sigma²/2).
    pub mean_s: f64,
    /// sqrt(exp(sigma²) − 1).
    pub cv: f64,
    /// Values used (positive ones).
    pub n: u64,
}

/// Everything `peakplan fit --calls` estimates. Field names are stable (JSON output).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallFit {
    /// Calls kept (ignored and malformed rows excluded).
    pub calls: u64,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    pub days: u64,
    pub malformed_rows: u64,
    pub ignored_rows: u64,
    /// Kept rows whose customer id was unreadable (treated as unknown).
    pub unreadable_customer_ids: u64,
    /// Calls that joined the agent queue.
    pub queued: u64,
    pub queued_share: f64,
    pub answered: u64,
    /// Abandoned after joining the queue.
    pub abandoned_queued: u64,
    /// Hung up before joining the queue (e.g. in the voice menu).
    pub abandoned_before_queue: u64,
    pub abandon_share_of_queued: f64,
    /// Mean wait of answered calls, waits of 0 included.
    pub asa_s: f64,
    /// Answered within 15 s / answered.
    pub sl15_of_answered: f64,
    /// Answered within 15 s / (answered + abandoned in the queue).
    pub sl15_of_answered_and_abandoned: f64,
    /// Service (talk) time of answered calls.
    pub service_mean_s: f64,
    pub service_median_s: f64,
    pub service_sd_s: f64,
    pub service_cv: f64,
    pub service_quantiles: Vec<Quantile>,
    pub service_lognormal: Option<LogNormalFit>,
    /// Total queued wait of queued calls / queued abandons.
    pub patience_mean_s_exp_mle: Option<f64>,
    /// Kaplan–Meier median patience (None when survival never falls to 0.5).
    pub patience_km_median_s: Option<f64>,
    /// Kaplan–Meier patience quantiles that the data reach.
    pub patience_km_quantiles: Vec<Quantile>,
    /// Kaplan–Meier survival P(patience > t) at a few waits.
    pub patience_km_survival: Vec<Quantile>,
    /// Queued abandons with a known customer id.
    pub redial_base: u64,
    /// Share of them followed by another call of the same customer within `redial_window_s`.
    pub redial_share: Option<f64>,
    pub redial_window_s: f64,
    /// Median delay from abandoning to the redial.
    pub redial_delay_median_s: Option<f64>,
    /// Calls per type (when a type column exists), in order of first appearance.
    pub calls_by_type: Vec<(String, u64)>,
}

/// Type-7 (linear interpolation) quantile of sorted values.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Lognormal MLE of the positive values (zeros and negatives ignored).
pub fn fit_lognormal(values: &[f64]) -> Option<LogNormalFit> {
    let logs: Vec<f64> = values
        .iter()
        .filter(|&&v| v > 0.0)
        .map(|v| v.ln())
        .collect();
    if logs.len() < 2 {
        return None;
    }
    let n = logs.len() as f64;
    let mu = logs.iter().sum::<f64>() / n;
    let var = logs.iter().map(|l| (l - mu).powi(2)).sum::<f64>() / n;
    let sigma = var.sqrt();
    Some(LogNormalFit {
        mu,
        sigma,
        mean_s: (mu + var / 2.0).exp(),
        cv: (var.exp() - 1.0).sqrt(),
        n: logs.len() as u64,
    })
}

/// A Kaplan–Meier survival curve: step values `(t, S(t))` after each event time.
#[derive(Debug, Clone, PartialEq)]
pub struct KaplanMeier {
    pub steps: Vec<(f64, f64)>,
}

impl KaplanMeier {
    /// From `(time, event)` pairs: `event = true` for an observed abandonment, `false` for a
    /// censored observation (answered after waiting `time`). At tied times events are
    /// counted before censorings (the censored are still at risk at that time).
    pub fn new(mut obs: Vec<(f64, bool)>) -> KaplanMeier {
        obs.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut at_risk = obs.len() as f64;
        let mut s = 1.0;
        let mut steps = Vec::new();
        let mut i = 0;
        while i < obs.len() {
            let t = obs[i].0;
            let mut d = 0.0;
            let mut c = 0.0;
            while i < obs.len() && obs[i].0 == t {
                if obs[i].1 {
                    d += 1.0;
                } else {
                    c += 1.0;
                }
                i += 1;
            }
            if d > 0.0 {
                s *= 1.0 - d / at_risk;
                steps.push((t, s));
            }
            at_risk -= d + c;
        }
        KaplanMeier { steps }
    }

    /// S(t) = P(patience > t).
    pub fn survival(&self, t: f64) -> f64 {
        match self.steps.partition_point(|&(st, _)| st <= t) {
            0 => 1.0,
            k => self.steps[k - 1].1,
        }
    }

    /// Smallest event time with S(t) ≤ 1 − q; None when the curve never gets there.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        self.steps
            .iter()
            .find(|&&(_, s)| s <= 1.0 - q + 1e-12)
            .map(|&(t, _)| t)
    }
}

/// Exponential MLE of the mean under right censoring: total exposure / events.
pub fn exp_mle_mean(obs: &[(f64, bool)]) -> Option<f64> {
    let events = obs.iter().filter(|o| o.1).count();
    (events > 0).then(|| obs.iter().map(|o| o.0).sum::<f64>() / events as f64)
}

/// Estimate everything from a call set. `redial_window_s`: a redial is a call from the same
/// customer within this many seconds after a queued abandon.
pub fn estimate(set: &CallSet, redial_window_s: f64) -> CallFit {
    let recs = &set.records;
    let calls = recs.len() as u64;
    let mut queued = 0u64;
    let mut answered = 0u64;
    let mut ab_q = 0u64;
    let mut ab_pre = 0u64;
    let mut wait_answered = 0.0;
    let mut within15 = 0u64;
    let mut service = Vec::with_capacity(recs.len());
    let mut patience_obs = Vec::new();
    let mut types = vec![0u64; set.types.len()];
    let mut dates = Vec::new();
    for r in recs {
        if r.queued {
            queued += 1;
            patience_obs.push((r.wait_s, r.outcome == Outcome::Abandoned));
        }
        match r.outcome {
            Outcome::Answered => {
                answered += 1;
                wait_answered += r.wait_s;
                if r.wait_s <= 15.0 {
                    within15 += 1;
                }
                service.push(r.service_s);
            }
            Outcome::Abandoned if r.queued => ab_q += 1,
            Outcome::Abandoned => ab_pre += 1,
        }
        if let Some(t) = r.call_type {
            types[usize::from(t)] += 1;
        }
        dates.push(day_number(r.date));
    }
    dates.sort_unstable();
    dates.dedup();
    let first_date = recs.iter().map(|r| r.date).min().map(|d| d.to_string());
    let last_date = recs.iter().map(|r| r.date).max().map(|d| d.to_string());
    let ratio = |a: u64, b: u64| {
        if b == 0 {
            f64::NAN
        } else {
            a as f64 / b as f64
        }
    };

    service.sort_by(f64::total_cmp);
    let n = service.len() as f64;
    let mean = service.iter().sum::<f64>() / n;
    let sd = if service.len() > 1 {
        (service.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        f64::NAN
    };
    let km = KaplanMeier::new(patience_obs.clone());
    let (redial_base, redial_share, redial_delay_median_s) = redials(set, redial_window_s);

    CallFit {
        calls,
        first_date,
        last_date,
        days: dates.len() as u64,
        malformed_rows: set.malformed_rows,
        ignored_rows: set.ignored_rows,
        unreadable_customer_ids: set.unreadable_customer_ids,
        queued,
        queued_share: ratio(queued, calls),
        answered,
        abandoned_queued: ab_q,
        abandoned_before_queue: ab_pre,
        abandon_share_of_queued: ratio(ab_q, queued),
        asa_s: if answered == 0 {
            f64::NAN
        } else {
            wait_answered / answered as f64
        },
        sl15_of_answered: ratio(within15, answered),
        sl15_of_answered_and_abandoned: ratio(within15, answered + ab_q),
        service_mean_s: mean,
        service_median_s: quantile_sorted(&service, 0.5),
        service_sd_s: sd,
        service_cv: sd / mean,
        service_quantiles: QUANTILES
            .iter()
            .map(|&q| Quantile {
                q,
                s: quantile_sorted(&service, q),
            })
            .collect(),
        service_lognormal: fit_lognormal(&service),
        patience_mean_s_exp_mle: exp_mle_mean(&patience_obs),
        patience_km_median_s: km.quantile(0.5),
        patience_km_quantiles: QUANTILES
            .iter()
            .filter_map(|&q| km.quantile(q).map(|s| Quantile { q, s }))
            .collect(),
        patience_km_survival: [15.0, 30.0, 60.0, 120.0, 300.0, 600.0]
            .iter()
            .map(|&t| Quantile {
                q: km.survival(t),
                s: t,
            })
            .collect(),
        redial_base,
        redial_share,
        redial_window_s,
        redial_delay_median_s,
        calls_by_type: set.types.iter().cloned().zip(types).collect(),
    }
}

/// (queued abandons with a customer id, share redialled within the window, median delay).
fn redials(set: &CallSet, window_s: f64) -> (u64, Option<f64>, Option<f64>) {
    let mut by_customer: Vec<(u64, i64, bool)> = set
        .records
        .iter()
        .filter_map(|r| {
            r.customer.map(|c| {
                let t = day_number(r.date) * 86_400 + i64::from(r.arrival_s);
                (
                    c,
                    t,
                    r.queued && r.outcome == Outcome::Abandoned && r.wait_s >= 0.0,
                )
            })
        })
        .collect();
    if by_customer.is_empty() {
        return (0, None, None);
    }
    by_customer.sort_unstable();
    let mut base = 0u64;
    let mut redialled = 0u64;
    let mut delays = Vec::new();
    for w in 0..by_customer.len() {
        let (c, t, abandoned) = by_customer[w];
        if !abandoned {
            continue;
        }
        base += 1;
        if let Some(&(c2, t2, _)) = by_customer.get(w + 1)
            && c2 == c
            && ((t2 - t) as f64) <= window_s
        {
            redialled += 1;
            delays.push((t2 - t) as f64);
        }
    }
    delays.sort_by(f64::total_cmp);
    let share = (base > 0).then(|| redialled as f64 / base as f64);
    let med = (!delays.is_empty()).then(|| quantile_sorted(&delays, 0.5));
    (base, share, med)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kaplan_meier_textbook() {
        // Events at 1, 3, censored at 2, 4: S(1) = 3/4, S(3) = 3/4 · 1/2 = 3/8.
        let km = KaplanMeier::new(vec![(1.0, true), (2.0, false), (3.0, true), (4.0, false)]);
        assert_eq!(km.steps, vec![(1.0, 0.75), (3.0, 0.375)]);
        assert_eq!(km.survival(0.5), 1.0);
        assert_eq!(km.survival(2.9), 0.75);
        assert_eq!(km.quantile(0.5), Some(3.0));
        assert_eq!(km.quantile(0.7), None);
        // Without censoring KM is the empirical survival function.
        let km = KaplanMeier::new((1..=10).map(|i| (f64::from(i), true)).collect());
        assert!((km.survival(4.0) - 0.6).abs() < 1e-12);
    }

    #[test]
    fn quantiles_type7() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&v, 0.5), 2.5);
        assert_eq!(quantile_sorted(&v, 0.0), 1.0);
        assert_eq!(quantile_sorted(&v, 1.0), 4.0);
    }
}

/// Observed figures of one interval of per-call records (the input of a replay and of
/// `fit --counts`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntervalObs {
    /// `YYYY-MM-DDTHH:MM`, local interval start.
    pub interval_start: String,
    /// Calls arriving in the interval.
    pub calls: u64,
    pub queued: u64,
    pub answered: u64,
    pub abandoned_queued: u64,
    /// Answered after waiting at most 15 s.
    pub answered_within_15s: u64,
    /// Sum of the waits of answered calls (ASA = this / answered).
    pub wait_answered_s: f64,
    /// Agents seen serving at some moment of the interval (distinct names): a lower bound
    /// of the agents on duty.
    pub agents_serving: u64,
    /// Agent-seconds of service inside the interval.
    pub busy_agent_s: f64,
}

/// Per-interval observations of a call set: every interval of every day that has calls
/// (intervals without calls included, so a day's rows are complete; days without any call
/// are left out, as missing days).
pub fn interval_table(set: &CallSet, interval_min: u32) -> Vec<IntervalObs> {
    let len = i64::from(interval_min.clamp(1, 1440)) * 60;
    let per_day = 86_400 / len;
    // Only the days with calls get rows: the table is sized by the calls, never by the span
    // of their dates (a file dated 0001-01-01 and 9999-12-31 is two days, not 3.65 million).
    let mut days: Vec<i64> = set.records.iter().map(|r| day_number(r.date)).collect();
    days.sort_unstable();
    days.dedup();
    if days.is_empty() {
        return vec![];
    }
    // Row of absolute interval `k` (intervals counted from day 0), if its day has calls.
    let row_of = |k: i64| -> Option<usize> {
        let d = days.binary_search(&k.div_euclid(per_day)).ok()?;
        Some(d * per_day as usize + k.rem_euclid(per_day) as usize)
    };
    let n = days.len() * per_day as usize;
    let mut rows = vec![
        IntervalObs {
            interval_start: String::new(),
            calls: 0,
            queued: 0,
            answered: 0,
            abandoned_queued: 0,
            answered_within_15s: 0,
            wait_answered_s: 0.0,
            agents_serving: 0,
            busy_agent_s: 0.0,
        };
        n
    ];
    let mut agents: Vec<Vec<u16>> = vec![Vec::new(); n];
    let first_day = days[0];
    let base = first_day * 86_400;
    // The last interval of the last day with calls, counted from the first day's start.
    let last_rel = (days[days.len() - 1] - first_day + 1) * per_day - 1;
    for r in &set.records {
        let t = day_number(r.date) * 86_400 + i64::from(r.arrival_s) - base;
        let k = (t / len).clamp(0, last_rel) + first_day * per_day;
        let Some(i) = row_of(k) else { continue };
        let row = &mut rows[i];
        row.calls += 1;
        row.queued += u64::from(r.queued);
        match r.outcome {
            Outcome::Answered => {
                row.answered += 1;
                row.wait_answered_s += r.wait_s;
                row.answered_within_15s += u64::from(r.wait_s <= 15.0);
            }
            Outcome::Abandoned => row.abandoned_queued += u64::from(r.queued),
        }
        if let (Some(a), Some(ss)) = (r.agent, r.service_start_s) {
            // Service start is a clock time of the arrival's day; a start before the arrival
            // means the service began after midnight.
            let mut s = day_number(r.date) * 86_400 + i64::from(ss) - base;
            if s < t - 60 {
                s += 86_400;
            }
            let e = s.saturating_add(r.service_s.round() as i64);
            let mut k = s.max(0) / len;
            while k * len < e.max(s + 1) && k <= last_rel {
                let abs = k + first_day * per_day;
                let Some(ku) = row_of(abs) else {
                    // A day without calls has no rows: jump to the next day that has.
                    let next = days.partition_point(|&d| d <= abs.div_euclid(per_day));
                    match days.get(next) {
                        Some(&d) => k = (d - first_day) * per_day,
                        None => break,
                    }
                    continue;
                };
                let overlap = (e.min((k + 1) * len) - s.max(k * len)).max(0);
                rows[ku].busy_agent_s += overlap as f64;
                if !agents[ku].contains(&a) {
                    agents[ku].push(a);
                }
                k += 1;
            }
        }
    }
    for (i, row) in rows.iter_mut().enumerate() {
        let day = days[i / per_day as usize];
        let m = (i as i64 % per_day) * len / 60;
        row.interval_start = format!(
            "{}T{:02}:{:02}",
            crate::scenario::dates::date_of_day_number(day),
            m / 60,
            m % 60
        );
        row.agents_serving = agents[i].len() as u64;
    }
    rows
}

/// Most rows of an interval table (days with calls × intervals per day).
pub const MAX_INTERVAL_ROWS: u64 = 10_000_000;

/// [`interval_table`] for an interval length given by the user: a divisor of a day, and
/// at most [`MAX_INTERVAL_ROWS`] rows.
pub fn checked_interval_table(
    set: &CallSet,
    interval_min: u32,
) -> crate::error::Result<Vec<IntervalObs>> {
    if interval_min == 0 || 1440 % interval_min != 0 {
        return Err(crate::error::Error::Input(format!(
            "--interval-min {interval_min}: give a divisor of 1440 (5, 10, 15, 30, 60 …)"
        )));
    }
    let mut days: Vec<i64> = set.records.iter().map(|r| day_number(r.date)).collect();
    days.sort_unstable();
    days.dedup();
    let rows = days.len() as u64 * u64::from(1440 / interval_min);
    if rows > MAX_INTERVAL_ROWS {
        return Err(crate::error::Error::Input(format!(
            "the calls fall on {} days: {rows} rows of {interval_min} minutes; at most {MAX_INTERVAL_ROWS} (use a longer --interval-min or fewer days)",
            days.len()
        )));
    }
    Ok(interval_table(set, interval_min))
}

/// The interval table as CSV (header = the field names of [`IntervalObs`]); readable by
/// `peakplan fit --counts` with its default columns.
pub fn interval_csv(rows: &[IntervalObs]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        let _ = w.serialize(r);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Observed figures of one day (what a replay compares the simulation with).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayObs {
    pub date: String,
    pub calls: u64,
    pub queued: u64,
    pub answered: u64,
    pub abandoned_queued: u64,
    /// Abandoned in the queue / queued.
    pub abandon_share_of_queued: f64,
    /// Mean wait of answered calls.
    pub asa_s: f64,
    /// Answered within 15 s / answered.
    pub sl15_of_answered: f64,
    /// Answered within 15 s / (answered + abandoned in the queue).
    pub sl15_of_answered_and_abandoned: f64,
    /// Distinct agents who served a call that day.
    pub agents_seen: u64,
}

/// Per-day observed figures, in date order.
pub fn daily_observed(set: &CallSet) -> Vec<DayObs> {
    use std::collections::BTreeMap;
    #[derive(Default)]
    struct Acc {
        calls: u64,
        queued: u64,
        answered: u64,
        ab: u64,
        within: u64,
        wait: f64,
        agents: Vec<u16>,
    }
    let mut days: BTreeMap<i64, (jiff::civil::Date, Acc)> = BTreeMap::new();
    for r in &set.records {
        let (_, a) = days
            .entry(day_number(r.date))
            .or_insert_with(|| (r.date, Acc::default()));
        a.calls += 1;
        a.queued += u64::from(r.queued);
        match r.outcome {
            Outcome::Answered => {
                a.answered += 1;
                a.wait += r.wait_s;
                a.within += u64::from(r.wait_s <= 15.0);
            }
            Outcome::Abandoned => a.ab += u64::from(r.queued),
        }
        if let Some(ag) = r.agent
            && !a.agents.contains(&ag)
        {
            a.agents.push(ag);
        }
    }
    let ratio = |a: u64, b: u64| {
        if b == 0 {
            f64::NAN
        } else {
            a as f64 / b as f64
        }
    };
    days.into_values()
        .map(|(d, a)| DayObs {
            date: d.to_string(),
            calls: a.calls,
            queued: a.queued,
            answered: a.answered,
            abandoned_queued: a.ab,
            abandon_share_of_queued: ratio(a.ab, a.queued),
            asa_s: if a.answered == 0 {
                f64::NAN
            } else {
                a.wait / a.answered as f64
            },
            sl15_of_answered: ratio(a.within, a.answered),
            sl15_of_answered_and_abandoned: ratio(a.within, a.answered + a.ab),
            agents_seen: a.agents.len() as u64,
        })
        .collect()
}
