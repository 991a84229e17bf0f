//! Interval (or daily) contact volumes: a CSV with a timestamp column and a count column,
//! optionally channel and reason columns (rows of the same timestamp are summed, or filtered
//! to one channel/reason).
//!
//! Timestamps: `YYYY-MM-DDTHH:MM[:SS]`, `YYYY-MM-DD HH:MM[:SS]` (interval start, local clock
//! time), or `YYYY-MM-DD` alone for daily totals. The interval length is detected (the
//! greatest common divisor of the clock minutes seen); slots without a row on a day that has
//! rows count as 0; days without any row are missing days (closed, holidays, gaps).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use super::calls::{MAX_SKIPPED_KEPT, SkippedRow, parse_date, parse_datetime};
use crate::error::{Error, Result};

/// Which columns of a counts file hold what.
#[derive(Debug, Clone, PartialEq)]
pub struct CountColumns {
    pub delimiter: u8,
    /// Interval start (or date) column. Default `interval_start`.
    pub time: String,
    /// Count column. Default `calls`.
    pub count: String,
    /// Optional channel column and the one channel to keep (all summed when `None`).
    pub channel: Option<(String, Option<String>)>,
    /// Optional reason column and the one reason to keep (all summed when `None`).
    pub reason: Option<(String, Option<String>)>,
}

impl Default for CountColumns {
    fn default() -> Self {
        CountColumns {
            delimiter: b',',
            time: "interval_start".into(),
            count: "calls".into(),
            channel: None,
            reason: None,
        }
    }
}

/// One day's counts on the common slot grid.
#[derive(Debug, Clone, PartialEq)]
pub struct DayCounts {
    pub date: Date,
    /// One count per slot of [`CountSeries`].
    pub counts: Vec<f64>,
}

impl DayCounts {
    pub fn total(&self) -> f64 {
        self.counts.iter().sum()
    }
}

/// A volume history on a regular grid of slots per day.
#[derive(Debug, Clone, PartialEq)]
pub struct CountSeries {
    /// Slot length in minutes (1440 for daily totals).
    pub interval_min: u32,
    /// Start of the first slot, minutes after midnight.
    pub first_slot_min: u32,
    pub slots_per_day: usize,
    /// Days with data, in date order.
    pub days: Vec<DayCounts>,
    pub malformed_rows: u64,
    pub first_malformed: Vec<SkippedRow>,
    /// Channel/reason values seen with their totals (before filtering).
    pub groups: Vec<(String, f64)>,
    pub file: PathBuf,
}

impl CountSeries {
    /// Build a series from days already on a grid (used by tests and generators).
    pub fn from_days(interval_min: u32, first_slot_min: u32, days: Vec<DayCounts>) -> Self {
        let slots_per_day = days.first().map_or(0, |d| d.counts.len());
        CountSeries {
            interval_min,
            first_slot_min,
            slots_per_day,
            days,
            malformed_rows: 0,
            first_malformed: vec![],
            groups: vec![],
            file: PathBuf::new(),
        }
    }

    /// The days on or before `last` (a training prefix).
    pub fn until(&self, last: Date) -> CountSeries {
        CountSeries {
            days: self
                .days
                .iter()
                .filter(|d| d.date <= last)
                .cloned()
                .collect(),
            ..self.clone()
        }
    }

    /// Clock label (`HH:MM`) of a slot.
    pub fn slot_label(&self, slot: usize) -> String {
        let m = self.first_slot_min as usize + slot * self.interval_min as usize;
        format!("{:02}:{:02}", m / 60, m % 60)
    }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Load a counts CSV.
pub fn load_counts(path: &Path, cols: &CountColumns) -> Result<CountSeries> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(cols.delimiter)
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(std::io::BufReader::new(super::open_input(path)?));
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| Error::Input(format!("{}: header: {e}", path.display())))?
        .iter()
        .map(str::to_string)
        .collect();
    let find = |want: &str, what: &str| -> Result<usize> {
        header.iter().position(|h| h == want).ok_or_else(|| {
            Error::Input(format!(
                "{}: no column `{want}` for the {what} (set it with --col-{}); the header has: {}",
                path.display(),
                what.split(' ').next().unwrap_or(what),
                header.join(", ")
            ))
        })
    };
    let ti = find(&cols.time, "time")?;
    let ci = find(&cols.count, "count")?;
    let chi = match &cols.channel {
        Some((c, keep)) => Some((find(c, "channel")?, keep.clone())),
        None => None,
    };
    let ri = match &cols.reason {
        Some((c, keep)) => Some((find(c, "reason")?, keep.clone())),
        None => None,
    };

    let mut cells: BTreeMap<(Date, u32), f64> = BTreeMap::new();
    let mut groups: BTreeMap<String, f64> = BTreeMap::new();
    let mut malformed = 0u64;
    let mut first_malformed = Vec::new();
    let mut daily_only = true;
    let mut rec = csv::StringRecord::new();
    loop {
        let line;
        let parsed: std::result::Result<Option<(Date, u32, f64)>, String> =
            match rdr.read_record(&mut rec) {
                Ok(false) => break,
                Err(e) => {
                    line = e.position().map_or(0, |p| p.line());
                    Err(format!("unreadable row: {e}"))
                }
                Ok(true) => {
                    line = rec.position().map_or(0, |p| p.line());
                    parse_count_row(&rec, ti, ci, &chi, &ri, &mut groups)
                }
            };
        match parsed {
            Ok(None) => {}
            Ok(Some((date, minute, v))) => {
                if minute != u32::MAX {
                    daily_only = false;
                }
                *cells.entry((date, minute)).or_insert(0.0) += v;
            }
            Err(reason) => {
                malformed += 1;
                if first_malformed.len() < MAX_SKIPPED_KEPT {
                    first_malformed.push(SkippedRow {
                        file: path.to_path_buf(),
                        line,
                        reason,
                    });
                }
            }
        }
    }
    if cells.is_empty() {
        return Err(Error::Input(format!(
            "{}: no usable rows ({malformed} malformed)",
            path.display()
        )));
    }
    let (interval_min, first_slot_min, slots) = if daily_only {
        (1440, 0, 1)
    } else {
        if cells.keys().any(|k| k.1 == u32::MAX) {
            return Err(Error::Input(format!(
                "{}: mixes date-only and date-time timestamps",
                path.display()
            )));
        }
        let lo = cells.keys().map(|k| k.1).min().unwrap_or(0);
        let hi = cells.keys().map(|k| k.1).max().unwrap_or(0);
        let step = cells.keys().fold(0, |g, k| gcd(g, k.1 - lo));
        let step = if step == 0 { 1440 - lo } else { step };
        (step, lo, ((hi - lo) / step + 1) as usize)
    };
    let mut days: Vec<DayCounts> = Vec::new();
    for ((date, minute), v) in cells {
        if days.last().is_none_or(|d| d.date != date) {
            days.push(DayCounts {
                date,
                counts: vec![0.0; slots],
            });
        }
        let slot = if daily_only {
            0
        } else {
            ((minute - first_slot_min) / interval_min) as usize
        };
        if let Some(d) = days.last_mut() {
            d.counts[slot] += v;
        }
    }
    Ok(CountSeries {
        interval_min,
        first_slot_min,
        slots_per_day: slots,
        days,
        malformed_rows: malformed,
        first_malformed,
        groups: groups.into_iter().collect(),
        file: path.to_path_buf(),
    })
}

type Filter = Option<(usize, Option<String>)>;

fn parse_count_row(
    rec: &csv::StringRecord,
    ti: usize,
    ci: usize,
    chi: &Filter,
    ri: &Filter,
    groups: &mut BTreeMap<String, f64>,
) -> std::result::Result<Option<(Date, u32, f64)>, String> {
    let t = rec.get(ti).ok_or("row too short: no time")?;
    let c = rec.get(ci).ok_or("row too short: no count")?;
    let v: f64 = c
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| format!("count `{c}` is not a non-negative number"))?;
    let (date, minute) = if t.len() == 10 {
        let d = parse_date(t.as_bytes()).ok_or_else(|| format!("date `{t}` unreadable"))?;
        (d, u32::MAX)
    } else {
        let (d, s) = parse_datetime(t.as_bytes())
            .ok_or_else(|| format!("time `{t}` is not YYYY-MM-DDTHH:MM[:SS]"))?;
        if s % 60 != 0 {
            return Err(format!("time `{t}` is not on a whole minute"));
        }
        (d, s / 60)
    };
    let mut key = String::new();
    let mut keep = true;
    for f in [chi, ri].into_iter().flatten() {
        let g = rec.get(f.0).ok_or("row too short: no channel/reason")?;
        if !key.is_empty() {
            key.push('/');
        }
        key.push_str(g);
        keep &= f.1.as_deref().is_none_or(|k| k == g);
    }
    if !key.is_empty() {
        *groups.entry(key).or_insert(0.0) += v;
    }
    if !keep {
        return Ok(None);
    }
    Ok(Some((date, minute, v)))
}
