//! Mutated scenario text never panics the loader: it returns `Ok` or `Err`, nothing else.
//!
//! Mutations of a valid file: byte changes (to RON punctuation or arbitrary bytes),
//! truncation, deletion and duplication of spans, swaps of whitespace-separated tokens, and
//! mutated `--set` overrides. A few hundred cases keep it to seconds.

use peakplan::scenario::{ScenarioError, load_str};
use proptest::prelude::*;

const BASE: &str = include_str!("good_scenarios/base.ron");
const PUNCT: &[u8] = b"()[]{}:,\"'#!/*-+.0123456789eE_ \nrSomeNone";

#[derive(Debug, Clone)]
enum Mutation {
    Byte { at: usize, to: u8 },
    Punct { at: usize, which: usize },
    Truncate { at: usize },
    Delete { at: usize, len: usize },
    Duplicate { at: usize, len: usize },
    SwapTokens { a: usize, b: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, to)| Mutation::Byte { at, to }),
        (any::<usize>(), any::<usize>()).prop_map(|(at, which)| Mutation::Punct { at, which }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapTokens { a, b }),
    ]
}

fn apply(text: &[u8], m: &Mutation) -> Vec<u8> {
    let n = text.len().max(1);
    let mut t = text.to_vec();
    match *m {
        Mutation::Byte { at, to } => {
            if !t.is_empty() {
                t[at % n] = to;
            }
        }
        Mutation::Punct { at, which } => {
            if !t.is_empty() {
                t[at % n] = PUNCT[which % PUNCT.len()];
            }
        }
        Mutation::Truncate { at } => t.truncate(at % n),
        Mutation::Delete { at, len } => {
            let a = at % n;
            let b = (a + len).min(t.len());
            t.drain(a.min(b)..b);
        }
        Mutation::Duplicate { at, len } => {
            let a = (at % n).min(t.len());
            let b = (a + len).min(t.len());
            let piece: Vec<u8> = t[a..b].to_vec();
            t.splice(b..b, piece);
        }
        Mutation::SwapTokens { a, b } => {
            let s = String::from_utf8_lossy(&t).into_owned();
            let mut tokens: Vec<&str> = s.split(' ').collect();
            let k = tokens.len();
            tokens.swap(a % k, b % k);
            t = tokens.join(" ").into_bytes();
        }
    }
    t
}

fn check(text: &str, sets: &[String]) {
    match load_str(text, sets) {
        Ok(_) => {}
        Err(ScenarioError::Invalid(d)) => {
            assert!(
                !d.errors.is_empty(),
                "an invalid scenario must name an error"
            );
            for e in &d.errors {
                assert!(e.line >= 1 && e.column >= 1, "{e}");
            }
        }
        Err(e) => panic!("load_str cannot fail with {e:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_scenarios_never_panic(ms in proptest::collection::vec(mutation(), 1..5)) {
        let mut t = BASE.as_bytes().to_vec();
        for m in &ms {
            t = apply(&t, m);
        }
        check(&String::from_utf8_lossy(&t), &[]);
    }

    #[test]
    fn mutated_overrides_never_panic(
        which in 0usize..6,
        ms in proptest::collection::vec(mutation(), 0..3),
    ) {
        let sets = [
            "agents.teams[1].shifts[0].heads=12",
            "flex_pools[0].max_headcount=40",
            "levers.prevention.where_is_my_order=0.5",
            "reasons[0].handling.phone=LogNormal(cv: 2.0)",
            "simulation.seed=7",
            "calendar=(interval_min: 60)",
        ];
        let mut t = sets[which].as_bytes().to_vec();
        for m in &ms {
            t = apply(&t, m);
        }
        check(BASE, &[String::from_utf8_lossy(&t).into_owned()]);
    }
}

#[test]
fn pathological_inputs_return_errors() {
    for text in [
        "",
        "(",
        ")",
        "\"",
        "r#\"",
        "/*",
        "#![enable(",
        "Scenario(name: \"x\", calendar: (start: \"2027-02-01\", end: \"-999999-01-01\"))",
        &"[".repeat(10_000),
        &"(a: ".repeat(10_000),
        "(events: [(name: \"e\", date: On(\"2027-02-14\"), uplift: [(2147483647, 1.0)])])",
    ] {
        check(text, &[]);
    }
    for set in [
        "",
        "=",
        "[",
        "a[99999999999999999999].b=1",
        "a.=1",
        "x=\u{0}",
        "é=1",
    ] {
        check(BASE, &[set.to_string()]);
    }
    // Extreme numbers that reach semantic validation (date arithmetic must not panic).
    let extreme = [
        "events[0].date=On(\"2027-02-14\")".to_string(),
        "events[0].uplift=[(-2147483648, 1.0), (2147483647, 1e308)]".to_string(),
        "orders.week_multipliers=[(week_of: \"9999-12-27\", multiplier: inf)]".to_string(),
        "calendar=(start: \"-009999-01-01\", end: \"9999-12-31\")".to_string(),
    ];
    check(BASE, &extreme);
    check(BASE, &extreme[..3]);
}
