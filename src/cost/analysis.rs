//! The finance analysis of a plan: its costing from the simulator, the marginal cost of each
//! campaign, the value of each lever and flex against overtime against outsourcing.
//!
//! # Where the numbers come from
//!
//! * **The plan's costing** ([`CostAnalysis::costing`]): the given plan (its roster and flex
//!   shifts) simulated for [`CostOptions::replications`] replications with seed
//!   [`CostOptions::seed`]; handled contacts and handling hours per interval × reason ×
//!   channel × source × team or pool are the means over the replications ([`simulate_outcome`]).
//! * **Re-planning** (campaigns and levers). A full plan with the simulation method takes
//!   ~20 s on valentines, far too slow to repeat for every campaign and lever. Each difference
//!   is therefore taken between **two re-plans made the same way**: both sides planned with
//!   [`CostOptions::method`] (default Erlang A: analytic and deterministic, so the plans
//!   themselves carry no simulation noise), no frontier, and both costed on the same
//!   replications with the same seed (common random numbers). "Marginal = difference of two
//!   full plans" then holds exactly for the pair compared: the *reference* plan (the scenario
//!   as given, re-planned that way; [`CostAnalysis::reference`]) and the plan without the
//!   campaign (or with the lever). The plan's own costing (above) is not one of the pair: it
//!   comes from the main plan, usually made with the simulation method.
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
use crate::sim::Model;
use crate::staffing::iterate::apply_plan;
use crate::staffing::plan::{Plan, PlanOptions, plan};
use crate::staffing::requirement::Method;
use crate::staffing::{Roster, roster};

/// Settings of the finance analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct CostOptions {
    /// Replications of every costing simulation (the plan's and each re-plan's).
    pub replications: u32,
    /// Seed of every costing simulation (one seed for all: common random numbers).
    pub seed: u64,
    /// How both sides of each campaign and lever difference are re-planned.
    pub method: Method,
    /// Worker threads of the costing simulations (`None`: one per core). Results do not
    /// depend on it.
    pub threads: Option<usize>,
    /// Re-plan without each campaign (the marginal columns of `campaigns.csv`).
    pub campaigns: bool,
    /// Re-plan with and without each lever (`levers.csv`).
    pub levers: bool,
}

impl CostOptions {
    /// The defaults for a scenario: its seed, 20 replications, Erlang A re-plans.
    pub fn for_scenario(sc: &Scenario) -> CostOptions {
        CostOptions {
            replications: 20,
            seed: sc.simulation.seed,
            method: Method::ErlangA,
            threads: None,
            campaigns: true,
            levers: true,
        }
    }

    /// The plan options of a re-plan: the method, no frontier, the fewest check
    /// replications (the check is not used here).
    pub fn replan_options(&self, sc: &Scenario) -> PlanOptions {
        PlanOptions {
            method: self.method,
            replications: 2,
            frontier_replications: 2,
            iter_replications: self.replications.max(2),
            frontier: false,
            seed: self.seed,
            ..PlanOptions::for_scenario(sc)
        }
    }
}

/// A campaign's marginal figures: the reference re-plan minus the re-plan without it.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignMarginal {
    pub name: String,
    pub marginal: Marginal,
    /// Total cost of the re-plan without the campaign.
    pub without_total: Money,
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
    /// Flex, overtime and outsourcing for the plan's flex hours.
    pub options: Vec<OptionCost>,
    /// The agent-hours priced in `options`.
    pub shortfall_hours: f64,
    /// The reference re-plan's total (the side "with" of every campaign difference), when
    /// anything was re-planned.
    pub reference: Option<Money>,
    /// The settings used.
    pub settings: CostOptions,
}

fn replan_err(what: &str, why: impl std::fmt::Display) -> CostError {
    CostError::Replan {
        what: what.to_string(),
        why: why.to_string(),
    }
}

/// The scenario as the planner sees it: the pools' own scheduled shifts removed (the plan
/// *is* the flex schedule).
fn without_scheduled(sc: &Scenario) -> Scenario {
    let mut sc = sc.clone();
    for p in &mut sc.agents.flex_pools {
        p.scheduled.clear();
    }
    sc
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
    let mut model = Model::from_scenario(&without_scheduled(sc), demand)
        .map_err(|e| replan_err("simulation model", e))?;
    if model.intervals.len() != plan.grid.len() {
        return Err(CostError::input(
            "plan",
            format!(
                "has {} slots but the scenario's demand has {} intervals; the plan belongs to another scenario",
                plan.grid.len(),
                model.intervals.len()
            ),
        ));
    }
    let nt = sc.agents.teams.len();
    apply_plan(&mut model, &plan.grid, &plan.cover, nt);
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

/// Re-plans `sc` the reduced way ([`CostOptions::replan_options`]) and costs the re-plan.
pub fn replan_cost(sc: &Scenario, opts: &CostOptions, what: &str) -> Result<Costing, CostError> {
    let demand = crate::demand::compute(sc).map_err(|e| replan_err(what, e))?;
    let p = plan(sc, &demand, &opts.replan_options(sc)).map_err(|e| replan_err(what, e))?;
    cost_plan(sc, &demand, &p, opts)
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

/// The finance analysis of `plan` (made from `sc` and `demand`); see the module docs.
pub fn analyse(
    sc: &Scenario,
    demand: &Demand,
    plan: &Plan,
    opts: &CostOptions,
) -> Result<CostAnalysis, CostError> {
    if opts.replications == 0 {
        return Err(CostError::input(
            "replications",
            "must be at least 1 (e.g. 20)",
        ));
    }
    let costing = cost_plan(sc, demand, plan, opts)?;

    // Every re-plan, run in parallel (each is deterministic on its own).
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
    let mut jobs: Vec<(String, &Scenario)> = Vec::new();
    let needs_reference = !campaign_cases.is_empty() || !levers.is_empty();
    if needs_reference {
        jobs.push(("re-plan of the scenario as given".into(), sc));
    }
    for (c, s) in campaign_cases.iter().enumerate() {
        jobs.push((
            format!("re-plan without campaign `{}`", sc.campaigns[c].name),
            s,
        ));
    }
    for l in &levers {
        if let Some(s) = l.without.as_ref().or(l.with.as_ref()) {
            jobs.push((format!("re-plan for lever `{}`", l.name), s));
        }
    }
    let results: Vec<Result<Costing, CostError>> = jobs
        .par_iter()
        .map(|(what, s)| replan_cost(s, opts, what))
        .collect();
    let mut results = results.into_iter();
    let reference = match needs_reference {
        true => Some(results.next().expect("reference job")?),
        false => None,
    };

    let mut campaign_marginals = Vec::new();
    for (c, _) in campaign_cases.iter().enumerate() {
        let without = results.next().expect("campaign job")?;
        let r = reference.as_ref().expect("reference");
        campaign_marginals.push(CampaignMarginal {
            name: sc.campaigns[c].name.clone(),
            marginal: marginal(r, &without),
            without_total: without.total,
        });
    }
    let campaigns = costing
        .campaigns()
        .iter()
        .map(|cc| {
            let m = campaign_marginals
                .iter()
                .find(|m| m.name == cc.name)
                .map(|m| &m.marginal);
            campaign_row(cc, m)
        })
        .collect();
    let mut lever_rows = Vec::new();
    for l in &levers {
        let other = results.next().expect("lever job")?;
        let r = reference.as_ref().expect("reference");
        let row = match (&l.without, &l.with) {
            (Some(_), _) => lever_row(&l.name, &l.description, &other, r),
            _ => lever_row(&l.name, &l.description, r, &other),
        };
        lever_rows.push(row);
    }

    let (options, shortfall_hours) = shortfall_options(sc, plan, &costing)?;
    Ok(CostAnalysis {
        scenario: sc.name.clone(),
        currency: costing.currency.clone(),
        campaigns,
        campaign_marginals,
        levers: lever_rows,
        options,
        shortfall_hours,
        reference: reference.map(|r| r.total),
        settings: opts.clone(),
        costing,
    })
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
        let kinds: Vec<String> = c
            .kind_rows()
            .into_iter()
            .filter(|(_, m)| *m != Money::ZERO)
            .map(|(k, m)| format!("{} {}", k.as_str(), m.format(cur)))
            .collect();
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
            out.push(format!("Campaign {}.", row.sentence(cur)));
        }
        for l in &self.levers {
            out.push(format!(
                "Lever {}: {} — {} fewer contacts, {} paid hours and {} saved.",
                l.lever,
                l.description,
                whole(l.contacts_removed),
                whole(l.hours_saved),
                l.cost_saved_eur.format(cur)
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
        if self.reference.is_some() {
            out.push(format!(
                "Marginal figures: both sides re-planned with {} (no frontier) and costed on the same {} replications, seed {}.",
                method_name(self.settings.method),
                self.settings.replications,
                self.settings.seed
            ));
        }
        out
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
