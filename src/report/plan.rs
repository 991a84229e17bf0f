//! `peakplan plan`: the flex plan of one or more scenarios, its tables and the headline.
//!
//! # Files (per scenario, in `<out>/` for one file, `<out>/<scenario>/` for several)
//!
//! * `staffing.csv` — one row per interval: `interval_start_local`, per need group
//!   (`<skill> <channel>`) the expected `contacts_…` and the agents required (in the
//!   interval's planning interval, see `--plan-interval`) by
//!   `req_erlang_c_…`, `req_erlang_a_…` and (simulation method) `req_simulation_…`, then
//!   `permanent_on_duty` (scheduled heads of all teams), `flex_<pool>` (flex heads on duty
//!   per pool), and per planned channel the re-simulated `sl_<ch>_mean`, `sl_<ch>_ci95_low`,
//!   `sl_<ch>_ci95_high` (empty without contacts) and `p_meet_<ch>`.
//!   Per need group also `offered_…` (the load the requirement used: first contacts plus
//!   redials, repeats, channel switches, transfers and closed-hour returns, expected, from
//!   the load model) and `offered_sim_…` (mean contacts offered plus transfers in the
//!   fresh-seed check), contacts per interval, and `sl_sim_…` (the group's mean service
//!   level in the check: which group is short).
//! * `shifts.csv` — `pool, date, start, end, heads, group, hours_per_head, hours, cost_eur`.
//! * `plan.json` — the plan's figures ([`PlanSummary`](crate::staffing::plan::PlanSummary)):
//!   `converged`, `rounds`, `cells`, `cells_meeting`, `cells_capacity_limited`, flex hours
//!   and their LP lower bound, cost, per pool the heads per day and the binding limits, and
//!   every capacity-limited cell with the limit of each pool that could serve it.
//! * `frontier.csv` — per flex-heads cap: `max_flex_heads_per_day, flex_heads,
//!   peak_day_flex_heads, p_all_intervals_peak_day, p_peak_day_meets, mean_sl_peak_day,
//!   worst_interval_sl_p5, abandon_share, occupancy, flex_hours, flex_cost_eur, chosen`
//!   (`yes` on the plan's own row: its heads, hours and cost are the plan's).
//! * `summary.txt` — what is printed.
//!
//! With several files also `<out>/year.csv`: `pool, size, training_eur_per_agent` and the
//! year summary. Every file is written atomically.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::format::{self, dates_list};
use crate::report::atomic::write_atomic;
use crate::report::{csv_bytes, csv_err};
use crate::staffing::plan::{Headline, Plan, Promise, YearView};
use jiff::civil::Date;

/// A plan's summary as JSON: its settings, the headline figures (as numbers), the pools'
/// headcounts and the frontier's chosen row.
pub fn plan_json(p: &Plan) -> serde_json::Value {
    let h = p.headline();
    let chosen = p.chosen_row();
    serde_json::json!({
        "scenario": p.scenario,
        "method": p.options.method.name(),
        "confidence": p.options.confidence,
        "seed": p.options.seed,
        "check_replications": p.check.replications,
        "iterations": p.steps.len(),
        "converged": p.converged,
        "sentence": headline_sentence(&h),
        "headline": h,
        "pools": p.cover.pools.iter().map(|ps| serde_json::json!({
            "pool": ps.pool,
            "peak_headcount": ps.peak_headcount,
            "peak_date": ps.peak_date,
            "hours": ps.hours,
            "cost_eur": ps.cost_eur,
        })).collect::<Vec<_>>(),
        "flex_cost_eur": p.cover.total_cost_eur,
        "flex_people_to_have_ready": p.cover.peak_headcount,
        "lp_lower_bound_eur": p.cover.lp_bound_eur,
        "short_cells": p.cover.short.len(),
        "plan": p.summary,
        "chosen_frontier_row": chosen.map(frontier_row_json),
    })
}

/// One frontier row in JSON (plan.json, run.json).
pub fn frontier_row_json(r: &crate::staffing::plan::FrontierRow) -> serde_json::Value {
    serde_json::json!({
        "max_flex_heads_per_target_day": r.max_heads_per_day,
        "target_day_flex_heads": r.target_day_heads,
        "flex_heads": r.flex_heads,
        "people_to_contract": r.people,
        "pool_people": r.pool_people,
        "p_promise": r.p_promise,
        "p_all_intervals_target_days": r.p_all_intervals,
        "p_target_days_meet": r.p_day,
        "share_target_day_cells_meeting": r.share_cells_meeting,
        "flex_hours": r.flex_hours,
        "flex_cost_eur": r.cost_eur,
        "chosen": r.chosen,
        "bisection": r.bisection,
    })
}

fn f(v: f64, d: usize) -> String {
    let s = format!("{v:.d$}");
    if s.starts_with('-') && s.trim_start_matches(['-', '0', '.']).is_empty() {
        s[1..].to_string()
    } else {
        s
    }
}

fn opt(v: Option<f64>, d: usize) -> String {
    v.map_or_else(String::new, |x| f(x, d))
}

/// `€12,345` (whole euros, thousands separated).
pub use crate::format::eur;

fn pct(v: f64) -> String {
    format!("{}%", f(v * 100.0, 1))
}

/// What a board should know besides the headline, most serious first, in words from the
/// plan's figures: a plan that did not converge, cells below the promise in the fresh-seed
/// check (capacity-limited ones with the limits that bind, per date and channel), pools at
/// their limits.
pub fn risks(p: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    let h = &p.summary;
    if p.converged == Some(false) {
        out.push(format!(
            "The staffing did not settle within {} rounds: the figures may fall short where the check says so.",
            h.round_cap
        ));
    }
    if let Some(ch) = &p.choice
        && ch.promise != Promise::Interval
    {
        let conf = p.options.confidence;
        if !ch.reached {
            out.push(format!(
                "The promise {} is out of reach with the pools' limits: at most {}% on the frontier; the plan is the per-interval one.",
                ch.promise.words(&ch.target_days),
                format::thousands(
                    100.0 * p.frontier.iter().map(|r| r.p_promise).fold(0.0, f64::max),
                    1
                )
            ));
        } else if ch.p_check < conf - 1e-12 {
            out.push(format!(
                "The fresh-seed check gives the promise {}% ({} runs), below {}% (the frontier's runs gave {}%): the answer sits at the edge of its sampling error.",
                format::thousands(100.0 * ch.p_check, 1),
                ch.check_replications,
                format::thousands(conf * 100.0, 0),
                format::thousands(100.0 * ch.p_frontier, 1)
            ));
        }
    }
    let left_out = p.excluded.on_days(&p.grid, &p.target_days);
    if left_out > 0 && p.options.promise != Promise::Interval && p.choice.is_some() {
        out.push(format!(
            "{left_out} {} on the target days that no pool can help {} left out of the promise's probability (listed below).",
            if left_out == 1 { "cell" } else { "cells" },
            if left_out == 1 { "is" } else { "are" },
        ));
    }
    let below = h
        .cells
        .saturating_sub(h.cells_meeting + h.cells_capacity_limited);
    if below > 0 && p.bought() == Promise::Interval {
        out.push(format!(
            "{below} of {} cells fall below {}% probability in the fresh-seed check although a pool could reach them ({}% of the reachable cells meet).",
            h.cells,
            format::thousands(p.options.confidence * 100.0, 0),
            format::thousands(100.0 * h.share_meeting_not_limited, 1)
        ));
    }
    // Capacity-limited cells per channel and binding limits, with their dates.
    let mut by: Vec<(String, Vec<String>, usize, Vec<Date>)> = Vec::new();
    for l in &h.capacity_limited {
        let mut limits: Vec<String> = l
            .groups
            .iter()
            .flat_map(|g| {
                g.limits.iter().map(move |pl| match &pl.pool {
                    Some(p) => format!("{p}: {}", pl.limit.replace('_', " ")),
                    None => format!("no pool serves {}", g.group),
                })
            })
            .collect();
        limits.sort();
        limits.dedup();
        // Named by the short groups ("back_office phone"), else the channel.
        let mut who: Vec<&str> = l.groups.iter().map(|g| g.group.as_str()).collect();
        who.dedup();
        let who = if who.is_empty() {
            l.channel.clone()
        } else {
            who.join(" and ")
        };
        match by
            .iter_mut()
            .find(|(w, lim, _, _)| *w == who && *lim == limits)
        {
            Some(e) => {
                e.2 += 1;
                e.3.push(l.date);
            }
            None => by.push((who, limits, 1, vec![l.date])),
        }
    }
    for (ch, limits, n, dates) in by {
        out.push(format!(
            "{ch}: {n} {} below the promise on {} that no pool can reach ({}).",
            if n == 1 { "cell" } else { "cells" },
            dates_list(&dates),
            limits.join("; ")
        ));
    }
    // Pools at their daily limit.
    for (pool, pf) in p.problem.pools.iter().zip(&h.pools) {
        let cap = pool
            .max_per_day
            .unwrap_or(pool.max_headcount)
            .min(pool.max_headcount);
        let at: Vec<Date> = pf
            .heads_per_day
            .iter()
            .filter(|d| cap > 0 && d.heads >= cap)
            .map(|d| d.date)
            .collect();
        if !at.is_empty() {
            out.push(format!(
                "Pool {} is at its limit of {cap} people a day on {}.",
                pf.pool,
                dates_list(&at)
            ));
        }
    }
    out
}

/// The one-sentence answer (see [`Plan::headline`]).
pub fn headline(p: &Plan) -> String {
    headline_sentence(&p.headline())
}

/// The human summary of one plan.
pub fn summary(p: &Plan) -> String {
    let mut t = String::new();
    let c = &p.cover;
    let conf = p.options.confidence;
    let _ = writeln!(
        t,
        "{} — flex plan ({} method)",
        p.scenario,
        p.options.method.name()
    );
    let _ = writeln!(t, "{}", headline(p));
    for r in risks(p) {
        let _ = writeln!(t, "  ! {r}");
    }
    let _ = writeln!(
        t,
        "  Pools to have ready (peak per pool, summed): {} heads; {}.",
        c.peak_headcount,
        c.pools
            .iter()
            .map(|ps| format!("{} {}", ps.pool, ps.peak_headcount))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        t,
        "  Covering: {} shifts, cost {} vs LP lower bound {} (gap {}).",
        c.shifts.len(),
        eur(c.total_cost_eur),
        eur(c.lp_bound_eur),
        pct(c.gap)
    );
    if !c.short.is_empty() {
        let total: f64 = c.short.iter().map(|s| s.short).sum();
        let first = &c.short[0];
        let _ = writeln!(
            t,
            "  Not coverable by the pools: {} interval×group cells short by {} agent-intervals in total (first: {} {} {}, short {}).",
            c.short.len(),
            f(total, 1),
            first.date,
            first.start,
            first.group.name(),
            f(first.short, 2)
        );
    }
    if let Some(conv) = p.converged {
        let last = p.steps.last();
        let _ = writeln!(
            t,
            "  Iterative algorithm: {} after {} rounds of {} replications (last round: {} cells below {}, {} need cells raised, {} capacity-limited).",
            if conv {
                "converged"
            } else {
                "DID NOT CONVERGE"
            },
            p.steps.len(),
            p.options.iter_replications,
            last.map_or(0, |s| s.below),
            pct(conf),
            last.map_or(0, |s| s.raised),
            last.map_or(0, |s| s.capacity_limited),
        );
    }
    let d = p.peak_day;
    let nc = p.check.channels.len();
    let peak_sl = |ev: &crate::staffing::iterate::Evaluation| {
        ev.day_sl[d * nc + p.headline].summary().map(|s| s.mean)
    };
    let _ = writeln!(
        t,
        "  Check with fresh seeds ({} replications): P(meet) ≥ {} in {} of interval×channel cells with contacts; peak day {}: P(every interval meets) {}, mean {} SL {}.",
        p.check.replications,
        pct(conf),
        pct(p.check.share_meeting(conf)),
        p.peak_date(),
        pct(p.check.day_all_meet[d]),
        p.headline_channel,
        opt(peak_sl(&p.check).map(|x| x * 100.0), 1) + "%"
    );
    let _ = writeln!(
        t,
        "  Permanent roster alone: P(meet) ≥ {} in {} of cells; peak day {}: P(every interval meets) {}, mean {} SL {}.",
        pct(conf),
        pct(p.roster_only.share_meeting(conf)),
        p.peak_date(),
        pct(p.roster_only.day_all_meet[d]),
        p.headline_channel,
        opt(peak_sl(&p.roster_only).map(|x| x * 100.0), 1) + "%"
    );
    if let Some(ch) = &p.choice {
        let _ = writeln!(t, "  {}", choice_line(p, ch));
    }
    t
}

/// How the chosen point was found, in one sentence (plan summary, report).
pub fn choice_line(p: &Plan, ch: &crate::staffing::plan::Choice) -> String {
    use crate::staffing::plan::Promise;
    let days = crate::format::dates_list(&ch.target_days);
    let conf = pct(p.options.confidence);
    match ch.promise {
        Promise::Interval => format!(
            "Promise: every interval and day meets its target with {conf} probability (the plan engine's fixed point); target days {days}: {} of their cells meet with {conf} in the fresh-seed check ({} runs). Frontier: {} points, {} runs each (seed {}).",
            pct(ch.p_check),
            ch.check_replications,
            ch.points,
            ch.frontier_replications,
            ch.frontier_seed
        ),
        _ if !ch.reached => format!(
            "Promise {}: out of reach with the pools' limits (frontier: {} points, {} runs each); the plan is the per-interval one.",
            ch.promise.words(&ch.target_days),
            ch.points,
            ch.frontier_replications
        ),
        _ => format!(
            "Promise {}: the smallest cap that keeps it is {} flex heads a target day{} — {} on the frontier's {} runs (seed {}, {} bisection steps), {} in the fresh-seed check ({} runs, seed {}).",
            ch.promise.words(&ch.target_days),
            ch.heads,
            match ch.failing_below {
                Some(b) if b + 1 == ch.heads => format!(" ({b} fail: exact to one head)"),
                Some(b) => format!(" ({b} fail)"),
                None => String::new(),
            },
            pct(ch.p_frontier),
            ch.frontier_replications,
            ch.frontier_seed,
            ch.bisection_steps,
            pct(ch.p_check),
            ch.check_replications,
            ch.check_seed
        ),
    }
}

/// staffing.csv, shifts.csv, plan.json and (when computed) frontier.csv: (file name, bytes).
pub fn tables(p: &Plan) -> Result<Vec<(&'static str, Vec<u8>)>> {
    let mut out = vec![
        ("staffing.csv", staffing_csv(p)?),
        ("shifts.csv", shifts_csv(p)?),
        ("plan.json", plan_file(p)?),
    ];
    if !p.frontier.is_empty() {
        out.push(("frontier.csv", frontier_csv(p)?));
    }
    Ok(out)
}

/// plan.json: the plan's summary for tools.
fn plan_file(p: &Plan) -> Result<Vec<u8>> {
    let mut json = serde_json::to_vec_pretty(&p.summary)
        .map_err(|e| Error::Internal(format!("plan.json: {e}")))?;
    json.push(b'\n');
    Ok(json)
}

/// Writes staffing.csv, shifts.csv, plan.json and (when computed) frontier.csv into `dir` (each
/// atomically; `peakplan run` calls it on its staging directory).
pub fn write_tables(p: &Plan, dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for (name, bytes) in tables(p)? {
        let path = dir.join(name);
        write_atomic(&path, &bytes)?;
        out.push(path);
    }
    Ok(out)
}

fn slot_label(p: &Plan, s: usize) -> String {
    let slot = p.grid.slots[s];
    format!(
        "{} {:02}:{:02}",
        p.grid.days[slot.day],
        slot.start_min / 60,
        slot.start_min % 60
    )
}

fn staffing_csv(p: &Plan) -> Result<Vec<u8>> {
    let r = &p.requirement;
    let ng = r.n_groups();
    let np = p.pools.len();
    let nc = p.check.channels.len();
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["interval_start_local".to_string()];
    for g in &r.groups {
        let n = g.name().replace(' ', "_");
        header.push(format!("contacts_{n}"));
        header.push(format!("offered_{n}"));
        header.push(format!("offered_sim_{n}"));
        header.push(format!("sl_sim_{n}"));
        header.push(format!("req_erlang_c_{n}"));
        header.push(format!("req_erlang_a_{n}"));
        if p.simulation_required.is_some() {
            header.push(format!("req_simulation_{n}"));
        }
    }
    header.push("permanent_on_duty".into());
    for pool in &p.pools {
        header.push(format!("flex_{pool}"));
    }
    let ch_names: Vec<String> = p
        .check
        .channels
        .iter()
        .map(|&c| {
            r.group_channel
                .iter()
                .position(|&x| x == c)
                .map_or_else(|| format!("ch{c}"), |g| r.groups[g].channel.clone())
        })
        .collect();
    for ch in &ch_names {
        header.push(format!("sl_{ch}_mean"));
        header.push(format!("sl_{ch}_ci95_low"));
        header.push(format!("sl_{ch}_ci95_high"));
        header.push(format!("p_meet_{ch}"));
    }
    w.write_record(&header).map_err(csv_err)?;
    for s in 0..p.grid.len() {
        let mut row = vec![slot_label(p, s)];
        for g in 0..ng {
            let j = p.block_of[s] * ng + g;
            row.push(f(p.contacts[s * ng + g], 3));
            row.push(f(p.offered[s * ng + g], 3));
            row.push(f(p.offered_sim[s * ng + g], 3));
            row.push(opt(p.check.g_sl[s * ng + g].summary().map(|x| x.mean), 4));
            row.push(f(r.erlang_c[j], 2));
            row.push(f(r.erlang_a[j], 2));
            if let Some(sim) = &p.simulation_required {
                row.push(f(sim[j], 2));
            }
        }
        row.push(p.permanent_on_duty[s].to_string());
        for q in 0..np {
            row.push(p.flex_on_duty[s * np + q].to_string());
        }
        for k in 0..nc {
            let sm = p.check.sl_summary(s, k);
            row.push(opt(sm.map(|x| x.mean), 4));
            row.push(opt(sm.map(|x| x.ci95_low.max(0.0)), 4));
            row.push(opt(sm.map(|x| x.ci95_high.min(1.0)), 4));
            row.push(f(p.check.p_meet[s * nc + k], 4));
        }
        w.write_record(&row).map_err(csv_err)?;
    }
    csv_bytes(w)
}

fn shifts_csv(p: &Plan) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "pool",
        "date",
        "start",
        "end",
        "heads",
        "group",
        "hours_per_head",
        "hours",
        "cost_eur",
    ])
    .map_err(csv_err)?;
    for s in &p.cover.shifts {
        w.write_record([
            s.pool.clone(),
            s.date.to_string(),
            s.start.to_string(),
            s.end.to_string(),
            s.heads.to_string(),
            s.group.name(),
            f(s.hours, 2),
            f(s.hours * f64::from(s.heads), 2),
            f(s.cost_eur, 2),
        ])
        .map_err(csv_err)?;
    }
    csv_bytes(w)
}

fn frontier_csv(p: &Plan) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut head: Vec<String> = [
        "max_flex_heads_per_target_day",
        "target_day_flex_heads",
        "flex_heads",
        "people_to_contract",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    head.extend(p.pools.iter().map(|pool| format!("people_{pool}")));
    head.extend(
        [
            "p_promise",
            "p_all_intervals_target_days",
            "p_target_days_meet",
            "share_target_day_cells_meeting",
            "mean_sl_peak_day",
            "worst_interval_sl_p5",
            "abandon_share",
            "occupancy",
            "flex_hours",
            "flex_cost_eur",
            "chosen",
            "bisection",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    w.write_record(&head).map_err(csv_err)?;
    for r in &p.frontier {
        let mut rec = vec![
            r.max_heads_per_day.to_string(),
            r.target_day_heads.to_string(),
            r.flex_heads.to_string(),
            r.people.to_string(),
        ];
        rec.extend(r.pool_people.iter().map(|n| n.to_string()));
        rec.extend([
            f(r.p_promise, 4),
            f(r.p_all_intervals, 4),
            f(r.p_day, 4),
            f(r.share_cells_meeting, 4),
            opt(r.mean_sl, 4),
            opt(r.worst_p5_sl, 4),
            opt(r.abandon, 4),
            opt(r.occupancy, 4),
            f(r.flex_hours, 2),
            f(r.cost_eur, 2),
            (if r.chosen { "yes" } else { "" }).to_string(),
            (if r.bisection { "yes" } else { "" }).to_string(),
        ]);
        w.write_record(&rec).map_err(csv_err)?;
    }
    csv_bytes(w)
}

pub fn year_tables(y: &YearView, plans: &[Plan]) -> Result<(Vec<u8>, String)> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["pool", "size", "training_eur_per_agent_per_season"])
        .map_err(csv_err)?;
    let mut t = String::from("Year view\n");
    for (pool, size) in &y.pool_size {
        let training = plans
            .iter()
            .find_map(|p| {
                p.pools
                    .iter()
                    .position(|x| x == pool)
                    .map(|i| p.training_eur[i])
            })
            .unwrap_or(0.0);
        w.write_record([pool.clone(), size.to_string(), f(training, 2)])
            .map_err(csv_err)?;
    }
    for (name, date, heads) in &y.peaks {
        let _ = writeln!(t, "  {name}: {heads} flex agents on {date}");
    }
    let total: u32 = y.pool_size.iter().map(|x| x.1).sum();
    let _ = writeln!(
        t,
        "  A pool of {total} ({}) covers every peak; training it for {} seasons costs {} a year.",
        y.pool_size
            .iter()
            .map(|(n, s)| format!("{n} {s}"))
            .collect::<Vec<_>>()
            .join(", "),
        plans.len(),
        eur(y.training_eur)
    );
    let csv = csv_bytes(w)?;
    Ok((csv, t))
}

/// The plan's answer in at most 40 words: the people to contract per pool, the days, the cost
/// and the promise it buys.
pub fn headline_sentence(h: &Headline) -> String {
    let conf = format::thousands(h.confidence * 100.0, 0);
    let promise = format!(
        "{}% of {} within {} s{}, {}, {conf}% confidence",
        format::thousands(h.target_share * 100.0, 0),
        h.channel,
        format::thousands(h.within_s, 0),
        if h.other_channels {
            " (other channels: own targets)"
        } else {
            ""
        },
        h.promise
    );
    if h.people_to_contract == 0 {
        return format!("No flex people needed: the permanent roster keeps {promise}.");
    }
    // At most three pools by name (the rest summed), to stay within 40 words.
    let named: Vec<String> = if h.pools.len() > 3 {
        let rest: u32 = h.pools[2..].iter().map(|p| p.people).sum();
        h.pools[..2]
            .iter()
            .map(|p| format!("{} {}", p.pool, p.people))
            .chain(std::iter::once(format!("others {rest}")))
            .collect()
    } else {
        h.pools
            .iter()
            .map(|p| format!("{} {}", p.pool, p.people))
            .collect()
    };
    let pools = match h.pools.as_slice() {
        [one] => format!(" from {}", one.pool),
        [] => String::new(),
        _ => format!(" ({})", named.join(", ")),
    };
    let days = match (h.first_flex_date, h.last_flex_date) {
        (Some(a), Some(b)) => format!(" for {}", format::date_range(a, b).replace(" – ", "–")),
        _ => String::new(),
    };
    let mut s = format!(
        "Contract {} flex people{pools}{days}: {} hours, {}. Buys {promise}",
        h.people_to_contract,
        format::thousands(h.flex_hours.round(), 0),
        format::eur(h.flex_cost_eur.round()),
    );
    if h.cells_capacity_limited > 0 {
        s.push_str(&format!("; {} cells unreachable", h.cells_capacity_limited));
    }
    if !h.converged {
        s.push_str("; not converged");
    }
    s.push('.');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::staffing::plan::{PROMISE, PoolPeople, Promise};

    fn headline() -> Headline {
        Headline {
            channel: "phone".into(),
            other_channels: false,
            target_share: 0.85,
            within_s: 15.0,
            confidence: 0.95,
            promise: PROMISE.into(),
            promise_kind: Promise::Interval,
            target_days: vec![jiff::civil::date(2027, 2, 13)],
            people_to_contract: 38,
            pools: vec![
                PoolPeople {
                    pool: "temp_agency".into(),
                    people: 30,
                },
                PoolPeople {
                    pool: "colleagues".into(),
                    people: 8,
                },
            ],
            first_flex_date: Some(jiff::civil::date(2027, 2, 11)),
            last_flex_date: Some(jiff::civil::date(2027, 2, 16)),
            flex_hours: 1240.4,
            flex_cost_eur: 41_300.0,
            converged: true,
            cells: 500,
            cells_meeting: 495,
            cells_capacity_limited: 0,
            flex_heads: 38,
            flex_heads_date: Some(jiff::civil::date(2027, 2, 13)),
            roster_only_worst: None,
            peak_date: jiff::civil::date(2027, 2, 13),
        }
    }

    fn words(s: &str) -> usize {
        s.split_whitespace().count()
    }

    #[test]
    fn the_sentence_names_people_pools_days_cost_and_promise_in_40_words() {
        let s = headline_sentence(&headline());
        assert_eq!(
            s,
            "Contract 38 flex people (temp_agency 30, colleagues 8) for 11–16 February: 1,240 hours, €41,300. Buys 85% of phone within 15 s, in every interval and day, 95% confidence."
        );
        assert!(words(&s) <= 40, "{} words", words(&s));
    }

    #[test]
    fn limits_non_convergence_and_no_flex_are_said_plainly_within_40_words() {
        let mut h = headline();
        h.other_channels = true;
        h.cells_capacity_limited = 42;
        h.converged = false;
        h.pools.push(PoolPeople {
            pool: "outsourcer".into(),
            people: 12,
        });
        h.last_flex_date = Some(jiff::civil::date(2027, 3, 2));
        let s = headline_sentence(&h);
        assert!(
            s.contains("(temp_agency 30, colleagues 8, outsourcer 12) for 11 February–2 March:")
                && s.contains("(other channels: own targets)")
                && s.ends_with("; 42 cells unreachable; not converged."),
            "{s}"
        );
        assert!(words(&s) <= 40, "{} words: {s}", words(&s));
        // Four pools: two named, the rest summed.
        h.pools.push(PoolPeople {
            pool: "students".into(),
            people: 2,
        });
        let s = headline_sentence(&h);
        assert!(
            s.contains("(temp_agency 30, colleagues 8, others 14)"),
            "{s}"
        );
        assert!(words(&s) <= 40, "{} words: {s}", words(&s));
        let mut h = headline();
        h.people_to_contract = 0;
        h.pools.clear();
        assert_eq!(
            headline_sentence(&h),
            "No flex people needed: the permanent roster keeps 85% of phone within 15 s, in every interval and day, 95% confidence."
        );
        let mut h = headline();
        h.pools.truncate(1);
        assert!(
            headline_sentence(&h)
                .starts_with("Contract 38 flex people from temp_agency for 11–16 February")
        );
    }

    #[test]
    fn euros_are_grouped_by_thousands() {
        assert_eq!(eur(0.4), "€0");
        assert_eq!(eur(999.5), "€1,000");
        assert_eq!(eur(1_234_567.0), "€1,234,567");
        assert_eq!(eur(-12_345.0), "-€12,345");
    }
}
