//! The cost model: inputs, cost components and their allocation to cells.
//!
//! See the [module documentation](super) for the allocation rule and
//! [`money`](super::money) for the rounding rule.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::allocate::largest_remainder;
use super::money::{PRICE_DIGITS, PRICE_SCALE, QTY_DIGITS, QTY_SCALE, decimal_scaled, round_div};
use super::{CostError, Money};
use crate::demand::{Demand, Source};
use crate::scenario::{Costs, FlexPool, PoolKind, Scenario, Team};
use crate::staffing::{CoverPlan, Grid, Roster};

/// Who handled a contact: a permanent team or a flex pool (indices into the scenario's
/// `agents.teams` and `agents.flex_pools`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Staff {
    Team(usize),
    Pool(usize),
}

/// Simulated handled contacts of one interval, reason, channel, source and team or pool
/// (mean over replications).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HandledCell {
    /// Index into the staffing grid's slots (= `Demand::intervals`).
    pub slot: usize,
    /// Index into `Demand::reasons`.
    pub reason: usize,
    /// Index into `Demand::channels`.
    pub channel: usize,
    /// Index into `Demand::sources` (baseline, events, campaigns, other sources).
    pub source: usize,
    /// Who handled them.
    pub staff: Staff,
    /// Contacts handled (mean over replications; need not be whole).
    pub contacts: f64,
    /// Agent hours spent handling them in this interval (talk + hold + wrap-up). When the
    /// simulator cannot split a handling across intervals, all of it in the interval where
    /// the handling started.
    pub handling_hours: f64,
}

/// Simulated abandoned contacts of one interval, reason, channel and source.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AbandonedCell {
    pub slot: usize,
    pub reason: usize,
    pub channel: usize,
    pub source: usize,
    pub contacts: f64,
}

/// What the simulation says happened, as far as money is concerned: handled contacts with
/// their handling hours per interval × reason × channel × source × team or pool, and
/// abandoned contacts. Sparse: cells not listed are zero; a cell may be listed twice (the
/// entries add up). Paid agent hours come from the [`StaffPlan`], not from here.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SimOutcome {
    pub handled: Vec<HandledCell>,
    pub abandoned: Vec<AbandonedCell>,
}

/// The scenario's prices: its `costs`, teams and flex pools.
#[derive(Debug, Clone, Copy)]
pub struct CostModel<'a> {
    pub costs: &'a Costs,
    pub teams: &'a [Team],
    pub pools: &'a [FlexPool],
}

impl<'a> CostModel<'a> {
    /// The prices of a scenario.
    pub fn from_scenario(s: &'a Scenario) -> CostModel<'a> {
        CostModel {
            costs: &s.costs,
            teams: &s.agents.teams,
            pools: &s.agents.flex_pools,
        }
    }
}

/// The staffing the money pays for.
#[derive(Debug, Clone, Copy)]
pub struct StaffPlan<'a> {
    /// The interval grid (same slots as `Demand::intervals`).
    pub grid: &'a Grid,
    /// The permanent roster: every scheduled head-hour is paid (absence included: a sick
    /// agent is paid too), `scheduled[slot * teams + team]`.
    pub roster: &'a Roster,
    /// The flex plan: its `shifts` are paid `heads × max(hours, min_paid_hours) × hourly`
    /// unless the shift's channel has a per-contact price in the pool; `pools[p].peak_headcount`
    /// is the number of people of pool `p` trained for the season.
    pub flex: &'a CoverPlan,
    /// Overtime hours of permanent agents, `[slot * teams + team]`, paid at
    /// `hourly × (1 + overtime_premium)`; empty for none.
    pub overtime_hours: &'a [f64],
    /// New permanent agents hired per team, each costing `hiring_cost_eur`; empty for none.
    pub new_hires: &'a [u32],
}

/// A kind of cost, the columns of the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CostKind {
    /// Permanent teams' rostered hours × loaded hourly cost.
    Permanent,
    /// Permanent agents' overtime × hourly × (1 + premium).
    Overtime,
    /// Hiring new permanent agents.
    Hiring,
    /// Hourly cost of internal and temp-agency flex pools.
    Flex,
    /// Everything paid to outsourcer pools: per handled contact, or hourly.
    Outsourcing,
    /// One-off training of flex agents for the season.
    Training,
    /// Telephony/platform costs per contact and per handled minute.
    Channel,
    /// The charge per abandoned contact.
    Abandoned,
}

impl CostKind {
    pub const COUNT: usize = 8;
    pub const ALL: [CostKind; CostKind::COUNT] = [
        CostKind::Permanent,
        CostKind::Overtime,
        CostKind::Hiring,
        CostKind::Flex,
        CostKind::Outsourcing,
        CostKind::Training,
        CostKind::Channel,
        CostKind::Abandoned,
    ];

    /// The snake_case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            CostKind::Permanent => "permanent",
            CostKind::Overtime => "overtime",
            CostKind::Hiring => "hiring",
            CostKind::Flex => "flex",
            CostKind::Outsourcing => "outsourcing",
            CostKind::Training => "training",
            CostKind::Channel => "channel",
            CostKind::Abandoned => "abandoned",
        }
    }
}

/// The coordinates of a cell. `None` means "not applicable": an idle cell has no channel,
/// reason or source; an abandoned-contact cell has no staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellKey {
    /// Index into [`Costing::days`].
    pub day: usize,
    pub channel: Option<usize>,
    pub reason: Option<usize>,
    /// Index into [`Costing::staff`] (teams first, then pools).
    pub staff: Option<usize>,
    pub source: Option<usize>,
}

/// One cell of the costing: day × channel × reason × staff × source.
#[derive(Debug, Clone, PartialEq)]
pub struct CostCell {
    pub key: CellKey,
    pub handled_contacts: f64,
    pub abandoned_contacts: f64,
    pub handling_hours: f64,
    /// Cost per [`CostKind`], in `CostKind::ALL` order.
    pub by_kind: [Money; CostKind::COUNT],
}

impl CostCell {
    /// The cell's cost, all kinds together.
    pub fn cost(&self) -> Money {
        self.by_kind.iter().sum()
    }
}

/// Paid and worked hours of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PaidHours {
    /// Rostered hours of permanent agents.
    pub permanent: f64,
    /// Overtime hours of permanent agents.
    pub overtime: f64,
    /// Real hours of the flex shifts (heads × hours, all pools).
    pub flex: f64,
    /// Hours paid by the hour in flex shifts (`max(hours, min_paid_hours)`, shifts on
    /// per-contact channels excluded).
    pub flex_paid: f64,
}

/// A full costing: every cent in one cell, with the labels to read the cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Costing {
    /// ISO code of the scenario's currency.
    pub currency: String,
    pub days: Vec<Date>,
    pub channels: Vec<String>,
    pub reasons: Vec<String>,
    pub sources: Vec<Source>,
    /// Team names, then pool names.
    pub staff: Vec<String>,
    /// Number of teams at the front of `staff`.
    pub n_teams: usize,
    /// Cells in key order.
    pub cells: Vec<CostCell>,
    /// Grand total.
    pub total: Money,
    /// Total per kind, in `CostKind::ALL` order.
    pub by_kind: [Money; CostKind::COUNT],
    pub hours: PaidHours,
    /// Orders per source over the period (0 for non-order sources).
    pub orders: Vec<f64>,
}

/// One cost component before allocation.
struct Component {
    kind: CostKind,
    total: Money,
    weights: BTreeMap<usize, f64>,
}

/// One handled entry, indexed for spreading.
#[derive(Clone, Copy)]
struct Entry {
    slot: usize,
    cell: usize,
    channel: usize,
    contacts: f64,
    hours: f64,
}

struct Builder {
    cells: Vec<CostCell>,
    index: BTreeMap<CellKey, usize>,
}

impl Builder {
    fn cell(&mut self, key: CellKey) -> usize {
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        let i = self.cells.len();
        self.cells.push(CostCell {
            key,
            handled_contacts: 0.0,
            abandoned_contacts: 0.0,
            handling_hours: 0.0,
            by_kind: [Money::ZERO; CostKind::COUNT],
        });
        self.index.insert(key, i);
        i
    }

    fn idle(&mut self, day: usize, staff: usize) -> usize {
        self.cell(CellKey {
            day,
            channel: None,
            reason: None,
            staff: Some(staff),
            source: None,
        })
    }
}

fn price(field: impl Fn() -> String, eur: f64) -> Result<i128, CostError> {
    if !eur.is_finite() || eur < 0.0 {
        return Err(CostError::input(
            field(),
            format!("{eur} is not a price; expected a finite amount ≥ 0"),
        ));
    }
    decimal_scaled(eur, PRICE_DIGITS).map_err(|source| CostError::Money {
        field: field(),
        source,
    })
}

fn qty(field: &str, x: f64) -> Result<i128, CostError> {
    if !x.is_finite() || x < 0.0 {
        return Err(CostError::input(
            field,
            format!("{x} is not a quantity; expected a finite number ≥ 0"),
        ));
    }
    decimal_scaled(x, QTY_DIGITS).map_err(|source| CostError::Money {
        field: field.to_string(),
        source,
    })
}

/// `Π factors / den` rounded half away from zero to cents, checked.
fn cents(what: &str, factors: &[i128], den: i128) -> Result<Money, CostError> {
    let overflow = || CostError::Overflow(what.to_string());
    let num = factors
        .iter()
        .try_fold(1i128, |a, &f| a.checked_mul(f))
        .ok_or_else(overflow)?;
    i64::try_from(round_div(num, den))
        .map(Money::from_cents)
        .map_err(|_| overflow())
}

/// Denominator turning micro-quantity × nano-price into cents.
const QP_DEN: i128 = QTY_SCALE * PRICE_SCALE / 100;

/// Costs a plan and its simulated outcome (see the [module documentation](super)).
///
/// `demand` supplies the labels (days, reasons, channels, sources) and the orders per source;
/// its intervals must be the grid's slots. Errors name the field that does not fit.
pub fn cost(
    model: &CostModel,
    demand: &Demand,
    plan: &StaffPlan,
    outcome: &SimOutcome,
) -> Result<Costing, CostError> {
    validate(model, demand, plan, outcome)?;
    let mut c = Costed::place(model, demand, plan, outcome);
    let premium = price(
        || "costs.overtime_premium".into(),
        model.costs.overtime_premium,
    )?;
    let hiring = price(
        || "costs.hiring_cost_eur".into(),
        model.costs.hiring_cost_eur,
    )?;
    for t in 0..model.teams.len() {
        c.team(t, premium, hiring)?;
    }
    for p in 0..model.pools.len() {
        c.pool(p)?;
    }
    c.channel_costs()?;
    c.abandoned()?;
    c.allocate()?;
    Ok(c.finish())
}

/// A costing under way: the cells, the handled entries per team or pool, and the cost
/// components found so far (each computed once, allocated at the end).
struct Costed<'c, 'a> {
    model: &'c CostModel<'a>,
    demand: &'c Demand,
    plan: &'c StaffPlan<'c>,
    grid: &'c Grid,
    b: Builder,
    /// Handled entries per staff index (teams, then pools), sorted by (slot, cell).
    entries: Vec<Vec<Entry>>,
    /// Abandoned contacts: (cell, contacts).
    abandoned_cells: Vec<(usize, f64)>,
    components: Vec<Component>,
    hours: PaidHours,
}

impl<'c, 'a> Costed<'c, 'a> {
    /// Handled and abandoned contacts into cells, and the entries to spread costs over.
    fn place(
        model: &'c CostModel<'a>,
        demand: &'c Demand,
        plan: &'c StaffPlan<'c>,
        outcome: &SimOutcome,
    ) -> Self {
        let grid = plan.grid;
        let n_teams = model.teams.len();
        let mut b = Builder {
            cells: Vec::new(),
            index: BTreeMap::new(),
        };
        let mut entries: Vec<Vec<Entry>> = vec![Vec::new(); n_teams + model.pools.len()];
        for h in &outcome.handled {
            let staff = match h.staff {
                Staff::Team(t) => t,
                Staff::Pool(p) => n_teams + p,
            };
            let cell = b.cell(CellKey {
                day: grid.slots[h.slot].day,
                channel: Some(h.channel),
                reason: Some(h.reason),
                staff: Some(staff),
                source: Some(h.source),
            });
            b.cells[cell].handled_contacts += h.contacts;
            b.cells[cell].handling_hours += h.handling_hours;
            entries[staff].push(Entry {
                slot: h.slot,
                cell,
                channel: h.channel,
                contacts: h.contacts,
                hours: h.handling_hours,
            });
        }
        for e in &mut entries {
            e.sort_by_key(|e| (e.slot, e.cell));
        }
        let mut c = Costed {
            model,
            demand,
            plan,
            grid,
            b,
            entries,
            abandoned_cells: Vec::new(),
            components: Vec::new(),
            hours: PaidHours::default(),
        };
        c.place_abandoned(outcome);
        c
    }

    /// Abandoned contacts into cells (no staff).
    fn place_abandoned(&mut self, outcome: &SimOutcome) {
        for a in &outcome.abandoned {
            let cell = self.b.cell(CellKey {
                day: self.grid.slots[a.slot].day,
                channel: Some(a.channel),
                reason: Some(a.reason),
                staff: None,
                source: Some(a.source),
            });
            self.b.cells[cell].abandoned_contacts += a.contacts;
            self.abandoned_cells.push((cell, a.contacts));
        }
    }

    /// Team `t`: rostered hours, overtime (at `premium`, nano) and hiring (at `hiring`).
    fn team(&mut self, t: usize, premium: i128, hiring: i128) -> Result<(), CostError> {
        let (grid, plan) = (self.grid, self.plan);
        let team = &self.model.teams[t];
        let all_channels = |_: usize| true;
        let field = || format!("agents.teams[{t}] (`{}`).hourly_cost_eur", team.name);
        let rate = price(field, team.hourly_cost_eur)?;
        let mut minutes: i128 = 0;
        let mut slot_cost = vec![0.0; grid.len()];
        for (s, slot) in grid.slots.iter().enumerate() {
            let heads = plan.roster.scheduled(s, t);
            minutes += i128::from(heads) * i128::from(slot.length_min);
            slot_cost[s] = f64::from(heads) * f64::from(slot.length_min) / 60.0;
        }
        self.hours.permanent += minutes as f64 / 60.0;
        self.components.push(Component {
            kind: CostKind::Permanent,
            total: cents(&field(), &[minutes, rate], 60 * PRICE_SCALE / 100)?,
            weights: spread_by_slot(
                &mut self.b,
                grid,
                t,
                &self.entries[t],
                &slot_cost,
                all_channels,
            ),
        });
        if !plan.overtime_hours.is_empty() {
            let n_teams = self.model.teams.len();
            let mut micro: i128 = 0;
            let mut slot_cost = vec![0.0; grid.len()];
            for (s, cost) in slot_cost.iter_mut().enumerate() {
                let h = plan.overtime_hours[s * n_teams + t];
                micro += qty("overtime_hours", h)?;
                *cost = h;
                self.hours.overtime += h;
            }
            let total = cents(
                &format!("overtime of team `{}`", team.name),
                &[micro, rate, PRICE_SCALE + premium],
                QP_DEN * PRICE_SCALE,
            )?;
            self.components.push(Component {
                kind: CostKind::Overtime,
                total,
                weights: spread_by_slot(
                    &mut self.b,
                    grid,
                    t,
                    &self.entries[t],
                    &slot_cost,
                    all_channels,
                ),
            });
        }
        if let Some(&hires) = plan.new_hires.get(t)
            && hires > 0
        {
            self.components.push(Component {
                kind: CostKind::Hiring,
                total: cents("costs.hiring_cost_eur", &[i128::from(hires), hiring], {
                    PRICE_SCALE / 100
                })?,
                weights: spread_season(&mut self.b, t, 0, &self.entries[t]),
            });
        }
        Ok(())
    }

    /// Pool `p`: its hourly shifts, its per-contact prices and the training of its peak
    /// headcount.
    fn pool(&mut self, p: usize) -> Result<(), CostError> {
        let grid = self.grid;
        let pool = &self.model.pools[p];
        let staff = self.model.teams.len() + p;
        let pf = |f: &str| format!("agents.flex_pools[{p}] (`{}`).{f}", pool.name);
        let rate = price(|| pf("hourly_cost_eur"), pool.hourly_cost_eur)?;
        let mut per_contact: BTreeMap<usize, i128> = BTreeMap::new();
        for (name, &eur) in &pool.price_per_contact_eur {
            let c = channel_index(self.demand, name, &pf("price_per_contact_eur"))?;
            per_contact.insert(c, price(|| pf("price_per_contact_eur"), eur)?);
        }
        let hourly_kind = if pool.kind == PoolKind::Outsourcer {
            CostKind::Outsourcing
        } else {
            CostKind::Flex
        };
        let (micro, slot_cost) = self.pool_paid_hours(p, &per_contact)?;
        let hourly_only = |c: usize| !per_contact.contains_key(&c);
        let total = cents(&pf("hourly_cost_eur"), &[micro, rate], QP_DEN)?;
        if !total.is_zero() {
            self.components.push(Component {
                kind: hourly_kind,
                total,
                weights: spread_by_slot(
                    &mut self.b,
                    grid,
                    staff,
                    &self.entries[staff],
                    &slot_cost,
                    hourly_only,
                ),
            });
        }
        for (&c, &price_nano) in &per_contact {
            let mut micro: i128 = 0;
            let mut weights = BTreeMap::new();
            for e in self.entries[staff].iter().filter(|e| e.channel == c) {
                micro += qty("handled contacts", e.contacts)?;
                *weights.entry(e.cell).or_insert(0.0) += e.contacts;
            }
            self.components.push(Component {
                kind: CostKind::Outsourcing,
                total: cents(&pf("price_per_contact_eur"), &[micro, price_nano], QP_DEN)?,
                weights,
            });
        }
        let training = price(|| pf("training_eur_per_agent"), pool.training_eur_per_agent)?;
        let summary = self.plan.flex.pools.get(p);
        let peak = summary.map_or(0, |s| s.peak_headcount);
        let peak_day = summary
            .and_then(|s| s.peak_date)
            .and_then(|d| grid.days.binary_search(&d).ok())
            .unwrap_or(0);
        if peak > 0 && training > 0 {
            self.components.push(Component {
                kind: CostKind::Training,
                total: cents(
                    &pf("training_eur_per_agent"),
                    &[i128::from(peak), training],
                    PRICE_SCALE / 100,
                )?,
                weights: spread_season(&mut self.b, staff, peak_day, &self.entries[staff]),
            });
        }
        Ok(())
    }

    /// Pool `p`'s shifts paid by the hour (not on a `per_contact` channel): the paid hours
    /// in micro-hours, and their cost spread over the slots each shift covers (its day's
    /// first slot when it covers none). Counts the flex hours on the way.
    fn pool_paid_hours(
        &mut self,
        p: usize,
        per_contact: &BTreeMap<usize, i128>,
    ) -> Result<(i128, Vec<f64>), CostError> {
        let grid = self.grid;
        let pool = &self.model.pools[p];
        let mut micro: i128 = 0;
        let mut slot_cost = vec![0.0; grid.len()];
        for (k, shift) in self.plan.flex.shifts.iter().enumerate() {
            if shift.pool_index != p {
                continue;
            }
            self.hours.flex += f64::from(shift.heads) * shift.hours;
            let channel = self
                .demand
                .channels
                .iter()
                .position(|c| *c == shift.group.channel);
            if channel.is_some_and(|c| per_contact.contains_key(&c)) {
                continue;
            }
            let paid_h = shift.hours.max(pool.min_paid_hours);
            micro += i128::from(shift.heads) * qty(&format!("flex shifts[{k}].hours"), paid_h)?;
            self.hours.flex_paid += f64::from(shift.heads) * paid_h;
            let Ok(d) = grid.days.binary_search(&shift.date) else {
                return Err(CostError::input(
                    format!("flex shifts[{k}].date"),
                    format!("{} is not a day of the grid", shift.date),
                ));
            };
            let covered = grid.covered(d, shift.start.minutes(), shift.end.minutes());
            let cost = f64::from(shift.heads) * paid_h;
            let len: f64 = covered
                .clone()
                .map(|s| f64::from(grid.slots[s].length_min))
                .sum();
            if len > 0.0 {
                for s in covered {
                    slot_cost[s] += cost * f64::from(grid.slots[s].length_min) / len;
                }
            } else if let Some(first) = grid.day_slots(d).next() {
                slot_cost[first] += cost;
            }
        }
        Ok((micro, slot_cost))
    }

    /// Channel costs per handled contact and per handled minute.
    fn channel_costs(&mut self) -> Result<(), CostError> {
        for (name, cc) in &self.model.costs.channel_costs {
            let field = format!("costs.channel_costs[\"{name}\"]");
            let c = channel_index(self.demand, name, &field)?;
            let per_contact = price(|| format!("{field}.per_contact_eur"), cc.per_contact_eur)?;
            let per_minute = price(|| format!("{field}.per_minute_eur"), cc.per_minute_eur)?;
            let mut contacts_micro: i128 = 0;
            let mut hours_micro: i128 = 0;
            let mut w_contacts = BTreeMap::new();
            let mut w_hours = BTreeMap::new();
            for e in self.entries.iter().flatten().filter(|e| e.channel == c) {
                contacts_micro += qty("handled contacts", e.contacts)?;
                hours_micro += qty("handling hours", e.hours)?;
                *w_contacts.entry(e.cell).or_insert(0.0) += e.contacts;
                *w_hours.entry(e.cell).or_insert(0.0) += e.hours;
            }
            self.components.push(Component {
                kind: CostKind::Channel,
                total: cents(&field, &[contacts_micro, per_contact], QP_DEN)?,
                weights: w_contacts,
            });
            self.components.push(Component {
                kind: CostKind::Channel,
                total: cents(&field, &[hours_micro, 60, per_minute], QP_DEN)?,
                weights: w_hours,
            });
        }
        Ok(())
    }

    /// The charge per abandoned contact.
    fn abandoned(&mut self) -> Result<(), CostError> {
        let abandoned_price = price(
            || "costs.abandoned_contact_eur".into(),
            self.model.costs.abandoned_contact_eur,
        )?;
        if abandoned_price > 0 {
            let mut micro: i128 = 0;
            let mut weights = BTreeMap::new();
            for &(cell, contacts) in &self.abandoned_cells {
                micro += qty("abandoned contacts", contacts)?;
                *weights.entry(cell).or_insert(0.0) += contacts;
            }
            self.components.push(Component {
                kind: CostKind::Abandoned,
                total: cents(
                    "costs.abandoned_contact_eur",
                    &[micro, abandoned_price],
                    QP_DEN,
                )?,
                weights,
            });
        }
        Ok(())
    }

    /// Every component split over its cells by largest remainders.
    fn allocate(&mut self) -> Result<(), CostError> {
        for comp in &self.components {
            if comp.total.is_zero() {
                continue;
            }
            let (cells, weights): (Vec<usize>, Vec<f64>) =
                comp.weights.iter().map(|(&c, &w)| (c, w)).unzip();
            let shares = largest_remainder(comp.total, &weights)?;
            let k = comp.kind as usize;
            for (c, share) in cells.into_iter().zip(shares) {
                self.b.cells[c].by_kind[k] += share;
            }
        }
        Ok(())
    }

    /// The costing: cells that carry anything, in key order, with the totals and labels.
    fn finish(self) -> Costing {
        let (model, demand) = (self.model, self.demand);
        let mut cells = self.b.cells;
        cells.retain(|c| {
            c.handled_contacts != 0.0
                || c.abandoned_contacts != 0.0
                || c.handling_hours != 0.0
                || c.by_kind.iter().any(|m| !m.is_zero())
        });
        cells.sort_by_key(|c| c.key);
        let mut by_kind = [Money::ZERO; CostKind::COUNT];
        for c in &cells {
            for (k, m) in c.by_kind.iter().enumerate() {
                by_kind[k] += *m;
            }
        }
        let n_sources = demand.sources.len();
        let mut orders = vec![0.0; n_sources];
        for (i, o) in demand.orders.iter().enumerate() {
            orders[i % n_sources.max(1)] += o;
        }
        Costing {
            currency: model.costs.currency.clone(),
            days: self.grid.days.clone(),
            channels: demand.channels.clone(),
            reasons: demand.reasons.clone(),
            sources: demand.sources.clone(),
            staff: model
                .teams
                .iter()
                .map(|t| t.name.clone())
                .chain(model.pools.iter().map(|p| p.name.clone()))
                .collect(),
            n_teams: model.teams.len(),
            cells,
            total: by_kind.iter().sum(),
            by_kind,
            hours: self.hours,
            orders,
        }
    }
}

fn channel_index(demand: &Demand, name: &str, field: &str) -> Result<usize, CostError> {
    demand
        .channels
        .iter()
        .position(|c| c == name)
        .ok_or_else(|| {
            CostError::input(
                field,
                format!(
                    "unknown channel `{name}`; known: {}",
                    demand.channels.join(", ")
                ),
            )
        })
}

/// Weights for a cost given per slot (see the allocation rule): each slot's cost over that
/// slot's entries (filtered by channel) by handling hours; a slot without handling passes its
/// cost to the same day's entries; a day without any keeps it in an idle cell.
fn spread_by_slot(
    b: &mut Builder,
    grid: &Grid,
    staff: usize,
    entries: &[Entry],
    slot_cost: &[f64],
    include: impl Fn(usize) -> bool,
) -> BTreeMap<usize, f64> {
    let mut out: BTreeMap<usize, f64> = BTreeMap::new();
    let mut day_left = vec![0.0; grid.days.len()];
    let entries: Vec<Entry> = entries
        .iter()
        .filter(|e| include(e.channel))
        .copied()
        .collect();
    // entries are sorted by slot: walk them alongside the slots.
    let mut start = 0;
    for (s, &cost) in slot_cost.iter().enumerate() {
        while start < entries.len() && entries[start].slot < s {
            start += 1;
        }
        let mut end = start;
        while end < entries.len() && entries[end].slot == s {
            end += 1;
        }
        if cost == 0.0 {
            continue;
        }
        let here = &entries[start..end];
        let hours: f64 = here.iter().map(|e| e.hours).sum();
        if hours > 0.0 {
            for e in here {
                *out.entry(e.cell).or_insert(0.0) += cost * e.hours / hours;
            }
        } else {
            day_left[grid.slots[s].day] += cost;
        }
    }
    for (d, &left) in day_left.iter().enumerate() {
        if left == 0.0 {
            continue;
        }
        let range = grid.day_slots(d);
        let here: Vec<&Entry> = entries.iter().filter(|e| range.contains(&e.slot)).collect();
        let hours: f64 = here.iter().map(|e| e.hours).sum();
        if hours > 0.0 {
            for e in here {
                *out.entry(e.cell).or_insert(0.0) += left * e.hours / hours;
            }
        } else {
            *out.entry(b.idle(d, staff)).or_insert(0.0) += left;
        }
    }
    out
}

/// Weights for a season cost: the entries' handling hours over the whole period, or an idle
/// cell on `idle_day` (the pool's peak date, or the first day) when there are none.
fn spread_season(
    b: &mut Builder,
    staff: usize,
    idle_day: usize,
    entries: &[Entry],
) -> BTreeMap<usize, f64> {
    let mut out: BTreeMap<usize, f64> = BTreeMap::new();
    for e in entries {
        if e.hours > 0.0 {
            *out.entry(e.cell).or_insert(0.0) += e.hours;
        }
    }
    if out.is_empty() {
        out.insert(b.idle(idle_day, staff), 1.0);
    }
    out
}

fn validate(
    model: &CostModel,
    demand: &Demand,
    plan: &StaffPlan,
    outcome: &SimOutcome,
) -> Result<(), CostError> {
    let grid = plan.grid;
    let n_teams = model.teams.len();
    let n_pools = model.pools.len();
    if grid.days.is_empty() {
        return Err(CostError::input("grid", "has no days"));
    }
    if plan.roster.teams.len() != n_teams || plan.roster.scheduled.len() != grid.len() * n_teams {
        return Err(CostError::input(
            "roster",
            format!(
                "has {} teams and {} values; expected the scenario's {n_teams} teams × {} slots",
                plan.roster.teams.len(),
                plan.roster.scheduled.len(),
                grid.len()
            ),
        ));
    }
    if !plan.overtime_hours.is_empty() && plan.overtime_hours.len() != grid.len() * n_teams {
        return Err(CostError::input(
            "overtime_hours",
            format!(
                "has {} values; expected slots × teams = {} (or none)",
                plan.overtime_hours.len(),
                grid.len() * n_teams
            ),
        ));
    }
    if !plan.new_hires.is_empty() && plan.new_hires.len() != n_teams {
        return Err(CostError::input(
            "new_hires",
            format!(
                "has {} values; expected one per team ({n_teams})",
                plan.new_hires.len()
            ),
        ));
    }
    if !plan.flex.pools.is_empty() && plan.flex.pools.len() != n_pools {
        return Err(CostError::input(
            "flex plan pools",
            format!(
                "has {} pools; the scenario has {n_pools}",
                plan.flex.pools.len()
            ),
        ));
    }
    if let Some((k, s)) = plan
        .flex
        .shifts
        .iter()
        .enumerate()
        .find(|(_, s)| s.pool_index >= n_pools || !(s.hours.is_finite() && s.hours >= 0.0))
    {
        return Err(CostError::input(
            format!("flex shifts[{k}]"),
            format!(
                "pool index {} (of {n_pools}) or hours {} out of range",
                s.pool_index, s.hours
            ),
        ));
    }
    if demand.intervals.len() != grid.len() || demand.days.len() != grid.days.len() {
        return Err(CostError::input(
            "demand",
            format!(
                "has {} days and {} intervals; the grid has {} and {}",
                demand.days.len(),
                demand.intervals.len(),
                grid.days.len(),
                grid.len()
            ),
        ));
    }
    let (nr, nc, ns) = (
        demand.reasons.len(),
        demand.channels.len(),
        demand.sources.len(),
    );
    let check = |what: &str, i: usize, slot, reason, channel, source, x: f64, y: f64| {
        if slot >= grid.len() || reason >= nr || channel >= nc || source >= ns {
            return Err(CostError::input(
                format!("{what}[{i}]"),
                format!(
                    "slot {slot}, reason {reason}, channel {channel}, source {source} out of range \
                     ({} slots, {nr} reasons, {nc} channels, {ns} sources)",
                    grid.len()
                ),
            ));
        }
        if !(x.is_finite() && x >= 0.0 && y.is_finite() && y >= 0.0) {
            return Err(CostError::input(
                format!("{what}[{i}]"),
                "contacts and hours must be finite and ≥ 0",
            ));
        }
        Ok(())
    };
    for (i, h) in outcome.handled.iter().enumerate() {
        check(
            "handled",
            i,
            h.slot,
            h.reason,
            h.channel,
            h.source,
            h.contacts,
            h.handling_hours,
        )?;
        let ok = match h.staff {
            Staff::Team(t) => t < n_teams,
            Staff::Pool(p) => p < n_pools,
        };
        if !ok {
            return Err(CostError::input(
                format!("handled[{i}].staff"),
                format!(
                    "{:?} out of range ({n_teams} teams, {n_pools} pools)",
                    h.staff
                ),
            ));
        }
    }
    for (i, a) in outcome.abandoned.iter().enumerate() {
        check(
            "abandoned",
            i,
            a.slot,
            a.reason,
            a.channel,
            a.source,
            a.contacts,
            0.0,
        )?;
    }
    Ok(())
}
