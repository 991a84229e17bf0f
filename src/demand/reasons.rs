//! What each reason makes of an order: its lag (day or interval kernel), its contact rate
//! per order source with the levers applied, its disruptions and its channel mix.

use super::grid::Days;
use super::{
    DemandError, FOLLOWS_ORDER_MAX_DAYS, Names, Source, SourceKind, check_finite_nonneg,
    check_share, invalid, lag,
};
use crate::scenario::{Scenario, Timing};

/// A reason's delay from order to contact, discretised.
pub(super) enum Kernel {
    /// `Timing::DailyProfile`: P(contact on day d + k | order on day d).
    Days(Vec<f64>),
    /// `Timing::FollowsOrder`: P(contact k intervals after the order's interval).
    Intervals(Vec<f64>),
}

impl Kernel {
    /// Days before the calendar whose orders a `FollowsOrder` kernel of `k` intervals can
    /// bring into it (+1 day for closed-hour moves).
    pub fn interval_reach_days(k: &[f64], interval_h: f64) -> usize {
        ((k.len() as f64 * interval_h) / 24.0).ceil() as usize + 1
    }
}

/// The orders' hourly profile, checked: 24 weights ≥ 0 with a positive sum.
pub(super) fn order_profile(s: &Scenario) -> Result<&[f64], DemandError> {
    let op = &s.orders.hourly_profile;
    if op.len() != 24
        || op.iter().any(|w| !w.is_finite() || *w < 0.0)
        || op.iter().sum::<f64>() <= 0.0
    {
        return Err(invalid(
            "orders.hourly_profile",
            format!(
                "needs 24 weights ≥ 0 (hours 0..24) with a positive sum, got {} values",
                op.len()
            ),
        ));
    }
    Ok(op)
}

/// Each reason's lag kernel, and the lead-in days the longest of them needs.
pub(super) fn kernels(
    s: &Scenario,
    order_profile: &[f64],
    interval_h: f64,
) -> Result<(Vec<Kernel>, usize), DemandError> {
    let mut kernels = Vec::with_capacity(s.reasons.len());
    let mut lead_days = 0usize;
    for (ri, r) in s.reasons.iter().enumerate() {
        let path = format!("reasons[{ri}]");
        lag::check(&r.lag).map_err(|m| invalid(format!("{path}.lag"), m))?;
        check_finite_nonneg(&format!("{path}.per_1000_orders"), r.per_1000_orders)?;
        let k = match r.timing {
            Timing::DailyProfile => {
                let k = lag::day_kernel(&r.lag, order_profile);
                lead_days = lead_days.max(k.len() - 1);
                Kernel::Days(k)
            }
            Timing::FollowsOrder => {
                // Interval convolution is meant for delays of minutes to hours; a long tail
                // would make it slow for no gain in accuracy.
                let horizon_h = (FOLLOWS_ORDER_MAX_DAYS * 24) as f64;
                if r.lag.cdf_h(horizon_h) < 1.0 - 1e-6 {
                    return Err(invalid(
                        format!("{path}.timing"),
                        format!(
                            "FollowsOrder handles delays up to {FOLLOWS_ORDER_MAX_DAYS} days, but this lag has more than one in a million contacts later; use timing: DailyProfile for delays of days"
                        ),
                    ));
                }
                let k = lag::interval_kernel(&r.lag, interval_h);
                lead_days = lead_days.max(Kernel::interval_reach_days(&k, interval_h));
                Kernel::Intervals(k)
            }
        };
        kernels.push(k);
    }
    Ok((kernels, lead_days))
}

/// The levers' effect per reason: prevention × deflection, and disruptions per day.
pub(super) struct Levers {
    /// (1 − prevention) × (1 − deflection) per reason.
    pub factor: Vec<f64>,
    /// Disruption multiplier per reason and calendar day, `[reason * days + day]`.
    pub disrupt: Vec<f64>,
}

/// Reads and checks the levers' prevention, deflection and disruptions.
pub(super) fn levers(s: &Scenario, names: &Names, days: &Days) -> Result<Levers, DemandError> {
    let (n_r, n_days) = (s.reasons.len(), days.len());
    let mut factor = vec![1.0; n_r];
    for (name, share) in &s.levers.prevention {
        let path = format!("levers.prevention.{name}");
        let ri = names.reason(&path, name)?;
        check_share(&path, *share)?;
        let cap = s.reasons[ri].preventable_share;
        if *share > cap + 1e-12 {
            return Err(invalid(
                path,
                format!(
                    "{share} is more than the reason's preventable_share {cap}; at most {cap} can be prevented"
                ),
            ));
        }
        factor[ri] *= 1.0 - share;
    }
    for (name, share) in &s.levers.deflection {
        let path = format!("levers.deflection.{name}");
        let ri = names.reason(&path, name)?;
        check_share(&path, *share)?;
        factor[ri] *= 1.0 - share;
    }
    let mut disrupt = vec![1.0; n_r * n_days];
    for (i, d) in s.levers.disruptions.iter().enumerate() {
        let path = format!("levers.disruptions[{i}]");
        let ri = names.reason(&format!("{path}.reason"), &d.reason)?;
        check_finite_nonneg(&format!("{path}.multiplier"), d.multiplier)?;
        let day = days.index(&format!("{path}.date"), d.date)?;
        disrupt[ri * n_days + day] *= d.multiplier;
    }
    Ok(Levers { factor, disrupt })
}

/// Contacts per order, per reason and order source (levers included).
///
/// `up` applies to an event's or campaign's (positive) extra orders; `down` to the orders
/// an event takes away (uplift below 1): those are normal orders, so they carry the
/// reason's own rate and the total never goes below baseline × uplift × rate.
pub(super) struct Rates {
    up: Vec<f64>,
    down: Vec<f64>,
    n_order_src: usize,
}

impl Rates {
    /// The rates of `reason` for `source`'s added and removed orders.
    pub fn of(&self, reason: usize, source: usize) -> (f64, f64) {
        let i = reason * self.n_order_src + source;
        (self.up[i], self.down[i])
    }
}

/// Each reason's rate per order source, with the events' and campaigns' contact-rate
/// multipliers checked and applied.
pub(super) fn rates(
    s: &Scenario,
    names: &Names,
    sources: &[Source],
    factor: &[f64],
) -> Result<Rates, DemandError> {
    let n_order_src = 1 + s.events.len() + s.campaigns.len();
    let n_r = s.reasons.len();
    let mut up = vec![0.0; n_r * n_order_src];
    let mut down = vec![0.0; n_r * n_order_src];
    for (ri, r) in s.reasons.iter().enumerate() {
        let base = r.per_1000_orders / 1000.0 * factor[ri];
        for si in 0..n_order_src {
            let mult_map = match sources[si].kind {
                SourceKind::Event(e) => Some((
                    format!("events[{e}]"),
                    &s.events[e].contact_rate_multipliers,
                )),
                SourceKind::Campaign(c) => Some((
                    format!("campaigns[{c}]"),
                    &s.campaigns[c].contact_rate_multipliers,
                )),
                _ => None,
            };
            let mut m = 1.0;
            if let Some((path, map)) = mult_map {
                for (name, v) in map {
                    let p = format!("{path}.contact_rate_multipliers.{name}");
                    let target = names.reason(&p, name)?;
                    check_finite_nonneg(&p, *v)?;
                    if target == ri {
                        m *= v;
                    }
                }
            }
            up[ri * n_order_src + si] = base * m;
            down[ri * n_order_src + si] = base;
        }
    }
    Ok(Rates {
        up,
        down,
        n_order_src,
    })
}

/// Each reason's share per channel, `[reason * channels + channel]`.
pub(super) fn channel_mix(s: &Scenario, names: &Names) -> Result<Vec<f64>, DemandError> {
    let n_ch = s.channels.len();
    let mut mix = vec![0.0; s.reasons.len() * n_ch];
    for (ri, r) in s.reasons.iter().enumerate() {
        for (name, share) in &r.channel_mix {
            let path = format!("reasons[{ri}].channel_mix.{name}");
            let ci = names.channel(&path, name)?;
            check_share(&path, *share)?;
            mix[ri * n_ch + ci] = *share;
        }
    }
    Ok(mix)
}
