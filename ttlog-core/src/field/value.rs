//! [`FieldValue`]: one field's value, 24 bytes, owned; [`ValueRef`] to read it, [`ToFieldValue`]
//! to make one, and [`Field`], a name with its value.

use std::fmt::{self, Write as _};

use crate::ring::text::InlineStr;

/// Text up to this many bytes is stored inside the [`FieldValue`] without a heap allocation.
pub const INLINE_CAPACITY: usize = crate::ring::text::INLINE_CAPACITY;

/// The longest text a single value or message keeps; longer text is truncated and ends with
/// [`TRUNCATION_MARKER`].
pub const MAX_TEXT_LEN: usize = 64 * 1024;

/// Appended to text cut at [`MAX_TEXT_LEN`].
pub const TRUNCATION_MARKER: &str = "…[truncated]";

/// A value recorded in an event field (or a formatted message).
///
/// Values compare by meaning: an `i64` and a `u64` holding the same number are equal, and text
/// compares as text however it is stored.
///
/// # Examples
///
/// ```
/// use ttlog_core::{FieldValue, ValueRef};
/// let v = FieldValue::from(42u64);
/// assert_eq!(v, FieldValue::from(42));
/// assert_eq!(v.to_string(), "42");
/// assert_eq!(FieldValue::display(&"a b").as_str(), Some("a b"));
/// assert!(matches!(FieldValue::from(1.5).as_ref(), ValueRef::F64(x) if x == 1.5));
/// ```
#[derive(Clone)]
pub struct FieldValue(Repr);

#[derive(Clone)]
enum Repr {
    Empty,
    Bool(bool),
    I64(i64),
    U64(u64),
    F64(f64),
    Char(char),
    I128(Box<i128>),
    U128(Box<u128>),
    Static(&'static str),
    Inline(InlineStr),
    Heap(Box<str>),
}

/// A borrowed view of a [`FieldValue`], for matching on its type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ValueRef<'a> {
    /// A field that was declared but not given a value (or an `Option` that was `None`).
    Empty,
    /// A boolean.
    Bool(bool),
    /// A signed integer.
    I64(i64),
    /// An unsigned integer.
    U64(u64),
    /// A 128-bit signed integer.
    I128(i128),
    /// A 128-bit unsigned integer.
    U128(u128),
    /// A floating-point number.
    F64(f64),
    /// A character.
    Char(char),
    /// Text: a string value, or a value recorded with `%` (Display) or `?` (Debug).
    Str(&'a str),
}

/// A value as the record codec stores it (see [`FieldValue::plain`]).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Plain<'a> {
    Empty,
    Bool(bool),
    I64(i64),
    U64(u64),
    F64(f64),
    Char(char),
    I128(i128),
    U128(u128),
    Text(&'a [u8]),
    /// Short text kept inside the value: its length and its buffer, as three words (the
    /// bytes past the length are zero), copied whole whatever the length.
    Inline(u8, [u64; 3]),
}

impl FieldValue {
    /// Short text read back from a record (see [`InlineStr::from_words`]).
    #[inline]
    pub(crate) fn from_inline(text: InlineStr) -> FieldValue {
        FieldValue(Repr::Inline(text))
    }

    /// The value of a field that has no value.
    pub const EMPTY: FieldValue = FieldValue(Repr::Empty);

    /// A `'static` string, carried as a pointer without copying.
    ///
    /// ```
    /// assert_eq!(ttlog_core::FieldValue::from_static("/api").as_str(), Some("/api"));
    /// ```
    #[inline]
    pub const fn from_static(s: &'static str) -> FieldValue {
        FieldValue(Repr::Static(s))
    }

    /// Copies `s` (inline when it is short), truncating at [`MAX_TEXT_LEN`].
    #[inline]
    pub fn from_str_copy(s: &str) -> FieldValue {
        if let Some(text) = InlineStr::new(s) {
            FieldValue(Repr::Inline(text))
        } else {
            let mut w = TextWriter::new();
            // An error only says the text was cut at the cap.
            let _ = w.write_str(s);
            w.finish()
        }
    }

    /// Takes text that is already cut as [`from_str_copy`](FieldValue::from_str_copy) cuts it
    /// (at most [`MAX_TEXT_LEN`] bytes, then [`TRUNCATION_MARKER`] when it was cut), without
    /// cutting it again: the marker would push a cut text over the limit.
    pub(crate) fn from_cut_string(s: String) -> FieldValue {
        debug_assert!(s.len() <= MAX_TEXT_LEN + TRUNCATION_MARKER.len());
        if s.len() <= MAX_TEXT_LEN + TRUNCATION_MARKER.len() && s.len() > INLINE_CAPACITY {
            FieldValue(Repr::Heap(s.into_boxed_str()))
        } else {
            FieldValue::from(s)
        }
    }

    /// Formats `value` with `Display` now, on the caller's thread (this is what `%value` in
    /// the macros does).
    #[inline]
    pub fn display<T: fmt::Display + ?Sized>(value: &T) -> FieldValue {
        let mut w = TextWriter::new();
        // An error says the text was cut at the cap (or the impl failed): keep what it wrote.
        let _ = write!(w, "{value}");
        w.finish()
    }

    /// Formats `value` with `Debug` now, on the caller's thread (this is what `?value` in the
    /// macros does).
    #[inline]
    pub fn debug<T: fmt::Debug + ?Sized>(value: &T) -> FieldValue {
        let mut w = TextWriter::new();
        // An error says the text was cut at the cap (or the impl failed): keep what it wrote.
        let _ = write!(w, "{value:?}");
        w.finish()
    }

    /// Formats `args` now. A format string without arguments is carried without copying.
    #[inline]
    pub fn from_args(args: fmt::Arguments<'_>) -> FieldValue {
        if let Some(s) = args.as_str() {
            return FieldValue::from_static(s);
        }
        let mut w = TextWriter::new();
        // An error says the text was cut at the cap (or an argument failed): keep what it wrote.
        let _ = w.write_fmt(args);
        w.finish()
    }

    /// This value as the record codec stores it: text as its bytes, read without checking
    /// them again (they were UTF-8 when the value was made).
    #[inline(always)]
    pub(crate) fn plain(&self) -> Plain<'_> {
        match &self.0 {
            Repr::Empty => Plain::Empty,
            Repr::Bool(v) => Plain::Bool(*v),
            Repr::I64(v) => Plain::I64(*v),
            Repr::U64(v) => Plain::U64(*v),
            Repr::F64(v) => Plain::F64(*v),
            Repr::Char(v) => Plain::Char(*v),
            Repr::I128(v) => Plain::I128(**v),
            Repr::U128(v) => Plain::U128(**v),
            Repr::Static(s) => Plain::Text(s.as_bytes()),
            Repr::Inline(s) => {
                let mut bytes = [0u8; 24];
                bytes[..INLINE_CAPACITY].copy_from_slice(s.buf());
                let word = |i: usize| {
                    let mut w = [0u8; 8];
                    w.copy_from_slice(&bytes[i * 8..i * 8 + 8]);
                    u64::from_le_bytes(w)
                };
                Plain::Inline(s.len(), [word(0), word(1), word(2)])
            }
            Repr::Heap(s) => Plain::Text(s.as_bytes()),
        }
    }

    /// Whether dropping this value frees memory (boxed text or 128-bit integers).
    #[inline(always)]
    pub(crate) fn owns_heap(&self) -> bool {
        matches!(self.0, Repr::Heap(_) | Repr::I128(_) | Repr::U128(_))
    }

    /// This value's type and contents.
    #[inline]
    pub fn as_ref(&self) -> ValueRef<'_> {
        match &self.0 {
            Repr::Empty => ValueRef::Empty,
            Repr::Bool(v) => ValueRef::Bool(*v),
            Repr::I64(v) => ValueRef::I64(*v),
            Repr::U64(v) => ValueRef::U64(*v),
            Repr::F64(v) => ValueRef::F64(*v),
            Repr::Char(v) => ValueRef::Char(*v),
            Repr::I128(v) => ValueRef::I128(**v),
            Repr::U128(v) => ValueRef::U128(**v),
            Repr::Static(s) => ValueRef::Str(s),
            Repr::Inline(s) => ValueRef::Str(s.as_str()),
            Repr::Heap(s) => ValueRef::Str(s),
        }
    }

    /// The text, if this value is text.
    pub fn as_str(&self) -> Option<&str> {
        match self.as_ref() {
            ValueRef::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value as an `i64`, if it is an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match self.as_ref() {
            ValueRef::I64(v) => Some(v),
            ValueRef::U64(v) => i64::try_from(v).ok(),
            ValueRef::I128(v) => i64::try_from(v).ok(),
            ValueRef::U128(v) => i64::try_from(v).ok(),
            _ => None,
        }
    }

    /// The value as a `u64`, if it is a non-negative integer that fits.
    pub fn as_u64(&self) -> Option<u64> {
        match self.as_ref() {
            ValueRef::U64(v) => Some(v),
            ValueRef::I64(v) => u64::try_from(v).ok(),
            ValueRef::I128(v) => u64::try_from(v).ok(),
            ValueRef::U128(v) => u64::try_from(v).ok(),
            _ => None,
        }
    }

    /// The value as an `f64`, if it is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self.as_ref() {
            ValueRef::F64(v) => Some(v),
            ValueRef::I64(v) => Some(v as f64),
            ValueRef::U64(v) => Some(v as f64),
            ValueRef::I128(v) => Some(v as f64),
            ValueRef::U128(v) => Some(v as f64),
            _ => None,
        }
    }

    /// The value as a `bool`, if it is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self.0 {
            Repr::Bool(v) => Some(v),
            _ => None,
        }
    }

    /// Whether this is the value of a field that was never given one.
    pub fn is_empty(&self) -> bool {
        matches!(self.0, Repr::Empty)
    }

    /// Whether this value is text (and so is quoted in structured output).
    pub fn is_str(&self) -> bool {
        matches!(self.0, Repr::Static(_) | Repr::Inline(_) | Repr::Heap(_))
    }

    /// Whether this value holds heap memory (text longer than [`INLINE_CAPACITY`] bytes, or a
    /// 128-bit integer).
    pub fn is_heap(&self) -> bool {
        matches!(self.0, Repr::Heap(_) | Repr::I128(_) | Repr::U128(_))
    }
}

impl Default for FieldValue {
    fn default() -> Self {
        FieldValue::EMPTY
    }
}

impl fmt::Display for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_ref() {
            ValueRef::Empty => Ok(()),
            ValueRef::Bool(v) => fmt::Display::fmt(&v, f),
            ValueRef::I64(v) => fmt::Display::fmt(&v, f),
            ValueRef::U64(v) => fmt::Display::fmt(&v, f),
            ValueRef::I128(v) => fmt::Display::fmt(&v, f),
            ValueRef::U128(v) => fmt::Display::fmt(&v, f),
            ValueRef::F64(v) => fmt::Display::fmt(&v, f),
            ValueRef::Char(v) => fmt::Display::fmt(&v, f),
            ValueRef::Str(v) => f.write_str(v),
        }
    }
}

impl fmt::Debug for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_ref() {
            ValueRef::Empty => f.write_str("<empty>"),
            ValueRef::Str(v) => fmt::Debug::fmt(v, f),
            ValueRef::Char(v) => fmt::Debug::fmt(&v, f),
            _ => fmt::Display::fmt(self, f),
        }
    }
}

impl PartialEq for FieldValue {
    fn eq(&self, other: &Self) -> bool {
        use ValueRef as V;
        match (self.as_ref(), other.as_ref()) {
            (V::Str(a), V::Str(b)) => a == b,
            (V::F64(a), V::F64(b)) => a == b,
            (V::Bool(a), V::Bool(b)) => a == b,
            (V::Char(a), V::Char(b)) => a == b,
            (V::Empty, V::Empty) => true,
            (a, b) => match (int_of(a), int_of(b)) {
                (Some(x), Some(y)) => x == y,
                _ => false,
            },
        }
    }
}

/// Every integer fits an `i128` except `u128` values above `i128::MAX`, which then compare
/// only with themselves through the `U128` arm below.
fn int_of(v: ValueRef<'_>) -> Option<(i128, bool)> {
    match v {
        ValueRef::I64(v) => Some((v as i128, false)),
        ValueRef::U64(v) => Some((v as i128, false)),
        ValueRef::I128(v) => Some((v, false)),
        ValueRef::U128(v) => match i128::try_from(v) {
            Ok(v) => Some((v, false)),
            Err(_) => Some(((v - i128::MAX as u128) as i128, true)),
        },
        _ => None,
    }
}

macro_rules! from_int {
    ($variant:ident as $wide:ty: $($t:ty),*) => {$(
        impl From<$t> for FieldValue {
            #[inline]
            fn from(v: $t) -> Self {
                FieldValue(Repr::$variant(v as $wide))
            }
        }
    )*};
}
from_int!(I64 as i64: i8, i16, i32, i64, isize);
from_int!(U64 as u64: u8, u16, u32, u64, usize);

impl From<f64> for FieldValue {
    #[inline]
    fn from(v: f64) -> Self {
        FieldValue(Repr::F64(v))
    }
}

impl From<f32> for FieldValue {
    #[inline]
    fn from(v: f32) -> Self {
        FieldValue(Repr::F64(v as f64))
    }
}

impl From<bool> for FieldValue {
    #[inline]
    fn from(v: bool) -> Self {
        FieldValue(Repr::Bool(v))
    }
}

impl From<char> for FieldValue {
    #[inline]
    fn from(v: char) -> Self {
        FieldValue(Repr::Char(v))
    }
}

impl From<i128> for FieldValue {
    fn from(v: i128) -> Self {
        match i64::try_from(v) {
            Ok(v) => FieldValue(Repr::I64(v)),
            Err(_) => FieldValue(Repr::I128(Box::new(v))),
        }
    }
}

impl From<u128> for FieldValue {
    fn from(v: u128) -> Self {
        match u64::try_from(v) {
            Ok(v) => FieldValue(Repr::U64(v)),
            Err(_) => FieldValue(Repr::U128(Box::new(v))),
        }
    }
}

impl From<&str> for FieldValue {
    #[inline]
    fn from(v: &str) -> Self {
        FieldValue::from_str_copy(v)
    }
}

impl From<String> for FieldValue {
    fn from(v: String) -> Self {
        if v.len() <= INLINE_CAPACITY || v.len() > MAX_TEXT_LEN {
            FieldValue::from_str_copy(&v)
        } else {
            FieldValue(Repr::Heap(v.into_boxed_str()))
        }
    }
}

impl<T: Into<FieldValue>> From<Option<T>> for FieldValue {
    fn from(v: Option<T>) -> Self {
        match v {
            Some(v) => v.into(),
            None => FieldValue::EMPTY,
        }
    }
}

/// Types that can be recorded as a field with `key = value` in the event macros.
///
/// Implemented for the primitive types, text, `Option`s and references to any of them. For
/// anything else, record it with `%value` (its `Display`) or `?value` (its `Debug`).
///
/// ```
/// use ttlog_core::{FieldValue, ToFieldValue};
/// let name = String::from("alice");
/// assert_eq!(name.to_field_value(), FieldValue::from("alice"));
/// assert_eq!(Some(3u8).to_field_value(), FieldValue::from(3));
/// assert!(None::<u8>.to_field_value().is_empty());
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be recorded as a ttlog field value",
    label = "not a primitive, text or Option",
    note = "record it with `%value` to use its Display impl, or `?value` to use its Debug impl"
)]
pub trait ToFieldValue {
    /// Converts (copying if needed) to an owned value.
    fn to_field_value(&self) -> FieldValue;
}

macro_rules! to_field_value_copy {
    ($($t:ty),*) => {$(
        impl ToFieldValue for $t {
            #[inline]
            fn to_field_value(&self) -> FieldValue {
                FieldValue::from(*self)
            }
        }
    )*};
}
to_field_value_copy!(
    i8, i16, i32, i64, isize, i128, u8, u16, u32, u64, usize, u128, f32, f64, bool, char
);

impl ToFieldValue for str {
    #[inline]
    fn to_field_value(&self) -> FieldValue {
        FieldValue::from_str_copy(self)
    }
}

impl ToFieldValue for String {
    #[inline]
    fn to_field_value(&self) -> FieldValue {
        FieldValue::from_str_copy(self)
    }
}

impl ToFieldValue for std::borrow::Cow<'_, str> {
    fn to_field_value(&self) -> FieldValue {
        FieldValue::from_str_copy(self)
    }
}

impl ToFieldValue for std::sync::Arc<str> {
    fn to_field_value(&self) -> FieldValue {
        FieldValue::from_str_copy(self)
    }
}

impl ToFieldValue for Box<str> {
    fn to_field_value(&self) -> FieldValue {
        FieldValue::from_str_copy(self)
    }
}

impl ToFieldValue for FieldValue {
    fn to_field_value(&self) -> FieldValue {
        self.clone()
    }
}

impl ToFieldValue for fmt::Arguments<'_> {
    fn to_field_value(&self) -> FieldValue {
        FieldValue::from_args(*self)
    }
}

impl<T: ToFieldValue + ?Sized> ToFieldValue for &T {
    #[inline]
    fn to_field_value(&self) -> FieldValue {
        (**self).to_field_value()
    }
}

impl<T: ToFieldValue + ?Sized> ToFieldValue for &mut T {
    #[inline]
    fn to_field_value(&self) -> FieldValue {
        (**self).to_field_value()
    }
}

impl<T: ToFieldValue> ToFieldValue for Option<T> {
    fn to_field_value(&self) -> FieldValue {
        match self {
            Some(v) => v.to_field_value(),
            None => FieldValue::EMPTY,
        }
    }
}

/// A name and a value, as yielded by [`Record::fields`](crate::Record::fields).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Field<'a> {
    /// The field's name, e.g. `user_id` or `http.status`.
    pub name: &'a str,
    /// The field's value.
    pub value: &'a FieldValue,
}

/// Collects formatted text: inline while it fits, then on the heap, up to [`MAX_TEXT_LEN`].
///
/// Once the text is cut, every write returns `Err(fmt::Error)`: a `Display` or `Debug` impl
/// that propagates errors (`write!(f, ..)?`, as the derives and the `debug_*` builders do) stops
/// there instead of formatting on forever into a full buffer. Callers ignore that error, which
/// here only means "truncated", and keep what was written, plus [`TRUNCATION_MARKER`]. (An
/// impl that ignores the errors its writes return cannot be stopped from outside: it runs as
/// long as it likes, but the text still stays within the cap.)
struct TextWriter {
    inline: InlineStr,
    heap: Option<String>,
    truncated: bool,
}

impl TextWriter {
    #[inline]
    fn new() -> TextWriter {
        TextWriter {
            inline: InlineStr::EMPTY,
            heap: None,
            truncated: false,
        }
    }

    #[inline]
    fn finish(self) -> FieldValue {
        match self.heap {
            None => FieldValue(Repr::Inline(self.inline)),
            Some(mut s) => {
                if self.truncated {
                    s.push_str(TRUNCATION_MARKER);
                }
                FieldValue(Repr::Heap(s.into_boxed_str()))
            }
        }
    }
}

impl fmt::Write for TextWriter {
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if let Some(heap) = &mut self.heap {
            if self.truncated {
                return Err(fmt::Error);
            }
            let room = MAX_TEXT_LEN - heap.len();
            if s.len() <= room {
                heap.push_str(s);
                return Ok(());
            }
            let mut cut = room;
            while !s.is_char_boundary(cut) {
                cut -= 1;
            }
            heap.push_str(&s[..cut]);
            self.truncated = true;
            // Full: ends the formatting (see the type's docs); the caller keeps the text.
            return Err(fmt::Error);
        }
        if self.inline.push_str(s) {
            Ok(())
        } else {
            let len = self.inline.len() as usize;
            let mut heap = String::with_capacity((len + s.len()).min(MAX_TEXT_LEN));
            heap.push_str(self.inline.as_str());
            self.heap = Some(heap);
            self.write_str(s)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_is_24_bytes() {
        assert_eq!(std::mem::size_of::<FieldValue>(), 24);
        assert_eq!(std::mem::size_of::<Option<FieldValue>>(), 24);
    }

    #[test]
    fn inline_and_heap_text() {
        let short = FieldValue::display(&"0123456789");
        assert!(!short.is_heap());
        assert_eq!(short.as_str(), Some("0123456789"));
        let long = FieldValue::display(&"x".repeat(100));
        assert!(long.is_heap());
        assert_eq!(long.as_str().unwrap().len(), 100);
    }

    #[test]
    fn huge_text_is_truncated_on_a_char_boundary() {
        let s = "é".repeat(MAX_TEXT_LEN);
        let v = FieldValue::from_str_copy(&s);
        let t = v.as_str().unwrap();
        assert!(t.ends_with(TRUNCATION_MARKER));
        assert!(t.len() <= MAX_TEXT_LEN + TRUNCATION_MARKER.len());
        let d = FieldValue::display(&s);
        assert_eq!(d.as_str(), Some(t));
    }

    /// Writes `x` until a write fails.
    struct Endless;

    impl fmt::Display for Endless {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            loop {
                f.write_str("x")?;
            }
        }
    }

    #[test]
    fn endless_display_stops_at_the_cap() {
        // On a thread, so that a regression fails the test instead of hanging it.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send((
                FieldValue::display(&Endless),
                FieldValue::from_args(format_args!("{Endless}")),
            ));
        });
        let (display, args) = rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("formatting an endless Display did not end");
        for v in [display, args] {
            let t = v.as_str().unwrap();
            assert_eq!(t.len(), MAX_TEXT_LEN + TRUNCATION_MARKER.len());
            assert!(t.ends_with(TRUNCATION_MARKER));
        }
    }

    #[test]
    fn numbers_compare_across_signedness() {
        assert_eq!(FieldValue::from(5u64), FieldValue::from(5i8));
        assert_ne!(FieldValue::from(-1i64), FieldValue::from(u64::MAX));
        assert_eq!(FieldValue::from(u128::MAX), FieldValue::from(u128::MAX));
        assert_ne!(FieldValue::from(u128::MAX), FieldValue::from(i128::MAX));
        assert_ne!(FieldValue::from(1), FieldValue::from("1"));
    }
}

/// The value of a span field declared without one, to be [recorded](crate::Span::record)
/// later: `span!(Level::Info, "request", user = ttlog::field::Empty)`.
///
/// ```
/// use ttlog_core::field::{Empty, ToFieldValue};
/// assert!(Empty.to_field_value().is_empty());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Empty;

impl ToFieldValue for Empty {
    #[inline]
    fn to_field_value(&self) -> FieldValue {
        FieldValue::EMPTY
    }
}
