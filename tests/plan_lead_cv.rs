//! The plan staffs for the volume risk of each date's lead: on a small scenario with
//! volumes per date and `simulation.volume_cv_by_lead`, the flex headcount never falls as
//! the cv grows (the same scenario, seed and options, only the cv changes).
//!
//! One file on purpose: it uses `staffing::plan::plan` the way `peakplan plan` does, so if
//! the plan API changes this is the only place to adapt. Runs in a few seconds (one hourly
//! day, 60 iteration replications); the same check by hand:
//! `peakplan plan SCENARIO --set simulation.volume_cv_by_lead.cv=[(1,0.2)] --no-frontier`.

use peakplan::scenario;
use peakplan::staffing::plan::{PlanOptions, plan};
use peakplan::staffing::requirement::Method;

/// One Wednesday, hourly, 08:00–20:00, 2,400 calls (≈ 17 Erlangs at 5 min), a permanent
/// team of 5 and a pool that can cover any hour; the forecast origin is the Monday before,
/// so the day's lead is 2 days and its cv is `cv`.
fn scenario_text(cv: f64) -> String {
    format!(
        r#"(
    name: "lead_cv",
    calendar: (start: "2027-03-03", end: "2027-03-03", interval_min: 60, time_zone: "UTC"),
    channels: [(
        name: "phone", kind: Live, target: (share: 0.8, within_s: 20),
        opening_hours: (wed: ("08:00", "20:00")),
    )],
    orders: (baseline_per_day: ()),
    volumes: [(reason: "question", per_date: [(date: "2027-03-03", channel: "phone", contacts: 2400)])],
    reasons: [(
        name: "question", channel_mix: {{"phone": 1.0}},
        handling: {{"phone": Exponential(mean_s: 300)}}, fcr: 1.0,
    )],
    agents: (
        teams: [(
            name: "team", skills: ["front_office"], channels: ["phone"],
            shifts: [(days: [Wed], start: "08:00", end: "20:00", heads: 5)],
            shrinkage: (absence: 0.0, in_shift: 0.0), hourly_cost_eur: 30,
        )],
        flex_pools: [(
            name: "flex", kind: TempAgency, max_headcount: 80,
            availability: (wed: ("08:00", "20:00")),
            min_shift_h: 1, max_shift_h: 8, aht_factor: 1.0,
            skills: ["front_office"], channels: ["phone"],
            shrinkage: (absence: 0.0, in_shift: 0.0), hourly_cost_eur: 35,
        )],
    ),
    behaviour: (
        patience: {{"phone": Exponential(mean_s: 1000000)}},
        redial: (probability: 0.0, delay: Exponential(mean_s: 600)),
        repeat: (delay: Exponential(mean_s: 86400), other_channel_share: 0.0, other_channel: "phone"),
    ),
    simulation: (
        replications: 60, seed: 5, confidence: 0.9, volume_cv: 0.0,
        volume_cv_by_lead: (origin: "2027-03-01", cv: [(1, {cv}), (10, {cv})]),
    ),
)"#
    )
}

#[test]
fn flex_headcount_does_not_fall_as_the_lead_cv_grows() {
    let mut heads = Vec::new();
    for cv in [0.0, 0.1, 0.2, 0.3] {
        let sc = scenario::load_str(&scenario_text(cv), &[]).unwrap();
        let d = peakplan::demand::compute(&sc).unwrap();
        let m = peakplan::sim::Model::from_scenario(&sc, &d).unwrap();
        assert_eq!(m.day_volume_cv, vec![cv], "the day's cv is its lead's");
        let opts = PlanOptions {
            method: Method::Simulation,
            iter_replications: 60,
            replications: 100,
            frontier_replications: 30,
            frontier: false,
            ..PlanOptions::for_scenario(&sc)
        };
        let p = plan(&sc, &d, &opts).unwrap();
        heads.push((cv, p.cover.peak_day_headcount, p.cover.total_hours));
    }
    eprintln!("(cv, peak-day flex heads, flex hours): {heads:?}");
    for w in heads.windows(2) {
        assert!(
            w[1].1 >= w[0].1,
            "flex heads fell from cv {} to cv {}: {heads:?}",
            w[0].0,
            w[1].0
        );
    }
    // The contrast that makes the test bite: the uncertain day needs clearly more.
    assert!(
        heads[3].1 >= heads[0].1 + 3,
        "cv 0.3 should need several more flex agents than cv 0: {heads:?}"
    );
}
