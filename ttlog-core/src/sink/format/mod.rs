//! Turning a [`Record`] into one line of text.
//!
//! The collector formats every event it hands to a text sink, and the CLI formats every event
//! it reads back from a snapshot, so both go through [`format_record`]. It appends to a
//! caller-owned `Vec<u8>` that the caller reuses: after the buffer has grown to fit the longest
//! line, formatting allocates nothing. Nothing here builds an intermediate `String`; timestamps
//! and integers are written digit by digit, and only floats and 128-bit integers go through
//! `fmt` (which writes straight into the buffer too).
//!
//! Every format writes exactly one line, ending in exactly one `'\n'`, whatever the event
//! holds. In the text formats, control characters (C0, DEL, C1), U+2028/U+2029 and the bidi
//! embedding/override/isolate controls are escaped wherever they appear (message, target,
//! thread name, file, field names and values) as `\n`, `\r`, `\t` or `\u{1b}`. Field values
//! are printed bare when non-empty and free of whitespace, `=` and `"`, and quoted otherwise,
//! with `\"` and `\\` escaped inside the quotes; the message, target and thread name of the
//! compact and full formats are never quoted, so backslashes in them are kept as they are.
//! Empty fields are left out of text formats. JSON strings get full JSON escaping (`\u001b`,
//! `\u2028`, ...).
//!
//! | format | example |
//! |---|---|
//! | [`Format::Compact`] | `2026-11-23T10:00:00.123456Z  INFO orders::api: user logged in user_id=42` |
//! | [`Format::Full`] | `2026-11-23T10:00:00.123456Z  INFO main ThreadId(1) orders::api: src/main.rs:12: user logged in user_id=42` |
//! | [`Format::Json`] | `{"timestamp":"2026-11-23T10:00:00.123456Z","level":"INFO","fields":{"message":"user logged in","user_id":42},"target":"orders::api",…}` |
//! | [`Format::Logfmt`] | `ts=2026-11-23T10:00:00.123456Z level=info target=orders::api msg="user logged in" user_id=42` |

use std::io::Write as _;

use crate::field::ValueRef;
use crate::level::Level;
use crate::record::Record;
use crate::sink::escape;
use crate::sink::Format;

mod compact;
mod full;
mod json;
mod logfmt;
pub mod time;

/// Appends `record` to `out` as one line in `format`, ending in `'\n'`.
///
/// `out` is not cleared first, so a caller can batch many lines in one buffer.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use ttlog_core::sink::{format_record, Format};
/// use ttlog_core::{FieldValue, Fields, Level, Record};
///
/// let values = [FieldValue::from(42), FieldValue::from("10.0.0.1")];
/// let record = Record {
///     level: Level::Info,
///     timestamp: UNIX_EPOCH + Duration::new(1_795_428_000, 123_456_000),
///     target: "orders::api",
///     module_path: "orders::api",
///     file: "src/main.rs",
///     line: 12,
///     message: "user logged in",
///     thread_name: "main",
///     thread_id: 1,
///     span_id: 0,
///     fields: Fields::split(&["user_id", "ip"], &values),
/// };
///
/// let mut out = Vec::new();
/// format_record(Format::Compact, &record, &mut out);
/// format_record(Format::Logfmt, &record, &mut out);
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     "2026-11-23T10:00:00.123456Z  INFO orders::api: user logged in user_id=42 ip=10.0.0.1\n\
///      ts=2026-11-23T10:00:00.123456Z level=info target=orders::api msg=\"user logged in\" \
///      user_id=42 ip=10.0.0.1\n"
/// );
/// ```
pub fn format_record(format: Format, record: &Record<'_>, out: &mut Vec<u8>) {
    match format {
        Format::Compact => compact::format(record, out),
        Format::Full => full::format(record, out),
        Format::Json => json::format(record, out),
        Format::Logfmt => logfmt::format(record, out),
    }
    out.push(b'\n');
}

// ===== shared pieces =====

/// Appends the level right-aligned in five columns (` INFO`, `ERROR`).
#[inline]
fn write_level_padded(level: Level, out: &mut Vec<u8>) {
    if level.as_str().len() == 4 {
        out.push(b' ');
    }
    out.extend_from_slice(level.as_str().as_bytes());
}

/// Appends `v` in decimal.
#[inline]
fn write_u64(mut v: u64, out: &mut Vec<u8>) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Appends `v` in decimal.
#[inline]
fn write_i64(v: i64, out: &mut Vec<u8>) {
    if v < 0 {
        out.push(b'-');
    }
    write_u64(v.unsigned_abs(), out);
}

/// Appends a field's value in the text formats (compact, full, logfmt): numbers and booleans
/// with `Display`, text and chars through [`escape::write_value`]. `Empty` writes nothing;
/// callers skip those fields before writing the name.
fn write_text_value(value: ValueRef<'_>, out: &mut Vec<u8>) {
    match value {
        ValueRef::Empty => {}
        ValueRef::Bool(v) => out.extend_from_slice(if v { b"true" } else { b"false" }),
        ValueRef::I64(v) => write_i64(v, out),
        ValueRef::U64(v) => write_u64(v, out),
        // Writing to a Vec cannot fail.
        ValueRef::I128(v) => {
            let _ = write!(out, "{v}");
        }
        ValueRef::U128(v) => {
            let _ = write!(out, "{v}");
        }
        ValueRef::F64(v) => {
            let _ = write!(out, "{v}");
        }
        ValueRef::Char(c) => escape::write_value(out, c.encode_utf8(&mut [0; 4])),
        ValueRef::Str(s) => escape::write_value(out, s),
    }
}

/// Appends ` name=value` for every non-empty field (the tail of compact, full and logfmt lines).
fn write_text_fields(record: &Record<'_>, out: &mut Vec<u8>) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        let mut out = Vec::new();
        for v in [0, 7, 10, 99, 1234567890, u64::MAX] {
            out.clear();
            write_u64(v, &mut out);
            assert_eq!(out, v.to_string().as_bytes());
        }
        for v in [0, -1, 42, i64::MIN, i64::MAX] {
            out.clear();
            write_i64(v, &mut out);
            assert_eq!(out, v.to_string().as_bytes());
        }
    }

    #[test]
    fn levels() {
        let mut out = Vec::new();
        for level in Level::ALL {
            write_level_padded(level, &mut out);
        }
        assert_eq!(out, b"ERROR WARN INFODEBUGTRACE");
    }
}
