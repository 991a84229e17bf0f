//! `cover`: the flex covering on a realistic Valentine's instance — 21 days (25 January to
//! 14 February 2027, Europe/Amsterdam) × 15-minute intervals, two need groups (front-office
//! phone and chat), three pools with different rules, and a need that climbs to about 40
//! extra agents at the evening peak of 12–13 February.
//!
//! A second case gives the pools different in-shift shrinkage (harder: see below).
//!
//! Run: `cargo bench --bench cover`. Each instance's cost, LP bound and gap are printed once
//! before the timing (`COVER_DAYS=1` adds a line per date).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use peakplan::staffing::{CoverOptions, CoverProblem, DayMethod, cover};

#[path = "support/valentines.rs"]
mod valentines;
use valentines::valentines_instance;

/// Solves once and prints the figures of the plan.
fn describe(name: &str, problem: &CoverProblem, options: &CoverOptions) {
    let plan = cover(problem, options).unwrap();
    let mip_days = plan
        .days
        .iter()
        .filter(|d| matches!(d.method, DayMethod::Mip { .. }))
        .count();
    let proven = plan
        .days
        .iter()
        .filter(|d| {
            matches!(
                d.method,
                DayMethod::Mip {
                    proven_optimal: true
                }
            )
        })
        .count();
    let max_cols = plan.days.iter().map(|d| d.columns).max().unwrap_or(0);
    eprintln!(
        "cover/{name}: {} intervals × {} groups, {} shifts, {:.1} h, cost €{:.2}, LP bound €{:.2}, gap €{:.2} ({:.2}%), peak headcount {} (per pool {:?}), peak day {:?} with {}, {} short intervals, {} of {} dates by branch & bound ({} proven optimal), at most {} columns a date",
        problem.grid.len(),
        problem.groups.len(),
        plan.shifts.len(),
        plan.total_hours,
        plan.total_cost_eur,
        plan.lp_bound_eur,
        plan.gap_eur,
        100.0 * plan.gap,
        plan.peak_headcount,
        plan.pools
            .iter()
            .map(|p| p.peak_headcount)
            .collect::<Vec<_>>(),
        plan.peak_day,
        plan.peak_day_headcount,
        plan.short.len(),
        mip_days,
        plan.days.len(),
        proven,
        max_cols,
    );
    if std::env::var_os("COVER_DAYS").is_some() {
        for d in &plan.days {
            eprintln!(
                "  {} cost {:>9.2} bound {:>9.2} gap {:>5.2}% {:?} cols {} short {:.2} (LP min {:.2}, full cover impossible: {})",
                d.date,
                d.cost_eur,
                d.lp_bound_eur,
                100.0 * (d.cost_eur - d.lp_bound_eur) / d.cost_eur.max(1e-9),
                d.method,
                d.columns,
                d.shortage,
                d.min_shortage,
                d.full_cover_impossible
            );
        }
    }
}

fn bench(c: &mut Criterion) {
    let options = CoverOptions::default();
    let problem = valentines_instance();
    // The same with different in-shift shrinkage per pool (internal 0.3, agency 0.2,
    // outsourcer 0.1): rows mix deliveries, the rounding cuts are weaker and branch & bound
    // runs into its node budget — the harder case.
    let mut mixed = problem.clone();
    mixed.pools[0].shrinkage.in_shift = 0.3;
    mixed.pools[2].shrinkage.in_shift = 0.1;
    describe("valentines", &problem, &options);
    describe("valentines_mixed_shrinkage", &mixed, &options);
    let mut group = c.benchmark_group("cover");
    group.sample_size(10);
    group.bench_function("valentines_3_weeks_15min_3_pools", |b| {
        b.iter(|| cover(black_box(&problem), black_box(&options)).unwrap())
    });
    group.bench_function("valentines_mixed_shrinkage", |b| {
        b.iter(|| cover(black_box(&mixed), black_box(&options)).unwrap())
    });
    group.finish();
}

// Plots need system fonts criterion cannot find here (it panics with FontUnavailable).
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = bench
}
criterion_main!(benches);
