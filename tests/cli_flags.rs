//! The same flags on every command that simulates or plans: `--seed`, `--replications`,
//! `--threads`, `--quiet` and `--format json` on `simulate`, `plan`, `cost`, `run` and
//! `compare` (one shared clap struct), a JSON summary on stdout, and files that do not depend
//! on the number of threads. On the two-day scenario of the cost tests, so it stays fast.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn small() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cost_scenarios/small.ron")
}

fn peakplan() -> Command {
    let mut c = Command::cargo_bin("peakplan").unwrap();
    c.env("NO_COLOR", "1");
    c
}

/// Every file under `dir` (relative path → bytes), sorted.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// `peakplan ARGS --out DIR --threads T` for several T: the files are byte-identical.
fn same_files_for_any_thread_count(args: &[&str], threads: &[u32]) {
    let tmp = tempfile::tempdir().unwrap();
    let mut first: Option<Vec<(String, Vec<u8>)>> = None;
    for &t in threads {
        let dir = tmp.path().join(format!("t{t}"));
        peakplan()
            .args(args)
            .arg("--out")
            .arg(&dir)
            .args(["--threads", &t.to_string(), "--quiet"])
            .assert()
            .success();
        let got = files(&dir);
        assert!(!got.is_empty());
        match &first {
            None => first = Some(got),
            Some(f) => {
                let names =
                    |v: &[(String, Vec<u8>)]| v.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
                assert_eq!(
                    names(f),
                    names(&got),
                    "{args:?}: --threads {t} wrote other files"
                );
                for ((name, a), (_, b)) in f.iter().zip(&got) {
                    assert!(a == b, "{args:?}: {name} differs with --threads {t}");
                }
            }
        }
    }
}

#[test]
fn run_writes_byte_identical_files_with_1_2_and_3_threads() {
    let s = small();
    same_files_for_any_thread_count(
        &[
            "run",
            s.to_str().unwrap(),
            "--quick",
            "--replications",
            "4",
            "--seed",
            "11",
        ],
        &[1, 2, 3],
    );
}

#[test]
fn plan_and_cost_write_byte_identical_files_with_1_and_2_threads() {
    let s = small();
    same_files_for_any_thread_count(
        &[
            "plan",
            s.to_str().unwrap(),
            "--replications",
            "6",
            "--seed",
            "5",
        ],
        &[1, 2],
    );
    same_files_for_any_thread_count(
        &[
            "cost",
            s.to_str().unwrap(),
            "--replications",
            "3",
            "--seed",
            "5",
        ],
        &[1, 2],
    );
}

/// `--format json` on each command: one JSON document on stdout, nothing else there.
fn json_of(args: &[&str], out: &Path) -> serde_json::Value {
    let o = peakplan()
        .args(args)
        .arg("--out")
        .arg(out)
        .args(["--format", "json", "--threads", "2"])
        .assert()
        .success();
    let stdout = String::from_utf8(o.get_output().stdout.clone()).unwrap();
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}):\n{stdout}"))
}

#[test]
fn every_simulating_command_writes_its_summary_as_json() {
    let tmp = tempfile::tempdir().unwrap();
    let s = small();
    let s = s.to_str().unwrap();

    let sim = json_of(
        &["simulate", s, "--replications", "5", "--seed", "9"],
        &tmp.path().join("sim"),
    );
    assert_eq!(sim["replications"], 5);
    assert_eq!(sim["seed"], 9);
    let days = sim["days"].as_array().unwrap();
    // Two days × the scenario's channels, each with its status.
    assert!(days.len() >= 2 && days.iter().all(|d| d["status"].is_string()));

    let plan = json_of(
        &["plan", s, "--replications", "4", "--seed", "9"],
        &tmp.path().join("plan"),
    );
    let p = &plan["plans"][0];
    assert_eq!(p["seed"], 9);
    assert_eq!(p["check_replications"], 4);
    assert!(p["sentence"].as_str().unwrap().contains("flex"));
    assert!(p["headline"]["flex_heads"].is_u64());

    let cost = json_of(
        &["cost", s, "--replications", "3", "--seed", "9"],
        &tmp.path().join("cost"),
    );
    assert_eq!(cost["replications"], 3);
    assert_eq!(cost["seed"], 9);
    assert!(cost["total"].as_str().unwrap().parse::<f64>().is_ok());
    assert!(
        cost["campaigns"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["marginal_cost"]["ci95_low"].is_string())
    );

    let run = json_of(
        &["run", s, "--quick", "--replications", "3", "--seed", "9"],
        &tmp.path().join("run"),
    );
    // The JSON is run.json's record.
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("run/run.json")).unwrap())
            .unwrap();
    assert_eq!(run, file);
    assert_eq!(run["seed"], 9);

    let cmp = json_of(
        &[
            "compare",
            s,
            s,
            "--quick",
            "--replications",
            "3",
            "--seed",
            "9",
        ],
        &tmp.path().join("cmp"),
    );
    let rows = cmp["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    // The same scenario twice with the same seed: every difference is zero.
    for r in rows {
        if let Some(d) = r["difference"].as_f64() {
            assert_eq!(d, 0.0, "{r}");
        }
    }
}

#[test]
fn quiet_prints_nothing_and_the_shared_flags_are_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let s = small();
    let out = peakplan()
        .args([
            "simulate",
            s.to_str().unwrap(),
            "--replications",
            "2",
            "--quiet",
            "--out",
        ])
        .arg(tmp.path().join("q"))
        .assert()
        .success();
    assert!(out.get_output().stdout.is_empty());
    assert!(tmp.path().join("q/sim_daily.csv").is_file());
    for cmd in ["simulate", "plan", "cost", "run", "compare"] {
        let help = peakplan().args([cmd, "--help"]).assert().success();
        let text = String::from_utf8(help.get_output().stdout.clone()).unwrap();
        for flag in [
            "--seed",
            "--replications",
            "--threads",
            "--quiet",
            "--format",
        ] {
            assert!(text.contains(flag), "{cmd} has no {flag}");
        }
    }
    // erlang --simulate takes its replications as --replications too.
    let a = peakplan()
        .args([
            "erlang", "--rate", "720/h", "--aht", "4m", "--agents", "52", "--target", "85/15",
        ])
        .args([
            "--replications",
            "2",
            "--sim-calls",
            "2000",
            "--seed",
            "3",
            "--format",
            "json",
        ])
        .assert()
        .success();
    let j: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert!(j["results"][0]["simulated"]["service_level"]["mean"].is_number());
    // --threads 0 is refused as bad input.
    peakplan()
        .args(["plan", s.to_str().unwrap(), "--threads", "0"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--threads"));
}
