//! Turning a [`Record`] into one line of text.
//!
//! The collector formats every event it hands to a text sink, and the CLI formats every event
//! it reads back from a snapshot, so both go through [`format_record`]. It appends to a
//! caller-owned `Vec<u8>` that the caller reuses: after the buffer has grown to fit the longest
//! line, formatting allocates nothing. Nothing here builds an intermediate `String`; timestamps
//! and numbers are written with itoa and ryu (`number.rs`), never through `fmt`.
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
//!
//! An event inside spans shows its scope, root first: in compact and full after the level
//! (`INFO request{id=7}:db{table=users}: orders::db: query done`), in logfmt as a `spans`
//! pair, and in JSON as tracing-subscriber's `span` (the event's own span) and `spans` (root
//! first) objects, each with the span's fields and its `name`.
//!
//! 1. `mod.rs` — [`Format`] and [`format_record`], which picks the format.
//! 2. `compact.rs`, `full.rs`, `logfmt.rs`, `json.rs` — one file per format.
//! 3. `text.rs` — what the text formats share: levels, numbers, values, scopes, fields.
//! 4. `time.rs` — RFC 3339 timestamps, written digit by digit.
//! 5. `number.rs` — integers and floats exactly as `Display` and `Debug` print them, with itoa
//!    and ryu.
//! 6. `prerender.rs` — [`Formatter`]: the same lines, with the text each callsite always
//!    writes (target, literal message, field names) rendered once; the collector's sinks use
//!    it.

use crate::record::Record;

mod compact;
mod full;
mod json;
mod kind;
mod logfmt;
mod number;
mod prerender;
mod text;
pub mod time;

pub use kind::Format;
pub use prerender::Formatter;

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
///     spans: None,
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
    prerender::format_with(format, record, None, out);
}
