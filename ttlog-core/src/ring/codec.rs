//! How an event or a span operation is laid out in a log record (see [`log`](super::log)):
//! plain 64-bit words, no pointers the reader follows but the callsite's (which a snapshot of
//! this process resolves, and a recovery maps through the callsites the file lists).
//!
//! The caller writes the event straight into its segment: a few fixed words, then the
//! message (only if it was formatted) and the values, each as its type tag and bits, text as
//! its bytes. Nothing is allocated on the caller's side, and a record means the same to any
//! reader, in this process or, from a recorder file, after it died.
//!
//! ```text
//! meta (47 bits):   count (12) | has message (1) | thread index (32) | kind (2)
//! event:            [callsite] [timestamp] [span id] [message]? [value]*
//! kind 1, span new: [callsite] [timestamp] [parent] [id] [value]*      count = values
//! kind 2, record:   [id] [timestamp] [field index] [value]
//! kind 3, control:  [id] [timestamp] [argument]                         count = op code
//! value:            [tag | length << 8] [bits: 0, 1 or 2 words, or the text's bytes; short
//!                   text kept inside its value: always 3 words]
//! ```
//!
//! Every kind keeps its timestamp in word 1, which is all the collector's merge looks at.
//! Only events are counted towards the recorder's window.

use std::mem::ManuallyDrop;

use super::log::Slot;
use super::pool::Record;
use super::text::InlineStr;
use super::values::Values;
use crate::callsite::site::Callsite;
use crate::event::LogEvent;
use crate::field::value::{FieldValue, Plain};
use crate::span::id::SpanId;
use crate::span::op::{SpanControl, SpanOp, SpanOpKind};

/// Words before the message and values: callsite, timestamp, span.
pub(crate) const FIXED_WORDS: usize = 3;
const SPAN_NEW_FIXED_WORDS: usize = 4;

/// The most values one record can carry (the width of the count in the metadata).
pub(crate) const MAX_VALUES: usize = (1 << 12) - 1;

pub(crate) const HAS_MESSAGE: u64 = 1 << 12;
pub(crate) const THREAD_SHIFT: u32 = 13;
const KIND_SHIFT: u32 = 45;

pub(crate) const TAG_EMPTY: u64 = 0;
pub(crate) const TAG_BOOL: u64 = 1;
pub(crate) const TAG_I64: u64 = 2;
pub(crate) const TAG_U64: u64 = 3;
pub(crate) const TAG_F64: u64 = 4;
pub(crate) const TAG_CHAR: u64 = 5;
pub(crate) const TAG_I128: u64 = 6;
pub(crate) const TAG_U128: u64 = 7;
pub(crate) const TAG_TEXT: u64 = 8;
/// Short text: its length (at most 22) and always three words of bytes.
pub(crate) const TAG_INLINE: u64 = 9;

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

const CONTROL_ENTER: u64 = 0;
const CONTROL_EXIT: u64 = 1;
const CONTROL_CLOSE: u64 = 2;
const CONTROL_ERROR: u64 = 3;
const CONTROL_FOLLOWS_FROM: u64 = 4;

/// The op code of a control record for `control`.
#[inline(always)]
pub(crate) const fn control_code(control: SpanControl) -> u64 {
    match control {
        SpanControl::Enter => CONTROL_ENTER,
        SpanControl::Exit => CONTROL_EXIT,
        SpanControl::Close => CONTROL_CLOSE,
    }
}

/// Words a value takes.
#[inline(always)]
pub(crate) fn value_words(value: &FieldValue) -> usize {
    plain_words(value.plain())
}

/// Words a value takes, seen as [`Plain`].
#[inline(always)]
pub(crate) fn plain_words(value: Plain<'_>) -> usize {
    match value {
        Plain::Empty => 1,
        Plain::Bool(_) | Plain::I64(_) | Plain::U64(_) | Plain::F64(_) | Plain::Char(_) => 2,
        Plain::I128(_) | Plain::U128(_) => 3,
        Plain::Text(t) => 1 + t.len().div_ceil(8),
        Plain::Inline(..) => 4,
    }
}

/// Writes `value` at word `at` of `slot`; returns the word after it.
///
/// # Safety
///
/// `slot` must have at least `at + value_words(value)` payload words.
#[allow(unsafe_code)]
#[inline(always)]
unsafe fn put_value(slot: &mut Slot<'_>, at: usize, value: &FieldValue) -> usize {
    // SAFETY: forwarded from the caller.
    unsafe { put_plain(slot, at, value.plain()) }
}

/// Writes `value` at word `at` of `slot`; returns the word after it.
///
/// # Safety
///
/// `slot` must have at least `at + plain_words(value)` payload words.
#[allow(unsafe_code)]
#[inline(always)]
unsafe fn put_plain(slot: &mut Slot<'_>, at: usize, value: Plain<'_>) -> usize {
    // SAFETY: every `put_unchecked` below writes one of the words `at..at + plain_words`, in
    // range by the caller's promise.
    unsafe {
        match value {
            Plain::Empty => {
                slot.put_unchecked(at, TAG_EMPTY);
                at + 1
            }
            Plain::Bool(v) => put_bits(slot, at, TAG_BOOL, v as u64),
            Plain::I64(v) => put_bits(slot, at, TAG_I64, v as u64),
            Plain::U64(v) => put_bits(slot, at, TAG_U64, v),
            Plain::F64(v) => put_bits(slot, at, TAG_F64, v.to_bits()),
            Plain::Char(v) => put_bits(slot, at, TAG_CHAR, v as u64),
            Plain::I128(v) => put_wide(slot, at, TAG_I128, v as u128),
            Plain::U128(v) => put_wide(slot, at, TAG_U128, v),
            Plain::Inline(len, words) => {
                slot.put_unchecked(at, TAG_INLINE | u64::from(len) << 8);
                slot.put_unchecked(at + 1, words[0]);
                slot.put_unchecked(at + 2, words[1]);
                slot.put_unchecked(at + 3, words[2]);
                at + 4
            }
            Plain::Text(t) => {
                slot.put_unchecked(at, TAG_TEXT | (t.len() as u64) << 8);
                let mut at = at + 1;
                let mut chunks = t.chunks_exact(8);
                for chunk in &mut chunks {
                    let word: [u8; 8] = chunk.try_into().unwrap_or_default();
                    slot.put_unchecked(at, u64::from_le_bytes(word));
                    at += 1;
                }
                let rest = chunks.remainder().len();
                if rest > 0 {
                    slot.put_unchecked(at, last_word(t, rest));
                    at += 1;
                }
                at
            }
        }
    }
}

/// The last `rest` (1 to 7) bytes of `t` as a little-endian word, zero above them, read with
/// a few overlapping loads instead of a byte loop.
#[inline(always)]
fn last_word(t: &[u8], rest: usize) -> u64 {
    let len = t.len();
    if len >= 8 {
        let mut word = [0u8; 8];
        word.copy_from_slice(&t[len - 8..]);
        return u64::from_le_bytes(word) >> (8 * (8 - rest));
    }
    // The whole text is `rest` bytes.
    let load = |at: usize, n: usize| -> u64 {
        let mut word = [0u8; 8];
        word[..n].copy_from_slice(&t[at..at + n]);
        u64::from_le_bytes(word)
    };
    match rest {
        4..=7 => load(0, 4) | load(rest - 4, 4) << (8 * (rest - 4)),
        2 | 3 => load(0, 2) | load(rest - 2, 2) << (8 * (rest - 2)),
        _ => u64::from(t[0]),
    }
}

/// # Safety
///
/// `slot` must have at least `at + 2` payload words.
#[allow(unsafe_code)]
#[inline(always)]
unsafe fn put_bits(slot: &mut Slot<'_>, at: usize, tag: u64, bits: u64) -> usize {
    // SAFETY: words `at` and `at + 1`, in range by the caller's promise.
    unsafe {
        slot.put_unchecked(at, tag);
        slot.put_unchecked(at + 1, bits);
    }
    at + 2
}

/// # Safety
///
/// `slot` must have at least `at + 3` payload words.
#[allow(unsafe_code)]
#[inline(always)]
unsafe fn put_wide(slot: &mut Slot<'_>, at: usize, tag: u64, bits: u128) -> usize {
    // SAFETY: words `at` to `at + 2`, in range by the caller's promise.
    unsafe {
        slot.put_unchecked(at, tag);
        slot.put_unchecked(at + 1, bits as u64);
        slot.put_unchecked(at + 2, (bits >> 64) as u64);
    }
    at + 3
}

/// Reads the value at word `at` of `words`; `None` when the words are not a value.
pub(crate) fn read_value(words: &[u64], at: &mut usize) -> Option<FieldValue> {
    let head = *words.get(*at)?;
    *at += 1;
    let word = |i: &mut usize| {
        let w = words.get(*i).copied();
        *i += 1;
        w
    };
    Some(match head & 0xff {
        TAG_EMPTY => FieldValue::EMPTY,
        TAG_BOOL => FieldValue::from(word(at)? != 0),
        TAG_I64 => FieldValue::from(word(at)? as i64),
        TAG_U64 => FieldValue::from(word(at)?),
        TAG_F64 => FieldValue::from(f64::from_bits(word(at)?)),
        TAG_CHAR => FieldValue::from(char::from_u32(u32::try_from(word(at)?).ok()?)?),
        TAG_I128 | TAG_U128 => {
            let lo = word(at)? as u128;
            let hi = word(at)? as u128;
            let bits = hi << 64 | lo;
            if head & 0xff == TAG_I128 {
                FieldValue::from(bits as i128)
            } else {
                FieldValue::from(bits)
            }
        }
        TAG_TEXT | TAG_INLINE => {
            let len = usize::try_from(head >> 8).ok()?;
            let n = if head & 0xff == TAG_INLINE {
                if len > 24 {
                    return None;
                }
                3
            } else {
                len.div_ceil(8)
            };
            let src = words.get(*at..at.checked_add(n)?)?;
            *at += n;
            if let Some(text) = InlineStr::from_words(len, src) {
                // Short text (most values): no allocation, checked once.
                return Some(FieldValue::from_inline(text));
            }
            let mut bytes = Vec::with_capacity(len);
            for w in src {
                let take = (len - bytes.len()).min(8);
                bytes.extend_from_slice(&w.to_le_bytes()[..take]);
            }
            match String::from_utf8(bytes) {
                Ok(s) => FieldValue::from(s),
                Err(e) => FieldValue::from(String::from_utf8_lossy(e.as_bytes()).into_owned()),
            }
        }
        _ => return None,
    })
}

/// Payload words of an event.
#[inline(always)]
pub(crate) fn event_words(message: Option<&FieldValue>, values: &[FieldValue]) -> usize {
    let mut n = FIXED_WORDS + message.map_or(0, value_words);
    for v in values {
        n += value_words(v);
    }
    n
}

/// The record metadata for an event.
#[inline(always)]
pub(crate) const fn meta(values: usize, has_message: bool, thread: u32) -> u64 {
    debug_assert!(values <= MAX_VALUES);
    values as u64 | if has_message { HAS_MESSAGE } else { 0 } | (thread as u64) << THREAD_SHIFT
}

/// The address a record stores for `callsite`: its provenance is exposed, so that a reader
/// in this process can turn the address back into the reference.
#[inline(always)]
fn callsite_word(callsite: &'static Callsite) -> u64 {
    (callsite as *const Callsite).expose_provenance() as u64
}

/// The values of a macro's event as the codec writes them, taken before anything is
/// written: each value's type is then known where it is written (the macro built it just
/// before), so the match on it folds away. Read after the record's atomic stores instead, the
/// types had to be loaded again and dispatched on (iai_caller: 187 instructions per reference
/// event that way, against 100 for the whole event now).
pub(crate) struct Plains<'a, const N: usize> {
    pub(crate) message: Option<Plain<'a>>,
    pub(crate) values: [Plain<'a>; N],
    /// Which values own memory (dropped once the record is written).
    pub(crate) owned: [bool; N],
}

impl<'a, const N: usize> Plains<'a, N> {
    #[inline(always)]
    pub(crate) fn new(message: Option<&'a FieldValue>, values: &'a [FieldValue; N]) -> Self {
        Plains {
            message: message.map(FieldValue::plain),
            values: std::array::from_fn(
                #[inline(always)]
                |k| values[k].plain(),
            ),
            owned: std::array::from_fn(
                #[inline(always)]
                |k| values[k].owns_heap(),
            ),
        }
    }

    /// Payload words of the event.
    #[inline(always)]
    pub(crate) fn event_words(&self) -> usize {
        FIXED_WORDS + self.message.map_or(0, plain_words) + self.values_words()
    }

    /// Payload words of a span creation with these values.
    #[inline(always)]
    pub(crate) fn span_new_words(&self) -> usize {
        SPAN_NEW_FIXED_WORDS + self.values_words()
    }

    #[inline(always)]
    fn values_words(&self) -> usize {
        let mut n = 0;
        unrolled!(N, |k| n += plain_words(self.values[k]));
        n
    }

    /// Writes the values from word `at` on.
    ///
    /// # Safety
    ///
    /// `slot` must have room for them.
    #[allow(unsafe_code)]
    #[inline(always)]
    unsafe fn put(&self, slot: &mut Slot<'_>, mut at: usize) {
        // SAFETY: in range by the caller's promise.
        unrolled!(N, |k| at = unsafe { put_plain(slot, at, self.values[k]) });
    }
}

/// Runs `$body` for `$k` in `0..$n`, unrolled for the first sixteen (`k < N` is a
/// constant), then as a loop.
macro_rules! unrolled {
    ($n:expr, |$k:ident| $body:expr) => {{
        unrolled!(@ $n, |$k| $body, 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15);
        for $k in 16..$n {
            $body;
        }
    }};
    (@ $n:expr, |$k:ident| $body:expr, $($i:literal)*) => {$(
        if $i < $n {
            let $k = $i;
            $body;
        }
    )*};
}
use unrolled;

/// Writes an event from a macro's parts into `slot`.
///
/// # Safety
///
/// `slot` must have `plains.event_words()` payload words.
#[allow(unsafe_code)]
#[inline(always)]
pub(crate) unsafe fn write_event<const N: usize>(
    slot: &mut Slot<'_>,
    callsite: &'static Callsite,
    timestamp: u64,
    span: u64,
    plains: &Plains<'_, N>,
) {
    // SAFETY: the caller sized the slot for exactly these words.
    unsafe {
        let at = write_event_head(slot, callsite, timestamp, span, plains.message);
        plains.put(slot, at);
    }
}

/// Drops the values `owned` marks (the others own nothing: dropping them does nothing).
///
/// # Safety
///
/// `values` must be initialised, and are not used afterwards.
#[allow(unsafe_code)]
#[inline(always)]
pub(crate) unsafe fn drop_values<const N: usize>(
    values: &mut ManuallyDrop<[FieldValue; N]>,
    owned: [bool; N],
) {
    unrolled!(N, |k| if owned[k] {
        // SAFETY: initialised (the caller's promise), dropped once.
        unsafe { std::ptr::drop_in_place(&mut values[k]) }
    });
}

/// Writes the fixed words and the message; returns the word after them.
///
/// # Safety
///
/// `slot` must have room for them.
#[allow(unsafe_code)]
#[inline(always)]
unsafe fn write_event_head(
    slot: &mut Slot<'_>,
    callsite: &'static Callsite,
    timestamp: u64,
    span: u64,
    message: Option<Plain<'_>>,
) -> usize {
    // SAFETY: words 0 to 2, then the message's, in range by the caller's promise.
    unsafe {
        slot.put_unchecked(0, callsite_word(callsite));
        slot.put_unchecked(1, timestamp);
        slot.put_unchecked(2, span);
        match message {
            Some(message) => put_plain(slot, FIXED_WORDS, message),
            None => FIXED_WORDS,
        }
    }
}

/// Writes a whole [`LogEvent`] (the path for events built outside the macros) into `slot`.
///
/// # Safety
///
/// `slot` must have `event_words` payload words for the event.
#[allow(unsafe_code)]
pub(crate) unsafe fn write_log_event(slot: &mut Slot<'_>, event: &LogEvent) {
    // SAFETY: the caller sized the slot for exactly these words.
    unsafe {
        let mut at = write_event_head(
            slot,
            event.callsite(),
            event.raw_timestamp(),
            event.span_id(),
            event.formatted_message().map(FieldValue::plain),
        );
        for v in event.values() {
            at = put_value(slot, at, v);
        }
    }
}

/// Turns a callsite address from a record back into the callsite.
///
/// # Safety
///
/// `word` must have been written by [`callsite_word`] in this process.
#[allow(unsafe_code)]
#[inline]
pub(super) unsafe fn callsite_of(word: u64) -> &'static Callsite {
    let ptr = std::ptr::with_exposed_provenance::<Callsite>(word as usize);
    // SAFETY: the address of a `&'static Callsite` whose provenance `callsite_word` exposed
    // (the caller's promise): it is valid, aligned and immutable for the rest of the process.
    unsafe { &*ptr }
}

/// The timestamp of a record.
#[inline(always)]
pub(crate) fn timestamp(record: &Record) -> u64 {
    record.payload.get(1).copied().unwrap_or(0)
}

/// The span a record needs the collector to know already: an event's span, or the span an
/// operation other than creation applies to; `0` for none (and for creations).
#[inline(always)]
pub(crate) fn span_named(record: &Record) -> u64 {
    let at = match kind(record.meta) {
        Kind::Event => 2,
        Kind::SpanNew => return 0,
        Kind::SpanRecord | Kind::SpanControl => 0,
    };
    record.payload.get(at).copied().unwrap_or(0)
}

/// Decodes an event record written by this process's logger; `None` when it is not one.
///
/// # Safety
///
/// `record` must have been written by this module, in this process (its callsite word is
/// dereferenced).
#[allow(unsafe_code)]
pub(crate) unsafe fn read_event(record: &Record) -> Option<LogEvent> {
    // SAFETY: forwarded from the caller.
    read_event_with(record, |word| Some(unsafe { callsite_of(word) }))
}

/// Decodes an event record, turning its callsite word into a callsite with `resolve`;
/// `None` when it is not an event record, does not decode, or `resolve` does not know the
/// callsite. Safe on any words (a recorder file read back).
pub(crate) fn read_event_with(
    record: &Record,
    resolve: impl FnOnce(u64) -> Option<&'static Callsite>,
) -> Option<LogEvent> {
    let meta = record.meta;
    if kind(meta) != Kind::Event {
        return None;
    }
    let words = &record.payload[..];
    let n = (meta & MAX_VALUES as u64) as usize;
    let has_message = meta & HAS_MESSAGE != 0;
    let thread = (meta >> THREAD_SHIFT) as u32;
    let (&cs, &timestamp, &span) = match words {
        [cs, t, s, ..] => (cs, t, s),
        _ => return None,
    };
    let mut at = FIXED_WORDS;
    let message = if has_message {
        Some(read_value(words, &mut at)?)
    } else {
        None
    };
    let mut values = Values::new();
    for _ in 0..n {
        values.push(read_value(words, &mut at)?);
    }
    let callsite = resolve(cs)?;
    let mut event = LogEvent::from_parts(callsite, timestamp, thread, message, values);
    event.set_span_id(span);
    Some(event)
}

/// The number of values an event or span-creation record says it carries.
pub(crate) fn value_count(record: &Record) -> usize {
    (record.meta & MAX_VALUES as u64) as usize
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
/// `slot` must have [`CONTROL_WORDS`] payload words.
#[allow(unsafe_code)]
#[inline(always)]
pub(crate) unsafe fn write_control(slot: &mut Slot<'_>, id: u64, timestamp: u64, arg: u64) {
    // SAFETY: words 0 to 2, in range by the caller's promise.
    unsafe {
        slot.put_unchecked(0, id);
        slot.put_unchecked(1, timestamp);
        slot.put_unchecked(2, arg);
    }
}

/// Payload words of a span creation.
#[inline(always)]
pub(crate) fn span_new_words(values: &[FieldValue]) -> usize {
    let mut n = SPAN_NEW_FIXED_WORDS;
    for v in values {
        n += value_words(v);
    }
    n
}

/// The metadata of a span creation with `values` values.
#[inline(always)]
pub(crate) const fn span_new_meta(values: usize, thread: u32) -> u64 {
    values as u64 | (thread as u64) << THREAD_SHIFT | 1 << KIND_SHIFT
}

/// Writes a span creation from a macro's parts into `slot`.
///
/// # Safety
///
/// `slot` must have `plains.span_new_words()` payload words.
#[allow(unsafe_code)]
#[inline(always)]
pub(crate) unsafe fn write_span_new<const N: usize>(
    slot: &mut Slot<'_>,
    callsite: &'static Callsite,
    timestamp: u64,
    parent: u64,
    id: u64,
    plains: &Plains<'_, N>,
) {
    // SAFETY: in range by the caller's promise.
    unsafe {
        write_span_head(slot, callsite, timestamp, parent, id);
        plains.put(slot, SPAN_NEW_FIXED_WORDS);
    }
}

/// # Safety
///
/// `slot` must have at least [`SPAN_NEW_FIXED_WORDS`] payload words.
#[allow(unsafe_code)]
#[inline(always)]
unsafe fn write_span_head(
    slot: &mut Slot<'_>,
    callsite: &'static Callsite,
    timestamp: u64,
    parent: u64,
    id: u64,
) {
    // SAFETY: words 0 to 3, in range by the caller's promise.
    unsafe {
        slot.put_unchecked(0, callsite_word(callsite));
        slot.put_unchecked(1, timestamp);
        slot.put_unchecked(2, parent);
        slot.put_unchecked(3, id);
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
            Some((span_new_words(values), span_new_meta(n, thread)))
        }
        SpanOpKind::Record { value, .. } => Some((
            3 + value_words(value),
            (thread as u64) << THREAD_SHIFT | 2 << KIND_SHIFT,
        )),
        SpanOpKind::Enter => control(CONTROL_ENTER),
        SpanOpKind::Exit => control(CONTROL_EXIT),
        SpanOpKind::Close => control(CONTROL_CLOSE),
        SpanOpKind::Error => control(CONTROL_ERROR),
        SpanOpKind::FollowsFrom(_) => control(CONTROL_FOLLOWS_FROM),
    }
}

/// Writes a span operation into `slot`.
///
/// # Safety
///
/// `slot` must have the payload words [`span_layout`] gives for `op`.
#[allow(unsafe_code)]
pub(crate) unsafe fn write_span(slot: &mut Slot<'_>, op: &SpanOp) {
    let id = op.id.into_u64();
    // SAFETY: the words `span_layout` counted for this `op`, in range by the caller's promise.
    unsafe {
        match &op.kind {
            SpanOpKind::New {
                callsite,
                parent,
                values,
            } => {
                let parent = parent.map_or(0, SpanId::into_u64);
                write_span_head(slot, callsite, op.timestamp, parent, id);
                let mut at = SPAN_NEW_FIXED_WORDS;
                for v in values.iter() {
                    at = put_value(slot, at, v);
                }
            }
            SpanOpKind::Record { field, value } => {
                slot.put_unchecked(0, id);
                slot.put_unchecked(1, op.timestamp);
                slot.put_unchecked(2, *field as u64);
                put_value(slot, 3, value);
            }
            SpanOpKind::FollowsFrom(from) => write_control(slot, id, op.timestamp, from.into_u64()),
            SpanOpKind::Enter | SpanOpKind::Exit | SpanOpKind::Close | SpanOpKind::Error => {
                write_control(slot, id, op.timestamp, 0)
            }
        }
    }
}

/// Decodes a span record written by this process's logger; `None` when it is not one.
///
/// # Safety
///
/// As for [`read_event`].
#[allow(unsafe_code)]
pub(crate) unsafe fn read_span(record: &Record) -> Option<SpanOp> {
    // SAFETY: forwarded from the caller.
    read_span_with(record, |word| Some(unsafe { callsite_of(word) }))
}

/// Decodes a span record as [`read_event_with`] does events.
pub(crate) fn read_span_with(
    record: &Record,
    resolve: impl FnOnce(u64) -> Option<&'static Callsite>,
) -> Option<SpanOp> {
    let meta = record.meta;
    let words = &record.payload[..];
    let thread = (meta >> THREAD_SHIFT) as u32;
    let count = meta & MAX_VALUES as u64;
    let (&w0, &timestamp) = match words {
        [w0, t, ..] => (w0, t),
        _ => return None,
    };
    let w2 = *words.get(2)?;
    let (id, kind) = match kind(meta) {
        Kind::Event => return None,
        Kind::SpanNew => {
            let id = *words.get(3)?;
            let mut at = SPAN_NEW_FIXED_WORDS;
            let mut values = Values::new();
            for _ in 0..count {
                values.push(read_value(words, &mut at)?);
            }
            let callsite = resolve(w0)?;
            (
                id,
                SpanOpKind::New {
                    callsite,
                    parent: SpanId::from_u64(w2),
                    values,
                },
            )
        }
        Kind::SpanRecord => {
            let mut at = 3;
            let value = read_value(words, &mut at)?;
            (
                w0,
                SpanOpKind::Record {
                    field: usize::try_from(w2).ok()?,
                    value,
                },
            )
        }
        Kind::SpanControl => {
            let kind = match count {
                CONTROL_ENTER => SpanOpKind::Enter,
                CONTROL_EXIT => SpanOpKind::Exit,
                CONTROL_CLOSE => SpanOpKind::Close,
                CONTROL_ERROR => SpanOpKind::Error,
                CONTROL_FOLLOWS_FROM => SpanOpKind::FollowsFrom(SpanId::from_u64(w2)?),
                _ => return None,
            };
            (w0, kind)
        }
    };
    Some(SpanOp {
        id: SpanId::from_u64(id)?,
        timestamp,
        thread,
        kind,
    })
}
