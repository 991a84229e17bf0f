//! The demand model: a scenario's campaigns, events and orders turned into the expected
//! number of contacts per interval × reason × channel × source.
//!
//! The chain is: orders per day and source (baseline, each event, each campaign) → contacts
//! per reason (contacts per 1,000 orders, levers) → delay from order to contact (lag) →
//! channel (mix) → interval (intraday profile, opening hours). Non-order sources add
//! contacts directly. Every number keeps its source so finance can attribute contacts.
//!
//! # Modelling choices
//!
//! * **Calendar.** Intervals are cut in local clock time of the scenario's time zone from
//!   each day's start (jiff, bundled tzdb): a spring-forward day has 23 hours (92 quarter
//!   hours), a fall-back day 25 (100, the repeated hour appears twice, told apart by
//!   `start_utc`). Profiles are read by local clock time, so both copies of the repeated
//!   hour get the profile's weight for that hour and the skipped hour gets none; every day
//!   is normalised over its own intervals, so a DST day neither loses nor duplicates
//!   contacts.
//! * **Baseline orders** = `baseline_per_day[weekday]` × (1 + `weekly_growth`)^w, w the
//!   number of whole weeks since the calendar start (a step each 7 days), × the multiplier of
//!   every `week_multipliers` entry whose week (its Monday + 6 days) holds the day.
//! * **Events** add baseline × (uplift − 1) orders, uplift linearly interpolated between its
//!   points and 1.0 outside them. Overlapping events add up. An uplift below 1 (Christmas
//!   Day itself) gives the event negative extra orders: the event takes orders away on that
//!   day, and its attribution column shows it.
//! * **Campaigns** add their total (or reach × conversion) spread over their days by
//!   `daily_shape` (uniform when empty).
//! * **Early ordering** moves `share` of the named event's positive extra orders of each day
//!   to `days_earlier` days before (still attributed to the event; the total is unchanged).
//! * **Contacts per reason** = orders × `per_1000_orders` / 1,000 × the campaign's or
//!   event's `contact_rate_multipliers` for that reason × (1 − prevention) × (1 −
//!   deflection). Orders an event takes away (uplift below 1) are normal orders: they
//!   remove contacts at the reason's own rate, without the event's multipliers. Prevention, deflection and disruptions act on all contacts of the reason,
//!   including those of non-order sources.
//! * **Lag, `Timing::DailyProfile`.** Contacts of the orders of day d fall on day d + k with
//!   the day kernel of the lag (`Days` weights as given; delays in hours combined with the
//!   order hourly profile: P(day d + k | order day d)), then are placed within that day by
//!   the channel's arrival profile.
//! * **Lag, `Timing::FollowsOrder`.** Orders per interval (daily orders × order hourly
//!   profile) are convolved with the lag discretised on the interval grid (order time uniform
//!   in its interval); contacts that land while a live or chat channel is closed arrive at
//!   its next opening, spread over its first hour ([`OPENING_SPREAD_MIN`]) by the channel's
//!   arrival profile. `Days` weights here mean "exactly k × 24 h later".
//! * **Non-order sources** add their weekday volume on each calendar day, placed like
//!   `DailyProfile` contacts.
//! * **Volumes per date** (`volumes`, e.g. a forecast from the centre's history) are the
//!   baseline of their channel on the dates they cover, attributed to `baseline` and placed
//!   like `DailyProfile` contacts (closed days move to the next opening, levers apply). So
//!   that nothing counts twice, contacts of baseline orders, of events' extra orders and of
//!   other sources that would land on a covered (date, channel) are left out (counted in
//!   [`Demand::replaced_by_volumes`]); instead each event scales the volumes: it adds
//!   volume × (uplift − 1) by the contact date's offset from the event (× its contact-rate
//!   multiplier for the volumes' reason when the uplift is above 1), attributed to the
//!   event. Campaigns' contacts add on top. Early ordering does not move volume-driven
//!   event contacts.
//! * **Channel placement.** Live and chat channels take arrivals only while open (the open
//!   part of each interval counts); deferred channels (e-mail, social) take arrivals around
//!   the clock (their backlog waits for the opening hours in the simulator). A day on which
//!   a live or chat channel is closed (in `closed_days`, or no hours that weekday) sends that
//!   day's contacts to the next day it is open, placed by that day's profile — customers who
//!   find the line closed call when it opens — counted in [`Demand::moved_closed`].
//! * **Disruptions** multiply the reason's contacts on the day they arrive (after any move
//!   from a closed day).
//! * **Spill and lead-in.** Orders of the calendar whose contacts land after its last day
//!   (or on closed days with no opening left) are counted in [`Demand::spill`]. Orders
//!   placed *before* the calendar (as many days as the longest lag) are modelled too, so
//!   the first days are not short of contacts; their contacts inside the calendar are in
//!   `expected` and counted in [`Demand::lead_in`]. Hence, per reason and source:
//!   Σ expected = calendar orders × rate − spill + lead-in (− what volumes replace, + the
//!   volumes and their event scaling, when the scenario has `volumes`).

// Dense numeric code indexes several parallel arrays with one loop variable.
#![allow(clippy::needless_range_loop)]

mod lag;
mod profiles;
mod target;

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

use crate::scenario::dates::{self, add_days, day_number};
use crate::scenario::{CampaignOrders, ChannelKind, Day, Scenario, Timing, WeekHours, WeekValues};

pub use lag::MAX_LAG_DAYS;
pub use profiles::{CHAT_PROFILE, LIVE_PROFILE, MinuteDensity, default_profile};
pub use target::{hardest_day, target_days};

/// `FollowsOrder` contacts that land while a live or chat channel is closed arrive over
/// the first this many minutes of its next opening (customers call when it opens, not all
/// in the first quarter hour).
pub const OPENING_SPREAD_MIN: u32 = 60;

pub use crate::scenario::schema::FOLLOWS_ORDER_MAX_DAYS;

/// Largest `expected` array accepted (cells of 8 bytes): 80 million ≈ 640 MB.
const MAX_CELLS: usize = 80_000_000;

/// Why a scenario's demand could not be computed. A scenario that passed validation rarely
/// fails here; the message names the field and what would be right.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DemandError {
    /// A field's value cannot be used.
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    /// A name refers to nothing.
    #[error("{path}: unknown {what} `{name}`; known: {known}")]
    Unknown {
        path: String,
        what: &'static str,
        name: String,
        known: String,
    },
}

fn invalid(path: impl Into<String>, message: impl Into<String>) -> DemandError {
    DemandError::Invalid {
        path: path.into(),
        message: message.into(),
    }
}

/// What caused a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// Normal orders.
    Baseline,
    /// A peak event's extra orders (index into `Scenario::events`).
    Event(usize),
    /// A campaign's orders (index into `Scenario::campaigns`).
    Campaign(usize),
    /// A non-order source (index into `Scenario::other_sources`).
    Other(usize),
}

/// One attribution source.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// `"baseline"`, or the event's, campaign's or other source's name.
    pub name: String,
    pub kind: SourceKind,
}

/// One planning interval in local clock time.
#[derive(Debug, Clone, PartialEq)]
pub struct Interval {
    /// Index of its day in [`Demand::days`].
    pub day: usize,
    /// Local start (on a 25-hour day the repeated hour appears twice, told apart by
    /// `start_utc`).
    pub local_start: DateTime,
    /// Absolute start.
    pub start_utc: jiff::Timestamp,
    /// Length in seconds (the calendar's interval length; shorter only when a time zone's
    /// day is not a multiple of it).
    pub length_s: u32,
}

impl Interval {
    /// The local start as written in output tables: `2027-02-13 09:45`.
    pub fn local_label(&self) -> String {
        self.local_start.strftime("%Y-%m-%d %H:%M").to_string()
    }

    /// The absolute start as written in output tables: `2027-02-13T08:45:00Z`.
    pub fn utc_label(&self) -> String {
        self.start_utc.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    }
}

/// Expected contacts per interval × reason × channel × source (dense, row-major in that
/// order: the source index varies fastest). `Default` is the empty demand (useful in tests
/// with `..Default::default()`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Demand {
    /// Days of the calendar, in order.
    pub days: Vec<Date>,
    /// Intervals of the calendar, in time order.
    pub intervals: Vec<Interval>,
    /// Reason names, in scenario order.
    pub reasons: Vec<String>,
    /// Channel names, in scenario order.
    pub channels: Vec<String>,
    /// Attribution sources: baseline first, then events, campaigns, other sources.
    pub sources: Vec<Source>,
    /// Expected contacts, `[((interval * reasons + reason) * channels + channel) * sources + source]`.
    pub expected: Vec<f64>,
    /// Orders per day and source, `[day * sources + source]` (0 for non-order sources).
    pub orders: Vec<f64>,
    /// Contacts whose lag put them outside the calendar, per reason and source
    /// (`[reason * sources + source]`): counted and reported, never silently dropped.
    pub spill: Vec<f64>,
    /// Contacts inside the calendar caused by orders placed before it (the lead-in days),
    /// per reason and source (`[reason * sources + source]`); included in `expected`.
    pub lead_in: Vec<f64>,
    /// Days before the calendar whose orders were modelled for the lead-in.
    pub lead_in_days: usize,
    /// Contacts per channel that arrived on a later day (or interval) than their lag put
    /// them because the live or chat channel was closed (`[channel]`).
    pub moved_closed: Vec<f64>,
    /// Contacts per channel not added because `volumes` cover their date and channel
    /// (baseline orders', events' order-driven and other sources' contacts: the volumes
    /// hold them), `[channel]`.
    pub replaced_by_volumes: Vec<f64>,
    /// The resolved date of each event (`Scenario::events` order).
    pub event_dates: Vec<Date>,
    /// The interval length in minutes.
    pub interval_min: u32,
    /// The calendar's time zone.
    pub time_zone: String,
}

impl Demand {
    /// Position of one cell in [`Demand::expected`].
    #[inline]
    pub fn index(&self, interval: usize, reason: usize, channel: usize, source: usize) -> usize {
        ((interval * self.reasons.len() + reason) * self.channels.len() + channel)
            * self.sources.len()
            + source
    }

    /// Expected contacts of one cell.
    #[inline]
    pub fn get(&self, interval: usize, reason: usize, channel: usize, source: usize) -> f64 {
        self.expected[self.index(interval, reason, channel, source)]
    }

    /// Expected contacts of one interval, reason and channel, all sources together.
    pub fn total(&self, interval: usize, reason: usize, channel: usize) -> f64 {
        let start = self.index(interval, reason, channel, 0);
        self.expected[start..start + self.sources.len()]
            .iter()
            .sum()
    }

    /// Expected contacts of one interval, all reasons, channels and sources.
    pub fn interval_total(&self, interval: usize) -> f64 {
        let n = self.reasons.len() * self.channels.len() * self.sources.len();
        self.expected[interval * n..(interval + 1) * n].iter().sum()
    }

    /// Orders of one day and source.
    pub fn orders_of(&self, day: usize, source: usize) -> f64 {
        self.orders[day * self.sources.len() + source]
    }

    /// Index of a reason by name.
    pub fn reason_index(&self, name: &str) -> Option<usize> {
        self.reasons.iter().position(|r| r == name)
    }

    /// Index of a channel by name.
    pub fn channel_index(&self, name: &str) -> Option<usize> {
        self.channels.iter().position(|c| c == name)
    }

    /// Index of a source by name.
    pub fn source_index(&self, name: &str) -> Option<usize> {
        self.sources.iter().position(|s| s.name == name)
    }

    /// Sums of `expected` per (day, reason, channel, source), the same layout with days in
    /// place of intervals.
    pub fn daily(&self) -> Vec<f64> {
        let n = self.reasons.len() * self.channels.len() * self.sources.len();
        let mut out = vec![0.0; self.days.len() * n];
        for (i, iv) in self.intervals.iter().enumerate() {
            let (src, dst) = (&self.expected[i * n..(i + 1) * n], iv.day * n);
            for (k, v) in src.iter().enumerate() {
                out[dst + k] += v;
            }
        }
        out
    }
}

/// Everything about the time grid: calendar intervals plus the lead-in intervals before.
struct Grid {
    /// Intervals of the lead-in days and the calendar, in time order.
    intervals: Vec<GridInterval>,
    /// First interval of each extended day, plus one past the end.
    day_start: Vec<usize>,
    /// Index of the first calendar interval.
    cal_first: usize,
}

#[derive(Clone, Copy)]
struct GridInterval {
    /// Extended day index (lead-in days first).
    day: usize,
    /// Local clock minute of the start (0..1440).
    minute: u32,
    /// Length in minutes (rounded up; a partial minute counts as open).
    len_min: u32,
    start: jiff::Timestamp,
    local: DateTime,
    length_s: u32,
}

fn build_grid(
    tz: &TimeZone,
    first: Date,
    n_days: usize,
    interval_min: u32,
    cal_first_day: usize,
) -> Result<Grid, DemandError> {
    let step = i64::from(interval_min) * 60;
    let mut intervals = Vec::with_capacity(n_days * (1440 / interval_min as usize + 4));
    let mut day_start = Vec::with_capacity(n_days + 1);
    let mut cal_first = 0;
    let day_ts = |n: i64| -> Result<jiff::Timestamp, DemandError> {
        let d =
            dates::from_day_number(n).ok_or_else(|| invalid("calendar", "date out of range"))?;
        d.to_zoned(tz.clone())
            .map(|z| z.timestamp())
            .map_err(|e| invalid("calendar", format!("{d} in the time zone: {e}")))
    };
    let first_n = day_number(first);
    let mut next = day_ts(first_n)?;
    for e in 0..n_days {
        if e == cal_first_day {
            cal_first = intervals.len();
        }
        day_start.push(intervals.len());
        let start = next;
        next = day_ts(first_n + e as i64 + 1)?;
        let (a, b) = (start.as_second(), next.as_second());
        let mut t = a;
        while t < b {
            let len = step.min(b - t);
            let ts = jiff::Timestamp::from_second(t)
                .map_err(|e| invalid("calendar", format!("timestamp: {e}")))?;
            let local = tz.to_datetime(ts);
            intervals.push(GridInterval {
                day: e,
                minute: local.hour() as u32 * 60 + local.minute() as u32,
                len_min: ((len + 59) / 60) as u32,
                start: ts,
                local,
                length_s: len as u32,
            });
            t += len;
        }
    }
    day_start.push(intervals.len());
    Ok(Grid {
        intervals,
        day_start,
        cal_first,
    })
}

/// The uplift multiplier of an event `offset` days from its date.
fn uplift_at(points: &[(i32, f64)], offset: i64) -> f64 {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return 1.0;
    };
    if offset < i64::from(first.0) || offset > i64::from(last.0) {
        return 1.0;
    }
    for w in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        let (x0, x1) = (i64::from(x0), i64::from(x1));
        if offset >= x0 && offset <= x1 {
            if x1 == x0 {
                return y0;
            }
            return y0 + (y1 - y0) * (offset - x0) as f64 / (x1 - x0) as f64;
        }
    }
    first.1 // a single point
}

fn check_finite_nonneg(path: &str, v: f64) -> Result<(), DemandError> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(invalid(path, format!("must be a number ≥ 0, got {v}")))
    }
}

fn check_share(path: &str, v: f64) -> Result<(), DemandError> {
    if v.is_finite() && (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err(invalid(path, format!("must be a share in [0, 1], got {v}")))
    }
}

fn week_values_ok(path: &str, w: &WeekValues) -> Result<(), DemandError> {
    for d in Day::ALL {
        check_finite_nonneg(&format!("{path}.{}", day_key(d)), w.on(d))?;
    }
    Ok(())
}

fn day_key(d: Day) -> &'static str {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][d.index()]
}

fn known(names: &[String]) -> String {
    if names.is_empty() {
        "(none)".into()
    } else {
        names.join(", ")
    }
}

/// Opening window in clock minutes of a channel on a day, `None` when closed all day.
fn window(hours: &WeekHours, day: Day, path: &str) -> Result<Option<(u32, u32)>, DemandError> {
    match hours.on(day) {
        None => Ok(None),
        Some((from, to)) => {
            if to <= from {
                return Err(invalid(
                    format!("{path}.{}", day_key(day)),
                    format!("closes ({to}) before it opens ({from}); hours run within one day"),
                ));
            }
            Ok(Some((from.minutes(), to.minutes())))
        }
    }
}

/// Computes the expected contacts of a scenario. Never panics; errors name the field.
pub fn compute(s: &Scenario) -> Result<Demand, DemandError> {
    // ---- calendar -------------------------------------------------------------------
    let cal = &s.calendar;
    if cal.end < cal.start {
        return Err(invalid(
            "calendar.end",
            format!("{} is before calendar.start {}", cal.end, cal.start),
        ));
    }
    if cal.interval_min == 0 || 1440 % cal.interval_min != 0 {
        return Err(invalid(
            "calendar.interval_min",
            format!(
                "{} does not divide a day; allowed: 15, 30 or 60",
                cal.interval_min
            ),
        ));
    }
    let tz = TimeZone::get(&cal.time_zone).map_err(|e| {
        invalid(
            "calendar.time_zone",
            format!(
                "unknown time zone `{}` ({e}); use an IANA name such as \"Europe/Amsterdam\"",
                cal.time_zone
            ),
        )
    })?;
    let start_n = day_number(cal.start);
    let n_days = (day_number(cal.end) - start_n + 1) as usize;
    if n_days > 3 * 366 {
        return Err(invalid(
            "calendar.end",
            format!("the calendar has {n_days} days; at most 3 years are supported"),
        ));
    }
    let days: Vec<Date> = (0..n_days)
        .map(|d| {
            add_days(cal.start, d as i64).ok_or_else(|| invalid("calendar", "date out of range"))
        })
        .collect::<Result<_, _>>()?;

    // ---- names ----------------------------------------------------------------------
    let channel_names: Vec<String> = s.channels.iter().map(|c| c.name.clone()).collect();
    let reason_names: Vec<String> = s.reasons.iter().map(|r| r.name.clone()).collect();
    let event_names: Vec<String> = s.events.iter().map(|e| e.name.clone()).collect();
    let ch_idx = |path: &str, name: &str| {
        channel_names
            .iter()
            .position(|c| c == name)
            .ok_or_else(|| DemandError::Unknown {
                path: path.into(),
                what: "channel",
                name: name.into(),
                known: known(&channel_names),
            })
    };
    let r_idx = |path: &str, name: &str| {
        reason_names
            .iter()
            .position(|c| c == name)
            .ok_or_else(|| DemandError::Unknown {
                path: path.into(),
                what: "reason",
                name: name.into(),
                known: known(&reason_names),
            })
    };
    let n_ch = s.channels.len();
    let n_r = s.reasons.len();

    // ---- sources --------------------------------------------------------------------
    let mut sources = vec![Source {
        name: "baseline".into(),
        kind: SourceKind::Baseline,
    }];
    sources.extend(s.events.iter().enumerate().map(|(i, e)| Source {
        name: e.name.clone(),
        kind: SourceKind::Event(i),
    }));
    sources.extend(s.campaigns.iter().enumerate().map(|(i, c)| Source {
        name: c.name.clone(),
        kind: SourceKind::Campaign(i),
    }));
    sources.extend(s.other_sources.iter().enumerate().map(|(i, o)| Source {
        name: o.name.clone(),
        kind: SourceKind::Other(i),
    }));
    let n_s = sources.len();
    let n_order_src = 1 + s.events.len() + s.campaigns.len();

    // ---- order profile and lags -----------------------------------------------------
    let op = &s.orders.hourly_profile;
    if op.len() != 24
        || op.iter().any(|w| !w.is_finite() || *w < 0.0)
        || op.iter().sum::<f64>() <= 0.0
    {
        return Err(invalid(
            "orders.hourly_profile",
            format!(
                "needs 24 weights ≥ 0 (hours 0..24) with a positive sum, got {} values",
                op.len()
            ),
        ));
    }
    let interval_h = f64::from(cal.interval_min) / 60.0;
    enum Kernel {
        Days(Vec<f64>),
        Intervals(Vec<f64>),
    }
    let mut kernels = Vec::with_capacity(n_r);
    let mut lead_days = 0usize;
    for (ri, r) in s.reasons.iter().enumerate() {
        let path = format!("reasons[{ri}]");
        lag::check(&r.lag).map_err(|m| invalid(format!("{path}.lag"), m))?;
        check_finite_nonneg(&format!("{path}.per_1000_orders"), r.per_1000_orders)?;
        let k = match r.timing {
            Timing::DailyProfile => {
                let k = lag::day_kernel(&r.lag, op);
                lead_days = lead_days.max(k.len() - 1);
                Kernel::Days(k)
            }
            Timing::FollowsOrder => {
                // Interval convolution is meant for delays of minutes to hours; a long tail
                // would make it slow for no gain in accuracy.
                let horizon_h = (FOLLOWS_ORDER_MAX_DAYS * 24) as f64;
                if r.lag.cdf_h(horizon_h) < 1.0 - 1e-6 {
                    return Err(invalid(
                        format!("{path}.timing"),
                        format!(
                            "FollowsOrder handles delays up to {FOLLOWS_ORDER_MAX_DAYS} days, but this lag has more than one in a million contacts later; use timing: DailyProfile for delays of days"
                        ),
                    ));
                }
                let k = lag::interval_kernel(&r.lag, interval_h);
                lead_days =
                    lead_days.max(((k.len() as f64 * interval_h) / 24.0).ceil() as usize + 1);
                Kernel::Intervals(k)
            }
        };
        kernels.push(k);
    }

    // ---- reason factors (levers) ----------------------------------------------------
    let mut factor = vec![1.0; n_r];
    for (name, share) in &s.levers.prevention {
        let path = format!("levers.prevention.{name}");
        let ri = r_idx(&path, name)?;
        check_share(&path, *share)?;
        let cap = s.reasons[ri].preventable_share;
        if *share > cap + 1e-12 {
            return Err(invalid(
                path,
                format!(
                    "{share} is more than the reason's preventable_share {cap}; at most {cap} can be prevented"
                ),
            ));
        }
        factor[ri] *= 1.0 - share;
    }
    for (name, share) in &s.levers.deflection {
        let path = format!("levers.deflection.{name}");
        let ri = r_idx(&path, name)?;
        check_share(&path, *share)?;
        factor[ri] *= 1.0 - share;
    }
    // Disruption multipliers per reason and calendar day.
    let mut disrupt = vec![1.0; n_r * n_days];
    for (i, d) in s.levers.disruptions.iter().enumerate() {
        let path = format!("levers.disruptions[{i}]");
        let ri = r_idx(&format!("{path}.reason"), &d.reason)?;
        check_finite_nonneg(&format!("{path}.multiplier"), d.multiplier)?;
        let off = day_number(d.date) - start_n;
        if off < 0 || off >= n_days as i64 {
            return Err(invalid(
                format!("{path}.date"),
                format!(
                    "{} is outside the calendar {} … {}",
                    d.date, cal.start, cal.end
                ),
            ));
        }
        disrupt[ri * n_days + off as usize] *= d.multiplier;
    }

    // Contact rate per reason and order source (contacts per order, levers included).
    // `rate` applies to an event's or campaign's (positive) extra orders; `rate_neg` to the
    // orders an event takes away (uplift below 1): those are normal orders, so they carry the
    // reason's own rate and the total never goes below baseline × uplift × rate.
    let mut rate = vec![0.0; n_r * n_order_src];
    let mut rate_neg = vec![0.0; n_r * n_order_src];
    for (ri, r) in s.reasons.iter().enumerate() {
        let base = r.per_1000_orders / 1000.0 * factor[ri];
        for si in 0..n_order_src {
            let mult_map = match sources[si].kind {
                SourceKind::Event(e) => Some((
                    format!("events[{e}]"),
                    &s.events[e].contact_rate_multipliers,
                )),
                SourceKind::Campaign(c) => Some((
                    format!("campaigns[{c}]"),
                    &s.campaigns[c].contact_rate_multipliers,
                )),
                _ => None,
            };
            let mut m = 1.0;
            if let Some((path, map)) = mult_map {
                for (name, v) in map {
                    let p = format!("{path}.contact_rate_multipliers.{name}");
                    let target = r_idx(&p, name)?;
                    check_finite_nonneg(&p, *v)?;
                    if target == ri {
                        m *= v;
                    }
                }
            }
            rate[ri * n_order_src + si] = base * m;
            rate_neg[ri * n_order_src + si] = base;
        }
    }

    // ---- early ordering ---------------------------------------------------------------
    let early = match &s.levers.early_ordering {
        None => None,
        Some(e) => {
            let ei = event_names
                .iter()
                .position(|n| *n == e.event)
                .ok_or_else(|| DemandError::Unknown {
                    path: "levers.early_ordering.event".into(),
                    what: "event",
                    name: e.event.clone(),
                    known: known(&event_names),
                })?;
            check_share("levers.early_ordering.share", e.share)?;
            if e.days_earlier as usize > MAX_LAG_DAYS {
                return Err(invalid(
                    "levers.early_ordering.days_earlier",
                    format!("{} is more than {MAX_LAG_DAYS} days", e.days_earlier),
                ));
            }
            Some((ei, e.share, e.days_earlier as usize))
        }
    };
    let k_e = early.map_or(0, |e| e.2);

    // ---- orders per extended day and source -------------------------------------------
    // Range: [start − lead − k_e, end + k_e]; index r ↔ day number start_n − lead − k_e + r.
    let lead = lead_days;
    let n_range = lead + k_e + n_days + k_e;
    let range_first = start_n - (lead + k_e) as i64;
    week_values_ok("orders.baseline_per_day", &s.orders.baseline_per_day)?;
    if !(s.orders.weekly_growth.is_finite() && s.orders.weekly_growth > -1.0) {
        return Err(invalid(
            "orders.weekly_growth",
            format!("must be a number above −1, got {}", s.orders.weekly_growth),
        ));
    }
    for (i, wm) in s.orders.week_multipliers.iter().enumerate() {
        check_finite_nonneg(
            &format!("orders.week_multipliers[{i}].multiplier"),
            wm.multiplier,
        )?;
    }
    let mut order_days = vec![0.0; n_order_src * n_range];
    let mut baseline = vec![0.0; n_range];
    for (r, b) in baseline.iter_mut().enumerate() {
        let n = range_first + r as i64;
        let date =
            dates::from_day_number(n).ok_or_else(|| invalid("calendar", "date out of range"))?;
        let weeks = (n - start_n).div_euclid(7);
        let mut v = s.orders.baseline_per_day.on(Day::of(date))
            * (1.0 + s.orders.weekly_growth).powi(weeks as i32);
        for wm in &s.orders.week_multipliers {
            let w0 = day_number(wm.week_of);
            if n >= w0 && n < w0 + 7 {
                v *= wm.multiplier;
            }
        }
        *b = v;
    }
    order_days[..n_range].copy_from_slice(&baseline);
    let mut event_dates = Vec::with_capacity(s.events.len());
    let mut event_points = Vec::with_capacity(s.events.len());
    for (ei, ev) in s.events.iter().enumerate() {
        let date = dates::resolve(&ev.date, cal.start, cal.end);
        event_dates.push(date);
        let mut points = ev.uplift.clone();
        for (pi, (_, m)) in points.iter().enumerate() {
            check_finite_nonneg(&format!("events[{ei}].uplift[{pi}]"), *m)?;
        }
        points.sort_by_key(|p| p.0);
        event_points.push(points.clone());
        let dn = day_number(date);
        let row = &mut order_days[(1 + ei) * n_range..(2 + ei) * n_range];
        for (r, o) in row.iter_mut().enumerate() {
            let off = range_first + r as i64 - dn;
            *o = baseline[r] * (uplift_at(&points, off) - 1.0);
        }
    }
    for (ci, c) in s.campaigns.iter().enumerate() {
        let path = format!("campaigns[{ci}]");
        if c.end < c.start {
            return Err(invalid(
                format!("{path}.end"),
                format!("{} is before the campaign's start {}", c.end, c.start),
            ));
        }
        let total = match c.orders {
            CampaignOrders::Total(t) => {
                check_finite_nonneg(&format!("{path}.orders"), t)?;
                t
            }
            CampaignOrders::Reach { reach, conversion } => {
                check_finite_nonneg(&format!("{path}.orders.reach"), reach)?;
                check_share(&format!("{path}.orders.conversion"), conversion)?;
                reach * conversion
            }
        };
        let (c0, c1) = (day_number(c.start), day_number(c.end));
        let len = (c1 - c0 + 1) as usize;
        if len > 3 * 366 {
            return Err(invalid(
                format!("{path}.end"),
                "a campaign lasts at most 3 years",
            ));
        }
        let shape: Vec<f64> = if c.daily_shape.is_empty() {
            vec![1.0; len]
        } else if c.daily_shape.len() != len {
            return Err(invalid(
                format!("{path}.daily_shape"),
                format!(
                    "has {} weights but the campaign runs {len} days ({} … {}); give one weight per day",
                    c.daily_shape.len(),
                    c.start,
                    c.end
                ),
            ));
        } else {
            c.daily_shape.clone()
        };
        if shape.iter().any(|w| !w.is_finite() || *w < 0.0) || shape.iter().sum::<f64>() <= 0.0 {
            return Err(invalid(
                format!("{path}.daily_shape"),
                "weights must be ≥ 0 with a positive sum",
            ));
        }
        let sum: f64 = shape.iter().sum();
        let row = &mut order_days[(1 + s.events.len() + ci) * n_range..][..n_range];
        for (k, w) in shape.iter().enumerate() {
            let r = c0 + k as i64 - range_first;
            if r >= 0 && (r as usize) < n_range {
                row[r as usize] = total * w / sum;
            }
        }
    }
    if let Some((ei, share, k)) = early {
        let row = &mut order_days[(1 + ei) * n_range..(2 + ei) * n_range];
        for r in 0..n_range {
            let moved = share * row[r].max(0.0);
            if moved != 0.0 {
                row[r] -= moved;
                if r >= k {
                    row[r - k] += moved;
                }
            }
        }
    }
    // Drop the early-ordering margins: extended days e = 0..lead + n_days.
    let n_ext = lead + n_days;
    let ext_orders = |si: usize, e: usize| order_days[si * n_range + k_e + e];

    // ---- grid -------------------------------------------------------------------------
    let grid_first = add_days(cal.start, -(lead as i64))
        .ok_or_else(|| invalid("calendar.start", "date out of range"))?;
    let grid = build_grid(&tz, grid_first, n_ext, cal.interval_min, lead)?;
    let n_iv = grid.intervals.len() - grid.cal_first;
    let cells = n_iv
        .checked_mul(n_r * n_ch * n_s)
        .filter(|c| *c <= MAX_CELLS)
        .ok_or_else(|| {
            invalid(
                "calendar",
                format!(
                    "{n_iv} intervals × {n_r} reasons × {n_ch} channels × {n_s} sources is too large; shorten the calendar or lengthen interval_min"
                ),
            )
        })?;

    // ---- channel placement ------------------------------------------------------------
    // Densities per channel and weekday (custom profiles override the shipped ones).
    let mut density: Vec<[MinuteDensity; 7]> = Vec::with_capacity(n_ch);
    for ch in &s.channels {
        let d = MinuteDensity::new(&default_profile(ch.kind, op));
        density.push(std::array::from_fn(|_| d.clone()));
    }
    for (pi, p) in s.arrival_profiles.iter().enumerate() {
        let path = format!("arrival_profiles[{pi}]");
        let ci = ch_idx(&format!("{path}.channel"), &p.channel)?;
        if !profiles::valid_len(p.weights.len())
            || p.weights.iter().any(|w| !w.is_finite() || *w < 0.0)
        {
            return Err(invalid(
                format!("{path}.weights"),
                format!(
                    "needs 24, 48 or 96 weights ≥ 0 (hourly, half-hourly, quarter-hourly), got {}",
                    p.weights.len()
                ),
            ));
        }
        let d = MinuteDensity::new(&p.weights);
        for day in &p.days {
            density[ci][day.index()] = d.clone();
        }
    }
    let closed: Vec<bool> = days.iter().map(|d| cal.closed_days.contains(d)).collect();
    // Opening window per channel and extended day (None: closed that day).
    let mut windows = vec![None; n_ch * n_ext];
    for (ci, ch) in s.channels.iter().enumerate() {
        let live = ch.kind != ChannelKind::Deferred;
        for e in 0..n_ext {
            let date = grid_first_plus(grid_first, e)?;
            let cal_closed = e >= lead && closed[e - lead];
            windows[ci * n_ext + e] = if !live {
                Some((0, 1440))
            } else if cal_closed {
                None
            } else {
                window(
                    &ch.opening_hours,
                    Day::of(date),
                    &format!("channels[{ci}].opening_hours"),
                )?
            };
        }
    }
    // Per channel: interval weights over calendar intervals, each open day summing to 1.
    let mut place_w = vec![0.0; n_ch * n_iv];
    let mut day_open = vec![false; n_ch * n_days];
    for ci in 0..n_ch {
        for d in 0..n_days {
            let e = lead + d;
            let Some((from, to)) = windows[ci * n_ext + e] else {
                continue;
            };
            let date = days[d];
            let dens = &density[ci][Day::of(date).index()];
            let (a, b) = (grid.day_start[e], grid.day_start[e + 1]);
            let mut sum = 0.0;
            let mut open_min = 0u32;
            for gi in a..b {
                let iv = &grid.intervals[gi];
                let (lo, hi) = (iv.minute.max(from), (iv.minute + iv.len_min).min(to));
                let w = dens.between(lo, hi);
                place_w[ci * n_iv + gi - grid.cal_first] = w;
                sum += w;
                open_min += hi.saturating_sub(lo);
            }
            if open_min == 0 {
                continue;
            }
            day_open[ci * n_days + d] = true;
            for gi in a..b {
                let slot = &mut place_w[ci * n_iv + gi - grid.cal_first];
                if sum > 0.0 {
                    *slot /= sum;
                } else {
                    // A custom profile with no weight in the open hours: uniform over them.
                    let iv = &grid.intervals[gi];
                    let (lo, hi) = (iv.minute.max(from), (iv.minute + iv.len_min).min(to));
                    *slot = f64::from(hi.saturating_sub(lo)) / f64::from(open_min);
                }
            }
        }
    }
    // Next open calendar day of each channel from each calendar day.
    let mut next_open_day = vec![None; n_ch * n_days];
    for ci in 0..n_ch {
        let mut next = None;
        for d in (0..n_days).rev() {
            if day_open[ci * n_days + d] {
                next = Some(d);
            }
            next_open_day[ci * n_days + d] = next;
        }
    }

    // ---- channel mix ------------------------------------------------------------------
    let mut mix = vec![0.0; n_r * n_ch];
    for (ri, r) in s.reasons.iter().enumerate() {
        for (name, share) in &r.channel_mix {
            let path = format!("reasons[{ri}].channel_mix.{name}");
            let ci = ch_idx(&path, name)?;
            check_share(&path, *share)?;
            mix[ri * n_ch + ci] = *share;
        }
    }

    // ---- outputs ----------------------------------------------------------------------
    let mut expected = vec![0.0; cells];
    let mut spill = vec![0.0; n_r * n_s];
    let mut lead_in = vec![0.0; n_r * n_s];
    let mut moved_closed = vec![0.0; n_ch];
    let cell = |i: usize, r: usize, c: usize, so: usize| ((i * n_r + r) * n_ch + c) * n_s + so;

    // Places contacts of one calendar day (split into calendar-order and lead-in parts) on
    // a channel; returns nothing, books spill / lead-in / moved.
    let day_iv: Vec<(usize, usize)> = (0..n_days)
        .map(|d| {
            (
                grid.day_start[lead + d] - grid.cal_first,
                grid.day_start[lead + d + 1] - grid.cal_first,
            )
        })
        .collect();
    let mut cal_c = vec![0.0; n_days];
    let mut lead_c = vec![0.0; n_days];

    // Orders per grid interval (FollowsOrder), shared by all reasons.
    let order_dens = MinuteDensity::new(op);
    let mut order_iv_w = vec![0.0; grid.intervals.len()];
    for e in 0..n_ext {
        let (a, b) = (grid.day_start[e], grid.day_start[e + 1]);
        let mut sum = 0.0;
        for gi in a..b {
            let iv = &grid.intervals[gi];
            order_iv_w[gi] = order_dens.between(iv.minute, iv.minute + iv.len_min);
            sum += order_iv_w[gi];
        }
        for gi in a..b {
            order_iv_w[gi] = if sum > 0.0 {
                order_iv_w[gi] / sum
            } else {
                1.0 / (b - a) as f64
            };
        }
    }
    let any_follows = kernels.iter().any(|k| matches!(k, Kernel::Intervals(_)));
    // Next open grid interval per channel (FollowsOrder): an interval is open when any part
    // of it is inside the opening hours.
    let n_grid = grid.intervals.len();
    let mut next_open_iv = Vec::new();
    if any_follows {
        next_open_iv = vec![None; n_ch * n_grid];
        for ci in 0..n_ch {
            let mut next = None;
            for gi in (0..n_grid).rev() {
                let iv = &grid.intervals[gi];
                let open = windows[ci * n_ext + iv.day].is_some_and(|(from, to)| {
                    iv.minute.max(from) < (iv.minute + iv.len_min).min(to)
                });
                if open {
                    next = Some(gi);
                }
                next_open_iv[ci * n_grid + gi] = next;
            }
        }
    }
    let mut y_cal = vec![0.0; if any_follows { n_grid } else { 0 }];
    let mut y_lead = vec![0.0; if any_follows { n_grid } else { 0 }];

    // ---- volumes per date: which (channel, day) they cover --------------------------
    let mut covered = vec![false; n_ch * n_days];
    let mut vol_rows: Vec<(usize, usize, usize, f64)> = Vec::new();
    for (vi, v) in s.volumes.iter().enumerate() {
        let ri = r_idx(&format!("volumes[{vi}].reason"), &v.reason)?;
        for (k, row) in v.per_date.iter().enumerate() {
            let path = format!("volumes[{vi}].per_date[{k}]");
            let ci = ch_idx(&format!("{path}.channel"), &row.channel)?;
            check_finite_nonneg(&format!("{path}.contacts"), row.contacts)?;
            let off = day_number(row.date) - start_n;
            if off < 0 || off >= n_days as i64 {
                return Err(invalid(
                    format!("{path}.date"),
                    format!(
                        "{} is outside the calendar {} … {}",
                        row.date, cal.start, cal.end
                    ),
                ));
            }
            covered[ci * n_days + off as usize] = true;
            vol_rows.push((ri, ci, off as usize, row.contacts));
        }
    }
    // Sources whose contacts the volumes replace where they cover (baseline orders,
    // events' order-driven contacts, other sources); campaigns add on top.
    let replaceable: Vec<bool> = sources
        .iter()
        .map(|so| !matches!(so.kind, SourceKind::Campaign(_)))
        .collect();
    let mut replaced = vec![0.0; n_ch];

    for ri in 0..n_r {
        for si in 0..n_s {
            let mut sp = 0.0;
            let mut li = 0.0;
            let daily_kernel: Option<&[f64]> = match (&sources[si].kind, &kernels[ri]) {
                (SourceKind::Other(_), _) => None,
                (_, Kernel::Days(k)) => Some(k),
                (_, Kernel::Intervals(k)) => {
                    // ---- FollowsOrder: interval convolution ----
                    let (rho, rho_neg) =
                        (rate[ri * n_order_src + si], rate_neg[ri * n_order_src + si]);
                    if rho == 0.0 && rho_neg == 0.0 {
                        continue;
                    }
                    // Orders earlier than this reason's own lag horizon (+1 day for
                    // closed-hour moves) cannot reach the calendar.
                    let own = ((k.len() as f64 * interval_h) / 24.0).ceil() as usize + 1;
                    let g0 = grid.day_start[lead.saturating_sub(own)];
                    y_cal.iter_mut().for_each(|v| *v = 0.0);
                    y_lead.iter_mut().for_each(|v| *v = 0.0);
                    for gi in g0..n_grid {
                        let o = ext_orders(si, grid.intervals[gi].day);
                        let o = o * order_iv_w[gi] * if o >= 0.0 { rho } else { rho_neg };
                        if o == 0.0 {
                            continue;
                        }
                        let in_cal = gi >= grid.cal_first;
                        for (j, q) in k.iter().enumerate() {
                            let t = gi + j;
                            if t >= n_grid {
                                if in_cal {
                                    sp += o * k[j..].iter().sum::<f64>();
                                }
                                break;
                            }
                            if in_cal {
                                y_cal[t] += o * q;
                            } else {
                                y_lead[t] += o * q;
                            }
                        }
                    }
                    for ci in 0..n_ch {
                        let m = mix[ri * n_ch + ci];
                        if m == 0.0 {
                            continue;
                        }
                        for t in 0..n_grid {
                            let (yc, yl) = (y_cal[t] * m, y_lead[t] * m);
                            if yc == 0.0 && yl == 0.0 {
                                continue;
                            }
                            match next_open_iv[ci * n_grid + t] {
                                None => sp += yc,
                                Some(t2) if t2 < grid.cal_first => {}
                                Some(t2) => {
                                    let i = t2 - grid.cal_first;
                                    let d2 = grid.intervals[t2].day - lead;
                                    let f = disrupt[ri * n_days + d2];
                                    let amount = (yc + yl) * f;
                                    if replaceable[si] && covered[ci * n_days + d2] {
                                        replaced[ci] += amount;
                                        continue;
                                    }
                                    li += yl * f;
                                    if t2 == t {
                                        expected[cell(i, ri, ci, si)] += amount;
                                        continue;
                                    }
                                    moved_closed[ci] += amount;
                                    // Spread over the first hour of the opening by the
                                    // channel's profile (uniform if it has no weight there).
                                    let first = &grid.intervals[t2];
                                    let mut end = t2;
                                    let mut wsum = 0.0;
                                    while end < n_grid
                                        && grid.intervals[end].day == first.day
                                        && grid.intervals[end].minute
                                            < first.minute + OPENING_SPREAD_MIN
                                        && next_open_iv[ci * n_grid + end] == Some(end)
                                    {
                                        wsum += place_w[ci * n_iv + end - grid.cal_first];
                                        end += 1;
                                    }
                                    let n = (end - t2) as f64;
                                    for g in t2..end {
                                        let w = if wsum > 0.0 {
                                            place_w[ci * n_iv + g - grid.cal_first] / wsum
                                        } else {
                                            1.0 / n
                                        };
                                        expected[cell(g - grid.cal_first, ri, ci, si)] +=
                                            amount * w;
                                    }
                                }
                            }
                        }
                    }
                    spill[ri * n_s + si] += sp;
                    lead_in[ri * n_s + si] += li;
                    continue;
                }
            };
            // ---- contacts per calendar day ----
            cal_c.iter_mut().for_each(|v| *v = 0.0);
            lead_c.iter_mut().for_each(|v| *v = 0.0);
            match daily_kernel {
                None => {
                    let oi = match sources[si].kind {
                        SourceKind::Other(oi) => oi,
                        _ => continue,
                    };
                    let o = &s.other_sources[oi];
                    if o.reason != s.reasons[ri].name {
                        continue;
                    }
                    week_values_ok(&format!("other_sources[{oi}].per_day"), &o.per_day)?;
                    for (d, c) in cal_c.iter_mut().enumerate() {
                        *c = o.per_day.on(Day::of(days[d])) * factor[ri];
                    }
                }
                Some(k) => {
                    let (rho, rho_neg) =
                        (rate[ri * n_order_src + si], rate_neg[ri * n_order_src + si]);
                    if rho == 0.0 && rho_neg == 0.0 {
                        continue;
                    }
                    // Order days more than the kernel's length before the calendar cannot
                    // reach it.
                    for e in lead.saturating_sub(k.len() - 1)..n_ext {
                        let o = ext_orders(si, e);
                        let c = o * if o >= 0.0 { rho } else { rho_neg };
                        if c == 0.0 {
                            continue;
                        }
                        let in_cal = e >= lead;
                        for (kk, p) in k.iter().enumerate() {
                            let de = e + kk;
                            if de < lead {
                                continue;
                            }
                            let d = de - lead;
                            if d >= n_days {
                                if in_cal {
                                    sp += c * k[kk..].iter().sum::<f64>();
                                }
                                break;
                            }
                            if in_cal {
                                cal_c[d] += c * p;
                            } else {
                                lead_c[d] += c * p;
                            }
                        }
                    }
                }
            }
            for ci in 0..n_ch {
                let m = mix[ri * n_ch + ci];
                if m == 0.0 {
                    continue;
                }
                for d in 0..n_days {
                    let (ac, al) = (cal_c[d] * m, lead_c[d] * m);
                    if ac == 0.0 && al == 0.0 {
                        continue;
                    }
                    let Some(d2) = next_open_day[ci * n_days + d] else {
                        sp += ac;
                        continue;
                    };
                    let f = disrupt[ri * n_days + d2];
                    let amount = (ac + al) * f;
                    if replaceable[si] && covered[ci * n_days + d2] {
                        replaced[ci] += amount;
                        continue;
                    }
                    li += al * f;
                    if d2 != d {
                        moved_closed[ci] += amount;
                    }
                    let (a, b) = day_iv[d2];
                    for i in a..b {
                        let w = place_w[ci * n_iv + i];
                        if w != 0.0 {
                            expected[cell(i, ri, ci, si)] += amount * w;
                        }
                    }
                }
            }
            spill[ri * n_s + si] += sp;
            lead_in[ri * n_s + si] += li;
        }
    }
    // Other sources that name an unknown reason.
    for (oi, o) in s.other_sources.iter().enumerate() {
        r_idx(&format!("other_sources[{oi}].reason"), &o.reason)?;
    }

    // ---- volumes: the baseline where they cover, events scale them ------------------
    // Per event: the multiplier on the volumes' reason for its extra contacts.
    let event_mult = |ei: usize, ri: usize| {
        s.events[ei]
            .contact_rate_multipliers
            .get(&s.reasons[ri].name)
            .copied()
            .unwrap_or(1.0)
    };
    for &(ri, ci, d, contacts) in &vol_rows {
        let Some(d2) = next_open_day[ci * n_days + d] else {
            spill[ri * n_s] += contacts * factor[ri];
            continue;
        };
        let f = factor[ri] * disrupt[ri * n_days + d2];
        // Baseline first, then each event's extra (volume × (uplift − 1), by the day offset
        // of the contact date; the event's multiplier applies to added contacts only).
        let mut parts: Vec<(usize, f64)> = vec![(0, contacts * f)];
        for (ei, points) in event_points.iter().enumerate() {
            let u = uplift_at(points, day_number(days[d]) - day_number(event_dates[ei]));
            if u != 1.0 {
                let m = if u > 1.0 { event_mult(ei, ri) } else { 1.0 };
                parts.push((1 + ei, contacts * (u - 1.0) * m * f));
            }
        }
        let (a, b) = day_iv[d2];
        for (si, amount) in parts {
            if d2 != d {
                moved_closed[ci] += amount;
            }
            for i in a..b {
                let w = place_w[ci * n_iv + i];
                if w != 0.0 {
                    expected[cell(i, ri, ci, si)] += amount * w;
                }
            }
        }
    }

    // ---- the result -------------------------------------------------------------------
    let mut orders = vec![0.0; n_days * n_s];
    for d in 0..n_days {
        for si in 0..n_order_src {
            orders[d * n_s + si] = ext_orders(si, lead + d);
        }
    }
    let intervals = grid.intervals[grid.cal_first..]
        .iter()
        .map(|iv| Interval {
            day: iv.day - lead,
            local_start: iv.local,
            start_utc: iv.start,
            length_s: iv.length_s,
        })
        .collect();
    Ok(Demand {
        days,
        intervals,
        reasons: reason_names,
        channels: channel_names,
        sources,
        expected,
        orders,
        spill,
        lead_in,
        lead_in_days: lead,
        moved_closed,
        replaced_by_volumes: replaced,
        event_dates,
        interval_min: cal.interval_min,
        time_zone: cal.time_zone.clone(),
    })
}

fn grid_first_plus(first: Date, e: usize) -> Result<Date, DemandError> {
    add_days(first, e as i64).ok_or_else(|| invalid("calendar", "date out of range"))
}
