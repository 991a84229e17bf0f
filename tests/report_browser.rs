//! The report in a real browser: `.ci/browser-check` renders a synthetic `report.html` in
//! headless Chromium, checks the screenshot is not blank and that the DOM holds the headline
//! and every plot. Needs Debian's `chromium` (the script installs it when run as root), so it
//! is ignored by default:
//!
//! ```text
//! cargo test --test report_browser -- --ignored
//! ```
//!
//! Set `PEAKPLAN_REPORT_EXAMPLES=DIR` to keep the report, its plots and the screenshot.

mod report_support;

use std::path::PathBuf;
use std::process::Command;

use peakplan::report::atomic;
use peakplan::report::html::{render_html, render_markdown};
use peakplan::report::plot::DEFAULT_SIZE;

/// Writes a synthetic run directory (report.html, summary.md, PNG + SVG plots) to `dir`.
fn write_run(dir: &std::path::Path) {
    let (report, plots) = report_support::synthetic_report(3);
    let replaced = atomic::replace_dir(dir, "report.html", |stage| {
        for (key, plot) in &plots {
            plot.write(&stage.join(format!("{key}.png")), DEFAULT_SIZE)?;
            plot.write(&stage.join(format!("{key}.svg")), DEFAULT_SIZE)?;
        }
        atomic::write_file(&stage.join("report.html"), render_html(&report)?.as_bytes())?;
        atomic::write_file(
            &stage.join("summary.md"),
            render_markdown(&report)?.as_bytes(),
        )?;
        Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
    })
    .unwrap();
    eprintln!("{}", replaced.describe(dir));
}

#[test]
#[ignore = "needs chromium; run: cargo test --test report_browser -- --ignored"]
fn report_renders_in_headless_chromium() {
    let keep = std::env::var_os("PEAKPLAN_REPORT_EXAMPLES").map(PathBuf::from);
    let tmp = tempfile::tempdir().unwrap();
    let base = keep.unwrap_or_else(|| tmp.path().to_path_buf());
    let run = base.join("synthetic-run");
    write_run(&run);
    let shot = base.join("report-screenshot.png");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".ci/browser-check");
    let out = Command::new("bash")
        .arg(&script)
        .arg(run.join("report.html"))
        .arg(&shot)
        .output()
        .expect("cannot run bash");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "browser-check failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("5 plots"), "{stdout}");

    // Check the screenshot independently of the script's own check.
    let img = report_support::decode_png(&std::fs::read(&shot).unwrap()).unwrap();
    assert_eq!(img.width, 1280);
    assert!(img.height >= 2000, "height {}", img.height);
    let ink = img.ink_share();
    assert!(
        ink > 0.05,
        "screenshot nearly blank: {:.1}% ink",
        ink * 100.0
    );
}
