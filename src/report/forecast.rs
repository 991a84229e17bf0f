//! The report's forecast section, for a scenario whose volumes came from `peakplan fit`:
//! the history's last weeks, the forecast median per day with its 80 % and 95 % intervals
//! (plot and table, with each date's volume cv), and the backtest's WAPE against seasonal
//! naive in the caption; and the volumes' provenance for `run.json`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use jiff::civil::Date;
use serde_json::{Value, json};

use super::html::{Block, Column, PlotBlock, Section, Table};
use super::plot::{Band, DEFAULT_SIZE, DailyForecastPlot, Plot, Series, format};
use crate::error::{Error, Result};
use crate::scenario::{Scenario, Volumes};

/// The first volumes entry a fit wrote.
fn fitted(s: &Scenario) -> Option<&Volumes> {
    s.volumes.iter().find(|v| v.fitted.is_some())
}

/// Per date: (contacts, 80 % band, 95 % band), summed over the entry's channels.
type Day = (f64, (f64, f64), (f64, f64));

fn per_day(v: &Volumes) -> BTreeMap<Date, Day> {
    let mut out: BTreeMap<Date, Day> = BTreeMap::new();
    for r in &v.per_date {
        let e = out.entry(r.date).or_insert((0.0, (0.0, 0.0), (0.0, 0.0)));
        e.0 += r.contacts;
        let (l8, h8) = r.band80.unwrap_or((f64::NAN, f64::NAN));
        let (l9, h9) = r.band95.unwrap_or((f64::NAN, f64::NAN));
        e.1 = (e.1.0 + l8, e.1.1 + h8);
        e.2 = (e.2.0 + l9, e.2.1 + h9);
    }
    out
}

/// The forecast plot of a scenario with fitted volumes (`None` without them).
pub fn forecast_plot(s: &Scenario) -> Option<Plot> {
    let v = fitted(s)?;
    let f = v.fitted.as_ref()?;
    let plan = per_day(v);
    let first = f
        .recent
        .first()
        .map(|r| r.0)
        .into_iter()
        .chain(plan.keys().next().copied())
        .min()?;
    let last = plan
        .keys()
        .next_back()
        .copied()
        .into_iter()
        .chain(f.recent.last().map(|r| r.0))
        .max()?;
    let mut days = Vec::new();
    let mut d = first;
    while d <= last && days.len() < 1000 {
        days.push(d);
        match d.tomorrow() {
            Ok(n) => d = n,
            Err(_) => break,
        }
    }
    let recent: BTreeMap<Date, f64> = f.recent.iter().copied().collect();
    let aside: BTreeMap<Date, f64> = f.set_aside.iter().copied().collect();
    let nan = f64::NAN;
    let pick = |g: &dyn Fn(&Day) -> f64| -> Vec<f64> {
        days.iter().map(|d| plan.get(d).map_or(nan, g)).collect()
    };
    let channels: Vec<&str> = {
        let mut c: Vec<&str> = v.per_date.iter().map(|r| r.channel.as_str()).collect();
        c.sort_unstable();
        c.dedup();
        c
    };
    Some(Plot::DailyForecast(DailyForecastPlot {
        title: format!(
            "{}: contacts per day, history and forecast ({})",
            s.name,
            channels.join(", ")
        ),
        y_label: "Contacts per day".into(),
        actual: Series::new(
            "History",
            days.iter()
                .map(|d| recent.get(d).copied().unwrap_or(nan))
                .collect(),
        ),
        median: Series::new("Forecast median", pick(&|x| x.0)),
        band80: Band {
            label: "80% interval".into(),
            low: pick(&|x| x.1.0),
            high: pick(&|x| x.1.1),
        },
        band95: Band {
            label: "95% interval".into(),
            low: pick(&|x| x.2.0),
            high: pick(&|x| x.2.1),
        },
        set_aside: Series::new(
            "Set aside (unusual day)",
            days.iter()
                .map(|d| {
                    aside
                        .contains_key(d)
                        .then(|| recent.get(d).copied())
                        .flatten()
                        .unwrap_or(nan)
                })
                .collect(),
        ),
        origin: Some(f.origin),
        days,
    }))
}

/// The caption under the forecast plot: how to read it and how good the forecast was.
pub fn caption(s: &Scenario) -> Option<String> {
    let f = fitted(s)?.fitted.as_ref()?;
    let pc = |x: f64| format::percent(100.0 * x, 1);
    let mut c = format!(
        "Daily contacts ({}): the history's last weeks and, after the forecast origin {}, the forecast median with its 80% and 95% prediction intervals; dots: days the fit set aside as extraordinary (left out of the spread).",
        f.measure,
        format::day_with_year(f.origin)
    );
    if let Some(b) = &f.backtest {
        c.push_str(&format!(
            " Backtest over the last {} weeks of history (leads 1–{} days): WAPE {} against {} for seasonal naive (daily totals {} against {}); {} of days inside the 80% interval, {} inside the 95%.",
            b.weeks,
            b.horizon_days,
            pc(b.wape),
            pc(b.seasonal_naive_wape),
            pc(b.daily_wape),
            pc(b.seasonal_naive_daily_wape),
            pc(b.daily_pi80_coverage),
            pc(b.daily_pi95_coverage)
        ));
    }
    Some(c)
}

/// The forecast section (plot and table) and its plot, for a scenario with fitted volumes.
pub fn section(s: &Scenario) -> Result<Option<(Section, Plot)>> {
    let (Some(plot), Some(caption), Some(v)) = (forecast_plot(s), caption(s), fitted(s)) else {
        return Ok(None);
    };
    let svg = plot
        .to_svg(DEFAULT_SIZE)
        .map_err(|e| Error::Internal(format!("drawing the forecast plot: {e}")))?;
    let n = |x: f64| {
        if x.is_finite() {
            format::thousands(x, 0)
        } else {
            "–".into()
        }
    };
    let rows = per_day(v)
        .into_iter()
        .map(|(d, (c, b8, b9))| {
            vec![
                format::day_with_year(d),
                n(c),
                format!("{} – {}", n(b8.0), n(b8.1)),
                format!("{} – {}", n(b9.0), n(b9.1)),
                format::percent(100.0 * s.simulation.volume_cv_on(d), 1),
            ]
        })
        .collect();
    let table = Table {
        id: "forecast".into(),
        caption: "Forecast per day".into(),
        columns: vec![
            Column::text("Date"),
            Column::number("Median"),
            Column::number("80% interval"),
            Column::number("95% interval"),
            Column::number("Volume cv"),
        ],
        rows,
        note: Some(
            "The simulation multiplies each day's volume by a Gamma(mean 1, cv) draw; the cv is the one for the day's lead from the forecast origin (simulation.volume_cv_by_lead).".into(),
        ),
        marks: Vec::new(),
    };
    let block = Block::Plot(PlotBlock {
        key: "forecast".into(),
        title: plot.title().to_string(),
        caption,
        svg,
        png_file: Some("forecast.png".into()),
    });
    Ok(Some((
        Section {
            id: "forecast".into(),
            title: "Forecast".into(),
            blocks: vec![block, Block::Table(table)],
        },
        plot,
    )))
}

/// `run.json`'s record of where the volumes came from: per volumes entry its reason, the
/// CSV file (path as read, SHA-256) and, when a fit wrote it, the command, the history files
/// with their SHA-256 and the forecast origin. `files`: the scenario's files as loaded.
pub fn provenance(s: &Scenario, files: &[(PathBuf, String)]) -> Value {
    Value::Array(
        s.volumes
            .iter()
            .map(|v| {
                let file = v.file.as_ref().map(|name| {
                    let read = files.iter().find(|(p, _)| p.ends_with(name));
                    json!({
                        "name": name,
                        "path": read.map(|(p, _)| p.display().to_string()),
                        "sha256": read.map(|(_, h)| h.clone()),
                    })
                });
                json!({
                    "reason": v.reason,
                    "dates": v.per_date.len(),
                    "file": file,
                    "forecast_origin": v.fitted.as_ref().map(|f| f.origin.to_string())
                        .or_else(|| s.simulation.volume_cv_by_lead.as_ref().map(|l| l.origin.to_string())),
                    "fitted": v.fitted.as_ref().map(|f| json!({
                        "command": f.command,
                        "measure": f.measure,
                        "history": f.history.iter().map(|h| json!({
                            "file": h.file,
                            "sha256": h.sha256,
                        })).collect::<Vec<_>>(),
                    })),
                })
            })
            .collect(),
    )
}
