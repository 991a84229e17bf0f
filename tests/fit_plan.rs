//! `peakplan fit --plan`: from a (synthetic) history to a runnable scenario. The written
//! scenario loads, its demand per date equals the forecast medians the fit reports, its
//! permanent roster reproduces the median of the agents seen serving per weekday and
//! interval (checked through the simulator's lowering, independently of the shift
//! decomposition), and an event's uplift curve is recovered from a series with a known one
//! and applied on the plan period's occurrence. Fixed seeds throughout.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use jiff::civil::{Date, date};
use peakplan::app::fit::plan as run_plan;
use peakplan::fit::forecast::{self, ForecastOptions, ResidualModel};
use peakplan::fit::history::{Measure, PlanRequest};
use peakplan::fit::{CallColumns, CountColumns, CountsRequest, Mapping, SpecialDay};
use peakplan::scenario::Day;
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, Normal, Poisson, Uniform};

fn base_scenario(dir: &Path) {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/history/history_base.ron");
    std::fs::copy(base, dir.join("history_base.ron")).unwrap();
}

fn counts_request(out: PathBuf, extends: Option<&str>) -> CountsRequest {
    CountsRequest {
        events: vec![],
        event_window: "-3..1".into(),
        holdout: Some("4w".into()),
        horizon_days: 7,
        monthly_harmonics: 2,
        halflife_weeks: None,
        residual: ResidualModel::Smoothing,
        holidays: vec![],
        robust: true,
        spread: forecast::Spread::Robust,
        lead_spread: forecast::LeadSpread::Empirical,
        profile_channel: "phone".into(),
        out: Some(out),
        extends: extends.map(str::to_string),
        json: true,
    }
}

fn plan_request(calls: Vec<PathBuf>, period: &str, forecast: CountsRequest) -> PlanRequest {
    PlanRequest {
        calls,
        mapping: Mapping::Auto(CallColumns::default()),
        redial_window_s: 3600.0,
        counts: None,
        measure: Measure::Fresh,
        interval_min: 15,
        period: period.into(),
        forecast,
        volume_reason: None,
        team: None,
        roster_weeks: 8,
        name: Some("synthetic_plan".into()),
        time_zone: Some("UTC".into()),
        command: "test".into(),
    }
}

const FIRST: Date = date(2027, 1, 3); // a Sunday
const WEEKS: i64 = 10;
const OPEN_SLOTS: std::ops::Range<usize> = 32..80; // 08:00–20:00 in quarter hours

/// The agents serving on one day and slot: a weekday pattern plus a day-to-day wobble.
fn agents_on(rng: &mut ChaCha8Rng, w: usize, s: usize) -> u32 {
    let base = 2 + 3 * u32::from((40..72).contains(&s)) + u32::from(w == 0);
    let u: f64 = Uniform::new(0.0, 1.0).unwrap().sample(rng);
    match u {
        u if u < 0.15 => base - 1,
        u if u > 0.85 => base + 1,
        _ => base,
    }
}

fn clock(t: u32) -> String {
    format!("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60)
}

/// Ten weeks of Anonymous-Bank-format records: on every day 08:00–20:00, each agent on duty
/// in a quarter hour serves two calls that start and end inside it, so "agents seen serving"
/// per interval is exactly the drawn number. Returns the file and the drawn agents per
/// (date, slot).
fn synthetic_calls(dir: &Path) -> (PathBuf, BTreeMap<(Date, usize), u32>) {
    let mut rng = ChaCha8Rng::seed_from_u64(18);
    let service = Uniform::new(40u32, 160).unwrap();
    let mut text = String::from(
        "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver\n",
    );
    let mut drawn = BTreeMap::new();
    let mut id = 0;
    for k in 0..WEEKS * 7 {
        let d = FIRST.checked_add(jiff::Span::new().days(k)).unwrap();
        let w = d.weekday().to_monday_zero_offset() as usize;
        let ymd = d.strftime("%y%m%d").to_string();
        for s in OPEN_SLOTS {
            let a = agents_on(&mut rng, w, s);
            drawn.insert((d, s), a);
            for agent in 0..a {
                for c in 0..2u32 {
                    id += 1;
                    let arrive = s as u32 * 900 + agent * 60 + c * 300 + 5;
                    let q = arrive + 2;
                    let start = q + 3;
                    let dur = service.sample(&mut rng);
                    let _ = writeln!(
                        text,
                        "AA0101\t{id}\t0\t1\tPS\t{ymd}\t{}\t{}\t2\t{}\t{}\t3\tAGENT\t{}\t{}\t{dur}\tAGENT{agent}",
                        clock(arrive),
                        clock(q),
                        clock(q),
                        clock(start),
                        clock(start),
                        clock(start + dur),
                    );
                }
            }
        }
    }
    let path = dir.join("calls.tsv");
    std::fs::write(&path, text).unwrap();
    (path, drawn)
}

/// Daily contacts of the written scenario's demand, by date.
fn demand_by_date(sc: &peakplan::scenario::Scenario) -> BTreeMap<Date, f64> {
    let d = peakplan::demand::compute(sc).unwrap();
    let mut out = BTreeMap::new();
    for (i, iv) in d.intervals.iter().enumerate() {
        *out.entry(d.days[iv.day]).or_insert(0.0) += d.interval_total(i);
    }
    out
}

#[test]
fn calls_become_a_scenario_whose_demand_and_roster_reproduce_the_history() {
    let dir = tempfile::tempdir().unwrap();
    base_scenario(dir.path());
    let (calls, drawn) = synthetic_calls(dir.path());
    let out = dir.path().join("plan.ron");
    // The history ends on Saturday 13 March; plan the next week.
    let req = plan_request(
        vec![calls],
        "2027-03-14..2027-03-20",
        counts_request(out.clone(), Some("history_base.ron")),
    );
    let json: serde_json::Value = serde_json::from_str(&run_plan(&req).unwrap()).unwrap();
    assert_eq!(json["origin"], "2027-03-13");
    assert!(dir.path().join("plan.volumes.csv").is_file());

    let loaded = peakplan::scenario::load_with_warnings(&out, &[]).unwrap();
    let sc = &loaded.scenario;
    assert_eq!(sc.calendar.start, date(2027, 3, 14));
    assert_eq!(sc.volumes[0].per_date.len(), 7);
    // Demand per date = the forecast median the fit reported (±0.5 %, the rounding of
    // the CSV to 0.1 contacts is far inside it).
    let demand = demand_by_date(sc);
    for day in json["days"].as_array().unwrap() {
        let d: Date = day["date"].as_str().unwrap().parse().unwrap();
        let want = day["contacts"].as_f64().unwrap();
        assert!(want > 0.0);
        let got = demand[&d];
        assert!(
            (got / want - 1.0).abs() < 0.005,
            "{d}: demand {got} vs forecast {want}"
        );
    }
    // The cv by lead is each plan date's and grows (weakly) with the lead.
    let cvs: Vec<f64> = json["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["cv"].as_f64().unwrap())
        .collect();
    let lead = sc.simulation.volume_cv_by_lead.as_ref().unwrap();
    assert_eq!(lead.origin, date(2027, 3, 13));
    for (k, cv) in cvs.iter().enumerate() {
        let d = date(2027, 3, 14)
            .checked_add(jiff::Span::new().days(k as i64))
            .unwrap();
        assert!((sc.simulation.volume_cv_on(d) - cv).abs() < 1e-9);
    }

    // The roster: per weekday and quarter hour the median of the last 8 weeks' agents
    // (a half rounded up), seen through the simulator's lowering of the team's shifts.
    let m =
        peakplan::sim::Model::from_scenario(sc, &peakplan::demand::compute(sc).unwrap()).unwrap();
    let g = m.groups.iter().position(|g| g.name == "permanent").unwrap();
    let d = peakplan::demand::compute(sc).unwrap();
    let mut checked = 0;
    for (i, iv) in d.intervals.iter().enumerate() {
        let date = d.days[iv.day];
        let slot = (iv.local_start.hour() as usize) * 4 + iv.local_start.minute() as usize / 15;
        let w = Day::of(date);
        let mut hist: Vec<u32> = drawn
            .iter()
            .filter(|((dd, s), _)| *s == slot && Day::of(*dd) == w)
            .map(|(_, a)| *a)
            .collect();
        let want = if hist.is_empty() {
            0
        } else {
            let last8 = hist.split_off(hist.len().saturating_sub(8));
            let mut v = last8;
            v.sort_unstable();
            let n = v.len();
            let med = if n % 2 == 1 {
                f64::from(v[n / 2])
            } else {
                0.5 * f64::from(v[n / 2 - 1] + v[n / 2])
            };
            (med + 1e-9).round() as u32
        };
        assert_eq!(m.groups[g].staff[i], want, "{date} slot {slot}");
        checked += 1;
    }
    assert_eq!(checked, 7 * 96);
    // Handling is the fitted lognormal (services drawn uniformly in [40, 160) s: mean 99.5).
    let r = sc.reasons.iter().find(|r| r.name == "call").unwrap();
    match &r.handling["phone"] {
        peakplan::scenario::DurationDist::LogNormal { mean_s, cv } => {
            assert!((mean_s - 99.5).abs() < 1.0, "{mean_s}");
            assert!((cv - 34.6 / 99.5).abs() < 0.02, "{cv}");
        }
        other => panic!("handling {other:?}"),
    }
    assert_eq!(r.fcr, 1.0);
}

/// Days 1999-style: 30 weeks Monday–Saturday, a known uplift curve on six past occurrences
/// of `promo` and one in the plan period.
fn event_series(dir: &Path) -> (PathBuf, [(i32, f64); 4], Vec<Date>) {
    let curve = [(-2, 1.25), (-1, 1.6), (0, 2.1), (1, 0.85)];
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let noise = Normal::new(0.0, 0.03).unwrap();
    let start = date(2026, 1, 5); // a Monday
    let past: Vec<Date> = (0..6)
        .map(|k| {
            start
                .checked_add(jiff::Span::new().days(20 + 31 * k))
                .unwrap()
        })
        .collect();
    let weekday = [1.2, 1.05, 1.0, 1.0, 0.95, 0.6, 0.0];
    let mut text = String::from("interval_start,calls\n");
    for k in 0..30 * 7 {
        let d = start.checked_add(jiff::Span::new().days(k)).unwrap();
        let w = d.weekday().to_monday_zero_offset() as usize;
        if w == 6 {
            continue;
        }
        let mut mean = 3000.0 * weekday[w] * f64::exp(noise.sample(&mut rng));
        for p in &past {
            let off = (d - *p).get_days();
            if let Some((_, u)) = curve.iter().find(|(o, _)| *o == off) {
                mean *= u;
            }
        }
        // Eight hourly slots 09:00–17:00 with a fixed shape.
        let shape = [0.08, 0.14, 0.16, 0.13, 0.12, 0.14, 0.13, 0.10];
        for (h, s) in shape.iter().enumerate() {
            let c = Poisson::new(mean * s).unwrap().sample(&mut rng);
            let _ = writeln!(text, "{d}T{:02}:00,{c}", 9 + h);
        }
    }
    let path = dir.join("counts.csv");
    std::fs::write(&path, text).unwrap();
    (path, curve, past)
}

#[test]
fn an_event_uplift_is_recovered_within_5_percent_and_applied_in_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    base_scenario(dir.path());
    let (counts, curve, past) = event_series(dir.path());
    let series = peakplan::fit::load_counts(&counts, &CountColumns::default()).unwrap();
    let coming = date(2026, 8, 5); // a Wednesday in the plan period
    let events: Vec<SpecialDay> = past
        .iter()
        .chain([&coming])
        .map(|&d| SpecialDay {
            name: "promo".into(),
            date: d,
        })
        .collect();
    let options = ForecastOptions {
        events: events.clone(),
        event_window: (-2, 1),
        ..ForecastOptions::default()
    };
    let model = forecast::fit(&series, &options, None).unwrap();
    let fitted = model.uplift("promo");
    assert_eq!(fitted.len(), 4, "{fitted:?}");
    for ((k, got), (k0, want)) in fitted.iter().zip(curve) {
        assert_eq!(*k, k0);
        // Six occurrences with 3 % day noise and Poisson counts: the standard error of
        // each factor is about 1.5 %, so 5 % is more than three of them.
        assert!(
            (got / want - 1.0).abs() < 0.05,
            "offset {k}: {got} vs {want}"
        );
    }

    // The plan: the coming occurrence's curve is in the volumes on its days.
    let out = dir.path().join("promo.ron");
    let mut f = counts_request(out.clone(), Some("history_base.ron"));
    f.events = events.iter().map(|e| format!("promo={}", e.date)).collect();
    f.event_window = "-2..1".into();
    let mut req = plan_request(vec![], "2026-08-03..2026-08-09", f);
    req.counts = Some((counts, CountColumns::default()));
    let json: serde_json::Value = serde_json::from_str(&run_plan(&req).unwrap()).unwrap();
    let days = json["days"].as_array().unwrap();
    let uplift_of = |d: &str| {
        days.iter().find(|x| x["date"] == d).unwrap()["uplift"]
            .as_f64()
            .unwrap()
    };
    for (k, want) in curve {
        let d = coming
            .checked_add(jiff::Span::new().days(i64::from(k)))
            .unwrap();
        let got = uplift_of(&d.to_string());
        assert!(
            (got / want - 1.0).abs() < 0.05,
            "{d}: applied {got} vs {want}"
        );
    }
    assert_eq!(uplift_of("2026-08-08"), 1.0);
    assert_eq!(json["applied_events"][0][0], "promo");
    // Said in a comment of the written scenario.
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("// Event `promo` on 2026-08-05"), "{text}");
    // And the scenario's demand on the event day is the forecast median with the uplift.
    let sc = peakplan::scenario::load(&out, &[]).unwrap();
    let demand = demand_by_date(&sc);
    let want = days.iter().find(|x| x["date"] == "2026-08-05").unwrap()["contacts"]
        .as_f64()
        .unwrap();
    assert!((demand[&coming] / want - 1.0).abs() < 0.005);
}

#[test]
fn the_command_line_writes_the_scenario_and_refuses_bad_combinations() {
    let dir = tempfile::tempdir().unwrap();
    base_scenario(dir.path());
    let (calls, _) = synthetic_calls(dir.path());
    let bin = || Command::cargo_bin("peakplan").unwrap();
    bin()
        .current_dir(dir.path())
        .args(["fit", "--calls"])
        .arg(&calls)
        .args([
            "--plan",
            "2027-03-14..2027-03-20",
            "--out",
            "p.ron",
            "--extends",
            "history_base.ron",
            "--time-zone",
            "UTC",
        ])
        .assert()
        .success()
        .stdout(predicates::str::contains("check: the scenario loads"));
    bin()
        .current_dir(dir.path())
        .args(["validate", "p.ron"])
        .assert()
        .success();
    // Volumes from a counts file, the rest from the calls: both together with --plan.
    bin()
        .current_dir(dir.path())
        .args(["fit", "--calls"])
        .arg(&calls)
        .args(["--intervals-out", "iv.csv"])
        .assert()
        .success();
    bin()
        .current_dir(dir.path())
        .args(["fit", "--calls"])
        .arg(&calls)
        .args(["--counts", "iv.csv", "--col-count", "queued"])
        .args(["--plan", "2027-03-14..2027-03-20", "--out", "c.ron"])
        .args(["--extends", "history_base.ron"])
        .assert()
        .success();
    let c = peakplan::scenario::load(&dir.path().join("c.ron"), &[]).unwrap();
    let fitted = c.volumes[0].fitted.as_ref().unwrap();
    assert!(fitted.measure.contains("`queued` per interval of iv.csv"));
    assert_eq!(
        fitted.history.len(),
        2,
        "the counts file and the calls file"
    );
    assert!(
        !c.agents.teams[0].shifts.is_empty(),
        "the roster comes from the calls"
    );
    // --plan needs --out.
    bin()
        .args(["fit", "--calls"])
        .arg(&calls)
        .args(["--plan", "2027-03-14..2027-03-20"])
        .assert()
        .failure();
    // A plan period inside the history is refused (exit 2).
    bin()
        .current_dir(dir.path())
        .args(["fit", "--calls"])
        .arg(&calls)
        .args(["--plan", "2027-03-01..2027-03-20", "--out", "q.ron"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "must start after the history's last day 2027-03-13",
        ));
    // --calls and --counts together only with --plan.
    bin()
        .args(["fit", "--calls"])
        .arg(&calls)
        .args(["--counts"])
        .arg(&calls)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("both together only with --plan"));
}

/// `peakplan run` on a fitted scenario: report.html shows the forecast (plot with the
/// backtest in its caption, per-date table), summary.md links forecast.png, and run.json
/// records where the volumes came from.
#[test]
fn the_run_report_shows_the_forecast_and_run_json_records_its_provenance() {
    use sha2::Digest as _;
    let dir = tempfile::tempdir().unwrap();
    base_scenario(dir.path());
    let (calls, _) = synthetic_calls(dir.path());
    let out = dir.path().join("plan.ron");
    let req = plan_request(
        vec![calls.clone()],
        "2027-03-14..2027-03-16",
        counts_request(out.clone(), Some("history_base.ron")),
    );
    run_plan(&req).unwrap();
    Command::cargo_bin("peakplan")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "run",
            "plan.ron",
            "--quick",
            "--replications",
            "4",
            "--quiet",
            "--out",
            "r",
        ])
        .assert()
        .success();
    let r = dir.path().join("r");
    let html = std::fs::read_to_string(r.join("report.html")).unwrap();
    assert!(html.contains("data-section=\"forecast\""));
    assert!(html.contains("data-plot=\"forecast\""));
    assert!(html.contains("data-table=\"forecast\""));
    assert!(
        html.contains("against") && html.contains("for seasonal naive"),
        "caption"
    );
    assert!(r.join("forecast.png").is_file() && r.join("forecast.svg").is_file());
    assert!(
        std::fs::read_to_string(r.join("summary.md"))
            .unwrap()
            .contains("forecast.png")
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(r.join("run.json")).unwrap()).unwrap();
    let v = &json["volumes"][0];
    let hex = |bytes: &[u8]| {
        sha2::Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let csv = std::fs::read(dir.path().join("plan.volumes.csv")).unwrap();
    assert_eq!(v["file"]["name"], "plan.volumes.csv");
    assert_eq!(v["file"]["sha256"], hex(&csv));
    assert_eq!(v["forecast_origin"], "2027-03-13");
    assert_eq!(
        v["fitted"]["history"][0]["sha256"],
        hex(&std::fs::read(&calls).unwrap())
    );
    assert_eq!(v["fitted"]["command"], "test");
}
