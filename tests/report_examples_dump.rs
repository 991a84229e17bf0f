//! Writes one PNG and SVG of every plot kind to `$PEAKPLAN_REPORT_EXAMPLES` (for people to look
//! at). Ignored by default: `PEAKPLAN_REPORT_EXAMPLES=/tmp/report-examples cargo test --test
//! tests -- --ignored report_examples_dump::`.

use crate::report_support;

use peakplan::report::plot::DEFAULT_SIZE;

#[test]
#[ignore = "writes example pictures; set PEAKPLAN_REPORT_EXAMPLES=DIR and pass --ignored"]
fn dump_examples() {
    let dir = std::env::var("PEAKPLAN_REPORT_EXAMPLES").unwrap_or("/tmp/report-examples".into());
    std::fs::create_dir_all(&dir).unwrap();
    for days in [3, 42] {
        for (key, plot) in report_support::all_plots(days) {
            for ext in ["png", "svg"] {
                let path = std::path::Path::new(&dir).join(format!("{key}_{days}d.{ext}"));
                plot.write(&path, DEFAULT_SIZE).unwrap();
            }
        }
    }
    // Degenerate cases, to see that they read sensibly.
    let mut one = report_support::service_level_plot(1);
    one.axis.starts.truncate(1);
    one.line.values.truncate(1);
    if let Some(b) = one.band.as_mut() {
        b.low.truncate(1);
        b.high.truncate(1);
    }
    let mut empty = report_support::demand_plot(1);
    empty.axis.starts.clear();
    empty.layers.clear();
    empty.overlay = None;
    let dir = std::path::Path::new(&dir);
    peakplan::report::plot::Plot::from(one)
        .write(&dir.join("degenerate_one_interval.png"), DEFAULT_SIZE)
        .unwrap();
    peakplan::report::plot::Plot::from(empty)
        .write(&dir.join("degenerate_empty.png"), DEFAULT_SIZE)
        .unwrap();
}
