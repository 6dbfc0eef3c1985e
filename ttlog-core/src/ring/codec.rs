//! How an event is laid out in a ring record (see [`crate::ring`]).
//!
//! The caller writes the event straight into its ring: a few fixed words, then the message
//! (only if it was formatted) and the values, each a [`FieldValue`] copied bit for bit. The
//! collector reads the record back into a [`LogEvent`], moving the values out, so every
//! value is moved exactly once from the caller's stack to the recorder, and nothing is
//! allocated on the caller's side however many fields the event has.
//!
//! ```text
//! header meta (47 bits): values count (12) | has message (1) | thread index (32) | kind (2)
//! payload words:         [&'static Callsite] [timestamp] [span id] [message: 3]? [values: 3 × n]
//! ```
//!
//! Span operations ([`SpanOp`]) share the rings, so they stay in order with the events of
//! their thread. The kind bits tell them apart; every kind keeps its timestamp in word 1,
//! which is all the collector's merge looks at.
//!
//! ```text
//! kind 1, span new:     count = values;    [&'static Callsite] [timestamp] [parent] [id] [values: 3 × n]
//! kind 2, span record:                     [id] [timestamp] [field index] [value: 3]
//! kind 3, span control: count = op code;   [id] [timestamp] [argument]
//! ```

#![allow(unsafe_code)]

use std::mem::{size_of, ManuallyDrop};

use super::values::Values;
use crate::callsite::site::Callsite;
use crate::event::LogEvent;
use crate::field::value::FieldValue;
use crate::span::id::SpanId;
use crate::span::op::{SpanControl, SpanOp, SpanOpKind};

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
const KIND_SHIFT: u32 = 45;

/// What a record holds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    Event,
    SpanNew,
    SpanRecord,
    SpanControl,
}

/// The kind of record `meta` describes.
#[inline(always)]
pub(crate) fn kind(meta: u64) -> Kind {
    match (meta >> KIND_SHIFT) & 3 {
        0 => Kind::Event,
        1 => Kind::SpanNew,
        2 => Kind::SpanRecord,
        _ => Kind::SpanControl,
    }
}

const SPAN_NEW_FIXED_WORDS: usize = 4;
const CONTROL_ENTER: u64 = 0;
const CONTROL_EXIT: u64 = 1;
const CONTROL_CLOSE: u64 = 2;

/// The op code of a control record for `control`.
#[inline(always)]
pub(crate) const fn control_code(control: SpanControl) -> u64 {
    match control {
        SpanControl::Enter => CONTROL_ENTER,
        SpanControl::Exit => CONTROL_EXIT,
        SpanControl::Close => CONTROL_CLOSE,
    }
}
const CONTROL_ERROR: u64 = 3;
const CONTROL_FOLLOWS_FROM: u64 = 4;

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

/// The span a record needs the collector to know already: an event's span, or the span an
/// operation other than creation applies to; `0` for none (and for creations).
///
/// # Safety
///
/// `meta` and `payload` must come from one published record.
#[inline(always)]
pub(crate) unsafe fn span_named(meta: u64, payload: *const u64) -> u64 {
    // SAFETY: word 2 of an event payload is its span id; word 0 of a span record or control
    // record is the span's id; all written as `u64`.
    unsafe {
        match kind(meta) {
            Kind::Event => payload.add(2).read(),
            Kind::SpanNew => 0,
            Kind::SpanRecord | Kind::SpanControl => payload.read(),
        }
    }
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

/// Payload words of a control record (enter, exit, close, ...).
pub(crate) const CONTROL_WORDS: usize = 3;

/// The metadata of a control record with op `code`.
#[inline(always)]
pub(crate) const fn control_meta(code: u64, thread: u32) -> u64 {
    code | (thread as u64) << THREAD_SHIFT | 3 << KIND_SHIFT
}

/// Writes a control record's payload.
///
/// # Safety
///
/// `dst` must be valid for writing [`CONTROL_WORDS`] words, 8-byte aligned.
#[inline(always)]
pub(crate) unsafe fn write_control(dst: *mut u64, id: u64, timestamp: u64) {
    // SAFETY: the caller provides room for the three words.
    unsafe {
        dst.write(id);
        dst.add(1).write(timestamp);
        dst.add(2).write(0);
    }
}

/// Payload words of a span creation with `values` values.
#[inline(always)]
pub(crate) const fn span_new_words(values: usize) -> usize {
    SPAN_NEW_FIXED_WORDS + values * VALUE_WORDS
}

/// The metadata of a span creation with `values` values.
#[inline(always)]
pub(crate) const fn span_new_meta(values: usize, thread: u32) -> u64 {
    values as u64 | (thread as u64) << THREAD_SHIFT | 1 << KIND_SHIFT
}

/// Writes a span creation from a macro's parts into a record payload.
///
/// # Safety
///
/// `dst` must be valid for writing `span_new_words(N)` words, 8-byte aligned. `values` must
/// be initialised; they are moved into the record (bit copies): the caller must not use or
/// drop them afterwards.
#[inline(always)]
pub(crate) unsafe fn write_span_new<const N: usize>(
    dst: *mut u64,
    callsite: &'static Callsite,
    timestamp: u64,
    parent: u64,
    id: u64,
    values: &mut ManuallyDrop<[FieldValue; N]>,
) {
    // SAFETY: the caller provides room for the whole payload; every write stays inside it.
    unsafe {
        dst.cast::<&'static Callsite>().write(callsite);
        dst.add(1).write(timestamp);
        dst.add(2).write(parent);
        dst.add(3).write(id);
        let at = dst.add(SPAN_NEW_FIXED_WORDS).cast::<FieldValue>();
        std::ptr::copy_nonoverlapping(values.as_ptr(), at, N);
    }
}

/// Payload words and metadata of the record for `op`; `None` when it has more values than a
/// record can carry.
pub(crate) fn span_layout(op: &SpanOp, thread: u32) -> Option<(usize, u64)> {
    let control = |code: u64| Some((CONTROL_WORDS, control_meta(code, thread)));
    match &op.kind {
        SpanOpKind::New { values, .. } => {
            let n = values.len();
            if n > MAX_VALUES {
                return None;
            }
            Some((span_new_words(n), span_new_meta(n, thread)))
        }
        SpanOpKind::Record { .. } => Some((
            3 + VALUE_WORDS,
            (thread as u64) << THREAD_SHIFT | 2 << KIND_SHIFT,
        )),
        SpanOpKind::Enter => control(CONTROL_ENTER),
        SpanOpKind::Exit => control(CONTROL_EXIT),
        SpanOpKind::Close => control(CONTROL_CLOSE),
        SpanOpKind::Error => control(CONTROL_ERROR),
        SpanOpKind::FollowsFrom(_) => control(CONTROL_FOLLOWS_FROM),
    }
}

/// Writes a span operation into a record payload, moving its values.
///
/// # Safety
///
/// `dst` must be valid for writing the payload words [`span_layout`] gives for `op`, 8-byte
/// aligned.
pub(crate) unsafe fn write_span(dst: *mut u64, op: SpanOp) {
    let id = op.id.into_u64();
    // SAFETY: the caller provides room for the whole payload, whose size `span_layout`
    // computed from this same `op`; every write stays inside it.
    unsafe {
        dst.add(1).write(op.timestamp);
        match op.kind {
            SpanOpKind::New {
                callsite,
                parent,
                values,
            } => {
                dst.cast::<&'static Callsite>().write(callsite);
                dst.add(2).write(parent.map_or(0, SpanId::into_u64));
                dst.add(3).write(id);
                let at = dst.add(SPAN_NEW_FIXED_WORDS).cast::<FieldValue>();
                values.drain_into(|i, value| at.add(i).write(value));
            }
            SpanOpKind::Record { field, value } => {
                dst.write(id);
                dst.add(2).write(field as u64);
                dst.add(3).cast::<FieldValue>().write(value);
            }
            SpanOpKind::FollowsFrom(from) => {
                dst.write(id);
                dst.add(2).write(from.into_u64());
            }
            SpanOpKind::Enter | SpanOpKind::Exit | SpanOpKind::Close | SpanOpKind::Error => {
                dst.write(id);
                dst.add(2).write(0);
            }
        }
    }
}

/// Reads the span operation out of a record, moving its values.
///
/// # Safety
///
/// `meta` and `payload` must come from one published span record (any kind but
/// [`Kind::Event`]), which must not be read again.
pub(crate) unsafe fn read_span(meta: u64, payload: *mut u64) -> SpanOp {
    let thread = (meta >> THREAD_SHIFT) as u32;
    let count = meta & MAX_VALUES as u64;
    // SAFETY: the record was written by `write_span` with this metadata, so the words hold
    // exactly these types; values are moved out once.
    unsafe {
        let timestamp = payload.add(1).read();
        let (id, kind) = match kind(meta) {
            Kind::SpanNew => {
                let callsite = payload.cast::<&'static Callsite>().read();
                let parent = SpanId::from_u64(payload.add(2).read());
                let id = payload.add(3).read();
                let at = payload.add(SPAN_NEW_FIXED_WORDS).cast::<FieldValue>();
                let values = Values::from_raw(at, count as usize);
                (
                    id,
                    SpanOpKind::New {
                        callsite,
                        parent,
                        values,
                    },
                )
            }
            Kind::SpanRecord => {
                let field = payload.add(2).read() as usize;
                let value = payload.add(3).cast::<FieldValue>().read();
                (payload.read(), SpanOpKind::Record { field, value })
            }
            _ => {
                let arg = payload.add(2).read();
                let kind = match count {
                    CONTROL_ENTER => SpanOpKind::Enter,
                    CONTROL_EXIT => SpanOpKind::Exit,
                    CONTROL_CLOSE => SpanOpKind::Close,
                    CONTROL_ERROR => SpanOpKind::Error,
                    // Written only with a non-zero id.
                    _ => SpanOpKind::FollowsFrom(SpanId::from_u64(arg).unwrap_or(SpanId::MIN)),
                };
                (payload.read(), kind)
            }
        };
        SpanOp {
            id: SpanId::from_u64(id).unwrap_or(SpanId::MIN),
            timestamp,
            thread,
            kind,
        }
    }
}

/// Drops a record's contents ([`crate::ring::DropRecord`] for the logger's rings).
///
/// # Safety
///
/// As for [`read`] and [`read_span`]; `_words` is unused (the metadata says it all).
pub(crate) unsafe fn drop_record(meta: u64, payload: *mut u64, _words: usize) {
    // SAFETY: forwarded from the caller; the kind bits say which reader applies.
    unsafe {
        if kind(meta) == Kind::Event {
            drop(read(meta, payload));
        } else {
            drop(read_span(meta, payload));
        }
    }
}
