//! `peakplan demand FILE`: the scenario's expected contacts ([`crate::demand`]) as the
//! tables and plot of [`crate::report::demand`].

use std::fmt::Write as _;
use std::path::Path;

use crate::error::{Error, Result};
use crate::report;
use crate::report::atomic::folder_name;
use crate::report::demand::Format;
use crate::report::plot::stage_plot;

/// The command: load `file` (with its `extends` chain and the `--set` overrides), compute
/// demand, write the tables into `out` (default `output/<scenario name>/`) and return the
/// summary to print.
pub fn run(
    file: &Path,
    overrides: &[String],
    out: Option<&Path>,
    format: Format,
) -> Result<String> {
    let scenario = crate::scenario::load(file, overrides)?;
    let dir = out.map_or_else(
        || Path::new("output").join(folder_name(&scenario.name)),
        Path::to_path_buf,
    );
    // The output folder is checked before any work; files are renamed into place together.
    let mut staged = crate::report::atomic::OutputDir::new(&dir)?;
    let demand = crate::demand::compute(&scenario).map_err(Error::demand(file))?;
    for (name, bytes) in report::demand::tables(&demand, &scenario.name, format)? {
        staged.write(&name, &bytes)?;
    }
    stage_plot(
        &mut staged,
        &report::demand::demand_plot(&demand, &scenario),
        "demand",
    )?;
    let written = staged.commit()?;
    let mut text = report::demand::summary(&demand, &scenario);
    let _ = writeln!(text, "\nWrote:");
    for p in written {
        let _ = writeln!(text, "  {}", p.display());
    }
    Ok(text)
}
