//! The requirement per planning interval and need group (skill × channel), in standard
//! agents ([`crate::sim::capacity`]), computed on the load customers actually bring
//! ([`super::load`]), and the split of the permanent roster over the groups that turns a
//! requirement into the flex need the covering takes.
//!
//! * **Load** — a planning interval's arrivals are the load model's offered contacts plus
//!   transfers (first contacts, redials, repeats, channel switches, closed-hour returns),
//!   its AHT their handling-weighted mean; Erlang sees the interval's mean arrival rate over
//!   the channel's open time in it. `scale` multiplies the arrivals (the simulation method
//!   starts from the `confidence` quantile of the day-level volume uncertainty).
//! * **Live** — Erlang C or Erlang A (exponential patience with the mean of the channel's
//!   patience distribution) at the channel's target under the scenario's service-level
//!   definition.
//! * **Chat** — an agent holds `k = max_concurrent` chats, each slowed by
//!   `1 + slowdown × (k − 1)`: Erlang on `k` servers per agent with the slowed AHT, then
//!   `⌈servers / k⌉` agents.
//! * **Deferred** (e-mail, social) — no per-interval answer target: the work of contacts
//!   arriving in an interval must be done within the channel's response window
//!   (`target.within_s`, in open time when the channel's clock says so). It is spread
//!   evenly over the channel's open time inside that window (just in time, never later), so the backlog carries across intervals and days;
//!   work with no open time in its window goes to the next opening. Agents who blend keep
//!   `reserve_idle_agents` idle for live contacts and do deferred work in the rest of their
//!   idle time, so the spare live capacity of the same skill beyond the reserve
//!   (Σ required − offered load of its live groups − reserve) is credited against it.
//! * A closed interval or one without arrivals requires 0 on a live channel.

use super::load::Load;
use super::{NeedGroup, StaffingError};
use crate::erlang::{Queue, SlTarget, Targets, required_agents};
use crate::sim::{ChannelKind, Model, chat_servers};

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

/// The analytic requirement per planning interval and need group, `[slot * groups + group]`,
/// in standard agents.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    pub groups: Vec<NeedGroup>,
    /// Model channel index of each group.
    pub group_channel: Vec<usize>,
    /// Model skill index of each group.
    pub group_skill: Vec<usize>,
    /// True for groups on a deferred channel (e-mail, social).
    pub group_deferred: Vec<bool>,
    /// First contacts (the forecast) per planning interval and group.
    pub first: Vec<f64>,
    /// The load the requirement used: offered contacts plus transfers per planning interval
    /// and group.
    pub contacts: Vec<f64>,
    /// Offered load in Erlangs (standard-agent work per second).
    pub load_erlangs: Vec<f64>,
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

/// Checks that `block_of` groups consecutive model intervals, starting at 0; returns the
/// number of blocks.
pub fn check_blocks(n_intervals: usize, block_of: &[usize]) -> Result<usize, StaffingError> {
    if block_of.len() != n_intervals
        || block_of.first().is_some_and(|&b| b != 0)
        || block_of
            .windows(2)
            .any(|w| w[1] != w[0] && w[1] != w[0] + 1)
    {
        return Err(StaffingError::Grid(
            "planning intervals must group consecutive model intervals".into(),
        ));
    }
    Ok(block_of.last().map_or(0, |b| b + 1))
}

/// The requirement of `load` per planning interval (`block_of[i]` is the block of model
/// interval `i`), Erlang C and Erlang A side by side, arrivals multiplied by `scale`.
pub fn from_load(
    model: &Model,
    load: &Load,
    block_of: &[usize],
    scale: f64,
) -> Result<Requirement, StaffingError> {
    let nb = check_blocks(model.intervals.len(), block_of)?;
    let ng = load.n_groups();
    let mut first = vec![0.0; nb * ng];
    let mut contacts = vec![0.0; nb * ng];
    let mut work = vec![0.0; nb * ng];
    for (i, &b) in block_of.iter().enumerate() {
        for g in 0..ng {
            first[b * ng + g] += load.first[i * ng + g];
            contacts[b * ng + g] += load.arrivals(i, g);
            work[b * ng + g] += load.work_s[i * ng + g];
        }
    }
    let mut erlang_c = vec![0.0; nb * ng];
    let mut erlang_a = vec![0.0; nb * ng];
    let mut load_erlangs = vec![0.0; nb * ng];
    for (g, &(skill, c)) in load.groups.iter().enumerate() {
        let ch = &model.channels[c];
        if ch.kind == ChannelKind::Deferred {
            continue;
        }
        let mut open_ms = vec![0u64; nb];
        for (m, &b) in block_of.iter().enumerate() {
            if ch.is_open(m) {
                open_ms[b] += model.intervals[m].len_ms;
            }
        }
        for (b, &open) in open_ms.iter().enumerate() {
            let j = b * ng + g;
            let n = contacts[j] * scale;
            if n <= 0.0 || open == 0 {
                continue;
            }
            let open_s = open as f64 / 1000.0;
            let aht = work[j] / contacts[j];
            load_erlangs[j] = n * aht / open_s;
            let cell = LiveCell {
                rate_per_s: n / open_s,
                aht_s: aht,
            };
            erlang_c[j] = f64::from(live_agents(model, c, cell, false).map_err(|e| {
                StaffingError::Need(format!("group {} block {b}: {e}", name(model, skill, c)))
            })?);
            erlang_a[j] = f64::from(live_agents(model, c, cell, true).map_err(|e| {
                StaffingError::Need(format!("group {} block {b}: {e}", name(model, skill, c)))
            })?);
        }
    }
    // Deferred groups: just-in-time work spread on the model grid, averaged per block,
    // less the spare live capacity of the same skill beyond the blending reserve.
    let reserve = f64::from(model.behaviour.reserve_idle_agents);
    for (g, &(skill, c)) in load.groups.iter().enumerate() {
        if model.channels[c].kind != ChannelKind::Deferred {
            continue;
        }
        let spread = deferred_agents(model, load, g, scale);
        let mut sum = vec![0.0; nb];
        let mut len = vec![0.0; nb];
        for (i, &b) in block_of.iter().enumerate() {
            let l = model.intervals[i].len_ms as f64;
            sum[b] += spread[i] * l;
            len[b] += l;
        }
        for b in 0..nb {
            let d = if len[b] > 0.0 { sum[b] / len[b] } else { 0.0 };
            if d <= 0.0 {
                continue;
            }
            let spare = |req: &[f64]| -> f64 {
                let s: f64 = (0..ng)
                    .filter(|&h| {
                        let (hs, hc) = load.groups[h];
                        hs == skill && model.channels[hc].kind != ChannelKind::Deferred
                    })
                    .map(|h| (req[b * ng + h] - load_erlangs[b * ng + h]).max(0.0))
                    .sum();
                (s - reserve).max(0.0)
            };
            let (sc, sa) = (spare(&erlang_c), spare(&erlang_a));
            let j = b * ng + g;
            load_erlangs[j] = d;
            erlang_c[j] = (d - sc).max(0.0);
            erlang_a[j] = (d - sa).max(0.0);
        }
    }
    Ok(Requirement {
        groups: load
            .groups
            .iter()
            .map(|&(s, c)| NeedGroup::new(&model.skills[s], &model.channels[c].name))
            .collect(),
        group_channel: load.groups.iter().map(|k| k.1).collect(),
        group_skill: load.groups.iter().map(|k| k.0).collect(),
        group_deferred: load
            .groups
            .iter()
            .map(|k| model.channels[k.1].kind == ChannelKind::Deferred)
            .collect(),
        first,
        contacts,
        load_erlangs,
        erlang_c,
        erlang_a,
    })
}

/// A live cell's load: arrival rate and mean handling time at standard speed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LiveCell {
    pub rate_per_s: f64,
    pub aht_s: f64,
}

/// The Erlang queue of a live or chat cell on channel `c` (servers, not agents: a chat
/// agent is `k` servers with the slowed handling time).
fn queue_of(model: &Model, c: usize, cell: LiveCell, erlang_a: bool) -> Result<Queue, String> {
    let ch = &model.channels[c];
    let (_, slow) = chat_servers(ch.kind);
    let patience = if erlang_a {
        ch.patience.as_ref().map(|d| d.mean_s())
    } else {
        None
    };
    Queue::new(cell.rate_per_s, cell.aht_s * slow, patience).map_err(|e| e.to_string())
}

fn targets_of(model: &Model, c: usize) -> Targets {
    let ch = &model.channels[c];
    Targets {
        service_level: Some(SlTarget {
            fraction: ch.target_share,
            within_s: ch.target_s,
        }),
        sl_definition: model.sl_definition,
        ..Targets::default()
    }
}

/// Agents (whole, standard) a live or chat cell needs on channel `c`.
pub fn live_agents(model: &Model, c: usize, cell: LiveCell, erlang_a: bool) -> Result<u32, String> {
    let (k, _) = chat_servers(model.channels[c].kind);
    let q = queue_of(model, c, cell, erlang_a)?;
    let servers = required_agents(&q, &targets_of(model, c)).map_err(|e| e.to_string())?;
    Ok(servers.div_ceil(k))
}

/// The expected service level of a live cell with `agents` standard agents (Erlang A when
/// the channel has a patience, else Erlang C).
pub fn live_sl(model: &Model, c: usize, cell: LiveCell, agents: u32) -> Option<f64> {
    let (k, _) = chat_servers(model.channels[c].kind);
    let q = queue_of(model, c, cell, true).ok()?;
    let m = q
        .metrics(
            agents.saturating_mul(k).max(1),
            Some(model.channels[c].target_s),
        )
        .ok()?;
    m.service_level(model.sl_definition)
}

/// Standard agents to add to a live cell now staffed with `agents` so that its expected
/// service level rises by `gain` (at least 1; the step where the curve reaches 0.999 when
/// the gain is beyond it).
pub fn agents_for_gain(model: &Model, c: usize, cell: LiveCell, agents: f64, gain: f64) -> f64 {
    let n0 = agents.max(0.0).round() as u32;
    let Some(sl0) = live_sl(model, c, cell, n0.max(1)) else {
        return 1.0;
    };
    let want = (sl0 + gain.max(0.0)).min(0.999);
    let mut add = 1u32;
    while add < 10_000 {
        match live_sl(model, c, cell, n0 + add) {
            Some(sl) if sl >= want - 1e-12 => break,
            Some(_) => add += 1,
            None => break,
        }
    }
    f64::from(add)
}

/// Standard agents a deferred group needs per model interval: each arrival interval's work
/// spread evenly over the channel's open time inside its response window (see the module
/// docs).
pub fn deferred_agents(model: &Model, load: &Load, g: usize, scale: f64) -> Vec<f64> {
    let (_, c) = load.groups[g];
    let ch = &model.channels[c];
    let ni = model.intervals.len();
    let mut out = vec![0.0; ni];
    for j in 0..ni {
        let work = load.work_s[j * load.n_groups() + g] * scale;
        if work <= 0.0 {
            continue;
        }
        let t0 = model.intervals[j].start_ms;
        let end = ch
            .deadline_ms(&model.intervals, t0)
            .max(t0 + model.intervals[j].len_ms);
        let mut open_s = 0.0;
        let mut k = j;
        while k < ni && model.intervals[k].start_ms < end {
            if ch.is_open(k) {
                open_s += model.intervals[k].len_ms as f64 / 1000.0;
            }
            k += 1;
        }
        if open_s > 0.0 {
            let rate = work / open_s;
            for (i, o) in out.iter_mut().enumerate().take(k).skip(j) {
                if ch.is_open(i) {
                    *o += rate;
                }
            }
        } else if let Some(i) = (k..ni).find(|&i| ch.is_open(i)) {
            // No open time in the window: the first interval of the next opening.
            out[i] += work / (model.intervals[i].len_ms as f64 / 1000.0);
        }
    }
    out
}

fn name(model: &Model, s: usize, c: usize) -> String {
    format!("`{} {}`", model.skills[s], model.channels[c].name)
}

/// What the permanent teams deliver to each group and what is left for flex.
///
/// `available[slot * teams + team]` are the teams' expected standard agents,
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
