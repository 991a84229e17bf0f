//! A small multi-channel day shared by the simulator and Monte-Carlo tests: phone (live,
//! lognormal patience, redials), chat (2 concurrent, +25%), e-mail (deferred, worked 08–16),
//! two reasons (one transferring to the back office), three groups (front office, a flex
//! group on phone only, back office), a ramped arrival profile and day volume noise.
#![allow(dead_code)]

use peakplan::sim::*;
use peakplan::units::SlDefinition;

pub const INTERVAL_MS: u64 = 15 * 60 * 1000;

pub fn day_model(days: u32) -> Model {
    let per_day = 56usize; // 06:00–20:00 in quarters
    let ni = per_day * days as usize;
    let intervals: Vec<Interval> = (0..ni)
        .map(|i| Interval {
            start_ms: i as u64 * INTERVAL_MS,
            len_ms: INTERVAL_MS,
            day: (i / per_day) as u32,
        })
        .collect();
    // A ramp: quiet mornings, a peak in the middle of the day.
    let shape = |i: usize| {
        let x = (i % per_day) as f64 / per_day as f64;
        0.3 + 1.7 * (std::f64::consts::PI * x).sin().powi(2)
    };
    let phone = Channel {
        patience: Some(Dist::LogNormal {
            mean_s: 150.0,
            cv: 1.0,
        }),
        redial_probability: 0.3,
        redial_delay: Dist::Exponential { mean_s: 300.0 },
        ..Channel::live("phone", 0.85, 15.0, None)
    };
    let chat = Channel {
        kind: ChannelKind::Chat {
            max_concurrent: 2,
            slowdown_per_extra: 0.25,
        },
        priority: 1,
        patience: Some(Dist::Exponential { mean_s: 300.0 }),
        ..Channel::live("chat", 0.8, 60.0, None)
    };
    let email = Channel {
        kind: ChannelKind::Deferred,
        priority: 2,
        open: (0..ni).map(|i| (8..48).contains(&(i % per_day))).collect(),
        ..Channel::live("email", 0.9, 4.0 * 3600.0, None)
    };
    let reasons = vec![
        Reason {
            name: "where_is_my_order".into(),
            skill: 0,
            fcr: 0.8,
            handling: vec![
                Some(Dist::LogNormal {
                    mean_s: 240.0,
                    cv: 1.1,
                }),
                Some(Dist::Gamma {
                    mean_s: 400.0,
                    cv: 0.8,
                }),
                Some(Dist::Exponential { mean_s: 180.0 }),
            ],
            transfer: None,
        },
        Reason {
            name: "complaint".into(),
            skill: 0,
            fcr: 0.6,
            handling: vec![
                Some(Dist::LogNormal {
                    mean_s: 420.0,
                    cv: 1.2,
                }),
                None,
                Some(Dist::Fixed { s: 300.0 }),
            ],
            transfer: Some(Transfer {
                share: 0.3,
                to_skill: 1,
                handling: vec![None, None, None],
            }),
        },
    ];
    let mut streams = Vec::new();
    for (reason, channel, tag, per_interval) in [
        (0, 0, 0, 22.0),
        (0, 0, 1, 6.0),
        (0, 1, 0, 8.0),
        (0, 2, 0, 10.0),
        (1, 0, 0, 5.0),
        (1, 2, 1, 3.0),
    ] {
        streams.push(Stream {
            reason,
            channel,
            tag,
            expected: (0..ni).map(|i| per_interval * shape(i)).collect(),
        });
    }
    let staff = |base: f64| -> Vec<u32> {
        (0..ni)
            .map(|i| (base * (0.5 + 0.6 * shape(i))).round() as u32)
            .collect()
    };
    Model {
        intervals,
        channels: vec![phone, chat, email],
        skills: vec!["front_office".into(), "back_office".into()],
        reasons,
        tags: vec!["baseline".into(), "campaign".into()],
        streams,
        groups: vec![
            Group {
                name: "front".into(),
                unit: 0,
                channels: vec![0, 1, 2],
                skills: vec![0],
                aht_factor: 1.0,
                staff: staff(20.0),
                absence: 0.07,
                in_shift: 0.2,
            },
            Group {
                name: "flex".into(),
                unit: 1,
                channels: vec![0],
                skills: vec![0],
                aht_factor: 1.15,
                staff: staff(5.0),
                absence: 0.05,
                in_shift: 0.1,
            },
            Group {
                name: "back".into(),
                unit: 2,
                channels: vec![0, 2],
                skills: vec![1],
                aht_factor: 1.0,
                staff: vec![2; ni],
                absence: 0.0,
                in_shift: 0.0,
            },
        ],
        behaviour: Behaviour {
            repeat_delay: Dist::Exponential {
                mean_s: 4.0 * 3600.0,
            },
            repeat_other_channel: Some((2, 0.2)),
            channel_switch: Some((1, 0.2, Dist::Exponential { mean_s: 600.0 })),
            max_contacts_per_customer: 8,
            reserve_idle_agents: 0,
        },
        volume_cv: 0.1,
        day_volume_cv: Vec::new(),
        sl_definition: SlDefinition::Offered,
    }
}

/// A synthetic 6-week Christmas season (stand-in for `scenarios/christmas.ron` until the
/// scenario lowering exists): 42 days of 24 h in 15-minute intervals (4,032 intervals),
/// phone / chat / e-mail, three reasons with two tags (baseline, a campaign), a December
/// run-up from about 6,000 to 15,000 contacts a day (2.5×) with weekend dips and an
/// intraday profile, 10% day-volume noise, a permanent team plus a flex pool that scale
/// with the forecast, a back office, redials, repeats and transfers. About 400,000
/// contacts per replication.
pub fn season_model() -> Model {
    let days = 42usize;
    let per_day = 96usize;
    let ni = days * per_day;
    let mut m = day_model(1);
    m.intervals = (0..ni)
        .map(|i| Interval {
            start_ms: i as u64 * INTERVAL_MS,
            len_ms: INTERVAL_MS,
            day: (i / per_day) as u32,
        })
        .collect();
    // Open 08:00–22:00 (intervals 32..88); e-mail worked 08:00–20:00.
    let open = |i: usize| (32..88).contains(&(i % per_day));
    let day_level = |d: usize| {
        let ramp = 1.0 + 1.5 * (d as f64 / 35.0).min(1.0); // up to Christmas
        let after = if d > 35 { 0.5 } else { 1.0 };
        let weekend = if d % 7 >= 5 { 0.7 } else { 1.0 };
        ramp * after * weekend
    };
    let intraday = |i: usize| {
        let q = i % per_day;
        if !open(q) {
            return 0.0;
        }
        let x = (q - 32) as f64 / 56.0;
        0.5 + (std::f64::consts::PI * x).sin() + 0.3 * (3.0 * std::f64::consts::PI * x).sin().abs()
    };
    let norm: f64 = (0..per_day).map(intraday).sum();
    let shape = |i: usize| day_level(i / per_day) * intraday(i) / norm;
    for ch in &mut m.channels {
        ch.open = (0..ni).map(open).collect();
    }
    m.channels[2].open = (0..ni).map(|i| (32..80).contains(&(i % per_day))).collect();
    // Contacts per day at level 1, per stream (reason, channel, tag).
    let daily = [
        (0, 0, 0, 2600.0),
        (0, 0, 1, 700.0),
        (0, 1, 0, 700.0),
        (0, 2, 0, 1000.0),
        (1, 0, 0, 600.0),
        (1, 2, 1, 300.0),
    ];
    m.streams = daily
        .iter()
        .map(|&(reason, channel, tag, per_day_n)| Stream {
            reason,
            channel,
            tag,
            expected: (0..ni).map(|i| per_day_n * shape(i)).collect(),
        })
        .collect();
    // Staff: ~ offered load / 0.8 plus shrinkage, split permanent / flex.
    let load = |i: usize| {
        let per_s = 5900.0 * shape(i) / 900.0;
        per_s * 300.0
    };
    m.groups[0].staff = (0..ni)
        .map(|i| {
            if open(i) {
                (load(i) / 0.62 * 0.75).ceil() as u32
            } else {
                0
            }
        })
        .collect();
    m.groups[1].staff = (0..ni)
        .map(|i| {
            if open(i) {
                (load(i) / 0.62 * 0.30).ceil() as u32
            } else {
                0
            }
        })
        .collect();
    m.groups[2].staff = (0..ni).map(|i| if open(i) { 4 } else { 0 }).collect();
    m.behaviour.repeat_delay = Dist::Exponential {
        mean_s: 24.0 * 3600.0,
    };
    m
}
