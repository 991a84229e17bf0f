//! Analytic requirement per interval and need group (skill × channel): Erlang C and
//! Erlang A side by side, and the split of the permanent roster over the groups that
//! turns a requirement into the flex need the covering takes.
//!
//! * **Groups** — one per (reason skill, channel) with expected contacts on a live or chat
//!   channel, in first-seen stream order. Deferred channels (e-mail, social) have response
//!   targets of hours, not per-interval answer targets: agents work their backlog in quiet
//!   intervals, so they get no per-interval requirement (the simulation still plays them).
//! * **Load** — arrival rate = the group's expected contacts in the interval / its length;
//!   AHT = the reasons' mean handling times on that channel weighted by their expected
//!   contacts (the mix of the interval).
//! * **Chat** — an agent holds `k = max_concurrent` chats, each slowed by
//!   `1 + slowdown × (k − 1)`: Erlang on `k` servers per agent with the slowed AHT, then
//!   `⌈servers / k⌉` agents (conservative: every agent is assumed at full concurrency).
//! * **Erlang A** — exponential patience with the mean of the channel's patience
//!   distribution in `behaviour.patience`; a channel without one is Erlang C.
//! * **Target** — the channel's `target` under the scenario's service-level definition.
//! * A closed interval or one without contacts requires 0.

use super::{NeedGroup, StaffingError};
use crate::erlang::{Queue, SlTarget, Targets, required_agents};
use crate::sim::{ChannelKind, Model};

/// Requirement method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// Erlang C per interval: no abandonment, stationary within the interval.
    ErlangC,
    /// Erlang A per interval: exponential patience.
    ErlangA,
    /// The simulation-based iterative staffing algorithm (see [`super::iterate`]).
    #[default]
    Simulation,
}

impl Method {
    /// The CLI / report name.
    pub fn name(self) -> &'static str {
        match self {
            Method::ErlangC => "erlang-c",
            Method::ErlangA => "erlang-a",
            Method::Simulation => "simulation",
        }
    }
}

/// The analytic requirement of a model, `[slot * groups + group]`, in working agents.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    pub groups: Vec<NeedGroup>,
    /// Model channel index of each group.
    pub group_channel: Vec<usize>,
    /// Model skill index of each group.
    pub group_skill: Vec<usize>,
    /// Expected contacts per interval and group.
    pub contacts: Vec<f64>,
    pub erlang_c: Vec<f64>,
    pub erlang_a: Vec<f64>,
}

impl Requirement {
    /// Number of need groups.
    pub fn n_groups(&self) -> usize {
        self.groups.len()
    }

    /// The requirement vector of a method (the simulation starts from Erlang A).
    pub fn of(&self, m: Method) -> &[f64] {
        match m {
            Method::ErlangC => &self.erlang_c,
            Method::ErlangA | Method::Simulation => &self.erlang_a,
        }
    }
}

/// The Erlang C and Erlang A requirements of every interval and need group of `model`.
pub fn analytic(model: &Model) -> Result<Requirement, StaffingError> {
    let ids: Vec<usize> = (0..model.intervals.len()).collect();
    analytic_blocks(model, &ids)
}

/// The requirements per *planning interval*: `block_of[i]` is the planning interval of
/// model interval `i` (non-decreasing, starting at 0). Pointwise Erlang on the planning
/// interval: its arrival rate is the block's expected contacts over the block's open
/// length (the mean rate — a ramp inside the block is invisible to it), its AHT the block's
/// contact-weighted mean. A block counts as open when any of its intervals is.
pub fn analytic_blocks(model: &Model, block_of: &[usize]) -> Result<Requirement, StaffingError> {
    if block_of.len() != model.intervals.len()
        || block_of.first().is_some_and(|&b| b != 0)
        || block_of
            .windows(2)
            .any(|w| w[1] != w[0] && w[1] != w[0] + 1)
    {
        return Err(StaffingError::Grid(
            "planning intervals must group consecutive model intervals".into(),
        ));
    }
    let ni = block_of.last().map_or(0, |b| b + 1);
    // Groups in first-seen stream order.
    let mut keys: Vec<(usize, usize)> = Vec::new();
    for s in &model.streams {
        let ch = &model.channels[s.channel];
        if ch.kind == ChannelKind::Deferred {
            continue;
        }
        let key = (model.reasons[s.reason].skill, s.channel);
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    let ng = keys.len();
    let mut contacts = vec![0.0; ni * ng];
    let mut work_s = vec![0.0; ni * ng];
    for s in &model.streams {
        let key = (model.reasons[s.reason].skill, s.channel);
        let Some(g) = keys.iter().position(|k| *k == key) else {
            continue;
        };
        let aht = model.reasons[s.reason].handling[s.channel]
            .as_ref()
            .map(|d| d.mean_s())
            .ok_or_else(|| {
                StaffingError::Need(format!(
                    "reason `{}` has contacts on channel `{}` but no handling time there",
                    model.reasons[s.reason].name, model.channels[s.channel].name
                ))
            })?;
        for (i, &x) in s.expected.iter().enumerate() {
            let b = block_of[i];
            contacts[b * ng + g] += x;
            work_s[b * ng + g] += x * aht;
        }
    }
    let mut erlang_c = vec![0.0; ni * ng];
    let mut erlang_a = vec![0.0; ni * ng];
    for (g, &(_, c)) in keys.iter().enumerate() {
        let ch = &model.channels[c];
        let (k, slow) = match ch.kind {
            ChannelKind::Chat {
                max_concurrent,
                slowdown_per_extra,
            } => (u32::from(max_concurrent.max(1)), slowdown_per_extra),
            _ => (1, 0.0),
        };
        let targets = Targets {
            service_level: Some(SlTarget {
                fraction: ch.target_share,
                within_s: ch.target_s,
            }),
            sl_definition: model.sl_definition,
            ..Targets::default()
        };
        let patience = ch.patience.as_ref().map(|d| d.mean_s());
        // Open length of every block.
        let mut open_ms = vec![0u64; ni];
        for (m, &b) in block_of.iter().enumerate() {
            if ch.is_open(m) {
                open_ms[b] += model.intervals[m].len_ms;
            }
        }
        for i in 0..ni {
            let n = contacts[i * ng + g];
            if n <= 0.0 || open_ms[i] == 0 {
                continue;
            }
            let len_s = open_ms[i] as f64 / 1000.0;
            let aht = work_s[i * ng + g] / n * (1.0 + slow * f64::from(k - 1));
            let rate = n / len_s;
            let solve = |p: Option<f64>| -> Result<f64, StaffingError> {
                let q = Queue::new(rate, aht, p).map_err(|e| {
                    StaffingError::Need(format!(
                        "group {} interval {i}: {e}",
                        keys_name(model, keys[g])
                    ))
                })?;
                let servers = required_agents(&q, &targets).map_err(|e| {
                    StaffingError::Need(format!(
                        "group {} interval {i}: {e}",
                        keys_name(model, keys[g])
                    ))
                })?;
                Ok(f64::from(servers.div_ceil(k)))
            };
            erlang_c[i * ng + g] = solve(None)?;
            erlang_a[i * ng + g] = match patience {
                Some(p) => solve(Some(p))?,
                None => erlang_c[i * ng + g],
            };
        }
    }
    Ok(Requirement {
        groups: keys
            .iter()
            .map(|&(s, c)| NeedGroup::new(&model.skills[s], &model.channels[c].name))
            .collect(),
        group_channel: keys.iter().map(|k| k.1).collect(),
        group_skill: keys.iter().map(|k| k.0).collect(),
        contacts,
        erlang_c,
        erlang_a,
    })
}

/// Expected contacts per *model* interval and group of `req`, `[interval * groups + group]`
/// (the requirement's own `contacts` are per planning interval).
pub fn interval_contacts(model: &Model, req: &Requirement) -> Vec<f64> {
    let ng = req.n_groups();
    let mut out = vec![0.0; model.intervals.len() * ng];
    for s in &model.streams {
        let key = (model.reasons[s.reason].skill, s.channel);
        let Some(g) = (0..ng).find(|&g| (req.group_skill[g], req.group_channel[g]) == key) else {
            continue;
        };
        for (i, &x) in s.expected.iter().enumerate() {
            out[i * ng + g] += x;
        }
    }
    out
}

fn keys_name(model: &Model, (s, c): (usize, usize)) -> String {
    format!("`{} {}`", model.skills[s], model.channels[c].name)
}

/// What the permanent teams deliver to each group and what is left for flex.
///
/// `available[slot * teams + team]` are the teams' expected available agents,
/// `serves[team][group]` whether a team can take a group's work. Per interval the teams
/// that serve the fewest groups are spread first (specialists before generalists), each in
/// proportion to the groups' remaining requirement and never beyond it, so an agent is
/// counted once. Returns the flex need `max(0, required − allocated)` in the layout of
/// `required`.
pub fn shortfall(
    required: &[f64],
    n_groups: usize,
    available: &[f64],
    serves: &[Vec<bool>],
) -> Vec<f64> {
    let n_teams = serves.len();
    let mut order: Vec<usize> = (0..n_teams).collect();
    order.sort_by_key(|&t| serves[t].iter().filter(|&&b| b).count());
    let n_slots = required.len().checked_div(n_groups).unwrap_or(0);
    let mut left = required.to_vec();
    for slot in 0..n_slots {
        let row = &mut left[slot * n_groups..(slot + 1) * n_groups];
        for &t in &order {
            let mut a = available[slot * n_teams + t];
            // Proportional share, repeated while some group is saturated.
            for _ in 0..n_groups + 1 {
                let total: f64 = (0..n_groups)
                    .filter(|&g| serves[t][g] && row[g] > 1e-12)
                    .map(|g| row[g])
                    .sum();
                if a <= 1e-12 || total <= 1e-12 {
                    break;
                }
                let give = a.min(total);
                for g in 0..n_groups {
                    if serves[t][g] && row[g] > 1e-12 {
                        row[g] -= give * row[g] / total;
                    }
                }
                a -= give;
            }
        }
    }
    left.iter()
        .map(|x| if *x < 1e-9 { 0.0 } else { *x })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::erlang::{ErlangC, Queue};

    #[test]
    fn specialists_are_spread_before_generalists() {
        // Two groups, 10 and 4 required; a specialist team of 3 on group 1 and a
        // generalist team of 8. Specialists first: group 1 has 1 left, the generalists
        // cover 8 of the remaining 11 in proportion (10:1), so 3 stay short in total.
        // Generalists first would have left 10 − 8·10/14 = 4.29 short on group 0 alone.
        let need = shortfall(
            &[10.0, 4.0],
            2,
            &[3.0, 8.0],
            &[vec![false, true], vec![true, true]],
        );
        assert!((need[0] + need[1] - 3.0).abs() < 1e-9, "{need:?}");
        assert!((need[0] - 30.0 / 11.0).abs() < 1e-9, "{need:?}");
    }

    #[test]
    fn enough_agents_leave_no_need_and_none_leave_everything() {
        let req = [5.0, 2.0, 0.0, 7.0];
        let serves = [vec![true, true]];
        assert_eq!(shortfall(&req, 2, &[7.0, 7.0], &serves), vec![0.0; 4]);
        assert_eq!(shortfall(&req, 2, &[0.0, 0.0], &serves), req.to_vec());
    }

    #[test]
    fn erlang_c_requirement_is_the_smallest_meeting_count() {
        // Independent check on the closed form: 100 calls in 30 min, AHT 180 s, 80/20:
        // the textbook answer is 14 agents (SL(13) < 0.8 ≤ SL(14)).
        let q = Queue::new(100.0 / 1800.0, 180.0, None).unwrap();
        let t = Targets {
            service_level: Some(SlTarget {
                fraction: 0.8,
                within_s: 20.0,
            }),
            ..Targets::default()
        };
        let n = required_agents(&q, &t).unwrap();
        assert_eq!(n, 14);
        assert!(ErlangC::new(13, 10.0, 180.0).service_level(20.0) < 0.8);
        assert!(ErlangC::new(14, 10.0, 180.0).service_level(20.0) >= 0.8);
    }
}
