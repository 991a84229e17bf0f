//! The flex plan of one scenario: requirement (three methods), permanent roster, flex
//! shifts, the simulated check with fresh seeds, and the headcount frontier.
//!
//! * The scenario's pools' own `scheduled` shifts are replaced by the plan (the plan *is*
//!   the flex schedule).
//! * The plan for Erlang C or Erlang A covers that method's shortfall; the simulation plan
//!   runs [`iterate`](super::iterate::iterate) from the Erlang A shortfall. Every plan is
//!   then re-simulated with a fresh seed (`seed + 1`, replications `0..R`) — the figures
//!   reported — so an Erlang plan is judged by the same simulator.
//! * **Peak day**: the day with the most expected contacts on the planned channels.
//! * **Frontier**: the final need covered again with at most `H` flex heads per day (all
//!   pools together) for `H = 0, s, 2s, …, max` with `s = ⌈max / 6⌉` (and the plan's own
//!   peak headcount), each simulated with the same seed (common random numbers, so the
//!   curve is monotone up to the covering's choices).

use jiff::civil::Date;

use super::iterate::{self, Evaluation, IterOptions, IterStep, apply_plan, evaluate};
use super::requirement::{self, Method, Requirement};
use super::{CoverOptions, CoverPlan, CoverProblem, Grid, StaffingError};
use crate::demand::Demand;
use crate::scenario::Scenario;
use crate::sim::Model;

/// Settings of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOptions {
    pub method: Method,
    /// Required P(meet) per interval.
    pub confidence: f64,
    /// Replications of the final check (fresh seed).
    pub replications: u32,
    /// Replications of every frontier point (one seed for all points).
    pub frontier_replications: u32,
    /// Replications per iteration of the simulation method.
    pub iter_replications: u32,
    pub max_iterations: u32,
    pub seed: u64,
    /// Compute the frontier.
    pub frontier: bool,
    /// Frontier points besides 0 and the maximum (the step is `⌈max / steps⌉`).
    pub frontier_steps: u32,
}

impl PlanOptions {
    /// The defaults for a scenario: its confidence and seed, 100 final replications.
    pub fn for_scenario(sc: &Scenario) -> PlanOptions {
        PlanOptions {
            method: Method::Simulation,
            confidence: sc.simulation.confidence,
            replications: 100,
            frontier_replications: 30,
            iter_replications: 20,
            max_iterations: 10,
            seed: sc.simulation.seed,
            frontier: true,
            frontier_steps: 6,
        }
    }
}

/// One point of the frontier.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontierRow {
    /// The cap on flex heads per day given to the covering.
    pub max_heads_per_day: u32,
    /// Flex heads the covering used on the peak day.
    pub peak_day_heads: u32,
    /// P(every interval of the peak day meets the target, every planned channel).
    pub p_all_intervals: f64,
    /// P(the peak day as a whole meets the target on every planned channel).
    pub p_day: f64,
    /// Mean SL of the peak day on the headline channel.
    pub mean_sl: Option<f64>,
    /// The worst interval's 5th-percentile SL on the peak day (headline channel).
    pub worst_p5_sl: Option<f64>,
    pub abandon: Option<f64>,
    pub occupancy: Option<f64>,
    pub flex_hours: f64,
    pub cost_eur: f64,
}

/// A finished plan.
#[derive(Debug, Clone)]
pub struct Plan {
    pub scenario: String,
    pub options: PlanOptions,
    pub grid: Grid,
    pub requirement: Requirement,
    /// The simulation method's requirement (analytic Erlang A + what the iteration added
    /// or removed), when that method ran.
    pub simulation_required: Option<Vec<f64>>,
    /// Permanent heads on duty per slot (all teams).
    pub permanent_on_duty: Vec<u32>,
    pub pools: Vec<String>,
    /// Flex heads on duty per `[slot * pools + pool]`.
    pub flex_on_duty: Vec<u32>,
    pub cover: CoverPlan,
    /// Iteration steps (simulation method).
    pub steps: Vec<IterStep>,
    pub converged: Option<bool>,
    /// The plan re-simulated with a fresh seed.
    pub check: Evaluation,
    /// The permanent roster alone, simulated with the fresh seed (frontier replications:
    /// the same runs as the frontier's 0 point).
    pub roster_only: Evaluation,
    pub peak_day: usize,
    /// Index in `check.channels` of the headline channel (most contacts).
    pub headline: usize,
    pub headline_channel: String,
    pub target_share: f64,
    pub target_s: f64,
    pub frontier: Vec<FrontierRow>,
    /// Pools' training cost per agent per season.
    pub training_eur: Vec<f64>,
}

impl Plan {
    /// The peak day's date.
    pub fn peak_date(&self) -> Date {
        self.grid.days[self.peak_day]
    }

    /// The date to quote with the peak flex headcount: the busiest day of demand when it
    /// has that many flex heads, else the first date that does.
    pub fn headline_date(&self) -> Option<Date> {
        let c = &self.cover;
        let on_peak: u32 = c
            .pools
            .iter()
            .map(|ps| {
                ps.headcount_per_day
                    .get(self.peak_day)
                    .copied()
                    .unwrap_or(0)
            })
            .sum();
        if on_peak == c.peak_day_headcount {
            Some(self.peak_date())
        } else {
            c.peak_day
        }
    }

    /// The smallest frontier headcount whose P(every interval of the peak day) reaches the
    /// confidence.
    pub fn frontier_answer(&self) -> Option<&FrontierRow> {
        self.frontier
            .iter()
            .find(|r| r.p_all_intervals >= self.options.confidence - 1e-12)
    }
}

/// Builds the model, requirement and covering problem of a scenario.
struct Setup {
    model: Model,
    grid: Grid,
    req: Requirement,
    problem: CoverProblem,
    pool_group: Vec<usize>,
    permanent_on_duty: Vec<u32>,
    team_available: Vec<f64>,
    serves: Vec<Vec<bool>>,
}

fn setup(sc: &Scenario, demand: &Demand) -> Result<Setup, StaffingError> {
    let mut sc = sc.clone();
    for p in &mut sc.agents.flex_pools {
        p.scheduled.clear();
    }
    let model =
        Model::from_scenario(&sc, demand).map_err(|e| StaffingError::Need(e.to_string()))?;
    let grid = Grid::from_demand(demand)?;
    if grid.len() != model.intervals.len() {
        return Err(StaffingError::Grid(
            "the demand's intervals and the model's differ".into(),
        ));
    }
    let req = requirement::analytic(&model)?;
    let roster = super::roster(&grid, &sc.agents.teams, &req.groups)?;
    let serves: Vec<Vec<bool>> = sc
        .agents
        .teams
        .iter()
        .map(|t| {
            req.groups
                .iter()
                .map(|g| g.served_by(&t.skills, &t.channels))
                .collect()
        })
        .collect();
    let nt = sc.agents.teams.len();
    let permanent_on_duty = (0..grid.len())
        .map(|s| (0..nt).map(|t| roster.scheduled(s, t)).sum())
        .collect();
    let pool_group = (0..sc.agents.flex_pools.len()).map(|p| nt + p).collect();
    let problem = CoverProblem {
        grid: grid.clone(),
        groups: req.groups.clone(),
        need: vec![0.0; grid.len() * req.n_groups()],
        pools: sc.agents.flex_pools.clone(),
        opening_hours: CoverProblem::opening_hours_of(&sc.channels),
        plan_date: sc.calendar.start,
    };
    Ok(Setup {
        model,
        grid,
        req,
        problem,
        pool_group,
        permanent_on_duty,
        team_available: roster.available,
        serves,
    })
}

/// Plans the flex pools of a scenario (see the module docs).
pub fn plan(sc: &Scenario, demand: &Demand, opts: &PlanOptions) -> Result<Plan, StaffingError> {
    if !(opts.confidence > 0.0 && opts.confidence < 1.0) {
        return Err(StaffingError::Need(format!(
            "confidence {} must lie strictly between 0 and 1 (e.g. 0.95)",
            opts.confidence
        )));
    }
    if opts.replications < 2 || opts.iter_replications < 2 {
        return Err(StaffingError::Need(
            "replications must be at least 2".into(),
        ));
    }
    let st = setup(sc, demand)?;
    let ng = st.req.n_groups();
    let start_need =
        |m: Method| requirement::shortfall(st.req.of(m), ng, &st.team_available, &st.serves);
    let cover_options = CoverOptions::default();
    // The iterations and the frontier re-cover many times: heuristic + LP bound only, no
    // branch & bound unless the heuristic leaves short what the LP covers.
    let fast = CoverOptions {
        mip_max_vars: 0,
        improve_passes: 5,
        ..CoverOptions::default()
    };
    let (cover, steps, converged, need, sim_req) = match opts.method {
        Method::ErlangC | Method::ErlangA => {
            let mut problem = st.problem.clone();
            problem.need = start_need(opts.method);
            let c = super::cover(&problem, &cover_options)?;
            (c, Vec::new(), None, problem.need, None)
        }
        Method::Simulation => {
            let start = start_need(Method::ErlangA);
            let it = iterate::iterate(
                &st.model,
                &st.problem,
                &fast,
                &st.req,
                &st.pool_group,
                start.clone(),
                &IterOptions {
                    confidence: opts.confidence,
                    replications: opts.iter_replications,
                    seed: opts.seed,
                    max_iterations: opts.max_iterations,
                    ..IterOptions::default()
                },
            )?;
            let sim_req: Vec<f64> = st
                .req
                .erlang_a
                .iter()
                .zip(start.iter().zip(&it.need))
                .map(|(a, (s, n))| (a + n - s).max(0.0))
                .collect();
            (
                it.plan,
                it.steps,
                Some(it.converged),
                it.need,
                Some(sim_req),
            )
        }
    };
    let cover = fewest_heads(&st.problem, &need, cover, &cover_options)?;
    let check_seed = opts.seed.wrapping_add(1);
    let mut model = st.model.clone();
    apply_plan(&mut model, &st.grid, &cover, &st.pool_group);
    let check = evaluate(&model, &st.grid, opts.replications, check_seed)?;
    let roster_only = evaluate(
        &st.model,
        &st.grid,
        opts.frontier_replications.max(2),
        check_seed,
    )?;
    let nc = check.channels.len();
    let headline = (0..nc)
        .max_by(|&a, &b| {
            let sa: f64 = check.expected.iter().skip(a).step_by(nc.max(1)).sum();
            let sb: f64 = check.expected.iter().skip(b).step_by(nc.max(1)).sum();
            sa.total_cmp(&sb).then(b.cmp(&a))
        })
        .unwrap_or(0);
    let peak_day = (0..st.grid.days.len())
        .max_by(|&a, &b| {
            let day_sum = |d: usize| -> f64 {
                st.grid
                    .day_slots(d)
                    .flat_map(|i| check.expected[i * nc..(i + 1) * nc].iter())
                    .sum()
            };
            day_sum(a).total_cmp(&day_sum(b)).then(b.cmp(&a))
        })
        .unwrap_or(0);
    let np = st.problem.pools.len();
    let mut flex_on_duty = vec![0u32; st.grid.len() * np];
    for p in 0..np {
        let heads = super::roster::flex_heads(&st.grid, &cover.flex_shifts(p));
        for (s, h) in heads.into_iter().enumerate() {
            flex_on_duty[s * np + p] = h;
        }
    }
    let headline_ch = check.channels.get(headline).copied().unwrap_or(0);
    let mut out = Plan {
        scenario: sc.name.clone(),
        options: opts.clone(),
        grid: st.grid.clone(),
        requirement: st.req.clone(),
        simulation_required: sim_req,
        permanent_on_duty: st.permanent_on_duty.clone(),
        pools: st.problem.pools.iter().map(|p| p.name.clone()).collect(),
        flex_on_duty,
        cover,
        steps,
        converged,
        check,
        roster_only,
        peak_day,
        headline,
        headline_channel: st.model.channels[headline_ch].name.clone(),
        target_share: st.model.channels[headline_ch].target_share,
        target_s: st.model.channels[headline_ch].target_s,
        frontier: Vec::new(),
        training_eur: st
            .problem
            .pools
            .iter()
            .map(|p| p.training_eur_per_agent)
            .collect(),
    };
    if opts.frontier {
        out.frontier = frontier(&st, &need, &out, opts, &fast)?;
    }
    Ok(out)
}

/// Total shortage of a plan.
fn shortage(c: &CoverPlan) -> f64 {
    c.short.iter().map(|s| s.short).sum()
}

/// The covering minimises cost, not people: at equal cost it may call in more heads with
/// shorter shifts. The peak headcount is the number a manager must justify, so the plan is
/// re-covered with the smallest cap on flex heads per day (bisection) that leaves no more
/// shortage and costs at most 1% more.
fn fewest_heads(
    problem: &CoverProblem,
    need: &[f64],
    plan: CoverPlan,
    options: &CoverOptions,
) -> Result<CoverPlan, StaffingError> {
    let np = problem.pools.len();
    let lower = (0..problem.grid.len())
        .map(|s| plan.on_duty[s * np..(s + 1) * np].iter().sum::<u32>())
        .max()
        .unwrap_or(0);
    let (mut lo, mut hi) = (lower, plan.peak_day_headcount);
    if lo >= hi {
        return Ok(plan);
    }
    let mut problem = problem.clone();
    problem.need = need.to_vec();
    let base_short = shortage(&plan);
    let limit = plan.total_cost_eur * 1.01 + 1e-6;
    let mut best = plan;
    // Invariant: `hi` is acceptable (its plan is `best`); find the smallest.
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let c = super::cover(
            &problem,
            &CoverOptions {
                max_heads_per_day: Some(mid),
                ..options.clone()
            },
        )?;
        if shortage(&c) <= base_short + 1e-6 && c.total_cost_eur <= limit {
            hi = mid;
            best = c;
        } else {
            lo = mid + 1;
        }
    }
    Ok(best)
}

fn frontier(
    st: &Setup,
    need: &[f64],
    plan: &Plan,
    opts: &PlanOptions,
    cover_options: &CoverOptions,
) -> Result<Vec<FrontierRow>, StaffingError> {
    let max: u32 = st
        .problem
        .pools
        .iter()
        .map(|p| {
            p.max_per_day
                .unwrap_or(p.max_headcount)
                .min(p.max_headcount)
        })
        .sum();
    let step = max.div_ceil(opts.frontier_steps.max(1)).max(1);
    let mut caps: Vec<u32> = (0..=max).step_by(step as usize).collect();
    if caps.last() != Some(&max) {
        caps.push(max);
    }
    let own = plan.cover.peak_day_headcount;
    if !caps.contains(&own) {
        caps.push(own);
        caps.sort_unstable();
    }
    let mut problem = st.problem.clone();
    problem.need = need.to_vec();
    let d = plan.peak_day;
    let k = plan.headline;
    let mut rows = Vec::with_capacity(caps.len());
    for cap in caps {
        let c = super::cover(
            &problem,
            &CoverOptions {
                max_heads_per_day: Some(cap),
                ..cover_options.clone()
            },
        )?;
        let mut model = st.model.clone();
        apply_plan(&mut model, &st.grid, &c, &st.pool_group);
        let ev = evaluate(
            &model,
            &st.grid,
            opts.replications,
            opts.seed.wrapping_add(1),
        )?;
        let heads = c
            .pools
            .iter()
            .map(|p| p.headcount_per_day.get(d).copied().unwrap_or(0))
            .sum();
        rows.push(FrontierRow {
            max_heads_per_day: cap,
            peak_day_heads: heads,
            p_all_intervals: ev.day_all_meet[d],
            p_day: ev.day_meets[d],
            mean_sl: ev.day_sl[d * ev.channels.len() + k]
                .summary()
                .map(|s| s.mean),
            worst_p5_sl: ev.worst_p5(st.grid.day_slots(d), k),
            abandon: ev.day_abandon[d].summary().map(|s| s.mean),
            occupancy: ev.day_occupancy[d].summary().map(|s| s.mean),
            flex_hours: c.total_hours,
            cost_eur: c.total_cost_eur,
        });
    }
    Ok(rows)
}

/// The year view: one pool sized for several peaks.
#[derive(Debug, Clone, PartialEq)]
pub struct YearView {
    /// Per scenario: name, peak date and peak-day flex headcount.
    pub peaks: Vec<(String, Date, u32)>,
    /// Per pool name: the largest peak headcount over the scenarios.
    pub pool_size: Vec<(String, u32)>,
    /// Σ pool size × training per agent per season × seasons.
    pub training_eur: f64,
}

/// Sizes the pools for all the plans (pools matched by name; one season per plan).
pub fn year_view(plans: &[Plan]) -> YearView {
    let mut pool_size: Vec<(String, u32, f64)> = Vec::new();
    for p in plans {
        for (i, ps) in p.cover.pools.iter().enumerate() {
            let training = p.training_eur.get(i).copied().unwrap_or(0.0);
            match pool_size.iter_mut().find(|x| x.0 == ps.pool) {
                Some(x) => {
                    x.1 = x.1.max(ps.peak_headcount);
                    x.2 = x.2.max(training);
                }
                None => pool_size.push((ps.pool.clone(), ps.peak_headcount, training)),
            }
        }
    }
    let seasons = plans.len() as f64;
    YearView {
        peaks: plans
            .iter()
            .map(|p| {
                (
                    p.scenario.clone(),
                    p.headline_date().unwrap_or(p.peak_date()),
                    p.cover.peak_day_headcount,
                )
            })
            .collect(),
        training_eur: pool_size
            .iter()
            .map(|(_, n, t)| f64::from(*n) * t * seasons)
            .sum(),
        pool_size: pool_size.into_iter().map(|(n, s, _)| (n, s)).collect(),
    }
}
