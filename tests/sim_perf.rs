//! The `sim_mmn` workload as a plain test binary, for peak-memory and profiling runs
//! (speed itself is measured by `cargo bench --bench sim`):
//!
//! ```text
//! cargo test --release --test tests --no-run
//! /usr/bin/time -v target/release/deps/tests-* --ignored --exact sim_perf::sim_mmn_one_million_calls
//! ```

use peakplan::sim::{Model, Simulator, Stationary};

/// M/M/90, 1,000 calls/h, AHT 300 s, 1,000,000 calls after 10,000 warm-up calls.
pub fn mmn_model() -> Model {
    let p = Stationary::markovian(1000.0, 300.0, 90, None, 20.0);
    Model::stationary(&p, 36_000.0, 1, 3_600_000.0)
}

#[test]
#[ignore = "workload for /usr/bin/time -v and perf; see the file header"]
fn sim_mmn_one_million_calls() {
    let m = mmn_model();
    let sim = Simulator::new(&m).unwrap();
    let cpu0 = thread_cpu_ns();
    let t = std::time::Instant::now();
    let r = sim.run(1, 0);
    let s = t.elapsed().as_secs_f64();
    let cpu = cpu0.and_then(|c0| thread_cpu_ns().map(|c1| (c1 - c0) as f64 / 1e9));
    let calls = r.offered();
    eprintln!(
        "{calls} calls, {} events in {s:.3} s wall: {:.2} M calls/s, {:.2} M events/s",
        r.events,
        calls as f64 / s / 1e6,
        r.events as f64 / s / 1e6
    );
    if let Some(c) = cpu {
        eprintln!(
            "thread CPU time {c:.3} s: {:.2} M calls/s, {:.2} M events/s per core",
            calls as f64 / c / 1e6,
            r.events as f64 / c / 1e6
        );
    }
    assert!(calls > 990_000 && calls < 1_030_000);
}

/// This thread's CPU time in ns (Linux `/proc/thread-self/schedstat`), so the figure is
/// per core even on a busy machine.
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
