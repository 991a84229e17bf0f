//! The seed policy, in one place. A command's master seed `s` (the scenario's
//! `simulation.seed`, default [`DEFAULT`], or `--seed`) drives everything; each use of
//! replications takes its own offset so that no two of them share random numbers by accident:
//!
//! | offset | used by |
//! |---|---|
//! | `s` | `simulate`'s replications; the plan's iteration rounds |
//! | `s + 1` ([`check`]) | the plan's fresh-seed check, the permanent roster alone, and `run`'s simulation of the planned roster (the same runs as the check) |
//! | `s + 2` ([`frontier`]) | every frontier point (common random numbers across points), fresh against the check that re-checks the chosen one |
//! | `s + k × 1,000,003` ([`pair`]) | pair `k` of the cost analysis' re-plans (`cost::analysis`) |
//!
//! Replication `r` of a seed always draws from its own stream `r` ([`crate::sim`]), whoever
//! runs it and on however many threads.

/// The default master seed (`simulation.seed`).
pub const DEFAULT: u64 = crate::scenario::DEFAULT_SEED;

/// The seed of the fresh-seed check of a plan (and of `run`'s simulation of it).
pub fn check(seed: u64) -> u64 {
    seed.wrapping_add(1)
}

/// The seed every frontier point shares.
pub fn frontier(seed: u64) -> u64 {
    seed.wrapping_add(2)
}

/// The seed of pair `k` of the cost analysis' re-plans.
pub fn pair(seed: u64, k: u32) -> u64 {
    seed.wrapping_add(u64::from(k).wrapping_mul(1_000_003))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_offsets_differ_and_wrap() {
        let s = 7;
        assert_ne!(super::check(s), s);
        assert_ne!(super::frontier(s), super::check(s));
        assert_eq!(super::check(u64::MAX), 0);
    }
}
