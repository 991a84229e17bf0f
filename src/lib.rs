//! peakplan: workforce forecasting and peak planning for customer-contact centres.
//!
//! Modules follow the data flow; a module may use those listed before it, never after:
//! `error`, `limits`, `units`, `output` → `scenario` → `format` → `demand` → `erlang` → `sim`
//! → `montecarlo` → `fit` → `staffing` → `cost` → `report`. See `ARCHITECTURE.md`.

pub mod error;
pub mod limits;
pub mod output;
pub mod units;

pub mod scenario;

pub mod format;

pub mod demand;
pub mod erlang;
pub mod sim;

pub mod montecarlo;

pub mod fit;

pub mod staffing;

pub mod cost;

pub mod report;

pub mod app;

pub use error::{Error, Result};
