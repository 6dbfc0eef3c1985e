//! [`StructFields`]: a struct's named fields recorded on an event all at once (`..value`).

use crate::ring::values::Values;

/// A struct whose named fields can be recorded on an event, all at once, with `..value`.
///
/// Derive it with `#[derive(ttlog::Fields)]` (see the `ttlog` crate); then
/// `ttlog::info!(..attempt, "login attempt")` records every field of `attempt` as a field of
/// the event, in declaration order, next to the event's own fields.
///
/// # How it fits static callsites
///
/// An event's field names live in its static [`Callsite`](crate::Callsite), but a macro cannot
/// see a struct's fields, only the expression written after `..`. So the names come from this
/// trait's `NAMES` constant, and the macro combines them with the call's own field names in a
/// constant evaluated once per callsite (per type, in generic code), which also checks at
/// compile time that the names are distinct and at most 32. The first event from the callsite
/// builds (and keeps for the life of the process) a copy of the callsite with those names;
/// later events find it with one atomic load and a pointer compare. The values are pushed into
/// the event's [`Values`](Values), inline up to
/// [`INLINE_FIELDS`](crate::event::INLINE_FIELDS), so an event with up to 8 values does not
/// allocate.
///
/// # Implementing it by hand
///
/// `push_values` must push exactly one value per name in `NAMES`, in the same order (the
/// macros pad a shortfall with empty values and cut an excess, so a mistake cannot shift the
/// event's other fields, but the struct's own fields would then be mislabelled).
///
/// ```
/// use ttlog_core::event::Values;
/// use ttlog_core::{FieldValue, StructFields};
///
/// struct Attempt { user: &'static str, tries: u32 }
///
/// impl StructFields for Attempt {
///     const NAMES: &'static [&'static str] = &["user", "tries"];
///     fn push_values(&self, out: &mut Values) {
///         out.push(FieldValue::from_static(self.user));
///         out.push(FieldValue::from(self.tries));
///     }
/// }
///
/// let mut values = Values::new();
/// Attempt { user: "alice", tries: 3 }.push_values(&mut values);
/// assert_eq!(values[..], [FieldValue::from("alice"), FieldValue::from(3)]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `StructFields`, so it cannot be recorded with `..`",
    label = "`{Self}` needs `#[derive(ttlog::Fields)]`",
    note = "`..value` records the named fields of a struct that derives `ttlog::Fields` \
            (which implements `ttlog::StructFields`)"
)]
pub trait StructFields {
    /// The names of the recorded fields, in the order `push_values` pushes their values.
    const NAMES: &'static [&'static str];

    /// Appends one value per name in [`NAMES`](StructFields::NAMES), in order.
    fn push_values(&self, out: &mut Values);
}

impl<T: StructFields + ?Sized> StructFields for &T {
    const NAMES: &'static [&'static str] = T::NAMES;

    #[inline]
    fn push_values(&self, out: &mut Values) {
        (**self).push_values(out)
    }
}
