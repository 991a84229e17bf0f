//! `sim`: one discrete-event replication of a contact centre over a calendar.
//!
//! The simulator runs on its own compiled input, [`Model`] (index-based, independent of the
//! RON scenario), and returns plain counters, [`RunMetrics`]. It never does I/O.
//!
//! * **Arrivals**: one non-homogeneous Poisson process per stream (reason × channel × tag),
//!   exact within piecewise-constant rates (inversion of the cumulative intensity), with
//!   an optional day-level Gamma(mean 1, cv) volume multiplier shared by all streams
//!   (a Poisson–gamma process).
//! * **Routing**: a contact goes to the longest-idle eligible agent (the fronts of the
//!   eligible groups' idle deques are compared: O(groups)); a freed agent takes the head of
//!   its highest-priority workable queue — channel priority, then the agent's own skill order
//!   (the first skill listed is its main one) — the oldest among equals.
//! * **Agents**: per group and interval a scheduled head count; absences are drawn per day
//!   (Binomial of the day's peak heads, the same absent share applied to every interval of
//!   the day), breaks take a share `in_shift` of present agents in every interval (error
//!   diffusion across the day so the total is exact). When the count drops, idle agents
//!   leave at once and busy agents finish the contact in hand.
//! * **Chat**: an agent holds up to `max_concurrent` chats; a chat started while the agent
//!   already holds `k` chats takes `1 + slowdown × k` times its drawn handling time.
//! * **Deferred** channels (e-mail, social): no abandonment; agents take them only while the
//!   channel is open and only when no higher-priority work waits; the backlog carries over.
//! * **Customers**: patience per channel; after abandoning a redial (probability, delay) or a
//!   channel switch; after a handling, a transfer to another skill (share) or, when not
//!   resolved (1 − FCR), a repeat contact after a delay, possibly on another channel.
//! * **Event core**: a binary heap keyed by (integer ms, sequence number); abandonment
//!   timers are cancelled lazily with generation counters; all buffers are reused, so the
//!   steady state allocates nothing.
//!
//! Randomness: replication `r` of seed `s` uses `ChaCha8Rng::seed_from_u64(s)` with
//! `set_stream(r)`, so a replication's result depends on (model, seed, r) only.

pub mod capacity;
mod dist;
mod engine;
mod event;
mod lower;
pub mod metrics;
pub mod model;

pub use capacity::{HeadWorth, chat_servers};
pub use engine::Simulator;
pub use lower::dist_from;
pub use metrics::{ChannelCell, Customers, Detail, DetailKey, GroupCell, RunMetrics, Tally};
pub use model::{
    Behaviour, Channel, ChannelKind, Dist, Group, InSystem, Interval, Model, Reason, Stationary,
    Stream, Transfer,
};

/// Why a model cannot be simulated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimError {
    /// The model is inconsistent (an index out of range, a negative rate …).
    #[error("invalid simulation model: {0}")]
    Invalid(String),
    /// The worker threads could not be started (not the input's fault).
    #[error("cannot start the simulation's threads: {0}")]
    Threads(String),
}

impl SimError {
    /// True when the model (so the user's scenario or arguments) is at fault: exit code 2.
    pub fn is_input_error(&self) -> bool {
        matches!(self, SimError::Invalid(_))
    }
}

/// Validates, compiles and runs one replication: a shorthand for
/// `Simulator::new(model)?.run(seed, replication)`.
pub fn run(model: &Model, seed: u64, replication: u64) -> Result<RunMetrics, SimError> {
    Ok(Simulator::new(model)?.run(seed, replication))
}
