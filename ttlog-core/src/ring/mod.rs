//! The per-thread logs: the caller's half of ttlog, the flight recorder's memory, and all of
//! its unsafe code.
//!
//! Each thread that logs gets its own log, a chain of segments from a process-wide pool;
//! events and span operations are written into it in place as plain-data records, the
//! collector reads them behind the writer, and snapshots read each thread's newest records
//! straight from it, whatever the collector is doing.
//!
//! 1. `words.rs` — the memory ([`Words`]): atomic words on the heap or in a shared file
//!    mapping (the recorder file, which outlives the process).
//! 2. `pool.rs` — the segments ([`Pool`]): their headers, the seqlock that tells a reader a
//!    segment was recycled under it.
//! 3. `log.rs` — one thread's chain of segments ([`LogSet`], [`Writer`], [`Log::window`]):
//!    the algorithm and its invariants; `cursor.rs` — the collector's end of it ([`Cursor`]).
//! 4. `codec.rs` — how an event or a span operation is laid out in a record, and read back.
//! 5. `values.rs` — an event's field values ([`Values`](crate::event::Values)).
//! 6. `lane.rs` — one thread's writing end: writes records, applies the overflow policy.
//! 7. `local.rs` — the thread-locals holding a thread's lane, and the fast path into it.
//! 8. `span_stack.rs` — the thread's stack of entered spans (the current span every event
//!    reads).
//! 9. `shared.rs` — [`Overflow`], and what a ring logger's lanes and collector share
//!    (`RingSet`): registration, waking, the loss counters.
//! 10. `reader.rs` — the collector's end of a log, as decoded events and span operations.
//! 11. `fork.rs` — what a forked child gets (logging off until it calls `init`).
//! 12. `window.rs` — a log's flight-recorder window read one record at a time, for snapshots.
//! 13. `text.rs` — short text kept inside a field value, UTF-8 by construction (read back
//!     without checking it again).
//! 14. `recode.rs` — records built off the ring in the codec's layout (the journal's
//!     re-encoded events), and a walk over a record's text values.

pub(crate) mod codec;
pub(crate) mod cursor;
pub(crate) mod fork;
pub(crate) mod lane;
pub(crate) mod local;
pub(crate) mod log;
pub(crate) mod pool;
pub(crate) mod reader;
pub(crate) mod recode;
pub(crate) mod shared;
pub(crate) mod span_stack;
pub(crate) mod text;
pub(crate) mod values;
pub(crate) mod window;
pub(crate) mod words;

pub use cursor::Cursor;
pub use log::{Log, LogSet, Slot, Writer, META_BITS};
pub use pool::{
    Pool, Record, DEFAULT_BUDGET_BYTES, DEFAULT_SEGMENT_WORDS, HEADER_WORDS, MAX_SEGMENT_WORDS,
    MIN_SEGMENT_WORDS,
};
pub use shared::{
    Overflow, DEFAULT_BUDGET, DEFAULT_RING_CAPACITY, MAX_RING_CAPACITY, RING_BYTES_PER_EVENT,
};
pub use words::Words;
