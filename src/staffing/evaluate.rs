//! [`evaluate`]: replay one plan `R` times and keep what the plan engine judges it by.
//!
//! Replications `0..R` of a seed run through the one replication driver
//! ([`crate::montecarlo::driver`]), reduced per run in parallel and pushed into the
//! accumulators in replication order, so the figures do not depend on the number of threads.
//! It keeps
//!
//! * per interval and *live* channel (phone, chat: the channels with per-interval answer
//!   targets) whether the interval met its target and its service level, and per day
//!   whether every interval met it, whether the day as a whole met it, abandonment and
//!   occupancy;
//! * per day and *deferred* channel (e-mail, social), judged by the day the contacts
//!   arrived: the share answered within the response window (contacts still waiting at the
//!   end of the calendar whose window runs past it are left out: nobody can say yet), and
//!   whether it met the target;
//! * per interval and need group (skill × channel, the simulator's queues): contacts
//!   offered and transferred in, the service level, abandonment and the mean wait — what
//!   the load model ([`super::load`]) needs and what tells *which* group is short;
//! * per replication, which cells and days met (for promises over several cells at once).

use std::ops::ControlFlow;

use super::load::Observed;
use super::{Grid, StaffingError};
use crate::montecarlo::driver::{CHUNK, replicate};
use crate::montecarlo::{Accumulator, McResult, Stat, Summary};
use crate::sim::{ChannelCell, ChannelKind, Model, RunMetrics, Simulator};

/// Per-interval and per-day outcome of `R` replications of one plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub replications: u32,
    /// Model channel indices of the live channels (live and chat).
    pub channels: Vec<usize>,
    /// P(meet) per `[interval * channels + k]`.
    pub p_meet: Vec<f64>,
    /// Service level per `[interval * channels + k]` (no value when no contacts).
    pub sl: Vec<Stat>,
    /// Per day: P(every interval of the day meets, on every live channel).
    pub day_all_meet: Vec<f64>,
    /// Per day: P(the day's service level meets the target on every live channel).
    pub day_meets: Vec<f64>,
    /// Per day and live channel `[day * channels + k]`: the day's service level.
    pub day_sl: Vec<Stat>,
    /// Per day: abandoned / offered on the live channels.
    pub day_abandon: Vec<Stat>,
    /// Per day: busy / on-duty time of all agents.
    pub day_occupancy: Vec<Stat>,
    /// Expected first contacts per `[interval * channels + k]` (from the model).
    pub expected: Vec<f64>,
    /// Model channel indices of the deferred channels (e-mail, social).
    pub deferred: Vec<usize>,
    /// Per `[day * deferred + k]`: P(the day's contacts meet the response target).
    pub deferred_day_meets: Vec<f64>,
    /// Per `[day * deferred + k]`: share of the day's contacts answered within the window.
    pub deferred_day_sl: Vec<Stat>,
    /// Per `[day * deferred + k]`: contacts still waiting at the end of the day.
    pub deferred_day_backlog: Vec<Stat>,
    /// Need groups `(skill, channel)` of the per-group figures.
    pub groups: Vec<(usize, usize)>,
    /// Mean contacts offered per `[interval * groups + g]` (as the simulator counts them).
    pub g_offered: Vec<f64>,
    /// Mean transfers in per `[interval * groups + g]`.
    pub g_transfers: Vec<f64>,
    /// Service level per `[interval * groups + g]`.
    pub g_sl: Vec<Stat>,
    /// Service level per `[day * groups + g]` by arrival day (deferred: within the window,
    /// censored as above).
    pub g_day_sl: Vec<Stat>,
    /// Abandonment and mean waits per interval and queue, pooled over the replications.
    pub observed: Observed,
    /// Per replication, whether each live cell met: `[r * intervals * channels + i * channels + k]`
    /// (for joint promises over several days and cells).
    pub rep_meets: Vec<bool>,
    /// Per replication, whether each day met on each live channel as a whole:
    /// `[(r * days + d) * channels + k]`.
    pub rep_day_meets: Vec<bool>,
    /// Per replication, whether each deferred channel's day met:
    /// `[(r * days + d) * deferred + k]`.
    pub rep_deferred_meets: Vec<bool>,
}

impl Evaluation {
    /// Mean SL summary of a live cell.
    pub fn sl_summary(&self, i: usize, k: usize) -> Option<Summary> {
        self.sl[i * self.channels.len() + k].summary()
    }

    /// Live cells (interval × live channel) with contacts and their P(meet).
    pub fn cells_with_contacts(&self) -> impl Iterator<Item = (usize, usize, f64)> + '_ {
        let nc = self.channels.len();
        self.expected
            .iter()
            .enumerate()
            .filter(|(_, x)| **x > 0.0)
            .map(move |(j, _)| (j / nc, j % nc, self.p_meet[j]))
    }

    /// Share of live cells with contacts whose P(meet) reaches `confidence`.
    pub fn share_meeting(&self, confidence: f64) -> f64 {
        let (mut n, mut ok) = (0usize, 0usize);
        for (_, _, p) in self.cells_with_contacts() {
            n += 1;
            if p >= confidence - 1e-12 {
                ok += 1;
            }
        }
        if n == 0 { 1.0 } else { ok as f64 / n as f64 }
    }

    /// The worst interval of a day by its 5th-percentile SL, on live channel `k`.
    pub fn worst_p5(&self, day_slots: std::ops::Range<usize>, k: usize) -> Option<f64> {
        day_slots
            .filter_map(|i| self.sl_summary(i, k).map(|s| s.p5))
            .min_by(f64::total_cmp)
    }

    /// Mean contacts offered plus transfers of a group cell.
    pub fn g_arrivals(&self, i: usize, g: usize) -> f64 {
        let j = i * self.groups.len() + g;
        self.g_offered[j] + self.g_transfers[j]
    }
}

/// The live channels of a model: live and chat.
pub fn planned_channels(model: &Model) -> Vec<usize> {
    (0..model.channels.len())
        .filter(|&c| model.channels[c].kind != ChannelKind::Deferred)
        .collect()
}

/// The deferred channels of a model.
pub fn deferred_channels(model: &Model) -> Vec<usize> {
    (0..model.channels.len())
        .filter(|&c| model.channels[c].kind == ChannelKind::Deferred)
        .collect()
}

/// One replication reduced to what an evaluation keeps.
struct Rep {
    meets: Vec<bool>,
    sl: Vec<Option<f64>>,
    day_all: Vec<bool>,
    day_meets: Vec<bool>,
    /// Per `[day * channels + k]`: the day met on live channel `k`.
    day_ch_meets: Vec<bool>,
    day_sl: Vec<Option<f64>>,
    day_abandon: Vec<Option<f64>>,
    day_occ: Vec<Option<f64>>,
    def_meets: Vec<bool>,
    def_sl: Vec<Option<f64>>,
    def_backlog: Vec<f64>,
    g_sl: Vec<Option<f64>>,
    g_day_sl: Vec<Option<f64>>,
    metrics: RunMetrics,
}

/// A deferred total with the contacts still waiting at the end of the calendar whose
/// response window runs past it left out of the denominator.
fn censored(t: &mut ChannelCell, censor: u64) {
    t.offered = t.offered.saturating_sub(censor);
    t.answered = t.answered.min(t.offered);
}

/// What reducing one run needs, fixed for a model, grid and need groups.
struct Reducer<'a> {
    model: &'a Model,
    grid: &'a Grid,
    groups: &'a [(usize, usize)],
    channels: Vec<usize>,
    deferred: Vec<usize>,
    all_groups: Vec<usize>,
    /// Per channel: the first interval whose deferred contacts may still be within their
    /// window at the horizon.
    censor_from: Vec<usize>,
}

impl<'a> Reducer<'a> {
    fn new(model: &'a Model, grid: &'a Grid, groups: &'a [(usize, usize)]) -> Self {
        let ni = model.intervals.len();
        let horizon = model.horizon_ms();
        let censor_from = model
            .channels
            .iter()
            .map(|ch| {
                (0..ni)
                    .find(|&i| {
                        ch.deadline_ms(&model.intervals, model.intervals[i].start_ms) >= horizon
                    })
                    .unwrap_or(ni)
            })
            .collect();
        Reducer {
            model,
            grid,
            groups,
            channels: planned_channels(model),
            deferred: deferred_channels(model),
            all_groups: (0..model.groups.len()).collect(),
            censor_from,
        }
    }

    fn n_skills(&self) -> usize {
        self.model.skills.len().max(1)
    }

    /// Channel `c`'s (or its queue `q`'s) contacts that arrived on day `d`, deferred ones
    /// censored at the horizon.
    fn day_total(&self, m: &RunMetrics, c: usize, q: Option<usize>, d: usize) -> ChannelCell {
        let mut t = ChannelCell::default();
        let mut censor = 0u64;
        for i in self.grid.day_slots(d) {
            let cell = match q {
                Some(q) => m.queue(i, q),
                None => m.cell(i, c),
            };
            t.add(cell);
            if self.model.channels[c].kind == ChannelKind::Deferred && i >= self.censor_from[c] {
                censor += cell.unanswered_end;
            }
        }
        if censor > 0 {
            censored(&mut t, censor);
        }
        t
    }

    /// One run reduced to what an evaluation keeps.
    fn rep(&self, m: RunMetrics) -> Rep {
        let model = self.model;
        let def = model.sl_definition;
        let (nc, nf, ng) = (self.channels.len(), self.deferred.len(), self.groups.len());
        let (ni, nd) = (model.intervals.len(), self.grid.days.len());
        let mut meets = vec![true; ni * nc];
        let mut sl = vec![None; ni * nc];
        for i in 0..ni {
            for (k, &c) in self.channels.iter().enumerate() {
                let cell = m.cell(i, c);
                meets[i * nc + k] = cell.meets(def, model.channels[c].target_share);
                sl[i * nc + k] = cell.service_level(def);
            }
        }
        let mut day_all = vec![true; nd];
        let mut day_meets = vec![true; nd];
        let mut day_ch_meets = vec![true; nd * nc];
        let mut day_sl = vec![None; nd * nc];
        let mut day_abandon = vec![None; nd];
        let mut day_occ = vec![None; nd];
        let mut def_meets = vec![true; nd * nf];
        let mut def_sl = vec![None; nd * nf];
        let mut def_backlog = vec![0.0; nd * nf];
        for d in 0..nd {
            let range = self.grid.day_slots(d);
            day_all[d] = range.clone().all(|i| (0..nc).all(|k| meets[i * nc + k]));
            let (mut offered, mut abandoned) = (0u64, 0u64);
            for (k, &c) in self.channels.iter().enumerate() {
                let t = m.channel_total(c, range.clone());
                offered += t.offered;
                abandoned += t.abandoned;
                day_sl[d * nc + k] = t.service_level(def);
                if !t.meets(def, model.channels[c].target_share) {
                    day_meets[d] = false;
                    day_ch_meets[d * nc + k] = false;
                }
            }
            for (k, &c) in self.deferred.iter().enumerate() {
                let t = self.day_total(&m, c, None, d);
                def_sl[d * nf + k] = t.service_level(def);
                def_meets[d * nf + k] = t.meets(def, model.channels[c].target_share);
                def_backlog[d * nf + k] = range
                    .clone()
                    .last()
                    .map_or(0.0, |i| m.cell(i, c).backlog_end as f64);
            }
            day_abandon[d] = (offered > 0).then(|| abandoned as f64 / offered as f64);
            let at = m.agent_time(&self.all_groups, range);
            day_occ[d] = (at.on_duty_ms > 0).then(|| at.busy_ms as f64 / at.on_duty_ms as f64);
        }
        let ns = self.n_skills();
        let mut g_sl = vec![None; ni * ng];
        let mut g_day_sl = vec![None; nd * ng];
        for (g, &(s, c)) in self.groups.iter().enumerate() {
            let q = c * ns + s;
            for i in 0..ni {
                g_sl[i * ng + g] = m.queue(i, q).service_level(def);
            }
            for d in 0..nd {
                g_day_sl[d * ng + g] = self.day_total(&m, c, Some(q), d).service_level(def);
            }
        }
        Rep {
            meets,
            sl,
            day_all,
            day_meets,
            day_ch_meets,
            day_sl,
            day_abandon,
            day_occ,
            def_meets,
            def_sl,
            def_backlog,
            g_sl,
            g_day_sl,
            metrics: m,
        }
    }
}

/// The evaluation's accumulators: runs are pushed in replication order.
struct Totals {
    replications: u32,
    p_meet: Vec<f64>,
    sl: Vec<Stat>,
    day_all_meet: Vec<f64>,
    day_meets: Vec<f64>,
    day_sl: Vec<Stat>,
    day_abandon: Vec<Stat>,
    day_occupancy: Vec<Stat>,
    deferred_day_meets: Vec<f64>,
    deferred_day_sl: Vec<Stat>,
    deferred_day_backlog: Vec<Stat>,
    g_sl: Vec<Stat>,
    g_day_sl: Vec<Stat>,
    // Integer sums per interval × queue (order-free).
    q_offered: Vec<u64>,
    q_transfers: Vec<u64>,
    q_abandoned: Vec<u64>,
    q_answered: Vec<u64>,
    q_wait_ms: Vec<u64>,
    rep_meets: Vec<bool>,
    rep_day_meets: Vec<bool>,
    rep_deferred_meets: Vec<bool>,
}

impl Totals {
    fn new(r: &Reducer<'_>) -> Self {
        let (nc, nf, ng) = (r.channels.len(), r.deferred.len(), r.groups.len());
        let (ni, nd) = (r.model.intervals.len(), r.grid.days.len());
        let nq = r.model.channels.len() * r.n_skills();
        Totals {
            replications: 0,
            p_meet: vec![0.0; ni * nc],
            sl: vec![Stat::default(); ni * nc],
            day_all_meet: vec![0.0; nd],
            day_meets: vec![0.0; nd],
            day_sl: vec![Stat::default(); nd * nc],
            day_abandon: vec![Stat::default(); nd],
            day_occupancy: vec![Stat::default(); nd],
            deferred_day_meets: vec![0.0; nd * nf],
            deferred_day_sl: vec![Stat::default(); nd * nf],
            deferred_day_backlog: vec![Stat::default(); nd * nf],
            g_sl: vec![Stat::default(); ni * ng],
            g_day_sl: vec![Stat::default(); nd * ng],
            q_offered: vec![0; ni * nq],
            q_transfers: vec![0; ni * nq],
            q_abandoned: vec![0; ni * nq],
            q_answered: vec![0; ni * nq],
            q_wait_ms: vec![0; ni * nq],
            rep_meets: Vec::new(),
            rep_day_meets: Vec::new(),
            rep_deferred_meets: Vec::new(),
        }
    }

    fn push(&mut self, rep: &Rep) {
        self.replications += 1;
        self.rep_meets.extend_from_slice(&rep.meets);
        self.rep_day_meets.extend_from_slice(&rep.day_ch_meets);
        self.rep_deferred_meets.extend_from_slice(&rep.def_meets);
        for (j, &met) in rep.meets.iter().enumerate() {
            if met {
                self.p_meet[j] += 1.0;
            }
            self.sl[j].push_opt(rep.sl[j]);
        }
        for d in 0..self.day_all_meet.len() {
            if rep.day_all[d] {
                self.day_all_meet[d] += 1.0;
            }
            if rep.day_meets[d] {
                self.day_meets[d] += 1.0;
            }
            self.day_abandon[d].push_opt(rep.day_abandon[d]);
            self.day_occupancy[d].push_opt(rep.day_occ[d]);
        }
        for (s, x) in self.day_sl.iter_mut().zip(&rep.day_sl) {
            s.push_opt(*x);
        }
        for (j, &met) in rep.def_meets.iter().enumerate() {
            if met {
                self.deferred_day_meets[j] += 1.0;
            }
            self.deferred_day_sl[j].push_opt(rep.def_sl[j]);
            self.deferred_day_backlog[j].push(rep.def_backlog[j]);
        }
        for (s, x) in self.g_sl.iter_mut().zip(&rep.g_sl) {
            s.push_opt(*x);
        }
        for (s, x) in self.g_day_sl.iter_mut().zip(&rep.g_day_sl) {
            s.push_opt(*x);
        }
        for (j, c) in rep.metrics.queues.iter().enumerate() {
            self.q_offered[j] += c.offered;
            self.q_transfers[j] += c.transfers_in;
            self.q_abandoned[j] += c.abandoned;
            self.q_answered[j] += c.answered;
            self.q_wait_ms[j] += c.wait_answered_ms;
        }
    }

    fn finish(mut self, r: &Reducer<'_>) -> Evaluation {
        let model = r.model;
        let (nc, ng) = (r.channels.len(), r.groups.len());
        let ni = model.intervals.len();
        let nq = model.channels.len() * r.n_skills();
        let n = f64::from(self.replications.max(1));
        for p in self
            .p_meet
            .iter_mut()
            .chain(self.day_all_meet.iter_mut())
            .chain(self.day_meets.iter_mut())
            .chain(self.deferred_day_meets.iter_mut())
        {
            *p /= n;
        }
        let mut expected = vec![0.0; ni * nc];
        for s in &model.streams {
            if let Some(k) = r.channels.iter().position(|&c| c == s.channel) {
                for (i, x) in s.expected.iter().enumerate() {
                    expected[i * nc + k] += x;
                }
            }
        }
        let mut g_offered = vec![0.0; ni * ng];
        let mut g_transfers = vec![0.0; ni * ng];
        for (g, &(s, c)) in r.groups.iter().enumerate() {
            let q = c * r.n_skills() + s;
            for i in 0..ni {
                g_offered[i * ng + g] = self.q_offered[i * nq + q] as f64 / n;
                g_transfers[i * ng + g] = self.q_transfers[i * nq + q] as f64 / n;
            }
        }
        let ratio = |num: &[u64], den: &[u64], scale: f64| -> Vec<f64> {
            num.iter()
                .zip(den)
                .map(|(&a, &b)| {
                    if b > 0 {
                        a as f64 / scale / b as f64
                    } else {
                        0.0
                    }
                })
                .collect()
        };
        let observed = Observed {
            abandon: ratio(&self.q_abandoned, &self.q_offered, 1.0),
            wait_s: ratio(&self.q_wait_ms, &self.q_answered, 1000.0),
        };
        Evaluation {
            replications: self.replications,
            channels: r.channels.clone(),
            p_meet: self.p_meet,
            sl: self.sl,
            day_all_meet: self.day_all_meet,
            day_meets: self.day_meets,
            day_sl: self.day_sl,
            day_abandon: self.day_abandon,
            day_occupancy: self.day_occupancy,
            expected,
            deferred: r.deferred.clone(),
            deferred_day_meets: self.deferred_day_meets,
            deferred_day_sl: self.deferred_day_sl,
            deferred_day_backlog: self.deferred_day_backlog,
            groups: r.groups.to_vec(),
            g_offered,
            g_transfers,
            g_sl: self.g_sl,
            g_day_sl: self.g_day_sl,
            observed,
            rep_meets: self.rep_meets,
            rep_day_meets: self.rep_day_meets,
            rep_deferred_meets: self.rep_deferred_meets,
        }
    }
}

/// Runs replications `0..replications` of `seed` and summarises them (see the module docs).
/// `groups` are the need groups of the per-group figures.
pub fn evaluate(
    model: &Model,
    grid: &Grid,
    groups: &[(usize, usize)],
    replications: u32,
    seed: u64,
) -> Result<Evaluation, StaffingError> {
    evaluate_runs(model, grid, groups, replications, seed, None)
}

/// [`evaluate`], and the Monte-Carlo statistics of every interval, day and channel
/// ([`McResult`], as `peakplan simulate` reports them) from the same runs: the plan's check,
/// which `run` reports without simulating again.
pub fn evaluate_with_statistics(
    model: &Model,
    grid: &Grid,
    groups: &[(usize, usize)],
    replications: u32,
    seed: u64,
) -> Result<(Evaluation, McResult), StaffingError> {
    let mut acc = Accumulator::new(model);
    let ev = evaluate_runs(model, grid, groups, replications, seed, Some(&mut acc))?;
    Ok((ev, acc.finish()))
}

fn evaluate_runs(
    model: &Model,
    grid: &Grid,
    groups: &[(usize, usize)],
    replications: u32,
    seed: u64,
    mut statistics: Option<&mut Accumulator<'_>>,
) -> Result<Evaluation, StaffingError> {
    let sim = Simulator::new(model).map_err(|e| StaffingError::Solver(e.to_string()))?;
    let reducer = Reducer::new(model, grid, groups);
    let mut totals = Totals::new(&reducer);
    replicate(
        0..replications,
        CHUNK,
        |r| reducer.rep(sim.run(seed, u64::from(r))),
        |_, chunk| {
            let runs: Vec<RunMetrics> = chunk
                .into_iter()
                .map(|rep| {
                    totals.push(&rep);
                    rep.metrics
                })
                .collect();
            if let Some(acc) = statistics.as_deref_mut() {
                acc.fold(&runs);
            }
            ControlFlow::Continue(())
        },
    );
    Ok(totals.finish(&reducer))
}
