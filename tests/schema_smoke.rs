//! The schema reads a small hand-written scenario, defaults included.
use peakplan::scenario::{ChannelKind, DurationDist, Scenario};

const MINIMAL: &str = r#"
#![enable(implicit_some)]
Scenario(
    name: "minimal",
    calendar: (start: "2027-02-01", end: "2027-02-15"),
    orders: (baseline_per_day: (mon: 1000, tue: 1000, wed: 1000, thu: 1000, fri: 1000, sat: 800, sun: 700)),
    events: [(name: "valentine", date: ValentinesDay, uplift: [(-7, 1.0), (-1, 4.0), (0, 2.0), (1, 1.0)])],
    reasons: [
        (
            name: "where_is_my_order",
            per_1000_orders: 120,
            lag: LogNormal(mean_h: 40, cv: 0.5),
            channel_mix: {"phone": 0.6, "email": 0.4},
            handling: {"phone": LogNormal(mean_s: 300, cv: 1.1), "email": Exponential(mean_s: 240)},
            transfer: (share: 0.1, to_skill: "back_office"),
        ),
    ],
    agents: (teams: [(name: "fo", skills: ["front_office"], channels: ["phone", "email"],
        shifts: [(days: [Mon, Tue, Wed, Thu, Fri], start: "08:00", end: "16:30", heads: 10)],
        hourly_cost_eur: 32.5)]),
)
"#;

#[test]
fn minimal_scenario_reads_with_defaults() {
    let s: Scenario = ron::from_str(MINIMAL).expect("minimal scenario parses");
    assert_eq!(s.calendar.interval_min, 15);
    assert_eq!(s.calendar.time_zone, "Europe/Amsterdam");
    assert_eq!(s.channels.len(), 4);
    assert_eq!(s.channels[0].kind, ChannelKind::Live);
    assert_eq!(s.reasons[0].fcr, 0.75);
    assert_eq!(
        s.reasons[0].transfer.as_ref().unwrap().to_skill,
        "back_office"
    );
    assert_eq!(
        s.reasons[0].handling["email"],
        DurationDist::Exponential { mean_s: 240.0 }
    );
    assert!((s.agents.teams[0].shrinkage.total() - (1.0 - 0.93 * 0.75)).abs() < 1e-12);
    assert_eq!(s.agents.teams[0].shifts[0].start.minutes(), 8 * 60);
}
