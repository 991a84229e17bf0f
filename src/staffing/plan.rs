//! The flex plan of one scenario: requirement (three methods), permanent roster, flex
//! shifts, the simulated check with fresh seeds, and the headcount frontier.
//!
//! * The scenario's pools' own `scheduled` shifts are replaced by the plan (the plan *is*
//!   the flex schedule).
//! * The plan for Erlang C or Erlang A covers that method's shortfall; the simulation plan
//!   runs [`iterate`](super::iterate::iterate) from the Erlang A shortfall. Every plan is
//!   then re-simulated with a fresh seed (`seed + 1`, replications `0..R`) — the figures
//!   reported — so an Erlang plan is judged by the same simulator.
//! * **Target days** ([`crate::demand::target_days`]): where the promise must hold and the
//!   only days that get a margin; the peak day of single-day figures is the target day with
//!   the most expected contacts on the planned channels.
//! * **Planning interval** ([`PlanOptions::plan_interval_min`]): by default the simulation
//!   interval. A coarser one groups the simulation intervals ([`Grid::coarsen`]): Erlang
//!   sees each planning interval's mean rate, the permanent roster's available agents are
//!   averaged over it, flex shifts start on its boundaries (so flex on duty is constant
//!   over it), and the iteration raises it where any simulation interval inside misses.
//! * **Promise** ([`Promise`]): `Interval` (default) is the engine's fixed point — every
//!   interval and day meets with the confidence. `Day` and `AllIntervals` are chosen on the
//!   frontier.
//! * **Frontier**: for caps `H` on flex heads on each target day — 0, ¼, ½, ¾ of the pools'
//!   daily maximum, the maximum and the plan's own heads — a covering (other days keep the
//!   plan's need), each simulated with `frontier_replications` runs of
//!   [`seeds::frontier`] (common random numbers). Up to the plan's own heads a point covers
//!   the final need with at most `H` heads; above them it covers the need plus a
//!   square-root staffing margin `β·√A` on the target days (`A` the Erlang A load), `β` the
//!   largest that `H` heads still cover. For `Day` and `AllIntervals` a bisection between
//!   the largest failing and the smallest passing cap adds points until they are one head
//!   apart; the passing one is chosen and its covering becomes the plan ([`Choice`]). Cells
//!   no pool can help at the plan's own point ([`Excluded`]) are left out of the promise's
//!   probability. A covering equal to one already simulated reuses its evaluation.
//! * **Check**: the plan re-simulated with [`seeds::check`] at the full replications.
//! * **Headline**: [`Plan::headline`].

use jiff::civil::Date;

use super::evaluate::evaluate_with_statistics;
use super::iterate::{self, Evaluation, IterOptions, IterStep, LimitedCell, apply_plan, evaluate};
use super::requirement::{self, Method, Requirement};
use super::{CoverOptions, CoverPlan, CoverProblem, Grid, NeedGroup, Reach, StaffingError, load};
use crate::demand::Demand;
use crate::montecarlo::McResult;
use crate::montecarlo::seeds;
use crate::scenario::Scenario;
use crate::sim::{Model, SimError};

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
    /// Planning interval in minutes (`None`: the scenario's `calendar.interval_min`). A
    /// multiple of the simulation interval: requirements and flex shift starts are constant
    /// per planning interval, Erlang sees its mean arrival rate, while the simulation (and
    /// the check) still run and judge every simulation interval inside it.
    pub plan_interval_min: Option<u32>,
    /// The service promise the plan is made for.
    pub promise: Promise,
    /// Keep the check's Monte-Carlo statistics ([`Plan::statistics`]) for a report.
    pub keep_statistics: bool,
}

/// The service promise a plan is made for (`--promise`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Promise {
    /// Every interval meets its channel's target with the confidence, and every day's SL
    /// (a deferred channel: every day) does: the plan engine's own fixed point (default).
    #[default]
    Interval,
    /// Each target day's service level, as a whole, meets the target on every channel with
    /// the confidence; single intervals may dip.
    Day,
    /// Every interval of the target days meets the target together (in one run) with the
    /// confidence: the strictest.
    AllIntervals,
}

impl Promise {
    /// The command-line names, in order.
    pub const NAMES: [&'static str; 3] = ["interval", "day", "all-intervals"];

    pub fn name(self) -> &'static str {
        match self {
            Promise::Interval => "interval",
            Promise::Day => "day",
            Promise::AllIntervals => "all-intervals",
        }
    }

    /// Parses a command-line name.
    pub fn parse(s: &str) -> Option<Promise> {
        match s {
            "interval" => Some(Promise::Interval),
            "day" => Some(Promise::Day),
            "all-intervals" => Some(Promise::AllIntervals),
            _ => None,
        }
    }

    /// The promise in words for the headline, on the target days `days`.
    pub fn words(self, days: &[Date]) -> String {
        let named = crate::format::dates_list(days);
        match self {
            Promise::Interval => PROMISE.to_string(),
            Promise::Day if days.len() > 1 => format!("over each day of {named}"),
            Promise::Day => format!("over the day on {named}"),
            Promise::AllIntervals => format!("in all intervals of {named} at once"),
        }
    }
}

impl PlanOptions {
    /// The defaults for a scenario: its confidence and seed, 100 final replications.
    pub fn for_scenario(sc: &Scenario) -> PlanOptions {
        PlanOptions {
            method: Method::Simulation,
            confidence: sc.simulation.confidence,
            replications: 100,
            frontier_replications: 30,
            iter_replications: 40,
            max_iterations: 12,
            seed: sc.simulation.seed,
            frontier: true,
            frontier_steps: 4,
            plan_interval_min: None,
            promise: Promise::Interval,
            keep_statistics: false,
        }
    }
}

/// One point of the frontier.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontierRow {
    /// The cap on flex heads per target day given to the covering (the frontier's knob).
    pub max_heads_per_day: u32,
    /// The most flex heads the covering calls in on one date (all pools).
    pub flex_heads: u32,
    /// The most flex heads the covering puts on one target day (all pools).
    pub target_day_heads: u32,
    /// People to contract: per pool its most heads on one date, summed.
    pub people: u32,
    /// People to contract per pool (`Plan::pools` order).
    pub pool_people: Vec<u32>,
    /// P(every interval of every target day meets at once, every channel).
    pub p_all_intervals: f64,
    /// P(every target day as a whole meets the target on every channel).
    pub p_day: f64,
    /// Share of the target days' cells (live intervals, deferred days) with contacts whose
    /// P(meet) reaches the confidence.
    pub share_cells_meeting: f64,
    /// The chosen promise's measure at this point: for `interval` the share of
    /// target-day cells meeting with the confidence, else the probability the promise holds.
    pub p_promise: f64,
    /// Per frontier replication: the promise held on the target days (the interval
    /// promise: each day as a whole). All points share the runs (common random numbers),
    /// so two points' differences can be paired run by run.
    pub held: Vec<bool>,
    /// Mean SL of the peak day on the headline channel.
    pub mean_sl: Option<f64>,
    /// The worst interval's 5th-percentile SL on the peak day (headline channel).
    pub worst_p5_sl: Option<f64>,
    pub abandon: Option<f64>,
    pub occupancy: Option<f64>,
    pub flex_hours: f64,
    pub cost_eur: f64,
    /// The chosen point: its flex heads, hours and cost are the plan's (staffing.csv,
    /// shifts.csv) exactly.
    pub chosen: bool,
    /// The point was added by the bisection (not one of the evenly spaced caps).
    pub bisection: bool,
}

/// A finished plan.
#[derive(Debug, Clone)]
pub struct Plan {
    pub scenario: String,
    pub options: PlanOptions,
    /// The simulation grid: per-interval vectors below are on it unless said otherwise.
    pub grid: Grid,
    /// The planning grid (equal to `grid` unless a coarser planning interval was asked).
    pub plan_grid: Grid,
    /// Per simulation interval, the index of its planning interval in `plan_grid`.
    pub block_of: Vec<usize>,
    /// Expected first contacts (the forecast) per simulation interval and need group.
    pub contacts: Vec<f64>,
    /// The load the requirement used: expected contacts offered plus transfers per
    /// simulation interval and need group (load model, before the simulation method's volume
    /// quantile).
    pub offered: Vec<f64>,
    /// Mean simulated contacts offered plus transfers per simulation interval and need
    /// group, in the fresh-seed check.
    pub offered_sim: Vec<f64>,
    /// The analytic requirement per **planning** interval and need group (Erlang C and A on
    /// the load; the simulation method's at its volume quantile).
    pub requirement: Requirement,
    /// The simulation method's requirement per planning interval and group (Erlang A + the
    /// corrections the rounds found), when that method ran.
    pub simulation_required: Option<Vec<f64>>,
    /// Permanent heads on duty per slot (all teams).
    /// The same roster in the requirement's unit: standard agents available per interval
    /// (each head × (1 − absence)(1 − in-shift shrinkage) / aht_factor), all teams.
    pub permanent_agents: Vec<f64>,
    pub permanent_on_duty: Vec<u32>,
    pub pools: Vec<String>,
    /// Flex heads on duty per `[slot * pools + pool]`.
    pub flex_on_duty: Vec<u32>,
    pub cover: CoverPlan,
    /// The most flex heads on one date of the per-interval plan (every interval meets with
    /// the confidence on its own), whether or not it is the chosen plan.
    pub per_interval_heads: u32,
    /// The days the promise must hold (`demand::target_days`), ascending.
    pub target_days: Vec<usize>,
    /// How the chosen point was found and re-checked (`None`: no frontier ran).
    pub choice: Option<Choice>,
    /// Cells the promise's measures leave out (no pool can help them at the plan's own
    /// point).
    pub excluded: Excluded,
    /// Iteration steps (simulation method).
    pub steps: Vec<IterStep>,
    pub converged: Option<bool>,
    /// Where the iteration ended (simulation method): warm-starts re-plans of nearby
    /// scenarios ([`plan_from`]).
    pub warm: Option<iterate::Warm>,
    /// The plan re-simulated with a fresh seed.
    pub check: Evaluation,
    /// The check's runs as `peakplan simulate` summarises them, when
    /// [`PlanOptions::keep_statistics`] asked for them.
    pub statistics: Option<McResult>,
    /// The permanent roster alone, simulated with the check's seed at the frontier's
    /// replications.
    pub roster_only: Evaluation,
    /// The target day with the most expected contacts (single-day figures and tables).
    pub peak_day: usize,
    /// Index in `check.channels` of the headline channel (most contacts).
    pub headline: usize,
    pub headline_channel: String,
    pub target_share: f64,
    pub target_s: f64,
    pub frontier: Vec<FrontierRow>,
    /// Pools' training cost per agent per season.
    pub training_eur: Vec<f64>,
    /// Cells short in the check that no pool can help, with the binding limits.
    pub limited: Vec<LimitedCell>,
    /// The covering problem of the plan, with the final flex need (standard agents per
    /// planning interval and need group): `cover` is its solution.
    pub problem: CoverProblem,
    /// The plan's figures for plan.json.
    pub summary: PlanSummary,
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

    /// The frontier row of the plan itself.
    pub fn chosen_row(&self) -> Option<&FrontierRow> {
        self.frontier.iter().find(|r| r.chosen)
    }

    /// The smallest frontier cap whose P(every interval of the target days at once) reaches
    /// the confidence (among the points simulated).
    pub fn frontier_answer(&self) -> Option<&FrontierRow> {
        self.frontier
            .iter()
            .find(|r| r.p_all_intervals >= self.options.confidence - 1e-12)
    }

    /// The promise the plan buys: the one asked for, or the interval promise when the
    /// frontier found it out of reach (the risk list says so).
    pub fn bought(&self) -> Promise {
        match &self.choice {
            Some(ch) if !ch.reached => Promise::Interval,
            _ => self.options.promise,
        }
    }

    /// The target days' dates.
    pub fn target_dates(&self) -> Vec<Date> {
        self.target_days
            .iter()
            .map(|&d| self.grid.days[d])
            .collect()
    }
}

/// The figures of the answer a manager reads aloud (see [`Plan::headline`]); serialisable
/// for a machine-readable record of the run.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Headline {
    /// The headline channel (most expected contacts among the planned channels).
    pub channel: String,
    /// True when more live/chat channels are planned (each at its own target).
    pub other_channels: bool,
    /// Service-level target: `share` answered within `within_s` seconds.
    pub target_share: f64,
    pub within_s: f64,
    /// Required probability that an interval (a deferred channel: a day) meets its target.
    pub confidence: f64,
    /// The promise the plan is made for, in words.
    pub promise: String,
    /// The promise the plan buys (`--promise`, or `interval` when that was out of reach).
    pub promise_kind: Promise,
    /// The days the promise must hold.
    pub target_days: Vec<Date>,
    /// People to contract: per pool its most heads on one date, summed over the pools.
    pub people_to_contract: u32,
    /// Per pool (with any flex shift): its name and people to contract, most first.
    pub pools: Vec<PoolPeople>,
    /// The first and last date with flex shifts.
    pub first_flex_date: Option<Date>,
    pub last_flex_date: Option<Date>,
    pub flex_hours: f64,
    /// Flex cost in euros, rounded to cents.
    pub flex_cost_eur: f64,
    /// False when the simulation-based iteration hit its cap while still raising need.
    pub converged: bool,
    /// Cells (live intervals and deferred days with contacts) of the fresh-seed check, those
    /// meeting the promise, and those below it that no pool can help (capacity-limited).
    pub cells: usize,
    pub cells_meeting: usize,
    pub cells_capacity_limited: usize,
    /// The most flex heads on one date (all pools), and that date.
    pub flex_heads: u32,
    pub flex_heads_date: Option<Date>,
    /// Where the permanent roster alone serves worst (None when it meets the target in
    /// every interval on average).
    pub roster_only_worst: Option<Stretch>,
    /// The peak day (most expected contacts).
    pub peak_date: Date,
}

/// One pool's people to contract.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PoolPeople {
    pub pool: String,
    pub people: u32,
}

/// A run of consecutive intervals of one day on the headline channel.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Stretch {
    pub date: jiff::civil::Date,
    /// Local clock start of the first interval and end of the last, minutes since midnight
    /// (the end may be 1440).
    pub from_min: u32,
    pub to_min: u32,
    /// Contact-weighted mean SL over the stretch.
    pub sl: f64,
}

impl Plan {
    /// The figures of the headline answer. The roster-alone stretch: among the runs of
    /// consecutive intervals of one day whose mean SL (permanent roster alone, frontier
    /// replications) is below the headline channel's target, the one where the most
    /// contacts miss it (Σ expected contacts × (target − SL)); its SL is the
    /// contact-weighted mean over the run.
    pub fn headline(&self) -> Headline {
        let c = &self.cover;
        let ev = &self.roster_only;
        let nc = ev.channels.len();
        let k = self.headline;
        let mut best: Option<(f64, Stretch)> = None;
        for d in 0..self.grid.days.len() {
            let mut run: Option<(usize, f64, f64, f64)> = None; // first slot, Σw, Σw·sl, missed
            let slots: Vec<usize> = self.grid.day_slots(d).collect();
            for (pos, &i) in slots.iter().enumerate() {
                let w = ev.expected.get(i * nc + k).copied().unwrap_or(0.0);
                let sl = ev.sl_summary(i, k).map(|s| s.mean);
                let below = w > 0.0 && sl.is_some_and(|x| x < self.target_share);
                if below {
                    let x = sl.unwrap_or(0.0);
                    let r = run.get_or_insert((i, 0.0, 0.0, 0.0));
                    r.1 += w;
                    r.2 += w * x;
                    r.3 += w * (self.target_share - x);
                }
                let ends = !below || pos + 1 == slots.len();
                if ends && let Some((first, sw, swx, missed)) = run.take() {
                    let last = if below { i } else { slots[pos - 1] };
                    let to = self.grid.slots[last].start_min + self.grid.slots[last].length_min;
                    let st = Stretch {
                        date: self.grid.days[d],
                        from_min: self.grid.slots[first].start_min,
                        to_min: to.min(24 * 60),
                        sl: swx / sw,
                    };
                    if best.as_ref().is_none_or(|(m, _)| missed > *m + 1e-9) {
                        best = Some((missed, st));
                    }
                }
            }
        }
        let mut pools: Vec<PoolPeople> = c
            .pools
            .iter()
            .filter(|ps| ps.peak_headcount > 0)
            .map(|ps| PoolPeople {
                pool: ps.pool.clone(),
                people: ps.peak_headcount,
            })
            .collect();
        pools.sort_by(|a, b| b.people.cmp(&a.people).then(a.pool.cmp(&b.pool)));
        let flex_dates: Vec<Date> = c.shifts.iter().map(|s| s.date).collect();
        Headline {
            channel: self.headline_channel.clone(),
            other_channels: self.check.channels.len() > 1,
            target_share: self.target_share,
            within_s: self.target_s,
            confidence: self.options.confidence,
            promise: self.bought().words(&self.target_dates()),
            promise_kind: self.bought(),
            target_days: self.target_dates(),
            people_to_contract: pools.iter().map(|p| p.people).sum(),
            pools,
            first_flex_date: flex_dates.iter().min().copied(),
            last_flex_date: flex_dates.iter().max().copied(),
            flex_hours: c.total_hours,
            flex_cost_eur: (c.total_cost_eur * 100.0).round() / 100.0,
            converged: self.converged.unwrap_or(true),
            cells: self.summary.cells,
            cells_meeting: self.summary.cells_meeting,
            cells_capacity_limited: self.summary.cells_capacity_limited,
            flex_heads: c.peak_day_headcount,
            flex_heads_date: self.headline_date(),
            roster_only_worst: best.map(|(_, s)| s),
            peak_date: self.peak_date(),
        }
    }
}

/// The promise the plan engine staffs for.
pub const PROMISE: &str = "in every interval and day";

/// Builds the model, load groups, team capacity and covering problem of a scenario.
struct Setup {
    model: Model,
    /// The simulation grid (the demand's intervals).
    grid: Grid,
    /// Per simulation interval, its planning interval (`problem.grid` is the planning grid).
    block_of: Vec<usize>,
    /// Need groups as model `(skill, channel)`, in `problem.groups` order.
    groups: Vec<(usize, usize)>,
    problem: CoverProblem,
    n_teams: usize,
    permanent_on_duty: Vec<u32>,
    /// The permanent teams' standard agents per simulation interval (capacity model).
    permanent_agents: Vec<f64>,
    /// The teams' standard agents per `[block * teams + team]` (capacity model).
    team_available: Vec<f64>,
    serves: Vec<Vec<bool>>,
    reach: Reach,
}

/// The scenario's simulation model as every plan starts from it: the pools' own `scheduled`
/// shifts removed (the plan *is* the flex schedule). Team `t` is model unit `t`, flex pool
/// `p` is model unit `teams.len() + p`.
pub fn unplanned_model(sc: &Scenario, demand: &Demand) -> Result<Model, SimError> {
    let mut sc = sc.clone();
    for p in &mut sc.agents.flex_pools {
        p.scheduled.clear();
    }
    Model::from_scenario(&sc, demand)
}

/// The model of a plan: [`unplanned_model`] staffed with the plan's flex shifts — what the
/// check, `run`'s report and the cost analysis simulate.
pub fn planned_model(sc: &Scenario, demand: &Demand, plan: &Plan) -> Result<Model, SimError> {
    let mut model = unplanned_model(sc, demand)?;
    if model.intervals.len() != plan.grid.len() {
        return Err(SimError::Invalid(format!(
            "the plan has {} slots but the scenario's demand has {} intervals; the plan belongs to another scenario",
            plan.grid.len(),
            model.intervals.len()
        )));
    }
    apply_plan(&mut model, &plan.grid, &plan.cover, sc.agents.teams.len());
    Ok(model)
}

fn setup(sc: &Scenario, demand: &Demand, plan_min: Option<u32>) -> Result<Setup, StaffingError> {
    let model = unplanned_model(sc, demand).map_err(|e| StaffingError::Need(e.to_string()))?;
    let grid = Grid::from_demand(demand)?;
    if grid.len() != model.intervals.len() {
        return Err(StaffingError::Grid(
            "the demand's intervals and the model's differ".into(),
        ));
    }
    let (plan_grid, block_of) = match plan_min {
        Some(m) if m != grid.step_min || grid.slots.iter().any(|s| s.length_min != m) => {
            grid.coarsen(m)?
        }
        _ => (grid.clone(), (0..grid.len()).collect()),
    };
    let groups = load::reachable_groups(&model);
    let need_groups: Vec<NeedGroup> = groups
        .iter()
        .map(|&(s, c)| NeedGroup::new(&model.skills[s], &model.channels[c].name))
        .collect();
    let roster = super::roster(&grid, &sc.agents.teams, &need_groups)?;
    let nt = sc.agents.teams.len();
    // The teams' standard agents per planning interval: the mean over its intervals
    // (weighted by length).
    let nb = plan_grid.len();
    let mut team_available = vec![0.0; nb * nt];
    for (i, &b) in block_of.iter().enumerate() {
        let w = f64::from(grid.slots[i].length_min) / f64::from(plan_grid.slots[b].length_min);
        for t in 0..nt {
            team_available[b * nt + t] += roster.available[i * nt + t] * w;
        }
    }
    let serves: Vec<Vec<bool>> = sc
        .agents
        .teams
        .iter()
        .map(|t| {
            need_groups
                .iter()
                .map(|g| g.served_by(&t.skills, &t.channels))
                .collect()
        })
        .collect();
    let permanent_on_duty = (0..grid.len())
        .map(|s| (0..nt).map(|t| roster.scheduled(s, t)).sum())
        .collect();
    let permanent_agents = (0..grid.len())
        .map(|i| (0..nt).map(|t| roster.available[i * nt + t]).sum())
        .collect();
    let problem = CoverProblem {
        grid: plan_grid,
        groups: need_groups,
        need: vec![0.0; nb * groups.len()],
        pools: sc.agents.flex_pools.clone(),
        opening_hours: CoverProblem::opening_hours_of(&sc.channels),
        plan_date: sc.calendar.plan_date(),
    };
    let reach = Reach::new(&problem);
    Ok(Setup {
        model,
        grid,
        block_of,
        groups,
        problem,
        n_teams: nt,
        permanent_on_duty,
        permanent_agents,
        team_available,
        serves,
        reach,
    })
}

impl Setup {
    fn context<'a>(&'a self, cover_options: &'a CoverOptions) -> iterate::Context<'a> {
        iterate::Context {
            model: &self.model,
            grid: &self.grid,
            block_of: &self.block_of,
            problem: &self.problem,
            cover_options,
            n_teams: self.n_teams,
            team_available: &self.team_available,
            serves: &self.serves,
            groups: &self.groups,
            reach: &self.reach,
        }
    }
}

/// Plans the flex pools of a scenario (see the module docs).
pub fn plan(sc: &Scenario, demand: &Demand, opts: &PlanOptions) -> Result<Plan, StaffingError> {
    plan_from(sc, demand, opts, None)
}

/// [`plan`], the simulation method's iteration starting from `warm` (an earlier plan's
/// [`Plan::warm`] of a nearby scenario: same calendar, groups and pools) with at most
/// `opts.max_iterations` rounds; analytic methods ignore it.
pub fn plan_from(
    sc: &Scenario,
    demand: &Demand,
    opts: &PlanOptions,
    warm: Option<&iterate::Warm>,
) -> Result<Plan, StaffingError> {
    check_options(opts)?;
    let st = setup(sc, demand, opts.plan_interval_min)?;
    let ng = st.groups.len();
    let cover_options = CoverOptions::default();
    // The rounds and the frontier re-cover many times: heuristic + LP bound only, no
    // branch & bound unless the heuristic leaves short what the LP covers.
    let fast = CoverOptions {
        mip_max_vars: 0,
        improve_passes: 5,
        ..CoverOptions::default()
    };
    let check_seed = seeds::check(opts.seed);
    let Solved {
        cover,
        steps,
        converged,
        need,
        required,
        req,
        observed,
        warm_end,
    } = solve(&st, opts, warm, &fast, &cover_options)?;
    let cover = fewest_heads(&st.problem, &need, cover, &cover_options)?;
    // The permanent roster alone, with the frontier's runs (it is the frontier's 0 point).
    let roster_only = evaluate(
        &st.model,
        &st.grid,
        &st.groups,
        opts.frontier_replications.max(2),
        check_seed,
    )?;
    let target_days = crate::demand::target_days(sc, demand);
    let (headline, peak_day) = headline_and_peak_day(&roster_only, &st.grid, &target_days);
    let headline_ch = roster_only.channels.get(headline).copied().unwrap_or(0);
    let mut out = Plan {
        scenario: sc.name.clone(),
        options: opts.clone(),
        grid: st.grid.clone(),
        plan_grid: st.problem.grid.clone(),
        block_of: st.block_of.clone(),
        contacts: Vec::new(),
        offered: Vec::new(),
        offered_sim: Vec::new(),
        requirement: req.clone(),
        simulation_required: (opts.method == Method::Simulation).then(|| required.clone()),
        permanent_on_duty: st.permanent_on_duty.clone(),
        permanent_agents: st.permanent_agents.clone(),
        pools: st.problem.pools.iter().map(|p| p.name.clone()).collect(),
        flex_on_duty: Vec::new(),
        per_interval_heads: cover.peak_day_headcount,
        target_days,
        choice: None,
        excluded: Excluded::default(),
        cover,
        steps,
        converged,
        warm: warm_end,
        check: roster_only.clone(),
        statistics: None,
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
        limited: Vec::new(),
        problem: st.problem.clone(),
        summary: PlanSummary::default(),
    };
    let scale = match opts.method {
        Method::Simulation => iterate::volume_scale(&st.model, opts.confidence),
        _ => 1.0,
    };
    // The cells of an evaluation of a covering that no pool can help (final requirement).
    let ctx = st.context(&fast);
    let limited_of = |ev: &Evaluation, cover: &CoverPlan| {
        iterate::limited_cells(
            &ctx,
            ev,
            &req,
            &required,
            cover,
            &need,
            opts.confidence,
            scale,
        )
    };
    let fin = FinalNeed {
        need: &need,
        required: &required,
        req: &req,
    };
    let own_limited = if opts.frontier {
        Some(add_frontier(&st, &fin, &mut out, opts, &fast, &limited_of)?)
    } else {
        None
    };
    out.flex_on_duty = flex_on_duty(&st, &out.cover);
    run_check(&st, &mut out, opts, check_seed)?;
    if let Some(mut ch) = out.choice.take() {
        ch.p_check = promise_measure(opts.promise, &out.check, &out);
        out.choice = Some(ch);
    }
    let final_load = load::offered_load(&st.model, &observed);
    out.contacts = final_load.first.clone();
    out.offered = (0..st.grid.len() * ng)
        .map(|j| final_load.arrivals(j / ng, j % ng))
        .collect();
    out.offered_sim = (0..st.grid.len() * ng)
        .map(|j| out.check.g_arrivals(j / ng, j % ng))
        .collect();
    // Cells the check finds short that no pool can help (with the final requirement).
    // Under the day and all-intervals promises single cells may dip by design: the cells
    // that no pool can help are those of the plan's own point (left out of the promise).
    out.limited = match own_limited {
        Some(lim) if opts.promise != Promise::Interval => lim,
        _ => limited_of(&out.check, &out.cover),
    };
    out.problem.need = need.clone();
    let lp_hours = super::lp_hours_bound(&out.problem, &out.cover, &cover_options)?;
    out.summary = summarise(&out, &st, lp_hours);
    Ok(out)
}

/// The frontier beside the plan, its chosen point made the plan's covering; returns the
/// cells no pool can help at the plan's own point (left out of the promise's measures).
fn add_frontier(
    st: &Setup,
    fin: &FinalNeed,
    out: &mut Plan,
    opts: &PlanOptions,
    fast: &CoverOptions,
    limited_of: &dyn Fn(&Evaluation, &CoverPlan) -> Vec<LimitedCell>,
) -> Result<Vec<LimitedCell>, StaffingError> {
    // The plan's own point on the frontier's runs.
    let own_ev = evaluate_cached(
        st,
        &out.cover,
        opts.frontier_replications.max(2),
        frontier_seed(opts),
        &mut Vec::new(),
    )?;
    let lim = limited_of(&own_ev, &out.cover);
    out.excluded = Excluded::from_cells(&lim, &own_ev);
    let seen = vec![(out.cover.shifts.clone(), own_ev)];
    let (rows, covers, choice) = frontier(st, fin, out, opts, fast, seen)?;
    if let Some(k) = rows.iter().position(|r| r.chosen) {
        out.cover = covers[k].clone();
    }
    out.frontier = rows;
    out.choice = Some(choice);
    Ok(lim)
}

/// Refuses options no plan can be made with.
fn check_options(opts: &PlanOptions) -> Result<(), StaffingError> {
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
    Ok(())
}

/// The flex need and its covering, before the frontier: from Erlang directly, or from the
/// simulation-based rounds.
struct Solved {
    cover: CoverPlan,
    steps: Vec<IterStep>,
    converged: Option<bool>,
    need: Vec<f64>,
    required: Vec<f64>,
    req: Requirement,
    observed: load::Observed,
    warm_end: Option<iterate::Warm>,
}

fn solve(
    st: &Setup,
    opts: &PlanOptions,
    warm: Option<&iterate::Warm>,
    fast: &CoverOptions,
    cover_options: &CoverOptions,
) -> Result<Solved, StaffingError> {
    let ng = st.groups.len();
    let solved = match opts.method {
        Method::ErlangC | Method::ErlangA => {
            let (req, observed) = iterate::analytic(&st.model, &st.block_of, 1.0)?;
            let required = req.of(opts.method).to_vec();
            let mut problem = st.problem.clone();
            problem.need = requirement::shortfall(&required, ng, &st.team_available, &st.serves);
            let c = super::cover(&problem, cover_options)?;
            Solved {
                cover: c,
                steps: Vec::new(),
                converged: None,
                need: problem.need,
                required,
                req,
                observed,
                warm_end: None,
            }
        }
        Method::Simulation => {
            let it = iterate::iterate(
                &st.context(fast),
                &IterOptions {
                    confidence: opts.confidence,
                    warm: warm.cloned(),
                    replications: opts.iter_replications,
                    seed: opts.seed,
                    max_iterations: opts.max_iterations,
                },
            )?;
            Solved {
                cover: it.plan,
                steps: it.steps,
                converged: Some(it.converged),
                need: it.need,
                required: it.required,
                req: it.requirement,
                observed: it.observed,
                warm_end: Some(it.warm),
            }
        }
    };
    Ok(solved)
}

/// The headline channel (most expected contacts among the planned channels) and the target
/// day with the most expected contacts on them.
fn headline_and_peak_day(
    roster_only: &Evaluation,
    grid: &Grid,
    target_days: &[usize],
) -> (usize, usize) {
    let nc = roster_only.channels.len();
    let headline = (0..nc)
        .max_by(|&a, &b| {
            let sa: f64 = roster_only.expected.iter().skip(a).step_by(nc.max(1)).sum();
            let sb: f64 = roster_only.expected.iter().skip(b).step_by(nc.max(1)).sum();
            sa.total_cmp(&sb).then(b.cmp(&a))
        })
        .unwrap_or(0);
    // The target day with the most expected contacts on the planned channels.
    let peak_day = target_days
        .iter()
        .copied()
        .max_by(|&a, &b| {
            let day_sum = |d: usize| -> f64 {
                grid.day_slots(d)
                    .flat_map(|i| roster_only.expected[i * nc..(i + 1) * nc].iter())
                    .sum()
            };
            day_sum(a).total_cmp(&day_sum(b)).then(b.cmp(&a))
        })
        .unwrap_or(0);
    (headline, peak_day)
}

/// Flex heads on duty per `[slot * pools + p]` of a covering.
fn flex_on_duty(st: &Setup, cover: &CoverPlan) -> Vec<u32> {
    let np = st.problem.pools.len();
    let mut flex_on_duty = vec![0u32; st.grid.len() * np];
    for p in 0..np {
        let heads = super::roster::flex_heads(&st.grid, &cover.flex_shifts(p));
        for (s, h) in heads.into_iter().enumerate() {
            flex_on_duty[s * np + p] = h;
        }
    }
    flex_on_duty
}

/// The plan re-simulated with the check's fresh seed (and, when asked, its statistics kept).
fn run_check(
    st: &Setup,
    out: &mut Plan,
    opts: &PlanOptions,
    check_seed: u64,
) -> Result<(), StaffingError> {
    let mut model = st.model.clone();
    apply_plan(&mut model, &st.grid, &out.cover, st.n_teams);
    if opts.keep_statistics {
        let (check, statistics) =
            evaluate_with_statistics(&model, &st.grid, &st.groups, opts.replications, check_seed)?;
        out.check = check;
        out.statistics = Some(statistics);
    } else {
        out.check = evaluate(&model, &st.grid, &st.groups, opts.replications, check_seed)?;
    }
    Ok(())
}

/// Heads of one pool on one date.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DayHeads {
    pub date: Date,
    pub heads: u32,
}

/// One pool's share of the plan, and the limits that bind it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PoolFigures {
    pub pool: String,
    /// The most heads on one date: the people to have ready.
    pub peak_heads: u32,
    pub peak_date: Option<Date>,
    pub heads_per_day: Vec<DayHeads>,
    pub hours: f64,
    pub cost_eur: f64,
    /// Limit name → capacity-limited cells in which it binds this pool.
    pub binding_limits: std::collections::BTreeMap<String, usize>,
}

/// A pool's limit in one capacity-limited cell.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PoolLimit {
    /// `None` when no pool serves the group (or its channel is closed then).
    pub pool: Option<String>,
    pub limit: String,
}

/// A need group short in a capacity-limited cell, and what binds each pool that serves it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GroupLimits {
    pub group: String,
    pub limits: Vec<PoolLimit>,
}

/// A cell below the confidence in the check that no pool can help.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LimitedFigures {
    pub date: Date,
    /// `"interval"` (a live channel's interval) or `"day"` (a deferred channel's day).
    pub kind: &'static str,
    /// Local start `HH:MM` of the interval (none for a day).
    pub start: Option<String>,
    pub channel: String,
    pub groups: Vec<GroupLimits>,
}

/// The plan's figures (`plan.json`, and `"plan"` in `run.json`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct PlanSummary {
    pub scenario: String,
    pub method: String,
    pub confidence: f64,
    pub seed: u64,
    /// The fresh seed of the check (`seed + 1`).
    pub check_seed: u64,
    pub check_replications: u32,
    pub iteration_replications: u32,
    /// The rounds reached a fixed point (true for the analytic methods, which do not
    /// iterate).
    pub converged: bool,
    pub rounds: u32,
    pub round_cap: u32,
    /// Live intervals with contacts plus deferred days with contacts.
    pub cells: usize,
    /// Of those, cells whose P(meet) in the fresh-seed check reaches the confidence.
    pub cells_meeting: usize,
    /// Cells below the confidence in the check that no pool can help.
    pub cells_capacity_limited: usize,
    /// `cells_meeting / (cells − cells_capacity_limited)`.
    pub share_meeting_not_limited: f64,
    pub flex_hours: f64,
    /// The LP lower bound on flex hours for the same need.
    pub lp_lower_bound_flex_hours: f64,
    pub flex_cost_eur: f64,
    pub lp_lower_bound_flex_cost_eur: f64,
    /// The most flex heads on one date, all pools together.
    pub peak_flex_heads: u32,
    /// Σ pools' peak heads: the people to contract.
    pub people_to_contract: u32,
    pub pools: Vec<PoolFigures>,
    pub capacity_limited: Vec<LimitedFigures>,
    /// The rounds of the simulation method, in order.
    pub round_figures: Vec<RoundFigures>,
    /// The promise (`interval`, `day`, `all-intervals`) and its words.
    pub promise: Promise,
    pub promise_words: String,
    /// The days the promise must hold.
    pub target_days: Vec<Date>,
    /// How the chosen frontier point was found and re-checked (none without a frontier).
    pub choice: Option<Choice>,
    /// Cells on the target days left out of the promise's probability (no pool can help).
    pub cells_left_out_on_target_days: usize,
}

/// One round of the iterative algorithm.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RoundFigures {
    pub round: u32,
    /// Live intervals and deferred days below the confidence (iteration seed).
    pub below: usize,
    /// Need cells raised after this round.
    pub raised: usize,
    pub capacity_limited: usize,
    pub flex_hours: f64,
    pub peak_flex_heads: u32,
}

fn clock_of(min: u32) -> String {
    format!("{:02}:{:02}", min / 60, min % 60)
}

/// The figures of `plan.json`.
fn summarise(p: &Plan, st: &Setup, lp_hours: f64) -> PlanSummary {
    let ev = &p.check;
    let conf = p.options.confidence;
    let nc = ev.channels.len();
    let nf = ev.deferred.len();
    let ng = st.groups.len();
    let mut cells = 0usize;
    let mut meeting = 0usize;
    for i in 0..p.grid.len() {
        for (k, &c) in ev.channels.iter().enumerate() {
            let any = (0..ng).any(|g| st.groups[g].1 == c && ev.g_arrivals(i, g) > 0.0);
            if any {
                cells += 1;
                if ev.p_meet[i * nc + k] >= conf - 1e-12 {
                    meeting += 1;
                }
            }
        }
    }
    for d in 0..p.grid.days.len() {
        for k in 0..nf {
            if ev.deferred_day_sl[d * nf + k].n() > 0 {
                cells += 1;
                if ev.deferred_day_meets[d * nf + k] >= conf - 1e-12 {
                    meeting += 1;
                }
            }
        }
    }
    let names = &st.problem.groups;
    let mut pools: Vec<PoolFigures> = p
        .cover
        .pools
        .iter()
        .map(|ps| PoolFigures {
            pool: ps.pool.clone(),
            peak_heads: ps.peak_headcount,
            peak_date: ps.peak_date,
            heads_per_day: p
                .grid
                .days
                .iter()
                .zip(&ps.headcount_per_day)
                .map(|(&date, &heads)| DayHeads { date, heads })
                .collect(),
            hours: ps.hours,
            cost_eur: (ps.cost_eur * 100.0).round() / 100.0,
            binding_limits: std::collections::BTreeMap::new(),
        })
        .collect();
    let mut capacity_limited = Vec::new();
    for cell in &p.limited {
        let slot = &p.grid.slots[cell.interval];
        let groups = cell
            .groups
            .iter()
            .map(|(g, limits)| GroupLimits {
                group: names[*g].name(),
                limits: limits
                    .iter()
                    .map(|&(pool, limit)| {
                        if let Some(pi) = pool
                            && let Some(pf) = pools.get_mut(pi)
                        {
                            *pf.binding_limits
                                .entry(limit.name().to_string())
                                .or_insert(0) += 1;
                        }
                        PoolLimit {
                            pool: pool.map(|pi| st.problem.pools[pi].name.clone()),
                            limit: limit.name().to_string(),
                        }
                    })
                    .collect(),
            })
            .collect();
        capacity_limited.push(LimitedFigures {
            date: p.grid.days[cell.day],
            kind: if cell.day_cell { "day" } else { "interval" },
            start: (!cell.day_cell).then(|| clock_of(slot.start_min)),
            channel: st.model.channels[cell.channel].name.clone(),
            groups,
        });
    }
    let limited = capacity_limited.len();
    let free = cells.saturating_sub(limited);
    PlanSummary {
        scenario: p.scenario.clone(),
        method: p.options.method.name().to_string(),
        confidence: conf,
        seed: p.options.seed,
        check_seed: seeds::check(p.options.seed),
        check_replications: ev.replications,
        iteration_replications: p.options.iter_replications,
        converged: p.converged.unwrap_or(true),
        rounds: p.steps.len() as u32,
        round_cap: p.options.max_iterations,
        cells,
        cells_meeting: meeting,
        cells_capacity_limited: limited,
        share_meeting_not_limited: if free > 0 {
            meeting.min(free) as f64 / free as f64
        } else {
            1.0
        },
        flex_hours: p.cover.total_hours,
        lp_lower_bound_flex_hours: lp_hours,
        flex_cost_eur: (p.cover.total_cost_eur * 100.0).round() / 100.0,
        lp_lower_bound_flex_cost_eur: (p.cover.lp_bound_eur * 100.0).round() / 100.0,
        peak_flex_heads: p.cover.peak_day_headcount,
        people_to_contract: p.cover.peak_headcount,
        pools,
        capacity_limited,
        round_figures: p
            .steps
            .iter()
            .map(|s| RoundFigures {
                round: s.iteration,
                below: s.below,
                raised: s.raised,
                capacity_limited: s.capacity_limited,
                flex_hours: s.flex_hours,
                peak_flex_heads: s.peak_day_headcount,
            })
            .collect(),
        promise: p.options.promise,
        promise_words: p.options.promise.words(&p.target_dates()),
        target_days: p.target_dates(),
        choice: p.choice.clone(),
        cells_left_out_on_target_days: p.excluded.on_days(&p.grid, &p.target_days),
    }
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

/// The frontier's seed ([`seeds::frontier`]), fresh against the check's.
fn frontier_seed(opts: &PlanOptions) -> u64 {
    seeds::frontier(opts.seed)
}

/// The most flex heads a covering puts on one of `days`.
fn target_heads(c: &CoverPlan, days: &[usize]) -> u32 {
    days.iter()
        .map(|&d| {
            c.pools
                .iter()
                .map(|p| p.headcount_per_day.get(d).copied().unwrap_or(0))
                .sum()
        })
        .max()
        .unwrap_or(0)
}

/// How the chosen frontier point was found and re-checked (`run.json`, plan.json).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Choice {
    pub promise: Promise,
    /// The target days' dates.
    pub target_days: Vec<Date>,
    /// Seed and replications of every frontier point (common random numbers: the same
    /// runs for every point).
    pub frontier_seed: u64,
    pub frontier_replications: u32,
    /// Frontier points simulated, of which added by the bisection.
    pub points: u32,
    pub bisection_steps: u32,
    /// The promise is reached by the chosen point on the frontier's runs (false: no point
    /// reaches it; the chosen point is the one that comes nearest).
    pub reached: bool,
    /// Target-day flex heads of the chosen point (the cap given to the covering).
    pub heads: u32,
    /// The largest cap below it that was simulated and fails the promise: when it is
    /// `heads − 1`, the answer is exact to one head.
    pub failing_below: Option<u32>,
    /// The promise's measure (as [`FrontierRow::p_promise`]) at the chosen point on the frontier's
    /// runs, and in the fresh-seed check at the full replications.
    pub p_frontier: f64,
    pub p_check: f64,
    pub check_seed: u64,
    pub check_replications: u32,
}

/// Cells a promise's measures leave out: those no pool can help at the plan's own point
/// (capacity-limited; they are in the risk list): live intervals `(interval, k)` and deferred
/// days `(day, k)`, `k` the index in the evaluation's live or deferred channels.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Excluded {
    pub live: std::collections::BTreeSet<(usize, usize)>,
    pub deferred: std::collections::BTreeSet<(usize, usize)>,
}

impl Excluded {
    fn from_cells(cells: &[LimitedCell], ev: &Evaluation) -> Excluded {
        let mut out = Excluded::default();
        for c in cells {
            if c.day_cell {
                if let Some(k) = ev.deferred.iter().position(|&x| x == c.channel) {
                    out.deferred.insert((c.day, k));
                }
            } else if let Some(k) = ev.channels.iter().position(|&x| x == c.channel) {
                out.live.insert((c.interval, k));
            }
        }
        out
    }

    /// Left-out cells on `days`.
    pub fn on_days(&self, grid: &Grid, days: &[usize]) -> usize {
        let on = |d: usize| days.contains(&d);
        self.live
            .iter()
            .filter(|(i, _)| on(grid.slots[*i].day))
            .count()
            + self.deferred.iter().filter(|(d, _)| on(*d)).count()
    }
}

/// Per replication: the target days all held in it — every interval of each
/// (`all_intervals`) or each day as a whole, on every live channel, and every deferred
/// channel's day; the cells of `plan.excluded` left out.
fn held_together(ev: &Evaluation, plan: &Plan, all_intervals: bool) -> Vec<bool> {
    let nc = ev.channels.len();
    let nf = ev.deferred.len();
    let ni = plan.grid.len();
    let nd = plan.grid.days.len();
    let reps = ev.replications.max(1) as usize;
    if ev.rep_meets.len() < reps * ni * nc
        || ev.rep_day_meets.len() < reps * nd * nc
        || ev.rep_deferred_meets.len() < reps * nd * nf
    {
        return vec![false; reps];
    }
    let ex = &plan.excluded;
    (0..reps)
        .map(|r| {
            plan.target_days.iter().all(|&d| {
                let live = if all_intervals {
                    plan.grid.day_slots(d).all(|i| {
                        (0..nc).all(|k| {
                            ev.rep_meets[(r * ni + i) * nc + k] || ex.live.contains(&(i, k))
                        })
                    })
                } else {
                    (0..nc).all(|k| ev.rep_day_meets[(r * nd + d) * nc + k])
                };
                live && (0..nf).all(|k| {
                    ev.rep_deferred_meets[(r * nd + d) * nf + k] || ex.deferred.contains(&(d, k))
                })
            })
        })
        .collect()
}

/// The share of replications in which the target days all held ([`held_together`]).
fn p_together(ev: &Evaluation, plan: &Plan, all_intervals: bool) -> f64 {
    let held = held_together(ev, plan, all_intervals);
    held.iter().filter(|h| **h).count() as f64 / held.len().max(1) as f64
}

/// The promise's measure on an evaluation: for `Interval` the share of target-day cells
/// meeting with the confidence (not a probability); for `Day` P(each target day meets as a
/// whole); for `AllIntervals` P(every interval of the target days meets at once).
fn promise_measure(promise: Promise, ev: &Evaluation, plan: &Plan) -> f64 {
    match promise {
        Promise::Interval => share_cells_meeting(ev, plan),
        Promise::Day => p_together(ev, plan, false),
        Promise::AllIntervals => p_together(ev, plan, true),
    }
}

/// Share of the target days' cells with contacts (live intervals, deferred days; those of
/// `plan.excluded` left out) whose P(meet) reaches the confidence.
fn share_cells_meeting(ev: &Evaluation, plan: &Plan) -> f64 {
    let conf = plan.options.confidence - 1e-12;
    let nc = ev.channels.len();
    let nf = ev.deferred.len();
    let (mut cells, mut meeting) = (0usize, 0usize);
    for &d in &plan.target_days {
        for i in plan.grid.day_slots(d) {
            for k in 0..nc {
                if ev.expected[i * nc + k] > 0.0 && !plan.excluded.live.contains(&(i, k)) {
                    cells += 1;
                    meeting += usize::from(ev.p_meet[i * nc + k] >= conf);
                }
            }
        }
        for k in 0..nf {
            let j = d * nf + k;
            if ev.deferred_day_sl[j].summary().is_some()
                && !plan.excluded.deferred.contains(&(d, k))
            {
                cells += 1;
                meeting += usize::from(ev.deferred_day_meets[j] >= conf);
            }
        }
    }
    if cells == 0 {
        1.0
    } else {
        meeting as f64 / cells as f64
    }
}

/// The plan's final need and the requirement it was made from (the frontier's margins
/// build on them).
struct FinalNeed<'a> {
    /// Flex need per planning interval and group.
    need: &'a [f64],
    /// The requirement the need was made from.
    required: &'a [f64],
    req: &'a Requirement,
}

/// The frontier: coverings with at most `H` flex heads on each target day (other days keep
/// the plan's need), each simulated with the same `frontier_replications` runs of seed + 2
/// (common random numbers). `H` runs over evenly spaced caps, the plan's own point and —
/// for the day and all-intervals promises — the bisection between the largest failing and
/// the smallest passing cap until they are one head apart. Returns the rows by cap, their
/// coverings and the choice (the chosen row is marked).
fn frontier(
    st: &Setup,
    fin: &FinalNeed,
    plan: &Plan,
    opts: &PlanOptions,
    cover_options: &CoverOptions,
    mut seen: Vec<(Vec<super::PlannedShift>, Evaluation)>,
) -> Result<(Vec<FrontierRow>, Vec<CoverPlan>, Choice), StaffingError> {
    let f = Frontier::new(st, fin, plan, opts, cover_options);
    let caps = f.caps();
    let covers = {
        use rayon::prelude::*;
        // Each cap's covering is deterministic on its own, so they run in parallel.
        caps.par_iter()
            .map(|&cap| f.cover_of(cap))
            .collect::<Result<Vec<_>, _>>()?
    };
    let mut points = Vec::new();
    for (cap, c) in caps.iter().copied().zip(covers) {
        f.add(&mut points, &mut seen, cap, c, false)?;
    }
    let (chosen_cap, steps) = if opts.promise == Promise::Interval {
        (f.own, 0)
    } else {
        f.bisect(&caps, &mut points, &mut seen)?
    };
    Ok(f.finish(points, chosen_cap, steps))
}

/// One frontier point: its cap, covering and row.
type Point = (u32, CoverPlan, FrontierRow);

/// What the frontier's points share: the plan, the target days and the need they cover.
struct Frontier<'a> {
    st: &'a Setup,
    fin: &'a FinalNeed<'a>,
    plan: &'a Plan,
    opts: &'a PlanOptions,
    cover_options: &'a CoverOptions,
    /// Whether each day of the grid is a target day.
    mask: Vec<bool>,
    /// The covering problem of the plan's final need.
    problem: CoverProblem,
    /// The shortfall of the requirement alone (the margins' zero).
    margin0: Vec<f64>,
    /// The plan's own heads on its busiest target day.
    own: u32,
    seed: u64,
    reps: u32,
}

impl<'a> Frontier<'a> {
    fn new(
        st: &'a Setup,
        fin: &'a FinalNeed<'a>,
        plan: &'a Plan,
        opts: &'a PlanOptions,
        cover_options: &'a CoverOptions,
    ) -> Self {
        let nd = st.problem.grid.days.len();
        let mut mask = vec![false; nd];
        for &d in &plan.target_days {
            if d < nd {
                mask[d] = true;
            }
        }
        let mut problem = st.problem.clone();
        problem.need = fin.need.to_vec();
        let margin0 = requirement::shortfall(
            fin.required,
            st.groups.len(),
            &st.team_available,
            &st.serves,
        );
        Frontier {
            st,
            fin,
            plan,
            opts,
            cover_options,
            mask,
            problem,
            margin0,
            own: target_heads(&plan.cover, &plan.target_days),
            seed: frontier_seed(opts),
            reps: opts.frontier_replications.max(2),
        }
    }

    /// Evenly spaced caps from 0 to the pools' most heads on a day, and the plan's own.
    fn caps(&self) -> Vec<u32> {
        let max: u32 = self
            .st
            .problem
            .pools
            .iter()
            .map(|p| {
                p.max_per_day
                    .unwrap_or(p.max_headcount)
                    .min(p.max_headcount)
            })
            .sum();
        let step = max.div_ceil(self.opts.frontier_steps.max(1)).max(1);
        let mut caps: Vec<u32> = (0..=max).step_by(step as usize).collect();
        caps.push(max);
        caps.push(self.own);
        caps.sort_unstable();
        caps.dedup();
        caps
    }

    fn on_target(&self, slot: usize) -> bool {
        self.mask[self.st.problem.grid.slots[slot].day]
    }

    /// need + (the shortfall of requirement + β·√(Erlang A)) − (the shortfall at β = 0), on
    /// the target days' planning intervals only: the margin goes nowhere else.
    fn need_at(&self, beta: f64) -> Vec<f64> {
        let ng = self.st.groups.len();
        let r: Vec<f64> = self
            .fin
            .required
            .iter()
            .zip(&self.fin.req.load_erlangs)
            .enumerate()
            .map(|(j, (r, a))| {
                if *r > 0.0 && self.on_target(j / ng.max(1)) {
                    r + beta * a.sqrt()
                } else {
                    *r
                }
            })
            .collect();
        let m = requirement::shortfall(&r, ng, &self.st.team_available, &self.st.serves);
        self.fin
            .need
            .iter()
            .zip(m.iter().zip(&self.margin0))
            .map(|(n, (m, m0))| (n + m - m0).max(0.0))
            .collect()
    }

    /// The covering with at most `cap` heads on each target day.
    fn cover_of(&self, cap: u32) -> Result<CoverPlan, StaffingError> {
        if cap == self.own {
            return Ok(self.plan.cover.clone());
        }
        let capped = CoverOptions {
            max_heads_per_day: Some(cap),
            capped_days: Some(self.mask.clone()),
            ..self.cover_options.clone()
        };
        if cap < self.own {
            super::cover(&self.problem, &capped)
        } else {
            self.cover_with_margin(&capped)
        }
    }

    /// Above the plan's own heads the need alone asks for no more (and heads cost nothing
    /// by themselves: a covering may cut the same hours into more, shorter shifts). So the
    /// cap's heads carry a square-root staffing margin β·√A on the target days, β the
    /// largest (doubling from 0.5 up to 8, then 5 bisection steps) that the capped heads
    /// still cover without more shortfall on the target days than the need alone leaves
    /// (beyond the pools' capacity aside).
    fn cover_with_margin(&self, capped: &CoverOptions) -> Result<CoverPlan, StaffingError> {
        let cover_at = |beta: f64| -> Result<CoverPlan, StaffingError> {
            let mut p = self.problem.clone();
            p.need = self.need_at(beta);
            super::cover(&p, capped)
        };
        let short_on_target = |c: &CoverPlan| -> f64 {
            c.short
                .iter()
                .filter(|x| self.on_target(x.slot))
                .map(|x| (x.short - x.beyond_capacity).max(0.0))
                .sum()
        };
        let mut best = cover_at(0.0)?;
        let base = short_on_target(&best);
        let fits = |c: &CoverPlan| short_on_target(c) <= base + 1e-6;
        let (mut lo, mut hi) = (0.0, 0.5);
        loop {
            let c = cover_at(hi)?;
            if !fits(&c) {
                break;
            }
            best = c;
            lo = hi;
            if hi >= 8.0 {
                return Ok(best);
            }
            hi *= 2.0;
        }
        for _ in 0..5 {
            let mid = 0.5 * (lo + hi);
            let c = cover_at(mid)?;
            if fits(&c) {
                lo = mid;
                best = c;
            } else {
                hi = mid;
            }
        }
        Ok(best)
    }

    /// Simulates a cap's covering (or reuses the evaluation of the same shifts in `seen`)
    /// and adds its point; returns its P(promise).
    fn add(
        &self,
        points: &mut Vec<Point>,
        seen: &mut Vec<(Vec<super::PlannedShift>, Evaluation)>,
        cap: u32,
        c: CoverPlan,
        bisection: bool,
    ) -> Result<f64, StaffingError> {
        let ev = evaluate_cached(self.st, &c, self.reps, self.seed, seen)?;
        let r = row(self.plan, self.opts.promise, cap, &c, &ev, bisection);
        let p = r.p_promise;
        points.push((cap, c, r));
        Ok(p)
    }

    /// Bisection between the largest failing and the smallest passing cap, until they are
    /// one head apart; returns the chosen cap (the plan's own when no cap passes: the
    /// promise is out of reach with the pools' limits, and the risk list says so) and the
    /// number of bisection steps.
    fn bisect(
        &self,
        caps: &[u32],
        points: &mut Vec<Point>,
        seen: &mut Vec<(Vec<super::PlannedShift>, Evaluation)>,
    ) -> Result<(u32, u32), StaffingError> {
        let conf = self.opts.confidence - 1e-12;
        let pass = |points: &[Point], cap: u32| {
            points
                .iter()
                .find(|x| x.0 == cap)
                .is_some_and(|x| x.2.p_promise >= conf)
        };
        let Some(mut hi) = caps.iter().copied().find(|&c| pass(points, c)) else {
            return Ok((self.own, 0));
        };
        let mut steps = 0;
        let mut lo = caps.iter().copied().filter(|&c| c < hi).max();
        while let Some(l) = lo.filter(|&l| hi - l > 1) {
            let mid = l + (hi - l) / 2;
            let c = self.cover_of(mid)?;
            steps += 1;
            if self.add(points, seen, mid, c, true)? >= conf {
                hi = mid;
            } else {
                lo = Some(mid);
            }
        }
        Ok((hi, steps))
    }

    /// The rows and coverings by cap, the chosen one marked, and the choice.
    fn finish(
        &self,
        mut points: Vec<Point>,
        chosen_cap: u32,
        steps: u32,
    ) -> (Vec<FrontierRow>, Vec<CoverPlan>, Choice) {
        let (opts, conf) = (self.opts, self.opts.confidence - 1e-12);
        points.sort_by_key(|x| x.0);
        let mut rows = Vec::with_capacity(points.len());
        let mut covers = Vec::with_capacity(points.len());
        for (cap, c, mut r) in points {
            r.chosen = cap == chosen_cap;
            rows.push(r);
            covers.push(c);
        }
        let chosen = rows.iter().find(|r| r.chosen);
        let p_frontier = chosen.map_or(0.0, |r| r.p_promise);
        let failing_below = rows
            .iter()
            .filter(|r| r.max_heads_per_day < chosen_cap && r.p_promise < conf)
            .map(|r| r.max_heads_per_day)
            .max();
        let choice = Choice {
            promise: opts.promise,
            target_days: self
                .plan
                .target_days
                .iter()
                .map(|&d| self.plan.grid.days[d])
                .collect(),
            frontier_seed: self.seed,
            frontier_replications: self.reps,
            points: rows.len() as u32,
            bisection_steps: steps,
            reached: opts.promise == Promise::Interval || p_frontier >= conf,
            heads: chosen_cap,
            failing_below,
            p_frontier,
            p_check: 0.0,
            check_seed: seeds::check(opts.seed),
            check_replications: opts.replications,
        };
        (rows, covers, choice)
    }
}

/// Simulates a covering, or reuses the evaluation of an identical one.
fn evaluate_cached(
    st: &Setup,
    c: &CoverPlan,
    reps: u32,
    seed: u64,
    seen: &mut Vec<(Vec<super::PlannedShift>, Evaluation)>,
) -> Result<Evaluation, StaffingError> {
    if let Some((_, ev)) = seen.iter().find(|(s, _)| *s == c.shifts) {
        return Ok(ev.clone());
    }
    let mut model = st.model.clone();
    apply_plan(&mut model, &st.grid, c, st.n_teams);
    let ev = evaluate(&model, &st.grid, &st.groups, reps, seed)?;
    seen.push((c.shifts.clone(), ev.clone()));
    Ok(ev)
}

fn row(
    plan: &Plan,
    promise: Promise,
    cap: u32,
    c: &CoverPlan,
    ev: &Evaluation,
    bisection: bool,
) -> FrontierRow {
    let d = plan.peak_day;
    let k = plan.headline;
    FrontierRow {
        max_heads_per_day: cap,
        flex_heads: c.peak_day_headcount,
        target_day_heads: target_heads(c, &plan.target_days),
        people: c.peak_headcount,
        pool_people: c.pools.iter().map(|p| p.peak_headcount).collect(),
        p_all_intervals: p_together(ev, plan, true),
        p_day: p_together(ev, plan, false),
        share_cells_meeting: share_cells_meeting(ev, plan),
        p_promise: promise_measure(promise, ev, plan),
        held: held_together(ev, plan, promise == Promise::AllIntervals),
        mean_sl: ev.day_sl[d * ev.channels.len() + k]
            .summary()
            .map(|s| s.mean),
        worst_p5_sl: ev.worst_p5(plan.grid.day_slots(d), k),
        abandon: ev.day_abandon[d].summary().map(|s| s.mean),
        occupancy: ev.day_occupancy[d].summary().map(|s| s.mean),
        flex_hours: c.total_hours,
        cost_eur: c.total_cost_eur,
        chosen: false,
        bisection,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_promise_reads_with_its_days() {
        let d = |m, d| jiff::civil::date(2027, m, d);
        assert_eq!(Promise::Interval.words(&[d(2, 14)]), PROMISE);
        assert_eq!(
            Promise::Day.words(&[d(2, 14)]),
            "over the day on 14 February"
        );
        assert_eq!(
            Promise::Day.words(&[d(2, 13), d(2, 14)]),
            "over each day of 13–14 February"
        );
        assert_eq!(
            Promise::AllIntervals.words(&[d(2, 14)]),
            "in all intervals of 14 February at once"
        );
        for (i, name) in Promise::NAMES.iter().enumerate() {
            let p = Promise::parse(name).unwrap();
            assert_eq!(p.name(), *name);
            assert_eq!(Promise::NAMES[i], p.name());
        }
        assert_eq!(Promise::parse("weekly"), None);
    }
}
