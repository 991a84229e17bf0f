//! History → scenario: fit volumes, patience and handling times from a centre's own data,
//! and prove the volume forecast on held-out weeks. This module computes and renders; the
//! pipelines of `peakplan fit` (reading the files, writing the outputs atomically, the
//! text to print) are [`crate::app::fit`].
//!
//! * [`calls`]: per-call records with a column mapping (built-in: Anonymous Bank);
//! * [`estimate`](mod@estimate): queue figures, handling-time distribution, patience
//!   (Kaplan–Meier and exponential MLE), redials;
//! * [`counts`]: interval or daily volumes;
//! * [`forecast`]: daily totals (log-linear regression with weekday, trend, post-holiday and
//!   special-day terms, AR(1) residuals) × intraday profile per weekday, with prediction
//!   intervals;
//! * [`backtest`]: rolling origin over the last weeks against seasonal-naive;
//! * [`replay`]: the simulated days of `fit --calls --replay` against the observed ones;
//! * [`render`]: the human tables, JSON and the RON scenario fragment of `peakplan fit`;
//! * [`history`]: the pieces of `peakplan fit --plan` — the plan period's forecast, the
//!   runnable scenario built from the history (volumes per date, cv by lead, profiles,
//!   hours, handling, patience, redials, the permanent roster) and its report.
//!
//! Here too: what `fit --counts` and the forecast of `fit --plan` are asked
//! ([`CountsRequest`]), the parsers of its options' syntax (`--event`, `--event-window`,
//! `--holdout`, `--delimiter`) with the limits of the tables they size, and the opening of
//! input files (a missing file is the user's input error).

pub mod backtest;
pub mod calls;
pub mod counts;
pub mod estimate;
pub mod forecast;
pub mod history;
pub mod render;
pub mod replay;

pub use calls::{CallColumns, CallRecord, CallSet, Mapping, Outcome, load_calls};
pub use counts::{CountColumns, CountSeries, load_counts};
pub use estimate::{CallFit, estimate};
pub use forecast::{ForecastOptions, SpecialDay, VolumeModel};

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Open an input file; a file that is missing or unreadable is the user's input error
/// (exit code 2), naming the file.
pub fn open_input(path: &Path) -> Result<std::fs::File> {
    if path.is_dir() {
        return Err(Error::Input(format!(
            "{} is a directory; give a file",
            path.display()
        )));
    }
    std::fs::File::open(path)
        .map_err(|e| Error::Input(format!("cannot open {}: {e}", path.display())))
}

/// A delimiter given on the command line: one character, or `tab`.
pub fn parse_delimiter(d: &str) -> Result<u8> {
    match d {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        d if d.len() == 1 => Ok(d.as_bytes()[0]),
        d => Err(Error::Input(format!(
            "--delimiter `{d}`: give one character (`,` `;` `|`) or `tab`"
        ))),
    }
}

/// What `peakplan fit --counts` should do besides fitting.
#[derive(Debug, Clone, PartialEq)]
pub struct CountsRequest {
    /// `NAME=YYYY-MM-DD` special days.
    pub events: Vec<String>,
    /// `FROM..TO` day offsets around each special day.
    pub event_window: String,
    /// `Nw` holdout for the backtest.
    pub holdout: Option<String>,
    pub horizon_days: i64,
    /// See [`ForecastOptions::monthly_harmonics`].
    pub monthly_harmonics: usize,
    /// See [`ForecastOptions::halflife_weeks`].
    pub halflife_weeks: Option<f64>,
    /// How daily residuals carry forward.
    pub residual: forecast::ResidualModel,
    /// `YYYY-MM-DD` public holidays (empty: every missing operating day is one).
    pub holidays: Vec<String>,
    /// Huber-robust daily regression.
    pub robust: bool,
    /// How the day-level spread is measured.
    pub spread: forecast::Spread,
    /// How the spread grows with the lead.
    pub lead_spread: forecast::LeadSpread,
    /// Channel named in the RON fragment.
    pub profile_channel: String,
    /// Where to write the RON fragment.
    pub out: Option<PathBuf>,
    /// Base scenario the fragment extends (written as its `extends`).
    pub extends: Option<String>,
    pub json: bool,
}

/// Parse `NAME=YYYY-MM-DD`.
pub fn parse_event(s: &str) -> Result<SpecialDay> {
    let bad = || {
        Error::Input(format!(
            "--event `{s}`: write NAME=YYYY-MM-DD, e.g. valentine=2027-02-14"
        ))
    };
    let (name, date) = s.split_once('=').ok_or_else(bad)?;
    let date = calls::parse_date(date.trim().as_bytes()).ok_or_else(bad)?;
    let name = name.trim();
    if name.is_empty() || name.contains(':') {
        return Err(bad());
    }
    Ok(SpecialDay {
        name: name.to_string(),
        date,
    })
}

/// Longest backtest horizon in days (`--horizon-days`).
pub const MAX_HORIZON_DAYS: i64 = 366;
/// Most Fourier pairs of the day of the month (`--monthly-harmonics`).
pub const MAX_MONTHLY_HARMONICS: usize = 15;

/// Parse `FROM..TO` (e.g. `-3..1`).
pub fn parse_window(s: &str) -> Result<(i32, i32)> {
    let bad = || Error::Input(format!("--event-window `{s}`: write FROM..TO, e.g. -3..1"));
    let (a, b) = s.split_once("..").ok_or_else(bad)?;
    let a: i32 = a.trim().parse().map_err(|_| bad())?;
    let b: i32 = b.trim().parse().map_err(|_| bad())?;
    if a > b || b - a > 60 {
        return Err(bad());
    }
    Ok((a, b))
}

/// Parse `4w` (weeks) or `28d` (days, a multiple of 7).
pub fn parse_holdout(s: &str) -> Result<u32> {
    let bad = || Error::Input(format!("--holdout `{s}`: write a number of weeks, e.g. 4w"));
    let (num, unit) = s.split_at(s.len().saturating_sub(1));
    let n: u32 = num.parse().map_err(|_| bad())?;
    match unit {
        "w" if n > 0 => Ok(n),
        "d" if n > 0 && n % 7 == 0 => Ok(n / 7),
        _ => Err(bad()),
    }
}
