//! [`SpanOp`]: what a span did, as loggers receive it.

use super::id::SpanId;
use crate::callsite::site::Callsite;
use crate::event::Values;
use crate::field::value::FieldValue;

/// One thing a span did: created, entered, exited, recorded a field, and so on.
///
/// The default ring logger writes these into the thread's ring and the collector rebuilds
/// the span table from them; a custom [`Logger`](crate::Logger) receives them in
/// [`Logger::span`](crate::Logger::span).
///
/// ```
/// use ttlog_core::span::{SpanId, SpanOp, SpanOpKind};
/// let op = SpanOp::new(SpanId::from_u64(3).unwrap(), SpanOpKind::Enter);
/// assert_eq!(op.id.into_u64(), 3);
/// assert!(matches!(op.kind, SpanOpKind::Enter));
/// ```
#[derive(Debug)]
pub struct SpanOp {
    /// The span.
    pub id: SpanId,
    /// When it happened, in clock ticks (see [`crate::clock`]).
    pub timestamp: u64,
    /// ttlog's index of the thread it happened on (`0` until the logger sets it).
    pub thread: u32,
    /// What happened.
    pub kind: SpanOpKind,
}

/// What a [`SpanOp`] records.
#[derive(Debug)]
#[non_exhaustive]
pub enum SpanOpKind {
    /// The span was created.
    New {
        /// Its static description (the name is the callsite's message).
        callsite: &'static Callsite,
        /// Its parent, `None` for a root span.
        parent: Option<SpanId>,
        /// The values of the callsite's fields, in order ([`FieldValue::EMPTY`] for fields
        /// declared `Empty`).
        values: Values,
    },
    /// A field was given a value.
    Record {
        /// The index of the field among the callsite's field names.
        field: usize,
        /// Its value.
        value: FieldValue,
    },
    /// The span was entered on the thread.
    Enter,
    /// The span was exited on the thread.
    Exit,
    /// The span follows from another span (a causal link that is not a parent).
    FollowsFrom(SpanId),
    /// The span's status is error.
    Error,
    /// The last handle to the span was dropped.
    Close,
}

impl SpanOp {
    /// An operation on `id` happening now, on a thread the logger fills in.
    pub fn new(id: SpanId, kind: SpanOpKind) -> SpanOp {
        SpanOp {
            id,
            timestamp: crate::clock::now(),
            thread: 0,
            kind,
        }
    }
}

/// An enter, exit or close of a span: what a span handle asks the logger to send (the ring's
/// codec decides how it is written; the slow path sends the matching [`SpanOpKind`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum SpanControl {
    /// The span was entered.
    Enter,
    /// The span was exited.
    Exit,
    /// The last handle to the span was dropped.
    Close,
}

impl SpanControl {
    /// The same operation as a [`SpanOpKind`].
    pub(crate) fn kind(self) -> SpanOpKind {
        match self {
            SpanControl::Enter => SpanOpKind::Enter,
            SpanControl::Exit => SpanOpKind::Exit,
            SpanControl::Close => SpanOpKind::Close,
        }
    }
}
