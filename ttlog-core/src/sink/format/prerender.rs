//! [`Formatter`]: a format with the text each callsite always writes rendered once.
//!
//! Most of a line is the same for every event of one callsite: its target, its literal
//! message, its file and line, its field names with their separators, all escaped. The
//! collector's sinks format through a `Formatter`, which renders those pieces on a callsite's
//! first event and copies them afterwards, so an event pays for its timestamp and its values.
//! The output is byte for byte what [`format_record`](super::format_record) writes (which
//! renders every piece each time, for records that do not come from a live callsite: the
//! CLI's, a custom sink's); golden files and a test over every format check it.
//!
//! A piece is used only for records that still show the callsite's own text: the head (target,
//! message, file, line) when the record's target, message and file are the callsite's own
//! strings (same address and length, so the same bytes) and its line is the callsite's; a
//! formatted or redacted message, or a narration's, is written as it comes.

use crate::callsite::map::{self, CallsiteMap};
use crate::callsite::site::Callsite;
use crate::record::Record;
use crate::sink::escape;

use super::kind::Format;
use super::text::Prerendered;
use super::{compact, full, json, logfmt};

/// A [`Format`] with per-callsite pre-rendered text (see the module docs).
///
/// ```
/// use ttlog_core::sink::{Format, Formatter};
/// use ttlog_core::{Fields, Level, Record};
///
/// let record = Record { level: Level::Info, timestamp: std::time::UNIX_EPOCH,
///     target: "app", module_path: "app", file: "", line: 0, message: "ready",
///     thread_name: "main", thread_id: 1, span_id: 0, spans: None, fields: Fields::empty() };
/// let mut formatter = Formatter::new(Format::Logfmt);
/// let mut out = Vec::new();
/// formatter.write(&record, &mut out);
/// assert_eq!(out, b"ts=1970-01-01T00:00:00.000000Z level=info target=app msg=ready\n");
/// ```
pub struct Formatter {
    format: Format,
    cache: CallsiteMap<Prerendered>,
}

impl Formatter {
    /// A formatter for `format`.
    ///
    /// ```
    /// let f = ttlog_core::sink::Formatter::new(ttlog_core::sink::Format::Json);
    /// assert_eq!(f.format(), ttlog_core::sink::Format::Json);
    /// ```
    pub fn new(format: Format) -> Formatter {
        Formatter {
            format,
            cache: CallsiteMap::default(),
        }
    }

    /// The format it writes.
    ///
    /// ```
    /// let f = ttlog_core::sink::Formatter::new(Default::default());
    /// assert_eq!(f.format(), ttlog_core::sink::Format::Compact);
    /// ```
    pub fn format(&self) -> Format {
        self.format
    }

    /// Appends `record` as one line, ending in `'\n'`, exactly as
    /// [`format_record`](super::format_record) would.
    ///
    /// ```
    /// use ttlog_core::sink::{format_record, Format, Formatter};
    /// use ttlog_core::{Fields, Level, Record};
    /// let record = Record { level: Level::Warn, timestamp: std::time::UNIX_EPOCH,
    ///     target: "db", module_path: "db", file: "src/db.rs", line: 9, message: "slow",
    ///     thread_name: "main", thread_id: 1, span_id: 0, spans: None, fields: Fields::empty() };
    /// let (mut a, mut b) = (Vec::new(), Vec::new());
    /// Formatter::new(Format::Full).write(&record, &mut a);
    /// format_record(Format::Full, &record, &mut b);
    /// assert_eq!(a, b);
    /// ```
    pub fn write(&mut self, record: &Record<'_>, out: &mut Vec<u8>) {
        let pre = record.fields.callsite().map(|(callsite, _)| {
            let format = self.format;
            &*self
                .cache
                .entry(map::key(callsite))
                .or_insert_with(|| Prerendered::new(format, callsite))
        });
        format_with(self.format, record, pre, out);
    }
}

impl std::fmt::Debug for Formatter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Formatter")
            .field("format", &self.format)
            .field("callsites", &self.cache.len())
            .finish()
    }
}

impl Prerendered {
    pub(super) fn new(format: Format, callsite: &'static Callsite) -> Prerendered {
        let (head, tail) = render_static(format, callsite);
        let keys = callsite
            .field_names()
            .iter()
            .map(|name| {
                let mut key = Vec::with_capacity(name.len() + 4);
                if format == Format::Json {
                    key.push(b',');
                    escape::write_json_str(&mut key, json::field_key(name));
                    key.push(b':');
                } else {
                    key.push(b' ');
                    escape::write_key(&mut key, name);
                    key.push(b'=');
                }
                key.into_boxed_slice()
            })
            .collect();
        Prerendered {
            callsite,
            head: head.into_boxed_slice(),
            tail: tail.into_boxed_slice(),
            narration: crate::narration::layout::layout(callsite.field_names().iter().copied())
                .is_some(),
            keys,
        }
    }
}

/// [`format_record`], with `pre` the record's callsite's pre-rendered text when there is one.
#[inline]
pub(super) fn format_with(
    format: Format,
    record: &Record<'_>,
    pre: Option<&Prerendered>,
    out: &mut Vec<u8>,
) {
    // A narration shows the text of the chosen mode (see `crate::narration`): its own record,
    // whose fields are not the callsite's.
    let narrated = match (format, pre) {
        (Format::Json, _) => None,
        (_, Some(pre)) if !pre.narration => None,
        _ => crate::narration::layout::text_record(record),
    };
    let (record, pre) = match &narrated {
        Some(narrated) => (narrated, None),
        None => (record, pre),
    };
    match format {
        Format::Compact => compact::format(record, pre, out),
        Format::Full => full::format(record, pre, out),
        Format::Json => json::format(record, pre, out),
        Format::Logfmt => logfmt::format(record, pre, out),
    }
    out.push(b'\n');
}

/// The text a line of `format` always has for `callsite`'s events: before the fields, and
/// after them (see [`Prerendered`]).
pub(super) fn render_static(format: Format, callsite: &'static Callsite) -> (Vec<u8>, Vec<u8>) {
    let (target, message) = (callsite.target(), callsite.message());
    let (file, line) = (callsite.file(), callsite.line());
    let mut head = Vec::new();
    let mut tail = Vec::new();
    match format {
        Format::Compact => compact::head(target, message, &mut head),
        Format::Full => full::head(target, file, line, message, &mut head),
        Format::Json => {
            json::head(message, &mut head);
            json::tail(target, file, line, &mut tail);
        }
        Format::Logfmt => logfmt::head(target, message, &mut head),
    }
    (head, tail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::FieldValue;
    use crate::level::Level;
    use crate::record::Fields;
    use std::time::{Duration, UNIX_EPOCH};

    static PLAIN: Callsite = Callsite::new(
        Level::Info,
        "orders::api",
        "orders::api",
        "src/api.rs",
        12,
        "request handled",
        &[
            "user_id",
            "path",
            "latency_ms",
            "ok",
            "message",
            "odd key=\"x\"",
            "e",
        ],
    );
    static ODD: Callsite = Callsite::new(
        Level::Warn,
        "weird target\nname",
        "m",
        "",
        0,
        "",
        &["a b", ""],
    );
    static NARRATION: Callsite = Callsite::new(
        Level::Info,
        "jobs",
        "jobs",
        "src/jobs.rs",
        3,
        "Job queued",
        &["human", "cute", "actor", "action", "target"],
    );

    fn record<'a>(cs: &'static Callsite, message: &'a str, values: &'a [FieldValue]) -> Record<'a> {
        Record {
            level: cs.level(),
            timestamp: UNIX_EPOCH + Duration::new(1_795_428_000, 123_456_000),
            target: cs.target(),
            module_path: cs.module_path(),
            file: cs.file(),
            line: cs.line(),
            message,
            thread_name: "main",
            thread_id: 1,
            span_id: 0,
            spans: None,
            fields: Fields::of_callsite(cs, values),
        }
    }

    #[test]
    fn writes_what_format_record_writes() {
        let plain = [
            FieldValue::from(42u64),
            FieldValue::from("/api/v1 items"),
            FieldValue::from(1.5),
            FieldValue::from(true),
            FieldValue::from("shadowed"),
            FieldValue::EMPTY,
            FieldValue::from(f64::NAN),
        ];
        let odd = [FieldValue::from(-1i64), FieldValue::from('\n')];
        let narration = [
            "Job queued",
            "Job hops in line!",
            "queue",
            "accept",
            "job-7",
        ]
        .map(FieldValue::from);
        let formatted = String::from("formatted 3 of \"many\"");
        let records = [
            record(&PLAIN, PLAIN.message(), &plain),
            // Not the callsite's own message (formatted, or redacted): written as it comes.
            record(&PLAIN, &formatted, &plain),
            record(&PLAIN, "request handled", &plain[..2]),
            record(&ODD, ODD.message(), &odd),
            record(&NARRATION, NARRATION.message(), &narration),
            Record {
                target: "other",
                ..record(&PLAIN, PLAIN.message(), &plain)
            },
            Record {
                line: 13,
                ..record(&PLAIN, PLAIN.message(), &plain)
            },
        ];
        for format in [Format::Compact, Format::Full, Format::Json, Format::Logfmt] {
            let mut formatter = Formatter::new(format);
            // Twice: the first event of a callsite renders its text, the second copies it.
            for _ in 0..2 {
                for r in &records {
                    let (mut fast, mut slow) = (Vec::new(), Vec::new());
                    formatter.write(r, &mut fast);
                    super::super::format_record(format, r, &mut slow);
                    assert_eq!(
                        String::from_utf8(fast).unwrap(),
                        String::from_utf8(slow).unwrap(),
                        "{format:?}"
                    );
                }
            }
        }
    }
}
