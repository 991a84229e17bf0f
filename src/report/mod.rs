//! Outputs for people and tools: plots, the HTML report and its Markdown twin, all written
//! atomically.

pub mod atomic;
pub mod html;
pub mod plot;

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
