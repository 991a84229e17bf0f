//! The plan engine (issue #12): one load model, one capacity model, a group-aware iteration
//! that converges, no flex where it buys nothing, notice from the plan date, and capacity
//! limits that hold up. Small scenarios in tests/plan_scenarios/ (hourly days: a replication
//! takes about a millisecond). The shipped scenarios' figures are checked by the ignored
//! tests at the end: `cargo test --release --test tests -- --ignored plan_engine::` (a few
//! minutes).

use std::path::Path;

use peakplan::scenario::Scenario;
use peakplan::sim::{HeadWorth, Model, Simulator};
use peakplan::staffing::iterate::evaluate;
use peakplan::staffing::load::{offered_load, reachable_groups};
use peakplan::staffing::plan::{Plan, PlanOptions, plan};
use peakplan::staffing::{CoverOptions, Grid, Limit, cover};

fn load_file(path: &Path) -> (Scenario, peakplan::demand::Demand) {
    let sc = peakplan::scenario::load(path, &[]).expect("scenario loads");
    let d = peakplan::demand::compute(&sc).expect("demand");
    (sc, d)
}

fn small(name: &str) -> (Scenario, peakplan::demand::Demand) {
    load_file(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/plan_scenarios")
            .join(name),
    )
}

fn options(sc: &Scenario) -> PlanOptions {
    PlanOptions {
        frontier: false,
        ..PlanOptions::for_scenario(sc)
    }
}

fn run(sc: &Scenario) -> Plan {
    let d = peakplan::demand::compute(sc).expect("demand");
    plan(sc, &d, &options(sc)).expect("plan")
}

/// Flex heads of all pools on day `d`.
fn heads_on(p: &Plan, d: usize) -> u32 {
    p.cover.pools.iter().map(|ps| ps.headcount_per_day[d]).sum()
}

/// The lowest P(meet) a cell whose true P is the confidence shows in the check with 99%
/// confidence: the iteration accepted P̂ ≥ c on R₁ common-random-number replications (or
/// c minus its two-standard-error tolerance once passed), the check estimates P on R₂
/// fresh ones.
fn floor(p: &Plan) -> f64 {
    let c = p.options.confidence;
    let s = (c * (1.0 - c)).sqrt();
    let (r1, r2) = (
        f64::from(p.options.iter_replications),
        f64::from(p.options.replications),
    );
    c - 2.0 * s / r1.sqrt() - 2.58 * (s / r1.sqrt() + s / r2.sqrt())
}

#[test]
fn a_day_the_permanent_roster_meets_gets_no_flex() {
    let (sc, _) = small("two_days.ron");
    let p = run(&sc);
    assert_eq!(p.converged, Some(true), "{:?}", p.steps);
    assert_eq!(
        heads_on(&p, 0),
        0,
        "Tuesday needs no flex: {:?}",
        p.cover.pools
    );
    assert!(heads_on(&p, 1) > 0, "Wednesday does");
    // Both days keep the promise in the fresh-seed check.
    let f = floor(&p);
    for (i, _, x) in p.check.cells_with_contacts() {
        assert!(x >= f, "interval {i}: P(meet) {x} < {f}");
    }
    // The flex hours are those of Wednesday alone, and close to the LP bound.
    assert!(p.cover.shifts.iter().all(|s| s.date == p.grid.days[1]));
    assert!(p.summary.flex_hours <= 1.15 * p.summary.lp_lower_bound_flex_hours + 1e-9);
}

#[test]
fn the_raise_goes_to_the_group_that_is_short_through_a_pool_that_serves_it() {
    let (sc, _) = small("back_office.ron");
    let p = run(&sc);
    assert_eq!(p.converged, Some(true), "{:?}", p.steps);
    assert!(!p.cover.shifts.is_empty());
    for s in &p.cover.shifts {
        assert_eq!(s.pool, "specialists", "{s:?}");
        assert_eq!(s.group.name(), "back_office phone", "{s:?}");
    }
    let f = floor(&p);
    for (i, _, x) in p.check.cells_with_contacts() {
        assert!(x >= f, "interval {i}: P(meet) {x} < {f}");
    }
    // Without the specialists nothing a pool can do helps: the temps are not called in for
    // cells they cannot fix, and every short cell says no pool serves back-office calls.
    let mut without = sc.clone();
    without
        .agents
        .flex_pools
        .retain(|x| x.name != "specialists");
    let q = run(&without);
    assert!(q.cover.shifts.is_empty(), "{:?}", q.cover.shifts);
    assert!(!q.limited.is_empty());
    for cell in &q.limited {
        for (g, limits) in &cell.groups {
            assert_eq!(q.problem.groups[*g].name(), "back_office phone");
            assert_eq!(limits.as_slice(), [(None, Limit::NoPool)]);
        }
    }
}

#[test]
fn notice_counts_from_the_plan_date() {
    let (mut sc, _) = small("two_days.ron");
    sc.agents.flex_pools[0].notice_days = 2;
    // From the calendar's first day (Tuesday) two days' notice reaches Thursday: no flex on
    // Wednesday, whose short cells are limited by notice.
    let late = run(&sc);
    assert_eq!(heads_on(&late, 1), 0);
    assert!(!late.limited.is_empty());
    assert!(late.limited.iter().all(|c| {
        c.groups
            .iter()
            .all(|(_, l)| l.iter().all(|(_, x)| *x == Limit::Notice))
    }));
    // Planned the Friday before, the pool can work on Wednesday.
    sc.calendar.plan_date = Some(jiff::civil::date(2027, 2, 26));
    let early = run(&sc);
    assert!(heads_on(&early, 1) > 0);
    assert!(early.limited.is_empty(), "{:?}", early.limited);
}

#[test]
fn capacity_limited_cells_cannot_take_one_more_head() {
    // The specialists work 10:00–16:00 only and at most 3 of them: the back office's early
    // and late hours are limited by availability, its busiest hours by the headcount.
    let (mut sc, _) = small("back_office.ron");
    let spec = sc
        .agents
        .flex_pools
        .iter_mut()
        .find(|x| x.name == "specialists")
        .unwrap();
    spec.max_headcount = 3;
    let hours = peakplan::scenario::WeekHours::every_day(
        peakplan::scenario::ClockTime::from_hm(10, 0).unwrap(),
        peakplan::scenario::ClockTime::from_hm(16, 0).unwrap(),
    );
    spec.availability = hours;
    let p = run(&sc);
    assert!(!p.limited.is_empty());
    let ng = p.problem.groups.len();
    let mut kinds = std::collections::BTreeSet::new();
    for cell in &p.limited {
        let b = p.block_of[cell.interval];
        let minute = p.plan_grid.slots[b].start_min;
        for (g, limits) in &cell.groups {
            for &(pool, limit) in limits {
                kinds.insert(limit);
                match limit {
                    // The rule itself: outside 10:00–16:00.
                    Limit::Availability => assert!(!(600..960).contains(&minute), "{minute}"),
                    // Every one of the 3 heads is on duty then, or the covering already
                    // leaves the cell short with all 3 called in.
                    Limit::DailyCap => {
                        let pi = pool.unwrap();
                        let np = p.problem.pools.len();
                        let on = p.cover.on_duty[b * np + pi];
                        let short = p.problem.need[b * ng + g] > p.cover.delivered[b * ng + g];
                        assert!(
                            on == 3 || (short && p.cover.pools[pi].peak_headcount == 3),
                            "on duty {on}"
                        );
                    }
                    other => panic!("unexpected limit {other:?}"),
                }
            }
            // Independent of the reasons: asking one more agent there and covering again
            // delivers no more there.
            let mut more = p.problem.clone();
            let j = b * ng + g;
            more.need[j] = more.need[j].max(p.cover.delivered[j]) + 1.0;
            let c = cover(&more, &CoverOptions::default()).unwrap();
            assert!(
                c.delivered[j] <= p.cover.delivered[j] + 1e-9,
                "slot {b}: {} → {}",
                p.cover.delivered[j],
                c.delivered[j]
            );
        }
    }
    assert!(kinds.contains(&Limit::Availability), "{kinds:?}");
}

#[test]
fn the_load_model_matches_the_simulated_offered_contacts() {
    // Redials, channel switches, transfers and repeats a day later (some by e-mail), with
    // ~10% abandonment: the analytic expectation against 400 replications of the simulator,
    // fed the abandonment and waits those replications measured.
    let (sc, d) = small("returns.ron");
    let model = Model::from_scenario(&sc, &d).unwrap();
    let grid = Grid::from_demand(&d).unwrap();
    let groups = reachable_groups(&model);
    let r = 400u32;
    let ev = evaluate(&model, &grid, &groups, r, 5).unwrap();
    let load = offered_load(&model, &ev.observed);
    assert_eq!(load.groups, groups);
    let ng = groups.len();
    let mut returns_seen = 0.0;
    for g in 0..ng {
        let (mut model_total, mut sim_total) = (0.0, 0.0);
        for i in 0..grid.len() {
            let m = load.arrivals(i, g);
            let s = ev.g_arrivals(i, g);
            model_total += m;
            sim_total += s;
            // Poisson-like counts: the mean of R replications has sd ≈ √(λ/R); 5 sd plus 3%
            // for the discretised delays (a return's exact minute inside its hour).
            let tol = 5.0 * (m.max(1.0) / f64::from(r)).sqrt() + 0.03 * m;
            assert!(
                (m - s).abs() <= tol,
                "group {g} interval {i}: model {m:.3}, simulated {s:.3} (tol {tol:.3})"
            );
            returns_seen += (m - load.first[i * ng + g]).max(0.0);
        }
        assert!(
            (model_total - sim_total).abs() <= 0.01 * sim_total + 1.0,
            "group {g}: {model_total:.1} vs {sim_total:.1}"
        );
    }
    // The test bites: the returns are a large part of the load.
    let first: f64 = load.first.iter().sum();
    assert!(returns_seen > 0.2 * first, "{returns_seen} of {first}");
}

#[test]
fn one_capacity_model_for_roster_covering_and_simulator() {
    // A team of 10 on an hourly day, 10% absent, 20% breaks, 25% slower: each head is worth
    // 0.9 × 0.8 / 1.25 = 0.576 standard agents, and the simulator plays exactly that.
    let (mut sc, _) = small("flat.ron");
    let t = &mut sc.agents.teams[0];
    t.shifts[0].heads = 10;
    t.shrinkage.absence = 0.1;
    t.shrinkage.in_shift = 0.2;
    t.aht_factor = 1.25;
    let w = peakplan::staffing::roster::team_worth(t);
    assert!((w.agents() - 0.576).abs() < 1e-12);
    let pool = &sc.agents.flex_pools[0];
    let pw = peakplan::staffing::cover::pool_worth(pool);
    assert_eq!(
        pw,
        HeadWorth {
            absence: pool.shrinkage.absence,
            in_shift: pool.shrinkage.in_shift,
            aht_factor: pool.aht_factor
        }
    );
    let d = peakplan::demand::compute(&sc).unwrap();
    let model = Model::from_scenario(&sc, &d).unwrap();
    let sim = Simulator::new(&model).unwrap();
    let (mut on_ms, mut handle_ms, mut handled, mut open_ms) = (0u64, 0u64, 0u64, 0u64);
    let r = 300u64;
    for rep in 0..r {
        let m = sim.run(3, rep);
        for (i, iv) in model.intervals.iter().enumerate() {
            if model.groups[0].staff[i] > 0 {
                on_ms += m.group(i, 0).on_duty_ms;
                open_ms += iv.len_ms;
            }
            let c = m.cell(i, 0);
            handle_ms += c.handle_ms;
            handled += c.handled;
        }
    }
    // Present, not on a break: 10 × 0.9 × 0.8 = 7.2 agents on duty on average (the absent
    // count is binomial per day: sd of the mean over 300 days ≈ 0.055).
    let on_duty = on_ms as f64 / open_ms as f64;
    assert!((on_duty - 10.0 * w.on_duty()).abs() < 0.2, "{on_duty}");
    // Handling 25% slower than the reason's 300 s (exponential: sd of the mean ≈ 300/√n).
    let aht = handle_ms as f64 / 1000.0 / handled as f64;
    assert!(
        (aht - 300.0 * 1.25).abs() < 4.0 * 375.0 / (handled as f64).sqrt() + 1.0,
        "{aht}"
    );
}

// ---------------------------------------------------------------------------------------
// The shipped scenarios (issue #12's "Must show"): `cargo test --release --test
// tests -- --ignored plan_engine::`.
// ---------------------------------------------------------------------------------------

fn shipped(name: &str) -> (Scenario, Plan) {
    let (sc, d) = load_file(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(format!("{name}.ron")),
    );
    let p = plan(&sc, &d, &options(&sc)).expect("plan");
    (sc, p)
}

/// The must-show of every shipped scenario: converged within the cap, ≥ 95% of the cells
/// that are not capacity-limited meet the confidence in the fresh-seed check, every
/// capacity-limited cell names a binding limit for every pool that serves it and cannot
/// take one more agent when the covering is asked, flex hours within 15% of the LP bound.
fn must_show(p: &Plan) {
    let s = &p.summary;
    assert!(s.converged, "{:?}", s.round_figures);
    assert!(s.rounds <= s.round_cap);
    assert!(
        s.share_meeting_not_limited >= 0.95,
        "{} of {} cells meet, {} limited",
        s.cells_meeting,
        s.cells,
        s.cells_capacity_limited
    );
    assert!(
        s.flex_hours <= 1.15 * s.lp_lower_bound_flex_hours + 1e-6,
        "{} vs {}",
        s.flex_hours,
        s.lp_lower_bound_flex_hours
    );
    let ng = p.problem.groups.len();
    let short_on_day = |c: &peakplan::staffing::CoverPlan, need: &[f64], day: usize| -> f64 {
        (0..p.plan_grid.len())
            .filter(|&b| p.plan_grid.slots[b].day == day)
            .flat_map(|b| (0..ng).map(move |g| b * ng + g))
            .map(|j| (need[j] - c.delivered[j]).max(0.0))
            .sum()
    };
    for cell in &p.limited {
        assert!(!cell.groups.is_empty());
        for (g, limits) in &cell.groups {
            assert!(!limits.is_empty());
            if cell.day_cell {
                continue;
            }
            let b = p.block_of[cell.interval];
            let j = b * ng + g;
            let day = p.plan_grid.slots[b].day;
            // Ask the covering for one more agent there.
            let mut more = p.problem.clone();
            more.need[j] = more.need[j].max(p.cover.delivered[j]) + 1.0;
            let c = cover(&more, &CoverOptions::default()).unwrap();
            if c.delivered[j] <= p.cover.delivered[j] + 1e-6 {
                continue;
            }
            // It could only move a head there: every pool serving the cell is at a daily
            // cap on a day already short, so the agent comes from another short interval
            // of that day (the day's shortfall does not fall).
            assert!(
                limits.iter().all(|(_, l)| matches!(
                    l,
                    Limit::DailyCap
                        | Limit::TotalCap
                        | Limit::Availability
                        | Limit::Notice
                        | Limit::ChannelClosed
                        | Limit::NoPool
                )),
                "{limits:?}"
            );
            let before = short_on_day(&p.cover, &more.need, day);
            let after = short_on_day(&c, &more.need, day);
            assert!(
                after >= before - 0.5,
                "{} {}: {} → {} agents at the cell, the day's shortfall {before:.2} → {after:.2} ({limits:?})",
                p.plan_grid.days[day],
                p.problem.groups[*g].name(),
                p.cover.delivered[j],
                c.delivered[j]
            );
        }
    }
}

#[test]
#[ignore = "minutes: cargo test --release --test tests -- --ignored plan_engine::"]
fn valentines_meets_its_promise_on_the_load_customers_bring() {
    let (_, p) = shipped("valentines");
    must_show(&p);
    // The requirement's offered phone contacts within ±5% of the simulated offered contacts
    // in ≥ 90% of open phone intervals.
    let phone = p.check.channels[0];
    let model_phone = |i: usize| -> (f64, f64) {
        let ng = p.problem.groups.len();
        let gs: Vec<usize> = (0..ng)
            .filter(|&g| p.problem.groups[g].channel == "phone")
            .collect();
        (
            gs.iter().map(|&g| p.offered[i * ng + g]).sum(),
            gs.iter().map(|&g| p.offered_sim[i * ng + g]).sum(),
        )
    };
    let sc = peakplan::scenario::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/valentines.ron"),
        &[],
    )
    .unwrap();
    let d = peakplan::demand::compute(&sc).unwrap();
    let model = Model::from_scenario(&sc, &d).unwrap();
    assert_eq!(model.channels[phone].name, "phone");
    let (mut open, mut close) = (0, 0);
    for i in 0..p.grid.len() {
        if !model.channels[phone].is_open(i) {
            continue;
        }
        let (m, s) = model_phone(i);
        open += 1;
        if (m - s).abs() <= 0.05 * s {
            close += 1;
        }
    }
    assert!(close as f64 >= 0.9 * open as f64, "{close} of {open}");
    // Every day 11–17 February meets 85% in 15 s with P(meet) ≥ 95% in ≥ 95% of its phone
    // intervals, the capacity-limited ones left out (the pools are the binding limit there).
    let nc = p.check.channels.len();
    for day in 11..=17 {
        let d = p
            .grid
            .days
            .iter()
            .position(|x| *x == jiff::civil::date(2027, 2, day))
            .unwrap();
        let (mut n, mut ok) = (0, 0);
        for i in p.grid.day_slots(d) {
            if !model.channels[phone].is_open(i) || p.check.expected[i * nc] <= 0.0 {
                continue;
            }
            let limited = p
                .limited
                .iter()
                .any(|c| !c.day_cell && c.interval == i && c.channel == phone);
            if limited {
                continue;
            }
            n += 1;
            // P(meet) ≥ 95% as far as 100 replications can tell: a cell whose true P(meet)
            // is 0.95 shows at least 0.95 − 1.96·√(0.95·0.05/100) ≈ 0.907 with 97.5%
            // probability; the plan's summary counts the plain P̂ ≥ 0.95.
            let floor = 0.95 - 1.96 * (0.95f64 * 0.05 / f64::from(p.check.replications)).sqrt();
            if p.check.p_meet[i * nc] >= floor - 1e-12 {
                ok += 1;
            }
        }
        assert!(ok as f64 >= 0.95 * n as f64, "{day} Feb: {ok} of {n}");
    }
}

#[test]
#[ignore = "minutes: cargo test --release --test tests -- --ignored plan_engine::"]
fn baseline_meets_its_targets_without_flex() {
    let (mut sc, p) = shipped("baseline");
    must_show(&p);
    // The permanent roster alone: every day meets every channel's target on average in the
    // fresh-seed check (deferred days whose window runs past the calendar left out).
    sc.agents.flex_pools.clear();
    let q = run(&sc);
    assert_eq!(q.cover.total_hours, 0.0);
    let nc = q.check.channels.len();
    let nf = q.check.deferred.len();
    for d in 0..q.grid.days.len() {
        for k in 0..nc {
            let c = q.check.channels[k];
            let sl = q.check.day_sl[d * nc + k].summary().unwrap().mean;
            assert!(
                sl >= 0.85f64.min(q_target(&q, c)),
                "day {d} channel {c}: {sl}"
            );
        }
        for k in 0..nf {
            if let Some(s) = q.check.deferred_day_sl[d * nf + k].summary() {
                let c = q.check.deferred[k];
                assert!(s.mean >= q_target(&q, c), "day {d} channel {c}: {}", s.mean);
            }
        }
    }
}

fn q_target(p: &Plan, channel: usize) -> f64 {
    let name = &p.problem.groups[p
        .requirement
        .group_channel
        .iter()
        .position(|&c| c == channel)
        .unwrap()]
    .channel;
    let sc = peakplan::scenario::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.ron"),
        &[],
    )
    .unwrap();
    sc.channels
        .iter()
        .find(|c| &c.name == name)
        .unwrap()
        .target
        .share
}

#[test]
#[ignore = "minutes: cargo test --release --test tests -- --ignored plan_engine::"]
fn mothers_day_converges_and_keeps_its_promise() {
    must_show(&shipped("mothers_day").1);
}

#[test]
#[ignore = "minutes: cargo test --release --test tests -- --ignored plan_engine::"]
fn christmas_converges_and_keeps_its_promise() {
    must_show(&shipped("christmas").1);
}

#[test]
fn a_warm_started_re_plan_settles_in_one_round_where_the_plan_ended() {
    // Re-planning the same scenario from where its own iteration ended: the load, the
    // corrections and the roster-served cells are already right, so one round covers and
    // passes (nothing to raise) with the same flex hours (same seed, same covering).
    let (sc, d) = small("two_days.ron");
    let p = plan(&sc, &d, &options(&sc)).unwrap();
    assert_eq!(p.converged, Some(true));
    let warm = p
        .warm
        .as_ref()
        .expect("the simulation method keeps its end state");
    let one = PlanOptions {
        max_iterations: 1,
        ..options(&sc)
    };
    let q = peakplan::staffing::plan::plan_from(&sc, &d, &one, Some(warm)).unwrap();
    assert_eq!(q.steps.len(), 1);
    assert_eq!(q.steps[0].raised, 0, "{:?}", q.steps);
    assert!(
        (q.cover.total_hours - p.cover.total_hours).abs() <= 0.05 * p.cover.total_hours + 1e-9,
        "{} vs {}",
        q.cover.total_hours,
        p.cover.total_hours
    );
    // Cold, one round is not enough: it starts from the analytic load without corrections.
    let cold = plan(&sc, &d, &one).unwrap();
    assert!(
        cold.steps[0].raised > 0 || cold.cover.total_hours != p.cover.total_hours,
        "a cold single round should not already be the converged plan"
    );
    // A state from another scenario (other groups) is ignored, not misapplied.
    let other = peakplan::staffing::iterate::Warm {
        groups: vec![(9, 9)],
        ..warm.clone()
    };
    let r = peakplan::staffing::plan::plan_from(&sc, &d, &one, Some(&other)).unwrap();
    assert_eq!(r.cover.total_hours, cold.cover.total_hours);
}
