//! Outputs for people and tools: tables, CSV and JSON, plots, the HTML report and its
//! Markdown twin, all written atomically; also the reading of inputs that only the reports
//! need (the Erlang calculator's batch file). The computing modules before it stay free of I/O.

pub mod atomic;
pub mod demand;
pub mod erlang_calc;
pub mod html;
pub mod plan;
pub mod plot;
pub mod simulate;

/// Any failure while producing report outputs (one `#[from]` variant for the crate error).
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Plot(#[from] plot::PlotError),
    #[error(transparent)]
    Html(#[from] html::HtmlError),
    #[error(transparent)]
    Write(#[from] atomic::AtomicError),
}
