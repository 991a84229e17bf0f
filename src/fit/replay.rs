//! Replay: simulate an observed period with the fitted handling and patience, the observed
//! arrivals per interval and the agents observed serving per interval, and set the
//! simulated day figures beside the observed ones.
//!
//! * Arrivals: per 15-minute interval, a Poisson process with the observed number of calls
//!   that reached the agent stage (answered + abandoned in the queue) as its mean. Calls that
//!   hung up in the voice menu never reach agents and are left out; redials are already in
//!   the observed arrivals, so the simulated redial probability is 0.
//! * Agents: per interval, the number of distinct agents seen serving during it (an
//!   estimate of agents on duty: an idle agent who served nobody is missed, an agent who
//!   left early is counted), no absence or break shrinkage.
//! * Handling: lognormal with the sample mean and cv; patience: exponential with the MLE mean.
//! * Compared per day: abandoned / (answered + abandoned), ASA of answered calls, share of
//!   answered calls answered within 15 s.

use serde::Serialize;

use super::calls::CallSet;
use super::estimate::{CallFit, checked_interval_table};
use crate::error::{Error, Result};
use crate::scenario::dates::day_number;
use crate::sim::{self, Dist, Model};
use crate::units::SlDefinition;

/// Observed and simulated figures of one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReplayDay {
    pub date: String,
    pub observed_offered: u64,
    pub simulated_offered: f64,
    pub observed_abandon_share: f64,
    pub simulated_abandon_share: f64,
    pub observed_asa_s: f64,
    pub simulated_asa_s: f64,
    pub observed_sl15_of_answered: f64,
    pub simulated_sl15_of_answered: f64,
}

const INTERVAL_MIN: u32 = 15;

/// Replay the days from `first` to `last` (inclusive) with `replications` replications
/// (within the work budget).
pub fn replay(
    set: &CallSet,
    fit: &CallFit,
    first: jiff::civil::Date,
    last: jiff::civil::Date,
    replications: u32,
    seed: u64,
) -> Result<Vec<ReplayDay>> {
    let opts = ReplayOptions {
        replications,
        seed,
        allow_large: false,
    };
    replay_with(set, fit, first, last, &opts)
}

/// How a replay runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplayOptions {
    pub replications: u32,
    pub seed: u64,
    /// Run even over the work budget ([`crate::montecarlo::budget`]).
    pub allow_large: bool,
}

/// [`replay`] with its options.
pub fn replay_with(
    set: &CallSet,
    fit: &CallFit,
    first: jiff::civil::Date,
    last: jiff::civil::Date,
    o: &ReplayOptions,
) -> Result<Vec<ReplayDay>> {
    let (replications, seed) = (o.replications, o.seed);
    let per_day = (1440 / INTERVAL_MIN) as usize;
    let rows = checked_interval_table(set, INTERVAL_MIN)?;
    let (a, b) = (day_number(first), day_number(last));
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|r| {
            r.interval_start
                .get(..10)
                .and_then(|d| d.parse::<jiff::civil::Date>().ok())
                .is_some_and(|d| (a..=b).contains(&day_number(d)))
        })
        .collect();
    if rows.is_empty() {
        return Err(Error::Input(format!(
            "--replay {first}..{last}: no calls on those days"
        )));
    }
    let n = rows.len();
    let days = n / per_day;
    let patience = fit
        .patience_mean_s_exp_mle
        .ok_or_else(|| Error::Input("replay: no queued abandon to fit patience".into()))?;
    let (mean, cv) = (fit.service_mean_s, fit.service_cv);
    let limits = crate::limits::MIN_CV..=crate::limits::MAX_CV;
    if !(mean.is_finite() && mean > 0.0 && limits.contains(&cv)) {
        return Err(Error::Input(format!(
            "replay: the handling times (mean {mean:.1} s, cv {cv:.3}) cannot drive the simulation; it needs answered calls with varied service times (a cv from {} to {})",
            crate::limits::MIN_CV,
            crate::limits::MAX_CV
        )));
    }
    let len_ms = u64::from(INTERVAL_MIN) * 60_000;
    let mut channel = sim::Channel::live(
        "phone",
        0.8,
        15.0,
        Some(Dist::Exponential { mean_s: patience }),
    );
    channel.redial_probability = 0.0;
    let model = Model {
        intervals: (0..n)
            .map(|i| sim::Interval {
                start_ms: i as u64 * len_ms,
                len_ms,
                day: (i / per_day) as u32,
            })
            .collect(),
        channels: vec![channel],
        skills: vec!["all".into()],
        reasons: vec![sim::Reason {
            name: "history".into(),
            skill: 0,
            fcr: 1.0,
            handling: vec![Some(Dist::LogNormal {
                mean_s: fit.service_mean_s,
                cv: fit.service_cv,
            })],
            transfer: None,
        }],
        tags: vec!["observed".into()],
        streams: vec![sim::Stream {
            reason: 0,
            channel: 0,
            tag: 0,
            expected: rows
                .iter()
                .map(|r| (r.answered + r.abandoned_queued) as f64)
                .collect(),
        }],
        groups: vec![sim::Group {
            name: "observed".into(),
            unit: 0,
            channels: vec![0],
            skills: vec![0],
            aht_factor: 1.0,
            staff: rows.iter().map(|r| r.agents_serving as u32).collect(),
            absence: 0.0,
            in_shift: 0.0,
        }],
        behaviour: sim::Behaviour::default(),
        volume_cv: 0.0,
        day_volume_cv: Vec::new(),
        sl_definition: SlDefinition::Answered,
    };
    let simulator = sim::Simulator::new(&model)?;
    crate::montecarlo::budget::Work::of_model(&model, f64::from(replications.max(1)), 1)
        .check("`peakplan fit --replay`", o.allow_large)?;
    // Per day: offered, answered, abandoned, answered within 15 s, answered wait (ms).
    let mut acc = vec![[0.0f64; 5]; days];
    for r in 0..replications.max(1) {
        let m = simulator.run(seed, u64::from(r));
        for (i, c) in m.cells.iter().enumerate().take(n) {
            let d = &mut acc[i / per_day];
            d[0] += c.offered as f64;
            d[1] += c.answered as f64;
            d[2] += c.abandoned as f64;
            d[3] += c.answered_within as f64;
            d[4] += c.wait_answered_ms as f64;
        }
    }
    let reps = f64::from(replications.max(1));
    let ratio = |x: f64, y: f64| if y > 0.0 { x / y } else { f64::NAN };
    Ok((0..days)
        .map(|d| {
            let day_rows = &rows[d * per_day..(d + 1) * per_day];
            let ans: u64 = day_rows.iter().map(|r| r.answered).sum();
            let ab: u64 = day_rows.iter().map(|r| r.abandoned_queued).sum();
            let within: u64 = day_rows.iter().map(|r| r.answered_within_15s).sum();
            let wait: f64 = day_rows.iter().map(|r| r.wait_answered_s).sum();
            let s = acc[d];
            ReplayDay {
                date: day_rows[0].interval_start[..10].to_string(),
                observed_offered: ans + ab,
                simulated_offered: s[0] / reps,
                observed_abandon_share: ratio(ab as f64, (ans + ab) as f64),
                simulated_abandon_share: ratio(s[2], s[1] + s[2]),
                observed_asa_s: ratio(wait, ans as f64),
                simulated_asa_s: ratio(s[4] / 1000.0, s[1]),
                observed_sl15_of_answered: ratio(within as f64, ans as f64),
                simulated_sl15_of_answered: ratio(s[3], s[1]),
            }
        })
        .collect())
}

/// The replay as a side-by-side table.
pub fn replay_table(days: &[ReplayDay]) -> String {
    use std::fmt::Write as _;
    let mut o = String::from(
        "Replay (observed | simulated): offered to agents, abandoned share, ASA, answered within 15 s of answered\n",
    );
    for d in days {
        let _ = writeln!(
            o,
            "  {}  {:>5} | {:>7.1}   {:>5.1}% | {:>5.1}%   {:>6.1} | {:>6.1} s   {:>5.1}% | {:>5.1}%",
            d.date,
            d.observed_offered,
            d.simulated_offered,
            100.0 * d.observed_abandon_share,
            100.0 * d.simulated_abandon_share,
            d.observed_asa_s,
            d.simulated_asa_s,
            100.0 * d.observed_sl15_of_answered,
            100.0 * d.simulated_sl15_of_answered
        );
    }
    o
}
