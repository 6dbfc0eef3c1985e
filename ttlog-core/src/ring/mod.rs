//! The per-thread rings: the caller's half of ttlog, and all of its unsafe code.
//!
//! Each thread that logs gets its own lock-free ring; events and span operations are written
//! into it in place as variable-size records, and the collector reads them out.
//!
//! 1. `spsc.rs` — the single-producer single-consumer ring of variable-size records: the
//!    algorithm and its invariants (public: [`channel`], [`Producer`], [`Consumer`]).
//! 2. `codec.rs` — how an event or a span operation is laid out in a record, and read back.
//! 3. `values.rs` — an event's field values ([`Values`](crate::event::Values)): inline
//!    storage the codec moves in and out of records.
//! 4. `lane.rs` — one thread's producing end: writes records, applies the overflow policy,
//!    wakes the collector.
//! 5. `local.rs` — the thread-locals holding a thread's lane, and the fast path into it.
//! 6. `span_stack.rs` — the thread's stack of entered spans (the current span every event
//!    reads).
//! 7. `shared.rs` — [`Overflow`], and what a ring logger's lanes and collector share
//!    (`RingSet`): registration, waking, the loss counters.
//! 8. `reader.rs` — the collector's end of a ring, as decoded events and span operations.

pub(crate) mod codec;
pub(crate) mod lane;
pub(crate) mod local;
pub(crate) mod reader;
pub(crate) mod shared;
pub(crate) mod span_stack;
mod spsc;
pub(crate) mod values;

pub use codec::RING_BYTES_PER_EVENT;
pub use shared::{Overflow, DEFAULT_RING_CAPACITY, MAX_RING_CAPACITY};
pub use spsc::{
    channel, CachePadded, Consumer, DropRecord, Producer, RecordRef, MAX_RECORD_WORDS, META_BITS,
    MIN_CAPACITY,
};
