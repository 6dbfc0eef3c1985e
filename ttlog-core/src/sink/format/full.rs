//! The full format: compact plus the thread and the source location.
//!
//! `2026-11-23T10:00:00.123456Z  INFO main ThreadId(1) orders::api: src/main.rs:12: user logged in user_id=42`
//!
//! Like tracing-subscriber's full format with thread names, thread ids, file and line turned
//! on. The thread id is ttlog's per-thread index ([`Record::thread_id`]), printed in the
//! `ThreadId(n)` form people know from `std`. The location is left out when the file is not
//! known, and the `:line` part when the line is not.

use super::text::Prerendered;
use super::text::{write_int, write_level_padded, write_text_fields, write_text_scope};
use super::time;
use crate::record::Record;
use crate::sink::escape;

/// Appends the line, without its `'\n'`.
pub(super) fn format(record: &Record<'_>, pre: Option<&Prerendered>, out: &mut Vec<u8>) {
    time::write_rfc3339(record.timestamp, out);
    out.push(b' ');
    write_level_padded(record.level, out);
    out.push(b' ');
    escape::write_bare(out, record.thread_name);
    out.extend_from_slice(b" ThreadId(");
    write_int(record.thread_id, out);
    out.extend_from_slice(b") ");
    if write_text_scope(record, out) {
        out.extend_from_slice(b": ");
    }
    match pre {
        Some(pre) if pre.static_text_of(record) => out.extend_from_slice(&pre.head),
        _ => head(record.target, record.file, record.line, record.message, out),
    }
    write_text_fields(record, pre, out);
}

/// Appends what comes between the scope and the fields: `target: file:line: message`.
pub(super) fn head(target: &str, file: &str, line: u32, message: &str, out: &mut Vec<u8>) {
    escape::write_bare(out, target);
    out.push(b':');
    if !file.is_empty() {
        out.push(b' ');
        escape::write_bare(out, file);
        if line != 0 {
            out.push(b':');
            write_int(line, out);
        }
        out.push(b':');
    }
    if !message.is_empty() {
        out.push(b' ');
        escape::write_bare(out, message);
    }
}
