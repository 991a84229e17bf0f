//! `simulate --shard K/N` + `merge` give byte for byte the files of one `simulate`, for
//! several N and uneven splits; `merge` refuses a missing, duplicated or foreign part,
//! naming it (exit code 2). Self-contained (its own helpers) so it can become a module.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use proptest::prelude::*;

fn scenario() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cost_scenarios/small.ron")
}

fn peakplan() -> Command {
    Command::cargo_bin("peakplan").unwrap()
}

fn simulate(out: &Path, reps: u32, seed: u64, extra: &[&str]) -> std::process::Output {
    peakplan()
        .arg("simulate")
        .arg(scenario())
        .args([
            "--replications",
            &reps.to_string(),
            "--seed",
            &seed.to_string(),
            "-q",
        ])
        .args(extra)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

fn shards(parts: &Path, reps: u32, seed: u64, n: u32) -> Vec<PathBuf> {
    (1..=n)
        .map(|k| {
            let o = simulate(parts, reps, seed, &["--shard", &format!("{k}/{n}")]);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            parts.join(format!("simulate-part-{k}-of-{n}.json"))
        })
        .collect()
}

fn merge(parts: &[PathBuf], out: &Path) -> std::process::Output {
    peakplan()
        .arg("merge")
        .args(parts)
        .arg("--out")
        .arg(out)
        .arg("-q")
        .output()
        .unwrap()
}

/// Every file of `a` equals the same file of `b`, and both hold the same files.
fn same_files(a: &Path, b: &Path) {
    let names = |d: &Path| {
        let mut v: Vec<_> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(a), names(b));
    for n in names(a) {
        assert!(
            std::fs::read(a.join(&n)).unwrap() == std::fs::read(b.join(&n)).unwrap(),
            "{n:?} differs"
        );
    }
}

fn check_split(reps: u32, n: u32, seed: u64) {
    let t = tempfile::tempdir().unwrap();
    let one = t.path().join("one");
    assert!(simulate(&one, reps, seed, &[]).status.success());
    let mut parts = shards(&t.path().join("parts"), reps, seed, n);
    parts.reverse(); // any order
    let merged = t.path().join("merged");
    let o = merge(&parts, &merged);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    same_files(&one, &merged);
}

#[test]
fn uneven_splits_merge_to_one_machine_bytes() {
    check_split(7, 3, 11);
    check_split(10, 4, 12);
    check_split(20, 1, 13);
    // More than the 9 exact values per statistic in the parts and the whole: histograms.
    check_split(23, 2, 14);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4, ..ProptestConfig::default() })]
    #[test]
    fn any_split_merges_to_one_machine_bytes(reps in 2u32..14, n_raw in 1u32..6, seed in 0u64..1000) {
        let n = n_raw.min(reps);
        check_split(reps, n, seed);
    }
}

#[test]
fn a_retried_shard_writes_the_identical_part() {
    let t = tempfile::tempdir().unwrap();
    let a = shards(&t.path().join("a"), 5, 3, 2);
    let b = shards(&t.path().join("b"), 5, 3, 2);
    for (x, y) in a.iter().zip(&b) {
        assert!(std::fs::read(x).unwrap() == std::fs::read(y).unwrap());
    }
}

#[test]
fn more_shards_than_replications_are_refused() {
    let t = tempfile::tempdir().unwrap();
    let o = simulate(t.path(), 3, 1, &["--shard", "1/4"]);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("--shard 1/4") && e.contains("at most 3 shards"),
        "{e}"
    );
    let o = simulate(t.path(), 3, 1, &["--shard", "0/4"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("K/N"));
}

fn refused(parts: &[PathBuf], out: &Path, names: &Path, what: &str) {
    let o = merge(parts, out);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    let name = names.file_name().unwrap().to_string_lossy().to_string();
    assert!(e.contains(&name), "names {name}: {e}");
    assert!(e.contains(what), "says {what}: {e}");
    assert!(!out.exists(), "nothing written");
}

#[test]
fn merge_refuses_missing_duplicated_and_foreign_parts() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("merged");
    let p = shards(&t.path().join("parts"), 6, 5, 3);
    // Missing.
    refused(&p[..2], &out, &p[2], "missing");
    // Duplicated (the same file twice, or a copy).
    let copy = t.path().join("copy-of-part-2.json");
    std::fs::copy(&p[1], &copy).unwrap();
    refused(
        &[p[0].clone(), p[1].clone(), copy.clone(), p[2].clone()],
        &out,
        &copy,
        "duplicates shard 2/3",
    );
    // Foreign: another seed.
    let other_seed = shards(&t.path().join("seed"), 6, 6, 3);
    refused(
        &[p[0].clone(), other_seed[1].clone(), p[2].clone()],
        &out,
        &other_seed[1],
        "seed",
    );
    // Foreign: another scenario (a --set changes the hash).
    let dir = t.path().join("set");
    let o = simulate(
        &dir,
        6,
        5,
        &["--set", "simulation.volume_cv=0.3", "--shard", "3/3"],
    );
    assert!(o.status.success());
    let foreign = dir.join("simulate-part-3-of-3.json");
    refused(
        &[p[0].clone(), p[1].clone(), foreign.clone()],
        &out,
        &foreign,
        "scenario",
    );
    // Foreign: another version (edited by hand).
    let text = std::fs::read_to_string(&p[1]).unwrap();
    let edited = t.path().join("edited.json");
    std::fs::write(
        &edited,
        text.replacen(
            &format!("\"peakplan_version\":\"{}\"", env!("CARGO_PKG_VERSION")),
            "\"peakplan_version\":\"0.0.1\"",
            1,
        ),
    )
    .unwrap();
    refused(
        &[p[0].clone(), edited.clone(), p[2].clone()],
        &out,
        &edited,
        "peakplan 0.0.1",
    );
    // The complete set still merges.
    assert!(merge(&p, &out).status.success());
}
