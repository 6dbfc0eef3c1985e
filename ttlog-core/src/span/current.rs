//! The thread's current span: one destructor-free thread-local, so reading it on every event
//! costs a single load.

use std::cell::Cell;

use super::{op, SpanId, SpanOp, SpanOpKind};
use crate::callsite::Callsite;

/// The innermost entered span of a thread (`id == 0` for none).
#[derive(Clone, Copy)]
pub(crate) struct Previous {
    id: u64,
    callsite: Option<&'static Callsite>,
}

impl Previous {
    /// What a disabled span's guard holds (it restores nothing).
    pub(crate) const NOT_ENTERED: Previous = Previous {
        id: 0,
        callsite: None,
    };
}

thread_local! {
    static CURRENT: Cell<Previous> = const { Cell::new(Previous::NOT_ENTERED) };
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

/// Makes `id` the current span and records the entry; returns what to restore on exit.
#[inline]
pub(super) fn enter(id: SpanId, callsite: &'static Callsite) -> Previous {
    let previous = CURRENT.with(|c| {
        c.replace(Previous {
            id: id.into_u64(),
            callsite: Some(callsite),
        })
    });
    op::send(SpanOp::new(id, SpanOpKind::Enter));
    previous
}

/// Records the exit from `id` and restores `previous` as the current span.
#[inline]
pub(super) fn exit(id: SpanId, previous: Previous) {
    op::send(SpanOp::new(id, SpanOpKind::Exit));
    // Ignore a destroyed thread-local (a guard dropped during thread teardown).
    let _ = CURRENT.try_with(|c| c.set(previous));
}
