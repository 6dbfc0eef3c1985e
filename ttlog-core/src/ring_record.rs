//! How an event is laid out in a ring record (see [`crate::ring`]).
//!
//! The caller writes the event straight into its ring: a few fixed words, then the message
//! (only if it was formatted) and the values, each a [`FieldValue`] copied bit for bit. The
//! collector reads the record back into a [`LogEvent`], moving the values out, so every
//! value is moved exactly once from the caller's stack to the recorder, and nothing is
//! allocated on the caller's side however many fields the event has.
//!
//! ```text
//! header meta (47 bits): values count (12) | has message (1) | thread index (32)
//! payload words:         [&'static Callsite] [timestamp] [span id] [message: 3]? [values: 3 × n]
//! ```

#![allow(unsafe_code)]

use std::mem::{size_of, ManuallyDrop};

use crate::callsite::Callsite;
use crate::event::{LogEvent, Values};
use crate::field::FieldValue;

/// Words taken by each `FieldValue`.
const VALUE_WORDS: usize = size_of::<FieldValue>() / 8;
const _: () = assert!(size_of::<FieldValue>() % 8 == 0 && std::mem::align_of::<FieldValue>() <= 8);

/// Words before the message and values: callsite, timestamp, span.
const FIXED_WORDS: usize = 3;

/// Words of a typical event (four fields, no formatted message), header included: ring
/// capacities given in events are converted with it.
pub(crate) const TYPICAL_EVENT_WORDS: usize = 1 + payload_words(4, false);

/// Bytes of ring per event of [`Builder::ring_capacity`](crate::Builder::ring_capacity): a
/// thread's ring takes `ring_capacity × RING_BYTES_PER_EVENT` bytes, rounded up to a power of
/// two. It holds that many events of four fields; fewer fields take less room, more take more.
pub const RING_BYTES_PER_EVENT: usize = TYPICAL_EVENT_WORDS * 8;

/// The most values one record can carry (the width of the count in the metadata).
pub(crate) const MAX_VALUES: usize = (1 << 12) - 1;

const HAS_MESSAGE: u64 = 1 << 12;
const THREAD_SHIFT: u32 = 13;

/// Payload words of an event with `values` values and, if `has_message`, a formatted message.
#[inline(always)]
pub(crate) const fn payload_words(values: usize, has_message: bool) -> usize {
    FIXED_WORDS + if has_message { VALUE_WORDS } else { 0 } + values * VALUE_WORDS
}

/// The record metadata for an event.
#[inline(always)]
pub(crate) const fn meta(values: usize, has_message: bool, thread: u32) -> u64 {
    debug_assert!(values <= MAX_VALUES);
    values as u64 | if has_message { HAS_MESSAGE } else { 0 } | (thread as u64) << THREAD_SHIFT
}

/// Writes an event from a macro's parts into a record payload.
///
/// # Safety
///
/// `dst` must be valid for writing `payload_words(N, message.is_some())` words, 8-byte
/// aligned. `message` and `values` must be initialised; they are moved into the record (bit
/// copies): the caller must not use or drop them afterwards.
#[inline(always)]
pub(crate) unsafe fn write<const N: usize>(
    dst: *mut u64,
    callsite: &'static Callsite,
    timestamp: u64,
    span: u64,
    message: &mut ManuallyDrop<Option<FieldValue>>,
    values: &mut ManuallyDrop<[FieldValue; N]>,
) {
    // SAFETY: the caller provides room for the whole payload; every write stays inside it.
    // The callsite is stored as a pointer (not an integer) so that reading it back keeps its
    // provenance.
    unsafe {
        dst.cast::<&'static Callsite>().write(callsite);
        dst.add(1).write(timestamp);
        dst.add(2).write(span);
        let mut at = dst.add(FIXED_WORDS);
        if let Some(message) = &**message {
            std::ptr::copy_nonoverlapping(message, at.cast::<FieldValue>(), 1);
            at = at.add(VALUE_WORDS);
        }
        std::ptr::copy_nonoverlapping(values.as_ptr(), at.cast::<FieldValue>(), N);
    }
}

/// Writes a whole [`LogEvent`] into a record payload (the path for events built outside the
/// macros), moving its contents.
///
/// # Safety
///
/// `dst` must be valid for writing `payload_words(event.values().len(),
/// event.formatted_message().is_some())` words, 8-byte aligned.
pub(crate) unsafe fn write_event(dst: *mut u64, event: LogEvent) {
    let (callsite, timestamp, _thread, span, message, values) = event.into_parts();
    // SAFETY: as in `write`: the caller provides room for the whole payload.
    unsafe {
        dst.cast::<&'static Callsite>().write(callsite);
        dst.add(1).write(timestamp);
        dst.add(2).write(span);
        let mut at = dst.add(FIXED_WORDS).cast::<FieldValue>();
        if let Some(message) = message {
            at.write(message);
            at = at.add(1);
        }
        values.drain_into(|i, value| at.add(i).write(value));
    }
}

/// The timestamp of the event in a record payload.
///
/// # Safety
///
/// `payload` must point at a published event record's payload.
#[inline(always)]
pub(crate) unsafe fn timestamp(payload: *const u64) -> u64 {
    // SAFETY: word 1 of an event payload is its timestamp, written as a `u64`.
    unsafe { payload.add(1).read() }
}

/// Reads the event out of a record, moving its values.
///
/// # Safety
///
/// `meta` and `payload` must come from one published event record, which must not be read
/// again (its values are moved out).
#[inline]
pub(crate) unsafe fn read(meta: u64, payload: *mut u64) -> LogEvent {
    let n = (meta & MAX_VALUES as u64) as usize;
    let has_message = meta & HAS_MESSAGE != 0;
    let thread = (meta >> THREAD_SHIFT) as u32;
    // SAFETY: the record was written by `write` or `write_event` with this metadata, so the
    // words hold exactly these types; values are moved out once.
    unsafe {
        let callsite = payload.cast::<&'static Callsite>().read();
        let timestamp = payload.add(1).read();
        let span = payload.add(2).read();
        let mut at = payload.add(FIXED_WORDS).cast::<FieldValue>();
        let message = if has_message {
            let m = at.read();
            at = at.add(1);
            Some(m)
        } else {
            None
        };
        let values = Values::from_raw(at, n);
        let mut event = LogEvent::from_parts(callsite, timestamp, thread, message, values);
        event.set_span_id(span);
        event
    }
}

/// Drops an event record's contents ([`crate::ring::DropRecord`] for event rings).
///
/// # Safety
///
/// As for [`read`]; `_words` is unused (the metadata says it all).
pub(crate) unsafe fn drop_record(meta: u64, payload: *mut u64, _words: usize) {
    // SAFETY: forwarded from the caller.
    drop(unsafe { read(meta, payload) });
}
