//! The one integration-test binary (issue #15: one binary links the library, plotters and
//! the rest once, instead of once per file). Each `tests/NAME.rs` is the module `NAME`, so
//! a file's tests are selected with the filter `NAME::`, e.g.
//!
//! ```text
//! cargo test --test tests -- plan_flex::                     # one file's default tests
//! cargo test --release --test tests -- --ignored plan_engine:: # one file's long tests
//! ```
//!
//! A filter is a substring of the test's path (`scenario_fuzz::…` contains `fuzz::`): add
//! `--exact` with a full name to run one test alone, e.g. `--exact fuzz::fuzz_for_a_while`.
//! Cargo.toml has `autotests = false`, so a new `tests/NAME.rs` must be declared below (the
//! test `every_test_file_is_a_module` fails until it is). Data and fixtures stay in
//! `tests/<folder>/` (read through `CARGO_MANIFEST_DIR`).

// Shared support code, compiled once.
mod cost_support;
mod demand_common;
mod report_support;
mod sim_support;
#[path = "../benches/support/valentines.rs"]
mod valentines;

// One module per test file.
mod cli_flags;
mod cost_analysis;
mod cost_model;
mod cost_money;
mod cost_props;
mod cost_valentines;
mod demand_cli;
mod demand_dates;
mod demand_model;
mod demand_props;
mod demand_scenarios;
mod erlang_cli;
mod erlang_formulas;
mod erlang_properties;
mod erlang_simulate_coverage;
mod fit_calls;
mod fit_counts;
mod fit_plan;
mod fit_plan_real;
mod fit_synthetic;
mod fuzz;
mod issue14_reproducers;
mod montecarlo_run;
mod montecarlo_season;
mod plan_cli;
mod plan_engine;
mod plan_flex;
mod plan_lead_cv;
mod report_atomic;
mod report_browser;
mod report_examples_dump;
mod report_html;
mod report_plot;
mod run_e2e;
mod scenario_bad_corpus;
mod scenario_cli;
mod scenario_fuzz;
mod scenario_readme;
mod scenario_variants;
mod schema_smoke;
mod shard_merge;
mod sim_behaviour;
mod sim_erlang;
mod sim_lower;
mod sim_perf;
mod simulate_cli;
mod simulate_erlang_cli;
mod simulate_lowering;
mod staffing_cover;
mod staffing_roster;
mod sweep;
mod volumes;
mod write_failures;

/// Every `tests/*.rs` is declared above: with `autotests = false` an undeclared file would
/// silently never be compiled or run.
#[test]
fn every_test_file_is_a_module() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let this = std::fs::read_to_string(dir.join("tests.rs")).unwrap();
    let mut missing = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let declared = |stem: &str| this.lines().any(|l| l == format!("mod {stem};"));
        match name.strip_suffix(".rs") {
            Some(stem) if stem != "tests" && !declared(stem) => missing.push(name),
            _ => {}
        }
    }
    assert!(
        missing.is_empty(),
        "not declared in tests/tests.rs: {missing:?}"
    );
}
