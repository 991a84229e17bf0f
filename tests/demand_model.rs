//! The demand model against totals derived by hand: conservation, levers, attribution, DST.

use crate::demand_common::*;
use peakplan::demand::{self, Demand};
use peakplan::scenario::{Scenario, default_order_profile};

const NO_EVENTS: &str = "[]";
const NO_CAMPAIGNS: &str = "[]";
const NO_LEVERS: &str = "()";
/// A campaign of 700 orders, 100 a day on the last 7 days of TWO_WEEKS.
const CAMPAIGN: &str =
    r#"[(name: "promo", start: "2027-03-08", end: "2027-03-14", orders: Total(700))]"#;
/// An event on 10 March: +100% on the 9th, +200% on the 10th, linear in between.
const EVENT: &str = r#"[(name: "peak", date: On("2027-03-10"), uplift: [(-2, 1.0), (-1, 2.0), (0, 3.0), (1, 1.0)])]"#;

fn run(s: &Scenario) -> Demand {
    demand::compute(s).expect("demand computes")
}

/// P(an order of a day with the default order profile has a contact after midnight) for an
/// exponential delay with mean `m` hours: Σ_h p_h ∫_h^{h+1} e^{-(24-t)/m} dt.
fn p_after_midnight(m: f64) -> f64 {
    let p = default_order_profile();
    let total: f64 = p.iter().sum();
    p.iter()
        .enumerate()
        .map(|(h, w)| {
            let h = h as f64;
            w / total * m * ((-(23.0 - h) / m).exp() - (-(24.0 - h) / m).exp())
        })
        .sum()
}

#[test]
fn conservation_expected_equals_orders_times_rates_minus_spill_plus_lead_in() {
    let d = run(&small(TWO_WEEKS, NO_EVENTS, CAMPAIGN, NO_LEVERS));
    let (late, edit, account) = (0, 1, 2);
    let (base, promo, accounts) = (0, 1, 2);
    let ns = d.sources.len();
    assert_eq!(d.days.len(), 14);

    // `late`, Days [0.5, 0.3, 0.2], 100 per 1,000 orders.
    // Baseline: 14 days × 1,000 orders × 0.1 = 1,400; the last two days' orders spill
    // 100 × (0.3 + 0.2) + 100 × 0.2 = 70; the two days before the calendar bring the same 70.
    assert!(close(d.spill[late * ns + base], 70.0, 1e-12));
    assert!(close(d.lead_in[late * ns + base], 70.0, 1e-12));
    assert!(close(reason_source_total(&d, late, base), 1400.0, 1e-12));
    // Campaign: 700 × 0.1 = 70; spill 100 × 0.1 × 0.5 + 100 × 0.1 × 0.2 = 7; no lead-in.
    assert!(close(d.spill[late * ns + promo], 7.0, 1e-12));
    assert_eq!(d.lead_in[late * ns + promo], 0.0);
    assert!(close(reason_source_total(&d, late, promo), 63.0, 1e-12));

    // `edit`, FollowsOrder with an exponential delay of mean 30 min: only the last evening's
    // contacts cross midnight.
    let q = p_after_midnight(0.5);
    let spill_base = 1000.0 * 0.04 * q;
    assert!(
        close(d.spill[edit * ns + base], spill_base, 1e-3),
        "{} vs {spill_base}",
        d.spill[edit * ns + base]
    );
    // Orders the evening before the calendar bring the same amount in.
    assert!(close(d.lead_in[edit * ns + base], spill_base, 1e-3));
    let spill_promo = 100.0 * 0.04 * q;
    assert!(close(d.spill[edit * ns + promo], spill_promo, 1e-3));
    // The identity holds exactly with the reported spill and lead-in.
    for (src, orders) in [(base, 14_000.0), (promo, 700.0)] {
        let want = orders * 0.04 - d.spill[edit * ns + src] + d.lead_in[edit * ns + src];
        assert!(close(reason_source_total(&d, edit, src), want, 1e-12));
    }

    // `account`: 50 a day from the other source, nothing from orders.
    assert!(close(
        reason_source_total(&d, account, accounts),
        700.0,
        1e-12
    ));
    assert_eq!(reason_source_total(&d, account, base), 0.0);
    // Orders reported per day and source.
    for day in 0..14 {
        assert_eq!(d.orders_of(day, base), 1000.0);
        assert_eq!(d.orders_of(day, promo), if day >= 7 { 100.0 } else { 0.0 });
        assert_eq!(d.orders_of(day, accounts), 0.0);
    }
}

#[test]
fn channel_mix_splits_each_reason_exactly() {
    let d = run(&small(TWO_WEEKS, NO_EVENTS, NO_CAMPAIGNS, NO_LEVERS));
    let (phone, email) = (0, 1);
    let sum = |c: usize| -> f64 { (0..d.intervals.len()).map(|i| d.total(i, 0, c)).sum() };
    let total = reason_total(&d, 0);
    assert!(close(sum(phone), 0.6 * total, 1e-12));
    assert!(close(sum(email), 0.4 * total, 1e-12));
}

#[test]
fn attribution_is_additive_per_source() {
    // Adding a campaign and an event adds exactly their columns and leaves the baseline's.
    let plain = run(&small(TWO_WEEKS, NO_EVENTS, NO_CAMPAIGNS, NO_LEVERS));
    let full = run(&small(TWO_WEEKS, EVENT, CAMPAIGN, NO_LEVERS));
    let (ps, fs) = (plain.sources.len(), full.sources.len());
    assert_eq!(
        full.sources
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        ["baseline", "peak", "promo", "accounts"]
    );
    for i in 0..full.intervals.len() {
        for r in 0..full.reasons.len() {
            for c in 0..full.channels.len() {
                let cells = &full.expected[full.index(i, r, c, 0)..][..fs];
                // Baseline and other-source columns are unchanged.
                assert!(close(cells[0], plain.get(i, r, c, 0), 1e-12));
                assert!(close(cells[3], plain.get(i, r, c, ps - 1), 1e-12));
                // The cell total is the sum of its sources.
                let sum: f64 = cells.iter().sum();
                assert!(close(full.total(i, r, c), sum, 1e-12));
                // What the event and the campaign add is exactly their columns.
                let added = full.total(i, r, c) - plain.total(i, r, c);
                assert!(
                    (added - (cells[1] + cells[2])).abs() <= 1e-9 * full.total(i, r, c).max(1.0)
                );
            }
        }
    }
    // The event's orders: baseline × (uplift − 1): +1,000 on the 9th, +2,000 on the 10th.
    let day = |date: &str| {
        full.days
            .iter()
            .position(|d| d.to_string() == date)
            .unwrap()
    };
    assert_eq!(full.orders_of(day("2027-03-09"), 1), 1000.0);
    assert_eq!(full.orders_of(day("2027-03-10"), 1), 2000.0);
    assert_eq!(full.orders_of(day("2027-03-11"), 1), 0.0);
    // Its `late` contacts: 3,000 × 0.1 = 300, all inside the calendar.
    assert!(close(reason_source_total(&full, 0, 1), 300.0, 1e-12));
}

#[test]
fn prevention_and_deflection_scale_only_their_reason_by_the_exact_factor() {
    let base = run(&small(TWO_WEEKS, EVENT, CAMPAIGN, NO_LEVERS));
    let prevented = run(&small(
        TWO_WEEKS,
        EVENT,
        CAMPAIGN,
        r#"(prevention: {"late": 0.3})"#,
    ));
    let deflected = run(&small(
        TWO_WEEKS,
        EVENT,
        CAMPAIGN,
        r#"(deflection: {"account": 0.25})"#,
    ));
    for (lever, reason, factor) in [(&prevented, 0, 0.7), (&deflected, 2, 0.75)] {
        for i in 0..base.intervals.len() {
            for r in 0..base.reasons.len() {
                for c in 0..base.channels.len() {
                    for s in 0..base.sources.len() {
                        let want = if r == reason { factor } else { 1.0 } * base.get(i, r, c, s);
                        assert!(
                            close(lever.get(i, r, c, s), want, 1e-12),
                            "cell {i} {r} {c} {s}"
                        );
                    }
                }
            }
        }
        let ns = base.sources.len();
        for k in 0..base.spill.len() {
            let f = if k / ns == reason { factor } else { 1.0 };
            assert!(close(lever.spill[k], f * base.spill[k], 1e-12));
            assert!(close(lever.lead_in[k], f * base.lead_in[k], 1e-12));
        }
        assert_eq!(
            lever.orders, base.orders,
            "levers on contacts leave orders alone"
        );
    }
}

#[test]
fn prevention_beyond_the_preventable_share_is_refused() {
    let s = small(
        TWO_WEEKS,
        NO_EVENTS,
        NO_CAMPAIGNS,
        r#"(prevention: {"late": 0.6})"#,
    );
    let e = demand::compute(&s).unwrap_err().to_string();
    assert!(
        e.contains("levers.prevention.late") && e.contains("0.5"),
        "{e}"
    );
}

#[test]
fn early_ordering_moves_only_that_events_orders_and_keeps_their_total() {
    let base = run(&small(TWO_WEEKS, EVENT, CAMPAIGN, NO_LEVERS));
    let early = run(&small(
        TWO_WEEKS,
        EVENT,
        CAMPAIGN,
        r#"(early_ordering: (event: "peak", share: 0.1, days_earlier: 3))"#,
    ));
    let n = base.days.len();
    let ev = 1;
    let before: Vec<f64> = (0..n).map(|d| base.orders_of(d, ev)).collect();
    let after: Vec<f64> = (0..n).map(|d| early.orders_of(d, ev)).collect();
    // Independently: each day keeps 90% and receives 10% of the day three days later.
    for d in 0..n {
        let incoming = if d + 3 < n { 0.1 * before[d + 3] } else { 0.0 };
        assert!(
            close(after[d], 0.9 * before[d] + incoming, 1e-12),
            "day {d}: {} vs {}",
            after[d],
            0.9 * before[d] + incoming
        );
    }
    assert!(
        close(after.iter().sum(), before.iter().sum(), 1e-12),
        "the event's total is kept"
    );
    // 9 and 10 March move to 6 and 7 March.
    assert!(close(after[5], 100.0, 1e-12) && close(after[6], 200.0, 1e-12));
    // Other sources' orders and contacts are untouched.
    for s in [0, 2, 3] {
        for d in 0..n {
            assert_eq!(early.orders_of(d, s), base.orders_of(d, s));
        }
        for i in 0..base.intervals.len() {
            for r in 0..base.reasons.len() {
                for c in 0..base.channels.len() {
                    assert_eq!(early.get(i, r, c, s), base.get(i, r, c, s));
                }
            }
        }
    }
    // The event's contacts keep their total (all inside the calendar here).
    for r in 0..2 {
        assert!(close(
            reason_source_total(&early, r, ev),
            reason_source_total(&base, r, ev),
            1e-9
        ));
    }
}

#[test]
fn a_disruption_changes_only_its_reason_on_its_day() {
    let base = run(&small(TWO_WEEKS, EVENT, CAMPAIGN, NO_LEVERS));
    let hit = run(&small(
        TWO_WEEKS,
        EVENT,
        CAMPAIGN,
        r#"(disruptions: [(date: "2027-03-11", reason: "late", multiplier: 2.5)])"#,
    ));
    let day = base
        .days
        .iter()
        .position(|d| d.to_string() == "2027-03-11")
        .unwrap();
    for (i, iv) in base.intervals.iter().enumerate() {
        for r in 0..base.reasons.len() {
            for c in 0..base.channels.len() {
                for s in 0..base.sources.len() {
                    let f = if r == 0 && iv.day == day { 2.5 } else { 1.0 };
                    assert!(close(hit.get(i, r, c, s), f * base.get(i, r, c, s), 1e-12));
                }
            }
        }
    }
    assert!(close(
        reason_day_total(&hit, 0, day),
        2.5 * reason_day_total(&base, 0, day),
        1e-12
    ));
    assert!(reason_day_total(&base, 0, day) > 0.0);
    assert_eq!(hit.spill, base.spill);
}

#[test]
fn dst_days_have_92_and_100_quarter_hours_and_keep_every_contact() {
    for (cal, dst_date, n_dst) in [
        (
            r#"(start: "2027-03-27", end: "2027-03-29")"#,
            "2027-03-28",
            92,
        ),
        (
            r#"(start: "2027-10-30", end: "2027-11-01")"#,
            "2027-10-31",
            100,
        ),
    ] {
        let d = run(&small(cal, NO_EVENTS, NO_CAMPAIGNS, NO_LEVERS));
        let per_day: Vec<usize> = (0..3)
            .map(|k| d.intervals.iter().filter(|iv| iv.day == k).count())
            .collect();
        let k = d
            .days
            .iter()
            .position(|x| x.to_string() == dst_date)
            .unwrap();
        assert_eq!(per_day[k], n_dst, "{dst_date}");
        assert_eq!(per_day.iter().sum::<usize>(), 96 * 2 + n_dst);
        // Absolute starts: strictly consecutive 15-minute steps, no gap, no duplicate.
        for w in d.intervals.windows(2) {
            assert_eq!(w[1].start_utc.as_second() - w[0].start_utc.as_second(), 900);
        }
        // On the fall-back day the local 02:00–02:45 appear twice; in spring they are absent.
        let twos = d
            .intervals
            .iter()
            .filter(|iv| iv.day == k && iv.local_start.hour() == 2)
            .count();
        assert_eq!(twos, if n_dst == 100 { 8 } else { 0 });
        // `late` has a constant 1,000 orders a day and a lag that keeps the 14-day identity:
        // every day gets 0.5 + 0.3 + 0.2 of a day's 100 contacts = 100 (lead-in included),
        // whatever the length of the day.
        for day in 0..3 {
            assert!(
                close(reason_day_total(&d, 0, day), 100.0, 1e-12),
                "{dst_date} day {day}"
            );
            // `account`: 50 a day on e-mail, placed around the clock.
            assert!(close(reason_day_total(&d, 2, day), 50.0, 1e-12));
        }
        // `edit` (interval convolution across the DST change) conserves: 3 × 40 − spill + lead-in.
        let ns = d.sources.len();
        let want = 3.0 * 40.0 - d.spill[ns] + d.lead_in[ns];
        assert!(close(reason_total(&d, 1), want, 1e-12));
        assert!(close(d.spill[ns], 40.0 * p_after_midnight(0.5), 1e-3));
    }
}

#[test]
fn live_contacts_of_a_closed_day_arrive_on_the_next_open_day() {
    // Close 3 March: the phone share of `late` for that day moves to 4 March; e-mail
    // (deferred) keeps arriving.
    let cal = r#"(start: "2027-03-01", end: "2027-03-14", closed_days: ["2027-03-03"])"#;
    let open = run(&small(TWO_WEEKS, NO_EVENTS, NO_CAMPAIGNS, NO_LEVERS));
    let closed = run(&small(cal, NO_EVENTS, NO_CAMPAIGNS, NO_LEVERS));
    let phone_day = |d: &Demand, day: usize| -> f64 {
        d.intervals
            .iter()
            .enumerate()
            .filter(|(_, iv)| iv.day == day)
            .map(|(i, _)| d.total(i, 0, 0))
            .sum()
    };
    assert_eq!(phone_day(&closed, 2), 0.0);
    assert!(close(
        phone_day(&closed, 3),
        phone_day(&open, 3) + phone_day(&open, 2),
        1e-12
    ));
    assert!(close(
        reason_total(&closed, 0),
        reason_total(&open, 0),
        1e-12
    ));
    assert!(close(
        closed.moved_closed[0],
        phone_day(&open, 2) + {
            // `edit` contacts of the closed day move too (FollowsOrder: to the next opening).
            (0..open.intervals.len())
                .filter(|i| open.intervals[*i].day == 2)
                .map(|i| open.total(i, 1, 0))
                .sum::<f64>()
        },
        1e-9
    ));
}

#[test]
fn live_channels_take_arrivals_only_while_open() {
    let s = shipped("valentines.ron");
    let d = run(&s);
    let phone = d.channel_index("phone").unwrap();
    for (i, iv) in d.intervals.iter().enumerate() {
        let day = peakplan::scenario::Day::of(d.days[iv.day]);
        let hours = s.channels[phone].opening_hours.on(day);
        let m =
            u32::from(iv.local_start.hour() as u8) * 60 + u32::from(iv.local_start.minute() as u8);
        let open = hours.is_some_and(|(from, to)| m + 15 > from.minutes() && m < to.minutes());
        let v: f64 = (0..d.reasons.len()).map(|r| d.total(i, r, phone)).sum();
        if !open {
            assert_eq!(v, 0.0, "phone contacts at {} while closed", iv.local_start);
        }
    }
}

#[test]
fn unknown_names_are_reported_with_their_field() {
    let mut s = small(TWO_WEEKS, NO_EVENTS, NO_CAMPAIGNS, NO_LEVERS);
    s.reasons[0].channel_mix.insert("fax".into(), 0.1);
    let e = demand::compute(&s).unwrap_err().to_string();
    assert!(
        e.contains("reasons[0].channel_mix.fax") && e.contains("phone, email"),
        "{e}"
    );
    let mut s = small(TWO_WEEKS, NO_EVENTS, NO_CAMPAIGNS, NO_LEVERS);
    s.calendar.time_zone = "Europe/Amsterdan".into();
    let e = demand::compute(&s).unwrap_err().to_string();
    assert!(e.contains("calendar.time_zone"), "{e}");
}

#[test]
fn orders_an_event_takes_away_remove_contacts_at_the_normal_rate() {
    // A "closed shop" day: uplift 0.25 on 10 March, with a multiplier of 3 on `late` for the
    // event's orders. The day's orders are 250; the event's -750 carry the normal rate, so
    // `late` contacts of that day's orders are 250 × 0.1 = 25, never negative.
    let ev = r#"[(name: "dip", date: On("2027-03-10"), uplift: [(-1, 1.0), (0, 0.25), (1, 1.0)],
                  contact_rate_multipliers: {"late": 3.0})]"#;
    let d = run(&small(TWO_WEEKS, ev, NO_CAMPAIGNS, NO_LEVERS));
    let day = d
        .days
        .iter()
        .position(|x| x.to_string() == "2027-03-10")
        .unwrap();
    assert_eq!(d.orders_of(day, 1), -750.0);
    // Event contacts: -750 × 0.1 = -75, all inside the calendar.
    assert!(close(reason_source_total(&d, 0, 1), -75.0, 1e-12));
    for i in 0..d.intervals.len() {
        for r in 0..d.reasons.len() {
            for c in 0..d.channels.len() {
                assert!(d.total(i, r, c) >= -1e-12);
            }
        }
    }
}

#[test]
fn follows_order_refuses_lags_of_weeks() {
    let mut s = small(TWO_WEEKS, NO_EVENTS, NO_CAMPAIGNS, NO_LEVERS);
    s.reasons[1].lag = peakplan::scenario::Lag::Exponential { mean_h: 24.0 * 5.0 };
    let e = demand::compute(&s).unwrap_err().to_string();
    assert!(
        e.contains("reasons[1].timing") && e.contains("DailyProfile"),
        "{e}"
    );
}

#[test]
fn a_custom_arrival_profile_places_its_channel_on_its_days_only() {
    // All Monday phone arrivals in 12:00–12:30 (a half-hourly profile: 48 weights).
    let mut s = small(TWO_WEEKS, NO_EVENTS, NO_CAMPAIGNS, NO_LEVERS);
    let mut w = vec![0.0; 48];
    w[24] = 1.0;
    s.arrival_profiles.push(peakplan::scenario::ArrivalProfile {
        channel: "phone".into(),
        days: vec![peakplan::scenario::Day::Mon],
        weights: w,
    });
    let d = run(&s);
    let plain = run(&small(TWO_WEEKS, NO_EVENTS, NO_CAMPAIGNS, NO_LEVERS));
    for (i, iv) in d.intervals.iter().enumerate() {
        let monday = peakplan::scenario::Day::of(d.days[iv.day]) == peakplan::scenario::Day::Mon;
        let noon = iv.local_start.hour() == 12 && iv.local_start.minute() < 30;
        // `late` (DailyProfile) on the phone: only 12:00–12:30 on Mondays, as before elsewhere.
        let v = d.total(i, 0, 0);
        if monday && !noon {
            assert_eq!(v, 0.0, "{}", iv.local_start);
        }
        if !monday {
            assert_eq!(v, plain.total(i, 0, 0));
        }
        // E-mail is untouched.
        assert_eq!(d.total(i, 0, 1), plain.total(i, 0, 1));
    }
    // A Monday's phone contacts of `late` all land in its two quarter hours, equally.
    let day = 7; // Monday 8 March
    let cells: Vec<f64> = d
        .intervals
        .iter()
        .enumerate()
        .filter(|(_, iv)| {
            iv.day == day && iv.local_start.hour() == 12 && iv.local_start.minute() < 30
        })
        .map(|(i, _)| d.total(i, 0, 0))
        .collect();
    assert_eq!(cells.len(), 2);
    assert!(close(cells[0], cells[1], 1e-12));
    assert!(close(
        cells[0] + cells[1],
        0.6 * reason_day_total(&d, 0, day),
        1e-12
    ));
}
