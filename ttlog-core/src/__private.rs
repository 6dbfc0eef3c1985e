//! WARNING: this is not part of the crate's public API and may change in any release.
//!
//! Everything the event macros' expansions name lives here, so that expansions only ever
//! reach `::ttlog::__private::*` and the public API stays free to evolve.

use std::fmt;

pub use crate::callsite::Callsite;
pub use crate::event::{LogEvent, Values};
pub use crate::field::{FieldValue, ToFieldValue};
pub use crate::level::{max_level, Level, LevelFilter, STATIC_MAX_LEVEL};
pub use crate::logger::dispatch;
pub use core::{column, file, format_args, line, module_path};

/// The run-time gates after the static one: the global max level, then the callsite's
/// cached interest.
#[inline(always)]
pub fn enabled(callsite: &'static Callsite, level: Level) -> bool {
    max_level().enables(level) && callsite.is_enabled()
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

/// Collects an expansion's values without a heap allocation for up to
/// [`crate::event::INLINE_FIELDS`] of them.
#[inline(always)]
pub fn values<const N: usize>(values: [FieldValue; N]) -> Values {
    if N <= crate::event::INLINE_FIELDS {
        let mut out = Values::new();
        for v in values {
            out.push(v);
        }
        out
    } else {
        Values::from_iter(values)
    }
}

/// A formatted message.
#[inline(always)]
pub fn message(args: fmt::Arguments<'_>) -> FieldValue {
    FieldValue::from_args(args)
}
