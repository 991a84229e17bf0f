//! Monte-Carlo: identical results for any thread count, streaming summaries that agree
//! with a direct computation, sequential stopping, and the stationary estimate used by
//! `peakplan erlang --simulate`.

use std::sync::Mutex;

use crate::sim_support::day_model;
use peakplan::montecarlo::{self, Config, Metric, Sequential, StationaryConfig};
use peakplan::sim::{Simulator, Stationary};
use peakplan::units::SlDefinition;

#[test]
fn results_are_identical_for_1_2_and_8_threads() {
    let m = day_model(2);
    let run = |t: usize| {
        let cfg = Config {
            threads: Some(t),
            // 3 chunks, the last one partial.
            chunk: 8,
            ..Config::new(20, 99)
        };
        montecarlo::run(&m, &cfg, None).unwrap()
    };
    let one = run(1);
    assert_eq!(one.replications, 20);
    // `PartialEq` on the whole result compares every f64 exactly (bit for bit but NaN,
    // and the accumulators hold none).
    assert_eq!(one, run(2));
    assert_eq!(one, run(8));
    // The debug rendering (what a report would print) is byte-identical too.
    assert_eq!(format!("{one:?}"), format!("{:?}", run(2)));
}

#[test]
fn streaming_summaries_match_a_direct_computation() {
    // Mean and sd of the phone service level of interval 30 over 12 replications,
    // computed from the individual runs, against the accumulated summary; below nine
    // values the quantiles are exact order statistics, the median included.
    let m = day_model(1);
    let cfg = Config {
        chunk: 5,
        ..Config::new(12, 5)
    };
    let res = montecarlo::run(&m, &cfg, None).unwrap();
    let sim = Simulator::new(&m).unwrap();
    let xs: Vec<f64> = (0..12)
        .map(|r| {
            sim.run(5, r)
                .cell(30, 0)
                .service_level(SlDefinition::Offered)
                .unwrap()
        })
        .collect();
    let mean = xs.iter().sum::<f64>() / 12.0;
    let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 11.0).sqrt();
    let s = res
        .interval(30, 0)
        .summary(Metric::ServiceLevel(SlDefinition::Offered))
        .unwrap();
    assert_eq!(s.n, 12);
    // The statistics are exactly mergeable fixed-point sums at 2^-24 (≈ 6e-8) per value
    // (montecarlo::mergeable): within that of the direct computation.
    assert!((s.mean - mean).abs() < 6e-8 && (s.sd - sd).abs() < 1e-7);
    // t(0.975, 11) = 2.200985.
    assert!((s.ci95_high - mean - 2.200_985 * sd / 12f64.sqrt()).abs() < 1e-5);
    let mut sorted = xs.clone();
    sorted.sort_by(f64::total_cmp);
    assert!(s.p5 >= sorted[0] && s.p95 <= sorted[11] && s.p5 <= s.p50 && s.p50 <= s.p95);
    // P(meets target) is the share of replications meeting 85%.
    let meets = xs.iter().filter(|&&x| x >= 0.85 - 1e-12).count() as f64 / 12.0;
    assert!((res.interval(30, 0).p_meets().unwrap().mean - meets).abs() < 1e-12);
    // Day totals: offered contacts of the day equal the sum over its intervals.
    let day_offered = res.day(0, 0).summary(Metric::Offered).unwrap().mean;
    let sum: f64 = (0..56)
        .map(|i| res.interval(i, 0).summary(Metric::Offered).unwrap().mean)
        .sum();
    assert!((day_offered - sum).abs() < 1e-6 * sum);
}

#[test]
fn sequential_mode_stops_at_the_requested_precision_and_reports_progress() {
    let m = day_model(1);
    let calls = Mutex::new(Vec::new());
    let cfg = Config {
        chunk: 4,
        sequential: Some(Sequential {
            metric: Metric::ServiceLevel(SlDefinition::Offered),
            channel: 0,
            interval: None,
            half_width: 0.02,
            min_replications: 4,
        }),
        ..Config::new(400, 1)
    };
    let progress = |done: u32, total: u32| calls.lock().unwrap().push((done, total));
    let res = montecarlo::run(&m, &cfg, Some(&progress)).unwrap();
    let hw = res.totals[0]
        .stat(Metric::ServiceLevel(SlDefinition::Offered))
        .half_width(0.95);
    assert!(hw <= 0.02, "{hw}");
    assert!(
        res.replications < 400 && res.replications % 4 == 0,
        "{}",
        res.replications
    );
    // It stopped at the first chunk that reached the precision.
    let calls = calls.into_inner().unwrap();
    assert_eq!(calls.last().unwrap().0, res.replications);
    assert_eq!(calls.len() as u32, res.replications / 4);
    assert!(calls.iter().all(|&(_, t)| t == 400));
    // One chunk fewer had not reached it (the same replications, so the same numbers).
    let earlier = montecarlo::run(
        &m,
        &Config {
            chunk: 4,
            ..Config::new(res.replications - 4, 1)
        },
        None,
    )
    .unwrap();
    let hw_before = earlier.totals[0]
        .stat(Metric::ServiceLevel(SlDefinition::Offered))
        .half_width(0.95);
    assert!(hw_before > 0.02, "{hw_before}");
}

#[test]
fn stationary_estimate_brackets_erlang_c() {
    // M/M/90, 1,000 calls/h, AHT 300 s, target 20 s: Erlang C P(wait) = 0.367289,
    // SL = 0.764501, ASA = 16.528 s, occupancy = 0.925926 (computed independently in
    // tests/sim_erlang.rs's reference; values rounded here).
    let p = Stationary::markovian(1000.0, 300.0, 90, None, 20.0);
    let cfg = StationaryConfig {
        replications: 8,
        calls: 100_000,
        seed: 3,
        ..StationaryConfig::default()
    };
    let e = montecarlo::simulate_stationary(&p, &cfg).unwrap();
    for (name, est, theory) in [
        ("p_wait", e.p_wait, 0.367289),
        ("sl", e.service_level, 0.764501),
        ("asa", e.asa_s, 16.528),
        ("occupancy", e.occupancy, 0.925926),
    ] {
        // 95% intervals: with four metrics one miss in ~5 seeds would be expected; widen
        // to 1.5 half-widths (≈ 99.5% for t with 7 df) so the check is about bias.
        let hw = (est.ci95_high - est.ci95_low) / 2.0;
        assert!(
            (est.mean - theory).abs() <= 1.5 * hw,
            "{name}: {est:?} vs {theory}"
        );
    }
    assert_eq!(e.p_abandon.mean, 0.0);
    assert!(e.calls_observed > 790_000 && e.calls_observed < 810_000);
    // One replication: batch means give a finite interval.
    let one = montecarlo::simulate_stationary(
        &p,
        &StationaryConfig {
            replications: 1,
            ..cfg
        },
    )
    .unwrap();
    assert!(one.service_level.ci95_low < one.service_level.ci95_high);
}
