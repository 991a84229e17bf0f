//! The demand model: a scenario's campaigns, events and orders turned into the expected
//! number of contacts per interval × reason × channel × source.
//!
//! The chain is: orders per day and source (baseline, each event, each campaign) → contacts
//! per reason (contacts per 1,000 orders, levers) → delay from order to contact (lag) →
//! channel (mix) → interval (intraday profile, opening hours). Non-order sources add
//! contacts directly. Every number keeps its source so finance can attribute contacts.

use jiff::civil::{Date, DateTime};

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
    /// Length in seconds (the calendar's interval length).
    pub length_s: u32,
}

/// Expected contacts per interval × reason × channel × source (dense, row-major in that
/// order: the source index varies fastest).
#[derive(Debug, Clone, PartialEq)]
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
}
