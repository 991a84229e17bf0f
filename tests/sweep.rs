//! `sweep --shard K/N` + `merge` give byte for byte the files of one `sweep` (N = 1, 2, 3
//! over 4 variants); a bad --vary is refused before any run. Self-contained.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn scenario() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cost_scenarios/small.ron")
}

fn sweep(out: &Path, extra: &[&str]) -> std::process::Output {
    Command::cargo_bin("peakplan")
        .unwrap()
        .arg("sweep")
        .arg(scenario())
        .args([
            "--vary",
            "levers.prevention.where_is_my_order=0,0.5",
            "--vary",
            "simulation.volume_cv=0.1,0.2",
            "--quick",
            "--replications",
            "4",
            "-q",
        ])
        .args(extra)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

fn same_files(a: &Path, b: &Path) {
    for n in ["sweep.csv", "sweep.json", "sweep.png"] {
        assert!(
            std::fs::read(a.join(n)).unwrap() == std::fs::read(b.join(n)).unwrap(),
            "{n} differs"
        );
    }
}

#[test]
fn sharded_sweeps_merge_to_one_machine_bytes() {
    let t = tempfile::tempdir().unwrap();
    let one = t.path().join("one");
    let o = sweep(&one, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = std::fs::read_to_string(one.join("sweep.csv")).unwrap();
    assert_eq!(csv.lines().count(), 5, "{csv}");
    assert!(
        csv.starts_with("levers.prevention.where_is_my_order,simulation.volume_cv,flex_agents")
    );
    for n in [2u32, 3] {
        let parts_dir = t.path().join(format!("parts{n}"));
        let mut parts = Vec::new();
        for k in 1..=n {
            let o = sweep(&parts_dir, &["--shard", &format!("{k}/{n}")]);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            parts.push(parts_dir.join(format!("sweep-part-{k}-of-{n}.json")));
        }
        let merged = t.path().join(format!("merged{n}"));
        let o = Command::cargo_bin("peakplan")
            .unwrap()
            .arg("merge")
            .args(&parts)
            .arg("--out")
            .arg(&merged)
            .arg("-q")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        same_files(&one, &merged);
        // A missing part is refused, named.
        let o = Command::cargo_bin("peakplan")
            .unwrap()
            .arg("merge")
            .args(&parts[1..])
            .arg("--out")
            .arg(t.path().join("never"))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&o.stderr).contains(&format!("sweep-part-1-of-{n}.json")));
    }
}

#[test]
fn a_bad_vary_is_refused_before_any_run() {
    let t = tempfile::tempdir().unwrap();
    let o = Command::cargo_bin("peakplan")
        .unwrap()
        .arg("sweep")
        .arg(scenario())
        .args(["--vary", "levers.prevention.no_such_reason=0,0.5", "--out"])
        .arg(t.path().join("x"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("--vary `levers.prevention.no_such_reason=0,0.5`"),
        "{e}"
    );
    assert!(!t.path().join("x").exists());
}
