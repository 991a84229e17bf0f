//! Erlang B/C/A against independently published worked examples and against independent
//! second methods (Erlang A: birth–death law in log space, Palm's closed form with the
//! incomplete gamma function, uniformization of the tagged caller's wait).

use peakplan::erlang::{self, ErlangA, ErlangC, Queue};
use peakplan::units::SlDefinition;
use statrs::function::gamma::{gamma_lr, ln_gamma};

/// |got − want| ≤ tol.
fn close(what: &str, got: f64, want: f64, tol: f64) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got:.15}, want {want:.15} ± {tol:e} (diff {:e})",
        (got - want).abs()
    );
}

// ---------------------------------------------------------------------------------------
// Published Erlang C examples. Tolerance: half a unit of the last published digit.
// ---------------------------------------------------------------------------------------

/// CRAN package `ErlangC` 0.1.0 (Damonsoul, 2024), README/`erlang_c` documentation:
/// 100 calls per 30 min, AHT 180 s, target 20 s, 14 agents → traffic 10, wait probability
/// 0.1741319, service level 0.88835, ASA "7.83593701177724s", occupancy 0.7142857.
#[test]
fn cran_erlangc_documentation_example() {
    let q = Queue::new(100.0 / 1800.0, 180.0, None).unwrap();
    let m = q.metrics(14, Some(20.0)).unwrap();
    close("traffic", m.offered_load_erlangs, 10.0, 1e-12);
    close("P(wait)", m.p_wait, 0.1741319, 0.5e-7);
    close(
        "SL",
        m.service_level(SlDefinition::Offered).unwrap(),
        0.88835,
        0.5e-5,
    );
    close("ASA", m.asa_s.unwrap(), 7.83593701177724, 0.5e-14 * 8.0);
    close("occupancy", m.occupancy, 0.7142857, 0.5e-7);
    // The package's `calculate_agents` example: 80% within 20 s, max occupancy 85% → 14.
    let targets = erlang::Targets {
        service_level: Some(erlang::SlTarget {
            fraction: 0.8,
            within_s: 20.0,
        }),
        max_occupancy: Some(0.85),
        ..Default::default()
    };
    assert_eq!(erlang::required_agents(&q, &targets).unwrap(), 14);
}

/// pyworkforce README (PyPI 0.1.0–0.5.x, rodrigo-arenas/pyworkforce), an independent
/// implementation printing full double precision: transactions=100, interval=30,
/// aht=3 (min), asa=20/60, shrinkage=0.3, SL 0.8 → raw_positions 14, positions 20,
/// service_level 0.8883500191794669, waiting_probability 0.1741319335950498.
#[test]
fn pyworkforce_readme_example() {
    let q = Queue::new(100.0 / 1800.0, 180.0, None).unwrap();
    let m = q.metrics(14, Some(20.0)).unwrap();
    let rel = |what, got: f64, want: f64| close(what, got, want, 1e-9 * want);
    rel("P(wait)", m.p_wait, 0.1741319335950498);
    rel(
        "SL",
        m.service_level(SlDefinition::Offered).unwrap(),
        0.8883500191794669,
    );
    let targets = erlang::Targets {
        service_level: Some(erlang::SlTarget {
            fraction: 0.8,
            within_s: 20.0,
        }),
        max_occupancy: Some(0.85),
        ..Default::default()
    };
    let n = erlang::required_agents(&q, &targets).unwrap();
    assert_eq!(n, 14);
    let s: erlang::Shrinkage = "0.3".parse().unwrap();
    assert_eq!(erlang::scheduled_heads(n, s), 20);
}

/// Westbay Engineers, "The Erlang-C formula" (erlang.com/calculator/erlc): 360 calls per
/// 30 min, average call duration 4 min, 55 agents, target 15 s → traffic 48 Erlangs,
/// occupancy 0.8727, P(wait) 0.2387 (24.0%), ASA 8.184 s, service level 0.8459 (84.6%).
#[test]
fn westbay_erlang_c_page_example() {
    let q = Queue::new(360.0 / 1800.0, 240.0, None).unwrap();
    let m = q.metrics(55, Some(15.0)).unwrap();
    close("traffic", m.offered_load_erlangs, 48.0, 1e-12);
    close("occupancy", m.occupancy, 0.8727, 0.5e-4);
    close("P(wait)", m.p_wait, 0.2387, 0.5e-4);
    close("ASA", m.asa_s.unwrap(), 8.184, 0.5e-3);
    close(
        "SL",
        m.service_level(SlDefinition::Offered).unwrap(),
        0.8459,
        0.5e-4,
    );
}

/// Erlang B by the textbook sum Σ Aᵏ/k! (fine for small n) against the recurrence, and
/// the classic table value B(10, 5) = 0.01838 (Cooper 1981, Table I).
#[test]
fn erlang_b_small_cases() {
    for n in 0..40u32 {
        for &a in &[0.5, 3.0, 10.0, 25.0] {
            let mut term = 1.0f64;
            let mut sum = 1.0f64;
            for k in 1..=n {
                term *= a / k as f64;
                sum += term;
            }
            let want = term / sum;
            let got = erlang::erlang_b(n, a);
            close("B", got, want, 1e-13 * want.max(1e-300));
        }
    }
    close("B(10,5)", erlang::erlang_b(10, 5.0), 0.01838, 0.5e-5);
}

/// The fast 1/B used by Erlang C agrees with Jagerman's forward recurrence, for loads
/// where the damped start skips most of the recurrence, up to n = 20,000.
#[test]
fn inverse_b_agrees_with_forward_recurrence() {
    for &a in &[0.3, 7.0, 150.0, 999.5, 5000.0, 19_000.0] {
        let n_min = erlang::min_stable_agents(a);
        for n in [
            n_min,
            n_min + 3,
            n_min + (a.sqrt() as u32) * 2,
            20_000.max(n_min),
        ] {
            let b = erlang::erlang_b(n, a);
            let r = erlang::inv_erlang_b(n, a);
            if b > 1e-300 {
                close("B", 1.0 / r, b, 1e-12 * b);
            }
        }
    }
}

/// Unstable queues: never a probability outside [0, 1], never a panic, also for whole
/// loads (n = A), large n and zero load.
#[test]
fn unstable_and_edge_cases() {
    for &(n, a) in &[
        (10u32, 10.0),
        (5, 10.0),
        (1, 0.999_999),
        (20_000, 20_000.0),
        (1, 0.0),
    ] {
        let c = ErlangC::new(n, a, 180.0);
        let stable = (n as f64) > a;
        assert_eq!(c.stable(), stable);
        if !stable {
            assert_eq!(c.p_wait(), 1.0);
            assert_eq!(c.service_level(15.0), 0.0);
            assert_eq!(c.asa_s(), None);
            assert_eq!(c.occupancy(), 1.0);
        }
        assert!((0.0..=1.0).contains(&c.p_wait()));
    }
    let c = ErlangC::new(20_000, 19_800.0, 180.0);
    assert!(c.p_wait() > 0.0 && c.p_wait() < 1.0);
    let c = ErlangC::new(1, 0.0, 180.0);
    assert_eq!(c.p_wait(), 0.0);
    assert_eq!(c.service_level(0.0), 1.0);
}

// ---------------------------------------------------------------------------------------
// Erlang A, two independent ways.
// ---------------------------------------------------------------------------------------

/// Birth–death stationary law of M/M/n+M summed in log space, truncated where the terms
/// are below e^−60 of the maximum.
struct BirthDeath {
    p: Vec<f64>,
    n: usize,
}

impl BirthDeath {
    fn new(n: u32, lambda: f64, mu: f64, theta: f64) -> BirthDeath {
        let n = n as usize;
        let mut ln_p = vec![0.0f64];
        let mut k = 0usize;
        let mut max = 0.0f64;
        loop {
            k += 1;
            let death = if k <= n {
                k as f64 * mu
            } else {
                n as f64 * mu + (k - n) as f64 * theta
            };
            let next = ln_p[k - 1] + (lambda / death).ln();
            ln_p.push(next);
            max = max.max(next);
            if k > n && next < max - 60.0 && death > lambda {
                break;
            }
        }
        let total: f64 = ln_p.iter().map(|l| (l - max).exp()).sum();
        let ln_total = max + total.ln();
        BirthDeath {
            p: ln_p.iter().map(|l| (l - ln_total).exp()).collect(),
            n,
        }
    }
    fn p_wait(&self) -> f64 {
        self.p[self.n..].iter().sum()
    }
    fn mean_queue(&self) -> f64 {
        self.p[self.n..]
            .iter()
            .enumerate()
            .map(|(j, p)| j as f64 * p)
            .sum()
    }
}

/// Palm's closed form (Mandelbaum & Zeltyn 2007): with x = nμ/θ, y = λ/θ and
/// S = x·e^y·y^(−x)·γ(x, y) (γ the lower incomplete gamma, via statrs' regularized P),
/// P(wait) = S·E_B / (1 − E_B + S·E_B), πₙ = E_B / (1 − E_B + S·E_B),
/// P(abandon) = P(wait)·(1 − n/A) + πₙ·n/A.
fn palm_closed_form(n: u32, lambda: f64, mu: f64, theta: f64) -> (f64, f64) {
    let a = lambda / mu;
    let mut eb = 1.0f64;
    for k in 1..=n {
        eb = a * eb / (k as f64 + a * eb);
    }
    let x = n as f64 * mu / theta;
    let y = lambda / theta;
    let s = (x.ln() + y - x * y.ln() + ln_gamma(x) + gamma_lr(x, y).ln()).exp();
    let den = 1.0 - eb + s * eb;
    let p_wait = s * eb / den;
    let pi_n = eb / den;
    let nf = n as f64;
    (p_wait, p_wait * (1.0 - nf / a) + pi_n * nf / a)
}

const ERLANG_A_CASES: &[(u32, f64, f64, f64)] = &[
    // (agents, calls per second, AHT s, patience s)
    (14, 100.0 / 1800.0, 180.0, 120.0),
    (55, 0.2, 240.0, 60.0),
    (80, 500.0 / 1800.0, 300.0, 120.0),
    (60, 500.0 / 1800.0, 300.0, 120.0), // overloaded: 60 agents for 83 Erlangs
    (3, 0.01, 200.0, 30.0),
    (1, 0.05, 100.0, 500.0),
    (200, 0.7, 300.0, 400.0),
    (2000, 1990.0 / 300.0, 300.0, 120.0), // large n near critical load
];

#[test]
fn erlang_a_birth_death_vs_palm_vs_library() {
    for &(n, lambda, aht, patience) in ERLANG_A_CASES {
        let (mu, theta) = (1.0 / aht, 1.0 / patience);
        let bd = BirthDeath::new(n, lambda, mu, theta);
        let (pw_palm, pab_palm) = palm_closed_form(n, lambda, mu, theta);
        let pw_bd = bd.p_wait();
        let pab_bd = theta * bd.mean_queue() / lambda;
        let what = format!("n={n} λ={lambda} AHT={aht} θ⁻¹={patience}");
        close(
            &format!("{what}: P(wait) bd vs palm"),
            pw_bd,
            pw_palm,
            1e-10,
        );
        close(
            &format!("{what}: P(ab) bd vs palm"),
            pab_bd,
            pab_palm,
            1e-10,
        );
        let e = ErlangA::new(n, lambda * aht, aht, patience);
        close(&format!("{what}: P(wait) lib"), e.p_wait(), pw_bd, 1e-10);
        close(&format!("{what}: P(ab) lib"), e.p_abandon(), pab_bd, 1e-10);
        let busy: f64 =
            bd.p.iter()
                .enumerate()
                .map(|(k, p)| k.min(bd.n) as f64 * p)
                .sum();
        close(
            &format!("{what}: occupancy"),
            e.occupancy(),
            busy / n as f64,
            1e-10,
        );
    }
}

/// The tagged caller who finds j waiting ahead: positions j, j−1, …, 0 then service; from
/// position i the line advances at rate nμ + iθ, and the caller's own patience runs out at
/// rate `own` (θ, or 0 for the virtual wait). Returns P(served by t) and P(abandoned by t),
/// computed by uniformization of this small absorbing chain.
fn tagged(j: usize, n: f64, mu: f64, theta: f64, own: f64, t: f64) -> (f64, f64) {
    let lam = n * mu + j as f64 * theta + own;
    let mut dist = vec![0.0f64; j + 1]; // dist[i]: at position i
    dist[j] = 1.0;
    let (mut served, mut aband) = (0.0f64, 0.0f64);
    let (mut out_s, mut out_a) = (0.0f64, 0.0f64);
    // Poisson(lam·t) weights, summed in order.
    let mu_t = lam * t;
    let mut w = (-mu_t).exp();
    let mut k = 0usize;
    loop {
        // After k steps: absorbed mass so far.
        out_s += w * served;
        out_a += w * aband;
        // Past the Poisson mode the remaining weights sum to less than w·(a few).
        if k as f64 > mu_t + 1.0 && w < 1e-18 {
            break;
        }
        let mut next = vec![0.0f64; j + 1];
        for i in 0..=j {
            let adv = (n * mu + i as f64 * theta) / lam;
            let ab = own / lam;
            next[i] += dist[i] * (1.0 - adv - ab);
            if i == 0 {
                served += dist[i] * adv;
            } else {
                next[i - 1] += dist[i] * adv;
            }
            aband += dist[i] * ab;
        }
        dist = next;
        k += 1;
        w *= mu_t / k as f64;
    }
    (out_s, out_a)
}

#[test]
fn erlang_a_service_levels_vs_uniformization() {
    for &(n, lambda, aht, patience) in ERLANG_A_CASES {
        let (mu, theta) = (1.0 / aht, 1.0 / patience);
        let bd = BirthDeath::new(n, lambda, mu, theta);
        let e = ErlangA::new(n, lambda * aht, aht, patience);
        for &t in &[0.0, 5.0, 15.0, 60.0] {
            let p_imm: f64 = bd.p[..bd.n].iter().sum();
            let (mut ans, mut ab, mut virt) = (p_imm, 0.0, p_imm);
            for (j, p) in bd.p[bd.n..].iter().enumerate() {
                if *p < 1e-18 {
                    continue;
                }
                let (s, a) = tagged(j, n as f64, mu, theta, theta, t);
                ans += p * s;
                ab += p * a;
                virt += p * tagged(j, n as f64, mu, theta, 0.0, t).0;
            }
            let p_ab = theta * bd.mean_queue() / lambda;
            let sl = e.service_levels(t);
            let what = format!("n={n} λ={lambda} AHT={aht} θ⁻¹={patience} t={t}");
            close(&format!("{what}: offered"), sl.offered, ans, 1e-10);
            close(
                &format!("{what}: answered"),
                sl.answered,
                ans / (1.0 - p_ab),
                1e-10,
            );
            close(&format!("{what}: virtual"), sl.virtual_wait, virt, 1e-10);
            close(
                &format!("{what}: excl. short abandons"),
                sl.excluding_short_abandons,
                ans / (1.0 - ab),
                1e-10,
            );
        }
    }
}

/// ASA of answered calls against the Mandelbaum–Zeltyn density of the virtual wait,
/// nμπₙ·exp(−nμs + y(1 − e^(−θs))), integrated numerically: E[W·1{answered}] =
/// ∫ s·e^(−θs)·g(s) ds (composite Simpson, fine grid).
#[test]
fn erlang_a_asa_vs_quadrature() {
    for &(n, lambda, aht, patience) in ERLANG_A_CASES {
        let (mu, theta) = (1.0 / aht, 1.0 / patience);
        let bd = BirthDeath::new(n, lambda, mu, theta);
        let pi_n = bd.p[bd.n];
        let nmu = n as f64 * mu;
        let y = lambda / theta;
        let g = |s: f64| nmu * pi_n * (-nmu * s + y * (1.0 - (-theta * s).exp())).exp();
        let upper = 60.0 * patience.min(aht);
        let steps = 200_000;
        let h = upper / steps as f64;
        let mut integral = 0.0;
        for i in 0..=steps {
            let s = i as f64 * h;
            let wgt = if i == 0 || i == steps {
                1.0
            } else if i % 2 == 1 {
                4.0
            } else {
                2.0
            };
            integral += wgt * s * (-theta * s).exp() * g(s);
        }
        integral *= h / 3.0;
        let p_ab = theta * bd.mean_queue() / lambda;
        let want = integral / (1.0 - p_ab);
        let e = ErlangA::new(n, lambda * aht, aht, patience);
        close(
            &format!("n={n} ASA answered"),
            e.asa_answered_s(),
            want,
            1e-8 * want.max(1.0),
        );
    }
}

/// Erlang A → Erlang C as patience → ∞ (the abandonment effect is O(AHT/patience)).
#[test]
fn erlang_a_tends_to_erlang_c() {
    for &(n, lambda, aht) in &[(14u32, 100.0 / 1800.0, 180.0), (55, 0.2, 240.0)] {
        let a = lambda * aht;
        let c = ErlangC::new(n, a, aht);
        let e = ErlangA::new(n, a, aht, 1e8);
        close("P(wait)", e.p_wait(), c.p_wait(), 1e-5);
        close("ASA", e.asa_answered_s(), c.asa_s().unwrap(), 1e-4);
        assert!(e.p_abandon() < 1e-5);
        for def in SlDefinition::ALL {
            close(
                "SL",
                e.service_level(15.0, def),
                c.service_level(15.0),
                1e-5,
            );
        }
    }
}

/// Erlang A is defined for every n ≥ 1, deep overload and n = 20,000 included.
#[test]
fn erlang_a_overload_and_large_n() {
    let e = ErlangA::new(1, 2000.0, 300.0, 60.0);
    assert!(e.p_wait() > 0.999 && e.p_wait() <= 1.0);
    assert!(e.p_abandon() > 0.99 && e.p_abandon() <= 1.0);
    let sl = e.service_levels(15.0);
    for v in [
        sl.offered,
        sl.answered,
        sl.virtual_wait,
        sl.excluding_short_abandons,
    ] {
        assert!((0.0..=1.0).contains(&v), "{sl:?}");
    }
    let e = ErlangA::new(20_000, 19_900.0, 300.0, 120.0);
    assert!(e.p_wait() > 0.0 && e.p_wait() < 1.0);
    let sl = e.service_levels(15.0);
    assert!(sl.offered > 0.0 && sl.offered <= 1.0, "{sl:?}");
    // Large n, light load: essentially nobody waits.
    let e = ErlangA::new(20_000, 100.0, 300.0, 120.0);
    assert_eq!(e.p_wait(), 0.0);
    assert_eq!(e.service_levels(15.0).offered, 1.0);
}
