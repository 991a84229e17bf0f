//! Lowering a scenario and its demand into a simulation model: opening hours, shifts,
//! streams per source, behaviour, and a run whose volume matches the demand.

use jiff::civil::date;
use peakplan::demand::{Demand, Interval, Source, SourceKind};
use peakplan::scenario::Scenario;
use peakplan::sim::{ChannelKind, Dist, Model, Simulator};

const SCENARIO: &str = r#"
#![enable(implicit_some)]
Scenario(
    name: "lowering",
    calendar: (start: "2027-02-05", end: "2027-02-06"),
    orders: (baseline_per_day: (mon: 1000, tue: 1000, wed: 1000, thu: 1000, fri: 1000, sat: 800, sun: 700)),
    events: [(name: "valentine", date: ValentinesDay, uplift: [(-7, 1.0), (-1, 4.0), (0, 2.0), (1, 1.0)])],
    reasons: [
        (
            name: "where_is_my_order",
            per_1000_orders: 120,
            channel_mix: {"phone": 0.6, "email": 0.4},
            handling: {"phone": LogNormal(mean_s: 300, cv: 1.1), "email": Exponential(mean_s: 240)},
            transfer: (share: 0.1, to_skill: "back_office"),
        ),
    ],
    agents: (
        teams: [
            (name: "fo", skills: ["front_office"], channels: ["phone", "email"],
             shifts: [(days: [Mon, Tue, Wed, Thu, Fri], start: "08:00", end: "16:30", heads: 10),
                      (days: [Sat], start: "09:00", end: "18:00", heads: 6)],
             hourly_cost_eur: 32.5),
            (name: "bo", skills: ["back_office"], channels: ["phone", "email"],
             shifts: [(days: [Fri, Sat], start: "09:00", end: "17:00", heads: 2)],
             hourly_cost_eur: 40),
        ],
        flex_pools: [(name: "temps", kind: TempAgency, max_headcount: 20,
            availability: (fri: ("08:00", "22:00"), sat: ("08:00", "22:00")),
            skills: ["front_office"], channels: ["phone"], hourly_cost_eur: 28,
            scheduled: [(date: "2027-02-05", start: "12:00", end: "20:00", heads: 4)])],
    ),
)
"#;

/// Two days (Fri 5 and Sat 6 February 2027) of 96 quarter-hours; phone contacts from two
/// sources (baseline 4, valentine 2 per open quarter-hour), e-mail 3 per quarter-hour.
fn demand(sc: &Scenario) -> Demand {
    let days = vec![date(2027, 2, 5), date(2027, 2, 6)];
    let mut intervals = Vec::new();
    for (d, day) in days.iter().enumerate() {
        for q in 0..96i8 {
            intervals.push(Interval {
                day: d,
                local_start: day.at(q / 4, (q % 4) * 15, 0, 0),
                start_utc: jiff::Timestamp::from_second((d as i64 * 96 + q as i64) * 900).unwrap(),
                length_s: 900,
            });
        }
    }
    let channels: Vec<String> = sc.channels.iter().map(|c| c.name.clone()).collect();
    let phone = channels.iter().position(|c| c == "phone").unwrap();
    let email = channels.iter().position(|c| c == "email").unwrap();
    let sources = vec![
        Source {
            name: "baseline".into(),
            kind: SourceKind::Baseline,
        },
        Source {
            name: "valentine".into(),
            kind: SourceKind::Event(0),
        },
    ];
    let mut dm = Demand {
        days,
        intervals,
        reasons: vec!["where_is_my_order".into()],
        channels,
        sources,
        expected: vec![],
        orders: vec![],
        spill: vec![],
        ..Default::default()
    };
    dm.expected = vec![0.0; dm.intervals.len() * dm.channels.len() * 2];
    for i in 0..dm.intervals.len() {
        let q = i % 96;
        if (36..72).contains(&q) {
            let k = dm.index(i, 0, phone, 0);
            dm.expected[k] = 4.0;
            let k = dm.index(i, 0, phone, 1);
            dm.expected[k] = 2.0;
        }
        let k = dm.index(i, 0, email, 0);
        dm.expected[k] = 3.0;
    }
    dm
}

#[test]
fn scenario_and_demand_lower_into_a_model() {
    let sc: Scenario = ron::from_str(SCENARIO).unwrap();
    let dm = demand(&sc);
    let m = Model::from_scenario(&sc, &dm).unwrap();
    assert_eq!(m.intervals.len(), 192);
    assert_eq!(m.intervals[96].start_ms, 96 * 900_000);
    assert_eq!(m.intervals[96].day, 1);
    let phone = m.channels.iter().position(|c| c.name == "phone").unwrap();
    let email = m.channels.iter().position(|c| c.name == "email").unwrap();
    // Default phone hours: Fri 08:00–22:00, Sat 09:00–18:00.
    let p = &m.channels[phone];
    assert!(!p.is_open(31) && p.is_open(32) && p.is_open(87) && !p.is_open(88));
    assert!(!p.is_open(96 + 35) && p.is_open(96 + 36) && !p.is_open(96 + 72));
    assert_eq!(p.kind, ChannelKind::Live);
    assert_eq!(p.patience, Some(Dist::Exponential { mean_s: 180.0 }));
    assert_eq!(p.redial_probability, 0.5);
    assert_eq!(m.channels[email].kind, ChannelKind::Deferred);
    assert_eq!(m.channels[email].redial_probability, 0.0);
    // Streams: phone × 2 sources and e-mail × baseline, tagged by source.
    assert_eq!(m.streams.len(), 3);
    assert_eq!(
        m.tags,
        vec!["baseline".to_string(), "valentine".to_string()]
    );
    assert!(m.streams.iter().any(|s| s.channel == phone && s.tag == 1));
    // Skills: the reason's, its transfer's.
    assert_eq!(
        m.skills,
        vec!["front_office".to_string(), "back_office".to_string()]
    );
    assert_eq!(m.reasons[0].transfer.as_ref().unwrap().to_skill, 1);
    // Staff: fo 10 on Friday 08:00–16:30, 6 on Saturday 09:00–18:00; the temps 12:00–20:00.
    let fo = &m.groups[0].staff;
    assert_eq!((fo[31], fo[32], fo[65], fo[66]), (0, 10, 10, 0));
    assert_eq!(
        (fo[96 + 35], fo[96 + 36], fo[96 + 71], fo[96 + 72]),
        (0, 6, 6, 0)
    );
    let temps = &m.groups[2];
    assert_eq!(temps.name, "temps");
    assert_eq!(
        (
            temps.staff[47],
            temps.staff[48],
            temps.staff[79],
            temps.staff[80]
        ),
        (0, 4, 4, 0)
    );
    assert_eq!(temps.staff[96 + 50], 0, "scheduled on Friday only");
    assert!((temps.aht_factor - 1.15).abs() < 1e-12);
    assert!((m.volume_cv - 0.1).abs() < 1e-12);
    // Call blending: the scenario default reserves 2 idle agents per group.
    assert_eq!(m.behaviour.reserve_idle_agents, 2);
}

#[test]
fn blending_reserve_lowers_from_the_agents_section() {
    let text = SCENARIO.replace(
        "        flex_pools: [",
        "        blending: (reserve_idle_agents: 7),\n        flex_pools: [",
    );
    let sc: Scenario = ron::from_str(&text).unwrap();
    assert_eq!(sc.agents.blending.reserve_idle_agents, 7);
    let m = Model::from_scenario(&sc, &demand(&sc)).unwrap();
    assert_eq!(m.behaviour.reserve_idle_agents, 7);
}

#[test]
fn lowered_model_runs_with_the_demanded_volume() {
    let sc: Scenario = ron::from_str(SCENARIO).unwrap();
    let mut m = Model::from_scenario(&sc, &demand(&sc)).unwrap();
    m.volume_cv = 0.0;
    let sim = Simulator::new(&m).unwrap();
    // First contacts = customers; 40 replications of ~720 expected: mean within ±1.5%.
    let expected: f64 = m.streams.iter().flat_map(|s| s.expected.iter()).sum();
    let total: f64 = (0..40)
        .map(|r| sim.run(3, r).customers.arrived as f64)
        .sum();
    let mean = total / 40.0;
    // sd of the mean √(720/40) ≈ 4.2 contacts; 4 sd ≈ 17.
    assert!((mean - expected).abs() < 17.0, "{mean} vs {expected}");
}

#[test]
fn unknown_names_are_reported() {
    let mut sc: Scenario = ron::from_str(SCENARIO).unwrap();
    let dm = demand(&sc);
    sc.agents.teams[0].channels.push("fax".into());
    let e = Model::from_scenario(&sc, &dm).unwrap_err().to_string();
    assert!(e.contains("teams[fo]") && e.contains("`fax`"), "{e}");
}
