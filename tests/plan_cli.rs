//! `peakplan plan` end to end on a small scenario.

use assert_cmd::Command;
use predicates::prelude::*;

#[test]
fn plan_writes_its_tables_and_states_the_headline() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    Command::cargo_bin("peakplan")
        .unwrap()
        .args([
            "plan",
            "tests/plan_scenarios/flat.ron",
            "--replications",
            "40",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Buys 80% of phone within 20 s, in every interval and day",
        ))
        .stdout(predicate::str::contains("Permanent roster alone"));
    for f in ["staffing.csv", "shifts.csv", "frontier.csv", "summary.txt"] {
        assert!(out.join(f).exists(), "{f}");
    }
    let staffing = std::fs::read_to_string(out.join("staffing.csv")).unwrap();
    let header = staffing.lines().next().unwrap();
    for col in [
        "req_erlang_c_front_office_phone",
        "req_erlang_a_front_office_phone",
        "req_simulation_front_office_phone",
        "permanent_on_duty",
        "flex_flex",
        "sl_phone_ci95_low",
        "p_meet_phone",
    ] {
        assert!(header.contains(col), "{col} in {header}");
    }
    assert_eq!(staffing.lines().count(), 25, "header + 24 hours");

    // The frontier's chosen row is the plan of shifts.csv: same hours and cost, and its
    // flex heads are the headline's.
    let read = |f: &str| -> Vec<std::collections::HashMap<String, String>> {
        let mut r = csv::Reader::from_path(out.join(f)).unwrap();
        let h = r.headers().unwrap().clone();
        r.records()
            .map(|x| {
                let x = x.unwrap();
                h.iter()
                    .map(String::from)
                    .zip(x.iter().map(String::from))
                    .collect()
            })
            .collect()
    };
    let frontier = read("frontier.csv");
    let chosen: Vec<_> = frontier.iter().filter(|r| r["chosen"] == "yes").collect();
    assert_eq!(chosen.len(), 1);
    let num = |s: &str| s.parse::<f64>().unwrap();
    let shifts = read("shifts.csv");
    let hours: f64 = shifts.iter().map(|r| num(&r["hours"])).sum();
    let cost: f64 = shifts.iter().map(|r| num(&r["cost_eur"])).sum();
    assert!((num(&chosen[0]["flex_hours"]) - hours).abs() < 0.01 * shifts.len() as f64);
    assert!((num(&chosen[0]["flex_cost_eur"]) - cost).abs() < 0.01 * shifts.len() as f64);
    // Flex heads = the most people on one date in shifts.csv (one person per shift head).
    let mut per_date: std::collections::BTreeMap<String, u32> = Default::default();
    for r in &shifts {
        *per_date.entry(r["date"].clone()).or_default() += r["heads"].parse::<u32>().unwrap();
    }
    let most = per_date.values().copied().max().unwrap_or(0);
    assert_eq!(chosen[0]["flex_heads"], most.to_string());
    // staffing.csv's flex on duty is that covering too: never more than its heads.
    let on_duty = read("staffing.csv");
    assert!(
        on_duty
            .iter()
            .all(|r| r["flex_flex"].parse::<u32>().unwrap() <= most),
        "flex on duty above {most}"
    );
    // The summary opens with the headline: the people to contract (one pool: its peak
    // heads on one date) for the plan's days.
    let summary = std::fs::read_to_string(out.join("summary.txt")).unwrap();
    assert!(
        summary.contains(&format!(
            "Contract {} flex people from ",
            chosen[0]["flex_heads"]
        )),
        "{summary}"
    );
}

#[test]
fn plan_interval_option_plans_per_hour_on_a_quarter_hour_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    Command::cargo_bin("peakplan")
        .unwrap()
        .args([
            "plan",
            "tests/plan_scenarios/ramp.ron",
            "--method",
            "erlang-c",
            "--no-frontier",
            "--plan-interval",
            "1h",
            "--replications",
            "10",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let staffing = std::fs::read_to_string(out.join("staffing.csv")).unwrap();
    assert_eq!(staffing.lines().count(), 97, "header + 96 quarter-hours");
    // 10:00–10:45 share the hour's requirement (26) although their calls differ.
    let ramp: Vec<&str> = staffing
        .lines()
        .filter(|l| l.starts_with("2027-03-02 10:"))
        .collect();
    assert_eq!(ramp.len(), 4);
    let col = staffing
        .lines()
        .next()
        .unwrap()
        .split(',')
        .position(|h| h == "req_erlang_c_front_office_phone")
        .expect("a req_erlang_c column");
    for l in &ramp {
        assert_eq!(l.split(',').nth(col), Some("26.00"), "{l}");
    }
    Command::cargo_bin("peakplan")
        .unwrap()
        .args([
            "plan",
            "tests/plan_scenarios/ramp.ron",
            "--no-frontier",
            "--plan-interval",
            "20m",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("planning interval of 20 min"));
}

#[test]
fn bad_confidence_is_an_input_error() {
    Command::cargo_bin("peakplan")
        .unwrap()
        .args([
            "plan",
            "tests/plan_scenarios/flat.ron",
            "--confidence",
            "1.5",
            "--no-frontier",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("confidence 1.5"));
}

#[test]
fn promise_and_target_days_flags_reach_the_headline_and_plan_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    let assert = Command::cargo_bin("peakplan")
        .unwrap()
        .args([
            "plan",
            "tests/plan_scenarios/two_days.ron",
            "--promise",
            "day",
            "--target-days",
            "2027-03-03",
            "--replications",
            "60",
            "--format",
            "json",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let all: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let json = &all["plans"][0];
    assert_eq!(json["headline"]["promise_kind"], "day");
    assert_eq!(json["headline"]["target_days"][0], "2027-03-03");
    assert!(
        json["sentence"]
            .as_str()
            .unwrap()
            .contains("over the day on 3 March"),
        "{}",
        json["sentence"]
    );
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("plan.json")).unwrap()).unwrap();
    assert_eq!(plan["promise"], "day");
    assert_eq!(plan["choice"]["frontier_replications"], 30);
    assert_eq!(plan["choice"]["check_replications"], 60);
    let frontier = std::fs::read_to_string(out.join("frontier.csv")).unwrap();
    assert!(frontier.lines().next().unwrap().contains("people_flex"));
}

#[test]
fn a_target_day_outside_the_calendar_and_a_promise_without_frontier_are_refused() {
    let cases: [(&[&str], &[&str]); 3] = [
        (
            &["--target-days", "2027-04-01"],
            &["calendar.target_days[0]", "outside the calendar"],
        ),
        (
            &["--promise", "all-intervals", "--no-frontier"],
            &["drop --no-frontier"],
        ),
        (&["--promise", "weekly"], &["all-intervals"]),
    ];
    for (args, said) in cases {
        let mut assert = Command::cargo_bin("peakplan")
            .unwrap()
            .args(["plan", "tests/plan_scenarios/two_days.ron"])
            .args(args)
            .assert()
            .code(2);
        for s in said {
            assert = assert.stderr(predicate::str::contains(*s));
        }
    }
}
