//! Shared helpers of the demand tests: a small scenario written out in RON, and a plain
//! loader (no `extends`).
#![allow(dead_code)]

use peakplan::demand::Demand;
use peakplan::scenario::Scenario;

/// Parses scenario text the way scenario files are read (implicit `Some`).
pub fn parse(text: &str) -> Scenario {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str::<Scenario>(text)
        .unwrap_or_else(|e| panic!("test scenario does not parse: {e}"))
}

/// Reads a shipped scenario file.
pub fn shipped(name: &str) -> Scenario {
    let path = format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    parse(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
}

/// A small scenario: 1,000 orders every day, phone open around the clock (so nothing moves
/// for closed hours), e-mail deferred; three reasons:
/// * `late` (DailyProfile, 100 per 1,000, Days [0.5, 0.3, 0.2], phone 0.6 / email 0.4),
/// * `edit` (FollowsOrder, 40 per 1,000, Exponential mean 0.5 h, phone only),
/// * `account` (no orders; fed by a 50-a-day other source, e-mail only).
///
/// `{calendar}`, `{events}`, `{campaigns}` and `{levers}` are filled in by the caller.
pub fn small(calendar: &str, events: &str, campaigns: &str, levers: &str) -> Scenario {
    parse(&format!(
        r#"Scenario(
    name: "small",
    calendar: {calendar},
    channels: [
        (name: "phone", kind: Live, target: (share: 0.85, within_s: 15),
         opening_hours: (mon: ("00:00", "24:00"), tue: ("00:00", "24:00"), wed: ("00:00", "24:00"),
                         thu: ("00:00", "24:00"), fri: ("00:00", "24:00"), sat: ("00:00", "24:00"),
                         sun: ("00:00", "24:00"))),
        (name: "email", kind: Deferred, target: (share: 0.9, within_s: 86400),
         opening_hours: (mon: ("08:00", "17:00"))),
    ],
    orders: (baseline_per_day: (mon: 1000, tue: 1000, wed: 1000, thu: 1000, fri: 1000, sat: 1000, sun: 1000)),
    events: {events},
    campaigns: {campaigns},
    other_sources: [(name: "accounts", reason: "account",
        per_day: (mon: 50, tue: 50, wed: 50, thu: 50, fri: 50, sat: 50, sun: 50))],
    reasons: [
        (name: "late", per_1000_orders: 100, lag: Days([0.5, 0.3, 0.2]),
         channel_mix: {{"phone": 0.6, "email": 0.4}}, handling: {{"phone": Exponential(mean_s: 300)}},
         preventable_share: 0.5),
        (name: "edit", per_1000_orders: 40, lag: Exponential(mean_h: 0.5), timing: FollowsOrder,
         channel_mix: {{"phone": 1.0}}, handling: {{"phone": Exponential(mean_s: 300)}}),
        (name: "account", channel_mix: {{"email": 1.0}}, handling: {{"email": Exponential(mean_s: 300)}}),
    ],
    levers: {levers},
    agents: (teams: [(name: "t", skills: ["front_office"], channels: ["phone", "email"],
        shifts: [(days: [Mon], start: "08:00", end: "16:00", heads: 1)], hourly_cost_eur: 30)]),
)"#
    ))
}

/// Two weeks of March 2027 (before the DST change).
pub const TWO_WEEKS: &str = r#"(start: "2027-03-01", end: "2027-03-14")"#;

/// Σ expected of one reason over everything.
pub fn reason_total(d: &Demand, reason: usize) -> f64 {
    (0..d.intervals.len())
        .flat_map(|i| (0..d.channels.len()).map(move |c| (i, c)))
        .map(|(i, c)| d.total(i, reason, c))
        .sum()
}

/// Σ expected of one reason and source.
pub fn reason_source_total(d: &Demand, reason: usize, source: usize) -> f64 {
    let mut t = 0.0;
    for i in 0..d.intervals.len() {
        for c in 0..d.channels.len() {
            t += d.get(i, reason, c, source);
        }
    }
    t
}

/// Σ expected of one reason on one calendar day (all channels and sources).
pub fn reason_day_total(d: &Demand, reason: usize, day: usize) -> f64 {
    d.intervals
        .iter()
        .enumerate()
        .filter(|(_, iv)| iv.day == day)
        .map(|(i, _)| {
            (0..d.channels.len())
                .map(|c| d.total(i, reason, c))
                .sum::<f64>()
        })
        .sum()
}

/// Relative closeness.
pub fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-300)
}
