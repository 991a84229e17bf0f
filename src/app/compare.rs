//! `peakplan compare A B`: both scenarios run as [`super::run`] computes them (nothing of
//! their own written), set side by side by [`crate::report::compare`].

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::run::{RunOptions, compute, phase};
use crate::error::{Error, Result};
use crate::report::atomic::{
    self, Replaced, folder_name, map_atomic, refuse_foreign, write_atomic,
};
use crate::report::{self, csv_bytes, csv_err};

/// What `peakplan compare` produced.
#[derive(Debug)]
pub struct CompareOutcome {
    pub dir: PathBuf,
    pub replaced: Replaced,
    /// The compared figures (see [`super::compare`]).
    pub rows: Vec<report::compare::CompareRow>,
    /// The table for the terminal.
    pub text: String,
    /// The comparison as JSON (`compare --format json`).
    pub json: serde_json::Value,
}

/// `peakplan compare A B`: both scenarios run (nothing of their own written) and set side
/// by side — the headline figures, then contacts and cost per campaign, with B − A — as a
/// table on the terminal and `compare.html` + `compare.csv` (numeric; see
/// [`super::compare`]) in `--out` (default `output/compare_<A>_vs_<B>/`).
pub fn compare(a: &Path, b: &Path, o: &RunOptions) -> Result<CompareOutcome> {
    // The output folder is checked before any work (loading is cheap; the names decide
    // the default folder).
    let early_dir = match &o.out {
        Some(d) => d.clone(),
        None => Path::new("output").join(format!(
            "compare_{}_vs_{}",
            folder_name(&crate::scenario::load(a, &o.overrides)?.name),
            folder_name(&crate::scenario::load(b, &o.overrides)?.name)
        )),
    };
    refuse_foreign(&early_dir, "compare.csv")?;
    // A comparison is about differences: each side's marginals get the cost command's
    // pairs (an interval) unless --marginal-pairs says otherwise.
    let o = &RunOptions {
        marginal_pairs: o
            .marginal_pairs
            .or(Some(crate::cost::analysis::DEFAULT_PAIRS)),
        ..o.clone()
    };
    let ca = compute(a, o)?;
    let cb = compute(b, o)?;
    phase(o, "report");
    let rows = report::compare::rows(&ca, &cb);
    let mut text = report::compare::terminal_text(&ca, &cb, &rows);
    let report = report::compare::report(&ca, &cb, &rows, o.seed);
    let dir = o.out.clone().unwrap_or_else(|| {
        Path::new("output").join(format!(
            "compare_{}_vs_{}",
            folder_name(&ca.scenario.name),
            folder_name(&cb.scenario.name)
        ))
    });
    let html = report::html::render_html(&report).map_err(|e| Error::Internal(e.to_string()))?;
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in report::compare::csv_records(&ca, &cb, &rows) {
        w.write_record(&r).map_err(csv_err)?;
    }
    let csv = csv_bytes(w)?;
    let replaced = atomic::replace_dir(&dir, "compare.csv", |stage| {
        write_atomic(&stage.join("compare.html"), html.as_bytes())?;
        write_atomic(&stage.join("compare.csv"), &csv)?;
        Ok::<(), Error>(())
    })
    .map_err(|e| map_atomic(e, &dir))?;
    let _ = writeln!(text, "\n{}.", replaced.describe(&dir));
    let json = report::compare::json(&ca, &cb, &rows);
    Ok(CompareOutcome {
        dir,
        replaced,
        rows,
        text,
        json,
    })
}
