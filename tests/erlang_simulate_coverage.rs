//! Intervals that cover: `peakplan erlang --simulate` reports each metric with a 95% CI;
//! over a grid of Erlang C and Erlang A queues from light load to heavy overload, at the
//! default call count (100,000 observed calls per replication), those intervals must hold
//! the exact value in 90–99% of (case, metric) pairs.
//!
//! The exact values come from `peakplan::erlang` (checked elsewhere against published
//! examples and three independent Erlang A computations). The replications start in the
//! stationary state of the queue's birth–death chain (`montecarlo::stationary_law`), so the
//! replication means are unbiased and the Student-t interval over 10 replications should
//! cover about 95% of the time. With the old empty start and a warm-up, heavily loaded
//! queues are biased low; a second test measures that, so the first cannot pass by luck
//! of a grid that has no initialisation bias to remove.
//!
//! Soundness of the bounds: 216 intervals (the grid with two seeds); with independent misses
//! at 5% the count of misses has mean 10.8 and sd 3.2, so 90% coverage (21.6 misses) is
//! 3.4 sd away and 99% (2.2 misses) 2.7 sd. The metrics of one case are correlated, which
//! widens the spread by about half; the seeds are fixed (deterministic), and the longer
//! grid behind the `slow-tests` feature measures the coverage to about ±1 point.

use peakplan::erlang::Queue;
use peakplan::montecarlo::{Estimate, StationaryConfig, simulate_stationary};
use peakplan::sim::Stationary;
use peakplan::units::SlDefinition;

const TARGET_S: f64 = 20.0;

/// (agents, offered load in Erlangs, AHT s, mean patience s or None for Erlang C).
const GRID: &[(u32, f64, f64, Option<f64>)] = &[
    // Erlang C, occupancy 0.5 to 0.98.
    (2, 1.0, 180.0, None),
    (10, 5.0, 300.0, None),
    (5, 4.0, 240.0, None),
    (20, 15.0, 300.0, None),
    (50, 42.0, 180.0, None),
    (90, 83.33, 300.0, None),
    (100, 95.0, 300.0, None),
    (50, 48.0, 300.0, None),
    (200, 194.0, 240.0, None),
    (30, 29.1, 300.0, None),
    (60, 58.8, 180.0, None),
    (500, 485.0, 300.0, None),
    // Erlang A, light to heavily overloaded (load / agents up to 2).
    (10, 6.0, 300.0, Some(180.0)),
    (30, 25.0, 300.0, Some(600.0)),
    (50, 48.0, 300.0, Some(120.0)),
    (80, 83.33, 300.0, Some(120.0)), // issue #14: 500 calls / 30 min, AHT 300 s, 80 agents
    (10, 12.0, 180.0, Some(60.0)),
    (100, 110.0, 240.0, Some(300.0)),
    (200, 210.0, 300.0, Some(120.0)),
    (50, 80.0, 300.0, Some(60.0)),
    (20, 40.0, 180.0, Some(180.0)),
    (5, 10.0, 300.0, Some(30.0)),
    (150, 150.0, 300.0, Some(900.0)),
    (300, 330.0, 180.0, Some(240.0)),
];

/// Each metric's (name, estimate, exact value) of one case simulated with `cfg`.
fn case(
    n: u32,
    load: f64,
    aht: f64,
    patience: Option<f64>,
    cfg: &StationaryConfig,
) -> Vec<(&'static str, Estimate, f64)> {
    let rate_per_s = load / aht;
    let q = Queue::new(rate_per_s, aht, patience).unwrap();
    let m = q.metrics(n, Some(TARGET_S)).unwrap();
    let p = Stationary::markovian(rate_per_s * 3600.0, aht, n, patience, TARGET_S);
    let e = simulate_stationary(&p, cfg).unwrap();
    let mut out = vec![
        ("p_wait", e.p_wait, m.p_wait),
        (
            "service_level",
            e.service_level,
            m.service_level(SlDefinition::Offered).unwrap(),
        ),
        ("asa_s", e.asa_s, m.asa_s.unwrap()),
        ("occupancy", e.occupancy, m.occupancy),
    ];
    if patience.is_some() {
        out.push(("p_abandon", e.p_abandon, m.p_abandon.unwrap()));
    }
    out
}

/// Covered and total intervals over the grid, with the misses described.
fn coverage(cfg: &StationaryConfig) -> (usize, usize, Vec<String>) {
    let (mut hit, mut total, mut misses) = (0, 0, Vec::new());
    for (k, &(n, load, aht, patience)) in GRID.iter().enumerate() {
        let cfg = StationaryConfig {
            seed: cfg.seed + k as u64,
            ..cfg.clone()
        };
        for (name, est, exact) in case(n, load, aht, patience, &cfg) {
            total += 1;
            if est.ci95_low <= exact && exact <= est.ci95_high {
                hit += 1;
            } else {
                misses.push(format!(
                    "n={n} A={load} patience={patience:?} {name}: exact {exact:.5}, {:.5} [{:.5}, {:.5}]",
                    est.mean, est.ci95_low, est.ci95_high
                ));
            }
        }
    }
    (hit, total, misses)
}

/// What `erlang --simulate 10` runs: 10 replications of the default 100,000 calls.
fn cli_default(seed: u64) -> StationaryConfig {
    StationaryConfig {
        replications: 10,
        seed,
        ..StationaryConfig::default()
    }
}

#[test]
fn simulated_95_percent_intervals_cover_the_exact_values_90_to_99_percent() {
    // The grid twice, with different seeds: 216 intervals.
    let (mut hit, mut total, mut misses) = (0, 0, Vec::new());
    for seed in [2027, 3027] {
        let (h, t, m) = coverage(&cli_default(seed));
        hit += h;
        total += t;
        misses.extend(m);
    }
    let share = hit as f64 / total as f64;
    eprintln!(
        "coverage {hit}/{total} = {:.1}%; misses:\n{}",
        100.0 * share,
        misses.join("\n")
    );
    assert!(total >= 200, "{total}");
    assert!(
        (0.90..=0.99).contains(&share),
        "coverage {hit}/{total} = {:.3}; misses:\n{}",
        share,
        misses.join("\n")
    );
}

#[test]
fn the_issue_case_is_covered_at_its_own_settings() {
    // `peakplan erlang --calls 500 --interval 30m --aht 300s --agents 80 --target 80/20
    //  --patience 120s --simulate 10 --sim-calls 40000 --seed 11` missed all four metrics
    // with an empty start.
    let cfg = StationaryConfig {
        replications: 10,
        calls: 40_000,
        seed: 11,
        ..StationaryConfig::default()
    };
    let got = case(80, 500.0 * 300.0 / 1800.0, 300.0, Some(120.0), &cfg);
    for (name, est, exact) in &got {
        assert!(
            est.ci95_low <= *exact && *exact <= est.ci95_high,
            "{name}: exact {exact}, {est:?}"
        );
    }
}

/// Grand mean and its 95% CI over `reps` short replications of `calls` calls each.
fn short_runs(p: &Stationary, calls: u64, empty: bool) -> Estimate {
    let cfg = StationaryConfig {
        replications: 200,
        calls,
        seed: 5,
        warmup_calls: Some(0),
        empty_start: empty,
        ..StationaryConfig::default()
    };
    simulate_stationary(p, &cfg).unwrap().p_wait
}

#[test]
fn short_runs_from_the_stationary_law_are_unbiased_and_from_empty_are_not() {
    // The stationary start is only right if its law is: 200 replications of only a few
    // thousand calls each, no warm-up, must still average to the exact P(wait), while the
    // same runs from an empty system come out far too low. Erlang C at occupancy 0.98 and
    // the issue's overloaded Erlang A queue.
    for (n, load, aht, patience, calls) in [
        (60, 58.8, 180.0, None, 5_000),
        (80, 83.33, 300.0, Some(120.0), 2_000),
    ] {
        let exact = Queue::new(load / aht, aht, patience)
            .unwrap()
            .metrics(n, Some(TARGET_S))
            .unwrap()
            .p_wait;
        let p = Stationary::markovian(load / aht * 3600.0, aht, n, patience, TARGET_S);
        let stationary = short_runs(&p, calls, false);
        let empty = short_runs(&p, calls, true);
        eprintln!("n={n}: exact {exact:.4}; stationary {stationary:?}; empty {empty:?}");
        assert!(
            stationary.ci95_low <= exact && exact <= stationary.ci95_high,
            "n={n}: {stationary:?} vs {exact}"
        );
        assert!(empty.ci95_high < exact, "n={n}: {empty:?} vs {exact}");
    }
}

#[test]
fn the_stationary_law_sums_to_one_and_matches_erlang_c() {
    // P(N ≥ n) of the tabulated law is Erlang C's P(wait) (PASTA).
    let (n, load, aht) = (90u32, 83.33, 300.0);
    let p = Stationary::markovian(load / aht * 3600.0, aht, n, None, TARGET_S);
    let law = peakplan::montecarlo::stationary_law(&p).unwrap();
    assert_eq!(law.cdf.len(), n as usize);
    let exact = Queue::new(load / aht, aht, None)
        .unwrap()
        .metrics(n, None)
        .unwrap()
        .p_wait;
    assert!((1.0 - law.cdf[n as usize - 1] - exact).abs() < 1e-12);
    assert!((law.tail_ratio - load / f64::from(n)).abs() < 1e-12);
    // Erlang A: P(N ≥ n) is Erlang A's P(wait); the table ends at probability 1.
    let p = Stationary::markovian(load / aht * 3600.0, aht, 80, Some(120.0), TARGET_S);
    let law = peakplan::montecarlo::stationary_law(&p).unwrap();
    let exact = Queue::new(load / aht, aht, Some(120.0))
        .unwrap()
        .metrics(80, None)
        .unwrap()
        .p_wait;
    assert!(
        (1.0 - law.cdf[79] - exact).abs() < 1e-12,
        "{}",
        1.0 - law.cdf[79]
    );
    assert!((law.cdf.last().unwrap() - 1.0).abs() < 1e-12);
    assert_eq!(law.tail_ratio, 0.0);
    // Unstable Erlang C and non-exponential handling have no law.
    let unstable = Stationary::markovian(110.0 / 300.0 * 3600.0, 300.0, 100, None, 20.0);
    assert!(peakplan::montecarlo::stationary_law(&unstable).is_none());
}

#[cfg(feature = "slow-tests")]
#[test]
fn coverage_over_many_seeds_is_95_percent_within_sampling_error() {
    // 12 seeds × the grid ≈ 1,600 intervals: binomial sd about 0.55 points; the
    // correlation of metrics within a case about doubles it. Bounds: 92.5–97.5%.
    let (mut hit, mut total) = (0, 0);
    for s in 0..12 {
        let (h, t, _) = coverage(&cli_default(1000 + 100 * s));
        hit += h;
        total += t;
    }
    let share = hit as f64 / total as f64;
    eprintln!(
        "coverage over 12 seeds: {hit}/{total} = {:.2}%",
        100.0 * share
    );
    assert!((0.925..=0.975).contains(&share), "{hit}/{total}");
}
