//! Records off the ring: the [`codec`](super::codec)'s layout built into plain vectors (for
//! events and span operations that changed after they were read, such as a redacted event the
//! journal stores), and a walk over an event record's text values that allocates nothing (to
//! decide whether a record can be stored as it is).
//!
//! The words are exactly those the codec writes into a log for the same event or operation
//! (the tests below check it), so one decoder reads both.

use super::codec::{
    self, Kind, FIXED_WORDS, HAS_MESSAGE, MAX_VALUES, TAG_BOOL, TAG_CHAR, TAG_EMPTY, TAG_F64,
    TAG_I128, TAG_I64, TAG_INLINE, TAG_TEXT, TAG_U128, TAG_U64,
};
use super::pool::Record;
use crate::callsite::site::Callsite;
use crate::event::LogEvent;
use crate::field::value::Plain;
use crate::span::id::SpanId;
use crate::span::op::{SpanOp, SpanOpKind};

/// The word a record stores for `callsite` (its address, as the codec writes it).
pub(crate) fn callsite_id(callsite: &'static Callsite) -> u64 {
    callsite as *const Callsite as usize as u64
}

/// Appends `value` as the codec lays it out.
fn push_plain(out: &mut Vec<u64>, value: Plain<'_>) {
    let (tag, bits): (u64, &[u64]) = match value {
        Plain::Empty => (TAG_EMPTY, &[]),
        Plain::Bool(v) => (TAG_BOOL, &[v as u64]),
        Plain::I64(v) => (TAG_I64, &[v as u64]),
        Plain::U64(v) => (TAG_U64, &[v]),
        Plain::F64(v) => (TAG_F64, &[v.to_bits()]),
        Plain::Char(v) => (TAG_CHAR, &[v as u64]),
        Plain::I128(v) => (TAG_I128, &[v as u64, (v as u128 >> 64) as u64]),
        Plain::U128(v) => (TAG_U128, &[v as u64, (v >> 64) as u64]),
        Plain::Inline(len, words) => {
            out.push(TAG_INLINE | u64::from(len) << 8);
            out.extend_from_slice(&words);
            return;
        }
        Plain::Text(t) => {
            out.push(TAG_TEXT | (t.len() as u64) << 8);
            for chunk in t.chunks(8) {
                let mut word = [0u8; 8];
                word[..chunk.len()].copy_from_slice(chunk);
                out.push(u64::from_le_bytes(word));
            }
            return;
        }
    };
    out.push(tag);
    out.extend_from_slice(bits);
}

/// The record the codec writes for `event`; `None` when it has more values than a record
/// carries.
pub(crate) fn encode_event(event: &LogEvent) -> Option<Record> {
    let values = event.values();
    if values.len() > MAX_VALUES {
        return None;
    }
    let message = event.formatted_message();
    let mut payload = Vec::with_capacity(codec::event_words(message, values));
    payload.extend_from_slice(&[
        callsite_id(event.callsite()),
        event.raw_timestamp(),
        event.span_id(),
    ]);
    if let Some(message) = message {
        push_plain(&mut payload, message.plain());
    }
    for v in values {
        push_plain(&mut payload, v.plain());
    }
    Some(Record {
        meta: codec::meta(values.len(), message.is_some(), event.thread_index()),
        counted: true,
        payload,
    })
}

/// The record the codec writes for `op`; `None` when it has more values than a record
/// carries.
pub(crate) fn encode_span(op: &SpanOp) -> Option<Record> {
    let (words, meta) = codec::span_layout(op, op.thread)?;
    let id = op.id.into_u64();
    let mut payload = Vec::with_capacity(words);
    match &op.kind {
        SpanOpKind::New {
            callsite,
            parent,
            values,
        } => {
            let parent = parent.map_or(0, SpanId::into_u64);
            payload.extend_from_slice(&[callsite_id(callsite), op.timestamp, parent, id]);
            for v in values.iter() {
                push_plain(&mut payload, v.plain());
            }
        }
        SpanOpKind::Record { field, value } => {
            payload.extend_from_slice(&[id, op.timestamp, *field as u64]);
            push_plain(&mut payload, value.plain());
        }
        SpanOpKind::FollowsFrom(from) => {
            payload.extend_from_slice(&[id, op.timestamp, from.into_u64()]);
        }
        SpanOpKind::Enter | SpanOpKind::Exit | SpanOpKind::Close | SpanOpKind::Error => {
            payload.extend_from_slice(&[id, op.timestamp, 0]);
        }
    }
    debug_assert_eq!(payload.len(), words);
    Some(Record {
        meta,
        counted: false,
        payload,
    })
}

/// Calls `value` with every value of an event record (its formatted message first): the
/// position of its head word in the payload, the head word, and for a text value its words
/// (head and bytes; see [`text_of`]), until `value` returns `false`. Returns whether every call
/// returned `true`; `None` when the record is not an event or does not decode.
pub(crate) fn event_values(
    record: &Record,
    mut value: impl FnMut(usize, u64, Option<&[u64]>) -> bool,
) -> Option<bool> {
    if codec::kind(record.meta) != Kind::Event {
        return None;
    }
    let words = &record.payload[..];
    let count = codec::value_count(record) + usize::from(record.meta & HAS_MESSAGE != 0);
    let mut at = FIXED_WORDS;
    for _ in 0..count {
        let head = *words.get(at)?;
        let (n, text) = match head & 0xff {
            TAG_EMPTY => (0, false),
            TAG_BOOL | TAG_I64 | TAG_U64 | TAG_F64 | TAG_CHAR => (1, false),
            TAG_I128 | TAG_U128 => (2, false),
            TAG_TEXT | TAG_INLINE => {
                let len = usize::try_from(head >> 8).ok()?;
                if head & 0xff == TAG_INLINE {
                    if len > 24 {
                        return None;
                    }
                    (3, true)
                } else {
                    (len.div_ceil(8), true)
                }
            }
            _ => return None,
        };
        let end = at.checked_add(1 + n)?;
        let body = words.get(at..end)?;
        if !value(at, head, text.then_some(body)) {
            return Some(false);
        }
        at = end;
    }
    Some(true)
}

/// The text of a text value's words (as [`event_values`] gives them), copied into `scratch`;
/// `None` when it is not UTF-8 or the words are short.
pub(crate) fn text_of<'a>(words: &[u64], scratch: &'a mut Vec<u8>) -> Option<&'a str> {
    let (&head, body) = words.split_first()?;
    let len = usize::try_from(head >> 8).ok()?;
    scratch.clear();
    for w in body {
        scratch.extend_from_slice(&w.to_le_bytes());
    }
    if len > scratch.len() {
        return None;
    }
    scratch.truncate(len);
    std::str::from_utf8(scratch).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Values;
    use crate::field::value::FieldValue;
    use crate::level::Level;
    use crate::ring::log::LogSet;
    use crate::ring::pool::Pool;

    static CS: Callsite = Callsite::new(
        Level::Info,
        "t",
        "t",
        "f.rs",
        1,
        "m",
        &["a", "b", "c", "d", "e", "f", "g"],
    );

    fn event() -> LogEvent {
        let values: Values = [
            FieldValue::from(-3i64),
            FieldValue::from(u128::MAX),
            FieldValue::from("tiny"),
            FieldValue::from("a text longer than the inline twenty-two bytes"),
            FieldValue::from('x'),
            FieldValue::EMPTY,
            FieldValue::from(f64::NAN),
        ]
        .into_iter()
        .collect();
        let mut e = LogEvent::from_parts(&CS, 42, 7, Some("formatted 1".into()), values);
        e.set_span_id(9);
        e
    }

    #[test]
    fn encoded_events_are_the_words_the_codec_writes() {
        let event = event();
        let set = LogSet::new(Pool::new(4, 256));
        let (mut writer, mut cursor) = set.log(100, true);
        let words = codec::event_words(event.formatted_message(), event.values());
        let mut slot = writer.reserve(words).unwrap();
        // SAFETY: the slot has `event_words` payload words for this event.
        #[allow(unsafe_code)]
        unsafe {
            codec::write_log_event(&mut slot, &event)
        };
        let meta = codec::meta(event.values().len(), true, event.thread_index());
        slot.commit(meta, true);
        let written = cursor.peek().unwrap().clone();
        assert_eq!(encode_event(&event).unwrap(), written);
        let back = codec::read_event_with(&written, |_| Some(&CS)).unwrap();
        assert_eq!(
            format!("{:?}", back.values()),
            format!("{:?}", event.values())
        );
        // Its texts: the message, then the two text values.
        let mut texts = Vec::new();
        let mut scratch = Vec::new();
        let all = event_values(&written, |_, _, text| {
            if let Some(words) = text {
                texts.push(text_of(words, &mut scratch).unwrap().to_owned());
            }
            true
        });
        assert_eq!(all, Some(true));
        assert_eq!(
            texts,
            [
                "formatted 1",
                "tiny",
                "a text longer than the inline twenty-two bytes"
            ]
        );
    }

    #[test]
    fn encoded_span_ops_decode() {
        let mut values = Values::new();
        values.push(FieldValue::from(5u64));
        let ops = [
            SpanOpKind::New {
                callsite: &CS,
                parent: SpanId::from_u64(3),
                values,
            },
            SpanOpKind::Record {
                field: 2,
                value: "later".into(),
            },
            SpanOpKind::Enter,
            SpanOpKind::FollowsFrom(SpanId::from_u64(8).unwrap()),
            SpanOpKind::Close,
        ];
        for kind in ops {
            let op = SpanOp {
                id: SpanId::from_u64(4).unwrap(),
                timestamp: 11,
                thread: 2,
                kind,
            };
            let record = encode_span(&op).unwrap();
            let back = codec::read_span_with(&record, |_| Some(&CS)).unwrap();
            assert_eq!(format!("{back:?}"), format!("{op:?}"));
        }
    }
}
