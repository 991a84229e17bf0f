//! The shipped scenarios: every file computes, and each is calibrated to the figures the
//! issue and the brief give (checked here, so a careless edit of a number is caught).

use crate::demand_common::*;
use peakplan::demand::{self, Demand, SourceKind};
use peakplan::scenario::{Campaign, ChannelKind, DurationDist, Levers, PoolKind, Scenario};
use serde::Deserialize;

const PLAIN: [&str; 4] = [
    "baseline.ron",
    "valentines.ron",
    "mothers_day.ron",
    "christmas.ron",
];

/// Contacts per day (all reasons, channels, sources) and the share of one reason.
fn day_totals(d: &Demand) -> Vec<f64> {
    let mut t = vec![0.0; d.days.len()];
    for (i, iv) in d.intervals.iter().enumerate() {
        t[iv.day] += d.interval_total(i);
    }
    t
}

fn day_orders(d: &Demand) -> Vec<f64> {
    (0..d.days.len())
        .map(|day| (0..d.sources.len()).map(|s| d.orders_of(day, s)).sum())
        .collect()
}

fn argmax(v: &[f64]) -> usize {
    (0..v.len()).max_by(|a, b| v[*a].total_cmp(&v[*b])).unwrap()
}

fn channel_share(d: &Demand, name: &str) -> f64 {
    let c = d.channel_index(name).unwrap();
    let part: f64 = (0..d.intervals.len())
        .flat_map(|i| (0..d.reasons.len()).map(move |r| (i, r)))
        .map(|(i, r)| d.total(i, r, c))
        .sum();
    part / d.expected.iter().sum::<f64>()
}

#[test]
fn every_shipped_scenario_computes_and_has_the_required_parts() {
    for name in PLAIN {
        let s = shipped(name);
        let d = demand::compute(&s).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(d.expected.iter().all(|v| v.is_finite()), "{name}");
        assert!(!s.campaigns.is_empty(), "{name}: at least one campaign");
        let teams: Vec<&str> = s.agents.teams.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(teams, ["front_office", "back_office", "webcare"], "{name}");
        assert!(s.agents.flex_pools.len() >= 2, "{name}: two flex pools");
        assert!(
            s.agents.flex_pools.iter().all(|p| p.hourly_cost_eur > 0.0),
            "{name}: pools have costs"
        );
        let reasons: Vec<&str> = s.reasons.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "where_is_my_order",
                "delivery_problem",
                "edit_order",
                "payment",
                "complaint_refund",
                "product_question"
            ],
            "{name}"
        );
        // Channel mixes sum to 1; phone handling lognormal with CV above 1 and mean 3–8 min.
        for r in &s.reasons {
            assert!(
                (r.channel_mix.values().sum::<f64>() - 1.0).abs() < 1e-9,
                "{name} {}",
                r.name
            );
            match r.handling["phone"] {
                DurationDist::LogNormal { mean_s, cv } => {
                    assert!(
                        cv > 1.0 && (180.0..=480.0).contains(&mean_s),
                        "{name} {}",
                        r.name
                    )
                }
                ref other => panic!("{name} {}: phone handling {other:?}", r.name),
            }
        }
        // Phone at NEN 8878.
        let phone = s.channels.iter().find(|c| c.name == "phone").unwrap();
        assert_eq!(
            (phone.kind, phone.target.share, phone.target.within_s),
            (ChannelKind::Live, 0.85, 15.0)
        );
        // ~30% shrinkage.
        for t in &s.agents.teams {
            assert!((t.shrinkage.total() - 0.30).abs() < 0.01, "{name}");
        }
    }
    let xmas = shipped("christmas.ron");
    assert!(
        xmas.agents
            .flex_pools
            .iter()
            .any(|p| p.kind == PoolKind::Outsourcer)
    );
}

#[test]
fn baseline_matches_the_normal_figures() {
    let s = shipped("baseline.ron");
    let d = demand::compute(&s).unwrap();
    assert!(d.event_dates.is_empty());
    // 8–15k orders on a normal day; a few thousand contacts.
    let orders = day_orders(&d);
    assert!(
        orders.iter().all(|o| (7_000.0..=15_000.0).contains(o)),
        "{orders:?}"
    );
    let contacts = day_totals(&d);
    assert!(
        contacts.iter().all(|c| (1_500.0..=5_000.0).contains(c)),
        "{contacts:?}"
    );
    // Where-is-my-order 30–40% of contacts normally.
    let wismo = reason_total(&d, 0) / d.expected.iter().sum::<f64>();
    assert!((0.30..=0.40).contains(&wismo), "{wismo}");
    // Channels: phone ≈ 60%, e-mail ≈ 27%, chat ≈ 11%.
    let (p, e, c) = (
        channel_share(&d, "phone"),
        channel_share(&d, "email"),
        channel_share(&d, "chat"),
    );
    assert!(
        (0.56..=0.64).contains(&p) && (0.24..=0.30).contains(&e) && (0.09..=0.14).contains(&c),
        "{p} {e} {c}"
    );
    // First-contact resolution 70–75% weighted by contacts; phone AHT 4–6 min.
    let total = d.expected.iter().sum::<f64>();
    let fcr: f64 = s
        .reasons
        .iter()
        .enumerate()
        .map(|(r, x)| x.fcr * reason_total(&d, r))
        .sum::<f64>()
        / total;
    assert!((0.70..=0.75).contains(&fcr), "{fcr}");
    let ph = d.channel_index("phone").unwrap();
    let (mut calls, mut secs) = (0.0, 0.0);
    for (r, x) in s.reasons.iter().enumerate() {
        let n: f64 = (0..d.intervals.len()).map(|i| d.total(i, r, ph)).sum();
        if let DurationDist::LogNormal { mean_s, .. } = x.handling["phone"] {
            calls += n;
            secs += n * mean_s;
        }
    }
    let aht = secs / calls;
    assert!((240.0..=360.0).contains(&aht), "{aht}");
}

#[test]
fn valentines_and_mothers_day_peak_at_several_times_normal_with_wismo_half_or_more() {
    let normal = {
        let d = demand::compute(&shipped("baseline.ron")).unwrap();
        let o = day_orders(&d);
        o.iter().sum::<f64>() / o.len() as f64
    };
    for (name, event_day) in [
        ("valentines.ron", "2027-02-14"),
        ("mothers_day.ron", "2027-05-09"),
    ] {
        let d = demand::compute(&shipped(name)).unwrap();
        assert_eq!(d.event_dates[0].to_string(), event_day, "{name}");
        let orders = day_orders(&d);
        let peak = argmax(&orders);
        assert!(
            orders[peak] >= 3.0 * normal,
            "{name}: peak {} vs normal {normal}",
            orders[peak]
        );
        assert!(
            d.days[peak] < d.event_dates[0],
            "{name}: the peak is in the last days before"
        );
        let contacts = day_totals(&d);
        let cpeak = argmax(&contacts);
        let wismo = reason_day_total(&d, 0, cpeak) / contacts[cpeak];
        assert!(
            wismo >= 0.5,
            "{name}: where-is-my-order {wismo} of the peak day"
        );
    }
}

#[test]
fn christmas_has_a_two_to_three_fold_run_up() {
    let s = shipped("christmas.ron");
    let d = demand::compute(&s).unwrap();
    // Orders of the baseline and the Christmas event alone (campaigns and Sinterklaas apart).
    let xmas = d.source_index("christmas").unwrap();
    let ratio: Vec<f64> = (0..d.days.len())
        .map(|k| (d.orders_of(k, 0) + d.orders_of(k, xmas)) / d.orders_of(k, 0))
        .collect();
    let top = ratio.iter().cloned().fold(f64::MIN, f64::max);
    assert!((2.0..=3.0 + 1e-9).contains(&top), "{top}");
    assert_eq!(d.days[0].to_string(), "2027-12-01");
    assert_eq!(d.days.len(), 31);
    // Black Friday lies before the calendar: its contacts are all lead-in.
    let bf = d.source_index("black_friday").unwrap();
    assert!(matches!(d.sources[bf].kind, SourceKind::Event(_)));
    assert!((0..d.days.len()).all(|k| d.orders_of(k, bf) == 0.0));
    let ns = d.sources.len();
    let bf_lead: f64 = (0..d.reasons.len()).map(|r| d.lead_in[r * ns + bf]).sum();
    let bf_total: f64 = (0..d.reasons.len())
        .map(|r| reason_source_total(&d, r, bf))
        .sum();
    assert!(bf_total > 0.0 && close(bf_lead, bf_total, 1e-9));
    // Closed on 25 and 26 December: no phone contacts then.
    let ph = d.channel_index("phone").unwrap();
    for (i, iv) in d.intervals.iter().enumerate() {
        if [24, 25].contains(&iv.day) {
            assert_eq!(
                (0..d.reasons.len()).map(|r| d.total(i, r, ph)).sum::<f64>(),
                0.0
            );
        }
    }
}

// ---- variants (`extends`): a tiny merge of the top-level fields our variants set -------------

mod partial {
    use super::*;
    /// The fields a shipped variant may set (named `Scenario` so the RON struct name matches).
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Scenario {
        pub name: String,
        #[serde(default)]
        pub description: Option<String>,
        pub extends: String,
        #[serde(default)]
        pub levers: Option<Levers>,
        #[serde(default)]
        pub campaigns: Option<Vec<Campaign>>,
    }
}

fn variant(file: &str) -> (Scenario, Scenario) {
    let text = std::fs::read_to_string(format!("{}/scenarios/{file}", env!("CARGO_MANIFEST_DIR")))
        .unwrap();
    let p: partial::Scenario = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(&text)
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    let base = shipped(&p.extends);
    let mut v = base.clone();
    v.name = p.name;
    v.extends = Some(p.extends);
    if let Some(d) = p.description {
        v.description = d;
    }
    if let Some(l) = p.levers {
        v.levers = l;
    }
    if let Some(c) = p.campaigns {
        v.campaigns = c;
    }
    (base, v)
}

#[test]
fn valentines_prevention_changes_only_the_two_reasons_it_names() {
    let (base, v) = variant("valentines_prevention.ron");
    let (b, d) = (
        demand::compute(&base).unwrap(),
        demand::compute(&v).unwrap(),
    );
    let factor = |r: usize| match b.reasons[r].as_str() {
        "where_is_my_order" => 0.7,
        "edit_order" => 0.8,
        _ => 1.0,
    };
    for i in 0..b.intervals.len() {
        for r in 0..b.reasons.len() {
            for c in 0..b.channels.len() {
                assert!(close(d.total(i, r, c), factor(r) * b.total(i, r, c), 1e-12));
            }
        }
    }
    assert_eq!(d.orders, b.orders);
}

#[test]
fn christmas_campaign_moved_shifts_the_newsletter_by_a_week_only() {
    let (base, v) = variant("christmas_campaign_moved.ron");
    let (b, d) = (
        demand::compute(&base).unwrap(),
        demand::compute(&v).unwrap(),
    );
    let nl = b.source_index("christmas_newsletter").unwrap();
    for day in 0..b.days.len() {
        for s in 0..b.sources.len() {
            if s == nl {
                let earlier = if day >= 7 {
                    b.orders_of(day - 7, s)
                } else {
                    0.0
                };
                assert_eq!(d.orders_of(day, s), earlier, "day {day}");
            } else {
                assert_eq!(d.orders_of(day, s), b.orders_of(day, s));
            }
        }
    }
    // Contacts of every other source are identical.
    for i in 0..b.intervals.len() {
        for r in 0..b.reasons.len() {
            for c in 0..b.channels.len() {
                for s in (0..b.sources.len()).filter(|s| *s != nl) {
                    assert_eq!(d.get(i, r, c, s), b.get(i, r, c, s));
                }
            }
        }
    }
}
