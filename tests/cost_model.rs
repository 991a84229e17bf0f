//! The cost model on small hand-solved cases: every figure below is worked out by hand in the
//! comments, from the prices and hours of the case.

use crate::cost_support::*;
use peakplan::cost::{
    AbandonedCell, CostKind, CostModel, Costing, Dim, HandledCell, Money, OvertimeRule, Shortfall,
    SimOutcome, Staff, StaffPlan, campaign_row, compare_shortfall, cost, lever_row, marginal,
};
use peakplan::scenario::{ChannelCost, PoolKind};

const PHONE: usize = 0;
const EMAIL: usize = 1;
const WISMO: usize = 0;
const PAYMENT: usize = 1;
const BASELINE: usize = 0;
const TV: usize = 2;
const RADIO: usize = 3;

fn eur(s: &str) -> Money {
    s.parse().unwrap()
}

#[allow(clippy::too_many_arguments)]
fn handled(
    slot: usize,
    reason: usize,
    channel: usize,
    source: usize,
    staff: Staff,
    contacts: f64,
    hours: f64,
) -> HandledCell {
    HandledCell {
        slot,
        reason,
        channel,
        source,
        staff,
        contacts,
        handling_hours: hours,
    }
}

/// The case:
/// * 2 days of hourly slots; team `fo` (€20/h) has 2 heads in slots 9 and 10 of day 0 and 1
///   head in slot 9 of day 1 → roster cost 2×2×20 + 1×20 = €100.
/// * temp pool `temps` (€25/h, 4 paid hours minimum, €150 training): 2 heads 12:00–15:00 on
///   day 0 → 2 × max(3, 4) × 25 = €200; training 2 × 150 = €300.
/// * outsourcer `bpo` (€30/h, €2.10 per e-mail): 1 head 12:00–14:00 on e-mail (paid per
///   contact, not by the hour) handling 10 e-mails → €21.00.
/// * phone €0.05 per contact and €0.012 per minute; €1.50 per abandoned contact.
struct Case {
    teams: Vec<peakplan::scenario::Team>,
    pools: Vec<peakplan::scenario::FlexPool>,
    costs: peakplan::scenario::Costs,
    grid: peakplan::staffing::Grid,
    roster: peakplan::staffing::Roster,
    plan: peakplan::staffing::CoverPlan,
    outcome: SimOutcome,
    orders: [f64; 5],
}

fn case() -> Case {
    let grid = grid(2);
    let teams = vec![team("fo", 20.0)];
    let mut bpo = pool("bpo", PoolKind::Outsourcer, 30.0, 0.0, 0.0);
    bpo.price_per_contact_eur.insert("email".into(), 2.10);
    let pools = vec![pool("temps", PoolKind::TempAgency, 25.0, 150.0, 4.0), bpo];
    let mut scheduled = vec![0u32; grid.len()];
    scheduled[9] = 2;
    scheduled[10] = 2;
    scheduled[24 + 9] = 1;
    let roster = roster(&teams, scheduled);
    let plan = plan(
        &pools,
        &grid,
        vec![
            shift(&pools, 0, &grid, 0, 12, 15, 2, "phone"),
            shift(&pools, 1, &grid, 0, 12, 14, 1, "email"),
        ],
    );
    let mut costs = costs();
    costs.channel_costs.insert(
        "phone".into(),
        ChannelCost {
            per_contact_eur: 0.05,
            per_minute_eur: 0.012,
        },
    );
    costs.abandoned_contact_eur = 1.5;
    let outcome = SimOutcome {
        handled: vec![
            // Slot 9 (fo): 1.5 h of baseline WISMO phone, 0.5 h of TV payment phone.
            handled(9, WISMO, PHONE, BASELINE, Staff::Team(0), 6.0, 1.5),
            handled(9, PAYMENT, PHONE, TV, Staff::Team(0), 2.0, 0.5),
            // Slots 12–14 (temps): 4 h of TV WISMO phone in slot 12, 2 h baseline in slot 13.
            handled(12, WISMO, PHONE, TV, Staff::Pool(0), 16.0, 4.0),
            handled(13, WISMO, PHONE, BASELINE, Staff::Pool(0), 8.0, 2.0),
            // bpo: 10 e-mails of TV payment.
            handled(12, PAYMENT, EMAIL, TV, Staff::Pool(1), 10.0, 1.0),
        ],
        abandoned: vec![AbandonedCell {
            slot: 9,
            reason: WISMO,
            channel: PHONE,
            source: BASELINE,
            contacts: 4.0,
        }],
    };
    Case {
        teams,
        pools,
        costs,
        grid,
        roster,
        plan,
        outcome,
        orders: [1000.0, 500.0, 250.0, 0.0, 0.0],
    }
}

fn run(c: &Case) -> Costing {
    let model = CostModel {
        costs: &c.costs,
        teams: &c.teams,
        pools: &c.pools,
    };
    let plan = StaffPlan {
        grid: &c.grid,
        roster: &c.roster,
        flex: &c.plan,
        overtime_hours: &[],
        new_hires: &[],
    };
    cost(&model, &demand(&c.grid, c.orders), &plan, &c.outcome).unwrap()
}

fn kind(c: &Costing, k: CostKind) -> Money {
    c.by_kind[k as usize]
}

#[test]
fn component_totals_match_hand_computation() {
    let c = run(&case());
    assert_eq!(kind(&c, CostKind::Permanent), eur("100.00"));
    assert_eq!(kind(&c, CostKind::Flex), eur("200.00"));
    assert_eq!(kind(&c, CostKind::Training), eur("300.00"));
    assert_eq!(kind(&c, CostKind::Outsourcing), eur("21.00"));
    // Phone: 32 contacts × 0.05 = 1.60; 8 handling hours = 480 min × 0.012 = 5.76.
    assert_eq!(kind(&c, CostKind::Channel), eur("7.36"));
    assert_eq!(kind(&c, CostKind::Abandoned), eur("6.00"));
    assert_eq!(c.total, eur("634.36"));
    assert_eq!(c.hours.permanent, 5.0);
    assert_eq!(c.hours.flex, 8.0); // 2 × 3 h temps + 1 × 2 h bpo
    assert_eq!(c.hours.flex_paid, 8.0); // 2 × 4 h temps; bpo paid per contact
}

#[test]
fn agent_time_follows_handling_hours_and_idle_time_stays_visible() {
    let c = run(&case());
    let reason = c.totals_by(Dim::Reason);
    // fo day 0: slots 9+10 cost €80, all carried by slot 9's work (1.5 : 0.5) → WISMO €60,
    // payment €20. fo day 1: €20 with no contacts → an idle cell.
    let find =
        |g: &[peakplan::cost::Group], l: &str| g.iter().find(|g| g.label == l).cloned().unwrap();
    let idle = find(&reason, "idle");
    assert_eq!(idle.cost, eur("20.00"));
    assert_eq!(idle.by_kind[CostKind::Permanent as usize], eur("20.00"));
    let wismo = find(&reason, "where_is_my_order");
    let payment = find(&reason, "payment");
    assert_eq!(wismo.by_kind[CostKind::Permanent as usize], eur("60.00"));
    assert_eq!(payment.by_kind[CostKind::Permanent as usize], eur("20.00"));
    // temps: €200 over slots 12–14 (€66.67 each by length); slot 12's share goes to TV (4 h),
    // slot 13's to baseline, slot 14 has no work → passes to the day's work 4 : 2.
    // TV: 200/3 + 200/3 × 4/6 = 111.11; baseline 200/3 + 200/3 × 2/6 = 88.89.
    let source = c.totals_by(Dim::Source);
    let tv = find(&source, "tv");
    assert_eq!(tv.by_kind[CostKind::Flex as usize], eur("111.11"));
    // Training €300 by season handling hours of temps: TV 4/6 → 200, baseline 100.
    assert_eq!(tv.by_kind[CostKind::Training as usize], eur("200.00"));
    assert_eq!(tv.by_kind[CostKind::Outsourcing as usize], eur("21.00"));
    // Abandoned contacts sit in the `abandoned` staff column.
    let staff = c.totals_by(Dim::Staff);
    assert_eq!(find(&staff, "abandoned").cost, eur("6.00"));
    assert_eq!(find(&staff, "bpo").cost, eur("21.00"));
}

#[test]
fn totals_by_every_dimension_equal_the_grand_total() {
    let c = run(&case());
    for dim in [Dim::Day, Dim::Channel, Dim::Reason, Dim::Staff, Dim::Source] {
        let sum: Money = c.totals_by(dim).iter().map(|g| g.cost).sum();
        assert_eq!(sum, c.total, "{dim:?}");
    }
    let rows: Money = c.rows().iter().map(|r| r.cost_eur).sum();
    assert_eq!(rows, c.total);
}

#[test]
fn cost_per_handled_contact_by_channel() {
    let c = run(&case());
    let ch = c.totals_by(Dim::Channel);
    let email = ch.iter().find(|g| g.label == "email").unwrap();
    // E-mail: only bpo's 10 contacts at €2.10 → €2.10 each.
    assert_eq!(email.cost, eur("21.00"));
    assert_eq!(email.cost_per_handled_contact(), eur("2.10"));
    let phone = ch.iter().find(|g| g.label == "phone").unwrap();
    assert_eq!(phone.handled_contacts, 32.0);
    // Phone: everything but e-mail and idle: 634.36 − 21 − 20 = 593.36 over 32 → 18.5425 → 18.54.
    assert_eq!(phone.cost, eur("593.36"));
    assert_eq!(phone.cost_per_handled_contact(), eur("18.54"));
}

#[test]
fn changing_the_outsourcing_price_moves_only_outsourced_lines() {
    let base_case = case();
    let base = run(&base_case);
    let mut dearer = case();
    dearer.pools[1]
        .price_per_contact_eur
        .insert("email".into(), 3.0);
    let after = run(&dearer);
    // 10 contacts × €0.90 more.
    assert_eq!(after.total - base.total, eur("9.00"));
    assert_eq!(base.cells.len(), after.cells.len());
    let bpo = base.staff.iter().position(|s| s == "bpo").unwrap();
    let mut moved = 0;
    for (a, b) in base.cells.iter().zip(&after.cells) {
        assert_eq!(a.key, b.key);
        if a.key.staff == Some(bpo) {
            moved += usize::from(a.cost() != b.cost());
        } else {
            assert_eq!(
                a.by_kind, b.by_kind,
                "a line without outsourcing moved: {:?}",
                a.key
            );
        }
    }
    assert!(moved > 0);
}

#[test]
fn marginal_campaign_cost_is_the_difference_of_two_full_plans() {
    // Without TV: its contacts are gone and the planner drops the temps' shift.
    let with_case = case();
    let with = run(&with_case);
    let mut without_case = case();
    without_case.outcome.handled.retain(|h| h.source != TV);
    without_case.plan = plan(&without_case.pools, &without_case.grid, vec![]);
    let without = run(&without_case);
    let m = marginal(&with, &without);
    assert_eq!(m.cost, with.total - without.total);
    // By hand: temps €200 + training €300 + bpo €21 + the TV phone contacts' channel costs
    // (18 contacts × 0.05 = 0.90; 4.5 h = 270 min × 0.012 = 3.24) = €525.14. The roster is
    // paid either way.
    assert_eq!(m.cost, eur("525.14"));
    assert_eq!(m.flex_hours, 8.0);
    assert_eq!(m.contacts, 28.0);
    let tv = with
        .campaigns()
        .into_iter()
        .find(|c| c.name == "tv")
        .unwrap();
    assert_eq!(tv.orders, 500.0); // 250 a day × 2 days
    let row = campaign_row(&tv, Some(&m));
    assert_eq!(row.marginal_cost_eur, Some(eur("525.14")));
    // 525.14 / 28 = 18.755 exactly → half away from zero → 18.76; 525.14 / 500 = 1.05028.
    assert_eq!(row.cost_per_contact_eur, eur("18.76"));
    assert_eq!(row.cost_per_order_eur, eur("1.05"));
    assert_eq!(row.marginal_flex_hours, Some(8.0));
}

#[test]
fn a_campaign_with_zero_orders_costs_zero() {
    let c = run(&case());
    let radio = c
        .campaigns()
        .into_iter()
        .find(|c| c.name == "radio")
        .unwrap();
    assert_eq!(radio.source, RADIO);
    assert_eq!(radio.orders, 0.0);
    assert_eq!(radio.contacts, 0.0);
    assert_eq!(radio.attributed_cost, Money::ZERO);
    // Re-planned without it, nothing changes.
    let m = marginal(&c, &run(&case()));
    let row = campaign_row(&radio, Some(&m));
    assert_eq!(row.marginal_cost_eur, Some(Money::ZERO));
    assert_eq!(row.cost_per_order_eur, Money::ZERO);
    assert_eq!(row.cost_per_contact_eur, Money::ZERO);
}

#[test]
fn lever_rows_are_differences_of_costings() {
    let base = run(&case());
    let mut prevented = case();
    prevented.outcome.handled.retain(|h| h.reason != PAYMENT);
    let after = run(&prevented);
    let row = lever_row(
        "prevent_payment",
        "payment questions prevented",
        &base,
        &after,
    );
    assert_eq!(row.contacts_removed, 12.0);
    assert_eq!(row.hours_saved, 0.0); // same plan
    // Same plan and roster: saved are bpo's €21 and the payment phone contacts' channel
    // costs (2 × 0.05 + 30 min × 0.012 = 0.46).
    assert_eq!(row.cost_saved_eur, eur("21.46"));
}

#[test]
fn csv_rows_have_plain_amounts_and_fixed_quantities() {
    let c = run(&case());
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in c.rows() {
        w.serialize(r).unwrap();
    }
    let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "day,channel,reason,pool,source,handled_contacts,abandoned_contacts,handling_hours,cost_eur"
    );
    assert!(
        text.contains("2027-02-11,-,idle,fo,-,0.000,0.000,0.000,20.00"),
        "{text}"
    );
    assert!(
        text.contains("2027-02-10,email,payment,bpo,tv,10.000,0.000,1.000,21.00"),
        "{text}"
    );
}

#[test]
fn shortfall_priced_three_ways() {
    let c = case();
    let model = CostModel {
        costs: &c.costs,
        teams: &c.teams,
        pools: &c.pools,
    };
    let plan = StaffPlan {
        grid: &c.grid,
        roster: &c.roster,
        flex: &c.plan,
        overtime_hours: &[],
        new_hires: &[],
    };
    // 6 agent-hours short on day 0 (slots 12–14, 2 each) and 3 on day 1.
    let mut hours = vec![0.0; c.grid.len()];
    for s in [12, 13, 14] {
        hours[s] = 2.0;
    }
    hours[24 + 12] = 3.0;
    let shortfall = Shortfall {
        hours_per_slot: &hours,
        contacts_per_hour: 6.0,
        channel: Some("email"),
    };
    let rows =
        compare_shortfall(&model, &plan, &shortfall, &OvertimeRule::default(), Some(1)).unwrap();
    assert_eq!(rows.len(), 3);
    // Flex: temps €200 + training €300 (bpo paid per contact, so not here).
    assert_eq!(rows[0].cost_eur, eur("500.00"));
    // Overtime: day 0 cap 2 heads × 2 h = 4 of 6 h; day 1 cap 1 × 2 = 2 of 3 h → 6 h at
    // €20 × 1.5 = €180, 3 h uncovered.
    assert_eq!(rows[1].hours, 6.0);
    assert_eq!(rows[1].uncovered_hours, 3.0);
    assert_eq!(rows[1].cost_eur, eur("180.00"));
    // Outsourcing per e-mail: 9 h × 6 = 54 contacts × €2.10 = €113.40.
    assert_eq!(rows[2].contacts, 54.0);
    assert_eq!(rows[2].cost_eur, eur("113.40"));
    // Without a per-contact price: 9 h × €30 = €270.
    let by_hour = Shortfall {
        channel: Some("phone"),
        ..shortfall
    };
    let rows =
        compare_shortfall(&model, &plan, &by_hour, &OvertimeRule::default(), Some(1)).unwrap();
    assert_eq!(rows[2].cost_eur, eur("270.00"));
}

#[test]
fn overtime_and_hiring_in_the_model() {
    let c = case();
    let model = CostModel {
        costs: &c.costs,
        teams: &c.teams,
        pools: &c.pools,
    };
    let mut ot = vec![0.0; c.grid.len()];
    ot[9] = 1.25; // 1.25 h × €20 × 1.5 = €37.50
    let mut costs = c.costs.clone();
    costs.hiring_cost_eur = 15_000.0;
    let model = CostModel {
        costs: &costs,
        ..model
    };
    let plan = StaffPlan {
        grid: &c.grid,
        roster: &c.roster,
        flex: &c.plan,
        overtime_hours: &ot,
        new_hires: &[2],
    };
    let out = cost(&model, &demand(&c.grid, c.orders), &plan, &c.outcome).unwrap();
    assert_eq!(kind(&out, CostKind::Overtime), eur("37.50"));
    assert_eq!(kind(&out, CostKind::Hiring), eur("30000.00"));
    assert_eq!(out.hours.overtime, 1.25);
}

#[test]
fn bad_input_is_named() {
    let c = case();
    let model = CostModel {
        costs: &c.costs,
        teams: &c.teams,
        pools: &c.pools,
    };
    let plan = StaffPlan {
        grid: &c.grid,
        roster: &c.roster,
        flex: &c.plan,
        overtime_hours: &[1.0],
        new_hires: &[],
    };
    let err = cost(&model, &demand(&c.grid, c.orders), &plan, &c.outcome).unwrap_err();
    assert!(err.to_string().contains("overtime_hours"), "{err}");
    let plan = StaffPlan {
        overtime_hours: &[],
        ..plan
    };
    let mut outcome = c.outcome.clone();
    outcome.handled[0].contacts = f64::NAN;
    let err = cost(&model, &demand(&c.grid, c.orders), &plan, &outcome).unwrap_err();
    assert!(err.to_string().contains("handled[0]"), "{err}");
    let mut teams = c.teams.clone();
    teams[0].hourly_cost_eur = -1.0;
    let model = CostModel {
        teams: &teams,
        ..model
    };
    let err = cost(&model, &demand(&c.grid, c.orders), &plan, &c.outcome).unwrap_err();
    assert!(err.to_string().contains("hourly_cost_eur"), "{err}");
}

#[test]
fn summary_rows_and_kinds() {
    let c = run(&case());
    let rows = c.summary_rows(Dim::Channel);
    let phone = rows.iter().find(|r| r.value == "phone").unwrap();
    assert_eq!(phone.cost_per_handled_contact_eur, eur("18.54"));
    let kinds = c.kind_rows();
    assert_eq!(kinds.len(), CostKind::COUNT);
    assert_eq!(kinds.iter().map(|(_, m)| *m).sum::<Money>(), c.total);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.serialize(phone).unwrap();
    let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
    assert!(
        text.ends_with("phone,32.000,4.000,8.000,593.36,18.54\n"),
        "{text}"
    );
}

#[test]
fn training_of_a_pool_that_handled_nothing_is_idle_on_its_peak_date() {
    let mut c = case();
    // temps work on day 1 only and handle nothing.
    c.outcome.handled.retain(|h| h.staff != Staff::Pool(0));
    c.plan = plan(
        &c.pools,
        &c.grid,
        vec![shift(&c.pools, 0, &c.grid, 1, 12, 15, 2, "phone")],
    );
    let out = run(&c);
    let temps = out.staff.iter().position(|s| s == "temps").unwrap();
    let idle: Vec<_> = out
        .cells
        .iter()
        .filter(|x| x.key.staff == Some(temps))
        .collect();
    assert_eq!(idle.len(), 1);
    assert_eq!(idle[0].key.day, 1);
    assert_eq!(idle[0].key.reason, None);
    assert_eq!(idle[0].by_kind[CostKind::Training as usize], eur("300.00"));
    assert_eq!(idle[0].by_kind[CostKind::Flex as usize], eur("200.00"));
}

#[test]
fn a_campaign_row_reads_as_the_finance_sentence() {
    let row = peakplan::cost::CampaignRow {
        campaign: "valentine_tv".into(),
        orders: 81_700.0,
        contacts: 12_400.0,
        handling_hours: 950.4,
        marginal_flex_hours: Some(310.2),
        marginal_cost_eur: Some(eur("9800.00")),
        attributed_cost_eur: eur("9100.00"),
        cost_per_contact_eur: eur("9800.00").per_unit(12_400.0),
        cost_per_order_eur: eur("9800.00").per_unit(81_700.0),
        marginal_cost_ci95_low_eur: None,
        marginal_cost_ci95_high_eur: None,
    };
    assert_eq!(
        row.sentence("EUR"),
        "valentine_tv brought 12,400 contacts and needed 310 extra flex hours: €9,800.00, \
         €0.79 per campaign contact, €0.12 per campaign order"
    );
    let attributed = peakplan::cost::CampaignRow {
        marginal_flex_hours: None,
        marginal_cost_eur: None,
        ..row
    };
    assert!(attributed.sentence("EUR").contains("charged €9,100.00"));
}
