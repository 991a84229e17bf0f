//! The report in a real browser: `.ci/browser-check` renders a synthetic `report.html` and
//! the report of `peakplan run` in headless Chromium at a 1280-px window, checks the
//! screenshot is not blank, that the DOM holds the headline and every plot, that no table is
//! wider than the window, and (for the run) that the finance and channel sections are there. Needs Debian's `chromium` (the script installs it when run as root), so it
//! is ignored by default:
//!
//! ```text
//! cargo test --test tests -- --ignored report_browser::
//! ```
//!
//! Set `PEAKPLAN_REPORT_EXAMPLES=DIR` to keep the report, its plots and the screenshot.

use crate::report_support;

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
#[ignore = "needs chromium; run: cargo test --test tests -- --ignored report_browser::"]
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

/// The report of a real `peakplan run` (baseline.ron, shortened) in Chromium: the rendered
/// DOM holds the headline of run.json and every plot of the run with its inline SVG. With
/// `PEAKPLAN_REPORT_EXAMPLES=DIR` the run and its screenshot stay in `DIR/run/` and
/// `DIR/run-screenshot.png` (the README's screenshot is made this way).
#[test]
#[ignore = "needs chromium; run: cargo test --test tests -- --ignored report_browser::"]
fn report_of_peakplan_run_renders_with_headline_and_every_plot() {
    let keep = std::env::var_os("PEAKPLAN_REPORT_EXAMPLES").map(PathBuf::from);
    let tmp = tempfile::tempdir().unwrap();
    let base = keep.unwrap_or_else(|| tmp.path().to_path_buf());
    let scenario = std::env::var_os("PEAKPLAN_REPORT_SCENARIO").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.ron"),
        PathBuf::from,
    );
    let run = base.join("run");
    let status = Command::new(env!("CARGO_BIN_EXE_peakplan"))
        .arg("run")
        .arg(&scenario)
        .args(["--quick", "--replications", "8", "--quiet", "--out"])
        .arg(&run)
        .status()
        .unwrap();
    assert!(status.success());
    let shot = base.join("run-screenshot.png");
    let dom_path = tmp.path().join("dom.html");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".ci/browser-check");
    let out = Command::new("bash")
        .arg(&script)
        .arg(run.join("report.html"))
        .arg(&shot)
        .arg(&dom_path)
        .env("REQUIRE_SECTIONS", "finance channels")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "browser-check failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("run.json")).unwrap()).unwrap();
    let dom = std::fs::read_to_string(&dom_path).unwrap();
    // The headline as the browser holds it (text content, entities decoded).
    let start = dom
        .find("id=\"headline\"")
        .expect("no #headline in the DOM");
    let text_start = dom[start..].find('>').unwrap() + start + 1;
    let text_end = dom[text_start..].find("</p>").unwrap() + text_start;
    let headline = dom[text_start..text_end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    assert_eq!(headline, json["headline"]["sentence"].as_str().unwrap());
    for key in [
        "demand",
        "staffing",
        "service_level",
        "abandonment",
        "frontier",
        "cost_per_campaign",
    ] {
        let at = dom
            .find(&format!("data-plot=\"{key}\""))
            .unwrap_or_else(|| panic!("plot {key} not in the rendered DOM"));
        let end = dom[at..].find("</figure>").unwrap() + at;
        assert!(
            dom[at..end].contains("<svg"),
            "plot {key}: no <svg> in the DOM"
        );
        assert!(stdout.contains(key), "{stdout}");
    }
    assert!(stdout.contains("6 plots"), "{stdout}");
    assert!(
        stdout.contains("fit the 1280-px window")
            && stdout.contains("sections present: finance, channels"),
        "{stdout}"
    );
    // The finance section as the browser holds it: its tables, and the outsourcing row or
    // the sentence saying why there is none.
    let at = dom
        .find("data-section=\"finance\"")
        .expect("no finance section in the DOM");
    let fin = &dom[at..at + dom[at..].find("</section>").unwrap()];
    for t in ["campaigns", "cost_by_channel", "cost_by_reason"] {
        assert!(
            fin.contains(&format!("data-table=\"{t}\"")),
            "finance table {t}"
        );
    }
    assert!(fin.contains("outsourc"), "no word on outsourcing");
    let img = report_support::decode_png(&std::fs::read(&shot).unwrap()).unwrap();
    assert!(img.ink_share() > 0.05);
}

#[test]
#[ignore = "needs chromium; run: cargo test --test tests -- --ignored report_browser::"]
fn browser_check_fails_on_a_blank_page_and_on_a_missing_plot() {
    let tmp = tempfile::tempdir().unwrap();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".ci/browser-check");
    let check = |html: &str| {
        let page = tmp.path().join("page.html");
        std::fs::write(&page, html).unwrap();
        let out = Command::new("bash")
            .arg(&script)
            .arg(&page)
            .arg(tmp.path().join("shot.png"))
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, err) = check("<!DOCTYPE html><html><body></body></html>");
    assert!(!ok);
    assert!(err.contains("no #headline"), "{err}");
    assert!(err.contains("screenshot is blank"), "{err}");

    // A plot that only exists inside a comment of the file is not rendered: the check must
    // notice that it is missing from the DOM.
    let (report, _) = report_support::synthetic_report(1);
    let html = render_html(&report).unwrap().replace(
        "<figure id=\"plot-frontier\"",
        "<!-- <figure class=\"plot\" data-plot=\"ghost\"> --><figure id=\"plot-frontier\"",
    );
    let (ok, err) = check(&html);
    assert!(!ok);
    assert!(
        err.contains("plot `ghost` is in the file but not in the rendered DOM"),
        "{err}"
    );

    // A table wider than the window (cells that cannot wrap) fails, and so does the page.
    let wide_cells: String = (0..40)
        .map(|i| format!("<td class=\"num\">{i}{}</td>", "0".repeat(12)))
        .collect();
    let html = render_html(&report).unwrap().replace(
        "</main>",
        &format!(
            "<table class=\"data\" data-table=\"wide\" style=\"white-space:nowrap\"><tr>{wide_cells}</tr></table></main>"
        ),
    );
    let (ok, err) = check(&html);
    assert!(!ok);
    assert!(
        err.contains("table `wide` is") && err.contains("in a 1280-px window"),
        "{err}"
    );
    assert!(err.contains("the page is"), "{err}");

    // A required section that is not there fails.
    let page = tmp.path().join("page.html");
    std::fs::write(&page, render_html(&report).unwrap()).unwrap();
    let out = Command::new("bash")
        .arg(&script)
        .arg(&page)
        .arg(tmp.path().join("shot.png"))
        .env("REQUIRE_SECTIONS", "finance")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("section `finance` is missing"), "{err}");
}
