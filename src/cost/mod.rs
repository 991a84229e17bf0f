//! Finance: what a plan costs, exact to the cent, and who caused it.
//!
//! * [`money`] — [`Money`] (integer cents), its CSV and display forms, and the exact decimal
//!   reading of scenario prices and simulated quantities (half away from zero).
//! * [`allocate`] — largest-remainder (Hamilton) allocation of cents over weights.
//! * [`model`] — the cost model: from a scenario's `Costs`, teams and pools, a staffing plan
//!   ([`StaffPlan`]: roster, flex [`CoverPlan`](crate::staffing::CoverPlan), overtime) and the
//!   simulated outcome ([`SimOutcome`]), every cost line computed exactly and allocated to
//!   day × channel × reason × staff (team or pool) × source cells.
//! * [`breakdown`] — totals and cost per handled contact by channel, reason, day, staff, source
//!   and cost kind; per-campaign figures; marginal costs between two full costings; the rows
//!   of `costs.csv`, `campaigns.csv` and `levers.csv`.
//! * [`compare`] — one shortfall priced as flex, overtime and outsourcing.
//! * [`analysis`] — the whole finance analysis of a plan ([`analyse`]): its costing from the
//!   simulator, campaigns' marginal costs and levers' values by re-planning, and the
//!   flex/overtime/outsourcing comparison; what `peakplan cost` writes.
//!
//! # Allocation rule (documented once, used everywhere)
//!
//! Each cost *component* (one team's roster hours, one team's overtime, one pool's hourly
//! shifts, one outsourcer channel's per-contact price, one pool's training, one channel's
//! per-contact or per-minute cost, the abandoned-contact charge, one team's hiring) is first
//! computed exactly and rounded once to the cent. It is then split over the cells by largest
//! remainders, with weights equal to each cell's exact share:
//!
//! * agent time (roster, overtime, flex hours): each interval's cost of a team or pool goes to
//!   the contacts that team or pool handled in that interval, in proportion to their handling
//!   hours — idle time is carried by the work done in the same interval, so nothing is lost.
//!   An interval in which the team or pool handled nothing passes its cost to the same day's
//!   handled contacts of that team or pool (same proportion); a day with none keeps it in an
//!   *idle* cell (reason `idle`, no channel, no source) of that day and team or pool;
//! * per-contact prices by handled contacts, per-minute prices by handling hours, the abandoned
//!   charge by abandoned contacts;
//! * season costs (training, hiring) over the team's or pool's handled contacts of the whole
//!   period by handling hours (when it handled nothing: an idle cell on the pool's peak date,
//!   or on the first day for a team).
//!
//! Because every cent sits in exactly one cell, the totals by channel, reason, day, staff,
//! source and kind are sums of the same integers and each equals the grand total to the cent;
//! each cell's share of a component is within one cent of its exact share; and a price change
//! in one component moves only the cells that component touches.

pub mod allocate;
pub mod analysis;
pub mod breakdown;
pub mod compare;
pub mod model;
pub mod money;

pub use allocate::{largest_remainder, largest_remainder_int};
pub use analysis::{CampaignMarginal, CostAnalysis, CostOptions, analyse};
pub use breakdown::{
    CampaignCost, CampaignRow, CostRow, Dim, Fixed3, Group, LeverRow, Marginal, SummaryRow,
    campaign_row, lever_row, marginal,
};
pub use compare::{OptionCost, OvertimeRule, Shortfall, compare_shortfall};
pub use model::{
    AbandonedCell, CellKey, CostCell, CostKind, CostModel, Costing, HandledCell, PaidHours,
    SimOutcome, Staff, StaffPlan, cost,
};
pub use money::{Money, MoneyError};

/// What went wrong in costing, and what would be right.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CostError {
    /// An input does not fit (wrong length, unknown index or name, bad number).
    #[error("{field}: {why}")]
    Input { field: String, why: String },
    /// A price or quantity that is not an amount.
    #[error("{field}: {source}")]
    Money {
        field: String,
        #[source]
        source: MoneyError,
    },
    /// An allocation that cannot be made.
    #[error("allocation: {0}")]
    Allocation(String),
    /// Exact arithmetic beyond i128 (absurd amounts or quantities).
    #[error("{0}: amount too large for exact arithmetic")]
    Overflow(String),
    /// A re-plan or costing simulation failed (the scenario cannot be planned or simulated
    /// the way the analysis changed it).
    #[error("{what}: {why}")]
    Replan { what: String, why: String },
}

impl CostError {
    /// True when the user can fix it in their scenario or arguments (exit code 2); false for
    /// allocation and overflow failures, which are ours.
    pub fn is_input_error(&self) -> bool {
        matches!(
            self,
            CostError::Input { .. } | CostError::Money { .. } | CostError::Replan { .. }
        )
    }
}

impl CostError {
    pub(crate) fn input(field: impl Into<String>, why: impl Into<String>) -> CostError {
        CostError::Input {
            field: field.into(),
            why: why.into(),
        }
    }
}
