//! `peakplan simulate` end to end: determinism across thread counts, the files and their
//! columns, sanity of the numbers against the demand, and bad input.
//!
//! The runs use `scenarios/valentines.ron` (21 days, 4 channels) with few replications;
//! 18 replications span two chunks of 16, so the fold across chunk boundaries is covered.

use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;
use peakplan::montecarlo::METRICS;
use predicates::str::contains;

const FILES: [&str; 5] = [
    "sim_intervals.csv",
    "sim_daily.csv",
    "sim_reasons.csv",
    "sim_campaigns.csv",
    "sim_customers.csv",
];
const REPS: &str = "18";
const SEED: &str = "11";

fn scenario(name: &str) -> String {
    format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn simulate(out: &Path, threads: &str) {
    cargo_bin_cmd!("peakplan")
        .args([
            "simulate",
            &scenario("valentines.ron"),
            "--replications",
            REPS,
            "--seed",
            SEED,
            "--threads",
            threads,
            "--out",
        ])
        .arg(out)
        .assert()
        .success()
        .stdout(contains("18 replications · seed 11"))
        .stdout(contains("Worst interval"));
}

fn table(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (h, rows)
}

fn col(h: &[String], name: &str) -> usize {
    h.iter()
        .position(|x| x == name)
        .unwrap_or_else(|| panic!("column {name} missing"))
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|_| panic!("not a number: {s:?}"))
}

#[test]
fn outputs_are_byte_identical_for_1_2_and_8_threads_and_well_formed() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs: Vec<_> = ["1", "2", "8"]
        .iter()
        .map(|t| {
            let d = tmp.path().join(format!("t{t}"));
            simulate(&d, t);
            d
        })
        .collect();
    for f in FILES {
        let a = std::fs::read(dirs[0].join(f)).unwrap();
        for d in &dirs[1..] {
            let b = std::fs::read(d.join(f)).unwrap();
            assert!(a == b, "{f} differs between 1 thread and {}", d.display());
        }
    }
    let dir = &dirs[0];

    // Intervals: one row per interval × channel; every metric's six columns; no "NaN".
    let (h, rows) = table(&dir.join("sim_intervals.csv"));
    for name in ["interval_start_local", "interval_start_utc", "channel"] {
        col(&h, name);
    }
    let mut groups: Vec<&str> = vec!["service_level"];
    groups.extend(METRICS.iter().map(|m| m.name()));
    for g in &groups {
        for s in ["mean", "ci95_low", "ci95_high", "p5", "p50", "p95"] {
            col(&h, &format!("{g}_{s}"));
        }
    }
    col(&h, "p_meets_target");
    assert_eq!(rows.len(), 21 * 96 * 4);
    let raw = std::fs::read_to_string(dir.join("sim_intervals.csv")).unwrap();
    assert!(!raw.to_lowercase().contains("nan") && !raw.contains("inf"));
    // Undefined metrics are empty cells: a channel at night has no contacts, so no SL.
    let (sl, off) = (col(&h, "service_level_mean"), col(&h, "offered_mean"));
    let night = rows
        .iter()
        .find(|r| r[0].ends_with("03:00") && r[2] == "phone")
        .unwrap();
    assert_eq!(num(&night[off]), 0.0);
    assert_eq!(night[sl], "");
    // Defined cells have 6 decimals; CIs bracket the mean; shares lie in [0, 1].
    let p_meets = col(&h, "p_meets_target");
    for r in &rows {
        assert!(r[off].split('.').nth(1).is_some_and(|d| d.len() == 6));
        if !r[sl].is_empty() {
            let (m, lo, hi) = (num(&r[sl]), num(&r[sl + 1]), num(&r[sl + 2]));
            assert!((0.0..=1.0).contains(&m) && lo <= m + 1e-9 && m <= hi + 1e-9);
        }
        assert!((0.0..=1.0).contains(&num(&r[p_meets])));
    }

    // Daily: one row per day × channel; the day's mean SL lies in [0, 1]; offered per day
    // is the sum of the intervals' offered (up to the 6-decimal rounding).
    let (dh, drows) = table(&dir.join("sim_daily.csv"));
    assert_eq!(drows.len(), 21 * 4);
    let (dsl, doff, dall, dmeet) = (
        col(&dh, "service_level_mean"),
        col(&dh, "offered_mean"),
        col(&dh, "p_all_intervals_meet"),
        col(&dh, "p_meets_target"),
    );
    for r in &drows {
        let m = num(&r[dsl]);
        assert!((0.0..=1.0).contains(&m), "daily SL {m}");
        // If every interval meets the target, so does the day (its SL is a weighted mean of
        // the intervals'), so P(all intervals meet) ≤ P(day meets) replication by replication.
        assert!(num(&r[dall]) <= num(&r[dmeet]) + 1e-12, "{r:?}");
    }
    let daily_offered: f64 = drows.iter().map(|r| num(&r[doff])).sum();
    let interval_offered: f64 = rows.iter().map(|r| num(&r[off])).sum();
    assert!(
        (daily_offered - interval_offered).abs() < 1e-6 * rows.len() as f64,
        "{daily_offered} vs {interval_offered}"
    );

    // Sources: every source of the demand, and their contacts sum to the offered contacts
    // (both count first contacts, redials, repeats and switches).
    let (sh, srows) = table(&dir.join("sim_campaigns.csv"));
    let names: Vec<&str> = srows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        names,
        ["baseline", "valentine", "valentine_tv", "account_questions"]
    );
    assert_eq!(srows[2][col(&sh, "kind")], "campaign");
    let src_contacts: f64 = srows
        .iter()
        .map(|r| num(&r[col(&sh, "contacts_mean")]))
        .sum();
    assert!(
        (src_contacts - daily_offered).abs() < 1e-3,
        "{src_contacts} vs {daily_offered}"
    );
    let (rh, rrows) = table(&dir.join("sim_reasons.csv"));
    let reason_contacts: f64 = rrows
        .iter()
        .map(|r| num(&r[col(&rh, "contacts_mean")]))
        .sum();
    assert!((reason_contacts - daily_offered).abs() < 1e-3);

    // First contacts against the demand: per replication the number of customers is a
    // Poisson–gamma count, Σ_d Poisson(Λ_d G_d) with G_d ~ Gamma(mean 1, cv): mean Σ Λ_d,
    // variance Σ (Λ_d + cv² Λ_d²). The mean of R replications lies within 4 standard
    // errors (two-sided normal tail 6e-5; fixed seed, so never flaky).
    let sc = peakplan::scenario::load(Path::new(&scenario("valentines.ron")), &[]).unwrap();
    let demand = peakplan::demand::compute(&sc).unwrap();
    let per_day = peakplan::report::demand::daily_totals(&demand);
    let cv = sc.simulation.volume_cv;
    let (mut lam, mut var) = (0.0, 0.0);
    for day in &per_day.by_channel {
        let l: f64 = day.iter().sum();
        lam += l;
        var += l + cv * cv * l * l;
    }
    let (ch, crows) = table(&dir.join("sim_customers.csv"));
    let customers = num(&crows[0][col(&ch, "mean")]);
    assert_eq!(crows[0][0], "customers");
    let se = (var / num(REPS)).sqrt();
    assert!(
        (customers - lam).abs() < 4.0 * se,
        "customers {customers} vs demand {lam} (se {se})"
    );
    // Redials and repeats only add contacts.
    assert!(daily_offered >= customers);
}

#[test]
fn bad_input_exits_2_naming_the_problem() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    cargo_bin_cmd!("peakplan")
        .args(["simulate", "no/such/scenario.ron", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains("no/such/scenario.ron"));
    cargo_bin_cmd!("peakplan")
        .args([
            "simulate",
            &scenario("valentines.ron"),
            "--replications",
            "0",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains("--replications"));
    cargo_bin_cmd!("peakplan")
        .args([
            "simulate",
            &scenario("valentines.ron"),
            "--set",
            "simulation.volume_cv=-1",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains("volume_cv"));
    cargo_bin_cmd!("peakplan")
        .args([
            "simulate",
            &scenario("valentines.ron"),
            "--threads",
            "0",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains("--threads"));
    assert!(!out.exists(), "nothing is written on bad input");
}
