//! Analytic queueing formulas and staffing: Erlang B, Erlang C (M/M/n) and Erlang A
//! (M/M/n+M). Pure functions: numbers in, numbers out, no I/O.
//!
//! Notation used throughout: λ arrival rate (calls per second), AHT mean handling time
//! (seconds, μ = 1/AHT), A = λ·AHT the offered load in Erlangs, n the number of agents,
//! ρ = A/n. Erlang A adds exponential patience with mean θ⁻¹ = `patience_s`.
//!
//! Numerical approach: never factorials or powers. Erlang B uses Jagerman's recurrence,
//! Erlang A sums its stationary birth–death law relative to the state "all agents busy"
//! with running rescaling (so the sums stay finite however large n or the overload is).
//! Results are correct to a few ulps for n up to [`MAX_AGENTS`].
//!
//! Sources:
//! * A. K. Erlang (1917), "Solution of some problems in the theory of probabilities of
//!   significance in automatic telephone exchanges"; R. B. Cooper, *Introduction to
//!   Queueing Theory*, 2nd ed. (1981), §3.4–3.5 for Erlang B and C and the M/M/n waiting law.
//! * D. L. Jagerman (1974), "Some properties of the Erlang loss function", Bell System
//!   Technical Journal 53(3): the recurrence B(k) = A·B(k−1) / (k + A·B(k−1)).
//! * C. Palm (1943/1946) for M/M/n+M; O. Garnett, A. Mandelbaum, M. Reiman (2002),
//!   "Designing a call center with impatient customers", M&SOM 4(3); A. Mandelbaum and
//!   S. Zeltyn (2007), "Service engineering in action: the Palm/Erlang-A queue, with
//!   applications to call centers" — the closed forms with the incomplete gamma function
//!   that the tests use as an independent check of the series used here.

use crate::units::SlDefinition;

/// Largest number of agents peakplan evaluates (one contact centre, or a whole country's).
pub const MAX_AGENTS: u32 = 1_000_000;
/// Largest offered load accepted, in Erlangs.
pub const MAX_OFFERED_LOAD: f64 = 500_000.0;
/// Largest λ/θ (offered load × patience / AHT) accepted by Erlang A; beyond it the series
/// would need more than ten million terms, and abandonment is negligible anyway: use
/// Erlang C (no patience).
pub const MAX_PATIENCE_LOAD: f64 = 1e7;

/// What is wrong with the numbers given to the Erlang formulas.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ErlangError {
    /// A parameter is outside its allowed range (or not a finite number).
    #[error("invalid {field} {value}: {allowed}")]
    OutOfRange {
        field: &'static str,
        value: String,
        allowed: &'static str,
    },
    /// `max_abandon` only makes sense with a patience (Erlang A).
    #[error(
        "a maximum abandonment rate needs a mean patience (Erlang A); without patience no caller abandons"
    )]
    AbandonWithoutPatience,
    /// The staffing solver was called without any target.
    #[error(
        "no staffing target given: set a service level (e.g. 80% within 20 s), a maximum ASA, a maximum occupancy or a maximum abandonment rate"
    )]
    NoTarget,
    /// No number of agents up to [`MAX_AGENTS`] meets the targets.
    #[error("no staffing up to {max} agents meets the targets")]
    Unreachable { max: u32 },
}

fn out_of_range(field: &'static str, value: f64, allowed: &'static str) -> ErlangError {
    ErlangError::OutOfRange {
        field,
        value: format!("{value}"),
        allowed,
    }
}

/// One queue: Poisson arrivals, exponential handling times, optional exponential patience.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Queue {
    rate_per_s: f64,
    aht_s: f64,
    patience_s: Option<f64>,
    load: f64,
}

impl Queue {
    /// Validates and builds a queue. `patience_s = None` is Erlang C (callers never hang
    /// up); `Some(θ⁻¹)` is Erlang A with exponential patience of that mean.
    pub fn new(rate_per_s: f64, aht_s: f64, patience_s: Option<f64>) -> Result<Queue, ErlangError> {
        if !rate_per_s.is_finite() || rate_per_s < 0.0 {
            return Err(out_of_range(
                "arrival rate",
                rate_per_s,
                "must be a finite number of calls ≥ 0",
            ));
        }
        if !aht_s.is_finite() || aht_s <= 0.0 {
            return Err(out_of_range(
                "aht_s",
                aht_s,
                "the average handling time must be a finite number of seconds > 0",
            ));
        }
        let load = snap_whole(rate_per_s * aht_s);
        if load > MAX_OFFERED_LOAD {
            return Err(out_of_range(
                "offered load (Erlangs)",
                load,
                "must be at most 500000 Erlangs (calls per second × AHT)",
            ));
        }
        if let Some(p) = patience_s {
            if !p.is_finite() || p <= 0.0 {
                return Err(out_of_range(
                    "patience_s",
                    p,
                    "the mean patience must be a finite number of seconds > 0 (omit it for Erlang C)",
                ));
            }
            if load * (p / aht_s) > MAX_PATIENCE_LOAD {
                return Err(out_of_range(
                    "patience_s",
                    p,
                    "offered load × patience / AHT must be at most 1e7; for such patient callers use Erlang C (omit the patience)",
                ));
            }
        }
        Ok(Queue {
            rate_per_s,
            aht_s,
            patience_s,
            load,
        })
    }

    /// Arrival rate λ in calls per second.
    pub fn rate_per_s(&self) -> f64 {
        self.rate_per_s
    }
    /// Average handling time in seconds.
    pub fn aht_s(&self) -> f64 {
        self.aht_s
    }
    /// Mean patience in seconds (Erlang A), `None` for Erlang C.
    pub fn patience_s(&self) -> Option<f64> {
        self.patience_s
    }
    /// Offered load A = λ·AHT in Erlangs (see [`snap_whole`]).
    pub fn offered_load(&self) -> f64 {
        self.load
    }
    /// Smallest n with a stable Erlang C queue (n > A): ⌊A⌋ + 1.
    pub fn min_stable_agents(&self) -> u32 {
        min_stable_agents(self.offered_load())
    }

    /// All metrics with `agents` agents; service levels are computed for a threshold of
    /// `sl_time_s` seconds when given.
    pub fn metrics(&self, agents: u32, sl_time_s: Option<f64>) -> Result<Metrics, ErlangError> {
        check_agents(agents)?;
        if let Some(t) = sl_time_s {
            check_sl_time(t)?;
        }
        Ok(self.metrics_unchecked(agents, sl_time_s))
    }

    fn metrics_unchecked(&self, agents: u32, sl_time_s: Option<f64>) -> Metrics {
        let a = self.offered_load();
        match self.patience_s {
            None => ErlangC::new(agents, a, self.aht_s).metrics(sl_time_s),
            Some(patience) => {
                let e = ErlangA::new(agents, a, self.aht_s, patience);
                Metrics {
                    agents,
                    offered_load_erlangs: a,
                    stable: true,
                    p_wait: e.p_wait(),
                    asa_s: Some(e.asa_answered_s()),
                    mean_wait_of_waiters_s: None,
                    occupancy: e.occupancy(),
                    mean_queue_length: Some(e.mean_queue_length()),
                    p_abandon: Some(e.p_abandon()),
                    sl: sl_time_s.map(|t| SlAt {
                        within_s: t,
                        levels: SlLevels::ErlangA(e.service_levels(t)),
                    }),
                }
            }
        }
    }
}

/// λ·AHT rounded to the nearest whole number when it is within 1e−12 (relative) of one:
/// 100 calls per 1,800 s at 180 s AHT is 10 Erlangs, not 10.000000000000002 or
/// 9.999999999999998, so that n = A is exactly the unstable boundary it is meant to be.
pub fn snap_whole(load: f64) -> f64 {
    let r = load.round();
    if (load - r).abs() <= 1e-12 * load.abs() {
        r
    } else {
        load
    }
}

fn check_agents(agents: u32) -> Result<(), ErlangError> {
    if agents == 0 || agents > MAX_AGENTS {
        return Err(ErlangError::OutOfRange {
            field: "agents",
            value: agents.to_string(),
            allowed: "must be a whole number from 1 to 1000000",
        });
    }
    Ok(())
}

fn check_sl_time(t: f64) -> Result<(), ErlangError> {
    if !t.is_finite() || t < 0.0 {
        return Err(out_of_range(
            "target_s",
            t,
            "the service-level threshold must be a finite number of seconds ≥ 0",
        ));
    }
    Ok(())
}

/// ⌊A⌋ + 1: the smallest n with n > A.
pub fn min_stable_agents(offered_load: f64) -> u32 {
    offered_load.floor() as u32 + 1
}

/// The metrics of one queue at one staffing level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metrics {
    pub agents: u32,
    pub offered_load_erlangs: f64,
    /// Erlang C: n > A. Erlang A is always stable (impatient callers leave).
    pub stable: bool,
    /// Probability that an arriving call finds all agents busy (1 when unstable).
    pub p_wait: f64,
    /// Erlang C: mean wait of all calls; Erlang A: mean wait of answered calls.
    /// `None` when the Erlang C queue is unstable (the wait grows without bound).
    pub asa_s: Option<f64>,
    /// Erlang C only: mean wait of the calls that wait, AHT / (n − A).
    pub mean_wait_of_waiters_s: Option<f64>,
    /// Share of agent time spent handling calls (carried load / n), in [0, 1].
    pub occupancy: f64,
    /// Expected number of calls waiting; `None` when unstable.
    pub mean_queue_length: Option<f64>,
    /// Erlang A only: probability that a call abandons.
    pub p_abandon: Option<f64>,
    /// Service levels at a threshold, when one was asked for.
    pub sl: Option<SlAt>,
}

impl Metrics {
    /// The service level under `def` (all definitions coincide for Erlang C, where nobody
    /// abandons). `None` when no threshold was asked for.
    pub fn service_level(&self, def: SlDefinition) -> Option<f64> {
        self.sl.map(|s| match s.levels {
            SlLevels::ErlangC(v) => v,
            SlLevels::ErlangA(l) => l.get(def),
        })
    }
}

/// Service levels at one threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SlAt {
    /// The threshold t in seconds ("answered within t").
    pub within_s: f64,
    pub levels: SlLevels,
}

/// The service level(s) at a threshold: one number for Erlang C, four definitions for A.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SlLevels {
    /// P(W ≤ t) of M/M/n; 0 when unstable.
    ErlangC(f64),
    /// Erlang A under each [`SlDefinition`].
    ErlangA(ServiceLevels),
}

/// Erlang A service levels at one threshold t under each definition (see
/// [`SlDefinition`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceLevels {
    /// answered within t / offered.
    pub offered: f64,
    /// answered within t / answered.
    pub answered: f64,
    /// P(an infinitely patient caller would wait ≤ t).
    pub virtual_wait: f64,
    /// answered within t / (offered − abandoned within t).
    pub excluding_short_abandons: f64,
}

impl ServiceLevels {
    /// The level under one definition.
    pub fn get(&self, def: SlDefinition) -> f64 {
        match def {
            SlDefinition::Offered => self.offered,
            SlDefinition::Answered => self.answered,
            SlDefinition::Virtual => self.virtual_wait,
            SlDefinition::ExcludingShortAbandons => self.excluding_short_abandons,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Erlang B and C
// ---------------------------------------------------------------------------------------

/// Erlang B blocking probability B(n, A) of M/M/n/n:
/// B(n, A) = (Aⁿ/n!) / Σₖ₌₀ⁿ Aᵏ/k!, computed with Jagerman's recurrence
/// B(0) = 1, B(k) = A·B(k−1) / (k + A·B(k−1)), which is stable (every step is a ratio of
/// positive numbers) and never overflows. O(n). Returns 1 for n = 0 and 0 for A = 0, n > 0.
pub fn erlang_b(n: u32, a: f64) -> f64 {
    let mut b = 1.0_f64;
    for k in 1..=n {
        let ab = a * b;
        b = ab / (k as f64 + ab);
    }
    b
}

/// Erlang C probability of waiting C(n, A) of M/M/n:
/// C = n·B / (n − A·(1 − B)) = n / (r·(n − A) + A) with r = 1/B(n, A) (Cooper 1981,
/// §3.5); 1 when n ≤ A (the queue is unstable and every call waits).
///
/// r comes from the inverse recurrence r_k = 1 + (k/A)·r_{k−1} (Jagerman 1974), started
/// 9√A below A where the error of the starting value is damped to nothing (see
/// [`inv_erlang_b`]), so the cost is O(min(n, 9√A) + (n − A)) rather than O(n).
pub fn erlang_c(n: u32, a: f64) -> f64 {
    let nf = n as f64;
    if nf <= a {
        return 1.0;
    }
    if a == 0.0 {
        return 0.0;
    }
    c_from_inv_b(nf, a, inv_erlang_b(n, a))
}

fn c_from_inv_b(n: f64, a: f64, r: f64) -> f64 {
    (n / (r * (n - a) + a)).clamp(0.0, 1.0)
}

/// 1/B at the minimum stable n = ⌊A⌋ + 1, for A > 0.
///
/// For k₀ < A, B(k₀) ≥ 1 − k₀/A (the carried load A(1 − B) is at most k₀), so
/// 1/B(k₀) ∈ [1, A/(A − k₀)]; starting from the middle of that interval, the error e in
/// r_{k₀} reaches r_k as e·Π_{i=k₀+1}^{k} (i/A) ≤ e·exp(−(A − k₀)²/(2A)) at k = ⌊A⌋, which
/// is below 1e−17 relative when A − k₀ ≥ 9√A + 2.
fn inv_b_at_min_stable(a: f64) -> (u32, f64) {
    let n_min = min_stable_agents(a);
    let inv_a = 1.0 / a;
    let skip = a - 9.0 * a.sqrt() - 2.0;
    let (k0, mut r) = if skip >= 1.0 {
        let k0 = skip.floor();
        (k0 as u32, 0.5 / (1.0 - k0 * inv_a) + 0.5)
    } else {
        (0, 1.0)
    };
    // Eight steps per dependent operation: r_{k+8} = α + β·r_k with
    // α = 1 + c₈(1 + c₇(1 + … (1 + c₂))), β = c₈c₇…c₁, cᵢ = (k + i)/A (all positive: no
    // cancellation). α and β do not depend on r, so the dependent chain is one multiply
    // and one add per eight steps.
    let mut kf = k0 as f64;
    let end = n_min as f64;
    while kf + 8.0 <= end {
        let c1 = (kf + 1.0) * inv_a;
        let c2 = (kf + 2.0) * inv_a;
        let c3 = (kf + 3.0) * inv_a;
        let c4 = (kf + 4.0) * inv_a;
        let c5 = (kf + 5.0) * inv_a;
        let c6 = (kf + 6.0) * inv_a;
        let c7 = (kf + 7.0) * inv_a;
        let c8 = (kf + 8.0) * inv_a;
        let alpha =
            1.0 + c8 * (1.0 + c7 * (1.0 + c6 * (1.0 + c5 * (1.0 + c4 * (1.0 + c3 * (1.0 + c2))))));
        let beta = ((c8 * c7) * (c6 * c5)) * ((c4 * c3) * (c2 * c1));
        r = alpha + beta * r;
        kf += 8.0;
    }
    while kf < end {
        kf += 1.0;
        r = 1.0 + r * (kf * inv_a);
    }
    (n_min, r)
}

/// One step of the inverse Erlang B recurrence: r_n from r_{n−1}.
#[inline]
fn inv_b_step(r: f64, n: u32, inv_a: f64) -> f64 {
    1.0 + r * (n as f64 * inv_a)
}

/// 1/B(n, A) for n > A > 0, as used by [`erlang_c`] and the staffing solver (the same
/// operations in the same order, so both see bit-identical values).
pub fn inv_erlang_b(n: u32, a: f64) -> f64 {
    let (n_min, mut r) = inv_b_at_min_stable(a);
    let inv_a = 1.0 / a;
    for k in n_min + 1..=n {
        r = inv_b_step(r, k, inv_a);
        if r == f64::INFINITY {
            // B has underflowed to 0 and stays there.
            break;
        }
    }
    r
}

/// The M/M/n queue (Erlang C) at n agents.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangC {
    agents: u32,
    load: f64,
    aht_s: f64,
    p_wait: f64,
}

impl ErlangC {
    /// Evaluates M/M/n with `agents` agents, offered load `load` Erlangs and AHT `aht_s`.
    pub fn new(agents: u32, load: f64, aht_s: f64) -> ErlangC {
        ErlangC::from_p_wait(agents, load, aht_s, erlang_c(agents, load))
    }

    fn from_p_wait(agents: u32, load: f64, aht_s: f64, p_wait: f64) -> ErlangC {
        let p_wait = if (agents as f64) <= load { 1.0 } else { p_wait };
        ErlangC {
            agents,
            load,
            aht_s,
            p_wait,
        }
    }

    /// All metrics, with the service level at `sl_time_s` when given.
    pub fn metrics(&self, sl_time_s: Option<f64>) -> Metrics {
        Metrics {
            agents: self.agents,
            offered_load_erlangs: self.load,
            stable: self.stable(),
            p_wait: self.p_wait(),
            asa_s: self.asa_s(),
            mean_wait_of_waiters_s: self.mean_wait_of_waiters_s(),
            occupancy: self.occupancy(),
            mean_queue_length: self.mean_queue_length(),
            p_abandon: None,
            sl: sl_time_s.map(|t| SlAt {
                within_s: t,
                levels: SlLevels::ErlangC(self.service_level(t)),
            }),
        }
    }
    /// n > A.
    pub fn stable(&self) -> bool {
        (self.agents as f64) > self.load
    }
    /// P(wait > 0) = C(n, A); 1 when unstable.
    pub fn p_wait(&self) -> f64 {
        self.p_wait
    }
    /// Service level P(W ≤ t) = 1 − C·exp(−(n − A)·t / AHT); 0 when unstable.
    pub fn service_level(&self, t_s: f64) -> f64 {
        if !self.stable() {
            return 0.0;
        }
        let decay = (-(self.agents as f64 - self.load) * t_s / self.aht_s).exp();
        (1.0 - self.p_wait * decay).clamp(0.0, 1.0)
    }
    /// ASA (mean wait of all calls) = C·AHT / (n − A); `None` when unstable.
    pub fn asa_s(&self) -> Option<f64> {
        self.stable()
            .then(|| self.p_wait * self.aht_s / (self.agents as f64 - self.load))
    }
    /// Mean wait of the calls that wait = AHT / (n − A); `None` when unstable.
    pub fn mean_wait_of_waiters_s(&self) -> Option<f64> {
        self.stable()
            .then(|| self.aht_s / (self.agents as f64 - self.load))
    }
    /// Occupancy A/n (1 when unstable: agents never idle).
    pub fn occupancy(&self) -> f64 {
        (self.load / self.agents as f64).min(1.0)
    }
    /// Mean queue length L_q = C·A / (n − A); `None` when unstable.
    pub fn mean_queue_length(&self) -> Option<f64> {
        self.stable()
            .then(|| self.p_wait * self.load / (self.agents as f64 - self.load))
    }
}

// ---------------------------------------------------------------------------------------
// Erlang A
// ---------------------------------------------------------------------------------------

/// ln of the "tail" function G(x, z) = Σ_{m≥0} zᵐ / ((x+1)(x+2)…(x+m)) = ₁F₁(1; x+1; z),
/// for x > 0, z ≥ 0. In Erlang A, G(nμ/θ, λ/θ) is the mass of the states "n or more
/// calls in the system" relative to the state "exactly n" (Garnett et al. 2002).
/// Summed with running rescaling so that it never overflows; stops when the remaining
/// tail, bounded by a geometric series, is below 1e−17 of the sum.
fn ln_g(x: f64, z: f64) -> f64 {
    let mut term = 1.0_f64;
    let mut sum = 1.0_f64;
    let mut ln_scale = 0.0_f64;
    let mut m = 0.0_f64;
    loop {
        m += 1.0;
        term *= z / (x + m);
        sum += term;
        let r = z / (x + m + 1.0);
        if r < 1.0 && term * r <= 1e-17 * sum * (1.0 - r) {
            break;
        }
        if sum > 1e250 {
            term *= 1e-250;
            sum *= 1e-250;
            ln_scale += 250.0 * std::f64::consts::LN_10;
        }
    }
    sum.ln() + ln_scale
}

/// ln(eᵃ + eᵇ) without overflow.
fn ln_add_exp(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
    if lo == f64::NEG_INFINITY {
        return hi;
    }
    hi + (lo - hi).exp().ln_1p()
}

/// The M/M/n+M queue (Erlang A, Palm's model) at n agents.
///
/// With x = nμ/θ and y = λ/θ the stationary law relative to state n is
/// pₖ/pₙ = n!/(k!·A^(n−k)) for k < n and p_{n+j}/pₙ = yʲ / ((x+1)…(x+j)) for j ≥ 0.
/// Writing L = Σ_{k<n} pₖ/pₙ (from the Erlang B recurrence) and S = G(x, y):
/// * P(wait) = S / (L + S), πₙ = 1 / (L + S);
/// * P(abandon) = θ·E[queue]/λ = πₙ·Σⱼ j·tⱼ / y (tⱼ the terms of S);
/// * a caller finding j waiting ahead is served with probability x/(x+j+1) and then waits
///   on average Σᵢ₌₁^{j+1} 1/(nμ + iθ), which gives the ASA of answered calls;
/// * the virtual wait V (infinitely patient caller) has density
///   nμ·πₙ·exp(−nμs + y(1 − e^{−θs})) on s > 0 (Mandelbaum & Zeltyn 2007), so that
///   P(V > t) = πₙ·exp(−nμt + y(1 − e^{−θt}))·G(x, y·e^{−θt}) and the calls answered after
///   waiting more than t are πₙ·x/(x+1)·exp(y − z − (x+1)θt)·G(x+1, z), z = y·e^{−θt}.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangA {
    agents: u32,
    load: f64,
    aht_s: f64,
    patience_s: f64,
    x: f64,
    y: f64,
    /// ln πₙ (−∞ when πₙ underflows).
    ln_pi_n: f64,
    /// P(no wait) = πₙ·L.
    p_immediate: f64,
    p_wait: f64,
    p_abandon: f64,
    /// P(answered after a positive wait).
    p_answered_after_wait: f64,
    /// E[wait · 1{answered}] in seconds.
    wait_answered_s: f64,
}

impl ErlangA {
    /// Evaluates M/M/n+M. `agents ≥ 1`, `load ≥ 0`, `aht_s > 0`, `patience_s > 0`.
    pub fn new(agents: u32, load: f64, aht_s: f64, patience_s: f64) -> ErlangA {
        let n = agents as f64;
        let x = n * patience_s / aht_s;
        let y = load * patience_s / aht_s;
        // L = Σ_{k<n} p_k/p_n: L₁ = 1/A, L_{k+1} = (L_k + 1)(k+1)/A (overflows to ∞ only
        // when the queue is essentially never full).
        let l = if load == 0.0 {
            f64::INFINITY
        } else {
            let mut l = 1.0 / load;
            for k in 2..=agents {
                l = (l + 1.0) * (k as f64 / load);
                if l == f64::INFINITY {
                    break;
                }
            }
            l
        };
        let mut out = ErlangA {
            agents,
            load,
            aht_s,
            patience_s,
            x,
            y,
            ln_pi_n: f64::NEG_INFINITY,
            p_immediate: 1.0,
            p_wait: 0.0,
            p_abandon: 0.0,
            p_answered_after_wait: 0.0,
            wait_answered_s: 0.0,
        };
        if l.is_infinite() {
            return out;
        }
        // One pass over the tail: S = Σ tⱼ, S1 = Σ_{j≥1} tⱼ, M = Σ j·tⱼ,
        // W = Σ tⱼ·x/(x+j+1)·Hⱼ with Hⱼ = Σᵢ₌₁^{j+1} 1/(x+i), all with a common scale.
        let mut term = 1.0_f64;
        let mut s = 1.0_f64;
        let mut s1 = 0.0_f64;
        let mut mm = 0.0_f64;
        let mut h = 1.0 / (x + 1.0);
        let mut w = x / (x + 1.0) * h;
        let mut ln_scale = 0.0_f64;
        let mut j = 0.0_f64;
        loop {
            j += 1.0;
            term *= y / (x + j);
            h += 1.0 / (x + j + 1.0);
            s += term;
            s1 += term;
            mm += j * term;
            w += term * (x / (x + j + 1.0)) * h;
            let r = y / (x + j + 1.0);
            // The tail of j·tⱼ·(…) decays at least like (r·(j+1)/j)ᵏ once r(j+1)/j < 1.
            let rr = r * (j + 1.0) / j;
            if rr < 1.0 && term * (j + 1.0) * rr <= 1e-17 * (mm + s) * (1.0 - rr) {
                break;
            }
            if s > 1e250 {
                term *= 1e-250;
                s *= 1e-250;
                s1 *= 1e-250;
                mm *= 1e-250;
                w *= 1e-250;
                ln_scale += 250.0 * std::f64::consts::LN_10;
            }
        }
        // πₙ = 1/(L + S_true) with S_true = s·e^{ln_scale}.
        let ln_s = s.ln() + ln_scale;
        let ln_l = l.ln();
        let ln_total = ln_add_exp(ln_s, ln_l);
        let ln_pi_n = -ln_total;
        // Quantities relative to the scaled sums: πₙ·(scaled sum)·e^{ln_scale}.
        let k = (ln_pi_n + ln_scale).exp();
        out.ln_pi_n = ln_pi_n;
        out.p_immediate = (ln_l - ln_total).exp().min(1.0);
        out.p_wait = (ln_s - ln_total).exp().min(1.0);
        out.p_abandon = if y > 0.0 {
            (k * mm / y).clamp(0.0, 1.0)
        } else {
            0.0
        };
        out.p_answered_after_wait = if y > 0.0 {
            (k * s1 * x / y).clamp(0.0, 1.0)
        } else {
            0.0
        };
        out.wait_answered_s = k * w * patience_s;
        out
    }

    /// P(an arriving call finds all agents busy) = P(wait > 0).
    pub fn p_wait(&self) -> f64 {
        self.p_wait
    }
    /// P(a call abandons before being answered).
    pub fn p_abandon(&self) -> f64 {
        self.p_abandon
    }
    /// Mean wait of the answered calls (ASA), seconds.
    pub fn asa_answered_s(&self) -> f64 {
        let answered = 1.0 - self.p_abandon;
        if answered <= 0.0 {
            return 0.0;
        }
        self.wait_answered_s / answered
    }
    /// Occupancy = carried load / n = A·(1 − P(abandon)) / n.
    pub fn occupancy(&self) -> f64 {
        (self.load * (1.0 - self.p_abandon) / self.agents as f64).clamp(0.0, 1.0)
    }
    /// Expected number waiting, E[queue] = λ·P(abandon)/θ.
    pub fn mean_queue_length(&self) -> f64 {
        self.y * self.p_abandon
    }
    /// P(V > t): an infinitely patient caller would wait longer than t.
    fn p_virtual_wait_exceeds(&self, t_s: f64) -> f64 {
        if self.p_wait == 0.0 {
            return 0.0;
        }
        if t_s == 0.0 {
            return self.p_wait;
        }
        let u = t_s / self.patience_s;
        let z = self.y * (-u).exp();
        let ln = self.ln_pi_n - self.x * u + self.y * (-(-u).exp_m1()) + ln_g(self.x, z);
        ln.exp().clamp(0.0, self.p_wait)
    }

    /// P(answered after waiting more than t).
    fn p_answered_after(&self, t_s: f64) -> f64 {
        if self.p_wait == 0.0 {
            return 0.0;
        }
        if t_s == 0.0 {
            return self.p_answered_after_wait;
        }
        let u = t_s / self.patience_s;
        let z = self.y * (-u).exp();
        let x = self.x;
        let ln = self.ln_pi_n + (x / (x + 1.0)).ln() + self.y * (-(-u).exp_m1()) - (x + 1.0) * u
            + ln_g(x + 1.0, z);
        ln.exp().clamp(0.0, self.p_answered_after_wait)
    }

    /// Service levels at threshold t under every definition.
    pub fn service_levels(&self, t_s: f64) -> ServiceLevels {
        let late_answered = self.p_answered_after(t_s);
        let answered_within =
            (self.p_immediate + self.p_answered_after_wait - late_answered).clamp(0.0, 1.0);
        let v_exceeds = self.p_virtual_wait_exceeds(t_s);
        // A waiting caller is answered within t, abandons within t, or is still waiting at
        // t (V > t and patience > t, independent).
        let still_waiting = v_exceeds * (-t_s / self.patience_s).exp();
        let abandoned_within =
            (self.p_wait - (self.p_answered_after_wait - late_answered) - still_waiting)
                .clamp(0.0, self.p_abandon);
        let ratio = |num: f64, den: f64| {
            if den <= 0.0 {
                1.0
            } else {
                (num / den).clamp(0.0, 1.0)
            }
        };
        ServiceLevels {
            offered: answered_within,
            answered: ratio(answered_within, 1.0 - self.p_abandon),
            virtual_wait: (1.0 - v_exceeds).clamp(0.0, 1.0),
            excluding_short_abandons: ratio(answered_within, 1.0 - abandoned_within),
        }
    }

    /// The service level at threshold t under one definition.
    pub fn service_level(&self, t_s: f64, def: SlDefinition) -> f64 {
        self.service_levels(t_s).get(def)
    }

    /// Number of agents.
    pub fn agents(&self) -> u32 {
        self.agents
    }
    /// AHT in seconds.
    pub fn aht_s(&self) -> f64 {
        self.aht_s
    }
}

// ---------------------------------------------------------------------------------------
// Staffing
// ---------------------------------------------------------------------------------------

/// "At least `fraction` of calls answered within `within_s` seconds".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SlTarget {
    /// In (0, 1).
    pub fraction: f64,
    /// ≥ 0 seconds.
    pub within_s: f64,
}

/// Staffing targets; the solver meets all that are set.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Targets {
    pub service_level: Option<SlTarget>,
    /// Which definition the service-level target uses (Erlang A; all coincide for C).
    pub sl_definition: SlDefinition,
    /// ASA ≤ this many seconds.
    pub max_asa_s: Option<f64>,
    /// Occupancy ≤ this share, in (0, 1].
    pub max_occupancy: Option<f64>,
    /// P(abandon) ≤ this, in (0, 1); Erlang A only.
    pub max_abandon: Option<f64>,
}

impl Targets {
    /// True when no target is set.
    pub fn is_empty(&self) -> bool {
        self.service_level.is_none()
            && self.max_asa_s.is_none()
            && self.max_occupancy.is_none()
            && self.max_abandon.is_none()
    }

    /// Checks every target's range.
    pub fn validate(&self) -> Result<(), ErlangError> {
        if let Some(sl) = self.service_level {
            if !(sl.fraction > 0.0 && sl.fraction < 1.0) {
                return Err(out_of_range(
                    "target_sl",
                    sl.fraction,
                    "the service-level target must be a share strictly between 0 and 1 (0% and 100%)",
                ));
            }
            check_sl_time(sl.within_s)?;
        }
        if let Some(a) = self.max_asa_s
            && !(a.is_finite() && a > 0.0)
        {
            return Err(out_of_range(
                "max_asa_s",
                a,
                "the maximum ASA must be a finite number of seconds > 0",
            ));
        }
        if let Some(o) = self.max_occupancy
            && !(o > 0.0 && o <= 1.0)
        {
            return Err(out_of_range(
                "max_occupancy",
                o,
                "the maximum occupancy must be a share in (0, 1]",
            ));
        }
        if let Some(p) = self.max_abandon
            && !(p > 0.0 && p < 1.0)
        {
            return Err(out_of_range(
                "max_abandon",
                p,
                "the maximum abandonment rate must be a share strictly between 0 and 1",
            ));
        }
        Ok(())
    }

    /// True when `m` meets every target. `m` must carry service levels at the target's
    /// threshold when a service-level target is set (as [`Queue::metrics`] gives them
    /// when called with `Some(target.within_s)`).
    pub fn met_by(&self, m: &Metrics) -> bool {
        if let Some(sl) = self.service_level {
            match (m.sl, m.service_level(self.sl_definition)) {
                (Some(at), Some(v)) if at.within_s == sl.within_s => {
                    if !(m.stable && v >= sl.fraction) {
                        return false;
                    }
                }
                _ => return false,
            }
        }
        if let Some(max) = self.max_asa_s {
            match m.asa_s {
                Some(asa) if asa <= max => {}
                _ => return false,
            }
        }
        if let Some(cap) = self.max_occupancy
            && !(m.stable && m.occupancy <= cap)
        {
            return false;
        }
        if let Some(max) = self.max_abandon {
            match m.p_abandon {
                Some(p) if p <= max => {}
                _ => return false,
            }
        }
        true
    }
}

/// The smallest number of agents meeting every target.
///
/// Erlang C: the search starts at the minimum stable n = ⌊A⌋ + 1 (below it no target can
/// be met) and walks up with one step of the inverse Erlang B recurrence per agent, testing
/// the targets without divisions and confirming with the exact metrics near the boundary,
/// so the answer is exactly the first n for which [`Queue::metrics`] meets the targets.
///
/// Erlang A: every metric is monotone in n, so a doubling search from ⌊A⌋ + 1 brackets
/// the answer and bisection finds the smallest n; Erlang A is defined for every n ≥ 1
/// (overload included), so the bracket may go down to 1.
pub fn required_agents(queue: &Queue, targets: &Targets) -> Result<u32, ErlangError> {
    targets.validate()?;
    if targets.is_empty() {
        return Err(ErlangError::NoTarget);
    }
    if queue.patience_s.is_none() && targets.max_abandon.is_some() {
        return Err(ErlangError::AbandonWithoutPatience);
    }
    let t = targets.service_level.map(|s| s.within_s);
    let meets = |n: u32| targets.met_by(&queue.metrics_unchecked(n, t));
    match queue.patience_s {
        None => walk_required_c(queue, targets),
        Some(_) => {
            // Bracket: lo fails (or is 0), hi meets.
            let mut lo = 0u32;
            let mut hi = queue.min_stable_agents().clamp(1, MAX_AGENTS);
            let mut step = 1u32;
            while !meets(hi) {
                lo = hi;
                if hi == MAX_AGENTS {
                    return Err(ErlangError::Unreachable { max: MAX_AGENTS });
                }
                hi = hi.saturating_add(step).min(MAX_AGENTS);
                step = step.saturating_mul(2);
            }
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if meets(mid) { hi = mid } else { lo = mid }
            }
            Ok(hi)
        }
    }
}

/// Erlang C walk from the minimum stable n: one step of the inverse Erlang B recurrence
/// per agent, with SL, ASA and occupancy tested by multiplications only
/// (C = n/den, den = r(n − A) + A; e = exp(−(n − A)t/AHT) updated by a constant factor).
/// Where this cheap test is not clearly failing (relative margin 1e−9, far above the
/// rounding of the walk), the exact published metrics decide, computed from the same
/// bit-identical r; so the answer equals a scan with [`Queue::metrics`].
fn walk_required_c(queue: &Queue, targets: &Targets) -> Result<u32, ErlangError> {
    let a = queue.offered_load();
    let aht_s = queue.aht_s;
    let n_min = min_stable_agents(a);
    if n_min > MAX_AGENTS {
        return Err(ErlangError::Unreachable { max: MAX_AGENTS });
    }
    // Exactly what `targets.met_by(&queue.metrics(n, t))` computes for Erlang C, without
    // the metrics no target needs.
    let exact = |n: u32, r: f64| {
        let c = if a == 0.0 {
            ErlangC::from_p_wait(n, a, aht_s, 0.0)
        } else {
            ErlangC::from_p_wait(n, a, aht_s, c_from_inv_b(n as f64, a, r))
        };
        if let Some(sl) = targets.service_level
            && !(c.stable() && c.service_level(sl.within_s) >= sl.fraction)
        {
            return false;
        }
        if let Some(max) = targets.max_asa_s {
            match c.asa_s() {
                Some(asa) if asa <= max => {}
                _ => return false,
            }
        }
        if let Some(cap) = targets.max_occupancy
            && !(c.stable() && c.occupancy() <= cap)
        {
            return false;
        }
        true
    };
    if a == 0.0 {
        return if exact(1, f64::INFINITY) {
            Ok(1)
        } else {
            Err(ErlangError::Unreachable { max: MAX_AGENTS })
        };
    }
    const MARGIN: f64 = 1.0 + 1e-9;
    let (x, t_s) = match targets.service_level {
        Some(s) => (1.0 - s.fraction, s.within_s),
        None => (1.0, 0.0),
    };
    let q = (-t_s / aht_s).exp();
    let mut e = (-(n_min as f64 - a) * t_s / aht_s).exp();
    let max_asa = targets.max_asa_s.unwrap_or(f64::INFINITY);
    let cap = targets.max_occupancy.unwrap_or(1.0);
    let inv_a = 1.0 / a;
    let (mut n, mut r) = inv_b_at_min_stable(a);
    loop {
        let nf = n as f64;
        let den = r * (nf - a) + a;
        let clearly_fails = nf * e > MARGIN * x * den
            || nf * aht_s > MARGIN * max_asa * (nf - a) * den
            || a > MARGIN * cap * nf;
        if !clearly_fails && exact(n, r) {
            return Ok(n);
        }
        if n >= MAX_AGENTS {
            return Err(ErlangError::Unreachable { max: MAX_AGENTS });
        }
        n += 1;
        r = inv_b_step(r, n, inv_a);
        e *= q;
    }
}

/// Shrinkage s ∈ [0, 1), held exactly as a whole number of billionths (s rounded to the
/// nearest 1e−9), so that scheduled heads ⌈n / (1 − s)⌉ are computed in integers:
/// 21 agents at 30% shrinkage are exactly 30 heads, not 31.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Shrinkage {
    billionths: u64,
}

impl Shrinkage {
    /// Denominator of the exact representation.
    pub const SCALE: u64 = 1_000_000_000;

    /// From a share such as 0.3, rounded to the nearest 1e−9.
    pub fn new(s: f64) -> Result<Shrinkage, ErlangError> {
        if !(s.is_finite() && (0.0..1.0).contains(&s)) {
            return Err(out_of_range(
                "shrinkage",
                s,
                "shrinkage must be a share in [0, 1), e.g. 0.3 for 30%",
            ));
        }
        let billionths = (s * Self::SCALE as f64).round() as u64;
        Self::from_billionths(billionths).ok_or_else(|| {
            out_of_range(
                "shrinkage",
                s,
                "shrinkage must be a share in [0, 1) that is below 1 at 9 decimals",
            )
        })
    }

    /// From an exact count of billionths (must be below 1e9).
    pub fn from_billionths(billionths: u64) -> Option<Shrinkage> {
        (billionths < Self::SCALE).then_some(Shrinkage { billionths })
    }

    /// The exact count of billionths.
    pub fn billionths(&self) -> u64 {
        self.billionths
    }

    /// The share as a float (for display).
    pub fn as_f64(&self) -> f64 {
        self.billionths as f64 / Self::SCALE as f64
    }
}

impl std::str::FromStr for Shrinkage {
    type Err = ErlangError;

    /// Parses a decimal share (`0.3`, `.25`) or a percentage (`30%`) exactly, digit by
    /// digit (no float rounding); at most 9 decimals of the share.
    fn from_str(text: &str) -> Result<Shrinkage, ErlangError> {
        let bad = || ErlangError::OutOfRange {
            field: "shrinkage",
            value: format!("`{text}`"),
            allowed: "shrinkage must be a share in [0, 1) such as 0.3, or a percentage below 100 such as 30%, with at most 9 decimals of the share",
        };
        let s = text.trim();
        let (digits, scale_exp) = match s.strip_suffix('%') {
            Some(p) => (p.trim(), 7u32),
            None => (s, 9u32),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if (int.is_empty() && frac.is_empty())
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || frac.len() as u32 > scale_exp
            || int.len() > 6
        {
            return Err(bad());
        }
        let int_v: u64 = if int.is_empty() {
            0
        } else {
            int.parse().map_err(|_| bad())?
        };
        let mut frac_v: u64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| bad())?
        };
        frac_v *= 10u64.pow(scale_exp - frac.len() as u32);
        let billionths = int_v * 10u64.pow(scale_exp) + frac_v;
        Shrinkage::from_billionths(billionths).ok_or_else(bad)
    }
}

/// Scheduled heads ⌈n / (1 − s)⌉ in exact integer arithmetic:
/// ⌈n·10⁹ / (10⁹ − s·10⁹)⌉ with s held in billionths.
pub fn scheduled_heads(agents: u32, shrinkage: Shrinkage) -> u64 {
    let num = agents as u128 * Shrinkage::SCALE as u128;
    let den = (Shrinkage::SCALE - shrinkage.billionths) as u128;
    num.div_ceil(den) as u64
}
