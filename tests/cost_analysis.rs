//! The finance analysis end to end on a small two-day scenario (tests/cost_scenarios/small.ron):
//! a costing filled from the simulator, campaign marginals from paired re-plans, a price
//! change that must stay in its own lines, a campaign without orders, and `peakplan cost`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use peakplan::cost::analysis::{
    CostOptions, Paired, analyse, cost_plan, plan_roster, replan, replan_cost, simulate_outcome,
    without_campaign,
};
use peakplan::cost::{CostKind, CostModel, Dim, Money, Staff, StaffPlan, cost};
use peakplan::demand::Demand;
use peakplan::scenario::Scenario;
use peakplan::sim::Model;
use peakplan::staffing::iterate::apply_plan;
use peakplan::staffing::plan::{Plan, PlanOptions, plan};
use peakplan::staffing::requirement::Method;

fn small_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cost_scenarios/small.ron")
}

fn small() -> (Scenario, Demand) {
    let sc = peakplan::scenario::load(&small_path(), &[]).unwrap();
    let demand = peakplan::demand::compute(&sc).unwrap();
    (sc, demand)
}

fn opts(sc: &Scenario, replications: u32) -> CostOptions {
    CostOptions {
        replications,
        ..CostOptions::for_scenario(sc)
    }
}

/// An Erlang A plan of the scenario (fast; the costing does not care how it was made).
fn erlang_a_plan(sc: &Scenario, demand: &Demand) -> Plan {
    let o = PlanOptions {
        method: Method::ErlangA,
        frontier: false,
        replications: 2,
        frontier_replications: 2,
        ..PlanOptions::for_scenario(sc)
    };
    plan(sc, demand, &o).unwrap()
}

#[test]
fn a_simulated_costing_adds_up_to_the_cent_and_matches_the_simulator() {
    let (sc, demand) = small();
    let p = erlang_a_plan(&sc, &demand);
    let o = opts(&sc, 6);
    let c = cost_plan(&sc, &demand, &p, &o).unwrap();
    assert!(c.total > Money::ZERO);
    // Every breakdown adds up to the grand total to the cent, and so does costs.csv.
    for dim in [Dim::Reason, Dim::Channel, Dim::Day, Dim::Staff, Dim::Source] {
        let groups = c.totals_by(dim);
        assert!(groups.len() > 1, "{dim:?} has one value only");
        let sum: i64 = groups.iter().map(|g| g.cost.cents()).sum();
        assert_eq!(sum, c.total.cents(), "{dim:?}");
    }
    let rows: i64 = c.rows().iter().map(|r| r.cost_eur.cents()).sum();
    assert_eq!(rows, c.total.cents());
    let kinds: i64 = c.kind_rows().iter().map(|(_, m)| m.cents()).sum();
    assert_eq!(kinds, c.total.cents());

    // The outcome is the simulator's: the same replications counted by the ordinary
    // per-interval counters give the same handled and abandoned contacts and hours.
    let mut model = Model::from_scenario(&sc, &demand).unwrap();
    let nt = sc.agents.teams.len();
    apply_plan(&mut model, &p.grid, &p.cover, nt);
    let sim = peakplan::sim::Simulator::new(&model).unwrap();
    let (mut handled, mut abandoned, mut ms) = (0u64, 0u64, 0u64);
    for r in 0..o.replications {
        let m = sim.run(o.seed, u64::from(r));
        for cell in &m.cells {
            handled += cell.handled;
            abandoned += cell.abandoned;
            ms += cell.handle_ms;
        }
    }
    let r = f64::from(o.replications);
    assert!((c.handled_contacts() - handled as f64 / r).abs() < 1e-6);
    assert!((c.abandoned_contacts() - abandoned as f64 / r).abs() < 1e-6);
    assert!((c.handling_hours() - ms as f64 / 3.6e6 / r).abs() < 1e-6);
    assert!(abandoned > 0, "the scenario should abandon some calls");
    // Paid hours are the plan's: 4 heads × 12 h × 2 days, and the covering's flex hours.
    assert!((c.hours.permanent - 96.0).abs() < 1e-9);
    assert!((c.hours.flex - p.cover.total_hours).abs() < 1e-6);
}

#[test]
fn the_contact_log_does_not_depend_on_the_thread_count() {
    let (sc, demand) = small();
    let p = erlang_a_plan(&sc, &demand);
    let one = simulate_outcome(
        &sc,
        &demand,
        &p,
        &CostOptions {
            threads: Some(1),
            ..opts(&sc, 5)
        },
    )
    .unwrap();
    let two = simulate_outcome(
        &sc,
        &demand,
        &p,
        &CostOptions {
            threads: Some(2),
            ..opts(&sc, 5)
        },
    )
    .unwrap();
    assert_eq!(one, two);
    assert!(!one.handled.is_empty());
}

#[test]
fn marginal_campaign_cost_is_the_difference_of_the_two_full_plans() {
    let (sc, demand) = small();
    let p = erlang_a_plan(&sc, &demand);
    let o = opts(&sc, 4);
    let a = analyse(&sc, &demand, &p, &o).unwrap();
    let without_sc = without_campaign(&sc, 0);
    let radio = &a.campaign_marginals[0];
    assert_eq!(radio.name, "radio");
    assert_eq!(radio.cost.pairs.len(), o.pairs as usize);
    // Pair k: both sides re-planned with the plan's own options and the pair's seed, and
    // costed on the same replications: the pair's figure is exactly their difference.
    let mut with_totals = Vec::new();
    for k in 0..o.pairs {
        let seed = o.pair_seed(k);
        let (with, _) = replan_cost(&sc, &p.options, seed, &o, "with", p.warm.as_ref()).unwrap();
        let (without, _) = replan_cost(
            &without_sc,
            &p.options,
            seed,
            &o,
            "without",
            p.warm.as_ref(),
        )
        .unwrap();
        assert_eq!(
            radio.cost.pairs[k as usize],
            with.total - without.total,
            "pair {k}"
        );
        with_totals.push(with.total);
        // Erlang A plans do not depend on the seed: the flex hours are the same every pair.
        assert!((with.hours.flex - without.hours.flex - radio.marginal.flex_hours).abs() < 1e-9);
    }
    assert_eq!(radio.cost, Paired::of(radio.cost.pairs.clone()));
    assert_eq!(radio.marginal.cost, radio.cost.mean);
    assert_eq!(a.reference, Some(Paired::of(with_totals).mean));
    // The flex hours are the two plans' own (planned directly, not through the costing).
    let plan_hours = |s: &Scenario| {
        let d = peakplan::demand::compute(s).unwrap();
        replan(s, &d, &p.options, o.seed, 2, p.warm.as_ref())
            .unwrap()
            .cover
            .total_hours
    };
    let direct = plan_hours(&sc) - plan_hours(&without_sc);
    assert!((radio.marginal.flex_hours - direct).abs() < 1e-9);
    // The campaign needs staff: the plan without it is cheaper and uses fewer flex hours.
    assert!(radio.marginal.cost > Money::ZERO);
    assert!(radio.marginal.flex_hours > 0.0);
    // Without the campaign its source brings no contacts at all.
    let d = peakplan::demand::compute(&without_sc).unwrap();
    let src = d.sources.iter().position(|s| s.name == "radio").unwrap();
    let ns = d.sources.len();
    let radio_contacts: f64 = d
        .expected
        .iter()
        .enumerate()
        .filter(|(i, _)| i % ns == src)
        .map(|(_, x)| x)
        .sum();
    assert_eq!(radio_contacts, 0.0);
    // campaigns.csv's row carries the marginal figures and their interval.
    let row = a.campaigns.iter().find(|r| r.campaign == "radio").unwrap();
    assert_eq!(row.marginal_cost_eur, Some(radio.cost.mean));
    assert_eq!(row.cost_per_order_eur, radio.cost.mean.per_unit(1600.0));
    let (lo, hi) = radio.cost.ci95.unwrap();
    assert_eq!(row.marginal_cost_ci95_low_eur, Some(lo));
    assert_eq!(row.marginal_cost_ci95_high_eur, Some(hi));
    assert!(lo <= radio.cost.mean && radio.cost.mean <= hi);
    // The lever saves money: fewer contacts, and the plan with it is not dearer.
    let lever = &a.levers[0];
    assert_eq!(lever.lever, "prevention:where_is_my_order");
    assert!(lever.contacts_removed > 0.0);
    assert!(lever.cost_saved_eur > Money::ZERO);
    assert_eq!(lever.cost_saved_eur, a.lever_marginals[0].saving.mean);
}

#[test]
fn marginals_are_re_planned_with_the_plans_own_method_and_carry_an_interval() {
    // A simulation-method plan (shortened): both sides of every difference are re-planned
    // with the same method and options, the frontier off, and simulation noise makes the
    // pairs differ, so the marginal has a Student-t interval over the pairs.
    let (sc, demand) = small();
    let own = PlanOptions {
        method: Method::Simulation,
        max_iterations: 3,
        iter_replications: 6,
        frontier: false,
        replications: 4,
        frontier_replications: 4,
        ..PlanOptions::for_scenario(&sc)
    };
    let p = plan(&sc, &demand, &own).unwrap();
    let o = CostOptions {
        pairs: 2,
        levers: false,
        ..opts(&sc, 3)
    };
    let a = analyse(&sc, &demand, &p, &o).unwrap();
    let r = a.replan.as_ref().unwrap();
    assert_eq!(r.method, Method::Simulation);
    // Warm-started from the plan's own iteration: at most WARM_ROUNDS more rounds.
    assert_eq!(
        (r.max_iterations, r.iter_replications),
        (peakplan::cost::analysis::WARM_ROUNDS.min(3), 6)
    );
    assert!(!r.frontier);
    assert_eq!(r.confidence, p.options.confidence);
    let radio = &a.campaign_marginals[0];
    let without_sc = without_campaign(&sc, 0);
    for k in 0..2 {
        let seed = o.pair_seed(k);
        let (with, w_check) =
            replan_cost(&sc, &p.options, seed, &o, "with", p.warm.as_ref()).unwrap();
        let (without, wo_check) = replan_cost(
            &without_sc,
            &p.options,
            seed,
            &o,
            "without",
            p.warm.as_ref(),
        )
        .unwrap();
        assert_eq!(radio.cost.pairs[k as usize], with.total - without.total);
        assert_eq!(radio.sides[k as usize], (w_check, wo_check));
        assert!(
            w_check.converged.is_some(),
            "a simulation re-plan reports convergence"
        );
    }
    // Two pairs: mean ± t(0.975, 1) × sd / √2, with t = 12.7062047 (tables).
    let d: Vec<f64> = radio.cost.pairs.iter().map(|m| m.cents() as f64).collect();
    let mean = (d[0] + d[1]) / 2.0;
    let half = 12.706_204_736 * (d[0] - d[1]).abs() / 2f64.sqrt() / 2f64.sqrt();
    let (lo, hi) = radio.cost.ci95.unwrap();
    assert!(
        (lo.cents() as f64 - (mean - half)).abs() <= 1.0,
        "{lo} vs {}",
        mean - half
    );
    assert!(
        (hi.cents() as f64 - (mean + half)).abs() <= 1.0,
        "{hi} vs {}",
        mean + half
    );
    assert_eq!(radio.cost.exact, d[0] == d[1]);
    let note = a.marginal_method().unwrap();
    assert!(note.contains("simulation method"), "{note}");
    assert!(note.contains("Simulation noise enters"), "{note}");
}

#[test]
fn a_campaign_with_zero_orders_costs_zero() {
    let (sc, demand) = small();
    let p = erlang_a_plan(&sc, &demand);
    let a = analyse(&sc, &demand, &p, &opts(&sc, 3)).unwrap();
    let flyer = a.campaigns.iter().find(|r| r.campaign == "flyer").unwrap();
    assert_eq!(flyer.orders, 0.0);
    assert_eq!(flyer.contacts, 0.0);
    assert_eq!(flyer.marginal_cost_eur, Some(Money::ZERO));
    // The same scenario on both sides of every pair: exact, and said to be.
    let m = a
        .campaign_marginals
        .iter()
        .find(|m| m.name == "flyer")
        .unwrap();
    assert!(m.cost.exact);
    assert_eq!(m.cost.ci95, Some((Money::ZERO, Money::ZERO)));
    assert!(
        m.cost
            .describe("EUR")
            .contains("exact under common random numbers")
    );
    assert_eq!(flyer.marginal_flex_hours, Some(0.0));
    assert_eq!(flyer.attributed_cost_eur, Money::ZERO);
    assert_eq!(flyer.cost_per_contact_eur, Money::ZERO);
    assert_eq!(flyer.cost_per_order_eur, Money::ZERO);
}

#[test]
fn changing_the_outsourcing_price_moves_only_the_outsourcing_lines() {
    let (sc, demand) = small();
    let p = erlang_a_plan(&sc, &demand);
    let o = opts(&sc, 4);
    let outcome = simulate_outcome(&sc, &demand, &p, &o).unwrap();
    let roster = plan_roster(&sc, &p).unwrap();
    let staff = StaffPlan {
        grid: &p.grid,
        roster: &roster,
        flex: &p.cover,
        overtime_hours: &[],
        new_hires: &[],
    };
    let partner = sc
        .agents
        .flex_pools
        .iter()
        .position(|x| x.name == "partner")
        .unwrap();
    assert!(
        outcome
            .handled
            .iter()
            .any(|h| h.staff == Staff::Pool(partner)),
        "the plan should use the outsourcer"
    );
    let before = cost(&CostModel::from_scenario(&sc), &demand, &staff, &outcome).unwrap();
    let mut dear = sc.clone();
    dear.agents.flex_pools[partner]
        .price_per_contact_eur
        .insert("phone".into(), 9.5);
    let after = cost(&CostModel::from_scenario(&dear), &demand, &staff, &outcome).unwrap();
    assert_eq!(before.cells.len(), after.cells.len());
    let partner_staff = sc.agents.teams.len() + partner;
    let mut moved = 0;
    for (b, a) in before.cells.iter().zip(&after.cells) {
        assert_eq!(b.key, a.key);
        if b.cost() != a.cost() {
            moved += 1;
            assert_eq!(b.key.staff, Some(partner_staff), "{:?} moved", b.key);
            assert_eq!(b.key.channel, Some(0), "{:?} moved", b.key);
            for k in CostKind::ALL {
                if k != CostKind::Outsourcing {
                    assert_eq!(b.by_kind[k as usize], a.by_kind[k as usize]);
                }
            }
        }
    }
    assert!(moved > 0);
    // The outsourcing kind rises by exactly the price difference × the partner's phone calls.
    let calls: f64 = outcome
        .handled
        .iter()
        .filter(|h| h.staff == Staff::Pool(partner) && h.channel == 0)
        .map(|h| h.contacts)
        .sum();
    let diff = after.by_kind[CostKind::Outsourcing as usize].cents()
        - before.by_kind[CostKind::Outsourcing as usize].cents();
    assert!(
        ((diff as f64) - calls * 350.0).abs() <= 1.0,
        "{diff} vs {calls}"
    );
    assert_eq!(after.total - before.total, Money::from_cents(diff));
}

#[test]
fn peakplan_cost_writes_the_tables_with_every_campaign_column_filled() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cost");
    let assert = Command::cargo_bin("peakplan")
        .unwrap()
        .args([
            "cost",
            small_path().to_str().unwrap(),
            "--replications",
            "3",
        ])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("radio brought"), "{stdout}");
    for f in [
        "costs.csv",
        "campaigns.csv",
        "levers.csv",
        "options.csv",
        "cost_summary.txt",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let mut r = csv::Reader::from_path(out.join("campaigns.csv")).unwrap();
    let header = r.headers().unwrap().clone();
    for col in [
        "campaign",
        "orders",
        "contacts",
        "handling_hours",
        "marginal_flex_hours",
        "marginal_cost_eur",
        "cost_per_contact_eur",
        "cost_per_order_eur",
    ] {
        assert!(header.iter().any(|h| h == col), "no column {col}");
    }
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let names: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(names, ["radio", "flyer"]);
    for row in &rows {
        assert!(row.iter().all(|v| !v.is_empty()), "empty field in {row:?}");
    }
    // costs.csv adds up to the total the summary states.
    let mut r = csv::Reader::from_path(out.join("costs.csv")).unwrap();
    let col = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "cost_eur")
        .unwrap();
    let cents: i64 = r
        .records()
        .map(|x| x.unwrap()[col].parse::<Money>().unwrap().cents())
        .sum();
    let summary = std::fs::read_to_string(out.join("cost_summary.txt")).unwrap();
    let total = summary
        .split("the plan costs €")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap()
        .replace(',', "");
    assert_eq!(Money::from_cents(cents).to_string(), total);
    assert_eq!(
        stdout.lines().next(),
        summary.lines().next(),
        "stdout starts with the summary"
    );
}

#[test]
fn peakplan_cost_rejects_zero_replications_as_bad_input() {
    Command::cargo_bin("peakplan")
        .unwrap()
        .args([
            "cost",
            small_path().to_str().unwrap(),
            "--replications",
            "0",
        ])
        .arg("--out")
        .arg(tempfile::tempdir().unwrap().path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("replications"));
}
