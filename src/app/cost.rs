//! `peakplan cost FILE`: plan as `peakplan plan` does (without the frontier), analyse the
//! costs ([`crate::cost`]) and write the finance tables of [`crate::report::cost`].

use std::path::Path;

use crate::cost::{CostOptions, analyse};
use crate::error::{Error, Result};
use crate::report;
use crate::report::atomic::folder_name;
use crate::staffing::plan::{PlanOptions, plan};

/// What the command was asked.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// Costing replications (default: [`CostOptions::for_scenario`]).
    pub replications: Option<u32>,
    /// Seed of the plan and the costing (default: the scenario's).
    pub seed: Option<u64>,
    pub threads: Option<usize>,
    /// Run even over the work budget ([`crate::montecarlo::budget`]).
    pub allow_large: bool,
    /// Pairs of re-plans behind each marginal figure (default
    /// [`crate::cost::analysis::DEFAULT_PAIRS`]).
    pub pairs: Option<u32>,
}

/// What the command produced: the text to print and the analysis as JSON.
#[derive(Debug, Clone)]
pub struct CostOutcome {
    pub text: String,
    pub json: serde_json::Value,
}

/// The command: load `file`, plan it exactly as `peakplan plan` does (the scenario's
/// defaults: simulation method and check; the frontier only adds rows beside the plan, so it
/// is skipped), analyse
/// the costs and write the files into `out` (default `output/<scenario name>/cost/`).
/// Returns the text to print.
pub fn run(file: &Path, overrides: &[String], req: &Request, out: Option<&Path>) -> Result<String> {
    run_outcome(file, overrides, req, out).map(|o| o.text)
}

/// As [`run`], also returning the analysis as JSON ([`report::finance::finance_json`] and
/// the files written).
pub fn run_outcome(
    file: &Path,
    overrides: &[String],
    req: &Request,
    out: Option<&Path>,
) -> Result<CostOutcome> {
    let sc = crate::scenario::load(file, overrides)?;
    let dir = out.map_or_else(
        || Path::new("output").join(folder_name(&sc.name)).join("cost"),
        Path::to_path_buf,
    );
    // The output folder is checked before any work; files are renamed into place together.
    let mut staged = crate::report::atomic::OutputDir::new(&dir)?;
    let demand = crate::demand::compute(&sc).map_err(Error::demand(file))?;
    // The flex shifts are those of `peakplan plan` (same options and seed); the frontier
    // does not change them and is not reported here.
    let mut popts = PlanOptions::for_scenario(&sc);
    popts.frontier = false;
    let mut copts = CostOptions::for_scenario(&sc);
    if let Some(s) = req.seed {
        popts.seed = s;
        copts.seed = s;
    }
    if let Some(r) = req.replications {
        copts.replications = r;
    }
    if let Some(k) = req.pairs {
        copts.pairs = k;
    }
    copts.threads = req.threads;
    super::plan::check_budget(
        &sc,
        &demand,
        super::plan::plan_replications(&popts)
            + super::plan::cost_replications(&sc, copts.replications, copts.pairs),
        "`peakplan cost`",
        req.allow_large,
    )?;
    let p = plan(&sc, &demand, &popts).map_err(Error::plan(file))?;
    let a = analyse(&sc, &demand, &p, &copts)?;
    for (name, bytes) in report::cost::cost_files(&a)? {
        staged.write(name, &bytes)?;
    }
    let written = staged.commit()?;
    let mut text = report::cost::summary_text(&a);
    text.push_str("\nWrote:\n");
    for w in &written {
        text.push_str(&format!("  {}\n", w.display()));
    }
    let mut json = report::finance::finance_json(&a);
    json["files"] = serde_json::json!(
        written
            .iter()
            .map(|w| w.display().to_string())
            .collect::<Vec<_>>()
    );
    Ok(CostOutcome { text, json })
}
