//! The finance analysis of a plan: its costing from the simulator, the marginal cost of each
//! campaign, the value of each lever and flex against overtime against outsourcing.
//!
//! # Where the numbers come from
//!
//! * **The plan's costing** ([`CostAnalysis::costing`]): the given plan (its roster and flex
//!   shifts) simulated for [`CostOptions::replications`] replications with seed
//!   [`CostOptions::seed`]; handled contacts and handling hours per interval × reason ×
//!   channel × source × team or pool are the means over the replications ([`simulate_outcome`]).
//! * **Re-planning** (campaigns and levers). Each difference is taken between **two re-plans
//!   made the way the plan was made**: both sides go through [`crate::staffing::plan::plan`]
//!   with the plan's own [`PlanOptions`] (its method, confidence, iterations and planning
//!   interval; the frontier off), so both sides meet the same target the same way
//!   ([`replan`] is the one place this call is made). With the simulation method the
//!   re-plans carry simulation noise (the iterative staffing decides from simulated
//!   replications), and so does every costing (handled and abandoned contacts are
//!   simulated), so a single difference cannot tell noise from effect. The analysis
//!   therefore makes [`CostOptions::pairs`] **paired re-plans**: pair `k` re-plans both sides
//!   with seed `seed + k · 1,000,003` and costs both on the same replications of that seed
//!   (common random numbers within the pair, independent pairs). A marginal figure is the
//!   mean of the paired differences, with its 95% Student-t interval over the pairs
//!   ([`Paired`]); when every pair gives the same difference the figure is exact under
//!   common random numbers and is said to be. With an analytic method (Erlang C or A) the
//!   plans do not depend on the seed (every pair makes the same plans); only the costings
//!   differ by pair.
//!   The *reference* (the scenario as given, re-planned that way; [`CostAnalysis::reference`])
//!   is the side "with" of every campaign difference. The plan's own costing (above) is not
//!   one of the pairs: it is the main plan, whose frontier may add a safety margin.
//! * **Without a campaign**: the campaign's orders are set to zero (the campaign stays in the
//!   scenario, so the sources and every other stream are unchanged; a campaign that already
//!   has zero orders therefore costs exactly zero).
//! * **Levers**: for every reason with a `preventable_share` > 0, preventing that share
//!   (`levers.prevention.<reason> = preventable_share`; the scenario as given is the side
//!   without it). For levers the scenario already applies (`prevention`, `deflection`,
//!   `early_ordering`), the side without is the scenario with that lever removed.
//! * **Flex vs overtime vs outsourcing**: the agent-hours the plan's flex shifts put on duty,
//!   priced as the flex plan, as overtime of the team with the most rostered hours and (when
//!   the scenario has an outsourcer pool) as outsourcing, at the flex agents' simulated
//!   handled contacts per paid hour ([`compare_shortfall`]).

use rayon::prelude::*;

use super::breakdown::{CampaignRow, Dim, LeverRow, Marginal, campaign_row, lever_row, marginal};
use super::compare::{OptionCost, OvertimeRule, Shortfall, compare_shortfall};
use super::model::{AbandonedCell, CostModel, Costing, HandledCell, SimOutcome, Staff, StaffPlan};
use super::{CostError, Money, cost};
use crate::demand::Demand;
use crate::scenario::{CampaignOrders, PoolKind, Scenario};
use crate::staffing::iterate::Warm;
use crate::staffing::plan::planned_model;
use crate::staffing::plan::{Plan, PlanOptions, plan_from};
use crate::staffing::requirement::Method;
use crate::staffing::{Roster, roster};

/// Settings of the finance analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct CostOptions {
    /// Replications of every costing simulation (the plan's and each re-plan's).
    pub replications: u32,
    /// Seed of the plan's costing and of the first pair of re-plans (pair `k` adds
    /// `k · 1,000,003`).
    pub seed: u64,
    /// Worker threads of the costing simulations (`None`: one per core). Results do not
    /// depend on it.
    pub threads: Option<usize>,
    /// Re-plan without each campaign (the marginal columns of `campaigns.csv`).
    pub campaigns: bool,
    /// Re-plan with and without each lever (`levers.csv`).
    pub levers: bool,
    /// Paired re-plans behind each marginal figure (≥ 1; an interval needs 2).
    pub pairs: u32,
}

/// Pairs of re-plans by default: three give a Student-t interval (t = 4.30) at three times
/// the cost of one difference.
pub const DEFAULT_PAIRS: u32 = 3;

impl CostOptions {
    /// The defaults for a scenario: its seed, 20 replications, [`DEFAULT_PAIRS`] pairs.
    pub fn for_scenario(sc: &Scenario) -> CostOptions {
        CostOptions {
            replications: 20,
            seed: sc.simulation.seed,
            threads: None,
            campaigns: true,
            levers: true,
            pairs: DEFAULT_PAIRS,
        }
    }

    /// The seed of pair `k` (its re-plans and their costings).
    pub fn pair_seed(&self, k: u32) -> u64 {
        crate::montecarlo::seeds::pair(self.seed, k)
    }
}

/// The plan options of one side of a marginal: the plan's own options (method, confidence,
/// iterations, planning interval …) with the frontier off — so the interval promise, the
/// engine's own fixed point, whatever promise the main plan chose — and the pair's seed. The final
/// check runs `check_replications` (it does not change the shifts; it says whether the side
/// meets its target), the roster-only runs the fewest (2).
pub fn replan_options(own: &PlanOptions, seed: u64, check_replications: u32) -> PlanOptions {
    PlanOptions {
        frontier: false,
        promise: crate::staffing::plan::Promise::Interval,
        max_iterations: own.max_iterations.min(WARM_ROUNDS),
        seed,
        replications: check_replications.max(2),
        frontier_replications: 2,
        ..own.clone()
    }
}

/// Rounds a re-plan may take: it starts where the plan's own iteration ended
/// ([`crate::staffing::iterate::Warm`]), so its load is settled from the first round.
pub const WARM_ROUNDS: u32 = 1;

/// One side of a marginal, re-planned: `staffing::plan::plan_from` with the plan's own
/// options ([`replan_options`]), warm-started from the plan's own iteration (`warm`). The
/// only place the analysis plans; adapt it when the plan API changes.
pub fn replan(
    sc: &Scenario,
    demand: &Demand,
    own: &PlanOptions,
    seed: u64,
    check_replications: u32,
    warm: Option<&Warm>,
) -> Result<Plan, crate::staffing::StaffingError> {
    plan_from(
        sc,
        demand,
        &replan_options(own, seed, check_replications),
        warm,
    )
}

/// Whether a re-planned side meets its target, from its own check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SideCheck {
    /// Share of interval × channel cells with contacts whose P(meet) reaches the confidence.
    pub share_meeting: f64,
    /// The iterative staffing converged (`None`: an analytic method).
    pub converged: Option<bool>,
    /// Interval × group cells no pool could cover.
    pub short_cells: usize,
}

impl SideCheck {
    fn of(p: &Plan) -> SideCheck {
        SideCheck {
            share_meeting: p.check.share_meeting(p.options.confidence),
            converged: p.converged,
            short_cells: p.cover.short.len(),
        }
    }
}

/// A figure over the pairs of re-plans: the mean of the paired differences and its 95%
/// interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Paired {
    /// The difference of each pair, in pair order.
    pub pairs: Vec<Money>,
    /// Their mean, rounded half away from zero to the cent.
    pub mean: Money,
    /// 95% Student-t interval of the mean (`None` with one pair).
    pub ci95: Option<(Money, Money)>,
    /// Every pair gave the same difference: exact under common random numbers.
    pub exact: bool,
}

impl Paired {
    /// The mean and interval of `diffs` (at least one).
    pub fn of(diffs: Vec<Money>) -> Paired {
        let n = diffs.len().max(1) as f64;
        let cents: Vec<f64> = diffs.iter().map(|m| m.cents() as f64).collect();
        let mean = cents.iter().sum::<f64>() / n;
        let exact = diffs.len() >= 2 && diffs.windows(2).all(|w| w[0] == w[1]);
        let round = |x: f64| Money::from_cents(x.round() as i64);
        let ci95 = (diffs.len() >= 2).then(|| {
            if exact {
                return (diffs[0], diffs[0]);
            }
            let var = cents.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / (n - 1.0);
            let half =
                crate::montecarlo::t_quantile(0.975, diffs.len() as u64 - 1) * (var / n).sqrt();
            (round(mean - half), round(mean + half))
        });
        Paired {
            mean: if exact { diffs[0] } else { round(mean) },
            pairs: diffs,
            ci95,
            exact,
        }
    }

    /// "€12,210 (95% interval €4,100 to €20,300, 3 paired re-plans)", "€0.00 (exact under
    /// common random numbers: the same in all 3 pairs)", or with one pair "€12,210 (one
    /// pair of re-plans under common random numbers: exact for these seeds, no sampling
    /// interval; …)".
    pub fn describe(&self, currency: &str) -> String {
        let m = self.mean.format(currency);
        match (self.ci95, self.exact) {
            (Some(_), true) => format!(
                "{m} (exact under common random numbers: the same in all {} pairs)",
                self.pairs.len()
            ),
            (Some((lo, hi)), false) => format!(
                "{m} (95% interval {} to {}, {} paired re-plans)",
                lo.format(currency),
                hi.format(currency),
                self.pairs.len()
            ),
            (None, _) => format!(
                "{m} (one pair of re-plans under common random numbers: exact for these seeds, no sampling interval; --marginal-pairs 3 gives one)"
            ),
        }
    }
}

/// A campaign's marginal figures: the reference re-plan minus the re-plan without it, the
/// mean over the pairs.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignMarginal {
    pub name: String,
    /// Mean over the pairs (money to the cent).
    pub marginal: Marginal,
    /// The cost over the pairs, with its interval.
    pub cost: Paired,
    /// Mean total cost of the re-plan without the campaign.
    pub without_total: Money,
    /// The checks of both sides, pair by pair: (with, without).
    pub sides: Vec<(SideCheck, SideCheck)>,
}

/// A lever's saving over the pairs, with its interval.
#[derive(Debug, Clone, PartialEq)]
pub struct LeverMarginal {
    pub lever: String,
    pub saving: Paired,
    /// The checks of both sides, pair by pair: (without the lever, with it).
    pub sides: Vec<(SideCheck, SideCheck)>,
}

/// Everything `peakplan cost` reports.
#[derive(Debug, Clone, PartialEq)]
pub struct CostAnalysis {
    pub scenario: String,
    pub currency: String,
    /// The given plan, simulated and costed.
    pub costing: Costing,
    /// One row per campaign, scenario order (marginal columns filled when re-planned).
    pub campaigns: Vec<CampaignRow>,
    /// The marginal figures behind `campaigns` (empty when campaigns were not re-planned).
    pub campaign_marginals: Vec<CampaignMarginal>,
    pub levers: Vec<LeverRow>,
    /// The savings behind `levers`, with their intervals (same order).
    pub lever_marginals: Vec<LeverMarginal>,
    /// The plan options both sides of every difference were re-planned with (the frontier
    /// off; the seed is each pair's).
    pub replan: Option<PlanOptions>,
    /// Flex, overtime and outsourcing for the plan's flex hours.
    pub options: Vec<OptionCost>,
    /// The agent-hours priced in `options`.
    pub shortfall_hours: f64,
    /// The reference re-plans' mean total (the side "with" of every campaign difference),
    /// when anything was re-planned.
    pub reference: Option<Money>,
    /// The outsourcer pool compared in `options`, or why there is none.
    pub outsourcing: Outsourcing,
    /// The settings used.
    pub settings: CostOptions,
}

fn replan_err(what: &str, why: impl std::fmt::Display) -> CostError {
    CostError::Replan {
        what: what.to_string(),
        why: why.to_string(),
    }
}

/// The permanent roster a plan pays for.
pub fn plan_roster(sc: &Scenario, plan: &Plan) -> Result<Roster, CostError> {
    roster(&plan.grid, &sc.agents.teams, &plan.requirement.groups)
        .map_err(|e| replan_err("permanent roster", e))
}

/// Simulates `plan` (roster + flex shifts) and returns the mean handled and abandoned
/// contacts per interval × reason × channel × source × team or pool.
pub fn simulate_outcome(
    sc: &Scenario,
    demand: &Demand,
    plan: &Plan,
    opts: &CostOptions,
) -> Result<SimOutcome, CostError> {
    if demand.intervals.len() != plan.grid.len() {
        return Err(CostError::input(
            "plan",
            format!(
                "has {} slots but the scenario's demand has {} intervals; the plan belongs to another scenario",
                plan.grid.len(),
                demand.intervals.len()
            ),
        ));
    }
    let model = planned_model(sc, demand, plan).map_err(|e| replan_err("simulation model", e))?;
    let nt = sc.agents.teams.len();
    let totals = crate::montecarlo::run_detail(&model, opts.replications, opts.seed, opts.threads)
        .map_err(|e| replan_err("costing simulation", e))?;
    let r = f64::from(totals.replications);
    let unit: Vec<usize> = model.groups.iter().map(|g| g.unit).collect();
    let staff = |g: u16| {
        let u = unit[usize::from(g)];
        if u < nt {
            Staff::Team(u)
        } else {
            Staff::Pool(u - nt)
        }
    };
    Ok(SimOutcome {
        handled: totals
            .handled
            .iter()
            .map(|&(k, n, ms)| HandledCell {
                slot: k.interval as usize,
                reason: usize::from(k.reason),
                channel: usize::from(k.channel),
                source: usize::from(k.tag),
                staff: staff(k.group),
                contacts: n as f64 / r,
                handling_hours: ms as f64 / 3_600_000.0 / r,
            })
            .collect(),
        abandoned: totals
            .abandoned
            .iter()
            .map(|&(k, n)| AbandonedCell {
                slot: k.interval as usize,
                reason: usize::from(k.reason),
                channel: usize::from(k.channel),
                source: usize::from(k.tag),
                contacts: n as f64 / r,
            })
            .collect(),
    })
}

/// Simulates and costs `plan`: roster hours, flex shifts, training, channel costs and the
/// abandoned charge, allocated to cells (see the [module documentation](super)).
pub fn cost_plan(
    sc: &Scenario,
    demand: &Demand,
    plan: &Plan,
    opts: &CostOptions,
) -> Result<Costing, CostError> {
    let roster = plan_roster(sc, plan)?;
    let outcome = simulate_outcome(sc, demand, plan, opts)?;
    let staff = StaffPlan {
        grid: &plan.grid,
        roster: &roster,
        flex: &plan.cover,
        overtime_hours: &[],
        new_hires: &[],
    };
    cost(&CostModel::from_scenario(sc), demand, &staff, &outcome)
}

/// Re-plans `sc` as the plan was made ([`replan`], seed `seed`) and costs the re-plan on
/// `opts.replications` replications of the same seed; with the re-plan's own check.
pub fn replan_cost(
    sc: &Scenario,
    own: &PlanOptions,
    seed: u64,
    opts: &CostOptions,
    what: &str,
    warm: Option<&Warm>,
) -> Result<(Costing, SideCheck), CostError> {
    let demand = crate::demand::compute(sc).map_err(|e| replan_err(what, e))?;
    // The side's own check (whether it meets the target) on half the costing's
    // replications, at least 10: it reports, it does not decide.
    let check = (opts.replications / 2)
        .max(10)
        .min(opts.replications.max(2));
    let p = replan(sc, &demand, own, seed, check, warm).map_err(|e| replan_err(what, e))?;
    let costing = cost_plan(
        sc,
        &demand,
        &p,
        &CostOptions {
            seed,
            ..opts.clone()
        },
    )?;
    Ok((costing, SideCheck::of(&p)))
}

/// The scenario without campaign `c` (its orders set to zero; see the module docs).
pub fn without_campaign(sc: &Scenario, c: usize) -> Scenario {
    let mut s = sc.clone();
    s.campaigns[c].orders = CampaignOrders::Total(0.0);
    s
}

/// One lever: its name, a description and the two scenarios compared.
struct LeverCase {
    name: String,
    description: String,
    /// `None`: the scenario as given (the reference).
    without: Option<Scenario>,
    with: Option<Scenario>,
}

fn lever_cases(sc: &Scenario) -> Vec<LeverCase> {
    let mut out = Vec::new();
    for r in &sc.reasons {
        let applied = sc.levers.prevention.get(&r.name).copied();
        if let Some(share) = applied.filter(|&s| s > 0.0) {
            let mut s = sc.clone();
            s.levers.prevention.remove(&r.name);
            out.push(LeverCase {
                name: format!("prevention:{}", r.name),
                description: format!(
                    "prevent {} of `{}` contacts (as the scenario does)",
                    percent(share.min(r.preventable_share)),
                    r.name
                ),
                without: Some(s),
                with: None,
            });
        } else if r.preventable_share > 0.0 {
            let mut s = sc.clone();
            s.levers
                .prevention
                .insert(r.name.clone(), r.preventable_share);
            out.push(LeverCase {
                name: format!("prevention:{}", r.name),
                description: format!(
                    "prevent {} of `{}` contacts (its preventable share)",
                    percent(r.preventable_share),
                    r.name
                ),
                without: None,
                with: Some(s),
            });
        }
    }
    for (reason, &share) in &sc.levers.deflection {
        if share > 0.0 {
            let mut s = sc.clone();
            s.levers.deflection.remove(reason);
            out.push(LeverCase {
                name: format!("deflection:{reason}"),
                description: format!(
                    "deflect {} of `{reason}` contacts to self-service (as the scenario does)",
                    percent(share)
                ),
                without: Some(s),
                with: None,
            });
        }
    }
    if let Some(e) = &sc.levers.early_ordering {
        let mut s = sc.clone();
        s.levers.early_ordering = None;
        out.push(LeverCase {
            name: format!("early_ordering:{}", e.event),
            description: format!(
                "move {} of `{}`'s extra orders {} days earlier (as the scenario does)",
                percent(e.share),
                e.event,
                e.days_earlier
            ),
            without: Some(s),
            with: None,
        });
    }
    out
}

/// `0.5` → `50%`, `0.125` → `12.5%`.
fn percent(x: f64) -> String {
    let s = super::breakdown::Fixed3(x * 100.0).to_string();
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}

/// The mean of the pairs' marginal figures (money: [`Paired::of`]'s mean).
fn mean_marginal(pairs: &[Marginal]) -> Marginal {
    let n = pairs.len().max(1) as f64;
    let avg = |f: fn(&Marginal) -> f64| pairs.iter().map(f).sum::<f64>() / n;
    Marginal {
        cost: Paired::of(pairs.iter().map(|m| m.cost).collect()).mean,
        flex_hours: avg(|m| m.flex_hours),
        overtime_hours: avg(|m| m.overtime_hours),
        paid_hours: avg(|m| m.paid_hours),
        contacts: avg(|m| m.contacts),
        handling_hours: avg(|m| m.handling_hours),
    }
}

/// Which pool `options` prices as outsourcing, or why none.
#[derive(Debug, Clone, PartialEq)]
pub enum Outsourcing {
    /// The first pool of kind `Outsourcer`.
    Pool(String),
    /// No pool is an outsourcer: the scenario's pools and their kinds.
    NoOutsourcer(Vec<(String, PoolKind)>),
    /// The scenario has no permanent team, so nothing was compared.
    NotCompared,
}

/// The finance analysis of `plan` (made from `sc` and `demand`); see the module docs.
pub fn analyse(
    sc: &Scenario,
    demand: &Demand,
    plan: &Plan,
    opts: &CostOptions,
) -> Result<CostAnalysis, CostError> {
    check_options(opts)?;
    let costing = cost_plan(sc, demand, plan, opts)?;

    // The scenarios re-planned: the reference, each campaign's, each lever's other side.
    let campaign_cases: Vec<Scenario> = if opts.campaigns {
        (0..sc.campaigns.len())
            .map(|c| without_campaign(sc, c))
            .collect()
    } else {
        Vec::new()
    };
    let levers = if opts.levers {
        lever_cases(sc)
    } else {
        Vec::new()
    };
    let needs_reference = !campaign_cases.is_empty() || !levers.is_empty();
    let cases = replan_cases(sc, needs_reference, &campaign_cases, &levers);
    let mut by_case = replan_all(&cases, plan, opts)?.into_iter();
    let reference = if needs_reference {
        by_case.next()
    } else {
        None
    };

    let campaign_marginals: Vec<CampaignMarginal> = (0..campaign_cases.len())
        .map(|c| {
            let without = by_case.next().expect("campaign case");
            let r = reference.as_ref().expect("reference");
            campaign_marginal(&sc.campaigns[c].name, r, &without)
        })
        .collect();
    let campaigns = campaign_rows(&costing, &campaign_marginals);
    let (lever_rows, lever_marginals): (Vec<LeverRow>, Vec<LeverMarginal>) = levers
        .iter()
        .map(|l| {
            let other = by_case.next().expect("lever case");
            let r = reference.as_ref().expect("reference");
            lever_marginal(l, r, &other)
        })
        .unzip();

    let (options, shortfall_hours) = shortfall_options(sc, plan, &costing)?;
    Ok(CostAnalysis {
        scenario: sc.name.clone(),
        currency: costing.currency.clone(),
        campaigns,
        campaign_marginals,
        levers: lever_rows,
        lever_marginals,
        replan: needs_reference
            .then(|| replan_options(&plan.options, opts.seed, opts.replications)),
        options,
        shortfall_hours,
        reference: reference.map(|r| Paired::of(r.iter().map(|x| x.0.total).collect()).mean),
        outsourcing: outsourcing(sc),
        settings: opts.clone(),
        costing,
    })
}

/// At least one replication and one pair.
fn check_options(opts: &CostOptions) -> Result<(), CostError> {
    if opts.replications == 0 {
        return Err(CostError::input(
            "replications",
            "must be at least 1 (e.g. 20)",
        ));
    }
    if opts.pairs == 0 {
        return Err(CostError::input(
            "pairs",
            "must be at least 1 (2 or more give an interval; e.g. 3)",
        ));
    }
    Ok(())
}

/// The re-plans to make, each with what it is for: the reference (when anything is
/// compared), each campaign's scenario without it, each lever's other side.
fn replan_cases<'s>(
    sc: &'s Scenario,
    needs_reference: bool,
    campaign_cases: &'s [Scenario],
    levers: &'s [LeverCase],
) -> Vec<(String, &'s Scenario)> {
    let mut cases: Vec<(String, &Scenario)> = Vec::new();
    if needs_reference {
        cases.push(("re-plan of the scenario as given".into(), sc));
    }
    for (c, s) in campaign_cases.iter().enumerate() {
        cases.push((
            format!("re-plan without campaign `{}`", sc.campaigns[c].name),
            s,
        ));
    }
    for l in levers {
        if let Some(s) = l.without.as_ref().or(l.with.as_ref()) {
            cases.push((format!("re-plan for lever `{}`", l.name), s));
        }
    }
    cases
}

/// Every (case, pair) re-plan and costing, in parallel (each is deterministic on its own);
/// `[case][pair]`, the first error in that order failing the whole.
#[allow(clippy::type_complexity)]
fn replan_all(
    cases: &[(String, &Scenario)],
    plan: &Plan,
    opts: &CostOptions,
) -> Result<Vec<Vec<(Costing, SideCheck)>>, CostError> {
    let jobs: Vec<(usize, u32)> = (0..cases.len())
        .flat_map(|i| (0..opts.pairs).map(move |k| (i, k)))
        .collect();
    let results: Vec<Result<(Costing, SideCheck), CostError>> = jobs
        .par_iter()
        .map(|&(i, k)| {
            replan_cost(
                cases[i].1,
                &plan.options,
                opts.pair_seed(k),
                opts,
                &cases[i].0,
                plan.warm.as_ref(),
            )
        })
        .collect();
    let mut by_case: Vec<Vec<(Costing, SideCheck)>> = Vec::with_capacity(cases.len());
    let mut results = results.into_iter();
    for _ in 0..cases.len() {
        let mut row = Vec::with_capacity(opts.pairs as usize);
        for _ in 0..opts.pairs {
            row.push(results.next().expect("one result per job")?);
        }
        by_case.push(row);
    }
    Ok(by_case)
}

/// Campaign `name`'s marginal: the reference against the re-plans without it, pair by pair.
fn campaign_marginal(
    name: &str,
    reference: &[(Costing, SideCheck)],
    without: &[(Costing, SideCheck)],
) -> CampaignMarginal {
    let pairs: Vec<Marginal> = reference
        .iter()
        .zip(without)
        .map(|(w, wo)| marginal(&w.0, &wo.0))
        .collect();
    CampaignMarginal {
        name: name.to_string(),
        marginal: mean_marginal(&pairs),
        cost: Paired::of(pairs.iter().map(|m| m.cost).collect()),
        without_total: Paired::of(without.iter().map(|x| x.0.total).collect()).mean,
        sides: reference
            .iter()
            .zip(without)
            .map(|(w, wo)| (w.1, wo.1))
            .collect(),
    }
}

/// The costing's campaign rows with their marginals and intervals where re-planned.
fn campaign_rows(costing: &Costing, marginals: &[CampaignMarginal]) -> Vec<CampaignRow> {
    costing
        .campaigns()
        .iter()
        .map(|cc| {
            let m = marginals.iter().find(|m| m.name == cc.name);
            let mut row = campaign_row(cc, m.map(|m| &m.marginal));
            if let Some((lo, hi)) = m.and_then(|m| m.cost.ci95) {
                row.marginal_cost_ci95_low_eur = Some(lo);
                row.marginal_cost_ci95_high_eur = Some(hi);
            }
            row
        })
        .collect()
}

/// Lever `l`'s row (means over the pairs) and its paired saving: the reference against
/// the re-plans of its other side.
fn lever_marginal(
    l: &LeverCase,
    reference: &[(Costing, SideCheck)],
    other: &[(Costing, SideCheck)],
) -> (LeverRow, LeverMarginal) {
    let rows: Vec<LeverRow> = reference
        .iter()
        .zip(other)
        .map(|(r, o)| match (&l.without, &l.with) {
            (Some(_), _) => lever_row(&l.name, &l.description, &o.0, &r.0),
            _ => lever_row(&l.name, &l.description, &r.0, &o.0),
        })
        .collect();
    let saving = Paired::of(rows.iter().map(|x| x.cost_saved_eur).collect());
    let n = rows.len() as f64;
    let row = LeverRow {
        lever: l.name.clone(),
        description: l.description.clone(),
        contacts_removed: rows.iter().map(|x| x.contacts_removed).sum::<f64>() / n,
        hours_saved: rows.iter().map(|x| x.hours_saved).sum::<f64>() / n,
        cost_saved_eur: saving.mean,
        cost_saved_ci95_low_eur: saving.ci95.map(|c| c.0),
        cost_saved_ci95_high_eur: saving.ci95.map(|c| c.1),
    };
    let sides = reference
        .iter()
        .zip(other)
        .map(|(r, o)| match l.without {
            Some(_) => (o.1, r.1),
            None => (r.1, o.1),
        })
        .collect();
    (
        row,
        LeverMarginal {
            lever: l.name.clone(),
            saving,
            sides,
        },
    )
}

/// The pool priced as outsourcing, or why none.
fn outsourcing(sc: &Scenario) -> Outsourcing {
    if sc.agents.teams.is_empty() {
        return Outsourcing::NotCompared;
    }
    match sc
        .agents
        .flex_pools
        .iter()
        .find(|p| p.kind == PoolKind::Outsourcer)
    {
        Some(p) => Outsourcing::Pool(p.name.clone()),
        None => Outsourcing::NoOutsourcer(
            sc.agents
                .flex_pools
                .iter()
                .map(|p| (p.name.clone(), p.kind))
                .collect(),
        ),
    }
}

/// Flex, overtime and outsourcing for the agent-hours the plan's flex shifts put on duty.
fn shortfall_options(
    sc: &Scenario,
    plan: &Plan,
    costing: &Costing,
) -> Result<(Vec<OptionCost>, f64), CostError> {
    let roster = plan_roster(sc, plan)?;
    let np = plan.pools.len();
    let hours: Vec<f64> = plan
        .grid
        .slots
        .iter()
        .enumerate()
        .map(|(s, slot)| {
            let heads: u32 = plan.flex_on_duty[s * np..(s + 1) * np].iter().sum();
            f64::from(heads) * f64::from(slot.length_min) / 60.0
        })
        .collect();
    let total: f64 = hours.iter().sum();
    // Flex agents' handled contacts per paid flex hour in the simulation; without flex work,
    // the headline channel's contacts per handling hour.
    let nt = costing.n_teams;
    let (mut flex_contacts, mut flex_hours) = (0.0, 0.0);
    for c in &costing.cells {
        if c.key.staff.is_some_and(|s| s >= nt) {
            flex_contacts += c.handled_contacts;
            flex_hours += c.handling_hours;
        }
    }
    let per_hour = if costing.hours.flex > 0.0 && flex_contacts > 0.0 {
        flex_contacts / costing.hours.flex
    } else if flex_hours > 0.0 {
        flex_contacts / flex_hours
    } else {
        let g = costing
            .totals_by(Dim::Channel)
            .into_iter()
            .find(|g| g.label == plan.headline_channel);
        g.filter(|g| g.handling_hours > 0.0)
            .map_or(0.0, |g| g.handled_contacts / g.handling_hours)
    };
    let team = (0..sc.agents.teams.len())
        .max_by_key(|&t| {
            let h: u64 = (0..plan.grid.len())
                .map(|s| u64::from(roster.scheduled(s, t)))
                .sum();
            (h, std::cmp::Reverse(t))
        })
        .unwrap_or(0);
    let outsourcer = sc
        .agents
        .flex_pools
        .iter()
        .position(|p| p.kind == PoolKind::Outsourcer);
    let staff = StaffPlan {
        grid: &plan.grid,
        roster: &roster,
        flex: &plan.cover,
        overtime_hours: &[],
        new_hires: &[],
    };
    if sc.agents.teams.is_empty() {
        return Ok((Vec::new(), total));
    }
    let options = compare_shortfall(
        &CostModel::from_scenario(sc),
        &staff,
        &Shortfall {
            hours_per_slot: &hours,
            contacts_per_hour: per_hour,
            channel: Some(&plan.headline_channel),
        },
        &OvertimeRule {
            team,
            ..OvertimeRule::default()
        },
        outsourcer,
    )?;
    Ok((options, total))
}

impl CostAnalysis {
    /// The short summary (stdout, `cost_summary.txt`, the report).
    pub fn summary_lines(&self) -> Vec<String> {
        let cur = &self.currency;
        let c = &self.costing;
        let mut out = Vec::new();
        out.push(format!(
            "{}: the plan costs {} for {} handled contacts ({} per handled contact), {} paid agent hours.",
            self.scenario,
            c.total.format(cur),
            whole(c.handled_contacts()),
            c.cost_per_handled_contact().format(cur),
            whole(c.paid_hours())
        ));
        let kinds = c.kinds_in(cur);
        out.push(format!("By kind: {}.", kinds.join(", ")));
        let per = |dim: Dim| -> String {
            c.totals_by(dim)
                .into_iter()
                .filter(|g| g.handled_contacts > 0.0)
                .map(|g| {
                    format!(
                        "{} {}/contact",
                        g.label,
                        g.cost_per_handled_contact().format(cur)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push(format!(
            "Per handled contact by channel: {}.",
            per(Dim::Channel)
        ));
        out.push(format!(
            "Per handled contact by reason: {}.",
            per(Dim::Reason)
        ));
        for row in &self.campaigns {
            let m = self
                .campaign_marginals
                .iter()
                .find(|m| m.name == row.campaign);
            match m {
                Some(m) => out.push(format!(
                    "Campaign {}; marginal cost {}.",
                    row.sentence(cur),
                    m.cost.describe(cur)
                )),
                None => out.push(format!("Campaign {}.", row.sentence(cur))),
            }
        }
        for (l, m) in self.levers.iter().zip(&self.lever_marginals) {
            out.push(format!(
                "Lever {}: {} — {} fewer contacts, {} paid hours and {} saved.",
                l.lever,
                l.description,
                whole(l.contacts_removed),
                whole(l.hours_saved),
                m.saving.describe(cur)
            ));
        }
        if !self.options.is_empty() {
            let opts: Vec<String> = self
                .options
                .iter()
                .map(|o| {
                    let mut s = format!("{} {}", o.option, o.cost_eur.format(cur));
                    if o.uncovered_hours > 0.0 {
                        s.push_str(&format!(" ({} h left uncovered)", whole(o.uncovered_hours)));
                    }
                    s
                })
                .collect();
            out.push(format!(
                "The plan's {} flex agent-hours bought as: {}.",
                whole(self.shortfall_hours),
                opts.join("; ")
            ));
        }
        if let Some(note) = self.marginal_method() {
            out.push(note);
        }
        out
    }

    /// How the marginal figures were made and whether simulation noise enters them (`None`
    /// when nothing was re-planned).
    pub fn marginal_method(&self) -> Option<String> {
        let o = self.replan.as_ref()?;
        let k = self.settings.pairs;
        let seeds = if k == 1 {
            format!("seed {}", self.settings.seed)
        } else {
            format!("pair k with seed {} + k × 1,000,003", self.settings.seed)
        };
        let noise = match o.method {
            Method::Simulation => {
                "Simulation noise enters every difference (the iterative staffing decides from simulated replications and the costing simulates the contacts), so each figure is the mean of the paired differences with its 95% Student-t interval over the pairs"
            }
            Method::ErlangC | Method::ErlangA => {
                "The analytic re-plans carry no simulation noise, but the per-contact costs (channel costs, abandoned contacts, outsourcing per contact) are simulated, so each figure is the mean of the paired differences with its 95% Student-t interval over the pairs"
            }
        };
        let how = match o.method {
            Method::Simulation => format!(
                "{} method, {} confidence per interval, warm-started where the plan's own iteration ended (its load, corrections and roster-served cells) for {} more round{} of {} replications",
                method_name(o.method),
                percent(o.confidence),
                o.max_iterations,
                if o.max_iterations == 1 { "" } else { "s" },
                o.iter_replications
            ),
            _ => format!(
                "{} method, {} confidence per interval",
                method_name(o.method),
                percent(o.confidence)
            ),
        };
        Some(format!(
            "Marginal figures: both sides re-planned as the plan was made ({how}; the interval promise — every interval and day — with no frontier, whichever promise the plan itself was chosen for), {k} independent pair{} ({seeds}, the same seed for both sides' re-plans and their costings on {} replications). {noise}; a difference that is the same in every pair is exact under common random numbers.",
            if k == 1 { "" } else { "s" },
            self.settings.replications,
        ))
    }
}

/// The method's name as the command line spells it.
pub fn method_name(m: Method) -> &'static str {
    match m {
        Method::ErlangC => "erlang-c",
        Method::ErlangA => "erlang-a",
        Method::Simulation => "simulation",
    }
}

fn whole(x: f64) -> String {
    let v = super::money::decimal_scaled(x, 0).unwrap_or(0);
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if v < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_differences_give_a_student_t_interval() {
        // 1.00, 2.00, 3.00: mean 2.00, sd 1.00, half-width t(0.975, 2) × 1 / √3 with
        // t = 4.302652729749464 (tables): 2.484… → €-0.48 to €4.48.
        let p = Paired::of(vec![
            Money::from_cents(100),
            Money::from_cents(200),
            Money::from_cents(300),
        ]);
        assert_eq!(p.mean, Money::from_cents(200));
        assert_eq!(
            p.ci95,
            Some((Money::from_cents(-48), Money::from_cents(448)))
        );
        assert!(!p.exact);
        assert_eq!(
            p.describe("EUR"),
            "€2.00 (95% interval -€0.48 to €4.48, 3 paired re-plans)"
        );
        let same = Paired::of(vec![Money::from_cents(-5); 3]);
        assert!(same.exact);
        assert_eq!(
            same.ci95,
            Some((Money::from_cents(-5), Money::from_cents(-5)))
        );
        let one = Paired::of(vec![Money::from_cents(7)]);
        assert_eq!(one.ci95, None);
        assert!(one.describe("EUR").contains("no sampling interval"));
    }

    #[test]
    fn pair_seeds_are_distinct_and_start_at_the_seed() {
        let o = CostOptions {
            replications: 2,
            seed: 2027,
            threads: None,
            campaigns: true,
            levers: true,
            pairs: 3,
        };
        assert_eq!(o.pair_seed(0), 2027);
        assert_eq!(o.pair_seed(1), 2027 + 1_000_003);
        assert_ne!(o.pair_seed(2), o.pair_seed(1));
    }
}
