//! Reading a costing: totals by dimension, cost per handled contact, campaigns, marginal
//! costs between two costings, and the rows of `costs.csv`, `campaigns.csv` and `levers.csv`.
//!
//! Quantities in rows (contacts, hours) are written with three decimals, rounded half away
//! from zero from their shortest decimal; amounts as plain cents (`9800.00`).

use jiff::civil::Date;
use serde::{Serialize, Serializer};

use super::Money;
use super::model::{CellKey, CostKind, Costing};
use super::money::decimal_scaled;
use crate::demand::SourceKind;

/// A dimension of the cell table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dim {
    Day,
    Channel,
    Reason,
    /// Team or pool (`"abandoned"` for the abandoned-contact charge).
    Staff,
    Source,
}

/// The cells of one value of a dimension, added up.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub label: String,
    pub handled_contacts: f64,
    pub abandoned_contacts: f64,
    pub handling_hours: f64,
    pub cost: Money,
    /// Per [`CostKind`], in `CostKind::ALL` order.
    pub by_kind: [Money; CostKind::COUNT],
}

impl Group {
    /// Cost per handled contact, rounded half away from zero to the cent (zero without
    /// handled contacts).
    pub fn cost_per_handled_contact(&self) -> Money {
        self.cost.per_unit(self.handled_contacts)
    }
}

impl Costing {
    fn coord(key: &CellKey, dim: Dim) -> Option<usize> {
        match dim {
            Dim::Day => Some(key.day),
            Dim::Channel => key.channel,
            Dim::Reason => key.reason,
            Dim::Staff => key.staff,
            Dim::Source => key.source,
        }
    }

    /// The label of one coordinate: the date, the channel, reason, team/pool or source name;
    /// `-` for no channel or source, `idle` for no reason, `abandoned` for no staff.
    pub fn label(&self, dim: Dim, coord: Option<usize>) -> String {
        match (dim, coord) {
            (Dim::Day, Some(d)) => self.days[d].to_string(),
            (Dim::Channel, Some(c)) => self.channels[c].clone(),
            (Dim::Reason, Some(r)) => self.reasons[r].clone(),
            (Dim::Staff, Some(s)) => self.staff[s].clone(),
            (Dim::Source, Some(s)) => self.sources[s].name.clone(),
            (Dim::Reason, None) => "idle".into(),
            (Dim::Staff, None) => "abandoned".into(),
            (_, None) => "-".into(),
        }
    }

    /// Totals per value of `dim`, in label order (scenario order; `None` values last).
    /// Their costs add up to [`Costing::total`] exactly.
    pub fn totals_by(&self, dim: Dim) -> Vec<Group> {
        let mut groups: std::collections::BTreeMap<(bool, usize), Group> = Default::default();
        for c in &self.cells {
            let coord = Self::coord(&c.key, dim);
            let g = groups
                .entry((coord.is_none(), coord.unwrap_or(0)))
                .or_insert_with(|| Group {
                    label: self.label(dim, coord),
                    handled_contacts: 0.0,
                    abandoned_contacts: 0.0,
                    handling_hours: 0.0,
                    cost: Money::ZERO,
                    by_kind: [Money::ZERO; CostKind::COUNT],
                });
            g.handled_contacts += c.handled_contacts;
            g.abandoned_contacts += c.abandoned_contacts;
            g.handling_hours += c.handling_hours;
            g.cost += c.cost();
            for (k, m) in c.by_kind.iter().enumerate() {
                g.by_kind[k] += *m;
            }
        }
        groups.into_values().collect()
    }

    /// Handled contacts over the period.
    pub fn handled_contacts(&self) -> f64 {
        self.cells.iter().map(|c| c.handled_contacts).sum()
    }

    /// Abandoned contacts over the period.
    pub fn abandoned_contacts(&self) -> f64 {
        self.cells.iter().map(|c| c.abandoned_contacts).sum()
    }

    /// Handling hours over the period.
    pub fn handling_hours(&self) -> f64 {
        self.cells.iter().map(|c| c.handling_hours).sum()
    }

    /// Grand total per handled contact.
    pub fn cost_per_handled_contact(&self) -> Money {
        self.total.per_unit(self.handled_contacts())
    }

    /// Paid agent hours: rostered + overtime + flex shifts (real hours).
    pub fn paid_hours(&self) -> f64 {
        self.hours.permanent + self.hours.overtime + self.hours.flex
    }

    /// The rows of `costs.csv`: one per cell, in cell order.
    pub fn rows(&self) -> Vec<CostRow> {
        self.cells
            .iter()
            .map(|c| CostRow {
                day: self.days[c.key.day],
                channel: self.label(Dim::Channel, c.key.channel),
                reason: self.label(Dim::Reason, c.key.reason),
                pool: self.label(Dim::Staff, c.key.staff),
                source: self.label(Dim::Source, c.key.source),
                handled_contacts: c.handled_contacts,
                abandoned_contacts: c.abandoned_contacts,
                handling_hours: c.handling_hours,
                cost_eur: c.cost(),
            })
            .collect()
    }

    /// Every campaign of the scenario (from the source attribution), in scenario order.
    pub fn campaigns(&self) -> Vec<CampaignCost> {
        self.sources
            .iter()
            .enumerate()
            .filter(|(_, s)| matches!(s.kind, SourceKind::Campaign(_)))
            .map(|(i, s)| {
                let (mut handled, mut abandoned, mut hours, mut cost) =
                    (0.0, 0.0, 0.0, Money::ZERO);
                for c in self.cells.iter().filter(|c| c.key.source == Some(i)) {
                    handled += c.handled_contacts;
                    abandoned += c.abandoned_contacts;
                    hours += c.handling_hours;
                    cost += c.cost();
                }
                let orders = self.orders.get(i).copied().unwrap_or(0.0);
                CampaignCost {
                    name: s.name.clone(),
                    source: i,
                    orders,
                    contacts: handled + abandoned,
                    handled_contacts: handled,
                    handling_hours: hours,
                    attributed_cost: cost,
                    cost_per_contact: cost.per_unit(handled + abandoned),
                    cost_per_order: cost.per_unit(orders),
                }
            })
            .collect()
    }

    /// The rows of a summary table by `dim` (e.g. cost per handled contact by channel or by
    /// reason), in [`Costing::totals_by`] order.
    pub fn summary_rows(&self, dim: Dim) -> Vec<SummaryRow> {
        self.totals_by(dim)
            .into_iter()
            .map(|g| SummaryRow {
                cost_per_handled_contact_eur: g.cost_per_handled_contact(),
                value: g.label,
                handled_contacts: g.handled_contacts,
                abandoned_contacts: g.abandoned_contacts,
                handling_hours: g.handling_hours,
                cost_eur: g.cost,
            })
            .collect()
    }

    /// The grand total per kind (permanent, overtime, hiring, flex, outsourcing, training,
    /// channel, abandoned), in `CostKind::ALL` order; the amounts add up to the total.
    pub fn kind_rows(&self) -> Vec<(CostKind, Money)> {
        CostKind::ALL
            .iter()
            .map(|&k| (k, self.by_kind[k as usize]))
            .collect()
    }

    /// The kinds with a cost, each as "flex €12,345" in `currency`, in `CostKind::ALL`
    /// order (the summary's and the report's "By kind" list).
    pub fn kinds_in(&self, currency: &str) -> Vec<String> {
        self.kind_rows()
            .into_iter()
            .filter(|(_, m)| *m != Money::ZERO)
            .map(|(k, m)| format!("{} {}", k.as_str(), m.format(currency)))
            .collect()
    }
}

/// One value of a dimension in a summary table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryRow {
    /// The date, channel, reason, team/pool or source.
    pub value: String,
    #[serde(serialize_with = "fixed3")]
    pub handled_contacts: f64,
    #[serde(serialize_with = "fixed3")]
    pub abandoned_contacts: f64,
    #[serde(serialize_with = "fixed3")]
    pub handling_hours: f64,
    pub cost_eur: Money,
    pub cost_per_handled_contact_eur: Money,
}

/// One campaign in one costing: what the attribution charges it.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignCost {
    pub name: String,
    /// Index into [`Costing::sources`].
    pub source: usize,
    pub orders: f64,
    /// Contacts it caused that reached us: handled + abandoned.
    pub contacts: f64,
    pub handled_contacts: f64,
    pub handling_hours: f64,
    /// The cost of its cells (its share of agent time, channel and abandonment costs).
    pub attributed_cost: Money,
    pub cost_per_contact: Money,
    pub cost_per_order: Money,
}

/// The difference between two full costings (`with` − `without`): what a campaign or a lever
/// costs at the margin when the plan is redone without it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Marginal {
    pub cost: Money,
    /// Flex shift hours (real hours, all pools).
    pub flex_hours: f64,
    pub overtime_hours: f64,
    /// All paid agent hours (roster + overtime + flex).
    pub paid_hours: f64,
    /// Handled + abandoned contacts.
    pub contacts: f64,
    pub handling_hours: f64,
}

/// `with` − `without`, exactly for money.
pub fn marginal(with: &Costing, without: &Costing) -> Marginal {
    let offered = |c: &Costing| c.handled_contacts() + c.abandoned_contacts();
    Marginal {
        cost: with.total - without.total,
        flex_hours: with.hours.flex - without.hours.flex,
        overtime_hours: with.hours.overtime - without.hours.overtime,
        paid_hours: with.paid_hours() - without.paid_hours(),
        contacts: offered(with) - offered(without),
        handling_hours: with.handling_hours() - without.handling_hours(),
    }
}

fn fixed3<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&Fixed3(*x))
}

fn fixed3_opt<S: Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match x {
        Some(x) => fixed3(x, s),
        None => s.serialize_str(""),
    }
}

/// A quantity written with three decimals, rounded half away from zero from its shortest
/// decimal (no float formatting drift: 0.1 + 0.2 is written `0.300`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fixed3(pub f64);

impl std::fmt::Display for Fixed3 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match decimal_scaled(self.0, 3) {
            Ok(v) => {
                let sign = if v < 0 { "-" } else { "" };
                let a = v.unsigned_abs();
                write!(f, "{sign}{}.{:03}", a / 1000, a % 1000)
            }
            Err(_) => write!(f, "{}", self.0),
        }
    }
}

/// A row of `costs.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostRow {
    pub day: Date,
    pub channel: String,
    pub reason: String,
    /// Team or pool that handled the contacts (`abandoned` for the abandoned charge).
    pub pool: String,
    /// `baseline`, an event, a campaign or another source (`-` for idle time).
    pub source: String,
    #[serde(serialize_with = "fixed3")]
    pub handled_contacts: f64,
    #[serde(serialize_with = "fixed3")]
    pub abandoned_contacts: f64,
    #[serde(serialize_with = "fixed3")]
    pub handling_hours: f64,
    pub cost_eur: Money,
}

/// A row of `campaigns.csv`. The marginal columns are empty until the caller has re-planned
/// without the campaign; the per-contact and per-order costs use the marginal cost when it is
/// known and the attributed cost otherwise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampaignRow {
    pub campaign: String,
    #[serde(serialize_with = "fixed3")]
    pub orders: f64,
    #[serde(serialize_with = "fixed3")]
    pub contacts: f64,
    #[serde(serialize_with = "fixed3")]
    pub handling_hours: f64,
    #[serde(serialize_with = "fixed3_opt")]
    pub marginal_flex_hours: Option<f64>,
    pub marginal_cost_eur: Option<Money>,
    pub attributed_cost_eur: Money,
    pub cost_per_contact_eur: Money,
    pub cost_per_order_eur: Money,
    /// 95% interval of the marginal cost over the paired re-plans (empty with one pair).
    pub marginal_cost_ci95_low_eur: Option<Money>,
    pub marginal_cost_ci95_high_eur: Option<Money>,
}

/// The `campaigns.csv` row of a campaign, with its marginal figures when known.
///
/// A campaign without orders costs zero per order (never a division by zero).
pub fn campaign_row(c: &CampaignCost, marginal: Option<&Marginal>) -> CampaignRow {
    let basis = marginal.map_or(c.attributed_cost, |m| m.cost);
    CampaignRow {
        campaign: c.name.clone(),
        orders: c.orders,
        contacts: c.contacts,
        handling_hours: c.handling_hours,
        marginal_flex_hours: marginal.map(|m| m.flex_hours),
        marginal_cost_eur: marginal.map(|m| m.cost),
        attributed_cost_eur: c.attributed_cost,
        cost_per_contact_eur: basis.per_unit(c.contacts),
        cost_per_order_eur: basis.per_unit(c.orders),
        marginal_cost_ci95_low_eur: None,
        marginal_cost_ci95_high_eur: None,
    }
}

impl CampaignRow {
    /// The row in one sentence for a summary, e.g. "tv brought 12,400 contacts and needed
    /// 310 extra flex hours: €9,800.00, €0.79 per campaign contact, €0.12 per campaign
    /// order". Counts and hours are rounded half away from zero to whole numbers; without
    /// marginal figures the sentence states the attributed cost instead.
    pub fn sentence(&self, currency: &str) -> String {
        let whole = |x: f64| group(decimal_scaled(x, 0).unwrap_or(0));
        let head = format!(
            "{} brought {} contacts",
            self.campaign,
            whole(self.contacts)
        );
        let per = format!(
            "{} per campaign contact, {} per campaign order",
            self.cost_per_contact_eur.format(currency),
            self.cost_per_order_eur.format(currency)
        );
        match (self.marginal_flex_hours, self.marginal_cost_eur) {
            (Some(h), Some(m)) => format!(
                "{head} and needed {} extra flex hours: {}, {per}",
                whole(h),
                m.format(currency)
            ),
            _ => format!(
                "{head} and was charged {} of the plan's cost (attributed, not re-planned): {per}",
                self.attributed_cost_eur.format(currency)
            ),
        }
    }
}

/// An integer with thousands separators (`12,400`, `-1,000`).
fn group(v: i128) -> String {
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

/// A row of `levers.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeverRow {
    pub lever: String,
    pub description: String,
    /// Handled + abandoned contacts fewer with the lever.
    #[serde(serialize_with = "fixed3")]
    pub contacts_removed: f64,
    /// Paid agent hours (roster + overtime + flex) fewer with the lever.
    #[serde(serialize_with = "fixed3")]
    pub hours_saved: f64,
    pub cost_saved_eur: Money,
    /// 95% interval of the saving over the paired re-plans (empty with one pair).
    pub cost_saved_ci95_low_eur: Option<Money>,
    pub cost_saved_ci95_high_eur: Option<Money>,
}

/// The `levers.csv` row of a lever from the costing without it (`base`) and with it.
pub fn lever_row(
    lever: impl Into<String>,
    description: impl Into<String>,
    base: &Costing,
    with_lever: &Costing,
) -> LeverRow {
    let m = marginal(base, with_lever);
    LeverRow {
        lever: lever.into(),
        description: description.into(),
        contacts_removed: m.contacts,
        hours_saved: m.paid_hours,
        cost_saved_eur: m.cost,
        cost_saved_ci95_low_eur: None,
        cost_saved_ci95_high_eur: None,
    }
}
