//! Reports for people and tools: CSV and JSON tables, summaries (and, later, plots and HTML).

pub mod demand;
