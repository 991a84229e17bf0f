//! Scenario files: the RON schema a planner writes, its defaults, loading and validation.
//!
//! * `schema` — the serde types (field by field documentation there and in
//!   `scenarios/README.md`); `time` — clock times and weekdays;
//! * `load` — [`load`]: read a file, follow `extends`, apply `--set` overrides, deserialize
//!   with ron (`implicit_some` on) and validate, into a [`Scenario`] the rest of the program
//!   can trust, or a [`ScenarioError`] listing every problem with file:line:column, field
//!   path and what would be right;
//! * `syntax` — a span-keeping reader of RON text (field path ↔ position);
//! * `merge` — variant-over-base merging and `--set` splicing;
//! * `validate` — the semantic checks; `suggest` — "did you mean" suggestions;
//! * `volumes` — contacts per date: the CSV a scenario may name and the construct's rules;
//! * `error` — [`ScenarioError`], [`Diagnostic`].

pub mod cdf;
pub mod dates;
pub mod error;
pub mod load;
pub mod merge;
pub mod schema;
pub mod suggest;
pub mod syntax;
pub mod time;
pub mod validate;
pub mod volumes;

pub use error::{Diagnostic, DiagnosticKind, Diagnostics, ScenarioError, Severity};
pub use load::{Loaded, load, load_str, load_str_with_warnings, load_with_warnings, summary};
pub use schema::*;
pub use time::{ClockTime, Day};
