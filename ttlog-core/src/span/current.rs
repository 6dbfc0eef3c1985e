//! The thread's current span: the top of a per-thread stack of entered spans.
//!
//! Every event reads the current span's id, so the top is mirrored in the stack's `current`
//! cell, read with one load. The stack is what makes exits in any order correct: a guard
//! dropped out of order removes its span's entry wherever it is, and the current span is
//! always the innermost span still entered (as in tracing-subscriber's registry; a span
//! entered twice leaves its innermost entry first). The stack holds [`MAX_DEPTH`] spans; spans
//! entered deeper than that are counted but do not become current: events there belong to the
//! deepest span the stack holds.
//!
//! The thread-local holds only `Cell`s of `Copy` data, so it has no destructor and stays
//! usable during thread teardown, and nothing here calls out (to a logger) while the stack is
//! half-updated.

use std::cell::Cell;

use super::{op, SpanId, SpanOpKind};
use crate::callsite::Callsite;
use crate::ring_record;

/// How many nested spans a thread's stack holds.
pub(crate) const MAX_DEPTH: usize = 64;

#[derive(Clone, Copy)]
struct Entry {
    id: u64,
    callsite: Option<&'static Callsite>,
}

const NONE: Entry = Entry {
    id: 0,
    callsite: None,
};

/// A thread's entered spans. All `Cell`s of `Copy` data: no borrow flag to check, no
/// destructor, and nothing here calls out while half-updated.
struct Stack {
    /// The innermost entry, mirrored here for the one load every event makes.
    current: Cell<Entry>,
    len: Cell<usize>,
    /// Entries beyond `MAX_DEPTH` (entered, not kept, not yet exited).
    overflow: Cell<usize>,
    entries: [Cell<Entry>; MAX_DEPTH],
}

thread_local! {
    static STACK: Stack = const {
        Stack {
            current: Cell::new(NONE),
            len: Cell::new(0),
            overflow: Cell::new(0),
            entries: [const { Cell::new(NONE) }; MAX_DEPTH],
        }
    };
}

/// The id of this thread's current span, `0` for none.
#[inline(always)]
pub(crate) fn current_id() -> u64 {
    STACK.with(|s| s.current.get().id)
}

/// This thread's current span.
pub(super) fn current() -> Option<(SpanId, &'static Callsite)> {
    let c = STACK.with(|s| s.current.get());
    Some((SpanId::from_u64(c.id)?, c.callsite?))
}

/// Records the entry into `id` and makes it the current span.
///
/// Out of line, so that a guard of a disabled span (which never calls it) stays a single
/// check where it is inlined.
#[inline(never)]
pub(super) fn enter(id: SpanId, callsite: &'static Callsite) {
    // Send first: if a custom logger panics, nothing has changed yet.
    op::control(ring_record::CONTROL_ENTER, id, || SpanOpKind::Enter);
    let entry = Entry {
        id: id.into_u64(),
        callsite: Some(callsite),
    };
    STACK.with(|s| {
        let len = s.len.get();
        match s.entries.get(len) {
            Some(slot) => {
                slot.set(entry);
                s.len.set(len + 1);
                s.current.set(entry);
            }
            None => s.overflow.set(s.overflow.get() + 1),
        }
    });
}

/// Removes `id` from the stack (its innermost entry, wherever it is) and records the exit.
/// Out of line, as [`enter`] is.
#[inline(never)]
pub(super) fn exit(id: SpanId) {
    let id_u64 = id.into_u64();
    STACK.with(|s| {
        let len = s.len.get();
        if s.overflow.get() == 0 && len > 0 && s.current.get().id == id_u64 {
            // The usual case: the innermost span leaves.
            s.len.set(len - 1);
            s.current.set(match len {
                1 => NONE,
                _ => s.entries[len - 2].get(),
            });
        } else {
            exit_unusual(s, id_u64);
        }
    });
    // Restored first, then sent: if a custom logger panics, the thread's state is right.
    op::control(ring_record::CONTROL_EXIT, id, || SpanOpKind::Exit);
}

/// An exit that is not of the innermost span: beyond the stack's depth, or out of order.
#[cold]
#[inline(never)]
fn exit_unusual(s: &Stack, id: u64) {
    let overflow = s.overflow.get();
    if overflow > 0 {
        // Spans beyond the stack leave first (guards drop innermost first in all but unusual
        // code); they never became current, so nothing else changes.
        s.overflow.set(overflow - 1);
        return;
    }
    let len = s.len.get();
    let Some(i) = s.entries[..len].iter().rposition(|e| e.get().id == id) else {
        return;
    };
    for j in i..len - 1 {
        s.entries[j].set(s.entries[j + 1].get());
    }
    s.len.set(len - 1);
    s.current.set(match len - 1 {
        0 => NONE,
        n => s.entries[n - 1].get(),
    });
}
