//! Every channel, every day: what a simulated roster gives each channel per day, and the days
//! and channels that miss their target — plain data for the report's channel table, for
//! `run.json` and for the headline's risk list (the caller renders it).
//!
//! Per day and channel ([`channel_days`]):
//! * live and chat channels: the day's service level (the model's definition, answered
//!   within the channel's target time) and the share of offered contacts that abandoned;
//! * deferred channels (e-mail, social): the share of the day's contacts answered within the
//!   response window (answered in time / offered: a contact still waiting counts as not
//!   answered in time) and the backlog waiting at the end of the day.
//!
//! Each figure is the mean over the replications, with the 95% confidence interval of that
//! mean and P(the day meets the target) — the share of replications whose day total meets
//! it. A day and channel is a risk ([`channel_risks`]) when its mean misses the target
//! ([`Status::BelowTarget`]) or when the mean meets it but fewer replications than the
//! confidence do ([`Status::Uncertain`]). A day on which a channel has no contacts (closed)
//! is neither.

use jiff::civil::Date;
use serde::Serialize;

use super::html::{Column, Mark, Table};
use crate::montecarlo::{McResult, Metric};
use crate::sim::{ChannelKind, Model};
use crate::units::SlDefinition;

/// How a channel is served, as the report names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Live,
    Chat,
    Deferred,
}

impl Kind {
    fn of(k: &ChannelKind) -> Kind {
        match k {
            ChannelKind::Live => Kind::Live,
            ChannelKind::Chat { .. } => Kind::Chat,
            ChannelKind::Deferred => Kind::Deferred,
        }
    }
}

/// Whether a day and channel meets its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The mean meets the target and at least `confidence` of the replications do.
    Meets,
    /// The mean meets the target, but fewer than `confidence` of the replications do.
    Uncertain,
    /// The mean misses the target.
    BelowTarget,
    /// No contacts that day (the channel was closed or nobody asked).
    NoContacts,
}

/// One day of one channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelDay {
    pub date: Date,
    pub channel: String,
    pub kind: Kind,
    /// Required share answered within `target_s`.
    pub target_share: f64,
    pub target_s: f64,
    /// Mean contacts offered (arrived) that day.
    pub offered: f64,
    /// Live and chat: the service level; deferred: the share answered within the response
    /// window. Mean over replications (`None` without contacts).
    pub sl: Option<f64>,
    pub sl_ci95_low: Option<f64>,
    pub sl_ci95_high: Option<f64>,
    /// Share of replications whose day meets the target.
    pub p_day_meets: Option<f64>,
    /// Live and chat: abandoned / offered (mean).
    pub abandonment: Option<f64>,
    /// Deferred: contacts still waiting at the end of the day (mean).
    pub backlog_end: Option<f64>,
    pub status: Status,
}

/// A day and channel that misses its target (see the [module documentation](self)).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelRisk {
    pub date: Date,
    pub channel: String,
    pub kind: Kind,
    /// [`Status::BelowTarget`] or [`Status::Uncertain`].
    pub status: Status,
    /// The day's mean SL (deferred: share answered within the window).
    pub sl: f64,
    pub target_share: f64,
    pub target_s: f64,
    pub p_day_meets: Option<f64>,
    pub abandonment: Option<f64>,
    pub backlog_end: Option<f64>,
}

impl ChannelRisk {
    /// The risk in words, e.g. "email on Sat 13 Feb: 6.1% answered within 24 h (target 90%),
    /// 9,412 waiting at the end of the day".
    pub fn sentence(&self) -> String {
        use super::plot::format::{day, fraction_percent, thousands};
        let what = match self.kind {
            Kind::Deferred => format!(
                "{} answered within {}",
                fraction_percent(self.sl, 1),
                duration(self.target_s)
            ),
            _ => format!(
                "SL {} within {}",
                fraction_percent(self.sl, 1),
                duration(self.target_s)
            ),
        };
        let mut s = format!(
            "{} on {}: {what} (target {})",
            self.channel,
            day(self.date),
            fraction_percent(self.target_share, 0)
        );
        if self.status == Status::Uncertain {
            if let Some(p) = self.p_day_meets {
                s.push_str(&format!(
                    ", met in only {} of the simulated days",
                    fraction_percent(p, 0)
                ));
            }
        }
        match (self.kind, self.backlog_end, self.abandonment) {
            (Kind::Deferred, Some(b), _) if b >= 0.5 => {
                s.push_str(&format!(
                    ", {} waiting at the end of the day",
                    thousands(b, 0)
                ));
            }
            (Kind::Live | Kind::Chat, _, Some(a)) if a >= 0.0005 => {
                s.push_str(&format!(", {} abandoned", fraction_percent(a, 1)));
            }
            _ => {}
        }
        s
    }
}

/// The channel risks in a few lines, one per channel (in first-seen order): "email: below
/// its target (90% within 24 h) on 9 days, 13–21 February: 51.5% to 86.6%, up to 4,481
/// waiting at a day's end." (or "meets its target on average but not with the confidence"
/// when every day of the channel is [`Status::Uncertain`]). Every risk of `risks` is
/// counted in its channel's line.
pub fn risk_lines(risks: &[ChannelRisk]) -> Vec<String> {
    use super::plot::format::{fraction_percent, thousands};
    let mut channels: Vec<&str> = Vec::new();
    for r in risks {
        if !channels.contains(&r.channel.as_str()) {
            channels.push(&r.channel);
        }
    }
    channels
        .into_iter()
        .map(|ch| {
            let rs: Vec<&ChannelRisk> = risks.iter().filter(|r| r.channel == ch).collect();
            let r0 = rs[0];
            let lo = rs.iter().map(|r| r.sl).fold(f64::INFINITY, f64::min);
            let hi = rs.iter().map(|r| r.sl).fold(f64::NEG_INFINITY, f64::max);
            let dates: Vec<Date> = rs.iter().map(|r| r.date).collect();
            let what = if r0.kind == Kind::Deferred {
                "answered in time"
            } else {
                "SL"
            };
            let range = if (hi - lo).abs() < 5e-4 {
                fraction_percent(lo, 1)
            } else {
                format!("{} to {}", fraction_percent(lo, 1), fraction_percent(hi, 1))
            };
            // Below target on average, or meeting it on average but in fewer simulated days
            // than the confidence asks.
            let how = if rs.iter().all(|r| r.status == Status::Uncertain) {
                "meets its target on average but not with the confidence"
            } else if rs.iter().all(|r| r.status == Status::BelowTarget) {
                "below its target"
            } else {
                "below its target or not with the confidence"
            };
            let mut s = format!(
                "{ch}: {how} ({} within {}) on {} {}, {}: {what} {range}",
                fraction_percent(r0.target_share, 0),
                duration(r0.target_s),
                rs.len(),
                if rs.len() == 1 { "day" } else { "days" },
                crate::format::dates_list(&dates),
            );
            let backlog = rs
                .iter()
                .filter_map(|r| r.backlog_end)
                .fold(0.0f64, f64::max);
            if r0.kind == Kind::Deferred && backlog >= 0.5 {
                s.push_str(&format!(
                    ", up to {} waiting at a day's end",
                    thousands(backlog, 0)
                ));
            }
            s.push('.');
            s
        })
        .collect()
}

/// `15 s`, `1 h`, `24 h`, `90 min`.
pub fn duration(s: f64) -> String {
    if s >= 3600.0 && (s % 3600.0).abs() < 1e-9 {
        format!("{} h", (s / 3600.0).round())
    } else if s >= 60.0 && (s % 60.0).abs() < 1e-9 {
        format!("{} min", (s / 60.0).round())
    } else {
        format!("{} s", super::plot::format::thousands(s, 0))
    }
}

/// Every day × channel of a simulation of `model` (`days[d]` is day `d`'s date), day by
/// day, channels in model order. `confidence` decides [`Status::Uncertain`].
pub fn channel_days(
    sim: &McResult,
    model: &Model,
    days: &[Date],
    confidence: f64,
) -> Vec<ChannelDay> {
    let mut out = Vec::with_capacity(days.len() * model.channels.len());
    for (d, &date) in days.iter().enumerate().take(sim.n_days) {
        for (c, ch) in model.channels.iter().enumerate().take(sim.n_channels) {
            let cell = sim.day(d, c);
            let kind = Kind::of(&ch.kind);
            // Deferred channels: answered in time / offered, whatever the SL definition.
            let def = match kind {
                Kind::Deferred => SlDefinition::Offered,
                _ => model.sl_definition,
            };
            let offered = cell.summary(Metric::Offered).map_or(0.0, |s| s.mean);
            let sl = cell
                .summary(Metric::ServiceLevel(def))
                .filter(|_| offered > 0.0);
            // P(day meets) is counted under the model's definition: it is this column's
            // only when the definitions agree.
            let p = (def == model.sl_definition)
                .then(|| cell.p_meets().map(|s| s.mean))
                .flatten()
                .filter(|_| sl.is_some());
            let status = match sl {
                None => Status::NoContacts,
                Some(s) if s.mean < ch.target_share - 1e-12 => Status::BelowTarget,
                Some(_) if p.is_some_and(|p| p < confidence - 1e-12) => Status::Uncertain,
                Some(_) => Status::Meets,
            };
            out.push(ChannelDay {
                date,
                channel: ch.name.clone(),
                kind,
                target_share: ch.target_share,
                target_s: ch.target_s,
                offered,
                sl: sl.map(|s| s.mean),
                sl_ci95_low: sl.map(|s| s.ci95_low),
                sl_ci95_high: sl.map(|s| s.ci95_high),
                p_day_meets: p,
                abandonment: match kind {
                    Kind::Deferred => None,
                    _ => cell
                        .summary(Metric::PAbandon)
                        .filter(|_| offered > 0.0)
                        .map(|s| s.mean),
                },
                backlog_end: match kind {
                    Kind::Deferred => cell.summary(Metric::Backlog).map(|s| s.mean),
                    _ => None,
                },
                status,
            });
        }
    }
    out
}

/// The days and channels that miss their target, worst first within each day (lowest SL),
/// days in time order.
pub fn channel_risks(rows: &[ChannelDay]) -> Vec<ChannelRisk> {
    let mut out: Vec<ChannelRisk> = rows
        .iter()
        .filter(|r| matches!(r.status, Status::BelowTarget | Status::Uncertain))
        .filter_map(|r| {
            Some(ChannelRisk {
                date: r.date,
                channel: r.channel.clone(),
                kind: r.kind,
                status: r.status,
                sl: r.sl?,
                target_share: r.target_share,
                target_s: r.target_s,
                p_day_meets: r.p_day_meets,
                abandonment: r.abandonment,
                backlog_end: r.backlog_end,
            })
        })
        .collect();
    out.sort_by(|a, b| a.date.cmp(&b.date).then(a.sl.total_cmp(&b.sl)));
    out
}

/// The report's table of every channel per day: per live or chat channel its SL and
/// abandonment, per deferred channel the share answered within the window and the backlog at
/// the end of the day; cells that miss their target marked `miss`, uncertain ones `risk`.
pub fn channel_table(rows: &[ChannelDay], replications: u32, confidence: f64) -> Table {
    use super::plot::format::{day, fraction_percent, thousands};
    let mut channels: Vec<(&str, Kind, f64, f64)> = Vec::new();
    for r in rows {
        if !channels.iter().any(|c| c.0 == r.channel) {
            channels.push((&r.channel, r.kind, r.target_share, r.target_s));
        }
    }
    let mut columns = vec![Column::text("Date")];
    for &(name, kind, _, target_s) in &channels {
        match kind {
            Kind::Deferred => {
                columns.push(Column::number(format!("{name} ≤ {}", duration(target_s))));
                columns.push(Column::number(format!("{name} backlog")));
            }
            _ => {
                columns.push(Column::number(format!("{name} SL")));
                columns.push(Column::number(format!("{name} abandoned")));
            }
        }
    }
    let mut dates: Vec<Date> = rows.iter().map(|r| r.date).collect();
    dates.dedup();
    let mut body = Vec::new();
    let mut marks = Vec::new();
    let pct = |v: Option<f64>| v.map_or_else(|| "–".to_string(), |x| fraction_percent(x, 1));
    for (i, &date) in dates.iter().enumerate() {
        let mut cells = vec![day(date)];
        for (k, &(name, kind, _, _)) in channels.iter().enumerate() {
            let r = rows.iter().find(|r| r.date == date && r.channel == name);
            let col = 1 + 2 * k;
            match r.map(|r| r.status) {
                Some(Status::BelowTarget) => marks.push((i, col, Mark::Miss)),
                Some(Status::Uncertain) => marks.push((i, col, Mark::Risk)),
                _ => {}
            }
            let sl = r.and_then(|r| r.sl);
            cells.push(pct(sl));
            cells.push(match (kind, r) {
                (Kind::Deferred, Some(r)) => r
                    .backlog_end
                    .map_or_else(|| "–".to_string(), |b| thousands(b, 0)),
                (_, Some(r)) => pct(r.abandonment),
                (_, None) => "–".to_string(),
            });
        }
        body.push(cells);
    }
    let targets: Vec<String> = channels
        .iter()
        .map(|&(name, _, share, s)| {
            format!(
                "{name} {} within {}",
                fraction_percent(share, 0),
                duration(s)
            )
        })
        .collect();
    Table {
        id: "channels".into(),
        caption: "Every channel, every day".into(),
        columns,
        rows: body,
        note: Some(format!(
            "Targets: {}. SL: answered within the target time (live and chat); e-mail and social: the share of the day's contacts answered within the response window, and the contacts still waiting at the end of the day. Means of {replications} simulated replications of the planned roster. Red: the day misses its target; amber: it meets it on average but in fewer than {} of the replications; –: no contacts.",
            targets.join("; "),
            fraction_percent(confidence, 0)
        )),
        marks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn row(
        channel: &str,
        kind: Kind,
        sl: Option<f64>,
        p: Option<f64>,
        status: Status,
    ) -> ChannelDay {
        ChannelDay {
            date: date(2027, 2, 13),
            channel: channel.into(),
            kind,
            target_share: 0.85,
            target_s: if kind == Kind::Deferred {
                86_400.0
            } else {
                15.0
            },
            offered: 100.0,
            sl,
            sl_ci95_low: sl,
            sl_ci95_high: sl,
            p_day_meets: p,
            abandonment: (kind != Kind::Deferred).then_some(0.031),
            backlog_end: (kind == Kind::Deferred).then_some(9_412.4),
            status,
        }
    }

    #[test]
    fn risks_are_the_rows_missing_their_target_worst_first() {
        let rows = vec![
            row("phone", Kind::Live, Some(0.9), Some(0.99), Status::Meets),
            row("chat", Kind::Chat, Some(0.86), Some(0.6), Status::Uncertain),
            row(
                "email",
                Kind::Deferred,
                Some(0.061),
                Some(0.0),
                Status::BelowTarget,
            ),
            row("social", Kind::Deferred, None, None, Status::NoContacts),
        ];
        let r = channel_risks(&rows);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].channel, "email");
        assert_eq!(r[1].channel, "chat");
        assert_eq!(
            r[0].sentence(),
            "email on Sat 13 Feb: 6.1% answered within 24 h (target 85%), 9,412 waiting at the end of the day"
        );
        assert_eq!(
            r[1].sentence(),
            "chat on Sat 13 Feb: SL 86.0% within 15 s (target 85%), met in only 60% of the simulated days, 3.1% abandoned"
        );
    }

    #[test]
    fn the_table_marks_exactly_the_risks() {
        let mut rows = vec![
            row("phone", Kind::Live, Some(0.9), Some(0.99), Status::Meets),
            row("chat", Kind::Chat, Some(0.86), Some(0.6), Status::Uncertain),
            row(
                "email",
                Kind::Deferred,
                Some(0.061),
                Some(0.0),
                Status::BelowTarget,
            ),
        ];
        let mut next = rows.clone();
        for r in &mut next {
            r.date = date(2027, 2, 14);
        }
        next[0].status = Status::BelowTarget;
        next[0].sl = Some(0.7);
        next[1].status = Status::Meets;
        next[2].status = Status::NoContacts;
        next[2].sl = None;
        rows.extend(next);
        let t = channel_table(&rows, 100, 0.95);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.columns.len(), 7);
        assert_eq!(t.columns[5].name, "email ≤ 24 h");
        assert_eq!(
            t.rows[0],
            [
                "Sat 13 Feb",
                "90.0%",
                "3.1%",
                "86.0%",
                "3.1%",
                "6.1%",
                "9,412"
            ]
        );
        assert_eq!(t.rows[1][5], "–");
        let risks = channel_risks(&rows);
        assert_eq!(t.marks.len(), risks.len());
        for r in &risks {
            let row = if r.date == date(2027, 2, 13) { 0 } else { 1 };
            let col = 1 + 2 * ["phone", "chat", "email"]
                .iter()
                .position(|c| *c == r.channel)
                .unwrap();
            let mark = if r.status == Status::BelowTarget {
                Mark::Miss
            } else {
                Mark::Risk
            };
            assert!(t.marks.contains(&(row, col, mark)), "{r:?} not marked");
        }
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(15.0), "15 s");
        assert_eq!(duration(3600.0), "1 h");
        assert_eq!(duration(86_400.0), "24 h");
        assert_eq!(duration(5_400.0), "90 min");
        assert_eq!(duration(90.0), "90 s");
    }
}
