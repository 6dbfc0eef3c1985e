//! The span that carries a trace context through this process: its target and callsite, what
//! the collector keeps of it ([`TraceRoot`]), what the spans inside it share on the caller's
//! side ([`Context`]), and each span's W3C id ([`SpanId::w3c_id`]).

use std::sync::{Arc, OnceLock};

use super::correlation::CorrelationId;
use super::fields::TraceFields;
use super::ids::{random_u64, ParentId, TraceFlags, TraceId};
use super::state::TraceState;
use crate::callsite::site::Callsite;
use crate::event::Values;
use crate::field::value::FieldValue;
use crate::level::Level;
use crate::span::id::SpanId;

/// The target of the spans that carry a trace context. Scopes leave these spans out.
pub const TRACE_TARGET: &str = "ttlog::trace";

/// The callsite of every context span: name `trace`, fields `trace_id`, `parent_id` (the
/// remote caller's span), `correlation_id`.
pub(crate) static TRACE_CALLSITE: Callsite = Callsite::new(
    Level::Info,
    TRACE_TARGET,
    module_path!(),
    file!(),
    line!(),
    "trace",
    &["trace_id", "parent_id", "correlation_id"],
);

/// Index of the `trace_id` field of [`TRACE_CALLSITE`].
const TRACE_ID_FIELD: usize = 0;
/// Index of the `correlation_id` field of [`TRACE_CALLSITE`].
const CORRELATION_ID_FIELD: usize = 2;

/// What the collector's span table keeps of a context, for the spans in it.
#[derive(Debug)]
pub(crate) struct TraceRoot {
    pub(crate) trace_id: TraceId,
    pub(crate) correlation_id: Box<str>,
}

impl TraceRoot {
    /// The context a new span carries, if it is a context's span (read back from its fields).
    pub(crate) fn of(callsite: &'static Callsite, values: &Values) -> Option<Arc<TraceRoot>> {
        if !is_trace_callsite(callsite) {
            return None;
        }
        let trace_id = TraceId::from_hex(values.get(TRACE_ID_FIELD)?.as_str()?)?;
        let correlation_id = values
            .get(CORRELATION_ID_FIELD)
            .and_then(FieldValue::as_str)
            .unwrap_or_default()
            .into();
        Some(Arc::new(TraceRoot {
            trace_id,
            correlation_id,
        }))
    }

    /// The ids of span `span` (a span in this context): the trace's, and the span's W3C id.
    pub(crate) fn fields(&self, span: u64) -> Option<TraceFields<'_>> {
        Some(TraceFields {
            trace_id: self.trace_id,
            span_id: SpanId::from_u64(span)?.w3c_id(),
            correlation_id: &self.correlation_id,
        })
    }
}

/// Whether `callsite` is the one of trace-context spans.
pub(crate) fn is_trace_callsite(callsite: &Callsite) -> bool {
    std::ptr::eq(callsite, &TRACE_CALLSITE)
}

/// The trace-flags bits a context sends on: `sampled` (W3C Level 1) and `random` (Level 2).
/// The others are reserved, and senders must leave them zero.
pub(crate) const DEFINED_FLAGS: u8 = 0x03;

/// What the spans of an entered context share on the caller's side.
#[derive(Debug)]
pub(crate) struct Context {
    pub(crate) trace_id: TraceId,
    pub(crate) flags: TraceFlags,
    pub(crate) state: TraceState,
    pub(crate) correlation_id: CorrelationId,
}

impl SpanId {
    /// This span's W3C span id (the `parent-id` a request sent from inside it carries): the
    /// id mixed with a random number drawn once per process, so it is unique within the
    /// process (the mix is a bijection), never zero, and unrelated across processes.
    ///
    /// ```
    /// use ttlog_core::SpanId;
    /// let a = SpanId::from_u64(1).unwrap().w3c_id();
    /// let b = SpanId::from_u64(2).unwrap().w3c_id();
    /// assert_ne!(a, b);
    /// assert_eq!(a, SpanId::from_u64(1).unwrap().w3c_id());
    /// ```
    pub fn w3c_id(self) -> ParentId {
        static SALT: OnceLock<u64> = OnceLock::new();
        let salt = *SALT.get_or_init(random_u64);
        // splitmix64's finaliser: a bijection on u64, so distinct ids give distinct results.
        let mut z = self.into_u64() ^ salt;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        // One id in 2^64 maps to zero, which W3C forbids; it takes the value 1 instead.
        ParentId::from_bytes(z.to_be_bytes()).unwrap_or(ParentId::ONE)
    }
}
