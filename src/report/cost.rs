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

use crate::cost::CostAnalysis;
use crate::error::Result;
use crate::report::atomic::write_atomic;
use crate::report::{csv_bytes, csv_err};

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
pub fn cost_files(a: &CostAnalysis) -> Result<[(&'static str, Vec<u8>); 5]> {
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
