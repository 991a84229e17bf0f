//! `peakplan validate`: one line per valid file, every error of invalid ones, exit code 0
//! only when all files are valid (2 otherwise).

use assert_cmd::Command;
use predicates::prelude::*;

fn peakplan() -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("peakplan");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

#[test]
fn valid_files_print_a_summary_and_exit_0() {
    peakplan()
        .args([
            "validate",
            "tests/good_scenarios/base.ron",
            "tests/good_scenarios/variant_chain.ron",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "ok  tests/good_scenarios/base.ron  (test_base, 15 days, 3 reasons, 4 channels, 2 teams, 1 pool)\n",
        ))
        .stdout(predicate::str::contains(
            "ok  tests/good_scenarios/variant_chain.ron  (test_base, 15 days,",
        ));
}

#[test]
fn one_invalid_file_makes_the_exit_code_2_and_lists_all_its_errors() {
    peakplan()
        .args([
            "validate",
            "tests/good_scenarios/base.ron",
            "tests/bad_scenarios/46_simulation.ron",
        ])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("ok  tests/good_scenarios/base.ron"))
        .stderr(predicate::str::contains(
            "tests/bad_scenarios/46_simulation.ron:4:32: simulation.replications: 0 replications is not allowed; use 1 to 1000000\n",
        ))
        .stderr(predicate::str::contains(
            "tests/bad_scenarios/46_simulation.ron:4:47: simulation.confidence:",
        ))
        .stderr(predicate::str::contains("error: 1 of 2 scenario files invalid"));
}

#[test]
fn set_overrides_apply_to_every_file() {
    peakplan()
        .args([
            "validate",
            "tests/good_scenarios/base.ron",
            "--set",
            "simulation.seed=\"x\"",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`--set simulation.seed=\"x\"` (column 17): simulation.seed: expected a whole number",
        ));
    peakplan()
        .args([
            "validate",
            "tests/good_scenarios/base.ron",
            "--set",
            "name=\"renamed\"",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("(renamed, 15 days"));
}

#[test]
fn a_missing_file_exits_2() {
    peakplan()
        .args(["validate", "tests/good_scenarios/does_not_exist.ron"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot read scenario tests/good_scenarios/does_not_exist.ron",
        ));
}
