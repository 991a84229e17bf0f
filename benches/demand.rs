//! `cargo bench --bench demand`: the demand model on the shipped scenarios (christmas.ron is
//! the yardstick: a 31-day season at 15-minute intervals).
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use peakplan::scenario::Scenario;

fn load(name: &str) -> Scenario {
    let path = format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("shipped scenario");
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(&text)
        .expect("shipped scenario parses")
}

fn bench(c: &mut Criterion) {
    for name in ["christmas.ron", "valentines.ron"] {
        let s = load(name);
        c.bench_function(&format!("demand {name}"), |b| {
            b.iter(|| peakplan::demand::compute(black_box(&s)).expect("computes"))
        });
    }
}

criterion_group! {
    name = benches;
    // No HTML plots: plotters here has no system fonts (criterion's plots would panic).
    config = Criterion::default().without_plots();
    targets = bench
}
criterion_main!(benches);
