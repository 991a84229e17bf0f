//! Fuzzing the inputs a user writes (issue #14): mutated scenario text through validation →
//! demand → a short simulation → a quick plan, and mutated CSV files through each reader
//! (`erlang --batch`, `fit --calls`, `fit --counts`) and what the command does with them.
//!
//! A deterministic mutational fuzzer (seeded ChaCha; cargo-fuzz needs a nightly compiler,
//! which CI does not have): each case takes a seed file (shipped scenarios and test files),
//! applies one to four mutations — byte flips, deletions, duplications, splices from
//! another seed, and above all replacing a number by an extreme one (0, −1, 1e-200, 1e300,
//! NaN, 2³²+1 …) or inserting a dictionary token (brackets, dates, clock times, variants)
//! so that cases get past the parser into validation and the simulator — and runs it.
//!
//! The oracles, beyond "no panic":
//! * a refused scenario names at least one error at a line and column ≥ 1;
//! * a scenario that validates has a demand, lowers to a model and compiles into a
//!   simulator (validation guarantees it: nothing after it re-checks);
//! * one replication keeps its books: per interval and channel, answered + abandoned +
//!   still waiting at the end = offered;
//! * a reader's error is an input error (exit 2), never an internal one.
//!
//! A panic or a broken oracle saves the input under `tests/fuzz_regressions/<target>/`
//! (replayed by `regressions_stay_fixed`) and fails the test.
//!
//! * `cargo test --test tests -- fuzz::` — a few hundred cases per target (seconds; the
//!   filter also picks `scenario_fuzz::`);
//! * `FUZZ_SECONDS=60 cargo test --test tests -- --ignored --exact fuzz::fuzz_for_a_while
//!   --nocapture` — each target for that long, targets side by side on one thread per core
//!   (CI: 30 s each, four targets on two cores: a minute), printing the executions (the
//!   test profile keeps overflow checks on, so an arithmetic overflow is a crash here).

use std::cell::RefCell;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::io::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use peakplan::demand::Demand;
use peakplan::scenario::{Scenario, ScenarioError};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt as _, SeedableRng};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ------------------------------------------------------------------------- the plan call

/// The one place this harness calls the plan engine (its API is being reworked: adapt it
/// here). `PlanOptions::for_scenario` with the fewest replications and no frontier.
fn quick_plan(sc: &Scenario, demand: &Demand) -> Result<(), String> {
    let mut opts = peakplan::staffing::plan::PlanOptions::for_scenario(sc);
    opts.replications = 2;
    opts.iter_replications = 1;
    opts.max_iterations = 1;
    opts.frontier = false;
    opts.frontier_replications = 1;
    match peakplan::staffing::plan::plan(sc, demand, &opts) {
        Ok(_) => Ok(()),
        Err(e) => {
            let e = peakplan::Error::from(e);
            if e.is_input_error() {
                Ok(())
            } else {
                Err(format!("the quick plan failed internally: {e}"))
            }
        }
    }
}

// ------------------------------------------------------------------------- pipelines

/// Largest expected contacts of one replication simulated here (a case must take well
/// under a second); larger ones go through everything but the run.
const SIM_CONTACTS: f64 = 150_000.0;
/// Largest expected contacts (and intervals) of one replication planned here.
const PLAN_CONTACTS: f64 = 30_000.0;
const PLAN_INTERVALS: usize = 24 * 4 * 16;

/// How far scenario cases got: refused, validated, simulated, planned.
static STAGES: [std::sync::atomic::AtomicU64; 4] = [
    std::sync::atomic::AtomicU64::new(0),
    std::sync::atomic::AtomicU64::new(0),
    std::sync::atomic::AtomicU64::new(0),
    std::sync::atomic::AtomicU64::new(0),
];

fn stage(k: usize) {
    STAGES[k].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

fn scenario_pipeline(bytes: &[u8]) -> Result<bool, String> {
    let text = String::from_utf8_lossy(bytes);
    let sc = match peakplan::scenario::load_str(&text, &[]) {
        Ok(sc) => sc,
        Err(ScenarioError::Invalid(d)) => {
            if d.errors.is_empty() {
                return Err("refused without naming an error".into());
            }
            if let Some(e) = d.errors.iter().find(|e| e.line == 0 || e.column == 0) {
                return Err(format!("an error without a position: {e}"));
            }
            stage(0);
            return Ok(false);
        }
        Err(e) => return Err(format!("load_str failed with {e}")),
    };
    stage(1);
    let demand = peakplan::demand::compute(&sc)
        .map_err(|e| format!("a validated scenario has no demand: {e}"))?;
    let model = peakplan::sim::Model::from_scenario(&sc, &demand)
        .map_err(|e| format!("a validated scenario does not lower: {e}"))?;
    let sim = peakplan::sim::Simulator::new(&model)
        .map_err(|e| format!("a validated model does not compile: {e}"))?;
    let work = peakplan::montecarlo::budget::Work::of_model(&model, 1.0, 1);
    // (NaN never happens: the model's streams are validated finite.)
    if work.contacts_per_replication > SIM_CONTACTS {
        return Ok(true);
    }
    stage(2);
    let m = sim.run(sc.simulation.seed, 0);
    for (k, c) in m.cells.iter().enumerate() {
        if c.answered + c.abandoned + c.unanswered_end != c.offered {
            return Err(format!(
                "cell {k}: answered {} + abandoned {} + waiting {} ≠ offered {}",
                c.answered, c.abandoned, c.unanswered_end, c.offered
            ));
        }
    }
    if work.contacts_per_replication <= PLAN_CONTACTS && model.intervals.len() <= PLAN_INTERVALS {
        stage(3);
        quick_plan(&sc, &demand)?;
    }
    Ok(true)
}

/// Writes `bytes` to a temporary file with `suffix` (the readers take paths).
fn temp_file(bytes: &[u8], suffix: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new().suffix(suffix).tempfile().unwrap();
    f.write_all(bytes).unwrap();
    f.flush().unwrap();
    f
}

fn input_error(what: &str, e: &peakplan::Error) -> Result<bool, String> {
    if e.is_input_error() {
        Ok(false)
    } else {
        Err(format!("{what}: not an input error: {e}"))
    }
}

/// `peakplan erlang --batch FILE --format csv`, computed and rendered.
fn batch_pipeline(bytes: &[u8]) -> Result<bool, String> {
    use peakplan::report::erlang_calc::{self, Format};
    let cases = match erlang_calc::read_batch_from(
        bytes,
        "batch.csv",
        peakplan::units::SlDefinition::Offered,
    ) {
        Ok(c) => c,
        Err(e) => return input_error("read_batch", &e),
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    match peakplan::app::erlang::run(&cases, true, Format::Csv, None, &mut out, &mut err) {
        Ok(()) => Ok(true),
        Err(e) => input_error("erlang batch", &e),
    }
}

/// `peakplan fit --calls FILE --per-day --intervals-out …` and a short replay.
fn calls_pipeline(bytes: &[u8]) -> Result<bool, String> {
    use peakplan::fit::{self, CallColumns, Mapping};
    let f = temp_file(bytes, ".csv");
    let mut read = false;
    for mapping in [
        Mapping::Auto(CallColumns::default()),
        Mapping::Fixed(CallColumns::anonymous_bank()),
    ] {
        let set = match fit::load_calls(&[f.path()], &mapping) {
            Ok(s) => s,
            Err(e) => {
                input_error("load_calls", &e)?;
                continue;
            }
        };
        read |= !set.records.is_empty();
        let est = fit::estimate(&set, 3600.0);
        let _ = fit::estimate::daily_observed(&set);
        match fit::estimate::checked_interval_table(&set, 15) {
            Ok(rows) => {
                let _ = fit::estimate::interval_csv(&rows);
            }
            Err(e) => {
                input_error("interval table", &e)?;
            }
        }
        if let Err(e) = fit::render::calls_fragment(&est, "phone") {
            input_error("calls fragment", &e)?;
        }
        let _ = fit::render::calls_table(&est, &set);
        let _ = fit::render::calls_json(&est);
        // A replay of the first week with calls, small enough to run here.
        if let Some(first) = set.records.iter().map(|r| r.date).min()
            && set.records.len() <= 50_000
        {
            let last = first.saturating_add(jiff::Span::new().days(6));
            if let Err(e) = fit::replay::replay(&set, &est, first, last, 2, 1) {
                input_error("replay", &e)?;
            }
        }
    }
    Ok(read)
}

/// The one place this harness calls the counts fit (being reworked: adapt it here):
/// `peakplan fit --counts FILE --holdout 1w`.
fn counts_pipeline(bytes: &[u8]) -> Result<bool, String> {
    use peakplan::fit::{self, CountColumns};
    let f = temp_file(bytes, ".csv");
    if let Err(e) = fit::load_counts(f.path(), &CountColumns::default()) {
        return input_error("load_counts", &e);
    }
    let req = fit::CountsRequest {
        events: vec!["peak=2003-05-05".into()],
        event_window: "-3..1".into(),
        holdout: Some("1w".into()),
        horizon_days: 7,
        monthly_harmonics: 2,
        halflife_weeks: None,
        residual: fit::forecast::ResidualModel::Smoothing,
        holidays: vec![],
        robust: true,
        spread: fit::forecast::Spread::Robust,
        lead_spread: fit::forecast::LeadSpread::Empirical,
        profile_channel: "phone".into(),
        out: None,
        extends: None,
        json: false,
    };
    match peakplan::app::fit::counts(f.path(), &CountColumns::default(), &req) {
        Ok(_) => Ok(true),
        Err(e) => input_error("fit --counts", &e),
    }
}

// ------------------------------------------------------------------------- targets

struct Target {
    name: &'static str,
    ext: &'static str,
    seeds: fn() -> Vec<Vec<u8>>,
    /// `Ok(true)`: the input got past the reader (worth mutating further).
    run: fn(&[u8]) -> Result<bool, String>,
}

fn read(p: &str) -> Vec<u8> {
    std::fs::read(root().join(p)).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn scenario_seeds() -> Vec<Vec<u8>> {
    [
        "tests/plan_scenarios/flat.ron",
        "tests/plan_scenarios/ramp.ron",
        "tests/plan_scenarios/abandon.ron",
        "tests/cost_scenarios/small.ron",
        "tests/good_scenarios/base.ron",
        "scenarios/valentines.ron",
        "scenarios/baseline.ron",
    ]
    .iter()
    .map(|p| read(p))
    .collect()
}

fn batch_seeds() -> Vec<Vec<u8>> {
    vec![
        b"calls,interval_s,aht_s,agents,target_s,target_sl,shrinkage,patience_s,max_abandon\n\
          100,1800,180,14,20,0.8,,,\n100,1800,180,,15,0.85,0.3,,\n\
          500,1800,300,,15,0.85,,120,0.05\n100,1800,180,9,,,,,\n"
            .to_vec(),
        b"calls,interval_s,aht_s,max_occupancy,max_asa_s\n720,3600,240,0.85,20\n".to_vec(),
    ]
}

fn calls_seeds() -> Vec<Vec<u8>> {
    let cut = read("tests/data/anonymous_bank_1999_05_16_31_calls.tsv");
    // The first 300 lines of the real cut: big enough for every estimator, fast to run.
    let head: Vec<u8> = cut
        .split(|&b| b == b'\n')
        .take(300)
        .flat_map(|l| l.iter().copied().chain([b'\n']))
        .collect();
    vec![
        head,
        read("tests/data/calls_tiny.csv"),
        read("tests/data/calls_date_span.csv"),
    ]
}

fn counts_seeds() -> Vec<Vec<u8>> {
    // Five weeks of hourly counts, weekdays 08–18, with a weekly shape.
    let mut s = String::from("interval_start,calls\n");
    let start = jiff::civil::date(2003, 4, 7);
    for d in 0..35 {
        let date = start.saturating_add(jiff::Span::new().days(d));
        if date.weekday().to_monday_zero_offset() >= 5 {
            continue;
        }
        for h in 8..18 {
            let v = 40 + 10 * (d % 5) + 3 * (h - 8) + (d * 7 + h) % 11;
            s.push_str(&format!("{date}T{h:02}:00,{v}\n"));
        }
    }
    vec![s.into_bytes()]
}

const TARGETS: &[Target] = &[
    Target {
        name: "scenario",
        ext: "ron",
        seeds: scenario_seeds,
        run: scenario_pipeline,
    },
    Target {
        name: "erlang_batch",
        ext: "csv",
        seeds: batch_seeds,
        run: batch_pipeline,
    },
    Target {
        name: "fit_calls",
        ext: "csv",
        seeds: calls_seeds,
        run: calls_pipeline,
    },
    Target {
        name: "fit_counts",
        ext: "csv",
        seeds: counts_seeds,
        run: counts_pipeline,
    },
];

// ------------------------------------------------------------------------- mutation

const EXTREMES: &[&str] = &[
    "0",
    "-1",
    "1",
    "0.5",
    "1e-200",
    "1e-160",
    "1e300",
    "1e9",
    "1e12",
    "-1e300",
    "NaN",
    "inf",
    "-inf",
    "4294967295",
    "4294967297",
    "18446744073709551616",
    "2147483648",
    "1e-6",
    "1e-3",
    "0.000001",
    "65536",
    "16777217",
    "3.0",
    "10",
    "100",
    "1000",
    "-0",
];

const TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\"",
    "\n",
    "//",
    "/*",
    "*/",
    "r#\"",
    "'",
    "\"2027-02-29\"",
    "\"0001-01-01\"",
    "\"9999-12-31\"",
    "\"24:00\"",
    "\"23:59\"",
    "\"00:00\"",
    "2027-02-14",
    "08:00",
    "3h",
    "15s",
    "85%",
    "Some(",
    "None",
    "Days([",
    "Fixed(s: 0)",
    "LogNormal(mean_s: 1e-9, cv: 1e9)",
    "Gamma(mean_s: 300, cv: 1e-200)",
    "Exponential(mean_s: 1e300)",
    "Empirical([])",
    "Empirical([(1e300, 1.0)])",
    "On(\"2027-02-14\")",
    "Chat",
    "Deferred",
    "Live",
    "FollowsOrder",
    "interval_min: 1,",
    "heads: 99999,",
    "volume_cv: 1e-200,",
    "x: 1,",
    "extends: \"a.ron\",",
    "\t",
    ";",
    "é",
    "\u{0}",
    ",,",
    "AGENT",
    "HANG",
    "PHANTOM",
    "0:00:00",
    "99:99:99",
    "990231",
    "999999",
    "answered",
    "abandoned",
    "2003-02-30T25:61",
];

/// A byte range of `t` that is one number (digits, sign, point, exponent), if any.
fn number_at(t: &[u8], from: usize) -> Option<(usize, usize)> {
    let n = t.len();
    let mut i = from;
    while i < n && !t[i].is_ascii_digit() {
        i += 1;
    }
    if i >= n {
        return None;
    }
    let mut a = i;
    while a > 0 && (t[a - 1] == b'-' || t[a - 1] == b'.') {
        a -= 1;
    }
    let mut b = i;
    while b < n && (t[b].is_ascii_digit() || matches!(t[b], b'.' | b'e' | b'E' | b'-' | b'+')) {
        b += 1;
    }
    Some((a, b))
}

fn mutate(rng: &mut ChaCha8Rng, seeds: &[Vec<u8>], base: &[u8]) -> Vec<u8> {
    let mut t = base.to_vec();
    let rounds = match rng.random_range(0..100) {
        0..=59 => 1,
        60..=84 => 2,
        _ => rng.random_range(3..=4),
    };
    for _ in 0..rounds {
        let n = t.len().max(1);
        let at = rng.random_range(0..n).min(t.len());
        match rng.random_range(0..100) {
            // Replace a number by an extreme one: the mutation that reaches validation and
            // the simulator.
            0..=44 => {
                if let Some((a, b)) = number_at(&t, at) {
                    let x = if rng.random_bool(0.5) {
                        EXTREMES[rng.random_range(0..EXTREMES.len())].to_string()
                    } else {
                        // A plausible change: the number scaled, as a planner would.
                        let v: f64 = std::str::from_utf8(&t[a..b])
                            .ok()
                            .and_then(|s| s.parse().ok())
                            .unwrap_or(1.0);
                        let f = [0.0, 0.1, 0.5, 2.0, 3.0, 10.0][rng.random_range(0..6)];
                        let y = v * f;
                        if y.fract() == 0.0 && y.abs() < 1e15 {
                            format!("{}", y as i64)
                        } else {
                            format!("{y}")
                        }
                    };
                    t.splice(a..b, x.bytes());
                }
            }
            45..=59 => {
                let tok = TOKENS[rng.random_range(0..TOKENS.len())];
                t.splice(at..at, tok.bytes());
            }
            60..=67 => {
                let len = rng.random_range(1..=24);
                let b = (at + len).min(t.len());
                t.drain(at..b);
            }
            68..=75 => {
                let len = rng.random_range(1..=64);
                let b = (at + len).min(t.len());
                let piece = t[at..b].to_vec();
                t.splice(b..b, piece);
            }
            76..=83 => {
                if !t.is_empty() {
                    let i = at.min(t.len() - 1);
                    t[i] = rng.random::<u8>();
                }
            }
            84..=91 => {
                // Splice a line from another seed.
                let other = &seeds[rng.random_range(0..seeds.len())];
                let lines: Vec<&[u8]> = other.split(|&b| b == b'\n').collect();
                let line = lines[rng.random_range(0..lines.len())];
                let mut piece = line.to_vec();
                piece.push(b'\n');
                t.splice(at..at, piece);
            }
            _ => {
                // Delete or duplicate a whole line.
                let start = t[..at]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |k| k + 1);
                let end = t[at..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(t.len(), |k| at + k + 1);
                if rng.random_bool(0.5) {
                    t.drain(start..end);
                } else {
                    let piece = t[start..end].to_vec();
                    t.splice(end..end, piece);
                }
            }
        }
    }
    t
}

// ------------------------------------------------------------------------- the loop

thread_local! {
    /// The message of this thread's last panic, for the failure report (panics still print
    /// as usual). Per thread: the targets of `fuzz_for_a_while` run side by side, and the
    /// other tests of the binary panic on their own threads.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn record_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = LAST_PANIC.try_with(|p| *p.borrow_mut() = Some(format!("{info}")));
            previous(info);
        }));
    });
}

/// Runs one input; `Err` describes a panic or a broken oracle.
fn run_one(t: &Target, input: &[u8]) -> Result<bool, String> {
    match catch_unwind(AssertUnwindSafe(|| (t.run)(input))) {
        Ok(r) => r,
        Err(_) => Err(format!(
            "panic: {}",
            LAST_PANIC.with(|p| p.borrow().clone()).unwrap_or_default()
        )),
    }
}

fn regression_dir(t: &Target) -> PathBuf {
    root().join("tests/fuzz_regressions").join(t.name)
}

/// Saves a failing input; returns its path.
fn save(t: &Target, input: &[u8]) -> PathBuf {
    let mut h = DefaultHasher::new();
    input.hash(&mut h);
    let dir = regression_dir(t);
    let _ = std::fs::create_dir_all(&dir);
    let p = dir.join(format!("crash-{:016x}.{}", h.finish(), t.ext));
    let _ = std::fs::write(&p, input);
    p
}

struct Stats {
    executions: u64,
    slowest: Duration,
}

/// Fuzzes `t` for `cases` cases or until `deadline`, from RNG seed `seed`.
fn fuzz(t: &Target, seed: u64, cases: u64, deadline: Option<Instant>) -> Stats {
    record_panics();
    let seeds = (t.seeds)();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut stats = Stats {
        executions: 0,
        slowest: Duration::ZERO,
    };
    // Every seed as it is first: they must pass.
    for s in &seeds {
        if let Err(e) = run_one(t, s) {
            panic!("{}: a seed fails: {e}", t.name);
        }
    }
    // The corpus grows with inputs that got past the parser, so later mutations go deeper.
    let mut corpus = seeds.clone();
    while stats.executions < cases && deadline.is_none_or(|d| Instant::now() < d) {
        let base = corpus[rng.random_range(0..corpus.len())].clone();
        let input = mutate(&mut rng, &seeds, &base);
        let started = Instant::now();
        let r = run_one(t, &input);
        stats.slowest = stats.slowest.max(started.elapsed());
        stats.executions += 1;
        let deep = match r {
            Ok(deep) => deep,
            Err(e) => {
                let p = save(t, &input);
                panic!(
                    "{} after {} executions: {e}\n(input saved as {})",
                    t.name,
                    stats.executions,
                    p.display()
                );
            }
        };
        // Inputs that got past the reader join the corpus (bounded, replacing at random),
        // so later mutations start deeper.
        if deep && rng.random_bool(0.2) {
            if corpus.len() < 300 {
                corpus.push(input);
            } else {
                let k = rng.random_range(seeds.len()..corpus.len());
                corpus[k] = input;
            }
        }
    }
    stats
}

fn target(name: &str) -> &'static Target {
    TARGETS.iter().find(|t| t.name == name).unwrap()
}

// ------------------------------------------------------------------------- tests

#[test]
fn regressions_stay_fixed() {
    // Every input the fuzzer (or a person) found breaking something, replayed.
    let mut n = 0;
    for t in TARGETS {
        let Ok(rd) = std::fs::read_dir(regression_dir(t)) else {
            continue;
        };
        for e in rd.flatten() {
            let input = std::fs::read(e.path()).unwrap();
            record_panics();
            let r = run_one(t, &input);
            if let Err(msg) = r {
                panic!("{}: {msg}", e.path().display());
            }
            n += 1;
        }
    }
    assert!(
        n >= 1,
        "no regression files found under tests/fuzz_regressions/"
    );
}

#[test]
fn scenario_text_fuzz_short() {
    fuzz(target("scenario"), 1, 150, None);
}

#[test]
fn erlang_batch_fuzz_short() {
    fuzz(target("erlang_batch"), 2, 400, None);
}

#[test]
fn fit_calls_fuzz_short() {
    fuzz(target("fit_calls"), 3, 150, None);
}

#[test]
fn fit_counts_fuzz_short() {
    fuzz(target("fit_counts"), 4, 150, None);
}

/// The bounded run: `FUZZ_SECONDS` (default 30) per target, or only `FUZZ_TARGET`; the RNG
/// seed is `FUZZ_SEED` (default: the clock, printed, so a failure can be replayed). The
/// targets run side by side on `FUZZ_JOBS` threads (default: one per core), each for its
/// full `FUZZ_SECONDS` on a thread of its own.
#[test]
#[ignore = "long: FUZZ_SECONDS=60 cargo test --test tests -- --ignored --exact fuzz::fuzz_for_a_while --nocapture"]
fn fuzz_for_a_while() {
    let secs: u64 = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        });
    let only = std::env::var("FUZZ_TARGET").ok();
    let targets: Vec<&Target> = TARGETS
        .iter()
        .filter(|t| only.as_deref().is_none_or(|o| o == t.name))
        .collect();
    let jobs: usize = std::env::var("FUZZ_JOBS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, targets.len().max(1));
    let next = AtomicUsize::new(0);
    let run = |t: &Target| {
        let s = fuzz(
            t,
            seed,
            u64::MAX,
            Some(Instant::now() + Duration::from_secs(secs)),
        );
        println!(
            "fuzz {}: {} executions in {secs} s (FUZZ_SEED={seed}), none crashed; slowest case {:.2} s",
            t.name,
            s.executions,
            s.slowest.as_secs_f64()
        );
        if t.name == "scenario" {
            let n = |k: usize| STAGES[k].load(Ordering::Relaxed);
            println!(
                "  scenario stages: {} refused by validation, {} validated, {} simulated, {} planned",
                n(0),
                n(1),
                n(2),
                n(3)
            );
        }
    };
    // A crash panics its thread (the panic names the target and the saved input); the
    // other threads finish their targets, then the test fails.
    let crashed = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..jobs)
            .map(|_| {
                scope.spawn(|| {
                    while let Some(t) = targets.get(next.fetch_add(1, Ordering::Relaxed)) {
                        run(t);
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join())
            .filter(Result::is_err)
            .count()
    });
    assert_eq!(
        crashed, 0,
        "a fuzz target crashed (FUZZ_SEED={seed}): see above"
    );
}

#[test]
fn mutations_reach_every_stage() {
    // The fuzzer is only worth its time if mutated scenarios get past validation into the
    // simulator and the plan: count how far 150 cases of the default run get.
    record_panics();
    let seeds = scenario_seeds();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let (mut valid, mut total) = (0, 0);
    for _ in 0..150 {
        let base = seeds[rng.random_range(0..seeds.len())].clone();
        let input = mutate(&mut rng, &seeds, &base);
        total += 1;
        if peakplan::scenario::load_str(&String::from_utf8_lossy(&input), &[]).is_ok() {
            valid += 1;
        }
    }
    assert!(
        valid * 10 >= total,
        "only {valid} of {total} mutated scenarios validate: the fuzzer no longer reaches the simulator"
    );
    assert!(valid < total, "no mutation was refused");
}
