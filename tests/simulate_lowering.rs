//! Lowering of shipped scenarios whose demand has negative source attributions (an event
//! day below normal): every stream is a valid Poisson rate and the totals per reason,
//! channel and interval are those of the demand.

use std::path::Path;

use peakplan::sim::Model;

fn check(file: &str) -> usize {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(file);
    let sc = peakplan::scenario::load(&path, &[]).unwrap();
    let d = peakplan::demand::compute(&sc).unwrap();
    let m = Model::from_scenario(&sc, &d).unwrap_or_else(|e| panic!("{file}: {e}"));
    let (nr, nc, ni) = (d.reasons.len(), d.channels.len(), d.intervals.len());
    let mut sum = vec![0.0f64; ni * nr * nc];
    for st in &m.streams {
        for (i, &x) in st.expected.iter().enumerate() {
            assert!(x.is_finite() && x >= 0.0);
            sum[(i * nr + st.reason) * nc + st.channel] += x;
        }
    }
    let mut negative_parts = 0;
    for i in 0..ni {
        for r in 0..nr {
            for c in 0..nc {
                let want = d.total(i, r, c);
                let got = sum[(i * nr + r) * nc + c];
                assert!(
                    (got - want.max(0.0)).abs() <= 1e-9 * want.abs().max(1.0),
                    "{file}: interval {i}, {} on {}: streams {got}, demand {want}",
                    d.reasons[r],
                    d.channels[c]
                );
                negative_parts += (0..d.sources.len())
                    .filter(|&s| d.get(i, r, c, s) < 0.0)
                    .count();
            }
        }
    }
    negative_parts
}

#[test]
fn christmas_lowers_with_exact_totals_despite_negative_attributions() {
    // The test is only meaningful if the demand really has negative parts.
    assert!(check("christmas.ron") > 0);
    assert!(check("christmas_campaign_moved.ron") > 0);
    check("valentines.ron");
}
