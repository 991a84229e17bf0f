//! peakplan: workforce forecasting and peak planning for customer-contact centres.
//!
//! Modules follow the data flow; a module may use those listed before it, never after:
//! `units` (and `limits`) → `scenario` → `demand` → `erlang` → `sim` → `montecarlo` → `fit` → `staffing`
//! → `cost` → `report`. See `ARCHITECTURE.md`.

pub mod error;
pub mod limits;
pub mod output;
pub mod units;

pub mod cost;
pub mod demand;
pub mod erlang;
pub mod report;
pub mod scenario;
pub mod staffing;

pub mod fit;

pub use error::{Error, Result};
pub mod montecarlo;
pub mod sim;
