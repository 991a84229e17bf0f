//! `peakplan plan FILE…`: demand and the work budget of every scenario first, then each
//! plan ([`crate::staffing::plan`]), then the tables of [`crate::report::plan`] renamed into
//! place together. The work budget of the commands that plan lives here too.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::report;
use crate::report::atomic::folder_name;
use crate::staffing::plan::{PlanOptions, Promise, plan, year_view};
use crate::staffing::requirement::Method;

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: Method,
    pub confidence: Option<f64>,
    pub replications: Option<u32>,
    pub frontier: bool,
    /// Planning interval in minutes (default: the scenario's interval).
    pub plan_interval_min: Option<u32>,
    /// Run even over the work budget ([`crate::montecarlo::budget`]).
    pub allow_large: bool,
    /// Master seed (default: the scenario's `simulation.seed`).
    pub seed: Option<u64>,
    /// The service promise (`--promise`).
    pub promise: Promise,
}

/// `--replications R` of every command that plans (`plan`, `run`, `compare`): the plan's
/// final check runs R replications (in `run`, the check is the report's simulation) and
/// every frontier point at most R (its default, 30, otherwise).
pub fn apply_replications(opts: &mut PlanOptions, r: u32) {
    opts.replications = r;
    opts.frontier_replications = opts.frontier_replications.min(r);
}

/// Replications a plan with `o` runs at most, counted as whole-calendar replications: the
/// iterations of the simulation method, the check and the frontier points (0, the steps,
/// the maximum, the per-interval plan and up to two margin points).
pub fn plan_replications(o: &PlanOptions) -> f64 {
    let iterations = if o.method == Method::Simulation {
        f64::from(o.max_iterations) * f64::from(o.iter_replications)
    } else {
        0.0
    };
    let frontier = if o.frontier {
        // The evenly spaced points, the plan's own, and up to 12 bisection steps.
        f64::from(o.frontier_steps + 14) * f64::from(o.frontier_replications)
    } else {
        0.0
    };
    iterations + f64::from(o.replications) + frontier
}

/// Refuses, before any work, a command whose simulations (`replications` whole-calendar
/// replications of the scenario's model, see [`plan_replications`]) are over the work
/// budget, unless `allow_large`.
pub fn check_budget(
    sc: &crate::scenario::Scenario,
    demand: &crate::demand::Demand,
    replications: f64,
    what: &str,
    allow_large: bool,
) -> Result<()> {
    if allow_large {
        return Ok(());
    }
    let model = crate::sim::Model::from_scenario(sc, demand)?;
    crate::montecarlo::budget::Work::of_model(&model, replications, rayon::current_num_threads())
        .check(what, false)?;
    // The covering problem: one candidate shift per pool, start and length on a date.
    let shifts = candidate_shifts_per_date(sc);
    if shifts > MAX_CANDIDATE_SHIFTS_PER_DATE {
        return Err(Error::Input(format!(
            "{what} would choose flex shifts among up to {shifts:.0} candidates a date (start times × shift lengths × pools); the work budget is {MAX_CANDIDATE_SHIFTS_PER_DATE:.0}. Give the pools `start_times`, a narrower `min_shift_h`..`max_shift_h`, or fewer pools, or pass --allow-large to run it anyway"
        )));
    }
    Ok(())
}

/// Most candidate flex shifts a date the plan may choose among (start times × lengths ×
/// pools), part of the work budget of `plan`, `cost` and `run`.
pub const MAX_CANDIDATE_SHIFTS_PER_DATE: f64 = 20_000.0;

/// An upper bound of the candidate flex shifts on one date: per pool, its start times
/// (`start_times`, or every full hour of its longest available day) × the shift lengths
/// between `min_shift_h` and `max_shift_h` in planning-interval steps.
pub fn candidate_shifts_per_date(sc: &crate::scenario::Scenario) -> f64 {
    let step_h = f64::from(sc.calendar.interval_min.max(1)) / 60.0;
    let per_day = (24.0 / step_h).ceil();
    sc.agents
        .flex_pools
        .iter()
        .map(|p| {
            let hours = crate::scenario::Day::ALL
                .iter()
                .filter_map(|&d| p.availability.on(d))
                .map(|(f, t)| f64::from(t.minutes().saturating_sub(f.minutes())) / 60.0)
                .fold(0.0, f64::max);
            let starts = if p.start_times.is_empty() {
                hours.ceil().min(24.0)
            } else {
                (p.start_times.len() as f64).min(per_day)
            };
            let lengths =
                (((p.max_shift_h - p.min_shift_h) / step_h).floor() + 1.0).clamp(1.0, per_day);
            starts * lengths
        })
        .sum()
}

/// Whole-calendar replications of a cost analysis with `replications` per costing: the
/// plan's costing and, per campaign and per possible lever (every reason, prevention,
/// deflection, early ordering), `pairs` pairs of re-plans costed the same way.
pub fn cost_replications(sc: &crate::scenario::Scenario, replications: u32, pairs: u32) -> f64 {
    let differences = sc.campaigns.len() + sc.reasons.len() + 3;
    f64::from(replications) * (1.0 + 2.0 * f64::from(pairs.max(1)) * differences as f64)
}

/// What the command produced: the text to print and the same summary as JSON.
#[derive(Debug, Clone)]
pub struct PlanOutcome {
    pub text: String,
    pub json: serde_json::Value,
}

/// Runs the command; returns the text to print.
pub fn run(
    files: &[PathBuf],
    overrides: &[String],
    req: &Request,
    out: Option<&Path>,
) -> Result<String> {
    run_outcome(files, overrides, req, out).map(|o| o.text)
}

/// Runs the command; returns the text to print and the summary as JSON.
pub fn run_outcome(
    files: &[PathBuf],
    overrides: &[String],
    req: &Request,
    out: Option<&Path>,
) -> Result<PlanOutcome> {
    if files.is_empty() {
        return Err(Error::Input("give at least one scenario file".into()));
    }
    let scenarios = files
        .iter()
        .map(|f| crate::scenario::load(f, overrides))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let base = out.map_or_else(
        || {
            let name = if scenarios.len() == 1 {
                folder_name(&scenarios[0].name)
            } else {
                "year".to_string()
            };
            Path::new("output").join(name).join("plan")
        },
        Path::to_path_buf,
    );
    let several = scenarios.len() > 1;
    let dir_of = |name: &str| {
        if !several {
            String::new()
        } else {
            format!("{}/", folder_name(name))
        }
    };
    // The output folders are checked before any work; the files are renamed into place
    // together when every plan is done.
    let mut staged = crate::report::atomic::OutputDir::new(&base)?;
    for sc in &scenarios {
        let sub = dir_of(&sc.name);
        if !sub.is_empty() {
            crate::report::atomic::check_output_dir(&base.join(&sub), "staffing.csv")?;
        }
    }
    // Every scenario's demand and work budget before the first plan starts.
    let mut prepared = Vec::new();
    for (file, sc) in files.iter().zip(scenarios) {
        let demand = crate::demand::compute(&sc).map_err(Error::demand(file))?;
        let mut opts = PlanOptions::for_scenario(&sc);
        opts.method = req.method;
        opts.frontier = req.frontier;
        if let Some(c) = req.confidence {
            opts.confidence = c;
        }
        if let Some(r) = req.replications {
            apply_replications(&mut opts, r);
        }
        opts.plan_interval_min = req.plan_interval_min;
        opts.promise = req.promise;
        if let Some(seed) = req.seed {
            opts.seed = seed;
        }
        check_budget(
            &sc,
            &demand,
            plan_replications(&opts),
            &format!("`peakplan plan {}`", file.display()),
            req.allow_large,
        )?;
        prepared.push((file, sc, demand, opts));
    }
    let mut plans = Vec::new();
    for (file, sc, demand, opts) in &prepared {
        let p = plan(sc, demand, opts).map_err(Error::plan(file))?;
        plans.push(p);
    }
    let mut text = String::new();
    let mut json = serde_json::json!({
        "plans": plans.iter().map(report::plan::plan_json).collect::<Vec<_>>(),
    });
    for (p, (_, sc, _, _)) in plans.iter().zip(&prepared) {
        let sub = dir_of(&sc.name);
        for (name, bytes) in report::plan::tables(p)? {
            staged.write(&format!("{sub}{name}"), &bytes)?;
        }
        let s = report::plan::summary(p);
        staged.write(&format!("{sub}summary.txt"), s.as_bytes())?;
        text.push_str(&s);
        text.push('\n');
    }
    if plans.len() > 1 {
        let y = year_view(&plans);
        let (csv, s) = report::plan::year_tables(&y, &plans)?;
        staged.write("year.csv", &csv)?;
        text.push_str(&s);
        json["year"] = serde_json::json!({ "summary": s });
    }
    let written = staged.commit()?;
    let _ = writeln!(text, "\nWrote:");
    for w in &written {
        let _ = writeln!(text, "  {}", w.display());
    }
    json["files"] = serde_json::json!(
        written
            .iter()
            .map(|w| w.display().to_string())
            .collect::<Vec<_>>()
    );
    Ok(PlanOutcome { text, json })
}
