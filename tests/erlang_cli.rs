//! `peakplan erlang` end to end: exit codes, JSON/CSV fields, unstable warning, bad
//! arguments, batch mode.

use assert_cmd::Command;
use predicates::prelude::*;
use std::io::Write;

fn peakplan() -> Command {
    Command::cargo_bin("peakplan").unwrap()
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = peakplan()
        .args(args)
        .args(["--format", "json"])
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

/// The stable field names, in order (documented in the README).
const FIELDS: &str = "case,agents,offered_load_erlangs,stable,min_stable_agents,p_wait,service_level,sl_definition,target_sl,target_s,meets_targets,asa_s,mean_wait_of_waiters_s,occupancy,mean_queue_length,p_abandon,sl_offered,sl_answered,sl_virtual,sl_excluding_short_abandons,required_agents,scheduled_heads,shrinkage";

#[test]
fn metrics_at_given_agents_json() {
    // CRAN ErlangC documentation example: P(wait) 0.1741319, SL 0.88835, ASA 7.83594 s.
    let v = json(&[
        "erlang",
        "--calls",
        "100",
        "--interval",
        "30m",
        "--aht",
        "180s",
        "--agents",
        "14",
        "--target",
        "80/20",
    ]);
    let r = &v["results"][0];
    for f in FIELDS.split(',') {
        assert!(r.get(f).is_some(), "field {f} missing in {r}");
    }
    assert_eq!(r["agents"], 14);
    assert_eq!(r["stable"], true);
    assert!((r["p_wait"].as_f64().unwrap() - 0.1741319).abs() < 5e-8);
    assert!((r["service_level"].as_f64().unwrap() - 0.88835).abs() < 5e-6);
    assert!((r["asa_s"].as_f64().unwrap() - 7.83594).abs() < 5e-6);
    assert_eq!(r["required_agents"], 14);
    assert_eq!(r["p_abandon"], serde_json::Value::Null);
    assert!(r.get("simulated").is_none());
}

#[test]
fn required_agents_with_shrinkage_table() {
    // 10 Erlangs, 85/15: 14 agents (SL 0.8752), 13 give 0.80 — and ⌈14/0.7⌉ = 20 heads.
    peakplan()
        .args([
            "erlang",
            "--calls",
            "100",
            "--interval",
            "30m",
            "--aht",
            "180s",
            "--target",
            "85/15",
            "--shrinkage",
            "0.3",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("required agents: 14"))
        .stdout(predicate::str::contains("scheduled heads: 20"));
    let v = json(&[
        "erlang",
        "--rate",
        "200/h",
        "--aht",
        "3m",
        "--target",
        "85/15",
        "--shrinkage",
        "30%",
    ]);
    assert_eq!(v["results"][0]["scheduled_heads"], 20);
    assert_eq!(v["results"][0]["agents"], 14);
}

#[test]
fn erlang_a_fields() {
    let v = json(&[
        "erlang",
        "--calls",
        "500",
        "--interval",
        "30m",
        "--aht",
        "300s",
        "--patience",
        "120s",
        "--target",
        "85/15",
        "--sl-definition",
        "answered",
    ]);
    let r = &v["results"][0];
    assert_eq!(r["sl_definition"], "answered");
    assert_eq!(r["service_level"], r["sl_answered"]);
    for f in [
        "p_abandon",
        "sl_offered",
        "sl_answered",
        "sl_virtual",
        "sl_excluding_short_abandons",
    ] {
        let p = r[f].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p), "{f} = {p}");
    }
    assert!(r["service_level"].as_f64().unwrap() >= 0.85);
}

#[test]
fn unstable_case_warns_and_exits_zero() {
    let out = peakplan()
        .args([
            "erlang",
            "--calls",
            "100",
            "--interval",
            "30m",
            "--aht",
            "180s",
            "--agents",
            "10",
            "--target",
            "80/20",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("minimum stable n is 11"));
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let r = &v["results"][0];
    assert_eq!(r["stable"], false);
    assert_eq!(r["p_wait"], 1.0);
    assert_eq!(r["service_level"], 0.0);
    assert_eq!(r["asa_s"], serde_json::Value::Null);
}

#[test]
fn agents_range_csv() {
    let out = peakplan()
        .args([
            "erlang",
            "--calls",
            "360",
            "--interval",
            "30m",
            "--aht",
            "4m",
            "--agents-range",
            "50..60",
            "--target",
            "85/15",
            "--format",
            "csv",
        ])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next().unwrap(), FIELDS);
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 11);
    // Westbay: 55 agents → SL(15 s) 0.8459 (misses 85%); required is 56.
    let row55: Vec<&str> = rows[5].split(',').collect();
    assert_eq!(row55[1], "55");
    let sl: f64 = row55[6].parse().unwrap();
    assert!((sl - 0.8459).abs() < 5e-5);
    assert_eq!(row55[10], "false");
    assert_eq!(row55[20], "56");
}

#[test]
fn bad_arguments_exit_2_with_explanations() {
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "--calls",
                "100",
                "--interval",
                "30m",
                "--aht",
                "180",
                "--agents",
                "14",
            ],
            "the unit is missing",
        ),
        (
            &[
                "--calls",
                "100",
                "--interval",
                "30m",
                "--aht",
                "3m",
                "--target",
                "120/20",
            ],
            "between 0 and 100",
        ),
        (
            &[
                "--calls",
                "100",
                "--interval",
                "30m",
                "--aht",
                "3m",
                "--target",
                "85/15",
                "--shrinkage",
                "1.2",
            ],
            "shrinkage must be a share in [0, 1)",
        ),
        (
            &["--calls", "100", "--interval", "30m", "--aht", "3m"],
            "give --agents N",
        ),
        (
            &[
                "--calls",
                "100",
                "--interval",
                "30m",
                "--aht",
                "3m",
                "--agents",
                "0",
            ],
            "from 1 to 1000000",
        ),
        (
            &[
                "--calls=-5",
                "--interval",
                "30m",
                "--aht",
                "3m",
                "--agents",
                "3",
            ],
            "≥ 0",
        ),
        (
            &["--rate", "720", "--aht", "3m", "--agents", "3"],
            "e.g. 720/h",
        ),
        (
            &[
                "--calls",
                "100",
                "--interval",
                "30m",
                "--aht",
                "3m",
                "--target",
                "85/15",
                "--max-abandon",
                "0.05",
            ],
            "needs a mean patience",
        ),
        (
            &[
                "--calls",
                "100",
                "--interval",
                "30m",
                "--aht",
                "3m",
                "--agents",
                "14",
                "--sl-definition",
                "all",
            ],
            "allowed: offered, answered",
        ),
        (
            &[
                "--calls",
                "100",
                "--interval",
                "30m",
                "--aht",
                "3m",
                "--agents-range",
                "60..50",
            ],
            "FROM..TO",
        ),
        (
            &[
                "--calls",
                "100",
                "--interval",
                "30m",
                "--aht",
                "3m",
                "--agents",
                "14",
                "--format",
                "xml",
            ],
            "allowed: table, json, csv",
        ),
    ];
    for (args, msg) in cases {
        peakplan()
            .arg("erlang")
            .args(*args)
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains(*msg));
    }
}

fn batch_file(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f
}

#[test]
fn batch_csv() {
    let f = batch_file(
        "calls,interval_s,aht_s,agents,target_s,target_sl,shrinkage,patience_s,max_abandon\n\
         100,1800,180,14,20,0.8,,,\n\
         100,1800,180,,15,0.85,0.3,,\n\
         500,1800,300,,15,0.85,,120,0.05\n\
         100,1800,180,9,,,,,\n",
    );
    let out = peakplan()
        .args(["erlang", "--batch"])
        .arg(f.path())
        .args(["--format", "csv"])
        .assert()
        .success()
        .stderr(predicate::str::contains("case 4"));
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(&rows[0][col("p_wait")][..9], "0.1741319");
    assert_eq!(&rows[1][col("required_agents")], "14");
    assert_eq!(&rows[1][col("scheduled_heads")], "20");
    assert!(!rows[2][col("p_abandon")].is_empty());
    assert!(rows[2][col("p_abandon")].parse::<f64>().unwrap() <= 0.05);
    assert_eq!(&rows[3][col("stable")], "false");
    assert_eq!(&rows[3][col("asa_s")], "");
}

#[test]
fn batch_errors_name_line_and_column() {
    let cases = [
        (
            "calls,interval_s,aht_s,agents\n100,1800,180,14\n100,1800,abc,14\n",
            "line 3 (case 2), column `aht_s`",
        ),
        (
            "calls,interval_s,aht_s,agents\n100,1800,-3,14\n",
            "column `aht_s`",
        ),
        (
            "calls,interval_s,aht_s,agentz\n100,1800,180,14\n",
            "unknown column `agentz`",
        ),
        (
            "calls,interval_s,agents\n100,1800,14\n",
            "required column `aht_s`",
        ),
        (
            "calls,interval_s,aht_s,target_sl,target_s\n100,1800,180,1.5,20\n",
            "column `target_sl`",
        ),
        (
            "calls,interval_s,aht_s,target_sl\n100,1800,180,0.8\n",
            "column `target_s`",
        ),
        (
            "calls,interval_s,aht_s,agents\n100,1800,180,2.5\n",
            "column `agents`",
        ),
    ];
    for (text, msg) in cases {
        let f = batch_file(text);
        peakplan()
            .args(["erlang", "--batch"])
            .arg(f.path())
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains(msg));
    }
    peakplan()
        .args(["erlang", "--batch", "/nonexistent/cases.csv"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("/nonexistent/cases.csv"));
}
