//! `peakplan cost`: the finance tables of a plan, written atomically.
//!
//! * `costs.csv` — one row per day × channel × reason × team/pool × source cell: handled and
//!   abandoned contacts, handling hours and the cost (exact decimal, two places). Idle time
//!   that no handled contact of the same day could carry has reason `idle`; the abandoned
//!   charge has pool `abandoned`. The cost column sums to the grand total to the cent.
//! * `campaigns.csv` — per campaign: orders, contacts (handled + abandoned), handling hours,
//!   marginal flex hours and marginal cost (re-planned without the campaign; the mean of the
//!   paired re-plans, with the bounds of its 95% interval in the last two columns), the cost the
//!   attribution charges it, cost per campaign contact and per campaign order.
//! * `levers.csv` — per lever: contacts removed, paid hours saved, money saved.
//! * `options.csv` — the plan's flex hours bought as flex, overtime or outsourcing.
//! * `cost_summary.txt` — [`CostAnalysis::summary_lines`].

use std::path::{Path, PathBuf};

use crate::cost::{CostAnalysis, CostOptions, analyse};
use crate::error::{Error, Result};
use crate::report::demand::{folder_name, write_atomic};
use crate::report::{csv_bytes, csv_err};
use crate::staffing::plan::{PlanOptions, plan};

fn table<T: serde::Serialize>(rows: &[T]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r).map_err(csv_err)?;
    }
    csv_bytes(w)
}

/// Writes `costs.csv`, `campaigns.csv`, `levers.csv`, `options.csv` and `cost_summary.txt`
/// into `dir` (each atomically); returns their paths.
pub fn write_cost_files(dir: &Path, a: &CostAnalysis) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for (name, bytes) in cost_files(a)? {
        let path = dir.join(name);
        write_atomic(&path, &bytes)?;
        out.push(path);
    }
    Ok(out)
}

/// The files: (file name, bytes).
fn cost_files(a: &CostAnalysis) -> Result<[(&'static str, Vec<u8>); 5]> {
    Ok([
        ("costs.csv", table(&a.costing.rows())?),
        ("campaigns.csv", campaigns_csv(a)?),
        ("levers.csv", levers_csv(a)?),
        ("options.csv", table(&a.options)?),
        ("cost_summary.txt", summary_text(a).into_bytes()),
    ])
}

/// `campaigns.csv` (header written even without campaigns).
fn campaigns_csv(a: &CostAnalysis) -> Result<Vec<u8>> {
    if a.campaigns.is_empty() {
        return Ok(b"campaign,orders,contacts,handling_hours,marginal_flex_hours,marginal_cost_eur,attributed_cost_eur,cost_per_contact_eur,cost_per_order_eur,marginal_cost_ci95_low_eur,marginal_cost_ci95_high_eur\n".to_vec());
    }
    table(&a.campaigns)
}

/// `levers.csv` (header written even without levers).
fn levers_csv(a: &CostAnalysis) -> Result<Vec<u8>> {
    if a.levers.is_empty() {
        return Ok(b"lever,description,contacts_removed,hours_saved,cost_saved_eur,cost_saved_ci95_low_eur,cost_saved_ci95_high_eur\n".to_vec());
    }
    table(&a.levers)
}

/// The summary as text, one line per statement.
pub fn summary_text(a: &CostAnalysis) -> String {
    let mut s = a.summary_lines().join("\n");
    s.push('\n');
    s
}

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

/// As [`run`], also returning the analysis as JSON ([`super::finance::finance_json`] and
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
    crate::report::plan::check_budget(
        &sc,
        &demand,
        crate::report::plan::plan_replications(&popts)
            + crate::report::plan::cost_replications(&sc, copts.replications, copts.pairs),
        "`peakplan cost`",
        req.allow_large,
    )?;
    let p =
        plan(&sc, &demand, &popts).map_err(|e| Error::Input(format!("{}: {e}", file.display())))?;
    let a = analyse(&sc, &demand, &p, &copts)?;
    for (name, bytes) in cost_files(&a)? {
        staged.write(name, &bytes)?;
    }
    let written = staged.commit()?;
    let mut text = summary_text(&a);
    text.push_str("\nWrote:\n");
    for w in &written {
        text.push_str(&format!("  {}\n", w.display()));
    }
    let mut json = super::finance::finance_json(&a);
    json["files"] = serde_json::json!(
        written
            .iter()
            .map(|w| w.display().to_string())
            .collect::<Vec<_>>()
    );
    Ok(CostOutcome { text, json })
}
