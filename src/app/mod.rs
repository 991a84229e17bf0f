//! The application layer: one file per command, owning its pipeline — option defaulting,
//! the seed and replication policy, the order of the steps and the work budget — on top of
//! the computing modules, with [`crate::report`] writing the files. `main.rs` only parses the
//! command line into these functions' options and maps their errors to exit codes.

pub mod compare;
pub mod cost;
pub mod demand;
pub mod erlang;
pub mod fit;
pub mod plan;
pub mod run;
pub mod validate;
