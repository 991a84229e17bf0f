//! The one replication driver: every command that replicates a simulation (`simulate`, the
//! plan's rounds, its check and frontier, `cost`'s contact logs, `erlang --simulate`) runs
//! its replications here.
//!
//! * Replication `r` is computed by the caller's `one(r)`, which uses stream `r` of the
//!   master seed ([`crate::sim::Simulator::run`]): who runs it, and in which thread, does not
//!   change its random numbers.
//! * Replications run in chunks of [`CHUNK`] (a constant, not the thread count): a chunk
//!   runs in parallel, then the caller's `fold` receives its results **in replication
//!   order**. A fold that pushes into accumulators therefore sees the same sequence for 1,
//!   2 or 8 threads, and memory holds one chunk of runs at a time.
//! * `fold` may stop the loop early (sequential precision, [`super::Sequential`]).

use std::ops::{ControlFlow, Range};

use rayon::prelude::*;

use crate::sim::SimError;

/// Replications per chunk: results are folded after each chunk.
pub const CHUNK: u32 = 16;

/// Runs replications `reps` in chunks of `chunk` (at least 1): `one(r)` in parallel within a
/// chunk, then `fold(end, results)` with the chunk's results in replication order (`end` is
/// one past its last replication). Stops early when `fold` breaks.
pub fn replicate<T: Send>(
    reps: Range<u32>,
    chunk: u32,
    one: impl Fn(u32) -> T + Sync,
    mut fold: impl FnMut(u32, Vec<T>) -> ControlFlow<()>,
) {
    let chunk = chunk.max(1);
    let mut start = reps.start;
    while start < reps.end {
        let end = start.saturating_add(chunk).min(reps.end);
        let results: Vec<T> = (start..end).into_par_iter().map(&one).collect();
        if fold(end, results).is_break() {
            break;
        }
        start = end;
    }
}

/// Runs `f` in a rayon pool of `threads` threads, or in the current pool for `None`.
pub fn in_pool<R: Send>(
    threads: Option<usize>,
    f: impl FnOnce() -> R + Send,
) -> Result<R, SimError> {
    match threads {
        Some(t) => Ok(rayon::ThreadPoolBuilder::new()
            .num_threads(t.max(1))
            .build()
            .map_err(|e| SimError::Threads(format!("{t} threads: {e}")))?
            .install(f)),
        None => Ok(f()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fold sees every replication once, in order, in chunks of the asked size, for any
    /// number of threads.
    #[test]
    fn folds_in_replication_order_whatever_the_threads() {
        for threads in [1, 2, 5] {
            let mut seen = Vec::new();
            let mut ends = Vec::new();
            in_pool(Some(threads), || {
                replicate(
                    3..40,
                    8,
                    |r| r * 10,
                    |end, v| {
                        ends.push(end);
                        seen.extend(v);
                        ControlFlow::Continue(())
                    },
                )
            })
            .unwrap();
            assert_eq!(seen, (3..40).map(|r| r * 10).collect::<Vec<_>>());
            assert_eq!(ends, vec![11, 19, 27, 35, 40]);
        }
    }

    #[test]
    fn a_break_stops_after_that_chunk() {
        let mut n = 0;
        replicate(
            0..100,
            16,
            |r| r,
            |end, _| {
                n += 1;
                if end >= 32 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
        );
        assert_eq!(n, 2);
    }
}
