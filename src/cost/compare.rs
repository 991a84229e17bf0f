//! One shortfall priced three ways: the flex plan, overtime of permanent agents, and an
//! outsourcing partner.
//!
//! * **flex** — the flex plan's own cost: every shift `heads × max(hours, min_paid_hours) ×
//!   hourly` (per-contact channels of a pool excluded, as in the cost model) plus training of
//!   each pool's peak headcount; its uncovered hours are the plan's short intervals in
//!   agent-hours.
//! * **overtime** — the shortfall hours of each day worked as overtime by one team, at
//!   `hourly × (1 + overtime_premium)`, capped per day at the team's most heads on duty in any
//!   interval of that day × [`OvertimeRule::max_hours_per_agent_per_day`] (default 2 h, the
//!   usual collective-agreement limit); hours beyond the cap are reported uncovered.
//! * **outsourcing** — with a per-contact price for the channel: contacts =
//!   hours × [`Shortfall::contacts_per_hour`] at that price; otherwise hours × the pool's
//!   hourly cost (no minimum paid hours, no training: the partner trains its own people).
//!
//! The shortfall is given in paid agent-hours per interval (what must be bought); amounts are
//! exact as in the cost model.

use serde::Serialize;

use super::breakdown::Fixed3;
use super::model::StaffPlan;
use super::money::{PRICE_DIGITS, PRICE_SCALE, QTY_DIGITS, QTY_SCALE, decimal_scaled, round_div};
use super::{CostError, CostModel, Money};

/// The shortfall to price.
#[derive(Debug, Clone, Copy)]
pub struct Shortfall<'a> {
    /// Agent-hours to buy per grid slot.
    pub hours_per_slot: &'a [f64],
    /// Contacts one agent handles per hour (for per-contact outsourcing prices), e.g.
    /// `3600 / AHT × occupancy`.
    pub contacts_per_hour: f64,
    /// The channel the work is on (selects the outsourcer's per-contact price).
    pub channel: Option<&'a str>,
}

/// Who works the overtime, and how much one agent may work in a day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OvertimeRule {
    /// Index of the team into the scenario's teams.
    pub team: usize,
    /// Overtime one agent may work per day. Default 2 h.
    pub max_hours_per_agent_per_day: f64,
}

impl Default for OvertimeRule {
    fn default() -> Self {
        OvertimeRule {
            team: 0,
            max_hours_per_agent_per_day: 2.0,
        }
    }
}

/// One way of covering the shortfall.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptionCost {
    /// `flex`, `overtime` or `outsourcing`.
    pub option: String,
    pub description: String,
    /// Agent-hours bought.
    #[serde(serialize_with = "ser3")]
    pub hours: f64,
    /// Contacts paid for (per-contact outsourcing only, else 0).
    #[serde(serialize_with = "ser3")]
    pub contacts: f64,
    /// Agent-hours of the shortfall this option leaves uncovered.
    #[serde(serialize_with = "ser3")]
    pub uncovered_hours: f64,
    pub cost_eur: Money,
}

fn ser3<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&Fixed3(*x))
}

fn nano(field: &str, eur: f64) -> Result<i128, CostError> {
    if !eur.is_finite() || eur < 0.0 {
        return Err(CostError::input(field, format!("{eur} is not a price ≥ 0")));
    }
    decimal_scaled(eur, PRICE_DIGITS).map_err(|source| CostError::Money {
        field: field.into(),
        source,
    })
}

fn micro(field: &str, x: f64) -> Result<i128, CostError> {
    if !x.is_finite() || x < 0.0 {
        return Err(CostError::input(
            field,
            format!("{x} is not a quantity ≥ 0"),
        ));
    }
    decimal_scaled(x, QTY_DIGITS).map_err(|source| CostError::Money {
        field: field.into(),
        source,
    })
}

fn to_money(what: &str, factors: &[i128], den: i128) -> Result<Money, CostError> {
    let num = factors
        .iter()
        .try_fold(1i128, |a, &f| a.checked_mul(f))
        .ok_or_else(|| CostError::Overflow(what.into()))?;
    i64::try_from(round_div(num, den))
        .map(Money::from_cents)
        .map_err(|_| CostError::Overflow(what.into()))
}

/// Denominator turning micro-quantity × nano-price into cents.
const QP_DEN: i128 = QTY_SCALE * PRICE_SCALE / 100;

/// Prices `shortfall` as the flex plan, as overtime of `overtime.team`, and (when
/// `outsourcer` names a pool) as outsourcing; rows in that order.
pub fn compare_shortfall(
    model: &CostModel,
    plan: &StaffPlan,
    shortfall: &Shortfall,
    overtime: &OvertimeRule,
    outsourcer: Option<usize>,
) -> Result<Vec<OptionCost>, CostError> {
    let grid = plan.grid;
    if shortfall.hours_per_slot.len() != grid.len() {
        return Err(CostError::input(
            "shortfall.hours_per_slot",
            format!(
                "has {} values; expected one per slot ({})",
                shortfall.hours_per_slot.len(),
                grid.len()
            ),
        ));
    }
    let mut total_micro: i128 = 0;
    for &h in shortfall.hours_per_slot {
        total_micro += micro("shortfall.hours_per_slot", h)?;
    }
    let mut rows = vec![
        flex_option(model, plan)?,
        overtime_option(model, plan, shortfall, overtime, total_micro)?,
    ];
    if let Some(p) = outsourcer {
        rows.push(outsourcing_option(model, shortfall, p, total_micro)?);
    }
    Ok(rows)
}

/// The flex plan's own cost (hourly shifts and training) and its short intervals.
fn flex_option(model: &CostModel, plan: &StaffPlan) -> Result<OptionCost, CostError> {
    let mut cost = Money::ZERO;
    let mut flex_hours = 0.0;
    for (k, s) in plan.flex.shifts.iter().enumerate() {
        let pool = model.pools.get(s.pool_index).ok_or_else(|| {
            CostError::input(format!("flex shifts[{k}]"), "pool index out of range")
        })?;
        flex_hours += f64::from(s.heads) * s.hours;
        if pool.price_per_contact_eur.contains_key(&s.group.channel) {
            continue;
        }
        let paid = micro("flex shift hours", s.hours.max(pool.min_paid_hours))?;
        let rate = nano("hourly_cost_eur", pool.hourly_cost_eur)?;
        cost += to_money("flex shift", &[i128::from(s.heads), paid, rate], QP_DEN)?;
    }
    for (p, summary) in plan.flex.pools.iter().enumerate() {
        if let Some(pool) = model.pools.get(p) {
            let t = nano("training_eur_per_agent", pool.training_eur_per_agent)?;
            cost += to_money(
                "training",
                &[i128::from(summary.peak_headcount), t],
                PRICE_SCALE / 100,
            )?;
        }
    }
    let grid = plan.grid;
    let short: f64 = plan
        .flex
        .short
        .iter()
        .map(|s| s.short * f64::from(grid.slots.get(s.slot).map_or(0, |g| g.length_min)) / 60.0)
        .sum();
    Ok(OptionCost {
        option: "flex".into(),
        description: format!(
            "the flex plan: {} shifts, peak headcount {}, training included",
            plan.flex.shifts.len(),
            plan.flex.peak_headcount
        ),
        hours: flex_hours,
        contacts: 0.0,
        uncovered_hours: short,
        cost_eur: cost,
    })
}

/// Overtime of one team, capped per agent per day (`total_micro`: the shortfall in
/// micro-hours).
fn overtime_option(
    model: &CostModel,
    plan: &StaffPlan,
    shortfall: &Shortfall,
    overtime: &OvertimeRule,
    total_micro: i128,
) -> Result<OptionCost, CostError> {
    let grid = plan.grid;
    let team = model.teams.get(overtime.team).ok_or_else(|| {
        CostError::input(
            "overtime.team",
            format!(
                "no team {} (the scenario has {})",
                overtime.team,
                model.teams.len()
            ),
        )
    })?;
    let cap_micro = micro(
        "overtime.max_hours_per_agent_per_day",
        overtime.max_hours_per_agent_per_day,
    )?;
    let mut covered_micro: i128 = 0;
    for d in 0..grid.days.len() {
        let slots = grid.day_slots(d);
        let need: i128 = slots
            .clone()
            .map(|s| micro("shortfall", shortfall.hours_per_slot[s]))
            .sum::<Result<i128, _>>()?;
        let heads = slots
            .map(|s| plan.roster.scheduled(s, overtime.team))
            .max()
            .unwrap_or(0);
        covered_micro += need.min(i128::from(heads) * cap_micro);
    }
    let rate = nano("hourly_cost_eur", team.hourly_cost_eur)?;
    let premium = nano("costs.overtime_premium", model.costs.overtime_premium)?;
    let covered_h = covered_micro as f64 / QTY_SCALE as f64;
    Ok(OptionCost {
        option: "overtime".into(),
        description: format!(
            "team `{}` at {} an hour + {} premium, at most {} h per agent per day",
            team.name,
            Money::from_eur(team.hourly_cost_eur)
                .unwrap_or_default()
                .format(&model.costs.currency),
            super::breakdown::Fixed3(model.costs.overtime_premium),
            overtime.max_hours_per_agent_per_day
        ),
        hours: covered_h,
        contacts: 0.0,
        uncovered_hours: (total_micro - covered_micro) as f64 / QTY_SCALE as f64,
        cost_eur: to_money(
            "overtime",
            &[covered_micro, rate, PRICE_SCALE + premium],
            QP_DEN * PRICE_SCALE,
        )?,
    })
}

/// Pool `p` buys the whole shortfall: per contact on the shortfall's channel when it has
/// a price there, else by the hour.
fn outsourcing_option(
    model: &CostModel,
    shortfall: &Shortfall,
    p: usize,
    total_micro: i128,
) -> Result<OptionCost, CostError> {
    let total_hours: f64 = shortfall.hours_per_slot.iter().sum();
    let pool = model.pools.get(p).ok_or_else(|| {
        CostError::input(
            "outsourcer",
            format!("no pool {p} (the scenario has {})", model.pools.len()),
        )
    })?;
    let per_contact = shortfall
        .channel
        .and_then(|c| pool.price_per_contact_eur.get(c));
    Ok(match per_contact {
        Some(&price) => {
            let contacts = total_hours * shortfall.contacts_per_hour;
            let c = micro("contacts", contacts)?;
            OptionCost {
                option: "outsourcing".into(),
                description: format!(
                    "`{}` per handled contact at {}",
                    pool.name,
                    Money::from_eur(price)
                        .unwrap_or_default()
                        .format(&model.costs.currency)
                ),
                hours: total_hours,
                contacts,
                uncovered_hours: 0.0,
                cost_eur: to_money(
                    "outsourcing",
                    &[c, nano("price_per_contact_eur", price)?],
                    QP_DEN,
                )?,
            }
        }
        None => OptionCost {
            option: "outsourcing".into(),
            description: format!("`{}` by the hour", pool.name),
            hours: total_hours,
            contacts: 0.0,
            uncovered_hours: 0.0,
            cost_eur: to_money(
                "outsourcing",
                &[total_micro, nano("hourly_cost_eur", pool.hourly_cost_eur)?],
                QP_DEN,
            )?,
        },
    })
}
