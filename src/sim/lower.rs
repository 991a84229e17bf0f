//! Lowering: a validated [`Scenario`] and its [`Demand`] → a [`Model`].
//!
//! * Intervals, days and lengths come from `demand.intervals` (local clock time, so DST
//!   days have 92 or 100 quarter-hours); times are ms from the first interval's start.
//! * One stream per (reason, channel, demand source) with any expected contacts; its tag is
//!   the source (baseline, each event, each campaign, each other source). Where a source
//!   takes contacts away (negative attribution, e.g. Christmas Day below normal), the
//!   negative part is netted per interval against the positive sources of the same reason
//!   and channel, which shrink proportionally: totals are exact, tags never negative.
//! * A channel is open in an interval when the interval's local start lies inside the
//!   channel's opening hours of that weekday and the date is not a closed day.
//! * Staff per interval: the heads of every shift whose weekday and date range include the
//!   interval's date and whose clock window contains the interval's local start. A shift
//!   ending at or before its start wraps past midnight; its early-morning part is counted
//!   on the interval's own weekday (a simplification for night shifts). Each flex pool is
//!   a group of its own, staffed by its `scheduled` shifts, followed (after every pool) by
//!   one empty group per pool and skill × channel it serves, which the planner staffs with
//!   the shifts it assigns to that work ([`Model::assigned_group`]).
//! * Patience per channel from `behaviour.patience`; redials (probability, delay) on every
//!   live and chat channel; repeats, their channel switch and the abandon-and-switch
//!   behaviour from `behaviour`; day volume noise from `simulation.volume_cv`, or per day
//!   from `simulation.volume_cv_by_lead` (each date's cv for its lead from the origin).

use jiff::civil::Date;

use super::SimError;
use super::model::{
    Behaviour, Channel, ChannelKind, Dist, Group, Interval, Model, Reason, Stream, Transfer,
};
use crate::demand::Demand;
use crate::scenario::{self, ClockTime, Day, DurationDist, Scenario, Shift, WeekHours};

/// A duration distribution of the scenario as the simulator's.
pub fn dist_from(d: &DurationDist) -> Dist {
    match d {
        DurationDist::Exponential { mean_s } => Dist::Exponential { mean_s: *mean_s },
        DurationDist::LogNormal { mean_s, cv } => Dist::LogNormal {
            mean_s: *mean_s,
            cv: *cv,
        },
        DurationDist::Gamma { mean_s, cv } => Dist::Gamma {
            mean_s: *mean_s,
            cv: *cv,
        },
        DurationDist::Fixed { s } => Dist::Fixed { s: *s },
        DurationDist::Empirical(points) => Dist::Empirical(points.clone()),
    }
}

fn in_window(from: ClockTime, to: ClockTime, minute: u32) -> bool {
    let (f, t) = (from.minutes(), to.minutes());
    if f < t {
        (f..t).contains(&minute)
    } else {
        minute >= f || minute < t
    }
}

fn open_at(hours: &WeekHours, date: Date, minute: u32) -> bool {
    hours.on(Day::of(date)).is_some_and(|(f, t)| {
        f.minutes() < t.minutes() && (f.minutes()..t.minutes()).contains(&minute)
    })
}

fn shift_heads(shifts: &[Shift], date: Date, minute: u32) -> u32 {
    let day = Day::of(date);
    shifts
        .iter()
        .filter(|s| {
            s.days.contains(&day)
                && s.from.is_none_or(|f| date >= f)
                && s.until.is_none_or(|u| date <= u)
                && in_window(s.start, s.end, minute)
        })
        .map(|s| s.heads)
        .sum()
}

impl Model {
    /// Lowers a scenario and its demand into a simulation model.
    ///
    /// Names that do not resolve (a reason's channel, a team's skill …) are errors naming
    /// the field; scenario validation normally catches them first.
    pub fn from_scenario(sc: &Scenario, demand: &Demand) -> Result<Model, SimError> {
        let clock = LocalClock::of(demand);
        let channels = demand
            .channels
            .iter()
            .map(|name| lower_channel(sc, name, &clock))
            .collect::<Result<Vec<_>, _>>()?;
        // Skills in first-seen order: reasons (own skill, then transfer's), teams, pools.
        let mut skills = Skills::default();
        let reasons = demand
            .reasons
            .iter()
            .map(|name| lower_reason(sc, demand, name, &mut skills))
            .collect::<Result<Vec<_>, _>>()?;
        let groups = lower_groups(sc, demand, &clock, &mut skills)?;
        let mut skills = skills.0;
        if skills.is_empty() {
            skills.push("any".into());
        }
        let model = Model {
            intervals: lower_intervals(demand),
            channels,
            skills,
            reasons,
            tags: demand.sources.iter().map(|s| s.name.clone()).collect(),
            streams: lower_streams(demand),
            groups,
            behaviour: lower_behaviour(sc, demand)?,
            volume_cv: sc.simulation.volume_cv,
            day_volume_cv: if sc.simulation.volume_cv_by_lead.is_some() {
                demand
                    .days
                    .iter()
                    .map(|&d| sc.simulation.volume_cv_on(d))
                    .collect()
            } else {
                Vec::new()
            },
            sl_definition: sc.service_level_definition,
        };
        model.validate()?;
        Ok(model)
    }
}

fn bad(what: String) -> SimError {
    SimError::Invalid(what)
}

/// The local date and minute of the day at each interval's start.
struct LocalClock {
    dates: Vec<Date>,
    minutes: Vec<u32>,
}

impl LocalClock {
    fn of(demand: &Demand) -> LocalClock {
        LocalClock {
            dates: demand
                .intervals
                .iter()
                .map(|iv| demand.days[iv.day])
                .collect(),
            minutes: demand
                .intervals
                .iter()
                .map(|iv| iv.local_start.hour() as u32 * 60 + iv.local_start.minute() as u32)
                .collect(),
        }
    }

    fn len(&self) -> usize {
        self.dates.len()
    }
}

/// Skill names in first-seen order.
#[derive(Default)]
struct Skills(Vec<String>);

impl Skills {
    /// The index of skill `s`, added at the end when new.
    fn index(&mut self, s: &str) -> usize {
        if let Some(i) = self.0.iter().position(|x| x == s) {
            i
        } else {
            self.0.push(s.to_string());
            self.0.len() - 1
        }
    }
}

/// The index of channel `name` in demand order.
fn channel_of(demand: &Demand, name: &str) -> Option<usize> {
    demand.channels.iter().position(|c| c == name)
}

/// Demand channel `name`: its kind, target, opening per interval, patience and redials.
fn lower_channel(sc: &Scenario, name: &str, clock: &LocalClock) -> Result<Channel, SimError> {
    let ch = sc
        .channels
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(|| bad(format!("demand channel `{name}` is not in `channels`")))?;
    let kind = match ch.kind {
        scenario::ChannelKind::Live => ChannelKind::Live,
        scenario::ChannelKind::Chat => {
            let s = ch.chat.unwrap_or(scenario::ChatSettings {
                max_concurrent: 2,
                slowdown_per_extra: 0.25,
            });
            ChannelKind::Chat {
                max_concurrent: s.max_concurrent.clamp(1, 255) as u8,
                slowdown_per_extra: s.slowdown_per_extra,
            }
        }
        scenario::ChannelKind::Deferred => ChannelKind::Deferred,
    };
    let open = (0..clock.len())
        .map(|i| {
            !sc.calendar.closed_days.contains(&clock.dates[i])
                && open_at(&ch.opening_hours, clock.dates[i], clock.minutes[i])
        })
        .collect();
    Ok(Channel {
        name: name.to_string(),
        kind,
        priority: ch.priority,
        target_share: ch.target.share,
        target_s: ch.target.within_s,
        target_open_clock: kind == ChannelKind::Deferred
            && ch.target.clock == scenario::TargetClock::Open,
        open,
        patience: sc.behaviour.patience.get(name).map(dist_from),
        redial_probability: if kind == ChannelKind::Deferred {
            0.0
        } else {
            sc.behaviour.redial.probability
        },
        redial_delay: dist_from(&sc.behaviour.redial.delay),
    })
}

/// Demand reason `name`: its skill, FCR, handling per channel and transfer.
fn lower_reason(
    sc: &Scenario,
    demand: &Demand,
    name: &str,
    skills: &mut Skills,
) -> Result<Reason, SimError> {
    let r = sc
        .reasons
        .iter()
        .find(|r| r.name == name)
        .ok_or_else(|| bad(format!("demand reason `{name}` is not in `reasons`")))?;
    let handling = demand
        .channels
        .iter()
        .map(|c| r.handling.get(c).map(dist_from))
        .collect();
    let own_skill = skills.index(&r.skill);
    let transfer = r.transfer.as_ref().map(|t| Transfer {
        share: t.share,
        to_skill: skills.index(&t.to_skill),
        handling: demand
            .channels
            .iter()
            .map(|_| t.handling.as_ref().map(dist_from))
            .collect(),
    });
    Ok(Reason {
        name: name.to_string(),
        skill: own_skill,
        fcr: r.fcr,
        handling,
        transfer,
    })
}

/// Agent groups: one per team (staffed by its shifts), one per flex pool (staffed by its
/// `scheduled` shifts), then one empty group per pool and skill × channel it serves.
fn lower_groups(
    sc: &Scenario,
    demand: &Demand,
    clock: &LocalClock,
    skills: &mut Skills,
) -> Result<Vec<Group>, SimError> {
    let resolve_channels = |names: &[String], owner: &str| -> Result<Vec<usize>, SimError> {
        names
            .iter()
            .map(|n| {
                channel_of(demand, n)
                    .ok_or_else(|| bad(format!("agents.{owner}: channel `{n}` is not a channel")))
            })
            .collect()
    };
    let ni = clock.len();
    let mut groups = Vec::new();
    for (u, t) in sc.agents.teams.iter().enumerate() {
        groups.push(Group {
            name: t.name.clone(),
            unit: u,
            channels: resolve_channels(&t.channels, &format!("teams[{}]", t.name))?,
            skills: t.skills.iter().map(|s| skills.index(s)).collect(),
            aht_factor: t.aht_factor,
            staff: (0..ni)
                .map(|i| shift_heads(&t.shifts, clock.dates[i], clock.minutes[i]))
                .collect(),
            absence: t.shrinkage.absence,
            in_shift: t.shrinkage.in_shift,
        });
    }
    let nt = sc.agents.teams.len();
    for (pi, p) in sc.agents.flex_pools.iter().enumerate() {
        let staff = (0..ni)
            .map(|i| {
                p.scheduled
                    .iter()
                    .filter(|f| {
                        f.date == clock.dates[i] && in_window(f.start, f.end, clock.minutes[i])
                    })
                    .map(|f| f.heads)
                    .sum()
            })
            .collect();
        groups.push(Group {
            name: p.name.clone(),
            unit: nt + pi,
            channels: resolve_channels(&p.channels, &format!("flex_pools[{}]", p.name))?,
            skills: p.skills.iter().map(|s| skills.index(s)).collect(),
            aht_factor: p.aht_factor,
            staff,
            absence: p.shrinkage.absence,
            in_shift: p.shrinkage.in_shift,
        });
    }
    // Planned flex shifts are assigned to one skill × channel ("you are on phone
    // today"): one empty group per pool and pair, staffed by the planner.
    for (pi, p) in sc.agents.flex_pools.iter().enumerate() {
        let channels = resolve_channels(&p.channels, &format!("flex_pools[{}]", p.name))?;
        for s in &p.skills {
            for (&c, cname) in channels.iter().zip(&p.channels) {
                groups.push(Group {
                    name: format!("{} ({s} {cname})", p.name),
                    unit: nt + pi,
                    channels: vec![c],
                    skills: vec![skills.index(s)],
                    aht_factor: p.aht_factor,
                    staff: vec![0; ni],
                    absence: p.shrinkage.absence,
                    in_shift: p.shrinkage.in_shift,
                });
            }
        }
    }
    Ok(groups)
}

/// Streams: one per (reason, channel, source) with contacts. A source may take contacts
/// away (an event day below normal has a negative attribution); a Poisson stream cannot be
/// negative, so per interval the negative parts are netted against the positive ones,
/// which shrink proportionally: the total stays exact.
fn lower_streams(demand: &Demand) -> Vec<Stream> {
    let ni = demand.intervals.len();
    let ns = demand.sources.len();
    let mut streams = Vec::new();
    for r in 0..demand.reasons.len() {
        for c in 0..demand.channels.len() {
            let mut per_source = vec![vec![0.0f64; ni]; ns];
            for i in 0..ni {
                let (mut pos, mut neg) = (0.0f64, 0.0f64);
                for s in 0..ns {
                    let v = demand.get(i, r, c, s);
                    if v > 0.0 {
                        pos += v;
                    } else {
                        neg += v;
                    }
                }
                let scale = if pos > 0.0 {
                    ((pos + neg) / pos).max(0.0)
                } else {
                    0.0
                };
                for (s, col) in per_source.iter_mut().enumerate() {
                    col[i] = demand.get(i, r, c, s).max(0.0) * scale;
                }
            }
            for (s, expected) in per_source.into_iter().enumerate() {
                if expected.iter().any(|&x| x > 0.0) {
                    streams.push(Stream {
                        reason: r,
                        channel: c,
                        tag: s,
                        expected,
                    });
                }
            }
        }
    }
    streams
}

/// The demand's intervals in ms from the first one's start.
fn lower_intervals(demand: &Demand) -> Vec<Interval> {
    let mut start_ms = 0u64;
    demand
        .intervals
        .iter()
        .map(|iv| {
            let len_ms = iv.length_s as u64 * 1000;
            let out = Interval {
                start_ms,
                len_ms,
                day: iv.day as u32,
            };
            start_ms += len_ms;
            out
        })
        .collect()
}

/// Repeats (delay, other channel), the channel switch and the blending reserve.
fn lower_behaviour(sc: &Scenario, demand: &Demand) -> Result<Behaviour, SimError> {
    let b = &sc.behaviour;
    let repeat_other_channel = if b.repeat.other_channel_share > 0.0 {
        Some((
            channel_of(demand, &b.repeat.other_channel).ok_or_else(|| {
                bad(format!(
                    "behaviour.repeat.other_channel: `{}` is not a channel",
                    b.repeat.other_channel
                ))
            })?,
            b.repeat.other_channel_share,
        ))
    } else {
        None
    };
    let channel_switch = match &b.channel_switch {
        Some(s) => Some((
            channel_of(demand, &s.to).ok_or_else(|| {
                bad(format!(
                    "behaviour.channel_switch.to: `{}` is not a channel",
                    s.to
                ))
            })?,
            s.share,
            dist_from(&s.delay),
        )),
        None => None,
    };
    Ok(Behaviour {
        repeat_delay: dist_from(&b.repeat.delay),
        repeat_other_channel,
        channel_switch,
        reserve_idle_agents: sc.agents.blending.reserve_idle_agents,
        ..Behaviour::default()
    })
}
