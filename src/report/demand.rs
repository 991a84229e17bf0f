//! `peakplan demand`: the demand tables (CSV or JSON) and a short summary for people.
//!
//! # Files
//!
//! * `demand_intervals.csv` — one row per interval × channel × reason (pairs of a reason and
//!   a channel that never receive a contact, because the reason's mix gives the channel no
//!   share, are left out). Columns: `interval_start_local` (`YYYY-MM-DD HH:MM` local clock
//!   time; on the fall-back day the repeated hour appears twice), `interval_start_utc`
//!   (RFC 3339, tells the two apart), `channel`, `reason`, `expected_contacts` (all sources
//!   together), then one column per attribution source (`baseline`, each event, each
//!   campaign, each non-order source) whose values sum to `expected_contacts`.
//! * `demand_daily.csv` — one row per day: `date`, `weekday`, `orders_total`, one
//!   `orders_<source>` column per order source (baseline, events, campaigns),
//!   `contacts_total`, `contacts_channel_<channel>`, `contacts_reason_<reason>` and
//!   `contacts_source_<source>` columns.
//!
//! With `--format json` the same content is written as `demand_intervals.json` and
//! `demand_daily.json`, each an object:
//!
//! ```json
//! {"scenario": "valentines", "time_zone": "Europe/Amsterdam", "interval_min": 15,
//!  "sources": ["baseline", "valentine", ...],
//!  "spill": {"where_is_my_order": 1234.5, ...}, "lead_in": {...},
//!  "rows": [{"interval_start_local": "2027-02-01 00:00", "interval_start_utc": "...",
//!            "channel": "phone", "reason": "payment", "expected_contacts": 0.0,
//!            "by_source": {"baseline": 0.0, ...}}, ...]}
//! ```
//!
//! and for the daily file rows of the form `{"date", "weekday", "orders": {"total",
//! "by_source": {...}}, "contacts": {"total", "by_channel", "by_reason", "by_source"}}`.
//! Keys inside `by_*` objects keep the scenario's order. Numbers are written with 4 decimals
//! in CSV and in full precision in JSON.
//!
//! Every file is written atomically: to a temporary file in the same directory, then
//! renamed over the target, so a reader never sees half a table.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::ser::SerializeMap;

use crate::demand::{Demand, SourceKind};
use crate::error::{Error, Result};
use crate::report::atomic::write_atomic;
use crate::report::plot::plot_error;
use crate::report::{csv_bytes, csv_err};
use crate::scenario::Scenario;

/// Output format of the demand tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Csv,
    Json,
}

/// The interval and daily tables: (file name, bytes).
pub fn tables(
    demand: &Demand,
    scenario_name: &str,
    format: Format,
) -> Result<[(String, Vec<u8>); 2]> {
    let (iv, daily, ext) = match format {
        Format::Csv => (intervals_csv(demand)?, daily_csv(demand)?, "csv"),
        Format::Json => (
            intervals_json(demand, scenario_name)?,
            daily_json(demand, scenario_name)?,
            "json",
        ),
    };
    Ok([
        (format!("demand_intervals.{ext}"), iv),
        (format!("demand_daily.{ext}"), daily),
    ])
}

/// Writes the interval and daily tables and the demand plot into `dir` (each file
/// atomically; `peakplan run` calls it on its staging directory); returns the paths.
pub fn write_tables(
    demand: &Demand,
    scenario: &Scenario,
    dir: &Path,
    format: Format,
) -> Result<Vec<PathBuf>> {
    let scenario_name = &scenario.name;
    let mut out = Vec::new();
    for (name, bytes) in tables(demand, scenario_name, format)? {
        let p = dir.join(name);
        write_atomic(&p, &bytes)?;
        out.push(p);
    }
    let plot = demand_plot(demand, scenario);
    plot.write_png_and_svg(dir, "demand", crate::report::plot::DEFAULT_SIZE)
        .map_err(|e| plot_error(e, "demand"))?;
    out.extend([dir.join("demand.png"), dir.join("demand.svg")]);
    Ok(out)
}

/// The demand picture: expected contacts per interval stacked by reason (all channels),
/// the campaigns' share hatched, the target days (`demand::target_days`) shaded.
pub fn demand_plot(d: &Demand, scenario: &Scenario) -> crate::report::plot::Plot {
    let scenario_name = &scenario.name;
    use crate::report::plot::{Series, StackedAreaPlot, TargetDays, TimeAxis};
    let n = d.intervals.len();
    let layers: Vec<Series> = (0..d.reasons.len())
        .map(|r| {
            let values = (0..n)
                .map(|i| (0..d.channels.len()).map(|c| d.total(i, r, c)).sum())
                .collect();
            Series::new(d.reasons[r].replace('_', " "), values)
        })
        .collect();
    let campaigns: Vec<usize> = (0..d.sources.len())
        .filter(|&s| matches!(d.sources[s].kind, SourceKind::Campaign(_)))
        .collect();
    let overlay = (!campaigns.is_empty()).then(|| {
        let values = (0..n)
            .map(|i| {
                let mut sum = 0.0;
                for r in 0..d.reasons.len() {
                    for c in 0..d.channels.len() {
                        sum += campaigns.iter().map(|&s| d.get(i, r, c, s)).sum::<f64>();
                    }
                }
                sum.max(0.0)
            })
            .collect();
        Series::new("of which caused by campaigns", values)
    });
    let days: Vec<jiff::civil::Date> = crate::demand::target_days(scenario, d)
        .into_iter()
        .map(|k| d.days[k])
        .collect();
    let highlight = (!days.is_empty()).then(|| TargetDays {
        label: if days.len() == 1 {
            "Target day"
        } else {
            "Target days"
        }
        .into(),
        days,
    });
    let minutes = d.intervals.first().map_or(15, |iv| iv.length_s / 60);
    StackedAreaPlot {
        title: format!("Expected contacts per interval by reason — {scenario_name}"),
        y_label: format!("Contacts per {minutes} min (all channels)"),
        axis: TimeAxis::new(
            format!("Local time ({})", d.time_zone),
            d.intervals.iter().map(|iv| iv.local_start).collect(),
        ),
        layers,
        overlay,
        highlight,
    }
    .into()
}

fn f4(v: f64) -> String {
    // Avoid "-0.0000" for tiny negative rounding residues.
    let s = format!("{v:.4}");
    if s == "-0.0000" { "0.0000".into() } else { s }
}

/// (reason, channel) pairs that receive contacts somewhere in the calendar.
fn active_pairs(d: &Demand) -> Vec<bool> {
    let (nr, nc) = (d.reasons.len(), d.channels.len());
    let mut active = vec![false; nr * nc];
    for i in 0..d.intervals.len() {
        for r in 0..nr {
            for c in 0..nc {
                if !active[r * nc + c] && d.total(i, r, c) != 0.0 {
                    active[r * nc + c] = true;
                }
            }
        }
    }
    active
}

fn intervals_csv(d: &Demand) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "interval_start_local".to_string(),
        "interval_start_utc".into(),
        "channel".into(),
        "reason".into(),
        "expected_contacts".into(),
    ];
    header.extend(d.sources.iter().map(|s| s.name.clone()));
    w.write_record(&header).map_err(csv_err)?;
    let active = active_pairs(d);
    let nc = d.channels.len();
    let mut row: Vec<String> = Vec::with_capacity(header.len());
    for i in 0..d.intervals.len() {
        let (local, utc) = (d.intervals[i].local_label(), d.intervals[i].utc_label());
        for c in 0..nc {
            for r in 0..d.reasons.len() {
                if !active[r * nc + c] {
                    continue;
                }
                row.clear();
                row.push(local.clone());
                row.push(utc.clone());
                row.push(d.channels[c].clone());
                row.push(d.reasons[r].clone());
                row.push(f4(d.total(i, r, c)));
                for s in 0..d.sources.len() {
                    row.push(f4(d.get(i, r, c, s)));
                }
                w.write_record(&row).map_err(csv_err)?;
            }
        }
    }
    csv_bytes(w)
}

/// Per-day sums used by the daily table and the summary.
pub struct DailyTotals {
    /// `[day][source]` orders.
    pub orders: Vec<Vec<f64>>,
    /// `[day][channel]` contacts.
    pub by_channel: Vec<Vec<f64>>,
    /// `[day][reason]` contacts.
    pub by_reason: Vec<Vec<f64>>,
    /// `[day][source]` contacts.
    pub by_source: Vec<Vec<f64>>,
}

/// Sums the demand per day.
pub fn daily_totals(d: &Demand) -> DailyTotals {
    let (nr, nc, ns, nd) = (
        d.reasons.len(),
        d.channels.len(),
        d.sources.len(),
        d.days.len(),
    );
    let daily = d.daily();
    let mut t = DailyTotals {
        orders: vec![vec![0.0; ns]; nd],
        by_channel: vec![vec![0.0; nc]; nd],
        by_reason: vec![vec![0.0; nr]; nd],
        by_source: vec![vec![0.0; ns]; nd],
    };
    for day in 0..nd {
        for s in 0..ns {
            t.orders[day][s] = d.orders_of(day, s);
        }
        for r in 0..nr {
            for c in 0..nc {
                for s in 0..ns {
                    let v = daily[((day * nr + r) * nc + c) * ns + s];
                    t.by_channel[day][c] += v;
                    t.by_reason[day][r] += v;
                    t.by_source[day][s] += v;
                }
            }
        }
    }
    t
}

fn order_sources(d: &Demand) -> Vec<usize> {
    (0..d.sources.len())
        .filter(|s| !matches!(d.sources[*s].kind, SourceKind::Other(_)))
        .collect()
}

use crate::scenario::dates::weekday_short as weekday;

fn daily_csv(d: &Demand) -> Result<Vec<u8>> {
    let t = daily_totals(d);
    let os = order_sources(d);
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["date".to_string(), "weekday".into(), "orders_total".into()];
    header.extend(os.iter().map(|s| format!("orders_{}", d.sources[*s].name)));
    header.push("contacts_total".into());
    header.extend(d.channels.iter().map(|c| format!("contacts_channel_{c}")));
    header.extend(d.reasons.iter().map(|r| format!("contacts_reason_{r}")));
    header.extend(
        d.sources
            .iter()
            .map(|s| format!("contacts_source_{}", s.name)),
    );
    w.write_record(&header).map_err(csv_err)?;
    for (day, date) in d.days.iter().enumerate() {
        let mut row = vec![date.to_string(), weekday(*date).to_string()];
        row.push(f4(os.iter().map(|s| t.orders[day][*s]).sum()));
        row.extend(os.iter().map(|s| f4(t.orders[day][*s])));
        row.push(f4(t.by_channel[day].iter().sum()));
        row.extend(t.by_channel[day].iter().map(|v| f4(*v)));
        row.extend(t.by_reason[day].iter().map(|v| f4(*v)));
        row.extend(t.by_source[day].iter().map(|v| f4(*v)));
        w.write_record(&row).map_err(csv_err)?;
    }
    csv_bytes(w)
}

/// A JSON object whose keys keep the given order.
struct Ordered<'a>(Vec<(&'a str, f64)>);

impl Serialize for Ordered<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[derive(Serialize)]
struct Envelope<'a, R: Serialize> {
    scenario: &'a str,
    time_zone: &'a str,
    interval_min: u32,
    sources: Vec<&'a str>,
    spill: Ordered<'a>,
    lead_in: Ordered<'a>,
    rows: Vec<R>,
}

fn per_reason<'a>(d: &'a Demand, v: &[f64]) -> Ordered<'a> {
    let ns = d.sources.len();
    Ordered(
        d.reasons
            .iter()
            .enumerate()
            .map(|(r, name)| (name.as_str(), v[r * ns..(r + 1) * ns].iter().sum()))
            .collect(),
    )
}

fn envelope<'a, R: Serialize>(d: &'a Demand, name: &'a str, rows: Vec<R>) -> Envelope<'a, R> {
    Envelope {
        scenario: name,
        time_zone: &d.time_zone,
        interval_min: d.interval_min,
        sources: d.sources.iter().map(|s| s.name.as_str()).collect(),
        spill: per_reason(d, &d.spill),
        lead_in: per_reason(d, &d.lead_in),
        rows,
    }
}

#[derive(Serialize)]
struct IntervalRow<'a> {
    interval_start_local: String,
    interval_start_utc: String,
    channel: &'a str,
    reason: &'a str,
    expected_contacts: f64,
    by_source: Ordered<'a>,
}

fn json_bytes<T: Serialize>(v: &T) -> Result<Vec<u8>> {
    let mut b = serde_json::to_vec(v).map_err(|e| Error::Input(format!("writing JSON: {e}")))?;
    b.push(b'\n');
    Ok(b)
}

fn intervals_json(d: &Demand, name: &str) -> Result<Vec<u8>> {
    let active = active_pairs(d);
    let nc = d.channels.len();
    let mut rows = Vec::new();
    for i in 0..d.intervals.len() {
        for c in 0..nc {
            for r in 0..d.reasons.len() {
                if !active[r * nc + c] {
                    continue;
                }
                rows.push(IntervalRow {
                    interval_start_local: d.intervals[i].local_label(),
                    interval_start_utc: d.intervals[i].utc_label(),
                    channel: &d.channels[c],
                    reason: &d.reasons[r],
                    expected_contacts: d.total(i, r, c),
                    by_source: Ordered(
                        d.sources
                            .iter()
                            .enumerate()
                            .map(|(s, src)| (src.name.as_str(), d.get(i, r, c, s)))
                            .collect(),
                    ),
                });
            }
        }
    }
    json_bytes(&envelope(d, name, rows))
}

#[derive(Serialize)]
struct DailyOrders<'a> {
    total: f64,
    by_source: Ordered<'a>,
}

#[derive(Serialize)]
struct DailyContacts<'a> {
    total: f64,
    by_channel: Ordered<'a>,
    by_reason: Ordered<'a>,
    by_source: Ordered<'a>,
}

#[derive(Serialize)]
struct DailyRow<'a> {
    date: String,
    weekday: &'static str,
    orders: DailyOrders<'a>,
    contacts: DailyContacts<'a>,
}

fn daily_json(d: &Demand, name: &str) -> Result<Vec<u8>> {
    let t = daily_totals(d);
    let os = order_sources(d);
    let rows: Vec<DailyRow> = d
        .days
        .iter()
        .enumerate()
        .map(|(day, date)| DailyRow {
            date: date.to_string(),
            weekday: weekday(*date),
            orders: DailyOrders {
                total: os.iter().map(|s| t.orders[day][*s]).sum(),
                by_source: Ordered(
                    os.iter()
                        .map(|s| (d.sources[*s].name.as_str(), t.orders[day][*s]))
                        .collect(),
                ),
            },
            contacts: DailyContacts {
                total: t.by_channel[day].iter().sum(),
                by_channel: Ordered(
                    d.channels
                        .iter()
                        .map(String::as_str)
                        .zip(t.by_channel[day].iter().copied())
                        .collect(),
                ),
                by_reason: Ordered(
                    d.reasons
                        .iter()
                        .map(String::as_str)
                        .zip(t.by_reason[day].iter().copied())
                        .collect(),
                ),
                by_source: Ordered(
                    d.sources
                        .iter()
                        .map(|s| s.name.as_str())
                        .zip(t.by_source[day].iter().copied())
                        .collect(),
                ),
            },
        })
        .collect();
    json_bytes(&envelope(d, name, rows))
}

/// Whole numbers with thousands separated for the summary (`12,345`).
fn n0(v: f64) -> String {
    crate::format::thousands(v, 0)
}

fn pct(part: f64, whole: f64) -> String {
    if whole == 0.0 {
        "–".into()
    } else {
        format!("{:.0}%", 100.0 * part / whole)
    }
}

/// The human summary: totals by channel, reason and source, contacts by day, the peak
/// interval, spill and lead-in.
pub fn summary(d: &Demand, s: &Scenario) -> String {
    let t = daily_totals(d);
    let nd = d.days.len();
    let os = order_sources(d);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Scenario {} — {} … {} ({} days, {}-min intervals, {})",
        s.name,
        d.days.first().map(ToString::to_string).unwrap_or_default(),
        d.days.last().map(ToString::to_string).unwrap_or_default(),
        nd,
        d.interval_min,
        d.time_zone
    );
    let orders_total: f64 = (0..nd)
        .flat_map(|day| os.iter().map(move |s| (day, *s)))
        .map(|(day, s)| t.orders[day][s])
        .sum();
    let contacts_total: f64 = t.by_channel.iter().flatten().sum();
    let col = |f: &dyn Fn(usize) -> f64, n: usize| -> Vec<f64> { (0..n).map(f).collect() };
    let ch_tot = col(
        &|c| t.by_channel.iter().map(|r| r[c]).sum(),
        d.channels.len(),
    );
    let r_tot = col(&|r| t.by_reason.iter().map(|x| x[r]).sum(), d.reasons.len());
    let s_tot = col(&|s| t.by_source.iter().map(|x| x[s]).sum(), d.sources.len());
    let o_tot = col(&|s| t.orders.iter().map(|x| x[s]).sum(), d.sources.len());
    let _ = writeln!(
        out,
        "Orders {} ({}); contacts {} ({:.0} per 1,000 orders)",
        n0(orders_total),
        os.iter()
            .map(|s| format!("{} {}", d.sources[*s].name, n0(o_tot[*s])))
            .collect::<Vec<_>>()
            .join(", "),
        n0(contacts_total),
        if orders_total > 0.0 {
            1000.0 * contacts_total / orders_total
        } else {
            0.0
        }
    );
    let list = |names: &[String], v: &[f64]| {
        names
            .iter()
            .zip(v)
            .filter(|(_, v)| **v != 0.0)
            .map(|(n, v)| format!("{n} {} ({})", n0(*v), pct(*v, contacts_total)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let src_names: Vec<String> = d.sources.iter().map(|s| s.name.clone()).collect();
    let _ = writeln!(out, "By channel: {}", list(&d.channels, &ch_tot));
    let _ = writeln!(out, "By reason:  {}", list(&d.reasons, &r_tot));
    let _ = writeln!(out, "By source:  {}", list(&src_names, &s_tot));

    days_table(&mut out, d, s, &t, &os);
    peak_intervals(&mut out, d);
    spill_and_lead_in(&mut out, d);
    out
}

/// Contacts by day and channel, the target days marked.
fn days_table(out: &mut String, d: &Demand, s: &Scenario, t: &DailyTotals, os: &[usize]) {
    let nd = d.days.len();
    let _ = writeln!(
        out,
        "\nday              orders  contacts  {}",
        d.channels
            .iter()
            .map(|c| format!("{c:>8}"))
            .collect::<String>()
    );
    let target = crate::demand::target_days(s, d);
    for day in 0..nd {
        let o: f64 = os.iter().map(|s| t.orders[day][*s]).sum();
        let c: f64 = t.by_channel[day].iter().sum();
        let _ = writeln!(
            out,
            "{} {}  {:>7}  {:>8}  {}{}",
            d.days[day],
            weekday(d.days[day]),
            n0(o),
            n0(c),
            t.by_channel[day]
                .iter()
                .map(|v| format!("{:>8}", n0(*v)))
                .collect::<String>(),
            if target.contains(&day) {
                "  ← target day"
            } else {
                ""
            }
        );
    }
}

/// The busiest interval over all channels, and each channel's.
fn peak_intervals(out: &mut String, d: &Demand) {
    let mut best = (0usize, f64::MIN);
    for i in 0..d.intervals.len() {
        let v = d.interval_total(i);
        if v > best.1 {
            best = (i, v);
        }
    }
    if !d.intervals.is_empty() {
        let _ = writeln!(
            out,
            "\nPeak interval (all channels): {} ({}) {} contacts",
            d.intervals[best.0].local_label(),
            weekday(d.days[d.intervals[best.0].day]),
            n0(best.1)
        );
        for (c, name) in d.channels.iter().enumerate() {
            let mut b = (0usize, f64::MIN);
            for i in 0..d.intervals.len() {
                let v: f64 = (0..d.reasons.len()).map(|r| d.total(i, r, c)).sum();
                if v > b.1 {
                    b = (i, v);
                }
            }
            if b.1 > 0.0 {
                let _ = writeln!(
                    out,
                    "  {name:<8} peak {} ({}) {:.1} contacts/interval",
                    d.intervals[b.0].local_label(),
                    weekday(d.days[d.intervals[b.0].day]),
                    b.1
                );
            }
        }
    }
}

/// Contacts after the calendar (spill), from orders before it (lead-in), and those moved out
/// of closed hours.
fn spill_and_lead_in(out: &mut String, d: &Demand) {
    let spill: f64 = d.spill.iter().sum();
    let lead: f64 = d.lead_in.iter().sum();
    let _ = writeln!(
        out,
        "\nSpill: {} contacts caused by calendar orders fall after {} (not in the tables){}",
        n0(spill),
        d.days.last().map(ToString::to_string).unwrap_or_default(),
        if spill > 0.0 {
            format!(
                ": {}",
                per_reason(d, &d.spill)
                    .0
                    .iter()
                    .filter(|(_, v)| *v != 0.0)
                    .map(|(n, v)| format!("{n} {}", n0(*v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        out,
        "Lead-in: {} contacts in the tables come from orders of the {} days before the calendar",
        n0(lead),
        d.lead_in_days
    );
    let moved: f64 = d.moved_closed.iter().sum();
    if moved > 0.0 {
        let _ = writeln!(
            out,
            "Closed hours/days: {} live/chat contacts arrive at the next opening ({})",
            n0(moved),
            d.channels
                .iter()
                .zip(&d.moved_closed)
                .filter(|(_, v)| **v > 0.0)
                .map(|(c, v)| format!("{c} {}", n0(*v)))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}
