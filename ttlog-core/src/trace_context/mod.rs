//! W3C Trace Context: parsing and formatting the `traceparent` and `tracestate` headers.
//!
//! A request that crosses a process boundary carries two HTTP headers defined by the
//! [W3C Trace Context](https://www.w3.org/TR/trace-context/) recommendation (Level 1):
//!
//! ```text
//! traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
//!              │  │                                │                └ trace-flags (01 = sampled)
//!              │  │                                └ parent-id: the caller's span, 8 bytes
//!              │  └ trace-id: the whole distributed trace, 16 bytes
//!              └ version
//! tracestate:  congo=t61rcWkgMzE,rojo=00f067aa0ba902b7
//! ```
//!
//! Logs from every service a request touches can only be joined if each one reads these
//! headers exactly as the others write them, so this module follows the recommendation's
//! grammar to the letter and refuses everything else, with a reason that names the field and
//! the position at fault:
//!
//! - hex is lowercase only; ids that are all zeros are invalid; version `ff` is invalid;
//! - version `00` is exactly 55 characters. A later version is read by its first 55 characters,
//!   which must be followed by the end of the header or a `-` (the forward-compatibility rule).
//!   Whatever the version read, [`TraceContext`] writes version `00`, the one it implements;
//! - `tracestate` holds at most 32 `key=value` list-members separated by commas and optional
//!   spaces or tabs. Empty members are skipped (they appear when a proxy joins several
//!   `tracestate` headers with commas); keys are unique.
//!
//! The parsers never panic, whatever the input (`fuzz/fuzz_targets/trace_context.rs` feeds them
//! arbitrary bytes), and everything they accept formats back to a header that parses to the
//! same value.
//!
//! Per the recommendation, a valid `traceparent` with an invalid `tracestate` still identifies
//! the trace; only the state must be dropped. [`TraceContext::parse`] reports the error, and
//! [`TraceContextError::is_tracestate`] tells the caller when parsing the `traceparent` alone
//! is the right fallback.
//!
//! This module only reads and writes headers. Random ids come from std's `RandomState`
//! hasher (see [`TraceContext::new_root`]): unique enough for tracing, not cryptographic.

//!
//! 1. `context.rs` — [`TraceContext`]: the two headers parsed together, and formatted.
//! 2. `ids.rs` — [`TraceId`], [`ParentId`], [`TraceFlags`].
//! 3. `state.rs` — [`TraceState`].
//! 4. `correlation.rs` — [`CorrelationId`].
//! 5. `error.rs` — [`TraceContextError`] and its [`TraceContextErrorKind`].
//! 6. `grammar.rs` — the grammar's limits and the helpers the parsers share.
//! 7. `fields.rs` — [`TraceFields`](crate::record::TraceFields): the ids an event inside a
//!    context carries.
//! 8. `root.rs` — the context's span (target [`TRACE_TARGET`](crate::span::TRACE_TARGET)) and
//!    what the spans inside a context share.
//!
//! Entering a context (`TraceContext::enter`, `span`, `in_scope`) is in `span/trace.rs`.

mod context;
mod correlation;
mod error;
pub(crate) mod fields;
mod grammar;
pub(crate) mod ids;
pub(crate) mod root;
mod state;

pub use context::TraceContext;
pub use correlation::CorrelationId;
pub use error::{TraceContextError, TraceContextErrorKind};
pub use grammar::{
    MAX_CORRELATION_ID_LEN, MAX_TRACESTATE_KEY_LEN, MAX_TRACESTATE_MEMBERS,
    MAX_TRACESTATE_VALUE_LEN, TRACEPARENT_LEN,
};
pub use ids::{ParentId, TraceFlags, TraceId};
pub use state::TraceState;
