//! Volume fit and backtest on the real US-bank 5-minute series (fpp3 `bank_calls`, GPL-3:
//! read from `../shared/data/real/`, never copied into the repository).
//!
//! The tests that need the series are `#[ignore]`d (a clean clone has no data) and fail,
//! naming the file, when it is absent: `cargo test --test tests -- --ignored fit_counts::` (CI runs
//! them when `../shared/data/real` is there).

use std::collections::BTreeMap;
use std::path::PathBuf;

use assert_cmd::cargo::cargo_bin_cmd;
use peakplan::fit::backtest::backtest;
use peakplan::fit::{self, CountColumns, ForecastOptions};

/// The US-bank series: a test that needs it fails when it is absent.
fn us_bank() -> PathBuf {
    let f = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/real/us_bank_2003_5min_calls.csv");
    assert!(
        f.is_file(),
        "{} is absent: this test needs the real US-bank series (GPL-3, not shipped)",
        f.display()
    );
    f
}

#[test]
#[ignore = "needs ../shared/data/real: cargo test --test tests -- --ignored fit_counts::"]
fn us_bank_series_loads_with_its_calendar() {
    let f = us_bank();
    let s = fit::load_counts(&f, &CountColumns::default()).unwrap();
    assert_eq!(s.interval_min, 5);
    assert_eq!(s.first_slot_min, 7 * 60);
    assert_eq!(s.slots_per_day, 169); // 07:00 … 21:00
    assert_eq!(s.days.len() * 169, 17_745);
    assert_eq!(s.malformed_rows, 0);
    let m = fit::forecast::fit(&s, &ForecastOptions::default(), None).unwrap();
    // README: missing weekdays 4 & 7 Apr, 26 May (Memorial Day), 4 Jul.
    let closed: Vec<String> = m
        .calendar
        .closed
        .iter()
        .map(|&d| peakplan::scenario::dates::date_of_day_number(d).to_string())
        .collect();
    assert_eq!(
        closed,
        ["2003-04-04", "2003-04-07", "2003-05-26", "2003-07-04"]
    );
    assert_eq!(
        m.calendar.operating,
        [true, true, true, true, true, false, false]
    );
    // README: the day after a public holiday is 20 % or more above the median day. The
    // public holidays are Memorial Day (26 May) and Independence Day (4 Jul); 4 and 7 April
    // are missing data, and 8 April is an ordinary day.
    let totals: Vec<f64> = s.days.iter().map(|d| d.total()).collect();
    let mut sorted = totals.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    let total_on = |d: jiff::civil::Date| totals[s.days.iter().position(|x| x.date == d).unwrap()];
    for d in [
        jiff::civil::date(2003, 5, 27),
        jiff::civil::date(2003, 7, 7),
    ] {
        // Measured: +19.6 % (27 May) and +20.8 % (7 Jul) over the median of all days.
        assert!(total_on(d) >= 1.19 * median, "{d} vs median {median}");
    }
    assert!(total_on(jiff::civil::date(2003, 4, 8)) < median);
    // Told which missing days are holidays, the fit finds the surge beyond the weekday
    // effect at more than two standard errors; treating the April gap as a holiday too
    // dilutes it.
    let opts = ForecastOptions {
        holidays: Some(vec![
            jiff::civil::date(2003, 5, 26),
            jiff::civil::date(2003, 7, 4),
        ]),
        ..ForecastOptions::default()
    };
    let told = fit::forecast::fit(&s, &opts, None).unwrap();
    let (b, se) = told.coefficient("post_holiday").unwrap();
    assert!(b > 2.0 * se, "post-holiday {b} ± {se}");
    let (b_all, _) = m.coefficient("post_holiday").unwrap();
    assert!(b_all < b);
}

/// Seasonal-naive WAPE at horizon 7 computed directly from the file: each origin's day
/// predicts the same interval 7 days later.
fn naive_wape_h7(path: &PathBuf, weeks: i64) -> f64 {
    let text = std::fs::read_to_string(path).unwrap();
    let mut days: BTreeMap<jiff::civil::Date, Vec<f64>> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let (t, c) = line.split_once(',').unwrap();
        let d: jiff::civil::Date = t[..10].parse().unwrap();
        days.entry(d).or_default().push(c.parse().unwrap());
    }
    let dates: Vec<_> = days.keys().copied().collect();
    let last = *dates.last().unwrap();
    let hs = last
        .checked_sub(jiff::Span::new().days(7 * weeks - 1))
        .unwrap();
    let before = *dates.iter().rev().find(|&&d| d < hs).unwrap();
    let origins = dates
        .iter()
        .copied()
        .filter(|&d| d == before || (d >= hs && d < last));
    let (mut abs, mut tot) = (0.0, 0.0);
    for o in origins {
        let t = o.checked_add(jiff::Span::new().days(7)).unwrap();
        if let Some(y) = days.get(&t) {
            for (a, b) in y.iter().zip(&days[&o]) {
                abs += (a - b).abs();
                tot += a;
            }
        }
    }
    abs / tot
}

#[test]
#[ignore = "needs ../shared/data/real: cargo test --test tests -- --ignored fit_counts::"]
fn us_bank_backtest_beats_seasonal_naive() {
    let f = us_bank();
    let s = fit::load_counts(&f, &CountColumns::default()).unwrap();
    let b = backtest(&s, &ForecastOptions::default(), 4, 7).unwrap();
    assert_eq!(b.holdout_first_date, "2003-07-07");
    assert!(b.beats_seasonal_naive);
    assert!(
        b.wape < 0.9 * b.seasonal_naive_wape,
        "WAPE {} vs naive {}",
        b.wape,
        b.seasonal_naive_wape
    );
    // The baseline is the honest one: its horizon-7 WAPE matches a direct computation.
    let h7 = b.by_horizon.iter().find(|h| h.horizon_days == 7).unwrap();
    assert!((h7.seasonal_naive_wape - naive_wape_h7(&f, 4)).abs() < 1e-12);
    let n: u64 = b.by_horizon.iter().map(|h| h.intervals_evaluated).sum();
    assert_eq!(n, b.intervals_evaluated);
    assert_eq!(n % 169, 0);
}

#[test]
#[ignore = "needs ../shared/data/real: cargo test --test tests -- --ignored fit_counts::"]
fn cli_counts_json_has_the_backtest_fields_and_writes_ron() {
    let f = us_bank();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fit.ron");
    let o = cargo_bin_cmd!("peakplan")
        .args(["fit", "--counts"])
        .arg(&f)
        .args(["--holdout", "4w", "--format", "json", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for k in [
        "wape",
        "mape",
        "bias",
        "seasonal_naive_wape",
        "intervals_evaluated",
        "volume_cv",
    ] {
        assert!(v.get(k).is_some_and(|x| !x.is_null()), "missing {k}");
    }
    let ron_text = std::fs::read_to_string(&out).unwrap();
    assert!(ron_text.contains("arrival_profiles") && ron_text.contains("volume_cv"));
}

#[test]
fn cli_calls_json_and_bad_input() {
    // The Anonymous Bank cut shipped in tests/data (always there, unlike the full data).
    let cut = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/anonymous_bank_1999_05_16_31_calls.tsv");
    {
        let o = cargo_bin_cmd!("peakplan")
            .args(["fit", "--format", "json", "--calls"])
            .arg(&cut)
            .output()
            .unwrap();
        assert!(o.status.success());
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        for k in [
            "calls",
            "queued_share",
            "abandon_share_of_queued",
            "asa_s",
            "service_mean_s",
            "service_median_s",
            "patience_mean_s_exp_mle",
            "patience_km_median_s",
            "malformed_rows",
        ] {
            assert!(v.get(k).is_some(), "missing {k}");
        }
    }
    let o = cargo_bin_cmd!("peakplan")
        .args(["fit", "--calls", "/nonexistent/calls.csv"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/calls.csv"));
    let tmp = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(tmp.path(), "interval_start,calls\n2027-01-04T08:00,5\n").unwrap();
    let o = cargo_bin_cmd!("peakplan")
        .args(["fit", "--counts"])
        .arg(tmp.path())
        .args(["--holdout", "four"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--holdout"));
}

#[test]
fn channel_filter_daily_totals_and_malformed_rows() {
    let tmp = tempfile::NamedTempFile::new().unwrap();
    let mut text = String::from("day,n,channel,reason\n");
    for d in 1..=28 {
        text += &format!("2027-02-{d:02},{},phone,wismo\n", 100 + d);
        text += &format!("2027-02-{d:02},{},email,wismo\n", 40 + d);
        text += &format!("2027-02-{d:02},7,phone,payment\n");
    }
    text += "2027-02-30,5,phone,wismo\n2027-03-01,-3,phone,wismo\n";
    std::fs::write(tmp.path(), text).unwrap();
    let cols = CountColumns {
        time: "day".into(),
        count: "n".into(),
        channel: Some(("channel".into(), Some("phone".into()))),
        reason: Some(("reason".into(), None)),
        ..CountColumns::default()
    };
    let s = fit::load_counts(tmp.path(), &cols).unwrap();
    assert_eq!(s.interval_min, 1440);
    assert_eq!(s.days.len(), 28);
    // Phone rows of both reasons summed; e-mail left out.
    assert_eq!(s.days[0].total(), 101.0 + 7.0);
    assert_eq!(s.malformed_rows, 2);
    assert_eq!(
        s.first_malformed.iter().map(|m| m.line).collect::<Vec<_>>(),
        vec![86, 87]
    );
    let groups: Vec<&str> = s.groups.iter().map(|g| g.0.as_str()).collect();
    assert_eq!(groups, ["email/wismo", "phone/payment", "phone/wismo"]);
}

#[test]
#[ignore = "needs ../shared/data/real: cargo test --test tests -- --ignored fit_counts::"]
fn fragments_extend_a_shipped_scenario_and_load() {
    let f = us_bank();
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.ron");
    assert!(base.is_file(), "{} is shipped", base.display());
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fit.ron");
    let o = cargo_bin_cmd!("peakplan")
        .args(["fit", "--counts"])
        .arg(&f)
        .arg("--out")
        .arg(&out)
        .arg("--extends")
        .arg(&base)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = peakplan::scenario::load(&out, &[]).unwrap_or_else(|e| panic!("{e}"));
    let plain = peakplan::scenario::load(&base, &[]).unwrap();
    // The fitted fields replace the base's; the rest is the base.
    let series = fit::load_counts(&f, &CountColumns::default()).unwrap();
    let m = fit::forecast::fit(&series, &ForecastOptions::default(), None).unwrap();
    assert!((s.simulation.volume_cv - m.volume_cv()).abs() < 5e-5);
    assert_eq!(s.simulation.replications, plain.simulation.replications);
    assert_eq!(s.arrival_profiles.len(), 5); // Monday–Friday
    assert!(s.arrival_profiles.iter().all(|p| p.channel == "phone"));
    assert_eq!(s.reasons, plain.reasons);
    assert_eq!(s.agents, plain.agents);
}
