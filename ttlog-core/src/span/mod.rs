//! Spans: named, timed periods of work that events happen inside.
//!
//! A span is created by `span!` (or `info_span!` and friends, or `#[instrument]`), entered
//! while its work runs on a thread, and closed when the last handle to it is dropped. Events
//! logged while a span is entered carry its id; the collector keeps a table of spans (name,
//! fields, parent, thread, start and end), prints each event's scope before its message
//! (`request{id=7}:db{table=users}: query done`), and writes the spans into snapshots, so a
//! call tree with timings can be rebuilt after the process is gone.
//!
//! Everything a span does on the caller's thread is a small record pushed into the thread's
//! ring, like an event: creation (callsite, parent, field values), enter, exit, `record`,
//! `follows_from`, error status and close. The thread's current span is one thread-local word.
//!
//! # Handles and closing
//!
//! A [`Span`] closes when its last clone is dropped, as in tracing. The reference count is
//! allocated only when a span is first cloned, so the common case (create, enter, drop) does
//! not allocate. [`Span::current`] returns a handle that names the current span without
//! keeping it open.
//!
//! ```
//! use ttlog_core::span::Span;
//!
//! let span = Span::none(); // what `span!` returns when the span is disabled
//! let _entered = span.enter();
//! assert!(span.is_none());
//! assert_eq!(span.in_scope(|| 2 + 2), 4);
//! ```

//!
//! 1. `id.rs` — [`SpanId`] and [`SpanEvents`].
//! 2. `op.rs` — [`SpanOp`]: what a span did (created, entered, exited, recorded, closed).
//! 3. `handle.rs` — [`Span`] and its guards: what the span macros return.
//! 4. `instrument.rs` — [`Instrument`]: a future that enters its span on every poll.
//! 5. `trace.rs` — entering a [`TraceContext`](crate::TraceContext) and
//!    [`current_trace_context`].
//!
//! The thread's stack of entered spans lives with the ring (`ring/span_stack.rs`, the current
//! span every event reads); the collector's table of spans in `collector/spans.rs`.

pub(crate) mod handle;
pub(crate) mod id;
mod instrument;
pub(crate) mod op;
pub(crate) mod trace;

pub use crate::trace_context::root::TRACE_TARGET;
pub use handle::{Entered, EnteredSpan, RawEntered, Span};
pub use id::{SpanEvents, SpanId};
pub use instrument::{Instrument, Instrumented};
pub use op::{SpanOp, SpanOpKind};
pub use trace::current_trace_context;
