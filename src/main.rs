//! The `peakplan` command line: parses arguments (clap derive), calls the library and maps
//! errors to exit codes: 0 success, 2 bad input, 1 internal error.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use peakplan::erlang::{Shrinkage, SlTarget, Targets};
use peakplan::report::erlang_calc::{self, CliCase, Format};
use peakplan::units::{self, SlDefinition};

/// Workforce forecasting and peak-planning simulator for customer-contact centres.
#[derive(Debug, Parser)]
#[command(
    name = "peakplan",
    version,
    about,
    long_about = None,
    after_help = "Start here:\n  peakplan run scenarios/valentines.ron\n\nExit codes:\n  0  success\n  2  bad input (arguments, scenario files: the message names file, field and the fix)\n  1  internal error (a bug or a failed write; please report it)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Everything in one go: validate → demand → plan → simulate → cost → report. Writes
    /// report.html, summary.md, run.json, the CSV tables and the plots (PNG + SVG) into a
    /// fresh output/<scenario name>/ (an earlier run there is replaced, and said so).
    Run(RunArgs),
    /// Two scenarios side by side (flex headcount, SL, abandonment, cost, per campaign):
    /// a table on the terminal, compare.html and compare.csv.
    Compare(CompareArgs),
    /// Erlang C / Erlang A calculator: metrics at a staffing level, or the agents required
    /// for a service level, ASA, occupancy or abandonment target.
    Erlang(ErlangArgs),
    /// Expected contacts per interval, channel, reason and source: writes
    /// demand_intervals.csv and demand_daily.csv and prints a summary.
    Demand(DemandArgs),
    /// Monte-Carlo simulation of a scenario: writes sim_intervals.csv, sim_daily.csv,
    /// sim_reasons.csv, sim_campaigns.csv and sim_customers.csv and prints a summary.
    Simulate(SimulateArgs),
    /// Flex-pool sizing: the cheapest flex shifts meeting every interval's target with a
    /// stated confidence, the headcount frontier, and (several files) the year's pool.
    /// Writes staffing.csv, shifts.csv, frontier.csv and summary.txt.
    Plan(PlanArgs),
    /// Finance: what the plan costs by channel, reason, day and pool, each campaign's
    /// marginal cost, each lever's saving, and flex vs overtime vs outsourcing. Writes
    /// costs.csv, campaigns.csv, levers.csv, options.csv and cost_summary.txt.
    Cost(CostArgs),
    /// Check scenario files: every error with file:line:column, field path and the fix.
    Validate(ValidateArgs),
    /// Fit history: per-call records (--calls) or interval volumes (--counts).
    Fit(Box<FitArgs>),
    /// Assemble the part files of `simulate --shard K/N` (or `sweep --shard K/N`) into
    /// exactly the files the one-machine command writes, byte for byte. Refuses a missing,
    /// duplicated or foreign part.
    Merge(MergeArgs),
    /// What-if grid: runs `run`'s computation for every combination of the --vary values
    /// (each a --set) and writes sweep.csv, sweep.json and sweep.png, one row per variant.
    Sweep(SweepArgs),
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  peakplan simulate scenarios/valentines.ron --replications 40 --shard 1/4\n  peakplan merge output/valentines/parts/simulate-part-*-of-4.json\n\nExit codes: 0 success, 2 bad input (a missing, duplicated or foreign part), 1 internal error."
)]
struct MergeArgs {
    /// The part files (`<kind>-part-K-of-N.json`), in any order.
    #[arg(required = true)]
    parts: Vec<PathBuf>,
    /// Output folder. Default: the one-machine command's default folder.
    #[arg(long)]
    out: Option<PathBuf>,
    /// No text summary on stdout.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  peakplan sweep scenarios/valentines.ron --vary levers.prevention.where_is_my_order=0,0.25,0.5 --quick\n  peakplan sweep scenarios/valentines.ron --vary simulation.volume_cv=0.1,0.2 --shard 1/2\n\nExit codes: 0 success, 2 bad input, 1 internal error."
)]
struct SweepArgs {
    /// The scenario file (.ron).
    file: PathBuf,
    /// A field and its values, e.g. `--vary simulation.volume_cv=0.1,0.2` (repeatable: the
    /// grid is every combination, the last --vary changing fastest).
    #[arg(long = "vary", value_name = "PATH=V1,V2,…", required = true)]
    vary: Vec<String>,
    #[command(flatten)]
    flags: SimFlags,
    /// Override a field in every variant (RON value; repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Shorten each variant's plan as `run --quick` does.
    #[arg(long)]
    quick: bool,
    /// Run only variants of shard K of N and write DIR/sweep-part-K-of-N.json.
    #[arg(long, value_name = "K/N")]
    shard: Option<peakplan::app::shard::ShardSpec>,
    /// Output folder. Default: output/<scenario name>/sweep/ (parts: its parts/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Run even when a variant is over the work budget.
    #[arg(long)]
    allow_large: bool,
}

/// The flags every command that simulates or plans shares (`simulate`, `plan`, `cost`, `run`,
/// `compare`), flattened into each.
#[derive(Debug, Clone, Args)]
struct SimFlags {
    /// Master seed. Default: the scenario's simulation.seed.
    #[arg(long)]
    seed: Option<u64>,
    /// Replications: simulate — of the simulation (default: the scenario's); plan, run and
    /// compare — of the plan's final check, which is also run's simulation (default 100;
    /// each frontier point runs at most 30, and at most R); cost — of every costing
    /// (default 20).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    replications: Option<u32>,
    /// Worker threads: the command runs in a pool of N threads. Default: one per core.
    /// Results do not depend on it (byte-identical files).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
    /// No progress bar and no text summary on stdout (the files are still written; with
    /// --format json the JSON is still printed).
    #[arg(long, short)]
    quiet: bool,
    /// The summary on stdout: text, or json (one JSON document).
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
    format: SummaryFormat,
}

/// The service promise and the days it must hold (`plan`, `run`, `compare`).
#[derive(Debug, Clone, Args)]
struct PromiseFlags {
    /// The service promise: interval — every interval meets its target with the
    /// confidence, and every day does (default); day — each target day as a whole meets it
    /// with the confidence; all-intervals — every interval of the target days meets it in
    /// the same run with the confidence (the strictest).
    #[arg(long, value_enum, default_value_t = PromiseArg::Interval)]
    promise: PromiseArg,
    /// The days the promise must hold, e.g. 2027-02-13,2027-02-14 (default: the scenario's
    /// calendar.target_days, else the day with the hardest interval).
    #[arg(long, value_name = "DATES", value_delimiter = ',')]
    target_days: Vec<jiff::civil::Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PromiseArg {
    Interval,
    Day,
    AllIntervals,
}

impl PromiseFlags {
    fn promise(&self) -> peakplan::staffing::plan::Promise {
        use peakplan::staffing::plan::Promise;
        match self.promise {
            PromiseArg::Interval => Promise::Interval,
            PromiseArg::Day => Promise::Day,
            PromiseArg::AllIntervals => Promise::AllIntervals,
        }
    }

    /// `sets` plus the `--set` that `--target-days` stands for.
    fn with_sets(&self, sets: &[String]) -> Vec<String> {
        let mut out = sets.to_vec();
        if !self.target_days.is_empty() {
            let days: Vec<String> = self
                .target_days
                .iter()
                .map(|d| format!("\"{d}\""))
                .collect();
            out.push(format!("calendar.target_days=[{}]", days.join(",")));
        }
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SummaryFormat {
    Text,
    Json,
}

impl SimFlags {
    fn threads(&self) -> Option<usize> {
        self.threads.map(|t| t as usize)
    }

    /// Runs `f` in a rayon pool of `--threads` threads (every parallel part of the command
    /// runs there), or on the global pool.
    fn in_pool<T: Send>(
        &self,
        f: impl FnOnce() -> peakplan::Result<T> + Send,
    ) -> peakplan::Result<T> {
        match self.threads() {
            None => f(),
            Some(n) => rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| {
                    peakplan::Error::Internal(format!("cannot start {n} worker threads: {e}"))
                })?
                .install(f),
        }
    }

    /// Prints the summary: the JSON when asked for, else the text unless quiet.
    fn print(&self, text: &str, json: &serde_json::Value) -> peakplan::Result<()> {
        match self.format {
            SummaryFormat::Json => {
                let s = serde_json::to_string_pretty(json).map_err(|e| {
                    peakplan::Error::Internal(format!("writing the JSON summary: {e}"))
                })?;
                println!("{s}");
            }
            SummaryFormat::Text if !self.quiet => print!("{text}"),
            SummaryFormat::Text => {}
        }
        Ok(())
    }
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  peakplan run scenarios/valentines.ron\n  peakplan run scenarios/christmas.ron --replications 50 --seed 7 --out out/xmas\n  peakplan run scenarios/valentines.ron --set levers.prevention.where_is_my_order=0.5 --quiet\n\nExit codes: 0 success, 2 bad input, 1 internal error."
)]
struct RunArgs {
    /// The scenario file (.ron).
    file: PathBuf,
    /// Output folder, replaced as a whole. Default: output/<scenario name>/.
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    settings: RunSettings,
}

/// The settings `run` and `compare` share (each scenario of `compare` runs as `run` would).
#[derive(Debug, Args)]
struct RunSettings {
    #[command(flatten)]
    flags: SimFlags,
    /// Override a field, e.g. `--set simulation.volume_cv=0.2` (RON value; repeatable; with
    /// `compare`, in both scenarios).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    #[command(flatten)]
    promise: PromiseFlags,
    /// Shorten the plan (at most 2 iterations of 8 replications, 3 frontier steps, 2 pairs
    /// of re-plans per marginal cost): for smoke tests and trying a scenario out, not for
    /// decisions.
    #[arg(long)]
    quick: bool,
    /// Run even when the simulation is over the work budget (10^9 simulated contacts or
    /// 2 GB of memory; see the README's "Scale limits").
    #[arg(long)]
    allow_large: bool,
    /// Pairs of re-plans behind each campaign's marginal cost and each lever's saving
    /// (default 3; 2 or more give a 95% interval).
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(1..))]
    marginal_pairs: Option<u32>,
}

impl RunSettings {
    fn options<'a>(
        &self,
        out: Option<PathBuf>,
        progress: &'a (dyn Fn(peakplan::app::run::Progress) + Sync),
    ) -> peakplan::app::run::RunOptions<'a> {
        peakplan::app::run::RunOptions {
            out,
            replications: self.flags.replications,
            seed: self.flags.seed,
            overrides: self.promise.with_sets(&self.set),
            promise: self.promise.promise(),
            quick: self.quick,
            marginal_pairs: self.marginal_pairs,
            progress: Some(progress),
            allow_large: self.allow_large,
        }
    }
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  peakplan compare scenarios/valentines.ron scenarios/valentines_prevention.ron\n  peakplan compare scenarios/christmas.ron scenarios/christmas_campaign_moved.ron --out out/what-if\n\nExit codes: 0 success, 2 bad input, 1 internal error."
)]
struct CompareArgs {
    /// Scenario A (.ron).
    a: PathBuf,
    /// Scenario B (.ron).
    b: PathBuf,
    /// Output folder for compare.html and compare.csv. Default: output/compare_<A>_vs_<B>/.
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    settings: RunSettings,
}

/// Colour (bold headline) only on a terminal and never with NO_COLOR set.
fn use_colour() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// A progress display on stderr (hidden when stderr is not a terminal or with --quiet).
fn progress_bar(quiet: bool) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let b = indicatif::ProgressBar::new_spinner();
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {elapsed:>4} {msg}") {
        b.set_style(style);
    }
    b.enable_steady_tick(std::time::Duration::from_millis(150));
    b
}

/// A replications bar on stderr (hidden when stderr is not a terminal or with --quiet);
/// its length is set, and its clock started, by the first progress report.
fn replications_bar(quiet: bool) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let b = indicatif::ProgressBar::new(0);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} simulating {pos}/{len} replications [{bar:40}] {elapsed} (eta {eta})",
    ) {
        b.set_style(style.progress_chars("=> "));
    }
    b
}

fn on_progress(bar: &indicatif::ProgressBar, p: peakplan::app::run::Progress) {
    use peakplan::app::run::Progress;
    match p {
        Progress::Phase("plan") => {
            bar.set_message("planning the flex pools (iterations, check, frontier)…")
        }
        Progress::Phase(name) => bar.set_message(format!("{name}…")),
    }
}

fn run_command(a: RunArgs) -> peakplan::Result<()> {
    let flags = &a.settings.flags;
    let quiet = flags.quiet || flags.format == SummaryFormat::Json;
    let bar = progress_bar(quiet);
    let cb = |p| on_progress(&bar, p);
    let opts = a.settings.options(a.out, &cb);
    let outcome = flags.in_pool(|| peakplan::app::run::run(&a.file, &opts));
    bar.finish_and_clear();
    let outcome = outcome?;
    if flags.format == SummaryFormat::Json {
        return flags.print("", &outcome.json);
    }
    if !quiet {
        let (first, rest) = outcome
            .summary
            .split_once('\n')
            .unwrap_or((&outcome.summary, ""));
        if use_colour() {
            println!("\x1b[1m{first}\x1b[0m\n{rest}");
        } else {
            println!("{first}\n{rest}");
        }
    }
    Ok(())
}

fn compare_command(a: CompareArgs) -> peakplan::Result<()> {
    let flags = &a.settings.flags;
    let bar = progress_bar(flags.quiet || flags.format == SummaryFormat::Json);
    let cb = |p| on_progress(&bar, p);
    let opts = a.settings.options(a.out, &cb);
    let outcome = flags.in_pool(|| peakplan::app::compare::compare(&a.a, &a.b, &opts));
    bar.finish_and_clear();
    let outcome = outcome?;
    flags.print(&outcome.text, &outcome.json)
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  peakplan demand scenarios/valentines.ron\n  peakplan demand scenarios/christmas.ron --format json --out out/xmas\n  peakplan demand scenarios/valentines.ron --set levers.prevention.where_is_my_order=0.5"
)]
struct DemandArgs {
    /// The scenario file (.ron).
    file: PathBuf,
    /// Output folder. Default: output/<scenario name>/.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Table format.
    #[arg(long, value_enum, default_value_t = TableFormat::Csv)]
    format: TableFormat,
    /// Override a field, e.g. `--set levers.prevention.where_is_my_order=0.5` (RON value; repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  peakplan simulate scenarios/valentines.ron\n  peakplan simulate scenarios/christmas.ron --replications 50 --seed 7 --threads 2 --out out/xmas\n  peakplan simulate scenarios/valentines.ron --set simulation.volume_cv=0.2 --quiet"
)]
struct SimulateArgs {
    /// The scenario file (.ron).
    file: PathBuf,
    #[command(flatten)]
    flags: SimFlags,
    /// Output folder. Default: output/<scenario name>/.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Override a field, e.g. `--set simulation.volume_cv=0.2` (RON value; repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Run even when the simulation is over the work budget (10^9 simulated contacts or
    /// 2 GB of memory; see the README's "Scale limits").
    #[arg(long)]
    allow_large: bool,
    /// Run only shard K of N (replications ⌊(K−1)·R/N⌋..⌊K·R/N⌋) and write one part file,
    /// DIR/simulate-part-K-of-N.json (DIR: --out, default output/<scenario name>/parts/);
    /// `peakplan merge` assembles the parts.
    #[arg(long, value_name = "K/N")]
    shard: Option<peakplan::app::shard::ShardSpec>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  peakplan plan scenarios/valentines.ron\n  peakplan plan scenarios/valentines.ron --method erlang-c --no-frontier\n  peakplan plan scenarios/valentines.ron --plan-interval 1h\n  peakplan plan scenarios/valentines.ron scenarios/mothers_day.ron scenarios/christmas.ron --out output/year"
)]
struct PlanArgs {
    /// Scenario files (`.ron`); several = the year view (one pool for all peaks).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Required probability that an interval meets its target (default: the scenario's
    /// `simulation.confidence`).
    #[arg(long)]
    confidence: Option<f64>,
    /// Requirement method the flex shifts are planned from.
    #[arg(long, value_enum, default_value_t = PlanMethod::Simulation)]
    method: PlanMethod,
    #[command(flatten)]
    flags: SimFlags,
    /// Planning interval (15m, 30m, 1h; default: the scenario's interval): requirements
    /// and flex shift starts are constant per planning interval while the simulation still
    /// judges every scenario interval inside it. A multiple of `calendar.interval_min`.
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    plan_interval: Option<f64>,
    /// Skip the headcount frontier (the promise is then the interval one).
    #[arg(long)]
    no_frontier: bool,
    #[command(flatten)]
    promise: PromiseFlags,
    /// Output folder. Default: output/<scenario name>/plan/ (output/year/plan/ for several).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Override a field, e.g. `--set simulation.seed=7` (RON value; repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Run even when the simulation is over the work budget (10^9 simulated contacts or
    /// 2 GB of memory; see the README's "Scale limits").
    #[arg(long)]
    allow_large: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  peakplan cost scenarios/valentines.ron\n  peakplan cost scenarios/christmas.ron --replications 40 --seed 7 --out out/xmas-cost\n  peakplan cost scenarios/valentines.ron --set costs.abandoned_contact_eur=2.5"
)]
struct CostArgs {
    /// The scenario file (.ron).
    file: PathBuf,
    /// Output folder. Default: output/<scenario name>/cost/.
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    flags: SimFlags,
    /// Pairs of re-plans behind each campaign's marginal cost and each lever's saving
    /// (default 3; 2 or more give a 95% interval).
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(1..))]
    marginal_pairs: Option<u32>,
    /// Run even when the simulation is over the work budget (10^9 simulated contacts or
    /// 2 GB of memory; see the README's "Scale limits").
    #[arg(long)]
    allow_large: bool,
    /// Override a field, e.g. `--set costs.overtime_premium=0.5` (RON value; repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PlanMethod {
    ErlangC,
    ErlangA,
    Simulation,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TableFormat {
    Csv,
    Json,
}

fn duration(s: &str) -> Result<f64, String> {
    units::parse_duration_s(s)
}
fn shrinkage(s: &str) -> Result<Shrinkage, String> {
    s.parse::<Shrinkage>().map_err(|e| e.to_string())
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  peakplan erlang --calls 100 --interval 30m --aht 180s --agents 14 --target 80/20\n  peakplan erlang --calls 100 --interval 30m --aht 180s --target 85/15 --shrinkage 0.3\n  peakplan erlang --calls 500 --interval 30m --aht 300s --patience 120s --target 85/15\n  peakplan erlang --rate 720/h --aht 4m --agents-range 50..60 --target 85/15\n  peakplan erlang --batch cases.csv --format csv > results.csv\n  peakplan erlang --rate 1000/h --aht 300s --agents 90 --target 80/20 --simulate 10 --format json"
)]
struct ErlangArgs {
    /// Calls offered per interval (needs --interval).
    #[arg(long, requires = "interval", conflicts_with_all = ["rate", "batch"])]
    calls: Option<f64>,
    /// Length of the interval: 15m, 30m, 1h ...
    #[arg(long, value_parser = duration, requires = "calls")]
    interval: Option<f64>,
    /// Arrival rate instead of --calls/--interval: 720/h, 12/m, 100/30m.
    #[arg(long, value_parser = units::parse_rate_per_hour, conflicts_with = "batch")]
    rate: Option<f64>,
    /// Average handling time: 180s, 4m ...
    #[arg(long, value_parser = duration, conflicts_with = "batch")]
    aht: Option<f64>,
    /// Evaluate this many agents.
    #[arg(long, conflicts_with_all = ["agents_range", "batch"])]
    agents: Option<u32>,
    /// Evaluate every staffing level in FROM..TO (inclusive), e.g. 50..60.
    #[arg(long, value_parser = erlang_calc::parse_agents_range, conflicts_with = "batch")]
    agents_range: Option<(u32, u32)>,
    /// Service-level target PERCENT/SECONDS, e.g. 85/15 = 85% answered within 15 s. The
    /// percentage is from 1 to below 100: a share such as 0.85/15 is refused, not read as
    /// 0.85%.
    #[arg(long, value_parser = erlang_calc::parse_target, conflicts_with = "batch")]
    target: Option<SlTarget>,
    /// Shrinkage share for scheduled heads = ceil(required / (1 − s)): 0.3 or 30%.
    #[arg(long, value_parser = shrinkage, conflicts_with = "batch")]
    shrinkage: Option<Shrinkage>,
    /// Mean patience (switches to Erlang A, with abandonment): 120s, 2m.
    #[arg(long, value_parser = duration, conflicts_with = "batch")]
    patience: Option<f64>,
    /// Service-level definition for Erlang A: offered, answered, virtual,
    /// excluding_short_abandons.
    #[arg(long, default_value = "offered")]
    sl_definition: SlDefinition,
    /// Maximum occupancy: 0.85 or 85%.
    #[arg(long, value_parser = erlang_calc::parse_share, conflicts_with = "batch")]
    max_occupancy: Option<f64>,
    /// Maximum ASA: 20s, 1m.
    #[arg(long, value_parser = duration, conflicts_with = "batch")]
    max_asa: Option<f64>,
    /// Maximum abandonment share (Erlang A): 0.05 or 5%.
    #[arg(long, value_parser = erlang_calc::parse_share, conflicts_with = "batch")]
    max_abandon: Option<f64>,
    /// CSV of cases with a header of any of: calls, interval_s, aht_s, agents, target_s,
    /// target_sl, max_occupancy, max_asa_s, max_abandon, patience_s, shrinkage.
    #[arg(long)]
    batch: Option<PathBuf>,
    /// Output format: table, json, csv.
    #[arg(long, default_value = "table")]
    format: Format,
    /// Also simulate each evaluated staffing level: R replications of a stationary
    /// interval (M/M/n, or M/M/n+M with --patience); adds `simulated` (JSON), a
    /// "simulated" line (table) or sim_* columns (CSV).
    /// (`--replications R` is the same, as in the other commands.)
    #[arg(long, value_name = "R", alias = "replications", value_parser = clap::value_parser!(u32).range(1..))]
    simulate: Option<u32>,
    /// Observed calls per replication (after a warm-up of max(N/10, 2000, 50 × agents)).
    #[arg(long, value_name = "N", requires = "simulate", default_value_t = 100_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    sim_calls: u64,
    /// Seed of the simulation (replication i uses stream i).
    #[arg(long, requires = "simulate", default_value_t = peakplan::montecarlo::seeds::DEFAULT)]
    seed: u64,
    /// Worker threads for the simulation (default: one per core; results do not depend on it).
    #[arg(long, requires = "simulate", value_parser = clap::value_parser!(u64).range(1..=1024))]
    threads: Option<u64>,
    /// Run even when the simulation is over the work budget (10^9 simulated contacts or
    /// 2 GB of memory; see the README's "Scale limits").
    #[arg(long)]
    allow_large: bool,
}

fn erlang(args: ErlangArgs) -> peakplan::Result<()> {
    let cases = match &args.batch {
        Some(path) => erlang_calc::read_batch(path, args.sl_definition)?,
        None => vec![
            CliCase {
                calls: args.calls,
                interval_s: args.interval,
                rate_per_hour: args.rate,
                aht_s: args.aht,
                patience_s: args.patience,
                agents: args.agents,
                agents_range: args.agents_range,
                targets: Targets {
                    service_level: args.target,
                    sl_definition: args.sl_definition,
                    max_asa_s: args.max_asa,
                    max_occupancy: args.max_occupancy,
                    max_abandon: args.max_abandon,
                },
                shrinkage: args.shrinkage,
            }
            .into_case()?,
        ],
    };
    let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
    let sim = args.simulate.map(|r| peakplan::app::erlang::SimSettings {
        replications: r,
        calls: args.sim_calls,
        seed: args.seed,
        threads: args.threads.map(|t| t as usize),
        allow_large: args.allow_large,
    });
    peakplan::app::erlang::run(
        &cases,
        args.batch.is_some(),
        args.format,
        sim.as_ref(),
        &mut stdout.lock(),
        &mut stderr.lock(),
    )
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  peakplan validate scenarios/*.ron\n  peakplan validate scenarios/valentines.ron --set flex_pools[0].max_headcount=40"
)]
struct ValidateArgs {
    /// Scenario files (`.ron`).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Override a field, e.g. `--set simulation.seed=7` (the value is RON; repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
}

fn validate(args: ValidateArgs) -> peakplan::Result<()> {
    use peakplan::app::validate::Stream;
    let outcome = peakplan::app::validate::validate(&args.files, &args.set);
    for (stream, line) in &outcome.lines {
        match stream {
            Stream::Stdout => println!("{line}"),
            Stream::Stderr => eprintln!("{line}"),
        }
    }
    outcome.result()
}

/// `peakplan fit`: see `peakplan::fit` for the estimators and the column mappings.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  peakplan fit --calls ../shared/data/real/anonymous_bank_1999_0*.tsv\n  peakplan fit --calls ../shared/data/real/anonymous_bank_1999_05_calls.tsv --replay 1999-05-01..1999-05-31\n  peakplan fit --counts ../shared/data/real/us_bank_2003_5min_calls.csv --holdout 4w --out fit.ron"
)]
struct FitArgs {
    /// Per-call record files (one or more; globs are expanded by the shell).
    #[arg(long, num_args = 1.., required_unless_present = "counts")]
    calls: Vec<PathBuf>,
    /// Interval (or daily) volume CSV.
    #[arg(long)]
    counts: Option<PathBuf>,
    /// Column mapping of --calls files: auto (Anonymous Bank when the header shows it,
    /// else generic), anonymous-bank or generic (the --col-* options).
    #[arg(long, value_enum, default_value_t = MappingArg::Auto)]
    mapping: MappingArg,
    /// Field delimiter of generic --calls files and of --counts files (`,` `;` `tab`).
    #[arg(long, default_value = ",")]
    delimiter: String,
    /// Generic call mapping: date column (then --col-arrival holds a clock time).
    #[arg(long)]
    col_date: Option<String>,
    /// Generic call mapping: arrival time column.
    #[arg(long, default_value = "arrival")]
    col_arrival: String,
    /// Generic call mapping: queue-join time column (`0:00:00` or empty = never queued).
    #[arg(long)]
    col_queue_start: Option<String>,
    /// Generic call mapping: queue wait column (seconds).
    #[arg(long, default_value = "wait_s")]
    col_wait: String,
    /// Generic call mapping: outcome column.
    #[arg(long, default_value = "outcome")]
    col_outcome: String,
    /// Generic call mapping: outcome values meaning answered (comma-separated).
    #[arg(long, default_value = "answered", value_delimiter = ',')]
    answered_values: Vec<String>,
    /// Generic call mapping: outcome values meaning abandoned (comma-separated).
    #[arg(long, default_value = "abandoned", value_delimiter = ',')]
    abandoned_values: Vec<String>,
    /// Generic call mapping: outcome values whose rows are dropped (comma-separated).
    #[arg(long, value_delimiter = ',')]
    ignored_values: Vec<String>,
    /// Generic call mapping: service (handling) time column (seconds).
    #[arg(long, default_value = "service_s")]
    col_service: String,
    /// Generic call mapping: customer id column (enables the redial share).
    #[arg(long)]
    col_customer: Option<String>,
    /// Generic call mapping: call type column.
    #[arg(long)]
    col_type: Option<String>,
    /// Generic call mapping: agent column.
    #[arg(long)]
    col_agent: Option<String>,
    /// Calls: write per-interval observations (arrivals, answers, abandons, waits, agents
    /// seen serving) to this CSV; `fit --counts` reads it.
    #[arg(long)]
    intervals_out: Option<PathBuf>,
    /// Calls: interval length in minutes for --intervals-out.
    #[arg(long, default_value_t = 15)]
    interval_min: u32,
    /// Calls: simulate the days FROM..TO (`YYYY-MM-DD..YYYY-MM-DD`) with the fitted handling
    /// and patience, the observed arrivals and the agents seen serving per interval, and
    /// print simulated beside observed figures per day.
    #[arg(long)]
    replay: Option<String>,
    /// Calls: replications of the replay.
    #[arg(long, default_value_t = 20)]
    replications: u32,
    /// Calls: add the observed figures per day (SL, abandonment, ASA, agents seen).
    #[arg(long)]
    per_day: bool,
    /// A call from the same customer within this many seconds of an abandon is a redial.
    #[arg(long, default_value_t = 3600.0)]
    redial_window_s: f64,
    /// Counts: timestamp column (`YYYY-MM-DDTHH:MM` interval start, or `YYYY-MM-DD`).
    #[arg(long, default_value = "interval_start")]
    col_time: String,
    /// Counts: count column.
    #[arg(long, default_value = "calls")]
    col_count: String,
    /// Counts: channel column (rows are summed over channels unless --channel is given).
    #[arg(long)]
    col_channel: Option<String>,
    /// Counts: keep only this channel.
    #[arg(long, requires = "col_channel")]
    channel: Option<String>,
    /// Counts: reason column (rows are summed over reasons unless --reason is given).
    #[arg(long)]
    col_reason: Option<String>,
    /// Counts: keep only this reason.
    #[arg(long, requires = "col_reason")]
    reason: Option<String>,
    /// Counts: special day whose uplift is fitted, `NAME=YYYY-MM-DD` (repeatable; the same
    /// name on several dates shares one uplift curve).
    #[arg(long = "event")]
    events: Vec<String>,
    /// Counts: day offsets around each special day with their own uplift, `FROM..TO`.
    #[arg(long, default_value = "-3..1", allow_hyphen_values = true)]
    event_window: String,
    /// Counts: Fourier pairs of the day of the month in the daily model (turn-of-the-month
    /// pattern); 0 = none.
    #[arg(long, default_value_t = 2)]
    monthly_harmonics: usize,
    /// Counts: how daily residuals carry into the forecast: smoothing (local level), ar1
    /// or none.
    #[arg(long, value_enum, default_value_t = ResidualArg::Smoothing)]
    residual: ResidualArg,
    /// Counts: ordinary least squares instead of the Huber-robust fit.
    #[arg(long)]
    no_robust: bool,
    /// Counts: day-level spread of the prediction intervals: robust (extraordinary days
    /// are left out of the spread and listed) or plain (every day counts).
    #[arg(long, value_enum, default_value_t = SpreadArg::Robust)]
    spread: SpreadArg,
    /// Counts: how the spread grows with the lead: empirical (measured by a rolling origin
    /// over the history itself) or model (the residual model's formula).
    #[arg(long, value_enum, default_value_t = LeadSpreadArg::Empirical)]
    lead_spread: LeadSpreadArg,
    /// Counts: public holiday `YYYY-MM-DD` (repeatable). When given, only these missing
    /// days trigger the post-holiday effect; other missing days are data gaps.
    #[arg(long = "holiday")]
    holidays: Vec<String>,
    /// Counts: discount older days in the daily regression (weight halves every N weeks).
    #[arg(long)]
    halflife_weeks: Option<f64>,
    /// Counts: backtest over the last N weeks, e.g. `4w`.
    #[arg(long)]
    holdout: Option<String>,
    /// Counts: longest forecast horizon in the backtest, in days.
    #[arg(long, default_value_t = 7)]
    horizon_days: i64,
    /// Channel named in the RON fragment (arrival profiles, patience).
    #[arg(long, default_value = "phone")]
    profile_channel: String,
    /// Write the fitted RON scenario fragment here (atomically).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Make the fragment extend this base scenario (path relative to the fragment), so
    /// that it is a complete scenario itself.
    #[arg(long, requires = "out")]
    extends: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,
    /// Run even when the simulation is over the work budget (10^9 simulated contacts or
    /// 2 GB of memory; see the README's "Scale limits").
    #[arg(long)]
    allow_large: bool,
    /// From history to a runnable scenario for the plan period FROM..TO (with --calls,
    /// --counts or both, and --out): contacts per date (the forecast median, with its
    /// intervals and the cv of each date's lead), profiles, opening hours, handling,
    /// patience, redials and the permanent roster. With --extends the base supplies
    /// targets, pools, costs and campaigns.
    #[arg(long, value_name = "FROM..TO", requires = "out")]
    plan: Option<String>,
    /// Plan: what is forecast from call records: fresh (calls that reached the agent queue,
    /// redials of a queue abandon left out), queued (redials included) or calls (every
    /// record).
    #[arg(long, value_enum, default_value_t = MeasureArg::Fresh)]
    measure: MeasureArg,
    /// Plan: the reason the volumes carry (default `call`; a base reason of that name keeps
    /// its settings and gets the fitted handling).
    #[arg(long)]
    volume_reason: Option<String>,
    /// Plan: the team whose shifts become the fitted roster (default: the base's first
    /// team serving the channel, else a new team `permanent`).
    #[arg(long)]
    team: Option<String>,
    /// Plan: weeks of history the roster's median of agents seen serving looks back.
    #[arg(long, default_value_t = 8)]
    roster_weeks: usize,
    /// Plan: scenario name (default: <base name>_<FROM>).
    #[arg(long)]
    name: Option<String>,
    /// Plan: IANA time zone of the history's clock times (default: the base's).
    #[arg(long)]
    time_zone: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum MeasureArg {
    Fresh,
    Queued,
    Calls,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum MappingArg {
    Auto,
    AnonymousBank,
    Generic,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ResidualArg {
    Smoothing,
    Ar1,
    None,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LeadSpreadArg {
    Empirical,
    Model,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SpreadArg {
    Robust,
    Plain,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    Table,
    Json,
}

fn fit(a: FitArgs) -> peakplan::Result<()> {
    use peakplan::fit::{self, CallColumns, CountColumns, Mapping};
    let delimiter = fit::parse_delimiter(&a.delimiter)?;
    let json = matches!(a.format, FormatArg::Json);
    if !a.calls.is_empty() && a.counts.is_some() && a.plan.is_none() {
        return Err(peakplan::Error::Input(
            "give --calls or --counts; both together only with --plan (volumes from --counts, the rest from --calls)".into(),
        ));
    }
    let count_cols = CountColumns {
        delimiter,
        time: a.col_time.clone(),
        count: a.col_count.clone(),
        channel: a.col_channel.clone().map(|c| (c, a.channel.clone())),
        reason: a.col_reason.clone().map(|c| (c, a.reason.clone())),
    };
    let counts_req = fit::CountsRequest {
        events: a.events.clone(),
        event_window: a.event_window.clone(),
        holdout: a.holdout.clone(),
        horizon_days: a.horizon_days,
        monthly_harmonics: a.monthly_harmonics,
        halflife_weeks: a.halflife_weeks,
        residual: match a.residual {
            ResidualArg::Smoothing => fit::forecast::ResidualModel::Smoothing,
            ResidualArg::Ar1 => fit::forecast::ResidualModel::Ar1,
            ResidualArg::None => fit::forecast::ResidualModel::None,
        },
        holidays: a.holidays.clone(),
        robust: !a.no_robust,
        spread: match a.spread {
            SpreadArg::Robust => fit::forecast::Spread::Robust,
            SpreadArg::Plain => fit::forecast::Spread::Plain,
        },
        lead_spread: match a.lead_spread {
            LeadSpreadArg::Empirical => fit::forecast::LeadSpread::Empirical,
            LeadSpreadArg::Model => fit::forecast::LeadSpread::Model,
        },
        profile_channel: a.profile_channel.clone(),
        out: a.out.clone(),
        extends: a.extends.clone(),
        json,
    };
    let generic = CallColumns {
        delimiter,
        date: a.col_date.clone(),
        arrival: a.col_arrival.clone(),
        queue_start: a.col_queue_start.clone(),
        wait: a.col_wait.clone(),
        outcome: a.col_outcome.clone(),
        answered: a.answered_values.clone(),
        abandoned: a.abandoned_values.clone(),
        ignored: a.ignored_values.clone(),
        service: a.col_service.clone(),
        customer: a.col_customer.clone(),
        call_type: a.col_type.clone(),
        agent: a.col_agent.clone(),
        service_start: None,
    };
    let mapping = match a.mapping {
        MappingArg::Auto => Mapping::Auto(generic.clone()),
        MappingArg::AnonymousBank => Mapping::Fixed(CallColumns::anonymous_bank()),
        MappingArg::Generic => Mapping::Fixed(generic.clone()),
    };
    if let Some(period) = a.plan {
        let command = std::iter::once("peakplan".to_string())
            .chain(std::env::args().skip(1).map(
                |x| {
                    if x.contains(' ') { format!("'{x}'") } else { x }
                },
            ))
            .collect::<Vec<_>>()
            .join(" ");
        let req = fit::history::PlanRequest {
            calls: a.calls,
            mapping,
            redial_window_s: a.redial_window_s,
            counts: a.counts.map(|p| (p, count_cols)),
            measure: match a.measure {
                MeasureArg::Fresh => fit::history::Measure::Fresh,
                MeasureArg::Queued => fit::history::Measure::Queued,
                MeasureArg::Calls => fit::history::Measure::Calls,
            },
            interval_min: a.interval_min,
            period,
            forecast: counts_req,
            volume_reason: a.volume_reason,
            team: a.team,
            roster_weeks: a.roster_weeks,
            name: a.name,
            time_zone: a.time_zone,
            command,
        };
        print!("{}", peakplan::app::fit::plan(&req)?);
        return Ok(());
    }
    if let Some(path) = a.counts {
        print!(
            "{}",
            peakplan::app::fit::counts(&path, &count_cols, &counts_req)?
        );
        return Ok(());
    }
    let req = peakplan::app::fit::CallsRequest {
        calls: a.calls,
        mapping,
        redial_window_s: a.redial_window_s,
        intervals_out: a.intervals_out,
        interval_min: a.interval_min,
        out: a.out,
        extends: a.extends,
        profile_channel: a.profile_channel,
        replay: a.replay,
        replications: a.replications,
        allow_large: a.allow_large,
        per_day: a.per_day,
        json,
    };
    print!("{}", peakplan::app::fit::calls(&req)?);
    Ok(())
}

fn run(cli: Cli) -> peakplan::Result<()> {
    match cli.command {
        Command::Run(a) => run_command(a),
        Command::Compare(a) => compare_command(a),
        Command::Fit(a) => fit(*a),
        Command::Erlang(args) => erlang(args),
        Command::Validate(args) => validate(args),
        Command::Simulate(a) => {
            let flags = &a.flags;
            let quiet = flags.quiet || flags.format == SummaryFormat::Json;
            let bar = replications_bar(quiet);
            let cb = |done: u32, total: u32| {
                if bar.length() != Some(u64::from(total)) {
                    bar.set_length(u64::from(total));
                    // Progress arrives per chunk of 16 replications; keep the clock moving.
                    bar.enable_steady_tick(std::time::Duration::from_millis(200));
                }
                bar.set_position(u64::from(done));
            };
            let opts = peakplan::app::simulate::Options {
                replications: flags.replications,
                seed: flags.seed,
                threads: flags.threads(),
                out: a.out,
                overrides: a.set,
                quiet,
                progress: Some(&cb),
                allow_large: a.allow_large,
                shard: a.shard,
            };
            let outcome = flags.in_pool(|| peakplan::app::simulate::run(&a.file, &opts));
            bar.finish_and_clear();
            let outcome = outcome?;
            flags.print(&outcome.summary, &outcome.json)
        }
        Command::Merge(a) => {
            let outcome = peakplan::app::merge::merge(&a.parts, a.out, a.quiet)?;
            print!("{}", outcome.summary);
            Ok(())
        }
        Command::Sweep(a) => {
            let flags = &a.flags;
            let opts = peakplan::app::sweep::Options {
                vary: a.vary.clone(),
                replications: flags.replications,
                seed: flags.seed,
                sets: a.set.clone(),
                quick: a.quick,
                shard: a.shard,
                out: a.out.clone(),
                quiet: flags.quiet || flags.format == SummaryFormat::Json,
                allow_large: a.allow_large,
            };
            let outcome = flags.in_pool(|| peakplan::app::sweep::run(&a.file, &opts))?;
            flags.print(&outcome.summary, &outcome.json)
        }
        Command::Plan(a) => {
            use peakplan::staffing::requirement::Method;
            let req = peakplan::app::plan::Request {
                method: match a.method {
                    PlanMethod::ErlangC => Method::ErlangC,
                    PlanMethod::ErlangA => Method::ErlangA,
                    PlanMethod::Simulation => Method::Simulation,
                },
                confidence: a.confidence,
                replications: a.flags.replications,
                seed: a.flags.seed,
                frontier: !a.no_frontier,
                promise: a.promise.promise(),
                allow_large: a.allow_large,
                plan_interval_min: match a.plan_interval {
                    None => None,
                    Some(s) if s >= 60.0 && s % 60.0 == 0.0 && s <= 1440.0 * 60.0 => {
                        Some((s / 60.0) as u32)
                    }
                    Some(s) => {
                        return Err(peakplan::Error::Input(format!(
                            "--plan-interval {s} s: give whole minutes, e.g. 30m or 1h"
                        )));
                    }
                },
            };
            if a.no_frontier && a.promise.promise() != peakplan::staffing::plan::Promise::Interval {
                return Err(peakplan::Error::Input(
                    "--promise day and all-intervals choose a point of the frontier; drop --no-frontier".into(),
                ));
            }
            let sets = a.promise.with_sets(&a.set);
            let outcome = a.flags.in_pool(|| {
                peakplan::app::plan::run_outcome(&a.files, &sets, &req, a.out.as_deref())
            })?;
            a.flags.print(&outcome.text, &outcome.json)
        }
        Command::Cost(a) => {
            let req = peakplan::app::cost::Request {
                replications: a.flags.replications,
                seed: a.flags.seed,
                threads: a.flags.threads(),
                pairs: a.marginal_pairs,
                allow_large: a.allow_large,
            };
            let outcome = a.flags.in_pool(|| {
                peakplan::app::cost::run_outcome(&a.file, &a.set, &req, a.out.as_deref())
            })?;
            a.flags.print(&outcome.text, &outcome.json)
        }
        Command::Demand(a) => {
            let format = match a.format {
                TableFormat::Csv => peakplan::report::demand::Format::Csv,
                TableFormat::Json => peakplan::report::demand::Format::Json,
            };
            let summary = peakplan::app::demand::run(&a.file, &a.set, a.out.as_deref(), format)?;
            print!("{summary}");
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            if e.is_input_error() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}
