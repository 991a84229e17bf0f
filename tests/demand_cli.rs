//! `peakplan demand` end to end: both tables are written, parse, and agree with each other.
use assert_cmd::cargo::cargo_bin_cmd;
use predicates::str::contains;

fn scenario(name: &str) -> String {
    format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|_| panic!("not a number: {s}"))
}

#[test]
fn demand_writes_both_tables_and_they_parse() {
    let tmp = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("peakplan")
        .args(["demand", &scenario("valentines.ron"), "--out"])
        .arg(tmp.path())
        .assert()
        .success()
        .stdout(contains("Peak interval"))
        .stdout(contains("Spill"))
        .stdout(contains("valentine_tv"));

    // Intervals: the per-source columns sum to expected_contacts.
    let mut r = csv::Reader::from_path(tmp.path().join("demand_intervals.csv")).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "interval_start_local",
            "interval_start_utc",
            "channel",
            "reason",
            "expected_contacts",
            "baseline",
            "valentine",
            "valentine_tv",
            "account_questions"
        ]
    );
    let mut total = 0.0;
    let mut rows = 0;
    for rec in r.records() {
        let rec = rec.unwrap();
        let e = num(&rec[4]);
        let parts: f64 = (5..rec.len()).map(|k| num(&rec[k])).sum();
        assert!((e - parts).abs() < 1e-3, "row {rows}: {e} vs {parts}");
        total += e;
        rows += 1;
    }
    // 21 days × 96 quarter hours, each with the (channel, reason) pairs that get contacts.
    assert_eq!(rows % (21 * 96), 0);

    // Daily: contacts_total sums to the interval total; channel columns sum to contacts_total.
    let mut r = csv::Reader::from_path(tmp.path().join("demand_daily.csv")).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let col = |name: &str| {
        h.iter()
            .position(|x| x == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let (ct, ot) = (col("contacts_total"), col("orders_total"));
    let channels: Vec<usize> = h
        .iter()
        .enumerate()
        .filter(|(_, x)| x.starts_with("contacts_channel_"))
        .map(|(k, _)| k)
        .collect();
    let mut daily_total = 0.0;
    let mut days = 0;
    for rec in r.records() {
        let rec = rec.unwrap();
        let c = num(&rec[ct]);
        let by_channel: f64 = channels.iter().map(|k| num(&rec[*k])).sum();
        assert!((c - by_channel).abs() < 1e-2);
        assert!(num(&rec[ot]) > 0.0);
        daily_total += c;
        days += 1;
    }
    assert_eq!(days, 21);
    assert!(
        (daily_total - total).abs() < 1e-3 * total,
        "{daily_total} vs {total}"
    );
}

#[test]
fn demand_json_has_the_documented_shape() {
    let tmp = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("peakplan")
        .args([
            "demand",
            &scenario("baseline.ron"),
            "--format",
            "json",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success();
    let daily: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("demand_daily.json")).unwrap())
            .unwrap();
    assert_eq!(daily["scenario"], "baseline");
    assert_eq!(daily["interval_min"], 15);
    let rows = daily["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 28);
    assert_eq!(rows[0]["date"], "2027-03-01");
    assert_eq!(rows[0]["orders"]["by_source"]["baseline"], 12000.0);
    let iv: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("demand_intervals.json")).unwrap())
            .unwrap();
    let first = &iv["rows"][0];
    for key in [
        "interval_start_local",
        "interval_start_utc",
        "channel",
        "reason",
        "expected_contacts",
        "by_source",
    ] {
        assert!(!first[key].is_null(), "{key}");
    }
    // 28 March 2027 has 92 quarter hours: 27 days × 96 + 92 interval starts.
    let starts: std::collections::BTreeSet<&str> = iv["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["interval_start_utc"].as_str().unwrap())
        .collect();
    assert_eq!(starts.len(), 27 * 96 + 92);
}

#[test]
fn a_missing_file_is_a_bad_input_error_naming_it() {
    cargo_bin_cmd!("peakplan")
        .args(["demand", "no/such/scenario.ron"])
        .assert()
        .code(2)
        .stderr(contains("no/such/scenario.ron"));
}

#[test]
fn a_scenario_with_an_unknown_channel_fails_with_exit_2_and_the_field() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(scenario("baseline.ron"))
        .unwrap()
        .replacen(r#""phone": 0.58"#, r#""phon": 0.58"#, 1);
    let file = tmp.path().join("bad.ron");
    std::fs::write(&file, text).unwrap();
    cargo_bin_cmd!("peakplan")
        .args(["demand"])
        .arg(&file)
        .arg("--out")
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(contains("reasons[0].channel_mix.phon"))
        .stderr(contains("unknown channel"));
}

#[test]
fn outputs_are_deterministic_and_leave_no_temporary_files() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for dir in [&a, &b] {
        cargo_bin_cmd!("peakplan")
            .args(["demand", &scenario("mothers_day.ron"), "--out"])
            .arg(dir.path())
            .assert()
            .success();
    }
    for file in [
        "demand_intervals.csv",
        "demand_daily.csv",
        "demand.svg",
        "demand.png",
    ] {
        let (x, y) = (
            std::fs::read(a.path().join(file)).unwrap(),
            std::fs::read(b.path().join(file)).unwrap(),
        );
        assert!(x == y, "{file} differs between two runs");
    }
    let mut names: Vec<String> = std::fs::read_dir(a.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "demand.png",
            "demand.svg",
            "demand_daily.csv",
            "demand_intervals.csv"
        ]
    );
}
