//! Staffing-solver speed: required agents for a fixed grid of 10,000 Erlang C cases.
//!
//! Grid: offered loads log-spaced from 0.1 to 2,000 Erlangs (A_i = 0.1 · 20000^(i/9999)),
//! AHT 180 s, target 80% within 20 s. The same grid is used by `benches/peers/run.sh` for
//! the Python peers. Time per solve = reported time / 10,000 (criterion also prints the
//! throughput in elements/s).
//!
//! Run: `cargo bench --bench erlang`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use peakplan::erlang::{self, Queue, SlTarget, Targets};

/// The 10,000 loads of the grid, in Erlangs.
fn grid() -> Vec<f64> {
    (0..10_000)
        .map(|i| 0.1 * 20_000f64.powf(i as f64 / 9_999.0))
        .collect()
}

fn bench(c: &mut Criterion) {
    let aht = 180.0;
    let queues: Vec<Queue> = grid()
        .into_iter()
        .map(|a| Queue::new(a / aht, aht, None).unwrap())
        .collect();
    let targets = Targets {
        service_level: Some(SlTarget {
            fraction: 0.8,
            within_s: 20.0,
        }),
        ..Default::default()
    };
    let mut group = c.benchmark_group("erlang");
    group.throughput(Throughput::Elements(queues.len() as u64));
    group.bench_function("required_agents_grid_10000_80_20", |b| {
        b.iter(|| {
            let mut total = 0u64;
            for q in &queues {
                total += erlang::required_agents(black_box(q), &targets).unwrap() as u64;
            }
            total
        })
    });
    // Erlang A (patience 120 s, 80/20 offered), a 100-case slice of the same grid.
    let queues_a: Vec<Queue> = grid()
        .into_iter()
        .step_by(100)
        .map(|a| Queue::new(a / aht, aht, Some(120.0)).unwrap())
        .collect();
    group.throughput(Throughput::Elements(queues_a.len() as u64));
    group.bench_function("required_agents_erlang_a_grid_100_80_20", |b| {
        b.iter(|| {
            let mut total = 0u64;
            for q in &queues_a {
                total += erlang::required_agents(black_box(q), &targets).unwrap() as u64;
            }
            total
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    // No plots: plotters needs system fonts that CI machines lack.
    config = Criterion::default().without_plots();
    targets = bench
}
criterion_main!(benches);
