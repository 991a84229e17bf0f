//! The library's top-level error: every module's own error enum converts into it, and the
//! binary maps it to an exit code (2 for bad input, 1 for an internal failure).

use std::path::PathBuf;

/// Everything that can go wrong in peakplan, by cause.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input from the user (arguments, files); exit code 2.
    #[error("{0}")]
    Input(String),
    /// Numbers the Erlang formulas cannot accept; exit code 2.
    #[error(transparent)]
    Erlang(#[from] crate::erlang::ErlangError),
    /// A failure that is not the user's to fix (exit code 1).
    #[error("internal error: {0}")]
    Internal(String),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A scenario file (or `--set` override) is unreadable or invalid; exit code 2.
    #[error("{0}")]
    Scenario(#[from] crate::scenario::ScenarioError),
    /// The scenario's demand cannot be computed (a value the demand model refuses, named by
    /// its field path); exit code 2.
    #[error("{}: {source}", file.display())]
    Demand {
        file: PathBuf,
        #[source]
        source: crate::demand::DemandError,
    },
    /// Staffing could not be planned (bad pool rules, a solver failure).
    #[error("staffing: {0}")]
    Staffing(#[from] crate::staffing::StaffingError),
    /// The plan of the scenario in `file` could not be made (as [`Error::Staffing`]).
    #[error("{}: {source}", file.display())]
    Plan {
        file: PathBuf,
        #[source]
        source: crate::staffing::StaffingError,
    },
    /// The simulation refused its model (an input the scenario's validation let through,
    /// exit code 2) or could not start (exit code 1).
    #[error("{0}")]
    Sim(#[from] crate::sim::SimError),
    /// Costing failed; exit code 2 when the input is at fault (see `CostError::is_input_error`).
    #[error("cost: {0}")]
    Cost(#[from] crate::cost::CostError),
}

impl Error {
    /// True when the user can fix it by changing their input (exit code 2).
    pub fn is_input_error(&self) -> bool {
        matches!(
            self,
            Error::Input(_) | Error::Erlang(_) | Error::Scenario(_) | Error::Demand { .. }
        ) || matches!(
            self,
            Error::Staffing(e) | Error::Plan { source: e, .. }
                if !matches!(e, crate::staffing::StaffingError::Solver(_))
        ) || matches!(self, Error::Cost(e) if e.is_input_error())
            || matches!(self, Error::Sim(e) if e.is_input_error())
    }

    /// A planning error of the scenario in `file`.
    pub fn plan(
        file: &std::path::Path,
    ) -> impl FnOnce(crate::staffing::StaffingError) -> Error + '_ {
        move |source| Error::Plan {
            file: file.to_path_buf(),
            source,
        }
    }

    /// A demand error of the scenario in `file`.
    pub fn demand(file: &std::path::Path) -> impl FnOnce(crate::demand::DemandError) -> Error + '_ {
        move |source| Error::Demand {
            file: file.to_path_buf(),
            source,
        }
    }
}

/// Shorthand for the library's results.
pub type Result<T, E = Error> = std::result::Result<T, E>;
