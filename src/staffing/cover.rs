//! The flex covering problem: the cheapest flex shifts that cover the need left after the
//! permanent roster.
//!
//! # Model
//!
//! * **Need** — per interval and need group, in *standard agents* by default
//!   ([`NeedUnit::AvailableAgents`]: what Erlang or the simulation asks for, minus what the
//!   roster delivers). A flex head on duty delivers what the capacity model
//!   ([`HeadWorth::agents`]) says it is worth: `(1 − absence)(1 − in_shift) / aht_factor`,
//!   exactly what the requirement credits a permanent head with and what the simulator
//!   plays (it draws absences, breaks and the slower handling for flex agents too). With
//!   [`NeedUnit::Heads`] a head delivers exactly 1.
//! * **Templates** — for every pool, date and allowed start, every length in steps of the
//!   grid interval such that the shift lies inside the pool's availability window of that
//!   weekday and its real length (DST days included) is within `[min_shift_h, max_shift_h]`.
//!   Starts: the pool's `start_times`, or every full hour inside availability. Dates: inside
//!   `[available_from, available_until]` and not before `plan_date + notice_days`.
//! * **Groups** — a pool serves a group (skill × channel) when it has both. One head counts
//!   for one group per shift (decision variables are template × group), which is what a
//!   planner can tell an agent ("you are on phone today").
//! * **Opening hours** — a shift's intervals when its group's channel is closed count for
//!   nothing: such shifts are allowed (they may be the only legal ones) but never required.
//!   Need in a closed interval cannot be covered and is reported short.
//! * **Headcount** — people work at most one shift a day, so heads on a date per pool ≤
//!   `min(max_per_day, max_headcount)`, and optionally all pools together ≤
//!   [`CoverOptions::max_heads_per_day`]. Dates are independent, so the problem decomposes
//!   exactly by date and the dates are solved in parallel.
//! * **Cost** — per head `hourly_cost_eur × max(real hours, min_paid_hours)`. Outsourcer
//!   per-contact prices are the `cost` module's business. Pools' already `scheduled` shifts
//!   are not seen here: subtract their delivery from the need first
//!   ([`roster::flex_heads`](super::roster::flex_heads)).
//!
//! # Solution
//!
//! Per date: need that no pool could cover even alone (outside every availability window,
//! beyond every pool's daily capacity) is split off as *beyond capacity*. Dominated templates
//! are removed (same pool and group, covers no more needed intervals, costs no less) — this
//! keeps every optimum. The LP relaxation (microlp) gives the lower bound and a starting
//! point; the integer plan is the best of LP rounding (down and to nearest) + greedy repair
//! (best coverage per euro) + local improvement (drop heads that are not needed, move a head
//! to another shift of the same pool when that lowers the shortage or the cost), and, when
//! the date has at most [`CoverOptions::mip_max_vars`] columns or the heuristic leaves short
//! a date the LP covers, microlp's branch & bound with a node budget (a deterministic limit,
//! never wall-clock time), warm-started from the heuristic.
//! Without shortage variables the LP also carries integer rounding cuts for every row
//! (`Σ ⌈y_c / δ⌉ heads_c ≥ ⌈need / δ⌉` for each delivery δ in the row), valid for whole
//! heads, which close most of the gap between fractional and whole agents (on the bench
//! instance: 12% → 0.5%).
//!
//! When the pools jointly cannot cover a date the plan keeps what it covers and lists every
//! interval still short; [`DaySummary::full_cover_impossible`] says when the LP with the
//! rounding cuts proves that no plan of whole heads covers the date, and
//! [`DaySummary::min_shortage`] is the LP's minimum total shortage (a proof that at least that
//! much cannot be avoided); the lower bound is the LP optimum among plans at
//! most as short in total as the returned one, so `cost ≥ lp_bound` always holds. Nothing
//! loops unboundedly: the greedy adds at most the pools' daily heads, every improvement move
//! lowers (shortage, cost), passes and branch & bound nodes are capped.

use std::collections::BTreeMap;

use jiff::civil::Date;
use microlp::{ComparisonOp, OptimizationDirection, Problem, SolveOptions, Variable};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Grid, NeedGroup, StaffingError};
use crate::scenario::{Channel, ClockTime, Day, FlexPool, FlexShift, WeekHours};
use crate::sim::HeadWorth;

/// Coverage within this many agents of the need counts as covered (float round-off).
const TOL: f64 = 1e-9;

/// The unit the need is given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum NeedUnit {
    /// Standard agents: a flex head delivers its [`HeadWorth::agents`].
    #[default]
    AvailableAgents,
    /// Heads on duty: a flex head delivers 1.
    Heads,
}

/// Knobs of the solver (the defaults suit a 15-minute grid and a few pools).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoverOptions {
    pub need_unit: NeedUnit,
    /// Dates with at most this many columns (template × group after pruning) also get
    /// microlp's branch & bound (dates the heuristic leaves short while the LP covers them
    /// always get it). Default 1,000.
    pub mip_max_vars: usize,
    /// Branch & bound nodes per date (a deterministic budget). Default 200.
    pub mip_node_limit: u64,
    /// Passes of the local improvement. Default 20.
    pub improve_passes: usize,
    /// At most this many flex heads on any one date, all pools together (the knob of a
    /// headcount frontier: "with 30 flex agents a day …"). Default `None`: only the pools'
    /// own limits.
    pub max_heads_per_day: Option<u32>,
    /// The dates (planning-grid day indices) on which `max_heads_per_day` binds, `true` per
    /// day. Default `None`: every date (a promise's target days are capped alone).
    pub capped_days: Option<Vec<bool>>,
}

impl CoverOptions {
    /// The cap on flex heads, all pools together, on day `d` (`None`: no cap).
    pub fn total_cap_on(&self, d: usize) -> Option<u32> {
        let k = self.max_heads_per_day?;
        match &self.capped_days {
            Some(days) if !days.get(d).copied().unwrap_or(false) => None,
            _ => Some(k),
        }
    }
}

impl Default for CoverOptions {
    fn default() -> Self {
        CoverOptions {
            need_unit: NeedUnit::AvailableAgents,
            mip_max_vars: 1_000,
            mip_node_limit: 200,
            improve_passes: 20,
            max_heads_per_day: None,
            capped_days: None,
        }
    }
}

/// Everything the covering needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoverProblem {
    pub grid: Grid,
    pub groups: Vec<NeedGroup>,
    /// Extra agents needed, `[slot * groups + group]`, finite and ≥ 0.
    pub need: Vec<f64>,
    pub pools: Vec<FlexPool>,
    /// Channel → opening hours; a channel not listed is always open.
    pub opening_hours: BTreeMap<String, WeekHours>,
    /// The day the plan is made; a pool works from `plan_date + notice_days` on.
    pub plan_date: Date,
}

impl CoverProblem {
    /// The opening hours of a scenario's channels, keyed by name.
    pub fn opening_hours_of(channels: &[Channel]) -> BTreeMap<String, WeekHours> {
        channels
            .iter()
            .map(|c| (c.name.clone(), c.opening_hours))
            .collect()
    }
}

/// One planned flex shift: `heads` agents of a pool on a date, all counted for one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedShift {
    pub pool: String,
    /// Index into [`CoverProblem::pools`].
    pub pool_index: usize,
    pub date: Date,
    pub start: ClockTime,
    pub end: ClockTime,
    pub heads: u32,
    /// The group these heads count for.
    pub group: NeedGroup,
    /// Real hours per head (the sum of covered intervals; differs from the clock on DST days).
    pub hours: f64,
    /// Cost of all its heads.
    pub cost_eur: f64,
}

/// One pool's share of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoolSummary {
    pub pool: String,
    /// Paid-for real hours (heads × hours, before `min_paid_hours`).
    pub hours: f64,
    pub cost_eur: f64,
    /// Heads (= distinct people) on each date of the grid, aligned with `Grid::days`.
    pub headcount_per_day: Vec<u32>,
    /// The most heads on any one date: the people this pool must have ready.
    pub peak_headcount: u32,
    /// The first date with that many (None when the pool is not used).
    pub peak_date: Option<Date>,
}

/// An interval and group whose need the plan does not cover.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShortInterval {
    /// Index into the grid's slots.
    pub slot: usize,
    pub date: Date,
    /// Local clock start.
    pub start: ClockTime,
    pub group: NeedGroup,
    pub need: f64,
    /// What the plan delivers there.
    pub covered: f64,
    /// `need − covered`.
    pub short: f64,
    /// The part no pool could deliver even with all its heads of the day there (outside
    /// availability, channel closed, beyond the pools' capacity): provably uncoverable.
    pub beyond_capacity: f64,
}

/// How a date's integer plan was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DayMethod {
    /// Nothing to cover.
    NoNeed,
    /// microlp branch & bound ran within its node budget: the plan is its answer (or the
    /// heuristic's, when they cost the same), proved optimal or not.
    Mip { proven_optimal: bool },
    /// LP rounding + greedy repair + local improvement.
    Heuristic,
    /// The LP relaxation failed numerically: greedy repair + local improvement from an empty
    /// plan, lower bound 0.
    LpFailed,
}

/// One date's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DaySummary {
    pub date: Date,
    pub cost_eur: f64,
    pub lp_bound_eur: f64,
    pub method: DayMethod,
    /// Columns (template × group) after pruning.
    pub columns: usize,
    /// Need left uncovered on this date beyond what no pool could reach alone, in
    /// agent-intervals (sum over intervals and groups).
    pub shortage: f64,
    /// The LP's minimum of that shortage: a proof that at least this much stays short,
    /// whatever the plan (0 when fractional heads could cover everything).
    pub min_shortage: f64,
    /// True when it is proved that no plan of whole heads covers this date: the LP with the
    /// integer rounding cuts has no solution.
    pub full_cover_impossible: bool,
}

/// The flex plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoverPlan {
    /// Shifts sorted by pool, date, start, end, group.
    pub shifts: Vec<PlannedShift>,
    /// Per pool, in input order.
    pub pools: Vec<PoolSummary>,
    /// Sum over pools of their peak headcount: the flex people to have ready — the number a
    /// manager must justify.
    pub peak_headcount: u32,
    /// The most flex heads on one date, all pools together, and the first such date.
    pub peak_day_headcount: u32,
    pub peak_day: Option<Date>,
    pub total_hours: f64,
    pub total_cost_eur: f64,
    /// LP lower bound on the cost (see the module documentation).
    pub lp_bound_eur: f64,
    /// `total_cost_eur − lp_bound_eur`.
    pub gap_eur: f64,
    /// `gap_eur / total_cost_eur` (0 when nothing is spent).
    pub gap: f64,
    /// Flex heads on duty, `[slot * pools + pool]`.
    pub on_duty: Vec<u32>,
    /// Agents delivered per need group (open intervals only), `[slot * groups + group]`.
    pub delivered: Vec<f64>,
    /// Every interval and group still short, in slot then group order.
    pub short: Vec<ShortInterval>,
    pub days: Vec<DaySummary>,
}

/// A candidate shift.
#[derive(Debug, Clone)]
struct Template {
    pool: usize,
    day: usize,
    start_min: u32,
    end_min: u32,
    slots: std::ops::Range<usize>,
    hours: f64,
    cost: f64,
}

/// One column of a date's problem: `x` heads of a template counted for a group.
#[derive(Debug, Clone)]
struct Column {
    template: usize,
    group: usize,
    pool: usize,
    /// Rows (of the date's problem) it covers, ascending.
    rows: Vec<usize>,
    delivery: f64,
    cost: f64,
}

/// One date's covering problem.
#[derive(Debug)]
struct DayProblem {
    /// `(slot, group, need)` with need > 0 (capped at what the pools could deliver).
    rows: Vec<(usize, usize, f64)>,
    cols: Vec<Column>,
    /// Heads per date per pool.
    caps: Vec<u32>,
    /// Heads per date, all pools together.
    total_cap: u32,
}

/// An integer plan of one date: heads per column, with its cost and total shortage.
#[derive(Debug, Clone)]
struct DayPlan {
    x: Vec<u32>,
    cost: f64,
    shortage: f64,
}

/// Finds the cheapest flex shifts covering `problem.need` (see the module documentation).
pub fn cover(problem: &CoverProblem, options: &CoverOptions) -> Result<CoverPlan, StaffingError> {
    cover_inner(problem, options, None)
}

/// Covers `problem.need` *on top of* `base`, a plan of the same problem whose shifts are
/// kept: only what `base` leaves short is covered, with the heads `base` leaves free on
/// each date. The result holds `base`'s shifts plus the new ones, so every interval gets at
/// least what `base` delivered (planners add to a roster that works rather than redraw
/// it). Its `lp_bound_eur` is `base`'s cost plus the LP bound of the addition: a bound for
/// plans that keep `base`, not for the whole problem.
pub fn cover_more(
    problem: &CoverProblem,
    base: &CoverPlan,
    options: &CoverOptions,
) -> Result<CoverPlan, StaffingError> {
    if base.delivered.len() != problem.need.len()
        || base.pools.len() != problem.pools.len()
        || base.days.len() != problem.grid.days.len()
    {
        return Err(StaffingError::Need(
            "the base plan belongs to another covering problem".into(),
        ));
    }
    cover_inner(problem, options, Some(base))
}

fn cover_inner(
    problem: &CoverProblem,
    options: &CoverOptions,
    base: Option<&CoverPlan>,
) -> Result<CoverPlan, StaffingError> {
    validate(problem)?;
    let templates = templates(problem);
    let delivery = deliveries(problem, options);
    let serves = serves_matrix(problem);
    let open = open_matrix(problem);
    let caps: Vec<u32> = problem.pools.iter().map(day_cap).collect();
    let reach = reach(
        problem, options, &templates, &delivery, &serves, &open, &caps,
    );
    // The need still to cover: what can be reached, less what the base plan delivers.
    let capped: Vec<f64> = problem
        .need
        .iter()
        .zip(&reach)
        .enumerate()
        .map(|(i, (n, r))| {
            let have = base.map_or(0.0, |b| b.delivered[i]);
            (n.min(*r) - have).max(0.0)
        })
        .collect();
    let n_days = problem.grid.days.len();
    let mut by_day: Vec<Vec<usize>> = vec![Vec::new(); n_days];
    for (k, t) in templates.iter().enumerate() {
        by_day[t.day].push(k);
    }
    let solved: Vec<Result<(DayProblem, SolvedDay), StaffingError>> = (0..n_days)
        .into_par_iter()
        .map(|d| {
            // Heads the base plan already has on this date.
            let used: Vec<u32> = (0..problem.pools.len())
                .map(|p| base.map_or(0, |b| b.pools[p].headcount_per_day[d]))
                .collect();
            let free: Vec<u32> = caps
                .iter()
                .zip(&used)
                .map(|(c, u)| c.saturating_sub(*u))
                .collect();
            let mut dp = day_problem(
                problem, &templates, &by_day[d], d, &capped, &delivery, &serves, &open, &free,
            );
            dp.total_cap = options
                .total_cap_on(d)
                .unwrap_or(u32::MAX)
                .saturating_sub(used.iter().sum());
            let solved = solve_day(&dp, options)?;
            Ok((dp, solved))
        })
        .collect();
    // Assemble, on top of the base plan when there is one.
    let mut plan = Assembly::new(problem, base);
    for (d, result) in solved.into_iter().enumerate() {
        let (dp, solved) = result?;
        plan.add_day(problem, d, &dp, &solved, &templates, &delivery, &open);
    }
    Ok(plan.finish(problem, &reach))
}

/// What each (slot, group) could get at most: every pool's daily heads there (within the
/// total cap per day, when there is one).
fn reach(
    problem: &CoverProblem,
    options: &CoverOptions,
    templates: &[Template],
    delivery: &[f64],
    serves: &[Vec<bool>],
    open: &[bool],
    caps: &[u32],
) -> Vec<f64> {
    let grid = &problem.grid;
    let n_groups = problem.groups.len();
    let n_pools = problem.pools.len();
    let mut reach = vec![0.0; grid.len() * n_groups];
    let mut seen = vec![false; grid.len() * n_pools];
    for t in templates {
        for s in t.slots.clone() {
            seen[s * n_pools + t.pool] = true;
        }
    }
    for s in 0..grid.len() {
        for p in 0..n_pools {
            if !seen[s * n_pools + p] {
                continue;
            }
            for g in 0..n_groups {
                if serves[p][g] && open[s * n_groups + g] {
                    reach[s * n_groups + g] += f64::from(caps[p]) * delivery[p];
                }
            }
        }
    }
    if options.max_heads_per_day.is_some() {
        let best_delivery = delivery.iter().copied().fold(0.0, f64::max);
        for (j, r) in reach.iter_mut().enumerate() {
            if let Some(k) = options.total_cap_on(grid.slots[j / n_groups].day) {
                *r = r.min(f64::from(k) * best_delivery);
            }
        }
    }
    reach
}

/// A cover plan being put together day by day (on top of a base plan, when there is one).
struct Assembly {
    shifts: Vec<PlannedShift>,
    days: Vec<DaySummary>,
    on_duty: Vec<u32>,
    delivered: Vec<f64>,
    /// Per pool and day.
    headcount: Vec<Vec<u32>>,
    pool_hours: Vec<f64>,
    pool_cost: Vec<f64>,
    base_day_cost: Vec<f64>,
}

impl Assembly {
    fn new(problem: &CoverProblem, base: Option<&CoverPlan>) -> Assembly {
        let grid = &problem.grid;
        let (n_groups, n_pools) = (problem.groups.len(), problem.pools.len());
        Assembly {
            shifts: base.map_or_else(Vec::new, |b| b.shifts.clone()),
            days: Vec::new(),
            on_duty: base.map_or_else(|| vec![0u32; grid.len() * n_pools], |b| b.on_duty.clone()),
            delivered: base
                .map_or_else(|| vec![0.0; grid.len() * n_groups], |b| b.delivered.clone()),
            headcount: (0..n_pools)
                .map(|p| {
                    base.map_or_else(
                        || vec![0u32; grid.days.len()],
                        |b| b.pools[p].headcount_per_day.clone(),
                    )
                })
                .collect(),
            pool_hours: (0..n_pools)
                .map(|p| base.map_or(0.0, |b| b.pools[p].hours))
                .collect(),
            pool_cost: (0..n_pools)
                .map(|p| base.map_or(0.0, |b| b.pools[p].cost_eur))
                .collect(),
            base_day_cost: (0..grid.days.len())
                .map(|d| base.map_or(0.0, |b| b.days[d].cost_eur))
                .collect(),
        }
    }

    /// Adds day `d`'s solution: its summary, its shifts and what they deliver.
    #[allow(clippy::too_many_arguments)]
    fn add_day(
        &mut self,
        problem: &CoverProblem,
        d: usize,
        dp: &DayProblem,
        solved: &SolvedDay,
        templates: &[Template],
        delivery: &[f64],
        open: &[bool],
    ) {
        let grid = &problem.grid;
        let (n_groups, n_pools) = (problem.groups.len(), problem.pools.len());
        let plan = &solved.plan;
        let base_cost = self.base_day_cost[d];
        self.days.push(DaySummary {
            date: grid.days[d],
            cost_eur: base_cost + plan.cost,
            lp_bound_eur: base_cost + solved.bound,
            method: solved.method,
            columns: dp.cols.len(),
            shortage: plan.shortage,
            min_shortage: solved.min_shortage,
            full_cover_impossible: solved.full_cover_impossible,
        });
        for (c, &x) in plan.x.iter().enumerate() {
            if x == 0 {
                continue;
            }
            let col = &dp.cols[c];
            let t = &templates[col.template];
            let p = t.pool;
            self.headcount[p][d] += x;
            self.pool_hours[p] += f64::from(x) * t.hours;
            self.pool_cost[p] += f64::from(x) * t.cost;
            for s in t.slots.clone() {
                self.on_duty[s * n_pools + p] += x;
                if open[s * n_groups + col.group] {
                    self.delivered[s * n_groups + col.group] += f64::from(x) * delivery[p];
                }
            }
            self.shifts.push(PlannedShift {
                pool: problem.pools[p].name.clone(),
                pool_index: p,
                date: grid.days[d],
                start: clock(t.start_min),
                end: clock(t.end_min),
                heads: x,
                group: problem.groups[col.group].clone(),
                hours: t.hours,
                cost_eur: f64::from(x) * t.cost,
            });
        }
    }

    /// The plan: shifts in canonical order, pool and peak summaries, intervals left short
    /// (`reach`: what each (slot, group) could get at most) and the costs.
    fn finish(mut self, problem: &CoverProblem, reach: &[f64]) -> CoverPlan {
        let grid = &problem.grid;
        self.canonical_shifts();
        let pools: Vec<PoolSummary> = (0..problem.pools.len())
            .map(|p| {
                let headcount = &self.headcount[p];
                let peak = headcount.iter().copied().max().unwrap_or(0);
                PoolSummary {
                    pool: problem.pools[p].name.clone(),
                    hours: self.pool_hours[p],
                    cost_eur: self.pool_cost[p],
                    peak_headcount: peak,
                    peak_date: (peak > 0)
                        .then(|| grid.days[headcount.iter().position(|&h| h == peak).unwrap()]),
                    headcount_per_day: headcount.clone(),
                }
            })
            .collect();
        let day_totals: Vec<u32> = (0..grid.days.len())
            .map(|d| self.headcount.iter().map(|h| h[d]).sum())
            .collect();
        let peak_day_headcount = day_totals.iter().copied().max().unwrap_or(0);
        let peak_day = (peak_day_headcount > 0).then(|| {
            grid.days[day_totals
                .iter()
                .position(|&h| h == peak_day_headcount)
                .unwrap()]
        });
        let short = short_intervals(problem, &self.delivered, reach);
        let total_cost_eur = self.days.iter().map(|d| d.cost_eur).fold(0.0, |a, b| a + b);
        let lp_bound_eur = self
            .days
            .iter()
            .map(|d| d.lp_bound_eur)
            .fold(0.0, |a, b| a + b);
        let gap_eur = total_cost_eur - lp_bound_eur;
        CoverPlan {
            shifts: self.shifts,
            peak_headcount: pools.iter().map(|p| p.peak_headcount).sum(),
            pools,
            peak_day_headcount,
            peak_day,
            total_hours: self.pool_hours.iter().fold(0.0, |a, b| a + b),
            total_cost_eur,
            lp_bound_eur,
            gap_eur,
            gap: if total_cost_eur > 0.0 {
                gap_eur / total_cost_eur
            } else {
                0.0
            },
            on_duty: self.on_duty,
            delivered: self.delivered,
            short,
            days: self.days,
        }
    }

    /// Sorts the shifts by pool, date, start, end and group, merging identical ones.
    fn canonical_shifts(&mut self) {
        self.shifts.sort_by(|a, b| {
            (a.pool_index, a.date, a.start, a.end, &a.group).cmp(&(
                b.pool_index,
                b.date,
                b.start,
                b.end,
                &b.group,
            ))
        });
        // Merge identical shifts counted for the same group (can only come from distinct
        // columns that map to one template, which pruning prevents, but keep the output
        // canonical).
        self.shifts.dedup_by(|b, a| {
            let same = a.pool_index == b.pool_index
                && a.date == b.date
                && a.start == b.start
                && a.end == b.end
                && a.group == b.group;
            if same {
                a.heads += b.heads;
                a.cost_eur += b.cost_eur;
            }
            same
        });
    }
}

/// The (slot, group) cells the plan leaves short of their need.
fn short_intervals(problem: &CoverProblem, delivered: &[f64], reach: &[f64]) -> Vec<ShortInterval> {
    let grid = &problem.grid;
    let n_groups = problem.groups.len();
    let mut short = Vec::new();
    for s in 0..grid.len() {
        for g in 0..n_groups {
            let i = s * n_groups + g;
            let need = problem.need[i];
            if need - delivered[i] > TOL {
                short.push(ShortInterval {
                    slot: s,
                    date: grid.days[grid.slots[s].day],
                    start: clock(grid.slots[s].start_min),
                    group: problem.groups[g].clone(),
                    need,
                    covered: delivered[i],
                    short: need - delivered[i],
                    beyond_capacity: (need - reach[i]).max(0.0),
                });
            }
        }
    }
    short
}

impl CoverPlan {
    /// One pool's planned shifts as scenario [`FlexShift`]s (heads of the same date, start
    /// and end added up over groups), in date and time order: what a pool's `scheduled`
    /// list takes, so the simulator can replay the plan.
    pub fn flex_shifts(&self, pool_index: usize) -> Vec<FlexShift> {
        let mut out: Vec<FlexShift> = Vec::new();
        let mut shifts: Vec<&PlannedShift> = self
            .shifts
            .iter()
            .filter(|s| s.pool_index == pool_index)
            .collect();
        shifts.sort_by_key(|s| (s.date, s.start, s.end));
        for s in shifts {
            match out.last_mut() {
                Some(last) if (last.date, last.start, last.end) == (s.date, s.start, s.end) => {
                    last.heads += s.heads;
                }
                _ => out.push(FlexShift {
                    date: s.date,
                    start: s.start,
                    end: s.end,
                    heads: s.heads,
                }),
            }
        }
        out
    }
}

fn clock(min: u32) -> ClockTime {
    // Template and slot clock times lie in 0..=1440 by construction.
    ClockTime::from_hm((min / 60) as u16, (min % 60) as u16).unwrap_or(ClockTime::END_OF_DAY)
}

/// What one head of a flex pool delivers to the need, in its unit.
pub fn pool_worth(p: &FlexPool) -> HeadWorth {
    HeadWorth {
        absence: p.shrinkage.absence,
        in_shift: p.shrinkage.in_shift,
        aht_factor: p.aht_factor,
    }
}

fn deliveries(problem: &CoverProblem, options: &CoverOptions) -> Vec<f64> {
    problem
        .pools
        .iter()
        .map(|p| match options.need_unit {
            NeedUnit::AvailableAgents => pool_worth(p).agents(),
            NeedUnit::Heads => 1.0,
        })
        .collect()
}

/// Heads a pool can put on one date.
fn day_cap(p: &FlexPool) -> u32 {
    p.max_per_day
        .unwrap_or(p.max_headcount)
        .min(p.max_headcount)
}

fn validate(problem: &CoverProblem) -> Result<(), StaffingError> {
    let expected = problem.grid.len() * problem.groups.len();
    if problem.need.len() != expected {
        return Err(StaffingError::Need(format!(
            "{} values; expected slots × groups = {} × {} = {expected}",
            problem.need.len(),
            problem.grid.len(),
            problem.groups.len()
        )));
    }
    if let Some(i) = problem.need.iter().position(|n| !n.is_finite() || *n < 0.0) {
        return Err(StaffingError::Need(format!(
            "value {} at index {i} (slot {}, group {}); expected a finite number ≥ 0",
            problem.need[i],
            i / problem.groups.len().max(1),
            i % problem.groups.len().max(1)
        )));
    }
    for p in &problem.pools {
        let err = |field: &'static str, why: &str| {
            Err(StaffingError::Pool {
                pool: p.name.clone(),
                field,
                why: why.to_string(),
            })
        };
        if !(p.min_shift_h.is_finite() && p.min_shift_h > 0.0 && p.min_shift_h <= 24.0) {
            return err("min_shift_h", "expected hours in (0, 24]");
        }
        if !(p.max_shift_h.is_finite() && p.max_shift_h >= p.min_shift_h && p.max_shift_h <= 24.0) {
            return err("max_shift_h", "expected hours in [min_shift_h, 24]");
        }
        if !(p.hourly_cost_eur.is_finite() && p.hourly_cost_eur >= 0.0) {
            return err("hourly_cost_eur", "expected a finite amount ≥ 0");
        }
        if !(p.min_paid_hours.is_finite() && (0.0..=24.0).contains(&p.min_paid_hours)) {
            return err("min_paid_hours", "expected hours in [0, 24]");
        }
        if !(0.0..1.0).contains(&p.shrinkage.in_shift) {
            return err("shrinkage.in_shift", "expected a share in [0, 1)");
        }
        if let (Some(f), Some(u)) = (p.available_from, p.available_until)
            && f > u
        {
            return err("available_from", "is after available_until");
        }
    }
    Ok(())
}

/// `[pool][group]`: whether the pool's skills and channels serve the need group.
fn serves_matrix(problem: &CoverProblem) -> Vec<Vec<bool>> {
    problem
        .pools
        .iter()
        .map(|p| {
            problem
                .groups
                .iter()
                .map(|g| g.served_by(&p.skills, &p.channels))
                .collect()
        })
        .collect()
}

/// `[slot * groups + group]`: is the group's channel open in that slot (open during any part
/// of it: a planning interval coarser than the opening hours' grid counts as open)?
fn open_matrix(problem: &CoverProblem) -> Vec<bool> {
    let grid = &problem.grid;
    let mut open = Vec::with_capacity(grid.len() * problem.groups.len());
    for slot in &grid.slots {
        let day = Day::of(grid.days[slot.day]);
        for g in &problem.groups {
            open.push(match problem.opening_hours.get(&g.channel) {
                None => true,
                Some(hours) => hours.on(day).is_some_and(|(from, to)| {
                    slot.start_min < to.minutes()
                        && slot.start_min + slot.length_min > from.minutes()
                }),
            });
        }
    }
    open
}

/// Every legal shift of every pool (see the module documentation), in pool, date, start,
/// length order, without two templates covering the same intervals.
fn templates(problem: &CoverProblem) -> Vec<Template> {
    let grid = &problem.grid;
    let step = grid.step_min.max(1);
    let mut out = Vec::new();
    for (p, pool) in problem.pools.iter().enumerate() {
        if day_cap(pool) == 0 {
            continue;
        }
        let first_date = problem
            .plan_date
            .checked_add(jiff::Span::new().days(i64::from(pool.notice_days)))
            .unwrap_or(jiff::civil::Date::MAX);
        let min_min = pool.min_shift_h * 60.0 - 1e-6;
        let max_min = pool.max_shift_h * 60.0 + 1e-6;
        for (d, &date) in grid.days.iter().enumerate() {
            if date < first_date
                || pool.available_from.is_some_and(|f| date < f)
                || pool.available_until.is_some_and(|u| date > u)
            {
                continue;
            }
            let Some((from, to)) = pool.availability.on(Day::of(date)) else {
                continue;
            };
            let (from, to) = (from.minutes(), to.minutes());
            if to <= from {
                continue;
            }
            let starts: Vec<u32> = if pool.start_times.is_empty() {
                (from.div_ceil(60)..24)
                    .map(|h| h * 60)
                    .filter(|&s| s < to)
                    .collect()
            } else {
                let mut s: Vec<u32> = pool
                    .start_times
                    .iter()
                    .map(|t| t.minutes())
                    .filter(|&s| s >= from && s < to)
                    .collect();
                s.sort_unstable();
                s.dedup();
                s
            };
            let day_slots = grid.day_slots(d);
            let mut last: Option<(u32, std::ops::Range<usize>)> = None;
            for &start in &starts {
                // The start must be a real local time of this date (not in a DST gap).
                if !day_slots.clone().any(|i| grid.slots[i].start_min == start) {
                    continue;
                }
                let mut len = step;
                while start + len <= to {
                    let slots = grid.covered(d, start, start + len);
                    let real: u32 = slots.clone().map(|i| grid.slots[i].length_min).sum();
                    let real = f64::from(real);
                    let dup = last
                        .as_ref()
                        .is_some_and(|(s0, r0)| *s0 == start && *r0 == slots);
                    if !dup && real >= min_min && real <= max_min {
                        let hours = real / 60.0;
                        out.push(Template {
                            pool: p,
                            day: d,
                            start_min: start,
                            end_min: start + len,
                            slots: slots.clone(),
                            hours,
                            cost: pool.hourly_cost_eur * hours.max(pool.min_paid_hours),
                        });
                    }
                    last = Some((start, slots));
                    len += step;
                }
            }
        }
    }
    out
}

/// Builds one date's rows and (pruned) columns.
#[allow(clippy::too_many_arguments)]
fn day_problem(
    problem: &CoverProblem,
    templates: &[Template],
    day_templates: &[usize],
    d: usize,
    capped: &[f64],
    delivery: &[f64],
    serves: &[Vec<bool>],
    open: &[bool],
    caps: &[u32],
) -> DayProblem {
    let n_groups = problem.groups.len();
    let mut rows = Vec::new();
    for s in problem.grid.day_slots(d) {
        for g in 0..n_groups {
            let need = capped[s * n_groups + g];
            if need > TOL {
                rows.push((s, g, need));
            }
        }
    }
    let cols = if rows.is_empty() {
        Vec::new()
    } else {
        day_columns(
            problem,
            templates,
            day_templates,
            d,
            &rows,
            delivery,
            serves,
            open,
        )
    };
    DayProblem {
        rows,
        cols: prune(cols),
        caps: caps.to_vec(),
        total_cap: u32::MAX,
    }
}

/// Every column (template × group) of one date that covers some row.
#[allow(clippy::too_many_arguments)]
fn day_columns(
    problem: &CoverProblem,
    templates: &[Template],
    day_templates: &[usize],
    d: usize,
    rows: &[(usize, usize, f64)],
    delivery: &[f64],
    serves: &[Vec<bool>],
    open: &[bool],
) -> Vec<Column> {
    let n_groups = problem.groups.len();
    let day_slots = problem.grid.day_slots(d);
    let mut row_of = vec![usize::MAX; day_slots.len() * n_groups];
    for (r, &(s, g, _)) in rows.iter().enumerate() {
        row_of[(s - day_slots.start) * n_groups + g] = r;
    }
    let mut cols = Vec::new();
    for &k in day_templates {
        let t = &templates[k];
        for g in 0..n_groups {
            if !serves[t.pool][g] || delivery[t.pool] <= 0.0 {
                continue;
            }
            let covered: Vec<usize> = t
                .slots
                .clone()
                .filter(|&s| open[s * n_groups + g])
                .map(|s| row_of[(s - day_slots.start) * n_groups + g])
                .filter(|&r| r != usize::MAX)
                .collect();
            if covered.is_empty() {
                continue;
            }
            cols.push(Column {
                template: k,
                group: g,
                pool: t.pool,
                rows: covered,
                delivery: delivery[t.pool],
                cost: t.cost,
            });
        }
    }
    cols
}

/// Removes dominated columns: same pool and group, covering a subset of another's rows at no
/// lower cost (ties keep the earlier column). Keeps the column order of the survivors.
fn prune(cols: Vec<Column>) -> Vec<Column> {
    let mut order: Vec<usize> = (0..cols.len()).collect();
    order.sort_by(|&a, &b| {
        cols[a]
            .cost
            .total_cmp(&cols[b].cost)
            .then(cols[b].rows.len().cmp(&cols[a].rows.len()))
            .then(a.cmp(&b))
    });
    let subset = |a: &[usize], b: &[usize]| {
        // Both ascending.
        let mut j = 0;
        for &r in a {
            while j < b.len() && b[j] < r {
                j += 1;
            }
            if j == b.len() || b[j] != r {
                return false;
            }
        }
        true
    };
    let mut kept: Vec<usize> = Vec::new();
    for &a in &order {
        let ca = &cols[a];
        let dominated = kept.iter().any(|&b| {
            let cb = &cols[b];
            cb.pool == ca.pool
                && cb.group == ca.group
                && cb.cost <= ca.cost
                && cb.rows.len() >= ca.rows.len()
                && subset(&ca.rows, &cb.rows)
        });
        if !dominated {
            kept.push(a);
        }
    }
    kept.sort_unstable();
    let mut keep = vec![false; cols.len()];
    for k in kept {
        keep[k] = true;
    }
    cols.into_iter()
        .zip(keep)
        .filter_map(|(c, k)| k.then_some(c))
        .collect()
}

/// The LP relaxation. With `budget = Some(b)` every row gets a shortage variable and the total
/// shortage is limited to `b`; with `phase_one` the objective is the total shortage instead of
/// the cost. Returns the objective and the column values, or `None` when infeasible.
fn solve_lp(
    dp: &DayProblem,
    budget: Option<f64>,
    phase_one: bool,
) -> Result<Option<(f64, Vec<f64>)>, StaffingError> {
    let mut lp = Problem::new(OptimizationDirection::Minimize);
    let xs: Vec<Variable> = dp
        .cols
        .iter()
        .map(|c| {
            lp.add_var(
                if phase_one { 0.0 } else { c.cost },
                (0.0, f64::from(dp.caps[c.pool])),
            )
        })
        .collect();
    let slack = phase_one || budget.is_some();
    let us: Vec<Variable> = if slack {
        dp.rows
            .iter()
            .map(|&(_, _, need)| lp.add_var(if phase_one { 1.0 } else { 0.0 }, (0.0, need)))
            .collect()
    } else {
        Vec::new()
    };
    add_rows(&mut lp, dp, &xs, &us);
    if let (Some(b), false) = (budget, phase_one) {
        let sum: Vec<(Variable, f64)> = us.iter().map(|&u| (u, 1.0)).collect();
        lp.add_constraint(sum.as_slice(), ComparisonOp::Le, b);
    }
    match lp.solve() {
        Ok(outcome) => match outcome.solution() {
            Some(sol) => Ok(Some((
                sol.objective(),
                xs.iter().map(|&x| sol.var_value(x)).collect(),
            ))),
            None => Err(StaffingError::Solver(
                "the LP stopped without a solution".into(),
            )),
        },
        Err(microlp::Error::Infeasible) => Ok(None),
        Err(e) => Err(StaffingError::Solver(format!("LP relaxation: {e}"))),
    }
}

/// Coverage rows (`Σ delivery·x + u ≥ need`) and per-pool headcount rows.
///
/// Without shortage variables each row also gets integer rounding (Chvátal–Gomory) cuts:
/// heads are whole, so for every delivery δ among the row's columns
/// `Σ ⌈y_c / δ⌉ x_c ≥ ⌈need / δ⌉` holds for every integer plan (a need of 0.25 agents asks
/// for one head, not 0.3). When all columns of a row deliver the same, the single cut implies
/// the row and replaces it. The cuts tighten the LP bound and the branch & bound a lot,
/// most on quiet dates, where needs are fractions of an agent.
fn add_rows(lp: &mut Problem, dp: &DayProblem, xs: &[Variable], us: &[Variable]) {
    let mut terms: Vec<Vec<(Variable, f64)>> = vec![Vec::new(); dp.rows.len()];
    for (c, col) in dp.cols.iter().enumerate() {
        for &r in &col.rows {
            terms[r].push((xs[c], col.delivery));
        }
    }
    for (r, mut t) in terms.into_iter().enumerate() {
        let need = dp.rows[r].2;
        if let Some(&u) = us.get(r) {
            t.push((u, 1.0));
            lp.add_constraint(t.as_slice(), ComparisonOp::Ge, need);
            continue;
        }
        let mut deliveries: Vec<f64> = t.iter().map(|v| v.1).filter(|y| *y > 0.0).collect();
        deliveries.sort_by(f64::total_cmp);
        deliveries.dedup_by(|a, b| (*a - *b).abs() <= 1e-12);
        if deliveries.len() != 1 {
            lp.add_constraint(t.as_slice(), ComparisonOp::Ge, need);
        }
        // One Chvátal–Gomory cut per delivery δ of the row:
        // Σ ⌈y_c / δ⌉ x_c ≥ ⌈need / δ⌉ (divide by δ, round the coefficients up, then the
        // right-hand side, as the left is a whole number).
        for &delta in &deliveries {
            let cut: Vec<(Variable, f64)> = t
                .iter()
                .map(|&(x, y)| (x, (y / delta - 1e-9).ceil()))
                .collect();
            lp.add_constraint(
                cut.as_slice(),
                ComparisonOp::Ge,
                (need / delta - 1e-9).ceil(),
            );
        }
    }
    for (p, &cap) in dp.caps.iter().enumerate() {
        let t: Vec<(Variable, f64)> = dp
            .cols
            .iter()
            .enumerate()
            .filter(|(_, c)| c.pool == p)
            .map(|(c, _)| (xs[c], 1.0))
            .collect();
        if !t.is_empty() {
            lp.add_constraint(t.as_slice(), ComparisonOp::Le, f64::from(cap));
        }
    }
    let pools_total: u64 = dp.caps.iter().map(|&c| u64::from(c)).sum();
    if u64::from(dp.total_cap) < pools_total && !xs.is_empty() {
        let t: Vec<(Variable, f64)> = xs.iter().map(|&x| (x, 1.0)).collect();
        lp.add_constraint(t.as_slice(), ComparisonOp::Le, f64::from(dp.total_cap));
    }
}

/// One date solved.
#[derive(Debug)]
struct SolvedDay {
    plan: DayPlan,
    /// Lower bound on the cost of any plan at most as short as `plan`.
    bound: f64,
    method: DayMethod,
    /// The LP's minimum total shortage.
    min_shortage: f64,
    /// The LP with rounding cuts is infeasible.
    full_cover_impossible: bool,
}

/// Solves one date: the integer plan, its lower bound and how it was found.
fn solve_day(dp: &DayProblem, options: &CoverOptions) -> Result<SolvedDay, StaffingError> {
    if dp.rows.is_empty() || dp.cols.is_empty() {
        let shortage = dp.rows.iter().map(|r| r.2).fold(0.0, |a, b| a + b);
        let plan = DayPlan {
            x: vec![0; dp.cols.len()],
            cost: 0.0,
            shortage,
        };
        let method = if dp.rows.is_empty() {
            DayMethod::NoNeed
        } else {
            DayMethod::Heuristic
        };
        return Ok(SolvedDay {
            min_shortage: plan.shortage,
            full_cover_impossible: plan.shortage > TOL,
            plan,
            bound: 0.0,
            method,
        });
    }
    let plain = match solve_lp(dp, None, false) {
        Ok(plain) => plain,
        // A numerical failure of the LP must not sink the plan: greedy from nothing, with the
        // trivial bound 0 (the gap shows it) and the method saying so.
        Err(_) => {
            let plan = improve(dp, repair(dp, vec![0; dp.cols.len()]), options);
            return Ok(SolvedDay {
                plan,
                bound: 0.0,
                method: DayMethod::LpFailed,
                min_shortage: 0.0,
                full_cover_impossible: false,
            });
        }
    };
    let mut min_shortage = 0.0;
    let start = match &plain {
        Some((_, x)) => x.clone(),
        // Phase one (least total shortage, always feasible), then the cheapest LP plan
        // that is that short; after a numerical failure the greedy starts from nothing.
        None => match solve_lp(dp, Some(f64::INFINITY), true) {
            Ok(Some((u_min, _))) => {
                min_shortage = u_min.max(0.0);
                solve_lp(dp, Some(u_min + 1e-7), false)
                    .ok()
                    .flatten()
                    .map_or_else(|| vec![0.0; dp.cols.len()], |(_, x)| x)
            }
            _ => vec![0.0; dp.cols.len()],
        },
    };
    let mut best = heuristic(dp, &start, options);
    let mut method = DayMethod::Heuristic;
    // Branch & bound on small dates, and on any date the LP covers but the heuristic does not.
    if plain.is_some()
        && (dp.cols.len() <= options.mip_max_vars || best.shortage > TOL)
        && let Some((plan, proven)) = mip(dp, &best, options)?
        && plan.shortage <= TOL
    {
        // Report the branch & bound verdict even when it only confirms the heuristic plan.
        if best.shortage > TOL || plan.cost < best.cost - 1e-9 {
            best = plan;
            method = DayMethod::Mip {
                proven_optimal: proven,
            };
        } else if plan.cost <= best.cost + 1e-9 {
            method = DayMethod::Mip {
                proven_optimal: proven,
            };
        }
    }
    let bound = match (&plain, best.shortage <= TOL) {
        (Some((obj, _)), true) => *obj,
        // Infeasible cannot happen (the plan itself is a solution); a numerical failure
        // leaves the trivial bound.
        _ => solve_lp(dp, Some(best.shortage + 1e-7), false)
            .ok()
            .flatten()
            .map_or(0.0, |(obj, _)| obj),
    };
    Ok(SolvedDay {
        plan: best,
        bound,
        method,
        min_shortage,
        full_cover_impossible: plain.is_none(),
    })
}

/// Branch & bound with a node budget, warm-started from `incumbent`. Returns the plan and
/// whether it is proved optimal.
fn mip(
    dp: &DayProblem,
    incumbent: &DayPlan,
    options: &CoverOptions,
) -> Result<Option<(DayPlan, bool)>, StaffingError> {
    let mut lp = Problem::new(OptimizationDirection::Minimize);
    let xs: Vec<Variable> = dp
        .cols
        .iter()
        .map(|c| lp.add_integer_var(c.cost, (0, dp.caps[c.pool] as i32)))
        .collect();
    add_rows(&mut lp, dp, &xs, &[]);
    let mut opts = SolveOptions::default();
    opts.node_limit = Some(options.mip_node_limit);
    opts.warm_start = (incumbent.shortage <= TOL).then(|| {
        xs.iter()
            .zip(&incumbent.x)
            .map(|(&v, &x)| (v, f64::from(x)))
            .collect()
    });
    let outcome = match lp.solve_with(opts) {
        Ok(o) => o,
        // A numerical failure of branch & bound is not fatal: the heuristic plan stands.
        Err(_) => return Ok(None),
    };
    let Some(sol) = outcome.solution() else {
        return Ok(None);
    };
    let proven = sol.status() == microlp::SolutionStatus::Optimal;
    let x: Vec<u32> = xs
        .iter()
        .map(|&v| sol.var_value(v).round().max(0.0) as u32)
        .collect();
    let plan = evaluate(dp, x);
    // Check the rounded values against the rules ourselves.
    let mut used = vec![0u32; dp.caps.len()];
    for (c, &x) in plan.x.iter().enumerate() {
        used[dp.cols[c].pool] += x;
    }
    if used.iter().zip(&dp.caps).any(|(u, c)| u > c) || used.iter().sum::<u32>() > dp.total_cap {
        return Ok(None);
    }
    Ok(Some((plan, proven)))
}

/// Cost and total shortage of an integer plan.
fn evaluate(dp: &DayProblem, x: Vec<u32>) -> DayPlan {
    let mut cov = vec![0.0; dp.rows.len()];
    let mut cost = 0.0;
    for (c, &h) in x.iter().enumerate() {
        let col = &dp.cols[c];
        cost += f64::from(h) * col.cost;
        for &r in &col.rows {
            cov[r] += f64::from(h) * col.delivery;
        }
    }
    let shortage = dp
        .rows
        .iter()
        .zip(&cov)
        .map(|(r, c)| (r.2 - c).max(0.0))
        .filter(|s| *s > TOL)
        .fold(0.0, |a, b| a + b);
    DayPlan { x, cost, shortage }
}

/// LP rounding (down, and to nearest within the caps) + greedy repair + local improvement;
/// the better of the two (least shortage, then least cost).
fn heuristic(dp: &DayProblem, lp_x: &[f64], options: &CoverOptions) -> DayPlan {
    let down: Vec<u32> = lp_x.iter().map(|v| (v + 1e-7).floor() as u32).collect();
    let mut nearest = down.clone();
    let mut used = vec![0u32; dp.caps.len()];
    for (c, &x) in down.iter().enumerate() {
        used[dp.cols[c].pool] += x;
    }
    // Round up the largest fractions first while the pool has heads left.
    let mut fr: Vec<usize> = (0..lp_x.len())
        .filter(|&c| lp_x[c] - f64::from(down[c]) >= 0.5)
        .collect();
    fr.sort_by(|&a, &b| {
        (lp_x[b] - f64::from(down[b]))
            .total_cmp(&(lp_x[a] - f64::from(down[a])))
            .then(a.cmp(&b))
    });
    let mut total: u32 = used.iter().sum();
    for c in fr {
        let p = dp.cols[c].pool;
        if used[p] < dp.caps[p] && total < dp.total_cap {
            total += 1;
            nearest[c] += 1;
            used[p] += 1;
        }
    }
    let a = improve(dp, repair(dp, down), options);
    let b = improve(dp, repair(dp, nearest), options);
    let better_b =
        b.shortage < a.shortage - TOL || (b.shortage <= a.shortage + TOL && b.cost < a.cost - 1e-9);
    if better_b { b } else { a }
}

/// Greedy repair: add the head with the most uncovered need per euro until every row is
/// covered or no pool with heads left can help.
fn repair(dp: &DayProblem, mut x: Vec<u32>) -> DayPlan {
    let mut cov = vec![0.0; dp.rows.len()];
    let mut used = vec![0u32; dp.caps.len()];
    for (c, &h) in x.iter().enumerate() {
        used[dp.cols[c].pool] += h;
        for &r in &dp.cols[c].rows {
            cov[r] += f64::from(h) * dp.cols[c].delivery;
        }
    }
    let mut total: u32 = used.iter().sum();
    while total < dp.total_cap {
        let mut best: Option<(usize, f64)> = None;
        for (c, col) in dp.cols.iter().enumerate() {
            if used[col.pool] >= dp.caps[col.pool] {
                continue;
            }
            let gain: f64 = col
                .rows
                .iter()
                .map(|&r| (dp.rows[r].2 - cov[r]).clamp(0.0, col.delivery))
                .filter(|g| *g > TOL)
                .sum();
            if gain <= TOL {
                continue;
            }
            let score = gain / col.cost.max(1e-9);
            if best.is_none_or(|(_, s)| score > s) {
                best = Some((c, score));
            }
        }
        let Some((c, _)) = best else { break };
        x[c] += 1;
        used[dp.cols[c].pool] += 1;
        total += 1;
        for &r in &dp.cols[c].rows {
            cov[r] += dp.cols[c].delivery;
        }
    }
    evaluate(dp, x)
}

/// Local improvement: drop heads whose rows stay covered without them, and move a head to
/// another column of the same pool (same heads, so the caps hold) when that lowers the total
/// shortage, or keeps it and lowers the cost. Then repair again (a move may free capacity)
/// and repeat until nothing changes (or after `improve_passes`). The plan never gets worse
/// in (shortage, cost) order.
fn improve(dp: &DayProblem, plan: DayPlan, options: &CoverOptions) -> DayPlan {
    let mut x = plan.x;
    let mut cov = coverage(dp, &x);
    let short = |need: f64, cov: f64| {
        let s = need - cov;
        if s > TOL { s } else { 0.0 }
    };
    let mut by_cost: Vec<usize> = (0..dp.cols.len()).collect();
    by_cost.sort_by(|&a, &b| dp.cols[b].cost.total_cmp(&dp.cols[a].cost).then(a.cmp(&b)));
    // `mark[r]`: r is a row of the column being moved.
    let mut mark = vec![false; dp.rows.len()];
    for _ in 0..options.improve_passes {
        let mut changed = false;
        for &c in &by_cost {
            let col = &dp.cols[c];
            // Drop heads that no row needs.
            while x[c] > 0
                && col
                    .rows
                    .iter()
                    .all(|&r| cov[r] - col.delivery >= dp.rows[r].2 - TOL)
            {
                x[c] -= 1;
                for &r in &col.rows {
                    cov[r] -= col.delivery;
                }
                changed = true;
            }
            // Move a head to the best other column of the same pool.
            while x[c] > 0 {
                for &r in &col.rows {
                    mark[r] = true;
                }
                let lost: f64 = col
                    .rows
                    .iter()
                    .map(|&r| {
                        short(dp.rows[r].2, cov[r] - col.delivery) - short(dp.rows[r].2, cov[r])
                    })
                    .sum();
                let mut best: Option<(usize, f64, f64)> = None;
                for (c2, col2) in dp.cols.iter().enumerate() {
                    if c2 == c || col2.pool != col.pool {
                        continue;
                    }
                    // Rows in both keep their coverage; rows of c only lose, rows of c2 only gain.
                    let mut d_short = lost;
                    for &r in &col2.rows {
                        let need = dp.rows[r].2;
                        if mark[r] {
                            d_short -= short(need, cov[r] - col.delivery) - short(need, cov[r]);
                        } else {
                            d_short += short(need, cov[r] + col2.delivery) - short(need, cov[r]);
                        }
                    }
                    let d_cost = col2.cost - col.cost;
                    let better = d_short < -TOL || (d_short <= TOL && d_cost < -1e-9);
                    let beats = best.is_none_or(|(_, bs, bc)| {
                        d_short < bs - TOL || (d_short <= bs + TOL && d_cost < bc - 1e-9)
                    });
                    if better && beats {
                        best = Some((c2, d_short, d_cost));
                    }
                }
                for &r in &col.rows {
                    mark[r] = false;
                }
                let Some((c2, _, _)) = best else { break };
                x[c] -= 1;
                x[c2] += 1;
                for &r in &col.rows {
                    cov[r] -= col.delivery;
                }
                for &r in &dp.cols[c2].rows {
                    cov[r] += dp.cols[c2].delivery;
                }
                changed = true;
            }
        }
        if !changed {
            break;
        }
        // Moves may have freed heads: add what still helps.
        let repaired = repair(dp, x.clone());
        if repaired.x != x {
            x = repaired.x;
            cov = coverage(dp, &x);
        }
    }
    evaluate(dp, x)
}

/// Agents delivered per row by an integer plan.
fn coverage(dp: &DayProblem, x: &[u32]) -> Vec<f64> {
    let mut cov = vec![0.0; dp.rows.len()];
    for (c, &h) in x.iter().enumerate() {
        for &r in &dp.cols[c].rows {
            cov[r] += f64::from(h) * dp.cols[c].delivery;
        }
    }
    cov
}

// ---------------------------------------------------------------------------------------
// What binds: why no flex head can be added to a cell
// ---------------------------------------------------------------------------------------

/// A rule that keeps a pool from adding a head to an interval and group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Limit {
    /// No pool has the group's skill and channel.
    NoPool,
    /// The group's channel is closed then (its contacts wait for the opening).
    ChannelClosed,
    /// Outside the pool's weekly availability or its `available_from`/`available_until`.
    Availability,
    /// Before the plan date plus the pool's `notice_days`.
    Notice,
    /// Available, but no legal shift (length, start times) covers the interval.
    ShiftRules,
    /// All the heads the pool may have on the day (`max_per_day`, `max_headcount`) are on
    /// duty in the interval already.
    DailyCap,
    /// All the flex heads allowed on the day, all pools together (a frontier point), are on
    /// duty in the interval already.
    TotalCap,
}

impl Limit {
    /// A short name for tables and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Limit::NoPool => "no_pool",
            Limit::ChannelClosed => "channel_closed",
            Limit::Availability => "availability",
            Limit::Notice => "notice",
            Limit::ShiftRules => "shift_rules",
            Limit::DailyCap => "daily_cap",
            Limit::TotalCap => "total_cap",
        }
    }
}

/// Which pool can put a head on which interval at all: the legal shifts of a problem,
/// precomputed once (see [`Reach::limits`]).
#[derive(Debug, Clone)]
pub struct Reach {
    n_pools: usize,
    /// `[slot * pools + pool]`: some legal shift of the pool covers the slot.
    covered: Vec<bool>,
    /// `[slot * groups + group]`: the group's channel is open.
    open: Vec<bool>,
    /// `[pool][group]`.
    serves: Vec<Vec<bool>>,
}

impl Reach {
    /// The reach of every pool on the problem's grid.
    pub fn new(problem: &CoverProblem) -> Reach {
        let n_pools = problem.pools.len();
        let mut covered = vec![false; problem.grid.len() * n_pools];
        for t in templates(problem) {
            for s in t.slots {
                covered[s * n_pools + t.pool] = true;
            }
        }
        Reach {
            n_pools,
            covered,
            open: open_matrix(problem),
            serves: serves_matrix(problem),
        }
    }

    /// True when some legal shift of some pool serving `group` covers `slot`.
    pub fn reachable(&self, slot: usize, group: usize) -> bool {
        (0..self.n_pools).any(|p| self.serves[p][group] && self.covered[slot * self.n_pools + p])
    }

    /// True when some pool serving `group` has fewer heads on `slot`'s date than it may
    /// (and the total cap of `options`, if any, leaves room): deferred work can be done
    /// anywhere in its window, so what binds it is the day's heads.
    pub fn day_room(
        &self,
        problem: &CoverProblem,
        plan: &CoverPlan,
        options: &CoverOptions,
        slot: usize,
        group: usize,
    ) -> bool {
        let d = problem.grid.slots[slot].day;
        let heads = |p: usize| plan.pools[p].headcount_per_day.get(d).copied().unwrap_or(0);
        let total: u32 = (0..self.n_pools).map(heads).sum();
        if options.total_cap_on(d).is_some_and(|m| total >= m) {
            return false;
        }
        (0..self.n_pools).any(|p| self.serves[p][group] && heads(p) < day_cap(&problem.pools[p]))
    }

    /// Why no head of any pool can be added to `slot` and `group` under `plan` (with the
    /// covering's `options`, for the total cap): one entry per pool that serves the group
    /// (the pool's index, or `None` for [`Limit::NoPool`] and [`Limit::ChannelClosed`]).
    /// Empty when some pool can still add a head there. `need` is the need the plan was
    /// made for in that cell: when the plan already delivers less (the covering found no
    /// way to deliver it within the daily caps and shift rules together), no pool can add.
    pub fn limits(
        &self,
        problem: &CoverProblem,
        plan: &CoverPlan,
        options: &CoverOptions,
        slot: usize,
        group: usize,
        need: f64,
    ) -> Vec<(Option<usize>, Limit)> {
        let n_groups = problem.groups.len();
        if !self.open[slot * n_groups + group] {
            return vec![(None, Limit::ChannelClosed)];
        }
        let pools: Vec<usize> = (0..self.n_pools)
            .filter(|&p| self.serves[p][group])
            .collect();
        if pools.is_empty() {
            return vec![(None, Limit::NoPool)];
        }
        let d = problem.grid.slots[slot].day;
        let date = problem.grid.days[d];
        // Heads on duty in the slot: a pool whose every head of the day is already on duty
        // there cannot put one more there, whatever the shifts (a pool at its daily cap with
        // shorter shifts elsewhere still can, by cutting them longer).
        let on = |p: usize| {
            plan.on_duty
                .get(slot * self.n_pools + p)
                .copied()
                .unwrap_or(0)
        };
        let slot_total: u32 = (0..self.n_pools).map(on).sum();
        let delivered = plan
            .delivered
            .get(slot * n_groups + group)
            .copied()
            .unwrap_or(0.0);
        let short = need - delivered > TOL;
        let heads = |p: usize| plan.pools[p].headcount_per_day.get(d).copied().unwrap_or(0);
        let day_total: u32 = (0..self.n_pools).map(heads).sum();
        let mut out = Vec::new();
        for p in pools {
            let pool = &problem.pools[p];
            let first = problem
                .plan_date
                .checked_add(jiff::Span::new().days(i64::from(pool.notice_days)))
                .unwrap_or(Date::MAX);
            let minute = problem.grid.slots[slot].start_min;
            let limit = if date < first {
                Some(Limit::Notice)
            } else if pool.available_from.is_some_and(|f| date < f)
                || pool.available_until.is_some_and(|u| date > u)
                || !pool
                    .availability
                    .on(Day::of(date))
                    .is_some_and(|(f, t)| f.minutes() <= minute && minute < t.minutes())
            {
                Some(Limit::Availability)
            } else if !self.covered[slot * self.n_pools + p] {
                Some(Limit::ShiftRules)
            } else if on(p) >= day_cap(pool) || (short && heads(p) >= day_cap(pool)) {
                Some(Limit::DailyCap)
            } else if options
                .total_cap_on(d)
                .is_some_and(|m| slot_total >= m || (short && day_total >= m))
            {
                Some(Limit::TotalCap)
            } else if short {
                Some(Limit::ShiftRules)
            } else {
                None
            };
            match limit {
                Some(l) => out.push((Some(p), l)),
                None => return Vec::new(),
            }
        }
        out
    }
}

/// The LP lower bound on the flex hours of any plan of whole heads that covers `problem`'s
/// need at least as well as `plan` (per date: no more total shortage). The same columns as
/// [`cover`] without the cost-based pruning, hours as the objective, the integer rounding
/// cuts on fully covered dates.
pub fn lp_hours_bound(
    problem: &CoverProblem,
    plan: &CoverPlan,
    options: &CoverOptions,
) -> Result<f64, StaffingError> {
    validate(problem)?;
    let grid = &problem.grid;
    let n_groups = problem.groups.len();
    let templates = templates(problem);
    let delivery = deliveries(problem, options);
    let serves = serves_matrix(problem);
    let open = open_matrix(problem);
    let caps: Vec<u32> = problem.pools.iter().map(day_cap).collect();
    // Cover only what the plan's covering could reach: the need capped at what every pool's
    // daily heads deliver (as `cover` does), so both sides see the same rows.
    let mut by_day: Vec<Vec<usize>> = vec![Vec::new(); grid.days.len()];
    for (k, t) in templates.iter().enumerate() {
        by_day[t.day].push(k);
    }
    let mut reach = vec![0.0; grid.len() * n_groups];
    let n_pools = problem.pools.len();
    let mut seen = vec![false; grid.len() * n_pools];
    for t in &templates {
        for s in t.slots.clone() {
            seen[s * n_pools + t.pool] = true;
        }
    }
    for s in 0..grid.len() {
        for p in 0..n_pools {
            if seen[s * n_pools + p] {
                for g in 0..n_groups {
                    if serves[p][g] && open[s * n_groups + g] {
                        reach[s * n_groups + g] += f64::from(caps[p]) * delivery[p];
                    }
                }
            }
        }
    }
    let capped: Vec<f64> = problem
        .need
        .iter()
        .zip(&reach)
        .map(|(n, r)| n.min(*r))
        .collect();
    let bounds: Vec<Result<f64, StaffingError>> = (0..grid.days.len())
        .into_par_iter()
        .map(|d| {
            let mut dp = day_problem(
                problem, &templates, &by_day[d], d, &capped, &delivery, &serves, &open, &caps,
            );
            if dp.rows.is_empty() {
                return Ok(0.0);
            }
            // Un-pruned columns, priced in hours.
            dp.cols = day_columns(
                problem, &templates, &by_day[d], d, &dp.rows, &delivery, &serves, &open,
            );
            for c in &mut dp.cols {
                c.cost = templates[c.template].hours;
            }
            dp.total_cap = options.total_cap_on(d).unwrap_or(u32::MAX);
            let short = plan.days.get(d).map_or(0.0, |x| x.shortage);
            let lp = if short <= TOL {
                solve_lp(&dp, None, false)?
            } else {
                solve_lp(&dp, Some(short + 1e-7), false)?
            };
            Ok(lp.map_or(0.0, |(obj, _)| obj))
        })
        .collect();
    let mut total = 0.0;
    for b in bounds {
        total += b?;
    }
    Ok(total)
}
