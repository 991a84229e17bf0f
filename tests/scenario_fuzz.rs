//! Mutated scenario text never panics the loader: it returns `Ok` or `Err`, nothing else;
//! and inputs that are plainly wrong (truncated, unbalanced, absurd numbers) are refused
//! with an error, never accepted. The deeper fuzzer, through demand, the simulator and the
//! plan, is `tests/fuzz.rs`.
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

/// Like [`check`], but the input is wrong: it must be refused with at least one error.
fn check_invalid(text: &str, sets: &[String]) {
    match load_str(text, sets) {
        Err(ScenarioError::Invalid(d)) => {
            assert!(!d.errors.is_empty(), "{text:.60}: no error named");
            for e in &d.errors {
                assert!(e.line >= 1 && e.column >= 1, "{e}");
            }
        }
        Ok(_) => panic!("{text:.60} with {sets:?} was accepted; it is wrong"),
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
        check_invalid(text, &[]);
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
        check_invalid(BASE, &[set.to_string()]);
    }
    // Extreme numbers that reach semantic validation (date arithmetic must not panic).
    let extreme = [
        "events[0].date=On(\"2027-02-14\")".to_string(),
        "events[0].uplift=[(-2147483648, 1.0), (2147483647, 1e308)]".to_string(),
        "orders.week_multipliers=[(week_of: \"9999-12-27\", multiplier: inf)]".to_string(),
        "calendar=(start: \"-009999-01-01\", end: \"9999-12-31\")".to_string(),
    ];
    check_invalid(BASE, &extreme);
    check_invalid(BASE, &extreme[..3]);
    // Each extreme alone is refused too (the first is valid: it only sets up the others).
    for e in &extreme[1..] {
        check_invalid(BASE, &[extreme[0].clone(), e.clone()]);
    }
}

mod positions {
    //! The loader re-emits the text it merged; every value found in the re-emitted text must
    //! map back to where it is written in the source (this is how errors get their
    //! file:line:column).
    use peakplan::scenario::merge::{Emitted, MNode, Source};
    use peakplan::scenario::syntax::{self, FieldPath, Kind, Node, locate};
    use proptest::prelude::*;

    fn paths(node: &Node, text: &str, here: FieldPath, out: &mut Vec<FieldPath>) {
        out.push(here.clone());
        match &node.kind {
            Kind::Struct { fields, .. } => {
                for f in fields {
                    paths(&f.value, text, here.field(&f.name), out);
                }
            }
            Kind::Map(entries) => {
                for e in entries {
                    paths(&e.value, text, here.field(&e.key_name(text)), out);
                }
            }
            Kind::List(items) => {
                for (i, n) in items.iter().enumerate() {
                    paths(n, text, here.index(i), out);
                }
            }
            Kind::Tuple { name: None, items } => {
                for (i, n) in items.iter().enumerate() {
                    paths(n, text, here.index(i), out);
                }
            }
            _ => {}
        }
    }

    /// Checks the round trip for one text; returns the number of paths checked.
    fn check_round_trip(text: &str) -> usize {
        let Ok(doc) = syntax::parse_document(text) else {
            return 0;
        };
        if text.contains("Some") {
            return 0; // `Some(x)` is re-emitted as `x`: its position moves by design.
        }
        let sources = vec![Source {
            name: "t".into(),
            text: text.to_string(),
        }];
        let tree = MNode::from_node(&doc.root, 0, text);
        let emitted = Emitted::document(&sources, &doc.extensions, &tree);
        let back = syntax::parse_document(&emitted.text).expect("re-emitted text reads back");
        let mut all = Vec::new();
        paths(&doc.root, text, FieldPath::root(), &mut all);
        for p in &all {
            let (orig, m1) = locate(&doc.root, text, p);
            let (em, m2) = locate(&back.root, &emitted.text, p);
            assert_eq!(m1, m2, "{p}");
            let at = emitted.origin(em.start);
            assert_eq!((at.source, at.offset), (0, orig.start), "{p}");
        }
        all.len()
    }

    #[test]
    fn every_value_of_the_base_maps_back_to_its_position() {
        let n = check_round_trip(super::BASE);
        assert!(n > 150, "only {n} paths checked");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn mutated_texts_that_parse_map_back_too(ms in proptest::collection::vec(super::mutation(), 1..3)) {
            let mut t = super::BASE.as_bytes().to_vec();
            for m in &ms {
                t = super::apply(&t, m);
            }
            check_round_trip(&String::from_utf8_lossy(&t));
        }
    }
}
