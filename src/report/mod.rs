//! Outputs for people and tools: plots, the HTML report and its Markdown twin, written
//! atomically.

pub mod atomic;
pub mod html;
pub mod plot;
