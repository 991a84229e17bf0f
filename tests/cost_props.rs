//! Properties on random inputs: every table sums to the grand total to the cent, the grand
//! total matches the cost definitions computed independently in floating point (within half
//! a cent per rounded component), an outsourcing price touches only outsourced lines, and the
//! largest-remainder allocation is exact and fair.

use crate::cost_support::*;
use peakplan::cost::{
    AbandonedCell, CostKind, CostModel, Costing, Dim, HandledCell, Money, SimOutcome, Staff,
    StaffPlan, cost, largest_remainder, largest_remainder_int,
};
use peakplan::scenario::{ChannelCost, Costs, FlexPool, PoolKind, Team};
use peakplan::staffing::{CoverPlan, Grid, Roster};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Input {
    days: usize,
    team_rates: Vec<f64>,
    heads: Vec<u32>,
    pools: Vec<(u8, f64, f64, f64, Option<f64>)>, // kind, hourly, training, min paid, email price
    shifts: Vec<(usize, usize, u16, u16, u32, usize)>, // pool, day, start, len, heads, channel
    handled: Vec<(usize, usize, usize, usize, usize, f64, f64)>,
    abandoned: Vec<(usize, usize, usize, usize, f64)>,
    channel_costs: Vec<(f64, f64)>,
    abandoned_eur: f64,
    premium: f64,
    overtime: Vec<f64>,
}

fn price() -> impl Strategy<Value = f64> {
    prop_oneof![
        (0u32..10_000).prop_map(|c| f64::from(c) / 100.0),
        0.0f64..100.0
    ]
}

fn input() -> impl Strategy<Value = Input> {
    (1usize..=3, 1usize..=2, 0usize..=2).prop_flat_map(|(days, n_teams, n_pools)| {
        let slots = days * 24;
        let n_staff = n_teams + n_pools;
        (
            Just(days),
            prop::collection::vec(price(), n_teams),
            prop::collection::vec(prop_oneof![3 => Just(0u32), 2 => 1u32..6], slots * n_teams),
            prop::collection::vec(
                (
                    0u8..3,
                    price(),
                    price(),
                    0.0f64..6.0,
                    prop::option::of(price()),
                ),
                n_pools,
            ),
            if n_pools == 0 {
                Just(vec![]).boxed()
            } else {
                prop::collection::vec(
                    (0..n_pools, 0..days, 0u16..20, 1u16..5, 1u32..4, 0usize..2),
                    0..6,
                )
                .boxed()
            },
            prop::collection::vec(
                (
                    0..slots,
                    0usize..2,
                    0usize..2,
                    0usize..5,
                    0..n_staff,
                    0.0f64..30.0,
                    0.0f64..6.0,
                ),
                0..40,
            ),
            prop::collection::vec(
                (0..slots, 0usize..2, 0usize..2, 0usize..5, 0.0f64..10.0),
                0..8,
            ),
            prop::collection::vec((price(), 0.0f64..0.1), 2),
            price(),
            0.0f64..1.0,
            prop::collection::vec(
                prop_oneof![4 => Just(0.0), 1 => 0.0f64..3.0],
                slots * n_teams,
            ),
        )
            .prop_map(
                |(
                    days,
                    team_rates,
                    heads,
                    pools,
                    shifts,
                    handled,
                    abandoned,
                    channel_costs,
                    abandoned_eur,
                    premium,
                    overtime,
                )| Input {
                    days,
                    team_rates,
                    heads,
                    pools,
                    shifts,
                    handled,
                    abandoned,
                    channel_costs,
                    abandoned_eur,
                    premium,
                    overtime,
                },
            )
    })
}

struct Built {
    grid: Grid,
    teams: Vec<Team>,
    pools: Vec<FlexPool>,
    roster: Roster,
    plan: CoverPlan,
    costs: Costs,
    outcome: SimOutcome,
}

fn build(i: &Input) -> Built {
    let grid = grid(i.days);
    let teams: Vec<Team> = i
        .team_rates
        .iter()
        .enumerate()
        .map(|(t, &r)| team(&format!("team{t}"), r))
        .collect();
    let pools: Vec<FlexPool> = i
        .pools
        .iter()
        .enumerate()
        .map(|(p, &(kind, hourly, training, min_paid, email))| {
            let kind = [
                PoolKind::Internal,
                PoolKind::TempAgency,
                PoolKind::Outsourcer,
            ][kind as usize];
            let mut pool = pool(&format!("pool{p}"), kind, hourly, training, min_paid);
            if let Some(e) = email {
                pool.price_per_contact_eur.insert("email".into(), e);
            }
            pool
        })
        .collect();
    let shifts = i
        .shifts
        .iter()
        .map(|&(p, d, start, len, heads, ch)| {
            shift(&pools, p, &grid, d, start, start + len, heads, CHANNELS[ch])
        })
        .collect();
    let plan = plan(&pools, &grid, shifts);
    let roster = roster(&teams, i.heads.clone());
    let mut costs = costs();
    costs.overtime_premium = i.premium;
    costs.abandoned_contact_eur = i.abandoned_eur;
    for (c, &(per_contact_eur, per_minute_eur)) in i.channel_costs.iter().enumerate() {
        costs.channel_costs.insert(
            CHANNELS[c].into(),
            ChannelCost {
                per_contact_eur,
                per_minute_eur,
            },
        );
    }
    let n_teams = teams.len();
    let outcome = SimOutcome {
        handled: i
            .handled
            .iter()
            .map(
                |&(slot, reason, channel, source, staff, contacts, hours)| HandledCell {
                    slot,
                    reason,
                    channel,
                    source,
                    staff: if staff < n_teams {
                        Staff::Team(staff)
                    } else {
                        Staff::Pool(staff - n_teams)
                    },
                    contacts,
                    handling_hours: hours,
                },
            )
            .collect(),
        abandoned: i
            .abandoned
            .iter()
            .map(|&(slot, reason, channel, source, contacts)| AbandonedCell {
                slot,
                reason,
                channel,
                source,
                contacts,
            })
            .collect(),
    };
    Built {
        grid,
        teams,
        pools,
        roster,
        plan,
        costs,
        outcome,
    }
}

fn run(b: &Built, overtime: &[f64]) -> Costing {
    let model = CostModel {
        costs: &b.costs,
        teams: &b.teams,
        pools: &b.pools,
    };
    let plan = StaffPlan {
        grid: &b.grid,
        roster: &b.roster,
        flex: &b.plan,
        overtime_hours: overtime,
        new_hires: &[],
    };
    cost(
        &model,
        &demand(&b.grid, [100.0, 50.0, 25.0, 0.0, 0.0]),
        &plan,
        &b.outcome,
    )
    .unwrap()
}

/// The grand total from the definitions, in floating point, and the number of rounded
/// components (each may differ from its float value by half a cent).
fn expected_total(b: &Built, overtime: &[f64]) -> (f64, usize) {
    let mut total = 0.0;
    let mut components = 0;
    let n_teams = b.teams.len();
    for (t, team) in b.teams.iter().enumerate() {
        let hours: f64 = (0..b.grid.len())
            .map(|s| f64::from(b.roster.scheduled[s * n_teams + t]) * 1.0)
            .sum();
        total += hours * team.hourly_cost_eur;
        let ot: f64 = (0..b.grid.len())
            .map(|s| overtime.get(s * n_teams + t).copied().unwrap_or(0.0))
            .sum();
        total += ot * team.hourly_cost_eur * (1.0 + b.costs.overtime_premium);
        components += 2;
    }
    let handled = &b.outcome.handled;
    for (p, pool) in b.pools.iter().enumerate() {
        for s in b.plan.shifts.iter().filter(|s| s.pool_index == p) {
            if !pool.price_per_contact_eur.contains_key(&s.group.channel) {
                total +=
                    f64::from(s.heads) * s.hours.max(pool.min_paid_hours) * pool.hourly_cost_eur;
            }
        }
        if let Some(&price) = pool.price_per_contact_eur.get("email") {
            let contacts: f64 = handled
                .iter()
                .filter(|h| h.staff == Staff::Pool(p) && h.channel == 1)
                .map(|h| h.contacts)
                .sum();
            total += contacts * price;
        }
        total += f64::from(b.plan.pools[p].peak_headcount) * pool.training_eur_per_agent;
        components += 3;
    }
    for (c, name) in CHANNELS.iter().enumerate() {
        let cc = b.costs.channel_costs[*name];
        let contacts: f64 = handled
            .iter()
            .filter(|h| h.channel == c)
            .map(|h| h.contacts)
            .sum();
        let hours: f64 = handled
            .iter()
            .filter(|h| h.channel == c)
            .map(|h| h.handling_hours)
            .sum();
        total += contacts * cc.per_contact_eur + hours * 60.0 * cc.per_minute_eur;
        components += 2;
    }
    let abandoned: f64 = b.outcome.abandoned.iter().map(|a| a.contacts).sum();
    total += abandoned * b.costs.abandoned_contact_eur;
    (total, components + 1)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn every_table_sums_to_the_grand_total(i in input()) {
        let b = build(&i);
        let c = run(&b, &i.overtime);
        let cells: Money = c.cells.iter().map(|c| c.cost()).sum();
        prop_assert_eq!(cells, c.total);
        prop_assert_eq!(c.by_kind.iter().sum::<Money>(), c.total);
        for dim in [Dim::Day, Dim::Channel, Dim::Reason, Dim::Staff, Dim::Source] {
            let sum: Money = c.totals_by(dim).iter().map(|g| g.cost).sum();
            prop_assert_eq!(sum, c.total, "{:?}", dim);
        }
        prop_assert_eq!(c.rows().iter().map(|r| r.cost_eur).sum::<Money>(), c.total);
        let (expected, components) = expected_total(&b, &i.overtime);
        let diff = (c.total.cents() as f64 - expected * 100.0).abs();
        prop_assert!(diff <= 0.5 * components as f64 + 1e-6 * expected.abs() * 100.0 + 1e-6,
            "total {} vs definitions {expected} ({components} components)", c.total);
        // Handled contacts are all kept.
        let handled: f64 = b.outcome.handled.iter().map(|h| h.contacts).sum();
        prop_assert!((c.handled_contacts() - handled).abs() <= 1e-9 * handled.max(1.0));
    }

    #[test]
    fn an_outsourcing_price_moves_only_outsourced_lines(i in input(), bump in 1u32..500) {
        let b = build(&i);
        prop_assume!(b.pools.iter().any(|p| p.price_per_contact_eur.contains_key("email")));
        let before = run(&b, &i.overtime);
        let mut b2 = build(&i);
        let p = b2.pools.iter().position(|p| p.price_per_contact_eur.contains_key("email")).unwrap();
        let old = b2.pools[p].price_per_contact_eur["email"];
        b2.pools[p].price_per_contact_eur.insert("email".into(), old + f64::from(bump) / 100.0);
        let after = run(&b2, &i.overtime);
        let staff = b.teams.len() + p;
        prop_assert_eq!(before.cells.len(), after.cells.len());
        for (x, y) in before.cells.iter().zip(&after.cells) {
            prop_assert_eq!(x.key, y.key);
            if x.key.staff != Some(staff) {
                prop_assert_eq!(x.by_kind, y.by_kind);
            } else {
                // Only the outsourcing column of that pool's lines may move.
                for k in CostKind::ALL {
                    if k != CostKind::Outsourcing {
                        prop_assert_eq!(x.by_kind[k as usize], y.by_kind[k as usize]);
                    }
                }
            }
        }
    }

    #[test]
    fn largest_remainder_is_exact_and_within_a_cent(
        total in -10_000_000_000i64..10_000_000_000,
        weights in prop::collection::vec(0u64..1_000_000, 1..40),
    ) {
        let w: Vec<u128> = weights.iter().map(|&w| u128::from(w)).collect();
        let sum: u128 = w.iter().sum();
        prop_assume!(sum > 0);
        let shares = largest_remainder_int(Money::from_cents(total), &w).unwrap();
        prop_assert_eq!(shares.iter().sum::<Money>(), Money::from_cents(total));
        for (s, &wi) in shares.iter().zip(&w) {
            // |share − total × w / Σw| < 1, checked exactly in integers.
            let lhs = i128::from(s.cents()) * sum as i128;
            let exact = i128::from(total) * wi as i128;
            prop_assert!((lhs - exact).abs() < sum as i128, "share {} weight {wi}", s);
        }
        // Float weights: same guarantees up to the documented scaling error.
        let wf: Vec<f64> = weights.iter().map(|&w| w as f64 / 7.0).collect();
        let shares = largest_remainder(Money::from_cents(total), &wf).unwrap();
        prop_assert_eq!(shares.iter().sum::<Money>(), Money::from_cents(total));
        let sumf: f64 = wf.iter().sum();
        for (s, &wi) in shares.iter().zip(&wf) {
            let q = total as f64 * wi / sumf;
            prop_assert!((s.cents() as f64 - q).abs() < 1.0 + 1e-3, "share {} quota {q}", s);
        }
    }
}

/// (days, hourly rate, heads per slot, work entries (slot, reason, channel, source, hours)).
type SingleTeam = (usize, f64, Vec<u32>, Vec<(usize, usize, usize, usize, f64)>);

/// One team, no other cost: each cell's roster cost is within one cent of its exact share
/// under the allocation rule, computed here a second way (dense per-slot arrays).
fn single_team() -> impl Strategy<Value = SingleTeam> {
    (1usize..=3).prop_flat_map(|days| {
        let slots = days * 24;
        (
            Just(days),
            price(),
            prop::collection::vec(prop_oneof![2 => Just(0u32), 1 => 1u32..8], slots),
            prop::collection::vec(
                (
                    0..slots,
                    0usize..2,
                    0usize..2,
                    0usize..5,
                    prop_oneof![1 => Just(0.0), 4 => 0.0f64..4.0],
                ),
                0..30,
            ),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn each_cell_is_within_a_cent_of_its_exact_share((days, rate, heads, work) in single_team()) {
        use std::collections::BTreeMap;
        let grid = grid(days);
        let teams = vec![team("fo", rate)];
        let roster = roster(&teams, heads.clone());
        let pools: Vec<FlexPool> = Vec::new();
        let flex = plan(&pools, &grid, vec![]);
        let outcome = SimOutcome {
            handled: work.iter().map(|&(slot, reason, channel, source, h)| HandledCell {
                slot, reason, channel, source, staff: Staff::Team(0), contacts: 1.0, handling_hours: h,
            }).collect(),
            abandoned: vec![],
        };
        let costs = costs();
        let model = CostModel { costs: &costs, teams: &teams, pools: &pools };
        let sp = StaffPlan { grid: &grid, roster: &roster, flex: &flex, overtime_hours: &[], new_hires: &[] };
        let c = cost(&model, &demand(&grid, [0.0; 5]), &sp, &outcome).unwrap();

        // Second computation. Key: (day, channel, reason, source), None for idle.
        type Key = Option<(usize, usize, usize)>;
        let mut exact: BTreeMap<(usize, Key), f64> = BTreeMap::new();
        let mut day_left = vec![0.0; days];
        for s in 0..grid.len() {
            let cost_s = f64::from(heads[s]) * rate;
            let here: Vec<_> = work.iter().filter(|w| w.0 == s).collect();
            let hh: f64 = here.iter().map(|w| w.4).sum();
            if hh > 0.0 {
                for w in here {
                    *exact.entry((s / 24, Some((w.2, w.1, w.3)))).or_default() += cost_s * w.4 / hh;
                }
            } else {
                day_left[s / 24] += cost_s;
            }
        }
        for (d, left) in day_left.into_iter().enumerate() {
            let here: Vec<_> = work.iter().filter(|w| w.0 / 24 == d).collect();
            let hh: f64 = here.iter().map(|w| w.4).sum();
            if hh > 0.0 {
                for w in here {
                    *exact.entry((d, Some((w.2, w.1, w.3)))).or_default() += left * w.4 / hh;
                }
            } else if left > 0.0 {
                *exact.entry((d, None)).or_default() += left;
            }
        }
        let mut got: BTreeMap<(usize, Key), Money> = BTreeMap::new();
        for cell in &c.cells {
            let k = match (cell.key.channel, cell.key.reason, cell.key.source) {
                (Some(ch), Some(r), Some(s)) => Some((ch, r, s)),
                _ => None,
            };
            *got.entry((cell.key.day, k)).or_default() += cell.by_kind[CostKind::Permanent as usize];
        }
        let total_exact: f64 = exact.values().sum();
        prop_assert!((c.total.cents() as f64 - total_exact * 100.0).abs() <= 0.5 + 1e-9 * total_exact * 100.0);
        for (k, e) in &exact {
            let g = got.get(k).copied().unwrap_or_default();
            prop_assert!((g.cents() as f64 - e * 100.0).abs() < 1.0 + 1e-6, "{:?}: {} vs {}", k, g, e);
        }
        for (k, g) in &got {
            prop_assert!(exact.contains_key(k) || g.is_zero(), "unexpected cell {:?}", k);
        }
    }
}
