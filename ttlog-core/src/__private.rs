//! WARNING: this is not part of the crate's public API and may change in any release.
//!
//! Everything the event macros' expansions name lives here, so that expansions only ever
//! reach `::ttlog::__private::*` and the public API stays free to evolve.

use std::fmt;

pub use crate::callsite::Callsite;
pub use crate::event::{LogEvent, Values};
pub use crate::field::{FieldValue, StructFields, ToFieldValue};
pub use crate::level::{max_level, Level, LevelFilter, STATIC_MAX_LEVEL};
pub use crate::logger::dispatch;
pub use crate::narration::{emit as narrate_emit, Text as NarrationText};
pub use core::fmt::{Debug, Display};
pub use core::mem::ManuallyDrop;
pub use core::option::Option;
pub use core::{cfg, column, concat, file, format_args, line, module_path};
pub use std::sync::OnceLock;

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
    crate::logger::log_parts!(callsite, None, values);
}

/// Emits an event with a formatted message (see [`emit`]).
#[inline(always)]
pub fn emit_message<const N: usize>(
    callsite: &'static Callsite,
    message: FieldValue,
    values: ManuallyDrop<[FieldValue; N]>,
) {
    const { assert!(N <= MAX_FIELDS, "an event has at most 32 fields") };
    crate::logger::log_parts!(callsite, Some(message), values);
}

/// A narration text that is not a literal: a run-time template (see
/// [`crate::narration::interpolate`]). Formatted as `%value` is, cut at
/// [`MAX_TEXT_LEN`](crate::field::MAX_TEXT_LEN) (not with `to_string`, which panics when the
/// impl returns an error and never ends when the impl writes forever).
#[inline]
pub fn narration_template<T: fmt::Display + ?Sized>(text: &T) -> NarrationText {
    let text = FieldValue::display(text);
    NarrationText::Template(text.as_str().unwrap_or_default().to_owned())
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

// ===== events with `..struct` fields =====

/// The field names of an event with `..struct` fields: the call's own names and each struct's
/// [`StructFields::NAMES`], in the order written, concatenated in a constant.
///
/// The macro builds one in an inline `const` block, inside a generic function whose type
/// parameters are the structs' types, so it is computed at compile time once per callsite and
/// type, and [`NameList::concat`] rejects (as a compile error) more than [`MAX_FIELDS`] names
/// or a name that appears twice.
#[derive(Debug)]
pub struct NameList {
    names: [&'static str; MAX_FIELDS],
    len: usize,
}

impl NameList {
    /// Concatenates `parts`.
    ///
    /// # Panics
    ///
    /// When there are more than [`MAX_FIELDS`] names, or two equal names; in the `const`
    /// blocks the macros write, that panic is a compile error.
    pub const fn concat(parts: &[&'static [&'static str]]) -> NameList {
        let mut names = [""; MAX_FIELDS];
        let mut len = 0;
        let mut p = 0;
        while p < parts.len() {
            let part = parts[p];
            let mut i = 0;
            while i < part.len() {
                let name = part[i];
                if len == MAX_FIELDS {
                    panic!(
                        "an event has at most 32 fields, counting the fields of its `..` structs"
                    );
                }
                let mut j = 0;
                while j < len {
                    if str_eq(names[j], name) {
                        panic!(
                            "two fields of this event have the same name: a field of a `..` \
                             struct is named like another field of the event (rename one with \
                             `#[fields(rename = \"...\")]`)"
                        );
                    }
                    j += 1;
                }
                names[len] = name;
                len += 1;
                i += 1;
            }
            p += 1;
        }
        NameList { names, len }
    }

    /// The names, in order.
    #[inline(always)]
    pub fn as_slice(&'static self) -> &'static [&'static str] {
        &self.names[..self.len]
    }
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The callsite to emit an event with `..struct` fields from: a copy of the static `gate`
/// callsite (which the macro's gates checked) carrying the full list of `names`, built once
/// and cached in `first` (see [`crate::callsite`]).
#[inline(always)]
pub fn struct_callsite(
    gate: &'static Callsite,
    first: &'static OnceLock<&'static Callsite>,
    names: &'static [&'static str],
) -> &'static Callsite {
    crate::callsite::site::with_struct_fields(gate, first, names)
}

/// `..value`: pushes the struct's values, keeping exactly one per name even if a hand-written
/// [`StructFields`] impl pushes too few (padded with empty values) or too many (cut).
#[inline(always)]
pub fn push_struct<T: StructFields + ?Sized>(values: &mut Values, value: &T) {
    let end = values.len() + T::NAMES.len();
    value.push_values(values);
    if values.len() != end {
        fix_count(values, end);
    }
}

#[cold]
#[inline(never)]
fn fix_count(values: &mut Values, end: usize) {
    if values.len() < end {
        while values.len() < end {
            values.push(FieldValue::EMPTY);
        }
    } else {
        *values = values.iter().take(end).cloned().collect();
    }
}

/// Emits an event with `..struct` fields: its callsite (from [`struct_callsite`]), its
/// parent (`Parent::Current` without `parent:`), the formatted message if the message has
/// arguments, and the values in the callsite's order.
#[inline]
pub fn emit_values(
    callsite: &'static Callsite,
    parent: Parent<'_>,
    message: Option<FieldValue>,
    values: Values,
) {
    let mut event = LogEvent::from_parts(callsite, crate::clock::now(), 0, message, values);
    match parent {
        Parent::Current => crate::logger::dispatch(event),
        Parent::Root => crate::logger::dispatch_exact(event),
        Parent::Explicit(_) | Parent::Handle(_) => {
            event.set_span_id(parent_id(parent));
            crate::logger::dispatch_exact(event);
        }
    }
}

// ===== spans =====

pub use crate::span::{Span, SpanId};

/// Where a new span's parent comes from.
#[derive(Clone, Copy, Debug)]
pub enum Parent<'a> {
    /// The thread's current span (no `parent:` argument).
    Current,
    /// No parent (`parent: None`).
    Root,
    /// `parent: expr` with an id.
    Explicit(Option<SpanId>),
    /// `parent: &span`: the id and the handle, whose trace context a child inherits wherever
    /// it is created.
    Handle(&'a Span),
}

/// What `parent:` accepts: a `&Span`, a `SpanId` (by value or reference) or an
/// `Option<SpanId>` (`None`: no parent), as tracing's `parent:` does.
pub trait IntoParent<'a> {
    /// The parent.
    fn into_parent(self) -> Parent<'a>;
}

impl<'a> IntoParent<'a> for &'a Span {
    fn into_parent(self) -> Parent<'a> {
        Parent::Handle(self)
    }
}

impl IntoParent<'_> for Option<SpanId> {
    fn into_parent(self) -> Parent<'static> {
        Parent::Explicit(self)
    }
}

impl IntoParent<'_> for SpanId {
    fn into_parent(self) -> Parent<'static> {
        Parent::Explicit(Some(self))
    }
}

impl IntoParent<'_> for &SpanId {
    fn into_parent(self) -> Parent<'static> {
        Parent::Explicit(Some(*self))
    }
}

/// The id an explicit parent names, `0` for none.
fn parent_id(parent: Parent<'_>) -> u64 {
    match parent {
        Parent::Explicit(p) => p.map_or(0, SpanId::into_u64),
        Parent::Handle(span) => span.id().map_or(0, SpanId::into_u64),
        Parent::Current | Parent::Root => 0,
    }
}

/// `parent: expr`.
#[inline]
pub fn parent_of<'a>(parent: impl IntoParent<'a>) -> Parent<'a> {
    parent.into_parent()
}

/// Creates an enabled span (the macro has checked the level gates, as for an event).
#[inline]
pub fn new_span<const N: usize>(
    callsite: &'static Callsite,
    parent: Parent<'_>,
    values: ManuallyDrop<[FieldValue; N]>,
) -> Span {
    const { assert!(N <= MAX_FIELDS, "a span has at most 32 fields") };
    let (id, context) = match parent {
        Parent::Current => {
            let (id, context) = crate::ring::span_stack::current_parent();
            (SpanId::from_u64(id), context)
        }
        Parent::Root => (None, None),
        Parent::Explicit(p) => (p, crate::ring::span_stack::inherited_context(p)),
        // The handle (borrowed until the span is made) holds its context.
        Parent::Handle(span) => (span.id(), span.context().cloned()),
    };
    Span::new_in_place(callsite, id, context, values)
}

/// Emits an event with an explicit parent span (`info!(parent: &span, ..)`), instead of the
/// thread's current one. `Parent::Root` puts the event in no span.
#[inline(never)]
pub fn emit_with_parent<const N: usize>(
    callsite: &'static Callsite,
    parent: Parent<'_>,
    message: Option<FieldValue>,
    values: ManuallyDrop<[FieldValue; N]>,
) {
    const { assert!(N <= MAX_FIELDS, "an event has at most 32 fields") };
    let span = match parent {
        Parent::Current => crate::ring::span_stack::current_id(),
        Parent::Root => 0,
        Parent::Explicit(_) | Parent::Handle(_) => parent_id(parent),
    };
    let mut event = LogEvent::from_parts(
        callsite,
        crate::clock::now(),
        0,
        message,
        crate::event::Values::from_array(ManuallyDrop::into_inner(values)),
    );
    event.set_span_id(span);
    crate::logger::dispatch_exact(event);
}
