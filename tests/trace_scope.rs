//! Entering a trace context, on the caller's side (no runtime needed):
//! `current_trace_context()` inside and outside, the W3C span id of the current span as the
//! parent id, inheritance by child spans (also created on other threads and in tasks), nested
//! contexts, out-of-order exits, and handles that outlive their context's span.

use std::sync::{Arc, Once};

use ttlog::{current_trace_context, info_span, Instrument, LevelFilter, Span, TraceContext};

/// Enables every level with a logger that drops what it gets, so that `info_span!` creates
/// spans without a runtime.
fn enable() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        ttlog::set_logger(Arc::new(ttlog::NopLogger));
        ttlog::set_max_level(LevelFilter::Trace);
    });
}

const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

fn incoming() -> TraceContext {
    TraceContext::parse(TRACEPARENT, Some("congo=t61rcWkgMzE"))
        .unwrap()
        .with_correlation_id("order-7")
        .unwrap()
}

/// The W3C span id of the thread's current span.
fn current_w3c() -> ttlog::ParentId {
    Span::current().id().unwrap().w3c_id()
}

#[test]
fn outside_any_context_there_is_none() {
    enable();
    assert!(current_trace_context().is_none());
    let span = info_span!("plain");
    let _entered = span.enter();
    assert!(current_trace_context().is_none());
}

#[test]
fn entered_context_gives_what_to_send_downstream() {
    enable();
    let ctx = incoming();
    let entered = ctx.enter();
    let out = current_trace_context().unwrap();
    assert_eq!(out.trace_id, ctx.trace_id);
    assert_eq!(out.flags, ctx.flags);
    assert_eq!(out.state, ctx.state);
    assert_eq!(out.correlation_id(), Some("order-7"));
    // The parent id sent downstream is this process's span, not the remote caller's.
    assert_ne!(out.parent_id, ctx.parent_id);
    assert_eq!(out.parent_id, entered.span().id().unwrap().w3c_id());
    assert_eq!(out.parent_id, current_w3c());
    // What is sent parses back to the same thing.
    let header = out.to_traceparent();
    let back = TraceContext::parse(&header, Some(&out.state.to_header())).unwrap();
    assert_eq!(back.trace_id, ctx.trace_id);
    assert_eq!(back.parent_id, out.parent_id);
    drop(entered);
    assert!(current_trace_context().is_none());
}

#[test]
fn correlation_id_defaults_to_the_trace_id() {
    enable();
    let ctx = TraceContext::new_root();
    let out = ctx.in_scope(|| current_trace_context().unwrap());
    assert_eq!(
        out.correlation_id(),
        Some(ctx.trace_id.to_string().as_str())
    );
}

#[test]
fn child_spans_inherit_and_get_their_own_span_ids() {
    enable();
    let ctx = incoming();
    let _entered = ctx.enter();
    let outer = current_trace_context().unwrap().parent_id;
    let child = info_span!("db", table = "users");
    let inner = child.in_scope(|| {
        let here = current_trace_context().unwrap();
        assert_eq!(here.trace_id, ctx.trace_id);
        assert_eq!(here.correlation_id(), Some("order-7"));
        assert_eq!(here.parent_id, current_w3c());
        here.parent_id
    });
    assert_ne!(inner, outer);
    // Back in the context's span.
    assert_eq!(current_trace_context().unwrap().parent_id, outer);
    // A span created inside the context keeps it when entered after the context's guard is
    // gone, on this thread or another.
    let grandchild = child.in_scope(|| info_span!("query"));
    drop(_entered);
    assert!(current_trace_context().is_none());
    let id = std::thread::spawn(move || {
        grandchild.in_scope(|| current_trace_context().map(|c| (c.trace_id, c.parent_id)))
    })
    .join()
    .unwrap()
    .unwrap();
    assert_eq!(id.0, ctx.trace_id);
    assert_ne!(id.1, inner);
}

#[test]
fn explicit_parents() {
    enable();
    let ctx = incoming();
    let _entered = ctx.enter();
    let root = info_span!(parent: None, "detached");
    assert!(root.in_scope(current_trace_context).is_none());
    // A parent entered further down this thread's stack still passes its context on.
    let ctx_span = Span::current();
    let other = info_span!(parent: None, "other");
    let _other = other.enter();
    assert!(current_trace_context().is_none());
    let child = info_span!(parent: &ctx_span, "child");
    let got = child.in_scope(|| current_trace_context().unwrap().trace_id);
    assert_eq!(got, ctx.trace_id);
}

#[test]
fn nested_contexts_and_out_of_order_exits() {
    enable();
    let a = TraceContext::new_root();
    let b = TraceContext::new_root();
    let ea = a.enter();
    let eb = b.enter();
    assert_eq!(current_trace_context().unwrap().trace_id, b.trace_id);
    // Out of order: `a` leaves first; `b` stays current.
    drop(ea);
    assert_eq!(current_trace_context().unwrap().trace_id, b.trace_id);
    drop(eb);
    assert!(current_trace_context().is_none());
    // The same context entered twice, left in any order.
    let span = a.span();
    let g1 = span.enter();
    let g2 = span.enter();
    drop(g1);
    assert_eq!(current_trace_context().unwrap().trace_id, a.trace_id);
    drop(g2);
    assert!(current_trace_context().is_none());
}

#[test]
fn the_context_outlives_every_handle_while_entered() {
    enable();
    let ctx = TraceContext::new_root();
    // An entered guard owns its span; `Span::current()` handles and clones carry the
    // context too, and dropping them changes nothing.
    let entered = ctx.enter();
    let current = Span::current();
    let clone = current.clone();
    drop(current);
    drop(clone);
    assert_eq!(current_trace_context().unwrap().trace_id, ctx.trace_id);
    let span = entered.exit();
    assert!(current_trace_context().is_none());
    let id = span.in_scope(|| current_trace_context().unwrap().trace_id);
    assert_eq!(id, ctx.trace_id);
}

#[test]
fn many_threads_each_in_their_own_context() {
    enable();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(|| {
                for _ in 0..200 {
                    let ctx = TraceContext::new_root();
                    let _e = ctx.enter();
                    let span = info_span!("work");
                    let _w = span.enter();
                    assert_eq!(current_trace_context().unwrap().trace_id, ctx.trace_id);
                }
                assert!(current_trace_context().is_none());
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

#[test]
fn futures_carry_the_context_across_workers() {
    enable();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let ctx = incoming();
    let span = ctx.span();
    let seen = rt.block_on(async move {
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let child = span.in_scope(|| info_span!("task", i));
                tokio::spawn(
                    async move {
                        tokio::task::yield_now().await;
                        current_trace_context().map(|c| (c.trace_id, c.parent_id))
                    }
                    .instrument(child),
                )
            })
            .collect();
        let mut seen = Vec::new();
        for t in tasks {
            seen.push(t.await.unwrap().unwrap());
        }
        seen
    });
    for (trace_id, _) in &seen {
        assert_eq!(*trace_id, ctx.trace_id);
    }
    let mut ids: Vec<_> = seen.iter().map(|(_, p)| *p).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 8, "every task's span has its own W3C span id");
}

#[test]
fn a_parent_handle_passes_its_context_to_other_threads() {
    enable();
    let ctx = incoming();
    let request = ctx.span();
    let worker = std::thread::spawn({
        let request = request.clone();
        move || {
            // On a thread where the request's span was never entered.
            let job = info_span!(parent: &request, "job");
            let by_id = info_span!(parent: request.id(), "by id");
            (
                job.in_scope(|| current_trace_context().map(|c| (c.trace_id, c.parent_id))),
                job.id().unwrap().w3c_id(),
                by_id.in_scope(current_trace_context).is_none(),
            )
        }
    });
    let (seen, job_w3c, by_id_has_none) = worker.join().unwrap();
    assert_eq!(seen, Some((ctx.trace_id, job_w3c)));
    // A bare id from another thread names the parent for the collector only.
    assert!(by_id_has_none);
}

#[test]
fn reserved_flag_bits_are_not_sent_on() {
    enable();
    let ctx = TraceContext::parse(
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff",
        None,
    )
    .unwrap();
    assert_eq!(ctx.flags.bits(), 0xff); // kept as received
    let out = ctx.in_scope(|| current_trace_context().unwrap());
    assert_eq!(out.flags.bits(), 0x03);
    assert!(out.to_traceparent().ends_with("-03"));
}
