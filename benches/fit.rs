//! Speed of `peakplan fit` on the real data in `../shared/data/real/` (skipped when absent):
//! loading the six Anonymous Bank months (≈22 MB, 213k rows) with the estimates, and the
//! US-bank volume fit and its 4-week rolling-origin backtest (19 refits).
//!
//! Run: `cargo bench --bench fit`.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use peakplan::fit::{self, CallColumns, CountColumns, ForecastOptions, Mapping};

fn real(name: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/real")
        .join(name);
    p.exists().then_some(p)
}

fn bench_fit(c: &mut Criterion) {
    let files: Vec<PathBuf> = (1..=6)
        .filter_map(|m| real(&format!("anonymous_bank_1999_{m:02}_calls.tsv")))
        .collect();
    if files.len() == 6 {
        let mapping = Mapping::Auto(CallColumns::default());
        c.bench_function("fit_calls_anonymous_bank_6_months", |b| {
            b.iter(|| {
                let set = fit::load_calls(black_box(&files), &mapping).unwrap();
                fit::estimate(&set, 3600.0)
            })
        });
    } else {
        eprintln!("skipping fit_calls bench: ../shared/data/real is absent");
    }
    if let Some(us) = real("us_bank_2003_5min_calls.csv") {
        let series = fit::load_counts(&us, &CountColumns::default()).unwrap();
        let opts = ForecastOptions::default();
        c.bench_function("fit_counts_us_bank_fit", |b| {
            b.iter(|| fit::forecast::fit(black_box(&series), &opts, None).unwrap())
        });
        c.bench_function("fit_counts_us_bank_backtest_4w", |b| {
            b.iter(|| fit::backtest::backtest(black_box(&series), &opts, 4, 7).unwrap())
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).without_plots();
    targets = bench_fit
}
criterion_main!(benches);
