//! The event loop of one replication.
//!
//! State lives in flat vectors reused for the whole run: contacts in a slab with a free
//! list (a slot is one customer's journey, reused for redials, repeats and transfers),
//! FIFO queues of `(slot, generation)` per (channel, skill), per-group deques of idle agents
//! in idle-since order. Anything that can go stale (an abandonment timer of a contact
//! that was answered, a queue entry of a contact that left, a deque entry of an agent who
//! changed state) carries a generation or epoch and is skipped when it surfaces: lazy
//! cancellation, no searching, no allocation per event.

use std::collections::VecDeque;

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Binomial, Distribution, Gamma};

use super::SimError;
use super::dist::{Sampler, exp1, unit};
use super::event::{EventKind, EventQueue, TICK_MASK};
use super::metrics::{Detail, DetailKey, RunMetrics};
use super::model::{Channel, ChannelKind, InSystem, Model};
use crate::demand::OPENING_SPREAD_MIN;

/// Returns that reach a closed live channel arrive over this much of its next opening.
const OPENING_SPREAD_MS: u64 = OPENING_SPREAD_MIN as u64 * 60_000;

/// Most contact slots (customers in the system at once).
const MAX_SLOTS: usize = u32::MAX as usize;

// Contact states.
const FREE: u8 = 0;
const WAITING: u8 = 1;
const SERVICE: u8 = 2;
const PENDING: u8 = 3;

// Contact kinds.
const FRESH: u8 = 0;
const REDIAL: u8 = 1;
const REPEAT: u8 = 2;
const SWITCH: u8 = 3;
const TRANSFER: u8 = 4;

#[derive(Debug, Clone, Copy, Default)]
struct Contact {
    arrival_ms: u64,
    interval: u32,
    tick: u32,
    reason: u16,
    tag: u16,
    contacts: u16,
    queue: u16,
    channel: u8,
    skill: u8,
    state: u8,
    kind: u8,
    served_once: bool,
}

#[derive(Debug, Clone, Copy, Default)]
struct Agent {
    idle_since: u64,
    epoch: u32,
    group: u16,
    load: u8,
    /// Holding a non-chat contact (takes nothing else).
    exclusive: bool,
    on_duty: bool,
}

#[derive(Debug, Default)]
struct GroupState {
    /// Fully idle agents `(agent, epoch)` in idle-since order (stale entries skipped).
    idle: VecDeque<(u32, u32)>,
    /// Chat agents with a free chat slot, in order of their last change.
    partial: VecDeque<(u32, u32)>,
    /// Agents off duty (a stack).
    off: Vec<u32>,
    on_duty: u32,
    busy: u32,
    /// Busy agents that leave as soon as they are free (shift end finishes the contact).
    pending_leave: u32,
    last_t: u64,
    absent_frac: f64,
    break_carry: f64,
}

/// A model compiled for repeated runs: samplers, routing tables. Immutable and `Sync`, so
/// replications can run on any thread.
#[derive(Debug)]
pub struct Simulator<'m> {
    model: &'m Model,
    nc: usize,
    ns: usize,
    /// Handling sampler per `[reason * nc + channel]` (falls back to the reason's first
    /// channel with a handling time when the reason is not defined on a channel).
    hand: Vec<Sampler>,
    /// Transfer handling per `[reason * nc + channel]`.
    tr_hand: Vec<Option<Sampler>>,
    patience: Vec<Option<Sampler>>,
    redial_delay: Vec<Sampler>,
    repeat_delay: Sampler,
    switch_delay: Option<Sampler>,
    target_ms: Vec<u64>,
    chat_k: Vec<u8>,
    chat_slow: Vec<f64>,
    deferred: Vec<bool>,
    priority: Vec<u8>,
    /// Groups eligible for each queue `q = channel * ns + skill`.
    q_groups: Vec<Vec<u16>>,
    /// Queues each group serves with the rank of their skill in the group's list, sorted by
    /// (channel priority, skill rank, queue index).
    g_queues: Vec<Vec<(u16, u8)>>,
    /// Agents pre-allocated per group (its peak staff).
    agents_per_group: Vec<u32>,
    /// Largest chat concurrency among each group's channels (0: no chat).
    g_chat_k: Vec<u8>,
    /// Live and chat channels each group serves (the blending reserve guards them).
    g_live: Vec<Vec<u16>>,
    /// Next interval ≥ i in which channel c is open: `[c][i]` (u32::MAX = never).
    next_open: Vec<Vec<u32>>,
    /// Channels whose response time counts open time only: open ms before each interval,
    /// `[c][i]` (empty for the others).
    open_before: Vec<Vec<u64>>,
    /// Largest staff per `[group * n_days + day]`.
    day_max_staff: Vec<u32>,
    n_days: usize,
    /// The volume multiplier's law per day (`None`: that day's cv is 0): `volume_cv` for
    /// every day, or `day_volume_cv` (by lead) when the model has one.
    day_volume: Vec<Option<Gamma<f64>>>,
}

impl<'m> Simulator<'m> {
    /// Validates and compiles a model.
    pub fn new(model: &'m Model) -> Result<Self, SimError> {
        model.validate()?;
        let nc = model.channels.len();
        let ns = model.skills.len();
        let (hand, tr_hand) = handling_samplers(model)?;
        let (chat_k, chat_slow): (Vec<u8>, Vec<f64>) =
            model.channels.iter().map(chat_settings).unzip();
        let (q_groups, g_queues) = routing(model);
        let n_days = model.n_days();
        let day_max_staff = day_max_staff(model, n_days);
        let next_open = model
            .channels
            .iter()
            .map(|ch| next_open(model, ch))
            .collect();
        let open_before = model
            .channels
            .iter()
            .map(|ch| open_before(model, ch))
            .collect();
        let day_volume = day_volume_laws(model, n_days)?;
        Ok(Simulator {
            model,
            nc,
            ns,
            open_before,
            hand,
            tr_hand,
            patience: model
                .channels
                .iter()
                .map(|c| match c.kind {
                    ChannelKind::Deferred => Ok(None),
                    _ => c.patience.as_ref().map(Sampler::new).transpose(),
                })
                .collect::<Result<_, _>>()?,
            redial_delay: model
                .channels
                .iter()
                .map(|c| Sampler::new(&c.redial_delay))
                .collect::<Result<_, _>>()?,
            repeat_delay: Sampler::new(&model.behaviour.repeat_delay)?,
            switch_delay: model
                .behaviour
                .channel_switch
                .as_ref()
                .map(|s| Sampler::new(&s.2))
                .transpose()?,
            day_volume,
            target_ms: model
                .channels
                .iter()
                .map(|c| (c.target_s * 1000.0).round() as u64)
                .collect(),
            g_chat_k: model
                .groups
                .iter()
                .map(|g| g.channels.iter().map(|&c| chat_k[c]).max().unwrap_or(0))
                .collect(),
            chat_k,
            chat_slow,
            deferred: model
                .channels
                .iter()
                .map(|c| c.kind == ChannelKind::Deferred)
                .collect(),
            priority: model.channels.iter().map(|c| c.priority).collect(),
            q_groups,
            g_queues,
            g_live: model
                .groups
                .iter()
                .map(|g| {
                    g.channels
                        .iter()
                        .filter(|&&c| model.channels[c].kind != ChannelKind::Deferred)
                        .map(|&c| c as u16)
                        .collect()
                })
                .collect(),
            agents_per_group: model
                .groups
                .iter()
                .map(|g| g.staff.iter().copied().max().unwrap_or(0))
                .collect(),
            next_open,
            day_max_staff,
            n_days,
        })
    }

    /// The model this simulator was compiled from.
    pub fn model(&self) -> &'m Model {
        self.model
    }

    /// Runs replication `replication` of master seed `seed`: the random stream is
    /// `ChaCha8Rng::seed_from_u64(seed)` with `set_stream(replication)`, so the result
    /// depends on (model, seed, replication) only.
    pub fn run(&self, seed: u64, replication: u64) -> RunMetrics {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(replication);
        let mut st = State::new(self, rng);
        st.run();
        st.m
    }

    /// As [`run`](Self::run), but the system does not start empty: a number of customers
    /// drawn from `start` (first from the replication's stream) are on the first stream at
    /// time 0 — as many as there are agents in service, the rest waiting (with their
    /// patience). They arrive in interval 0. With exponential handling and patience and
    /// `start` the stationary law of the birth–death chain, the run is stationary from time
    /// 0: no warm-up bias (`montecarlo::simulate_stationary`).
    pub fn run_from(&self, seed: u64, replication: u64, start: &InSystem) -> RunMetrics {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(replication);
        let mut st = State::new(self, rng);
        let (u, v) = (unit(&mut st.rng), unit(&mut st.rng));
        st.initial = start.draw(u, v);
        st.run();
        st.m
    }

    /// As [`run`](Self::run), also logging every handling and abandonment with its reason,
    /// channel, tag and group in [`RunMetrics::detail`]. The random stream and every other
    /// counter are exactly those of `run(seed, replication)`.
    pub fn run_detailed(&self, seed: u64, replication: u64) -> RunMetrics {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(replication);
        let mut st = State::new(self, rng);
        st.m.detail = Some(Detail::default());
        st.run();
        st.m
    }
}

/// Handling samplers per `[reason * nc + channel]`: the reason's own law on the channel,
/// else its first channel's; and the transfer's handling (defaulting to the same law).
#[allow(clippy::type_complexity)]
fn handling_samplers(model: &Model) -> Result<(Vec<Sampler>, Vec<Option<Sampler>>), SimError> {
    let nc = model.channels.len();
    let mut hand = Vec::with_capacity(model.reasons.len() * nc);
    let mut tr_hand = Vec::with_capacity(model.reasons.len() * nc);
    for r in &model.reasons {
        let fallback = r.handling.iter().flatten().next();
        for c in 0..nc {
            let d = r.handling[c].as_ref().or(fallback).ok_or_else(|| {
                SimError::Invalid(format!("reasons: {} has no handling time at all", r.name))
            })?;
            hand.push(Sampler::new(d)?);
            tr_hand.push(
                r.transfer
                    .as_ref()
                    .map(|t| Sampler::new(t.handling[c].as_ref().unwrap_or(d)))
                    .transpose()?,
            );
        }
    }
    Ok((hand, tr_hand))
}

/// A channel's chat concurrency and slowdown per extra chat (`(0, 0.0)`: not chat).
fn chat_settings(ch: &Channel) -> (u8, f64) {
    match ch.kind {
        ChannelKind::Chat {
            max_concurrent,
            slowdown_per_extra,
        } => (max_concurrent, slowdown_per_extra),
        _ => (0, 0.0),
    }
}

/// The routing tables: the groups eligible for each queue `q = channel * ns + skill`, and
/// the queues each group serves with its skill's rank, in the order it takes work.
#[allow(clippy::type_complexity)]
fn routing(model: &Model) -> (Vec<Vec<u16>>, Vec<Vec<(u16, u8)>>) {
    let ns = model.skills.len();
    let mut q_groups = vec![Vec::new(); model.channels.len() * ns];
    let mut g_queues = Vec::new();
    for (g, gr) in model.groups.iter().enumerate() {
        let mut qs = Vec::new();
        for &c in &gr.channels {
            for &s in &gr.skills {
                let q = c * ns + s;
                if !q_groups[q].contains(&(g as u16)) {
                    q_groups[q].push(g as u16);
                    qs.push(q as u16);
                }
            }
        }
        // Channel priority first, then the agent's own skill order (the first skill listed
        // is its main one: a back-office agent who also backs up the front office takes
        // a waiting back-office contact first).
        let rank = |q: u16| {
            gr.skills
                .iter()
                .position(|&s| s == q as usize % ns)
                .unwrap_or(usize::MAX)
        };
        qs.sort_by_key(|&q| (model.channels[q as usize / ns].priority, rank(q), q));
        g_queues.push(qs.iter().map(|&q| (q, rank(q).min(255) as u8)).collect());
    }
    (q_groups, g_queues)
}

/// Largest staff per `[group * n_days + day]`.
fn day_max_staff(model: &Model, n_days: usize) -> Vec<u32> {
    let mut out = vec![0u32; model.groups.len() * n_days];
    for (g, gr) in model.groups.iter().enumerate() {
        for (i, iv) in model.intervals.iter().enumerate() {
            let m = &mut out[g * n_days + iv.day as usize];
            *m = (*m).max(gr.staff[i]);
        }
    }
    out
}

/// Per interval, the next interval at or after it in which `ch` is open (u32::MAX: never).
fn next_open(model: &Model, ch: &Channel) -> Vec<u32> {
    let ni = model.intervals.len();
    let mut v = vec![u32::MAX; ni];
    let mut next = u32::MAX;
    for i in (0..ni).rev() {
        if ch.is_open(i) {
            next = i as u32;
        }
        v[i] = next;
    }
    v
}

/// For a deferred channel whose response time counts open time only, the open ms before
/// each interval; empty for every other channel.
fn open_before(model: &Model, ch: &Channel) -> Vec<u64> {
    if !(ch.target_open_clock && ch.kind == ChannelKind::Deferred) {
        return Vec::new();
    }
    let mut acc = 0u64;
    model
        .intervals
        .iter()
        .enumerate()
        .map(|(i, iv)| {
            let before = acc;
            if ch.is_open(i) {
                acc += iv.len_ms;
            }
            before
        })
        .collect()
}

/// The law of each day's volume multiplier, Gamma(mean 1, cv) with the day's cv (`None`
/// where the cv is 0).
fn day_volume_laws(model: &Model, n_days: usize) -> Result<Vec<Option<Gamma<f64>>>, SimError> {
    (0..n_days)
        .map(|d| {
            let cv = if model.day_volume_cv.is_empty() {
                model.volume_cv
            } else {
                model.day_volume_cv[d]
            };
            if cv > 0.0 {
                let cv2 = cv * cv;
                Gamma::new(1.0 / cv2, cv2).map(Some).map_err(|e| {
                    SimError::Invalid(format!(
                        "volume cv {cv} on day {d}: no Gamma(mean 1, cv) multiplier ({e})"
                    ))
                })
            } else {
                Ok(None)
            }
        })
        .collect()
}

struct State<'s, 'm> {
    sim: &'s Simulator<'m>,
    rng: ChaCha8Rng,
    now: u64,
    /// Current interval (== number of intervals after the horizon).
    cur: usize,
    horizon: u64,
    ev: EventQueue,
    contacts: Vec<Contact>,
    free: Vec<u32>,
    queues: Vec<VecDeque<(u32, u32)>>,
    ch_waiting: Vec<u64>,
    /// Contacts waiting per queue (channel × skill).
    q_waiting: Vec<u64>,
    ch_last: Vec<u64>,
    agents: Vec<Agent>,
    groups: Vec<GroupState>,
    /// Per stream: exact next-arrival clock (ms, f64) and its interval.
    stream_t: Vec<f64>,
    stream_i: Vec<usize>,
    /// Per stream: (rate per ms, 1 / rate, interval end) of its current interval.
    stream_rate: Vec<(f64, f64, f64)>,
    day_mult: Vec<f64>,
    m: RunMetrics,
    /// Customers put on stream 0 at time 0 ([`Simulator::run_from`]).
    initial: u64,
}

impl<'s, 'm> State<'s, 'm> {
    fn new(sim: &'s Simulator<'m>, mut rng: ChaCha8Rng) -> Self {
        let model = sim.model;
        let ni = model.intervals.len();
        let nd = sim.n_days;
        let mut m = RunMetrics::new(
            ni,
            sim.nc,
            sim.ns,
            model.groups.len(),
            model.reasons.len(),
            model.tags.len(),
            nd,
        );
        let mut day_mult = vec![1.0; nd];
        // One draw per day whose cv > 0, in day order.
        for (d, law) in day_mult.iter_mut().zip(&sim.day_volume) {
            if let Some(g) = law {
                *d = g.sample(&mut rng);
            }
        }
        m.day_multipliers.clone_from(&day_mult);
        let mut agents = Vec::new();
        let mut groups = Vec::with_capacity(model.groups.len());
        for (g, &n) in sim.agents_per_group.iter().enumerate() {
            let first = agents.len() as u32;
            for _ in 0..n {
                agents.push(Agent {
                    group: g as u16,
                    ..Agent::default()
                });
            }
            groups.push(GroupState {
                idle: VecDeque::with_capacity(n as usize + 1),
                partial: VecDeque::new(),
                off: (first..first + n).rev().collect(),
                ..GroupState::default()
            });
        }
        let start = model.intervals[0].start_ms;
        State {
            sim,
            rng,
            now: start,
            cur: 0,
            horizon: model.horizon_ms(),
            ev: EventQueue::with_capacity(1024),
            contacts: Vec::with_capacity(1024),
            free: Vec::with_capacity(1024),
            queues: vec![VecDeque::new(); sim.nc * sim.ns],
            ch_waiting: vec![0; sim.nc],
            q_waiting: vec![0; sim.nc * sim.ns],
            ch_last: vec![start; sim.nc],
            agents,
            groups,
            stream_t: vec![start as f64; model.streams.len()],
            stream_i: vec![0; model.streams.len()],
            // Rate 0 sends the first draw down the slow path, which fills this in.
            stream_rate: vec![(0.0, 0.0, start as f64); model.streams.len()],
            day_mult,
            m,
            initial: 0,
        }
    }

    fn run(&mut self) {
        self.boundary(0);
        if !self.sim.model.streams.is_empty() {
            for _ in 0..self.initial {
                self.arrive(0, 0);
            }
        }
        for s in 0..self.sim.model.streams.len() {
            self.next_arrival(s);
        }
        while let Some((time, kind)) = self.ev.pop() {
            self.now = time;
            self.m.events += 1;
            match kind {
                EventKind::Arrival { stream } => self.arrival(stream as usize),
                EventKind::Done { agent, slot } => self.done(agent, slot),
                EventKind::Abandon { slot, tick } => self.abandon(slot, tick),
                EventKind::Return { slot, tick } => self.ret(slot, tick),
                EventKind::Boundary { interval } => self.boundary(interval as usize),
            }
        }
        // Whatever still waits was never answered.
        for c in &self.contacts {
            if c.state == WAITING {
                self.m.customers.in_flight_end += 1;
                if c.kind != TRANSFER {
                    self.m.cells[c.interval as usize * self.sim.nc + c.channel as usize]
                        .unanswered_end += 1;
                    self.m.queues[c.interval as usize * self.m.n_queues + c.queue as usize]
                        .unanswered_end += 1;
                }
            }
        }
    }

    // ---------------------------------------------------------------- arrivals

    /// Schedules stream `s`'s next arrival by inverting its piecewise-constant cumulative
    /// intensity (exact for a non-homogeneous Poisson process with constant rates within
    /// intervals, day multipliers included).
    fn next_arrival(&mut self, s: usize) {
        let model = self.sim.model;
        let e = exp1(&mut self.rng);
        let i = self.stream_i[s];
        let t = self.stream_t[s];
        // Fast path: the next arrival falls in the current interval.
        if i < model.intervals.len() {
            let (rate, inv, end) = self.stream_rate[s];
            if e < (end - t) * rate {
                let t = t + e * inv;
                self.stream_t[s] = t;
                let at = (t as u64).min(end as u64 - 1);
                self.ev.push(at, EventKind::Arrival { stream: s as u32 });
                return;
            }
        }
        self.next_arrival_slow(s, e);
    }

    #[inline(never)]
    fn next_arrival_slow(&mut self, s: usize, mut e: f64) {
        let model = self.sim.model;
        let stream = &model.streams[s];
        let mut i = self.stream_i[s];
        let mut t = self.stream_t[s];
        let ni = model.intervals.len();
        let mut rate;
        loop {
            if i >= ni {
                self.stream_i[s] = ni;
                return;
            }
            let iv = model.intervals[i];
            let end = (iv.start_ms + iv.len_ms) as f64;
            rate = stream.expected[i] * self.day_mult[iv.day as usize] / iv.len_ms as f64;
            let room = (end - t) * rate;
            if e < room {
                t += e / rate;
                break;
            }
            e -= room;
            t = end;
            i += 1;
        }
        let end = (model.intervals[i].start_ms + model.intervals[i].len_ms) as f64;
        self.stream_rate[s] = (rate, 1.0 / rate, end);
        self.stream_t[s] = t;
        self.stream_i[s] = i;
        let at = (t as u64)
            .min(self.sim.model.intervals[i].start_ms + self.sim.model.intervals[i].len_ms - 1);
        self.ev.push(at, EventKind::Arrival { stream: s as u32 });
    }

    fn arrival(&mut self, s: usize) {
        self.arrive(s, self.stream_i[s] as u32);
        self.next_arrival(s);
    }

    /// A first contact of stream `s` arrives now, in `interval`.
    fn arrive(&mut self, s: usize, interval: u32) {
        let model = self.sim.model;
        let st = &model.streams[s];
        let slot = self.alloc();
        let skill = model.reasons[st.reason].skill;
        let c = &mut self.contacts[slot as usize];
        c.arrival_ms = self.now;
        c.interval = interval;
        c.reason = st.reason as u16;
        c.tag = st.tag as u16;
        c.contacts = 1;
        c.channel = st.channel as u8;
        c.skill = skill as u8;
        c.queue = (st.channel * self.sim.ns + skill) as u16;
        c.kind = FRESH;
        c.served_once = false;
        self.m.customers.arrived += 1;
        self.offer(slot);
    }

    fn alloc(&mut self) -> u32 {
        if let Some(s) = self.free.pop() {
            s
        } else {
            assert!(
                self.contacts.len() < MAX_SLOTS,
                "more than 2^32 customers in the system at once (beyond any memory budget)"
            );
            self.contacts.push(Contact::default());
            (self.contacts.len() - 1) as u32
        }
    }

    /// The end of a customer's journey: frees the slot.
    fn finish(&mut self, slot: u32) {
        let c = &mut self.contacts[slot as usize];
        if c.served_once {
            self.m.customers.answered += 1;
        } else {
            self.m.customers.lost += 1;
        }
        c.state = FREE;
        c.tick = c.tick.wrapping_add(1);
        self.free.push(slot);
    }

    /// A contact arrives at its queue: straight to the longest-idle eligible agent, or wait.
    fn offer(&mut self, slot: u32) {
        let sim = self.sim;
        let c = self.contacts[slot as usize];
        let ch = c.channel as usize;
        let q = c.queue as usize;
        let cell = c.interval as usize * sim.nc + ch;
        let qcell = c.interval as usize * self.m.n_queues + q;
        if c.kind == TRANSFER {
            self.m.cells[cell].transfers_in += 1;
            self.m.queues[qcell].transfers_in += 1;
        } else {
            self.m.cells[cell].offered += 1;
            self.m.queues[qcell].offered += 1;
            self.m.reasons[c.reason as usize].contacts += 1;
            self.m.tags[c.tag as usize].contacts += 1;
        }
        if self.workable(ch) {
            if let Some(a) = self.find_agent(q, ch) {
                self.start(a, slot);
                self.publish(a);
                return;
            }
        }
        // Wait.
        if c.kind != TRANSFER {
            self.m.cells[cell].queued += 1;
            self.m.queues[qcell].queued += 1;
        }
        let tick = {
            let cm = &mut self.contacts[slot as usize];
            cm.tick = cm.tick.wrapping_add(1);
            cm.state = WAITING;
            cm.tick
        };
        self.queues[q].push_back((slot, tick));
        self.flush_channel(ch);
        self.ch_waiting[ch] += 1;
        self.q_waiting[q] += 1;
        if let Some(p) = &sim.patience[ch] {
            let pat = (p.sample(&mut self.rng) + 0.5) as u64;
            self.ev.push(
                self.now.saturating_add(pat),
                EventKind::Abandon { slot, tick },
            );
        }
    }

    #[inline]
    fn workable(&self, ch: usize) -> bool {
        !self.sim.deferred[ch]
            || (self.cur < self.sim.model.intervals.len()
                && self.sim.model.channels[ch].is_open(self.cur))
    }

    /// The longest-idle agent eligible for queue `q`: the fronts of the eligible groups'
    /// idle deques compared (O(groups)); for chat, then agents with a free chat slot.
    fn find_agent(&mut self, q: usize, ch: usize) -> Option<u32> {
        let sim = self.sim;
        let mut best: Option<(u64, u32)> = None;
        for &g in &sim.q_groups[q] {
            if sim.deferred[ch] && !self.may_defer(g as usize) {
                continue;
            }
            let gs = &mut self.groups[g as usize];
            while let Some(&(a, ep)) = gs.idle.front() {
                let ag = &self.agents[a as usize];
                if ag.epoch != ep || !ag.on_duty || ag.load != 0 {
                    gs.idle.pop_front();
                    continue;
                }
                if best.is_none_or(|(t, _)| ag.idle_since < t) {
                    best = Some((ag.idle_since, a));
                }
                break;
            }
        }
        if let Some((_, a)) = best {
            let g = self.agents[a as usize].group as usize;
            self.groups[g].idle.pop_front();
            return Some(a);
        }
        let k = sim.chat_k[ch];
        if k > 1 {
            let mut best: Option<(u64, u32, usize)> = None;
            for &g in &sim.q_groups[q] {
                let gs = &mut self.groups[g as usize];
                if gs.pending_leave > 0 {
                    continue;
                }
                while let Some(&(a, ep)) = gs.partial.front() {
                    let ag = &self.agents[a as usize];
                    if ag.epoch != ep || !ag.on_duty || ag.exclusive || ag.load == 0 || ag.load >= k
                    {
                        gs.partial.pop_front();
                        continue;
                    }
                    if best.is_none_or(|(t, _, _)| ag.idle_since < t) {
                        best = Some((ag.idle_since, a, g as usize));
                    }
                    break;
                }
            }
            if let Some((_, a, g)) = best {
                self.groups[g].partial.pop_front();
                return Some(a);
            }
        }
        None
    }

    /// Call blending (Bhulai & Koole 2003): may an idle agent of group `g` start deferred
    /// work now? Yes unless the group serves a live or chat channel that is open and fewer
    /// than `reserve_idle_agents` of its other agents would stay idle.
    #[inline]
    fn may_defer(&self, g: usize) -> bool {
        let sim = self.sim;
        let model = sim.model;
        let r = model.behaviour.reserve_idle_agents;
        if r == 0
            || self.cur >= model.intervals.len()
            || !sim.g_live[g]
                .iter()
                .any(|&c| model.channels[c as usize].is_open(self.cur))
        {
            return true;
        }
        let gs = &self.groups[g];
        // Agents with nothing in hand, this one included.
        let idle = gs.on_duty.saturating_sub(gs.busy);
        idle > r
    }

    /// Agent `a` starts handling contact `slot` now. The caller publishes the agent.
    fn start(&mut self, a: u32, slot: u32) {
        let sim = self.sim;
        let model = sim.model;
        let now = self.now;
        let c = {
            let c = &mut self.contacts[slot as usize];
            c.state = SERVICE;
            c.tick = c.tick.wrapping_add(1);
            *c
        };
        let ch = c.channel as usize;
        let cell = c.interval as usize * sim.nc + ch;
        let wait = now - c.arrival_ms;
        if c.kind != TRANSFER {
            let within = if sim.open_before[ch].is_empty() {
                wait <= sim.target_ms[ch]
            } else {
                self.open_wait(ch, c.interval as usize, c.arrival_ms) <= sim.target_ms[ch]
            };
            let qcell = c.interval as usize * self.m.n_queues + c.queue as usize;
            for cm in [&mut self.m.cells[cell], &mut self.m.queues[qcell]] {
                cm.answered += 1;
                cm.wait_answered_ms += wait;
                if within {
                    cm.answered_within += 1;
                }
            }
            self.contacts[slot as usize].served_once = true;
        }
        let g = self.agents[a as usize].group as usize;
        let hidx = c.reason as usize * sim.nc + ch;
        let sampler = if c.kind == TRANSFER {
            sim.tr_hand[hidx].as_ref().unwrap_or(&sim.hand[hidx])
        } else {
            &sim.hand[hidx]
        };
        let mut dur = sampler.sample(&mut self.rng) * model.groups[g].aht_factor;
        let load = self.agents[a as usize].load;
        if sim.chat_k[ch] > 0 {
            dur *= 1.0 + sim.chat_slow[ch] * load as f64;
        } else {
            self.agents[a as usize].exclusive = true;
        }
        let dur_ms = (dur + 0.5) as u64;
        if load == 0 {
            self.flush_group(g);
            self.groups[g].busy += 1;
        }
        self.agents[a as usize].load = load + 1;
        if self.cur < model.intervals.len() {
            let work_cell = self.cur * sim.nc + ch;
            self.m.cells[work_cell].handled += 1;
            self.m.cells[work_cell].handle_ms += dur_ms;
            if let Some(d) = &mut self.m.detail {
                d.handled.push((detail_key(self.cur, &c, g as u16), dur_ms));
            }
        }
        for t in [
            &mut self.m.reasons[c.reason as usize],
            &mut self.m.tags[c.tag as usize],
        ] {
            t.handled += 1;
            t.handle_ms += dur_ms;
        }
        self.ev.push(
            now.saturating_add(dur_ms),
            EventKind::Done { agent: a, slot },
        );
    }

    /// Open time of channel `ch` between `arrival_ms` (in interval `from`) and now.
    fn open_wait(&self, ch: usize, from: usize, arrival_ms: u64) -> u64 {
        let model = self.sim.model;
        let before = &self.sim.open_before[ch];
        let clock = |i: usize, t: u64| -> u64 {
            match model.intervals.get(i) {
                Some(iv) if model.channels[ch].is_open(i) => {
                    before[i] + t.saturating_sub(iv.start_ms).min(iv.len_ms)
                }
                Some(_) => before[i],
                None => {
                    let n = model.intervals.len();
                    let last_open = n > 0 && model.channels[ch].is_open(n - 1);
                    before.last().copied().unwrap_or(0)
                        + if last_open {
                            model.intervals[n - 1].len_ms
                        } else {
                            0
                        }
                }
            }
        };
        clock(self.cur, self.now).saturating_sub(clock(from, arrival_ms))
    }

    /// Re-files agent `a` after a change: idle deque (load 0) or chat deque (free slot).
    fn publish(&mut self, a: u32) {
        let ag = &mut self.agents[a as usize];
        ag.epoch = ag.epoch.wrapping_add(1);
        ag.idle_since = self.now;
        let g = ag.group as usize;
        if ag.load == 0 {
            self.groups[g].idle.push_back((a, ag.epoch));
        } else if !ag.exclusive && ag.load < self.sim.g_chat_k[g] {
            self.groups[g].partial.push_back((a, ag.epoch));
        }
    }

    // ---------------------------------------------------------------- completions

    fn done(&mut self, a: u32, slot: u32) {
        let sim = self.sim;
        let model = sim.model;
        let g = self.agents[a as usize].group as usize;
        {
            let ag = &mut self.agents[a as usize];
            ag.load -= 1;
            if ag.load == 0 {
                ag.exclusive = false;
            }
        }
        if self.agents[a as usize].load == 0 {
            self.flush_group(g);
            self.groups[g].busy -= 1;
        }
        // The contact's outcome: transfer, repeat or resolved.
        let c = self.contacts[slot as usize];
        let reason = &model.reasons[c.reason as usize];
        let mut next = false;
        if c.kind != TRANSFER {
            if let Some(tr) = &reason.transfer {
                if tr.share > 0.0 && unit(&mut self.rng) < tr.share {
                    let cm = &mut self.contacts[slot as usize];
                    cm.kind = TRANSFER;
                    cm.skill = tr.to_skill as u8;
                    cm.queue = (c.channel as usize * sim.ns + tr.to_skill) as u16;
                    cm.arrival_ms = self.now;
                    cm.interval = self.cur.min(model.intervals.len() - 1) as u32;
                    self.m.customers.transfers += 1;
                    self.offer(slot);
                    next = true;
                }
            }
        }
        if !next {
            if reason.fcr < 1.0 && unit(&mut self.rng) >= reason.fcr {
                if c.contacts >= model.behaviour.max_contacts_per_customer {
                    self.m.customers.capped += 1;
                    self.finish(slot);
                } else {
                    let mut ch = c.channel as usize;
                    if let Some((oc, share)) = model.behaviour.repeat_other_channel {
                        if unit(&mut self.rng) < share {
                            ch = oc;
                        }
                    }
                    let delay = sim.repeat_delay.sample(&mut self.rng);
                    self.schedule_return(slot, ch, REPEAT, delay);
                }
            } else {
                self.finish(slot);
            }
        }
        self.agent_free(a);
    }

    /// Agent `a` finished something: leave (shift end), or take more work, then re-file.
    fn agent_free(&mut self, a: u32) {
        let g = self.agents[a as usize].group as usize;
        if self.groups[g].pending_leave > 0 {
            if self.agents[a as usize].load == 0 {
                self.groups[g].pending_leave -= 1;
                self.go_off(a);
                return;
            }
            // A chat agent with chats in hand while the group must shrink takes no new
            // work: it leaves when its last chat ends.
            return;
        }
        self.take_work(a);
        self.publish(a);
    }

    /// Agent `a` takes queued work while it can: the head of its highest-priority
    /// non-empty queue (channel priority, then its own skill order), oldest arrival first.
    fn take_work(&mut self, a: u32) {
        let sim = self.sim;
        let g = self.agents[a as usize].group as usize;
        loop {
            let ag = self.agents[a as usize];
            if ag.exclusive {
                return;
            }
            let defer_ok = ag.load == 0 && self.may_defer(g);
            let mut best: Option<(u8, u8, u64, usize)> = None;
            for &(q, rank) in &sim.g_queues[g] {
                let q = q as usize;
                let ch = q / sim.ns;
                let prio = sim.priority[ch];
                if let Some((bp, br, _, _)) = best {
                    if (prio, rank) > (bp, br) {
                        break;
                    }
                }
                if ag.load > 0 && (sim.chat_k[ch] <= ag.load) {
                    continue;
                }
                if !self.workable(ch) || (sim.deferred[ch] && !defer_ok) {
                    continue;
                }
                let dq = &mut self.queues[q];
                while let Some(&(s, tick)) = dq.front() {
                    let c = &self.contacts[s as usize];
                    if c.tick != tick || c.state != WAITING {
                        dq.pop_front();
                        continue;
                    }
                    if best.is_none_or(|(_, _, t, _)| c.arrival_ms < t) {
                        best = Some((prio, rank, c.arrival_ms, q));
                    }
                    break;
                }
            }
            let Some((_, _, _, q)) = best else { return };
            let (slot, _) = self.queues[q].pop_front().expect("non-empty queue");
            let ch = q / sim.ns;
            self.flush_channel(ch);
            self.ch_waiting[ch] -= 1;
            self.q_waiting[q] -= 1;
            self.start(a, slot);
            if sim.chat_k[ch] == 0 {
                return;
            }
        }
    }

    fn go_off(&mut self, a: u32) {
        let g = self.agents[a as usize].group as usize;
        self.flush_group(g);
        let ag = &mut self.agents[a as usize];
        ag.on_duty = false;
        ag.epoch = ag.epoch.wrapping_add(1);
        self.groups[g].on_duty -= 1;
        self.groups[g].off.push(a);
    }

    fn come_on(&mut self, g: usize) {
        let a = self.groups[g]
            .off
            .pop()
            .expect("agents pre-allocated for the peak staff");
        self.flush_group(g);
        self.groups[g].on_duty += 1;
        let ag = &mut self.agents[a as usize];
        ag.on_duty = true;
        ag.load = 0;
        ag.exclusive = false;
        self.publish(a);
    }

    // ---------------------------------------------------------------- abandonment, returns

    fn abandon(&mut self, slot: u32, tick: u32) {
        let sim = self.sim;
        let model = sim.model;
        let c = self.contacts[slot as usize];
        if c.tick & TICK_MASK != tick || c.state != WAITING {
            return; // answered meanwhile: a lazily cancelled timer
        }
        let ch = c.channel as usize;
        self.flush_channel(ch);
        self.ch_waiting[ch] -= 1;
        self.q_waiting[c.queue as usize] -= 1;
        {
            let cm = &mut self.contacts[slot as usize];
            cm.state = PENDING;
            cm.tick = cm.tick.wrapping_add(1);
        }
        let wait = self.now - c.arrival_ms;
        if c.kind != TRANSFER {
            let within = wait <= sim.target_ms[ch];
            let qcell = c.interval as usize * self.m.n_queues + c.queue as usize;
            for cell in [
                &mut self.m.cells[c.interval as usize * sim.nc + ch],
                &mut self.m.queues[qcell],
            ] {
                cell.abandoned += 1;
                cell.wait_abandoned_ms += wait;
                if within {
                    cell.abandoned_within += 1;
                }
            }
            if let Some(d) = &mut self.m.detail {
                d.abandoned
                    .push(detail_key(c.interval as usize, &c, u16::MAX));
            }
        }
        if c.contacts >= model.behaviour.max_contacts_per_customer {
            self.m.customers.capped += 1;
            self.finish(slot);
            return;
        }
        let redial_p = model.channels[ch].redial_probability;
        if redial_p > 0.0 && unit(&mut self.rng) < redial_p {
            let d = sim.redial_delay[ch].sample(&mut self.rng);
            self.schedule_return(slot, ch, REDIAL, d);
            return;
        }
        if let Some((to, share, _)) = model.behaviour.channel_switch {
            if unit(&mut self.rng) < share {
                let d = sim
                    .switch_delay
                    .as_ref()
                    .expect("compiled with the switch")
                    .sample(&mut self.rng);
                self.schedule_return(slot, to, SWITCH, d);
                return;
            }
        }
        self.finish(slot);
    }

    fn schedule_return(&mut self, slot: u32, ch: usize, kind: u8, delay_ms: f64) {
        let t = self.now.saturating_add((delay_ms + 0.5) as u64);
        if t >= self.horizon {
            self.m.customers.returns_after_horizon += 1;
            self.finish(slot);
            return;
        }
        let sim = self.sim;
        let cm = &mut self.contacts[slot as usize];
        let skill = sim.model.reasons[cm.reason as usize].skill;
        cm.channel = ch as u8;
        cm.skill = skill as u8;
        cm.queue = (ch * sim.ns + skill) as u16;
        cm.kind = kind;
        cm.state = PENDING;
        cm.tick = cm.tick.wrapping_add(1);
        let tick = cm.tick;
        self.ev.push(t, EventKind::Return { slot, tick });
    }

    fn ret(&mut self, slot: u32, tick: u32) {
        let sim = self.sim;
        let c = self.contacts[slot as usize];
        if c.tick & TICK_MASK != tick || c.state != PENDING {
            return;
        }
        let ch = c.channel as usize;
        let ni = sim.model.intervals.len();
        if self.cur >= ni {
            self.m.customers.returns_after_horizon += 1;
            self.finish(slot);
            return;
        }
        if !sim.deferred[ch] && !sim.model.channels[ch].is_open(self.cur) {
            // A live channel is closed: the customer tries again at its next opening.
            let next = sim.next_open[ch][self.cur];
            if next == u32::MAX {
                self.m.customers.returns_after_horizon += 1;
                self.finish(slot);
            } else {
                let t = self.opening_arrival(ch, next as usize);
                self.ev.push(t, EventKind::Return { slot, tick });
            }
            return;
        }
        match c.kind {
            REDIAL => self.m.customers.redials += 1,
            REPEAT => self.m.customers.repeats += 1,
            _ => self.m.customers.switches += 1,
        }
        let cm = &mut self.contacts[slot as usize];
        cm.arrival_ms = self.now;
        cm.interval = self.cur as u32;
        cm.contacts += 1;
        self.offer(slot);
    }

    /// When a customer who found live channel `ch` closed comes back: uniform over the
    /// first [`OPENING_SPREAD_MIN`] minutes of the opening that starts with interval
    /// `first` (cut at the end of that day's opening), as the demand module places
    /// closed-hour contacts (its spread follows the channel's arrival profile, which is
    /// flat within each hour of the shipped hourly profiles). Drawn from the replication's
    /// stream.
    fn opening_arrival(&mut self, ch: usize, first: usize) -> u64 {
        let model = self.sim.model;
        let iv0 = model.intervals[first];
        let limit = iv0.start_ms + OPENING_SPREAD_MS;
        let mut end = iv0.start_ms + iv0.len_ms;
        let mut j = first + 1;
        while j < model.intervals.len()
            && end < limit
            && model.intervals[j].day == iv0.day
            && model.channels[ch].is_open(j)
        {
            end = model.intervals[j].start_ms + model.intervals[j].len_ms;
            j += 1;
        }
        let width = end.min(limit) - iv0.start_ms;
        iv0.start_ms + ((unit(&mut self.rng) * width as f64) as u64).min(width - 1)
    }

    // ---------------------------------------------------------------- intervals, staffing

    /// Start of interval `i` (`i == n` is the horizon): close the books of the previous
    /// interval, set this interval's staffing, let idle agents pick up work.
    fn boundary(&mut self, i: usize) {
        let sim = self.sim;
        let model = sim.model;
        let ni = model.intervals.len();
        for g in 0..self.groups.len() {
            self.flush_group(g);
        }
        for ch in 0..sim.nc {
            self.flush_channel(ch);
            if i > 0 {
                self.m.cells[(i - 1) * sim.nc + ch].backlog_end = self.ch_waiting[ch];
            }
        }
        if i > 0 {
            let nq = self.m.n_queues;
            for (q, &w) in self.q_waiting.iter().enumerate() {
                self.m.queues[(i - 1) * nq + q].backlog_end = w;
            }
        }
        self.cur = i;
        if i >= ni {
            return;
        }
        let day = model.intervals[i].day as usize;
        let new_day = i == 0 || model.intervals[i - 1].day as usize != day;
        for g in 0..self.groups.len() {
            let gm = &model.groups[g];
            if new_day {
                let h = sim.day_max_staff[g * sim.n_days + day];
                // `absence` is validated in [0, 1], so the law always exists.
                let absent = match Binomial::new(h as u64, gm.absence) {
                    Ok(b) if gm.absence > 0.0 && h > 0 => b.sample(&mut self.rng) as f64,
                    _ => 0.0,
                };
                self.groups[g].absent_frac = if h > 0 { absent / h as f64 } else { 0.0 };
                self.groups[g].break_carry = 0.0;
            }
            let staff = gm.staff[i] as f64;
            let present = staff - (staff * self.groups[g].absent_frac).round();
            // Breaks: a share `in_shift` of present agents is away, spread over the day by
            // error diffusion so the day's total break time is exact.
            let want = present * gm.in_shift + self.groups[g].break_carry;
            let on_break = want.round().clamp(0.0, present);
            self.groups[g].break_carry = want - on_break;
            let target = (present - on_break) as u32;
            self.set_staff(g, target);
        }
        // Idle agents pick up work (new agents, a deferred channel that opened).
        for g in 0..self.groups.len() {
            while let Some(&(a, ep)) = self.groups[g].idle.front() {
                let ag = self.agents[a as usize];
                if ag.epoch != ep || !ag.on_duty || ag.load != 0 {
                    self.groups[g].idle.pop_front();
                    continue;
                }
                self.take_work(a);
                if self.agents[a as usize].load == 0 {
                    break; // nothing this group can do
                }
                self.groups[g].idle.pop_front();
                self.publish(a);
            }
        }
        let next = model.intervals[i].start_ms + model.intervals[i].len_ms;
        self.ev.push(
            next,
            EventKind::Boundary {
                interval: (i + 1) as u32,
            },
        );
    }

    fn set_staff(&mut self, g: usize, target: u32) {
        let gs = &mut self.groups[g];
        let effective = gs.on_duty - gs.pending_leave;
        if target > effective {
            let mut add = target - effective;
            let cancel = add.min(gs.pending_leave);
            gs.pending_leave -= cancel;
            add -= cancel;
            for _ in 0..add {
                self.come_on(g);
            }
        } else if target < effective {
            let mut remove = effective - target;
            // Idle agents leave at once (the most recently idle first) ...
            while remove > 0 {
                let Some(&(a, ep)) = self.groups[g].idle.back() else {
                    break;
                };
                self.groups[g].idle.pop_back();
                let ag = self.agents[a as usize];
                if ag.epoch != ep || !ag.on_duty || ag.load != 0 {
                    continue;
                }
                self.go_off(a);
                remove -= 1;
            }
            // ... busy ones finish the contact in hand first.
            self.groups[g].pending_leave += remove;
        }
    }

    #[inline]
    fn flush_group(&mut self, g: usize) {
        let gs = &mut self.groups[g];
        let dt = self.now - gs.last_t;
        gs.last_t = self.now;
        if dt > 0 && self.cur < self.m.n_intervals {
            let cell = &mut self.m.groups[self.cur * self.m.n_groups + g];
            cell.on_duty_ms += gs.on_duty as u64 * dt;
            cell.busy_ms += gs.busy as u64 * dt;
        }
    }

    #[inline]
    fn flush_channel(&mut self, ch: usize) {
        let dt = self.now - self.ch_last[ch];
        self.ch_last[ch] = self.now;
        if dt > 0 && self.cur < self.m.n_intervals {
            let cell = &mut self.m.cells[self.cur * self.m.n_channels + ch];
            cell.queue_area_ms = cell
                .queue_area_ms
                .saturating_add(self.ch_waiting[ch].saturating_mul(dt));
        }
    }
}

/// The finance log's key of contact `c` in `interval`, handled by `group`.
fn detail_key(interval: usize, c: &Contact, group: u16) -> DetailKey {
    DetailKey {
        interval: interval as u32,
        reason: c.reason,
        channel: c.channel as u16,
        tag: c.tag,
        group,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counters_add_past_the_32_bit_range() {
        let big = u64::from(u32::MAX);
        let mut a = crate::sim::ChannelCell {
            offered: big,
            answered: big,
            ..Default::default()
        };
        a.add(&crate::sim::ChannelCell {
            offered: 10,
            answered: 3,
            ..Default::default()
        });
        assert_eq!((a.offered, a.answered), (big + 10, big + 3));
        assert_eq!(a.p_wait(), Some(0.0));
    }
}
