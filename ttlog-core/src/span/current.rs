//! The thread's current span: the top of a per-thread stack of entered spans.
//!
//! Every event reads the current span's id, so the top is mirrored in `CURRENT`, a
//! destructor-free `Cell` that costs one load. The stack itself (`STACK`) is what makes exits
//! in any order correct: a guard dropped out of order removes its own entry, wherever it is,
//! and the current span is always the innermost span still entered (as in
//! tracing-subscriber's registry; a span entered twice leaves its innermost entry first). The
//! stack holds [`MAX_DEPTH`] spans; spans entered deeper than that are counted but do not
//! become current: events there belong to the deepest span the stack holds.
//!
//! Neither thread-local has a destructor (only `Copy` data), so both stay usable during
//! thread teardown. Nothing here calls out (to a logger) while the stack is borrowed.

use std::cell::{Cell, RefCell};

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

struct Stack {
    len: usize,
    entries: [Entry; MAX_DEPTH],
    /// Entries beyond `MAX_DEPTH` (entered, not kept, not yet exited).
    overflow: usize,
}

thread_local! {
    static CURRENT: Cell<Entry> = const { Cell::new(NONE) };
    static STACK: RefCell<Stack> = const {
        RefCell::new(Stack { len: 0, entries: [NONE; MAX_DEPTH], overflow: 0 })
    };
}

/// The id of this thread's current span, `0` for none.
#[inline(always)]
pub(crate) fn current_id() -> u64 {
    CURRENT.with(|c| c.get().id)
}

/// This thread's current span.
pub(super) fn current() -> Option<(SpanId, &'static Callsite)> {
    let c = CURRENT.with(Cell::get);
    Some((SpanId::from_u64(c.id)?, c.callsite?))
}

/// Records the entry into `id` and makes it the current span.
#[inline(always)]
pub(super) fn enter(id: SpanId, callsite: &'static Callsite) {
    // Send first: if a custom logger panics, nothing has changed yet.
    op::control(ring_record::CONTROL_ENTER, id, || SpanOpKind::Enter);
    let entry = Entry {
        id: id.into_u64(),
        callsite: Some(callsite),
    };
    STACK.with(|stack| {
        if let Ok(mut s) = stack.try_borrow_mut() {
            if s.len < MAX_DEPTH {
                let len = s.len;
                s.entries[len] = entry;
                s.len += 1;
                CURRENT.with(|c| c.set(entry));
            } else {
                s.overflow += 1;
            }
        }
    });
}

/// Removes `id` from the stack (its innermost entry, wherever it is) and records the exit.
#[inline(always)]
pub(super) fn exit(id: SpanId) {
    let id_u64 = id.into_u64();
    STACK.with(|stack| {
        let Ok(mut s) = stack.try_borrow_mut() else {
            return;
        };
        if s.overflow > 0 {
            // Spans beyond the stack leave first (guards drop innermost first in all but
            // unusual code); they never became current, so nothing else changes.
            s.overflow -= 1;
            return;
        }
        if let Some(i) = s.entries[..s.len].iter().rposition(|e| e.id == id_u64) {
            let len = s.len;
            s.entries.copy_within(i + 1..len, i);
            s.len -= 1;
        }
        let new_top = if s.len == 0 {
            NONE
        } else {
            s.entries[s.len - 1]
        };
        CURRENT.with(|c| c.set(new_top));
    });
    // Restored first, then sent: if a custom logger panics, the thread's state is right.
    op::control(ring_record::CONTROL_EXIT, id, || SpanOpKind::Exit);
}
