//! The event list: a binary min-heap keyed by (integer time, sequence number).
//!
//! Equal times pop in insertion order, so a run is a pure function of its random stream.
//! An event is 32 bytes (a `u128` key and a `u64` payload); the heap's buffer is reused
//! for the whole run, so the steady state allocates nothing.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// One scheduled event: `key = time_ms << 64 | sequence`, `data` = kind and operands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Event {
    key: u128,
    pub data: u64,
}

impl Event {
    /// Event time in ms.
    #[inline]
    pub fn time(&self) -> u64 {
        (self.key >> 64) as u64
    }
}

impl Ord for Event {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: `BinaryHeap` is a max-heap, we want the earliest (time, seq) first.
        other.key.cmp(&self.key)
    }
}

impl PartialOrd for Event {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The future event list.
#[derive(Debug, Default)]
pub(crate) struct EventQueue {
    heap: BinaryHeap<Event>,
    seq: u64,
}

impl EventQueue {
    pub fn with_capacity(n: usize) -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(n),
            seq: 0,
        }
    }

    /// Schedules `data` at `time_ms`.
    #[inline]
    pub fn push(&mut self, time_ms: u64, data: u64) {
        let key = ((time_ms as u128) << 64) | self.seq as u128;
        self.seq += 1;
        self.heap.push(Event { key, data });
    }

    /// The earliest event (ties in insertion order).
    #[inline]
    pub fn pop(&mut self) -> Option<Event> {
        self.heap.pop()
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.heap.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_times_pop_in_insertion_order() {
        let mut q = EventQueue::with_capacity(8);
        q.push(5, 1);
        q.push(3, 2);
        q.push(5, 3);
        q.push(3, 4);
        q.push(u64::MAX / 2, 5);
        let order: Vec<(u64, u64)> =
            std::iter::from_fn(|| q.pop().map(|e| (e.time(), e.data))).collect();
        assert_eq!(
            order,
            vec![(3, 2), (3, 4), (5, 1), (5, 3), (u64::MAX / 2, 5)]
        );
        assert_eq!(q.len(), 0);
    }
}
