//! Every reproducer of issue #14, through the command line: each ends in exit 2 with a
//! message naming the field (or option) and its allowed range, or in a normal run — never
//! a panic (101), an abort (134) or a multi-GB process.
//!
//! Each command runs under `ulimit -v` of 1.5 GB (virtual memory): a command that tried to
//! allocate gigabytes would fail its allocation and abort (exit 134), which the checks
//! below would report. The scenario-file reproducers are also in `tests/bad_scenarios/`
//! (80–88), where their exact positions are checked.

use std::path::{Path, PathBuf};
use std::process::Output;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn valentines() -> String {
    root()
        .join("scenarios/valentines.ron")
        .display()
        .to_string()
}

/// Runs peakplan with `args` under a 1.5 GB virtual-memory limit.
fn peakplan(args: &[&str]) -> Output {
    let bin = assert_cmd::cargo::cargo_bin("peakplan");
    std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1500000; exec \"$@\"")
        .arg("sh")
        .arg(bin)
        .args(args)
        .env_remove(peakplan::output::FAIL_AFTER_ENV)
        .output()
        .expect("sh runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit 2 and every fragment in the message.
fn refused(args: &[&str], fragments: &[&str]) {
    let o = peakplan(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    for f in fragments {
        assert!(err.contains(f), "{args:?}: `{f}` not in: {err}");
    }
}

fn out_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn a_gamma_cv_that_underflows_is_refused_by_simulate() {
    let t = out_dir();
    let out = t.path().join("o").display().to_string();
    refused(
        &[
            "simulate",
            &valentines(),
            "--out",
            &out,
            "--set",
            "reasons[0].handling.phone=Gamma(mean_s: 300, cv: 1e-200)",
        ],
        &[
            "reasons[0].handling.phone.cv",
            "cv 1e-200 is out of range; use a cv from 0.001 to 10",
        ],
    );
    assert!(!Path::new(&out).exists());
}

#[test]
fn a_volume_cv_that_underflows_is_refused_by_simulate() {
    for v in ["1e-200", "1e-160"] {
        let t = out_dir();
        let out = t.path().join("o").display().to_string();
        refused(
            &[
                "simulate",
                &valentines(),
                "--out",
                &out,
                "--set",
                &format!("simulation.volume_cv={v}"),
            ],
            &[
                "simulation.volume_cv",
                &format!("{v} is out of range"),
                "or a cv from 0.0001 to 3",
            ],
        );
    }
}

#[test]
fn an_absurd_contact_rate_is_refused_by_simulate() {
    let t = out_dir();
    let out = t.path().join("o").display().to_string();
    refused(
        &[
            "simulate",
            &valentines(),
            "--out",
            &out,
            "--set",
            "reasons[0].per_1000_orders=1e300",
        ],
        &[
            "reasons[0].per_1000_orders",
            "1e300 is out of range; use a number from 0 to 10000",
        ],
    );
}

#[test]
fn a_billion_orders_a_day_validates_but_is_over_the_work_budget() {
    let set = "orders.baseline_per_day=(mon: 1e9, tue: 1e9, wed: 1e9, thu: 1e9, fri: 1e9, sat: 1e9, sun: 1e9)";
    let o = peakplan(&["validate", &valentines(), "--set", set]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t = out_dir();
    let out = t.path().join("o").display().to_string();
    for cmd in ["simulate", "plan", "cost", "run"] {
        let started = std::time::Instant::now();
        refused(
            &[cmd, &valentines(), "--out", &out, "--set", set],
            &[
                "contacts per replication",
                "the work budget is 1.00e9 contacts and 2.0 GB",
                "--allow-large",
            ],
        );
        // Refused before any simulation: in well under a second on any machine.
        assert!(started.elapsed().as_secs_f64() < 5.0, "{cmd}");
        assert!(!Path::new(&out).exists(), "{cmd} wrote");
    }
    // The demand itself is only arithmetic: a normal run.
    let o = peakplan(&["demand", &valentines(), "--out", &out, "--set", set]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn calls_dated_year_1_and_9999_are_two_days_not_three_million() {
    let csv = root().join("tests/data/calls_date_span.csv");
    let csv = csv.display().to_string();
    let t = out_dir();
    let iv = t.path().join("iv.csv");
    let o = peakplan(&[
        "fit",
        "--calls",
        &csv,
        "--intervals-out",
        &iv.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&iv).unwrap();
    // Header + 2 days × 96 quarter hours, the two calls kept.
    assert_eq!(text.lines().count(), 1 + 2 * 96);
    assert!(text.contains("0001-01-01T09:00,1,"), "{text}");
    assert!(text.contains("9999-12-31T09:00,1,"), "{text}");
    // The replay cannot fit a spread of handling times from one answered call: it says so.
    refused(
        &["fit", "--calls", &csv, "--replay", "0001-01-01..9999-12-31"],
        &["replay: the handling times", "a cv from 0.001 to 10"],
    );
}

#[test]
fn fit_counts_options_that_size_tables_are_bounded() {
    let csv = root()
        .join("tests/data/calls_tiny.csv")
        .display()
        .to_string();
    refused(
        &["fit", "--counts", &csv, "--horizon-days", "100000000000"],
        &["--horizon-days 100000000000: give 1 to 366"],
    );
    refused(
        &["fit", "--counts", &csv, "--monthly-harmonics", "100000"],
        &["--monthly-harmonics 100000: give 0 to 15"],
    );
}

#[test]
fn a_share_written_as_a_target_percentage_is_refused() {
    refused(
        &[
            "erlang",
            "--calls",
            "100",
            "--interval",
            "30m",
            "--aht",
            "180s",
            "--target",
            "0.85/15",
        ],
        &["0.85/15", "for 85% write 85/15"],
    );
    // 85/15 and 85%/15 still mean 85%.
    for t in ["85/15", "85%/15"] {
        let o = peakplan(&[
            "erlang",
            "--calls",
            "100",
            "--interval",
            "30m",
            "--aht",
            "180s",
            "--target",
            t,
            "--format",
            "json",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["results"][0]["target_sl"], 0.85);
    }
}

#[test]
fn erlang_simulate_over_the_budget_is_refused() {
    refused(
        &[
            "erlang",
            "--rate",
            "1000/h",
            "--aht",
            "300s",
            "--agents",
            "90",
            "--simulate",
            "1000",
            "--sim-calls",
            "10000000",
        ],
        &["`peakplan erlang --simulate`", "--allow-large"],
    );
}

#[test]
fn the_issue_erlang_a_case_is_covered_by_its_intervals() {
    // The issue's command: every metric missed its interval with an empty start.
    let o = peakplan(&[
        "erlang",
        "--calls",
        "500",
        "--interval",
        "30m",
        "--aht",
        "300s",
        "--agents",
        "80",
        "--target",
        "80/20",
        "--patience",
        "120s",
        "--simulate",
        "10",
        "--sim-calls",
        "40000",
        "--seed",
        "11",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let r = &v["results"][0];
    for (exact, sim) in [
        ("p_wait", "p_wait"),
        ("service_level", "service_level"),
        ("asa_s", "asa_s"),
        ("p_abandon", "p_abandon"),
        ("occupancy", "occupancy"),
    ] {
        let x = r[exact].as_f64().unwrap();
        let s = &r["simulated"][sim];
        let (lo, hi) = (
            s["ci95_low"].as_f64().unwrap(),
            s["ci95_high"].as_f64().unwrap(),
        );
        assert!(lo <= x && x <= hi, "{exact}: {x} not in [{lo}, {hi}]");
    }
}

#[test]
fn no_shipped_scenario_is_over_the_work_budget() {
    // The budget refuses absurd work, not the planner's: every shipped scenario, as run.
    for f in std::fs::read_dir(root().join("scenarios")).unwrap() {
        let p = f.unwrap().path();
        if p.extension().is_none_or(|e| e != "ron") {
            continue;
        }
        let sc = peakplan::scenario::load(&p, &[]).unwrap();
        let d = peakplan::demand::compute(&sc).unwrap();
        let m = peakplan::sim::Model::from_scenario(&sc, &d).unwrap();
        let opts = peakplan::staffing::plan::PlanOptions::for_scenario(&sc);
        let reps = peakplan::app::plan::plan_replications(&opts)
            + f64::from(opts.replications)
            + peakplan::app::plan::cost_replications(
                &sc,
                20,
                peakplan::cost::analysis::DEFAULT_PAIRS,
            );
        let w = peakplan::montecarlo::budget::Work::of_model(&m, reps, 2);
        assert!(w.fits(), "{}: {w:?}", p.display());
        let w = peakplan::montecarlo::budget::Work::of_model(
            &m,
            f64::from(sc.simulation.replications),
            2,
        );
        assert!(w.fits(), "{} (simulate): {w:?}", p.display());
        let shifts = peakplan::app::plan::candidate_shifts_per_date(&sc);
        assert!(
            shifts <= peakplan::app::plan::MAX_CANDIDATE_SHIFTS_PER_DATE / 10.0,
            "{}: {shifts} candidate shifts a date",
            p.display()
        );
    }
}

#[test]
fn flex_pools_that_allow_every_start_and_length_are_over_the_work_budget() {
    // One pool available all day with shifts of 15 minutes to 24 hours is 24 × 96 = 2,304
    // candidates a date: within the budget. Ten such pools are not (the plan would take
    // hours), unless --allow-large.
    let all_day = "(mon: (\"00:00\", \"24:00\"), tue: (\"00:00\", \"24:00\"), wed: (\"00:00\", \"24:00\"), thu: (\"00:00\", \"24:00\"), fri: (\"00:00\", \"24:00\"), sat: (\"00:00\", \"24:00\"), sun: (\"00:00\", \"24:00\"))";
    let pool = |i: usize| {
        format!(
            "(name: \"p{i}\", kind: TempAgency, max_headcount: 10, availability: {all_day}, min_shift_h: 0.25, max_shift_h: 24, skills: [\"front_office\"], channels: [\"phone\"], hourly_cost_eur: 30)"
        )
    };
    let one = format!("flex_pools=[{}]", pool(0));
    let ten = format!(
        "flex_pools=[{}]",
        (0..10).map(pool).collect::<Vec<_>>().join(", ")
    );
    let sc = peakplan::scenario::load(&root().join("scenarios/valentines.ron"), &[one]).unwrap();
    assert_eq!(peakplan::app::plan::candidate_shifts_per_date(&sc), 2304.0);
    let t = out_dir();
    let out = t.path().join("o").display().to_string();
    refused(
        &["plan", &valentines(), "--out", &out, "--set", &ten],
        &["up to 23040 candidates a date", "--allow-large"],
    );
}

#[test]
fn the_readme_states_the_limits_the_code_enforces() {
    use peakplan::limits::*;
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let table = readme
        .split("## Scale limits and the work budget")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("README has a Scale limits section");
    let g = |x: f64| {
        if x >= 1e6 {
            format!("{x:e}")
        } else if x >= 1000.0 {
            // 10,000 as the README writes it.
            let s = format!("{}", x as u64);
            let (a, b) = s.split_at(s.len() - 3);
            format!("{a},{b}")
        } else {
            format!("{x}")
        }
    };
    for (what, text) in [
        ("cv", format!("{} to {}", g(MIN_CV), g(MAX_CV))),
        (
            "duration",
            format!("{} to {}", g(MIN_DURATION_S), g(MAX_DURATION_S)),
        ),
        (
            "volume_cv",
            format!("{} to {}", g(MIN_VOLUME_CV), g(MAX_VOLUME_CV)),
        ),
        ("volume", format!("0 to {}", g(MAX_VOLUME))),
        (
            "per 1,000 orders",
            format!("0 to {}", g(MAX_PER_1000_ORDERS)),
        ),
        ("multipliers", format!("0 to {}", g(MAX_MULTIPLIER))),
        ("weights", format!("0 to {}", g(MAX_WEIGHT))),
        (
            "aht_factor",
            format!("{} to {}", g(MIN_AHT_FACTOR), g(MAX_AHT_FACTOR)),
        ),
        ("unit money", format!("0 to {}", g(MAX_UNIT_EUR))),
        ("one-off money", format!("0 to {}", g(MAX_ONE_OFF_EUR))),
        ("empirical points", g(MAX_EMPIRICAL_POINTS as f64)),
        (
            "counts",
            format!(
                "{}; {}; {}; {}; {}",
                MAX_REASONS,
                MAX_SOURCES,
                MAX_CHANNELS,
                MAX_SKILLS,
                g(MAX_GROUPS as f64)
            ),
        ),
        (
            "demand cells",
            format!("{} million cells", MAX_DEMAND_CELLS / 1_000_000),
        ),
        (
            "budget",
            format!(
                "10⁹ contacts** or **{} GB",
                peakplan::montecarlo::budget::MAX_MEMORY_BYTES / (1u64 << 30) as f64
            ),
        ),
    ] {
        let hay = if what == "budget" { &readme } else { table };
        assert!(hay.contains(&text), "README: {what}: `{text}` not found");
    }
    assert_eq!(peakplan::montecarlo::budget::MAX_CONTACTS, 1e9);
}
