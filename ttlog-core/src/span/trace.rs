//! Entering a [`TraceContext`]: the span that carries a distributed trace through this
//! process, and [`current_trace_context`], what to send to the next one.
//!
//! Entering a context creates a span named `trace` (target [`TRACE_TARGET`]) whose fields
//! are the trace id, the remote caller's span id (`parent_id`) and the correlation id (ids,
//! which redaction leaves as they are). Spans
//! created inside it inherit the context, so the collector can give every event inside it
//! three extra fields: `trace_id`, `span_id` (the W3C id of the event's innermost span) and
//! `correlation_id`. Formats show them after the event's own fields (JSON as top-level keys)
//! and leave the `trace` span itself out of the scope, since those fields say the same.
//!
//! On the caller's side, the context rides in the span handles: a span created while a
//! context's span (or one of its descendants) is the current span holds a reference to the
//! context, and entering the span makes the context current on that thread, on whatever
//! thread and in whatever task the span is entered. [`current_trace_context`] reads it
//! there, with the W3C id of the current span as the parent id to send downstream.
//!
//! Each ttlog span has a W3C span id: its [`SpanId`] mixed with a random number drawn once per
//! process ([`SpanId::w3c_id`]), so ids are unique within the process and unrelated across
//! processes, and both the caller and the collector compute the same one without sharing
//! anything.

use std::sync::Arc;

use super::handle::{EnteredSpan, Span};
use super::id::SpanId;
use super::op::{SpanOp, SpanOpKind};
use crate::event::Values;
use crate::field::value::FieldValue;
use crate::ring::span_stack as current;
use crate::trace_context::root::{Context, DEFINED_FLAGS, TRACE_CALLSITE};
use crate::trace_context::{CorrelationId, TraceContext, TraceFlags};

impl TraceContext {
    /// A span that carries this context: entering it (or instrumenting a future with it)
    /// makes every event and span inside it carry `trace_id`, `span_id` and
    /// `correlation_id`, and [`current_trace_context`] return the context to send
    /// downstream.
    ///
    /// `self.parent_id` is taken as the remote caller's span (recorded as the span's
    /// `parent_id` field); the span gets its own W3C span id. Without a correlation id, the
    /// trace id's 32 hex digits are used. The span is a child of the thread's current span,
    /// if any, and is created whatever the level filter says (it is how events are joined
    /// across services, not an event of its own).
    ///
    /// ```
    /// use ttlog_core::{current_trace_context, Instrument, TraceContext};
    ///
    /// let incoming = TraceContext::parse(
    ///     "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    ///     None,
    /// )
    /// .unwrap()
    /// .with_correlation_id("order-7")
    /// .unwrap();
    /// let span = incoming.span();
    /// let outgoing = span.in_scope(|| current_trace_context()).unwrap();
    /// assert_eq!(outgoing.trace_id, incoming.trace_id);
    /// assert_ne!(outgoing.parent_id, incoming.parent_id); // this process's span
    /// assert_eq!(outgoing.correlation_id(), Some("order-7"));
    ///
    /// // For async work, instrument the future with the span.
    /// let work = async { current_trace_context().map(|c| c.trace_id) }.instrument(span);
    /// # let _ = work;
    /// ```
    pub fn span(&self) -> Span {
        let correlation_id = self
            .correlation_id
            .clone()
            .unwrap_or_else(|| CorrelationId::from_trace_id(self.trace_id));
        let mut values = Values::new();
        values.push(FieldValue::from(self.trace_id.to_string()));
        values.push(FieldValue::from(self.parent_id.to_string()));
        values.push(FieldValue::from_str_copy(correlation_id.as_str()));
        let context = Arc::new(Context {
            trace_id: self.trace_id,
            flags: TraceFlags::from_bits(self.flags.bits() & DEFINED_FLAGS),
            state: self.state.clone(),
            correlation_id,
        });
        let id = SpanId::next();
        crate::logger::send_span(SpanOp::new(
            id,
            SpanOpKind::New {
                callsite: &TRACE_CALLSITE,
                parent: SpanId::from_u64(current::current_id()),
                values,
            },
        ));
        Span::unshared(id, &TRACE_CALLSITE, true, Some(context))
    }

    /// Enters this context on the current thread until the returned guard is dropped (see
    /// [`span`](TraceContext::span)).
    ///
    /// ```
    /// use ttlog_core::{current_trace_context, TraceContext};
    ///
    /// let ctx = TraceContext::new_root();
    /// let entered = ctx.enter();
    /// assert_eq!(current_trace_context().unwrap().trace_id, ctx.trace_id);
    /// drop(entered);
    /// assert!(current_trace_context().is_none());
    /// ```
    pub fn enter(&self) -> EnteredSpan {
        self.span().entered()
    }

    /// Runs `f` inside this context (see [`span`](TraceContext::span)).
    ///
    /// ```
    /// let ctx = ttlog_core::TraceContext::new_root();
    /// let id = ctx.in_scope(|| ttlog_core::current_trace_context().unwrap().trace_id);
    /// assert_eq!(id, ctx.trace_id);
    /// ```
    pub fn in_scope<T>(&self, f: impl FnOnce() -> T) -> T {
        self.span().in_scope(f)
    }
}

/// The trace context to send with an outgoing request from here: the context the thread's
/// current span belongs to, with the W3C span id of that span as its parent id, and its
/// correlation id (always set: the one entered, or the trace id's hex digits). `None` outside
/// any entered context. The trace flags are the entered context's, with the bits W3C reserves
/// (all but `sampled` and `random`, `0x03`) cleared, as senders must.
///
/// A span belongs to a context when it was created while the context's span, or one of its
/// descendants, was the thread's current span (`span!` without `parent:`), or with
/// `parent: &span` naming such a span (from any thread), or `parent:` an id of a span
/// entered on this thread. The collector follows parents instead, so events are attributed
/// to their trace even in spans created with a bare id from elsewhere.
///
/// ```
/// use ttlog_core::{current_trace_context, Span, TraceContext};
///
/// assert!(current_trace_context().is_none());
/// let ctx = TraceContext::new_root();
/// let _entered = ctx.enter();
/// let outgoing = current_trace_context().unwrap();
/// assert_eq!(outgoing.trace_id, ctx.trace_id);
/// assert_eq!(outgoing.parent_id, Span::current().id().unwrap().w3c_id());
/// let header = outgoing.to_traceparent(); // "00-<trace id>-<this span>-01"
/// # assert!(header.starts_with("00-"));
/// ```
pub fn current_trace_context() -> Option<TraceContext> {
    current::with_current_context(|id, context| TraceContext {
        trace_id: context.trace_id,
        parent_id: id.w3c_id(),
        flags: context.flags,
        state: context.state.clone(),
        correlation_id: Some(context.correlation_id.clone()),
    })
}
