//! Simulator benches.
//!
//! * `sim_mmn`: M/M/90, 1,000 calls/h, AHT 300 s, 1,000,000 observed calls (after 10,000
//!   warm-up calls), one replication on one thread. Reported twice, as calls/s and as
//!   events/s (criterion shows one throughput per group).
//! * `montecarlo_season`: 100 replications of `scenarios/christmas.ron` (loaded with
//!   `scenario::load`, `demand::compute`, `Model::from_scenario`; outside the timed loop)
//!   on 1 and 2 threads: the speed-up 1 → 2 threads is the ratio of the two times. The
//!   throughput is contacts (offered contacts over the 100 replications, measured once).
//!
//! Run: `cargo bench --bench sim` (or `-- sim_mmn` for one group).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use peakplan::montecarlo::{self, Config};
use peakplan::sim::{Model, Simulator, Stationary};
use std::hint::black_box;

fn mmn() -> Model {
    let p = Stationary::markovian(1000.0, 300.0, 90, None, 20.0);
    Model::stationary(&p, 36_000.0, 1, 3_600_000.0)
}

fn sim_mmn(c: &mut Criterion) {
    let m = mmn();
    let sim = Simulator::new(&m).unwrap();
    let probe = sim.run(1, 0);
    let calls = probe.cell(1, 0).offered;
    let events = probe.events;
    let mut g = c.benchmark_group("sim_mmn");
    g.sample_size(10);
    g.throughput(Throughput::Elements(calls));
    g.bench_function("calls", |b| b.iter(|| black_box(sim.run(1, 0))));
    g.throughput(Throughput::Elements(events));
    g.bench_function("events", |b| b.iter(|| black_box(sim.run(1, 0))));
    g.finish();
}

fn montecarlo_season(c: &mut Criterion) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/christmas.ron");
    let sc = peakplan::scenario::load(&path, &[]).expect("christmas.ron loads");
    let demand = peakplan::demand::compute(&sc).expect("christmas.ron demand");
    let m = Model::from_scenario(&sc, &demand).expect("christmas.ron lowers");
    let contacts = montecarlo::run(&m, &Config::new(100, 2027), None)
        .expect("christmas.ron simulates")
        .contacts;
    let mut g = c.benchmark_group("montecarlo_season");
    g.sample_size(10);
    g.throughput(Throughput::Elements(contacts));
    for threads in [1usize, 2] {
        let cfg = Config {
            threads: Some(threads),
            ..Config::new(100, 2027)
        };
        g.bench_function(format!("100_replications_{threads}_threads"), |b| {
            b.iter(|| black_box(montecarlo::run(&m, &cfg, None).unwrap()))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    // No plots: criterion's plotters backend needs system fonts this project avoids.
    config = Criterion::default().without_plots();
    targets = sim_mmn, montecarlo_season
}
criterion_main!(benches);
