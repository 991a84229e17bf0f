//! The simulator's own input: a compiled, index-based description of one calendar.
//!
//! A [`Model`] knows nothing of RON files. Everything is referred to by index (channel,
//! skill, reason, tag, group, interval), rates are expected contacts per interval and
//! staffing is a head count per interval, so the staffing search can change
//! `groups[g].staff[i]` and re-simulate without rebuilding anything.
//!
//! Time is integer milliseconds from the start of the calendar (`u64`); intervals may have
//! different lengths (a DST day has 23 or 25 hours of intervals).

use super::SimError::Invalid;
use crate::limits::{
    MAX_AHT_FACTOR, MAX_CHAT_SLOWDOWN, MAX_CV, MAX_DURATION_S, MAX_EMPIRICAL_POINTS, MAX_VOLUME_CV,
    MIN_AHT_FACTOR, MIN_CV, MIN_DURATION_S, MIN_VOLUME_CV,
};
use crate::units::SlDefinition;

/// A duration distribution in **seconds** (handling time, patience, delays).
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    /// Exponential with the given mean.
    Exponential { mean_s: f64 },
    /// Lognormal with the given mean and coefficient of variation.
    LogNormal { mean_s: f64, cv: f64 },
    /// Gamma with the given mean and coefficient of variation.
    Gamma { mean_s: f64, cv: f64 },
    /// Always the same duration.
    Fixed { s: f64 },
    /// `(seconds, cumulative probability)` points, increasing, the last at probability 1;
    /// linear interpolation between points (and from `(0, 0)` to the first point).
    Empirical(Vec<(f64, f64)>),
}

impl Dist {
    /// P(duration ≤ `x` seconds).
    pub fn cdf_s(&self, x: f64) -> f64 {
        use crate::scenario::cdf;
        if x.is_nan() || x < 0.0 {
            return 0.0;
        }
        match self {
            Dist::Exponential { mean_s } => cdf::exponential(*mean_s, x),
            Dist::LogNormal { mean_s, cv } => cdf::lognormal(*mean_s, *cv, x),
            Dist::Gamma { mean_s, cv } => cdf::gamma(*mean_s, *cv, x),
            Dist::Fixed { s } => cdf::fixed(*s, x),
            Dist::Empirical(points) => {
                let (mut px, mut pp) = (0.0, 0.0);
                for &(xx, p) in points {
                    if x < xx {
                        let w = if xx > px { (x - px) / (xx - px) } else { 1.0 };
                        return pp + w * (p - pp);
                    }
                    px = xx;
                    pp = p;
                }
                1.0
            }
        }
    }

    /// The mean in seconds.
    pub fn mean_s(&self) -> f64 {
        match self {
            Dist::Exponential { mean_s }
            | Dist::LogNormal { mean_s, .. }
            | Dist::Gamma { mean_s, .. } => *mean_s,
            Dist::Fixed { s } => *s,
            Dist::Empirical(points) => {
                let (mut prev_x, mut prev_p, mut m) = (0.0, 0.0, 0.0);
                for &(x, p) in points {
                    m += (p - prev_p) * 0.5 * (x + prev_x);
                    prev_x = x;
                    prev_p = p;
                }
                m
            }
        }
    }
}

/// How a channel's contacts are served.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ChannelKind {
    /// A live queue (phone): contacts wait and may abandon.
    Live,
    /// Live chat: an agent holds up to `max_concurrent` chats; customers may abandon.
    Chat {
        /// Chats one agent can hold at once (≥ 1).
        max_concurrent: u8,
        /// Each extra simultaneous chat makes the new chat this much slower (0.25 = +25%).
        slowdown_per_extra: f64,
    },
    /// Deferred work (e-mail, social): no abandonment, worked only while the channel is
    /// open, the backlog carries over.
    Deferred,
}

/// One channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    pub name: String,
    pub kind: ChannelKind,
    /// Routing priority: lower is served first (phone 0, chat 1, e-mail 2).
    pub priority: u8,
    /// Target share in (0, 1), e.g. 0.85.
    pub target_share: f64,
    /// Target answer (response) time in seconds, e.g. 15.
    pub target_s: f64,
    /// Deferred channels: the response time counts only the channel's open time (a
    /// business-hours promise); otherwise clock time.
    pub target_open_clock: bool,
    /// Open flag per interval (empty = always open). Agents work a deferred channel only
    /// while it is open; a redial or repeat contact reaching a closed live or chat channel
    /// arrives at its next opening instead.
    pub open: Vec<bool>,
    /// Patience of waiting customers (live and chat; ignored for deferred). `None` = never
    /// abandon.
    pub patience: Option<Dist>,
    /// Probability an abandoning customer tries again on the same channel.
    pub redial_probability: f64,
    /// Delay before that redial.
    pub redial_delay: Dist,
}

impl Channel {
    /// A live phone channel with the given target and patience, always open, no redials.
    pub fn live(name: &str, target_share: f64, target_s: f64, patience: Option<Dist>) -> Self {
        Channel {
            name: name.to_string(),
            kind: ChannelKind::Live,
            priority: 0,
            target_share,
            target_s,
            target_open_clock: false,
            open: Vec::new(),
            patience,
            redial_probability: 0.0,
            redial_delay: Dist::Exponential { mean_s: 600.0 },
        }
    }

    /// The end of the response window of a contact arriving at `arrival_ms` (model ms), for
    /// a deferred channel whose clock counts open time only: the instant when `target_s` of
    /// open time has passed (the horizon when it does not within the calendar).
    pub fn open_deadline_ms(&self, intervals: &[Interval], arrival_ms: u64) -> u64 {
        let mut left = (self.target_s.max(0.0) * 1000.0).round() as u64;
        let start = intervals.partition_point(|iv| iv.start_ms + iv.len_ms <= arrival_ms);
        for (i, iv) in intervals.iter().enumerate().skip(start) {
            if !self.is_open(i) {
                continue;
            }
            let from = iv.start_ms.max(arrival_ms);
            let room = iv.start_ms + iv.len_ms - from;
            if left <= room {
                return from + left;
            }
            left -= room;
        }
        intervals.last().map_or(0, |iv| iv.start_ms + iv.len_ms)
    }

    /// The end of the response window of a contact arriving at `arrival_ms`: `target_s`
    /// later, counted in open time for a channel whose clock counts open time only
    /// ([`open_deadline_ms`](Self::open_deadline_ms)).
    pub fn deadline_ms(&self, intervals: &[Interval], arrival_ms: u64) -> u64 {
        if self.target_open_clock && self.kind == ChannelKind::Deferred {
            self.open_deadline_ms(intervals, arrival_ms)
        } else {
            arrival_ms + (self.target_s.max(0.0) * 1000.0).round() as u64
        }
    }

    /// True when the channel is open in interval `i`.
    #[inline]
    pub fn is_open(&self, i: usize) -> bool {
        self.open.get(i).copied().unwrap_or(true)
    }
}

/// A front → back office hand-over after the first handling.
#[derive(Debug, Clone, PartialEq)]
pub struct Transfer {
    /// Share of handled contacts of the reason that are transferred.
    pub share: f64,
    /// Skill index that takes them over.
    pub to_skill: usize,
    /// Handling time in the receiving skill, per channel (`None` = the reason's own).
    pub handling: Vec<Option<Dist>>,
}

/// One contact reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub name: String,
    /// Skill index an agent needs.
    pub skill: usize,
    /// First-contact resolution in [0, 1]: the rest come back (see [`Behaviour::repeat_delay`]).
    pub fcr: f64,
    /// Handling time per channel (`None` where the reason never uses the channel).
    pub handling: Vec<Option<Dist>>,
    pub transfer: Option<Transfer>,
}

/// One arrival stream: a (reason, channel, tag) with expected contacts per interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    pub reason: usize,
    pub channel: usize,
    /// Attribution tag index (baseline, a campaign, an event, another source).
    pub tag: usize,
    /// Expected contacts in each interval (Poisson with a constant rate inside the interval).
    pub expected: Vec<f64>,
}

/// One agent group: identical agents of one team or flex pool. A pool has one group for
/// its scenario-scheduled shifts (all its skills and channels) and one per skill × channel
/// it serves, for planned shifts assigned to that work.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub name: String,
    /// The team or pool the agents belong to: teams first, then pools, in scenario order
    /// (what costs are charged to).
    pub unit: usize,
    /// Channel indices its agents serve.
    pub channels: Vec<usize>,
    /// Skill indices its agents have.
    pub skills: Vec<usize>,
    /// Handling-time multiplier (1.15 = 15% slower).
    pub aht_factor: f64,
    /// Agents scheduled in each interval (before shrinkage).
    pub staff: Vec<u32>,
    /// Probability a scheduled agent is absent for the whole day.
    pub absence: f64,
    /// Share of a present agent's time on breaks and other in-shift unavailability.
    pub in_shift: f64,
}

/// One interval of the time grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    /// Start in ms from the start of the calendar.
    pub start_ms: u64,
    /// Length in ms (> 0).
    pub len_ms: u64,
    /// Day index.
    pub day: u32,
}

/// Customer behaviour beyond patience and redials (which are per channel).
#[derive(Debug, Clone, PartialEq)]
pub struct Behaviour {
    /// Delay before an unresolved customer comes back.
    pub repeat_delay: Dist,
    /// `(channel, share)`: share of repeat contacts that come on that channel instead.
    pub repeat_other_channel: Option<(usize, f64)>,
    /// `(channel, share, delay)`: share of abandoning customers who do not redial but
    /// switch to that channel.
    pub channel_switch: Option<(usize, f64, Dist)>,
    /// A customer makes at most this many contacts (redials, repeats and transfers
    /// included); afterwards they give up. Guards against endless loops (FCR 0).
    pub max_contacts_per_customer: u16,
    /// Call blending (a routing rule, kept here with the other run-wide rules): an agent of
    /// a group that serves a live or chat channel open in the current interval starts
    /// deferred work (e-mail, social) only if at least this many other agents of its group
    /// stay idle (Bhulai & Koole 2003). 0 = deferred work whenever no live contact waits.
    pub reserve_idle_agents: u32,
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour {
            repeat_delay: Dist::Exponential { mean_s: 86_400.0 },
            repeat_other_channel: None,
            channel_switch: None,
            max_contacts_per_customer: 10,
            reserve_idle_agents: 0,
        }
    }
}

/// A whole simulation input.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub intervals: Vec<Interval>,
    pub channels: Vec<Channel>,
    pub skills: Vec<String>,
    pub reasons: Vec<Reason>,
    /// Attribution tags (baseline, campaigns, events, other sources).
    pub tags: Vec<String>,
    pub streams: Vec<Stream>,
    pub groups: Vec<Group>,
    pub behaviour: Behaviour,
    /// Day-level volume uncertainty: each day's arrival rates are multiplied by a
    /// Gamma(mean 1, cv) draw shared by all streams (0 = off).
    pub volume_cv: f64,
    /// The cv of each day (index = `Interval::day`) when it differs by day (a forecast's
    /// cv by lead); empty = `volume_cv` every day.
    pub day_volume_cv: Vec<f64>,
    /// The definition reports use for "meets target".
    pub sl_definition: SlDefinition,
}

/// Parameters of a stationary single-queue model (M/M/n or M/M/n+M style).
#[derive(Debug, Clone, PartialEq)]
pub struct Stationary {
    pub rate_per_hour: f64,
    /// Handling time distribution (exponential for M/M/n).
    pub handling: Dist,
    pub agents: u32,
    /// Patience; `None` = Erlang C's infinitely patient callers.
    pub patience: Option<Dist>,
    pub target_share: f64,
    pub target_s: f64,
    pub sl_definition: SlDefinition,
}

/// The law of the number of customers in the system at time 0 of a single-queue model
/// ([`Simulator::run_from`](super::Simulator::run_from)): a stationary start.
#[derive(Debug, Clone, PartialEq)]
pub struct InSystem {
    /// P(N ≤ k) for k = 0, 1, …, `cdf.len() − 1` (non-decreasing, at most 1).
    pub cdf: Vec<f64>,
    /// Beyond the table: N = `cdf.len()` + a geometric number of further customers,
    /// P(j) = (1 − r) rʲ with this ratio r (Erlang C's tail); 0 = no tail (N is the last
    /// index of the table).
    pub tail_ratio: f64,
}

impl InSystem {
    /// One draw of N from two uniforms in [0, 1).
    pub fn draw(&self, u: f64, v: f64) -> u64 {
        let k = self.cdf.partition_point(|&c| c <= u);
        if k < self.cdf.len() {
            return k as u64;
        }
        if self.tail_ratio > 0.0 && self.tail_ratio < 1.0 {
            let j = ((1.0 - v).ln() / self.tail_ratio.ln()).floor();
            self.cdf.len() as u64 + j.clamp(0.0, 1e15) as u64
        } else {
            self.cdf.len().saturating_sub(1) as u64
        }
    }
}

impl Stationary {
    /// M/M/n (+M when `patience_mean_s` is given) with exponential handling.
    pub fn markovian(
        rate_per_hour: f64,
        aht_s: f64,
        agents: u32,
        patience_mean_s: Option<f64>,
        target_s: f64,
    ) -> Self {
        Stationary {
            rate_per_hour,
            handling: Dist::Exponential { mean_s: aht_s },
            agents,
            patience: patience_mean_s.map(|m| Dist::Exponential { mean_s: m }),
            target_share: 0.8,
            target_s,
            sl_definition: SlDefinition::Offered,
        }
    }
}

impl Model {
    /// A stationary model: one phone channel, one reason, one group of `agents`.
    ///
    /// The grid is a warm-up interval of `warmup_s` seconds (its metrics are reported like
    /// any other, callers skip interval 0) followed by `batches` observation intervals of
    /// `batch_s` seconds each. FCR is 1 and there are no redials, so it is the textbook
    /// queue.
    pub fn stationary(p: &Stationary, warmup_s: f64, batches: usize, batch_s: f64) -> Model {
        let warm_ms = (warmup_s * 1000.0).round().max(0.0) as u64;
        let batch_ms = ((batch_s * 1000.0).round() as u64).max(1);
        let mut intervals = Vec::with_capacity(batches + 1);
        intervals.push(Interval {
            start_ms: 0,
            len_ms: warm_ms.max(1),
            day: 0,
        });
        let mut start = warm_ms.max(1);
        for _ in 0..batches {
            intervals.push(Interval {
                start_ms: start,
                len_ms: batch_ms,
                day: 0,
            });
            start += batch_ms;
        }
        let n = intervals.len();
        let per_ms = p.rate_per_hour / 3_600_000.0;
        let expected = intervals
            .iter()
            .map(|iv| per_ms * iv.len_ms as f64)
            .collect();
        let mut channel = Channel::live("phone", p.target_share, p.target_s, p.patience.clone());
        channel.redial_probability = 0.0;
        Model {
            intervals,
            channels: vec![channel],
            skills: vec!["any".into()],
            reasons: vec![Reason {
                name: "call".into(),
                skill: 0,
                fcr: 1.0,
                handling: vec![Some(p.handling.clone())],
                transfer: None,
            }],
            tags: vec!["baseline".into()],
            streams: vec![Stream {
                reason: 0,
                channel: 0,
                tag: 0,
                expected,
            }],
            groups: vec![Group {
                name: "agents".into(),
                unit: 0,
                channels: vec![0],
                skills: vec![0],
                aht_factor: 1.0,
                staff: vec![p.agents; n],
                absence: 0.0,
                in_shift: 0.0,
            }],
            behaviour: Behaviour::default(),
            volume_cv: 0.0,
            day_volume_cv: Vec::new(),
            sl_definition: p.sl_definition,
        }
    }

    /// The group of unit `unit` (a pool: `teams + pool`) that serves exactly `skill` on
    /// `channel`: where a planned flex shift assigned to that work is staffed.
    pub fn assigned_group(&self, unit: usize, skill: usize, channel: usize) -> Option<usize> {
        // The last match: a pool's own group comes before its assignment groups and may
        // serve the same single pair.
        self.groups.iter().rposition(|g| {
            g.unit == unit && g.skills.as_slice() == [skill] && g.channels.as_slice() == [channel]
        })
    }

    /// Number of days (1 + the largest day index).
    pub fn n_days(&self) -> usize {
        self.intervals
            .iter()
            .map(|i| i.day as usize + 1)
            .max()
            .unwrap_or(0)
    }

    /// End of the last interval in ms.
    pub fn horizon_ms(&self) -> u64 {
        self.intervals
            .last()
            .map(|i| i.start_ms + i.len_ms)
            .unwrap_or(0)
    }

    /// Checks every index and number; the simulator relies on this.
    ///
    /// The first rule broken is the error, in this order: sizes and the interval grid,
    /// behaviour, volume noise, index widths, channels, reasons, streams, groups.
    pub fn validate(&self) -> Result<(), super::SimError> {
        self.check_sizes()?;
        self.check_intervals()?;
        self.check_behaviour()?;
        self.check_volume_cv()?;
        self.check_index_widths()?;
        self.check_day_volume_cv()?;
        for (c, ch) in self.channels.iter().enumerate() {
            self.check_channel(c, ch)?;
        }
        for (r, re) in self.reasons.iter().enumerate() {
            self.check_reason(r, re)?;
        }
        for (s, st) in self.streams.iter().enumerate() {
            self.check_stream(s, st)?;
        }
        for (g, gr) in self.groups.iter().enumerate() {
            self.check_group(g, gr)?;
        }
        if self
            .groups
            .iter()
            .map(|g| g.staff.iter().max().copied().unwrap_or(0) as u64)
            .sum::<u64>()
            >= (1 << 24)
        {
            return Err(Invalid("more than 16 million agents".into()));
        }
        Ok(())
    }

    /// At least one interval, 1 to 64 channels and skills.
    fn check_sizes(&self) -> Result<(), super::SimError> {
        let nc = self.channels.len();
        if self.intervals.is_empty() {
            return Err(Invalid("model has no intervals".into()));
        }
        if nc == 0 || nc > 64 {
            return Err(Invalid(format!("model has {nc} channels; allowed 1 to 64")));
        }
        if self.skills.is_empty() || self.skills.len() > 64 {
            return Err(Invalid(format!(
                "model has {} skills; allowed 1 to 64",
                self.skills.len()
            )));
        }
        Ok(())
    }

    /// Intervals contiguous, each longer than 0, days never going backwards.
    fn check_intervals(&self) -> Result<(), super::SimError> {
        let mut t = self.intervals[0].start_ms;
        for (k, iv) in self.intervals.iter().enumerate() {
            if iv.len_ms == 0 || iv.start_ms != t {
                return Err(Invalid(format!(
                    "intervals[{k}]: starts at {} ms with length {} ms; intervals must be contiguous with length > 0 (expected start {t})",
                    iv.start_ms, iv.len_ms
                )));
            }
            if k > 0 && iv.day < self.intervals[k - 1].day {
                return Err(Invalid(format!("intervals[{k}].day goes backwards")));
            }
            t += iv.len_ms;
        }
        Ok(())
    }

    /// Repeat delay, repeat channel and channel switch: indices, shares and laws.
    fn check_behaviour(&self) -> Result<(), super::SimError> {
        let nc = self.channels.len();
        check_dist_ok(&self.behaviour.repeat_delay, "behaviour.repeat_delay")?;
        if let Some((c, share)) = self.behaviour.repeat_other_channel {
            if c >= nc || !(0.0..=1.0).contains(&share) {
                return Err(Invalid(
                    "behaviour.repeat_other_channel: channel index or share out of range".into(),
                ));
            }
        }
        if let Some((c, share, ref d)) = self.behaviour.channel_switch {
            if c >= nc || !(0.0..=1.0).contains(&share) {
                return Err(Invalid(
                    "behaviour.channel_switch: channel index or share out of range".into(),
                ));
            }
            check_dist_ok(d, "behaviour.channel_switch.delay")?;
        }
        Ok(())
    }

    fn check_volume_cv(&self) -> Result<(), super::SimError> {
        if !(self.volume_cv == 0.0 || (MIN_VOLUME_CV..=MAX_VOLUME_CV).contains(&self.volume_cv)) {
            return Err(Invalid(format!(
                "volume_cv = {}; must be 0 (off) or from {MIN_VOLUME_CV} to {MAX_VOLUME_CV}",
                self.volume_cv
            )));
        }
        Ok(())
    }

    /// Reasons, tags and groups are stored as u16 in a contact (u16::MAX marks "no
    /// group"), streams in 29 bits of an event.
    fn check_index_widths(&self) -> Result<(), super::SimError> {
        for (what, n, max) in [
            ("reasons", self.reasons.len(), u16::MAX as usize - 1),
            ("tags", self.tags.len(), u16::MAX as usize - 1),
            ("groups", self.groups.len(), u16::MAX as usize - 1),
            ("streams", self.streams.len(), (1 << 29) - 1),
        ] {
            if n > max {
                return Err(Invalid(format!("model has {n} {what}; at most {max}")));
            }
        }
        Ok(())
    }

    /// None, or one finite cv ≥ 0 per day.
    fn check_day_volume_cv(&self) -> Result<(), super::SimError> {
        if !self.day_volume_cv.is_empty() && self.day_volume_cv.len() != self.n_days() {
            return Err(Invalid(format!(
                "day_volume_cv has {} entries; expected {} (one per day) or none",
                self.day_volume_cv.len(),
                self.n_days()
            )));
        }
        if let Some(cv) = self
            .day_volume_cv
            .iter()
            .find(|cv| !(**cv >= 0.0 && cv.is_finite()))
        {
            return Err(Invalid(format!(
                "day_volume_cv holds {cv}; every day's cv must be finite and ≥ 0"
            )));
        }
        Ok(())
    }

    /// Channel `c`: target, opening flags per interval, chat settings, patience, redials.
    fn check_channel(&self, c: usize, ch: &Channel) -> Result<(), super::SimError> {
        let ni = self.intervals.len();
        if !(ch.target_share > 0.0 && ch.target_share < 1.0 + 1e-12) || ch.target_s < 0.0 {
            return Err(Invalid(format!(
                "channels[{c}] ({}): target share must be in (0, 1] and target_s ≥ 0",
                ch.name
            )));
        }
        if !ch.open.is_empty() && ch.open.len() != ni {
            return Err(Invalid(format!(
                "channels[{c}].open has {} entries; expected {ni} (one per interval) or none",
                ch.open.len()
            )));
        }
        if let ChannelKind::Chat {
            max_concurrent,
            slowdown_per_extra,
        } = ch.kind
        {
            if max_concurrent == 0 || !(0.0..=MAX_CHAT_SLOWDOWN).contains(&slowdown_per_extra) {
                return Err(Invalid(format!(
                    "channels[{c}]: chat needs max_concurrent ≥ 1 and slowdown from 0 to {MAX_CHAT_SLOWDOWN}"
                )));
            }
        }
        if let Some(p) = &ch.patience {
            check_dist_ok(p, &format!("channels[{c}].patience"))?;
        }
        check_dist_ok(&ch.redial_delay, &format!("channels[{c}].redial_delay"))?;
        if !(0.0..=1.0).contains(&ch.redial_probability) {
            return Err(Invalid(format!(
                "channels[{c}].redial_probability must be in [0, 1]"
            )));
        }
        Ok(())
    }

    /// Reason `r`: skill, FCR, one handling law per channel, transfer.
    fn check_reason(&self, r: usize, re: &Reason) -> Result<(), super::SimError> {
        let nc = self.channels.len();
        if re.skill >= self.skills.len() || !(0.0..=1.0).contains(&re.fcr) {
            return Err(Invalid(format!(
                "reasons[{r}] ({}): skill index or fcr out of range",
                re.name
            )));
        }
        if re.handling.len() != nc {
            return Err(Invalid(format!(
                "reasons[{r}].handling has {} entries; expected one per channel ({nc})",
                re.handling.len()
            )));
        }
        for (c, d) in re.handling.iter().enumerate() {
            if let Some(d) = d {
                check_dist_ok(d, &format!("reasons[{r}].handling[{c}]"))?;
            }
        }
        if let Some(tr) = &re.transfer {
            if tr.to_skill >= self.skills.len()
                || !(0.0..=1.0).contains(&tr.share)
                || tr.handling.len() != nc
            {
                return Err(Invalid(format!(
                    "reasons[{r}].transfer: skill index, share or handling length out of range"
                )));
            }
        }
        Ok(())
    }

    /// Stream `s`: indices, expected contacts per interval, a handling law on its channel.
    fn check_stream(&self, s: usize, st: &Stream) -> Result<(), super::SimError> {
        let ni = self.intervals.len();
        if st.reason >= self.reasons.len()
            || st.channel >= self.channels.len()
            || st.tag >= self.tags.len()
        {
            return Err(Invalid(format!(
                "streams[{s}]: reason, channel or tag index out of range"
            )));
        }
        if st.expected.len() != ni {
            return Err(Invalid(format!(
                "streams[{s}].expected has {} entries; expected {ni}",
                st.expected.len()
            )));
        }
        if st.expected.iter().any(|x| !(x.is_finite() && *x >= 0.0)) {
            return Err(Invalid(format!(
                "streams[{s}].expected: every value must be finite and ≥ 0"
            )));
        }
        if self.reasons[st.reason].handling[st.channel].is_none() {
            return Err(Invalid(format!(
                "streams[{s}]: reason {} has no handling time on channel {}",
                self.reasons[st.reason].name, self.channels[st.channel].name
            )));
        }
        Ok(())
    }

    /// Group `g`: indices, staff per interval, handling factor and shrinkage.
    fn check_group(&self, g: usize, gr: &Group) -> Result<(), super::SimError> {
        let ni = self.intervals.len();
        if gr.channels.iter().any(|&c| c >= self.channels.len())
            || gr.skills.iter().any(|&s| s >= self.skills.len())
        {
            return Err(Invalid(format!(
                "groups[{g}] ({}): channel or skill index out of range",
                gr.name
            )));
        }
        if gr.staff.len() != ni {
            return Err(Invalid(format!(
                "groups[{g}].staff has {} entries; expected {ni}",
                gr.staff.len()
            )));
        }
        let ok = (MIN_AHT_FACTOR..=MAX_AHT_FACTOR).contains(&gr.aht_factor)
            && (0.0..=1.0).contains(&gr.absence)
            && (0.0..1.0).contains(&gr.in_shift);
        if !ok {
            return Err(Invalid(format!(
                "groups[{g}] ({}): aht_factor must be from {MIN_AHT_FACTOR} to {MAX_AHT_FACTOR}, absence in [0, 1], in_shift in [0, 1)",
                gr.name
            )));
        }
        Ok(())
    }
}

fn check_dist_ok(d: &Dist, what: &str) -> Result<(), super::SimError> {
    let mean_ok = |m: f64| (MIN_DURATION_S..=MAX_DURATION_S).contains(&m);
    let ok = match d {
        Dist::Exponential { mean_s } => mean_ok(*mean_s),
        Dist::LogNormal { mean_s, cv } | Dist::Gamma { mean_s, cv } => {
            mean_ok(*mean_s) && (MIN_CV..=MAX_CV).contains(cv)
        }
        Dist::Fixed { s } => (0.0..=MAX_DURATION_S).contains(s),
        Dist::Empirical(pts) => {
            !pts.is_empty()
                && pts.len() <= MAX_EMPIRICAL_POINTS
                && pts.windows(2).all(|w| w[1].0 >= w[0].0 && w[1].1 >= w[0].1)
                && pts
                    .iter()
                    .all(|&(x, p)| (0.0..=MAX_DURATION_S).contains(&x) && (0.0..=1.0).contains(&p))
                && (pts.last().map(|l| l.1).unwrap_or(0.0) - 1.0).abs() < 1e-9
        }
    };
    if ok {
        Ok(())
    } else {
        Err(super::SimError::Invalid(format!(
            "{what}: {d:?} is not a valid distribution (means from {MIN_DURATION_S} to {MAX_DURATION_S:e} s, CVs from {MIN_CV} to {MAX_CV}, empirical points increasing and ending at probability 1)"
        )))
    }
}
