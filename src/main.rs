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
#[command(name = "peakplan", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Erlang C / Erlang A calculator: metrics at a staffing level, or the agents required
    /// for a service level, ASA, occupancy or abandonment target.
    Erlang(ErlangArgs),
    /// Expected contacts per interval, channel, reason and source: writes
    /// demand_intervals.csv and demand_daily.csv and prints a summary.
    Demand(DemandArgs),
    /// Flex-pool sizing: the cheapest flex shifts meeting every interval's target with a
    /// stated confidence, the headcount frontier, and (several files) the year's pool.
    /// Writes staffing.csv, shifts.csv, frontier.csv and summary.txt.
    Plan(PlanArgs),
    /// Check scenario files: every error with file:line:column, field path and the fix.
    Validate(ValidateArgs),
}

#[derive(Debug, Args)]
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
    after_help = "Examples:\n  peakplan plan scenarios/valentines.ron\n  peakplan plan scenarios/valentines.ron --method erlang-c --no-frontier\n  peakplan plan scenarios/valentines.ron scenarios/mothers_day.ron scenarios/christmas.ron --out output/year"
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
    /// Replications of the final check and of each frontier point (default 100).
    #[arg(long)]
    replications: Option<u32>,
    /// Skip the headcount frontier.
    #[arg(long)]
    no_frontier: bool,
    /// Output folder. Default: output/<scenario name>/plan/ (output/year/plan/ for several).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Override a field, e.g. `--set simulation.seed=7` (RON value; repeatable).
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
    after_help = "Examples:\n  peakplan erlang --calls 100 --interval 30m --aht 180s --agents 14 --target 80/20\n  peakplan erlang --calls 100 --interval 30m --aht 180s --target 85/15 --shrinkage 0.3\n  peakplan erlang --calls 500 --interval 30m --aht 300s --patience 120s --target 85/15\n  peakplan erlang --rate 720/h --aht 4m --agents-range 50..60 --target 85/15\n  peakplan erlang --batch cases.csv --format csv > results.csv"
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
    /// Service-level target PERCENT/SECONDS, e.g. 85/15 = 85% answered within 15 s.
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
    erlang_calc::run(
        &cases,
        args.batch.is_some(),
        args.format,
        &mut stdout.lock(),
        &mut stderr.lock(),
    )
}

#[derive(Debug, Args)]
struct ValidateArgs {
    /// Scenario files (`.ron`).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Override a field, e.g. `--set simulation.seed=7` (the value is RON; repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
}

fn validate(args: ValidateArgs) -> peakplan::Result<()> {
    let mut invalid = 0;
    for file in &args.files {
        match peakplan::scenario::load_with_warnings(file, &args.set) {
            Ok(loaded) => {
                println!(
                    "ok  {}  ({})",
                    file.display(),
                    peakplan::scenario::summary(&loaded.scenario)
                );
                for w in &loaded.warnings {
                    eprintln!("{w}");
                }
            }
            Err(e) => {
                invalid += 1;
                match e.diagnostics() {
                    Some(d) => {
                        for w in d.errors.iter().chain(&d.warnings) {
                            eprintln!("{w}");
                        }
                    }
                    None => eprintln!("{e}"),
                }
            }
        }
    }
    match invalid {
        0 => Ok(()),
        n => Err(peakplan::Error::Input(format!(
            "{n} of {} scenario files invalid",
            args.files.len()
        ))),
    }
}

fn run(cli: Cli) -> peakplan::Result<()> {
    match cli.command {
        Command::Erlang(args) => erlang(args),
        Command::Validate(args) => validate(args),
        Command::Plan(a) => {
            use peakplan::staffing::requirement::Method;
            let req = peakplan::report::plan::Request {
                method: match a.method {
                    PlanMethod::ErlangC => Method::ErlangC,
                    PlanMethod::ErlangA => Method::ErlangA,
                    PlanMethod::Simulation => Method::Simulation,
                },
                confidence: a.confidence,
                replications: a.replications,
                frontier: !a.no_frontier,
            };
            let summary = peakplan::report::plan::run(&a.files, &a.set, &req, a.out.as_deref())?;
            print!("{summary}");
            Ok(())
        }
        Command::Demand(a) => {
            let format = match a.format {
                TableFormat::Csv => peakplan::report::demand::Format::Csv,
                TableFormat::Json => peakplan::report::demand::Format::Json,
            };
            let summary = peakplan::report::demand::run(&a.file, &a.set, a.out.as_deref(), format)?;
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
