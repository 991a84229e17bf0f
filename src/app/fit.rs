//! `peakplan fit`: the pipelines of its three modes on top of [`crate::fit`], which
//! parses, estimates, forecasts and renders; this file reads the input files, writes the
//! output files (atomically) and returns the text to print.
//!
//! * [`calls`] (`--calls FILE…`): per-call records → handling, patience and volume
//!   estimates, with the optional interval table, RON fragment and replay;
//! * [`counts`] (`--counts FILE`): a volume series → the daily forecast model, its optional
//!   backtest and RON fragment; the forecast settings ([`fit::CountsRequest`]) become
//!   [`fit::ForecastOptions`] here, checked before any file is read;
//! * [`plan`] (`--plan FROM..TO`): the history (calls and/or counts, fingerprinted) → the
//!   forecast of the plan period ([`fit::history::forecast_plan`]) → the scenario, built
//!   on the base of `--extends` ([`fit::history::plan_scenario`]), written with its volumes
//!   CSV and, with a base, loaded back and its demand checked against the forecast.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::error::{Error, Result};
use crate::fit::history::{self, PlanHistory, PlanRequest};
use crate::fit::{
    self, CallFit, CallSet, CountColumns, CountsRequest, ForecastOptions, MAX_HORIZON_DAYS,
    MAX_MONTHLY_HARMONICS, Mapping,
};
use crate::montecarlo::seeds;
use crate::scenario::{self, HistoryFile, Scenario};

/// What `fit --calls` was asked.
#[derive(Debug, Clone)]
pub struct CallsRequest {
    pub calls: Vec<PathBuf>,
    pub mapping: Mapping,
    /// A call from the same customer within this many seconds of an abandon is a redial.
    pub redial_window_s: f64,
    /// Write the per-interval observations here (`--intervals-out`).
    pub intervals_out: Option<PathBuf>,
    pub interval_min: u32,
    /// Write the fitted RON fragment here (`--out`), extending `extends` when given.
    pub out: Option<PathBuf>,
    pub extends: Option<String>,
    /// The channel named in the fragment.
    pub profile_channel: String,
    /// `--replay FROM..TO` and its replications.
    pub replay: Option<String>,
    pub replications: u32,
    pub allow_large: bool,
    /// Add the observed figures per day.
    pub per_day: bool,
    /// JSON instead of the table.
    pub json: bool,
}

/// Runs `fit --calls`; returns the text to print.
pub fn calls(r: &CallsRequest) -> Result<String> {
    let set = fit::load_calls(&r.calls, &r.mapping)?;
    let est = fit::estimate(&set, r.redial_window_s);
    if let Some(p) = &r.intervals_out {
        let rows = fit::estimate::checked_interval_table(&set, r.interval_min)?;
        write_atomically(p, &fit::estimate::interval_csv(&rows))?;
    }
    if let Some(p) = &r.out {
        let mut frag = fit::render::calls_fragment(&est, &r.profile_channel)?;
        if let Some(base) = &r.extends {
            frag = fit::render::with_extends(&frag, base);
        }
        write_atomically(p, &frag)?;
    }
    if let Some(period) = &r.replay {
        let bad = || Error::Input(format!("--replay `{period}`: write YYYY-MM-DD..YYYY-MM-DD"));
        let (x, y) = period.split_once("..").ok_or_else(bad)?;
        let first: jiff::civil::Date = x.trim().parse().map_err(|_| bad())?;
        let last: jiff::civil::Date = y.trim().parse().map_err(|_| bad())?;
        let opts = fit::replay::ReplayOptions {
            replications: r.replications,
            seed: seeds::DEFAULT,
            allow_large: r.allow_large,
        };
        let days = fit::replay::replay_with(&set, &est, first, last, &opts)?;
        return Ok(fit::replay::replay_table(&days));
    }
    let days = r.per_day.then(|| fit::estimate::daily_observed(&set));
    Ok(match (r.json, &days) {
        (false, None) => fit::render::calls_table(&est, &set),
        (false, Some(d)) => fit::render::calls_table(&est, &set) + &fit::render::days_table(d),
        (true, None) => fit::render::calls_json(&est),
        (true, Some(d)) => fit::render::calls_json_with_days(&est, d),
    })
}

/// Write a file atomically ([`crate::output::write_file`]: a temporary file beside it,
/// flushed, then a rename; removed again on any failure). A failure names the path.
fn write_atomically(path: &Path, text: &str) -> Result<()> {
    crate::output::write_file(path, text.as_bytes())
        .map_err(|(path, source)| Error::Io { path, source })
}

/// `peakplan fit --counts`: load, fit, optionally backtest and write the RON fragment;
/// returns the text to print.
pub fn counts(path: &Path, cols: &CountColumns, req: &CountsRequest) -> Result<String> {
    check_table_sizes(req)?;
    let series = fit::load_counts(path, cols)?;
    let options = forecast_options(req)?;
    let holdout = req.holdout.as_deref().map(fit::parse_holdout).transpose()?;
    let model = fit::forecast::fit(&series, &options, None)?;
    let bt = holdout
        .map(|w| fit::backtest::backtest(&series, &options, w, req.horizon_days))
        .transpose()?;
    let mut fragment =
        fit::render::counts_fragment(&model, &series, &req.profile_channel, bt.as_ref())?;
    if let Some(base) = &req.extends {
        fragment = fit::render::with_extends(&fragment, base);
    }
    if let Some(out) = &req.out {
        write_atomically(out, &fragment)?;
    }
    Ok(if req.json {
        fit::render::counts_json(&model, &series, bt.as_ref())
    } else {
        fit::render::counts_table(&model, &series, bt.as_ref())
    })
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
fn forecast_options(req: &CountsRequest) -> Result<ForecastOptions> {
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
            .map(|e| fit::parse_event(e))
            .collect::<Result<_>>()?,
        event_window: fit::parse_window(&req.event_window)?,
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
                        fit::calls::parse_date(h.trim().as_bytes()).ok_or_else(|| {
                            Error::Input(format!("--holiday `{h}`: write YYYY-MM-DD"))
                        })
                    })
                    .collect::<Result<_>>()?,
            )
        },
        ..ForecastOptions::default()
    })
}

/// Runs `fit --plan`; returns the text (or JSON) to print.
///
/// The history is loaded and forecast for the plan period; the base (if any) is read; the
/// scenario built on it ([`fit::history::plan_scenario`]) is written with its volumes CSV
/// and, with a base, loaded back and its demand checked against the forecast.
pub fn plan(req: &PlanRequest) -> Result<String> {
    let (from, to) = parse_period(&req.period)?;
    let out = req
        .forecast
        .out
        .clone()
        .ok_or_else(|| input("--plan needs --out FILE.ron (the scenario it writes)"))?;
    if ![15, 30, 60].contains(&req.interval_min) {
        return Err(input(format!(
            "--interval-min {}: a scenario's interval is 15, 30 or 60 minutes",
            req.interval_min
        )));
    }
    let mut notes = Vec::new();

    let history = load_history(req)?;
    let origin = history.origin;
    if from <= origin {
        return Err(input(format!(
            "--plan {}: the plan period must start after the history's last day {origin}",
            req.period
        )));
    }
    let options = forecast_options(&req.forecast)?;
    let fc = history::forecast_plan(
        req,
        &options,
        &history.series,
        (from, to),
        origin,
        &mut notes,
    )?;
    let base = load_base(req, &out)?;
    let written = history::plan_scenario(req, &history, &fc, base.as_ref(), &out, &mut notes)?;
    let csv_path = out
        .parent()
        .unwrap_or(Path::new(""))
        .join(&written.csv_name);
    write_atomically(&csv_path, &written.volumes_csv)?;
    write_atomically(&out, &written.text)?;

    let channel = &req.forecast.profile_channel;
    let demand_check = if req.forecast.extends.is_some() {
        Some(demand_self_check(&out, channel, &fc.days)?)
    } else {
        notes.push(
            "no --extends: the fragment is not a complete scenario and was not loaded".into(),
        );
        None
    };

    let report = history::plan_report(&out, history, fc, written.roster, demand_check, notes);
    Ok(if req.forecast.json {
        history::plan_json(&report)
    } else {
        history::plan_table(&report, &written.name)
    })
}

fn input(msg: impl Into<String>) -> Error {
    Error::Input(msg.into())
}

/// `--plan FROM..TO`: at most 400 days (a scenario's calendar).
fn parse_period(s: &str) -> Result<(Date, Date)> {
    let bad = || {
        input(format!(
            "--plan `{s}`: write FROM..TO, e.g. 1999-07-01..1999-07-31"
        ))
    };
    let (a, b) = s.split_once("..").ok_or_else(bad)?;
    let a: Date = a.trim().parse().map_err(|_| bad())?;
    let b: Date = b.trim().parse().map_err(|_| bad())?;
    if b < a {
        return Err(input(format!(
            "--plan `{s}`: the period ends before it starts"
        )));
    }
    if (b - a).get_days() >= 400 {
        return Err(input(format!(
            "--plan `{s}`: at most 400 days (a scenario's calendar)"
        )));
    }
    Ok((a, b))
}

/// SHA-256 of a file as 64 lowercase hex digits.
fn sha256_file(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    Ok(super::sha256_hex(&bytes))
}

/// Loads the call records and the volume series (a `--counts` series wins over the calls'
/// own volumes) and fingerprints every file read.
fn load_history(req: &PlanRequest) -> Result<PlanHistory> {
    let calls: Option<(CallSet, CallFit)> = if req.calls.is_empty() {
        None
    } else {
        let set = fit::load_calls(&req.calls, &req.mapping)?;
        let fit = fit::estimate(&set, req.redial_window_s);
        Some((set, fit))
    };
    let (series, history_paths, measure) = match (&req.counts, &calls) {
        (Some((p, cols)), _) => (
            fit::load_counts(p, cols)?,
            vec![p.clone()],
            format!("`{}` per interval of {}", cols.count, p.display()),
        ),
        (None, Some((set, _))) => (
            history::series_from_calls(set, req.interval_min, req.measure, req.redial_window_s),
            set.files.clone(),
            req.measure.describe(req.redial_window_s),
        ),
        (None, None) => {
            return Err(input(
                "--plan needs --calls FILE… or --counts FILE, or both",
            ));
        }
    };
    let mut paths = history_paths;
    if let (Some(_), Some((set, _))) = (&req.counts, &calls) {
        paths.extend(set.files.iter().cloned());
    }
    let mut files: Vec<HistoryFile> = Vec::new();
    for p in &paths {
        files.push(HistoryFile {
            file: p.display().to_string(),
            sha256: sha256_file(p)?,
        });
    }
    let (Some(first), Some(last)) = (series.days.first(), series.days.last()) else {
        return Err(input("the history has no days"));
    };
    let (first, origin) = (first.date, last.date);
    Ok(PlanHistory {
        calls,
        series,
        files,
        measure,
        first,
        origin,
    })
}

/// Makes the output folder (the base's path is relative to it) and loads the base
/// scenario of `--extends`, which must be valid on its own.
fn load_base(req: &PlanRequest, out: &Path) -> Result<Option<Scenario>> {
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::Io {
            path: dir.to_path_buf(),
            source: e,
        })?;
    }
    let Some(rel) = &req.forecast.extends else {
        return Ok(None);
    };
    let dir = out.parent().unwrap_or(Path::new(""));
    let path = dir.join(rel);
    Ok(Some(scenario::load(&path, &[]).map_err(|e| {
        input(format!(
            "--extends {rel} ({}): the base must be a valid scenario on its own:\n{e}",
            path.display()
        ))
    })?))
}

/// Loads the written scenario (it must validate) and compares its demand on `channel` per
/// plan date with the forecast median: the largest relative difference (1 where the
/// forecast is 0 and the demand is not).
fn demand_self_check(out: &Path, channel: &str, days: &[history::PlanDay]) -> Result<f64> {
    let sc = scenario::load(out, &[]).map_err(|e| {
        input(format!(
            "the written scenario {} does not validate (the base and the fit disagree):\n{e}",
            out.display()
        ))
    })?;
    let dem = crate::demand::compute(&sc)
        .map_err(|e| Error::Internal(format!("demand of the written scenario: {e}")))?;
    let daily = dem.daily();
    let n = dem.reasons.len() * dem.channels.len() * dem.sources.len();
    let ci = dem.channel_index(channel);
    let mut worst: f64 = 0.0;
    for (k, p) in days.iter().enumerate() {
        let Some(ci) = ci else { break };
        let mut got = 0.0;
        for r in 0..dem.reasons.len() {
            for so in 0..dem.sources.len() {
                got += daily[k * n + (r * dem.channels.len() + ci) * dem.sources.len() + so];
            }
        }
        if p.contacts > 0.0 {
            worst = worst.max((got - p.contacts).abs() / p.contacts);
        } else if got > 0.0 {
            worst = worst.max(1.0);
        }
    }
    Ok(worst)
}
