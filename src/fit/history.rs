//! `peakplan fit --plan FROM..TO`: the pieces that turn a centre's own history into a
//! runnable scenario — the forecast of the plan period ([`forecast_plan`]), the scenario
//! built on the base ([`plan_scenario`]: its RON text with the comment lines, and the
//! volumes CSV) and the report ([`plan_report`], [`plan_table`], [`plan_json`]).
//! [`crate::app::fit::plan`] runs them: it loads the history and the base, writes the two
//! files and loads the written scenario back to check its demand.
//!
//! What history can tell, written for the plan period:
//!
//! * **contacts per date** (`volumes`, in a CSV `<out>.volumes.csv` beside the scenario):
//!   the forecast median of each date of the plan period with its 80 % and 95 % intervals,
//!   from the daily model of [`super::forecast`]
//!   (fitted events with an occurrence inside the plan period are applied — their uplift
//!   is in the volumes, and the fragment says so); the history's last weeks, the days set
//!   aside as extraordinary and the rolling-origin backtest go with them for the report;
//! * **the volume uncertainty by lead** (`simulation.volume_cv_by_lead`): each plan date
//!   gets the cv of its lead from the forecast origin (the last day of history);
//! * **intraday profiles** per weekday and the channel's **opening hours** per weekday
//!   (the smallest window holding all but 0.1 % of that weekday's contacts at each end);
//! * from per-call records: **handling** (lognormal with the sample mean and cv),
//!   **patience** (exponential MLE), **redials** (share and delay), and — when the records
//!   name agents — the **permanent roster**: per weekday and interval, the median of the
//!   agents seen serving on that weekday over the last `roster_weeks` weeks (days set aside
//!   as extraordinary left out, a half rounded up), written as shifts that reproduce it
//!   exactly (one shift per head and run of intervals, runs longer than 8 h split), with no
//!   shrinkage on top (agents seen serving were at work).
//!
//! What is forecast from call records ([`Measure`]): by default the *fresh* calls that
//! reached the agent queue (answered or abandoned there) — calls of a customer who abandoned
//! in the queue within the redial window before are left out, because the simulation adds
//! redials itself, at the planned service level. Repeat contacts of the unresolved are in
//! the history too, so the volumes' reason gets first-contact resolution 1.
//!
//! With a base scenario (`--extends`), the base supplies what history cannot know
//! (targets, flex pools, costs, campaigns, the time zone). The merge replaces lists whole,
//! so the lists the fit touches — channels, reasons, teams, arrival profiles — are written
//! as the base's lists with the fitted parts put in: the history channel's hours, the
//! volumes' reason's handling and FCR, the roster team's shifts and shrinkage. A base event
//! with the name of a fitted event applied in the volumes is left out (not counted twice).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::Serialize;

use super::CountsRequest;
use super::backtest::{self, Backtest};
use super::calls::{CallSet, Mapping, Outcome};
use super::counts::{CountColumns, CountSeries, DayCounts};
use super::estimate::{CallFit, interval_table, quantile_sorted};
use super::forecast::{self, ForecastOptions, VolumeModel};
use super::render::{self, round_to};
use crate::error::{Error, Result};
use crate::scenario::dates::{date_of_day_number, day_number};
use crate::scenario::{
    self, ArrivalProfile, BacktestSummary, Channel, ChannelKind, ClockTime, DatedContacts, Day,
    DurationDist, FittedVolumes, HistoryFile, PeakEvent, Reason, Redial, Scenario, Shift,
    Shrinkage, Team, VolumeCvByLead, Volumes, WeekHours,
};

/// Share of a weekday's contacts left outside its fitted opening hours at each end (stray
/// night calls do not open the line all night).
const HOURS_TRIM: f64 = 0.001;

/// What a per-call history's volumes count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Calls that reached the agent queue, redials of a queue abandon left out. Default.
    Fresh,
    /// Calls that reached the agent queue (answered or abandoned there), redials included.
    Queued,
    /// Every call record (voice-menu calls included).
    Calls,
}

impl Measure {
    /// What the volumes count, in words (`window_s`: the redial window).
    pub fn describe(self, window_s: f64) -> String {
        match self {
            Measure::Fresh => format!(
                "fresh calls to agents: calls that reached the agent queue, without redials of a queue abandon within {window_s:.0} s (the simulation adds redials at the planned service level)"
            ),
            Measure::Queued => {
                "calls that reached the agent queue (answered or abandoned there), redials included"
                    .into()
            }
            Measure::Calls => "every call record, voice-menu calls included".into(),
        }
    }
}

/// `peakplan fit --plan`: everything the command line gives.
#[derive(Debug, Clone)]
pub struct PlanRequest {
    /// Per-call record files (may be empty when `counts` is given).
    pub calls: Vec<PathBuf>,
    pub mapping: Mapping,
    pub redial_window_s: f64,
    /// A volume series (overrides the calls' volumes when both are given).
    pub counts: Option<(PathBuf, CountColumns)>,
    pub measure: Measure,
    /// The scenario's interval (15, 30 or 60 minutes).
    pub interval_min: u32,
    /// `FROM..TO`.
    pub period: String,
    /// Forecast settings, the channel, `out` (required) and `extends`.
    pub forecast: CountsRequest,
    /// The reason the volumes carry (default: `call`, or the base's reason of that name).
    pub volume_reason: Option<String>,
    /// The team whose shifts become the roster (default: the base's first team serving the
    /// channel, else a new team `permanent`).
    pub team: Option<String>,
    /// Weeks of history the roster statistic looks back.
    pub roster_weeks: usize,
    /// Scenario name (default: `<base name or history>_<FROM>`).
    pub name: Option<String>,
    /// IANA time zone of the history's clock times (default: the base's).
    pub time_zone: Option<String>,
    /// The command line, for the provenance.
    pub command: String,
}

/// One plan date's forecast (`lo*`/`hi*`: the day total's prediction intervals).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanDay {
    pub date: String,
    /// Calendar days and open days from the origin.
    pub lead_days: i64,
    pub lead_open_days: i32,
    /// The forecast median (0 on a closed day).
    pub contacts: f64,
    pub lo80: f64,
    pub hi80: f64,
    pub lo95: f64,
    pub hi95: f64,
    /// The day's volume cv for the simulation.
    pub cv: f64,
    /// Fitted event uplift applied on this date (1 = none).
    pub uplift: f64,
    /// Closed (weekday never worked, or a `--holiday`).
    pub closed: bool,
}

/// Per weekday and interval: the roster statistic and what the shifts give.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RosterCheck {
    /// Weekdays with a roster, Monday first.
    pub weekdays: Vec<String>,
    /// Weeks looked back and the days used.
    pub weeks: usize,
    pub days_used: usize,
    /// Cells (weekday × interval) compared and the largest |shift heads − median|.
    pub cells: usize,
    pub max_abs_difference: u32,
    /// Mean |median − observed| over the days used (how much the days differ from the
    /// statistic), agents.
    pub mean_abs_day_deviation: f64,
    /// Agent-hours per week in the roster and on average seen serving in those weeks.
    pub roster_agent_hours_per_week: f64,
    pub observed_agent_hours_per_week: f64,
}

/// What `fit --plan` did, for the table and JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanReport {
    pub out: String,
    pub measure: String,
    pub history_first: String,
    pub history_last: String,
    pub origin: String,
    pub days: Vec<PlanDay>,
    pub extraordinary_days: Vec<(String, f64)>,
    pub applied_events: Vec<(String, String)>,
    pub backtest: Option<Backtest>,
    pub roster: Option<RosterCheck>,
    pub handling: Option<(f64, f64)>,
    pub patience_mean_s: Option<f64>,
    /// Demand of the written scenario per plan date against the forecast median (the
    /// scenario was loaded and its demand computed): largest relative difference.
    pub demand_check_max_rel_diff: Option<f64>,
    pub notes: Vec<String>,
}

fn input(msg: impl Into<String>) -> Error {
    Error::Input(msg.into())
}

/// Which calls are redials: the next call of a customer within `window_s` after that
/// customer abandoned in the queue (the pairing of the redial share in
/// [`super::estimate`](mod@super::estimate)).
pub fn redial_flags(set: &CallSet, window_s: f64) -> Vec<bool> {
    let mut by_customer: Vec<(u64, i64, usize)> = set
        .records
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            r.customer
                .map(|c| (c, day_number(r.date) * 86_400 + i64::from(r.arrival_s), i))
        })
        .collect();
    by_customer.sort_unstable();
    let mut flags = vec![false; set.records.len()];
    for w in 1..by_customer.len() {
        let (c0, t0, i0) = by_customer[w - 1];
        let (c1, t1, i1) = by_customer[w];
        let r0 = &set.records[i0];
        if c0 == c1
            && r0.queued
            && r0.outcome == Outcome::Abandoned
            && ((t1 - t0) as f64) <= window_s
        {
            flags[i1] = true;
        }
    }
    flags
}

/// A per-call history as a volume series on the interval grid: per day with calls, the
/// calls of `measure` per interval.
pub fn series_from_calls(
    set: &CallSet,
    interval_min: u32,
    measure: Measure,
    window_s: f64,
) -> CountSeries {
    let len = i64::from(interval_min) * 60;
    let slots = (86_400 / len) as usize;
    let redial = match measure {
        Measure::Fresh => redial_flags(set, window_s),
        _ => vec![false; set.records.len()],
    };
    let mut days: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
    for (r, &is_redial) in set.records.iter().zip(&redial) {
        let counts = days
            .entry(day_number(r.date))
            .or_insert_with(|| vec![0.0; slots]);
        let to_agents = r.outcome == Outcome::Answered || r.queued;
        let keep = match measure {
            Measure::Calls => true,
            Measure::Queued => to_agents,
            Measure::Fresh => to_agents && !is_redial,
        };
        if keep {
            let s = ((i64::from(r.arrival_s) / len) as usize).min(slots - 1);
            counts[s] += 1.0;
        }
    }
    let mut series = CountSeries::from_days(
        interval_min,
        0,
        days.into_iter()
            .map(|(dn, counts)| DayCounts {
                date: date_of_day_number(dn),
                counts,
            })
            .collect(),
    );
    series.file = set.files.first().cloned().unwrap_or_default();
    series
}

/// Opening hours of a weekday from its slot shares: the smallest window of whole slots
/// holding all but `trim` of the contacts at each end, widened to whole `round_min` steps
/// (`None` without any contacts).
fn hours_from_profile(
    shares: &[f64],
    first_slot_min: u32,
    interval_min: u32,
    trim: f64,
    round_min: u32,
) -> Option<(ClockTime, ClockTime)> {
    let total: f64 = shares.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let mut cum = 0.0;
    let mut first = 0;
    for (i, s) in shares.iter().enumerate() {
        if cum + s > trim * total {
            first = i;
            break;
        }
        cum += s;
    }
    let mut cum = 0.0;
    let mut last = shares.len() - 1;
    for (i, s) in shares.iter().enumerate().rev() {
        if cum + s > trim * total {
            last = i;
            break;
        }
        cum += s;
    }
    let to_clock = |m: u32| {
        let m = m.min(1440);
        ClockTime::from_hm((m / 60) as u16, (m % 60) as u16)
    };
    // Widened to whole `round_min` steps (the scenario's intervals).
    let round = round_min.max(1);
    let from = to_clock((first_slot_min + first as u32 * interval_min) / round * round)?;
    let to = to_clock((first_slot_min + (last as u32 + 1) * interval_min).div_ceil(round) * round)?;
    (to > from).then_some((from, to))
}

/// Shifts that reproduce `need[slot]` heads exactly: one shift per head and run of slots
/// where the need is at least that head's level, runs longer than `max_slots` split
/// evenly. Returns (start slot, end slot, heads), equal shifts merged.
pub fn shifts_for(need: &[u32], max_slots: usize) -> Vec<(usize, usize, u32)> {
    let mut out: BTreeMap<(usize, usize), u32> = BTreeMap::new();
    let top = need.iter().copied().max().unwrap_or(0);
    for level in 1..=top {
        let mut s = 0;
        while s < need.len() {
            if need[s] < level {
                s += 1;
                continue;
            }
            let start = s;
            while s < need.len() && need[s] >= level {
                s += 1;
            }
            let len = s - start;
            let pieces = len.div_ceil(max_slots.max(1));
            for p in 0..pieces {
                let a = start + len * p / pieces;
                let b = start + len * (p + 1) / pieces;
                *out.entry((a, b)).or_insert(0) += 1;
            }
        }
    }
    out.into_iter().map(|((a, b), h)| (a, b, h)).collect()
}

/// Heads per slot for each weekday (Monday first), `None` on a weekday without agents.
type WeekNeed = [Option<Vec<u32>>; 7];

/// The roster statistic: per weekday (Monday first) and slot, the median of the agents
/// seen serving over the last `weeks` days of that weekday (`skip`: day numbers left out).
fn roster_need(
    set: &CallSet,
    interval_min: u32,
    weeks: usize,
    skip: &BTreeSet<i64>,
) -> (WeekNeed, Vec<(i64, Vec<u64>)>) {
    let rows = interval_table(set, interval_min);
    let slots = (1440 / interval_min) as usize;
    let mut by_day: BTreeMap<i64, Vec<u64>> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        let Some(d) = r
            .interval_start
            .get(..10)
            .and_then(|d| d.parse::<Date>().ok())
        else {
            continue;
        };
        by_day
            .entry(day_number(d))
            .or_insert_with(|| vec![0; slots])[i % slots] = r.agents_serving;
    }
    let mut need: WeekNeed = Default::default();
    let mut used = Vec::new();
    for (w, slot) in need.iter_mut().enumerate() {
        let days: Vec<(&i64, &Vec<u64>)> = by_day
            .iter()
            .filter(|(dn, v)| {
                Day::of(date_of_day_number(**dn)).index() == w
                    && !skip.contains(dn)
                    && v.iter().any(|&a| a > 0)
            })
            .collect();
        let days = &days[days.len().saturating_sub(weeks)..];
        if days.is_empty() {
            continue;
        }
        let med: Vec<u32> = (0..slots)
            .map(|s| {
                let mut v: Vec<f64> = days.iter().map(|(_, a)| a[s] as f64).collect();
                v.sort_by(f64::total_cmp);
                // Half rounded up.
                (quantile_sorted(&v, 0.5) + 1e-9).round() as u32
            })
            .collect();
        if med.iter().any(|&m| m > 0) {
            *slot = Some(med);
        }
        used.extend(days.iter().map(|(dn, a)| (**dn, (*a).clone())));
    }
    (need, used)
}

/// Serialises what the fragment writes at the top level.
#[derive(Serialize)]
struct Fragment {
    name: String,
    description: String,
    calendar: CalendarFragment,
    channels: Vec<Channel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    events: Option<Vec<PeakEvent>>,
    volumes: Vec<Volumes>,
    reasons: Vec<Reason>,
    arrival_profiles: Vec<ArrivalProfile>,
    #[serde(skip_serializing_if = "Option::is_none")]
    agents: Option<AgentsFragment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    behaviour: Option<BehaviourFragment>,
    simulation: SimulationFragment,
}

#[derive(Serialize)]
struct CalendarFragment {
    start: Date,
    end: Date,
    interval_min: u32,
    time_zone: String,
    closed_days: Vec<Date>,
}

#[derive(Serialize)]
struct AgentsFragment {
    teams: Vec<Team>,
}

#[derive(Serialize)]
struct BehaviourFragment {
    patience: BTreeMap<String, DurationDist>,
    #[serde(skip_serializing_if = "Option::is_none")]
    redial: Option<Redial>,
}

#[derive(Serialize)]
struct SimulationFragment {
    volume_cv: f64,
    volume_cv_by_lead: VolumeCvByLead,
}

fn clock(m: u32) -> Result<ClockTime> {
    ClockTime::from_hm((m / 60) as u16, (m % 60) as u16)
        .ok_or_else(|| Error::Internal(format!("clock minute {m} out of range")))
}

/// The scenario `fit --plan` writes, as text, with what goes beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanScenario {
    /// The scenario's name.
    pub name: String,
    /// The scenario: the comment lines, then the RON (with `extends` when there is a base).
    pub text: String,
    /// The volumes CSV's file name (beside the scenario, as its `volumes` name it) and its
    /// text.
    pub csv_name: String,
    pub volumes_csv: String,
    /// The roster's check (`None` without a roster).
    pub roster: Option<RosterCheck>,
}

/// The scenario of the plan period, ready to write to `out`: the fitted channel hours,
/// reason, roster, volumes and behaviour put into the base's lists (`base`, already loaded),
/// with the comment lines that say where each part comes from.
pub fn plan_scenario(
    req: &PlanRequest,
    history: &PlanHistory,
    fc: &PlanForecast,
    base: Option<&Scenario>,
    out: &Path,
    notes: &mut Vec<String>,
) -> Result<PlanScenario> {
    let (from, to) = fc.period;
    let origin = history.origin;
    let channel = req.forecast.profile_channel.clone();
    let model = &fc.model;
    let (channels, channel_kind) = fitted_channels(base, &channel, model, req.interval_min)?;
    let fit = history.calls.as_ref().map(|(_, f)| f);
    let (reasons, reason_name, skill) = fitted_reasons(base, req, fit, &channel)?;
    let roster = match &history.calls {
        Some((set, _)) => {
            let roster = Roster {
                channel: &channel,
                skill: &skill,
                team: req.team.as_deref(),
            };
            fitted_roster(req, set, model, base, &roster, notes)?
        }
        None => None,
    };
    let (teams, roster_check) = roster.unzip();

    let csv_name = format!(
        "{}.volumes.csv",
        out.file_stem()
            .map_or_else(|| "plan".into(), |s| s.to_string_lossy().into_owned())
    );
    let per_date = dated_contacts(&fc.days, &channel, from);
    let volumes = Volumes {
        reason: reason_name,
        per_date: Vec::new(),
        file: Some(csv_name.clone()),
        fitted: Some(fitted_volumes(req, history, model, fc.backtest.as_ref())),
    };
    let events = base_events_left(base, &fc.applied_events);
    let frag = Fragment {
        name: req.name.clone().unwrap_or_else(|| {
            let base_name = base.map_or("history", |b| b.name.as_str());
            format!("{base_name}_{from}")
        }),
        description: format!(
            "Plan {from} to {to} from the history {} to {origin} ({}).",
            history.first, history.measure
        ),
        calendar: CalendarFragment {
            start: from,
            end: to,
            interval_min: req.interval_min,
            time_zone: req
                .time_zone
                .clone()
                .or_else(|| base.map(|b| b.calendar.time_zone.clone()))
                .unwrap_or_else(|| "Europe/Amsterdam".into()),
            closed_days: fc.plan_holidays.clone(),
        },
        channels,
        events,
        volumes: vec![volumes],
        reasons,
        arrival_profiles: fitted_profiles(base, model, &channel),
        agents: teams.map(|teams| AgentsFragment { teams }),
        behaviour: fit.and_then(|f| fitted_behaviour(f, &channel, channel_kind)),
        simulation: SimulationFragment {
            volume_cv: round_to(model.volume_cv_ahead(1), 4),
            volume_cv_by_lead: VolumeCvByLead {
                origin,
                cv: cv_points(&fc.days),
            },
        },
    };
    let header = Header {
        history,
        forecast: fc,
        csv_name: &csv_name,
        roster: roster_check.as_ref(),
        has_base: base.is_some(),
    };
    let mut text = header.comments(req, frag.events.is_some());
    text.push_str(&fragment_ron(&frag, req.forecast.extends.as_deref())?);
    Ok(PlanScenario {
        name: frag.name,
        text,
        csv_name,
        volumes_csv: volumes_csv(&per_date),
        roster: roster_check,
    })
}

/// What `fit --plan` did, for the table and JSON.
pub fn plan_report(
    out: &Path,
    history: PlanHistory,
    fc: PlanForecast,
    roster: Option<RosterCheck>,
    demand_check: Option<f64>,
    notes: Vec<String>,
) -> PlanReport {
    let fit = history.calls.as_ref().map(|(_, f)| f);
    PlanReport {
        out: out.display().to_string(),
        history_first: history.first.to_string(),
        history_last: history.origin.to_string(),
        origin: history.origin.to_string(),
        extraordinary_days: fc
            .model
            .extraordinary_days
            .iter()
            .map(|(d, f)| (d.to_string(), *f))
            .collect(),
        days: fc.days,
        applied_events: fc.applied_events,
        backtest: fc.backtest,
        roster,
        handling: fit.map(|f| (f.service_mean_s, f.service_cv)),
        patience_mean_s: fit.and_then(|f| f.patience_mean_s_exp_mle),
        measure: history.measure,
        demand_check_max_rel_diff: demand_check,
        notes,
    }
}

/// The history `fit --plan` learns from (loaded by [`crate::app::fit::plan`]).
#[derive(Debug, Clone)]
pub struct PlanHistory {
    /// The per-call records and what was estimated from them (`--calls`).
    pub calls: Option<(CallSet, CallFit)>,
    /// The volume series forecast: `--counts`, else the calls' `measure` per interval.
    pub series: CountSeries,
    /// The files read, with their SHA-256 (the series' first).
    pub files: Vec<HistoryFile>,
    /// What the series counts, in words.
    pub measure: String,
    /// The series' first day and its last (the forecast origin).
    pub first: Date,
    pub origin: Date,
}

/// The forecast of the plan period.
#[derive(Debug, Clone)]
pub struct PlanForecast {
    /// The plan period, first and last date.
    pub period: (Date, Date),
    /// The daily model, with the `--holiday`s inside the plan period closed.
    pub model: VolumeModel,
    pub backtest: Option<Backtest>,
    /// `--holiday`s inside the plan period (closed days of the scenario).
    pub plan_holidays: Vec<Date>,
    /// Fitted events with an occurrence in the plan period: (name, date).
    pub applied_events: Vec<(String, String)>,
    /// Every date of the plan period.
    pub days: Vec<PlanDay>,
}

/// Fits the daily model (`options`, from `req.forecast`) on the history, backtests it (a
/// failed backtest is a note) and forecasts every date of `period` from `origin`.
pub fn forecast_plan(
    req: &PlanRequest,
    options: &ForecastOptions,
    series: &CountSeries,
    period: (Date, Date),
    origin: Date,
    notes: &mut Vec<String>,
) -> Result<PlanForecast> {
    let (from, to) = period;
    let mut model: VolumeModel = forecast::fit(series, options, None)?;
    let backtest = {
        let weeks = match &req.forecast.holdout {
            Some(h) => super::parse_holdout(h)?,
            None => 8,
        };
        match backtest::backtest(series, options, weeks, req.forecast.horizon_days) {
            Ok(b) => Some(b),
            Err(e) => {
                notes.push(format!("no backtest: {e}"));
                None
            }
        }
    };
    // Holidays inside the plan period are closed days (and the next day gets the
    // post-holiday effect).
    let plan_holidays: Vec<Date> = options
        .holidays
        .iter()
        .flatten()
        .copied()
        .filter(|d| *d >= from && *d <= to)
        .collect();
    for h in &plan_holidays {
        model.calendar.closed.insert(day_number(*h));
    }
    // Fitted events with an occurrence in the plan period.
    let mut applied_events: Vec<(String, String)> = options
        .events
        .iter()
        .filter(|e| {
            let (a, b) = options.event_window;
            let d0 = day_number(e.date);
            d0 + i64::from(b) >= day_number(from) && d0 + i64::from(a) <= day_number(to)
        })
        .map(|e| (e.name.clone(), e.date.to_string()))
        .collect();
    applied_events.dedup();
    let days = plan_days(&model, period, origin, &applied_events)?;
    Ok(PlanForecast {
        period,
        model,
        backtest,
        plan_holidays,
        applied_events,
        days,
    })
}

/// The forecast of every date of `period`: median, intervals, cv and the applied events'
/// uplift (closed dates: 0 contacts, uplift 1).
fn plan_days(
    model: &VolumeModel,
    (from, to): (Date, Date),
    origin: Date,
    applied_events: &[(String, String)],
) -> Result<Vec<PlanDay>> {
    let uplift_on = |date: Date| -> f64 {
        let dn = day_number(date);
        applied_events
            .iter()
            .filter_map(|(name, d0)| {
                let d0 = day_number(d0.parse::<Date>().ok()?);
                let k = i32::try_from(dn - d0).ok()?;
                model
                    .uplift(name)
                    .iter()
                    .find(|(o, _)| *o == k)
                    .map(|(_, m)| *m)
            })
            .product()
    };
    let mut days = Vec::new();
    let mut d = from;
    loop {
        let dn = day_number(d);
        let lead_open = model
            .calendar
            .open_days_between(day_number(origin), dn)
            .max(1) as i32;
        let cv = round_to(model.volume_cv_on(d), 4);
        let f = model.forecast_day(d);
        let closed = f.is_none();
        days.push(PlanDay {
            date: d.to_string(),
            lead_days: dn - day_number(origin),
            lead_open_days: lead_open,
            contacts: f.as_ref().map_or(0.0, |f| f.total),
            lo80: f.as_ref().map_or(0.0, |f| f.total_lo80),
            hi80: f.as_ref().map_or(0.0, |f| f.total_hi80),
            lo95: f.as_ref().map_or(0.0, |f| f.total_lo95),
            hi95: f.as_ref().map_or(0.0, |f| f.total_hi95),
            cv,
            uplift: if closed { 1.0 } else { uplift_on(d) },
            closed,
        });
        if d >= to {
            break;
        }
        d = d
            .tomorrow()
            .map_err(|e| input(format!("--plan: date out of range: {e}")))?;
    }
    Ok(days)
}

/// The base's channels (else the default channel of that name, else a default channel
/// renamed) with the history channel's opening hours fitted per weekday; and its kind.
fn fitted_channels(
    base: Option<&Scenario>,
    channel: &str,
    model: &VolumeModel,
    interval_min: u32,
) -> Result<(Vec<Channel>, ChannelKind)> {
    let mut channels: Vec<Channel> = match base {
        Some(b) => b.channels.clone(),
        None => scenario::default_channels()
            .into_iter()
            .filter(|c| c.name == channel)
            .collect(),
    };
    if channels.is_empty() {
        channels.push(Channel {
            name: channel.to_string(),
            ..scenario::default_channels()[0].clone()
        });
    }
    let Some(ch) = channels.iter_mut().find(|c| c.name == channel) else {
        return Err(input(format!(
            "the base has no channel `{channel}` (--profile-channel); its channels: {}",
            channels
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    if model.interval_min < 1440 {
        ch.opening_hours = opening_hours(model, interval_min);
    }
    let kind = ch.kind;
    Ok((channels, kind))
}

/// Per weekday, the window holding all but [`HOURS_TRIM`] of its contacts at each end, in
/// whole scenario intervals.
fn opening_hours(model: &VolumeModel, interval_min: u32) -> WeekHours {
    let mut hours = WeekHours::default();
    for (w, p) in model.profile.iter().enumerate() {
        let h = p.as_ref().and_then(|p| {
            hours_from_profile(
                p,
                model.first_slot_min,
                model.interval_min,
                HOURS_TRIM,
                interval_min,
            )
        });
        match Day::ALL[w] {
            Day::Mon => hours.mon = h,
            Day::Tue => hours.tue = h,
            Day::Wed => hours.wed = h,
            Day::Thu => hours.thu = h,
            Day::Fri => hours.fri = h,
            Day::Sat => hours.sat = h,
            Day::Sun => hours.sun = h,
        }
    }
    hours
}

/// The base's reasons with the volumes' reason's handling (fitted from the calls) and FCR 1
/// put in, or that reason added; with its name and skill.
fn fitted_reasons(
    base: Option<&Scenario>,
    req: &PlanRequest,
    fit: Option<&CallFit>,
    channel: &str,
) -> Result<(Vec<Reason>, String, String)> {
    let reason_name = req.volume_reason.clone().unwrap_or_else(|| "call".into());
    let mut reasons: Vec<Reason> = base.map_or_else(Vec::new, |b| b.reasons.clone());
    let fitted_handling = fit.map(|f| DurationDist::LogNormal {
        mean_s: round_to(f.service_mean_s, 1),
        cv: round_to(f.service_cv, 3),
    });
    match reasons.iter_mut().find(|r| r.name == reason_name) {
        Some(r) => {
            if let Some(h) = &fitted_handling {
                r.handling.insert(channel.to_string(), h.clone());
            }
            r.fcr = 1.0;
        }
        None => {
            let handling = fitted_handling.clone().ok_or_else(|| {
                input(format!(
                    "no handling time for the volumes' reason `{reason_name}`: give --calls (handling is fitted from them) or --extends a base with a reason `{reason_name}` that has handling on `{channel}` (--volume-reason names another)"
                ))
            })?;
            reasons.push(Reason {
                name: reason_name.clone(),
                per_1000_orders: 0.0,
                lag: scenario::Lag::Days(vec![1.0]),
                timing: scenario::Timing::DailyProfile,
                channel_mix: [(channel.to_string(), 1.0)].into(),
                handling: [(channel.to_string(), handling)].into(),
                fcr: 1.0,
                skill: "front_office".into(),
                preventable_share: 0.0,
                transfer: None,
            });
        }
    }
    let skill = reasons
        .iter()
        .find(|r| r.name == reason_name)
        .map_or_else(|| "front_office".to_string(), |r| r.skill.clone());
    Ok((reasons, reason_name, skill))
}

/// The permanent roster from the call records: the median of the agents seen serving per
/// weekday and interval (days set aside as extraordinary left out), as shifts put into the
/// base's teams, with its check. `None` (and a note) when the records name no agents.
fn fitted_roster(
    req: &PlanRequest,
    set: &CallSet,
    model: &VolumeModel,
    base: Option<&Scenario>,
    roster: &Roster,
    notes: &mut Vec<String>,
) -> Result<Option<(Vec<Team>, RosterCheck)>> {
    if set.agents.is_empty() {
        notes.push(
            "the call records name no agents: no permanent roster written (the base's teams stay)"
                .into(),
        );
        return Ok(None);
    }
    let skip: BTreeSet<i64> = model
        .extraordinary_days
        .iter()
        .map(|(d, _)| day_number(*d))
        .collect();
    let (need, used) = roster_need(set, req.interval_min, req.roster_weeks, &skip);
    let (merged, shifts) = roster_shifts(&need, req.interval_min)?;
    let check = check_roster(&need, &used, &merged, req);
    let base_teams = base.map_or_else(Vec::new, |b| b.agents.teams.clone());
    Ok(Some((put_roster(base_teams, roster, shifts, notes), check)))
}

/// Roster shifts by (start slot, end slot, heads), with the weekdays they work.
type MergedShifts = BTreeMap<(usize, usize, u32), Vec<Day>>;

/// Shifts that reproduce the roster statistic: per weekday, then equal shifts merged
/// across weekdays.
fn roster_shifts(need: &WeekNeed, interval_min: u32) -> Result<(MergedShifts, Vec<Shift>)> {
    let max_slots = (8 * 60 / interval_min) as usize;
    let mut merged: MergedShifts = BTreeMap::new();
    for (w, n) in need.iter().enumerate() {
        if let Some(n) = n {
            for (a, b, h) in shifts_for(n, max_slots) {
                merged.entry((a, b, h)).or_default().push(Day::ALL[w]);
            }
        }
    }
    let mut shifts = Vec::new();
    for ((a, b, h), days) in &merged {
        shifts.push(Shift {
            days: days.clone(),
            start: clock(*a as u32 * interval_min)?,
            end: clock((*b as u32 * interval_min) % 1440)?,
            heads: *h,
            from: None,
            until: None,
        });
    }
    Ok((merged, shifts))
}

/// What the shifts give per weekday and slot against the statistic, and how much the days
/// used differ from it.
fn check_roster(
    need: &WeekNeed,
    used: &[(i64, Vec<u64>)],
    merged: &MergedShifts,
    req: &PlanRequest,
) -> RosterCheck {
    let slots = (1440 / req.interval_min) as usize;
    let mut max_diff = 0u32;
    let mut cells = 0usize;
    let mut weekdays = Vec::new();
    for (w, n) in need.iter().enumerate() {
        let Some(n) = n else { continue };
        weekdays.push(format!("{:?}", Day::ALL[w]));
        for (s, &want) in n.iter().enumerate().take(slots) {
            let got: u32 = merged
                .iter()
                .filter(|((a, b, _), ds)| ds.contains(&Day::ALL[w]) && (*a..*b).contains(&s))
                .map(|((_, _, h), _)| *h)
                .sum();
            max_diff = max_diff.max(got.abs_diff(want));
            cells += 1;
        }
    }
    let (mut dev, mut dev_n, mut observed_h) = (0.0, 0.0, 0.0);
    for (dn, a) in used {
        let w = Day::of(date_of_day_number(*dn)).index();
        if let Some(n) = &need[w] {
            for (s, &obs) in a.iter().enumerate() {
                dev += (f64::from(n[s]) - obs as f64).abs();
                dev_n += 1.0;
                observed_h += obs as f64 * f64::from(req.interval_min) / 60.0;
            }
        }
    }
    let weeks_used = used.len() as f64 / weekdays.len().max(1) as f64;
    let roster_h: f64 = need
        .iter()
        .flatten()
        .map(|n| n.iter().map(|&x| f64::from(x)).sum::<f64>())
        .sum::<f64>()
        * f64::from(req.interval_min)
        / 60.0;
    RosterCheck {
        weekdays,
        weeks: req.roster_weeks,
        days_used: used.len(),
        cells,
        max_abs_difference: max_diff,
        mean_abs_day_deviation: if dev_n > 0.0 { dev / dev_n } else { 0.0 },
        roster_agent_hours_per_week: roster_h,
        observed_agent_hours_per_week: if weeks_used > 0.0 {
            observed_h / weeks_used
        } else {
            0.0
        },
    }
}

/// Where the roster goes: the channel and skill it serves, the team named by `--team`.
struct Roster<'a> {
    channel: &'a str,
    skill: &'a str,
    team: Option<&'a str>,
}

/// The teams with the roster's shifts (and no shrinkage) given to the `--team` named, else
/// to the first team serving the channel and skill, else to a new team `permanent`.
fn put_roster(
    mut ts: Vec<Team>,
    roster: &Roster,
    shifts: Vec<Shift>,
    notes: &mut Vec<String>,
) -> Vec<Team> {
    let (channel, skill) = (roster.channel.to_string(), roster.skill.to_string());
    let serves = |t: &Team| t.channels.contains(&channel) && t.skills.contains(&skill);
    let pos = match roster.team {
        Some(name) => ts.iter().position(|t| t.name == name),
        None => ts.iter().position(serves),
    };
    let no_shrinkage = Shrinkage {
        absence: 0.0,
        in_shift: 0.0,
    };
    match pos {
        Some(i) => {
            ts[i].shifts = shifts;
            ts[i].shrinkage = no_shrinkage;
            if !ts[i].channels.contains(&channel) {
                ts[i].channels.push(channel.clone());
            }
            if !ts[i].skills.contains(&skill) {
                ts[i].skills.push(skill.clone());
            }
        }
        None => {
            let cost = ts.first().map_or(0.0, |t| t.hourly_cost_eur);
            if cost == 0.0 {
                notes.push("the roster team has no hourly cost (no base team to take it from): set agents.teams[..].hourly_cost_eur".into());
            }
            ts.push(Team {
                name: roster.team.unwrap_or("permanent").to_string(),
                skills: vec![skill],
                channels: vec![channel],
                shifts,
                shrinkage: no_shrinkage,
                hourly_cost_eur: cost,
                aht_factor: 1.0,
            });
        }
    }
    ts
}

/// The plan dates' medians and bands (closed dates without bands), rounded to 0.1.
fn dated_contacts(days: &[PlanDay], channel: &str, from: Date) -> Vec<DatedContacts> {
    days.iter()
        .map(|p| DatedContacts {
            date: p.date.parse().unwrap_or(from),
            channel: channel.to_string(),
            contacts: round_to(p.contacts, 1),
            band80: (!p.closed).then(|| (round_to(p.lo80, 1), round_to(p.hi80, 1))),
            band95: (!p.closed).then(|| (round_to(p.lo95, 1), round_to(p.hi95, 1))),
        })
        .collect()
}

/// The volumes CSV beside the scenario (a planner can open and edit it; run.json records
/// its SHA-256).
fn volumes_csv(per_date: &[DatedContacts]) -> String {
    let mut csv = String::from("date,channel,contacts,lo80,hi80,lo95,hi95\n");
    for r in per_date {
        let (l8, h8) = r.band80.unwrap_or((0.0, 0.0));
        let (l9, h9) = r.band95.unwrap_or((0.0, 0.0));
        let _ = writeln!(
            csv,
            "{},{},{},{l8},{h8},{l9},{h9}",
            r.date, r.channel, r.contacts
        );
    }
    csv
}

/// The provenance of fitted volumes: command, history files, origin, the last 8 weeks,
/// the days set aside and the backtest's summary.
fn fitted_volumes(
    req: &PlanRequest,
    history: &PlanHistory,
    model: &VolumeModel,
    bt: Option<&Backtest>,
) -> FittedVolumes {
    let recent_from = day_number(history.origin) - 55;
    FittedVolumes {
        command: req.command.clone(),
        history: history.files.clone(),
        origin: history.origin,
        measure: history.measure.clone(),
        recent: history
            .series
            .days
            .iter()
            .filter(|d| day_number(d.date) >= recent_from)
            .map(|d| (d.date, round_to(d.total(), 1)))
            .collect(),
        set_aside: model
            .extraordinary_days
            .iter()
            .map(|(d, f)| (*d, round_to(*f, 3)))
            .collect(),
        backtest: bt.map(|b| BacktestSummary {
            weeks: b.holdout_weeks,
            horizon_days: b.max_horizon_days as u32,
            wape: round_to(b.wape, 4),
            seasonal_naive_wape: round_to(b.seasonal_naive_wape, 4),
            daily_wape: round_to(b.daily_wape, 4),
            seasonal_naive_daily_wape: round_to(b.seasonal_naive_daily_wape, 4),
            daily_pi80_coverage: round_to(b.daily_pi80_coverage, 4),
            daily_pi95_coverage: round_to(b.daily_pi95_coverage, 4),
        }),
    }
}

/// The base's arrival profiles of other channels, then the fitted ones of `channel`.
fn fitted_profiles(
    base: Option<&Scenario>,
    model: &VolumeModel,
    channel: &str,
) -> Vec<ArrivalProfile> {
    let mut profiles: Vec<ArrivalProfile> = base.map_or_else(Vec::new, |b| {
        b.arrival_profiles
            .iter()
            .filter(|p| p.channel != channel)
            .cloned()
            .collect()
    });
    profiles.extend(render::counts_fragment_value(model, channel).arrival_profiles);
    profiles
}

/// The base's events without those applied in the volumes (`None`: none was left out, the
/// base's list stands).
fn base_events_left(
    base: Option<&Scenario>,
    applied_events: &[(String, String)],
) -> Option<Vec<PeakEvent>> {
    let applied_names: BTreeSet<&str> = applied_events.iter().map(|(n, _)| n.as_str()).collect();
    base.and_then(|b| {
        b.events
            .iter()
            .any(|e| applied_names.contains(e.name.as_str()))
            .then(|| {
                b.events
                    .iter()
                    .filter(|e| !applied_names.contains(e.name.as_str()))
                    .cloned()
                    .collect()
            })
    })
}

/// Patience (exponential MLE, live channels only) and redials fitted from the calls
/// (`None` without a patience estimate).
fn fitted_behaviour(f: &CallFit, channel: &str, kind: ChannelKind) -> Option<BehaviourFragment> {
    let patience = f.patience_mean_s_exp_mle?;
    let live = kind != ChannelKind::Deferred;
    Some(BehaviourFragment {
        patience: if live {
            [(
                channel.to_string(),
                DurationDist::Exponential {
                    mean_s: round_to(patience, 1),
                },
            )]
            .into()
        } else {
            BTreeMap::new()
        },
        redial: render::fitted_redial(f),
    })
}

/// The cv by lead: the first plan date of each lead.
fn cv_points(days: &[PlanDay]) -> Vec<(u32, f64)> {
    let mut v: Vec<(u32, f64)> = Vec::new();
    for p in days {
        let lead = p.lead_days.max(0) as u32;
        if v.last().is_none_or(|l| l.0 < lead) {
            v.push((lead, p.cv));
        }
    }
    v
}

/// What the comment lines at the top of the written scenario say.
struct Header<'a> {
    history: &'a PlanHistory,
    forecast: &'a PlanForecast,
    csv_name: &'a str,
    roster: Option<&'a RosterCheck>,
    has_base: bool,
}

impl Header<'_> {
    /// The comment lines: the command, the history, where the volumes and their cv come
    /// from, applied events, days set aside, the fitted handling and roster, the merge.
    fn comments(&self, req: &PlanRequest, base_events_dropped: bool) -> String {
        let (h, model) = (self.history, &self.forecast.model);
        let mut text = String::new();
        let _ = writeln!(text, "// Written by `{}`.", req.command);
        let _ = writeln!(
            text,
            "// History {} to {} ({} days with data): {}. Forecast origin {}.",
            h.first,
            h.origin,
            h.series.days.len(),
            h.measure,
            h.origin
        );
        let _ = writeln!(
            text,
            "// volumes: the forecast median per date with its 80%/95% intervals in {} (daily model × intraday profile per weekday, see `peakplan fit --counts`); simulation.volume_cv_by_lead: each date's cv for its lead from the origin and its weekday ({}).",
            self.csv_name,
            if model.lead_variance.is_some() {
                "measured by a rolling origin over the history"
            } else {
                "the residual model's formula: too little history to measure it"
            }
        );
        for (name, date) in &self.forecast.applied_events {
            let u: Vec<String> = model
                .uplift(name)
                .iter()
                .map(|(k, m)| format!("{k:+}: x{m:.3}"))
                .collect();
            let _ = writeln!(
                text,
                "// Event `{name}` on {date}: its uplift fitted from the history's past occurrences ({}) is applied in the volumes{}.",
                u.join(", "),
                if base_events_dropped {
                    "; the base's event of that name is left out so it does not count twice"
                } else {
                    ""
                }
            );
        }
        if !model.extraordinary_days.is_empty() {
            let d = super::render::days_with_factors(&model.extraordinary_days);
            let _ = writeln!(
                text,
                "// Set aside as extraordinary (left out of the spread and of the roster statistic): {}.",
                d
            );
        }
        if let Some((_, f)) = &h.calls {
            let _ = writeln!(
                text,
                "// Handling: lognormal with the sample mean {:.1} s and cv {:.3} of {} answered calls; patience exponential MLE {} s; FCR 1: repeat contacts are in the history's volumes.",
                f.service_mean_s,
                f.service_cv,
                f.answered,
                f.patience_mean_s_exp_mle
                    .map_or("n/a".into(), |p| format!("{p:.1}"))
            );
        }
        if let Some(r) = self.roster {
            let _ = writeln!(
                text,
                "// Permanent roster: per weekday and {}-minute interval the median of the agents seen serving over the last {} weeks ({} days), as shifts that reproduce it exactly (largest difference {}); no shrinkage on top: agents seen serving were at work.",
                req.interval_min, r.weeks, r.days_used, r.max_abs_difference
            );
        }
        if self.has_base {
            let _ = writeln!(
                text,
                "// Lists are replaced whole by `extends`: channels, reasons, teams and arrival profiles are the base's with the fitted parts put in."
            );
        }
        text
    }
}

/// The fragment as RON, lines holding a `None` (every optional field's default) left out;
/// with `extends` naming the base when there is one.
fn fragment_ron(frag: &Fragment, extends: Option<&str>) -> Result<String> {
    let body = ron::ser::to_string_pretty(
        frag,
        ron::ser::PrettyConfig::new()
            .compact_arrays(true)
            .extensions(ron::extensions::Extensions::IMPLICIT_SOME),
    )
    .map_err(|e| Error::Internal(format!("cannot write the RON scenario: {e}")))?;
    let body: String = body
        .lines()
        .filter(|l| !l.trim_end().ends_with(": None,") && !l.starts_with("#!"))
        .map(|l| format!("{l}\n"))
        .collect();
    Ok(match extends {
        Some(rel) => render::with_extends(&format!("\n{body}"), rel)
            .trim_start_matches('\n')
            .to_string(),
        None => body,
    })
}

/// The JSON report of `fit --plan`.
pub fn plan_json(r: &PlanReport) -> String {
    let mut s =
        serde_json::to_string_pretty(r).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}

/// The human report of `fit --plan` (`name`: the written scenario's).
pub fn plan_table(r: &PlanReport, name: &str) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Scenario `{name}` written to {}: history {} to {} ({}).",
        r.out, r.history_first, r.history_last, r.measure
    );
    let _ = writeln!(
        o,
        "  forecast origin {}; per plan date: median, 80% and 95% intervals, lead (days), volume cv",
        r.origin
    );
    for d in &r.days {
        if d.closed {
            let _ = writeln!(o, "    {}  closed", d.date);
            continue;
        }
        let _ = writeln!(
            o,
            "    {}  {:>9.0}  [{:.0}, {:.0}]  [{:.0}, {:.0}]  lead {:>3}  cv {:.3}{}",
            d.date,
            d.contacts,
            d.lo80,
            d.hi80,
            d.lo95,
            d.hi95,
            d.lead_days,
            d.cv,
            if d.uplift != 1.0 {
                format!("  event uplift x{:.3}", d.uplift)
            } else {
                String::new()
            }
        );
    }
    if !r.extraordinary_days.is_empty() {
        let d = super::render::days_with_factors(&r.extraordinary_days);
        let _ = writeln!(o, "  set aside as extraordinary (not in the spread): {}", d);
    }
    if let Some(b) = &r.backtest {
        let _ = writeln!(
            o,
            "  backtest, last {} weeks, leads 1-{} days: WAPE {:.2}% vs seasonal naive {:.2}% (daily {:.2}% vs {:.2}%); days inside the 80% interval {:.1}%, inside the 95% {:.1}%",
            b.holdout_weeks,
            b.max_horizon_days,
            100.0 * b.wape,
            100.0 * b.seasonal_naive_wape,
            100.0 * b.daily_wape,
            100.0 * b.seasonal_naive_daily_wape,
            100.0 * b.daily_pi80_coverage,
            100.0 * b.daily_pi95_coverage
        );
    }
    if let Some((m, cv)) = r.handling {
        let _ = writeln!(
            o,
            "  handling lognormal mean {m:.1} s cv {cv:.3}; patience {}",
            r.patience_mean_s
                .map_or("n/a".into(), |p| format!("exponential mean {p:.1} s"))
        );
    }
    if let Some(c) = &r.roster {
        let _ = writeln!(
            o,
            "  roster ({}): median agents seen serving over the last {} weeks ({} days); the shifts give exactly that in {} weekday-intervals (largest difference {}); the days differ from the median by {:.2} agents on average; {:.0} agent-hours a week (seen serving: {:.0})",
            c.weekdays.join(" "),
            c.weeks,
            c.days_used,
            c.cells,
            c.max_abs_difference,
            c.mean_abs_day_deviation,
            c.roster_agent_hours_per_week,
            c.observed_agent_hours_per_week
        );
    }
    if let Some(w) = r.demand_check_max_rel_diff {
        let _ = writeln!(
            o,
            "  check: the scenario loads and its demand per date equals the forecast median (largest difference {:.4}%)",
            100.0 * w
        );
    }
    for n in &r.notes {
        let _ = writeln!(o, "  note: {n}");
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifts_reproduce_the_need_exactly() {
        let need = [0, 1, 3, 3, 2, 0, 1, 1, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 0];
        for max in [3, 4, 100] {
            let shifts = shifts_for(&need, max);
            for (s, &n) in need.iter().enumerate() {
                let got: u32 = shifts
                    .iter()
                    .filter(|(a, b, _)| (*a..*b).contains(&s))
                    .map(|(_, _, h)| h)
                    .sum();
                assert_eq!(got, n, "slot {s} with max {max}");
            }
            assert!(shifts.iter().all(|(a, b, _)| b - a <= max && b > a));
        }
    }

    #[test]
    fn hours_hold_the_profile() {
        let mut shares = vec![0.0; 96];
        for share in &mut shares[28..88] {
            *share = 1.0;
        }
        shares[3] = 0.001; // a stray night call
        let (f, t) = hours_from_profile(&shares, 0, 15, 0.001, 15).unwrap();
        assert_eq!(
            (f.to_string(), t.to_string()),
            ("07:00".into(), "22:00".into())
        );
        shares[95] = 1.0;
        let (_, t) = hours_from_profile(&shares, 0, 15, 0.001, 15).unwrap();
        assert_eq!(t.to_string(), "24:00");
        // 5-minute slots from 07:00 to 21:05, widened to quarter hours.
        let five: Vec<f64> = (0..169).map(|_| 1.0).collect();
        let (f, t) = hours_from_profile(&five, 420, 5, 0.001, 15).unwrap();
        assert_eq!(
            (f.to_string(), t.to_string()),
            ("07:00".into(), "21:15".into())
        );
    }
}
