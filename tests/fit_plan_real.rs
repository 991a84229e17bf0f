//! The "Must show" checks of issue #18 on the shared real data (`../shared/data/real/`).
//! Ignored by default (they read 22 MB and refit the forecast hundreds of times); run with
//!
//! ```sh
//! cargo test --release --test tests -- --ignored --nocapture fit_plan_real::
//! ```
//!
//! They fail loudly, never pass silently, when the data folder is absent.

use std::path::{Path, PathBuf};

use peakplan::app::fit::plan as run_plan;
use peakplan::fit::backtest::backtest;
use peakplan::fit::forecast::{self, ForecastOptions, LeadSpread, Spread};
use peakplan::fit::history::{Measure, PlanRequest, series_from_calls};
use peakplan::fit::{CallColumns, CountColumns, CountSeries, CountsRequest, Mapping};

fn real_dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/real");
    assert!(
        d.is_dir(),
        "{} is absent: these real-data checks need the shared data (run them where it is)",
        d.display()
    );
    d
}

fn bank_files(dir: &Path) -> Vec<PathBuf> {
    (1..=6)
        .map(|m| dir.join(format!("anonymous_bank_1999_{m:02}_calls.tsv")))
        .collect()
}

fn anonymous_bank(measure: Measure) -> CountSeries {
    let set = peakplan::fit::load_calls(
        &bank_files(&real_dir()),
        &Mapping::Auto(CallColumns::default()),
    )
    .unwrap();
    series_from_calls(&set, 15, measure, 3600.0)
}

fn us_bank() -> CountSeries {
    peakplan::fit::load_counts(
        &real_dir().join("us_bank_2003_5min_calls.csv"),
        &CountColumns::default(),
    )
    .unwrap()
}

/// (80 % coverage, 95 % coverage) of the day totals in the rolling-origin backtest over
/// the last 8 weeks, leads 1–7 days.
fn coverage(series: &CountSeries, options: &ForecastOptions) -> (f64, f64) {
    let b = backtest(series, options, 8, 7).unwrap();
    (b.daily_pi80_coverage, b.daily_pi95_coverage)
}

/// Calibration: the day-level 80 % intervals hold 70–90 % of days and the 95 % intervals
/// 88–99 %, on both shared series, with the default (robust, lead-calibrated) spread; the
/// plain spread of before overshoots on the Anonymous Bank. An 8-week holdout: a 4-week
/// one has about 20 target days, too few to tell 95 % from 100 %.
#[test]
#[ignore = "reads ../shared/data/real; run with --ignored"]
fn calibration_of_the_day_intervals_on_both_shared_series() {
    let after = ForecastOptions::default();
    let before = ForecastOptions {
        spread: Spread::Plain,
        lead_spread: LeadSpread::Model,
        ..ForecastOptions::default()
    };
    let series = [
        ("Anonymous Bank, all calls", anonymous_bank(Measure::Calls)),
        (
            "Anonymous Bank, fresh calls to agents",
            anonymous_bank(Measure::Fresh),
        ),
        ("US bank", us_bank()),
    ];
    for (name, s) in &series {
        let (b80, b95) = coverage(s, &before);
        let (a80, a95) = coverage(s, &after);
        eprintln!(
            "{name}: before {:.1}% / {:.1}%, after {:.1}% / {:.1}% (days inside the 80% / 95% intervals)",
            100.0 * b80,
            100.0 * b95,
            100.0 * a80,
            100.0 * a95
        );
        assert!((0.70..=0.90).contains(&a80), "{name}: 80% coverage {a80}");
        assert!((0.88..=0.99).contains(&a95), "{name}: 95% coverage {a95}");
    }
    // Before: the extraordinary days inflated the Anonymous Bank's spread.
    let (b80, _) = coverage(&series[0].1, &before);
    assert!(b80 > 0.90, "the plain spread's 80% interval held {b80}");
}

/// Unusual days are set aside and reported, and the spread without them is far smaller
/// (Anonymous Bank, all calls: the issue's cv 0.53).
#[test]
#[ignore = "reads ../shared/data/real; run with --ignored"]
fn unusual_days_are_reported_and_left_out_of_the_spread() {
    let s = anonymous_bank(Measure::Calls);
    let plain = forecast::fit(
        &s,
        &ForecastOptions {
            spread: Spread::Plain,
            lead_spread: LeadSpread::Model,
            ..ForecastOptions::default()
        },
        None,
    )
    .unwrap();
    let robust = forecast::fit(&s, &ForecastOptions::default(), None).unwrap();
    eprintln!(
        "volume cv: plain {:.3}, robust {:.3} (lead 1), {:.3} (lead 20); set aside: {:?}",
        plain.volume_cv(),
        robust.volume_cv_ahead(1),
        robust.volume_cv_ahead(20),
        robust.extraordinary_days
    );
    assert!(plain.volume_cv() > 0.5);
    assert!(robust.volume_cv_ahead(1) < 0.25);
    for d in ["1999-04-01", "1999-04-07", "1999-05-21", "1999-05-23"] {
        assert!(
            robust
                .extraordinary_days
                .iter()
                .any(|(x, _)| x.to_string() == d),
            "{d} not reported"
        );
    }
}

fn request(dir: &Path, calls: Vec<PathBuf>, period: &str, out: &str, tz: &str) -> PlanRequest {
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/history/history_base.ron"),
        dir.join("history_base.ron"),
    )
    .unwrap();
    PlanRequest {
        calls,
        mapping: Mapping::Auto(CallColumns::default()),
        redial_window_s: 3600.0,
        counts: None,
        measure: Measure::Fresh,
        interval_min: 15,
        period: period.into(),
        forecast: CountsRequest {
            events: vec![],
            event_window: "-3..1".into(),
            holdout: Some("8w".into()),
            horizon_days: 7,
            monthly_harmonics: 2,
            halflife_weeks: None,
            residual: forecast::ResidualModel::Smoothing,
            holidays: vec![],
            robust: true,
            spread: Spread::Robust,
            lead_spread: LeadSpread::Empirical,
            profile_channel: "phone".into(),
            out: Some(dir.join(out)),
            extends: Some("history_base.ron".into()),
            json: true,
        },
        volume_reason: None,
        team: None,
        roster_weeks: 8,
        name: None,
        time_zone: Some(tz.into()),
        command: "test".into(),
    }
}

fn demand_matches_forecast(json: &serde_json::Value, out: &Path) {
    let sc = peakplan::scenario::load(out, &[]).unwrap();
    let d = peakplan::demand::compute(&sc).unwrap();
    let mut by_day = vec![0.0; d.days.len()];
    for (i, iv) in d.intervals.iter().enumerate() {
        by_day[iv.day] += d.interval_total(i);
    }
    for (k, day) in json["days"].as_array().unwrap().iter().enumerate() {
        let want = day["contacts"].as_f64().unwrap();
        if want == 0.0 {
            assert_eq!(by_day[k], 0.0);
        } else {
            assert!(
                (by_day[k] / want - 1.0).abs() < 0.005,
                "{}: demand {} vs forecast {want}",
                day["date"],
                by_day[k]
            );
        }
    }
}

#[test]
#[ignore = "reads ../shared/data/real; run with --ignored"]
fn anonymous_bank_july_plan_reproduces_forecast_and_roster() {
    let dir = tempfile::tempdir().unwrap();
    let req = request(
        dir.path(),
        bank_files(&real_dir()),
        "1999-07-01..1999-07-31",
        "ab_july.ron",
        "Asia/Jerusalem",
    );
    let json: serde_json::Value = serde_json::from_str(&run_plan(&req).unwrap()).unwrap();
    demand_matches_forecast(&json, &dir.path().join("ab_july.ron"));
    let roster = &json["roster"];
    assert_eq!(roster["max_abs_difference"], 0);
    assert_eq!(roster["cells"], 7 * 96);
    eprintln!("roster: {roster}");
}

#[test]
#[ignore = "reads ../shared/data/real; run with --ignored"]
fn us_bank_first_week_of_august_plan_reproduces_the_forecast() {
    let dir = tempfile::tempdir().unwrap();
    let mut req = request(
        dir.path(),
        vec![],
        "2003-08-04..2003-08-10",
        "us_aug.ron",
        "America/New_York",
    );
    req.counts = Some((
        real_dir().join("us_bank_2003_5min_calls.csv"),
        CountColumns::default(),
    ));
    let json: serde_json::Value = serde_json::from_str(&run_plan(&req).unwrap()).unwrap();
    demand_matches_forecast(&json, &dir.path().join("us_aug.ron"));
    // Weekdays only: Saturday and Sunday are closed.
    let days = json["days"].as_array().unwrap();
    assert_eq!(days.iter().filter(|d| d["closed"] == true).count(), 2);
}
