//! The days a service promise must hold: one definition for `demand`, `plan`, the plots and
//! the report.
//!
//! A scenario names them in `calendar.target_days`; by default they are the day whose
//! busiest interval carries the most live work — expected contacts × mean handling time
//! per second of the interval, summed over the live and chat channels (over every channel
//! when a desk has only written ones). The hardest interval, not the busiest day, decides:
//! a peak day is hard because of its peak hour.

use super::Demand;
use crate::scenario::{ChannelKind, Scenario};

/// Live work per interval in agent-seconds per second (Erlangs): Σ contacts × mean
/// handling time / interval length, over the channels `counted`.
fn work_per_interval(sc: &Scenario, d: &Demand, counted: &[bool]) -> Vec<f64> {
    let nr = d.reasons.len();
    let nc = d.channels.len();
    // Mean handling per reason and channel; a reason without one for a channel takes the
    // mean of the reasons that have one (else 1 s: contacts are counted).
    let mut aht = vec![f64::NAN; nr * nc];
    for (r, name) in d.reasons.iter().enumerate() {
        if let Some(reason) = sc.reasons.iter().find(|x| &x.name == name) {
            for (c, ch) in d.channels.iter().enumerate() {
                if let Some(h) = reason.handling.get(ch) {
                    aht[r * nc + c] = h.mean_s();
                }
            }
        }
    }
    for c in 0..nc {
        let known: Vec<f64> = (0..nr)
            .map(|r| aht[r * nc + c])
            .filter(|x| x.is_finite())
            .collect();
        let fill = if known.is_empty() {
            1.0
        } else {
            known.iter().sum::<f64>() / known.len() as f64
        };
        for r in 0..nr {
            if !aht[r * nc + c].is_finite() {
                aht[r * nc + c] = fill;
            }
        }
    }
    d.intervals
        .iter()
        .enumerate()
        .map(|(i, iv)| {
            let mut w = 0.0;
            for r in 0..nr {
                for c in (0..nc).filter(|&c| counted[c]) {
                    w += d.total(i, r, c) * aht[r * nc + c];
                }
            }
            w / f64::from(iv.length_s.max(1))
        })
        .collect()
}

/// Day indices (into `d.days`, ascending) the promise must hold on: the scenario's
/// `calendar.target_days` when given, else the one day with the hardest interval (the
/// earliest on a tie).
pub fn target_days(sc: &Scenario, d: &Demand) -> Vec<usize> {
    if !sc.calendar.target_days.is_empty() {
        let mut days: Vec<usize> = sc
            .calendar
            .target_days
            .iter()
            .filter_map(|t| d.days.iter().position(|x| x == t))
            .collect();
        days.sort_unstable();
        days.dedup();
        if !days.is_empty() {
            return days;
        }
    }
    hardest_day(sc, d).into_iter().collect()
}

/// The day whose busiest interval carries the most live work (`None`: no days).
pub fn hardest_day(sc: &Scenario, d: &Demand) -> Option<usize> {
    let kind = |name: &str| sc.channels.iter().find(|c| c.name == name).map(|c| c.kind);
    let live: Vec<bool> = d
        .channels
        .iter()
        .map(|c| matches!(kind(c), Some(ChannelKind::Live | ChannelKind::Chat)))
        .collect();
    let mut work = work_per_interval(sc, d, &live);
    if work.iter().all(|w| *w <= 0.0) {
        work = work_per_interval(sc, d, &vec![true; d.channels.len()]);
    }
    let mut best: Option<(usize, f64)> = None;
    for (i, iv) in d.intervals.iter().enumerate() {
        if best.is_none_or(|(_, b)| work[i] > b) {
            best = Some((iv.day, work[i]));
        }
    }
    best.map(|(day, _)| day)
        .or((!d.days.is_empty()).then_some(0))
}
