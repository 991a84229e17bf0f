//! `peakplan compare`'s tables: two computed runs side by side with their difference.
//!
//! * `compare.csv` is numeric: `figure, unit, <A>, <B>, difference, relative_difference`, one
//!   row per headline figure that is a number and per campaign (contacts, marginal cost and
//!   its 95% interval). Amounts are plain decimals in the currency unit (`unit` = the ISO
//!   code), shares are fractions (`unit` = `share`, 0.85 = 85%), counts and hours plain
//!   numbers; `difference` = B − A and `relative_difference` = (B − A) / |A| (a fraction;
//!   empty when A is zero or either side is missing).
//! * `compare.html` shows the same rows as people read them (money, percentages, the
//!   difference with its sign: "+€2,245", "+1.2 pp", "+18.4%"), then each campaign's marginal
//!   cost in both scenarios with its interval or exactness statement and whether both sides
//!   of each difference met the target.

use serde_json::json;

use std::fmt::Write as _;

use super::html::{Block, Column, Report, Section, Table};
use super::plot::format;
use super::run::{Computed, Figure};
use crate::cost::analysis::{CampaignMarginal, SideCheck};

/// What a row's numbers are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Money in the scenario's currency unit.
    Money,
    /// A fraction (0.85 = 85%).
    Share,
    Count,
    Hours,
    /// A number without a known unit.
    Plain,
}

impl Unit {
    fn name(self, currency: &str) -> String {
        match self {
            Unit::Money => currency.to_string(),
            Unit::Share => "share".into(),
            Unit::Count => "count".into(),
            Unit::Hours => "hours".into(),
            Unit::Plain => String::new(),
        }
    }

    /// The CSV form of a value.
    fn csv(self, v: f64) -> String {
        match self {
            Unit::Money => format!("{v:.2}"),
            Unit::Share => trim(format!("{v:.6}")),
            _ => trim(format!("{v:.3}")),
        }
    }

    /// The form people read.
    fn human(self, v: f64) -> String {
        match self {
            Unit::Money => format::eur(v),
            Unit::Share => format::fraction_percent(v, 1),
            Unit::Count | Unit::Hours => format::thousands(v, 0),
            Unit::Plain => format::thousands(v, 2),
        }
    }

    /// A difference as people read it, with its sign (small amounts of money with cents, so
    /// €8.18 → €7.58 reads "-€0.60", not "-€1").
    fn human_diff(self, d: f64) -> String {
        let sign = if d > 0.0 { "+" } else { "" };
        match self {
            Unit::Share => format!("{sign}{} pp", format::thousands(d * 100.0, 1)),
            Unit::Money if d.abs() < 100.0 => {
                let s = format::thousands(d, 2);
                match s.strip_prefix('-') {
                    Some(rest) => format!("-€{rest}"),
                    None => format!("{sign}€{s}"),
                }
            }
            _ => format!("{sign}{}", self.human(d)),
        }
    }
}

/// "0.500000" → "0.5", "12.000" → "12", "-0.000" → "0".
fn trim(s: String) -> String {
    let t = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if t == "-0" { "0".into() } else { t }
}

/// The unit of a headline figure, by its id.
fn figure_unit(id: &str) -> Unit {
    match id {
        "flex_agents" => Unit::Count,
        "flex_hours" => Unit::Hours,
        "flex_cost" | "total_cost" | "cost_per_contact" => Unit::Money,
        "peak_sl" | "peak_p_all" | "peak_abandon" | "promise_check" | "roster_only_worst_sl" => {
            Unit::Share
        }
        _ => Unit::Plain,
    }
}

/// One compared figure.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareRow {
    pub figure: String,
    pub unit: Unit,
    pub a: Option<f64>,
    pub b: Option<f64>,
    /// As each run's own report shows it (for figures that are not numbers, e.g. a date).
    pub a_text: String,
    pub b_text: String,
}

impl CompareRow {
    pub fn difference(&self) -> Option<f64> {
        Some(self.b? - self.a?)
    }

    pub fn relative_difference(&self) -> Option<f64> {
        let a = self.a?;
        (a != 0.0).then(|| self.difference().map(|d| d / a.abs()))?
    }
}

fn money_f64(m: crate::cost::Money) -> f64 {
    m.to_eur_f64()
}

/// The rows: every headline figure (numbers where they are numbers), then per campaign its
/// contacts and marginal cost with the interval bounds.
pub fn rows(ca: &Computed, cb: &Computed) -> Vec<CompareRow> {
    let mut out = Vec::new();
    // The peak-day figures' labels name each scenario's own peak day: a neutral label, and
    // the date in each cell's text.
    let text = |c: &Computed, f: &Figure| match f.id {
        "peak_sl" | "peak_p_all" | "peak_abandon" | "promise_check" => {
            format!("{} ({})", f.text, format::day_month(c.plan.peak_date()))
        }
        _ => f.text.clone(),
    };
    for fa in &ca.figures {
        let fb = cb.figures.iter().find(|f| f.id == fa.id);
        let label = match fa.id {
            "peak_sl" => format!("Mean {} SL on the target day", ca.plan.headline_channel),
            "peak_p_all" => "P(every interval of the target day meets the target)".into(),
            "peak_abandon" => format!(
                "Abandonment ({}) on the target day",
                ca.plan.headline_channel
            ),
            "promise_check" => "The promise on the target days (fresh-seed check)".into(),
            _ => fa.label.clone(),
        };
        out.push(CompareRow {
            figure: label,
            unit: figure_unit(fa.id),
            a: fa.number,
            b: fb.and_then(|f| f.number),
            a_text: text(ca, fa),
            b_text: fb.map_or_else(|| "–".into(), |f| text(cb, f)),
        });
    }
    let mut names: Vec<&str> = ca
        .cost
        .campaigns
        .iter()
        .map(|r| r.campaign.as_str())
        .collect();
    for r in &cb.cost.campaigns {
        if !names.contains(&r.campaign.as_str()) {
            names.push(&r.campaign);
        }
    }
    let cur_a = &ca.cost.currency;
    let cur_b = &cb.cost.currency;
    for n in names {
        let ra = ca.cost.campaigns.iter().find(|r| r.campaign == n);
        let rb = cb.cost.campaigns.iter().find(|r| r.campaign == n);
        let dash = || "–".to_string();
        out.push(CompareRow {
            figure: format!("{n}: expected contacts"),
            unit: Unit::Count,
            a: ra.map(|r| r.contacts),
            b: rb.map(|r| r.contacts),
            a_text: ra.map_or_else(dash, |r| format::thousands(r.contacts, 0)),
            b_text: rb.map_or_else(dash, |r| format::thousands(r.contacts, 0)),
        });
        let cost =
            |r: &crate::cost::CampaignRow| r.marginal_cost_eur.unwrap_or(r.attributed_cost_eur);
        out.push(CompareRow {
            figure: format!("{n}: marginal cost"),
            unit: Unit::Money,
            a: ra.map(|r| money_f64(cost(r))),
            b: rb.map(|r| money_f64(cost(r))),
            a_text: ra.map_or_else(dash, |r| cost(r).format(cur_a)),
            b_text: rb.map_or_else(dash, |r| cost(r).format(cur_b)),
        });
        for (what, pick) in [
            ("95% interval, low", 0usize),
            ("95% interval, high", 1usize),
        ] {
            let bound = |r: Option<&crate::cost::CampaignRow>| {
                r.and_then(|r| match pick {
                    0 => r.marginal_cost_ci95_low_eur,
                    _ => r.marginal_cost_ci95_high_eur,
                })
            };
            let (ba, bb) = (bound(ra), bound(rb));
            if ba.is_none() && bb.is_none() {
                continue;
            }
            out.push(CompareRow {
                figure: format!("{n}: marginal cost, {what}"),
                unit: Unit::Money,
                a: ba.map(money_f64),
                b: bb.map(money_f64),
                a_text: ba.map_or_else(dash, |m| m.format(cur_a)),
                b_text: bb.map_or_else(dash, |m| m.format(cur_b)),
            });
        }
    }
    out
}

/// `compare.csv`'s records (header first).
pub fn csv_records(ca: &Computed, cb: &Computed, rows: &[CompareRow]) -> Vec<Vec<String>> {
    let mut out = vec![vec![
        "figure".to_string(),
        "unit".to_string(),
        ca.scenario.name.clone(),
        cb.scenario.name.clone(),
        "difference".to_string(),
        "relative_difference".to_string(),
    ]];
    let num = |u: Unit, v: Option<f64>| {
        v.filter(|x| x.is_finite())
            .map_or_else(String::new, |x| u.csv(x))
    };
    for r in rows.iter().filter(|r| r.a.is_some() || r.b.is_some()) {
        out.push(vec![
            r.figure.clone(),
            r.unit.name(&ca.cost.currency),
            num(r.unit, r.a),
            num(r.unit, r.b),
            num(r.unit, r.difference()),
            num(Unit::Share, r.relative_difference()),
        ]);
    }
    out
}

/// The side-by-side table as people read it.
pub fn table(ca: &Computed, cb: &Computed, rows: &[CompareRow]) -> Table {
    Table {
        id: "compare".into(),
        caption: "Headline figures and cost per campaign".into(),
        columns: vec![
            Column::text("Figure"),
            Column::number(format!("A: {}", ca.scenario.name)),
            Column::number(format!("B: {}", cb.scenario.name)),
            Column::number("B − A"),
            Column::number("Relative"),
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.figure.clone(),
                    r.a_text.clone(),
                    r.b_text.clone(),
                    r.difference()
                        .filter(|d| d.is_finite())
                        .map_or_else(|| "–".into(), |d| r.unit.human_diff(d)),
                    r.relative_difference()
                        .filter(|d| d.is_finite())
                        .map_or_else(
                            || "–".into(),
                            |d| {
                                let sign = if d > 0.0 { "+" } else { "" };
                                format!("{sign}{}", format::fraction_percent(d, 1))
                            },
                        ),
                ]
            })
            .collect(),
        note: Some(
            "B − A: the difference as B minus A (pp: percentage points); relative: B − A over A. Figures as in each scenario's `peakplan run` report; compare.csv holds the same rows as numbers."
                .into(),
        ),
        marks: Vec::new(),
    }
}

fn sides_text(sides: &[(SideCheck, SideCheck)]) -> (String, String) {
    let n = sides.len().max(1) as f64;
    let with = sides.iter().map(|s| s.0.share_meeting).sum::<f64>() / n;
    let without = sides.iter().map(|s| s.1.share_meeting).sum::<f64>() / n;
    (
        format::fraction_percent(with, 1),
        format::fraction_percent(without, 1),
    )
}

/// Each campaign's marginal cost in both scenarios: the figure with its interval or
/// exactness statement, and how many interval cells the re-plans on both sides of the
/// difference met the target in.
pub fn campaign_table(ca: &Computed, cb: &Computed) -> Table {
    let mut rows = Vec::new();
    for c in [ca, cb] {
        for m in &c.cost.campaign_marginals {
            let (with, without) = sides_text(&m.sides);
            rows.push(vec![
                c.scenario.name.clone(),
                m.name.clone(),
                m.cost.describe(&c.cost.currency),
                with,
                without,
            ]);
        }
    }
    let conf = ca.cost.replan.as_ref().map_or(0.95, |o| o.confidence);
    Table {
        id: "campaign_marginals".into(),
        caption: "Campaign marginal costs: both sides re-planned to the same target".into(),
        columns: vec![
            Column::text("Scenario"),
            Column::text("Campaign"),
            Column::text("Marginal cost"),
            Column::number("Cells meeting, with"),
            Column::number("Cells meeting, without"),
        ],
        rows,
        note: Some(format!(
            "Cells meeting: the share of interval × channel cells whose P(meet the target) reaches {} in each side's own check, mean over the pairs. {}",
            format::fraction_percent(conf, 0),
            ca.cost.marginal_method().unwrap_or_default()
        )),
        marks: Vec::new(),
    }
}

/// The report of `compare.html`.
pub fn sections(ca: &Computed, cb: &Computed, rows: &[CompareRow]) -> Vec<Section> {
    let mut blocks = vec![Block::Table(table(ca, cb, rows))];
    if !ca.cost.campaign_marginals.is_empty() || !cb.cost.campaign_marginals.is_empty() {
        blocks.push(Block::Table(campaign_table(ca, cb)));
    }
    vec![Section {
        id: "compare".into(),
        title: "Side by side".into(),
        blocks,
    }]
}

fn marginal_json(m: &CampaignMarginal) -> serde_json::Value {
    json!({
        "campaign": m.name,
        "marginal_cost": m.cost.mean.plain(),
        "ci95_low": m.cost.ci95.map(|c| c.0.plain()),
        "ci95_high": m.cost.ci95.map(|c| c.1.plain()),
        "exact": m.cost.exact,
        "pairs": m.cost.pairs.len(),
        "share_of_cells_meeting_with": m.sides.iter().map(|s| s.0.share_meeting).sum::<f64>() / m.sides.len().max(1) as f64,
        "share_of_cells_meeting_without": m.sides.iter().map(|s| s.1.share_meeting).sum::<f64>() / m.sides.len().max(1) as f64,
    })
}

/// `compare --format json`: the rows as numbers and each side's campaign marginals.
pub fn json(ca: &Computed, cb: &Computed, rows: &[CompareRow]) -> serde_json::Value {
    let f = |v: Option<f64>| v.filter(|x| x.is_finite());
    json!({
        "a": ca.scenario.name,
        "b": cb.scenario.name,
        "rows": rows.iter().map(|r| json!({
            "figure": r.figure,
            "unit": r.unit.name(&ca.cost.currency),
            "a": f(r.a),
            "b": f(r.b),
            "difference": f(r.difference()),
            "relative_difference": f(r.relative_difference()),
            "a_text": r.a_text,
            "b_text": r.b_text,
        })).collect::<Vec<_>>(),
        "campaign_marginals": {
            "a": ca.cost.campaign_marginals.iter().map(marginal_json).collect::<Vec<_>>(),
            "b": cb.cost.campaign_marginals.iter().map(marginal_json).collect::<Vec<_>>(),
        },
        "headline": { "a": ca.headline, "b": cb.headline },
    })
}

/// The comparison as a table for the terminal, then each side's campaign marginals.
pub fn terminal_text(ca: &Computed, cb: &Computed, rows: &[CompareRow]) -> String {
    let shown = table(ca, cb, rows);
    let mut grid: Vec<Vec<String>> = vec![shown.columns.iter().map(|c| c.name.clone()).collect()];
    grid.extend(shown.rows.iter().cloned());
    let widths: Vec<usize> = (0..grid[0].len())
        .map(|k| grid.iter().map(|r| r[k].chars().count()).max().unwrap_or(0))
        .collect();
    let mut text = String::new();
    for (i, r) in grid.iter().enumerate() {
        let pad = |s: &str, w: usize| " ".repeat(w.saturating_sub(s.chars().count()));
        let mut line = format!("{}{}", r[0], pad(&r[0], widths[0]));
        for (k, cell) in r.iter().enumerate().skip(1) {
            line.push_str(&format!("  {}{cell}", pad(cell, widths[k])));
        }
        let _ = writeln!(text, "{}", line.trim_end());
        if i == 0 {
            let _ = writeln!(
                text,
                "{}",
                "-".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1))
            );
        }
    }
    for c in [&ca, &cb] {
        for m in &c.cost.campaign_marginals {
            let _ = writeln!(
                text,
                "{}: {} marginal cost {}",
                c.scenario.name,
                m.name,
                m.cost.describe(&c.cost.currency)
            );
        }
    }
    text
}

/// The comparison as report.html shows it. `seed`: the seed asked on the command line
/// (`None`: each scenario's own).
pub fn report(ca: &Computed, cb: &Computed, rows: &[CompareRow], seed: Option<u64>) -> Report {
    Report {
        title: format!("{} vs {} — what-if", ca.scenario.name, cb.scenario.name),
        headline: format!("A: {} B: {}", ca.headline, cb.headline),
        risks: ca
            .risks
            .iter()
            .map(|r| format!("A: {r}"))
            .chain(cb.risks.iter().map(|r| format!("B: {r}")))
            .collect(),
        key_figures: Vec::new(),
        sections: sections(ca, cb, rows),
        run_info: ca
            .files
            .iter()
            .chain(&cb.files)
            .map(|(f, h)| (format!("SHA-256 {}", f.display()), h.clone()))
            .chain([(
                "Seed".to_string(),
                seed.map_or_else(
                    || format!("{} (A), {} (B): each scenario's own", ca.seed, cb.seed),
                    |s| s.to_string(),
                ),
            )])
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_plainly_and_differences_with_their_sign() {
        assert_eq!(Unit::Money.csv(439_838.0), "439838.00");
        assert_eq!(Unit::Share.csv(0.994), "0.994");
        assert_eq!(Unit::Hours.csv(11_166.75), "11166.75");
        assert_eq!(Unit::Count.csv(-0.0001), "0");
        assert_eq!(Unit::Money.human_diff(2_245.0), "+€2,245");
        assert_eq!(Unit::Money.human_diff(-2_245.0), "-€2,245");
        assert_eq!(Unit::Share.human_diff(0.012), "+1.2 pp");
        assert_eq!(Unit::Money.human_diff(-0.6), "-€0.60");
        assert_eq!(Unit::Money.human_diff(12.5), "+€12.50");
        let r = CompareRow {
            figure: "x".into(),
            unit: Unit::Money,
            a: Some(12_210.0),
            b: Some(14_455.0),
            a_text: String::new(),
            b_text: String::new(),
        };
        assert_eq!(r.difference(), Some(2_245.0));
        assert!((r.relative_difference().unwrap() - 2_245.0 / 12_210.0).abs() < 1e-12);
        let zero = CompareRow {
            a: Some(0.0),
            ..r.clone()
        };
        assert_eq!(zero.relative_difference(), None);
        let missing = CompareRow { b: None, ..r };
        assert_eq!(missing.difference(), None);
    }
}
