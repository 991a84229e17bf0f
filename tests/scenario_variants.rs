//! Variants (`extends`) and `--set` overrides change exactly the fields they write.
//!
//! Scenarios are compared field by field through their serde_json form: `diff` lists the
//! paths of the leaves that differ, so "changes that field only" is checked literally.

use std::path::{Path, PathBuf};

use peakplan::scenario::{
    DurationDist, Lag, Scenario, ScenarioError, load, load_str, load_with_warnings,
};
use serde_json::Value;

fn good(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/good_scenarios")
        .join(name)
}

fn load_good(name: &str, sets: &[&str]) -> Scenario {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    match load(&good(name), &sets) {
        Ok(s) => s,
        Err(e) => panic!("{name} {sets:?} should load:\n{e}"),
    }
}

/// Paths of the leaves where `a` and `b` differ (`a.b[0].c`).
fn diff(a: &Scenario, b: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    walk(
        &serde_json::to_value(a).unwrap(),
        &serde_json::to_value(b).unwrap(),
        String::new(),
        &mut out,
    );
    out
}

fn walk(a: &Value, b: &Value, here: String, out: &mut Vec<String>) {
    let join = |k: &str| {
        if here.is_empty() {
            k.to_string()
        } else {
            format!("{here}.{k}")
        }
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                match (x.get(k), y.get(k)) {
                    (Some(va), Some(vb)) => walk(va, vb, join(k), out),
                    _ => out.push(join(k)),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                walk(va, vb, format!("{here}[{i}]"), out);
            }
        }
        _ if a == b => {}
        _ => out.push(here),
    }
}

#[test]
fn loading_a_single_file_means_what_ron_reads_from_it() {
    // The loader re-emits the text it merged; for one file that must not change meaning.
    let text = std::fs::read_to_string(good("base.ron")).unwrap();
    let direct: Scenario = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(&text)
        .unwrap();
    assert_eq!(load_good("base.ron", &[]), direct);
}

#[test]
fn the_base_fixture_is_valid_without_warnings() {
    let loaded = load_with_warnings(&good("base.ron"), &[]).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.files, vec![good("base.ron")]);
}

#[test]
fn a_variant_setting_one_field_differs_from_its_base_in_that_field_only() {
    let base = load_good("base.ron", &[]);
    let variant = load_good("variant_seed.ron", &[]);
    assert_eq!(diff(&base, &variant), ["extends", "simulation.seed"]);
    assert_eq!(variant.simulation.seed, 7);
    assert_eq!(variant.extends.as_deref(), Some("base.ron"));
}

#[test]
fn structs_and_maps_merge_deeply() {
    let base = load_good("base.ron", &[]);
    let variant = load_good("variant_deep.ron", &[]);
    assert_eq!(
        diff(&base, &variant),
        [
            "calendar.interval_min",
            "extends",
            "levers.prevention.where_is_my_order",
            "name",
        ]
    );
    assert_eq!(variant.levers.prevention["where_is_my_order"], 0.4);
    assert_eq!(variant.calendar.interval_min, 15);
}

#[test]
fn extends_chains_apply_every_layer() {
    let base = load_good("base.ron", &[]);
    let loaded = load_with_warnings(&good("variant_chain.ron"), &[]).unwrap();
    assert_eq!(
        diff(&base, &loaded.scenario),
        ["extends", "simulation.replications", "simulation.seed"]
    );
    assert_eq!(loaded.scenario.simulation.replications, 50);
    assert_eq!(loaded.scenario.simulation.seed, 7);
    assert_eq!(loaded.files.len(), 3, "{:?}", loaded.files);
}

#[test]
fn lists_are_replaced_whole() {
    let variant = load_good("variant_list.ron", &[]);
    assert_eq!(variant.events.len(), 1);
    assert_eq!(variant.events[0].uplift, vec![(-3, 2.0), (0, 1.0)]);
}

#[test]
fn set_is_a_one_line_variant() {
    let via_set = load_good("base.ron", &["simulation.seed=7"]);
    let via_file = load_good("variant_seed.ron", &[]);
    assert_eq!(diff(&via_set, &via_file), ["extends"]);
}

#[test]
fn set_changes_exactly_the_field_it_names() {
    let base = load_good("base.ron", &[]);
    let cases: &[(&str, &[&str])] = &[
        (
            "flex_pools[0].max_headcount=40",
            &["agents.flex_pools[0].max_headcount"],
        ),
        (
            "agents.teams[1].shifts[0].heads=12",
            &["agents.teams[1].shifts[0].heads"],
        ),
        (
            "levers.prevention.where_is_my_order=0.5",
            &["levers.prevention.where_is_my_order"],
        ),
        // A map the file does not write is created.
        (
            "levers.deflection.payment=0.1",
            &["levers.deflection.payment"],
        ),
        // A struct the file does not write is created; its other fields keep defaults.
        (
            "behaviour.redial.probability=0.3",
            &["behaviour.redial.probability"],
        ),
        ("seed=11", &["simulation.seed"]),
        ("name=\"what-if\"", &["name"]),
        ("calendar.end=\"2027-02-20\"", &["calendar.end"]),
    ];
    for (set, want) in cases {
        let s = load_good("base.ron", &[set]);
        assert_eq!(diff(&base, &s), *want, "--set {set}");
    }
    let s = load_good("base.ron", &["flex_pools[0].max_headcount=40"]);
    assert_eq!(s.agents.flex_pools[0].max_headcount, 40);
    let s = load_good("base.ron", &["levers.deflection.payment=0.1"]);
    assert_eq!(s.levers.deflection.get("payment"), Some(&0.1));
}

#[test]
fn set_merges_into_an_enum_struct_variant_or_replaces_another_variant() {
    let s = load_good(
        "base.ron",
        &["reasons[0].handling.phone=LogNormal(cv: 2.0)"],
    );
    assert_eq!(
        s.reasons[0].handling["phone"],
        DurationDist::LogNormal {
            mean_s: 300.0,
            cv: 2.0
        }
    );
    let s = load_good("base.ron", &["reasons[0].lag=Exponential(mean_h: 10)"]);
    assert_eq!(s.reasons[0].lag, Lag::Exponential { mean_h: 10.0 });
}

#[test]
fn later_sets_win() {
    let s = load_good("base.ron", &["simulation.seed=1", "simulation.seed=2"]);
    assert_eq!(s.simulation.seed, 2);
}

#[test]
fn extends_needs_a_file() {
    let err = load_str("(extends: \"base.ron\", name: \"x\")", &[]).unwrap_err();
    let ScenarioError::Invalid(d) = err else {
        panic!("expected diagnostics")
    };
    assert_eq!(d.errors.len(), 1);
    assert_eq!(
        (
            d.errors[0].line,
            d.errors[0].column,
            d.errors[0].path.as_str()
        ),
        (1, 11, "extends")
    );
}

#[test]
fn a_missing_file_is_an_io_error() {
    let err = load(Path::new("/nonexistent/peakplan.ron"), &[]).unwrap_err();
    assert!(matches!(err, ScenarioError::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("/nonexistent/peakplan.ron"));
}

#[test]
fn defaults_naming_absent_channels_are_not_blamed_on_the_planner() {
    // Own channels without `chat`: the default patience (phone, chat) must not be an error.
    let s = load_good(
        "base.ron",
        &[
            "channels=[(name: \"phone\", kind: Live, target: (share: 0.8, within_s: 20), opening_hours: (mon: (\"08:00\", \"22:00\"))), (name: \"email\", kind: Deferred, target: (share: 0.9, within_s: 86400), opening_hours: (mon: (\"08:00\", \"22:00\")))]",
            "reasons=[(name: \"where_is_my_order\", preventable_share: 0.5, channel_mix: {\"phone\": 1.0}, handling: {\"phone\": Fixed(s: 60)})]",
            "campaigns=[]",
            "other_sources=[]",
            "agents.teams[0].channels=[\"phone\", \"email\"]",
            "flex_pools[0].channels=[\"phone\"]",
        ],
    );
    assert_eq!(s.channels.len(), 2);
    // A patience the planner writes for a channel that does not exist is an error.
    let err = load(
        &good("base.ron"),
        &["behaviour.patience.fax=Exponential(mean_s: 60)".to_string()],
    )
    .unwrap_err();
    let d = err.diagnostics().expect("diagnostics");
    assert_eq!(d.errors.len(), 1, "{d}");
    assert_eq!(d.errors[0].path, "behaviour.patience.fax");
}
