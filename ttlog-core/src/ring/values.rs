//! An event's field values, [`Values`]: up to [`INLINE_FIELDS`] stored inline, more on the
//! heap, the unused slots left uninitialised (which is why this storage has unsafe code, and
//! lives with the ring's).

use std::fmt;
use std::mem::MaybeUninit;

use crate::field::value::FieldValue;

/// How many field values an event stores inline; more spill to the heap.
pub const INLINE_FIELDS: usize = 8;

/// The field values of one event, in the order of its callsite's field names: up to
/// [`INLINE_FIELDS`] stored inline, more on the heap.
///
/// Unused inline slots are left uninitialised, so building a `Values` from a macro's array is
/// one copy of the values, and dropping one touches only the slots in use.
///
/// ```
/// use ttlog_core::{event::Values, FieldValue};
/// let mut values: Values = [FieldValue::from(1), FieldValue::from("a")].into_iter().collect();
/// values.push(FieldValue::from(true));
/// assert_eq!(values.len(), 3);
/// assert_eq!(values[2], FieldValue::from(true));
/// let many: Values = (0..20).map(FieldValue::from).collect();
/// assert_eq!(many.len(), 20);
/// assert_eq!(many[19], FieldValue::from(19));
/// assert_eq!(many.clone()[..], many[..]);
/// ```
pub struct Values {
    /// How many inline slots are initialised (`0` once the values have spilled to the heap).
    len: u8,
    /// `inline[..len]` are initialised; the rest are not.
    inline: [MaybeUninit<FieldValue>; INLINE_FIELDS],
    /// All the values, once there are more than fit inline (boxed so that the common case
    /// costs one null pointer). When this is `Some`, `len` is `0`.
    #[allow(clippy::box_collection)] // one pointer instead of three in every event
    spilled: Option<Box<Vec<FieldValue>>>,
}

impl Values {
    /// No values.
    pub const fn new() -> Values {
        Values {
            len: 0,
            inline: [const { MaybeUninit::uninit() }; INLINE_FIELDS],
            spilled: None,
        }
    }

    /// Moves an array of values in, without a heap allocation when it fits inline.
    #[inline(always)]
    pub fn from_array<const N: usize>(values: [FieldValue; N]) -> Values {
        let mut out = Values::new();
        if N <= INLINE_FIELDS {
            for (slot, value) in out.inline.iter_mut().zip(values) {
                slot.write(value);
            }
            out.len = N as u8;
        } else {
            out.spilled = Some(Box::new(Vec::from(values)));
        }
        out
    }

    /// Moves every value out, in order, into `f` (with its index).
    pub(crate) fn drain_into(mut self, mut f: impl FnMut(usize, FieldValue)) {
        match self.spilled.take() {
            Some(spilled) => {
                for (i, v) in spilled.into_iter().enumerate() {
                    f(i, v);
                }
            }
            None => {
                let len = self.len as usize;
                // The values now belong to this loop: `Drop` must not see them.
                self.len = 0;
                for i in 0..len {
                    // SAFETY: slots below the old `len` are initialised and read once.
                    #[allow(unsafe_code)]
                    let v = unsafe { self.inline[i].assume_init_read() };
                    f(i, v);
                }
            }
        }
    }

    /// Appends a value.
    pub fn push(&mut self, value: FieldValue) {
        let len = self.len as usize;
        match &mut self.spilled {
            Some(spilled) => spilled.push(value),
            None if len < INLINE_FIELDS => {
                self.inline[len].write(value);
                self.len += 1;
            }
            None => {
                let mut spilled = Vec::with_capacity(INLINE_FIELDS * 2);
                // Ownership of the inline values moves to the vector: forget them here first.
                self.len = 0;
                spilled.extend(self.inline[..len].iter().map(|v| {
                    // SAFETY: slots below the old `len` are initialised, each is read once,
                    // and `len` is already 0 so they are never read or dropped again.
                    #[allow(unsafe_code)]
                    unsafe {
                        v.assume_init_read()
                    }
                }));
                spilled.push(value);
                self.spilled = Some(Box::new(spilled));
            }
        }
    }
}

#[allow(unsafe_code)]
impl std::ops::DerefMut for Values {
    #[inline]
    fn deref_mut(&mut self) -> &mut [FieldValue] {
        match &mut self.spilled {
            // SAFETY: as in `deref`, and `&mut self` makes the access exclusive.
            None => unsafe {
                std::slice::from_raw_parts_mut(
                    self.inline.as_mut_ptr().cast::<FieldValue>(),
                    self.len as usize,
                )
            },
            Some(spilled) => spilled,
        }
    }
}

#[allow(unsafe_code)]
impl std::ops::Deref for Values {
    type Target = [FieldValue];

    #[inline]
    fn deref(&self) -> &[FieldValue] {
        match &self.spilled {
            // SAFETY: `inline[..len]` are initialised (type invariant), and
            // `MaybeUninit<T>` has the layout of `T`.
            None => unsafe {
                std::slice::from_raw_parts(
                    self.inline.as_ptr().cast::<FieldValue>(),
                    self.len as usize,
                )
            },
            Some(spilled) => spilled,
        }
    }
}

#[allow(unsafe_code)]
impl Drop for Values {
    fn drop(&mut self) {
        let len = self.len as usize;
        debug_assert!(len <= INLINE_FIELDS);
        // SAFETY: `inline[..len]` are initialised and dropped once, here; `spilled` drops
        // itself.
        unsafe {
            std::ptr::drop_in_place(std::ptr::slice_from_raw_parts_mut(
                self.inline.as_mut_ptr().cast::<FieldValue>(),
                len,
            ));
        }
    }
}

impl Clone for Values {
    fn clone(&self) -> Values {
        self.iter().cloned().collect()
    }
}

impl Default for Values {
    fn default() -> Values {
        Values::new()
    }
}

impl FromIterator<FieldValue> for Values {
    fn from_iter<I: IntoIterator<Item = FieldValue>>(iter: I) -> Values {
        let mut values = Values::new();
        for v in iter {
            values.push(v);
        }
        values
    }
}

impl fmt::Debug for Values {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}
