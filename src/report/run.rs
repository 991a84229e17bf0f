//! `peakplan run`: one command from a scenario to the report a manager can put before the
//! board — validate → demand → plan → simulate → cost → report.
//!
//! # Files (in `--out`, default `output/<scenario name>/`)
//!
//! The directory is produced whole: everything is written into a fresh staging directory
//! that is renamed into place ([`atomic::replace_dir`]); an existing directory is replaced
//! only when it holds an earlier run (`run.json`) or nothing, and the outcome says what was
//! replaced.
//!
//! * `report.html` — self-contained page (inline SVG and CSS, no scripts, no network): the
//!   headline sentence, key figures, the plots and the daily, campaign and frontier tables.
//! * `summary.md` — the same headline, figures and tables in Markdown (plots linked as PNG).
//! * `run.json` — what is needed to reproduce and audit the run: peakplan version, the
//!   SHA-256 of every scenario file read (the file and its `extends` chain), `--set`
//!   overrides, seed, replications, and every headline figure (number and text as shown).
//! * `demand_intervals.csv`, `demand_daily.csv` — see [`super::demand`].
//! * `staffing.csv`, `shifts.csv`, `frontier.csv` — see [`super::plan`].
//! * `sim_intervals.csv`, `sim_daily.csv`, `sim_reasons.csv`, `sim_campaigns.csv`,
//!   `sim_customers.csv` — the planned roster (permanent + flex shifts) simulated; see
//!   [`super::simulate`].
//! * `costs.csv`, `campaigns.csv`, `levers.csv`, `options.csv`, `cost_summary.txt` — the
//!   finance analysis of the plan ([`crate::cost::analyse`], written by
//!   [`super::cost::write_cost_files`]).
//! * Plots, each as PNG and SVG: `demand`, `staffing`, `service_level`, `abandonment`,
//!   `frontier`, `cost_per_campaign`.
//!
//! # Seeds
//!
//! The plan runs with the seed `S` (its final check uses `S + 1`); the simulation of the
//! planned roster uses `S + 1` too, with the check's replications `0..R`, so it replays the
//! plan's own check (same streams) and adds the per-interval detail the check does not keep. The same scenario, seed and replications give
//! byte-identical files.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::cost::{self, CostAnalysis};
use crate::demand::Demand;
use crate::error::{Error, Result};
use crate::montecarlo::{self, McResult, Metric};
use crate::report::atomic::Replaced;
use crate::report::atomic::write_atomic;
use crate::report::html::{Block, Column, KeyFigure, PlotBlock, Report, Section, Table};
use crate::report::plot::format::day_month;
use crate::report::plot::{
    Band, BandPlot, Bar, BarPlot, DEFAULT_SIZE, FrontierPlot, FrontierPoint, HLine, Plot, Series,
    StepLinesPlot, TargetDays, TimeAxis, ValueUnit,
};
use crate::scenario::Scenario;
use crate::sim::Model;
use crate::staffing::plan::Plan;

/// The file whose presence marks a complete run directory.
pub const MARKER: &str = "run.json";

/// One headline figure, with the text every output shows for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Stable id, e.g. `flex_agents`.
    pub id: &'static str,
    pub label: String,
    /// Raw value (`None` when undefined, e.g. an SL without contacts).
    pub number: Option<f64>,
    /// As shown in report.html, summary.md and run.json.
    pub text: String,
}

/// Everything a run computed, before anything is written.
pub struct Computed {
    pub file: PathBuf,
    pub scenario: Scenario,
    /// The scenario files read (the file and its `extends` chain) with their SHA-256.
    pub files: Vec<(PathBuf, String)>,
    pub overrides: Vec<String>,
    pub demand: Demand,
    pub plan: Plan,
    /// The model with the plan's flex shifts applied.
    pub model: Model,
    pub sim: McResult,
    pub seed: u64,
    pub sim_replications: u32,
    /// The finance analysis of the plan (costs, campaigns, levers, options).
    pub cost: CostAnalysis,
    pub headline: String,
    /// The plan's risks, then the days and channels the simulation shows missing their
    /// target.
    pub risks: Vec<String>,
    /// The run was shortened with `--quick` (marked in every output).
    pub quick: bool,
    pub figures: Vec<Figure>,
}

// ---------------------------------------------------------------- formatting helpers

fn fixed(v: f64, d: usize) -> String {
    let s = format!("{v:.d$}");
    if s.starts_with('-') && s.trim_start_matches(['-', '0', '.']).is_empty() {
        s[1..].to_string()
    } else {
        s
    }
}

/// `1,240` (rounded half away from zero, as the headline sentence rounds; thousands
/// separated).
pub fn thousands(v: f64) -> String {
    crate::format::thousands(v, 0)
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_string(), |x| format!("{}%", fixed(x * 100.0, 1)))
}

fn clock(min: u32) -> String {
    format!("{:02}:{:02}", min / 60, min % 60)
}

fn headline_model_channel(c: &Computed) -> usize {
    c.plan
        .check
        .channels
        .get(c.plan.headline)
        .copied()
        .unwrap_or(0)
}

fn sl_metric(c: &Computed) -> Metric {
    Metric::ServiceLevel(c.model.sl_definition)
}

/// Every channel per day in the simulation of the planned roster (see [`super::channels`]);
/// `channels::channel_risks` of it lists the days and channels that miss their target.
pub fn channel_days(c: &Computed) -> Vec<super::channels::ChannelDay> {
    super::channels::channel_days(&c.sim, &c.model, &c.demand.days, c.plan.options.confidence)
}

/// The headline figures, in the order every output lists them.
pub fn figures(c: &Computed) -> Vec<Figure> {
    let p = &c.plan;
    let h = p.headline();
    let d = p.peak_day;
    let ch = headline_model_channel(c);
    let day = c.sim.day(d, ch);
    let sl = day.summary(sl_metric(c)).map(|s| s.mean);
    let aband = day.summary(Metric::PAbandon).map(|s| s.mean);
    let p_all = p.check.day_all_meet.get(d).copied();
    let peak = day_month(p.peak_date());
    let chn = &p.headline_channel;
    let cur = &c.cost.currency;
    let costing = &c.cost.costing;
    vec![
        Figure {
            id: "flex_agents",
            label: "Flex agents needed (peak headcount)".into(),
            number: Some(f64::from(h.flex_heads)),
            text: h.flex_heads.to_string(),
        },
        Figure {
            id: "flex_agents_date",
            label: "Day of the peak flex headcount".into(),
            number: None,
            text: h.flex_heads_date.map_or_else(|| "–".into(), day_month),
        },
        Figure {
            id: "flex_hours",
            label: "Flex hours".into(),
            number: Some(h.flex_hours),
            text: thousands(h.flex_hours),
        },
        Figure {
            id: "flex_cost",
            label: "Flex cost".into(),
            number: Some(h.flex_cost_eur),
            text: super::plan::eur(h.flex_cost_eur),
        },
        Figure {
            id: "total_cost",
            label: "Customer-service cost of the period".into(),
            number: Some(costing.total.to_eur_f64()),
            text: costing.total.format(cur),
        },
        Figure {
            id: "cost_per_contact",
            label: "Cost per handled contact".into(),
            number: Some(costing.cost_per_handled_contact().to_eur_f64()),
            text: costing.cost_per_handled_contact().format(cur),
        },
        Figure {
            id: "peak_sl",
            label: format!("Mean {chn} SL on the target day ({peak})"),
            number: sl,
            text: pct(sl),
        },
        Figure {
            id: "peak_p_all",
            label: format!("P(every interval of {peak} meets the target)"),
            number: p_all,
            text: pct(p_all),
        },
        Figure {
            id: "promise_check",
            label: promise_label(p),
            number: p.choice.as_ref().map(|ch| ch.p_check),
            text: pct(p.choice.as_ref().map(|ch| ch.p_check)),
        },
        Figure {
            id: "peak_abandon",
            label: format!("Abandonment ({chn}) on the target day"),
            number: aband,
            text: pct(aband),
        },
        Figure {
            id: "roster_only_worst_sl",
            label: "Permanent roster alone: worst stretch".into(),
            number: h.roster_only_worst.as_ref().map(|w| w.sl),
            text: h.roster_only_worst.as_ref().map_or_else(
                || "meets the target".into(),
                |w| {
                    format!(
                        "{} ({} {}–{})",
                        pct(Some(w.sl)),
                        day_month(w.date),
                        clock(w.from_min),
                        clock(w.to_min)
                    )
                },
            ),
        },
    ]
}

/// What the promise figure measures, in the fresh-seed check.
fn promise_label(p: &Plan) -> String {
    use crate::staffing::plan::Promise;
    let days = crate::format::dates_list(&p.target_dates());
    let conf = fixed(p.options.confidence * 100.0, 0);
    match p.options.promise {
        Promise::Interval => format!("Cells of {days} meeting with {conf}% (fresh-seed check)"),
        Promise::Day => format!("P({days} meets as a whole) (fresh-seed check)"),
        Promise::AllIntervals => {
            format!("P(every interval of {days} at once) (fresh-seed check)")
        }
    }
}

// ---------------------------------------------------------------- plots

fn axis(c: &Computed) -> TimeAxis {
    TimeAxis::new(
        format!("Local time ({})", c.demand.time_zone),
        c.demand.intervals.iter().map(|iv| iv.local_start).collect(),
    )
}

/// The days every time plot shades as one band: the days the promise must hold
/// (`demand::target_days`, the same the plan judges its promise on).
fn target_days(c: &Computed) -> Option<TargetDays> {
    let days = c.plan.target_dates();
    let label = if days.len() == 1 {
        "Target day"
    } else {
        "Target days"
    };
    Some(TargetDays {
        days,
        label: label.into(),
    })
}

/// The demand plot of `peakplan demand`, shading the run's target days.
fn demand_plot(c: &Computed) -> Plot {
    let mut plot = super::demand::demand_plot(&c.demand, &c.scenario);
    if let Plot::StackedArea(p) = &mut plot {
        p.highlight = target_days(c);
    }
    plot
}

fn staffing_plot(c: &Computed) -> Plot {
    let p = &c.plan;
    let r = &p.requirement;
    let ng = r.n_groups();
    let n = p.grid.len();
    let np = p.pools.len();
    let sum = |v: &[f64], s: usize| v[s * ng..(s + 1) * ng].iter().sum::<f64>();
    let mut lines = vec![
        Series::new(
            "Required, Erlang C",
            (0..n).map(|s| sum(&r.erlang_c, s)).collect(),
        ),
        Series::new(
            "Required, Erlang A",
            (0..n).map(|s| sum(&r.erlang_a, s)).collect(),
        ),
    ];
    if let Some(sim) = &p.simulation_required {
        lines.push(Series::new(
            "Required, simulation",
            (0..n).map(|s| sum(sim, s)).collect(),
        ));
    }
    StepLinesPlot {
        title: format!("Agents required and on duty — {}", c.scenario.name),
        y_label: "Available agents (all need groups)".into(),
        axis: axis(c),
        // On duty in the requirement's unit: standard agents available (heads after
        // absence and in-shift shrinkage, slower agents counted for less).
        capacity: vec![
            Series::new("Permanent, available agents", p.permanent_agents.clone()),
            Series::new(
                "Flex, available agents",
                (0..n)
                    .map(|s| {
                        (0..np)
                            .map(|q| {
                                f64::from(p.flex_on_duty[s * np + q])
                                    * crate::staffing::cover::pool_worth(&p.problem.pools[q])
                                        .agents()
                            })
                            .sum()
                    })
                    .collect(),
            ),
        ],
        lines,
        highlight: target_days(c),
    }
    .into()
}

fn sl_plot(c: &Computed) -> Plot {
    let ch = headline_model_channel(c);
    let m = sl_metric(c);
    let n = c.demand.intervals.len();
    let get = |i: usize, f: fn(&crate::montecarlo::Summary) -> f64| {
        c.sim
            .interval(i, ch)
            .summary(m)
            .map_or(f64::NAN, |s| f(&s) * 100.0)
    };
    BandPlot {
        title: format!(
            "Simulated {} service level per interval with the plan — {}",
            c.plan.headline_channel, c.scenario.name
        ),
        y_label: format!("SL: answered within {} s (%)", fixed(c.plan.target_s, 0)),
        axis: axis(c),
        line: Series::new("Mean SL", (0..n).map(|i| get(i, |s| s.mean)).collect()),
        band: Some(Band {
            label: "90% band (5th–95th percentile)".into(),
            low: (0..n).map(|i| get(i, |s| s.p5)).collect(),
            high: (0..n).map(|i| get(i, |s| s.p95)).collect(),
        }),
        target: Some(HLine {
            value: c.plan.target_share * 100.0,
            label: format!("Target {}%", fixed(c.plan.target_share * 100.0, 0)),
        }),
        y_range: Some((0.0, 100.0)),
        y_unit: "%".into(),
        highlight: target_days(c),
    }
    .into()
}

fn abandon_plot(c: &Computed) -> Plot {
    let ch = headline_model_channel(c);
    let n = c.demand.intervals.len();
    let get = |i: usize, f: fn(&crate::montecarlo::Summary) -> f64| {
        c.sim
            .interval(i, ch)
            .summary(Metric::PAbandon)
            .map_or(f64::NAN, |s| f(&s) * 100.0)
    };
    BandPlot {
        title: format!(
            "Simulated {} abandonment per interval with the plan — {}",
            c.plan.headline_channel, c.scenario.name
        ),
        y_label: "Abandoned / offered (%)".into(),
        axis: axis(c),
        line: Series::new(
            "Mean abandonment",
            (0..n).map(|i| get(i, |s| s.mean)).collect(),
        ),
        band: Some(Band {
            label: "90% band (5th–95th percentile)".into(),
            low: (0..n).map(|i| get(i, |s| s.p5)).collect(),
            high: (0..n).map(|i| get(i, |s| s.p95)).collect(),
        }),
        target: None,
        y_range: None,
        y_unit: "%".into(),
        highlight: target_days(c),
    }
    .into()
}

fn frontier_plot(c: &Computed) -> Option<Plot> {
    use crate::staffing::plan::Promise;
    let p = &c.plan;
    let ch = p.choice.as_ref()?;
    if p.frontier.is_empty() {
        return None;
    }
    let reps = f64::from(ch.frontier_replications.max(1));
    let days = crate::format::dates_list(&ch.target_days);
    // The interval promise's own measure is a share of cells, not a probability: its curve
    // shows P(every target day meets as a whole).
    let (measure, p_of): (String, fn(&crate::staffing::plan::FrontierRow) -> f64) = match ch.promise
    {
        Promise::AllIntervals => (format!("P(every interval of {days} meets at once)"), |r| {
            r.p_all_intervals
        }),
        _ => (format!("P({days} meets as a whole)"), |r| r.p_day),
    };
    Some(
        FrontierPlot {
            title: format!(
                "Flex heads on {days} → {measure} and cost — {}",
                c.scenario.name
            ),
            x_label: format!("Flex heads on {days} (all pools; people to contract in the table)"),
            p_label: format!(
                "{measure}, {}% in {} s",
                fixed(p.target_share * 100.0, 0),
                fixed(p.target_s, 0)
            ),
            cost_label: "Flex cost (€)".into(),
            points: p
                .frontier
                .iter()
                .map(|r| {
                    // Wilson score interval of a proportion over the replications.
                    let z = 1.959_964;
                    let ph = p_of(r);
                    let den = 1.0 + z * z / reps;
                    let mid = (ph + z * z / (2.0 * reps)) / den;
                    let half =
                        z * (ph * (1.0 - ph) / reps + z * z / (4.0 * reps * reps)).sqrt() / den;
                    FrontierPoint {
                        flex_headcount: f64::from(r.target_day_heads),
                        p_meet: ph,
                        p_low: Some((mid - half).max(0.0)),
                        p_high: Some((mid + half).min(1.0)),
                        cost_eur: r.cost_eur,
                    }
                })
                .collect(),
            ci_label: format!(
                "95% confidence interval (Wilson, {} runs)",
                ch.frontier_replications
            ),
            target_probability: Some(HLine {
                value: p.options.confidence,
                label: format!("Required {}%", fixed(p.options.confidence * 100.0, 0)),
            }),
            chosen: p.chosen_row().map(|r| f64::from(r.target_day_heads)),
        }
        .into(),
    )
}

/// What a campaign costs: its marginal cost (the plan with it minus the plan without it)
/// when re-planned, else the cost attributed to its contacts.
fn campaign_cost(r: &cost::CampaignRow) -> cost::Money {
    r.marginal_cost_eur.unwrap_or(r.attributed_cost_eur)
}

fn cost_plot(c: &Computed) -> Plot {
    BarPlot {
        title: format!("Marginal staffing cost per campaign — {}", c.scenario.name),
        x_label: format!(
            "Plan with the campaign minus plan without it ({})",
            c.cost.currency
        ),
        bars: c
            .cost
            .campaigns
            .iter()
            .map(|r| Bar {
                label: r.campaign.clone(),
                value: campaign_cost(r).to_eur_f64(),
                interval: r
                    .marginal_cost_ci95_low_eur
                    .zip(r.marginal_cost_ci95_high_eur)
                    .map(|(lo, hi)| (lo.to_eur_f64(), hi.to_eur_f64())),
            })
            .collect(),
        unit: ValueUnit::Eur,
    }
    .into()
}

// ---------------------------------------------------------------- tables

fn daily_table(c: &Computed) -> Table {
    let p = &c.plan;
    let ch = headline_model_channel(c);
    let nc = p.check.channels.len();
    let m = sl_metric(c);
    let rows = (0..p.grid.days.len())
        .map(|d| {
            let contacts: f64 = p
                .grid
                .day_slots(d)
                .flat_map(|s| p.check.expected[s * nc..(s + 1) * nc].iter())
                .sum();
            let flex: u32 = p
                .cover
                .pools
                .iter()
                .map(|ps| ps.headcount_per_day.get(d).copied().unwrap_or(0))
                .sum();
            let perm = p
                .grid
                .day_slots(d)
                .map(|s| p.permanent_on_duty[s])
                .max()
                .unwrap_or(0);
            let day = c.sim.day(d, ch);
            vec![
                p.grid.days[d].to_string(),
                thousands(contacts),
                perm.to_string(),
                flex.to_string(),
                pct(day.summary(m).map(|s| s.mean)),
                pct(p.check.day_all_meet.get(d).copied()),
                pct(day.summary(Metric::PAbandon).map(|s| s.mean)),
            ]
        })
        .collect();
    Table {
        id: "daily_summary".into(),
        caption: "Daily summary".into(),
        columns: vec![
            Column::text("Date"),
            Column::number("Contacts (planned channels)"),
            Column::number("Permanent heads at most on duty"),
            Column::number("Flex agents"),
            Column::number(format!("Mean {} SL", p.headline_channel)),
            Column::number("P(every interval meets)"),
            Column::number(format!("Abandonment ({})", p.headline_channel)),
        ],
        rows,
        note: Some(format!(
            "SL and abandonment: the planned roster simulated, {} replications; P(every interval meets): the plan's check, {} replications, all planned channels.",
            c.sim_replications, p.check.replications
        )),
        marks: Vec::new(),
    }
}

fn frontier_table(c: &Computed) -> Table {
    let p = &c.plan;
    let days = crate::format::dates_list(&p.target_dates());
    let mut columns = vec![
        Column::number(format!("Flex heads on {days} (cap)")),
        Column::number("People to contract"),
    ];
    columns.extend(p.pools.iter().map(|pool| Column::number(pool.clone())));
    columns.extend([
        Column::number("P(every interval at once)"),
        Column::number("P(each day as a whole)"),
        Column::number("Cells meeting"),
        Column::number("Flex cost"),
        Column::text("Point"),
    ]);
    let note = p.choice.as_ref().map(|ch| {
        format!(
            "Each point: the need covered with at most that many flex heads on each target day (other days as planned), simulated with the same {} runs (seed {}: common random numbers). People to contract: per pool its most heads on one date of the season. Cells meeting: target-day intervals and deferred days meeting with {}% probability. {}",
            ch.frontier_replications,
            ch.frontier_seed,
            fixed(p.options.confidence * 100.0, 0),
            super::plan::choice_line(p, ch)
        )
    });
    Table {
        id: "frontier".into(),
        caption: format!(
            "Frontier: flex heads on {days} → people to contract, probability and cost"
        ),
        columns,
        rows: p
            .frontier
            .iter()
            .map(|r| {
                let mut row = vec![r.target_day_heads.to_string(), r.people.to_string()];
                row.extend(r.pool_people.iter().map(|n| n.to_string()));
                row.extend([
                    pct(Some(r.p_all_intervals)),
                    pct(Some(r.p_day)),
                    pct(Some(r.share_cells_meeting)),
                    super::plan::eur(r.cost_eur),
                    match (r.chosen, r.bisection) {
                        (true, _) => "chosen".into(),
                        (false, true) => "bisection".into(),
                        _ => String::new(),
                    },
                ]);
                row
            })
            .collect(),
        note,
        marks: Vec::new(),
    }
}

/// `run.json`: reproduction and audit record.
pub fn run_json(c: &Computed) -> serde_json::Value {
    let p = &c.plan;
    let chosen = p.chosen_row();
    let mut out = json!({
        "peakplan_version": env!("CARGO_PKG_VERSION"),
        "scenario": c.scenario.name,
        "scenario_file": c.file.display().to_string(),
        "scenario_files": c.files.iter().map(|(f, h)| json!({
            "path": f.display().to_string(), "sha256": h
        })).collect::<Vec<_>>(),
        "overrides": c.overrides,
        "volumes": super::forecast::provenance(&c.scenario, &c.files),
        "seed": c.seed,
        "simulation": { "seed": montecarlo::seeds::check(c.seed), "replications": c.sim_replications },
        "plan": {
            "method": p.options.method.name(),
            "headline_channel": p.headline_channel,
            "confidence": p.options.confidence,
            "check_replications": p.check.replications,
            "frontier_replications": p.choice.as_ref().map(|ch| ch.frontier_replications),
            "promise": p.options.promise,
            "promise_words": p.summary.promise_words,
            "target_days": p.summary.target_days,
            "choice": p.choice,
            "iterations": p.steps.len(),
            "converged": p.converged,
            "short_cells": p.cover.short.len(),
            "peak_day": p.peak_date().to_string(),
            "target_days_dates": p.target_dates().iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            "chosen_frontier_row": chosen.map(super::plan::frontier_row_json),
        },
        "quick": c.quick,
        "headline": {
            "sentence": c.headline,
            "risks": c.risks,
            "figures": c.figures.iter().map(|f| json!({
                "id": f.id, "label": f.label, "number": f.number, "text": f.text
            })).collect::<Vec<_>>(),
        },
        "cost": {
            "currency": c.cost.currency,
            "total": c.cost.costing.total.plain(),
            "per_handled_contact": c.cost.costing.cost_per_handled_contact().plain(),
            "replications": c.cost.settings.replications,
        },
        "channels": channels_json(c),
        "finance": super::finance::finance_json(&c.cost),
        "campaigns": c.cost.campaigns.iter().map(|r| json!({
            "campaign": r.campaign, "orders": r.orders, "contacts": r.contacts,
            "handling_hours": r.handling_hours, "marginal_flex_hours": r.marginal_flex_hours,
            "marginal_cost": r.marginal_cost_eur.map(|m| m.plain()),
            "marginal_cost_ci95_low": r.marginal_cost_ci95_low_eur.map(|m| m.plain()),
            "marginal_cost_ci95_high": r.marginal_cost_ci95_high_eur.map(|m| m.plain()),
            "cost_per_contact": r.cost_per_contact_eur.plain(),
            "cost_per_order": r.cost_per_order_eur.plain(),
        })).collect::<Vec<_>>(),
    });
    // plan.json's figures (written by `plan`) inside "plan", beside the run's own keys.
    if let (Ok(serde_json::Value::Object(summary)), Some(plan)) = (
        serde_json::to_value(&p.summary),
        out.get_mut("plan").and_then(|v| v.as_object_mut()),
    ) {
        for (k, v) in summary {
            plan.entry(k).or_insert(v);
        }
    }
    out
}

/// `run.json`'s `channels`: every channel per day, and the days and channels that miss
/// their target (with the sentence the report uses).
fn channels_json(c: &Computed) -> serde_json::Value {
    let days = channel_days(c);
    let risks = super::channels::channel_risks(&days);
    json!({
        "days": days,
        "risks": risks.iter().map(|r| {
            let mut v = serde_json::to_value(r).unwrap_or_default();
            v["sentence"] = json!(r.sentence());
            v
        }).collect::<Vec<_>>(),
    })
}

/// The report (HTML and Markdown) of a run, with its plots as (key, plot) pairs.
pub fn build_report(c: &Computed) -> Result<(Report, Vec<(&'static str, Plot)>)> {
    let mut plots: Vec<(&'static str, &'static str, Plot)> = vec![
        (
            "demand",
            "Expected contacts per interval, stacked by reason; hatched: caused by campaigns; shaded: the target day.",
            demand_plot(c),
        ),
        (
            "staffing",
            "Lines: agents required per method; filled: permanent and flex agents on duty. Both in available agents (standard agents, all need groups): heads after absence and in-shift shrinkage, slower agents counted for less, so required and on duty compare directly. The required lines carry the margin for the day-level volume uncertainty and add up each need group's own requirement; agents with several skills or channels serve more than one group, so on duty may sit a little below the sum and still meet the target.",
            staffing_plot(c),
        ),
        (
            "service_level",
            "Mean simulated service level per interval with its 90% band; the dashed line is the target; markers: intervals below it.",
            sl_plot(c),
        ),
        (
            "abandonment",
            "Share of offered contacts that abandoned, per interval, with its 90% band.",
            abandon_plot(c),
        ),
    ];
    if let Some(f) = frontier_plot(c) {
        plots.push((
            "frontier",
            "Top: for each cap on flex heads on the target days, the probability the promise holds there (95% interval); bottom: the season's flex cost; the marker is the chosen plan.",
            f,
        ));
    }
    plots.push((
        "cost_per_campaign",
        "Marginal staffing cost of each campaign: the plan with it minus the plan without it, both re-planned as the plan was made; the mean of paired re-plans, whiskers: its 95% interval (see the note under the table).",
        cost_plot(c),
    ));
    let mut blocks = Vec::new();
    for (key, caption, plot) in &plots {
        let svg = plot
            .to_svg(DEFAULT_SIZE)
            .map_err(|e| Error::Internal(format!("drawing the {key} plot: {e}")))?;
        blocks.push((
            *key,
            Block::Plot(PlotBlock {
                key: (*key).into(),
                title: plot.title().to_string(),
                caption: (*caption).into(),
                svg,
                png_file: Some(format!("{key}.png")),
            }),
        ));
    }
    let mut take = |k: &str| {
        blocks
            .iter()
            .position(|(key, _)| *key == k)
            .map(|i| blocks.remove(i).1)
    };
    let (forecast_section, forecast_plot) = super::forecast::section(&c.scenario)?.unzip();
    let mut sections = vec![
        Section {
            id: "demand".into(),
            title: "Demand".into(),
            blocks: take("demand").into_iter().collect(),
        },
        Section {
            id: "staffing".into(),
            title: "Staffing".into(),
            blocks: take("staffing").into_iter().collect(),
        },
        Section {
            id: "service".into(),
            title: "Service level and abandonment".into(),
            blocks: take("service_level")
                .into_iter()
                .chain(take("abandonment"))
                .collect(),
        },
    ];
    sections.splice(1..1, forecast_section);
    sections.push(Section {
        id: "channels".into(),
        title: "Every channel".into(),
        blocks: vec![Block::Table(super::channels::channel_table(
            &channel_days(c),
            c.sim_replications,
            c.plan.options.confidence,
        ))],
    });
    let mut frontier_blocks: Vec<Block> = take("frontier").into_iter().collect();
    if !c.plan.frontier.is_empty() {
        frontier_blocks.push(Block::Table(frontier_table(c)));
        sections.push(Section {
            id: "frontier".into(),
            title: "Frontier".into(),
            blocks: frontier_blocks,
        });
    }
    sections.push(super::finance::finance_section(
        &c.cost,
        take("cost_per_campaign"),
    ));
    sections.push(Section {
        id: "daily".into(),
        title: "Daily summary".into(),
        blocks: vec![Block::Table(daily_table(c))],
    });
    let mut run_info = vec![
        ("Scenario".to_string(), c.scenario.name.clone()),
        (
            "peakplan".to_string(),
            env!("CARGO_PKG_VERSION").to_string(),
        ),
        ("Seed".to_string(), c.seed.to_string()),
        (
            "Replications".to_string(),
            format!(
                "plan check {}, simulation {}",
                c.plan.check.replications, c.sim_replications
            ),
        ),
    ];
    for (f, h) in &c.files {
        run_info.push((format!("SHA-256 {}", f.display()), h.clone()));
    }
    let report = Report {
        title: format!("{} — peak plan", c.scenario.name),
        headline: c.headline.clone(),
        risks: c.risks.clone(),
        key_figures: c
            .figures
            .iter()
            .map(|f| KeyFigure {
                id: f.id.into(),
                label: f.label.clone(),
                value: f.text.clone(),
            })
            .collect(),
        sections,
        run_info,
    };
    let plots = plots.into_iter().map(|(k, _, p)| (k, p));
    Ok((
        report,
        plots
            .chain(forecast_plot.map(|p| ("forecast", p)))
            .collect(),
    ))
}

/// Writes every file of a run into `dir`.
pub fn write_all(c: &Computed, dir: &Path) -> Result<()> {
    super::demand::write_tables(&c.demand, &c.scenario, dir, super::demand::Format::Csv)?;
    super::plan::write_tables(&c.plan, dir)?;
    super::simulate::write_tables(&c.sim, &c.model, &c.demand, dir)?;
    super::cost::write_cost_files(dir, &c.cost)?;
    let (report, plots) = build_report(c)?;
    for (key, plot) in &plots {
        // demand.png/svg were written by the demand tables with the busiest day shaded: they
        // are redrawn with the run's target days, as in the report.
        plot.write_png_and_svg(dir, key, DEFAULT_SIZE)
            .map_err(|e| super::plot::plot_error(e, key))?;
    }
    let html = super::html::render_html(&report).map_err(|e| Error::Internal(e.to_string()))?;
    write_atomic(&dir.join("report.html"), html.as_bytes())?;
    let md = super::html::render_markdown(&report).map_err(|e| Error::Internal(e.to_string()))?;
    write_atomic(&dir.join("summary.md"), md.as_bytes())?;
    let json = serde_json::to_string_pretty(&run_json(c))
        .map_err(|e| Error::Internal(format!("writing run.json: {e}")))?;
    write_atomic(&dir.join(MARKER), (json + "\n").as_bytes())?;
    Ok(())
}

/// The text for the terminal after a run: headline, risks, key figures, what was written.
pub fn terminal_summary(c: &Computed, n_files: usize, dir: &Path, replaced: &Replaced) -> String {
    let mut summary = String::new();
    let _ = writeln!(summary, "{}", c.headline);
    for r in &c.risks {
        let _ = writeln!(summary, "  ! {r}");
    }
    for f in &c.figures {
        let _ = writeln!(summary, "  {:<44} {}", f.label, f.text);
    }
    let _ = writeln!(
        summary,
        "\n{} files in {}: report.html, summary.md, run.json, CSV tables, PNG + SVG plots.",
        n_files,
        dir.display()
    );
    let _ = writeln!(summary, "{}.", replaced.describe(dir));
    summary
}
