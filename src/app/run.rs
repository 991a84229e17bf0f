//! `peakplan run FILE`: validate → demand → plan (whose check is the simulation of the
//! plan) → cost, then the run directory (report.html, summary.md, run.json, tables, plots)
//! written atomically by [`crate::report::run`].

use std::path::{Path, PathBuf};

use crate::cost::{self, CostOptions};
use crate::error::{Error, Result};
use crate::report;
use crate::report::atomic::{self, Replaced, folder_name, map_atomic, refuse_foreign};
use crate::report::run::{Computed, Figure, MARKER};
use crate::staffing::plan::{PlanOptions, Promise, plan};

/// What the run is doing, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// A phase started: `validate`, `demand`, `plan` (its check is the run's simulation),
    /// `cost`, `report`.
    Phase(&'static str),
}

/// Settings of a run; `None` takes the scenario's own values.
#[derive(Clone, Default)]
pub struct RunOptions<'a> {
    /// Output directory (default `output/<scenario name>/`).
    pub out: Option<PathBuf>,
    /// Replications of the plan's final check, which is the run's simulation (default: the
    /// plan's 100); frontier points run at most as many ([`super::plan::apply_replications`]).
    pub replications: Option<u32>,
    /// Master seed (default: the scenario's `simulation.seed`).
    pub seed: Option<u64>,
    /// `--set PATH=VALUE` overrides.
    pub overrides: Vec<String>,
    /// Shorten the plan for smoke tests: at most this many iterations of the simulation
    /// method and this many replications per iteration (never for real decisions).
    pub quick: bool,
    /// Pairs of re-plans behind each marginal cost (default
    /// [`crate::cost::analysis::DEFAULT_PAIRS`]; 2 with `quick`).
    pub marginal_pairs: Option<u32>,
    /// Called on the calling thread as the run advances (the library never prints).
    pub progress: Option<&'a (dyn Fn(Progress) + Sync)>,
    /// Run even over the work budget ([`crate::montecarlo::budget`]).
    pub allow_large: bool,
    /// The service promise (`--promise`).
    pub promise: Promise,
}

/// What a run produced.
#[derive(Debug)]
pub struct RunOutcome {
    pub dir: PathBuf,
    pub replaced: Replaced,
    /// Files written (relative to `dir`, sorted).
    pub files: Vec<PathBuf>,
    pub headline: String,
    pub figures: Vec<Figure>,
    /// The text for the terminal: headline, key figures, what was written or replaced.
    pub summary: String,
    /// `run.json`'s record (`run --format json`).
    pub json: serde_json::Value,
}

pub(crate) fn phase(o: &RunOptions, p: &'static str) {
    if let Some(f) = o.progress {
        f(Progress::Phase(p));
    }
}

/// Pairs of re-plans behind each marginal in `run` (default; `cost` uses
/// [`crate::cost::analysis::DEFAULT_PAIRS`]).
pub const RUN_MARGINAL_PAIRS: u32 = 1;

/// Validate → demand → plan → simulate → cost; nothing is written.
pub fn compute(file: &Path, o: &RunOptions) -> Result<Computed> {
    phase(o, "validate");
    let loaded = crate::scenario::load_with_warnings(file, &o.overrides)?;
    let mut files = Vec::new();
    for f in &loaded.files {
        let bytes = std::fs::read(f).map_err(|source| Error::Io {
            path: f.clone(),
            source,
        })?;
        files.push((f.clone(), super::sha256_hex(&bytes)));
    }
    let sc = loaded.scenario;
    let bad = |e: &dyn std::fmt::Display| Error::Input(format!("{}: {e}", file.display()));
    phase(o, "demand");
    let demand = crate::demand::compute(&sc).map_err(Error::demand(file))?;
    phase(o, "plan");
    let seed = o.seed.unwrap_or(sc.simulation.seed);
    let mut popts = PlanOptions::for_scenario(&sc);
    popts.seed = seed;
    popts.promise = o.promise;
    popts.keep_statistics = true;
    if let Some(r) = o.replications {
        if r < 2 {
            return Err(Error::Input(format!(
                "--replications {r}: give at least 2 (the plan's check needs a spread)"
            )));
        }
        super::plan::apply_replications(&mut popts, r);
    }
    if o.quick {
        popts.max_iterations = popts.max_iterations.min(2);
        popts.iter_replications = popts.iter_replications.min(8);
        popts.frontier_steps = popts.frontier_steps.min(3);
    }
    let mut copts = CostOptions::for_scenario(&sc);
    copts.seed = seed;
    // One pair of warm-started re-plans per marginal keeps `run` within its minute; `cost`
    // (and --marginal-pairs) give the interval.
    copts.pairs = RUN_MARGINAL_PAIRS;
    if o.quick {
        copts.replications = copts.replications.min(4);
        copts.pairs = copts.pairs.min(2);
    }
    if let Some(k) = o.marginal_pairs {
        copts.pairs = k;
    }
    // The plan (whose check is the run's simulation) and the cost analysis, before either
    // starts.
    crate::app::plan::check_budget(
        &sc,
        &demand,
        crate::app::plan::plan_replications(&popts)
            + crate::app::plan::cost_replications(&sc, copts.replications, copts.pairs),
        &format!("`peakplan run {}`", file.display()),
        o.allow_large,
    )?;
    // A staffing error keeps its type: bad pool rules are the user's (exit 2), a solver
    // failure is not (exit 1).
    let mut plan = plan(&sc, &demand, &popts)?;
    // The plan's check (fresh seed, its replications) is the run's simulation: staffing.csv's
    // SL columns and the report's figures come from the same runs, simulated once.
    let model = crate::staffing::plan::planned_model(&sc, &demand, &plan).map_err(|e| bad(&e))?;
    let sim_replications = popts.replications;
    let sim = plan
        .statistics
        .take()
        .ok_or_else(|| Error::Internal("the plan kept no statistics of its check".into()))?;
    phase(o, "cost");
    let cost = cost::analyse(&sc, &demand, &plan, &copts)?;
    let headline = crate::report::plan::headline_sentence(&plan.headline());
    let mut risks = crate::report::plan::risks(&plan);
    if o.quick {
        risks.insert(
            0,
            "Quick run (--quick): fewer rounds and replications; not for decisions.".into(),
        );
    }
    let model_days =
        report::channels::channel_days(&sim, &model, &demand.days, plan.options.confidence);
    risks.extend(report::channels::risk_lines(
        &report::channels::channel_risks(&model_days),
    ));
    let mut c = Computed {
        file: file.to_path_buf(),
        scenario: sc,
        files,
        overrides: o.overrides.clone(),
        demand,
        plan,
        model,
        sim,
        seed,
        sim_replications,
        cost,
        headline,
        risks,
        quick: o.quick,
        figures: Vec::new(),
    };
    c.figures = report::run::figures(&c);
    Ok(c)
}

/// The whole command: compute, then write the run directory atomically.
pub fn run(file: &Path, o: &RunOptions) -> Result<RunOutcome> {
    let dir = match &o.out {
        Some(d) => d.clone(),
        // Loading is cheap (milliseconds); the name decides the folder.
        None => Path::new("output").join(folder_name(
            &crate::scenario::load(file, &o.overrides)?.name,
        )),
    };
    refuse_foreign(&dir, MARKER)?;
    let c = compute(file, o)?;
    phase(o, "report");
    let replaced = atomic::replace_dir(&dir, MARKER, |stage| report::run::write_all(&c, stage))
        .map_err(|e| map_atomic(e, &dir))?;
    let mut files = Vec::new();
    if let Ok(rd) = std::fs::read_dir(&dir) {
        for e in rd.flatten() {
            files.push(PathBuf::from(e.file_name()));
        }
    }
    files.sort();
    let summary = report::run::terminal_summary(&c, files.len(), &dir, &replaced);
    Ok(RunOutcome {
        dir,
        replaced,
        files,
        headline: c.headline.clone(),
        figures: c.figures.clone(),
        summary,
        json: report::run::run_json(&c),
    })
}
