//! The permanent roster: the teams' recurring shift patterns turned into heads on duty per
//! interval.
//!
//! A pattern runs on the listed weekdays between its `from` and `until` dates (both
//! inclusive; missing = unbounded, i.e. the whole grid) and covers the intervals whose local
//! clock start lies in `[start, end)`. A pattern whose `end` is before its `start` runs
//! overnight: `[start, 24:00)` on its day and `[00:00, end)` on the next calendar day (when
//! that day is in the grid); its weekday and date window are those of the day it starts.
//!
//! Expected available agents = scheduled heads × the capacity model's worth of a head
//! ([`HeadWorth::agents`]: absence, in-shift shrinkage and the team's handling-time factor),
//! in standard agents. Per need group, a team counts in every
//! group it can serve (its skills × channels), so group figures say "who *could* take this
//! work" and are not additive across groups.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{Grid, NeedGroup, StaffingError};
use crate::scenario::{Day, FlexShift, Team};
use crate::sim::HeadWorth;

/// Heads on duty per interval, per team and per need group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Roster {
    /// Team names, in input order.
    pub teams: Vec<String>,
    /// The need groups, in input order.
    pub groups: Vec<NeedGroup>,
    /// Scheduled heads, `[slot * teams + team]`.
    pub scheduled: Vec<u32>,
    /// Expected available agents after shrinkage, `[slot * teams + team]`.
    pub available: Vec<f64>,
    /// Scheduled heads of the teams that serve each group, `[slot * groups + group]`.
    pub group_scheduled: Vec<u32>,
    /// Expected available agents of the teams that serve each group, `[slot * groups + group]`.
    pub group_available: Vec<f64>,
}

impl Roster {
    /// Scheduled heads of one team in one interval.
    pub fn scheduled(&self, slot: usize, team: usize) -> u32 {
        self.scheduled[slot * self.teams.len() + team]
    }

    /// Expected available agents of one team in one interval.
    pub fn available(&self, slot: usize, team: usize) -> f64 {
        self.available[slot * self.teams.len() + team]
    }

    /// Scheduled heads that can serve one group in one interval.
    pub fn group_scheduled(&self, slot: usize, group: usize) -> u32 {
        self.group_scheduled[slot * self.groups.len() + group]
    }

    /// Expected available agents that can serve one group in one interval.
    pub fn group_available(&self, slot: usize, group: usize) -> f64 {
        self.group_available[slot * self.groups.len() + group]
    }

    /// The flex need per interval and group: `max(0, required − available)`, laid out
    /// `[slot * groups + group]` like [`CoverProblem::need`](super::CoverProblem::need).
    ///
    /// `required` (same layout) is in available agents (what Erlang or the simulation asks
    /// for). With one group per team this is exact; when a team serves several groups its
    /// agents count in each, so the caller must split multi-skilled teams first (or use the
    /// simulation, which does).
    pub fn shortfall(&self, required: &[f64]) -> Result<Vec<f64>, StaffingError> {
        if required.len() != self.group_available.len() {
            return Err(StaffingError::Need(format!(
                "required has {} values; expected slots × groups = {}",
                required.len(),
                self.group_available.len()
            )));
        }
        Ok(required
            .iter()
            .zip(&self.group_available)
            .map(|(r, a)| (r - a).max(0.0))
            .collect())
    }
}

/// The roster of `teams` over `grid`, per team and per need group.
///
/// Errors (naming the team and shift) when a pattern starts and ends at the same time or
/// its `from` date is after its `until` date.
pub fn roster(grid: &Grid, teams: &[Team], groups: &[NeedGroup]) -> Result<Roster, StaffingError> {
    let n_teams = teams.len();
    let mut scheduled = vec![0u32; grid.len() * n_teams];
    for (t, team) in teams.iter().enumerate() {
        for (index, shift) in team.shifts.iter().enumerate() {
            let err = |why: &str| StaffingError::Shift {
                team: team.name.clone(),
                index,
                why: why.to_string(),
            };
            if shift.start == shift.end {
                return Err(err(
                    "start equals end; write a later end (or an earlier one for a night shift)",
                ));
            }
            if let (Some(f), Some(u)) = (shift.from, shift.until)
                && f > u
            {
                return Err(err("`from` is after `until`"));
            }
            let share = team.shrinkage.total();
            if !(0.0..1.0).contains(&share) {
                return Err(err("shrinkage must leave a share of time in [0, 1)"));
            }
            for_each_covered_slot(
                grid,
                &shift.days,
                shift.start.minutes(),
                shift.end.minutes(),
                |date| {
                    shift.from.is_none_or(|f| date >= f) && shift.until.is_none_or(|u| date <= u)
                },
                |slot| scheduled[slot * n_teams + t] += shift.heads,
            );
        }
    }
    let worth: Vec<f64> = teams.iter().map(|t| team_worth(t).agents()).collect();
    let available: Vec<f64> = scheduled
        .iter()
        .enumerate()
        .map(|(i, &h)| f64::from(h) * worth[i % n_teams])
        .collect();
    let n_groups = groups.len();
    let mut group_scheduled = vec![0u32; grid.len() * n_groups];
    let mut group_available = vec![0.0; grid.len() * n_groups];
    for (g, group) in groups.iter().enumerate() {
        for (t, team) in teams.iter().enumerate() {
            if !group.served_by(&team.skills, &team.channels) {
                continue;
            }
            for slot in 0..grid.len() {
                group_scheduled[slot * n_groups + g] += scheduled[slot * n_teams + t];
                group_available[slot * n_groups + g] += available[slot * n_teams + t];
            }
        }
    }
    Ok(Roster {
        teams: teams.iter().map(|t| t.name.clone()).collect(),
        groups: groups.to_vec(),
        scheduled,
        available,
        group_scheduled,
        group_available,
    })
}

/// What one head of a team is worth (the capacity model, [`HeadWorth`]).
pub fn team_worth(t: &Team) -> HeadWorth {
    HeadWorth {
        absence: t.shrinkage.absence,
        in_shift: t.shrinkage.in_shift,
        aht_factor: t.aht_factor,
    }
}

/// Heads on duty per interval from dated flex shifts (a pool's `scheduled` list, or a plan's
/// shifts): same clock rules as the roster, dates outside the grid ignored.
pub fn flex_heads(grid: &Grid, shifts: &[FlexShift]) -> Vec<u32> {
    let mut heads = vec![0u32; grid.len()];
    for s in shifts {
        for_each_covered_slot(
            grid,
            &[Day::of(s.date)],
            s.start.minutes(),
            s.end.minutes(),
            |date| date == s.date,
            |slot| heads[slot] += s.heads,
        );
    }
    heads
}

/// Calls `add(slot)` for every slot covered by a pattern running on `days` (weekdays of the
/// start date) on the dates `date_ok` accepts, from clock `start` to `end` (overnight when
/// `end < start`).
fn for_each_covered_slot(
    grid: &Grid,
    days: &[Day],
    start: u32,
    end: u32,
    date_ok: impl Fn(Date) -> bool,
    mut add: impl FnMut(usize),
) {
    for (d, &date) in grid.days.iter().enumerate() {
        if !days.contains(&Day::of(date)) || !date_ok(date) {
            continue;
        }
        if end > start {
            grid.covered(d, start, end).for_each(&mut add);
        } else {
            grid.covered(d, start, 24 * 60).for_each(&mut add);
            let next = date.tomorrow().ok();
            if let Some(nd) = grid.days.get(d + 1)
                && Some(*nd) == next
            {
                grid.covered(d + 1, 0, end).for_each(&mut add);
            }
        }
    }
}
