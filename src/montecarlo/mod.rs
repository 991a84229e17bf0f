//! `montecarlo`: many replications of a [`Model`] in parallel, summarised by streaming
//! statistics.
//!
//! * Replication `r` uses stream `r` of the master seed (see [`crate::sim`]), never a
//!   per-thread stream.
//! * Replications run in chunks of a fixed size ([`Config::chunk`], independent of the
//!   thread count); a chunk runs in parallel, then its results are folded into the
//!   accumulators **in replication order** (each cell's accumulator sees the same sequence
//!   of values whatever the number of threads; the fold itself is parallel across cells).
//!   Results are therefore byte-identical for 1, 2 or 8 threads, and memory holds one chunk
//!   of runs plus the accumulators: it does not grow with the number of replications.
//! * Per interval × channel, per day × channel and per channel over the run: mean, sd, 95%
//!   CI (Student t), P5/P50/P95 of every [`Metric`], and the probability that the cell
//!   meets its channel's target. Every statistic is an exactly mergeable [`MStat`]
//!   ([`mergeable`]: integer counts, fixed-point sums at 2^-24, quantiles exact up to 9
//!   replications and within 0.5 % beyond): results of disjoint replication ranges (shards)
//!   merge into bit for bit the result of one run ([`McResult::merge`], [`run_range`]).
//! * Sequential mode: keep replicating (chunk by chunk) until the 95% CI half-width of a
//!   named metric is below a precision.
//! * A progress callback after every chunk (the library never prints).

pub mod budget;
pub mod detail;
pub mod driver;
pub mod mergeable;
pub mod seeds;
pub mod stats;

use std::ops::ControlFlow;

use rayon::prelude::*;

use crate::sim::{ChannelCell, Dist, InSystem, Model, RunMetrics, SimError, Simulator, Stationary};
use crate::units::SlDefinition;
pub use detail::{DetailTotals, run_detail};
pub use mergeable::MStat;
pub use stats::{P2, Stat, Summary, t_quantile};

/// A per-cell metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Contacts offered (arrived).
    Offered,
    Answered,
    Abandoned,
    /// Service level under each definition.
    ServiceLevel(SlDefinition),
    /// Average speed of answer, seconds.
    AsaS,
    /// Share of offered contacts that waited.
    PWait,
    /// Share of offered contacts that abandoned.
    PAbandon,
    /// Mean time to abandon, seconds.
    MeanAbandonWaitS,
    /// Busy time / on-duty time of the agents in groups serving the channel.
    Occupancy,
    /// Mean agents on duty in groups serving the channel (after absences and breaks).
    AgentsOnDuty,
    /// Contacts waiting at the end of the interval (deferred backlog).
    Backlog,
    /// Handling hours started in the cell.
    HandlingHours,
}

/// All metrics, in report order; a cell's statistics are stored in this order.
pub const METRICS: [Metric; 15] = [
    Metric::Offered,
    Metric::Answered,
    Metric::Abandoned,
    Metric::ServiceLevel(SlDefinition::Offered),
    Metric::ServiceLevel(SlDefinition::Answered),
    Metric::ServiceLevel(SlDefinition::Virtual),
    Metric::ServiceLevel(SlDefinition::ExcludingShortAbandons),
    Metric::AsaS,
    Metric::PWait,
    Metric::PAbandon,
    Metric::MeanAbandonWaitS,
    Metric::Occupancy,
    Metric::AgentsOnDuty,
    Metric::Backlog,
    Metric::HandlingHours,
];
const NM: usize = METRICS.len();

impl Metric {
    /// Position in [`METRICS`].
    pub fn index(self) -> usize {
        METRICS
            .iter()
            .position(|&m| m == self)
            .expect("every metric is listed")
    }

    /// A stable snake_case name for column headers.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Offered => "offered",
            Metric::Answered => "answered",
            Metric::Abandoned => "abandoned",
            Metric::ServiceLevel(SlDefinition::Offered) => "sl_offered",
            Metric::ServiceLevel(SlDefinition::Answered) => "sl_answered",
            Metric::ServiceLevel(SlDefinition::Virtual) => "sl_virtual",
            Metric::ServiceLevel(SlDefinition::ExcludingShortAbandons) => {
                "sl_excluding_short_abandons"
            }
            Metric::AsaS => "asa_s",
            Metric::PWait => "p_wait",
            Metric::PAbandon => "p_abandon",
            Metric::MeanAbandonWaitS => "mean_abandon_wait_s",
            Metric::Occupancy => "occupancy",
            Metric::AgentsOnDuty => "agents_on_duty",
            Metric::Backlog => "backlog",
            Metric::HandlingHours => "handling_hours",
        }
    }
}

/// Statistics of one cell (interval × channel, day × channel or channel × run).
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct CellStats {
    stats: [MStat; NM],
    meets: MStat,
}

impl CellStats {
    /// The accumulator of one metric.
    pub fn stat(&self, m: Metric) -> &MStat {
        &self.stats[m.index()]
    }

    /// Summary of one metric (`None` if it was never defined, e.g. SL without contacts).
    pub fn summary(&self, m: Metric) -> Option<Summary> {
        self.stat(m).summary()
    }

    /// Probability that the cell meets its channel's target under the model's SL
    /// definition (a cell without contacts counts as meeting it), with its CI.
    pub fn p_meets(&self) -> Option<Summary> {
        self.meets.summary()
    }

    fn push(&mut self, v: &[Option<f64>; NM], meets: bool) {
        for (s, x) in self.stats.iter_mut().zip(v) {
            s.push_opt(*x);
        }
        self.meets.push(if meets { 1.0 } else { 0.0 });
    }

    fn merge(&mut self, o: &CellStats) {
        for (s, x) in self.stats.iter_mut().zip(&o.stats) {
            s.merge(x);
        }
        self.meets.merge(&o.meets);
    }
}

/// Statistics of one reason or attribution tag over the run.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct TallyStats {
    pub contacts: MStat,
    pub handled: MStat,
    pub handling_hours: MStat,
}

impl TallyStats {
    fn merge(&mut self, o: &TallyStats) {
        self.contacts.merge(&o.contacts);
        self.handled.merge(&o.handled);
        self.handling_hours.merge(&o.handling_hours);
    }
}

/// Customer-level statistics over the run.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct CustomerStats {
    pub customers: MStat,
    /// Contacts per customer (redials, repeats, switches: a customer who redials three
    /// times is one customer with four contacts).
    pub contacts_per_customer: MStat,
    /// Share of customers answered at least once.
    pub p_answered: MStat,
    /// Share of customers who gave up without ever being answered.
    pub p_lost: MStat,
    pub redials: MStat,
    pub repeats: MStat,
    pub transfers: MStat,
}

impl CustomerStats {
    fn merge(&mut self, o: &CustomerStats) {
        self.customers.merge(&o.customers);
        self.contacts_per_customer.merge(&o.contacts_per_customer);
        self.p_answered.merge(&o.p_answered);
        self.p_lost.merge(&o.p_lost);
        self.redials.merge(&o.redials);
        self.repeats.merge(&o.repeats);
        self.transfers.merge(&o.transfers);
    }
}

/// Sequential stopping rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Sequential {
    pub metric: Metric,
    pub channel: usize,
    /// `Some(i)`: the metric of interval `i`; `None`: of the whole run.
    pub interval: Option<usize>,
    /// Stop when the 95% CI half-width is at most this.
    pub half_width: f64,
    /// Never stop before this many replications (≥ 2).
    pub min_replications: u32,
}

/// Monte-Carlo settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Replications (the maximum in sequential mode).
    pub replications: u32,
    pub seed: u64,
    /// Worker threads (`None`: rayon's global pool, one per core).
    pub threads: Option<usize>,
    /// Replications per chunk (fixed, independent of the thread count; default 16).
    pub chunk: u32,
    pub sequential: Option<Sequential>,
}

impl Config {
    pub fn new(replications: u32, seed: u64) -> Self {
        Config {
            replications,
            seed,
            threads: None,
            chunk: driver::CHUNK,
            sequential: None,
        }
    }
}

/// The outcome of a Monte-Carlo run. Every statistic is an [`MStat`], exactly mergeable:
/// the results of disjoint replication ranges merge ([`McResult::merge`]) into bit for bit
/// the result of one run over their union.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct McResult {
    /// Replications actually run.
    pub replications: u32,
    pub n_intervals: usize,
    pub n_channels: usize,
    pub n_days: usize,
    /// `[interval * n_channels + channel]`.
    pub intervals: Vec<CellStats>,
    /// `[day * n_channels + channel]`.
    pub days: Vec<CellStats>,
    /// Per channel over the whole run.
    pub totals: Vec<CellStats>,
    /// `[day * n_channels + channel]`: P(every interval with contacts of that day meets
    /// the target).
    pub day_all_intervals_meet: Vec<MStat>,
    pub reasons: Vec<TallyStats>,
    pub tags: Vec<TallyStats>,
    pub customers: CustomerStats,
    /// Contacts offered and events processed over all replications.
    pub contacts: u64,
    pub events: u64,
}

impl McResult {
    pub fn interval(&self, i: usize, c: usize) -> &CellStats {
        &self.intervals[i * self.n_channels + c]
    }
    pub fn day(&self, d: usize, c: usize) -> &CellStats {
        &self.days[d * self.n_channels + c]
    }

    /// Adds the replications of `other` (another range of the same model's replications):
    /// the result does not depend on the order of merging nor on how the replications were
    /// split. Refused when the two results do not have the same shape.
    pub fn merge(&mut self, other: &McResult) -> Result<(), String> {
        if (self.n_intervals, self.n_channels, self.n_days)
            != (other.n_intervals, other.n_channels, other.n_days)
            || self.intervals.len() != other.intervals.len()
            || self.days.len() != other.days.len()
            || self.totals.len() != other.totals.len()
            || self.day_all_intervals_meet.len() != other.day_all_intervals_meet.len()
            || self.reasons.len() != other.reasons.len()
            || self.tags.len() != other.tags.len()
        {
            return Err(
                "the statistics have another shape (intervals, channels, days, reasons or tags)"
                    .into(),
            );
        }
        self.replications += other.replications;
        for (a, b) in self
            .intervals
            .iter_mut()
            .chain(self.days.iter_mut())
            .chain(self.totals.iter_mut())
            .zip(
                other
                    .intervals
                    .iter()
                    .chain(&other.days)
                    .chain(&other.totals),
            )
        {
            a.merge(b);
        }
        for (a, b) in self
            .day_all_intervals_meet
            .iter_mut()
            .zip(&other.day_all_intervals_meet)
        {
            a.merge(b);
        }
        for (a, b) in self
            .reasons
            .iter_mut()
            .chain(self.tags.iter_mut())
            .zip(other.reasons.iter().chain(&other.tags))
        {
            a.merge(b);
        }
        self.customers.merge(&other.customers);
        self.contacts += other.contacts;
        self.events += other.events;
        Ok(())
    }
}

/// Per-cell metric values of one replication, from its counters.
fn cell_values(c: &ChannelCell, busy_ms: u64, on_duty_ms: u64, len_ms: u64) -> [Option<f64>; NM] {
    let mut v = [None; NM];
    for (k, m) in METRICS.iter().enumerate() {
        v[k] = match *m {
            Metric::Offered => Some(c.offered as f64),
            Metric::Answered => Some(c.answered as f64),
            Metric::Abandoned => Some(c.abandoned as f64),
            Metric::ServiceLevel(d) => c.service_level(d),
            Metric::AsaS => c.asa_s(),
            Metric::PWait => c.p_wait(),
            Metric::PAbandon => c.p_abandon(),
            Metric::MeanAbandonWaitS => c.mean_abandon_wait_s(),
            Metric::Occupancy => (on_duty_ms > 0).then(|| busy_ms as f64 / on_duty_ms as f64),
            Metric::AgentsOnDuty => Some(on_duty_ms as f64 / len_ms.max(1) as f64),
            Metric::Backlog => Some(c.backlog_end as f64),
            Metric::HandlingHours => Some(c.handle_ms as f64 / 3_600_000.0),
        };
    }
    v
}

struct Layout {
    /// Groups serving each channel.
    ch_groups: Vec<Vec<usize>>,
    /// Interval index range of each day.
    day_ranges: Vec<std::ops::Range<usize>>,
}

impl Layout {
    fn new(model: &Model) -> Layout {
        let ch_groups = (0..model.channels.len())
            .map(|c| {
                (0..model.groups.len())
                    .filter(|&g| model.groups[g].channels.contains(&c))
                    .collect()
            })
            .collect();
        let nd = model.n_days();
        let mut day_ranges = vec![0..0; nd];
        let mut i = 0;
        while i < model.intervals.len() {
            let d = model.intervals[i].day as usize;
            let s = i;
            while i < model.intervals.len() && model.intervals[i].day as usize == d {
                i += 1;
            }
            day_ranges[d] = s..i;
        }
        Layout {
            ch_groups,
            day_ranges,
        }
    }
}

/// Runs replications of `model` and summarises them.
///
/// `progress(done, total)` is called after every chunk on the calling thread.
pub fn run(
    model: &Model,
    cfg: &Config,
    progress: Option<&(dyn Fn(u32, u32) + Sync)>,
) -> Result<McResult, SimError> {
    if cfg.replications == 0 || cfg.chunk == 0 {
        return Err(SimError::Invalid(
            "replications and chunk must be at least 1".into(),
        ));
    }
    if let Some(s) = &cfg.sequential {
        if s.channel >= model.channels.len()
            || s.interval.is_some_and(|i| i >= model.intervals.len())
            || s.half_width.is_nan()
            || s.half_width <= 0.0
        {
            return Err(SimError::Invalid(
                "sequential: channel or interval out of range, or half-width not > 0".into(),
            ));
        }
    }
    run_range(model, cfg, 0..cfg.replications, progress)
}

/// Runs replications `reps` (a part of `0..cfg.replications`: a shard) of `model` and
/// summarises them; replication `r` uses stream `r` of the seed, as in [`run`], so the
/// results of disjoint ranges merge ([`McResult::merge`]) into [`run`]'s.
pub fn run_range(
    model: &Model,
    cfg: &Config,
    reps: std::ops::Range<u32>,
    progress: Option<&(dyn Fn(u32, u32) + Sync)>,
) -> Result<McResult, SimError> {
    if cfg.chunk == 0 || reps.end > cfg.replications {
        return Err(SimError::Invalid(
            "chunk must be at least 1 and the range within the replications".into(),
        ));
    }
    let sim = Simulator::new(model)?;
    driver::in_pool(cfg.threads, || run_in_pool(&sim, cfg, reps, progress))?
}

fn run_in_pool(
    sim: &Simulator<'_>,
    cfg: &Config,
    reps: std::ops::Range<u32>,
    progress: Option<&(dyn Fn(u32, u32) + Sync)>,
) -> Result<McResult, SimError> {
    let mut acc = Accumulator::new(sim.model());
    driver::replicate(
        reps,
        cfg.chunk,
        |r| sim.run(cfg.seed, u64::from(r)),
        |done, runs| {
            acc.fold(&runs);
            if let Some(p) = progress {
                p(done, cfg.replications);
            }
            match &cfg.sequential {
                Some(s) if acc.precise_enough(s) => ControlFlow::Break(()),
                _ => ControlFlow::Continue(()),
            }
        },
    );
    Ok(acc.finish())
}

/// An [`McResult`] being built: runs are folded in, chunk by chunk, in replication order.
pub struct Accumulator<'m> {
    model: &'m Model,
    layout: Layout,
    res: McResult,
}

impl<'m> Accumulator<'m> {
    /// No replication yet.
    pub fn new(model: &'m Model) -> Self {
        let ni = model.intervals.len();
        let nc = model.channels.len();
        let nd = model.n_days();
        Accumulator {
            model,
            layout: Layout::new(model),
            res: McResult {
                replications: 0,
                n_intervals: ni,
                n_channels: nc,
                n_days: nd,
                intervals: vec![CellStats::default(); ni * nc],
                days: vec![CellStats::default(); nd * nc],
                totals: vec![CellStats::default(); nc],
                day_all_intervals_meet: vec![MStat::default(); nd * nc],
                reasons: vec![TallyStats::default(); model.reasons.len()],
                tags: vec![TallyStats::default(); model.tags.len()],
                customers: CustomerStats::default(),
                contacts: 0,
                events: 0,
            },
        }
    }

    /// Folds the next runs (the replications that follow those already folded, in order).
    pub fn fold(&mut self, runs: &[RunMetrics]) {
        fold_chunk(self.model, &self.layout, runs, &mut self.res);
        self.res.replications += runs.len() as u32;
    }

    /// The sequential stop: the named metric's 95% CI half-width is small enough.
    fn precise_enough(&self, s: &Sequential) -> bool {
        let cell = match s.interval {
            Some(i) => self.res.interval(i, s.channel),
            None => &self.res.totals[s.channel],
        };
        let st = cell.stat(s.metric);
        self.res.replications >= s.min_replications.max(2)
            && st.n() >= 2
            && st.half_width(0.95) <= s.half_width
    }

    /// Adds the state of another accumulator of the same model (other replications).
    pub fn merge(&mut self, other: &McResult) -> Result<(), String> {
        self.res.merge(other)
    }

    /// The state so far (serialisable: a shard's part).
    pub fn state(&self) -> &McResult {
        &self.res
    }

    pub fn finish(self) -> McResult {
        self.res
    }
}

/// Folds one chunk of runs (in replication order) into the accumulators.
fn fold_chunk(model: &Model, layout: &Layout, runs: &[RunMetrics], res: &mut McResult) {
    let nc = model.channels.len();
    let sl_def = model.sl_definition;
    // Interval cells: independent accumulators, folded in parallel, each in run order.
    res.intervals
        .par_chunks_mut(nc)
        .enumerate()
        .for_each(|(i, cells)| {
            let len = model.intervals[i].len_ms;
            for r in runs {
                for (c, acc) in cells.iter_mut().enumerate() {
                    let cell = r.cell(i, c);
                    let gt = r.agent_time(&layout.ch_groups[c], i..i + 1);
                    let v = cell_values(cell, gt.busy_ms, gt.on_duty_ms, len);
                    acc.push(&v, cell.meets(sl_def, model.channels[c].target_share));
                }
            }
        });
    for r in runs {
        res.contacts += r.offered();
        res.events += r.events;
        for (d, range) in layout.day_ranges.iter().enumerate() {
            let len: u64 = model.intervals[range.clone()]
                .iter()
                .map(|iv| iv.len_ms)
                .sum();
            for c in 0..nc {
                let tot = r.channel_total(c, range.clone());
                let gt = r.agent_time(&layout.ch_groups[c], range.clone());
                let v = cell_values(&tot, gt.busy_ms, gt.on_duty_ms, len);
                let share = model.channels[c].target_share;
                res.days[d * nc + c].push(&v, tot.meets(sl_def, share));
                let all = range.clone().all(|i| r.cell(i, c).meets(sl_def, share));
                res.day_all_intervals_meet[d * nc + c].push(if all { 1.0 } else { 0.0 });
            }
        }
        let len = model.horizon_ms() - model.intervals[0].start_ms;
        for c in 0..nc {
            let tot = r.channel_total(c, 0..model.intervals.len());
            let gt = r.agent_time(&layout.ch_groups[c], 0..model.intervals.len());
            let v = cell_values(&tot, gt.busy_ms, gt.on_duty_ms, len);
            res.totals[c].push(&v, tot.meets(sl_def, model.channels[c].target_share));
        }
        for (acc, t) in res
            .reasons
            .iter_mut()
            .zip(&r.reasons)
            .chain(res.tags.iter_mut().zip(&r.tags))
        {
            acc.contacts.push(t.contacts as f64);
            acc.handled.push(t.handled as f64);
            acc.handling_hours.push(t.handling_hours());
        }
        let cu = &r.customers;
        let cs = &mut res.customers;
        cs.customers.push(cu.arrived as f64);
        if cu.arrived > 0 {
            cs.contacts_per_customer
                .push(r.offered() as f64 / cu.arrived as f64);
            cs.p_answered.push(cu.answered as f64 / cu.arrived as f64);
            cs.p_lost.push(cu.lost as f64 / cu.arrived as f64);
        }
        cs.redials.push(cu.redials as f64);
        cs.repeats.push(cu.repeats as f64);
        cs.transfers.push(cu.transfers as f64);
    }
}

// ------------------------------------------------------------------ stationary (erlang --simulate)

/// A mean with its 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub mean: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
}

/// Settings of [`simulate_stationary`].
#[derive(Debug, Clone, PartialEq)]
pub struct StationaryConfig {
    pub replications: u32,
    /// Calls observed per replication (in expectation: the observation window is
    /// `calls / rate` long). Default 100,000.
    pub calls: u64,
    /// Calls simulated and discarded before observing. Default `None`: none when the
    /// replications start in the stationary state (exponential handling and patience, see
    /// [`stationary_law`]); otherwise, from an empty system, max(calls / 10, 2,000,
    /// 50 × agents).
    pub warmup_calls: Option<u64>,
    pub seed: u64,
    pub threads: Option<usize>,
    /// Observation batches per replication (used for the CI when there is one
    /// replication: batch means). Default 20.
    pub batches: usize,
    /// Start every replication empty (after the warm-up) even when the stationary law is
    /// known: the old behaviour, kept to measure the initialisation bias it leaves.
    /// Default false.
    pub empty_start: bool,
}

impl Default for StationaryConfig {
    fn default() -> Self {
        StationaryConfig {
            replications: 10,
            calls: 100_000,
            warmup_calls: None,
            seed: seeds::DEFAULT,
            threads: None,
            batches: 20,
            empty_start: false,
        }
    }
}

/// What [`simulate_stationary`] measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StationaryEstimate {
    pub p_wait: Estimate,
    /// Under the parameters' SL definition.
    pub service_level: Estimate,
    pub asa_s: Estimate,
    pub p_abandon: Estimate,
    pub occupancy: Estimate,
    pub replications: u32,
    /// Calls observed over all replications.
    pub calls_observed: u64,
    pub events: u64,
}

/// Most states of the birth–death chain tabulated by [`stationary_law`].
const MAX_LAW_STATES: usize = 1 << 22;

/// The stationary law of the number of customers in an M/M/n (Erlang C) or M/M/n+M
/// (Erlang A) queue: the birth–death chain with birth rate λ and death rate
/// min(k, n)·μ + max(k − n, 0)·θ. `None` when handling or patience is not exponential
/// (the chain is not the whole state), when Erlang C is unstable (λ ≥ nμ), or when the
/// chain would need more than 4 million states.
///
/// Erlang C's waiting part is geometric with ratio ρ = λ/(nμ) and is drawn as such; Erlang
/// A's is tabulated until the remaining mass is below 10⁻¹⁶ (its ratios fall below 1 once
/// the death rate passes λ, so the remainder is bounded by a geometric series).
pub fn stationary_law(p: &Stationary) -> Option<InSystem> {
    let Dist::Exponential { mean_s: aht } = p.handling else {
        return None;
    };
    let theta = match &p.patience {
        None => 0.0,
        Some(Dist::Exponential { mean_s }) => 1.0 / mean_s,
        Some(_) => return None,
    };
    let lambda = p.rate_per_hour / 3600.0;
    let mu = 1.0 / aht;
    let n = p.agents as usize;
    if !(lambda > 0.0 && lambda.is_finite() && mu > 0.0 && mu.is_finite()) {
        return None;
    }
    let death = |k: usize| k.min(n) as f64 * mu + k.saturating_sub(n) as f64 * theta;
    // Log weights relative to state 0.
    let mut lw = vec![0.0f64];
    let mut tail_ratio = 0.0;
    if theta == 0.0 {
        let rho = lambda / (n as f64 * mu);
        if n == 0 || rho >= 1.0 || n >= MAX_LAW_STATES {
            return None;
        }
        for k in 1..=n {
            lw.push(lw[k - 1] + lambda.ln() - death(k).ln());
        }
        // States n, n + 1, … hold w_n / (1 − ρ) together: one table entry for "≥ n".
        let last = lw.len() - 1;
        lw[last] -= (1.0 - rho).ln();
        tail_ratio = rho;
    } else {
        let (mut k, mut max) = (0, 0.0f64);
        loop {
            k += 1;
            if k >= MAX_LAW_STATES {
                return None;
            }
            let step = lambda / death(k);
            lw.push(lw[k - 1] + step.ln());
            max = max.max(lw[k]);
            // Past the mode with ratios < 1: the rest is below w_k · r / (1 − r).
            if step < 1.0 && lw[k] - max + (step / (1.0 - step)).ln() < (1e-16f64).ln() {
                break;
            }
        }
    }
    let max = lw.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let w: Vec<f64> = lw.iter().map(|l| (l - max).exp()).collect();
    let total: f64 = w.iter().sum();
    let mut acc = 0.0;
    let mut cdf: Vec<f64> = w
        .iter()
        .map(|x| {
            acc += x / total;
            acc
        })
        .collect();
    if tail_ratio > 0.0 {
        // The last entry is "n or more": its mass goes to the geometric tail, which starts
        // at n = cdf.len() after the entry is dropped.
        cdf.pop();
    }
    Some(InSystem { cdf, tail_ratio })
}

/// The calls discarded before observing (see [`StationaryConfig::warmup_calls`]).
fn warmup_calls(p: &Stationary, cfg: &StationaryConfig, law: Option<&InSystem>) -> u64 {
    cfg.warmup_calls.unwrap_or_else(|| {
        if law.is_some() {
            0
        } else {
            (cfg.calls / 10).max(2_000).max(50 * p.agents as u64)
        }
    })
}

/// The model [`simulate_stationary`] runs: interval 0 is the warm-up (empty when the
/// replications start in the stationary state), intervals 1..=B the observed batches, and
/// one more batch a cool-down whose own calls are not observed: the calls of the last
/// observed batch are answered or abandon during it instead of being cut off by the end of
/// the run (which would bias the service level and ASA low).
fn stationary_model(p: &Stationary, cfg: &StationaryConfig, law: Option<&InSystem>) -> Model {
    let per_s = p.rate_per_hour / 3600.0;
    let warm = warmup_calls(p, cfg, law);
    let b = cfg.batches.max(1);
    Model::stationary(
        p,
        warm as f64 / per_s,
        b + 1,
        cfg.calls as f64 / per_s / b as f64,
    )
}

/// The work of [`simulate_stationary`] with these settings, for the work budget.
pub fn stationary_work(p: &Stationary, cfg: &StationaryConfig, threads: usize) -> budget::Work {
    let law = stationary_law(p).filter(|_| !cfg.empty_start);
    let model = stationary_model(p, cfg, law.as_ref());
    budget::Work::of_model(&model, f64::from(cfg.replications), threads)
}

/// Simulates one stationary interval (`peakplan erlang --simulate`): `replications`
/// independent runs of about `calls` observed calls.
///
/// With exponential handling and patience (M/M/n, M/M/n+M) every replication starts in
/// the stationary state — the number in the system drawn from [`stationary_law`], as many
/// in service as there are agents, the rest waiting — so the run is stationary from its
/// first call and no warm-up is needed: the estimates carry no initialisation bias, and
/// the replications' CI covers the exact value as often as it says, heavily loaded queues
/// included. Otherwise replications start empty after a warm-up.
///
/// With two or more replications the CI comes from the replication means (Student t,
/// R − 1 df); with one, from the `batches` batch means of that run (t, B − 1 df), which
/// is too narrow when the batches are correlated (heavy load): use R ≥ 2.
pub fn simulate_stationary(
    p: &Stationary,
    cfg: &StationaryConfig,
) -> Result<StationaryEstimate, SimError> {
    if p.rate_per_hour.is_nan()
        || p.rate_per_hour <= 0.0
        || cfg.calls == 0
        || cfg.replications == 0
        || cfg.batches < 2
    {
        return Err(SimError::Invalid(
            "stationary simulation needs a rate > 0, calls ≥ 1, replications ≥ 1, batches ≥ 2"
                .into(),
        ));
    }
    let law = stationary_law(p).filter(|_| !cfg.empty_start);
    let b = cfg.batches;
    let model = stationary_model(p, cfg, law.as_ref());
    let sim = Simulator::new(&model)?;
    let one = |r: u32| match &law {
        Some(l) => sim.run_from(cfg.seed, r as u64, l),
        None => sim.run(cfg.seed, r as u64),
    };
    let reps: Vec<RunMetrics> = driver::in_pool(cfg.threads, || {
        let mut reps = Vec::with_capacity(cfg.replications as usize);
        driver::replicate(0..cfg.replications, driver::CHUNK, one, |_, chunk| {
            reps.extend(chunk);
            ControlFlow::Continue(())
        });
        reps
    })?;
    // One observation per replication (pooled over batches), or per batch if R = 1.
    let units: Vec<(ChannelCell, u64, u64)> = if reps.len() >= 2 {
        reps.iter()
            .map(|r| {
                let g = r.agent_time(&[0], 1..b + 1);
                (r.channel_total(0, 1..b + 1), g.busy_ms, g.on_duty_ms)
            })
            .collect()
    } else {
        (1..=b)
            .map(|i| {
                (
                    *reps[0].cell(i, 0),
                    reps[0].group(i, 0).busy_ms,
                    reps[0].group(i, 0).on_duty_ms,
                )
            })
            .collect()
    };
    let mut s = [Stat::default(); 5];
    for (c, busy, on) in &units {
        s[0].push_opt(c.p_wait());
        s[1].push_opt(c.service_level(p.sl_definition));
        s[2].push_opt(c.asa_s());
        s[3].push_opt(c.p_abandon());
        s[4].push_opt((*on > 0).then(|| *busy as f64 / *on as f64));
    }
    let est = |st: &Stat| {
        let hw = if st.n() >= 2 {
            st.half_width(0.95)
        } else {
            f64::NAN
        };
        Estimate {
            mean: st.mean(),
            ci95_low: st.mean() - hw,
            ci95_high: st.mean() + hw,
        }
    };
    Ok(StationaryEstimate {
        p_wait: est(&s[0]),
        service_level: est(&s[1]),
        asa_s: est(&s[2]),
        p_abandon: est(&s[3]),
        occupancy: est(&s[4]),
        replications: cfg.replications,
        calls_observed: reps
            .iter()
            .map(|r| r.channel_total(0, 1..b + 1).offered)
            .sum(),
        events: reps.iter().map(|r| r.events).sum(),
    })
}
