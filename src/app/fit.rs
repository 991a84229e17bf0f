//! `peakplan fit --calls FILE…`: per-call records → handling, patience and volume
//! estimates ([`crate::fit`]), with the optional interval table, RON fragment and replay.
//! (`--counts` and `--plan` run [`crate::fit::run_counts`] and
//! [`crate::fit::history::run_plan`].)

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::fit::{self, Mapping};
use crate::montecarlo::seeds;

/// What `fit --calls` was asked.
#[derive(Debug, Clone)]
pub struct CallsRequest {
    pub calls: Vec<PathBuf>,
    pub mapping: Mapping,
    /// A call from the same customer within this many seconds of an abandon is a redial.
    pub redial_window_s: f64,
    /// Write the per-interval observations here (`--intervals-out`).
    pub intervals_out: Option<PathBuf>,
    pub interval_min: u32,
    /// Write the fitted RON fragment here (`--out`), extending `extends` when given.
    pub out: Option<PathBuf>,
    pub extends: Option<String>,
    /// The channel named in the fragment.
    pub profile_channel: String,
    /// `--replay FROM..TO` and its replications.
    pub replay: Option<String>,
    pub replications: u32,
    pub allow_large: bool,
    /// Add the observed figures per day.
    pub per_day: bool,
    /// JSON instead of the table.
    pub json: bool,
}

/// Runs `fit --calls`; returns the text to print.
pub fn calls(r: &CallsRequest) -> Result<String> {
    let set = fit::load_calls(&r.calls, &r.mapping)?;
    let est = fit::estimate(&set, r.redial_window_s);
    if let Some(p) = &r.intervals_out {
        let rows = fit::estimate::checked_interval_table(&set, r.interval_min)?;
        fit::write_atomically(p, &fit::estimate::interval_csv(&rows))?;
    }
    if let Some(p) = &r.out {
        let mut frag = fit::render::calls_fragment(&est, &r.profile_channel)?;
        if let Some(base) = &r.extends {
            frag = fit::render::with_extends(&frag, base);
        }
        fit::write_atomically(p, &frag)?;
    }
    if let Some(period) = &r.replay {
        let bad = || Error::Input(format!("--replay `{period}`: write YYYY-MM-DD..YYYY-MM-DD"));
        let (x, y) = period.split_once("..").ok_or_else(bad)?;
        let first: jiff::civil::Date = x.trim().parse().map_err(|_| bad())?;
        let last: jiff::civil::Date = y.trim().parse().map_err(|_| bad())?;
        let opts = fit::replay::ReplayOptions {
            replications: r.replications,
            seed: seeds::DEFAULT,
            allow_large: r.allow_large,
        };
        let days = fit::replay::replay_with(&set, &est, first, last, &opts)?;
        return Ok(fit::replay::replay_table(&days));
    }
    let days = r.per_day.then(|| fit::estimate::daily_observed(&set));
    Ok(match (r.json, &days) {
        (false, None) => fit::render::calls_table(&est, &set),
        (false, Some(d)) => fit::render::calls_table(&est, &set) + &fit::render::days_table(d),
        (true, None) => fit::render::calls_json(&est),
        (true, Some(d)) => fit::render::calls_json_with_days(&est, d),
    })
}
