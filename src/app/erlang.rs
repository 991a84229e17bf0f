//! `peakplan erlang`: the calculator's cases computed ([`crate::erlang`]), optionally
//! simulated as stationary intervals through the one replication driver, and rendered by
//! [`crate::report::erlang_calc`] as a table, JSON or CSV.

use std::io::Write;

use crate::error::{Error, Result};
use crate::report::erlang_calc::{self, Case, Format, ResultRow};

/// Runs the calculator: computes the cases, prints the unstable warnings to `err` and the
/// results to `out`. `batch` says whether the cases came from a file (no heading).
pub fn run(
    cases: &[Case],
    batch: bool,
    format: Format,
    sim: Option<&SimSettings>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let mut rows = erlang_calc::compute(cases)?;
    for w in erlang_calc::warnings(&rows) {
        let _ = writeln!(err, "{w}");
    }
    let mut heading = match cases {
        [one] if !batch => erlang_calc::heading_for(one, &rows),
        _ => erlang_calc::Heading::default(),
    };
    if let Some(s) = sim {
        simulate_rows(&mut rows, cases, s, err)?;
        heading.lines.push(format!(
            "simulated: {} replication{} × {} calls after a warm-up, seed {}; ± is the 95% CI half-width{}",
            s.replications,
            if s.replications == 1 { "" } else { "s" },
            s.calls,
            s.seed,
            if s.replications == 1 {
                " (batch means)"
            } else {
                ""
            }
        ));
    }
    erlang_calc::render(&rows, &heading, format, out)
}

/// Settings of `--simulate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimSettings {
    /// Replications (`--simulate R`).
    pub replications: u32,
    /// Observed calls per replication (`--sim-calls`).
    pub calls: u64,
    pub seed: u64,
    pub threads: Option<usize>,
    /// Run even over the work budget ([`crate::montecarlo::budget`]).
    pub allow_large: bool,
}

impl Default for SimSettings {
    fn default() -> Self {
        let d = crate::montecarlo::StationaryConfig::default();
        SimSettings {
            replications: d.replications,
            calls: d.calls,
            seed: d.seed,
            threads: None,
            allow_large: false,
        }
    }
}

/// Simulates every row's staffing level as a stationary interval
/// ([`crate::montecarlo::simulate_stationary`]: M/M/n, or M/M/n+M with the case's
/// patience; the case's SL definition and target time) and fills [`ResultRow::simulated`].
/// Rows whose Erlang C queue is unstable are not simulated (their queue grows without
/// bound, so no steady state exists): `simulated` is `null` and a warning goes to `err`.
pub fn simulate_rows(
    rows: &mut [ResultRow],
    cases: &[Case],
    s: &SimSettings,
    err: &mut dyn Write,
) -> Result<()> {
    use crate::montecarlo::{Estimate, StationaryConfig, simulate_stationary};
    use crate::sim::Stationary;
    if s.replications == 0 || s.calls == 0 || s.threads == Some(0) {
        return Err(Error::Input(
            "--simulate, --sim-calls and --threads must be at least 1".into(),
        ));
    }
    let num = |x: f64| {
        if x.is_finite() {
            serde_json::Value::from(x)
        } else {
            serde_json::Value::Null
        }
    };
    let est = |e: &Estimate| serde_json::json!({"mean": num(e.mean), "ci95_low": num(e.ci95_low), "ci95_high": num(e.ci95_high)});
    let setup = |row: &ResultRow| {
        let case = &cases[row.case - 1];
        let mut p = Stationary::markovian(
            case.rate_per_s * 3600.0,
            case.aht_s,
            row.agents,
            case.patience_s,
            row.target_s.unwrap_or(0.0),
        );
        p.sl_definition = case.targets.sl_definition;
        if let Some(t) = row.target_sl {
            p.target_share = t;
        }
        let cfg = StationaryConfig {
            replications: s.replications,
            calls: s.calls,
            seed: s.seed,
            threads: s.threads,
            ..StationaryConfig::default()
        };
        (p, cfg)
    };
    // The work budget over every row to simulate, before the first one starts.
    if !s.allow_large {
        let threads = s.threads.unwrap_or_else(rayon::current_num_threads);
        let mut total: Option<crate::montecarlo::budget::Work> = None;
        for row in rows.iter().filter(|r| r.stable) {
            let (p, cfg) = setup(row);
            let w = crate::montecarlo::stationary_work(&p, &cfg, threads);
            total = Some(match total {
                None => w,
                Some(t) => crate::montecarlo::budget::Work {
                    contacts_per_replication: t.contacts_per_replication
                        + w.contacts_per_replication,
                    replications: t.replications,
                    memory_bytes: t.memory_bytes.max(w.memory_bytes),
                },
            });
        }
        if let Some(w) = total {
            w.check("`peakplan erlang --simulate`", false)?;
        }
    }
    for row in rows.iter_mut() {
        if !row.stable {
            let _ = writeln!(
                err,
                "warning: {} agents not simulated: the queue is unstable (no steady state to measure)",
                row.agents
            );
            row.simulated = Some(serde_json::Value::Null);
            continue;
        }
        let (p, cfg) = setup(row);
        let e = simulate_stationary(&p, &cfg)
            .map_err(|e| Error::Input(format!("case {}, {} agents: {e}", row.case, row.agents)))?;
        let sl = if row.target_s.is_some() {
            est(&e.service_level)
        } else {
            serde_json::Value::Null
        };
        row.simulated = Some(serde_json::json!({
            "p_wait": est(&e.p_wait),
            "service_level": sl,
            "asa_s": est(&e.asa_s),
            "p_abandon": est(&e.p_abandon),
            "occupancy": est(&e.occupancy),
            "replications": s.replications,
            "calls": s.calls,
            "calls_observed": e.calls_observed,
            "seed": s.seed,
        }));
    }
    Ok(())
}
