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

mod contacts;
mod grid;
mod lag;
mod orders;
mod placement;
mod profiles;
mod reasons;
mod target;
mod volumes;

use jiff::civil::{Date, DateTime};

use crate::scenario::{Day, Scenario, WeekValues};
use grid::{Days, Grid};
use orders::Orders;
use placement::Placement;
use reasons::{Kernel, Levers, Rates};
use volumes::Volumes;

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

/// The scenario's names, to resolve references with an error that lists the known ones.
struct Names {
    channels: Vec<String>,
    reasons: Vec<String>,
    events: Vec<String>,
}

impl Names {
    fn of(s: &Scenario) -> Names {
        Names {
            channels: s.channels.iter().map(|c| c.name.clone()).collect(),
            reasons: s.reasons.iter().map(|r| r.name.clone()).collect(),
            events: s.events.iter().map(|e| e.name.clone()).collect(),
        }
    }

    fn find(
        names: &[String],
        what: &'static str,
        path: &str,
        name: &str,
    ) -> Result<usize, DemandError> {
        names
            .iter()
            .position(|c| c == name)
            .ok_or_else(|| DemandError::Unknown {
                path: path.into(),
                what,
                name: name.into(),
                known: known(names),
            })
    }

    /// Index of channel `name`, referred to at `path`.
    fn channel(&self, path: &str, name: &str) -> Result<usize, DemandError> {
        Self::find(&self.channels, "channel", path, name)
    }

    /// Index of reason `name`, referred to at `path`.
    fn reason(&self, path: &str, name: &str) -> Result<usize, DemandError> {
        Self::find(&self.reasons, "reason", path, name)
    }

    /// Index of event `name`, referred to at `path`.
    fn event(&self, path: &str, name: &str) -> Result<usize, DemandError> {
        Self::find(&self.events, "event", path, name)
    }
}

impl SourceKind {
    /// Whether `volumes` replace this source's contacts where they cover (baseline
    /// orders, events' order-driven contacts, other sources); campaigns add on top.
    fn replaced_by_volumes(&self) -> bool {
        !matches!(self, SourceKind::Campaign(_))
    }
}

/// The attribution sources: baseline, events, campaigns, other sources.
fn sources(s: &Scenario) -> Vec<Source> {
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
    sources
}

/// Everything `compute` derives from the scenario before it adds contacts up.
struct Model<'a> {
    s: &'a Scenario,
    days: Days<'a>,
    sources: Vec<Source>,
    grid: Grid,
    kernels: Vec<Kernel>,
    levers: Levers,
    rates: Rates,
    /// Share per reason and channel, `[reason * channels + channel]`.
    mix: Vec<f64>,
    orders: Orders,
    place: Placement,
    volumes: Volumes,
}

/// The contacts being added up: the fields of [`Demand`] that `compute` accumulates.
struct Tally {
    n_r: usize,
    n_ch: usize,
    n_s: usize,
    expected: Vec<f64>,
    spill: Vec<f64>,
    lead_in: Vec<f64>,
    moved_closed: Vec<f64>,
    replaced: Vec<f64>,
}

impl Tally {
    /// All zero, for `n_iv` calendar intervals; an error when that is too large.
    fn new(n_iv: usize, n_r: usize, n_ch: usize, n_s: usize) -> Result<Tally, DemandError> {
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
        Ok(Tally {
            n_r,
            n_ch,
            n_s,
            expected: vec![0.0; cells],
            spill: vec![0.0; n_r * n_s],
            lead_in: vec![0.0; n_r * n_s],
            moved_closed: vec![0.0; n_ch],
            replaced: vec![0.0; n_ch],
        })
    }

    /// Position of a cell in `expected` (as [`Demand::index`]).
    #[inline]
    fn cell(&self, i: usize, r: usize, c: usize, so: usize) -> usize {
        ((i * self.n_r + r) * self.n_ch + c) * self.n_s + so
    }

    /// Adds `amount` contacts of (reason, channel, source) on calendar day `d`, spread
    /// over its intervals by the channel's weights.
    fn add_on_day(
        &mut self,
        m: &Model,
        (ri, ci, si): (usize, usize, usize),
        d: usize,
        amount: f64,
    ) {
        let (a, b) = m.grid.cal_day(d);
        for i in a..b {
            let w = m.place.weight(ci, i);
            if w != 0.0 {
                let c = self.cell(i, ri, ci, si);
                self.expected[c] += amount * w;
            }
        }
    }
}

/// Computes the expected contacts of a scenario. Never panics; errors name the field.
pub fn compute(s: &Scenario) -> Result<Demand, DemandError> {
    let days = Days::of(&s.calendar)?;
    let names = Names::of(s);
    let sources = sources(s);
    // What each reason makes of an order.
    let order_profile = reasons::order_profile(s)?;
    let (kernels, lead) = reasons::kernels(s, order_profile, days.interval_h())?;
    let levers = reasons::levers(s, &names, &days)?;
    let rates = reasons::rates(s, &names, &sources, &levers.factor)?;
    // Orders per day, over the lead-in days and the calendar.
    let early = orders::early_ordering(s, &names)?;
    let orders = orders::orders(s, &days, lead, early)?;
    // Where contacts can land.
    let grid = Grid::build(&days, lead)?;
    let mut tally = Tally::new(
        grid.n_cal(),
        s.reasons.len(),
        s.channels.len(),
        sources.len(),
    )?;
    let follows_order = kernels.iter().any(|k| matches!(k, Kernel::Intervals(_)));
    let place = Placement::new(s, &names, &days, &grid, order_profile, follows_order)?;
    let mix = reasons::channel_mix(s, &names)?;
    let volumes = Volumes::read(s, &names, &days)?;
    let m = Model {
        s,
        days,
        sources,
        grid,
        kernels,
        levers,
        rates,
        mix,
        orders,
        place,
        volumes,
    };
    // Contacts of orders and other sources, then the volumes.
    contacts::add_all(&m, &mut tally)?;
    for (oi, o) in s.other_sources.iter().enumerate() {
        names.reason(&format!("other_sources[{oi}].reason"), &o.reason)?;
    }
    m.volumes.add(&m, &mut tally);
    Ok(m.into_demand(names, tally))
}

impl Model<'_> {
    /// The demand: the calendar part of the grid, orders per calendar day and the tally.
    fn into_demand(self, names: Names, t: Tally) -> Demand {
        let (n_days, n_s, lead) = (self.days.len(), self.sources.len(), self.grid.lead);
        let n_order_src = 1 + self.s.events.len() + self.s.campaigns.len();
        let mut orders = vec![0.0; n_days * n_s];
        for d in 0..n_days {
            for si in 0..n_order_src {
                orders[d * n_s + si] = self.orders.on(si, lead + d);
            }
        }
        let intervals = self.grid.intervals[self.grid.cal_first..]
            .iter()
            .map(|iv| Interval {
                day: iv.day - lead,
                local_start: iv.local,
                start_utc: iv.start,
                length_s: iv.length_s,
            })
            .collect();
        let cal = &self.s.calendar;
        Demand {
            days: self.days.dates,
            intervals,
            reasons: names.reasons,
            channels: names.channels,
            sources: self.sources,
            expected: t.expected,
            orders,
            spill: t.spill,
            lead_in: t.lead_in,
            lead_in_days: lead,
            moved_closed: t.moved_closed,
            replaced_by_volumes: t.replaced,
            event_dates: self.orders.event_dates,
            interval_min: cal.interval_min,
            time_zone: cal.time_zone.clone(),
        }
    }
}
