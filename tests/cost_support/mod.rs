//! Small hand-built inputs for the cost tests: a grid of hourly slots, a demand with labels
//! and orders, teams, pools, a roster and a flex plan built field by field.
#![allow(dead_code)]

use std::collections::BTreeMap;

use jiff::civil::{Date, date};
use peakplan::demand::{Demand, Interval, Source, SourceKind};
use peakplan::scenario::{ClockTime, Costs, FlexPool, PoolKind, Shrinkage, Team, WeekHours};
use peakplan::staffing::{CoverPlan, Grid, NeedGroup, PlannedShift, PoolSummary, Roster};

pub const REASONS: [&str; 2] = ["where_is_my_order", "payment"];
pub const CHANNELS: [&str; 2] = ["phone", "email"];

pub fn days(n: usize) -> Vec<Date> {
    (0..n)
        .map(|i| {
            date(2027, 2, 10)
                .checked_add(jiff::Span::new().days(i as i64))
                .unwrap()
        })
        .collect()
}

/// Hourly slots on `n` days.
pub fn grid(n: usize) -> Grid {
    Grid::uniform(days(n), 60).unwrap()
}

/// Sources: baseline, event `valentine`, campaigns `tv` and `radio`, other `accounts`.
pub fn sources() -> Vec<Source> {
    vec![
        Source {
            name: "baseline".into(),
            kind: SourceKind::Baseline,
        },
        Source {
            name: "valentine".into(),
            kind: SourceKind::Event(0),
        },
        Source {
            name: "tv".into(),
            kind: SourceKind::Campaign(0),
        },
        Source {
            name: "radio".into(),
            kind: SourceKind::Campaign(1),
        },
        Source {
            name: "accounts".into(),
            kind: SourceKind::Other(0),
        },
    ]
}

/// A demand with the grid's intervals, the labels above and `orders[source]` orders on each
/// day (expected contacts are not used by the cost model).
pub fn demand(grid: &Grid, orders_per_day: [f64; 5]) -> Demand {
    let intervals = grid
        .slots
        .iter()
        .map(|s| {
            let local =
                grid.days[s.day].at((s.start_min / 60) as i8, (s.start_min % 60) as i8, 0, 0);
            Interval {
                day: s.day,
                local_start: local,
                start_utc: local.to_zoned(jiff::tz::TimeZone::UTC).unwrap().timestamp(),
                length_s: s.length_min * 60,
            }
        })
        .collect();
    Demand {
        days: grid.days.clone(),
        intervals,
        reasons: REASONS.iter().map(|s| s.to_string()).collect(),
        channels: CHANNELS.iter().map(|s| s.to_string()).collect(),
        sources: sources(),
        expected: Vec::new(),
        orders: (0..grid.days.len()).flat_map(|_| orders_per_day).collect(),
        spill: vec![0.0; REASONS.len() * 5],
        ..Default::default()
    }
}

pub fn team(name: &str, hourly: f64) -> Team {
    Team {
        name: name.into(),
        skills: vec!["front_office".into()],
        channels: CHANNELS.iter().map(|s| s.to_string()).collect(),
        shifts: Vec::new(),
        shrinkage: Shrinkage::default(),
        hourly_cost_eur: hourly,
        aht_factor: 1.0,
    }
}

pub fn pool(name: &str, kind: PoolKind, hourly: f64, training: f64, min_paid: f64) -> FlexPool {
    FlexPool {
        name: name.into(),
        kind,
        max_headcount: 50,
        max_per_day: None,
        available_from: None,
        available_until: None,
        availability: WeekHours::every_day(ClockTime::MIDNIGHT, ClockTime::END_OF_DAY),
        min_shift_h: 1.0,
        max_shift_h: 8.0,
        start_times: Vec::new(),
        notice_days: 0,
        aht_factor: 1.15,
        skills: vec!["front_office".into()],
        channels: CHANNELS.iter().map(|s| s.to_string()).collect(),
        shrinkage: Shrinkage::default(),
        hourly_cost_eur: hourly,
        training_eur_per_agent: training,
        min_paid_hours: min_paid,
        price_per_contact_eur: BTreeMap::new(),
        scheduled: Vec::new(),
    }
}

pub fn costs() -> Costs {
    Costs::default()
}

/// A roster from scheduled heads `[slot * teams + team]`.
pub fn roster(teams: &[Team], scheduled: Vec<u32>) -> Roster {
    let available = scheduled.iter().map(|&h| f64::from(h) * 0.7).collect();
    Roster {
        teams: teams.iter().map(|t| t.name.clone()).collect(),
        groups: Vec::new(),
        scheduled,
        available,
        group_scheduled: Vec::new(),
        group_available: Vec::new(),
    }
}

/// One planned shift: `heads` of pool `pool_index` on day `day` from `start_h` to `end_h`
/// (whole hours) on `channel`.
#[allow(clippy::too_many_arguments)]
pub fn shift(
    pools: &[FlexPool],
    pool_index: usize,
    grid: &Grid,
    day: usize,
    start_h: u16,
    end_h: u16,
    heads: u32,
    channel: &str,
) -> PlannedShift {
    let p = &pools[pool_index];
    let hours = f64::from(end_h - start_h);
    PlannedShift {
        pool: p.name.clone(),
        pool_index,
        date: grid.days[day],
        start: ClockTime::from_hm(start_h, 0).unwrap(),
        end: ClockTime::from_hm(end_h, 0).unwrap(),
        heads,
        group: NeedGroup::new("front_office", channel),
        hours,
        cost_eur: f64::from(heads) * p.hourly_cost_eur * hours.max(p.min_paid_hours),
    }
}

/// A flex plan from its shifts: pool summaries (hours, headcount per day, peak) derived the
/// way the staffing module defines them.
pub fn plan(pools: &[FlexPool], grid: &Grid, shifts: Vec<PlannedShift>) -> CoverPlan {
    let n_days = grid.days.len();
    let summaries: Vec<PoolSummary> = pools
        .iter()
        .enumerate()
        .map(|(p, pool)| {
            let mut per_day = vec![0u32; n_days];
            let mut hours = 0.0;
            let mut cost = 0.0;
            for s in shifts.iter().filter(|s| s.pool_index == p) {
                let d = grid.days.binary_search(&s.date).unwrap();
                per_day[d] += s.heads;
                hours += f64::from(s.heads) * s.hours;
                cost += s.cost_eur;
            }
            let peak = per_day.iter().copied().max().unwrap_or(0);
            PoolSummary {
                pool: pool.name.clone(),
                hours,
                cost_eur: cost,
                peak_date: (peak > 0)
                    .then(|| grid.days[per_day.iter().position(|&h| h == peak).unwrap()]),
                headcount_per_day: per_day,
                peak_headcount: peak,
            }
        })
        .collect();
    let peak_headcount = summaries.iter().map(|s| s.peak_headcount).sum();
    let total_hours = summaries.iter().map(|s| s.hours).sum();
    let total_cost_eur = summaries.iter().map(|s| s.cost_eur).sum();
    CoverPlan {
        shifts,
        pools: summaries,
        peak_headcount,
        peak_day_headcount: 0,
        peak_day: None,
        total_hours,
        total_cost_eur,
        lp_bound_eur: 0.0,
        gap_eur: 0.0,
        gap: 0.0,
        on_duty: Vec::new(),
        delivered: Vec::new(),
        short: Vec::new(),
        days: Vec::new(),
    }
}
