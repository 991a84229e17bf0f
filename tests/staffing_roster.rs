//! The permanent roster counted by hand: plain days, a night shift, date windows, need groups
//! and both DST days of Europe/Amsterdam in 2027 (28 March: 23 hours; 31 October: 25 hours).

use jiff::civil::{Date, date};
use peakplan::scenario::{ClockTime, Day, FlexShift, Shift, Shrinkage, Team};
use peakplan::staffing::roster::flex_heads;
use peakplan::staffing::{Grid, NeedGroup, StaffingError, roster};

fn t(s: &str) -> ClockTime {
    s.parse().unwrap()
}

fn shift(days: &[Day], start: &str, end: &str, heads: u32) -> Shift {
    Shift {
        days: days.to_vec(),
        start: t(start),
        end: t(end),
        heads,
        from: None,
        until: None,
    }
}

fn team(name: &str, skills: &[&str], channels: &[&str], shifts: Vec<Shift>) -> Team {
    Team {
        name: name.into(),
        skills: skills.iter().map(|s| s.to_string()).collect(),
        channels: channels.iter().map(|s| s.to_string()).collect(),
        shifts,
        shrinkage: Shrinkage {
            absence: 0.1,
            in_shift: 0.2,
        },
        hourly_cost_eur: 30.0,
        aht_factor: 1.0,
    }
}

fn days(from: Date, n: usize) -> Vec<Date> {
    (0..n)
        .map(|i| from.checked_add(jiff::Span::new().days(i as i64)).unwrap())
        .collect()
}

/// Heads of team 0 per slot of day `d`, as (clock start, heads) for the non-zero ones.
fn on_duty(grid: &Grid, r: &peakplan::staffing::Roster, d: usize) -> Vec<(u32, u32)> {
    grid.day_slots(d)
        .filter(|&s| r.scheduled(s, 0) > 0)
        .map(|s| (grid.slots[s].start_min, r.scheduled(s, 0)))
        .collect()
}

#[test]
fn day_shift_on_an_hourly_grid_with_shrinkage() {
    // 1 Feb 2027 is a Monday. 08:00–16:30 covers the hours starting 08:00 … 16:00 (an
    // interval counts a shift whose clock span contains the interval's start).
    let grid = Grid::uniform(days(date(2027, 2, 1), 2), 60).unwrap();
    let teams = [team(
        "fo",
        &["front_office"],
        &["phone"],
        vec![shift(&[Day::Mon], "08:00", "16:30", 10)],
    )];
    let r = roster(&grid, &teams, &[]).unwrap();
    let expected: Vec<(u32, u32)> = (8..=16).map(|h| (h * 60, 10)).collect();
    assert_eq!(on_duty(&grid, &r, 0), expected);
    assert!(on_duty(&grid, &r, 1).is_empty(), "Tuesday has no pattern");
    // Total shrinkage 1 − 0.9 × 0.8 = 0.28: 10 heads → 7.2 available.
    assert!((r.available(9, 0) - 7.2).abs() < 1e-12);
    assert_eq!(r.available(7, 0), 0.0);
}

#[test]
fn night_shift_runs_into_the_next_day_and_date_windows_apply() {
    // Mon 1 … Wed 3 Feb 2027, 30-minute grid.
    let grid = Grid::uniform(days(date(2027, 2, 1), 3), 30).unwrap();
    let mut night = shift(&[Day::Mon, Day::Tue], "22:00", "06:00", 2);
    night.from = Some(date(2027, 2, 2)); // only the Tuesday night
    let teams = [team("night", &["front_office"], &["phone"], vec![night])];
    let r = roster(&grid, &teams, &[]).unwrap();
    assert!(on_duty(&grid, &r, 0).is_empty(), "Monday is before `from`");
    let tue = on_duty(&grid, &r, 1);
    assert_eq!(
        tue,
        vec![
            (22 * 60, 2),
            (22 * 60 + 30, 2),
            (23 * 60, 2),
            (23 * 60 + 30, 2)
        ]
    );
    let wed = on_duty(&grid, &r, 2);
    assert_eq!(wed.len(), 12, "00:00–06:00 is twelve half hours");
    assert_eq!(wed.first(), Some(&(0, 2)));
    assert_eq!(wed.last(), Some(&(5 * 60 + 30, 2)));
}

#[test]
fn need_groups_count_the_teams_that_can_serve_them() {
    let grid = Grid::uniform(days(date(2027, 2, 1), 1), 60).unwrap();
    let teams = [
        team(
            "fo",
            &["front_office"],
            &["phone", "email"],
            vec![shift(&[Day::Mon], "08:00", "17:00", 10)],
        ),
        team(
            "bo",
            &["back_office"],
            &["email"],
            vec![shift(&[Day::Mon], "09:00", "17:00", 4)],
        ),
    ];
    let groups = [
        NeedGroup::new("front_office", "phone"),
        NeedGroup::new("front_office", "email"),
        NeedGroup::new("back_office", "email"),
        NeedGroup::new("back_office", "phone"),
    ];
    let r = roster(&grid, &teams, &groups).unwrap();
    let at10: Vec<u32> = (0..4).map(|g| r.group_scheduled(10, g)).collect();
    assert_eq!(at10, vec![10, 10, 4, 0]);
    assert_eq!(r.group_scheduled(8, 2), 0, "back office starts at 09:00");
    assert!((r.group_available(10, 2) - 4.0 * 0.72).abs() < 1e-12);
    // Shortfall: required − available, floored at 0.
    let mut required = vec![0.0; grid.len() * 4];
    required[10 * 4] = 9.0; // 7.2 available → 1.8 short
    required[10 * 4 + 2] = 1.0; // 2.88 available → 0
    let short = r.shortfall(&required).unwrap();
    assert!((short[10 * 4] - 1.8).abs() < 1e-12);
    assert_eq!(short[10 * 4 + 2], 0.0);
    assert!(r.shortfall(&[1.0]).is_err());
}

#[test]
fn dst_days_have_92_and_100_quarter_hours_and_count_real_hours() {
    // 28 March and 31 October 2027 are Sundays: clocks go forward at 02:00, back at 03:00.
    for (day, n_slots, night_hours) in [(date(2027, 3, 28), 92, 5), (date(2027, 10, 31), 100, 7)] {
        let grid = Grid::for_time_zone(day, day, 15, "Europe/Amsterdam").unwrap();
        assert_eq!(grid.len(), n_slots, "{day}");
        assert!(grid.slots.iter().all(|s| s.length_min == 15));
        let teams = [team(
            "fo",
            &["front_office"],
            &["phone"],
            vec![
                shift(&[Day::Sun], "00:00", "06:00", 3),
                shift(&[Day::Sun], "08:00", "16:00", 5),
            ],
        )];
        let r = roster(&grid, &teams, &[]).unwrap();
        // Head-quarter-hours of the night shift: 3 heads × its real quarter hours.
        let night: u32 = (0..grid.len())
            .filter(|&s| grid.slots[s].start_min < 6 * 60)
            .map(|s| r.scheduled(s, 0))
            .sum();
        assert_eq!(night, 3 * night_hours * 4, "{day}");
        let day_shift: u32 = (0..grid.len())
            .filter(|&s| grid.slots[s].start_min >= 8 * 60)
            .map(|s| r.scheduled(s, 0))
            .sum();
        assert_eq!(day_shift, 5 * 8 * 4, "{day}: 08:00–16:00 is 8 real hours");
    }
    // The spring day skips 02:00–02:45; the autumn day repeats them.
    let spring =
        Grid::for_time_zone(date(2027, 3, 28), date(2027, 3, 28), 15, "Europe/Amsterdam").unwrap();
    let starts: Vec<u32> = spring.slots[7..9].iter().map(|s| s.start_min).collect();
    assert_eq!(starts, vec![105, 180]);
    let autumn = Grid::for_time_zone(
        date(2027, 10, 31),
        date(2027, 10, 31),
        15,
        "Europe/Amsterdam",
    )
    .unwrap();
    let twos = autumn.slots.iter().filter(|s| s.start_min == 120).count();
    assert_eq!(twos, 2);
}

#[test]
fn grid_for_time_zone_spans_several_days_in_order() {
    let grid =
        Grid::for_time_zone(date(2027, 3, 27), date(2027, 3, 29), 30, "Europe/Amsterdam").unwrap();
    assert_eq!(grid.days.len(), 3);
    assert_eq!(grid.len(), 48 + 46 + 48);
    assert_eq!(grid.day_slots(1), 48..94);
    assert!(Grid::for_time_zone(date(2027, 3, 27), date(2027, 3, 27), 30, "Mars/Olympus").is_err());
    assert!(Grid::for_time_zone(date(2027, 3, 27), date(2027, 3, 27), 7, "UTC").is_err());
}

#[test]
fn flex_heads_counts_dated_shifts() {
    let grid = Grid::uniform(days(date(2027, 2, 1), 2), 60).unwrap();
    let shifts = [
        FlexShift {
            date: date(2027, 2, 2),
            start: t("10:00"),
            end: t("13:00"),
            heads: 4,
        },
        FlexShift {
            date: date(2027, 2, 2),
            start: t("12:00"),
            end: t("14:00"),
            heads: 1,
        },
        FlexShift {
            date: date(2027, 3, 1), // outside the grid
            start: t("10:00"),
            end: t("13:00"),
            heads: 9,
        },
    ];
    let heads = flex_heads(&grid, &shifts);
    assert_eq!(&heads[24 + 9..24 + 15], &[0, 4, 4, 5, 1, 0]);
    assert_eq!(heads[..24].iter().sum::<u32>(), 0);
}

#[test]
fn bad_patterns_name_the_team_and_shift() {
    let grid = Grid::uniform(days(date(2027, 2, 1), 1), 60).unwrap();
    let mut bad = shift(&[Day::Mon], "08:00", "16:00", 1);
    bad.from = Some(date(2027, 2, 5));
    bad.until = Some(date(2027, 2, 1));
    let teams = [team(
        "fo",
        &["front_office"],
        &["phone"],
        vec![shift(&[Day::Mon], "08:00", "08:00", 1), bad],
    )];
    let err = roster(&grid, &teams, &[]).unwrap_err();
    assert!(matches!(err, StaffingError::Shift { ref team, index: 0, .. } if team == "fo"));
    assert!(err.to_string().contains("team `fo`, shifts[0]"), "{err}");
}

#[test]
fn grid_from_demand_keeps_the_demand_intervals() {
    use peakplan::demand::{Demand, Interval};
    // Two quarter hours around the spring-forward gap of 28 March 2027: 01:45 and 03:00.
    let day = date(2027, 3, 28);
    let interval = |h: i8, m: i8, utc: &str| Interval {
        day: 0,
        local_start: day.at(h, m, 0, 0),
        start_utc: utc.parse().unwrap(),
        length_s: 900,
    };
    let demand = Demand {
        days: vec![day],
        intervals: vec![
            interval(1, 45, "2027-03-28T00:45:00Z"),
            interval(3, 0, "2027-03-28T01:00:00Z"),
        ],
        reasons: vec![],
        channels: vec![],
        sources: vec![],
        expected: vec![],
        orders: vec![],
        spill: vec![],
        ..Default::default()
    };
    let grid = Grid::from_demand(&demand).unwrap();
    let starts: Vec<(usize, u32, u32)> = grid
        .slots
        .iter()
        .map(|s| (s.day, s.start_min, s.length_min))
        .collect();
    assert_eq!(starts, vec![(0, 105, 15), (0, 180, 15)]);
    assert_eq!(grid.step_min, 15);
}

#[test]
fn coarsening_to_planning_hours_keeps_real_time_on_dst_days() {
    // Quarter-hours of three days (plain, 23-hour, plain) and of the 25-hour day, grouped
    // into hours: 24 + 23 + 24 blocks, and 25 on the autumn day (the repeated 02:00 hour is
    // its own block); every block is 60 real minutes and the mapping is consecutive.
    let spring =
        Grid::for_time_zone(date(2027, 3, 27), date(2027, 3, 29), 15, "Europe/Amsterdam").unwrap();
    let (hours, block_of) = spring.coarsen(60).unwrap();
    assert_eq!(hours.len(), 24 + 23 + 24);
    assert!(hours.slots.iter().all(|s| s.length_min == 60));
    assert_eq!(block_of.len(), spring.len());
    assert!(
        block_of
            .windows(2)
            .all(|w| w[1] == w[0] || w[1] == w[0] + 1)
    );
    for (i, &b) in block_of.iter().enumerate() {
        assert_eq!(spring.slots[i].day, hours.slots[b].day);
        assert_eq!(
            spring.slots[i].start_min / 60,
            hours.slots[b].start_min / 60
        );
    }
    let autumn = Grid::for_time_zone(
        date(2027, 10, 31),
        date(2027, 10, 31),
        15,
        "Europe/Amsterdam",
    )
    .unwrap();
    let (hours, _) = autumn.coarsen(60).unwrap();
    assert_eq!(hours.len(), 25);
    assert_eq!(hours.slots.iter().filter(|s| s.start_min == 120).count(), 2);
    // Half hours from quarter hours; the identity; refusals.
    assert_eq!(autumn.coarsen(30).unwrap().0.len(), 50);
    assert_eq!(autumn.coarsen(15).unwrap().0, autumn);
    for bad in [0, 20, 25, 7] {
        let e = autumn.coarsen(bad).unwrap_err().to_string();
        assert!(
            e.contains(&format!("planning interval of {bad} min")),
            "{e}"
        );
    }
}
