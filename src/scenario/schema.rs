//! The scenario schema: what a planner writes in a `.ron` file.
//!
//! Every struct denies unknown fields, so a typo is an error with a suggestion rather than a
//! silently ignored line. Fields a planner need not set have defaults (documented on each
//! field). Names (`"phone"`, `"where_is_my_order"`, `"front_office"`) tie the parts together:
//! reasons name channels and skills, teams and pools name channels and skills, levers name
//! reasons and events. Validation checks that every such name exists.
//!
//! Units are in the field names: `_s` seconds, `_h` hours, `_eur` euros (or the scenario's
//! currency), `per_1000_orders` contacts per thousand orders, shares are fractions in [0, 1].

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::time::{ClockTime, Day};
use crate::units::SlDefinition;

/// A whole scenario: one peak (or a normal period) of one contact centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name used in report titles and output folder names.
    pub name: String,
    /// Free text shown in reports.
    #[serde(default)]
    pub description: String,
    /// Path of a base scenario (relative to this file) whose fields this file overrides.
    #[serde(default)]
    pub extends: Option<String>,
    /// Dates, interval length, time zone, closed days.
    pub calendar: Calendar,
    /// The contact channels with their targets and opening hours. Default: phone, chat,
    /// e-mail and social as in [`default_channels`].
    #[serde(default = "default_channels")]
    pub channels: Vec<Channel>,
    /// How abandoned contacts count in the service level. Default `offered`.
    #[serde(default)]
    pub service_level_definition: SlDefinition,
    /// Baseline orders: the normal volume that peaks multiply.
    pub orders: Orders,
    /// Peak events (Valentine's Day, Mother's Day, Christmas, Black Friday …).
    #[serde(default)]
    pub events: Vec<PeakEvent>,
    /// Marketing campaigns that bring extra orders (each attributed separately).
    #[serde(default)]
    pub campaigns: Vec<Campaign>,
    /// Contacts not caused by orders (account questions, …).
    #[serde(default)]
    pub other_sources: Vec<OtherSource>,
    /// Contacts per date and channel (a forecast from the centre's history, or known
    /// volumes): the normal contacts of those channels on those dates. See [`Volumes`] for
    /// how they combine with orders, events and campaigns.
    #[serde(default)]
    pub volumes: Vec<Volumes>,
    /// Why customers contact us, how many, when, on which channel and how long it takes.
    pub reasons: Vec<Reason>,
    /// What-if levers: prevention, deflection, early ordering, disruptions.
    #[serde(default)]
    pub levers: Levers,
    /// Custom intraday arrival profiles; channels/days not listed use the shipped defaults.
    #[serde(default)]
    pub arrival_profiles: Vec<ArrivalProfile>,
    /// Permanent teams and flex pools.
    pub agents: Agents,
    /// Money: overtime, channel costs, hiring, abandoned contacts.
    #[serde(default)]
    pub costs: Costs,
    /// How customers behave: patience, redials, repeat contacts, channel switching.
    #[serde(default)]
    pub behaviour: Behaviour,
    /// Monte-Carlo settings.
    #[serde(default)]
    pub simulation: Simulation,
}

// ---------------------------------------------------------------------------------------
// Calendar and channels
// ---------------------------------------------------------------------------------------

/// The period simulated and how it is cut into intervals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// First day, `"YYYY-MM-DD"`.
    pub start: Date,
    /// Last day (inclusive).
    pub end: Date,
    /// Planning interval in minutes: 15, 30 or 60. Default 15.
    #[serde(default = "default_interval_min")]
    pub interval_min: u32,
    /// IANA time zone; intervals are local clock time, so a DST day has 23 or 25 hours.
    /// Default `"Europe/Amsterdam"`.
    #[serde(default = "default_time_zone")]
    pub time_zone: String,
    /// Days on which every channel is closed (public holidays).
    #[serde(default)]
    pub closed_days: Vec<Date>,
    /// The day the plan is made: flex pools' `notice_days` count from it. Default: `start`.
    #[serde(default)]
    pub plan_date: Option<Date>,
    /// The days the service promise must hold (and any safety margin goes to), e.g.
    /// `["2027-02-13", "2027-02-14"]`. Default (empty): the day whose busiest interval
    /// carries the most live work (`demand::target_days`).
    #[serde(default)]
    pub target_days: Vec<Date>,
}

impl Calendar {
    /// The day the plan is made (`plan_date`, else the first day).
    pub fn plan_date(&self) -> Date {
        self.plan_date.unwrap_or(self.start)
    }
}

/// How a channel's contacts are served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChannelKind {
    /// A live queue (phone): callers wait, abandon when their patience runs out.
    Live,
    /// Live chat: an agent holds several chats at once; customers may leave the queue.
    Chat,
    /// Deferred work (e-mail, social messages): no abandonment, a response-time target, the
    /// backlog carries over to the next opening.
    Deferred,
}

/// A contact channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    /// Identifier used by reasons, teams and pools (`"phone"`, `"chat"`, `"email"`, `"social"`).
    pub name: String,
    pub kind: ChannelKind,
    /// Service target, e.g. `(share: 0.85, within_s: 15)`.
    pub target: Target,
    /// Routing priority: a free agent takes the waiting contact of the lowest number first.
    /// Default 0.
    #[serde(default)]
    pub priority: u8,
    /// When agents serve this channel (and, for live channels, when contacts can arrive).
    pub opening_hours: WeekHours,
    /// Chat concurrency; only for `Chat` channels.
    #[serde(default)]
    pub chat: Option<ChatSettings>,
}

/// "share of contacts answered within `within_s` seconds".
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Required share in (0, 1).
    pub share: f64,
    /// Answer (live) or response (deferred) time limit in seconds.
    pub within_s: f64,
    /// How a deferred channel's response time is counted: `Calendar` (default: clock time,
    /// nights included) or `Open` (only the channel's opening hours count, as a webcare
    /// promise of "within the hour" means during opening hours). Live channels always count
    /// clock time.
    #[serde(default)]
    pub clock: TargetClock,
}

/// How a response time is counted (see [`Target::clock`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum TargetClock {
    /// Clock time since arrival.
    #[default]
    Calendar,
    /// Only the channel's opening hours since arrival.
    Open,
}

/// Chat concurrency.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatSettings {
    /// Chats one agent can hold at once. Default 2.
    #[serde(default = "default_max_concurrent")]
    pub max_concurrent: u32,
    /// Each extra simultaneous chat makes every chat this much slower (0.25 = +25%).
    /// Default 0.25.
    #[serde(default = "default_chat_slowdown")]
    pub slowdown_per_extra: f64,
}

/// Opening hours `(from, to)` per weekday; a missing day is closed.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeekHours {
    #[serde(default)]
    pub mon: Option<(ClockTime, ClockTime)>,
    #[serde(default)]
    pub tue: Option<(ClockTime, ClockTime)>,
    #[serde(default)]
    pub wed: Option<(ClockTime, ClockTime)>,
    #[serde(default)]
    pub thu: Option<(ClockTime, ClockTime)>,
    #[serde(default)]
    pub fri: Option<(ClockTime, ClockTime)>,
    #[serde(default)]
    pub sat: Option<(ClockTime, ClockTime)>,
    #[serde(default)]
    pub sun: Option<(ClockTime, ClockTime)>,
}

impl WeekHours {
    /// The same hours on every day of the week.
    pub fn every_day(from: ClockTime, to: ClockTime) -> WeekHours {
        let h = Some((from, to));
        WeekHours {
            mon: h,
            tue: h,
            wed: h,
            thu: h,
            fri: h,
            sat: h,
            sun: h,
        }
    }

    /// The hours of one weekday, `None` when closed.
    pub fn on(&self, day: Day) -> Option<(ClockTime, ClockTime)> {
        match day {
            Day::Mon => self.mon,
            Day::Tue => self.tue,
            Day::Wed => self.wed,
            Day::Thu => self.thu,
            Day::Fri => self.fri,
            Day::Sat => self.sat,
            Day::Sun => self.sun,
        }
    }
}

/// One number per weekday (orders per day, contacts per day …); missing days are 0.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeekValues {
    #[serde(default)]
    pub mon: f64,
    #[serde(default)]
    pub tue: f64,
    #[serde(default)]
    pub wed: f64,
    #[serde(default)]
    pub thu: f64,
    #[serde(default)]
    pub fri: f64,
    #[serde(default)]
    pub sat: f64,
    #[serde(default)]
    pub sun: f64,
}

impl WeekValues {
    /// The value of one weekday.
    pub fn on(&self, day: Day) -> f64 {
        match day {
            Day::Mon => self.mon,
            Day::Tue => self.tue,
            Day::Wed => self.wed,
            Day::Thu => self.thu,
            Day::Fri => self.fri,
            Day::Sat => self.sat,
            Day::Sun => self.sun,
        }
    }
}

// ---------------------------------------------------------------------------------------
// What drives the contacts
// ---------------------------------------------------------------------------------------

/// The baseline order volume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Orders {
    /// Orders on a normal day, per weekday.
    pub baseline_per_day: WeekValues,
    /// Multiplicative trend per week from the calendar start (0.01 = +1% a week). Default 0.
    #[serde(default)]
    pub weekly_growth: f64,
    /// Multipliers for whole weeks (the week starting on the given Monday).
    #[serde(default)]
    pub week_multipliers: Vec<WeekMultiplier>,
    /// Share of a day's orders placed in each hour 0..24 (24 weights, normalised).
    /// Default: the shipped web-shop order profile.
    #[serde(default = "default_order_profile")]
    pub hourly_profile: Vec<f64>,
}

/// A multiplier for one week's baseline orders.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeekMultiplier {
    /// The Monday that starts the week.
    pub week_of: Date,
    pub multiplier: f64,
}

/// A peak event: orders on the days around a date are multiplied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeakEvent {
    /// Identifier used in attribution columns and by levers.
    pub name: String,
    /// When it falls; the year is the one that puts it inside (or nearest to) the calendar.
    pub date: EventDate,
    /// `(day offset from the date, order multiplier)` points, linearly interpolated between
    /// points and 1.0 outside them. The event's orders are baseline × (multiplier − 1).
    pub uplift: Vec<(i32, f64)>,
    /// Reason → multiplier on that reason's contacts per order for this event's extra orders
    /// (deadline-bound gifts: "will it arrive before Sunday?" raises `where_is_my_order`).
    /// Default: none (every reason at its own rate).
    #[serde(default)]
    pub contact_rate_multipliers: BTreeMap<String, f64>,
}

/// The date of a peak event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum EventDate {
    /// 14 February.
    ValentinesDay,
    /// Mother's Day by the rules of a country (NL: second Sunday of May).
    MothersDay(Country),
    /// 25 December.
    ChristmasDay,
    /// The day after the fourth Thursday of November.
    BlackFriday,
    /// A fixed date.
    On(Date),
}

/// Countries whose Mother's Day rule peakplan knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Country {
    /// Netherlands: second Sunday of May.
    NL,
    /// Belgium: second Sunday of May (Antwerp keeps 15 August; not modelled).
    BE,
    /// Germany: second Sunday of May.
    DE,
    /// United States: second Sunday of May.
    US,
    /// United Kingdom: Mothering Sunday, three weeks before Easter Sunday.
    UK,
    /// France: last Sunday of May, or the first Sunday of June when that is Pentecost.
    FR,
}

/// A marketing campaign that brings its own orders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    /// Identifier used in attribution columns and finance reports.
    pub name: String,
    /// First day the campaign brings orders.
    pub start: Date,
    /// Last day (inclusive).
    pub end: Date,
    /// How many extra orders.
    pub orders: CampaignOrders,
    /// Relative weight of each day from `start` to `end` (one per day). Default: uniform.
    #[serde(default)]
    pub daily_shape: Vec<f64>,
    /// Reason → multiplier on that reason's contacts per order for this campaign's orders
    /// (a confusing promotion code doubles `payment` questions: `{"payment": 2.0}`).
    #[serde(default)]
    pub contact_rate_multipliers: BTreeMap<String, f64>,
}

/// A campaign's extra orders.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum CampaignOrders {
    /// A total number of extra orders over the campaign.
    Total(f64),
    /// People reached × conversion rate.
    Reach { reach: f64, conversion: f64 },
}

/// Contacts that do not come from orders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtherSource {
    /// Identifier used in attribution columns.
    pub name: String,
    /// The reason these contacts carry.
    pub reason: String,
    /// Contacts per day, per weekday.
    pub per_day: WeekValues,
}

/// Contacts per date and channel carrying one reason: typically the forecast median of
/// `peakplan fit --plan`, written inline (`per_date`) or in a CSV file (`file`).
///
/// **No counting twice.** On a date and channel that volumes cover, the volumes *are* the
/// normal contacts of that channel: contacts of baseline orders (every reason) and of
/// `other_sources` are not added there — the history the volumes come from already holds
/// them. An event scales the volumes instead: its extra contacts there are volume ×
/// (uplift − 1) × its contact-rate multiplier for the volumes' reason, by the day offset of
/// the contact date (an uplift fitted from history is a contact-day curve). Campaigns add
/// their own orders' contacts on top. Levers (prevention, deflection, disruptions) act on
/// the volumes' reason as on any contacts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Volumes {
    /// The reason these contacts carry: its handling time, skill, FCR and transfers apply.
    pub reason: String,
    /// Contacts per date and channel written in the scenario. Every date of the calendar
    /// on which a channel named here takes contacts needs a row (0 for a day without
    /// contacts): gaps are errors, never silently filled.
    #[serde(default)]
    pub per_date: Vec<DatedContacts>,
    /// A CSV file with the same rows, path relative to the scenario file that names it:
    /// header `date,channel,contacts` (contacts per day), optional columns `lo80,hi80,
    /// lo95,hi95` (the prediction intervals, contacts per day). Its rows are added to
    /// `per_date` when the scenario is loaded; errors name the file, line and column.
    #[serde(default)]
    pub file: Option<String>,
    /// Where the volumes came from when `peakplan fit` wrote them: shown in the report and
    /// recorded in `run.json`.
    #[serde(default)]
    pub fitted: Option<FittedVolumes>,
}

/// The expected contacts of one channel on one date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatedContacts {
    pub date: Date,
    pub channel: String,
    /// Expected contacts that day (a forecast's median).
    pub contacts: f64,
    /// 80 % prediction interval `(low, high)` in contacts per day (shown in the report).
    #[serde(default)]
    pub band80: Option<(f64, f64)>,
    /// 95 % prediction interval `(low, high)` in contacts per day.
    #[serde(default)]
    pub band95: Option<(f64, f64)>,
}

/// Provenance of fitted volumes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FittedVolumes {
    /// The command that wrote them.
    pub command: String,
    /// The history files the forecast was fitted on, with their SHA-256.
    pub history: Vec<HistoryFile>,
    /// The forecast origin: the last day of history; a date's lead counts from here.
    pub origin: Date,
    /// What was forecast (e.g. "calls that joined the agent queue").
    #[serde(default)]
    pub measure: String,
    /// Daily totals of the history's last weeks (shown before the forecast in the report).
    #[serde(default)]
    pub recent: Vec<(Date, f64)>,
    /// Days the fit set aside as extraordinary, with actual / fitted.
    #[serde(default)]
    pub set_aside: Vec<(Date, f64)>,
    /// The rolling-origin backtest of the forecast on the history's last weeks.
    #[serde(default)]
    pub backtest: Option<BacktestSummary>,
}

/// One history file of a fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryFile {
    pub file: String,
    pub sha256: String,
}

/// The figures of a rolling-origin backtest (shares, 0.07 = 7 %).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BacktestSummary {
    /// Weeks held out.
    pub weeks: u32,
    /// Longest lead evaluated, in days.
    pub horizon_days: u32,
    /// WAPE of the interval forecasts and of seasonal naive (same interval a week before).
    pub wape: f64,
    pub seasonal_naive_wape: f64,
    /// WAPE of the daily totals.
    pub daily_wape: f64,
    pub seasonal_naive_daily_wape: f64,
    /// Share of days inside the 80 % and 95 % intervals.
    pub daily_pi80_coverage: f64,
    pub daily_pi95_coverage: f64,
}

/// A contact reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    /// Identifier (`"where_is_my_order"`).
    pub name: String,
    /// Contacts per 1,000 orders (0 for reasons fed only by `other_sources`).
    #[serde(default)]
    pub per_1000_orders: f64,
    /// Delay from order to contact. Default `Days([0.0, 1.0])` (all on the next day).
    #[serde(default = "default_lag")]
    pub lag: Lag,
    /// How contacts are placed within the day. Default `DailyProfile`.
    #[serde(default)]
    pub timing: Timing,
    /// Channel → share of this reason's contacts (sums to 1).
    pub channel_mix: BTreeMap<String, f64>,
    /// Channel → handling time (talk + hold + wrap-up) per contact.
    pub handling: BTreeMap<String, DurationDist>,
    /// First-contact resolution: share resolved the first time. Default 0.75.
    #[serde(default = "default_fcr")]
    pub fcr: f64,
    /// Skill an agent needs. Default `"front_office"`.
    #[serde(default = "default_skill")]
    pub skill: String,
    /// Share of these contacts that better information could prevent (caps `levers.prevention`).
    #[serde(default)]
    pub preventable_share: f64,
    /// Share handed on to another skill after the first handling.
    #[serde(default)]
    pub transfer: Option<Transfer>,
}

/// A front-office → back-office hand-over.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// Share of handled contacts transferred.
    pub share: f64,
    /// Skill that takes them over.
    pub to_skill: String,
    /// Handling time in the receiving skill. Default: the reason's own handling per channel.
    #[serde(default)]
    pub handling: Option<DurationDist>,
}

/// Delay from an order to the contact it causes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Lag {
    /// Weights of day 0 (same day), 1, 2, … after the order day (normalised).
    Days(Vec<f64>),
    /// Exponential delay with the given mean in hours.
    Exponential { mean_h: f64 },
    /// Lognormal delay in hours.
    LogNormal { mean_h: f64, cv: f64 },
    /// Gamma delay in hours.
    Gamma { mean_h: f64, cv: f64 },
    /// Exactly this many hours.
    Fixed { h: f64 },
}

impl Lag {
    /// P(lag ≤ x hours). `Days` weights are read as "exactly k × 24 hours later".
    pub fn cdf_h(&self, x: f64) -> f64 {
        if x < 0.0 {
            return 0.0;
        }
        match self {
            Lag::Days(w) => {
                let total: f64 = w.iter().sum();
                let whole = (x / 24.0).floor();
                let upto = if whole >= w.len() as f64 {
                    w.len()
                } else {
                    whole as usize + 1
                };
                w[..upto].iter().sum::<f64>() / total
            }
            Lag::Exponential { mean_h } => super::cdf::exponential(*mean_h, x),
            Lag::LogNormal { mean_h, cv } => super::cdf::lognormal(*mean_h, *cv, x),
            Lag::Gamma { mean_h, cv } => super::cdf::gamma(*mean_h, *cv, x),
            Lag::Fixed { h } => super::cdf::fixed(*h, x),
        }
    }
}

/// Longest delay a `FollowsOrder` reason may have (99.9999% of it), in days: interval
/// convolution is meant for delays of minutes to hours.
pub const FOLLOWS_ORDER_MAX_DAYS: usize = 7;

/// How contacts are placed within the day they fall on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Timing {
    /// The day's contacts follow the channel's intraday arrival profile (lags of days).
    #[default]
    DailyProfile,
    /// Contact time = order time + lag at interval resolution (lags of minutes or hours,
    /// e.g. "edit my card" in the same hour); contacts that land when a live channel is
    /// closed arrive at its next opening.
    FollowsOrder,
}

impl DurationDist {
    /// The mean in seconds.
    pub fn mean_s(&self) -> f64 {
        match self {
            DurationDist::Exponential { mean_s }
            | DurationDist::LogNormal { mean_s, .. }
            | DurationDist::Gamma { mean_s, .. } => *mean_s,
            DurationDist::Fixed { s } => *s,
            // Piecewise-linear CDF: the first point's probability sits at its value, each
            // segment's mass at its midpoint.
            DurationDist::Empirical(points) => {
                let mut mean = 0.0;
                let mut prev: Option<(f64, f64)> = None;
                for &(x, p) in points {
                    mean += match prev {
                        None => p * x,
                        Some((x0, p0)) => (p - p0) * 0.5 * (x0 + x),
                    };
                    prev = Some((x, p));
                }
                mean
            }
        }
    }
}

/// A distribution of a duration in seconds (handling time, patience, delays).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DurationDist {
    /// Exponential with the given mean.
    Exponential { mean_s: f64 },
    /// Lognormal with the given mean and coefficient of variation (the default shape of
    /// handling times: CV above 1 is common on the phone).
    LogNormal { mean_s: f64, cv: f64 },
    /// Gamma with the given mean and coefficient of variation.
    Gamma { mean_s: f64, cv: f64 },
    /// Always the same duration.
    Fixed { s: f64 },
    /// Empirical distribution: `(seconds, cumulative probability)` points, increasing,
    /// ending at probability 1; linear interpolation between points.
    Empirical(Vec<(f64, f64)>),
}

/// What-if levers.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Levers {
    /// Reason → share of its contacts prevented (at most the reason's `preventable_share`).
    #[serde(default)]
    pub prevention: BTreeMap<String, f64>,
    /// Reason → share of its contacts deflected to self-service.
    #[serde(default)]
    pub deflection: BTreeMap<String, f64>,
    /// Reward early ordering: move a share of an event's extra orders some days earlier.
    #[serde(default)]
    pub early_ordering: Option<EarlyOrdering>,
    /// Days on which a reason's contact rate multiplies (a delivery disruption).
    #[serde(default)]
    pub disruptions: Vec<Disruption>,
}

/// An early-ordering incentive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EarlyOrdering {
    /// The event whose extra orders move.
    pub event: String,
    /// Share of the event's extra orders that move (practice: small, a few percent).
    pub share: f64,
    /// How many days earlier they are placed.
    pub days_earlier: u32,
}

/// A delivery disruption: on `date`, contacts of `reason` multiply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disruption {
    pub date: Date,
    pub reason: String,
    pub multiplier: f64,
}

/// A custom intraday arrival profile for one channel on some weekdays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArrivalProfile {
    pub channel: String,
    /// Weekdays this profile applies to.
    pub days: Vec<Day>,
    /// Relative weights over the day from 00:00: 24 (hourly), 48 (half-hourly) or 96
    /// (quarter-hourly) values; normalised over the channel's open intervals.
    pub weights: Vec<f64>,
}

// ---------------------------------------------------------------------------------------
// Agents
// ---------------------------------------------------------------------------------------

/// Who answers the contacts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agents {
    /// Permanent teams with their rosters.
    pub teams: Vec<Team>,
    /// Flexible pools called in for peaks.
    #[serde(default)]
    pub flex_pools: Vec<FlexPool>,
    /// Call blending: when an agent may start deferred work (e-mail, social) instead of
    /// waiting for live contacts. Default `(reserve_idle_agents: 2)`.
    #[serde(default)]
    pub blending: Blending,
}

/// Threshold call blending (Bhulai & Koole 2003, "A queueing model for call blending in call
/// centers", IEEE Trans. Automatic Control 48(8)): the optimal policy keeps a few agents idle
/// for inbound live work and lets the others work the deferred backlog.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Blending {
    /// An agent of a team or pool that serves a live or chat channel which is open starts
    /// deferred work only if at least this many other agents of its team or pool stay
    /// idle. 0 = pure priority (agents pick up e-mail whenever no live contact waits; with
    /// a permanent e-mail backlog every call then waits for someone to finish an e-mail).
    ///
    /// Default 2: Bhulai & Koole's optimal threshold is small — one to a few idle agents
    /// for groups of tens of agents at a 15–20 s answer target — and two idle agents
    /// answer the call that arrives while one just left for an e-mail (our estimate for
    /// groups of 5–60 agents; raise it for very large groups).
    #[serde(default = "default_reserve_idle_agents")]
    pub reserve_idle_agents: u32,
}

impl Default for Blending {
    fn default() -> Self {
        Blending {
            reserve_idle_agents: default_reserve_idle_agents(),
        }
    }
}

fn default_reserve_idle_agents() -> u32 {
    2
}

/// A permanent team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    pub name: String,
    /// Skills the team's agents have (`"front_office"`, `"back_office"`).
    pub skills: Vec<String>,
    /// Channels the team's agents serve.
    pub channels: Vec<String>,
    /// The roster: shift patterns with heads scheduled.
    pub shifts: Vec<Shift>,
    /// Share of scheduled time not available for contacts.
    #[serde(default)]
    pub shrinkage: Shrinkage,
    /// Loaded cost of one agent hour.
    pub hourly_cost_eur: f64,
    /// Handling-time multiplier for this team (1.0 = as the reason says). Default 1.
    #[serde(default = "one")]
    pub aht_factor: f64,
}

/// A recurring shift pattern.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shift {
    /// Weekdays the pattern runs (the weekday it starts, for a night shift).
    pub days: Vec<Day>,
    /// Local clock time the shift starts.
    pub start: ClockTime,
    /// Local clock time it ends; an end before `start` runs overnight into the next day.
    pub end: ClockTime,
    /// Agents scheduled on this shift.
    pub heads: u32,
    /// First date the pattern applies (default: calendar start).
    #[serde(default)]
    pub from: Option<Date>,
    /// Last date the pattern applies (default: calendar end).
    #[serde(default)]
    pub until: Option<Date>,
}

/// Shrinkage, split into its two effects in the simulator.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shrinkage {
    /// Probability a scheduled agent is absent for the whole day (sickness, leave).
    /// Default 0.07.
    #[serde(default = "default_absence")]
    pub absence: f64,
    /// Share of an attending agent's shift not available for contacts (breaks, meetings,
    /// coaching). Default 0.25. Total shrinkage = 1 − (1 − absence)(1 − in_shift) ≈ 0.30.
    #[serde(default = "default_in_shift")]
    pub in_shift: f64,
}

impl Default for Shrinkage {
    fn default() -> Self {
        Shrinkage {
            absence: default_absence(),
            in_shift: default_in_shift(),
        }
    }
}

impl Shrinkage {
    /// Total share of scheduled time not available: 1 − (1 − absence)(1 − in_shift).
    pub fn total(&self) -> f64 {
        1.0 - (1.0 - self.absence) * (1.0 - self.in_shift)
    }
}

/// What kind of flexible capacity a pool is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PoolKind {
    /// Colleagues from other departments, trained in quiet months.
    Internal,
    /// Temporary agents from an agency.
    TempAgency,
    /// An outsourcing partner (may be paid per contact).
    Outsourcer,
}

/// A flexible pool of agents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlexPool {
    pub name: String,
    pub kind: PoolKind,
    /// Agents in the pool (trained and available for the season).
    pub max_headcount: u32,
    /// At most this many of them on any one day. Default: `max_headcount`.
    #[serde(default)]
    pub max_per_day: Option<u32>,
    /// First date the pool can work (default: calendar start).
    #[serde(default)]
    pub available_from: Option<Date>,
    /// Last date the pool can work (default: calendar end).
    #[serde(default)]
    pub available_until: Option<Date>,
    /// When in the week the pool's agents can work.
    pub availability: WeekHours,
    /// Shortest shift in hours. Default 3.
    #[serde(default = "default_min_shift_h")]
    pub min_shift_h: f64,
    /// Longest shift in hours. Default 8.
    #[serde(default = "default_max_shift_h")]
    pub max_shift_h: f64,
    /// Allowed shift start times (default: every full hour inside `availability`).
    #[serde(default)]
    pub start_times: Vec<ClockTime>,
    /// Days of notice needed to call an agent in. Default 0.
    #[serde(default)]
    pub notice_days: u32,
    /// Handling-time multiplier for less experienced agents. Default 1.15.
    #[serde(default = "default_flex_aht_factor")]
    pub aht_factor: f64,
    pub skills: Vec<String>,
    pub channels: Vec<String>,
    #[serde(default)]
    pub shrinkage: Shrinkage,
    /// Cost of one paid hour.
    pub hourly_cost_eur: f64,
    /// One-off onboarding/training per agent per season.
    #[serde(default)]
    pub training_eur_per_agent: f64,
    /// A shift is paid for at least this many hours. Default 0.
    #[serde(default)]
    pub min_paid_hours: f64,
    /// Outsourcer price per handled contact, per channel (replaces the hourly cost for
    /// those channels when set).
    #[serde(default)]
    pub price_per_contact_eur: BTreeMap<String, f64>,
    /// Flex shifts already scheduled (what-ifs; the planner adds its own).
    #[serde(default)]
    pub scheduled: Vec<FlexShift>,
}

/// One scheduled flex shift on one date.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlexShift {
    /// The date the shift starts.
    pub date: Date,
    pub start: ClockTime,
    /// An end before `start` runs overnight into the next day.
    pub end: ClockTime,
    pub heads: u32,
}

// ---------------------------------------------------------------------------------------
// Money, behaviour, simulation
// ---------------------------------------------------------------------------------------

/// Costs beyond each team's and pool's own hourly cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Costs {
    /// ISO currency code for reports. Default "EUR".
    #[serde(default = "default_currency")]
    pub currency: String,
    /// Overtime premium on the permanent hourly cost (0.5 = +50%). Default 0.5.
    #[serde(default = "default_overtime_premium")]
    pub overtime_premium: f64,
    /// Channel → telephony/platform cost.
    #[serde(default)]
    pub channel_costs: BTreeMap<String, ChannelCost>,
    /// Cost of recruiting and onboarding one new permanent agent (half to two years'
    /// salary in practice). Default 0 (not reported).
    #[serde(default)]
    pub hiring_cost_eur: f64,
    /// Cost charged per abandoned contact, so a cheaper but worse plan shows its price.
    /// Default 0.
    #[serde(default)]
    pub abandoned_contact_eur: f64,
}

impl Default for Costs {
    fn default() -> Self {
        Costs {
            currency: default_currency(),
            overtime_premium: default_overtime_premium(),
            channel_costs: BTreeMap::new(),
            hiring_cost_eur: 0.0,
            abandoned_contact_eur: 0.0,
        }
    }
}

/// A channel's own cost per contact and per handled minute.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelCost {
    #[serde(default)]
    pub per_contact_eur: f64,
    #[serde(default)]
    pub per_minute_eur: f64,
}

/// How customers behave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Behaviour {
    /// Channel → patience (time a customer waits before abandoning) for live and chat
    /// channels. Default: phone exponential mean 180 s, chat exponential mean 300 s.
    #[serde(default = "default_patience")]
    pub patience: BTreeMap<String, DurationDist>,
    /// Redialling after abandoning.
    #[serde(default)]
    pub redial: Redial,
    /// Coming back when not resolved the first time (1 − FCR).
    #[serde(default)]
    pub repeat: Repeat,
    /// Switching channel after a bad experience (abandoning).
    #[serde(default)]
    pub channel_switch: Option<ChannelSwitch>,
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour {
            patience: default_patience(),
            redial: Redial::default(),
            repeat: Repeat::default(),
            channel_switch: None,
        }
    }
}

/// Redial behaviour after abandoning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Redial {
    /// Probability an abandoning customer tries again. Default 0.5.
    #[serde(default = "default_redial_probability")]
    pub probability: f64,
    /// Delay before the retry. Default exponential, mean 600 s.
    #[serde(default = "default_redial_delay")]
    pub delay: DurationDist,
}

impl Default for Redial {
    fn default() -> Self {
        Redial {
            probability: default_redial_probability(),
            delay: default_redial_delay(),
        }
    }
}

/// Repeat contacts of unresolved customers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repeat {
    /// Delay before an unresolved customer contacts again. Default exponential, mean 24 h.
    #[serde(default = "default_repeat_delay")]
    pub delay: DurationDist,
    /// Share of repeat contacts that come on another channel. Default 0.2.
    #[serde(default = "default_repeat_other_channel_share")]
    pub other_channel_share: f64,
    /// The channel they switch to. Default "email".
    #[serde(default = "default_switch_channel")]
    pub other_channel: String,
}

impl Default for Repeat {
    fn default() -> Self {
        Repeat {
            delay: default_repeat_delay(),
            other_channel_share: default_repeat_other_channel_share(),
            other_channel: default_switch_channel(),
        }
    }
}

/// Channel switching after abandoning a live channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelSwitch {
    /// Share of abandoning customers who do not redial but switch channel.
    pub share: f64,
    /// The channel they switch to.
    pub to: String,
    /// Delay before the new contact. Default exponential, mean 1,800 s.
    #[serde(default = "default_switch_delay")]
    pub delay: DurationDist,
}

/// Monte-Carlo settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Simulation {
    /// Replications. Default 200.
    #[serde(default = "default_replications")]
    pub replications: u32,
    /// Master seed; replication i uses stream i of it. Default 2027.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Day-level forecast uncertainty: each day's volume is multiplied by a
    /// Gamma(mean 1, cv) draw. Default 0.1 (10%); 0 turns it off.
    #[serde(default = "default_volume_cv")]
    pub volume_cv: f64,
    /// Confidence asked of a plan: the probability an interval meets its target. Default 0.95.
    #[serde(default = "default_confidence")]
    pub confidence: f64,
    /// Volume uncertainty that grows with the lead from a forecast origin: each day's
    /// multiplier gets the cv of its lead instead of `volume_cv`. Default: none.
    #[serde(default)]
    pub volume_cv_by_lead: Option<VolumeCvByLead>,
}

/// The volume cv by lead: a date `lead` days after `origin` gets the cv linearly
/// interpolated between the points (the first point's cv before it, the last one's after).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolumeCvByLead {
    /// The forecast origin (the last day of history the volumes were forecast from).
    pub origin: Date,
    /// `(lead in days, cv)` points, leads increasing.
    pub cv: Vec<(u32, f64)>,
}

impl VolumeCvByLead {
    /// The cv of a date.
    pub fn cv_on(&self, date: Date) -> f64 {
        let lead = (date - self.origin).get_days() as f64;
        let (Some(first), Some(last)) = (self.cv.first(), self.cv.last()) else {
            return 0.0;
        };
        if lead <= f64::from(first.0) {
            return first.1;
        }
        if lead >= f64::from(last.0) {
            return last.1;
        }
        for w in self.cv.windows(2) {
            let ((x0, y0), (x1, y1)) = ((f64::from(w[0].0), w[0].1), (f64::from(w[1].0), w[1].1));
            if lead >= x0 && lead <= x1 && x1 > x0 {
                return y0 + (y1 - y0) * (lead - x0) / (x1 - x0);
            }
        }
        last.1
    }
}

impl Simulation {
    /// The day-level volume cv of a date: by its lead when `volume_cv_by_lead` is set,
    /// else `volume_cv`.
    pub fn volume_cv_on(&self, date: Date) -> f64 {
        self.volume_cv_by_lead
            .as_ref()
            .map_or(self.volume_cv, |l| l.cv_on(date))
    }
}

impl Default for Simulation {
    fn default() -> Self {
        Simulation {
            replications: default_replications(),
            seed: default_seed(),
            volume_cv: default_volume_cv(),
            confidence: default_confidence(),
            volume_cv_by_lead: None,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Defaults
// ---------------------------------------------------------------------------------------

fn hm(h: u16, m: u16) -> ClockTime {
    ClockTime::from_hm(h, m).expect("valid default clock time")
}

/// The shipped channels of a Dutch online retailer.
///
/// * phone: live, 85% within 15 s (NEN 8878), priority 0, Mon–Fri 08:00–22:00,
///   Sat–Sun 09:00–18:00;
/// * chat: 80% within 60 s, priority 1, same hours, 2 chats per agent, +25% per extra chat;
/// * email: deferred, 90% within 24 h (next working day), priority 2, Mon–Sat 08:00–22:00;
/// * social: deferred, 90% within 1 h (public messages), priority 1, every day 08:00–22:00.
pub fn default_channels() -> Vec<Channel> {
    let live_hours = WeekHours {
        sat: Some((hm(9, 0), hm(18, 0))),
        sun: Some((hm(9, 0), hm(18, 0))),
        ..WeekHours::every_day(hm(8, 0), hm(22, 0))
    };
    vec![
        Channel {
            name: "phone".into(),
            kind: ChannelKind::Live,
            target: Target {
                share: 0.85,
                within_s: 15.0,
                clock: TargetClock::Calendar,
            },
            priority: 0,
            opening_hours: live_hours,
            chat: None,
        },
        Channel {
            name: "chat".into(),
            kind: ChannelKind::Chat,
            target: Target {
                share: 0.80,
                within_s: 60.0,
                clock: TargetClock::Calendar,
            },
            priority: 1,
            opening_hours: live_hours,
            chat: Some(ChatSettings {
                max_concurrent: default_max_concurrent(),
                slowdown_per_extra: default_chat_slowdown(),
            }),
        },
        Channel {
            name: "email".into(),
            kind: ChannelKind::Deferred,
            target: Target {
                share: 0.90,
                within_s: 24.0 * 3600.0,
                clock: TargetClock::Calendar,
            },
            priority: 2,
            opening_hours: WeekHours {
                sun: None,
                ..WeekHours::every_day(hm(8, 0), hm(22, 0))
            },
            chat: None,
        },
        Channel {
            name: "social".into(),
            kind: ChannelKind::Deferred,
            target: Target {
                share: 0.90,
                within_s: 3600.0,
                clock: TargetClock::Open,
            },
            priority: 1,
            opening_hours: WeekHours::every_day(hm(8, 0), hm(22, 0)),
            chat: None,
        },
    ]
}

/// Share of a day's web-shop orders per hour 0..24: low at night, a morning rise, a lunch
/// bump and an evening peak (typical of consumer web shops).
pub fn default_order_profile() -> Vec<f64> {
    vec![
        0.8, 0.4, 0.2, 0.2, 0.2, 0.4, 1.2, 2.8, 4.5, 5.6, 6.0, 6.2, 6.4, 6.0, 5.8, 5.6, 5.4, 5.4,
        5.8, 6.8, 7.4, 6.8, 4.6, 2.2,
    ]
}

fn default_interval_min() -> u32 {
    15
}
fn default_time_zone() -> String {
    "Europe/Amsterdam".into()
}
fn default_max_concurrent() -> u32 {
    2
}
fn default_chat_slowdown() -> f64 {
    0.25
}
fn default_lag() -> Lag {
    Lag::Days(vec![0.0, 1.0])
}
fn default_fcr() -> f64 {
    0.75
}
fn default_skill() -> String {
    "front_office".into()
}
fn one() -> f64 {
    1.0
}
fn default_absence() -> f64 {
    0.07
}
fn default_in_shift() -> f64 {
    0.25
}
fn default_min_shift_h() -> f64 {
    3.0
}
fn default_max_shift_h() -> f64 {
    8.0
}
fn default_flex_aht_factor() -> f64 {
    1.15
}
fn default_currency() -> String {
    "EUR".into()
}
fn default_overtime_premium() -> f64 {
    0.5
}
fn default_patience() -> BTreeMap<String, DurationDist> {
    BTreeMap::from([
        (
            "phone".to_string(),
            DurationDist::Exponential { mean_s: 180.0 },
        ),
        (
            "chat".to_string(),
            DurationDist::Exponential { mean_s: 300.0 },
        ),
    ])
}
fn default_redial_probability() -> f64 {
    0.5
}
fn default_redial_delay() -> DurationDist {
    DurationDist::Exponential { mean_s: 600.0 }
}
fn default_repeat_delay() -> DurationDist {
    DurationDist::Exponential {
        mean_s: 24.0 * 3600.0,
    }
}
fn default_repeat_other_channel_share() -> f64 {
    0.2
}
fn default_switch_channel() -> String {
    "email".into()
}
fn default_switch_delay() -> DurationDist {
    DurationDist::Exponential { mean_s: 1800.0 }
}
fn default_replications() -> u32 {
    200
}
/// The default master seed (`simulation.seed`).
pub const DEFAULT_SEED: u64 = 2027;

fn default_seed() -> u64 {
    DEFAULT_SEED
}
fn default_volume_cv() -> f64 {
    0.1
}
fn default_confidence() -> f64 {
    0.95
}
