//! [`SpanId`]: a span's identity; [`SpanEvents`]: which moments of a span get lines of their own.

use std::fmt;
use std::num::NonZeroU64;

use crate::sync::global::{AtomicU64, Ordering};

/// Which moments of a span's life the text and JSON sinks show as lines of their own, like
/// tracing-subscriber's `FmtSpan`. Set with [`Builder::span_events`](crate::Builder::span_events);
/// the default is [`SpanEvents::NONE`]. Snapshots hold every span's timings either way.
///
/// - `NEW`: a `new` line when the span is created, with its scope and fields.
/// - `CLOSE`: a `close` line when its last handle is dropped, with `elapsed_ms` (float),
///   `elapsed_us`, and `busy_us` (time spent entered).
///
/// ```
/// use ttlog_core::span::SpanEvents;
/// assert!(SpanEvents::FULL.contains(SpanEvents::CLOSE));
/// assert!(!SpanEvents::NONE.contains(SpanEvents::NEW));
/// assert_eq!(SpanEvents::NEW | SpanEvents::CLOSE, SpanEvents::FULL);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct SpanEvents(u8);

impl SpanEvents {
    /// No span lines.
    pub const NONE: SpanEvents = SpanEvents(0);
    /// A line when a span is created.
    pub const NEW: SpanEvents = SpanEvents(1);
    /// A line when a span closes, with its timings.
    pub const CLOSE: SpanEvents = SpanEvents(2);
    /// Both.
    pub const FULL: SpanEvents = SpanEvents(3);

    /// Whether every moment in `other` is in `self`.
    pub fn contains(self, other: SpanEvents) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for SpanEvents {
    type Output = SpanEvents;
    fn bitor(self, rhs: SpanEvents) -> SpanEvents {
        SpanEvents(self.0 | rhs.0)
    }
}

/// The identity of a span: unique for the life of the process, never zero.
///
/// ```
/// use ttlog_core::span::SpanId;
/// let id = SpanId::from_u64(7).unwrap();
/// assert_eq!(id.into_u64(), 7);
/// assert!(SpanId::from_u64(0).is_none());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpanId(NonZeroU64);

impl SpanId {
    /// The id as a number (never zero).
    #[inline]
    pub fn into_u64(self) -> u64 {
        self.0.get()
    }

    /// An id from its number; `None` for zero, which means "no span".
    #[inline]
    pub fn from_u64(id: u64) -> Option<SpanId> {
        NonZeroU64::new(id).map(SpanId)
    }

    /// A fresh id.
    pub(crate) fn next() -> SpanId {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        // A u64 counter does not wrap in the life of a process.
        SpanId(NonZeroU64::new(id).unwrap_or(NonZeroU64::MIN))
    }
}

impl fmt::Debug for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SpanId({})", self.0)
    }
}

impl From<&SpanId> for Option<SpanId> {
    fn from(id: &SpanId) -> Option<SpanId> {
        Some(*id)
    }
}
