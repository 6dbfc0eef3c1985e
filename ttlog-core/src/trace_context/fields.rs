//! [`TraceFields`]: the W3C ids of an event inside a trace context, and the names
//! ([`TRACE_FIELDS`]) formats and snapshots write them under.

use super::ids::{ParentId, TraceId};

/// The names [`TraceFields`] are written under, in order: the trace id, the W3C span id and
/// the correlation id.
pub const TRACE_FIELDS: [&str; 3] = ["trace_id", "span_id", "correlation_id"];

/// The W3C ids of an event inside a trace context, as [`Record::trace`](crate::Record::trace) gives them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceFields<'a> {
    /// The trace.
    pub trace_id: TraceId,
    /// The W3C span id of the event's span ([`SpanId::w3c_id`](crate::SpanId::w3c_id)).
    pub span_id: ParentId,
    /// The correlation id (the trace id's hex digits when none was given).
    pub correlation_id: &'a str,
}

impl TraceFields<'_> {
    /// Calls `f` with each id as a text field, named as in [`TRACE_FIELDS`] and in that
    /// order (the ids in lowercase hex), without allocating.
    ///
    /// ```
    /// use ttlog_core::record::TraceFields;
    /// use ttlog_core::{ParentId, TraceId};
    /// let ids = TraceFields {
    ///     trace_id: TraceId::from_bytes([0xab; 16]).unwrap(),
    ///     span_id: ParentId::from_bytes([1; 8]).unwrap(),
    ///     correlation_id: "c-1",
    /// };
    /// let mut line = String::new();
    /// ids.for_each(|name, value| line += &format!(" {name}={value}"));
    /// assert_eq!(line, format!(" trace_id={} span_id=0101010101010101 correlation_id=c-1", "ab".repeat(16)));
    /// ```
    pub fn for_each(&self, mut f: impl FnMut(&'static str, &str)) {
        let [trace_id, span_id, correlation_id] = TRACE_FIELDS;
        let (mut trace_hex, mut span_hex) = ([0u8; 32], [0u8; 16]);
        f(trace_id, hex_str(&self.trace_id.to_bytes(), &mut trace_hex));
        f(span_id, hex_str(&self.span_id.to_bytes(), &mut span_hex));
        f(correlation_id, self.correlation_id);
    }
}

/// Writes `bytes` as lowercase hex into `buf` (twice as long) and returns it as text.
fn hex_str<'b>(bytes: &[u8], buf: &'b mut [u8]) -> &'b str {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (pair, byte) in buf.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 0xf)];
    }
    std::str::from_utf8(buf).unwrap_or_default()
}
