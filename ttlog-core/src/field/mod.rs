//! Field values: what an event carries besides its static callsite.
//!
//! A [`FieldValue`] is built on the caller's thread and moved, whole, through the ring to the
//! collector, so it must own its data. It is 24 bytes and never allocates for the values an
//! event carries most: integers, floats, booleans, chars, `&'static str` literals, and any text
//! (a copied `&str`, a `%display` or `?debug` value) of up to [`INLINE_CAPACITY`] bytes, which is
//! stored inline. Longer text goes to the heap, and text longer than [`MAX_TEXT_LEN`] is cut at
//! that length (on a char boundary) and marked, so a hostile value cannot exhaust memory.

//!
//! 1. `value.rs` — [`FieldValue`] and its conversions, [`ValueRef`], [`ToFieldValue`], [`Field`].
//! 2. `structured.rs` — [`StructFields`]: a struct's named fields recorded at once (`..value`).

mod structured;
pub(crate) mod value;

pub use structured::StructFields;
pub use value::{
    Empty, Field, FieldValue, ToFieldValue, ValueRef, INLINE_CAPACITY, MAX_TEXT_LEN,
    TRUNCATION_MARKER,
};
