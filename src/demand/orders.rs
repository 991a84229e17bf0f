//! Orders per day and order source: the baseline, each event's extra orders, each
//! campaign's orders, and early ordering's move (see "Baseline orders", "Events",
//! "Campaigns" and "Early ordering" in the module docs).

use jiff::civil::Date;

use super::grid::Days;
use super::{
    DemandError, MAX_LAG_DAYS, Names, check_finite_nonneg, check_share, invalid, week_values_ok,
};
use crate::scenario::dates::{self, day_number};
use crate::scenario::{Campaign, CampaignOrders, Day, Scenario};

/// `levers.early_ordering`, resolved.
#[derive(Clone, Copy)]
pub(super) struct Early {
    /// Index of the event whose orders move.
    event: usize,
    /// Share of its positive extra orders that moves.
    share: f64,
    /// How many days earlier.
    days: usize,
}

/// Reads and checks `levers.early_ordering`.
pub(super) fn early_ordering(s: &Scenario, names: &Names) -> Result<Option<Early>, DemandError> {
    let Some(e) = &s.levers.early_ordering else {
        return Ok(None);
    };
    let event = names.event("levers.early_ordering.event", &e.event)?;
    check_share("levers.early_ordering.share", e.share)?;
    if e.days_earlier as usize > MAX_LAG_DAYS {
        return Err(invalid(
            "levers.early_ordering.days_earlier",
            format!("{} is more than {MAX_LAG_DAYS} days", e.days_earlier),
        ));
    }
    Ok(Some(Early {
        event,
        share: e.share,
        days: e.days_earlier as usize,
    }))
}

/// Orders per extended day (the lead-in days, then the calendar) and order source
/// (baseline, events, campaigns).
pub(super) struct Orders {
    /// Orders per range day and source, `[source * n_range + r]`; the range runs from
    /// `margin` days before the first extended day to `margin` days after the calendar, so
    /// that early ordering can move orders in from outside.
    per_day: Vec<f64>,
    n_range: usize,
    margin: usize,
    /// The resolved date of each event.
    pub event_dates: Vec<Date>,
    /// Each event's uplift points, sorted by day offset.
    pub event_points: Vec<Vec<(i32, f64)>>,
}

impl Orders {
    /// Orders of `source` on extended day `e`.
    #[inline]
    pub fn on(&self, source: usize, e: usize) -> f64 {
        self.per_day[source * self.n_range + self.margin + e]
    }
}

/// The orders of every order source over the `lead` days before the calendar and the
/// calendar, early ordering applied.
pub(super) fn orders(
    s: &Scenario,
    days: &Days,
    lead: usize,
    early: Option<Early>,
) -> Result<Orders, DemandError> {
    // Range: [start − lead − margin, end + margin]; index r ↔ day number
    // start_n − lead − margin + r.
    let margin = early.map_or(0, |e| e.days);
    let n_range = lead + margin + days.len() + margin;
    let range_first = days.start_n - (lead + margin) as i64;
    let n_order_src = 1 + s.events.len() + s.campaigns.len();
    let baseline = baseline(s, days.start_n, range_first, n_range)?;
    let mut per_day = vec![0.0; n_order_src * n_range];
    per_day[..n_range].copy_from_slice(&baseline);
    let mut event_dates = Vec::with_capacity(s.events.len());
    let mut event_points = Vec::with_capacity(s.events.len());
    for (ei, ev) in s.events.iter().enumerate() {
        let date = dates::resolve(&ev.date, days.cal.start, days.cal.end);
        event_dates.push(date);
        let mut points = ev.uplift.clone();
        for (pi, (_, m)) in points.iter().enumerate() {
            check_finite_nonneg(&format!("events[{ei}].uplift[{pi}]"), *m)?;
        }
        points.sort_by_key(|p| p.0);
        let dn = day_number(date);
        let row = &mut per_day[(1 + ei) * n_range..(2 + ei) * n_range];
        for (r, o) in row.iter_mut().enumerate() {
            let off = range_first + r as i64 - dn;
            *o = baseline[r] * (uplift_at(&points, off) - 1.0);
        }
        event_points.push(points);
    }
    for (ci, c) in s.campaigns.iter().enumerate() {
        let row = &mut per_day[(1 + s.events.len() + ci) * n_range..][..n_range];
        campaign(c, &format!("campaigns[{ci}]"), range_first, row)?;
    }
    if let Some(e) = early {
        let row = &mut per_day[(1 + e.event) * n_range..(2 + e.event) * n_range];
        move_early(row, e.share, e.days);
    }
    Ok(Orders {
        per_day,
        n_range,
        margin,
        event_dates,
        event_points,
    })
}

/// Baseline orders on each of the `n_range` days from day number `range_first`: weekday
/// volume × weekly growth × week multipliers.
fn baseline(
    s: &Scenario,
    start_n: i64,
    range_first: i64,
    n_range: usize,
) -> Result<Vec<f64>, DemandError> {
    let o = &s.orders;
    week_values_ok("orders.baseline_per_day", &o.baseline_per_day)?;
    if !(o.weekly_growth.is_finite() && o.weekly_growth > -1.0) {
        return Err(invalid(
            "orders.weekly_growth",
            format!("must be a number above −1, got {}", o.weekly_growth),
        ));
    }
    for (i, wm) in o.week_multipliers.iter().enumerate() {
        check_finite_nonneg(
            &format!("orders.week_multipliers[{i}].multiplier"),
            wm.multiplier,
        )?;
    }
    let mut baseline = vec![0.0; n_range];
    for (r, b) in baseline.iter_mut().enumerate() {
        let n = range_first + r as i64;
        let date =
            dates::from_day_number(n).ok_or_else(|| invalid("calendar", "date out of range"))?;
        let weeks = (n - start_n).div_euclid(7);
        let mut v =
            o.baseline_per_day.on(Day::of(date)) * (1.0 + o.weekly_growth).powi(weeks as i32);
        for wm in &o.week_multipliers {
            let w0 = day_number(wm.week_of);
            if n >= w0 && n < w0 + 7 {
                v *= wm.multiplier;
            }
        }
        *b = v;
    }
    Ok(baseline)
}

/// The uplift multiplier of an event `offset` days from its date.
pub(super) fn uplift_at(points: &[(i32, f64)], offset: i64) -> f64 {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return 1.0;
    };
    if offset < i64::from(first.0) || offset > i64::from(last.0) {
        return 1.0;
    }
    for w in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        let (x0, x1) = (i64::from(x0), i64::from(x1));
        if offset >= x0 && offset <= x1 {
            if x1 == x0 {
                return y0;
            }
            return y0 + (y1 - y0) * (offset - x0) as f64 / (x1 - x0) as f64;
        }
    }
    first.1 // a single point
}

/// Spreads a campaign's orders over its days by its daily shape into `row` (range days
/// from day number `range_first`; days outside the range are dropped).
fn campaign(
    c: &Campaign,
    path: &str,
    range_first: i64,
    row: &mut [f64],
) -> Result<(), DemandError> {
    if c.end < c.start {
        return Err(invalid(
            format!("{path}.end"),
            format!("{} is before the campaign's start {}", c.end, c.start),
        ));
    }
    let total = match c.orders {
        CampaignOrders::Total(t) => {
            check_finite_nonneg(&format!("{path}.orders"), t)?;
            t
        }
        CampaignOrders::Reach { reach, conversion } => {
            check_finite_nonneg(&format!("{path}.orders.reach"), reach)?;
            check_share(&format!("{path}.orders.conversion"), conversion)?;
            reach * conversion
        }
    };
    let (c0, c1) = (day_number(c.start), day_number(c.end));
    let len = (c1 - c0 + 1) as usize;
    if len > 3 * 366 {
        return Err(invalid(
            format!("{path}.end"),
            "a campaign lasts at most 3 years",
        ));
    }
    let shape: Vec<f64> = if c.daily_shape.is_empty() {
        vec![1.0; len]
    } else if c.daily_shape.len() != len {
        return Err(invalid(
            format!("{path}.daily_shape"),
            format!(
                "has {} weights but the campaign runs {len} days ({} … {}); give one weight per day",
                c.daily_shape.len(),
                c.start,
                c.end
            ),
        ));
    } else {
        c.daily_shape.clone()
    };
    if shape.iter().any(|w| !w.is_finite() || *w < 0.0) || shape.iter().sum::<f64>() <= 0.0 {
        return Err(invalid(
            format!("{path}.daily_shape"),
            "weights must be ≥ 0 with a positive sum",
        ));
    }
    let sum: f64 = shape.iter().sum();
    let n_range = row.len();
    for (k, w) in shape.iter().enumerate() {
        let r = c0 + k as i64 - range_first;
        if r >= 0 && (r as usize) < n_range {
            row[r as usize] = total * w / sum;
        }
    }
    Ok(())
}

/// Moves `share` of each day's positive extra orders in `row` to `days` days before (lost
/// when that falls before the range).
fn move_early(row: &mut [f64], share: f64, days: usize) {
    for r in 0..row.len() {
        let moved = share * row[r].max(0.0);
        if moved != 0.0 {
            row[r] -= moved;
            if r >= days {
                row[r - days] += moved;
            }
        }
    }
}
