//! The work budget: what a simulation will cost, estimated before it starts, so that no
//! scenario and no command-line number can make a command run for hours or allocate
//! gigabytes without being asked to (`--allow-large`).
//!
//! * **Contacts**: the expected first contacts of one replication (the sum of the model's
//!   arrival streams, as `peakplan demand` counts them) × the replications of the whole
//!   command. Redials, repeats and transfers come on top (at most
//!   `max_contacts_per_customer` per customer). The simulator handles about 4 million
//!   contacts per CPU second, so [`MAX_CONTACTS`] is a few minutes on two cores.
//! * **Memory**, an upper bound: the dense counters of the replications held at once (a
//!   chunk plus one per thread), the streaming statistics, the arrival streams, the agents,
//!   and — the worst case — every customer of a replication in the system at the same time
//!   (a centre with nobody answering and nobody hanging up), [`BYTES_PER_CUSTOMER`] each,
//!   per thread.
//!
//! Over either limit the command refuses before any work with exit code 2 and the figures;
//! `--allow-large` runs it anyway.

use super::{CellStats, TallyStats};
use crate::sim::{ChannelCell, GroupCell, Model, Tally};

/// Most simulated contacts (expected first contacts × replications) of one command.
pub const MAX_CONTACTS: f64 = 1e9;
/// Most memory (upper bound) of one command: 2 GiB.
pub const MAX_MEMORY_BYTES: f64 = 2.0 * 1024.0 * 1024.0 * 1024.0;
/// Memory per customer in the system: its slot, a queue entry, two pending events and a
/// free-list entry, with the contact log's entry (finance runs), rounded up.
pub const BYTES_PER_CUSTOMER: f64 = 160.0;
/// Replications whose counters are held at once besides one per thread (a chunk).
const CHUNK: f64 = 16.0;

/// The estimated cost of a simulation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Work {
    /// Expected first contacts of one replication.
    pub contacts_per_replication: f64,
    /// Replications (or replication equivalents) of the whole command.
    pub replications: f64,
    /// Upper bound of the memory, bytes.
    pub memory_bytes: f64,
}

impl Work {
    /// The work of `replications` replications of `model` on `threads` threads.
    pub fn of_model(model: &Model, replications: f64, threads: usize) -> Work {
        let ni = model.intervals.len() as f64;
        let nc = model.channels.len() as f64;
        let ng = model.groups.len() as f64;
        let nd = model.n_days() as f64;
        let contacts: f64 = model
            .streams
            .iter()
            .map(|s| s.expected.iter().sum::<f64>())
            .sum();
        let size = |n: usize| n as f64;
        let counters = ni * nc * size(size_of::<ChannelCell>())
            + ni * ng * size(size_of::<GroupCell>())
            + (model.reasons.len() + model.tags.len()) as f64 * size(size_of::<Tally>())
            + nd * 8.0;
        let stats = (ni + nd + 1.0) * nc * size(size_of::<CellStats>())
            + (model.reasons.len() + model.tags.len()) as f64 * size(size_of::<TallyStats>());
        let streams = model.streams.len() as f64 * (ni * 8.0 + 64.0);
        let agents: f64 = model
            .groups
            .iter()
            .map(|g| g.staff.iter().copied().max().unwrap_or(0) as f64 * 32.0 + ni * 4.0)
            .sum();
        let threads = threads.max(1) as f64;
        let per_thread = contacts * BYTES_PER_CUSTOMER + agents;
        Work {
            contacts_per_replication: contacts,
            replications,
            memory_bytes: streams
                + stats
                + counters * (CHUNK + threads).min(replications.max(1.0))
                + per_thread * threads.min(replications.max(1.0)),
        }
    }

    /// Expected first contacts of the whole command.
    pub fn contacts(&self) -> f64 {
        self.contacts_per_replication * self.replications
    }

    /// Whether the work fits the budget.
    pub fn fits(&self) -> bool {
        self.contacts() <= MAX_CONTACTS && self.memory_bytes <= MAX_MEMORY_BYTES
    }

    /// `Ok` within the budget or with `allow_large`; otherwise the refusal, naming `what`
    /// (e.g. "`peakplan simulate`") and the figures.
    pub fn check(&self, what: &str, allow_large: bool) -> Result<(), OverBudget> {
        if allow_large || self.fits() {
            return Ok(());
        }
        Err(OverBudget {
            what: what.to_string(),
            work: *self,
        })
    }
}

/// A simulation over the work budget (an input error: exit code 2).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "{what} would simulate about {contacts} contacts ({per_rep} expected contacts per replication × {reps} replications) and may need up to {mem} of memory; the work budget is {max_contacts} contacts and {max_mem}. Lower the volumes, the calendar or the replications, or pass --allow-large to run it anyway",
    contacts = big(self.work.contacts()),
    per_rep = big(self.work.contacts_per_replication),
    reps = big(self.work.replications),
    mem = bytes(self.work.memory_bytes),
    max_contacts = big(MAX_CONTACTS),
    max_mem = bytes(MAX_MEMORY_BYTES),
)]
pub struct OverBudget {
    pub what: String,
    pub work: Work,
}

impl From<OverBudget> for crate::Error {
    fn from(e: OverBudget) -> Self {
        crate::Error::Input(e.to_string())
    }
}

/// `1.2e9`-style for large counts, plain below a million.
fn big(x: f64) -> String {
    if !x.is_finite() {
        "an unbounded number of".to_string()
    } else if x >= 1e6 {
        format!("{x:.2e}")
    } else {
        format!("{}", x.round())
    }
}

/// Bytes as MB, GB or TB.
fn bytes(b: f64) -> String {
    const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
    if !b.is_finite() {
        "unbounded memory".to_string()
    } else if b >= 1024.0 * GIB {
        format!("{:.1} TB", b / (1024.0 * GIB))
    } else if b >= GIB {
        format!("{:.1} GB", b / GIB)
    } else {
        format!("{:.0} MB", (b / (1024.0 * 1024.0)).ceil())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Stationary;

    #[test]
    fn a_model_over_the_budget_is_refused_with_its_figures_unless_allowed() {
        // 1,000 calls an hour for 10 hours = 10,000 expected calls per replication.
        let m = Model::stationary(
            &Stationary::markovian(1000.0, 300.0, 90, None, 20.0),
            0.0,
            10,
            3600.0,
        );
        let w = Work::of_model(&m, 200.0, 2);
        assert!((w.contacts_per_replication - 10_000.0).abs() < 1.0);
        assert!((w.contacts() - 2e6).abs() < 200.0);
        assert!(w.fits() && w.check("x", false).is_ok());
        // 10^6 replications: 10^10 contacts.
        let w = Work::of_model(&m, 1e6, 2);
        let e = w
            .check("`peakplan simulate`", false)
            .unwrap_err()
            .to_string();
        assert!(e.contains("1.00e10 contacts"), "{e}");
        assert!(e.contains("10000 expected contacts per replication"), "{e}");
        assert!(e.contains("--allow-large"), "{e}");
        assert!(w.check("x", true).is_ok());
    }

    #[test]
    fn memory_counts_every_customer_of_a_replication_per_thread() {
        let m = Model::stationary(
            &Stationary::markovian(3.6e9, 300.0, 90, None, 20.0),
            0.0,
            1,
            3600.0,
        );
        // 3.6e9 customers per replication × 160 B: about 576 GB on one thread.
        let w = Work::of_model(&m, 1.0, 1);
        assert!(w.memory_bytes > 5.7e11 && w.memory_bytes < 6.0e11, "{w:?}");
        let e = w.check("it", false).unwrap_err().to_string();
        assert!(e.contains("GB") || e.contains("TB"), "{e}");
    }
}
