//! The floor: what logging the reference event cannot cost less than.
//!
//! A 64-byte record (a timestamp from ttlog's clock, the callsite's address and the event's
//! three non-constant values) is copied into a preallocated ring in a thread-local, and
//! nothing ever reads it back. No level check, no formatting, no synchronisation: a logging
//! runtime that hands events to another thread has to do at least this on the caller.

use std::cell::Cell;

/// Slots in each thread's floor ring (64 KiB per thread).
pub const FLOOR_SLOTS: usize = 1024;

/// One event as the floor stores it: exactly 64 bytes, one cache line.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(64))]
pub struct FloorRecord {
    /// `ttlog::clock::now()` when the event was pushed.
    pub timestamp: u64,
    /// The address of the event's static message, standing in for a callsite pointer.
    pub callsite: usize,
    /// The `user_id` field.
    pub user_id: u64,
    /// The `latency_ms` field.
    pub latency_ms: f64,
    /// The `ok` field.
    pub ok: bool,
}

const _: () = assert!(std::mem::size_of::<FloorRecord>() == 64);

struct FloorRing {
    slots: Box<[Cell<FloorRecord>]>,
    head: Cell<usize>,
}

thread_local! {
    static RING: FloorRing = FloorRing {
        slots: (0..FLOOR_SLOTS).map(|_| Cell::new(FloorRecord::default())).collect(),
        head: Cell::new(0),
    };
}

/// Pushes one record into this thread's floor ring.
#[inline]
pub fn push(callsite: &'static str, user_id: u64, latency_ms: f64, ok: bool) {
    let record = FloorRecord {
        timestamp: ttlog::clock::now(),
        callsite: callsite.as_ptr() as usize,
        user_id,
        latency_ms,
        ok,
    };
    let _ = RING.try_with(|ring| {
        let head = ring.head.get();
        ring.slots[head & (FLOOR_SLOTS - 1)].set(record);
        ring.head.set(head.wrapping_add(1));
    });
}

/// How many records this thread has pushed (keeps the ring observable, so the pushes cannot
/// be optimised away).
pub fn pushed() -> usize {
    RING.try_with(|ring| ring.head.get()).unwrap_or(0)
}
