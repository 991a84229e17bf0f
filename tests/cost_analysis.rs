//! The finance analysis end to end on a small two-day scenario (tests/cost_scenarios/small.ron):
//! a costing filled from the simulator, campaign marginals from paired re-plans, a price
//! change that must stay in its own lines, a campaign without orders, and `peakplan cost`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use peakplan::cost::analysis::{
    CostOptions, analyse, cost_plan, plan_roster, replan_cost, simulate_outcome, without_campaign,
};
use peakplan::cost::{CostKind, CostModel, Dim, Money, Staff, StaffPlan, cost};
use peakplan::demand::Demand;
use peakplan::scenario::Scenario;
use peakplan::sim::Model;
use peakplan::staffing::iterate::apply_plan;
use peakplan::staffing::plan::{Plan, plan};

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
    let o = opts(sc, 2);
    plan(sc, demand, &o.replan_options(sc)).unwrap()
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
    let with = replan_cost(&sc, &o, "with").unwrap();
    let without_sc = without_campaign(&sc, 0);
    let without = replan_cost(&without_sc, &o, "without").unwrap();
    let radio = &a.campaign_marginals[0];
    assert_eq!(radio.name, "radio");
    assert_eq!(radio.marginal.cost, with.total - without.total);
    assert_eq!(a.reference, Some(with.total));
    assert!((radio.marginal.flex_hours - (with.hours.flex - without.hours.flex)).abs() < 1e-9);
    // The flex hours are the two plans' own (planned directly, not through the costing).
    let plan_hours = |s: &Scenario| {
        let d = peakplan::demand::compute(s).unwrap();
        plan(s, &d, &o.replan_options(s)).unwrap().cover.total_hours
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
    // campaigns.csv's row carries the marginal figures.
    let row = a.campaigns.iter().find(|r| r.campaign == "radio").unwrap();
    assert_eq!(row.marginal_cost_eur, Some(radio.marginal.cost));
    assert_eq!(row.cost_per_order_eur, radio.marginal.cost.per_unit(1600.0));
    // The lever saves money: fewer contacts, and the plan with it is not dearer.
    let lever = &a.levers[0];
    assert_eq!(lever.lever, "prevention:where_is_my_order");
    assert!(lever.contacts_removed > 0.0);
    assert!(lever.cost_saved_eur > Money::ZERO);
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
