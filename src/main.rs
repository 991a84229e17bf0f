//! The `peakplan` command line: parses arguments (clap derive), calls the library and maps
//! errors to exit codes: 0 success, 2 bad input, 1 internal error.

use std::process::ExitCode;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Workforce forecasting and peak-planning simulator for customer-contact centres.
#[derive(Debug, Parser)]
#[command(name = "peakplan", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Expected contacts per interval, channel, reason and source: writes
    /// demand_intervals.csv and demand_daily.csv and prints a summary.
    Demand(DemandArgs),
}

#[derive(Debug, clap::Args)]
struct DemandArgs {
    /// The scenario file (.ron).
    file: PathBuf,
    /// Output folder. Default: output/<scenario name>/.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Table format.
    #[arg(long, value_enum, default_value_t = TableFormat::Csv)]
    format: TableFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TableFormat {
    Csv,
    Json,
}

fn run(cli: Cli) -> peakplan::Result<()> {
    match cli.command {
        Command::Demand(a) => {
            let format = match a.format {
                TableFormat::Csv => peakplan::report::demand::Format::Csv,
                TableFormat::Json => peakplan::report::demand::Format::Json,
            };
            let summary = peakplan::report::demand::run(&a.file, a.out.as_deref(), format)?;
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
