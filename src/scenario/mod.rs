//! Scenario files: the RON schema a planner writes, its defaults and its validation.
//!
//! `schema` holds the serde types (field by field documentation lives there and in
//! `docs/scenario.md`); loading (with `extends` and `--set` overrides) and validation turn
//! a file into a [`Scenario`] the rest of the program can trust.

pub mod dates;
pub mod schema;
pub mod time;

pub use schema::*;
pub use time::{ClockTime, Day};
