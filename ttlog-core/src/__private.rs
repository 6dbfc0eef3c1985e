//! WARNING: this is not part of the crate's public API and may change in any release.
//!
//! Everything the event macros' expansions name lives here, so that expansions only ever
//! reach `::ttlog::__private::*` and the public API stays free to evolve.

use std::fmt;

pub use crate::callsite::Callsite;
pub use crate::event::LogEvent;
pub use crate::field::{FieldValue, ToFieldValue};
pub use crate::level::{max_level, Level, LevelFilter, STATIC_MAX_LEVEL};
pub use crate::logger::dispatch;
pub use core::mem::ManuallyDrop;
pub use core::{column, file, format_args, line, module_path};

/// The run-time gates after the static one: the global max level, then the callsite's
/// cached interest.
#[inline(always)]
pub fn enabled(callsite: &'static Callsite, level: Level) -> bool {
    max_level().enables(level) && callsite.is_enabled()
}

/// The most fields one macro call may record (the macros reject more with a clear error;
/// this bound also keeps every event well within the smallest ring).
pub const MAX_FIELDS: usize = 32;

/// Emits an event whose message is the callsite's literal message.
///
/// The values arrive wrapped in `ManuallyDrop` (built so by the macro) so that they can be
/// moved into the ring without first being copied into a wrapper here; this function always
/// takes care of them.
#[inline(always)]
pub fn emit<const N: usize>(callsite: &'static Callsite, values: ManuallyDrop<[FieldValue; N]>) {
    const { assert!(N <= MAX_FIELDS, "an event has at most 32 fields") };
    crate::logger::emit(callsite, None, values);
}

/// Emits an event with a formatted message (see [`emit`]).
#[inline(always)]
pub fn emit_message<const N: usize>(
    callsite: &'static Callsite,
    message: FieldValue,
    values: ManuallyDrop<[FieldValue; N]>,
) {
    const { assert!(N <= MAX_FIELDS, "an event has at most 32 fields") };
    crate::logger::emit(callsite, Some(message), values);
}

/// `key = value`.
#[inline(always)]
pub fn value<T: ToFieldValue + ?Sized>(value: &T) -> FieldValue {
    value.to_field_value()
}

/// `key = %value`.
#[inline(always)]
pub fn display<T: fmt::Display + ?Sized>(value: &T) -> FieldValue {
    FieldValue::display(value)
}

/// `key = ?value`.
#[inline(always)]
pub fn debug<T: fmt::Debug + ?Sized>(value: &T) -> FieldValue {
    FieldValue::debug(value)
}

/// `key = "literal"`: carried as a pointer.
#[inline(always)]
pub const fn static_str(value: &'static str) -> FieldValue {
    FieldValue::from_static(value)
}

/// A formatted message.
#[inline(always)]
pub fn message(args: fmt::Arguments<'_>) -> FieldValue {
    FieldValue::from_args(args)
}

pub use crate::span::{Span, SpanId};

/// Where a new span's parent comes from.
#[derive(Clone, Copy, Debug)]
pub enum Parent {
    /// The thread's current span (no `parent:` argument).
    Current,
    /// No parent (`parent: None`).
    Root,
    /// `parent: expr`.
    Explicit(Option<SpanId>),
}

/// `parent: expr`.
#[inline]
pub fn parent_of(parent: impl Into<Option<SpanId>>) -> Parent {
    Parent::Explicit(parent.into())
}

/// Creates an enabled span (the macro has checked the level gates, as for an event).
#[inline]
pub fn new_span<const N: usize>(
    callsite: &'static Callsite,
    parent: Parent,
    values: ManuallyDrop<[FieldValue; N]>,
) -> Span {
    const { assert!(N <= MAX_FIELDS, "a span has at most 32 fields") };
    let parent = match parent {
        Parent::Current => SpanId::from_u64(crate::span::current_id()),
        Parent::Root => None,
        Parent::Explicit(p) => p,
    };
    Span::new_enabled(
        callsite,
        parent,
        crate::event::Values::from_array(ManuallyDrop::into_inner(values)),
    )
}
