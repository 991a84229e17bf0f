//! Simulation-based staffing: replay a flex plan many times and the iterative staffing
//! algorithm that adds flex need where an interval misses its target too often.
//!
//! # Evaluation
//!
//! [`evaluate`] runs replications `0..R` of a seed (rayon over replications, results
//! reduced in replication order, so the figures do not depend on the number of threads)
//! and keeps, per interval and *planned* channel (live and chat: the channels with
//! per-interval answer targets), whether the interval met its target and its service level,
//! and per day whether every interval met it, whether the day as a whole met it, the
//! abandonment share and the agents' occupancy.
//!
//! # The iterative algorithm
//!
//! Start from the flex need of an analytic method (Erlang A after the permanent roster),
//! then repeat:
//!
//! 1. cover the need with flex shifts ([`cover`](super::cover()));
//! 2. simulate `R` replications of the plan with the **same seed every iteration**
//!    (common random numbers: a change in P(meet) comes from the plan, not from noise);
//! 3. every interval × planned channel with P(meet) < confidence gets
//!    `max(⌈4 × (confidence − P)⌉, ⌈(target − mean SL) × A⌉)` (at least 1) more available
//!    agents of flex need, where `A` is the Erlang A requirement of the need group raised:
//!    the group of that channel with the largest analytic requirement among those a pool
//!    can serve. The second term makes the step proportional to how far the cell is from
//!    its target (at a peak the simulation needs tens of agents more than Erlang A:
//!    redials, repeats, the opening rush); the first moves cells whose mean SL already
//!    meets the target but whose P(meet) does not. Overshoot is pulled back by step 4 —
//!    unless the covering already left that cell short, or the date is short
//!    for the group somewhere while every pool serving it is at its daily headcount (no
//!    capacity: counted as capacity-limited and reported, never raised further), or the
//!    cell was raised in the previous iteration and neither its P(meet) rose nor its mean
//!    SL by half a point (same seed, so no noise: what it lacks is something the pools
//!    cannot give, e.g. agents of a group no pool serves — the cell is then counted as
//!    capacity-limited from then on);
//! 4. every cell that met the target in every replication, with a mean SL at least
//!    [`IterOptions::slack`] above the target, loses one agent of need, unless it failed
//!    after an earlier removal (then it is locked: no oscillation).
//!
//! Need lives on the planning grid, P(meet) on the simulation grid: a planning interval
//! gets the largest raise any simulation interval inside it asks for (step 3), and loses
//! an agent only when every interval inside it with contacts is slack (step 4).
//!
//! An iteration whose covering repeats the previous shifts reuses the previous evaluation
//! (same model, same seed: the same figures).
//!
//! **Convergence**: an iteration that adds nothing and whose covering is the same set of
//! shifts as the previous one. The loop stops after [`IterOptions::max_iterations`] and
//! then reports that it did not converge.

use rayon::prelude::*;

use super::requirement::Requirement;
use super::{CoverPlan, CoverProblem, Grid, StaffingError};
use crate::montecarlo::{Stat, Summary};
use crate::sim::{ChannelKind, Model, Simulator};

/// Per-interval and per-day outcome of `R` replications of one plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub replications: u32,
    /// Model channel indices of the planned channels.
    pub channels: Vec<usize>,
    /// P(meet) per `[interval * channels + k]`.
    pub p_meet: Vec<f64>,
    /// Service level per `[interval * channels + k]` (no value when no contacts).
    pub sl: Vec<Stat>,
    /// Per day: P(every interval of the day meets, on every planned channel).
    pub day_all_meet: Vec<f64>,
    /// Per day: P(the day's service level meets the target on every planned channel).
    pub day_meets: Vec<f64>,
    /// Per day and planned channel `[day * channels + k]`: the day's service level.
    pub day_sl: Vec<Stat>,
    /// Per day: abandoned / offered on the planned channels.
    pub day_abandon: Vec<Stat>,
    /// Per day: busy / on-duty time of all agents.
    pub day_occupancy: Vec<Stat>,
    /// Expected contacts per `[interval * channels + k]` (from the model).
    pub expected: Vec<f64>,
}

impl Evaluation {
    /// Mean SL summary of a cell.
    pub fn sl_summary(&self, i: usize, k: usize) -> Option<Summary> {
        self.sl[i * self.channels.len() + k].summary()
    }

    /// Cells (interval × planned channel) with contacts and their P(meet).
    pub fn cells_with_contacts(&self) -> impl Iterator<Item = (usize, usize, f64)> + '_ {
        let nc = self.channels.len();
        self.expected
            .iter()
            .enumerate()
            .filter(|(_, x)| **x > 0.0)
            .map(move |(j, _)| (j / nc, j % nc, self.p_meet[j]))
    }

    /// Share of cells with contacts whose P(meet) reaches `confidence`.
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

    /// The worst interval of a day by its 5th-percentile SL, on planned channel `k`.
    pub fn worst_p5(&self, day_slots: std::ops::Range<usize>, k: usize) -> Option<f64> {
        day_slots
            .filter_map(|i| self.sl_summary(i, k).map(|s| s.p5))
            .min_by(f64::total_cmp)
    }
}

/// The planned channels of a model: live and chat.
pub fn planned_channels(model: &Model) -> Vec<usize> {
    (0..model.channels.len())
        .filter(|&c| model.channels[c].kind != ChannelKind::Deferred)
        .collect()
}

/// Runs replications `0..replications` of `seed` and summarises them (see the module docs).
pub fn evaluate(
    model: &Model,
    grid: &Grid,
    replications: u32,
    seed: u64,
) -> Result<Evaluation, StaffingError> {
    let sim = Simulator::new(model).map_err(|e| StaffingError::Solver(e.to_string()))?;
    let channels = planned_channels(model);
    let nc = channels.len();
    let ni = model.intervals.len();
    let nd = grid.days.len();
    let all_groups: Vec<usize> = (0..model.groups.len()).collect();
    let def = model.sl_definition;
    struct Rep {
        meets: Vec<bool>,
        sl: Vec<Option<f64>>,
        day_all: Vec<bool>,
        day_meets: Vec<bool>,
        day_sl: Vec<Option<f64>>,
        day_abandon: Vec<Option<f64>>,
        day_occ: Vec<Option<f64>>,
    }
    let reps: Vec<Rep> = (0..replications)
        .into_par_iter()
        .map(|r| {
            let m = sim.run(seed, u64::from(r));
            let mut meets = vec![true; ni * nc];
            let mut sl = vec![None; ni * nc];
            for i in 0..ni {
                for (k, &c) in channels.iter().enumerate() {
                    let cell = m.cell(i, c);
                    let ch = &model.channels[c];
                    meets[i * nc + k] = cell.meets(def, ch.target_share);
                    sl[i * nc + k] = cell.service_level(def);
                }
            }
            let mut day_all = vec![true; nd];
            let mut day_meets = vec![true; nd];
            let mut day_sl = vec![None; nd * nc];
            let mut day_abandon = vec![None; nd];
            let mut day_occ = vec![None; nd];
            for d in 0..nd {
                let range = grid.day_slots(d);
                day_all[d] = range.clone().all(|i| (0..nc).all(|k| meets[i * nc + k]));
                let (mut offered, mut abandoned) = (0u64, 0u64);
                for (k, &c) in channels.iter().enumerate() {
                    let t = m.channel_total(c, range.clone());
                    offered += t.offered;
                    abandoned += t.abandoned;
                    day_sl[d * nc + k] = t.service_level(def);
                    if !t.meets(def, model.channels[c].target_share) {
                        day_meets[d] = false;
                    }
                }
                day_abandon[d] = (offered > 0).then(|| abandoned as f64 / offered as f64);
                let at = m.agent_time(&all_groups, range);
                day_occ[d] = (at.on_duty_ms > 0).then(|| at.busy_ms as f64 / at.on_duty_ms as f64);
            }
            Rep {
                meets,
                sl,
                day_all,
                day_meets,
                day_sl,
                day_abandon,
                day_occ,
            }
        })
        .collect();
    let n = f64::from(replications.max(1));
    let mut p_meet = vec![0.0; ni * nc];
    let mut sl = vec![Stat::default(); ni * nc];
    let mut day_all_meet = vec![0.0; nd];
    let mut day_meets = vec![0.0; nd];
    let mut day_sl = vec![Stat::default(); nd * nc];
    let mut day_abandon = vec![Stat::default(); nd];
    let mut day_occupancy = vec![Stat::default(); nd];
    for rep in &reps {
        for j in 0..ni * nc {
            if rep.meets[j] {
                p_meet[j] += 1.0 / n;
            }
            sl[j].push_opt(rep.sl[j]);
        }
        for d in 0..nd {
            if rep.day_all[d] {
                day_all_meet[d] += 1.0 / n;
            }
            if rep.day_meets[d] {
                day_meets[d] += 1.0 / n;
            }
            day_abandon[d].push_opt(rep.day_abandon[d]);
            day_occupancy[d].push_opt(rep.day_occ[d]);
        }
        for (s, x) in day_sl.iter_mut().zip(&rep.day_sl) {
            s.push_opt(*x);
        }
    }
    // Snap sums of 1/n to exact 0 and 1.
    for p in p_meet
        .iter_mut()
        .chain(day_all_meet.iter_mut())
        .chain(day_meets.iter_mut())
    {
        *p = (*p * n).round() / n;
    }
    let mut expected = vec![0.0; ni * nc];
    for s in &model.streams {
        if let Some(k) = channels.iter().position(|&c| c == s.channel) {
            for (i, x) in s.expected.iter().enumerate() {
                expected[i * nc + k] += x;
            }
        }
    }
    Ok(Evaluation {
        replications,
        channels,
        p_meet,
        sl,
        day_all_meet,
        day_meets,
        day_sl,
        day_abandon,
        day_occupancy,
        expected,
    })
}

/// A raised cell whose P(meet) did not rise and whose mean SL rose by less than this is
/// not helped by flex agents (see the module docs, step 3).
const FUTILE_SL_GAIN: f64 = 0.005;

/// Knobs of the iterative algorithm.
#[derive(Debug, Clone, PartialEq)]
pub struct IterOptions {
    /// Required P(meet) per interval.
    pub confidence: f64,
    /// Replications per iteration (common random numbers: the same seed each time).
    pub replications: u32,
    pub seed: u64,
    pub max_iterations: u32,
    /// A cell is slack when it met the target in every replication with a mean SL at
    /// least this much above the target. Default 0.05.
    pub slack: f64,
}

impl Default for IterOptions {
    fn default() -> Self {
        IterOptions {
            confidence: 0.95,
            replications: 20,
            seed: 2027,
            max_iterations: 12,
            slack: 0.05,
        }
    }
}

/// One iteration's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct IterStep {
    pub iteration: u32,
    /// Cells below the confidence (with contacts).
    pub below: usize,
    /// Cells that got more need / less need.
    pub raised: usize,
    pub lowered: usize,
    /// Cells below the confidence that the covering could not raise (no capacity).
    pub capacity_limited: usize,
    pub flex_hours: f64,
    pub flex_cost_eur: f64,
    pub peak_day_headcount: u32,
}

/// The result of the iterative algorithm.
#[derive(Debug, Clone)]
pub struct Iterated {
    /// The final flex need, `[slot * groups + group]`.
    pub need: Vec<f64>,
    pub plan: CoverPlan,
    /// The evaluation of `plan` with the iteration seed.
    pub evaluation: Evaluation,
    pub steps: Vec<IterStep>,
    pub converged: bool,
}

/// The flex plan's heads on duty per pool, written into the pools' groups of `model`
/// (`pool_group[p]` is the model group of pool `p`).
pub fn apply_plan(model: &mut Model, grid: &Grid, plan: &CoverPlan, pool_group: &[usize]) {
    for (p, &g) in pool_group.iter().enumerate() {
        model.groups[g].staff = super::roster::flex_heads(grid, &plan.flex_shifts(p));
    }
}

/// The iterative staffing algorithm (see the module docs), from `start_need`.
#[allow(clippy::too_many_arguments)]
pub fn iterate(
    base: &Model,
    sim_grid: &Grid,
    block_of: &[usize],
    problem: &CoverProblem,
    cover_options: &super::CoverOptions,
    req: &Requirement,
    pool_group: &[usize],
    start_need: Vec<f64>,
    opts: &IterOptions,
) -> Result<Iterated, StaffingError> {
    let ng = req.n_groups();
    let grid = &problem.grid;
    let planned = planned_channels(base);
    let nc = planned.len();
    // Groups a pool can serve, per planned channel.
    let served: Vec<bool> = problem
        .groups
        .iter()
        .map(|g| {
            problem
                .pools
                .iter()
                .any(|p| g.served_by(&p.skills, &p.channels))
        })
        .collect();
    let mut need = start_need;
    let mut locked = vec![false; grid.len() * nc];
    let mut removed = vec![false; grid.len() * nc];
    // Per simulation cell: raised in the previous iteration, with its P(meet) and mean SL
    // then; and whether a raise was futile (no capacity that helps).
    let nsim = sim_grid.len() * nc;
    let mut raised_at: Vec<Option<(f64, f64)>> = vec![None; nsim];
    let mut futile = vec![false; nsim];
    let mut steps = Vec::new();
    let mut prev_shifts = None;
    let mut prev_eval: Option<(Vec<super::PlannedShift>, Evaluation)> = None;
    let mut problem = problem.clone();
    let mut model = base.clone();
    for it in 1..=opts.max_iterations {
        problem.need.clone_from(&need);
        let plan = super::cover(&problem, cover_options)?;
        apply_plan(&mut model, sim_grid, &plan, pool_group);
        // Same shifts as the previous iteration: same model, same seed, so the same
        // evaluation — reuse it instead of simulating again.
        let ev = match &prev_eval {
            Some((shifts, ev)) if *shifts == plan.shifts => ev.clone(),
            _ => evaluate(&model, sim_grid, opts.replications, opts.seed)?,
        };
        // Cells the covering cannot raise: left short, or on a date that is already short
        // for the group while every pool serving it is at its daily headcount.
        let mut short = vec![false; grid.len() * ng];
        let nd = grid.days.len();
        let mut day_short = vec![false; nd * ng];
        for s in &plan.short {
            if let Some(g) = problem.groups.iter().position(|x| *x == s.group) {
                day_short[grid.slots[s.slot].day * ng + g] = true;
            }
        }
        for d in 0..nd {
            let total: u32 = plan.pools.iter().map(|ps| ps.headcount_per_day[d]).sum();
            let all_capped = cover_options.max_heads_per_day.is_some_and(|m| total >= m);
            for g in 0..ng {
                let full = all_capped
                    || problem.pools.iter().enumerate().all(|(pi, pool)| {
                        !problem.groups[g].served_by(&pool.skills, &pool.channels)
                            || plan.pools[pi].headcount_per_day[d]
                                >= pool
                                    .max_per_day
                                    .unwrap_or(pool.max_headcount)
                                    .min(pool.max_headcount)
                    });
                if full && day_short[d * ng + g] {
                    for i in grid.day_slots(d) {
                        short[i * ng + g] = true;
                    }
                }
            }
        }
        for s in &plan.short {
            if let Some(g) = problem.groups.iter().position(|x| *x == s.group) {
                short[s.slot * ng + g] = true;
            }
        }
        let mut step = IterStep {
            iteration: it,
            below: 0,
            raised: 0,
            lowered: 0,
            capacity_limited: 0,
            flex_hours: plan.total_hours,
            flex_cost_eur: plan.total_cost_eur,
            peak_day_headcount: plan.peak_day_headcount,
        };
        // Per planning interval × planned channel: raise the block by the largest raise
        // any of its simulation intervals asks for; lower it only when every interval
        // with contacts in it is slack.
        let nb = grid.len();
        let mut raise = vec![0.0f64; nb * ng];
        let mut any = vec![false; nb * nc];
        let mut below = vec![false; nb * nc];
        let mut slack = vec![true; nb * nc];
        for (i, &b) in block_of.iter().enumerate().take(sim_grid.len()) {
            for (k, &c) in planned.iter().enumerate() {
                let j = i * nc + k;
                if ev.expected[j] <= 0.0 {
                    continue;
                }
                any[b * nc + k] = true;
                let p = ev.p_meet[j];
                let mean_sl = ev.sl[j].summary().map_or(0.0, |s| s.mean);
                let was = raised_at[j].take();
                if p < opts.confidence - 1e-12 {
                    step.below += 1;
                    below[b * nc + k] = true;
                    slack[b * nc + k] = false;
                    // Raised last time and neither P(meet) nor the mean SL moved (common
                    // random numbers: no noise): what it lacks is not the flex pools'
                    // (e.g. calls of a group no pool serves). Never raised again.
                    if let Some((p0, sl0)) = was
                        && p <= p0 + 1e-12
                        && mean_sl < sl0 + FUTILE_SL_GAIN
                    {
                        futile[j] = true;
                    }
                    if futile[j] {
                        step.capacity_limited += 1;
                        continue;
                    }
                    let gs = (0..ng).filter(|&g| req.group_channel[g] == c && served[g]);
                    let Some(g) = gs.max_by(|&a, &b2| {
                        req.erlang_a[b * ng + a]
                            .total_cmp(&req.erlang_a[b * ng + b2])
                            .then(b2.cmp(&a))
                    }) else {
                        step.capacity_limited += 1;
                        continue;
                    };
                    if short[b * ng + g] {
                        step.capacity_limited += 1;
                        continue;
                    }
                    // Far from the target (the simulation needs many more agents than
                    // Erlang A: redials, repeats, backlog), step by the missing share of
                    // the analytic requirement; near it, by the missing probability.
                    let gap = ev.sl[j]
                        .summary()
                        .map_or(0.0, |s| (base.channels[c].target_share - s.mean).max(0.0));
                    let add = ((opts.confidence - p) * 4.0)
                        .ceil()
                        .max((gap * req.erlang_a[b * ng + g]).ceil())
                        .max(1.0);
                    raise[b * ng + g] = raise[b * ng + g].max(add);
                    step.raised += 1;
                    raised_at[j] = Some((p, mean_sl));
                } else {
                    let target = base.channels[c].target_share;
                    let roomy = p >= 1.0
                        && ev.sl[j]
                            .summary()
                            .is_some_and(|s| s.mean >= target + opts.slack);
                    if !roomy {
                        slack[b * nc + k] = false;
                    }
                }
            }
        }
        for b in 0..nb {
            for g in 0..ng {
                if raise[b * ng + g] > 0.0 {
                    need[b * ng + g] += raise[b * ng + g];
                }
            }
            for (k, &c) in planned.iter().enumerate() {
                let bk = b * nc + k;
                if below[bk] && removed[bk] {
                    locked[bk] = true;
                }
                if !any[bk] || below[bk] || !slack[bk] || locked[bk] {
                    continue;
                }
                if let Some(g) = (0..ng)
                    .filter(|&g| req.group_channel[g] == c && served[g])
                    .filter(|&g| need[b * ng + g] > 0.0)
                    .max_by(|&a, &b2| need[b * ng + a].total_cmp(&need[b * ng + b2]))
                {
                    need[b * ng + g] = (need[b * ng + g] - 1.0).max(0.0);
                    removed[bk] = true;
                    step.lowered += 1;
                }
            }
        }
        let same = prev_shifts.as_ref() == Some(&plan.shifts);
        let done = step.raised == 0 && (same || step.lowered == 0);
        steps.push(step);
        prev_shifts = Some(plan.shifts.clone());
        prev_eval = Some((plan.shifts.clone(), ev.clone()));
        if done {
            // The need may have been lowered without changing the plan; keep the need the
            // plan was made from.
            return Ok(Iterated {
                need: problem.need.clone(),
                plan,
                evaluation: ev,
                steps,
                converged: true,
            });
        }
        if it == opts.max_iterations {
            return Ok(Iterated {
                need: problem.need.clone(),
                plan,
                evaluation: ev,
                steps,
                converged: false,
            });
        }
    }
    Err(StaffingError::Need(
        "max_iterations must be at least 1".into(),
    ))
}
