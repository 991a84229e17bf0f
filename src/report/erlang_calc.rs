//! The `peakplan erlang` calculator: cases from the command line or a batch CSV, computed
//! with [`crate::erlang`], rendered as a human table, JSON or CSV.
//!
//! JSON and CSV field names are a stable interface (see [`FIELDS`]); a field that does not
//! apply is `null` in JSON and empty in CSV. JSON is `{"results": [row, …]}`.
//!
//! Extension point for simulation: [`ResultRow::simulated`] is serialised in JSON only when
//! present; [`compute`] and [`render`] are separate so a caller can fill it in between.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::erlang::{self, ErlangError, Queue, Shrinkage, SlLevels, SlTarget, Targets};
use crate::units::SlDefinition;
use crate::{Error, Result};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Aligned table for people (default).
    #[default]
    Table,
    Json,
    Csv,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Format, String> {
        match s {
            "table" => Ok(Format::Table),
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            _ => Err(format!("unknown format `{s}`; allowed: table, json, csv")),
        }
    }
}

/// Which staffing levels to evaluate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agents {
    /// Only the required number (needs a target).
    Required,
    /// One given number.
    One(u32),
    /// Every number in `from..=to`.
    Range(u32, u32),
}

/// One calculator case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub rate_per_s: f64,
    pub aht_s: f64,
    pub patience_s: Option<f64>,
    pub agents: Agents,
    pub targets: Targets,
    pub shrinkage: Option<Shrinkage>,
}

/// Largest `--agents-range` accepted.
pub const MAX_RANGE_ROWS: u32 = 10_000;

/// The stable field names of one result row, in output order.
pub const FIELDS: [&str; 23] = [
    "case",
    "agents",
    "offered_load_erlangs",
    "stable",
    "min_stable_agents",
    "p_wait",
    "service_level",
    "sl_definition",
    "target_sl",
    "target_s",
    "meets_targets",
    "asa_s",
    "mean_wait_of_waiters_s",
    "occupancy",
    "mean_queue_length",
    "p_abandon",
    "sl_offered",
    "sl_answered",
    "sl_virtual",
    "sl_excluding_short_abandons",
    "required_agents",
    "scheduled_heads",
    "shrinkage",
];

/// One evaluated staffing level of one case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultRow {
    /// 1-based case number (the data row in a batch file; 1 on the command line).
    pub case: usize,
    pub agents: u32,
    pub offered_load_erlangs: f64,
    pub stable: bool,
    pub min_stable_agents: u32,
    pub p_wait: f64,
    /// Under `sl_definition`, at `target_s`; null without a service-level target.
    pub service_level: Option<f64>,
    pub sl_definition: SlDefinition,
    pub target_sl: Option<f64>,
    pub target_s: Option<f64>,
    /// Whether this row meets every target given; null without targets.
    pub meets_targets: Option<bool>,
    /// Erlang C: mean wait of all calls; Erlang A: of answered calls; null if unstable.
    pub asa_s: Option<f64>,
    pub mean_wait_of_waiters_s: Option<f64>,
    pub occupancy: f64,
    pub mean_queue_length: Option<f64>,
    pub p_abandon: Option<f64>,
    pub sl_offered: Option<f64>,
    pub sl_answered: Option<f64>,
    pub sl_virtual: Option<f64>,
    pub sl_excluding_short_abandons: Option<f64>,
    pub required_agents: Option<u32>,
    pub scheduled_heads: Option<u64>,
    pub shrinkage: Option<f64>,
    /// Filled by the Monte-Carlo simulator when asked for (`--simulate`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub simulated: Option<serde_json::Value>,
}

impl ResultRow {
    fn csv_record(&self) -> Vec<String> {
        fn f(v: Option<f64>) -> String {
            v.map(|x| x.to_string()).unwrap_or_default()
        }
        fn u<T: ToString>(v: Option<T>) -> String {
            v.map(|x| x.to_string()).unwrap_or_default()
        }
        vec![
            self.case.to_string(),
            self.agents.to_string(),
            self.offered_load_erlangs.to_string(),
            self.stable.to_string(),
            self.min_stable_agents.to_string(),
            self.p_wait.to_string(),
            f(self.service_level),
            self.sl_definition.to_string(),
            f(self.target_sl),
            f(self.target_s),
            u(self.meets_targets),
            f(self.asa_s),
            f(self.mean_wait_of_waiters_s),
            self.occupancy.to_string(),
            f(self.mean_queue_length),
            f(self.p_abandon),
            f(self.sl_offered),
            f(self.sl_answered),
            f(self.sl_virtual),
            f(self.sl_excluding_short_abandons),
            u(self.required_agents),
            u(self.scheduled_heads),
            f(self.shrinkage),
        ]
    }
}

/// Computes one case: the rows to report and, per unstable row, nothing else (warnings are
/// derived from the rows by [`warnings`]).
pub fn compute_case(
    case_no: usize,
    case: &Case,
) -> std::result::Result<Vec<ResultRow>, ErlangError> {
    let queue = Queue::new(case.rate_per_s, case.aht_s, case.patience_s)?;
    case.targets.validate()?;
    let has_targets = !case.targets.is_empty();
    if case.patience_s.is_none() && case.targets.max_abandon.is_some() {
        return Err(ErlangError::AbandonWithoutPatience);
    }
    let required = if has_targets {
        Some(erlang::required_agents(&queue, &case.targets)?)
    } else {
        None
    };
    let levels: Vec<u32> = match case.agents {
        Agents::Required => vec![required.ok_or(ErlangError::NoTarget)?],
        Agents::One(n) => vec![n],
        Agents::Range(a, b) => (a..=b).collect(),
    };
    let t = case.targets.service_level.map(|s| s.within_s);
    let mut rows = Vec::with_capacity(levels.len());
    for n in levels {
        let m = queue.metrics(n, t)?;
        let four = match m.sl.map(|s| s.levels) {
            Some(SlLevels::ErlangA(l)) => Some(l),
            _ => None,
        };
        rows.push(ResultRow {
            case: case_no,
            agents: n,
            offered_load_erlangs: m.offered_load_erlangs,
            stable: m.stable,
            min_stable_agents: queue.min_stable_agents(),
            p_wait: m.p_wait,
            service_level: m.service_level(case.targets.sl_definition),
            sl_definition: case.targets.sl_definition,
            target_sl: case.targets.service_level.map(|s| s.fraction),
            target_s: t,
            meets_targets: has_targets.then(|| case.targets.met_by(&m)),
            asa_s: m.asa_s,
            mean_wait_of_waiters_s: m.mean_wait_of_waiters_s,
            occupancy: m.occupancy,
            mean_queue_length: m.mean_queue_length,
            p_abandon: m.p_abandon,
            sl_offered: four.map(|l| l.offered),
            sl_answered: four.map(|l| l.answered),
            sl_virtual: four.map(|l| l.virtual_wait),
            sl_excluding_short_abandons: four.map(|l| l.excluding_short_abandons),
            required_agents: required,
            scheduled_heads: match (required, case.shrinkage) {
                (Some(r), Some(s)) => Some(erlang::scheduled_heads(r, s)),
                _ => None,
            },
            shrinkage: case.shrinkage.map(|s| s.as_f64()),
            simulated: None,
        });
    }
    Ok(rows)
}

/// Computes every case (1-based case numbers), failing on the first bad case.
pub fn compute(cases: &[Case]) -> Result<Vec<ResultRow>> {
    let mut rows = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        rows.extend(compute_case(i + 1, case).map_err(|e| {
            if cases.len() > 1 {
                Error::Input(format!("case {}: {e}", i + 1))
            } else {
                Error::Erlang(e)
            }
        })?);
    }
    Ok(rows)
}

/// One-line warnings for unstable rows (one line per case).
pub fn warnings(rows: &[ResultRow]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let case = rows[i].case;
        let group: Vec<&ResultRow> = rows[i..].iter().take_while(|r| r.case == case).collect();
        i += group.len();
        let unstable: Vec<u32> = group
            .iter()
            .filter(|r| !r.stable)
            .map(|r| r.agents)
            .collect();
        if let (Some(first), Some(last)) = (unstable.first(), unstable.last()) {
            let who = if first == last {
                format!("{first} agents")
            } else {
                format!("{first}–{last} agents")
            };
            let prefix = if rows.iter().any(|r| r.case != 1) {
                format!("case {case}: ")
            } else {
                String::new()
            };
            out.push(format!(
                "warning: {prefix}the queue is unstable with {who} for {:.3} Erlangs (every call waits, the wait grows without bound); the minimum stable n is {}",
                group[0].offered_load_erlangs, group[0].min_stable_agents
            ));
        }
    }
    out
}

/// Describes the inputs of a command-line case for the table's heading.
#[derive(Debug, Clone, Default)]
pub struct Heading {
    pub lines: Vec<String>,
}

/// Writes rows in the chosen format.
pub fn render(
    rows: &[ResultRow],
    heading: &Heading,
    format: Format,
    out: &mut dyn Write,
) -> Result<()> {
    let io = |e: std::io::Error| Error::Io {
        path: "<stdout>".into(),
        source: e,
    };
    match format {
        Format::Json => {
            #[derive(Serialize)]
            struct Doc<'a> {
                results: &'a [ResultRow],
            }
            serde_json::to_writer_pretty(&mut *out, &Doc { results: rows })
                .map_err(|e| io(e.into()))?;
            writeln!(out).map_err(io)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            let err = |e: csv::Error| io(std::io::Error::other(e));
            let sim = rows.iter().any(|r| r.simulated.is_some());
            let mut header: Vec<String> = FIELDS.iter().map(|f| f.to_string()).collect();
            if sim {
                for m in SIM_METRICS {
                    for s in ["mean", "ci95_low", "ci95_high"] {
                        header.push(format!("sim_{m}_{s}"));
                    }
                }
            }
            w.write_record(&header).map_err(err)?;
            for r in rows {
                let mut rec = r.csv_record();
                if sim {
                    for m in SIM_METRICS {
                        for s in ["mean", "ci95_low", "ci95_high"] {
                            rec.push(
                                sim_value(r, m, s)
                                    .map(|v| v.to_string())
                                    .unwrap_or_default(),
                            );
                        }
                    }
                }
                w.write_record(&rec).map_err(err)?;
            }
            w.flush().map_err(io)?;
        }
        Format::Table => {
            out.write_all(table(rows, heading).as_bytes()).map_err(io)?;
        }
    }
    Ok(())
}

fn pct(v: f64) -> String {
    format!("{:.2} %", v * 100.0)
}

fn secs(v: f64) -> String {
    if v < 100.0 {
        format!("{v:.2} s")
    } else {
        format!("{:.1} min", v / 60.0)
    }
}

/// Human-readable duration for headings (`3 min`, `20 s`, `1 h 30 min`).
pub fn human_duration(s: f64) -> String {
    if s >= 3600.0 && (s % 60.0).abs() < 1e-9 {
        let h = (s / 3600.0).floor();
        let m = ((s - h * 3600.0) / 60.0).round();
        if m == 0.0 {
            format!("{h} h")
        } else {
            format!("{h} h {m} min")
        }
    } else if s >= 60.0 && (s % 60.0).abs() < 1e-9 {
        format!("{} min", s / 60.0)
    } else {
        format!("{s} s")
    }
}

/// The aligned table: one row per evaluated staffing level, columns chosen by content.
fn table(rows: &[ResultRow], heading: &Heading) -> String {
    let batch = rows.iter().any(|r| r.case != 1);
    let any_a = rows.iter().any(|r| r.p_abandon.is_some());
    let any_sl = rows.iter().any(|r| r.service_level.is_some());
    let any_req = rows.iter().any(|r| r.required_agents.is_some());
    let any_heads = rows.iter().any(|r| r.scheduled_heads.is_some());
    type Col = (&'static str, Box<dyn Fn(&ResultRow) -> String>);
    let mut cols: Vec<Col> = Vec::new();
    let dash = || "—".to_string();
    if batch {
        cols.push(("case", Box::new(|r| r.case.to_string())));
        cols.push((
            "load (Erl)",
            Box::new(|r| format!("{:.2}", r.offered_load_erlangs)),
        ));
    }
    cols.push(("agents", Box::new(|r| r.agents.to_string())));
    if batch && any_req {
        cols.push((
            "required",
            Box::new(move |r| r.required_agents.map_or_else(dash, |v| v.to_string())),
        ));
    }
    if batch && any_heads {
        cols.push((
            "heads",
            Box::new(move |r| r.scheduled_heads.map_or_else(dash, |v| v.to_string())),
        ));
    }
    cols.push(("P(wait)", Box::new(|r| pct(r.p_wait))));
    if any_a {
        cols.push((
            "P(abandon)",
            Box::new(move |r| r.p_abandon.map_or_else(dash, pct)),
        ));
    }
    if any_sl {
        let title: &'static str = if batch {
            "SL"
        } else {
            match rows.first() {
                Some(r) if r.p_abandon.is_some() => match r.sl_definition {
                    SlDefinition::Offered => "SL (offered)",
                    SlDefinition::Answered => "SL (answered)",
                    SlDefinition::Virtual => "SL (virtual)",
                    SlDefinition::ExcludingShortAbandons => "SL (excl. short ab.)",
                },
                _ => "SL",
            }
        };
        cols.push((
            title,
            Box::new(move |r| r.service_level.map_or_else(dash, pct)),
        ));
    }
    cols.push((
        if any_a { "ASA (answered)" } else { "ASA" },
        Box::new(|r| r.asa_s.map_or_else(|| "unbounded".to_string(), secs)),
    ));
    cols.push(("occupancy", Box::new(|r| pct(r.occupancy))));
    cols.push((
        "queue",
        Box::new(|r| {
            r.mean_queue_length
                .map_or_else(|| "unbounded".to_string(), |v| format!("{v:.2}"))
        }),
    ));
    let marks = rows.iter().any(|r| r.meets_targets.is_some());

    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| cols.iter().map(|(_, f)| f(r)).collect())
        .collect();
    let widths: Vec<usize> = cols
        .iter()
        .enumerate()
        .map(|(i, (h, _))| {
            cells
                .iter()
                .map(|c| c[i].chars().count())
                .chain(std::iter::once(h.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    // The "simulated" line under each simulated row: mean ± 95% CI half-width in the
    // columns that have a simulated counterpart.
    let sim_cells: Vec<Option<Vec<String>>> = rows
        .iter()
        .map(|r| {
            r.simulated.as_ref().map(|v| {
                cols.iter()
                    .map(|(title, _)| sim_cell(r, v, title))
                    .collect()
            })
        })
        .collect();
    let widths: Vec<usize> = widths
        .iter()
        .enumerate()
        .map(|(i, w)| {
            sim_cells
                .iter()
                .flatten()
                .map(|c| c[i].chars().count())
                .chain(std::iter::once(*w))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut s = String::new();
    for line in &heading.lines {
        let _ = writeln!(s, "{line}");
    }
    if !heading.lines.is_empty() {
        s.push('\n');
    }
    let mut line = String::from(" ");
    for (i, (h, _)) in cols.iter().enumerate() {
        let _ = write!(line, "  {:>w$}", h, w = widths[i]);
    }
    let _ = writeln!(s, "{}", line.trim_end());
    for (r, c) in rows.iter().zip(&cells) {
        let mut line = String::from(" ");
        for (i, v) in c.iter().enumerate() {
            let pad = widths[i] - v.chars().count();
            let _ = write!(line, "  {}{}", " ".repeat(pad), v);
        }
        if marks && !batch {
            match (r.required_agents, r.meets_targets) {
                (Some(req), _) if req == r.agents => line.push_str("  ◀ required"),
                (_, Some(false)) => line.push_str("  ✗"),
                _ => {}
            }
        } else if batch && r.meets_targets == Some(false) {
            line.push_str("  ✗ misses target");
        }
        let _ = writeln!(s, "{}", line.trim_end());
        if let Some(Some(sc)) = sim_cells.get(s_index(rows, r)) {
            let mut line = String::from(" ");
            for (i, v) in sc.iter().enumerate() {
                let pad = widths[i] - v.chars().count();
                let _ = write!(line, "  {}{}", " ".repeat(pad), v);
            }
            let _ = writeln!(s, "{}", line.trim_end());
        }
    }
    s
}

/// Position of `row` in `rows` (by address).
fn s_index(rows: &[ResultRow], row: &ResultRow) -> usize {
    rows.iter()
        .position(|r| std::ptr::eq(r, row))
        .unwrap_or(usize::MAX)
}

/// The simulated metrics, in output order (JSON keys and CSV `sim_<metric>_…` columns).
pub const SIM_METRICS: [&str; 5] = ["p_wait", "service_level", "asa_s", "p_abandon", "occupancy"];

fn sim_value(r: &ResultRow, metric: &str, stat: &str) -> Option<f64> {
    r.simulated.as_ref()?.get(metric)?.get(stat)?.as_f64()
}

/// One table cell of the "simulated" line.
fn sim_cell(r: &ResultRow, v: &serde_json::Value, title: &str) -> String {
    let est = |key: &str, fmt: &dyn Fn(f64) -> String, unit: f64| {
        let m = v
            .get(key)
            .and_then(|e| e.get("mean"))
            .and_then(|x| x.as_f64());
        let hi = v
            .get(key)
            .and_then(|e| e.get("ci95_high"))
            .and_then(|x| x.as_f64());
        match (m, hi) {
            (Some(m), Some(hi)) => format!("{} ± {:.2}", fmt(m), (hi - m) * unit),
            (Some(m), None) => fmt(m),
            _ => "—".to_string(),
        }
    };
    if v.is_null() {
        return if title == "agents" {
            "simulated".into()
        } else {
            "—".into()
        };
    }
    match title {
        "agents" => "simulated".into(),
        "P(wait)" => est("p_wait", &pct, 100.0),
        "P(abandon)" => est("p_abandon", &pct, 100.0),
        "occupancy" => est("occupancy", &pct, 100.0),
        "ASA" | "ASA (answered)" => est("asa_s", &|x| format!("{x:.2} s"), 1.0),
        t if t.starts_with("SL") && r.service_level.is_some() => est("service_level", &pct, 100.0),
        _ => String::new(),
    }
}

/// The heading lines for a command-line case.
pub fn heading_for(case: &Case, rows: &[ResultRow]) -> Heading {
    let mut lines = Vec::new();
    let model = match case.patience_s {
        Some(p) => format!("Erlang A (patience {})", human_duration(p)),
        None => "Erlang C".to_string(),
    };
    let load = rows.first().map(|r| r.offered_load_erlangs).unwrap_or(0.0);
    lines.push(format!(
        "{model} · {:.1} calls/h · AHT {} · offered load {:.3} Erlangs",
        case.rate_per_s * 3600.0,
        human_duration(case.aht_s),
        load
    ));
    let mut targets = Vec::new();
    if let Some(SlTarget { fraction, within_s }) = case.targets.service_level {
        let def = if case.patience_s.is_some() {
            format!(" ({})", case.targets.sl_definition)
        } else {
            String::new()
        };
        targets.push(format!(
            "{}% within {}{def}",
            fraction * 100.0,
            human_duration(within_s)
        ));
    }
    if let Some(a) = case.targets.max_asa_s {
        targets.push(format!("ASA ≤ {}", human_duration(a)));
    }
    if let Some(o) = case.targets.max_occupancy {
        targets.push(format!("occupancy ≤ {}%", o * 100.0));
    }
    if let Some(p) = case.targets.max_abandon {
        targets.push(format!("abandonment ≤ {}%", p * 100.0));
    }
    if let Some(r) = rows.first() {
        if let Some(req) = r.required_agents {
            let mut l = format!("target: {} → required agents: {req}", targets.join(", "));
            if let (Some(h), Some(s)) = (r.scheduled_heads, case.shrinkage) {
                let _ = write!(
                    l,
                    " · scheduled heads: {h} (shrinkage {}%)",
                    s.as_f64() * 100.0
                );
            }
            lines.push(l);
        } else if let Some(s) = case.shrinkage {
            lines.push(format!(
                "shrinkage {}% (scheduled heads need a target)",
                s.as_f64() * 100.0
            ));
        }
    }
    Heading { lines }
}

/// What the command line gives for one case (already parsed by clap).
#[derive(Debug, Clone, Default)]
pub struct CliCase {
    /// Calls per interval, with `interval_s`.
    pub calls: Option<f64>,
    pub interval_s: Option<f64>,
    /// Calls per hour (`--rate`), instead of calls/interval.
    pub rate_per_hour: Option<f64>,
    pub aht_s: Option<f64>,
    pub patience_s: Option<f64>,
    pub agents: Option<u32>,
    pub agents_range: Option<(u32, u32)>,
    pub targets: Targets,
    pub shrinkage: Option<Shrinkage>,
}

impl CliCase {
    /// Turns the arguments into a case, explaining what is missing.
    pub fn into_case(self) -> Result<Case> {
        let bad = |m: &str| Error::Input(m.to_string());
        let rate_per_h = match (self.rate_per_hour, self.calls, self.interval_s) {
            (Some(r), _, _) => r,
            (None, Some(c), Some(i)) if i > 0.0 => c * 3600.0 / i,
            (None, Some(_), Some(_)) => return Err(bad("--interval must be longer than zero")),
            _ => {
                return Err(bad(
                    "give the demand: --calls N --interval 30m, or --rate 720/h (or --batch FILE)",
                ));
            }
        };
        let aht_s = self
            .aht_s
            .ok_or_else(|| bad("give the average handling time: --aht 180s (or 3m)"))?;
        let agents = match (self.agents, self.agents_range) {
            (Some(n), _) => Agents::One(n),
            (None, Some((a, b))) => Agents::Range(a, b),
            (None, None) => Agents::Required,
        };
        if agents == Agents::Required && self.targets.is_empty() {
            return Err(bad(
                "give --agents N (or --agents-range A..B) to evaluate a staffing level, or a target (--target 85/15, --max-asa 20s, --max-occupancy 0.85, --max-abandon 0.05) to compute the required agents",
            ));
        }
        Ok(Case {
            rate_per_s: rate_per_h / 3600.0,
            aht_s,
            patience_s: self.patience_s,
            agents,
            targets: self.targets,
            shrinkage: self.shrinkage,
        })
    }
}

// ---------------------------------------------------------------------------------------
// Parsing helpers for the command line and the batch file
// ---------------------------------------------------------------------------------------

/// Parses a service-level target `85/15` (85% within 15 s); the time may carry a unit
/// (`80/20s`, `90/1m`), the share may be written `85%`. The share is a percentage from 1
/// to below 100: `0.85/15` is refused with a hint (it is not read as 0.85% nor guessed
/// to mean 85%).
pub fn parse_target(text: &str) -> std::result::Result<SlTarget, String> {
    let bad = |why: &str| {
        format!(
            "invalid target `{text}`: {why}; write PERCENT/SECONDS, e.g. 85/15 (85% answered within 15 s) or 80/20s"
        )
    };
    let (p, t) = text
        .split_once('/')
        .ok_or_else(|| bad("the `/` is missing"))?;
    let p: f64 = p
        .trim()
        .trim_end_matches('%')
        .parse()
        .map_err(|_| bad("the percentage is not a number"))?;
    if !(p > 0.0 && p < 100.0) {
        return Err(bad("the percentage must be strictly between 0 and 100"));
    }
    // `0.85/15` is a share written where a percentage belongs: read as 0.85% it would be
    // met by almost any staffing. No real target is below 1%, so refuse rather than guess.
    if p < 1.0 {
        let pct = (p * 100.0 * 1e9).round() / 1e9;
        return Err(format!(
            "invalid target `{text}`: the first number is a percentage, and {p}% is not a service-level target; for {pct}% write {pct}/{} (PERCENT/SECONDS)",
            t.trim()
        ));
    }
    let t = t.trim();
    let within_s = if t.ends_with(|c: char| c.is_ascii_digit() || c == '.') {
        t.parse::<f64>()
            .map_err(|_| bad("the time is not a number of seconds"))?
    } else {
        crate::units::parse_duration_s(t).map_err(|e| bad(&e))?
    };
    if !(within_s.is_finite() && within_s >= 0.0) {
        return Err(bad("the time must be a number of seconds ≥ 0"));
    }
    Ok(SlTarget {
        fraction: p / 100.0,
        within_s,
    })
}

/// Parses a share `0.85` or `85%` into a fraction in (0, 1].
pub fn parse_share(text: &str) -> std::result::Result<f64, String> {
    let t = text.trim();
    let v = match t.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map(|v| v / 100.0),
        None => t.parse::<f64>(),
    }
    .map_err(|_| {
        format!("invalid share `{text}`: write a fraction such as 0.85 or a percentage such as 85%")
    })?;
    if !(v > 0.0 && v <= 1.0) {
        return Err(format!(
            "invalid share `{text}`: must be above 0 and at most 1 (100%)"
        ));
    }
    Ok(v)
}

/// Parses an inclusive agents range `50..60` (also `50..=60`).
pub fn parse_agents_range(text: &str) -> std::result::Result<(u32, u32), String> {
    let bad = |why: &str| {
        format!(
            "invalid agents range `{text}`: {why}; write FROM..TO (inclusive), e.g. 50..60, with 1 ≤ FROM ≤ TO and at most {MAX_RANGE_ROWS} rows"
        )
    };
    let (a, b) = text
        .split_once("..")
        .ok_or_else(|| bad("the `..` is missing"))?;
    let b = b.strip_prefix('=').unwrap_or(b);
    let a: u32 = a
        .trim()
        .parse()
        .map_err(|_| bad("FROM is not a whole number"))?;
    let b: u32 = b
        .trim()
        .parse()
        .map_err(|_| bad("TO is not a whole number"))?;
    if a == 0 || a > b {
        return Err(bad("FROM must be at least 1 and not above TO"));
    }
    if b - a >= MAX_RANGE_ROWS {
        return Err(bad("the range is too long"));
    }
    if b > erlang::MAX_AGENTS {
        return Err(bad("TO is above 1000000"));
    }
    Ok((a, b))
}

/// The columns a batch file may have.
pub const BATCH_COLUMNS: [&str; 11] = [
    "calls",
    "interval_s",
    "aht_s",
    "agents",
    "target_s",
    "target_sl",
    "max_occupancy",
    "max_asa_s",
    "max_abandon",
    "patience_s",
    "shrinkage",
];

/// Reads a batch CSV into cases. Every row is read and validated before anything is
/// computed; the first bad cell stops the batch with an error naming file, line and column
/// (all-or-nothing: a results file with holes would be silently wrong downstream).
/// `sl_definition` applies to every row.
pub fn read_batch(path: &Path, sl_definition: SlDefinition) -> Result<Vec<Case>> {
    let file = std::fs::File::open(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    read_batch_from(file, &path.display().to_string(), sl_definition)
}

/// [`read_batch`] from any reader; `name` is used in messages.
pub fn read_batch_from(
    reader: impl std::io::Read,
    name: &str,
    sl_definition: SlDefinition,
) -> Result<Vec<Case>> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(reader);
    let headers = rdr
        .headers()
        .map_err(|e| Error::Input(format!("{name}: cannot read the header: {e}")))?
        .clone();
    let index = batch_columns(&headers, name)?;
    let mut cases = Vec::new();
    for (row_i, record) in rdr.records().enumerate() {
        let record = record.map_err(|e| Error::Input(format!("{name}: {e}")))?;
        let line = record.position().map_or(row_i as u64 + 2, |p| p.line());
        let at = |col: &str, msg: String| {
            Error::Input(format!(
                "{name}: line {line} (case {}), column `{col}`: {msg}",
                row_i + 1
            ))
        };
        let get = |col: &'static str| -> Result<Option<f64>> {
            let k = BATCH_COLUMNS.iter().position(|c| *c == col).unwrap();
            let Some(i) = index[k] else { return Ok(None) };
            let cell = record.get(i).unwrap_or("");
            if cell.is_empty() {
                return Ok(None);
            }
            let v: f64 = cell
                .parse()
                .map_err(|_| at(col, format!("`{cell}` is not a number")))?;
            if !v.is_finite() {
                return Err(at(col, format!("`{cell}` is not a finite number")));
            }
            Ok(Some(v))
        };
        let need = |col: &'static str| -> Result<f64> {
            get(col)?.ok_or_else(|| at(col, "is empty but required".to_string()))
        };
        let calls = need("calls")?;
        if calls < 0.0 {
            return Err(at("calls", format!("{calls} must be ≥ 0")));
        }
        let interval = need("interval_s")?;
        if interval <= 0.0 {
            return Err(at(
                "interval_s",
                format!("{interval} must be a number of seconds > 0"),
            ));
        }
        let aht_s = need("aht_s")?;
        let agents = match get("agents")? {
            None => Agents::Required,
            Some(v) if v >= 1.0 && v.fract() == 0.0 && v <= erlang::MAX_AGENTS as f64 => {
                Agents::One(v as u32)
            }
            Some(v) => {
                return Err(at(
                    "agents",
                    format!("{v} must be a whole number from 1 to 1000000"),
                ));
            }
        };
        let service_level = match (get("target_sl")?, get("target_s")?) {
            (None, None) => None,
            (Some(fraction), Some(t)) => Some(SlTarget {
                fraction,
                within_s: t,
            }),
            (Some(_), None) => {
                return Err(at("target_s", "is needed when target_sl is given".into()));
            }
            (None, Some(_)) => {
                return Err(at("target_sl", "is needed when target_s is given".into()));
            }
        };
        let shrinkage = match index[10]
            .and_then(|i| record.get(i))
            .filter(|c| !c.is_empty())
        {
            None => None,
            Some(cell) => Some(
                cell.parse::<Shrinkage>()
                    .map_err(|e| at("shrinkage", e.to_string()))?,
            ),
        };
        let case = Case {
            rate_per_s: calls / interval,
            aht_s,
            patience_s: get("patience_s")?,
            agents,
            targets: Targets {
                service_level,
                sl_definition,
                max_asa_s: get("max_asa_s")?,
                max_occupancy: get("max_occupancy")?,
                max_abandon: get("max_abandon")?,
            },
            shrinkage,
        };
        // Validate now, so that errors name the line and the column.
        if let Err((col, e)) = check_case(&case) {
            return Err(at(col, e.to_string()));
        }
        cases.push(case);
    }
    if cases.is_empty() {
        return Err(Error::Input(format!(
            "{name}: no cases (the file has a header but no rows)"
        )));
    }
    Ok(cases)
}

/// The batch file's columns: each allowed column's position, the required ones present.
fn batch_columns(headers: &csv::StringRecord, name: &str) -> Result<[Option<usize>; 11]> {
    let allowed = BATCH_COLUMNS.join(", ");
    let mut index = [None::<usize>; 11];
    for (i, h) in headers.iter().enumerate() {
        let Some(k) = BATCH_COLUMNS.iter().position(|c| *c == h) else {
            return Err(Error::Input(format!(
                "{name}: line 1: unknown column `{h}`; allowed columns: {allowed}"
            )));
        };
        if index[k].is_some() {
            return Err(Error::Input(format!(
                "{name}: line 1: column `{h}` appears twice"
            )));
        }
        index[k] = Some(i);
    }
    for required in ["calls", "interval_s", "aht_s"] {
        let k = BATCH_COLUMNS.iter().position(|c| *c == required).unwrap();
        if index[k].is_none() {
            return Err(Error::Input(format!(
                "{name}: line 1: the required column `{required}` is missing (required: calls, interval_s, aht_s; optional: the other columns of: {allowed})"
            )));
        }
    }
    Ok(index)
}

/// A batch case the formulas accept, or the column to blame and why.
fn check_case(case: &Case) -> std::result::Result<(), (&'static str, ErlangError)> {
    let check = Queue::new(case.rate_per_s, case.aht_s, case.patience_s)
        .and_then(|_| case.targets.validate())
        .and_then(|_| {
            if case.patience_s.is_none() && case.targets.max_abandon.is_some() {
                Err(ErlangError::AbandonWithoutPatience)
            } else if case.agents == Agents::Required && case.targets.is_empty() {
                Err(ErlangError::NoTarget)
            } else {
                Ok(())
            }
        });
    check.map_err(|e| {
        let col = match &e {
            ErlangError::OutOfRange { field, .. } => match *field {
                "arrival rate" | "offered load (Erlangs)" => "calls",
                f => BATCH_COLUMNS
                    .iter()
                    .find(|c| **c == f)
                    .copied()
                    .unwrap_or("aht_s"),
            },
            ErlangError::AbandonWithoutPatience => "max_abandon",
            _ => "agents",
        };
        (col, e)
    })
}
