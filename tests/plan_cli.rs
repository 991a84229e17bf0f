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
            "To meet 80% in 20 s on phone in every interval with 90% confidence you need",
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
