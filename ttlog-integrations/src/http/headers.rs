//! Reading and writing the trace headers of an [`http::HeaderMap`]: `traceparent`,
//! `tracestate` and `x-correlation-id`.
//!
//! Reading follows the W3C processing model: an absent or invalid `traceparent` means the
//! request starts a new trace; an invalid `tracestate` is dropped while its valid
//! `traceparent` is kept; several `tracestate` lines are one list joined with `,`. Whatever
//! arrived, [`extract_from_headers`] says what it found and why it ignored something, so a
//! server can log bad peers instead of silently breaking their traces.

use std::fmt;

use ::http::header::{HeaderMap, HeaderName, HeaderValue};
use ttlog_core::{CorrelationId, TraceContext, TraceContextError};

/// The W3C `traceparent` header: version, trace id, parent (span) id and flags.
pub const TRACEPARENT: HeaderName = HeaderName::from_static("traceparent");

/// The W3C `tracestate` header: vendor-specific `key=value` pairs that travel with the trace.
pub const TRACESTATE: HeaderName = HeaderName::from_static("tracestate");

/// The `x-correlation-id` header: an id chosen by the caller (or the trace id) that ties the
/// logs of one request together, also for peers that do not speak W3C trace context.
pub const X_CORRELATION_ID: HeaderName = HeaderName::from_static("x-correlation-id");

// ===== impl Extracted =====

/// What [`extract_from_headers`] found in a request's headers.
///
/// [`remote`](Extracted::remote) tells whether the caller sent a usable `traceparent`
/// ([`Remote::Valid`]), none ([`Remote::Absent`]) or a broken one ([`Remote::Invalid`],
/// with the reason). [`into_context`](Extracted::into_context) is the context to serve the
/// request in: the caller's, or a new trace when there is none, with the caller's
/// correlation id in both cases. The parts that were ignored (a dropped `tracestate`, a
/// rejected `x-correlation-id`) are reported by [`tracestate_error`](Extracted::tracestate_error)
/// and [`correlation_id_error`](Extracted::correlation_id_error).
///
/// # Examples
///
/// ```
/// use http::{HeaderMap, HeaderValue};
/// use ttlog_integrations::http::{extract_from_headers, Remote};
///
/// let mut headers = HeaderMap::new();
/// headers.insert(
///     "traceparent",
///     HeaderValue::from_static("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
/// );
/// headers.insert("x-correlation-id", HeaderValue::from_static("order-7"));
///
/// let extracted = extract_from_headers(&headers);
/// let Remote::Valid(remote) = extracted.remote() else { panic!("a valid traceparent") };
/// assert_eq!(remote.trace_id.to_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
/// assert_eq!(extracted.correlation_id(), Some("order-7"));
///
/// let ctx = extracted.into_context(); // the caller's trace, to enter for the request
/// assert_eq!(ctx.parent_id.to_string(), "00f067aa0ba902b7");
/// assert_eq!(ctx.correlation_id(), Some("order-7"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extracted {
    remote: Remote,
    /// The caller's valid `x-correlation-id` (also in a [`Remote::Valid`] context).
    correlation_id: Option<CorrelationId>,
    tracestate_error: Option<HeaderError>,
    correlation_id_error: Option<HeaderError>,
}

/// The caller's trace context, as the `traceparent` (and `tracestate`) headers gave it.
///
/// # Examples
///
/// ```
/// use http::HeaderMap;
/// use ttlog_integrations::http::{extract_from_headers, Remote};
///
/// let mut headers = HeaderMap::new();
/// assert_eq!(*extract_from_headers(&headers).remote(), Remote::Absent);
///
/// headers.insert("traceparent", "00-not-a-trace".parse().unwrap());
/// match extract_from_headers(&headers).remote() {
///     Remote::Invalid(err) => {
///         assert_eq!(err.to_string(), "traceparent: too short: 14 characters, expected 55")
///     }
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Remote {
    /// No `traceparent` header: the request starts a new trace.
    Absent,
    /// A valid `traceparent`: the request continues the caller's trace. Its `parent_id` is
    /// the caller's span; its state is the `tracestate` when that was valid too, else empty;
    /// its correlation id is the caller's `x-correlation-id` when that was valid.
    Valid(TraceContext),
    /// A `traceparent` that could not be used: the request starts a new trace, as the W3C
    /// recommendation says. The error says why.
    Invalid(HeaderError),
}

impl Extracted {
    /// The caller's trace context: absent, valid or invalid.
    ///
    /// ```
    /// use http::HeaderMap;
    /// use ttlog_integrations::http::{extract_from_headers, Remote};
    /// assert_eq!(*extract_from_headers(&HeaderMap::new()).remote(), Remote::Absent);
    /// ```
    pub fn remote(&self) -> &Remote {
        &self.remote
    }

    /// The caller's `x-correlation-id`, when it sent a valid one (1 to 128 visible ASCII
    /// characters, in one header line).
    ///
    /// ```
    /// use http::HeaderMap;
    /// use ttlog_integrations::http::extract_from_headers;
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-correlation-id", "checkout-42".parse().unwrap());
    /// assert_eq!(extract_from_headers(&headers).correlation_id(), Some("checkout-42"));
    /// ```
    pub fn correlation_id(&self) -> Option<&str> {
        self.correlation_id.as_ref().map(CorrelationId::as_str)
    }

    /// Why the `tracestate` was dropped, when a valid `traceparent` came with an invalid
    /// `tracestate` (the context is kept, without state).
    ///
    /// ```
    /// use http::HeaderMap;
    /// use ttlog_integrations::http::{extract_from_headers, Remote};
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert(
    ///     "traceparent",
    ///     "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".parse().unwrap(),
    /// );
    /// headers.insert("tracestate", "a=1,a=2".parse().unwrap());
    /// let extracted = extract_from_headers(&headers);
    /// assert!(matches!(extracted.remote(), Remote::Valid(ctx) if ctx.state.is_empty()));
    /// assert_eq!(
    ///     extracted.tracestate_error().unwrap().to_string(),
    ///     "tracestate: member 2 repeats key `a` (first in member 1)",
    /// );
    /// ```
    pub fn tracestate_error(&self) -> Option<&HeaderError> {
        self.tracestate_error.as_ref()
    }

    /// Why the `x-correlation-id` header was ignored, when one arrived and was not valid.
    ///
    /// ```
    /// use http::HeaderMap;
    /// use ttlog_integrations::http::extract_from_headers;
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-correlation-id", "two words".parse().unwrap());
    /// let extracted = extract_from_headers(&headers);
    /// assert_eq!(extracted.correlation_id(), None);
    /// assert!(extracted.correlation_id_error().is_some());
    /// ```
    pub fn correlation_id_error(&self) -> Option<&HeaderError> {
        self.correlation_id_error.as_ref()
    }

    /// The context to serve the request in: the caller's when its `traceparent` was valid,
    /// else a new trace ([`TraceContext::new_root`]); with the caller's correlation id when
    /// it sent a valid one.
    ///
    /// Enter it (`ctx.enter()`, or `fut.instrument(ctx.span())`) for the request's events
    /// to carry `trace_id`, `span_id` and `correlation_id`: the entered span gets its own
    /// span id, with the caller's span as its parent.
    ///
    /// ```
    /// use http::HeaderMap;
    /// use ttlog_integrations::http::extract_from_headers;
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-correlation-id", "checkout-42".parse().unwrap());
    /// let ctx = extract_from_headers(&headers).into_context(); // no traceparent: a new trace
    /// assert_eq!(ctx.correlation_id(), Some("checkout-42"));
    /// ```
    pub fn into_context(self) -> TraceContext {
        match self.remote {
            Remote::Valid(ctx) => ctx,
            Remote::Absent | Remote::Invalid(_) => {
                let mut root = TraceContext::new_root();
                root.correlation_id = self.correlation_id;
                root
            }
        }
    }
}

impl Extracted {
    /// The context to serve the request in and every header that was ignored, in header
    /// order (`traceparent`, `tracestate`, `x-correlation-id`).
    pub(super) fn into_parts(mut self) -> (TraceContext, Vec<HeaderError>) {
        let mut problems = Vec::new();
        if let Remote::Invalid(err) = &mut self.remote {
            problems.push(err.clone());
        }
        problems.extend(self.tracestate_error.take());
        problems.extend(self.correlation_id_error.take());
        (self.into_context(), problems)
    }
}

/// Reads the caller's trace context from a request's `traceparent`, `tracestate` and
/// `x-correlation-id` headers.
///
/// - No `traceparent`: [`Remote::Absent`]. More than one, a value that is not visible ASCII,
///   or one that breaks the W3C grammar: [`Remote::Invalid`] with the reason, and the
///   `tracestate` is not read (the recommendation forbids it).
/// - `tracestate`: every line, joined with `,`. When it is invalid (or not visible ASCII),
///   it is dropped and the `traceparent` kept ([`Extracted::tracestate_error`] says why).
/// - `x-correlation-id`: kept when valid (one line of 1 to 128 visible ASCII characters),
///   ignored otherwise ([`Extracted::correlation_id_error`]).
///
/// Never panics, whatever the headers hold.
///
/// # Examples
///
/// ```
/// use http::HeaderMap;
/// use ttlog_integrations::http::{extract_from_headers, Remote};
///
/// let mut headers = HeaderMap::new();
/// headers.insert(
///     "traceparent",
///     "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".parse().unwrap(),
/// );
/// // Two lines of one list, as a proxy may forward them.
/// headers.append("tracestate", "congo=t61rcWkgMzE".parse().unwrap());
/// headers.append("tracestate", "rojo=00f067aa0ba902b7".parse().unwrap());
///
/// let Remote::Valid(ctx) = extract_from_headers(&headers).remote().clone() else {
///     panic!("a valid traceparent")
/// };
/// assert_eq!(ctx.state.to_header(), "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
/// ```
pub fn extract_from_headers(headers: &HeaderMap) -> Extracted {
    let mut tracestate_error = None;
    let mut remote = match single_line(headers, &TRACEPARENT) {
        Ok(None) => Remote::Absent,
        Err(err) => Remote::Invalid(err),
        Ok(Some(traceparent)) => match read_tracestate(headers) {
            Ok(tracestate) => match TraceContext::parse(traceparent, tracestate.as_deref()) {
                Ok(ctx) => Remote::Valid(ctx),
                Err(err) if err.is_tracestate() => {
                    tracestate_error = Some(HeaderError::invalid(TRACESTATE, err));
                    parse_without_state(traceparent)
                }
                Err(err) => Remote::Invalid(HeaderError::invalid(TRACEPARENT, err)),
            },
            Err(err) => {
                tracestate_error = Some(err);
                parse_without_state(traceparent)
            }
        },
    };
    let (correlation_id, correlation_id_error) = match read_correlation_id(headers) {
        Ok(id) => (id, None),
        Err(err) => (None, Some(err)),
    };
    if let Remote::Valid(ctx) = &mut remote {
        ctx.correlation_id.clone_from(&correlation_id);
    }
    Extracted {
        remote,
        correlation_id,
        tracestate_error,
        correlation_id_error,
    }
}

/// The caller's `x-correlation-id`, when it sent one, checked.
fn read_correlation_id(headers: &HeaderMap) -> Result<Option<CorrelationId>, HeaderError> {
    match single_line(headers, &X_CORRELATION_ID)? {
        None => Ok(None),
        Some(id) => CorrelationId::new(id)
            .map(Some)
            .map_err(|err| HeaderError::invalid(X_CORRELATION_ID, err)),
    }
}

fn parse_without_state(traceparent: &str) -> Remote {
    match TraceContext::parse(traceparent, None) {
        Ok(ctx) => Remote::Valid(ctx),
        Err(err) => Remote::Invalid(HeaderError::invalid(TRACEPARENT, err)),
    }
}

/// The header's only line, as text; `None` without one, an error for several lines or a
/// value that is not visible ASCII.
fn single_line<'h>(
    headers: &'h HeaderMap,
    name: &HeaderName,
) -> Result<Option<&'h str>, HeaderError> {
    let lines = headers.get_all(name);
    let mut iter = lines.iter();
    let Some(first) = iter.next() else {
        return Ok(None);
    };
    let extra = iter.count();
    if extra > 0 {
        return Err(HeaderError {
            header: name.clone(),
            kind: Kind::Repeated { lines: extra + 1 },
        });
    }
    text(name, first).map(Some)
}

/// Every `tracestate` line, joined with `,` (`None` without one).
fn read_tracestate(headers: &HeaderMap) -> Result<Option<String>, HeaderError> {
    let mut joined: Option<String> = None;
    for line in headers.get_all(&TRACESTATE) {
        let line = text(&TRACESTATE, line)?;
        match &mut joined {
            None => joined = Some(line.to_owned()),
            Some(all) => {
                all.push(',');
                all.push_str(line);
            }
        }
    }
    Ok(joined)
}

/// The value as text, without leading and trailing spaces and tabs (which a field value may
/// carry, and HTTP/1 parsers strip but other sources of a `HeaderMap` may not), when every
/// byte is visible ASCII, a space or a tab (what the header grammars build on); else an error
/// that says where it is not.
fn text<'h>(header: &HeaderName, value: &'h HeaderValue) -> Result<&'h str, HeaderError> {
    let text = value.to_str().map_err(|_| {
        let bytes = value.as_bytes();
        let at = bytes
            .iter()
            .position(|&b| !(b == b'\t' || (0x20..0x7f).contains(&b)))
            .unwrap_or(0);
        HeaderError {
            header: header.clone(),
            kind: Kind::NotAscii {
                byte: bytes.get(at).copied().unwrap_or(0),
                at: at + 1,
            },
        }
    })?;
    Ok(text.trim_matches([' ', '\t']))
}

// ===== inject =====

/// Writes the current trace context (see `ttlog::current_trace_context`) into an outgoing
/// request's headers, for the callee to continue the trace: `traceparent` with the current
/// span as the parent, `tracestate` when the state is not empty, and `x-correlation-id`.
/// Returns whether there was a context to write: outside one, the headers are left as they
/// are.
///
/// The three headers are replaced, not appended to; a stale `tracestate` is removed when the
/// context has none.
///
/// # Examples
///
/// ```
/// use http::HeaderMap;
/// use ttlog_core::TraceContext;
/// use ttlog_integrations::http::inject_into_headers;
///
/// let mut headers = HeaderMap::new();
/// assert!(!inject_into_headers(&mut headers)); // outside every context: nothing written
/// assert!(headers.is_empty());
///
/// let ctx = TraceContext::new_root().with_correlation_id("order-7").unwrap();
/// let _entered = ctx.enter();
/// assert!(inject_into_headers(&mut headers));
/// let traceparent = headers["traceparent"].to_str().unwrap();
/// assert!(traceparent.starts_with(&format!("00-{}-", ctx.trace_id)));
/// assert_eq!(headers["x-correlation-id"], "order-7");
/// ```
pub fn inject_into_headers(headers: &mut HeaderMap) -> bool {
    match ttlog_core::current_trace_context() {
        Some(ctx) => {
            inject_context(&ctx, headers);
            true
        }
        None => false,
    }
}

/// Writes `ctx` into an outgoing request's headers: `traceparent` (with `ctx.parent_id` as
/// the parent), `tracestate` when the state is not empty (else any `tracestate` is removed),
/// and `x-correlation-id` (the context's correlation id, or its trace id when it has none,
/// as when the context is entered).
/// The headers are replaced, not appended to.
///
/// # Examples
///
/// ```
/// use http::HeaderMap;
/// use ttlog_core::TraceContext;
/// use ttlog_integrations::http::inject_context;
///
/// let ctx = TraceContext::parse(
///     "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
///     Some("congo=t61rcWkgMzE"),
/// )
/// .unwrap();
/// let mut headers = HeaderMap::new();
/// inject_context(&ctx, &mut headers);
/// assert_eq!(headers["traceparent"], "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
/// assert_eq!(headers["tracestate"], "congo=t61rcWkgMzE");
/// assert_eq!(headers["x-correlation-id"], "4bf92f3577b34da6a3ce929d0e0e4736");
/// ```
pub fn inject_context(ctx: &TraceContext, headers: &mut HeaderMap) {
    // Every part is visible ASCII by construction (parsed or generated under the W3C
    // grammar; correlation ids are checked on the way in), so the conversions cannot fail;
    // a header that somehow could not be written is left out rather than panicking.
    if let Ok(value) = HeaderValue::try_from(ctx.to_traceparent()) {
        headers.insert(TRACEPARENT, value);
    }
    if ctx.state.is_empty() {
        headers.remove(TRACESTATE);
    } else if let Ok(value) = HeaderValue::try_from(ctx.state.to_header()) {
        headers.insert(TRACESTATE, value);
    }
    if let Ok(value) = correlation_header(ctx) {
        headers.insert(X_CORRELATION_ID, value);
    }
}

/// The `x-correlation-id` value for `ctx`: its correlation id, or its trace id.
pub(super) fn correlation_header(
    ctx: &TraceContext,
) -> Result<HeaderValue, ::http::header::InvalidHeaderValue> {
    match ctx.correlation_id() {
        Some(id) => HeaderValue::from_str(id),
        None => HeaderValue::try_from(ctx.trace_id.to_string()),
    }
}

// ===== impl HeaderError =====

/// A trace header that [`extract_from_headers`] could not use, and why.
///
/// The message starts with the header's name: `traceparent: too short: 14 characters,
/// expected 55`.
///
/// # Examples
///
/// ```
/// use http::{HeaderMap, HeaderValue};
/// use ttlog_integrations::http::{extract_from_headers, Remote};
///
/// let mut headers = HeaderMap::new();
/// headers.insert("traceparent", HeaderValue::from_bytes(b"00-\xc3\xa9").unwrap());
/// let Remote::Invalid(err) = extract_from_headers(&headers).remote().clone() else {
///     panic!("invalid")
/// };
/// assert_eq!(err.header(), "traceparent");
/// assert_eq!(err.to_string(), "traceparent: byte 0xc3 at position 4 is not visible ASCII");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderError {
    header: HeaderName,
    kind: Kind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    /// A header that must appear once appeared on several lines.
    Repeated { lines: usize },
    /// A byte outside visible ASCII (other than space and tab), at a 1-based position.
    NotAscii { byte: u8, at: usize },
    /// The text breaks the header's grammar.
    Invalid(TraceContextError),
}

impl HeaderError {
    fn invalid(header: HeaderName, err: TraceContextError) -> HeaderError {
        HeaderError {
            header,
            kind: Kind::Invalid(err),
        }
    }

    /// The header's name: `traceparent`, `tracestate` or `x-correlation-id`.
    ///
    /// ```
    /// use http::HeaderMap;
    /// use ttlog_integrations::http::extract_from_headers;
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.append("x-correlation-id", "a".parse().unwrap());
    /// headers.append("x-correlation-id", "b".parse().unwrap());
    /// let extracted = extract_from_headers(&headers);
    /// let err = extracted.correlation_id_error().unwrap();
    /// assert_eq!(err.header(), "x-correlation-id");
    /// assert_eq!(err.to_string(), "x-correlation-id: 2 header lines, expected one");
    /// ```
    pub fn header(&self) -> &HeaderName {
        &self.header
    }

    /// The grammar error, when the header's text was read but is not valid (rather than
    /// repeated or not ASCII).
    ///
    /// ```
    /// use http::HeaderMap;
    /// use ttlog_core::TraceContextErrorKind;
    /// use ttlog_integrations::http::{extract_from_headers, Remote};
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert(
    ///     "traceparent",
    ///     "00-00000000000000000000000000000000-00f067aa0ba902b7-01".parse().unwrap(),
    /// );
    /// let Remote::Invalid(err) = extract_from_headers(&headers).remote().clone() else {
    ///     panic!("invalid")
    /// };
    /// assert_eq!(
    ///     err.trace_context_error().map(|e| e.kind()),
    ///     Some(TraceContextErrorKind::ZeroTraceId),
    /// );
    /// ```
    pub fn trace_context_error(&self) -> Option<&TraceContextError> {
        match &self.kind {
            Kind::Invalid(err) => Some(err),
            _ => None,
        }
    }
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Repeated { lines } => {
                write!(f, "{}: {lines} header lines, expected one", self.header)
            }
            Kind::NotAscii { byte, at } => write!(
                f,
                "{}: byte {byte:#04x} at position {at} is not visible ASCII",
                self.header
            ),
            // The parser's messages start with the header's name (`traceparent: …`), or
            // with `correlation id: ` for an `x-correlation-id`.
            Kind::Invalid(err) => {
                let text = err.to_string();
                if text.starts_with(self.header.as_str()) {
                    f.write_str(&text)
                } else {
                    let reason = text.strip_prefix("correlation id: ").unwrap_or(&text);
                    write!(f, "{}: {reason}", self.header)
                }
            }
        }
    }
}

impl std::error::Error for HeaderError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            Kind::Invalid(err) => Some(err),
            _ => None,
        }
    }
}
