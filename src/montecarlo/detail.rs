//! Handled and abandoned contacts per interval × reason × channel × tag × group, summed over
//! replications — what finance needs to charge agent time to its cause.
//!
//! Each replication logs its contacts ([`Simulator::run_detailed`]); the log is collapsed
//! to one entry per key and the entries are added into integer totals. Integer addition does
//! not depend on order, and the result is sorted by key, so the totals are byte-identical for
//! any number of threads. Memory: one chunk of collapsed replications in flight plus the
//! sparse totals (only keys that occurred), never a dense interval × reason × channel × tag ×
//! group array.

use std::collections::HashMap;

use std::ops::ControlFlow;

use crate::sim::{DetailKey, Model, RunMetrics, SimError, Simulator};

/// Totals over `replications` runs, sorted by key.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DetailTotals {
    pub replications: u32,
    /// (key, handlings started, handling time in ms), summed over replications.
    pub handled: Vec<(DetailKey, u64, u64)>,
    /// (key with `group == u16::MAX`, abandoned contacts), summed over replications.
    pub abandoned: Vec<(DetailKey, u64)>,
}

#[derive(Default)]
struct Acc {
    handled: HashMap<DetailKey, (u64, u64)>,
    abandoned: HashMap<DetailKey, u64>,
}

impl Acc {
    fn add(&mut self, o: Acc) {
        for (k, (n, ms)) in o.handled {
            let e = self.handled.entry(k).or_default();
            e.0 += n;
            e.1 += ms;
        }
        for (k, n) in o.abandoned {
            *self.abandoned.entry(k).or_default() += n;
        }
    }
}

/// One replication's contact log collapsed to one entry per key.
fn collapse(m: RunMetrics) -> Acc {
    let d = m.detail.unwrap_or_default();
    let mut acc = Acc::default();
    for (k, ms) in d.handled {
        let e = acc.handled.entry(k).or_default();
        e.0 += 1;
        e.1 += ms;
    }
    for k in d.abandoned {
        *acc.abandoned.entry(k).or_default() += 1;
    }
    acc
}

/// Runs replications `0..replications` of `model` with master `seed` (the same streams as
/// [`run`](super::run)) and sums their contact logs. `threads: None` uses rayon's global pool.
pub fn run_detail(
    model: &Model,
    replications: u32,
    seed: u64,
    threads: Option<usize>,
) -> Result<DetailTotals, SimError> {
    if replications == 0 {
        return Err(SimError::Invalid("replications must be at least 1".into()));
    }
    let sim = Simulator::new(model)?;
    let acc = super::driver::in_pool(threads, || {
        let mut total = Acc::default();
        super::driver::replicate(
            0..replications,
            super::driver::CHUNK,
            |r| collapse(sim.run_detailed(seed, u64::from(r))),
            |_, chunk| {
                for acc in chunk {
                    total.add(acc);
                }
                ControlFlow::Continue(())
            },
        );
        total
    })?;
    let mut handled: Vec<_> = acc
        .handled
        .into_iter()
        .map(|(k, (n, ms))| (k, n, ms))
        .collect();
    handled.sort_unstable_by_key(|e| e.0);
    let mut abandoned: Vec<_> = acc.abandoned.into_iter().collect();
    abandoned.sort_unstable_by_key(|e| e.0);
    Ok(DetailTotals {
        replications,
        handled,
        abandoned,
    })
}
