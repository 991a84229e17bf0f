//! The Valentine's covering instance shared by the `cover` bench and the staffing tests:
//! 21 days (25 January to 14 February 2027, Europe/Amsterdam) × 15-minute intervals, two need
//! groups (front-office phone and chat), three pools with different rules, and a need that
//! climbs to about 40 extra agents (30 phone + 10.5 chat) at the evening peak of 12–13
//! February.

use std::collections::BTreeMap;

use jiff::civil::{Date, date};
use peakplan::scenario::{
    ClockTime, Day, FlexPool, PoolKind, Shrinkage, WeekHours, default_channels,
};
use peakplan::staffing::{CoverProblem, Grid, NeedGroup};

fn t(s: &str) -> ClockTime {
    s.parse().unwrap()
}

#[allow(clippy::too_many_arguments)]
fn pool(
    name: &str,
    kind: PoolKind,
    max_headcount: u32,
    max_per_day: Option<u32>,
    availability: WeekHours,
    (min_h, max_h): (f64, f64),
    channels: &[&str],
    eur: f64,
) -> FlexPool {
    FlexPool {
        name: name.into(),
        kind,
        max_headcount,
        max_per_day,
        available_from: None,
        available_until: None,
        availability,
        min_shift_h: min_h,
        max_shift_h: max_h,
        start_times: vec![],
        notice_days: 0,
        aht_factor: 1.15,
        skills: vec!["front_office".into()],
        channels: channels.iter().map(|c| c.to_string()).collect(),
        shrinkage: Shrinkage {
            absence: 0.07,
            in_shift: 0.2,
        },
        hourly_cost_eur: eur,
        training_eur_per_agent: 0.0,
        min_paid_hours: 0.0,
        price_per_contact_eur: BTreeMap::new(),
        scheduled: vec![],
    }
}

/// Relative daily volume: a quiet January week, a climb through February to the peak on
/// Friday 12 and Saturday 13 February, Valentine's Sunday itself at 60%.
fn day_factor(d: Date) -> f64 {
    let feb14 = date(2027, 2, 14);
    let days_before = (feb14 - d).get_days();
    match days_before {
        0 => 0.6,
        1 | 2 => 1.0,
        3..=6 => 0.8 - 0.1 * f64::from(days_before - 3),
        7..=13 => 0.35 - 0.03 * f64::from(days_before - 7),
        _ => 0.08,
    }
}

/// Intraday shape in [0, 1]: a morning hump at 11:00 and the evening peak at 20:00.
fn intraday(min: u32) -> f64 {
    let h = f64::from(min) / 60.0;
    let bump = |mu: f64, sd: f64| (-(h - mu) * (h - mu) / (2.0 * sd * sd)).exp();
    (0.75 * bump(11.0, 1.6) + bump(20.0, 1.4)).min(1.0)
}

pub fn valentines_instance() -> CoverProblem {
    let start = date(2027, 1, 25);
    let end = date(2027, 2, 14);
    let grid = Grid::for_time_zone(start, end, 15, "Europe/Amsterdam").unwrap();
    let groups = vec![
        NeedGroup::new("front_office", "phone"),
        NeedGroup::new("front_office", "chat"),
    ];
    let opening_hours = CoverProblem::opening_hours_of(&default_channels());
    let mut need = Vec::with_capacity(grid.len() * 2);
    for slot in &grid.slots {
        let date = grid.days[slot.day];
        let open = opening_hours["phone"]
            .on(Day::of(date))
            .is_some_and(|(f, to)| slot.start_min >= f.minutes() && slot.start_min < to.minutes());
        let phone = if open {
            // Quarter agents: what a requirement minus roster would hand over.
            (30.0 * day_factor(date) * intraday(slot.start_min) * 4.0).round() / 4.0
        } else {
            0.0
        };
        need.push(phone);
        need.push((phone * 0.35 * 4.0).round() / 4.0);
    }
    let weekdays = WeekHours {
        sat: None,
        sun: None,
        ..WeekHours::every_day(t("09:00"), t("17:30"))
    };
    let mut internal = pool(
        "internal",
        PoolKind::Internal,
        25,
        Some(20),
        weekdays,
        (3.0, 8.0),
        &["phone", "chat"],
        28.0,
    );
    internal.notice_days = 7;
    let mut agency = pool(
        "agency",
        PoolKind::TempAgency,
        40,
        None,
        WeekHours::every_day(t("08:00"), t("22:00")),
        (4.0, 8.0),
        &["phone"],
        35.0,
    );
    agency.min_paid_hours = 4.0;
    agency.notice_days = 2;
    agency.available_from = Some(date(2027, 2, 1));
    let mut outsourcer = pool(
        "outsourcer",
        PoolKind::Outsourcer,
        30,
        None,
        WeekHours::every_day(t("08:00"), t("22:00")),
        (3.0, 9.0),
        &["phone", "chat"],
        42.0,
    );
    outsourcer.start_times = ["08:00", "12:00", "14:00", "17:00"].map(t).to_vec();
    CoverProblem {
        grid,
        groups,
        need,
        pools: vec![internal, agency, outsourcer],
        opening_hours,
        plan_date: date(2027, 1, 22),
    }
}
