//! tracing's span handles on ttlog's native spans: the table of open spans with their
//! reference counts, and each thread's stack of entered spans.
//!
//! # Ids and reference counts
//!
//! Every tracing span is one ttlog [`Span`]; its tracing [`Id`] is the ttlog span's own id
//! (never zero, unique for the life of the process), so an explicit `parent:` names the ttlog
//! parent directly and ttlog's own events and spans inside a tracing span name it too.
//!
//! tracing counts handles itself: `new_span` makes the first, each `clone_span` one more, and
//! each `try_close` drops one. The table holds the ttlog span with that count; when it reaches
//! zero the entry is removed and the ttlog span dropped, which records its end time. The
//! table is split into [`SHARDS`] locked maps by id, so threads that open and close spans at
//! the same time rarely meet on a lock.
//!
//! # Entering
//!
//! Entering is per thread. `enter` calls [`Span::enter_raw`], which pushes the span on ttlog's
//! stack of entered spans for this thread and makes it the current span, and pushes the id,
//! the span itself, the span's metadata (for `current_span`) and the token on this module's
//! own stack. `exit` removes the innermost entry of the id, wherever it is, and calls
//! [`Span::exit_raw`] on that entry's span; ttlog then makes the innermost span still entered
//! current, as tracing-subscriber's registry does when guards are dropped out of order.
//!
//! The frame holds the entered span's own handle (shared with the table), so exiting takes no
//! lock and always exits the span that was entered, also beyond the 64 spans ttlog's stack
//! holds (where ttlog's current span stays the 64th). A span whose last tracing handle is
//! closed while it is still entered (tracing's guards do not allow it, raw `Dispatch` calls
//! do) closes when it is exited.
//!
//! # Two current spans
//!
//! A span entered through tracing is ttlog's current span too, so ttlog's events and spans
//! inside it belong to it. The converse holds for parents, not for `current_span`: tracing's
//! events and spans created inside a span entered with ttlog's macros get that ttlog span as
//! their parent (they take ttlog's current span), but tracing's `current_span` (and so
//! `tracing::Span::current()`) only knows the spans entered through tracing, and names the
//! innermost of those. Beyond 64 nested spans the two differ the other way: tracing's
//! current span is the innermost, ttlog's the 64th.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, Mutex, MutexGuard};

use tracing_core::span::Id;
use tracing_core::Metadata;
use ttlog_core::span::RawEntered;
use ttlog_core::Span;

/// How many locked maps the table is split into (a power of two).
pub(super) const SHARDS: usize = 32;

/// An open span.
struct Entry {
    /// Shared so that callers can use it after the shard's lock is released.
    span: Arc<Span>,
    /// How many tracing handles name it.
    refs: usize,
    meta: &'static Metadata<'static>,
}

/// Span ids are already well spread (consecutive numbers), so the map hashes them as they are.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type Shard = HashMap<u64, Entry, BuildHasherDefault<IdHasher>>;

/// The open spans of one subscriber.
pub(super) struct Spans {
    shards: [Mutex<Shard>; SHARDS],
}

impl Spans {
    pub(super) fn new() -> Spans {
        Spans {
            shards: std::array::from_fn(|_| Mutex::new(Shard::default())),
        }
    }

    fn shard(&self, id: u64) -> MutexGuard<'_, Shard> {
        // Entries are inserted and removed whole, so a poisoned shard is still consistent.
        self.shards[(id as usize) & (SHARDS - 1)]
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Adds a newly created span with one handle; returns its tracing id.
    pub(super) fn insert(&self, span: Span, meta: &'static Metadata<'static>) -> Id {
        let id = span.id().map_or(0, |id| id.into_u64());
        debug_assert!(id != 0, "Span::new returned the disabled span");
        self.shard(id).insert(
            id,
            Entry {
                span: Arc::new(span),
                refs: 1,
                meta,
            },
        );
        Id::from_u64(id)
    }

    /// One more handle to `id`.
    pub(super) fn clone_span(&self, id: &Id) {
        if let Some(entry) = self.shard(id.into_u64()).get_mut(&id.into_u64()) {
            entry.refs += 1;
        }
    }

    /// One handle fewer; the last one closes the span. Returns whether it closed.
    pub(super) fn try_close(&self, id: &Id) -> bool {
        let key = id.into_u64();
        let closed = {
            let mut shard = self.shard(key);
            match shard.get_mut(&key) {
                Some(entry) if entry.refs > 1 => {
                    entry.refs -= 1;
                    None
                }
                Some(_) => shard.remove(&key),
                None => None,
            }
        };
        // Dropped outside the lock: the last drop of the ttlog span records its close.
        closed.is_some()
    }

    /// The open span `id` and its metadata.
    pub(super) fn get(&self, id: &Id) -> Option<(Arc<Span>, &'static Metadata<'static>)> {
        let key = id.into_u64();
        self.shard(key)
            .get(&key)
            .map(|entry| (entry.span.clone(), entry.meta))
    }

    /// How many spans are open.
    pub(super) fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|p| p.into_inner()).len())
            .sum()
    }
}

/// One entered span on a thread's stack.
struct Frame {
    id: u64,
    /// The span that was entered (`exit_raw` must be called on it).
    span: Arc<Span>,
    token: RawEntered,
    meta: &'static Metadata<'static>,
}

thread_local! {
    static STACK: RefCell<Vec<Frame>> = const { RefCell::new(Vec::new()) };
}

/// Enters `span` (tracing's `id`) on this thread.
pub(super) fn enter(id: &Id, span: Arc<Span>, meta: &'static Metadata<'static>) {
    let token = span.enter_raw();
    let frame = Frame {
        id: id.into_u64(),
        span,
        token,
        meta,
    };
    let _ = STACK.try_with(|s| s.borrow_mut().push(frame));
}

/// Exits `id` on this thread: its innermost entry leaves the stack, wherever it is (guards
/// may be dropped out of order), and ttlog makes the innermost span still entered current.
pub(super) fn exit(id: &Id) {
    let id = id.into_u64();
    let frame = STACK
        .try_with(|s| {
            let mut stack = s.borrow_mut();
            let pos = stack.iter().rposition(|f| f.id == id)?;
            Some(stack.remove(pos))
        })
        .ok()
        .flatten();
    // The stack is not borrowed while ttlog records the exit (nor while the span is dropped,
    // if this was its last handle).
    if let Some(frame) = frame {
        frame.span.exit_raw(frame.token);
    }
}

/// The innermost span entered on this thread through tracing.
pub(super) fn current() -> Option<(Id, &'static Metadata<'static>)> {
    STACK
        .try_with(|s| s.borrow().last().map(|f| (Id::from_u64(f.id), f.meta)))
        .ok()
        .flatten()
}
