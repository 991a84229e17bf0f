//! What one replication measured: plain counters and time integrals, dense and indexed.
//!
//! Contacts are attributed to the interval in which they **arrived** (waits, answers and
//! abandons included, even when they happen later); time integrals (agents on duty, busy
//! agents, contacts waiting) and handling workload to the interval in which the time
//! passed or the handling **started**. Ratios (service level, ASA, occupancy) are derived
//! from the counters by the methods below, so every consumer computes them the same way.

use crate::units::SlDefinition;

/// Counters of one interval × channel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChannelCell {
    /// Contacts that arrived (first contacts, redials, repeats, channel switches; not
    /// internal transfers).
    pub offered: u64,
    /// Of those, contacts that found no free agent and waited.
    pub queued: u64,
    pub answered: u64,
    /// Answered within the channel's target time (wait ≤ target).
    pub answered_within: u64,
    pub abandoned: u64,
    /// Abandoned within the target time ("short abandons").
    pub abandoned_within: u64,
    /// Still waiting when the run ended (deferred backlog, or nobody on duty).
    pub unanswered_end: u64,
    /// Internal transfers that arrived (front → back office); not part of the SL.
    pub transfers_in: u64,
    /// Sum of waits of answered contacts, ms.
    pub wait_answered_ms: u64,
    /// Sum of waits of abandoned contacts (their time to abandon), ms.
    pub wait_abandoned_ms: u64,
    /// Contacts (transfers included) whose handling started in this interval.
    pub handled: u64,
    /// Their handling time, ms (workload).
    pub handle_ms: u64,
    /// ∫ contacts waiting dt over the interval, contact·ms (for Little's law).
    pub queue_area_ms: u64,
    /// Contacts waiting at the end of the interval (the deferred backlog).
    pub backlog_end: u64,
}

impl ChannelCell {
    /// Adds another cell's counters (days, runs).
    pub fn add(&mut self, o: &ChannelCell) {
        self.offered += o.offered;
        self.queued += o.queued;
        self.answered += o.answered;
        self.answered_within += o.answered_within;
        self.abandoned += o.abandoned;
        self.abandoned_within += o.abandoned_within;
        self.unanswered_end += o.unanswered_end;
        self.transfers_in += o.transfers_in;
        self.wait_answered_ms += o.wait_answered_ms;
        self.wait_abandoned_ms += o.wait_abandoned_ms;
        self.handled += o.handled;
        self.handle_ms += o.handle_ms;
        self.queue_area_ms += o.queue_area_ms;
        self.backlog_end = o.backlog_end;
    }

    /// Service level under a definition; `None` when its denominator is 0.
    ///
    /// * `Offered`: answered within target / offered.
    /// * `Answered`: answered within target / answered.
    /// * `ExcludingShortAbandons`: answered within target / (offered − abandoned within target).
    /// * `Virtual`: the probability an infinitely patient customer would wait ≤ target,
    ///   estimated by treating short abandons as censored observations:
    ///   answered within / (offered − abandoned within). Without abandonment it equals every
    ///   other definition; with abandonment it coincides with `ExcludingShortAbandons`
    ///   (a one-step censoring correction, documented as such).
    pub fn service_level(&self, def: SlDefinition) -> Option<f64> {
        let num = self.answered_within as f64;
        let den = match def {
            SlDefinition::Offered => self.offered as f64,
            SlDefinition::Answered => self.answered as f64,
            SlDefinition::Virtual | SlDefinition::ExcludingShortAbandons => {
                self.offered as f64 - self.abandoned_within as f64
            }
        };
        (den > 0.0).then(|| num / den)
    }

    /// Average speed of answer in seconds (answered contacts).
    pub fn asa_s(&self) -> Option<f64> {
        (self.answered > 0).then(|| self.wait_answered_ms as f64 / 1000.0 / self.answered as f64)
    }

    /// Share of offered contacts that waited.
    pub fn p_wait(&self) -> Option<f64> {
        (self.offered > 0).then(|| self.queued as f64 / self.offered as f64)
    }

    /// Share of offered contacts that abandoned.
    pub fn p_abandon(&self) -> Option<f64> {
        (self.offered > 0).then(|| self.abandoned as f64 / self.offered as f64)
    }

    /// Mean time to abandon in seconds.
    pub fn mean_abandon_wait_s(&self) -> Option<f64> {
        (self.abandoned > 0).then(|| self.wait_abandoned_ms as f64 / 1000.0 / self.abandoned as f64)
    }

    /// Whether the cell meets a target share under a definition (an interval without
    /// contacts meets it trivially).
    pub fn meets(&self, def: SlDefinition, share: f64) -> bool {
        self.service_level(def).is_none_or(|sl| sl >= share - 1e-12)
    }
}

/// Time integrals of one interval × agent group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupCell {
    /// ∫ agents on duty (after absences and breaks) dt, agent·ms.
    pub on_duty_ms: u64,
    /// ∫ agents handling at least one contact dt, agent·ms.
    pub busy_ms: u64,
}

/// Contacts and handling of one reason or one attribution tag over the run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Contacts offered (redials and repeats included, transfers not).
    pub contacts: u64,
    /// Handlings started (transfers included).
    pub handled: u64,
    /// Handling time, ms.
    pub handle_ms: u64,
}

impl Tally {
    /// Handling hours.
    pub fn handling_hours(&self) -> f64 {
        self.handle_ms as f64 / 3_600_000.0
    }
}

/// Customer-level outcomes (a customer who redials three times is one customer).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Customers {
    /// Customers who made a first contact.
    pub arrived: u64,
    /// Customers whose journey ended after at least one answer.
    pub answered: u64,
    /// Customers who gave up without ever being answered.
    pub lost: u64,
    /// Customers still waiting or due to come back when the run ended.
    pub in_flight_end: u64,
    /// Redials after abandoning (same channel).
    pub redials: u64,
    /// Repeat contacts of unresolved customers.
    pub repeats: u64,
    /// Channel switches after abandoning.
    pub switches: u64,
    /// Transfers to another skill.
    pub transfers: u64,
    /// Returns (redials, repeats, switches) that would fall after the last interval.
    pub returns_after_horizon: u64,
    /// Customers who stopped because they hit `max_contacts_per_customer`.
    pub capped: u64,
}

/// Where a contact was handled or abandoned, at the finest grain: interval × reason ×
/// channel × attribution tag × agent group (`group` is `u16::MAX` for an abandoned contact).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DetailKey {
    pub interval: u32,
    pub reason: u16,
    pub channel: u16,
    pub tag: u16,
    pub group: u16,
}

/// The per-contact log of one replication, kept only when asked for
/// ([`Simulator::run_detailed`](super::Simulator::run_detailed)): finance needs handled
/// contacts and handling time per interval × reason × channel × tag × group, which would be
/// far too large as dense counters. Handlings are logged in the interval in which they
/// **started** (as `ChannelCell::handled`; handlings starting after the last interval are
/// not logged), abandoned contacts in their arrival interval (as `ChannelCell::abandoned`;
/// internal transfers excluded, as there).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Detail {
    /// One entry per handling started: where, and its handling time in ms.
    pub handled: Vec<(DetailKey, u64)>,
    /// One entry per abandoned contact.
    pub abandoned: Vec<DetailKey>,
}

/// Everything one replication measured.
#[derive(Debug, Clone, PartialEq)]
pub struct RunMetrics {
    pub n_intervals: usize,
    pub n_channels: usize,
    pub n_groups: usize,
    /// Queues: one per channel × skill, `queue = channel * n_skills + skill`.
    pub n_queues: usize,
    /// `[interval * n_channels + channel]`.
    pub cells: Vec<ChannelCell>,
    /// The same counters per queue (channel × skill, the planner's need group),
    /// `[interval * n_queues + queue]`: contacts by the skill they ask for. `handled`,
    /// `handle_ms` and `queue_area_ms` are kept per channel only (zero here);
    /// `backlog_end` is kept per queue.
    pub queues: Vec<ChannelCell>,
    /// `[interval * n_groups + group]`.
    pub groups: Vec<GroupCell>,
    /// Per reason.
    pub reasons: Vec<Tally>,
    /// Per attribution tag.
    pub tags: Vec<Tally>,
    pub customers: Customers,
    /// The day volume multipliers drawn (1.0 when `volume_cv` is 0).
    pub day_multipliers: Vec<f64>,
    /// Events processed (for throughput figures).
    pub events: u64,
    /// The per-contact log, when asked for (`None` by default).
    pub detail: Option<Detail>,
}

impl RunMetrics {
    pub(crate) fn new(
        ni: usize,
        nc: usize,
        ns: usize,
        ng: usize,
        nr: usize,
        nt: usize,
        nd: usize,
    ) -> Self {
        RunMetrics {
            n_intervals: ni,
            n_channels: nc,
            n_groups: ng,
            n_queues: nc * ns,
            cells: vec![ChannelCell::default(); ni * nc],
            queues: vec![ChannelCell::default(); ni * nc * ns],
            groups: vec![GroupCell::default(); ni * ng],
            reasons: vec![Tally::default(); nr],
            tags: vec![Tally::default(); nt],
            customers: Customers::default(),
            day_multipliers: vec![1.0; nd],
            events: 0,
            detail: None,
        }
    }

    /// The cell of one interval and channel.
    #[inline]
    pub fn cell(&self, interval: usize, channel: usize) -> &ChannelCell {
        &self.cells[interval * self.n_channels + channel]
    }

    /// The counters of one interval and queue (`channel * n_skills + skill`).
    #[inline]
    pub fn queue(&self, interval: usize, queue: usize) -> &ChannelCell {
        &self.queues[interval * self.n_queues + queue]
    }

    /// One queue's counters summed over a range of intervals.
    pub fn queue_total(&self, queue: usize, intervals: std::ops::Range<usize>) -> ChannelCell {
        let mut t = ChannelCell::default();
        for i in intervals {
            t.add(self.queue(i, queue));
        }
        t
    }

    /// The group cell of one interval and group.
    #[inline]
    pub fn group(&self, interval: usize, group: usize) -> &GroupCell {
        &self.groups[interval * self.n_groups + group]
    }

    /// One channel's counters summed over a range of intervals.
    pub fn channel_total(&self, channel: usize, intervals: std::ops::Range<usize>) -> ChannelCell {
        let mut t = ChannelCell::default();
        for i in intervals {
            t.add(self.cell(i, channel));
        }
        t
    }

    /// Agent time on duty and busy, summed over groups and a range of intervals (agent·ms).
    pub fn agent_time(&self, groups: &[usize], intervals: std::ops::Range<usize>) -> GroupCell {
        let mut t = GroupCell::default();
        for i in intervals {
            for &g in groups {
                let c = self.group(i, g);
                t.on_duty_ms += c.on_duty_ms;
                t.busy_ms += c.busy_ms;
            }
        }
        t
    }

    /// Contacts offered in total (all channels and intervals).
    pub fn offered(&self) -> u64 {
        self.cells.iter().map(|c| c.offered).sum()
    }
}
