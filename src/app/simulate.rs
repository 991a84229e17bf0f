//! `peakplan simulate FILE`: the scenario's model replicated through the one driver
//! ([`crate::montecarlo::run_range`]), all of it or a shard's part (`--shard K/N`,
//! [`super::merge`]), then the tables and summary of [`crate::report::simulate`]. The
//! one-machine run and `merge` end in the same [`finish`], so both write the same bytes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::demand::Demand;
use crate::error::{Error, Result};
use crate::montecarlo::{self, Config, McResult};
use crate::report;
use crate::report::atomic::folder_name;
use crate::scenario::Scenario;
use crate::sim::Model;

/// Command-line settings; `None` takes the scenario's `simulation` section (or rayon's
/// default thread count).
#[derive(Clone, Default)]
pub struct Options<'a> {
    pub replications: Option<u32>,
    pub seed: Option<u64>,
    pub threads: Option<usize>,
    pub out: Option<PathBuf>,
    pub overrides: Vec<String>,
    /// No summary.
    pub quiet: bool,
    /// Called as replications finish, with (done, of this run's): the binary draws its
    /// progress bar from it (the library never prints).
    pub progress: Option<&'a (dyn Fn(u32, u32) + Sync)>,
    /// Run even over the work budget ([`crate::montecarlo::budget`]).
    pub allow_large: bool,
    /// Run only this shard's replications and write a part file
    /// ([`crate::app::shard`]).
    pub shard: Option<crate::app::shard::ShardSpec>,
}

/// What a run produced.
#[derive(Debug)]
pub struct Outcome {
    pub result: McResult,
    pub written: Vec<PathBuf>,
    /// The human summary (empty when quiet).
    pub summary: String,
    /// The summary as JSON ([`crate::report::simulate::summary_json`]).
    pub json: serde_json::Value,
}

/// The command: load, compute demand, simulate, write the tables; returns the summary.
///
/// With [`Options::shard`] it runs only that shard's replications and writes one part file
/// instead (see [`crate::app::shard`]); `peakplan merge` turns the parts into these tables.
pub fn run(file: &Path, opts: &Options) -> Result<Outcome> {
    if let Some(spec) = opts.shard {
        return crate::app::merge::simulate_shard(file, opts, spec);
    }
    let p = prepare(file, opts)?;
    // The output folder is checked before any work; files are renamed into place together.
    let staged = crate::report::atomic::OutputDir::new(&p.dir)?;
    let started = Instant::now();
    let result = simulate_range(file, opts, &p, 0..p.cfg.replications)?;
    let wall = started.elapsed().as_secs_f64();
    finish(opts, p, staged, result, wall)
}

/// A loaded simulation, before any replication.
pub struct Prepared {
    pub scenario: Scenario,
    pub demand: Demand,
    pub model: Model,
    pub cfg: Config,
    /// The output folder (`--out`, default `output/<scenario name>/`).
    pub dir: PathBuf,
}

/// Loads the scenario, computes demand and the model, and checks the settings.
pub fn prepare(file: &Path, opts: &Options) -> Result<Prepared> {
    let scenario = crate::scenario::load(file, &opts.overrides)?;
    let dir = opts
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(folder_name(&scenario.name)));
    let demand = crate::demand::compute(&scenario).map_err(Error::demand(file))?;
    let model = Model::from_scenario(&scenario, &demand)
        .map_err(|e| Error::Input(format!("{}: {e}", file.display())))?;
    let replications = opts
        .replications
        .unwrap_or(scenario.simulation.replications);
    if replications == 0 {
        return Err(Error::Input(
            "--replications must be at least 1 (simulation.replications in the scenario)".into(),
        ));
    }
    if opts.threads == Some(0) {
        return Err(Error::Input("--threads must be at least 1".into()));
    }
    let cfg = Config {
        threads: opts.threads,
        ..Config::new(replications, opts.seed.unwrap_or(scenario.simulation.seed))
    };
    Ok(Prepared {
        scenario,
        demand,
        model,
        cfg,
        dir,
    })
}

/// Runs replications `reps` of a prepared simulation (all of them, or a shard's), with the
/// work budget checked first and [`Options::progress`] told as they finish.
pub fn simulate_range(
    file: &Path,
    opts: &Options,
    p: &Prepared,
    reps: std::ops::Range<u32>,
) -> Result<McResult> {
    let n = reps.end - reps.start;
    let threads = opts.threads.unwrap_or_else(rayon::current_num_threads);
    crate::montecarlo::budget::Work::of_model(&p.model, f64::from(n), threads)
        .check("`peakplan simulate`", opts.allow_large)?;
    let first = reps.start;
    if let Some(f) = opts.progress {
        f(0, n);
    }
    let progress = |done: u32, _total: u32| {
        if let Some(f) = opts.progress {
            f(done - first, n);
        }
    };
    montecarlo::run_range(&p.model, &p.cfg, reps, Some(&progress))
        .map_err(|e| Error::Input(format!("{}: {e}", file.display())))
}

/// Writes the tables of a finished simulation (one machine's, or merged from parts) and
/// builds the summary: the same code for both, so both write the same bytes.
pub fn finish(
    opts: &Options,
    p: Prepared,
    mut staged: crate::report::atomic::OutputDir,
    result: McResult,
    wall: f64,
) -> Result<Outcome> {
    let Prepared {
        scenario,
        demand,
        model,
        cfg,
        dir: _,
    } = p;
    for (name, bytes) in report::simulate::tables(&result, &model, &demand)? {
        staged.write(name, &bytes)?;
    }
    let written = staged.commit()?;
    let mut json = report::simulate::summary_json(&result, &model, &demand, &scenario, cfg.seed);
    json["files"] = serde_json::json!(
        written
            .iter()
            .map(|w| w.display().to_string())
            .collect::<Vec<_>>()
    );
    let summary = if opts.quiet {
        String::new()
    } else {
        let threads = opts.threads.unwrap_or_else(rayon::current_num_threads);
        let mut s =
            report::simulate::summary(&result, &model, &demand, &scenario, cfg.seed, threads, wall);
        let _ = writeln!(s, "\nWrote:");
        for p in &written {
            let _ = writeln!(s, "  {}", p.display());
        }
        s
    };
    Ok(Outcome {
        result,
        written,
        summary,
        json,
    })
}
