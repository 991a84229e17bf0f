//! The `peakplan` command line: parses arguments (clap derive), calls the library and maps
//! errors to exit codes: 0 success, 2 bad input, 1 internal error.

use std::process::ExitCode;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Workforce forecasting and peak-planning simulator for customer-contact centres.
#[derive(Debug, Parser)]
#[command(name = "peakplan", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Fit history: per-call records (--calls) or interval volumes (--counts).
    Fit(FitArgs),
}

/// `peakplan fit`: see `peakplan::fit` for the estimators and the column mappings.
#[derive(Debug, Args)]
struct FitArgs {
    /// Per-call record files (one or more; globs are expanded by the shell).
    #[arg(long, num_args = 1.., required_unless_present = "counts", conflicts_with = "counts")]
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
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,
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
enum FormatArg {
    Table,
    Json,
}

fn fit(a: FitArgs) -> peakplan::Result<()> {
    use peakplan::fit::{self, CallColumns, CountColumns, Mapping};
    let delimiter = fit::parse_delimiter(&a.delimiter)?;
    let json = matches!(a.format, FormatArg::Json);
    if let Some(path) = a.counts {
        let cols = CountColumns {
            delimiter,
            time: a.col_time,
            count: a.col_count,
            channel: a.col_channel.map(|c| (c, a.channel)),
            reason: a.col_reason.map(|c| (c, a.reason)),
        };
        let req = fit::CountsRequest {
            events: a.events,
            event_window: a.event_window,
            holdout: a.holdout,
            horizon_days: a.horizon_days,
            monthly_harmonics: a.monthly_harmonics,
            halflife_weeks: a.halflife_weeks,
            residual: match a.residual {
                ResidualArg::Smoothing => fit::forecast::ResidualModel::Smoothing,
                ResidualArg::Ar1 => fit::forecast::ResidualModel::Ar1,
                ResidualArg::None => fit::forecast::ResidualModel::None,
            },
            holidays: a.holidays,
            robust: !a.no_robust,
            profile_channel: a.profile_channel,
            out: a.out,
            json,
        };
        print!("{}", fit::run_counts(&path, &cols, &req)?);
        return Ok(());
    }
    let generic = CallColumns {
        delimiter,
        date: a.col_date,
        arrival: a.col_arrival,
        queue_start: a.col_queue_start,
        wait: a.col_wait,
        outcome: a.col_outcome,
        answered: a.answered_values,
        abandoned: a.abandoned_values,
        ignored: a.ignored_values,
        service: a.col_service,
        customer: a.col_customer,
        call_type: a.col_type,
        agent: a.col_agent,
        service_start: None,
    };
    let mapping = match a.mapping {
        MappingArg::Auto => Mapping::Auto(generic),
        MappingArg::AnonymousBank => Mapping::Fixed(CallColumns::anonymous_bank()),
        MappingArg::Generic => Mapping::Fixed(generic),
    };
    let set = fit::load_calls(&a.calls, &mapping)?;
    let est = fit::estimate(&set, a.redial_window_s);
    if let Some(p) = &a.intervals_out {
        if a.interval_min == 0 || 1440 % a.interval_min != 0 {
            return Err(peakplan::Error::Input(format!(
                "--interval-min {}: give a divisor of 1440 (5, 10, 15, 30, 60 …)",
                a.interval_min
            )));
        }
        let rows = fit::estimate::interval_table(&set, a.interval_min);
        fit::write_atomically(p, &fit::estimate::interval_csv(&rows))?;
    }
    if let Some(p) = &a.out {
        fit::write_atomically(p, &fit::render::calls_fragment(&est, &a.profile_channel)?)?;
    }
    let days = a.per_day.then(|| fit::estimate::daily_observed(&set));
    let text = match (a.format, &days) {
        (FormatArg::Table, None) => fit::render::calls_table(&est, &set),
        (FormatArg::Table, Some(d)) => {
            fit::render::calls_table(&est, &set) + &fit::render::days_table(d)
        }
        (FormatArg::Json, None) => fit::render::calls_json(&est),
        (FormatArg::Json, Some(d)) => fit::render::calls_json_with_days(&est, d),
    };
    print!("{text}");
    Ok(())
}

fn run(cli: Cli) -> peakplan::Result<()> {
    match cli.command {
        Command::Fit(a) => fit(a),
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
