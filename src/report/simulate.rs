//! `peakplan simulate`'s files: Monte-Carlo statistics of a scenario written as CSV tables,
//! and a short summary for people. The pipeline (load, demand, model, the replications, a
//! shard's part) is [`crate::app::simulate`]; defaults for the replications and the seed
//! come from the scenario's `simulation` section.
//!
//! # Files (in `--out`, default `output/<scenario name>/`)
//!
//! Every statistic column group `<m>` is six columns: `<m>_mean`, `<m>_ci95_low`,
//! `<m>_ci95_high` (95% confidence interval of the mean over replications, Student t),
//! `<m>_p5`, `<m>_p50`, `<m>_p95` (quantiles over replications). A cell is **empty** when
//! the metric is undefined in every replication (a service level or ASA without contacts).
//! Numbers have exactly 6 decimals, so files are byte-stable: the same scenario, seed and
//! replications give byte-identical files for any number of threads.
//!
//! * `sim_intervals.csv` — one row per interval × channel: `interval_start_local`,
//!   `interval_start_utc`, `channel`, then the groups `service_level` (under the scenario's
//!   definition) and every [`METRICS`] name (`offered`, `answered`, `abandoned`,
//!   `sl_offered`, `sl_answered`, `sl_virtual`, `sl_excluding_short_abandons`, `asa_s`,
//!   `p_wait`, `p_abandon`, `mean_abandon_wait_s`, `occupancy`, `agents_on_duty`,
//!   `backlog`, `handling_hours`), then `p_meets_target` (share of replications in which
//!   the interval meets the channel's target; an interval without contacts meets it).
//! * `sim_daily.csv` — one row per day × channel: `date`, `weekday`, `channel`, the same
//!   groups over the whole day, `p_meets_target` (the day as a whole) and
//!   `p_all_intervals_meet` (every interval of the day meets the target).
//! * `sim_reasons.csv` — one row per contact reason: `reason`, then `contacts`, `handled`
//!   and `handling_hours` groups over the whole calendar.
//! * `sim_campaigns.csv` — one row per attribution source (baseline, events, campaigns,
//!   other sources): `source`, `kind` (`baseline`, `event`, `campaign`, `other`), then
//!   `contacts`, `handled`, `handling_hours` groups.
//! * `sim_customers.csv` — per customer rather than per contact (a customer who redials
//!   three times is one customer with four contacts): rows `customers` (first contacts),
//!   `contacts_per_customer`, `p_answered` (answered at least once), `p_lost` (gave up
//!   without an answer), `redials`, `repeats`, `transfers`; columns `metric` and the six
//!   statistics `mean` … `p95`.
//!
//! Contacts (and their waits, answers, abandons) count in the interval in which they
//! arrived; agent time and handling hours in the interval in which they passed or started.
//!
//! Every file is written atomically (temporary file, then rename).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::demand::{Demand, SourceKind};
use crate::error::Result;
use crate::montecarlo::{CellStats, METRICS, MStat, McResult, Metric, Summary};
use crate::report::atomic::write_atomic;
use crate::report::{csv_bytes, csv_err};
use crate::scenario::Scenario;
use crate::sim::Model;

/// Decimals of every number in the CSV files.
pub const DECIMALS: usize = 6;

/// The summary as JSON: settings, every channel per day (service level or share answered
/// within the response window, abandonment or backlog, P(the day meets); see
/// [`super::channels`]), totals per channel and the customer figures.
pub fn summary_json(
    result: &McResult,
    model: &Model,
    demand: &crate::demand::Demand,
    scenario: &crate::scenario::Scenario,
    seed: u64,
) -> serde_json::Value {
    use crate::montecarlo::{Metric, Summary};
    let s = |x: Option<Summary>| {
        x.map(|x| serde_json::json!({ "mean": x.mean, "ci95_low": x.ci95_low, "ci95_high": x.ci95_high }))
    };
    let days =
        super::channels::channel_days(result, model, &demand.days, scenario.simulation.confidence);
    let risks = super::channels::channel_risks(&days);
    let cu = &result.customers;
    serde_json::json!({
        "scenario": scenario.name,
        "seed": seed,
        "replications": result.replications,
        "sl_definition": model.sl_definition.to_string(),
        "confidence": scenario.simulation.confidence,
        "contacts_simulated": result.contacts,
        "channels": model.channels.iter().enumerate().map(|(c, ch)| {
            let t = &result.totals[c];
            serde_json::json!({
                "channel": ch.name,
                "target_share": ch.target_share,
                "target_s": ch.target_s,
                "offered": s(t.summary(Metric::Offered)),
                "service_level": s(t.summary(Metric::ServiceLevel(model.sl_definition))),
                "p_abandon": s(t.summary(Metric::PAbandon)),
                "asa_s": s(t.summary(Metric::AsaS)),
            })
        }).collect::<Vec<_>>(),
        "days": days,
        "risks": risks.iter().map(|r| r.sentence()).collect::<Vec<_>>(),
        "customers": {
            "customers": s(cu.customers.summary()),
            "contacts_per_customer": s(cu.contacts_per_customer.summary()),
            "p_answered": s(cu.p_answered.summary()),
            "p_lost": s(cu.p_lost.summary()),
        },
    })
}

/// The tables: (file name, bytes).
pub fn tables(r: &McResult, model: &Model, d: &Demand) -> Result<[(&'static str, Vec<u8>); 5]> {
    Ok([
        ("sim_intervals.csv", intervals_csv(r, model, d)?),
        ("sim_daily.csv", daily_csv(r, model, d)?),
        ("sim_reasons.csv", reasons_csv(r, model)?),
        ("sim_campaigns.csv", campaigns_csv(r, d)?),
        ("sim_customers.csv", customers_csv(r)?),
    ])
}

/// Writes the tables into `dir` (each atomically; `peakplan run` calls it on its staging
/// directory); returns the paths written.
pub fn write_tables(r: &McResult, model: &Model, d: &Demand, dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for (name, bytes) in tables(r, model, d)? {
        let p = dir.join(name);
        write_atomic(&p, &bytes)?;
        out.push(p);
    }
    Ok(out)
}

fn fx(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let s = format!("{v:.DECIMALS$}");
    // No "-0.000000" for tiny negative residues.
    if s.starts_with('-') && s[1..].bytes().all(|b| b == b'0' || b == b'.') {
        s[1..].to_string()
    } else {
        s
    }
}

const STAT_SUFFIXES: [&str; 6] = ["mean", "ci95_low", "ci95_high", "p5", "p50", "p95"];

fn group_header(name: &str, h: &mut Vec<String>) {
    h.extend(STAT_SUFFIXES.iter().map(|s| format!("{name}_{s}")));
}

fn group_values(s: Option<Summary>, row: &mut Vec<String>) {
    match s {
        Some(s) => row.extend(
            [s.mean, s.ci95_low, s.ci95_high, s.p5, s.p50, s.p95]
                .into_iter()
                .map(fx),
        ),
        None => row.extend(std::iter::repeat_n(String::new(), 6)),
    }
}

fn stat_values(s: &MStat, row: &mut Vec<String>) {
    group_values(s.summary(), row)
}

/// The metric column groups of a cell: `service_level` (the model's definition) then every
/// metric of [`METRICS`].
fn cell_header(h: &mut Vec<String>) {
    group_header("service_level", h);
    for m in METRICS {
        group_header(m.name(), h);
    }
}

fn cell_values(c: &CellStats, model: &Model, row: &mut Vec<String>) {
    group_values(c.summary(Metric::ServiceLevel(model.sl_definition)), row);
    for m in METRICS {
        group_values(c.summary(m), row);
    }
}

use crate::scenario::dates::weekday_short as weekday;

fn intervals_csv(r: &McResult, model: &Model, d: &Demand) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut h = vec![
        "interval_start_local".to_string(),
        "interval_start_utc".into(),
        "channel".into(),
    ];
    cell_header(&mut h);
    h.push("p_meets_target".into());
    w.write_record(&h).map_err(csv_err)?;
    let mut row = Vec::with_capacity(h.len());
    for i in 0..r.n_intervals {
        let (local, utc) = (d.intervals[i].local_label(), d.intervals[i].utc_label());
        for (c, ch) in model.channels.iter().enumerate() {
            row.clear();
            row.push(local.clone());
            row.push(utc.clone());
            row.push(ch.name.clone());
            let cell = r.interval(i, c);
            cell_values(cell, model, &mut row);
            row.push(cell.p_meets().map(|s| fx(s.mean)).unwrap_or_default());
            w.write_record(&row).map_err(csv_err)?;
        }
    }
    csv_bytes(w)
}

fn daily_csv(r: &McResult, model: &Model, d: &Demand) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut h = vec!["date".to_string(), "weekday".into(), "channel".into()];
    cell_header(&mut h);
    h.push("p_meets_target".into());
    h.push("p_all_intervals_meet".into());
    w.write_record(&h).map_err(csv_err)?;
    let mut row = Vec::with_capacity(h.len());
    for day in 0..r.n_days {
        let date = d.days[day];
        for (c, ch) in model.channels.iter().enumerate() {
            row.clear();
            row.push(date.to_string());
            row.push(weekday(date).to_string());
            row.push(ch.name.clone());
            let cell = r.day(day, c);
            cell_values(cell, model, &mut row);
            row.push(cell.p_meets().map(|s| fx(s.mean)).unwrap_or_default());
            let all = &r.day_all_intervals_meet[day * r.n_channels + c];
            row.push(all.summary().map(|s| fx(s.mean)).unwrap_or_default());
            w.write_record(&row).map_err(csv_err)?;
        }
    }
    csv_bytes(w)
}

fn tally_header(h: &mut Vec<String>) {
    for g in ["contacts", "handled", "handling_hours"] {
        group_header(g, h);
    }
}

fn reasons_csv(r: &McResult, model: &Model) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut h = vec!["reason".to_string()];
    tally_header(&mut h);
    w.write_record(&h).map_err(csv_err)?;
    for (reason, t) in model.reasons.iter().zip(&r.reasons) {
        let mut row = vec![reason.name.clone()];
        stat_values(&t.contacts, &mut row);
        stat_values(&t.handled, &mut row);
        stat_values(&t.handling_hours, &mut row);
        w.write_record(&row).map_err(csv_err)?;
    }
    csv_bytes(w)
}

fn source_kind(k: &SourceKind) -> &'static str {
    match k {
        SourceKind::Baseline => "baseline",
        SourceKind::Event(_) => "event",
        SourceKind::Campaign(_) => "campaign",
        SourceKind::Other(_) => "other",
    }
}

fn campaigns_csv(r: &McResult, d: &Demand) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut h = vec!["source".to_string(), "kind".into()];
    tally_header(&mut h);
    w.write_record(&h).map_err(csv_err)?;
    for (src, t) in d.sources.iter().zip(&r.tags) {
        let mut row = vec![src.name.clone(), source_kind(&src.kind).to_string()];
        stat_values(&t.contacts, &mut row);
        stat_values(&t.handled, &mut row);
        stat_values(&t.handling_hours, &mut row);
        w.write_record(&row).map_err(csv_err)?;
    }
    csv_bytes(w)
}

fn customers_csv(r: &McResult) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut h = vec!["metric".to_string()];
    h.extend(STAT_SUFFIXES.iter().map(|s| s.to_string()));
    w.write_record(&h).map_err(csv_err)?;
    let c = &r.customers;
    for (name, st) in [
        ("customers", &c.customers),
        ("contacts_per_customer", &c.contacts_per_customer),
        ("p_answered", &c.p_answered),
        ("p_lost", &c.p_lost),
        ("redials", &c.redials),
        ("repeats", &c.repeats),
        ("transfers", &c.transfers),
    ] {
        let mut row = vec![name.to_string()];
        stat_values(st, &mut row);
        w.write_record(&row).map_err(csv_err)?;
    }
    csv_bytes(w)
}

// ------------------------------------------------------------------------------ summary

fn pct(v: f64) -> String {
    if v.is_finite() {
        format!("{:.1}%", v * 100.0)
    } else {
        "–".into()
    }
}

/// `87.3% ± 0.4` (mean ± 95% CI half-width, in percentage points).
fn pct_pm(s: Option<Summary>) -> String {
    match s {
        Some(s) => format!(
            "{:.1}% ± {:.1}",
            s.mean * 100.0,
            (s.ci95_high - s.mean) * 50.0 + (s.mean - s.ci95_low) * 50.0
        ),
        None => "–".into(),
    }
}

fn secs(v: f64) -> String {
    if v < 1.0 {
        format!("{:.0} ms", v * 1000.0)
    } else if v < 120.0 {
        format!("{v:.1} s")
    } else {
        format!("{:.1} min", v / 60.0)
    }
}

fn count(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.2} M", v / 1e6)
    } else if v >= 1e4 {
        format!("{:.0} k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

/// Share of a day's intervals with contacts (mean offered > 0) that meet the target,
/// averaged over replications; `None` when no interval of the day has contacts.
fn day_share_meeting(r: &McResult, model: &Model, day: usize, c: usize) -> Option<f64> {
    let (mut n, mut sum) = (0usize, 0.0);
    for (i, iv) in model.intervals.iter().enumerate() {
        if iv.day as usize != day {
            continue;
        }
        let cell = r.interval(i, c);
        if cell.summary(Metric::Offered).is_some_and(|s| s.mean > 0.0) {
            if let Some(p) = cell.p_meets() {
                n += 1;
                sum += p.mean;
            }
        }
    }
    (n > 0).then(|| sum / n as f64)
}

/// The human summary: per day and channel the mean service level with its 95% CI and the
/// share of intervals meeting the target; the worst interval per channel; abandonment;
/// contacts per customer; the run's size and speed.
pub fn summary(
    r: &McResult,
    model: &Model,
    d: &Demand,
    sc: &Scenario,
    seed: u64,
    threads: usize,
    wall_s: f64,
) -> String {
    let mut out = String::new();
    let def = model.sl_definition;
    let sl = Metric::ServiceLevel(def);
    let _ = writeln!(
        out,
        "Scenario {} — {} … {} ({} days, {}-min intervals), service level {def}",
        sc.name,
        d.days.first().map(ToString::to_string).unwrap_or_default(),
        d.days.last().map(ToString::to_string).unwrap_or_default(),
        d.days.len(),
        d.interval_min,
    );
    let _ = writeln!(
        out,
        "{} replications · seed {seed} · {threads} thread{} · {} · {} contacts ({}/s), {} events",
        r.replications,
        if threads == 1 { "" } else { "s" },
        secs(wall_s),
        count(r.contacts as f64),
        count(r.contacts as f64 / wall_s.max(1e-9)),
        count(r.events as f64),
    );
    // Targets.
    let targets: Vec<String> = model
        .channels
        .iter()
        .map(|c| {
            format!(
                "{} {}% within {}",
                c.name,
                c.target_share * 100.0,
                crate::report::erlang_calc::human_duration(c.target_s)
            )
        })
        .collect();
    let _ = writeln!(out, "Targets: {}", targets.join(", "));

    // Per day: SL ± CI and the share of intervals meeting the target, per channel.
    let nc = model.channels.len();
    const W: usize = 24;
    let mut head = format!("\n{:<15}", "day");
    let mut sub = format!("{:<15}", "");
    for ch in &model.channels {
        let _ = write!(head, "  {:<W$}", ch.name);
        let _ = write!(sub, "  {:<W$}", "SL ± 95% CI   ivs meet");
    }
    let _ = writeln!(out, "{}", head.trim_end());
    let _ = writeln!(out, "{}", sub.trim_end());
    for day in 0..r.n_days {
        let mut line = format!("{} {}", d.days[day], weekday(d.days[day]));
        for c in 0..nc {
            let cell = r.day(day, c);
            let meet = day_share_meeting(r, model, day, c).map_or_else(|| "–".into(), pct);
            let _ = write!(
                line,
                "  {:<W$}",
                format!("{:<14}{:>8}", pct_pm(cell.summary(sl)), meet)
            );
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }

    // Worst interval per channel (lowest mean SL among intervals with ≥ 1 expected contact).
    let _ = writeln!(out, "\nWorst interval (lowest mean service level):");
    for (c, ch) in model.channels.iter().enumerate() {
        let mut worst: Option<(usize, Summary)> = None;
        for i in 0..r.n_intervals {
            let cell = r.interval(i, c);
            if !cell.summary(Metric::Offered).is_some_and(|s| s.mean >= 1.0) {
                continue;
            }
            if let Some(s) = cell.summary(sl) {
                if worst.is_none_or(|(_, w)| s.mean < w.mean) {
                    worst = Some((i, s));
                }
            }
        }
        match worst {
            Some((i, s)) => {
                let cell = r.interval(i, c);
                let _ = writeln!(
                    out,
                    "  {:<8} {} {}  SL {}  offered {:.1}  abandoned {}  P(meets target) {}",
                    ch.name,
                    d.intervals[i].local_label(),
                    weekday(d.days[d.intervals[i].day]),
                    pct_pm(Some(s)),
                    cell.summary(Metric::Offered).map_or(0.0, |s| s.mean),
                    cell.summary(Metric::PAbandon)
                        .map_or_else(|| "–".into(), |s| pct(s.mean)),
                    cell.p_meets().map_or_else(|| "–".into(), |s| pct(s.mean)),
                );
            }
            None => {
                let _ = writeln!(out, "  {:<8} no contacts", ch.name);
            }
        }
    }

    // Whole calendar per channel.
    let _ = writeln!(out, "\nWhole calendar:");
    for (c, ch) in model.channels.iter().enumerate() {
        let t = &r.totals[c];
        let _ = writeln!(
            out,
            "  {:<8} offered {:>9}  SL {:<14}  abandoned {:<14}  ASA {}  occupancy {}",
            ch.name,
            t.summary(Metric::Offered)
                .map_or_else(|| "–".into(), |s| format!("{:.0}", s.mean)),
            pct_pm(t.summary(sl)),
            pct_pm(t.summary(Metric::PAbandon)),
            t.summary(Metric::AsaS)
                .map_or_else(|| "–".into(), |s| secs(s.mean)),
            t.summary(Metric::Occupancy)
                .map_or_else(|| "–".into(), |s| pct(s.mean)),
        );
    }
    let cu = &r.customers;
    if let Some(cpc) = cu.contacts_per_customer.summary() {
        let _ = writeln!(
            out,
            "Customers: {:.0} · {:.3} contacts per customer (95% CI {:.3}–{:.3}) · {} never answered",
            cu.customers.mean(),
            cpc.mean,
            cpc.ci95_low,
            cpc.ci95_high,
            cu.p_lost
                .summary()
                .map_or_else(|| "–".into(), |s| pct(s.mean)),
        );
    }
    out
}
