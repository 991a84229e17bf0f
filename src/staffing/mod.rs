//! Staffing: who is on duty when, and the cheapest flex shifts that cover the rest.
//!
//! * [`grid`] — the interval grid in local clock time (DST days included), built from a
//!   [`Demand`](crate::demand::Demand) or from a calendar.
//! * [`roster`](mod@roster) — the permanent teams' shift patterns turned into scheduled heads and
//!   expected available agents per interval, per team and per need group.
//! * [`requirement`] — Erlang C and Erlang A per interval and need group, and the roster's
//!   split over the groups that leaves the flex need.
//! * [`iterate`] — replaying a flex plan, and the simulation-based iterative staffing
//!   algorithm.
//! * [`plan`](mod@plan) — one scenario's plan (three methods, fresh-seed check, frontier) and
//!   the year view over several peaks.
//! * [`cover`](mod@cover) — the flex-pool covering problem: candidate shift templates, the LP lower
//!   bound (microlp), an integer solution (microlp branch & bound on small days, LP rounding,
//!   greedy repair and local improvement otherwise) and the outputs a planner and a manager
//!   need (shifts, hours, headcount per day, the peak headcount, cost, gap, short intervals).
//!
//! The module is pure: numbers in, numbers out, no I/O (it runs the simulator, which
//! does none), deterministic (same input → same
//! shifts, whatever the number of threads).

pub mod cover;
pub mod evaluate;
pub mod grid;
pub mod iterate;
pub mod load;
pub mod plan;
pub mod requirement;
pub mod roster;

pub use cover::{
    CoverOptions, CoverPlan, CoverProblem, DayMethod, DaySummary, Limit, NeedUnit, PlannedShift,
    PoolSummary, Reach, ShortInterval, cover, cover_more, lp_hours_bound,
};
pub use grid::{Grid, Slot};
pub use roster::{Roster, roster};

use serde::{Deserialize, Serialize};

/// What went wrong in staffing, and what would be right.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StaffingError {
    /// The interval grid is inconsistent.
    #[error("interval grid: {0}")]
    Grid(String),
    /// A team's shift pattern cannot be used.
    #[error("team `{team}`, shifts[{index}]: {why}")]
    Shift {
        team: String,
        index: usize,
        why: String,
    },
    /// A flex pool's rules cannot be used.
    #[error("flex pool `{pool}`, field `{field}`: {why}")]
    Pool {
        pool: String,
        field: &'static str,
        why: String,
    },
    /// The need vector does not fit the grid and groups, or holds a bad number.
    #[error("need: {0}")]
    Need(String),
    /// The LP/MIP solver failed in a way the heuristic could not stand in for.
    #[error("solver: {0}")]
    Solver(String),
}

/// A need group: the agents who can take one skill on one channel ("front_office phone").
///
/// A team or pool serves a group when the group's skill is among its `skills` and the
/// group's channel among its `channels`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NeedGroup {
    pub skill: String,
    pub channel: String,
}

impl NeedGroup {
    /// A group from its skill and channel.
    pub fn new(skill: impl Into<String>, channel: impl Into<String>) -> NeedGroup {
        NeedGroup {
            skill: skill.into(),
            channel: channel.into(),
        }
    }

    /// True when agents with these skills and channels can serve the group.
    pub fn served_by(&self, skills: &[String], channels: &[String]) -> bool {
        skills.contains(&self.skill) && channels.contains(&self.channel)
    }

    /// `"skill channel"`, the name used in reports.
    pub fn name(&self) -> String {
        format!("{} {}", self.skill, self.channel)
    }
}
