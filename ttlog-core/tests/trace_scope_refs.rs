//! The counted context references behind `current_trace_context` (raw pointers in the
//! thread's stack of entered spans): taken on entering, given back on exiting in any order,
//! cloned into child spans and `Span::current()` handles, carried to other threads. Small
//! enough for Miri, which CI runs over it (use-after-free, double free, leaks).

use ttlog_core::event::Values;
use ttlog_core::{current_trace_context, Callsite, Level, Span, SpanId, TraceContext};

static CHILD: Callsite = Callsite::new(Level::Info, "app", "app", "src/app.rs", 1, "child", &[]);

/// A child of the thread's current span, as the span macros create it.
fn child() -> Span {
    Span::new(&CHILD, Span::current().id(), Values::new())
}

#[test]
fn references_follow_enters_exits_and_handles() {
    let ctx = TraceContext::new_root().with_correlation_id("c-1").unwrap();
    let outer = ctx.enter();
    let a = child();
    let b = a.in_scope(child);
    let current = Span::current();
    drop(outer); // the context's span closes; `a`, `b` and `current` still hold the context
    assert!(current_trace_context().is_none());

    let ga = a.enter();
    let gb = b.enter();
    let gc = current.enter();
    let here = current_trace_context().unwrap();
    assert_eq!(here.trace_id, ctx.trace_id);
    assert_eq!(here.parent_id, current.id().map(SpanId::w3c_id).unwrap());
    // Out of order.
    drop(gb);
    drop(ga);
    assert_eq!(current_trace_context().unwrap().trace_id, ctx.trace_id);
    drop(gc);
    assert!(current_trace_context().is_none());

    // To another thread and back.
    let moved = b.clone();
    let seen = std::thread::spawn(move || {
        let e = moved.entered();
        let id = current_trace_context().map(|c| c.trace_id);
        let span = e.exit();
        drop(span);
        id
    })
    .join()
    .unwrap();
    assert_eq!(seen, Some(ctx.trace_id));
    drop((a, b, current));
}

#[test]
fn deep_stacks_beyond_the_limit() {
    let ctx = TraceContext::new_root();
    let span = ctx.span();
    // Deeper than the stack holds: the extra entries take no reference.
    let guards: Vec<_> = (0..70).map(|_| span.enter()).collect();
    assert_eq!(current_trace_context().unwrap().trace_id, ctx.trace_id);
    drop(guards);
    assert!(current_trace_context().is_none());
}

#[test]
fn out_of_order_exits_beyond_the_limit_leave_nothing_behind() {
    // 63 plain spans, then a context's span (the stack's last slot), then one more span
    // beyond the stack; the context's span exits first, then the others.
    let plain: Vec<Span> = (0..63).map(|_| child()).collect();
    let guards: Vec<_> = plain.iter().map(Span::enter).collect();
    let ctx = TraceContext::new_root();
    let ctx_span = ctx.span();
    let in_ctx = ctx_span.enter();
    let extra = child();
    let beyond = extra.enter();
    assert_eq!(current_trace_context().unwrap().trace_id, ctx.trace_id);
    drop(in_ctx);
    drop(beyond);
    drop(guards);
    assert!(Span::current().is_none(), "{:?}", Span::current());
    assert!(current_trace_context().is_none());
    drop((plain, ctx_span, extra));
}
