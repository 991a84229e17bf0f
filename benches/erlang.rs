//! Staffing-solver speed: required agents for a fixed grid of 10,000 Erlang C cases.
//!
//! Grid: offered loads log-spaced from 0.1 to 2,000 Erlangs (A_i = 0.1 · 20000^(i/9999)),
//! AHT 180 s, target 80% within 20 s. The same grid is used by `benches/peers/run.sh` for
//! the Python peers. Time per solve = reported time / 10,000 (criterion also prints the
//! throughput in elements/s).
//!
//! Two groups: `erlang` measures wall-clock time (the usual figure); `erlang_cpu` (Linux
//! only) measures the CPU time of the benchmarking thread (CLOCK_THREAD_CPUTIME_ID), which
//! leaves out time the thread spends descheduled when other jobs share the machine.
//!
//! Run: `cargo bench --bench erlang`.

use std::hint::black_box;

use criterion::measurement::Measurement;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use peakplan::erlang::{self, Queue, SlTarget, Targets};

/// The 10,000 loads of the grid, in Erlangs.
fn grid() -> Vec<f64> {
    (0..10_000)
        .map(|i| 0.1 * 20_000f64.powf(i as f64 / 9_999.0))
        .collect()
}

fn target_80_20() -> Targets {
    Targets {
        service_level: Some(SlTarget {
            fraction: 0.8,
            within_s: 20.0,
        }),
        ..Default::default()
    }
}

fn solve_grid<M: Measurement>(c: &mut Criterion<M>, group_name: &str, with_erlang_a: bool) {
    let aht = 180.0;
    let queues: Vec<Queue> = grid()
        .into_iter()
        .map(|a| Queue::new(a / aht, aht, None).unwrap())
        .collect();
    let targets = target_80_20();
    let mut group = c.benchmark_group(group_name);
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
    if with_erlang_a {
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
    }
    group.finish();
}

fn wall(c: &mut Criterion) {
    solve_grid(c, "erlang", true);
}

#[cfg(target_os = "linux")]
mod cpu {
    //! Thread CPU time as a criterion measurement.
    use criterion::Throughput;
    use criterion::measurement::{Measurement, ValueFormatter};

    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;

    fn now_ns() -> u64 {
        let mut ts = Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid, writable timespec; the clock id is a Linux constant.
        let rc = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
        assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
    }

    pub struct ThreadCpuTime;

    impl Measurement for ThreadCpuTime {
        type Intermediate = u64;
        type Value = u64;
        fn start(&self) -> u64 {
            now_ns()
        }
        fn end(&self, start: u64) -> u64 {
            now_ns() - start
        }
        fn add(&self, a: &u64, b: &u64) -> u64 {
            a + b
        }
        fn zero(&self) -> u64 {
            0
        }
        fn to_f64(&self, v: &u64) -> f64 {
            *v as f64
        }
        fn formatter(&self) -> &dyn ValueFormatter {
            &NsFormatter
        }
    }

    struct NsFormatter;

    impl ValueFormatter for NsFormatter {
        fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
            let (factor, unit) = if typical < 1e3 {
                (1.0, "ns (cpu)")
            } else if typical < 1e6 {
                (1e-3, "µs (cpu)")
            } else if typical < 1e9 {
                (1e-6, "ms (cpu)")
            } else {
                (1e-9, "s (cpu)")
            };
            values.iter_mut().for_each(|v| *v *= factor);
            unit
        }
        fn scale_throughputs(&self, _: f64, t: &Throughput, values: &mut [f64]) -> &'static str {
            let n = match t {
                Throughput::Elements(n) | Throughput::Bytes(n) | Throughput::BytesDecimal(n) => {
                    *n as f64
                }
                _ => 1.0,
            };
            values.iter_mut().for_each(|v| *v = n * 1e9 / *v);
            "elem/s (cpu)"
        }
        fn scale_for_machines(&self, _: &mut [f64]) -> &'static str {
            "ns"
        }
    }
}

#[cfg(target_os = "linux")]
fn cpu_time(c: &mut Criterion<cpu::ThreadCpuTime>) {
    solve_grid(c, "erlang_cpu", false);
}

criterion_group! {
    name = benches;
    // No plots: plotters needs system fonts that CI machines lack.
    config = Criterion::default().without_plots();
    targets = wall
}

#[cfg(target_os = "linux")]
criterion_group! {
    name = benches_cpu;
    config = Criterion::default().without_plots().with_measurement(cpu::ThreadCpuTime);
    targets = cpu_time
}

#[cfg(target_os = "linux")]
criterion_main!(benches, benches_cpu);
#[cfg(not(target_os = "linux"))]
criterion_main!(benches);
