//! The per-thread logs: the caller's half of ttlog, the flight recorder's memory, and all of
//! its unsafe code.
//!
//! Each thread that logs gets its own log, a chain of segments from a process-wide pool;
//! events and span operations are written into it in place as plain-data records, the
//! collector reads them behind the writer, and snapshots read each thread's newest records
//! straight from it, whatever the collector is doing.
//!
//! 1. `pool.rs` — the segments ([`Pool`]): atomic words, their headers, the seqlock that
//!    tells a reader a segment was recycled under it.
//! 2. `log.rs` — one thread's chain of segments ([`LogSet`], [`Writer`], [`Cursor`],
//!    [`Log::window`]): the algorithm and its invariants.
//! 3. `codec.rs` — how an event or a span operation is laid out in a record, and read back.
//! 4. `values.rs` — an event's field values ([`Values`](crate::event::Values)).
//! 5. `lane.rs` — one thread's writing end: writes records, applies the overflow policy.
//! 6. `local.rs` — the thread-locals holding a thread's lane, and the fast path into it.
//! 7. `span_stack.rs` — the thread's stack of entered spans (the current span every event
//!    reads).
//! 8. `shared.rs` — [`Overflow`], and what a ring logger's lanes and collector share
//!    (`RingSet`): registration, waking, the loss counters.
//! 9. `reader.rs` — the collector's end of a log, as decoded events and span operations.

pub(crate) mod codec;
pub(crate) mod lane;
pub(crate) mod local;
mod log;
mod pool;
pub(crate) mod reader;
pub(crate) mod shared;
pub(crate) mod span_stack;
pub(crate) mod values;

pub use log::{Cursor, Log, LogSet, Record, Slot, Writer, META_BITS};
pub use pool::{
    Pool, DEFAULT_BUDGET_BYTES, DEFAULT_SEGMENT_WORDS, HEADER_WORDS, MIN_SEGMENT_WORDS,
};
pub use shared::{
    Overflow, DEFAULT_BUDGET, DEFAULT_RING_CAPACITY, MAX_RING_CAPACITY, RING_BYTES_PER_EVENT,
};
