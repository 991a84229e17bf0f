//! Semantic validation: the checks serde cannot make — ranges, sums, references between
//! names, dates inside the calendar, sane clock times — so the rest of the program can trust
//! a [`Scenario`]. Every finding carries the field path it is about; `load` places it at the
//! file, line and column that wrote it.
//!
//! Errors make the scenario unusable. Warnings (non-fatal) flag what is legal but probably
//! not meant: a channel that is never open, a handling time for a channel the reason never
//! uses, a live channel without patience (callers who never hang up), an `On(date)` event
//! whose uplift misses the calendar, a price per contact on a pool that is not an outsourcer.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use super::error::{DiagnosticKind, Severity};
use super::schema::*;
use super::suggest::{did_you_mean, unknown_tail};
use super::syntax::FieldPath;
use super::time::{ClockTime, Day};

/// One semantic finding, placed by its field path.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub severity: Severity,
    pub kind: DiagnosticKind,
    pub path: FieldPath,
    pub message: String,
}

pub use crate::limits::MAX_VOLUME;
use crate::limits::*;

/// Longest calendar accepted, in days.
pub const MAX_CALENDAR_DAYS: i32 = 400;
/// Most agents in one shift, pool or in total.
pub const MAX_HEADS: u64 = 100_000;
/// Most Monte-Carlo replications.
pub const MAX_REPLICATIONS: u32 = 1_000_000;
/// Longest shift (hours) not flagged as probably swapped start and end times.
pub const MAX_PLAUSIBLE_SHIFT_H: u32 = 12;
/// Tolerance on shares that must sum to 1.
pub const SUM_TOLERANCE: f64 = 1e-6;

/// Every semantic problem of a deserialized scenario (errors and warnings).
pub fn validate(s: &Scenario) -> Vec<Issue> {
    let mut v = V {
        s,
        out: Vec::new(),
        channels: s.channels.iter().map(|c| c.name.as_str()).collect(),
        reasons: s.reasons.iter().map(|r| r.name.as_str()).collect(),
        events: s.events.iter().map(|e| e.name.as_str()).collect(),
        skills: s
            .agents
            .teams
            .iter()
            .flat_map(|t| &t.skills)
            .chain(s.agents.flex_pools.iter().flat_map(|p| &p.skills))
            .map(String::as_str)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
    };
    v.scenario();
    v.out.extend(super::volumes::issues(s));
    v.out
}

struct V<'a> {
    s: &'a Scenario,
    out: Vec<Issue>,
    channels: Vec<&'a str>,
    reasons: Vec<&'a str>,
    events: Vec<&'a str>,
    skills: Vec<&'a str>,
}

fn root() -> FieldPath {
    FieldPath::root()
}

fn fmt_date(d: Date) -> String {
    d.to_string()
}

impl<'a> V<'a> {
    fn err(&mut self, path: FieldPath, message: String) {
        self.out.push(Issue {
            severity: Severity::Error,
            kind: DiagnosticKind::Invalid,
            path,
            message,
        });
    }

    fn warn(&mut self, path: FieldPath, message: String) {
        self.out.push(Issue {
            severity: Severity::Warning,
            kind: DiagnosticKind::Invalid,
            path,
            message,
        });
    }

    /// `name` must be one of `allowed` (`what`: "channel"; `plural`: "defined channels").
    fn refers(
        &mut self,
        path: FieldPath,
        what: &str,
        plural: &str,
        name: &str,
        allowed: &[&str],
    ) -> bool {
        if allowed.contains(&name) {
            return true;
        }
        self.out.push(Issue {
            severity: Severity::Error,
            kind: DiagnosticKind::UnknownName,
            path,
            message: format!(
                "unknown {what} `{name}`{}",
                unknown_tail(name, allowed, plural)
            ),
        });
        false
    }

    fn channel(&mut self, path: FieldPath, name: &str) -> bool {
        let allowed = self.channels.clone();
        self.refers(path, "channel", "defined channels", name, &allowed)
    }

    fn reason(&mut self, path: FieldPath, name: &str) -> bool {
        let allowed = self.reasons.clone();
        self.refers(path, "reason", "defined reasons", name, &allowed)
    }

    /// A finite number from `lo` to `hi` (both included).
    fn range(&mut self, path: FieldPath, x: f64, lo: f64, hi: f64) -> bool {
        if x.is_finite() && (lo..=hi).contains(&x) {
            return true;
        }
        let x = num(x);
        self.err(
            path,
            format!(
                "{x} is out of range; use a number from {} to {}",
                num(lo),
                num(hi)
            ),
        );
        false
    }

    /// A finite number above 0 and at most `hi`.
    fn positive_up_to(&mut self, path: FieldPath, x: f64, hi: f64) {
        if !(x.is_finite() && x > 0.0 && x <= hi) {
            let x = num(x);
            self.err(
                path,
                format!(
                    "{x} is out of range; use a number above 0 and at most {}",
                    num(hi)
                ),
            );
        }
    }

    /// A multiplier from 0 to [`MAX_MULTIPLIER`].
    fn multiplier(&mut self, path: FieldPath, x: f64) {
        self.range(path, x, 0.0, MAX_MULTIPLIER);
    }

    /// An amount of money from 0 to `hi`.
    fn money(&mut self, path: FieldPath, x: f64, hi: f64) {
        self.range(path, x, 0.0, hi);
    }

    /// A list no longer than `max` (`what`: "reasons").
    fn at_most(&mut self, path: FieldPath, n: usize, max: usize, what: &str) {
        if n > max {
            self.err(path, format!("{n} {what}; at most {max}"));
        }
    }

    /// A share in [0, 1].
    fn share(&mut self, path: FieldPath, x: f64) {
        if !(0.0..=1.0).contains(&x) {
            self.err(
                path,
                format!("{x} is not a share; use a number from 0 to 1"),
            );
        }
    }

    /// A finite volume from 0 to [`MAX_VOLUME`].
    fn volume(&mut self, path: FieldPath, x: f64) {
        if !(x.is_finite() && x >= 0.0) {
            self.err(path, format!("{x} is not allowed; use a finite number ≥ 0"));
        } else if x > MAX_VOLUME {
            self.err(
                path,
                format!("{x} is not a plausible volume; at most {MAX_VOLUME:e}"),
            );
        }
    }

    fn heads(&mut self, path: FieldPath, n: u32) {
        if u64::from(n) > MAX_HEADS {
            self.err(
                path,
                format!("{n} heads is not a plausible staffing; at most {MAX_HEADS}"),
            );
        }
    }

    /// Names must be unique within a list.
    fn unique<'n>(
        &mut self,
        list: FieldPath,
        names: impl IntoIterator<Item = &'n str>,
        what: &str,
    ) {
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, n) in names.into_iter().enumerate() {
            if n.trim().is_empty() {
                self.err(
                    list.index(i).field("name"),
                    format!("the {what} name is empty; give it a short identifier"),
                );
            }
            if let Some(first) = seen.get(n) {
                self.err(
                    list.index(i).field("name"),
                    format!("{what} `{n}` is defined twice (first at {list}[{first}]); names must be unique"),
                );
            } else {
                seen.insert(n, i);
            }
        }
    }

    /// `d` must lie inside the calendar (not checked when the calendar itself is invalid,
    /// to avoid a cascade of errors with one cause).
    fn in_calendar(&mut self, path: FieldPath, d: Date) -> bool {
        let c = &self.s.calendar;
        if c.end >= c.start && (d < c.start || d > c.end) {
            self.err(
                path,
                format!(
                    "{} is outside the calendar; use a date from {} to {}",
                    fmt_date(d),
                    fmt_date(c.start),
                    fmt_date(c.end)
                ),
            );
            false
        } else {
            true
        }
    }

    /// Relative weights: from 0 to [`MAX_WEIGHT`], positive sum.
    fn weights(&mut self, path: FieldPath, w: &[f64]) {
        let mut ok = true;
        for (i, &x) in w.iter().enumerate() {
            if !(x.is_finite() && (0.0..=MAX_WEIGHT).contains(&x)) {
                let x = num(x);
                self.err(
                    path.index(i),
                    format!(
                        "weight {x} is out of range; use a number from 0 to {} (only ratios matter)",
                        num(MAX_WEIGHT)
                    ),
                );
                ok = false;
            }
        }
        if ok && w.iter().sum::<f64>() <= 0.0 {
            self.err(
                path,
                "the weights sum to 0; at least one must be positive".to_string(),
            );
        }
    }

    fn duration(&mut self, path: FieldPath, d: &DurationDist) {
        let mean = |v: &mut Self, path: FieldPath, m: f64| {
            if !(m.is_finite() && (MIN_DURATION_S..=MAX_DURATION_S).contains(&m)) {
                let m = num(m);
                v.err(
                    path,
                    format!(
                        "{m} s is out of range; use a mean from {MIN_DURATION_S} s to {} s (about 116 days)",
                        num(MAX_DURATION_S)
                    ),
                );
            }
        };
        match d {
            DurationDist::Exponential { mean_s } => mean(self, path.field("mean_s"), *mean_s),
            DurationDist::LogNormal { mean_s, cv } | DurationDist::Gamma { mean_s, cv } => {
                mean(self, path.field("mean_s"), *mean_s);
                if !(cv.is_finite() && (MIN_CV..=MAX_CV).contains(cv)) {
                    let cv = num(*cv);
                    self.err(
                        path.field("cv"),
                        format!("cv {cv} is out of range; use a cv from {MIN_CV} to {MAX_CV} (Fixed for no variation)"),
                    );
                }
            }
            DurationDist::Fixed { s } => {
                if !(s.is_finite() && *s > 0.0 && *s <= MAX_DURATION_S) {
                    let s = num(*s);
                    self.err(
                        path.field("s"),
                        format!(
                            "{s} s is out of range; use a duration above 0 and at most {} s",
                            num(MAX_DURATION_S)
                        ),
                    );
                }
            }
            DurationDist::Empirical(points) => self.empirical(path, points),
        }
    }

    fn empirical(&mut self, path: FieldPath, points: &[(f64, f64)]) {
        if points.is_empty() {
            self.err(path, "an empirical distribution needs at least one (seconds, cumulative probability) point".to_string());
            return;
        }
        if points.len() > MAX_EMPIRICAL_POINTS {
            self.err(
                path,
                format!(
                    "{} points; an empirical distribution has at most {MAX_EMPIRICAL_POINTS}",
                    points.len()
                ),
            );
            return;
        }
        let mut prev: Option<(f64, f64)> = None;
        for (i, &(x, p)) in points.iter().enumerate() {
            if !(x.is_finite() && (0.0..=MAX_DURATION_S).contains(&x)) {
                self.err(
                    path.index(i),
                    format!(
                        "{x} s is out of range; durations are from 0 to {} s",
                        num(MAX_DURATION_S)
                    ),
                );
                return;
            }
            if !(0.0..=1.0).contains(&p) {
                self.err(
                    path.index(i),
                    format!("cumulative probability {p} is outside 0..1"),
                );
                return;
            }
            if let Some((px, pp)) = prev
                && (x <= px || p < pp)
            {
                self.err(
                    path.index(i),
                    format!("point ({x}, {p}) does not follow ({px}, {pp}): seconds must increase and probabilities must not decrease"),
                );
                return;
            }
            prev = Some((x, p));
        }
        if let Some((_, p)) = prev
            && (p - 1.0).abs() > 1e-9
        {
            self.err(
                path.index(points.len() - 1),
                format!("the last cumulative probability is {p}; an empirical distribution must end at 1"),
            );
        }
    }

    /// Opening hours or availability: `from < to` on every open day.
    fn week_hours(&mut self, path: FieldPath, h: &WeekHours) {
        for day in Day::ALL {
            if let Some((from, to)) = h.on(day) {
                let name = day_field(day);
                if from >= to {
                    self.err(
                        path.field(name),
                        format!("opens at {from} but closes at {to}; `from` must be before `to` (\"24:00\" is the end of the day)"),
                    );
                }
            }
        }
    }

    /// A shift's clock times (`path`: the shift). An end before the start runs overnight
    /// into the next day (as `staffing` reads it); start = end is an error, and a shift
    /// longer than [`MAX_PLAUSIBLE_SHIFT_H`] hours is probably swapped times (warning).
    fn shift_times(&mut self, path: FieldPath, start: ClockTime, end: ClockTime) {
        if start == ClockTime::END_OF_DAY {
            self.err(
                path.field("start"),
                "24:00 is not a start time; write 00:00 (of the next day)".to_string(),
            );
            return;
        }
        if start == end {
            self.err(
                path.field("end"),
                format!("the shift starts and ends at {start}; write a later end (or an earlier one for a night shift)"),
            );
            return;
        }
        let minutes = if end > start {
            end.minutes() - start.minutes()
        } else {
            24 * 60 - start.minutes() + end.minutes()
        };
        if minutes > MAX_PLAUSIBLE_SHIFT_H * 60 {
            let overnight = if end < start { " overnight" } else { "" };
            self.warn(
                path.field("end"),
                format!(
                    "a shift of {}h{:02}{overnight} ({start} to {end}); are start and end swapped?",
                    minutes / 60,
                    minutes % 60
                ),
            );
        }
    }

    fn shrinkage(&mut self, path: FieldPath, s: &Shrinkage) {
        for (name, x) in [("absence", s.absence), ("in_shift", s.in_shift)] {
            if !(0.0..1.0).contains(&x) {
                self.err(
                    path.field(name),
                    format!(
                        "{x} is not allowed; shrinkage is a share from 0 up to (not including) 1"
                    ),
                );
            }
        }
    }

    fn target(&mut self, path: FieldPath, t: &Target) {
        if !(t.share > 0.0 && t.share < 1.0) {
            self.err(
                path.field("share"),
                format!(
                    "{} is not a target share; use a number strictly between 0 and 1 (0.85 = 85%)",
                    t.share
                ),
            );
        }
        self.positive_up_to(path.field("within_s"), t.within_s, MAX_TARGET_S);
    }

    // -----------------------------------------------------------------------------------

    fn scenario(&mut self) {
        let s = self.s;
        if s.name.trim().is_empty() {
            self.err(
                root().field("name"),
                "the scenario name is empty; reports and output folders use it".to_string(),
            );
        }
        self.calendar();
        self.channels();
        self.orders();
        self.events();
        self.campaigns();
        self.other_sources();
        self.source_names();
        self.reasons();
        self.levers();
        self.arrival_profiles();
        self.agents();
        self.costs();
        self.behaviour();
        self.simulation();
        self.scale();
    }

    /// Counts the simulator can index and the size of the demand table.
    fn scale(&mut self) {
        let s = self.s;
        self.at_most(
            root().field("reasons"),
            s.reasons.len(),
            MAX_REASONS,
            "reasons",
        );
        self.at_most(
            root().field("channels"),
            s.channels.len(),
            MAX_CHANNELS,
            "channels",
        );
        let sources = s.events.len() + s.campaigns.len() + s.other_sources.len();
        if sources > MAX_SOURCES {
            self.err(
                root().field("campaigns"),
                format!(
                    "{sources} events, campaigns and other sources together; at most {MAX_SOURCES}"
                ),
            );
        }
        let groups = s.agents.teams.len() + s.agents.flex_pools.len();
        self.at_most(
            root().field("agents"),
            groups,
            MAX_GROUPS,
            "teams and flex pools together",
        );
        self.at_most(
            root().field("agents"),
            self.skills.len(),
            MAX_SKILLS,
            "distinct skills held by teams and pools",
        );
        let c = &s.calendar;
        if c.end >= c.start && [15, 30, 60].contains(&c.interval_min) {
            let days = ((c.end - c.start).get_days() + 1) as u64;
            // One DST day can have an hour more: count 25 hours a day.
            let intervals = days * u64::from(25 * 60 / c.interval_min);
            let cells = intervals
                .saturating_mul(s.reasons.len() as u64)
                .saturating_mul(s.channels.len() as u64)
                .saturating_mul(sources as u64 + 1);
            if days <= MAX_CALENDAR_DAYS as u64 && cells > MAX_DEMAND_CELLS {
                self.err(
                    root().field("calendar"),
                    format!(
                        "the demand table would have about {} cells ({intervals} intervals × {} reasons × {} channels × {} sources); at most {}: shorten the calendar, use a longer interval_min or fewer reasons, channels or sources",
                        num(cells as f64),
                        s.reasons.len(),
                        s.channels.len(),
                        sources + 1,
                        num(MAX_DEMAND_CELLS as f64)
                    ),
                );
            }
        }
    }

    fn calendar(&mut self) {
        let c = &self.s.calendar;
        let p = root().field("calendar");
        if c.end < c.start {
            self.err(
                p.field("end"),
                format!(
                    "the calendar ends ({}) before it starts ({}); end is the last day, inclusive",
                    c.end, c.start
                ),
            );
        } else {
            let days = (c.end - c.start).get_days() + 1;
            if days > MAX_CALENDAR_DAYS {
                self.err(
                    p.field("end"),
                    format!("the calendar has {days} days; at most {MAX_CALENDAR_DAYS} are simulated (split the year into seasons)"),
                );
            }
        }
        if ![15, 30, 60].contains(&c.interval_min) {
            self.err(
                p.field("interval_min"),
                format!(
                    "{} minutes is not a planning interval; use 15, 30 or 60",
                    c.interval_min
                ),
            );
        }
        if jiff::tz::TimeZone::get(&c.time_zone).is_err() {
            let names: Vec<String> = jiff::tz::db()
                .available()
                .map(|n| n.as_str().to_string())
                .collect();
            let message = match did_you_mean(&c.time_zone, names.iter().map(String::as_str)) {
                hint if hint.is_empty() => format!(
                    "unknown time zone `{}`; use an IANA name such as `Europe/Amsterdam`",
                    c.time_zone
                ),
                hint => format!("unknown time zone `{}`{hint}", c.time_zone),
            };
            self.err(p.field("time_zone"), message);
        }
        if let Some(d) = c.plan_date
            && d > c.end
        {
            self.err(
                p.field("plan_date"),
                format!(
                    "the plan date {d} is after the calendar's last day ({}); a plan is made before or during its period",
                    c.end
                ),
            );
        }
        self.date_list(p.field("target_days"), &c.target_days);
        self.date_list(p.field("closed_days"), &c.closed_days);
    }

    /// A list of dates: each inside the calendar, a repeated one warned about.
    fn date_list(&mut self, path: FieldPath, dates: &[Date]) {
        let mut seen = BTreeSet::new();
        for (i, &d) in dates.iter().enumerate() {
            self.in_calendar(path.index(i), d);
            if !seen.insert(d) {
                self.warn(path.index(i), format!("{d} is listed twice"));
            }
        }
    }

    fn channels(&mut self) {
        let s = self.s;
        let p = root().field("channels");
        if s.channels.is_empty() {
            self.err(
                p.clone(),
                "no channels; define at least one (or leave `channels` out for the defaults)"
                    .to_string(),
            );
        }
        self.unique(
            p.clone(),
            s.channels.iter().map(|c| c.name.as_str()),
            "channel",
        );
        for (i, c) in s.channels.iter().enumerate() {
            let cp = p.index(i);
            self.target(cp.field("target"), &c.target);
            self.week_hours(cp.field("opening_hours"), &c.opening_hours);
            if Day::ALL.iter().all(|&d| c.opening_hours.on(d).is_none()) {
                self.warn(
                    cp.field("opening_hours"),
                    format!("channel `{}` is never open", c.name),
                );
            }
            match (c.kind, &c.chat) {
                (ChannelKind::Chat, Some(chat)) => {
                    if chat.max_concurrent == 0 || chat.max_concurrent > 20 {
                        self.err(
                            cp.field("chat").field("max_concurrent"),
                            format!("{} chats at once is not allowed; use 1 to 20", chat.max_concurrent),
                        );
                    }
                    self.range(cp.field("chat").field("slowdown_per_extra"), chat.slowdown_per_extra, 0.0, MAX_CHAT_SLOWDOWN);
                }
                (ChannelKind::Chat, None) => {}
                (kind, Some(_)) => self.err(
                    cp.field("chat"),
                    format!("chat settings on a {kind:?} channel; only `kind: Chat` channels take `chat`"),
                ),
                (_, None) => {}
            }
        }
    }

    fn orders(&mut self) {
        let o = &self.s.orders;
        let p = root().field("orders");
        for day in Day::ALL {
            self.volume(
                p.field("baseline_per_day").field(day_field(day)),
                o.baseline_per_day.on(day),
            );
        }
        if !(o.weekly_growth.is_finite()
            && o.weekly_growth > -1.0
            && o.weekly_growth <= MAX_WEEKLY_GROWTH)
        {
            self.err(
                p.field("weekly_growth"),
                format!(
                    "{} is not a weekly growth; use a number above -1 and at most {MAX_WEEKLY_GROWTH} (0.01 = +1% a week)",
                    o.weekly_growth
                ),
            );
        }
        let c = &self.s.calendar;
        let mut seen = BTreeSet::new();
        for (i, w) in o.week_multipliers.iter().enumerate() {
            let wp = p.field("week_multipliers").index(i);
            if Day::of(w.week_of) != Day::Mon {
                self.err(
                    wp.field("week_of"),
                    format!(
                        "{} is a {:?}; `week_of` must be the Monday that starts the week",
                        w.week_of,
                        Day::of(w.week_of)
                    ),
                );
            } else if c.end >= c.start && w.week_of > c.end || add_days(w.week_of, 6) < c.start {
                self.err(
                    wp.field("week_of"),
                    format!(
                        "the week of {} is outside the calendar ({} to {})",
                        w.week_of, c.start, c.end
                    ),
                );
            }
            if !seen.insert(w.week_of) {
                self.err(
                    wp.field("week_of"),
                    format!("the week of {} has two multipliers", w.week_of),
                );
            }
            self.multiplier(wp.field("multiplier"), w.multiplier);
        }
        if o.hourly_profile.len() != 24 {
            self.err(
                p.field("hourly_profile"),
                format!(
                    "{} weights; the order profile has one weight per hour, 24 in all",
                    o.hourly_profile.len()
                ),
            );
        } else {
            self.weights(p.field("hourly_profile"), &o.hourly_profile);
        }
    }

    fn events(&mut self) {
        let s = self.s;
        let p = root().field("events");
        self.unique(p.clone(), s.events.iter().map(|e| e.name.as_str()), "event");
        for (i, e) in s.events.iter().enumerate() {
            let ep = p.index(i);
            if e.uplift.is_empty() {
                self.err(
                    ep.field("uplift"),
                    "no uplift points; write (day offset, multiplier) pairs such as (-1, 4.0)"
                        .to_string(),
                );
            }
            for (k, &(off, m)) in e.uplift.iter().enumerate() {
                if k > 0 && off <= e.uplift[k - 1].0 {
                    self.err(
                        ep.field("uplift").index(k),
                        format!(
                            "day offset {off} does not follow {}; offsets must increase",
                            e.uplift[k - 1].0
                        ),
                    );
                }
                if !(-366..=366).contains(&off) {
                    self.err(
                        ep.field("uplift").index(k),
                        format!("day offset {off} is more than a year from the date"),
                    );
                }
                self.multiplier(ep.field("uplift").index(k), m);
            }
            for (reason, &m) in &e.contact_rate_multipliers {
                let mp = ep.field("contact_rate_multipliers").field(reason);
                self.reason(mp.clone(), reason);
                self.multiplier(mp, m);
            }
            if let (EventDate::On(d), Some(first), Some(last)) =
                (&e.date, e.uplift.first(), e.uplift.last())
            {
                let from = add_days(*d, first.0);
                let to = add_days(*d, last.0);
                if to < s.calendar.start || from > s.calendar.end {
                    self.warn(
                        ep.field("date"),
                        format!("the uplift of `{}` ({from} to {to}) lies outside the calendar; it has no effect", e.name),
                    );
                }
            }
        }
    }

    fn campaigns(&mut self) {
        let s = self.s;
        let p = root().field("campaigns");
        self.unique(
            p.clone(),
            s.campaigns.iter().map(|c| c.name.as_str()),
            "campaign",
        );
        for (i, c) in s.campaigns.iter().enumerate() {
            let cp = p.index(i);
            let start_ok = self.in_calendar(cp.field("start"), c.start);
            let end_ok = self.in_calendar(cp.field("end"), c.end);
            if c.end < c.start {
                self.err(
                    cp.field("end"),
                    format!(
                        "the campaign ends ({}) before it starts ({})",
                        c.end, c.start
                    ),
                );
            }
            match c.orders {
                CampaignOrders::Total(n) => self.volume(cp.field("orders"), n),
                CampaignOrders::Reach { reach, conversion } => {
                    self.volume(cp.field("orders").field("reach"), reach);
                    self.share(cp.field("orders").field("conversion"), conversion);
                }
            }
            if !c.daily_shape.is_empty() {
                let days = (c.end - c.start).get_days() + 1;
                if start_ok
                    && end_ok
                    && c.end >= c.start
                    && c.daily_shape.len() as i64 != i64::from(days)
                {
                    self.err(
                        cp.field("daily_shape"),
                        format!("{} weights for a campaign of {days} days; give one weight per day (or leave it out for a uniform shape)", c.daily_shape.len()),
                    );
                } else {
                    self.weights(cp.field("daily_shape"), &c.daily_shape);
                }
            }
            for (reason, &m) in &c.contact_rate_multipliers {
                let mp = cp.field("contact_rate_multipliers").field(reason);
                self.reason(mp.clone(), reason);
                self.multiplier(mp, m);
            }
        }
    }

    fn other_sources(&mut self) {
        let s = self.s;
        let p = root().field("other_sources");
        self.unique(
            p.clone(),
            s.other_sources.iter().map(|o| o.name.as_str()),
            "source",
        );
        for (i, o) in s.other_sources.iter().enumerate() {
            let op = p.index(i);
            self.reason(op.field("reason"), &o.reason);
            for day in Day::ALL {
                self.volume(op.field("per_day").field(day_field(day)), o.per_day.on(day));
            }
        }
    }

    /// Events, campaigns and other sources share the attribution columns: one namespace.
    fn source_names(&mut self) {
        let s = self.s;
        let mut seen: BTreeMap<&str, String> = BTreeMap::new();
        for (i, e) in s.events.iter().enumerate() {
            seen.entry(e.name.as_str())
                .or_insert_with(|| format!("events[{i}]"));
        }
        let mut check = |v: &mut Self, list: &str, i: usize, name: &'a str| {
            if let Some(first) = seen.get(name) {
                if !first.starts_with(list) {
                    v.err(
                        root().field(list).index(i).field("name"),
                        format!("`{name}` is also the name of {first}; events, campaigns and other sources need distinct names (they name the attribution columns)"),
                    );
                }
            } else {
                seen.insert(name, format!("{list}[{i}]"));
            }
        };
        for (i, c) in s.campaigns.iter().enumerate() {
            check(self, "campaigns", i, &c.name);
        }
        for (i, o) in s.other_sources.iter().enumerate() {
            check(self, "other_sources", i, &o.name);
        }
    }

    fn reasons(&mut self) {
        let s = self.s;
        let p = root().field("reasons");
        if s.reasons.is_empty() {
            self.err(
                p.clone(),
                "no contact reasons; define at least one".to_string(),
            );
        }
        self.unique(
            p.clone(),
            s.reasons.iter().map(|r| r.name.as_str()),
            "reason",
        );
        for (i, r) in s.reasons.iter().enumerate() {
            let rp = p.index(i);
            self.range(
                rp.field("per_1000_orders"),
                r.per_1000_orders,
                0.0,
                MAX_PER_1000_ORDERS,
            );
            let before = self.out.len();
            self.lag(rp.field("lag"), &r.lag);
            let lag_valid = self.out.len() == before;
            if r.timing == Timing::FollowsOrder && lag_valid {
                let horizon_h = (FOLLOWS_ORDER_MAX_DAYS * 24) as f64;
                if r.lag.cdf_h(horizon_h) < 1.0 - 1e-6 {
                    self.err(
                        rp.field("timing"),
                        format!("FollowsOrder handles delays up to {FOLLOWS_ORDER_MAX_DAYS} days, but this lag has more than one in a million contacts later; use `timing: DailyProfile` for delays of days, or a shorter lag"),
                    );
                }
            }
            // Channel mix: known channels, shares, sum 1.
            if r.channel_mix.is_empty() {
                self.err(rp.field("channel_mix"), "empty channel mix; give each channel's share, e.g. {\"phone\": 0.6, \"email\": 0.4}".to_string());
            }
            let mut all_ok = true;
            for (ch, &x) in &r.channel_mix {
                let cp = rp.field("channel_mix").field(ch);
                all_ok &= self.channel(cp.clone(), ch);
                if !(0.0..=1.0).contains(&x) {
                    self.err(cp, format!("{x} is not a share; use a number from 0 to 1"));
                    all_ok = false;
                }
            }
            let sum: f64 = r.channel_mix.values().sum();
            if all_ok && !r.channel_mix.is_empty() && (sum - 1.0).abs() > SUM_TOLERANCE {
                self.err(
                    rp.field("channel_mix"),
                    format!("the channel shares sum to {sum}; they must sum to 1 (within {SUM_TOLERANCE:e})"),
                );
            }
            // Handling per channel.
            for (ch, d) in &r.handling {
                let hp = rp.field("handling").field(ch);
                if self.channel(hp.clone(), ch) {
                    self.duration(hp.clone(), d);
                    if !r.channel_mix.contains_key(ch) {
                        self.warn(hp, format!("handling time for `{ch}`, which is not in this reason's channel mix; it is never used"));
                    }
                }
            }
            for (ch, &x) in &r.channel_mix {
                if x > 0.0 && !r.handling.contains_key(ch) && self.channels.contains(&ch.as_str()) {
                    self.err(
                        rp.field("handling"),
                        format!("no handling time for `{ch}`, which gets {x} of this reason's contacts; add `\"{ch}\": LogNormal(mean_s: …, cv: …)`"),
                    );
                }
            }
            self.share(rp.field("fcr"), r.fcr);
            self.share(rp.field("preventable_share"), r.preventable_share);
            let skills = self.skills.clone();
            if self.refers(
                rp.field("skill"),
                "skill",
                "skills held by teams and pools",
                &r.skill,
                &skills,
            ) {
                // Served: each used channel needs a team or pool with the skill and channel.
                for (ch, &x) in &r.channel_mix {
                    if x > 0.0 && self.channels.contains(&ch.as_str()) && !self.served(&r.skill, ch)
                    {
                        self.err(
                            rp.field("channel_mix").field(ch),
                            format!("no team or pool has skill `{}` on channel `{ch}`; these contacts would never be answered", r.skill),
                        );
                    }
                }
            }
            if let Some(t) = &r.transfer {
                let tp = rp.field("transfer");
                self.share(tp.field("share"), t.share);
                let skills = self.skills.clone();
                self.refers(
                    tp.field("to_skill"),
                    "skill",
                    "skills held by teams and pools",
                    &t.to_skill,
                    &skills,
                );
                if let Some(h) = &t.handling {
                    self.duration(tp.field("handling"), h);
                }
            }
        }
    }

    fn served(&self, skill: &str, channel: &str) -> bool {
        let a = &self.s.agents;
        let has = |skills: &[String], channels: &[String]| {
            skills.iter().any(|s| s == skill) && channels.iter().any(|c| c == channel)
        };
        a.teams.iter().any(|t| has(&t.skills, &t.channels))
            || a.flex_pools.iter().any(|p| has(&p.skills, &p.channels))
    }

    fn lag(&mut self, path: FieldPath, lag: &Lag) {
        match lag {
            Lag::Days(w) => {
                if w.is_empty() {
                    self.err(path, "`Days([])` has no weights; give the weight of day 0, 1, 2, … after the order".to_string());
                } else if w.len() > 60 {
                    self.err(path, format!("{} days of lag; at most 60", w.len()));
                } else {
                    self.weights(path, w);
                }
            }
            Lag::Exponential { mean_h } => {
                self.positive_up_to(path.field("mean_h"), *mean_h, MAX_LAG_H)
            }
            Lag::LogNormal { mean_h, cv } | Lag::Gamma { mean_h, cv } => {
                self.positive_up_to(path.field("mean_h"), *mean_h, MAX_LAG_H);
                if !(cv.is_finite() && (MIN_CV..=MAX_CV).contains(cv)) {
                    let cv = num(*cv);
                    self.err(
                        path.field("cv"),
                        format!("cv {cv} is out of range; use a cv from {MIN_CV} to {MAX_CV} (or `Fixed(h: …)`)"),
                    );
                }
            }
            Lag::Fixed { h } => {
                if !(h.is_finite() && *h >= 0.0 && *h < MAX_LAG_H) {
                    self.err(
                        path.field("h"),
                        format!("{h} h is out of range; use a lag from 0 to below {MAX_LAG_H} h (400 days)"),
                    );
                }
            }
        }
    }

    fn levers(&mut self) {
        let s = self.s;
        let p = root().field("levers");
        for (reason, &x) in &s.levers.prevention {
            let lp = p.field("prevention").field(reason);
            self.share(lp.clone(), x);
            if self.reason(lp.clone(), reason)
                && let Some(r) = s.reasons.iter().find(|r| &r.name == reason)
                && x > r.preventable_share
            {
                self.err(
                    lp,
                    format!(
                        "prevents {x} of `{reason}`, more than its preventable_share {}; raise the reason's preventable_share or prevent less",
                        r.preventable_share
                    ),
                );
            }
        }
        for (reason, &x) in &s.levers.deflection {
            let lp = p.field("deflection").field(reason);
            self.share(lp.clone(), x);
            self.reason(lp.clone(), reason);
            if let Some(&prev) = s.levers.prevention.get(reason)
                && prev + x > 1.0 + SUM_TOLERANCE
            {
                self.err(lp, format!("prevention {prev} plus deflection {x} of `{reason}` remove more than all its contacts"));
            }
        }
        if let Some(e) = &s.levers.early_ordering {
            let ep = p.field("early_ordering");
            let events = self.events.clone();
            self.refers(
                ep.field("event"),
                "event",
                "defined events",
                &e.event,
                &events,
            );
            self.share(ep.field("share"), e.share);
            if e.days_earlier == 0 || e.days_earlier > 60 {
                self.err(
                    ep.field("days_earlier"),
                    format!(
                        "{} days earlier is not allowed; use 1 to 60",
                        e.days_earlier
                    ),
                );
            }
        }
        for (i, d) in s.levers.disruptions.iter().enumerate() {
            let dp = p.field("disruptions").index(i);
            self.in_calendar(dp.field("date"), d.date);
            self.reason(dp.field("reason"), &d.reason);
            self.multiplier(dp.field("multiplier"), d.multiplier);
        }
    }

    fn arrival_profiles(&mut self) {
        let s = self.s;
        let p = root().field("arrival_profiles");
        let mut seen: BTreeMap<(&str, Day), usize> = BTreeMap::new();
        for (i, a) in s.arrival_profiles.iter().enumerate() {
            let ap = p.index(i);
            self.channel(ap.field("channel"), &a.channel);
            if a.days.is_empty() {
                self.err(
                    ap.field("days"),
                    "no days; list the weekdays this profile applies to, e.g. [Mon, Tue]"
                        .to_string(),
                );
            }
            for (k, &d) in a.days.iter().enumerate() {
                if let Some(first) = seen.insert((a.channel.as_str(), d), i)
                    && first != i
                {
                    self.err(
                        ap.field("days").index(k),
                        format!(
                            "`{}` on {d:?} already has a profile (arrival_profiles[{first}])",
                            a.channel
                        ),
                    );
                }
            }
            if ![24, 48, 96].contains(&a.weights.len()) {
                self.err(
                    ap.field("weights"),
                    format!("{} weights; a profile has 24 (hourly), 48 (half-hourly) or 96 (quarter-hourly)", a.weights.len()),
                );
            } else {
                self.weights(ap.field("weights"), &a.weights);
            }
        }
    }

    fn agents(&mut self) {
        let a = &self.s.agents;
        let p = root().field("agents");
        self.group_names(&p);
        self.heads(
            p.field("blending").field("reserve_idle_agents"),
            a.blending.reserve_idle_agents,
        );
        if a.teams.is_empty() && a.flex_pools.is_empty() {
            self.err(
                p.field("teams"),
                "no teams and no flex pools; nobody would answer".to_string(),
            );
        }
        let mut total: u64 = 0;
        for (i, t) in a.teams.iter().enumerate() {
            total += self.team(p.field("teams").index(i), t);
        }
        for (i, f) in a.flex_pools.iter().enumerate() {
            self.flex_pool(p.field("flex_pools").index(i), f);
            total += u64::from(f.max_headcount);
        }
        if total > MAX_HEADS {
            self.err(
                p,
                format!("{total} heads in all teams' shifts and pools; at most {MAX_HEADS}"),
            );
        }
    }

    /// Teams and pools appear side by side in reports: one namespace of non-empty names.
    fn group_names(&mut self, p: &FieldPath) {
        let a = &self.s.agents;
        let groups = a
            .teams
            .iter()
            .map(|t| t.name.as_str())
            .chain(a.flex_pools.iter().map(|f| f.name.as_str()));
        let mut seen: BTreeMap<&str, String> = BTreeMap::new();
        let n_teams = a.teams.len();
        for (k, name) in groups.enumerate() {
            let (list, i) = if k < n_teams {
                ("teams", k)
            } else {
                ("flex_pools", k - n_teams)
            };
            let np = p.field(list).index(i).field("name");
            if name.trim().is_empty() {
                self.err(
                    np.clone(),
                    "the name is empty; give it a short identifier".to_string(),
                );
            }
            if let Some(first) = seen.get(name) {
                self.err(
                    np,
                    format!(
                        "`{name}` is also the name of {first}; teams and pools need distinct names"
                    ),
                );
            } else {
                seen.insert(name, format!("agents.{list}[{i}]"));
            }
        }
    }

    /// Checks team `t` at `tp`; returns the heads of its shifts.
    fn team(&mut self, tp: FieldPath, t: &Team) -> u64 {
        let mut heads = 0;
        if t.skills.is_empty() {
            self.err(
                tp.field("skills"),
                "no skills; list what the team can handle, e.g. [\"front_office\"]".to_string(),
            );
        }
        for (k, ch) in t.channels.iter().enumerate() {
            self.channel(tp.field("channels").index(k), ch);
        }
        if t.channels.is_empty() {
            self.err(
                tp.field("channels"),
                "no channels; list the channels the team serves".to_string(),
            );
        }
        if t.shifts.is_empty() {
            self.warn(
                tp.field("shifts"),
                format!("team `{}` has no shifts; it never works", t.name),
            );
        }
        for (k, sh) in t.shifts.iter().enumerate() {
            let sp = tp.field("shifts").index(k);
            if sh.days.is_empty() {
                self.err(
                    sp.field("days"),
                    "no days; list the weekdays the shift runs, e.g. [Mon, Tue, Wed, Thu, Fri]"
                        .to_string(),
                );
            }
            self.shift_times(sp.clone(), sh.start, sh.end);
            self.heads(sp.field("heads"), sh.heads);
            heads += u64::from(sh.heads);
            if let (Some(f), Some(u)) = (sh.from, sh.until)
                && u < f
            {
                self.err(
                    sp.field("until"),
                    format!("the pattern ends ({u}) before it starts ({f})"),
                );
            }
        }
        self.shrinkage(tp.field("shrinkage"), &t.shrinkage);
        self.money(tp.field("hourly_cost_eur"), t.hourly_cost_eur, MAX_UNIT_EUR);
        self.range(
            tp.field("aht_factor"),
            t.aht_factor,
            MIN_AHT_FACTOR,
            MAX_AHT_FACTOR,
        );
        heads
    }

    /// Checks flex pool `f` at `fp`.
    fn flex_pool(&mut self, fp: FieldPath, f: &FlexPool) {
        self.heads(fp.field("max_headcount"), f.max_headcount);
        if let Some(m) = f.max_per_day
            && m > f.max_headcount
        {
            self.err(
                fp.field("max_per_day"),
                format!(
                    "{m} a day is more than the pool's max_headcount {}",
                    f.max_headcount
                ),
            );
        }
        if let (Some(from), Some(until)) = (f.available_from, f.available_until)
            && until < from
        {
            self.err(
                fp.field("available_until"),
                format!("the pool is available until {until}, before it is available from {from}"),
            );
        }
        self.week_hours(fp.field("availability"), &f.availability);
        self.pool_shift_lengths(&fp, f);
        self.pool_start_times(&fp, f);
        if f.notice_days > 60 {
            self.err(
                fp.field("notice_days"),
                format!("{} days of notice; at most 60", f.notice_days),
            );
        }
        self.range(
            fp.field("aht_factor"),
            f.aht_factor,
            MIN_AHT_FACTOR,
            MAX_AHT_FACTOR,
        );
        if f.skills.is_empty() {
            self.err(
                fp.field("skills"),
                "no skills; list what the pool's agents can handle".to_string(),
            );
        }
        if f.channels.is_empty() {
            self.err(
                fp.field("channels"),
                "no channels; list the channels the pool serves".to_string(),
            );
        }
        for (k, ch) in f.channels.iter().enumerate() {
            self.channel(fp.field("channels").index(k), ch);
        }
        self.shrinkage(fp.field("shrinkage"), &f.shrinkage);
        self.money(fp.field("hourly_cost_eur"), f.hourly_cost_eur, MAX_UNIT_EUR);
        self.money(
            fp.field("training_eur_per_agent"),
            f.training_eur_per_agent,
            MAX_ONE_OFF_EUR,
        );
        if !(f.min_paid_hours.is_finite() && (0.0..=24.0).contains(&f.min_paid_hours)) {
            self.err(
                fp.field("min_paid_hours"),
                format!("{} h is not allowed; use 0 to 24", f.min_paid_hours),
            );
        }
        for (ch, &price) in &f.price_per_contact_eur {
            let pp = fp.field("price_per_contact_eur").field(ch);
            self.channel(pp.clone(), ch);
            self.money(pp.clone(), price, MAX_UNIT_EUR);
            if f.kind != PoolKind::Outsourcer {
                self.warn(pp, format!(
                        "a price per contact on the {:?} pool `{}`; usually only an Outsourcer is paid per contact",
                        f.kind, f.name
                    ));
            }
        }
        self.pool_scheduled(&fp, f);
    }

    /// A pool's shortest and longest shift: lengths of a day at most, in order.
    fn pool_shift_lengths(&mut self, fp: &FieldPath, f: &FlexPool) {
        let shift_ok = |h: f64| h.is_finite() && h > 0.0 && h <= 24.0;
        if !shift_ok(f.min_shift_h) {
            self.err(
                fp.field("min_shift_h"),
                format!(
                    "{} h is not a shift length; use more than 0 and at most 24",
                    f.min_shift_h
                ),
            );
        }
        if !shift_ok(f.max_shift_h) {
            self.err(
                fp.field("max_shift_h"),
                format!(
                    "{} h is not a shift length; use more than 0 and at most 24",
                    f.max_shift_h
                ),
            );
        } else if shift_ok(f.min_shift_h) && f.max_shift_h < f.min_shift_h {
            self.err(
                fp.field("max_shift_h"),
                format!(
                    "the longest shift ({} h) is shorter than the shortest ({} h)",
                    f.max_shift_h, f.min_shift_h
                ),
            );
        }
    }

    /// A pool's start times: clock times of a day, in increasing order.
    fn pool_start_times(&mut self, fp: &FieldPath, f: &FlexPool) {
        let mut prev: Option<ClockTime> = None;
        for (k, &t) in f.start_times.iter().enumerate() {
            if t == ClockTime::END_OF_DAY {
                self.err(
                    fp.field("start_times").index(k),
                    "24:00 is not a start time; use 00:00 to 23:59".to_string(),
                );
            }
            if prev.is_some_and(|p| t <= p) {
                self.err(
                    fp.field("start_times").index(k),
                    format!(
                        "{t} does not follow the previous start time; list them in increasing order"
                    ),
                );
            }
            prev = Some(t);
        }
    }

    /// A pool's scheduled shifts: inside its availability and headcount.
    fn pool_scheduled(&mut self, fp: &FieldPath, f: &FlexPool) {
        for (k, sh) in f.scheduled.iter().enumerate() {
            let sp = fp.field("scheduled").index(k);
            if self.in_calendar(sp.field("date"), sh.date) {
                let before = f.available_from.is_some_and(|d| sh.date < d);
                let after = f.available_until.is_some_and(|d| sh.date > d);
                if before || after {
                    self.err(
                        sp.field("date"),
                        format!("{} is outside the pool's availability dates", sh.date),
                    );
                }
            }
            self.shift_times(sp.clone(), sh.start, sh.end);
            if sh.heads > f.max_headcount {
                self.err(
                    sp.field("heads"),
                    format!(
                        "{} heads on one shift, more than the pool's max_headcount {}",
                        sh.heads, f.max_headcount
                    ),
                );
            }
        }
    }

    fn costs(&mut self) {
        let c = &self.s.costs;
        let p = root().field("costs");
        if !(c.currency.len() == 3 && c.currency.chars().all(|x| x.is_ascii_uppercase())) {
            self.warn(
                p.field("currency"),
                format!("`{}` is not an ISO 4217 code such as \"EUR\"", c.currency),
            );
        }
        self.range(
            p.field("overtime_premium"),
            c.overtime_premium,
            0.0,
            MAX_OVERTIME_PREMIUM,
        );
        self.money(
            p.field("hiring_cost_eur"),
            c.hiring_cost_eur,
            MAX_ONE_OFF_EUR,
        );
        self.money(
            p.field("abandoned_contact_eur"),
            c.abandoned_contact_eur,
            MAX_UNIT_EUR,
        );
        for (ch, cost) in &c.channel_costs {
            let cp = p.field("channel_costs").field(ch);
            self.channel(cp.clone(), ch);
            self.money(
                cp.field("per_contact_eur"),
                cost.per_contact_eur,
                MAX_UNIT_EUR,
            );
            self.money(
                cp.field("per_minute_eur"),
                cost.per_minute_eur,
                MAX_PER_MINUTE_EUR,
            );
        }
    }

    fn behaviour(&mut self) {
        let s = self.s;
        let b = &s.behaviour;
        let p = root().field("behaviour");
        // The default patience names `phone` and `chat`; a scenario with channels of other
        // names that does not write `patience` must not be blamed for the default.
        let default_patience = b.patience == Behaviour::default().patience;
        for (ch, d) in &b.patience {
            let pp = p.field("patience").field(ch);
            if default_patience && !self.channels.contains(&ch.as_str()) {
                continue;
            }
            if self.channel(pp.clone(), ch) {
                self.duration(pp.clone(), d);
                if let Some(c) = s.channels.iter().find(|c| &c.name == ch)
                    && c.kind == ChannelKind::Deferred
                {
                    self.warn(pp, format!("patience on the deferred channel `{ch}`; deferred contacts do not abandon, so it is not used"));
                }
            }
        }
        // Live channels that receive contacts without a patience: nobody ever hangs up.
        for c in &s.channels {
            let used = s
                .reasons
                .iter()
                .any(|r| r.channel_mix.get(&c.name).is_some_and(|&x| x > 0.0));
            if used && c.kind != ChannelKind::Deferred && !b.patience.contains_key(&c.name) {
                self.warn(
                    p.field("patience"),
                    format!(
                        "no patience for the {:?} channel `{}`: its customers never abandon",
                        c.kind, c.name
                    ),
                );
            }
        }
        self.share(p.field("redial").field("probability"), b.redial.probability);
        self.duration(p.field("redial").field("delay"), &b.redial.delay);
        self.duration(p.field("repeat").field("delay"), &b.repeat.delay);
        self.share(
            p.field("repeat").field("other_channel_share"),
            b.repeat.other_channel_share,
        );
        if b.repeat.other_channel_share > 0.0
            && !self.channels.contains(&b.repeat.other_channel.as_str())
        {
            let allowed = self.channels.clone();
            self.refers(
                p.field("repeat").field("other_channel"),
                "channel",
                "defined channels (`repeat.other_channel` defaults to \"email\")",
                &b.repeat.other_channel,
                &allowed,
            );
        }
        if let Some(sw) = &b.channel_switch {
            let sp = p.field("channel_switch");
            self.share(sp.field("share"), sw.share);
            self.channel(sp.field("to"), &sw.to);
            self.duration(sp.field("delay"), &sw.delay);
            if (0.0..=1.0).contains(&sw.share)
                && (0.0..=1.0).contains(&b.redial.probability)
                && sw.share + b.redial.probability > 1.0 + SUM_TOLERANCE
            {
                self.err(
                    sp.field("share"),
                    format!(
                        "switch share {} plus redial probability {} exceed 1; an abandoning customer either redials or switches",
                        sw.share, b.redial.probability
                    ),
                );
            }
        }
    }

    fn simulation(&mut self) {
        let m = &self.s.simulation;
        let p = root().field("simulation");
        if m.replications == 0 || m.replications > MAX_REPLICATIONS {
            self.err(
                p.field("replications"),
                format!(
                    "{} replications is not allowed; use 1 to {MAX_REPLICATIONS}",
                    m.replications
                ),
            );
        }
        let v = m.volume_cv;
        if !(v == 0.0 || (v.is_finite() && (MIN_VOLUME_CV..=MAX_VOLUME_CV).contains(&v))) {
            let v = num(v);
            self.err(
                p.field("volume_cv"),
                format!(
                    "{v} is out of range; use 0 (no day-level volume uncertainty) or a cv from {MIN_VOLUME_CV} to {MAX_VOLUME_CV}"
                ),
            );
        }
        if !(m.confidence > 0.0 && m.confidence < 1.0) {
            self.err(
                p.field("confidence"),
                format!(
                    "{} is not a confidence; use a number strictly between 0 and 1 (0.95 = 95%)",
                    m.confidence
                ),
            );
        }
    }
}

/// A number as written in messages: `1e7` rather than `10000000`, `1e-200` rather than
/// two hundred zeros.
fn num(x: f64) -> String {
    if x.is_finite() && x != 0.0 && (x.abs() >= 1e6 || x.abs() < 1e-4) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// `d` plus `n` days, saturating at jiff's date range (never panics).
fn add_days(d: Date, n: i32) -> Date {
    super::dates::add_days(d, i64::from(n)).unwrap_or(if n < 0 { Date::MIN } else { Date::MAX })
}

/// The field name of a weekday in `WeekHours` and `WeekValues` (`mon` … `sun`).
fn day_field(day: Day) -> &'static str {
    match day {
        Day::Mon => "mon",
        Day::Tue => "tue",
        Day::Wed => "wed",
        Day::Thu => "thu",
        Day::Fri => "fri",
        Day::Sat => "sat",
        Day::Sun => "sun",
    }
}
