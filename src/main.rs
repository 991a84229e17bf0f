//! The `peakplan` command line: parses arguments (clap derive), calls the library and maps
//! errors to exit codes: 0 success, 2 bad input, 1 internal error.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Workforce forecasting and peak-planning simulator for customer-contact centres.
#[derive(Debug, Parser)]
#[command(name = "peakplan", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check scenario files: every error with file:line:column, field path and the fix.
    Validate(ValidateArgs),
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
        Command::Validate(args) => validate(args),
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
