//! logfmt: `key=value` pairs that log pipelines (Loki, Heroku, Splunk) split without a schema.
//!
//! `ts=2026-11-23T10:00:00.123456Z level=info target=orders::api msg="user logged in" user_id=42`
//!
//! Values are quoted when they are empty or hold whitespace, `=`, `"` or characters that must
//! be escaped; inside quotes `"` and `\` are escaped too. Fields without a value are left out.
//! An event inside spans gets `spans="request{id=7}:db{table=users}"` after `msg`.
//! A user field may share a name with `ts`, `level`, `target` or `msg`; logfmt has no
//! nesting, so both pairs are written and the built-in one comes first.

use super::text::Prerendered;
use super::text::{write_text_fields, write_text_scope};
use super::time;
use crate::record::Record;
use crate::sink::escape;

/// Appends the line, without its `'\n'`.
pub(super) fn format(record: &Record<'_>, pre: Option<&Prerendered>, out: &mut Vec<u8>) {
    out.extend_from_slice(b"ts=");
    time::write_rfc3339(record.timestamp, out);
    out.extend_from_slice(b" level=");
    out.extend_from_slice(record.level.as_lower_str().as_bytes());
    match pre {
        Some(pre) if pre.static_text_of(record) => out.extend_from_slice(&pre.head),
        _ => head(record.target, record.message, out),
    }
    let mut scope = Vec::new();
    if write_text_scope(record, &mut scope) {
        out.extend_from_slice(b" spans=");
        // The scope was written from valid UTF-8 pieces.
        escape::write_value(out, &String::from_utf8_lossy(&scope));
    }
    write_text_fields(record, pre, out);
}

/// Appends what comes between the level and the spans: ` target=… msg=…`.
pub(super) fn head(target: &str, message: &str, out: &mut Vec<u8>) {
    out.extend_from_slice(b" target=");
    escape::write_value(out, target);
    out.extend_from_slice(b" msg=");
    escape::write_value(out, message);
}
