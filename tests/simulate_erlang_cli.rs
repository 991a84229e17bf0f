//! `peakplan erlang … --simulate R`: the simulated object next to the formulas.
//!
//! The check is statistical with a fixed seed: Erlang C's P(wait), SL and ASA must lie in
//! the simulation's 99% CI (rebuilt from the reported 95% CI: half-width × t(0.995) /
//! t(0.975), R − 1 df), and the neighbouring staffing levels' P(wait) must lie outside it,
//! so the check can tell 55 agents from 54 or 56.

use assert_cmd::cargo::cargo_bin_cmd;
use peakplan::montecarlo::t_quantile;
use predicates::str::contains;
use serde_json::Value;

const R: u64 = 10;

fn erlang(extra: &[&str]) -> assert_cmd::assert::Assert {
    cargo_bin_cmd!("peakplan")
        .args([
            "erlang", "--rate", "600/h", "--aht", "300s", "--target", "80/20",
        ])
        .args(extra)
        .assert()
}

/// (mean, 99% half-width) of a simulated metric.
fn ci99(sim: &Value, key: &str) -> (f64, f64) {
    let e = &sim[key];
    let mean = e["mean"].as_f64().unwrap();
    let hw95 = e["ci95_high"].as_f64().unwrap() - mean;
    let hw99 = hw95 * t_quantile(0.995, R - 1) / t_quantile(0.975, R - 1);
    (mean, hw99)
}

#[test]
fn simulated_erlang_c_matches_the_formulas_within_its_99_ci() {
    let out = erlang(&[
        "--agents",
        "55",
        "--simulate",
        "10",
        "--sim-calls",
        "100000",
        "--seed",
        "42",
        "--format",
        "json",
    ])
    .success();
    let doc: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let row = &doc["results"][0];
    let sim = &row["simulated"];
    assert_eq!(sim["replications"], 10);
    assert_eq!(sim["calls"], 100000);
    assert_eq!(sim["seed"], 42);
    for (key, theory) in [
        ("p_wait", row["p_wait"].as_f64().unwrap()),
        ("service_level", row["service_level"].as_f64().unwrap()),
        ("asa_s", row["asa_s"].as_f64().unwrap()),
        ("occupancy", row["occupancy"].as_f64().unwrap()),
    ] {
        let (m, hw) = ci99(sim, key);
        assert!(
            (m - theory).abs() <= hw,
            "{key}: simulated {m} ± {hw} (99%), Erlang C {theory}"
        );
    }
    // Nobody abandons without patience.
    assert_eq!(sim["p_abandon"]["mean"].as_f64(), Some(0.0));
    // The interval is narrow enough to reject the neighbouring staffing levels.
    let (m, hw) = ci99(sim, "p_wait");
    for n in [54, 56] {
        let c = peakplan::erlang::erlang_c(n, 50.0);
        assert!((m - c).abs() > hw, "{n} agents: C = {c} inside {m} ± {hw}");
    }
}

#[test]
fn table_and_csv_show_the_simulation_and_the_reference_command_runs() {
    erlang(&["--agents", "55", "--simulate", "2", "--sim-calls", "5000"])
        .success()
        .stdout(contains("simulated: 2 replications × 5000 calls"))
        .stdout(contains("simulated "));
    let out = erlang(&[
        "--agents-range",
        "54..56",
        "--simulate",
        "2",
        "--sim-calls",
        "5000",
        "--format",
        "csv",
    ])
    .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    for m in peakplan::report::erlang_calc::SIM_METRICS {
        for s in ["mean", "ci95_low", "ci95_high"] {
            assert!(h.contains(&format!("sim_{m}_{s}")), "sim_{m}_{s}");
        }
    }
    let k = h.iter().position(|x| x == "sim_p_wait_mean").unwrap();
    let rows: Vec<_> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 3);
    for row in &rows {
        let v: f64 = row[k].parse().unwrap();
        assert!((0.0..=1.0).contains(&v));
    }
    // The reference command (one replication of 1,000,000 calls on one thread).
    let out = cargo_bin_cmd!("peakplan")
        .args([
            "erlang",
            "--rate",
            "1000/h",
            "--aht",
            "300s",
            "--agents",
            "90",
            "--target",
            "80/20",
            "--simulate",
            "1",
            "--sim-calls",
            "1000000",
            "--threads",
            "1",
            "--format",
            "json",
        ])
        .assert()
        .success();
    let doc: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let sim = &doc["results"][0]["simulated"];
    let obs = sim["calls_observed"].as_u64().unwrap();
    // Poisson count with mean 1e6: within 5 sd (5,000).
    assert!(obs.abs_diff(1_000_000) < 5_000, "{obs}");
    assert!(sim["p_wait"]["ci95_low"].as_f64().unwrap() < sim["p_wait"]["mean"].as_f64().unwrap());
}

#[test]
fn simulate_refuses_bad_settings_and_skips_unstable_rows() {
    erlang(&["--agents", "55", "--simulate", "0"])
        .code(2)
        .stderr(contains("--simulate"));
    erlang(&["--agents", "55", "--sim-calls", "1000"])
        .code(2)
        .stderr(contains("--simulate"));
    // 50 agents for 50 Erlangs: unstable, not simulated (null), with a warning.
    let out = erlang(&[
        "--agents",
        "50",
        "--simulate",
        "2",
        "--sim-calls",
        "1000",
        "--format",
        "json",
    ])
    .success()
    .stderr(contains("not simulated"));
    let doc: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert!(doc["results"][0]["simulated"].is_null());
    assert!(doc["results"][0].get("simulated").is_some());
}
