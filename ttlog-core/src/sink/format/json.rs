//! JSON: one object per line, with the keys tracing-subscriber's JSON formatter uses, so
//! pipelines built for it (Elastic, Datadog, Vector, jq scripts) read ttlog's output as is.
//!
//! ```text
//! {"timestamp":"2026-11-23T10:00:00.123456Z","level":"INFO","fields":{"message":"user logged in",
//!  "user_id":42},"target":"orders::api","filename":"src/main.rs","line_number":12,
//!  "threadName":"main","threadId":"ThreadId(1)"}
//! ```
//! (one line in the output; wrapped here.)
//!
//! - `filename` is left out when the file is unknown (empty), `line_number` when the line is
//!   (`0`).
//! - Integers of every width are JSON numbers with all their digits; parsers that read numbers
//!   as `f64` may round those beyond 2^53, as with any JSON.
//! - Finite floats use Rust's shortest round-trip `Debug` form (`1.0`, `0.1`, `1e300`,
//!   `-2.5e-8`), which is always a valid JSON number and keeps integral floats recognisable as
//!   floats. JSON has no NaN or infinities, so those are the strings `"NaN"`, `"inf"` and
//!   `"-inf"`.
//! - Booleans are JSON booleans, fields without a value are `null`, chars and text are strings.
//! - An event inside an entered trace context has `"trace_id"`, `"span_id"` and
//!   `"correlation_id"` (strings) after `line_number`.
//! - An event inside spans has `"span"` (its own span) and `"spans"` (root first), each an
//!   object of the span's recorded fields and its `"name"`, after `line_number` (and the trace
//!   ids). A span field called `name` is left out, as the span's name takes that key. The span
//!   of a trace context is left out of both.
//! - The message is always `fields.message`, written first. A user field that is itself called
//!   `message` would produce a duplicate key, which most parsers resolve by keeping one of the
//!   two, so it is written under the key `"fields.message"` instead.

use super::number::{write_f64_debug, write_int};
use super::text::Prerendered;
use super::time;
use crate::field::ValueRef;
use crate::record::{Record, SpanView};
use crate::sink::escape::write_json_str;

/// The key a user field called `message` is written under.
const RENAMED_MESSAGE: &str = "fields.message";

/// Appends the line, without its `'\n'`.
pub(super) fn format(record: &Record<'_>, pre: Option<&Prerendered>, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"timestamp\":\"");
    time::write_rfc3339(record.timestamp, out);
    out.extend_from_slice(b"\",\"level\":\"");
    out.extend_from_slice(record.level.as_str().as_bytes());
    let static_text = pre.filter(|pre| pre.static_text_of(record));
    match static_text {
        Some(pre) => out.extend_from_slice(&pre.head),
        None => head(record.message, out),
    }
    match (pre, record.fields.callsite()) {
        (Some(pre), Some((_, values))) => {
            for (key, value) in pre.keys.iter().zip(values) {
                out.extend_from_slice(key);
                write_json_value(value.as_ref(), out);
            }
        }
        _ => {
            for field in record.fields.iter() {
                out.push(b',');
                write_json_str(out, field_key(field.name));
                out.push(b':');
                write_json_value(field.value.as_ref(), out);
            }
        }
    }
    match static_text {
        Some(pre) => out.extend_from_slice(&pre.tail),
        None => tail(record.target, record.file, record.line, out),
    }
    if let Some(trace) = record.trace() {
        trace.for_each(|name, value| {
            out.push(b',');
            write_json_str(out, name);
            out.push(b':');
            write_json_str(out, value);
        });
    }
    if let Some(leaf) = record.scope().leaf() {
        out.extend_from_slice(b",\"span\":");
        write_json_span(&leaf, out);
        out.extend_from_slice(b",\"spans\":[");
        let mut first = true;
        record.scope().for_each_root_first(|span| {
            if !first {
                out.push(b',');
            }
            first = false;
            write_json_span(&span, out);
        });
        out.push(b']');
    }
    out.extend_from_slice(b",\"threadName\":");
    write_json_str(out, record.thread_name);
    out.extend_from_slice(b",\"threadId\":\"ThreadId(");
    write_int(record.thread_id, out);
    out.extend_from_slice(b")\"}");
}

/// The key a field called `name` is written under (`message` is the event's own).
pub(super) fn field_key(name: &str) -> &str {
    if name == "message" {
        RENAMED_MESSAGE
    } else {
        name
    }
}

/// Appends what comes between the level and the fields: the message's key and value.
pub(super) fn head(message: &str, out: &mut Vec<u8>) {
    out.extend_from_slice(b"\",\"fields\":{\"message\":");
    write_json_str(out, message);
}

/// Appends what follows the fields: the target, the file and the line.
pub(super) fn tail(target: &str, file: &str, line: u32, out: &mut Vec<u8>) {
    out.extend_from_slice(b"},\"target\":");
    write_json_str(out, target);
    if !file.is_empty() {
        out.extend_from_slice(b",\"filename\":");
        write_json_str(out, file);
    }
    if line != 0 {
        out.extend_from_slice(b",\"line_number\":");
        write_int(line, out);
    }
}

/// Appends a span as tracing-subscriber does: its recorded fields, then `"name"`.
fn write_json_span(span: &SpanView<'_>, out: &mut Vec<u8>) {
    out.push(b'{');
    for field in span.fields.iter() {
        let value = field.value.as_ref();
        if value == ValueRef::Empty || field.name == "name" {
            continue;
        }
        write_json_str(out, field.name);
        out.push(b':');
        write_json_value(value, out);
        out.push(b',');
    }
    out.extend_from_slice(b"\"name\":");
    write_json_str(out, span.name);
    out.push(b'}');
}

/// Appends one value as JSON.
fn write_json_value(value: ValueRef<'_>, out: &mut Vec<u8>) {
    match value {
        ValueRef::Empty => out.extend_from_slice(b"null"),
        ValueRef::Bool(v) => out.extend_from_slice(if v { b"true" } else { b"false" }),
        ValueRef::I64(v) => write_int(v, out),
        ValueRef::U64(v) => write_int(v, out),
        ValueRef::I128(v) => write_int(v, out),
        ValueRef::U128(v) => write_int(v, out),
        ValueRef::F64(v) if v.is_finite() => {
            // As `Debug` prints it: the shortest representation that round-trips; it is
            // `inf`/`NaN`-free here and otherwise always matches JSON's number grammar
            // (`-`? digits, optional `.digits`, optional `e-?digits`).
            write_f64_debug(v, out);
        }
        ValueRef::F64(v) if v.is_nan() => out.extend_from_slice(b"\"NaN\""),
        ValueRef::F64(v) if v > 0.0 => out.extend_from_slice(b"\"inf\""),
        ValueRef::F64(_) => out.extend_from_slice(b"\"-inf\""),
        ValueRef::Char(c) => write_json_str(out, c.encode_utf8(&mut [0; 4])),
        ValueRef::Str(s) => write_json_str(out, s),
    }
}
