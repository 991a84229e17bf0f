//! The 6-week season workload (synthetic until `christmas.ron` can be lowered): bounded
//! memory for many replications. Peak memory is measured by hand:
//!
//! ```text
//! cargo test --release --test tests --no-run
//! /usr/bin/time -v target/release/deps/tests-* --ignored --exact montecarlo_season::season_1000_replications
//! ```
//!
//! `speedup_by_cpu_time` estimates the 1 → 2 thread speed-up on a busy machine, where
//! wall-clock ratios mean little: the CPU time of the one-thread run divided by the
//! busiest thread's CPU time in the two-thread run (the wall time two idle cores would
//! need, Linux only):
//!
//! ```text
//! cargo test --release --test tests -- --ignored --nocapture montecarlo_season::speedup_by_cpu_time
//! ```

use crate::sim_support;

use peakplan::montecarlo::{self, Config, Metric};
use peakplan::sim::Simulator;
use peakplan::units::SlDefinition;

#[test]
fn season_model_is_sane() {
    // One replication: volumes as documented, the service level neither 0 nor 1 overall.
    let m = sim_support::season_model();
    let r = Simulator::new(&m).unwrap().run(1, 0);
    let contacts = r.offered();
    assert!(contacts > 300_000 && contacts < 600_000, "{contacts}");
    let sl = r
        .channel_total(0, 0..m.intervals.len())
        .service_level(SlDefinition::Offered)
        .unwrap();
    assert!(sl > 0.3 && sl < 0.99, "{sl}");
}

#[test]
#[ignore = "memory check: see the file header"]
fn season_1000_replications() {
    let m = sim_support::season_model();
    let t = std::time::Instant::now();
    let res = montecarlo::run(&m, &Config::new(1000, 7), None).unwrap();
    eprintln!(
        "{} replications, {} contacts, {} events in {:.1} s",
        res.replications,
        res.contacts,
        res.events,
        t.elapsed().as_secs_f64()
    );
    let p = res.totals[0]
        .summary(Metric::ServiceLevel(SlDefinition::Offered))
        .unwrap();
    eprintln!("season phone SL: {p:?}");
    assert_eq!(res.replications, 1000);
}

/// CPU seconds of every thread of this process, by thread id.
fn thread_cpu() -> Vec<(String, f64)> {
    let mut v = Vec::new();
    for e in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
        let p = e.path().join("schedstat");
        if let Ok(s) = std::fs::read_to_string(p) {
            let ns: f64 = s.split_whitespace().next().unwrap().parse().unwrap();
            v.push((e.file_name().to_string_lossy().into_owned(), ns / 1e9));
        }
    }
    v
}

fn busiest_delta(before: &[(String, f64)], after: &[(String, f64)]) -> (f64, f64) {
    let mut max = 0.0f64;
    let mut total = 0.0;
    for (id, t) in after {
        let t0 = before
            .iter()
            .find(|(i, _)| i == id)
            .map(|x| x.1)
            .unwrap_or(0.0);
        max = max.max(t - t0);
        total += t - t0;
    }
    (max, total)
}

#[test]
#[ignore = "speed-up estimate: see the file header"]
fn speedup_by_cpu_time() {
    let m = sim_support::season_model();
    let mut busiest = Vec::new();
    for threads in [1usize, 2] {
        let cfg = Config {
            threads: Some(threads),
            ..Config::new(100, 2027)
        };
        let before = thread_cpu();
        let t = std::time::Instant::now();
        let res = montecarlo::run(&m, &cfg, None).unwrap();
        let wall = t.elapsed().as_secs_f64();
        let (max, total) = busiest_delta(&before, &thread_cpu());
        eprintln!(
            "{threads} thread(s): {} contacts, wall {wall:.1} s, CPU total {total:.2} s, busiest thread {max:.2} s",
            res.contacts
        );
        busiest.push((max, total));
    }
    eprintln!(
        "speed-up 1 → 2 threads (CPU-time estimate): {:.2}",
        busiest[0].1 / busiest[1].0
    );
}
