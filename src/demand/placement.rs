//! Where contacts land within the time grid: each channel's opening window per day, its
//! arrival profile's weight per interval, the next day (or interval) it is open, and the
//! orders' share per interval (see "Channel placement" and "Lag, `Timing::FollowsOrder`"
//! in the module docs).

use super::grid::{Days, Grid};
use super::profiles::{self, MinuteDensity, default_profile};
use super::{DemandError, Names, OPENING_SPREAD_MIN, day_key, invalid};
use crate::scenario::{ChannelKind, Day, Scenario, WeekHours};

/// The placement of contacts per channel on the calendar's days and intervals.
pub(super) struct Placement {
    /// Calendar intervals.
    n_iv: usize,
    /// Calendar days.
    n_days: usize,
    /// Grid intervals (lead-in and calendar).
    n_grid: usize,
    /// Per channel: weight of each calendar interval, each open day summing to 1,
    /// `[channel * n_iv + interval]`.
    weights: Vec<f64>,
    /// Per channel: the calendar day contacts of each calendar day arrive on (the day
    /// itself when open, else the next open day; `None`: no opening left),
    /// `[channel * n_days + day]`.
    next_open_day: Vec<Option<usize>>,
    /// Share of each extended day's orders placed in each grid interval.
    pub order_weights: Vec<f64>,
    /// Per channel (only when a reason follows orders): the first grid interval from each
    /// grid interval on that is open, `[channel * grid intervals + interval]`.
    next_open_iv: Vec<Option<usize>>,
}

impl Placement {
    /// Reads the arrival profiles and opening hours and derives the placement.
    /// `follows_order`: whether any reason places contacts on the interval grid.
    pub fn new(
        s: &Scenario,
        names: &Names,
        days: &Days,
        grid: &Grid,
        order_profile: &[f64],
        follows_order: bool,
    ) -> Result<Placement, DemandError> {
        let n_ch = s.channels.len();
        let density = densities(s, names, order_profile)?;
        let windows = windows(s, days, grid)?;
        let (weights, day_open) = day_weights(days, grid, &density, &windows);
        let n_days = days.len();
        let next_open_day = next_open(n_ch, n_days, |ci, d| day_open[ci * n_days + d]);
        let order_weights = order_weights(grid, order_profile);
        // An interval is open when any part of it is inside the opening hours.
        let next_open_iv = if follows_order {
            let n_ext = grid.n_ext();
            next_open(n_ch, grid.intervals.len(), |ci, gi| {
                let iv = &grid.intervals[gi];
                windows[ci * n_ext + iv.day].is_some_and(|(from, to)| {
                    iv.minute.max(from) < (iv.minute + iv.len_min).min(to)
                })
            })
        } else {
            Vec::new()
        };
        Ok(Placement {
            n_iv: grid.n_cal(),
            n_days,
            n_grid: grid.intervals.len(),
            weights,
            next_open_day,
            order_weights,
            next_open_iv,
        })
    }

    /// The calendar day on which contacts of calendar day `d` arrive on channel `ci`.
    #[inline]
    pub fn arrival_day(&self, ci: usize, d: usize) -> Option<usize> {
        self.next_open_day[ci * self.n_days + d]
    }

    /// The first open grid interval of channel `ci` from grid interval `gi` on.
    #[inline]
    pub fn arrival_interval(&self, ci: usize, gi: usize) -> Option<usize> {
        self.next_open_iv[ci * self.n_grid + gi]
    }

    /// Weight of calendar interval `i` for channel `ci`.
    #[inline]
    pub fn weight(&self, ci: usize, i: usize) -> f64 {
        self.weights[ci * self.n_iv + i]
    }

    /// The grid intervals `t2..end` over which contacts arriving at the opening interval
    /// `t2` of channel `ci` are spread (the first [`OPENING_SPREAD_MIN`] minutes of the
    /// opening), and the sum of their weights.
    pub fn opening(&self, grid: &Grid, ci: usize, t2: usize) -> (usize, f64) {
        let n_grid = grid.intervals.len();
        let first = &grid.intervals[t2];
        let mut end = t2;
        let mut wsum = 0.0;
        while end < n_grid
            && grid.intervals[end].day == first.day
            && grid.intervals[end].minute < first.minute + OPENING_SPREAD_MIN
            && self.arrival_interval(ci, end) == Some(end)
        {
            wsum += self.weight(ci, end - grid.cal_first);
            end += 1;
        }
        (end, wsum)
    }
}

/// For each of `n_ch` channels and each of `n` slots, the first slot from it on that is
/// `open`, `[channel * n + slot]`.
fn next_open(n_ch: usize, n: usize, open: impl Fn(usize, usize) -> bool) -> Vec<Option<usize>> {
    let mut out = vec![None; n_ch * n];
    for ci in 0..n_ch {
        let mut next = None;
        for i in (0..n).rev() {
            if open(ci, i) {
                next = Some(i);
            }
            out[ci * n + i] = next;
        }
    }
    out
}

/// Arrival densities per channel and weekday (custom profiles override the shipped ones).
fn densities(
    s: &Scenario,
    names: &Names,
    order_profile: &[f64],
) -> Result<Vec<[MinuteDensity; 7]>, DemandError> {
    let mut density: Vec<[MinuteDensity; 7]> = Vec::with_capacity(s.channels.len());
    for ch in &s.channels {
        let d = MinuteDensity::new(&default_profile(ch.kind, order_profile));
        density.push(std::array::from_fn(|_| d.clone()));
    }
    for (pi, p) in s.arrival_profiles.iter().enumerate() {
        let path = format!("arrival_profiles[{pi}]");
        let ci = names.channel(&format!("{path}.channel"), &p.channel)?;
        if !profiles::valid_len(p.weights.len())
            || p.weights.iter().any(|w| !w.is_finite() || *w < 0.0)
        {
            return Err(invalid(
                format!("{path}.weights"),
                format!(
                    "needs 24, 48 or 96 weights ≥ 0 (hourly, half-hourly, quarter-hourly), got {}",
                    p.weights.len()
                ),
            ));
        }
        let d = MinuteDensity::new(&p.weights);
        for day in &p.days {
            density[ci][day.index()] = d.clone();
        }
    }
    Ok(density)
}

/// Opening window in clock minutes per channel and extended day, `[channel * n_ext + e]`
/// (`None`: closed that day). Deferred channels take arrivals around the clock.
fn windows(s: &Scenario, days: &Days, grid: &Grid) -> Result<Vec<Option<(u32, u32)>>, DemandError> {
    let closed: Vec<bool> = days
        .dates
        .iter()
        .map(|d| days.cal.closed_days.contains(d))
        .collect();
    let (n_ext, lead) = (grid.n_ext(), grid.lead);
    let mut windows = vec![None; s.channels.len() * n_ext];
    for (ci, ch) in s.channels.iter().enumerate() {
        let live = ch.kind != ChannelKind::Deferred;
        for e in 0..n_ext {
            let date = grid.date(e)?;
            let cal_closed = e >= lead && closed[e - lead];
            windows[ci * n_ext + e] = if !live {
                Some((0, 1440))
            } else if cal_closed {
                None
            } else {
                window(
                    &ch.opening_hours,
                    Day::of(date),
                    &format!("channels[{ci}].opening_hours"),
                )?
            };
        }
    }
    Ok(windows)
}

/// Opening window in clock minutes of a channel on a day, `None` when closed all day.
fn window(hours: &WeekHours, day: Day, path: &str) -> Result<Option<(u32, u32)>, DemandError> {
    match hours.on(day) {
        None => Ok(None),
        Some((from, to)) => {
            if to <= from {
                return Err(invalid(
                    format!("{path}.{}", day_key(day)),
                    format!("closes ({to}) before it opens ({from}); hours run within one day"),
                ));
            }
            Ok(Some((from.minutes(), to.minutes())))
        }
    }
}

/// Per channel: interval weights over calendar intervals, each open day summing to 1
/// (the open part of each interval by the channel's profile), and whether each calendar
/// day is open (`[channel * days + day]`).
fn day_weights(
    days: &Days,
    grid: &Grid,
    density: &[[MinuteDensity; 7]],
    windows: &[Option<(u32, u32)>],
) -> (Vec<f64>, Vec<bool>) {
    let (n_ch, n_days, n_iv) = (density.len(), days.len(), grid.n_cal());
    let (n_ext, lead) = (grid.n_ext(), grid.lead);
    let mut place_w = vec![0.0; n_ch * n_iv];
    let mut day_open = vec![false; n_ch * n_days];
    for ci in 0..n_ch {
        for d in 0..n_days {
            let e = lead + d;
            let Some((from, to)) = windows[ci * n_ext + e] else {
                continue;
            };
            let dens = &density[ci][Day::of(days.dates[d]).index()];
            let mut sum = 0.0;
            let mut open_min = 0u32;
            for gi in grid.day(e) {
                let iv = &grid.intervals[gi];
                let (lo, hi) = (iv.minute.max(from), (iv.minute + iv.len_min).min(to));
                let w = dens.between(lo, hi);
                place_w[ci * n_iv + gi - grid.cal_first] = w;
                sum += w;
                open_min += hi.saturating_sub(lo);
            }
            if open_min == 0 {
                continue;
            }
            day_open[ci * n_days + d] = true;
            for gi in grid.day(e) {
                let slot = &mut place_w[ci * n_iv + gi - grid.cal_first];
                if sum > 0.0 {
                    *slot /= sum;
                } else {
                    // A custom profile with no weight in the open hours: uniform over them.
                    let iv = &grid.intervals[gi];
                    let (lo, hi) = (iv.minute.max(from), (iv.minute + iv.len_min).min(to));
                    *slot = f64::from(hi.saturating_sub(lo)) / f64::from(open_min);
                }
            }
        }
    }
    (place_w, day_open)
}

/// Share of each extended day's orders in each of its grid intervals, by the orders'
/// hourly profile (uniform when the profile has no weight that day).
fn order_weights(grid: &Grid, order_profile: &[f64]) -> Vec<f64> {
    let order_dens = MinuteDensity::new(order_profile);
    let mut w = vec![0.0; grid.intervals.len()];
    for e in 0..grid.n_ext() {
        let mut sum = 0.0;
        for gi in grid.day(e) {
            let iv = &grid.intervals[gi];
            w[gi] = order_dens.between(iv.minute, iv.minute + iv.len_min);
            sum += w[gi];
        }
        let n = grid.day(e).len();
        for gi in grid.day(e) {
            w[gi] = if sum > 0.0 {
                w[gi] / sum
            } else {
                1.0 / n as f64
            };
        }
    }
    w
}
