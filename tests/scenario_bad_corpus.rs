//! The corpus of bad scenarios: every file in `tests/bad_scenarios/` must fail to load with
//! exactly the diagnostics its `.expected` sidecar lists.
//!
//! Sidecar format, one line each:
//! * `set PATH=VALUE` — a `--set` override to apply when loading;
//! * `error FILE:LINE:COL PATH | FRAGMENT` (or `warning …`) — one expected diagnostic, in
//!   order: FILE is the file name (or `--set …`), PATH the field path (`-` for none), and
//!   FRAGMENT must occur in the message. Everything left of ` | ` must match exactly.
//!
//! The positions and paths were worked out by hand from the files, not copied from output.

use std::path::{Path, PathBuf};

use peakplan::scenario::{Diagnostic, ScenarioError, Severity, load_with_warnings};

fn render(d: &Diagnostic) -> (String, &str) {
    let file = if d.file.starts_with("--set ") {
        d.file.clone()
    } else {
        Path::new(&d.file)
            .file_name()
            .map_or_else(|| d.file.clone(), |f| f.to_string_lossy().into_owned())
    };
    let sev = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let path = if d.path.is_empty() { "-" } else { &d.path };
    (
        format!("{sev} {file}:{}:{} {path}", d.line, d.column),
        &d.message,
    )
}

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/bad_scenarios exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    files
}

#[test]
fn corpus_is_large_enough_and_every_file_has_expectations() {
    let files = corpus();
    assert!(files.len() >= 30, "only {} bad scenarios", files.len());
    for f in &files {
        assert!(
            f.with_extension("expected").exists(),
            "{} has no .expected sidecar",
            f.display()
        );
    }
}

#[test]
fn every_bad_scenario_fails_with_exactly_the_expected_diagnostics() {
    let mut failures = Vec::new();
    for file in corpus() {
        let spec = std::fs::read_to_string(file.with_extension("expected")).unwrap();
        let mut sets = Vec::new();
        let mut expected = Vec::new();
        for line in spec.lines().filter(|l| !l.trim().is_empty()) {
            if let Some(set) = line.strip_prefix("set ") {
                sets.push(set.to_string());
            } else {
                let (left, fragment) = line
                    .split_once(" | ")
                    .unwrap_or_else(|| panic!("{}: bad line {line:?}", file.display()));
                expected.push((left.to_string(), fragment.to_string()));
            }
        }
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let diags = match load_with_warnings(&file, &sets) {
            Ok(_) => {
                failures.push(format!("{name}: loaded without errors"));
                continue;
            }
            Err(ScenarioError::Io { source, .. }) => {
                failures.push(format!("{name}: i/o error {source}"));
                continue;
            }
            Err(ScenarioError::Invalid(d)) => d,
        };
        let got: Vec<(String, &str)> = diags
            .errors
            .iter()
            .chain(&diags.warnings)
            .map(render)
            .collect();
        let ok = got.len() == expected.len()
            && got
                .iter()
                .zip(&expected)
                .all(|((gl, gm), (el, ef))| gl == el && gm.contains(ef.as_str()));
        if !ok {
            let got: Vec<String> = got.iter().map(|(l, m)| format!("  {l} | {m}")).collect();
            let exp: Vec<String> = expected
                .iter()
                .map(|(l, f)| format!("  {l} | …{f}…"))
                .collect();
            failures.push(format!(
                "{name}:\n expected:\n{}\n got:\n{}",
                exp.join("\n"),
                got.join("\n")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of the corpus failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
