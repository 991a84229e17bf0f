//! History → scenario: fit volumes, patience and handling times from a centre's own data,
//! and prove the volume forecast on held-out weeks.
//!
//! * [`calls`]: per-call records with a column mapping (built-in: Anonymous Bank);
//! * [`estimate`]: queue figures, handling-time distribution, patience (Kaplan–Meier and
//!   exponential MLE), redials;
//! * [`counts`]: interval or daily volumes;
//! * [`forecast`]: daily totals (log-linear regression with weekday, trend, post-holiday and
//!   special-day terms, AR(1) residuals) × intraday profile per weekday, with prediction
//!   intervals;
//! * [`backtest`]: rolling origin over the last weeks against seasonal-naive;
//! * [`render`]: the human tables, JSON and the RON scenario fragment of `peakplan fit`;
//! * [`history`]: `peakplan fit --plan`, from the history to a runnable scenario for a
//!   plan period (volumes per date, cv by lead, profiles, hours, handling, patience,
//!   redials, the permanent roster).

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

/// Write a file atomically ([`crate::output::write_file`]: a temporary file beside it,
/// flushed, then a rename; removed again on any failure). A failure names the path.
pub fn write_atomically(path: &Path, text: &str) -> Result<()> {
    crate::output::write_file(path, text.as_bytes())
        .map_err(|(path, source)| Error::Io { path, source })
}

/// The options that size tables (one backtest row per horizon day, two regression columns
/// per harmonic), checked before any file is read.
fn check_table_sizes(req: &CountsRequest) -> Result<()> {
    if !(1..=MAX_HORIZON_DAYS).contains(&req.horizon_days) {
        return Err(Error::Input(format!(
            "--horizon-days {}: give 1 to {MAX_HORIZON_DAYS}",
            req.horizon_days
        )));
    }
    if req.monthly_harmonics > MAX_MONTHLY_HARMONICS {
        return Err(Error::Input(format!(
            "--monthly-harmonics {}: give 0 to {MAX_MONTHLY_HARMONICS}",
            req.monthly_harmonics
        )));
    }
    Ok(())
}

/// The forecast settings of a counts request (events, holidays, spread …), checked.
pub fn forecast_options(req: &CountsRequest) -> Result<ForecastOptions> {
    check_table_sizes(req)?;
    if req
        .halflife_weeks
        .is_some_and(|h| !(h > 0.0 && h.is_finite()))
    {
        return Err(Error::Input(
            "--halflife-weeks must be a positive number of weeks".into(),
        ));
    }
    Ok(ForecastOptions {
        events: req
            .events
            .iter()
            .map(|e| parse_event(e))
            .collect::<Result<_>>()?,
        event_window: parse_window(&req.event_window)?,
        monthly_harmonics: req.monthly_harmonics,
        halflife_weeks: req.halflife_weeks,
        residual: req.residual,
        robust: req.robust,
        spread: req.spread,
        lead_spread: req.lead_spread,
        holidays: if req.holidays.is_empty() {
            None
        } else {
            Some(
                req.holidays
                    .iter()
                    .map(|h| {
                        calls::parse_date(h.trim().as_bytes()).ok_or_else(|| {
                            Error::Input(format!("--holiday `{h}`: write YYYY-MM-DD"))
                        })
                    })
                    .collect::<Result<_>>()?,
            )
        },
        ..ForecastOptions::default()
    })
}

/// `peakplan fit --counts`: load, fit, optionally backtest and write the RON fragment;
/// returns the text to print.
pub fn run_counts(path: &Path, cols: &CountColumns, req: &CountsRequest) -> Result<String> {
    check_table_sizes(req)?;
    let series = load_counts(path, cols)?;
    let options = forecast_options(req)?;
    let holdout = req.holdout.as_deref().map(parse_holdout).transpose()?;
    let model = forecast::fit(&series, &options, None)?;
    let bt = holdout
        .map(|w| backtest::backtest(&series, &options, w, req.horizon_days))
        .transpose()?;
    let mut fragment = render::counts_fragment(&model, &series, &req.profile_channel, bt.as_ref())?;
    if let Some(base) = &req.extends {
        fragment = render::with_extends(&fragment, base);
    }
    if let Some(out) = &req.out {
        write_atomically(out, &fragment)?;
    }
    Ok(if req.json {
        render::counts_json(&model, &series, bt.as_ref())
    } else {
        render::counts_table(&model, &series, bt.as_ref())
    })
}
