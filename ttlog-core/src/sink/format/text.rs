//! Pieces the text formats share: levels, numbers, values, the span scope and the fields.

use crate::callsite::site::Callsite;
use crate::field::value::ValueRef;
use crate::level::Level;
use crate::record::Record;
use crate::sink::escape;

/// Appends the level right-aligned in five columns (` INFO`, `ERROR`).
#[inline]
pub(super) fn write_level_padded(level: Level, out: &mut Vec<u8>) {
    if level.as_str().len() == 4 {
        out.push(b' ');
    }
    out.extend_from_slice(level.as_str().as_bytes());
}

pub(super) use super::number::{write_f64, write_int};

/// Appends a field's value in the text formats (compact, full, logfmt): numbers and booleans
/// with `Display`, text and chars through [`escape::write_value`]. `Empty` writes nothing;
/// callers skip those fields before writing the name.
pub(super) fn write_text_value(value: ValueRef<'_>, out: &mut Vec<u8>) {
    match value {
        ValueRef::Empty => {}
        ValueRef::Bool(v) => out.extend_from_slice(if v { b"true" } else { b"false" }),
        ValueRef::I64(v) => write_int(v, out),
        ValueRef::U64(v) => write_int(v, out),
        ValueRef::I128(v) => write_int(v, out),
        ValueRef::U128(v) => write_int(v, out),
        ValueRef::F64(v) => write_f64(v, out),
        ValueRef::Char(c) => escape::write_value(out, c.encode_utf8(&mut [0; 4])),
        ValueRef::Str(s) => escape::write_value(out, s),
    }
}

/// Appends the event's span scope, root first, as tracing-subscriber does:
/// `request{id=7 user=alice}:db{table=users}` (fields without a value are left out, and so
/// are empty braces). Returns whether anything was written.
pub(super) fn write_text_scope(record: &Record<'_>, out: &mut Vec<u8>) -> bool {
    let mut wrote = false;
    record.scope().for_each_root_first(|span| {
        if wrote {
            out.push(b':');
        }
        wrote = true;
        escape::write_bare(out, span.name);
        let mut first = true;
        for field in span.fields.iter() {
            let value = field.value.as_ref();
            if value == ValueRef::Empty {
                continue;
            }
            out.push(if first { b'{' } else { b' ' });
            first = false;
            escape::write_key(out, field.name);
            out.push(b'=');
            write_text_value(value, out);
        }
        if !first {
            out.push(b'}');
        }
    });
    wrote
}

/// Appends ` name=value` for every non-empty field (the tail of compact, full and logfmt
/// lines), then the event's trace ids if it is inside a trace context (a field of the same
/// name, which the event already has, is not repeated).
///
/// `pre` is the record's callsite's pre-rendered text: its keys stand for the names.
pub(super) fn write_text_fields(record: &Record<'_>, pre: Option<&Prerendered>, out: &mut Vec<u8>) {
    match (pre, record.fields.callsite()) {
        (Some(pre), Some((_, values))) => {
            for (key, value) in pre.keys.iter().zip(values) {
                let value = value.as_ref();
                if value == ValueRef::Empty {
                    continue;
                }
                out.extend_from_slice(key);
                write_text_value(value, out);
            }
        }
        _ => {
            for field in record.fields.iter() {
                let value = field.value.as_ref();
                if value == ValueRef::Empty {
                    continue;
                }
                out.push(b' ');
                escape::write_key(out, field.name);
                out.push(b'=');
                write_text_value(value, out);
            }
        }
    }
    if let Some(trace) = record.trace() {
        trace.for_each(|name, value| {
            if record.field(name).is_none() {
                out.push(b' ');
                out.extend_from_slice(name.as_bytes());
                out.push(b'=');
                escape::write_value(out, value);
            }
        });
    }
}

/// One callsite's text in one format.
pub(crate) struct Prerendered {
    pub(super) callsite: &'static Callsite,
    /// The static part before the fields (each format's module says what it holds).
    pub(super) head: Box<[u8]>,
    /// The static part after the fields (JSON: target, file, line), empty in text formats.
    pub(super) tail: Box<[u8]>,
    /// Whether the callsite's events are narrations (the text formats show them otherwise:
    /// see `crate::narration`), decided once from its field names.
    pub(super) narration: bool,
    /// Per field name, what goes before its value: ` name=` in text formats, `,"name":` in
    /// JSON.
    pub(super) keys: Box<[Box<[u8]>]>,
}

impl Prerendered {
    /// Whether the record shows the callsite's own target, message, file and line, so that
    /// `head` and `tail` are its text.
    #[inline]
    pub(super) fn static_text_of(&self, record: &Record<'_>) -> bool {
        let cs = self.callsite;
        same(record.target, cs.target())
            && same(record.message, cs.message())
            && same(record.file, cs.file())
            && record.line == cs.line()
    }
}

/// Whether `a` and `b` are the same string in memory (so the same bytes).
#[inline]
fn same(a: &str, b: &str) -> bool {
    std::ptr::eq(a.as_ptr(), b.as_ptr()) && a.len() == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels() {
        let mut out = Vec::new();
        for level in Level::ALL {
            write_level_padded(level, &mut out);
        }
        assert_eq!(out, b"ERROR WARN INFODEBUGTRACE");
    }
}
