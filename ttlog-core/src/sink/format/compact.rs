//! The compact format: the default for people reading a terminal.
//!
//! `2026-11-23T10:00:00.123456Z  INFO orders::api: user logged in user_id=42 ip=10.0.0.1`
//!
//! Timestamp, the level right-aligned in five columns, target, message, then `name=value` for
//! each field that has a value. It matches the shape of tracing-subscriber's default output so
//! that tools and eyes used to it keep working.

use super::text::Prerendered;
use super::text::{write_level_padded, write_text_fields, write_text_scope};
use super::time;
use crate::record::Record;
use crate::sink::escape;

/// Appends the line, without its `'\n'`.
pub(super) fn format(record: &Record<'_>, pre: Option<&Prerendered>, out: &mut Vec<u8>) {
    time::write_rfc3339(record.timestamp, out);
    out.push(b' ');
    write_level_padded(record.level, out);
    out.push(b' ');
    if write_text_scope(record, out) {
        out.extend_from_slice(b": ");
    }
    match pre {
        Some(pre) if pre.static_text_of(record) => out.extend_from_slice(&pre.head),
        _ => head(record.target, record.message, out),
    }
    write_text_fields(record, pre, out);
}

/// Appends what comes between the scope and the fields: `target: message`.
pub(super) fn head(target: &str, message: &str, out: &mut Vec<u8>) {
    escape::write_bare(out, target);
    out.push(b':');
    if !message.is_empty() {
        out.push(b' ');
        escape::write_bare(out, message);
    }
}
