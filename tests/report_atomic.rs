//! Atomic output: the target is either the old or the new content, never a half-written
//! file, never a directory mixing two runs, and no temporary files are left behind.

use std::fs;
use std::io;
use std::path::Path;

use peakplan::report::atomic::*;

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn writes_and_replaces_files_without_leftovers() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("summary.md");
    write_file(&target, b"first").unwrap();
    write_file(&target, b"second").unwrap();
    assert_eq!(fs::read(&target).unwrap(), b"second");
    assert_eq!(names(dir.path()), vec!["summary.md"]);
}

#[test]
fn a_failure_mid_write_leaves_the_target_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("run.json");
    fs::write(&target, b"{\"old\": true}").unwrap();
    let err = write_file_with(&target, |w| {
        w.write_all(b"{\"new\": tr")?; // half of the new content…
        w.flush()?; // …even flushed to the temporary file…
        Err(io::Error::other("simulated failure")) // …then the producer fails
    })
    .unwrap_err();
    assert!(err.to_string().contains("simulated failure"), "{err}");
    assert_eq!(fs::read(&target).unwrap(), b"{\"old\": true}");
    assert_eq!(names(dir.path()), vec!["run.json"]);

    // A path-based writer (like the PNG encoder) that writes then fails.
    let err = write_path_with(&target, |tmp: &Path| {
        assert_eq!(
            tmp.parent(),
            target.parent(),
            "temp file in the same directory"
        );
        assert_eq!(
            tmp.extension(),
            target.extension(),
            "temp file keeps the extension"
        );
        fs::write(tmp, b"partial").unwrap();
        Err::<(), _>(io::Error::other("encoder failed"))
    })
    .unwrap_err();
    assert!(err.to_string().contains("encoder failed"));
    assert_eq!(fs::read(&target).unwrap(), b"{\"old\": true}");
    assert_eq!(names(dir.path()), vec!["run.json"]);

    // Writing over a directory is refused.
    assert!(write_file(dir.path(), b"x").is_err());
}

fn fill_run(dir: &Path, tag: &str) -> io::Result<()> {
    fs::write(dir.join("run.json"), tag)?;
    fs::create_dir(dir.join("plots"))?;
    fs::write(dir.join("plots").join("sl.svg"), tag)
}

#[test]
fn replace_dir_creates_replaces_and_states_what_it_replaced() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("output").join("valentines");

    let r = replace_dir(&out, "run.json", |d| fill_run(d, "one")).unwrap();
    assert_eq!(r, Replaced::Nothing);
    assert_eq!(fs::read_to_string(out.join("run.json")).unwrap(), "one");

    // An old file that the new run does not write must not survive (no mixing of runs).
    fs::write(out.join("stale.csv"), "old").unwrap();
    let r = replace_dir(&out, "run.json", |d| fill_run(d, "two")).unwrap();
    match &r {
        Replaced::PreviousRun { files, left_behind } => {
            let files: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
            assert_eq!(files, vec!["plots/sl.svg", "run.json", "stale.csv"]);
            assert!(left_behind.is_none());
        }
        other => panic!("{other:?}"),
    }
    assert!(r.describe(&out).contains("replaced the earlier run"));
    assert!(r.describe(&out).contains("3 files"));
    assert_eq!(names(&out), vec!["plots", "run.json"]);
    assert_eq!(fs::read_to_string(out.join("plots/sl.svg")).unwrap(), "two");
    assert_eq!(
        names(out.parent().unwrap()),
        vec!["valentines"],
        "no staging leftovers"
    );

    // An empty directory is fine too.
    let empty = root.path().join("empty");
    fs::create_dir(&empty).unwrap();
    assert_eq!(
        replace_dir(&empty, "run.json", |d| fill_run(d, "x")).unwrap(),
        Replaced::EmptyDir
    );
}

#[test]
fn replace_dir_failure_keeps_the_previous_run_intact() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("run");
    replace_dir(&out, "run.json", |d| fill_run(d, "good")).unwrap();
    let err = replace_dir(&out, "run.json", |d| {
        fs::write(d.join("run.json"), "half")?;
        Err::<(), _>(io::Error::other("simulation failed"))
    })
    .unwrap_err();
    assert!(err.to_string().contains("simulation failed"));
    assert_eq!(fs::read_to_string(out.join("run.json")).unwrap(), "good");
    assert_eq!(
        fs::read_to_string(out.join("plots/sl.svg")).unwrap(),
        "good"
    );
    assert_eq!(names(root.path()), vec!["run"], "staging directory removed");
}

#[test]
fn replace_dir_refuses_to_delete_what_is_not_an_earlier_run() {
    let root = tempfile::tempdir().unwrap();
    let home = root.path().join("home");
    fs::create_dir(&home).unwrap();
    fs::write(home.join("thesis.docx"), "precious").unwrap();
    let mut called = false;
    let err = replace_dir(&home, "run.json", |_| {
        called = true;
        Ok::<(), io::Error>(())
    })
    .unwrap_err();
    assert!(!called, "no work before the refusal");
    let msg = err.to_string();
    assert!(
        msg.contains("refusing to write into") && msg.contains("run.json"),
        "{msg}"
    );
    assert_eq!(
        fs::read_to_string(home.join("thesis.docx")).unwrap(),
        "precious"
    );

    let file = root.path().join("file");
    fs::write(&file, "x").unwrap();
    let err = replace_dir(&file, "run.json", |_| Ok::<(), io::Error>(())).unwrap_err();
    assert!(err.to_string().contains("not a directory"));
    assert_eq!(names(root.path()), vec!["file", "home"]);
}
