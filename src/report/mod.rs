//! Outputs for people and tools: tables, CSV and JSON, plots, the HTML report and its
//! Markdown twin, all written atomically; also the reading of inputs that only the reports
//! need (the Erlang calculator's batch file). The computing modules before it stay free of I/O.

pub mod atomic;
pub mod channels;
pub mod compare;
pub mod cost;
pub mod demand;
pub mod erlang_calc;
pub mod finance;
pub mod forecast;
pub mod html;
pub mod plan;
pub mod plot;
pub mod run;
pub mod simulate;

/// A CSV writer over memory failed: never the user's input, so an internal error (exit 1).
pub(crate) fn csv_err(e: csv::Error) -> crate::Error {
    crate::Error::Internal(format!("writing CSV: {e}"))
}

/// The bytes of a CSV table written to memory.
pub(crate) fn csv_bytes(w: csv::Writer<Vec<u8>>) -> crate::Result<Vec<u8>> {
    w.into_inner()
        .map_err(|e| crate::Error::Internal(format!("writing CSV: {e}")))
}
