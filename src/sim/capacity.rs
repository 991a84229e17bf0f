//! The capacity model: what one scheduled head is worth, in *standard agents*.
//!
//! A standard agent is present, not on a break, and handles contacts at the reasons' own
//! handling times (`aht_factor` 1). A head of a team or pool on a shift is worth
//!
//! ```text
//! worth = (1 − absence) × (1 − in_shift) / aht_factor
//! ```
//!
//! standard agents: absence takes whole days (the simulator draws a binomial share of each
//! day's heads), in-shift shrinkage takes breaks spread over the day, and a slower agent
//! (`aht_factor` 1.3) gets through 1/1.3 of a standard agent's work. Chat agents hold up to
//! `k` chats, each slowed by `1 + slowdown × (k − 1)` at full concurrency
//! ([`chat_servers`]); the blending reserve is the number of idle agents a group keeps for
//! live contacts before it starts deferred work.
//!
//! This is the one place these factors are combined: the requirement (what the permanent
//! teams deliver), the covering (what a flex head delivers) and the simulator (which applies
//! absence, breaks and the handling-time factor to every agent of a group) all use it.

use super::model::{ChannelKind, Group};

/// The factors that turn a scheduled head into standard agents.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeadWorth {
    /// Probability a scheduled head is absent the whole day.
    pub absence: f64,
    /// Share of a present head's time on breaks and other in-shift unavailability.
    pub in_shift: f64,
    /// Handling-time multiplier (1.25 = 25% slower).
    pub aht_factor: f64,
}

impl HeadWorth {
    /// The worth of a head of a simulation group.
    pub fn of_group(g: &Group) -> HeadWorth {
        HeadWorth {
            absence: g.absence,
            in_shift: g.in_shift,
            aht_factor: g.aht_factor,
        }
    }

    /// Expected standard agents delivered by one scheduled head.
    pub fn agents(&self) -> f64 {
        let f = if self.aht_factor > 0.0 {
            self.aht_factor
        } else {
            1.0
        };
        ((1.0 - self.absence) * (1.0 - self.in_shift) / f).max(0.0)
    }

    /// Expected agents present and not on a break per scheduled head (before the
    /// handling-time factor): what a head count on duty looks like in the simulator.
    pub fn on_duty(&self) -> f64 {
        ((1.0 - self.absence) * (1.0 - self.in_shift)).max(0.0)
    }
}

/// Servers per agent on a channel and the factor by which a contact's handling time grows
/// at full concurrency: `(k, 1 + slowdown × (k − 1))` for chat, `(1, 1)` otherwise.
pub fn chat_servers(kind: ChannelKind) -> (u32, f64) {
    match kind {
        ChannelKind::Chat {
            max_concurrent,
            slowdown_per_extra,
        } => {
            let k = u32::from(max_concurrent.max(1));
            (k, 1.0 + slowdown_per_extra * f64::from(k - 1))
        }
        _ => (1, 1.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slower_absent_head_is_worth_less_than_one_agent() {
        let w = HeadWorth {
            absence: 0.07,
            in_shift: 0.25,
            aht_factor: 1.25,
        };
        // 0.93 × 0.75 / 1.25 = 0.558
        assert!((w.agents() - 0.558).abs() < 1e-12);
        assert!((w.on_duty() - 0.6975).abs() < 1e-12);
        let plain = HeadWorth {
            absence: 0.0,
            in_shift: 0.0,
            aht_factor: 1.0,
        };
        assert_eq!(plain.agents(), 1.0);
    }

    #[test]
    fn chat_servers_follow_concurrency() {
        let (k, slow) = chat_servers(ChannelKind::Chat {
            max_concurrent: 3,
            slowdown_per_extra: 0.2,
        });
        assert_eq!(k, 3);
        assert!((slow - 1.4).abs() < 1e-12);
        assert_eq!(chat_servers(ChannelKind::Live), (1, 1.0));
    }
}
