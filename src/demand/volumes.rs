//! Volumes per date (`Scenario::volumes`): the baseline of their channel on the dates they
//! cover, scaled by each event (see "Volumes per date" in the module docs).

use super::grid::Days;
use super::orders::uplift_at;
use super::{DemandError, Model, Names, Tally, check_finite_nonneg};
use crate::scenario::Scenario;
use crate::scenario::dates::day_number;

/// One volume: `contacts` of a reason on a channel and calendar day.
struct Row {
    reason: usize,
    channel: usize,
    day: usize,
    contacts: f64,
}

/// The scenario's volumes, and which (channel, calendar day) they cover.
pub(super) struct Volumes {
    rows: Vec<Row>,
    /// `[channel * days + day]`.
    covered: Vec<bool>,
    n_days: usize,
}

impl Volumes {
    /// Reads and checks the volumes.
    pub fn read(s: &Scenario, names: &Names, days: &Days) -> Result<Volumes, DemandError> {
        let n_days = days.len();
        let mut covered = vec![false; s.channels.len() * n_days];
        let mut rows = Vec::new();
        for (vi, v) in s.volumes.iter().enumerate() {
            let reason = names.reason(&format!("volumes[{vi}].reason"), &v.reason)?;
            for (k, row) in v.per_date.iter().enumerate() {
                let path = format!("volumes[{vi}].per_date[{k}]");
                let channel = names.channel(&format!("{path}.channel"), &row.channel)?;
                check_finite_nonneg(&format!("{path}.contacts"), row.contacts)?;
                let day = days.index(&format!("{path}.date"), row.date)?;
                covered[channel * n_days + day] = true;
                rows.push(Row {
                    reason,
                    channel,
                    day,
                    contacts: row.contacts,
                });
            }
        }
        Ok(Volumes {
            rows,
            covered,
            n_days,
        })
    }

    /// Whether volumes cover channel `ci` on calendar day `d`.
    #[inline]
    pub fn covers(&self, ci: usize, d: usize) -> bool {
        self.covered[ci * self.n_days + d]
    }

    /// Adds the volumes (the baseline where they cover) and each event's scaling of them
    /// to `t`.
    pub fn add(&self, m: &Model, t: &mut Tally) {
        let (s, n_s) = (m.s, m.sources.len());
        // Per event: the multiplier on the volumes' reason for its extra contacts.
        let event_mult = |ei: usize, ri: usize| {
            s.events[ei]
                .contact_rate_multipliers
                .get(&s.reasons[ri].name)
                .copied()
                .unwrap_or(1.0)
        };
        for row in &self.rows {
            let (ri, ci, d, contacts) = (row.reason, row.channel, row.day, row.contacts);
            let factor = m.levers.factor[ri];
            let Some(d2) = m.place.arrival_day(ci, d) else {
                t.spill[ri * n_s] += contacts * factor;
                continue;
            };
            let f = factor * m.levers.disrupt[ri * self.n_days + d2];
            // Baseline first, then each event's extra (volume × (uplift − 1), by the day
            // offset of the contact date; the event's multiplier applies to added contacts
            // only).
            let mut parts: Vec<(usize, f64)> = vec![(0, contacts * f)];
            let date_n = day_number(m.days.dates[d]);
            for (ei, points) in m.orders.event_points.iter().enumerate() {
                let u = uplift_at(points, date_n - day_number(m.orders.event_dates[ei]));
                if u != 1.0 {
                    let mult = if u > 1.0 { event_mult(ei, ri) } else { 1.0 };
                    parts.push((1 + ei, contacts * (u - 1.0) * mult * f));
                }
            }
            for (si, amount) in parts {
                if d2 != d {
                    t.moved_closed[ci] += amount;
                }
                t.add_on_day(m, (ri, ci, si), d2, amount);
            }
        }
    }
}
