//! [`TraceContext`]: a parsed `traceparent` and `tracestate`, with the correlation id.

use std::fmt;

use super::correlation::*;
use super::error::*;
use super::grammar::*;
use super::ids::*;
use super::state::*;

// ===== impl TraceContext =====

/// A position in a distributed trace: what the `traceparent` and `tracestate` headers carry.
///
/// Parse one from incoming headers with [`parse`](TraceContext::parse), start a trace with
/// [`new_root`](TraceContext::new_root), and derive the context for an outgoing call with
/// [`child`](TraceContext::child). [`Display`](fmt::Display) and
/// [`to_traceparent`](TraceContext::to_traceparent) write the `traceparent` header;
/// [`TraceState::to_header`] writes `tracestate`.
///
/// Every field holds only valid values (ids are non-zero, the state is well formed), so the
/// headers written from a `TraceContext` always parse back to it. The fields can be read and
/// changed; a context is made by one of the constructors (the struct is `non_exhaustive`, so
/// that fields can be added).
///
/// # Examples
///
/// ```
/// use ttlog_core::TraceContext;
///
/// let ctx = TraceContext::parse(
///     "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
///     Some("congo=t61rcWkgMzE, rojo=00f067aa0ba902b7"),
/// )
/// .unwrap();
/// assert_eq!(ctx.trace_id.to_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
/// assert_eq!(ctx.parent_id.to_string(), "00f067aa0ba902b7");
/// assert!(ctx.flags.is_sampled());
/// assert_eq!(ctx.state.get("congo"), Some("t61rcWkgMzE"));
///
/// // Written back in canonical form.
/// assert_eq!(ctx.to_traceparent(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
/// assert_eq!(ctx.state.to_header(), "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct TraceContext {
    /// The id of the whole trace, shared by every service the request reaches.
    pub trace_id: TraceId,
    /// The id of the caller's span (W3C `parent-id`; ttlog's own span ids are
    /// [`SpanId`](crate::SpanId)).
    pub parent_id: ParentId,
    /// The `trace-flags` byte.
    pub flags: TraceFlags,
    /// The vendor-specific `tracestate` list.
    pub state: TraceState,
    /// The request's correlation id (the `x-correlation-id` header), if any. Not part of the
    /// W3C headers: [`parse`](TraceContext::parse) leaves it `None`; set it with
    /// [`with_correlation_id`](TraceContext::with_correlation_id).
    pub correlation_id: Option<CorrelationId>,
}

impl TraceContext {
    /// Parses a `traceparent` header and, if present, a `tracestate` header.
    ///
    /// Both headers must follow the W3C grammar exactly (see the [module docs](crate::trace_context)). If
    /// several `tracestate` headers arrived, join them with `,` first. The error names the
    /// header, field and position at fault. When only the `tracestate` is invalid
    /// ([`TraceContextError::is_tracestate`]), the recommendation says to keep the
    /// `traceparent` and drop the state: call `parse(traceparent, None)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use ttlog_core::{TraceContext, TraceContextErrorKind};
    ///
    /// let tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
    /// let ctx = TraceContext::parse(tp, None).unwrap();
    /// assert!(!ctx.flags.is_sampled());
    /// assert!(ctx.state.is_empty());
    ///
    /// let err = TraceContext::parse(
    ///     "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
    ///     None,
    /// )
    /// .unwrap_err();
    /// assert_eq!(err.kind(), TraceContextErrorKind::ZeroTraceId);
    /// assert_eq!(err.to_string(), "traceparent: trace-id is all zeros");
    ///
    /// // A bad tracestate: keep the traceparent, drop the state.
    /// let err = TraceContext::parse(tp, Some("Congo=1")).unwrap_err();
    /// assert!(err.is_tracestate());
    /// let ctx = TraceContext::parse(tp, None).unwrap();
    /// # assert_eq!(ctx.to_traceparent(), tp);
    /// ```
    pub fn parse(
        traceparent: &str,
        tracestate: Option<&str>,
    ) -> Result<TraceContext, TraceContextError> {
        let (trace_id, parent_id, flags) = parse_traceparent(traceparent)?;
        let state = match tracestate {
            Some(header) => TraceState::parse(header)?,
            None => TraceState::new(),
        };
        Ok(TraceContext {
            trace_id,
            parent_id,
            flags,
            state,
            correlation_id: None,
        })
    }

    /// Starts a new trace: a random trace id and parent id, the sampled flag set (ttlog keeps
    /// every event it is given), and an empty `tracestate`.
    ///
    /// The ids are non-zero and differ from call to call and from thread to thread. They come
    /// from std's `RandomState` (randomly keyed SipHash, seeded from the OS once per thread)
    /// over a process-wide counter, the time and the thread's index: good for telling traces
    /// apart, **not cryptographically secure**. Don't use them as secrets.
    ///
    /// # Examples
    ///
    /// ```
    /// use ttlog_core::TraceContext;
    ///
    /// let a = TraceContext::new_root();
    /// let b = TraceContext::new_root();
    /// assert_ne!(a.trace_id, b.trace_id);
    /// assert!(a.flags.is_sampled());
    /// assert_eq!(TraceContext::parse(&a.to_traceparent(), None).unwrap(), a);
    /// ```
    pub fn new_root() -> TraceContext {
        TraceContext {
            trace_id: TraceId::random(),
            parent_id: ParentId::random(),
            flags: TraceFlags::SAMPLED,
            state: TraceState::new(),
            correlation_id: None,
        }
    }

    /// The context to send downstream from a new span of this trace: the same trace id, flags,
    /// state and correlation id, and a fresh random parent id (the new span's). Inside an
    /// entered context, [`current_trace_context`](crate::current_trace_context) gives the
    /// parent id of the actual current span instead.
    ///
    /// # Examples
    ///
    /// ```
    /// use ttlog_core::TraceContext;
    ///
    /// let incoming = TraceContext::parse(
    ///     "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    ///     Some("congo=t61rcWkgMzE"),
    /// )
    /// .unwrap();
    /// let outgoing = incoming.child();
    /// assert_eq!(outgoing.trace_id, incoming.trace_id);
    /// assert_ne!(outgoing.parent_id, incoming.parent_id);
    /// assert_eq!(outgoing.flags, incoming.flags);
    /// assert_eq!(outgoing.state, incoming.state);
    /// ```
    pub fn child(&self) -> TraceContext {
        TraceContext {
            trace_id: self.trace_id,
            parent_id: ParentId::random(),
            flags: self.flags,
            state: self.state.clone(),
            correlation_id: self.correlation_id.clone(),
        }
    }

    /// The correlation id, if one was set.
    ///
    /// ```
    /// use ttlog_core::TraceContext;
    /// let ctx = TraceContext::new_root();
    /// assert_eq!(ctx.correlation_id(), None);
    /// let ctx = ctx.with_correlation_id("order-7f3a").unwrap();
    /// assert_eq!(ctx.correlation_id(), Some("order-7f3a"));
    /// ```
    pub fn correlation_id(&self) -> Option<&str> {
        self.correlation_id.as_ref().map(CorrelationId::as_str)
    }

    /// This context with correlation id `id`, which must be 1 to
    /// [`MAX_CORRELATION_ID_LEN`] visible ASCII characters (see [`CorrelationId::new`]).
    ///
    /// ```
    /// use ttlog_core::{TraceContext, TraceContextErrorKind};
    /// let ctx = TraceContext::new_root();
    /// let err = ctx.with_correlation_id("two words").unwrap_err();
    /// assert_eq!(err.kind(), TraceContextErrorKind::CorrelationId);
    /// ```
    pub fn with_correlation_id(mut self, id: &str) -> Result<TraceContext, TraceContextError> {
        self.correlation_id = Some(CorrelationId::new(id)?);
        Ok(self)
    }

    /// The `traceparent` header for this context, always version `00`:
    /// `00-<trace-id>-<parent-id>-<trace-flags>`. The same text as [`Display`](fmt::Display).
    ///
    /// # Examples
    ///
    /// ```
    /// use ttlog_core::TraceContext;
    ///
    /// // A later version is read by its first 55 characters and written as version 00.
    /// let ctx = TraceContext::parse(
    ///     "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes-next",
    ///     None,
    /// )
    /// .unwrap();
    /// assert_eq!(ctx.to_traceparent(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    /// ```
    pub fn to_traceparent(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for TraceContext {
    /// Writes the `traceparent` header (see [`TraceContext::to_traceparent`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "00-{}-{}-{}", self.trace_id, self.parent_id, self.flags)
    }
}

pub(super) fn parse_traceparent(
    s: &str,
) -> Result<(TraceId, ParentId, TraceFlags), TraceContextError> {
    let b = s.as_bytes();
    if b.len() < 2 {
        return Err(Repr::TooShort {
            found: char_count(s),
        }
        .into());
    }
    check_hex(s, 0, 2, TpField::Version)?;
    let version = decode_hex::<1>(&b[0..2])[0];
    if version == 0xff {
        return Err(Repr::VersionFf.into());
    }
    if b.len() < TRACEPARENT_LEN {
        return Err(Repr::TooShort {
            found: char_count(s),
        }
        .into());
    }
    // From here on, every byte before the one being checked is ASCII, so byte offsets are
    // character offsets.
    check_dash(s, 2, TpField::Version)?;
    check_hex(s, 3, 35, TpField::TraceId)?;
    check_dash(s, 35, TpField::TraceId)?;
    check_hex(s, 36, 52, TpField::ParentId)?;
    check_dash(s, 52, TpField::ParentId)?;
    check_hex(s, 53, 55, TpField::Flags)?;
    if b.len() > TRACEPARENT_LEN {
        if version == 0 {
            return Err(Repr::TooLong {
                found: char_count(s),
            }
            .into());
        }
        if b[TRACEPARENT_LEN] != b'-' {
            return Err(Repr::FutureTail {
                version,
                found: char_at(s, TRACEPARENT_LEN),
            }
            .into());
        }
    }
    let trace_id = TraceId::from_bytes(decode_hex(&b[3..35])).ok_or(Repr::ZeroTraceId)?;
    let parent_id = ParentId::from_bytes(decode_hex(&b[36..52])).ok_or(Repr::ZeroParentId)?;
    let flags = TraceFlags(decode_hex::<1>(&b[53..55])[0]);
    Ok((trace_id, parent_id, flags))
}

/// Checks that `s[start..end]` is lowercase hex; `s[..start]` is ASCII and `end <= s.len()`.
pub(super) fn check_hex(
    s: &str,
    start: usize,
    end: usize,
    field: TpField,
) -> Result<(), TraceContextError> {
    match s.as_bytes()[start..end]
        .iter()
        .position(|&c| !is_lower_hex(c))
    {
        None => Ok(()),
        Some(i) => Err(Repr::NotHex {
            field,
            found: char_at(s, start + i),
            at: start + i,
        }
        .into()),
    }
}

/// Checks for the `-` after `field`; `s[..at]` is ASCII and `at < s.len()`.
pub(super) fn check_dash(s: &str, at: usize, after: TpField) -> Result<(), TraceContextError> {
    if s.as_bytes()[at] == b'-' {
        Ok(())
    } else {
        Err(Repr::Dash {
            after,
            found: char_at(s, at),
            at,
        }
        .into())
    }
}
