//! The 6-week season workload (synthetic until `christmas.ron` can be lowered): bounded
//! memory for many replications. Peak memory is measured by hand:
//!
//! ```text
//! cargo test --release --test montecarlo_season --no-run
//! /usr/bin/time -v target/release/deps/montecarlo_season-* --ignored season_1000_replications
//! ```

mod sim_support;

use peakplan::montecarlo::{self, Config, Metric};
use peakplan::sim::Simulator;
use peakplan::units::SlDefinition;

#[test]
fn season_model_is_sane() {
    // One replication: volumes as documented, the service level neither 0 nor 1 overall.
    let m = sim_support::season_model();
    let r = Simulator::new(&m).unwrap().run(1, 0);
    let contacts = r.offered();
    assert!(contacts > 300_000 && contacts < 600_000, "{contacts}");
    let sl = r
        .channel_total(0, 0..m.intervals.len())
        .service_level(SlDefinition::Offered)
        .unwrap();
    assert!(sl > 0.3 && sl < 0.99, "{sl}");
}

#[test]
#[ignore = "memory check: see the file header"]
fn season_1000_replications() {
    let m = sim_support::season_model();
    let t = std::time::Instant::now();
    let res = montecarlo::run(&m, &Config::new(1000, 7), None).unwrap();
    eprintln!(
        "{} replications, {} contacts, {} events in {:.1} s",
        res.replications,
        res.contacts,
        res.events,
        t.elapsed().as_secs_f64()
    );
    let p = res.totals[0]
        .summary(Metric::ServiceLevel(SlDefinition::Offered))
        .unwrap();
    eprintln!("season phone SL: {p:?}");
    assert_eq!(res.replications, 1000);
}
