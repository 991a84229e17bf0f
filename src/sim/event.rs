//! The event list: a binary min-heap keyed by (integer time, sequence number).
//!
//! Equal times pop in insertion order, so a run is a pure function of its random stream.
//! An entry is 32 bytes (a `u128` key and the [`EventKind`] packed into a `u64`); the
//! heap's buffer is reused for the whole run, so the steady state allocates nothing.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// The bits of a contact's tick that an event carries: a stale timer is recognised when
/// its tick differs from the contact's modulo 2^29.
pub(crate) const TICK_MASK: u32 = (1 << 29) - 1;

/// What happens at an event's time.
///
/// `tick` is the contact's tick when the timer was set, kept modulo 2^29 ([`TICK_MASK`]):
/// a timer whose tick no longer matches the contact's is stale and skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventKind {
    /// The next fresh contact of stream `stream` (< 2^29, validated) arrives.
    Arrival { stream: u32 },
    /// The redial, repeat, switch or transfer held in contact `slot` comes back.
    Return { slot: u32, tick: u32 },
    /// The contact in `slot` runs out of patience (if it still waits).
    Abandon { slot: u32, tick: u32 },
    /// Agent `agent` (< 2^24, validated) finishes handling the contact in `slot`.
    Done { agent: u32, slot: u32 },
    /// Interval `interval` starts (staff, opening hours, the volume of a new day).
    Boundary { interval: u32 },
}

impl EventKind {
    /// The payload: the kind in the top 3 bits, an agent, stream or tick in the next 29
    /// (ticks modulo 2^29), a contact slot (any `u32`) or an interval in the low 32.
    #[inline(always)]
    fn pack(self) -> u64 {
        let (kind, a, b) = match self {
            EventKind::Arrival { stream } => (0, stream, 0),
            EventKind::Return { slot, tick } => (1, tick, slot),
            EventKind::Abandon { slot, tick } => (2, tick, slot),
            EventKind::Done { agent, slot } => (3, agent, slot),
            EventKind::Boundary { interval } => (4, 0, interval),
        };
        (kind << 61) | (((a & TICK_MASK) as u64) << 32) | b as u64
    }

    #[inline(always)]
    fn unpack(d: u64) -> EventKind {
        let (a, b) = (((d >> 32) as u32) & TICK_MASK, d as u32);
        match d >> 61 {
            0 => EventKind::Arrival { stream: a },
            1 => EventKind::Return { slot: b, tick: a },
            2 => EventKind::Abandon { slot: b, tick: a },
            3 => EventKind::Done { agent: a, slot: b },
            _ => EventKind::Boundary { interval: b },
        }
    }
}

/// One scheduled event: `key = time_ms << 64 | sequence`, `data` = the packed kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Event {
    key: u128,
    data: u64,
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

    /// Schedules `kind` at `time_ms`.
    #[inline]
    pub fn push(&mut self, time_ms: u64, kind: EventKind) {
        let key = ((time_ms as u128) << 64) | self.seq as u128;
        self.seq += 1;
        self.heap.push(Event {
            key,
            data: kind.pack(),
        });
    }

    /// The earliest event's time in ms and kind (ties in insertion order).
    #[inline]
    pub fn pop(&mut self) -> Option<(u64, EventKind)> {
        self.heap
            .pop()
            .map(|e| ((e.key >> 64) as u64, EventKind::unpack(e.data)))
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
        let ev = |interval| EventKind::Boundary { interval };
        q.push(5, ev(1));
        q.push(3, ev(2));
        q.push(5, ev(3));
        q.push(3, ev(4));
        q.push(u64::MAX / 2, ev(5));
        let order: Vec<(u64, EventKind)> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(
            order,
            vec![
                (3, ev(2)),
                (3, ev(4)),
                (5, ev(1)),
                (5, ev(3)),
                (u64::MAX / 2, ev(5))
            ]
        );
        assert_eq!(q.len(), 0);
    }

    #[test]
    fn events_carry_slots_beyond_16_million_and_every_kind() {
        // Slots were once packed into 24 bits: the 16,777,217th customer in the system
        // would have been mistaken for the first.
        for slot in [0u32, (1 << 24) + 5, u32::MAX] {
            let tick = 0xDEAD_BEEF_u32;
            for (kind, read) in [
                (
                    EventKind::Return { slot, tick },
                    EventKind::Return {
                        slot,
                        tick: tick & TICK_MASK,
                    },
                ),
                (
                    EventKind::Abandon { slot, tick },
                    EventKind::Abandon {
                        slot,
                        tick: tick & TICK_MASK,
                    },
                ),
                (
                    EventKind::Done { agent: 7, slot },
                    EventKind::Done { agent: 7, slot },
                ),
                (
                    EventKind::Boundary { interval: slot },
                    EventKind::Boundary { interval: slot },
                ),
            ] {
                assert_eq!(EventKind::unpack(kind.pack()), read);
            }
        }
        // Agents (< 2^24) and streams (< 2^29) fit the 29-bit operand.
        for kind in [
            EventKind::Done {
                agent: (1 << 24) - 1,
                slot: 7,
            },
            EventKind::Arrival {
                stream: (1 << 29) - 1,
            },
        ] {
            assert_eq!(EventKind::unpack(kind.pack()), kind);
        }
    }
}
