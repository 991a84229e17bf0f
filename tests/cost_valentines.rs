//! The cost model on the staffing module's Valentine's covering instance (21 days × 15 min,
//! three pools, two groups): the flex plan the covering finds is costed, with a synthetic
//! outcome in which every agent on duty handles work in proportion to the heads on duty.
//! Checks at scale: the exact flex cost equals the covering's own cost (a second
//! computation, in floating point, to the cent); flex hours match; every table sums to the
//! grand total; agent time stays in the interval's work.

use crate::valentines;

use crate::cost_support::*;
use peakplan::cost::{
    CostKind, CostModel, Dim, HandledCell, Money, SimOutcome, Staff, StaffPlan, cost,
};
use peakplan::staffing::{CoverOptions, cover};

#[test]
fn the_valentines_plan_costs_what_the_covering_says() {
    let problem = valentines::valentines_instance();
    let plan = cover(&problem, &CoverOptions::default()).unwrap();
    let grid = &problem.grid;
    let pools = &problem.pools;
    let teams = vec![team("fo", 31.5)];
    // A permanent roster of 10 heads 08:00–22:00 every day.
    let scheduled: Vec<u32> = grid
        .slots
        .iter()
        .map(|s| {
            if (480..1320).contains(&s.start_min) {
                10
            } else {
                0
            }
        })
        .collect();
    let roster = roster(&teams, scheduled.clone());
    // Synthetic outcome: per slot, each team/pool on duty works 0.8 of its time, split over
    // 2 reasons × 2 channels × 5 sources in fixed shares.
    let n_pools = pools.len();
    let mut handled = Vec::new();
    for (slot, s) in grid.slots.iter().enumerate() {
        let h = f64::from(s.length_min) / 60.0;
        let mut on_duty: Vec<(Staff, u32)> = vec![(Staff::Team(0), scheduled[slot])];
        for p in 0..n_pools {
            on_duty.push((Staff::Pool(p), plan.on_duty[slot * n_pools + p]));
        }
        for (staff, heads) in on_duty {
            if heads == 0 {
                continue;
            }
            let work = f64::from(heads) * h * 0.8;
            for reason in 0..2 {
                for channel in 0..2 {
                    for source in 0..5 {
                        let share = [0.6, 0.4][reason]
                            * [0.7, 0.3][channel]
                            * [0.5, 0.2, 0.15, 0.1, 0.05][source];
                        handled.push(HandledCell {
                            slot,
                            reason,
                            channel,
                            source,
                            staff,
                            contacts: work * share * 12.0,
                            handling_hours: work * share,
                        });
                    }
                }
            }
        }
    }
    let outcome = SimOutcome {
        handled,
        abandoned: Vec::new(),
    };
    let costs = costs();
    let model = CostModel {
        costs: &costs,
        teams: &teams,
        pools,
    };
    let staff_plan = StaffPlan {
        grid,
        roster: &roster,
        flex: &plan,
        overtime_hours: &[],
        new_hires: &[],
    };
    let c = cost(
        &model,
        &demand(grid, [1000.0, 800.0, 300.0, 0.0, 0.0]),
        &staff_plan,
        &outcome,
    )
    .unwrap();

    // The covering prices its plan in f64; the cost model exactly. They agree to the cent.
    let flex = c.by_kind[CostKind::Flex as usize] + c.by_kind[CostKind::Outsourcing as usize];
    let covering = Money::from_eur(plan.total_cost_eur).unwrap();
    assert!(
        (flex.cents() - covering.cents()).abs() <= 1,
        "{flex} vs {covering}"
    );
    assert!(flex.cents() > 0);
    assert!((c.hours.flex - plan.total_hours).abs() < 1e-6);
    // Roster: 21 days × 14 h × 10 heads × €31.50.
    assert_eq!(
        c.by_kind[CostKind::Permanent as usize],
        Money::from_cents(21 * 14 * 10 * 3150)
    );
    for dim in [Dim::Day, Dim::Channel, Dim::Reason, Dim::Staff, Dim::Source] {
        let sum: Money = c.totals_by(dim).iter().map(|g| g.cost).sum();
        assert_eq!(sum, c.total, "{dim:?}");
    }
    // Every interval has work where agents are paid, so nothing is idle.
    assert!(c.cells.iter().all(|x| x.key.reason.is_some()));
    // Each pool's cost per day follows its own shifts: a pool's cost on a day with no shift
    // of that pool is zero.
    let by_day_staff = |d: usize, staff: usize| -> Money {
        c.cells
            .iter()
            .filter(|x| x.key.day == d && x.key.staff == Some(staff))
            .map(|x| x.cost())
            .sum()
    };
    for (p, summary) in plan.pools.iter().enumerate() {
        for (d, &heads) in summary.headcount_per_day.iter().enumerate() {
            if heads == 0 {
                assert_eq!(by_day_staff(d, 1 + p), Money::ZERO);
            } else {
                assert!(by_day_staff(d, 1 + p) > Money::ZERO);
            }
        }
    }
}
