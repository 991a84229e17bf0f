//! The report's finance section: what the plan costs per contact by channel and by reason,
//! each campaign's marginal cost with its 95% interval (or the statement that it is exact),
//! what each lever saves, and the plan's flex hours bought as flex, as overtime or from an
//! outsourcer, per covered hour. Built from a [`CostAnalysis`]; the same tables go into
//! `report.html` and `summary.md`, and [`finance_json`] into `run.json` and
//! `peakplan cost --format json`.

use serde_json::json;

use super::html::{Block, Column, Section, Table};
use crate::cost::analysis::{Outsourcing, Paired, SideCheck};
use crate::cost::{CostAnalysis, Dim};
use crate::scenario::PoolKind;

fn whole(x: f64) -> String {
    super::plot::format::thousands(x, 0)
}

fn pct(x: f64) -> String {
    super::plot::format::fraction_percent(x, 1)
}

/// "€4,100.00 to €20,300.00", "exact", or with one pair that there is no sampling interval.
fn interval(p: &Paired, cur: &str) -> String {
    match (p.ci95, p.exact) {
        (Some(_), true) => "exact (same in every pair)".into(),
        (Some((lo, hi)), false) => format!("{} to {}", lo.format(cur), hi.format(cur)),
        (None, _) => "one pair: no sampling interval".into(),
    }
}

fn pool_kind(k: PoolKind) -> &'static str {
    match k {
        PoolKind::Internal => "internal",
        PoolKind::TempAgency => "temp agency",
        PoolKind::Outsourcer => "outsourcer",
    }
}

/// The mean share of cells meeting the target over the pairs, and how many re-plans of the
/// side did not converge.
fn side_summary(sides: &[SideCheck]) -> (f64, usize) {
    let n = sides.len().max(1) as f64;
    let share = sides.iter().map(|s| s.share_meeting).sum::<f64>() / n;
    let unconverged = sides.iter().filter(|s| s.converged == Some(false)).count();
    (share, unconverged)
}

/// The cost per handled contact by one dimension (channel or reason).
fn per_contact_table(a: &CostAnalysis, dim: Dim, id: &str, what: &str) -> Table {
    let cur = &a.currency;
    let rows = a
        .costing
        .totals_by(dim)
        .into_iter()
        .map(|g| {
            vec![
                g.label.replace('_', " "),
                whole(g.handled_contacts),
                whole(g.abandoned_contacts),
                whole(g.handling_hours),
                g.cost.format(cur),
                if g.handled_contacts > 0.0 {
                    g.cost_per_handled_contact().format(cur)
                } else {
                    "–".into()
                },
            ]
        })
        .collect();
    Table {
        id: id.into(),
        caption: format!("Cost per handled contact by {what}"),
        columns: vec![
            Column::text(capitalise(what)),
            Column::number("Handled"),
            Column::number("Abandoned"),
            Column::number("Handling hours"),
            Column::number("Cost"),
            Column::number("Per handled contact"),
        ],
        rows,
        note: Some(format!(
            "Every cost of the plan ({}) charged to the work it paid for: agent time to the contacts handled in the same interval by handling hours, channel costs and the abandoned-contact charge to their contacts; the rows add up to the total to the cent. Means of {} simulated replications.",
            a.costing.total.format(cur),
            a.settings.replications
        )),
        marks: Vec::new(),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

fn campaigns_table(a: &CostAnalysis) -> Table {
    let cur = &a.currency;
    let rows = a
        .campaigns
        .iter()
        .map(|r| {
            let m = a.campaign_marginals.iter().find(|m| m.name == r.campaign);
            vec![
                r.campaign.replace('_', " "),
                whole(r.orders),
                whole(r.contacts),
                r.marginal_flex_hours.map_or_else(|| "–".into(), whole),
                r.marginal_cost_eur
                    .map_or_else(|| "–".into(), |m| m.format(cur)),
                m.map_or_else(|| "–".into(), |m| interval(&m.cost, cur)),
                r.cost_per_contact_eur.format(cur),
                r.cost_per_order_eur.format(cur),
            ]
        })
        .collect();
    let mut note = a.marginal_method().unwrap_or_else(|| {
        "Campaigns were not re-planned: the cost shown is what the attribution charges them.".into()
    });
    for m in &a.campaign_marginals {
        let with: Vec<SideCheck> = m.sides.iter().map(|s| s.0).collect();
        let without: Vec<SideCheck> = m.sides.iter().map(|s| s.1).collect();
        let (w, wu) = side_summary(&with);
        let (wo, wou) = side_summary(&without);
        let conf = a
            .replan
            .as_ref()
            .map_or_else(String::new, |o| pct(o.confidence));
        note.push_str(&format!(
            " {}: both sides planned to the same target — with the campaign {} of the interval cells meet it with {conf} probability in the re-plans' own checks, without it {}",
            m.name.replace('_', " "),
            pct(w),
            pct(wo)
        ));
        if wu + wou > 0 {
            note.push_str(&format!(
                " ({} of {} re-plans stopped at the iteration cap)",
                wu + wou,
                2 * m.sides.len()
            ));
        }
        note.push('.');
    }
    Table {
        id: "campaigns".into(),
        caption: "What each campaign costs customer service".into(),
        columns: vec![
            Column::text("Campaign"),
            Column::number("Orders"),
            Column::number("Contacts caused"),
            Column::number("Marginal flex hours"),
            Column::number("Marginal cost"),
            Column::number("95% interval"),
            Column::number("Per contact"),
            Column::number("Per order"),
        ],
        rows,
        note: Some(note),
        marks: Vec::new(),
    }
}

fn levers_table(a: &CostAnalysis) -> Table {
    let cur = &a.currency;
    Table {
        id: "levers".into(),
        caption: "What each lever saves".into(),
        columns: vec![
            Column::text("Lever"),
            Column::text("What it does"),
            Column::number("Contacts removed"),
            Column::number("Paid hours saved"),
            Column::number("Saving"),
            Column::number("95% interval"),
        ],
        rows: a
            .levers
            .iter()
            .zip(&a.lever_marginals)
            .map(|(l, m)| {
                vec![
                    l.lever.replace('_', " "),
                    l.description.clone(),
                    whole(l.contacts_removed),
                    whole(l.hours_saved),
                    l.cost_saved_eur.format(cur),
                    interval(&m.saving, cur),
                ]
            })
            .collect(),
        note: Some(
            "A lever's saving: the scenario re-planned and costed without the lever minus with it, paired as the campaigns' marginal costs (above)."
                .into(),
        ),
        marks: Vec::new(),
    }
}

fn options_table(a: &CostAnalysis) -> Table {
    let cur = &a.currency;
    let rows = a
        .options
        .iter()
        .map(|o| {
            vec![
                o.option.clone(),
                whole(o.hours),
                whole(o.uncovered_hours),
                o.cost_eur.format(cur),
                if o.hours > 0.0 {
                    o.cost_eur.per_unit(o.hours).format(cur)
                } else {
                    "–".into()
                },
                o.description.clone(),
            ]
        })
        .collect();
    Table {
        id: "options".into(),
        caption: format!(
            "The plan's {} flex agent-hours bought three ways",
            whole(a.shortfall_hours)
        ),
        columns: vec![
            Column::text("Option"),
            Column::number("Hours covered"),
            Column::number("Hours left uncovered"),
            Column::number("Cost"),
            Column::number("Per covered hour"),
            Column::text("How"),
        ],
        rows,
        note: Some(outsourcing_sentence(a)),
        marks: Vec::new(),
    }
}

/// Why there is (or is not) an outsourcing row.
pub fn outsourcing_sentence(a: &CostAnalysis) -> String {
    match &a.outsourcing {
        Outsourcing::Pool(p) => format!(
            "Outsourcing: pool `{p}` is an outsourcer; its row prices the same hours at its own rates (per handled contact where it has a price for the channel, at the flex agents' simulated contacts per paid hour)."
        ),
        Outsourcing::NoOutsourcer(pools) if pools.is_empty() => "No outsourcing row: the scenario has no flex pool, so there is no outsourcing partner to price; add a pool with `kind: Outsourcer` and its prices to compare.".into(),
        Outsourcing::NoOutsourcer(pools) => format!(
            "No outsourcing row: none of the scenario's flex pools is an outsourcer ({}); add a pool with `kind: Outsourcer` and its hourly or per-contact price to compare.",
            pools
                .iter()
                .map(|(n, k)| format!("{n}: {}", pool_kind(*k)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Outsourcing::NotCompared => "Flex, overtime and outsourcing are not compared: the scenario has no permanent team to work overtime.".into(),
    }
}

/// The finance section: `plot` (the marginal cost per campaign) first, then the tables.
pub fn finance_section(a: &CostAnalysis, plot: Option<Block>) -> Section {
    let cur = &a.currency;
    let c = &a.costing;
    let kinds = c.kinds_in(cur);
    let mut blocks = vec![Block::Paragraph(format!(
        "The plan costs {} for {} handled contacts: {} per handled contact, {} paid agent hours. By kind: {}.",
        c.total.format(cur),
        whole(c.handled_contacts()),
        c.cost_per_handled_contact().format(cur),
        whole(c.paid_hours()),
        kinds.join(", ")
    ))];
    blocks.extend(plot);
    blocks.push(Block::Table(campaigns_table(a)));
    blocks.push(Block::Table(per_contact_table(
        a,
        Dim::Channel,
        "cost_by_channel",
        "channel",
    )));
    blocks.push(Block::Table(per_contact_table(
        a,
        Dim::Reason,
        "cost_by_reason",
        "reason",
    )));
    if !a.levers.is_empty() {
        blocks.push(Block::Table(levers_table(a)));
    }
    if a.options.is_empty() {
        blocks.push(Block::Paragraph(outsourcing_sentence(a)));
    } else {
        blocks.push(Block::Table(options_table(a)));
    }
    Section {
        id: "finance".into(),
        title: "Finance".into(),
        blocks,
    }
}

fn paired_json(p: &Paired) -> serde_json::Value {
    json!({
        "mean": p.mean.plain(),
        "ci95_low": p.ci95.map(|c| c.0.plain()),
        "ci95_high": p.ci95.map(|c| c.1.plain()),
        "exact": p.exact,
        "pairs": p.pairs.iter().map(|m| m.plain()).collect::<Vec<_>>(),
    })
}

fn side_json(s: &SideCheck) -> serde_json::Value {
    json!({
        "share_of_cells_meeting": s.share_meeting,
        "converged": s.converged,
        "short_cells": s.short_cells,
    })
}

/// The finance analysis as JSON (amounts as plain decimal strings, exact to the cent).
pub fn finance_json(a: &CostAnalysis) -> serde_json::Value {
    let per = |dim: Dim| {
        a.costing
            .totals_by(dim)
            .into_iter()
            .map(|g| {
                json!({
                    "name": g.label,
                    "handled_contacts": g.handled_contacts,
                    "abandoned_contacts": g.abandoned_contacts,
                    "handling_hours": g.handling_hours,
                    "cost": g.cost.plain(),
                    "cost_per_handled_contact": g.cost_per_handled_contact().plain(),
                })
            })
            .collect::<Vec<_>>()
    };
    json!({
        "scenario": a.scenario,
        "currency": a.currency,
        "total": a.costing.total.plain(),
        "per_handled_contact": a.costing.cost_per_handled_contact().plain(),
        "handled_contacts": a.costing.handled_contacts(),
        "paid_hours": a.costing.paid_hours(),
        "replications": a.settings.replications,
        "seed": a.settings.seed,
        "by_channel": per(Dim::Channel),
        "by_reason": per(Dim::Reason),
        "campaigns": a.campaigns.iter().map(|r| {
            let m = a.campaign_marginals.iter().find(|m| m.name == r.campaign);
            json!({
                "campaign": r.campaign,
                "orders": r.orders,
                "contacts": r.contacts,
                "handling_hours": r.handling_hours,
                "marginal_flex_hours": r.marginal_flex_hours,
                "marginal_cost": m.map(|m| paired_json(&m.cost)),
                "attributed_cost": r.attributed_cost_eur.plain(),
                "cost_per_contact": r.cost_per_contact_eur.plain(),
                "cost_per_order": r.cost_per_order_eur.plain(),
                "sides": m.map(|m| m.sides.iter().map(|(w, wo)| json!({
                    "with": side_json(w), "without": side_json(wo)
                })).collect::<Vec<_>>()),
            })
        }).collect::<Vec<_>>(),
        "levers": a.levers.iter().zip(&a.lever_marginals).map(|(l, m)| json!({
            "lever": l.lever,
            "description": l.description,
            "contacts_removed": l.contacts_removed,
            "hours_saved": l.hours_saved,
            "saving": paired_json(&m.saving),
        })).collect::<Vec<_>>(),
        "options": a.options.iter().map(|o| json!({
            "option": o.option,
            "description": o.description,
            "hours_covered": o.hours,
            "hours_uncovered": o.uncovered_hours,
            "cost": o.cost_eur.plain(),
            "cost_per_covered_hour": (o.hours > 0.0).then(|| o.cost_eur.per_unit(o.hours).plain()),
        })).collect::<Vec<_>>(),
        "outsourcing": outsourcing_sentence(a),
        "marginal_method": a.marginal_method(),
        "marginal_pairs": a.settings.pairs,
        "replan": a.replan.as_ref().map(|o| json!({
            "method": o.method.name(),
            "confidence": o.confidence,
            "iter_replications": o.iter_replications,
            "max_iterations": o.max_iterations,
            "check_replications": o.replications,
            "frontier": o.frontier,
            "plan_interval_min": o.plan_interval_min,
        })),
    })
}
