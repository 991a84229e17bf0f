//! The estimators recover known parameters from synthetic data (fixed seeds).
//!
//! Tolerances: regression coefficients within 3.5 of their own standard errors (two-sided
//! 99.95 % for one normal estimate; a handful are checked, so the family-wise level stays
//! above 99 %); profile shares within 4.5 binomial standard errors (Bonferroni over 288 slot
//! shares at 1 % needs 3.9); exponential-MLE patience, Kaplan–Meier median and lognormal
//! parameters within 3.5 asymptotic standard errors given in each test.

use jiff::civil::{Date, date};
use peakplan::fit::backtest::backtest;
use peakplan::fit::calls::{CallRecord, CallSet, Outcome};
use peakplan::fit::counts::{CountSeries, DayCounts};
use peakplan::fit::estimate::{estimate, fit_lognormal};
use peakplan::fit::forecast::{ForecastOptions, SpecialDay, fit};
use peakplan::fit::render::counts_fragment;
use peakplan::scenario::{ArrivalProfile, Day, EventDate, PeakEvent, Simulation};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, Exp, LogNormal, Normal, Poisson};

const SLOTS: usize = 48; // 08:00–20:00 in 15-minute slots
const LEVEL: f64 = 3000.0;
const GROWTH: f64 = 0.01; // +1 % a week
const POST_HOLIDAY: f64 = 1.15;
const DAY_SIGMA: f64 = 0.04;
/// Monday first; Sunday closed.
const WEEKDAY: [f64; 7] = [1.25, 1.05, 1.0, 0.98, 0.95, 0.6, 0.0];
const UPLIFT: [(i32, f64); 3] = [(-1, 1.2), (0, 1.6), (1, 1.1)];

fn true_profile(w: usize) -> Vec<f64> {
    let raw: Vec<f64> = (0..SLOTS)
        .map(|s| {
            let h = 8.0 + (s as f64 + 0.5) / 4.0;
            let morning = if w == 0 { 1.3 } else { 0.8 };
            let flat = if w == 5 { 1.5 } else { 1.0 };
            flat + morning * (-((h - 10.5) / 1.5).powi(2)).exp()
                + 0.6 * (-((h - 14.0) / 2.0).powi(2)).exp()
        })
        .collect();
    let t: f64 = raw.iter().sum();
    raw.into_iter().map(|v| v / t).collect()
}

fn events() -> Vec<SpecialDay> {
    [date(2027, 2, 10), date(2027, 3, 17), date(2027, 4, 21)]
        .into_iter()
        .map(|d| SpecialDay {
            name: "promo".into(),
            date: d,
        })
        .collect()
}

fn holidays() -> [Date; 3] {
    [date(2027, 2, 22), date(2027, 4, 1), date(2027, 5, 13)]
}

/// 22 weeks Mon–Sat from Monday 4 January 2027 (Sundays closed, three holidays).
fn synthetic_series(seed: u64) -> CountSeries {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let noise = Normal::new(0.0, DAY_SIGMA).unwrap();
    let start = date(2027, 1, 4);
    let profiles: Vec<Vec<f64>> = (0..7).map(true_profile).collect();
    let mut days = Vec::new();
    let mut after_holiday = false;
    for k in 0..22 * 7 {
        let d = start.checked_add(jiff::Span::new().days(k)).unwrap();
        let w = k as usize % 7;
        if w == 6 {
            continue;
        }
        if holidays().contains(&d) {
            after_holiday = true;
            continue;
        }
        let mut mean = LEVEL * WEEKDAY[w] * (1.0 + GROWTH).powf(k as f64 / 7.0);
        if after_holiday {
            mean *= POST_HOLIDAY;
            after_holiday = false;
        }
        for e in events() {
            let off = (d - e.date).get_days();
            if let Some(&(_, m)) = UPLIFT.iter().find(|u| i64::from(u.0) == i64::from(off)) {
                mean *= m;
            }
        }
        mean *= f64::exp(noise.sample(&mut rng));
        let counts = profiles[w]
            .iter()
            .map(|p| Poisson::new(mean * p).unwrap().sample(&mut rng))
            .collect();
        days.push(DayCounts { date: d, counts });
    }
    CountSeries::from_days(15, 8 * 60, days)
}

fn options() -> ForecastOptions {
    ForecastOptions {
        events: events(),
        event_window: (-1, 1),
        ..ForecastOptions::default()
    }
}

fn within(name: &str, est: f64, truth: f64, se: f64, k: f64) {
    assert!(
        (est - truth).abs() <= k * se,
        "{name}: estimate {est:.5}, truth {truth:.5}, se {se:.5} (allowed {k} se)"
    );
}

#[test]
fn volume_model_recovers_trend_weekdays_uplift_post_holiday_and_profile() {
    let series = synthetic_series(8);
    let m = fit(&series, &options(), None).unwrap();
    // The calendar finds Mon–Sat operating and the three holidays closed.
    assert_eq!(
        m.calendar.operating,
        [true, true, true, true, true, true, false]
    );
    assert_eq!(m.calendar.closed.len(), 3);

    let (b, se) = m.coefficient("trend_per_week").unwrap();
    within("trend", b, (1.0 + GROWTH).ln(), se, 3.5);
    let (b, se) = m.coefficient("post_holiday").unwrap();
    within("post-holiday", b, POST_HOLIDAY.ln(), se, 3.5);
    for (k, mult) in UPLIFT {
        let (b, se) = m.coefficient(&format!("event:promo:{k:+}")).unwrap();
        within(&format!("uplift {k:+}"), b, mult.ln(), se, 3.5);
    }
    let names = ["mon", "tue", "wed", "thu", "fri", "sat"];
    let r = m.reference_weekday;
    for (w, name) in names.iter().enumerate().filter(|&(w, _)| w != r) {
        let (b, se) = m.coefficient(&format!("weekday:{name}")).unwrap();
        within(name, b, (WEEKDAY[w] / WEEKDAY[r]).ln(), se, 3.5);
    }
    // Residual sd: day noise plus Poisson noise of a ~3,000-call day; σ̂ has a relative
    // standard error of about 1/sqrt(2·dof) ≈ 6.5 %.
    let sigma_true = (DAY_SIGMA.powi(2) + 1.0 / LEVEL).sqrt();
    assert!(
        (m.sigma_log / sigma_true - 1.0).abs() < 0.25,
        "sigma {} vs {sigma_true}",
        m.sigma_log
    );

    // Profile shares: multinomial given the weekday's total.
    for w in 0..6 {
        let truth = true_profile(w);
        let est = m.profile[w].as_ref().unwrap();
        let n: f64 = series
            .days
            .iter()
            .filter(|d| Day::of(d.date).index() == w)
            .map(DayCounts::total)
            .sum();
        for s in 0..SLOTS {
            let se = (truth[s] * (1.0 - truth[s]) / n).sqrt();
            within(&format!("profile {w}/{s}"), est[s], truth[s], se, 4.5);
        }
    }
}

#[test]
fn fragment_parses_into_the_scenario_schema() {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Fragment {
        arrival_profiles: Vec<ArrivalProfile>,
        #[serde(default)]
        events: Vec<PeakEvent>,
        simulation: Simulation,
    }
    let series = synthetic_series(8);
    let m = fit(&series, &options(), None).unwrap();
    let text = counts_fragment(&m, &series, "phone", None).unwrap();
    let f: Fragment = ron::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(f.arrival_profiles.len(), 6);
    for p in &f.arrival_profiles {
        assert_eq!(p.channel, "phone");
        assert_eq!(p.weights.len(), 96);
        let w = p.days[0].index();
        // 15-minute slots from 08:00: quarter-hour 32 + s is slot s.
        assert!(p.weights[..32].iter().all(|&v| v == 0.0));
        assert!(p.weights[80..].iter().all(|&v| v == 0.0));
        let prof = m.profile[w].as_ref().unwrap();
        assert_eq!(prof.len(), SLOTS);
        for (wq, share) in p.weights[32..80].iter().zip(prof) {
            assert!((wq - share).abs() <= 5e-7);
        }
    }
    assert_eq!(f.events.len(), 3);
    assert!(matches!(f.events[0].date, EventDate::On(d) if d == date(2027, 2, 10)));
    let up0 = f.events[0].uplift.iter().find(|u| u.0 == 0).unwrap().1;
    assert!((up0 - m.effect("event:promo:+0").unwrap()).abs() < 1e-12);
    assert!((f.simulation.volume_cv - m.volume_cv()).abs() < 5e-5);
    // The cv by lead from the last day of history (Saturday 5 June: lead 2 is Monday, one
    // open day ahead).
    let lead = f.simulation.volume_cv_by_lead.as_ref().unwrap();
    assert_eq!(lead.origin, date(2027, 6, 5));
    assert!((lead.cv_on(date(2027, 6, 7)) - m.volume_cv_ahead(1)).abs() < 5e-5);
    assert!(lead.cv.windows(2).all(|w| w[1].1 >= w[0].1 - 1e-12));
    // Unset simulation fields keep the schema's defaults.
    assert_eq!(
        f.simulation.replications,
        Simulation::default().replications
    );
}

#[test]
fn backtest_on_a_stable_series_beats_seasonal_naive() {
    // With independent day noise and Poisson counts, seasonal-naive carries the noise of two
    // days into each error while the model averages weeks: the model must win clearly.
    let series = synthetic_series(21);
    let b = backtest(&series, &options(), 4, 7).unwrap();
    assert!(b.wape < 0.85 * b.seasonal_naive_wape, "{b:?}");
    assert!(b.beats_seasonal_naive);
    assert!(b.bias.abs() < 0.03, "bias {}", b.bias);
    assert!(b.intervals_evaluated > 0);
}

fn exp_patience_calls(seed: u64, n: usize, patience_mean: f64, offered_wait_mean: f64) -> CallSet {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let pat = Exp::new(1.0 / patience_mean).unwrap();
    let wait = Exp::new(1.0 / offered_wait_mean).unwrap();
    let service = LogNormal::new(4.5, 1.0).unwrap();
    let records = (0..n)
        .map(|i| {
            let p: f64 = pat.sample(&mut rng);
            let w: f64 = wait.sample(&mut rng);
            let abandoned = p < w;
            CallRecord {
                date: date(2027, 2, 1),
                arrival_s: (i % 86_400) as u32,
                queued: true,
                wait_s: p.min(w),
                outcome: if abandoned {
                    Outcome::Abandoned
                } else {
                    Outcome::Answered
                },
                service_s: if abandoned {
                    0.0
                } else {
                    service.sample(&mut rng)
                },
                customer: None,
                call_type: None,
                agent: None,
                service_start_s: None,
            }
        })
        .collect();
    CallSet {
        records,
        ..CallSet::default()
    }
}

#[test]
fn patience_is_recovered_under_censoring_by_answers() {
    // Patience Exp(mean 200 s), answered after Exp(mean 120 s): P(abandon) = 120/320.
    let (theta, w) = (200.0, 120.0);
    let n = 20_000;
    let set = exp_patience_calls(5, n, theta, w);
    let f = estimate(&set, 3600.0);
    let events = f.abandoned_queued as f64;
    // Abandon share: binomial.
    let p = w / (theta + w);
    within(
        "abandon share",
        f.abandon_share_of_queued,
        p,
        (p * (1.0 - p) / n as f64).sqrt(),
        3.5,
    );
    // Exponential MLE under censoring: se = θ / sqrt(events).
    within(
        "exp MLE",
        f.patience_mean_s_exp_mle.unwrap(),
        theta,
        theta / events.sqrt(),
        3.5,
    );
    // KM median (true θ ln 2). Greenwood: Var S(m) = S² ∫ λ / (N · P(at risk)) dt with
    // P(at risk at t) = exp(−t/θ − t/w); se(median) = se(S(m)) / f(m).
    let m = theta * std::f64::consts::LN_2;
    let c = 1.0 / theta + 1.0 / w;
    let var_s = 0.25 * (1.0 / theta) * ((c * m).exp() - 1.0) / c / n as f64;
    let se_med = var_s.sqrt() / (0.5 / theta);
    within("KM median", f.patience_km_median_s.unwrap(), m, se_med, 3.5);
    // The naive mean of abandoners' waits is biased far below θ: the censoring matters.
    let naive: f64 = set
        .records
        .iter()
        .filter(|r| r.outcome == Outcome::Abandoned)
        .map(|r| r.wait_s)
        .sum::<f64>()
        / events;
    assert!(naive < 0.5 * theta);
}

#[test]
fn lognormal_handling_parameters_are_recovered() {
    let set = exp_patience_calls(9, 40_000, 200.0, 120.0);
    let service: Vec<f64> = set
        .records
        .iter()
        .filter(|r| r.outcome == Outcome::Answered)
        .map(|r| r.service_s)
        .collect();
    let n = service.len() as f64;
    let l = fit_lognormal(&service).unwrap();
    // MLE: se(mu) = σ/sqrt(n), se(sigma) = σ/sqrt(2n).
    within("mu", l.mu, 4.5, 1.0 / n.sqrt(), 3.5);
    within("sigma", l.sigma, 1.0, 1.0 / (2.0 * n).sqrt(), 3.5);
    let f = estimate(&set, 3600.0);
    // Sample median of a lognormal: se = 1 / (2 f(m) sqrt(n)), f(m) = 1 / (m σ sqrt(2π)).
    let med = 4.5f64.exp();
    let se = med * (2.0 * std::f64::consts::PI).sqrt() / (2.0 * n.sqrt());
    within("median", f.service_median_s, med, se, 3.5);
    assert_eq!(l.n as f64, n);
}

#[test]
fn redial_share_is_recovered() {
    // Each queued abandon redials with probability 0.4 after Exp(mean 600 s); a one-hour
    // window catches 1 − e^−6 of those.
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let delay = Exp::new(1.0 / 600.0).unwrap();
    let mut records = Vec::new();
    let n = 5000;
    for c in 0..n {
        let t0 = 8 * 3600 + (c as u32 % 30_000);
        let base = CallRecord {
            date: date(2027, 2, 1),
            arrival_s: t0,
            queued: true,
            wait_s: 30.0,
            outcome: Outcome::Abandoned,
            service_s: 0.0,
            customer: Some(c as u64 + 1),
            call_type: None,
            agent: None,
            service_start_s: None,
        };
        records.push(base.clone());
        if rand::RngExt::random::<f64>(&mut rng) < 0.4 {
            let d: f64 = delay.sample(&mut rng);
            records.push(CallRecord {
                arrival_s: t0 + d.ceil() as u32,
                outcome: Outcome::Answered,
                service_s: 100.0,
                ..base
            });
        }
    }
    let set = CallSet {
        records,
        ..CallSet::default()
    };
    let f = estimate(&set, 3600.0);
    assert_eq!(f.redial_base, n as u64);
    let p = 0.4 * (1.0 - (-6.0f64).exp());
    within(
        "redial share",
        f.redial_share.unwrap(),
        p,
        (p * (1.0 - p) / n as f64).sqrt(),
        3.5,
    );
}
