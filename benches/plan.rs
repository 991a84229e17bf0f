//! Plan bench.
//!
//! * `plan_valentines`: the full simulation-based flex plan of `scenarios/valentines.ron`
//!   (21 days × 15 minutes, two pools): analytic start, the iterative algorithm (20
//!   replications per iteration, at most 10 iterations), the fewest-heads re-covering, the
//!   fresh-seed check (100 replications), the roster-alone run (30 replications, the
//!   frontier's 0 point) and the frontier (6 more caps and the plan's own point) at 30
//!   replications each. Goal: under 30 s on 2 cores.
//!
//! Run: `cargo bench --bench plan`.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use peakplan::staffing::plan::{PlanOptions, plan};

fn plan_valentines(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/valentines.ron");
    let sc = peakplan::scenario::load(&path, &[]).expect("valentines.ron loads");
    let demand = peakplan::demand::compute(&sc).expect("demand");
    let opts = PlanOptions::for_scenario(&sc);
    let mut g = c.benchmark_group("plan_valentines");
    g.sample_size(10);
    g.bench_function("simulation_with_frontier", |b| {
        b.iter(|| black_box(plan(&sc, &demand, &opts).unwrap()))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    // No plots: criterion's plotters backend needs system fonts this project avoids.
    config = Criterion::default().without_plots();
    targets = plan_valentines
}
criterion_main!(benches);
