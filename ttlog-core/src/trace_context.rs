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

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The length of a version `00` `traceparent`, and of the part a later version is read from.
pub const TRACEPARENT_LEN: usize = 55;

/// The most list-members a `tracestate` may hold.
pub const MAX_TRACESTATE_MEMBERS: usize = 32;

/// The longest `tracestate` value, in characters.
pub const MAX_TRACESTATE_VALUE_LEN: usize = 256;

/// The longest simple `tracestate` key, and the longest `tenant@system` key's tenant part
/// (241) plus `@` plus system part (14), in characters.
pub const MAX_TRACESTATE_KEY_LEN: usize = 256;

const MAX_TENANT_LEN: usize = 241;
const MAX_SYSTEM_LEN: usize = 14;

/// How much of an offending key, value or member an error message quotes.
const QUOTE_CHARS: usize = 64;

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
    /// Both headers must follow the W3C grammar exactly (see the [module docs](self)). If
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

fn parse_traceparent(s: &str) -> Result<(TraceId, ParentId, TraceFlags), TraceContextError> {
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
fn check_hex(s: &str, start: usize, end: usize, field: TpField) -> Result<(), TraceContextError> {
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
fn check_dash(s: &str, at: usize, after: TpField) -> Result<(), TraceContextError> {
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

fn is_lower_hex(c: u8) -> bool {
    c.is_ascii_digit() || (b'a'..=b'f').contains(&c)
}

/// Decodes `2 * N` lowercase hex digits, already checked.
fn decode_hex<const N: usize>(hex: &[u8]) -> [u8; N] {
    fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => 0,
        }
    }
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        *byte = nibble(pair[0]) << 4 | nibble(pair[1]);
    }
    out
}

fn write_hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    for byte in bytes {
        write!(f, "{byte:02x}")?;
    }
    Ok(())
}

/// The character starting at byte `at`, which callers guarantee is a character boundary
/// (everything before it is ASCII); U+FFFD otherwise, rather than a panic.
fn char_at(s: &str, at: usize) -> char {
    s.get(at..)
        .and_then(|rest| rest.chars().next())
        .unwrap_or(char::REPLACEMENT_CHARACTER)
}

fn char_count(s: &str) -> usize {
    s.chars().count()
}

// ===== impl CorrelationId =====

/// The longest correlation id, in characters.
pub const MAX_CORRELATION_ID_LEN: usize = 128;

/// A correlation id: 1 to [`MAX_CORRELATION_ID_LEN`] visible ASCII characters (`!` to `~`: no
/// spaces, no control characters), so that it can travel in an `x-correlation-id` header and
/// be printed in a log line as it is.
///
/// ```
/// use ttlog_core::trace_context::CorrelationId;
///
/// let id = CorrelationId::new("req-42").unwrap();
/// assert_eq!(id.as_str(), "req-42");
/// assert!(CorrelationId::new("").is_err());
/// assert!(CorrelationId::new("caf\u{e9}").is_err());
/// assert!(CorrelationId::new(&"x".repeat(129)).is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CorrelationId(Box<str>);

impl CorrelationId {
    /// Checks `id` and keeps it.
    pub fn new(id: &str) -> Result<CorrelationId, TraceContextError> {
        let problem = if id.is_empty() {
            Some(CorrelationProblem::Empty)
        } else if id.len() > MAX_CORRELATION_ID_LEN {
            Some(CorrelationProblem::TooLong(char_count(id)))
        } else {
            id.char_indices()
                .find(|&(_, c)| !c.is_ascii_graphic())
                .map(|(at, c)| CorrelationProblem::Char(c, char_count(&id[..at])))
        };
        match problem {
            None => Ok(CorrelationId(id.into())),
            Some(problem) => Err(Repr::Correlation {
                id: Quote::new(id),
                problem,
            }
            .into()),
        }
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A correlation id made of a trace id's 32 hex digits: what a context entered without a
    /// correlation id uses.
    ///
    /// ```
    /// use ttlog_core::{trace_context::CorrelationId, TraceId};
    /// let trace = TraceId::from_bytes([0xab; 16]).unwrap();
    /// assert_eq!(CorrelationId::from_trace_id(trace).as_str(), trace.to_string());
    /// ```
    pub fn from_trace_id(trace_id: TraceId) -> CorrelationId {
        CorrelationId(trace_id.to_string().into_boxed_str())
    }
}

impl fmt::Display for CorrelationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for CorrelationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CorrelationId({:?})", self.0)
    }
}

impl FromStr for CorrelationId {
    type Err = TraceContextError;

    fn from_str(s: &str) -> Result<CorrelationId, TraceContextError> {
        CorrelationId::new(s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CorrelationProblem {
    Empty,
    /// Its length in characters.
    TooLong(usize),
    /// A character that is not visible ASCII, and its position (from 0) in characters.
    Char(char, usize),
}

// ===== impl TraceId =====

/// A W3C `trace-id`: 16 bytes, never all zeros, written as 32 lowercase hex digits.
///
/// # Examples
///
/// ```
/// use ttlog_core::TraceId;
///
/// let id = TraceId::from_bytes([0x4b; 16]).unwrap();
/// assert_eq!(id.to_string(), "4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b");
/// assert_eq!(id.to_bytes(), [0x4b; 16]);
/// assert_eq!(TraceId::from_bytes([0; 16]), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TraceId([u8; 16]);

impl TraceId {
    /// The id with these bytes, or `None` if they are all zero (an invalid trace id).
    ///
    /// ```
    /// let id = ttlog_core::TraceId::from_bytes(*b"0123456789abcdef").unwrap();
    /// assert_eq!(id.to_bytes(), *b"0123456789abcdef");
    /// ```
    pub fn from_bytes(bytes: [u8; 16]) -> Option<TraceId> {
        (bytes != [0; 16]).then_some(TraceId(bytes))
    }

    /// The id's bytes, in header order.
    ///
    /// ```
    /// let id = ttlog_core::TraceId::from_bytes([1; 16]).unwrap();
    /// assert_eq!(id.to_bytes(), [1; 16]);
    /// ```
    pub const fn to_bytes(self) -> [u8; 16] {
        self.0
    }

    /// The id from 32 lowercase hex digits (as [`Display`](fmt::Display) writes it), for the
    /// collector, which reads it back from a span field.
    pub(crate) fn from_hex(hex: &str) -> Option<TraceId> {
        let b = hex.as_bytes();
        (b.len() == 32 && b.iter().all(|&c| is_lower_hex(c)))
            .then(|| TraceId::from_bytes(decode_hex(b)))
            .flatten()
    }

    /// A random, non-zero id; not cryptographically secure (see
    /// [`TraceContext::new_root`]).
    ///
    /// ```
    /// use ttlog_core::TraceId;
    /// assert_ne!(TraceId::random(), TraceId::random());
    /// ```
    pub fn random() -> TraceId {
        loop {
            let mut bytes = [0u8; 16];
            bytes[..8].copy_from_slice(&random_u64().to_be_bytes());
            bytes[8..].copy_from_slice(&random_u64().to_be_bytes());
            if let Some(id) = TraceId::from_bytes(bytes) {
                return id;
            }
        }
    }
}

impl fmt::Display for TraceId {
    /// 32 lowercase hex digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}

impl fmt::Debug for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TraceId({self})")
    }
}

// ===== impl ParentId =====

/// A W3C `parent-id`: the 8-byte id of the caller's span, never all zeros, written as 16
/// lowercase hex digits. (ttlog's own span handle is [`SpanId`](crate::SpanId).)
///
/// # Examples
///
/// ```
/// use ttlog_core::ParentId;
///
/// let id = ParentId::from_bytes([0, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7]).unwrap();
/// assert_eq!(id.to_string(), "00f067aa0ba902b7");
/// assert_eq!(ParentId::from_bytes([0; 8]), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParentId([u8; 8]);

impl ParentId {
    /// The id `0000000000000001`.
    pub(crate) const ONE: ParentId = ParentId([0, 0, 0, 0, 0, 0, 0, 1]);

    /// The id with these bytes, or `None` if they are all zero (an invalid parent id).
    ///
    /// ```
    /// let id = ttlog_core::ParentId::from_bytes(*b"abcdefgh").unwrap();
    /// assert_eq!(id.to_bytes(), *b"abcdefgh");
    /// ```
    pub fn from_bytes(bytes: [u8; 8]) -> Option<ParentId> {
        (bytes != [0; 8]).then_some(ParentId(bytes))
    }

    /// The id's bytes, in header order.
    ///
    /// ```
    /// let id = ttlog_core::ParentId::from_bytes([7; 8]).unwrap();
    /// assert_eq!(id.to_bytes(), [7; 8]);
    /// ```
    pub const fn to_bytes(self) -> [u8; 8] {
        self.0
    }

    /// A random, non-zero id; not cryptographically secure (see
    /// [`TraceContext::new_root`]).
    ///
    /// ```
    /// use ttlog_core::ParentId;
    /// assert_ne!(ParentId::random(), ParentId::random());
    /// ```
    pub fn random() -> ParentId {
        loop {
            if let Some(id) = ParentId::from_bytes(random_u64().to_be_bytes()) {
                return id;
            }
        }
    }
}

impl fmt::Display for ParentId {
    /// 16 lowercase hex digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}

impl fmt::Debug for ParentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ParentId({self})")
    }
}

/// 64 random-looking bits: a fresh `RandomState` (its keys come from the OS once per thread
/// and change with every `new`) hashing a process-wide counter, the time and the thread's
/// index. Not cryptographic.
pub(crate) fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    COUNTER.fetch_add(1, Ordering::Relaxed).hash(&mut hasher);
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
        .hash(&mut hasher);
    crate::thread::current_index().hash(&mut hasher);
    hasher.finish()
}

// ===== impl TraceFlags =====

/// The `trace-flags` byte of a `traceparent`.
///
/// Version `00` defines one flag, [`SAMPLED`](TraceFlags::SAMPLED) (`0x01`: the caller may
/// have recorded trace data). The other bits are kept as parsed and written back unchanged,
/// but carry no meaning.
///
/// # Examples
///
/// ```
/// use ttlog_core::TraceFlags;
///
/// let flags = TraceFlags::from_bits(0x03);
/// assert!(flags.is_sampled());
/// assert_eq!(flags.with_sampled(false).bits(), 0x02);
/// assert_eq!(TraceFlags::SAMPLED.to_string(), "01");
/// assert_eq!(TraceFlags::default().to_string(), "00");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TraceFlags(u8);

impl TraceFlags {
    /// Only the sampled bit set.
    pub const SAMPLED: TraceFlags = TraceFlags(0x01);

    /// Flags with these bits.
    ///
    /// ```
    /// assert!(ttlog_core::TraceFlags::from_bits(1).is_sampled());
    /// ```
    pub const fn from_bits(bits: u8) -> TraceFlags {
        TraceFlags(bits)
    }

    /// The flag byte.
    ///
    /// ```
    /// assert_eq!(ttlog_core::TraceFlags::SAMPLED.bits(), 0x01);
    /// ```
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// Whether the sampled bit (`0x01`) is set.
    ///
    /// ```
    /// assert!(!ttlog_core::TraceFlags::from_bits(0x02).is_sampled());
    /// ```
    pub const fn is_sampled(self) -> bool {
        self.0 & 0x01 != 0
    }

    /// These flags with the sampled bit set or cleared, the other bits unchanged.
    ///
    /// ```
    /// use ttlog_core::TraceFlags;
    /// assert_eq!(TraceFlags::default().with_sampled(true), TraceFlags::SAMPLED);
    /// ```
    pub const fn with_sampled(self, sampled: bool) -> TraceFlags {
        if sampled {
            TraceFlags(self.0 | 0x01)
        } else {
            TraceFlags(self.0 & !0x01)
        }
    }
}

impl fmt::Display for TraceFlags {
    /// Two lowercase hex digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02x}", self.0)
    }
}

// ===== impl TraceState =====

/// The `tracestate` header: an ordered list of up to 32 `key=value` members, keys unique.
///
/// Keys are either simple (`congo`: a lowercase letter, then up to 255 of `a-z 0-9 _ - * /`)
/// or multi-tenant (`tenant@system`: up to 241 characters, then `@`, then up to 14, the system
/// part starting with a letter). Values are 1 to 256 printable ASCII characters other than
/// `,` and `=`, not ending with a space. The list is always valid: [`parse`](TraceState::parse)
/// and [`insert`](TraceState::insert) check what they are given.
///
/// Order matters to the recommendation: a vendor that adds or updates its entry moves it to
/// the front (left), which is what [`insert`](TraceState::insert) does.
///
/// # Examples
///
/// ```
/// use ttlog_core::TraceState;
///
/// let mut state = TraceState::parse("rojo=00f067aa0ba902b7, ,congo=t61rcWkgMzE").unwrap();
/// assert_eq!(state.len(), 2);
/// state.insert("congo", "ucfJifl5GOE").unwrap();
/// assert_eq!(state.to_header(), "congo=ucfJifl5GOE,rojo=00f067aa0ba902b7");
/// assert_eq!(state.remove("rojo").as_deref(), Some("00f067aa0ba902b7"));
/// assert_eq!(state.to_string(), "congo=ucfJifl5GOE");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct TraceState {
    entries: Vec<(String, String)>,
}

impl TraceState {
    /// An empty list.
    ///
    /// ```
    /// assert!(ttlog_core::TraceState::new().is_empty());
    /// ```
    pub const fn new() -> TraceState {
        TraceState {
            entries: Vec::new(),
        }
    }

    /// Parses a `tracestate` header (several headers joined with `,` count as one).
    ///
    /// Members are separated by `,` with optional spaces and tabs around it; empty and
    /// whitespace-only members are skipped, and the 32-member limit counts the others. An
    /// empty header is an empty list. Errors number members from 1, counting the empty ones,
    /// so the number points into the header as received.
    ///
    /// # Examples
    ///
    /// ```
    /// use ttlog_core::{TraceState, TraceContextErrorKind};
    ///
    /// let state = TraceState::parse("fw529a3039@dt=d7cc1b7b, congo=t61rcWkgMzE").unwrap();
    /// assert_eq!(state.get("fw529a3039@dt"), Some("d7cc1b7b"));
    ///
    /// let err = TraceState::parse("a=1,b=2,Foo=3").unwrap_err();
    /// assert_eq!(err.kind(), TraceContextErrorKind::TracestateKey);
    /// assert_eq!(
    ///     err.to_string(),
    ///     "tracestate: member 3 has an invalid key `Foo` \
    ///      (`F` is not allowed; keys use a-z, 0-9, `_`, `-`, `*`, `/` and one `@`)",
    /// );
    /// ```
    pub fn parse(header: &str) -> Result<TraceState, TraceContextError> {
        let mut entries: Vec<(String, String)> = Vec::new();
        // The member number (1-based, counting empty members) of each entry, for errors.
        let mut numbers: Vec<usize> = Vec::new();
        for (index, raw) in header.split(',').enumerate() {
            let number = index + 1;
            let member = raw.trim_matches(is_ows);
            if member.is_empty() {
                continue;
            }
            if entries.len() == MAX_TRACESTATE_MEMBERS {
                let found = header
                    .split(',')
                    .filter(|m| !m.trim_matches(is_ows).is_empty())
                    .count();
                return Err(Repr::TooManyMembers { found }.into());
            }
            let Some((key, value)) = member.split_once('=') else {
                return Err(Repr::MissingEquals {
                    member: number,
                    text: Quote::new(member),
                }
                .into());
            };
            check_key(key, Some(number))?;
            check_value(key, value, Some(number))?;
            if let Some(first) = entries.iter().position(|(k, _)| k == key) {
                return Err(Repr::DuplicateKey {
                    member: number,
                    first: numbers[first],
                    key: Quote::new(key),
                }
                .into());
            }
            entries.push((key.to_owned(), value.to_owned()));
            numbers.push(number);
        }
        Ok(TraceState { entries })
    }

    /// The value for `key`, if present.
    ///
    /// ```
    /// let state = ttlog_core::TraceState::parse("congo=t61rcWkgMzE").unwrap();
    /// assert_eq!(state.get("congo"), Some("t61rcWkgMzE"));
    /// assert_eq!(state.get("rojo"), None);
    /// ```
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Adds or updates `key`, putting it first, as the recommendation requires of a vendor
    /// that changes its entry. If the list then holds more than 32 members, the last one is
    /// dropped (the recommendation's advice). An invalid key or value is refused and the list
    /// left unchanged.
    ///
    /// # Examples
    ///
    /// ```
    /// use ttlog_core::{TraceState, TraceContextErrorKind};
    ///
    /// let mut state = TraceState::parse("rojo=1,congo=2").unwrap();
    /// state.insert("congo", "3").unwrap();
    /// state.insert("ttlog", "4").unwrap();
    /// assert_eq!(state.to_header(), "ttlog=4,congo=3,rojo=1");
    ///
    /// let err = state.insert("ttlog", "a,b").unwrap_err();
    /// assert_eq!(err.kind(), TraceContextErrorKind::TracestateValue);
    /// assert_eq!(state.get("ttlog"), Some("4"));
    /// ```
    pub fn insert(&mut self, key: &str, value: &str) -> Result<(), TraceContextError> {
        check_key(key, None)?;
        check_value(key, value, None)?;
        self.entries.retain(|(k, _)| k != key);
        self.entries.insert(0, (key.to_owned(), value.to_owned()));
        self.entries.truncate(MAX_TRACESTATE_MEMBERS);
        Ok(())
    }

    /// Removes `key`, returning its value if it was present.
    ///
    /// ```
    /// let mut state = ttlog_core::TraceState::parse("rojo=1,congo=2").unwrap();
    /// assert_eq!(state.remove("rojo").as_deref(), Some("1"));
    /// assert_eq!(state.remove("rojo"), None);
    /// assert_eq!(state.to_header(), "congo=2");
    /// ```
    pub fn remove(&mut self, key: &str) -> Option<String> {
        let index = self.entries.iter().position(|(k, _)| k == key)?;
        Some(self.entries.remove(index).1)
    }

    /// The number of members.
    ///
    /// ```
    /// assert_eq!(ttlog_core::TraceState::parse("a=1,,b=2").unwrap().len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the list has no members.
    ///
    /// ```
    /// assert!(ttlog_core::TraceState::parse(" , ").unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The members in order, as `(key, value)`.
    ///
    /// ```
    /// let state = ttlog_core::TraceState::parse("rojo=1,congo=2").unwrap();
    /// let keys: Vec<&str> = state.iter().map(|(k, _)| k).collect();
    /// assert_eq!(keys, ["rojo", "congo"]);
    /// ```
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The `tracestate` header: the members joined by `,`, with no whitespace. An empty list
    /// gives an empty string (which the recommendation says not to send).
    ///
    /// ```
    /// let state = ttlog_core::TraceState::parse(" rojo=1 ,\t,congo=2").unwrap();
    /// assert_eq!(state.to_header(), "rojo=1,congo=2");
    /// ```
    pub fn to_header(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for TraceState {
    /// Writes the `tracestate` header (see [`TraceState::to_header`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (key, value)) in self.entries.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{key}={value}")?;
        }
        Ok(())
    }
}

impl FromStr for TraceState {
    type Err = TraceContextError;

    /// Same as [`TraceState::parse`].
    fn from_str(s: &str) -> Result<TraceState, TraceContextError> {
        TraceState::parse(s)
    }
}

fn is_ows(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn is_key_char(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'_' | b'-' | b'*' | b'/')
}

fn check_key(key: &str, member: Option<usize>) -> Result<(), TraceContextError> {
    match key_problem(key) {
        None => Ok(()),
        Some(problem) => Err(Repr::Key {
            member,
            key: Quote::new(key),
            problem,
        }
        .into()),
    }
}

fn key_problem(key: &str) -> Option<KeyProblem> {
    let b = key.as_bytes();
    if b.is_empty() {
        return Some(KeyProblem::Empty);
    }
    if let Some(i) = b.iter().position(|&c| !is_key_char(c) && c != b'@') {
        return Some(KeyProblem::Char(char_at(key, i)));
    }
    // Only ASCII from here on.
    match key.split_once('@') {
        None => {
            if b.len() > MAX_TRACESTATE_KEY_LEN {
                Some(KeyProblem::TooLong(b.len()))
            } else if !b[0].is_ascii_lowercase() {
                Some(KeyProblem::Start)
            } else {
                None
            }
        }
        Some((tenant, system)) => {
            if system.contains('@') {
                Some(KeyProblem::TwoAts)
            } else if tenant.is_empty() {
                Some(KeyProblem::TenantEmpty)
            } else if tenant.len() > MAX_TENANT_LEN {
                Some(KeyProblem::TenantTooLong(tenant.len()))
            } else if system.is_empty() {
                Some(KeyProblem::SystemEmpty)
            } else if system.len() > MAX_SYSTEM_LEN {
                Some(KeyProblem::SystemTooLong(system.len()))
            } else if !system.as_bytes()[0].is_ascii_lowercase() {
                Some(KeyProblem::SystemStart)
            } else {
                // A tenant starts with a letter or digit: `_-*/` are the only other key chars.
                match tenant.as_bytes()[0] {
                    b'_' | b'-' | b'*' | b'/' => Some(KeyProblem::TenantStart),
                    _ => None,
                }
            }
        }
    }
}

fn check_value(key: &str, value: &str, member: Option<usize>) -> Result<(), TraceContextError> {
    let b = value.as_bytes();
    let problem = if b.is_empty() {
        Some(ValueProblem::Empty)
    } else if let Some(i) = b
        .iter()
        .position(|&c| !(0x20..=0x7e).contains(&c) || c == b',' || c == b'=')
    {
        Some(ValueProblem::Char(char_at(value, i), i + 1))
    } else if b.len() > MAX_TRACESTATE_VALUE_LEN {
        Some(ValueProblem::TooLong(b.len()))
    } else if b[b.len() - 1] == b' ' {
        Some(ValueProblem::TrailingSpace)
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(Repr::Value {
            member,
            key: Quote::new(key),
            value: Quote::new(value),
            problem,
        }
        .into()),
    }
}

// ===== impl TraceContextError =====

/// What kind of problem a [`TraceContextError`] reports.
///
/// # Examples
///
/// ```
/// use ttlog_core::{TraceContext, TraceContextErrorKind};
///
/// let err = TraceContext::parse(
///     "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
///     None,
/// )
/// .unwrap_err();
/// assert_eq!(err.kind(), TraceContextErrorKind::Version);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TraceContextErrorKind {
    /// The `traceparent` is too short, or a version `00` one is longer than 55 characters.
    TraceparentLength,
    /// The version is not two lowercase hex digits, or is the forbidden `ff`.
    Version,
    /// A `-` is missing between fields, or a later version's header goes on after the
    /// trace-flags without one.
    Delimiter,
    /// The trace-id is not 32 lowercase hex digits.
    TraceId,
    /// The trace-id is all zeros.
    ZeroTraceId,
    /// The parent-id is not 16 lowercase hex digits.
    ParentId,
    /// The parent-id is all zeros.
    ZeroParentId,
    /// The trace-flags are not two lowercase hex digits.
    Flags,
    /// A `tracestate` member is not `key=value`.
    TracestateMember,
    /// A `tracestate` key breaks the key grammar.
    TracestateKey,
    /// A `tracestate` value breaks the value grammar.
    TracestateValue,
    /// A `tracestate` key appears twice.
    DuplicateKey,
    /// A `tracestate` has more than 32 members.
    TooManyMembers,
    /// A correlation id is empty, longer than [`MAX_CORRELATION_ID_LEN`] characters, or has
    /// a character that is not visible ASCII.
    CorrelationId,
}

/// A `traceparent` or `tracestate` header that could not be parsed, or a `tracestate` entry
/// that [`TraceState::insert`] refused.
///
/// The message starts with the header's name and says what is wrong and where: the field and
/// character position in a `traceparent`, the member number (from 1) in a `tracestate`.
/// Quoted input is cut to 64 characters and control characters are escaped, so a message
/// stays one short line whatever was received.
///
/// # Examples
///
/// ```
/// use ttlog_core::{TraceContext, TraceContextErrorKind};
///
/// let err = TraceContext::parse(
///     "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
///     None,
/// )
/// .unwrap_err();
/// assert_eq!(err.kind(), TraceContextErrorKind::TraceId);
/// assert_eq!(
///     err.to_string(),
///     "traceparent: trace-id has `B` at character 5 \
///      (expected lowercase hex; uppercase is not allowed)",
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceContextError {
    repr: Repr,
}

impl TraceContextError {
    /// What kind of problem this is.
    ///
    /// ```
    /// use ttlog_core::{TraceState, TraceContextErrorKind};
    /// let err = TraceState::parse("a=1,a=2").unwrap_err();
    /// assert_eq!(err.kind(), TraceContextErrorKind::DuplicateKey);
    /// ```
    pub fn kind(&self) -> TraceContextErrorKind {
        use TraceContextErrorKind as K;
        match &self.repr {
            Repr::TooShort { .. } | Repr::TooLong { .. } => K::TraceparentLength,
            Repr::VersionFf => K::Version,
            Repr::NotHex { field, .. } => match field {
                TpField::Version => K::Version,
                TpField::TraceId => K::TraceId,
                TpField::ParentId => K::ParentId,
                TpField::Flags => K::Flags,
            },
            Repr::Dash { .. } | Repr::FutureTail { .. } => K::Delimiter,
            Repr::ZeroTraceId => K::ZeroTraceId,
            Repr::ZeroParentId => K::ZeroParentId,
            Repr::MissingEquals { .. } => K::TracestateMember,
            Repr::Key { .. } => K::TracestateKey,
            Repr::Value { .. } => K::TracestateValue,
            Repr::DuplicateKey { .. } => K::DuplicateKey,
            Repr::TooManyMembers { .. } => K::TooManyMembers,
            Repr::Correlation { .. } => K::CorrelationId,
        }
    }

    /// Whether the error is in the `tracestate` header (or a `tracestate` entry) rather than
    /// the `traceparent`. A context whose only fault is its `tracestate` should still be used,
    /// without the state.
    ///
    /// ```
    /// use ttlog_core::TraceContext;
    /// let tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    /// assert!(TraceContext::parse(tp, Some("a=1,a=2")).unwrap_err().is_tracestate());
    /// assert!(!TraceContext::parse("00", None).unwrap_err().is_tracestate());
    /// ```
    pub fn is_tracestate(&self) -> bool {
        matches!(
            self.repr,
            Repr::MissingEquals { .. }
                | Repr::Key { .. }
                | Repr::Value { .. }
                | Repr::DuplicateKey { .. }
                | Repr::TooManyMembers { .. }
        )
    }
}

impl From<Repr> for TraceContextError {
    fn from(repr: Repr) -> TraceContextError {
        TraceContextError { repr }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Repr {
    /// Fewer than 55 characters (or fewer than 2, before the version could be read).
    TooShort {
        found: usize,
    },
    /// A version `00` header longer than 55 characters.
    TooLong {
        found: usize,
    },
    VersionFf,
    /// A character other than lowercase hex in a field, at byte (= character) offset `at`.
    NotHex {
        field: TpField,
        found: char,
        at: usize,
    },
    /// No `-` after `after`, at offset `at`.
    Dash {
        after: TpField,
        found: char,
        at: usize,
    },
    /// A later version going on after its 55 characters without a `-`.
    FutureTail {
        version: u8,
        found: char,
    },
    ZeroTraceId,
    ZeroParentId,
    MissingEquals {
        member: usize,
        text: Quote,
    },
    Key {
        member: Option<usize>,
        key: Quote,
        problem: KeyProblem,
    },
    Value {
        member: Option<usize>,
        key: Quote,
        value: Quote,
        problem: ValueProblem,
    },
    DuplicateKey {
        member: usize,
        first: usize,
        key: Quote,
    },
    TooManyMembers {
        found: usize,
    },
    Correlation {
        id: Quote,
        problem: CorrelationProblem,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TpField {
    Version,
    TraceId,
    ParentId,
    Flags,
}

impl TpField {
    fn name(self) -> &'static str {
        match self {
            TpField::Version => "version",
            TpField::TraceId => "trace-id",
            TpField::ParentId => "parent-id",
            TpField::Flags => "trace-flags",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyProblem {
    Empty,
    Char(char),
    TooLong(usize),
    Start,
    TwoAts,
    TenantEmpty,
    TenantTooLong(usize),
    TenantStart,
    SystemEmpty,
    SystemTooLong(usize),
    SystemStart,
}

impl fmt::Display for KeyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyProblem::Empty => f.write_str("it is empty"),
            KeyProblem::Char(c) => write!(
                f,
                "`{}` is not allowed; keys use a-z, 0-9, `_`, `-`, `*`, `/` and one `@`",
                Escaped(*c)
            ),
            KeyProblem::TooLong(n) => write!(
                f,
                "{n} characters, at most {MAX_TRACESTATE_KEY_LEN} are allowed"
            ),
            KeyProblem::Start => f.write_str("it must start with a lowercase letter"),
            KeyProblem::TwoAts => f.write_str("more than one `@`"),
            KeyProblem::TenantEmpty => f.write_str("nothing before `@`"),
            KeyProblem::TenantTooLong(n) => write!(
                f,
                "the tenant before `@` has {n} characters, at most {MAX_TENANT_LEN} are allowed"
            ),
            KeyProblem::TenantStart => {
                f.write_str("the tenant before `@` must start with a lowercase letter or digit")
            }
            KeyProblem::SystemEmpty => f.write_str("nothing after `@`"),
            KeyProblem::SystemTooLong(n) => write!(
                f,
                "the system after `@` has {n} characters, at most {MAX_SYSTEM_LEN} are allowed"
            ),
            KeyProblem::SystemStart => {
                f.write_str("the system after `@` must start with a lowercase letter")
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ValueProblem {
    Empty,
    /// The character and its 1-based position in the value.
    Char(char, usize),
    TooLong(usize),
    TrailingSpace,
}

impl fmt::Display for ValueProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueProblem::Empty => f.write_str("it is empty"),
            ValueProblem::Char(c, at) => write!(
                f,
                "`{}` at character {at} is not allowed; values are printable ASCII \
                 without `,` and `=`",
                Escaped(*c)
            ),
            ValueProblem::TooLong(n) => write!(
                f,
                "{n} characters, at most {MAX_TRACESTATE_VALUE_LEN} are allowed"
            ),
            ValueProblem::TrailingSpace => f.write_str("it ends with a space"),
        }
    }
}

/// Input quoted in an error: at most [`QUOTE_CHARS`] characters, and whether it was cut.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Quote {
    text: Box<str>,
    cut: bool,
}

impl Quote {
    fn new(s: &str) -> Quote {
        let end = s
            .char_indices()
            .nth(QUOTE_CHARS)
            .map_or(s.len(), |(i, _)| i);
        Quote {
            text: s[..end].into(),
            cut: end < s.len(),
        }
    }
}

impl fmt::Display for Quote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.text.chars() {
            write!(f, "{}", Escaped(c))?;
        }
        if self.cut {
            f.write_str("…")?;
        }
        Ok(())
    }
}

/// A character as an error message shows it: control characters escaped.
struct Escaped(char);

impl fmt::Display for Escaped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_control() {
            write!(f, "{}", self.0.escape_debug())
        } else {
            write!(f, "{}", self.0)
        }
    }
}

fn member_prefix(f: &mut fmt::Formatter<'_>, member: Option<usize>) -> fmt::Result {
    match member {
        Some(n) => write!(f, "tracestate: member {n} "),
        None => f.write_str("tracestate: "),
    }
}

impl fmt::Display for TraceContextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::TooShort { found: 0 } => {
                write!(
                    f,
                    "traceparent: empty, expected {TRACEPARENT_LEN} characters"
                )
            }
            Repr::TooShort { found } => write!(
                f,
                "traceparent: too short: {found} characters, expected {TRACEPARENT_LEN}"
            ),
            Repr::TooLong { found } => write!(
                f,
                "traceparent: version 00 must be exactly {TRACEPARENT_LEN} characters, \
                 found {found}"
            ),
            Repr::VersionFf => f.write_str("traceparent: version `ff` is invalid"),
            Repr::NotHex { field, found, at } => {
                write!(
                    f,
                    "traceparent: {} has `{}` at character {} (expected lowercase hex",
                    field.name(),
                    Escaped(*found),
                    at + 1
                )?;
                if found.is_ascii_hexdigit() {
                    f.write_str("; uppercase is not allowed")?;
                }
                f.write_str(")")
            }
            Repr::Dash { after, found, at } => write!(
                f,
                "traceparent: expected `-` after the {} at character {}, found `{}`",
                after.name(),
                at + 1,
                Escaped(*found)
            ),
            Repr::FutureTail { version, found } => write!(
                f,
                "traceparent: version {version:02x} goes on after trace-flags without `-` \
                 (found `{}` at character {})",
                Escaped(*found),
                TRACEPARENT_LEN + 1
            ),
            Repr::ZeroTraceId => f.write_str("traceparent: trace-id is all zeros"),
            Repr::ZeroParentId => f.write_str("traceparent: parent-id is all zeros"),
            Repr::MissingEquals { member, text } => write!(
                f,
                "tracestate: member {member} `{text}` is not `key=value` (no `=`)"
            ),
            Repr::Key {
                member,
                key,
                problem,
            } => {
                member_prefix(f, *member)?;
                let verb = if member.is_some() { "has an " } else { "" };
                write!(f, "{verb}invalid key `{key}` ({problem})")
            }
            Repr::Value {
                member,
                key,
                value,
                problem,
            } => {
                member_prefix(f, *member)?;
                let verb = if member.is_some() { "has an " } else { "" };
                write!(
                    f,
                    "{verb}invalid value `{value}` for key `{key}` ({problem})"
                )
            }
            Repr::DuplicateKey { member, first, key } => write!(
                f,
                "tracestate: member {member} repeats key `{key}` (first in member {first})"
            ),
            Repr::TooManyMembers { found } => write!(
                f,
                "tracestate: {found} list-members, at most {MAX_TRACESTATE_MEMBERS} are allowed"
            ),
            Repr::Correlation { id, problem } => match problem {
                CorrelationProblem::Empty => f.write_str("correlation id: empty"),
                CorrelationProblem::TooLong(n) => write!(
                    f,
                    "correlation id: `{id}` is {n} characters, at most \
                     {MAX_CORRELATION_ID_LEN} are allowed"
                ),
                CorrelationProblem::Char(c, at) => write!(
                    f,
                    "correlation id: `{id}` has `{}` at character {} (expected visible \
                     ASCII, `!` to `~`)",
                    Escaped(*c),
                    at + 1
                ),
            },
        }
    }
}

impl std::error::Error for TraceContextError {}
