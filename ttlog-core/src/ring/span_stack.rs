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
//!
//! An entry of a span that belongs to a trace context also holds a reference to the context
//! (counted: taken on entering, given back on exiting), so [`with_current_context`] can read
//! it for as long as the span is entered, whatever happens to the span's handles meanwhile.
//! (A thread that ends with spans still entered keeps those references: nothing runs then.)

use std::cell::Cell;
use std::ptr;
use std::sync::Arc;

use crate::callsite::site::Callsite;
use crate::span::id::SpanId;
use crate::trace_context::root::Context;

/// How many nested spans a thread's stack holds.
pub(crate) const MAX_DEPTH: usize = 64;

#[derive(Clone, Copy)]
struct Entry {
    id: u64,
    callsite: Option<&'static Callsite>,
    /// The span's trace context: null, or a reference this entry holds (`Arc::into_raw`).
    context: *const Context,
}

const NONE: Entry = Entry {
    id: 0,
    callsite: None,
    context: ptr::null(),
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

/// This thread's current span, with its trace context.
pub(crate) fn current() -> Option<(SpanId, &'static Callsite, Option<Arc<Context>>)> {
    let c = STACK.with(|s| s.current.get());
    let id = SpanId::from_u64(c.id)?;
    Some((id, c.callsite?, inherited_context(Some(id))))
}

/// Calls `f` with the current span and its trace context, if it has one.
pub(crate) fn with_current_context<T>(f: impl FnOnce(SpanId, &Context) -> T) -> Option<T> {
    let c = STACK.with(|s| s.current.get());
    let id = SpanId::from_u64(c.id)?;
    // SAFETY: a non-null `context` in an entry on the stack is a reference the entry holds
    // (taken in `enter`, given back only when the entry leaves the stack), so it is live.
    let context = unsafe { c.context.as_ref() }?;
    Some(f(id, context))
}

/// A counted reference to a context that an entry on the stack holds.
///
/// # Safety
///
/// `context` must be the non-null context of an entry on this thread's stack (which holds a
/// reference to it, so it is live).
#[cold]
unsafe fn clone_context(context: *const Context) -> Arc<Context> {
    // SAFETY: the caller's promise: an entry holds a reference, so the context is live; the
    // count taken here is owned by the returned `Arc`.
    unsafe {
        Arc::increment_strong_count(context);
        Arc::from_raw(context)
    }
}

/// The current span (`0` for none) and a counted reference to its trace context (`None` for
/// none), as the parent of a new span: one read of the thread-local.
#[inline(always)]
pub(crate) fn current_parent() -> (u64, Option<Arc<Context>>) {
    let c = STACK.with(|s| s.current.get());
    // SAFETY: read from the top entry just now, on this thread: the entry holds a reference.
    (c.id, unsafe { inherit(c.context) })
}

/// The trace context of span `parent` if it is entered on this thread (its innermost
/// entry's), else null.
fn context_of(parent: Option<SpanId>) -> *const Context {
    let Some(parent) = parent else {
        return ptr::null();
    };
    let c = STACK.with(|s| s.current.get());
    if c.id == parent.into_u64() {
        c.context
    } else {
        entered_context(parent.into_u64())
    }
}

/// A counted reference to `context` for a new span to hold; `None` for null.
///
/// # Safety
///
/// `context` must be null or live: read from an entry on this thread's stack (by
/// [`current_parent`] or [`context_of`]) with nothing exited since.
#[inline(always)]
unsafe fn inherit(context: *const Context) -> Option<Arc<Context>> {
    if context.is_null() {
        None
    } else {
        // SAFETY: non-null, and live by the caller's promise.
        Some(unsafe { clone_context(context) })
    }
}

/// The trace context a new span with parent `parent` inherits: the context of the parent's
/// innermost entry on this thread's stack, if the parent is entered here and has one.
pub(crate) fn inherited_context(parent: Option<SpanId>) -> Option<Arc<Context>> {
    // SAFETY: read from this thread's stack just now.
    unsafe { inherit(context_of(parent)) }
}

/// The context of `id`'s innermost entry below the top of the stack (null if none).
#[cold]
fn entered_context(id: u64) -> *const Context {
    STACK.with(|s| {
        s.entries[..s.len.get()]
            .iter()
            .rev()
            .map(Cell::get)
            .find(|e| e.id == id)
            .map_or(ptr::null(), |e| e.context)
    })
}

/// Pushes an entry of `id` and makes it the current span (the handle has sent the enter).
///
#[inline]
pub(crate) fn push(id: SpanId, callsite: &'static Callsite, context: Option<&Arc<Context>>) {
    STACK.with(|s| {
        let len = s.len.get();
        match s.entries.get(len) {
            Some(slot) => {
                let entry = Entry {
                    id: id.into_u64(),
                    callsite: Some(callsite),
                    context: context.map_or(ptr::null(), take_context),
                };
                slot.set(entry);
                s.len.set(len + 1);
                s.current.set(entry);
            }
            None => s.overflow.set(s.overflow.get() + 1),
        }
    });
}

/// A counted reference to `context` for a stack entry to hold.
#[cold]
fn take_context(context: &Arc<Context>) -> *const Context {
    Arc::into_raw(Arc::clone(context))
}

/// Gives back the context reference of an entry that left the stack.
#[cold]
#[inline(never)]
fn release_context(context: *const Context) {
    // SAFETY: the entry that left the stack held this reference (from `Arc::into_raw` in
    // `enter`), and no copy of the entry is left on the stack.
    drop(unsafe { Arc::from_raw(context) });
}

/// Removes `id` from the stack (its innermost entry, wherever it is); the handle then sends
/// the exit.
#[inline]
pub(crate) fn pop(id: SpanId) {
    let id_u64 = id.into_u64();
    let left = STACK.with(|s| {
        let len = s.len.get();
        let top = s.current.get();
        if s.overflow.get() == 0 && len > 0 && top.id == id_u64 {
            // The usual case: the innermost span leaves.
            s.len.set(len - 1);
            s.current.set(match len {
                1 => NONE,
                _ => s.entries[len - 2].get(),
            });
            top.context
        } else {
            exit_unusual(s, id_u64)
        }
    });
    if !left.is_null() {
        release_context(left);
    }
}

/// An exit that is not of the innermost span: beyond the stack's depth, or out of order.
/// Returns the context reference of the entry that left the stack (null if none did or it
/// had none).
#[cold]
#[inline(never)]
fn exit_unusual(s: &Stack, id: u64) -> *const Context {
    let len = s.len.get();
    let Some(i) = s.entries[..len].iter().rposition(|e| e.get().id == id) else {
        // Not on the stack: one of the spans entered beyond it (never current, so nothing
        // else changes), or a span that was never entered here.
        let overflow = s.overflow.get();
        if overflow > 0 {
            s.overflow.set(overflow - 1);
        }
        return ptr::null();
    };
    // On the stack: its entry leaves, wherever it is, even while spans beyond the stack are
    // entered (if one of those is the same span entered again, the counts still balance once
    // both have exited).
    let left = s.entries[i].get();
    for j in i..len - 1 {
        s.entries[j].set(s.entries[j + 1].get());
    }
    s.len.set(len - 1);
    s.current.set(match len - 1 {
        0 => NONE,
        n => s.entries[n - 1].get(),
    });
    left.context
}
