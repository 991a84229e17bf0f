//! Contacts of every reason and source: orders delayed by the reason's lag (on the day
//! grid for `DailyProfile`, on the interval grid for `FollowsOrder`) or a non-order
//! source's weekday volume, split by the channel mix and placed when each channel is open.

use super::reasons::Kernel;
use super::{DemandError, Model, SourceKind, Tally, week_values_ok};
use crate::scenario::Day;

/// Contacts per slot (extended day or grid interval) of one reason and source, split by
/// where their orders were placed: in the calendar or in the lead-in days before it.
struct Arrivals {
    cal: Vec<f64>,
    lead: Vec<f64>,
}

impl Arrivals {
    fn new(n: usize) -> Arrivals {
        Arrivals {
            cal: vec![0.0; n],
            lead: vec![0.0; n],
        }
    }

    fn clear(&mut self) {
        self.cal.iter_mut().for_each(|v| *v = 0.0);
        self.lead.iter_mut().for_each(|v| *v = 0.0);
    }

    /// Adds `c` contacts caused in slot `at`, delayed by the kernel `k` (one bin per
    /// slot). Contacts that land past the last slot are spill when the order was placed
    /// in the calendar.
    fn add_lagged(&mut self, c: f64, at: usize, in_cal: bool, k: &[f64], book: &mut Book) {
        let n = self.cal.len();
        for (j, q) in k.iter().enumerate() {
            let t = at + j;
            if t >= n {
                if in_cal {
                    book.spill += c * k[j..].iter().sum::<f64>();
                }
                break;
            }
            if in_cal {
                self.cal[t] += c * q;
            } else {
                self.lead[t] += c * q;
            }
        }
    }
}

/// Spill and lead-in of one reason and source, summed before they are added to the tally.
#[derive(Default)]
struct Book {
    spill: f64,
    lead_in: f64,
}

/// Adds the contacts of every reason and source (all but what `volumes` add) to `t`.
pub(super) fn add_all(m: &Model, t: &mut Tally) -> Result<(), DemandError> {
    let n_ext = m.grid.n_ext();
    let mut by_day = Arrivals::new(n_ext);
    let follows = m.kernels.iter().any(|k| matches!(k, Kernel::Intervals(_)));
    let mut by_interval = Arrivals::new(if follows { m.grid.intervals.len() } else { 0 });
    let n_s = m.sources.len();
    for ri in 0..m.kernels.len() {
        for si in 0..n_s {
            let mut book = Book::default();
            match (&m.sources[si].kind, &m.kernels[ri]) {
                (SourceKind::Other(oi), _) => {
                    if !other_source(m, ri, *oi, &mut by_day)? {
                        continue;
                    }
                    place_days(m, t, &mut book, ri, si, &by_day);
                }
                (_, Kernel::Days(k)) => {
                    let (up, down) = m.rates.of(ri, si);
                    if up == 0.0 && down == 0.0 {
                        continue;
                    }
                    daily_profile(m, si, k, (up, down), &mut by_day, &mut book);
                    place_days(m, t, &mut book, ri, si, &by_day);
                }
                (_, Kernel::Intervals(k)) => {
                    let (up, down) = m.rates.of(ri, si);
                    if up == 0.0 && down == 0.0 {
                        continue;
                    }
                    follows_order(m, si, k, (up, down), &mut by_interval, &mut book);
                    place_intervals(m, t, &mut book, ri, si, &by_interval);
                }
            }
            t.spill[ri * n_s + si] += book.spill;
            t.lead_in[ri * n_s + si] += book.lead_in;
        }
    }
    Ok(())
}

/// A non-order source's contacts per calendar day into `out`, when it is of reason `ri`
/// (`false` otherwise).
fn other_source(m: &Model, ri: usize, oi: usize, out: &mut Arrivals) -> Result<bool, DemandError> {
    out.clear();
    let o = &m.s.other_sources[oi];
    if o.reason != m.s.reasons[ri].name {
        return Ok(false);
    }
    week_values_ok(&format!("other_sources[{oi}].per_day"), &o.per_day)?;
    let lead = m.grid.lead;
    for (d, date) in m.days.dates.iter().enumerate() {
        out.cal[lead + d] = o.per_day.on(Day::of(*date)) * m.levers.factor[ri];
    }
    Ok(true)
}

/// `DailyProfile`: contacts per extended day of source `si`'s orders, by the day kernel
/// `k`, at `rates` (added orders, removed orders) contacts per order.
fn daily_profile(
    m: &Model,
    si: usize,
    k: &[f64],
    (up, down): (f64, f64),
    out: &mut Arrivals,
    book: &mut Book,
) {
    out.clear();
    let lead = m.grid.lead;
    // Order days more than the kernel's length before the calendar cannot reach it.
    for e in lead.saturating_sub(k.len() - 1)..m.grid.n_ext() {
        let o = m.orders.on(si, e);
        let c = o * if o >= 0.0 { up } else { down };
        if c == 0.0 {
            continue;
        }
        out.add_lagged(c, e, e >= lead, k, book);
    }
}

/// `FollowsOrder`: contacts per grid interval of source `si`'s orders (each day's orders
/// spread by the orders' hourly profile), by the interval kernel `k`.
fn follows_order(
    m: &Model,
    si: usize,
    k: &[f64],
    (up, down): (f64, f64),
    out: &mut Arrivals,
    book: &mut Book,
) {
    out.clear();
    let grid = &m.grid;
    // Orders earlier than this reason's own lag horizon (+1 day for closed-hour moves)
    // cannot reach the calendar.
    let own = Kernel::interval_reach_days(k, m.days.interval_h());
    let g0 = grid.day_start[grid.lead.saturating_sub(own)];
    for gi in g0..grid.intervals.len() {
        let o = m.orders.on(si, grid.intervals[gi].day);
        let o = o * m.place.order_weights[gi] * if o >= 0.0 { up } else { down };
        if o == 0.0 {
            continue;
        }
        out.add_lagged(o, gi, gi >= grid.cal_first, k, book);
    }
}

/// Contacts (`cal` of calendar orders, `lead` of lead-in orders) of reason `ri` and source
/// `si` arriving on channel `ci` on calendar day `d2`: the day's disruption applies, the
/// volumes take them where they cover the day, and the lead-in part is booked. Returns the
/// amount to place, `None` when the volumes replace it.
fn arriving(
    m: &Model,
    t: &mut Tally,
    book: &mut Book,
    (ri, si, ci): (usize, usize, usize),
    d2: usize,
    cal: f64,
    lead: f64,
) -> Option<f64> {
    let f = m.levers.disrupt[ri * m.days.len() + d2];
    let amount = (cal + lead) * f;
    if m.sources[si].kind.replaced_by_volumes() && m.volumes.covers(ci, d2) {
        t.replaced[ci] += amount;
        return None;
    }
    book.lead_in += lead * f;
    Some(amount)
}

/// Places contacts per calendar day on each channel of the mix: on the day itself or the
/// next day the channel is open, by that day's interval weights.
fn place_days(m: &Model, t: &mut Tally, book: &mut Book, ri: usize, si: usize, by_day: &Arrivals) {
    let n_ch = m.s.channels.len();
    let lead = m.grid.lead;
    for ci in 0..n_ch {
        let mix = m.mix[ri * n_ch + ci];
        if mix == 0.0 {
            continue;
        }
        for d in 0..m.days.len() {
            let (ac, al) = (by_day.cal[lead + d] * mix, by_day.lead[lead + d] * mix);
            if ac == 0.0 && al == 0.0 {
                continue;
            }
            let Some(d2) = m.place.arrival_day(ci, d) else {
                book.spill += ac;
                continue;
            };
            let Some(amount) = arriving(m, t, book, (ri, si, ci), d2, ac, al) else {
                continue;
            };
            if d2 != d {
                t.moved_closed[ci] += amount;
            }
            t.add_on_day(m, (ri, ci, si), d2, amount);
        }
    }
}

/// Places contacts per grid interval on each channel of the mix: in the interval itself
/// when the channel is open, else spread over the first hour of its next opening.
fn place_intervals(
    m: &Model,
    t: &mut Tally,
    book: &mut Book,
    ri: usize,
    si: usize,
    by_iv: &Arrivals,
) {
    let n_ch = m.s.channels.len();
    let grid = &m.grid;
    for ci in 0..n_ch {
        let mix = m.mix[ri * n_ch + ci];
        if mix == 0.0 {
            continue;
        }
        for tt in 0..grid.intervals.len() {
            let (yc, yl) = (by_iv.cal[tt] * mix, by_iv.lead[tt] * mix);
            if yc == 0.0 && yl == 0.0 {
                continue;
            }
            let t2 = match m.place.arrival_interval(ci, tt) {
                None => {
                    book.spill += yc;
                    continue;
                }
                Some(t2) if t2 < grid.cal_first => continue,
                Some(t2) => t2,
            };
            let d2 = grid.intervals[t2].day - grid.lead;
            let Some(amount) = arriving(m, t, book, (ri, si, ci), d2, yc, yl) else {
                continue;
            };
            if t2 == tt {
                let i = t.cell(t2 - grid.cal_first, ri, ci, si);
                t.expected[i] += amount;
                continue;
            }
            t.moved_closed[ci] += amount;
            // Spread over the first hour of the opening by the channel's profile (uniform
            // if it has no weight there).
            let (end, wsum) = m.place.opening(grid, ci, t2);
            let n = (end - t2) as f64;
            for g in t2..end {
                let w = if wsum > 0.0 {
                    m.place.weight(ci, g - grid.cal_first) / wsum
                } else {
                    1.0 / n
                };
                let i = t.cell(g - grid.cal_first, ri, ci, si);
                t.expected[i] += amount * w;
            }
        }
    }
}
