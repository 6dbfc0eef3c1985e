//! Encoding snapshots, and writing them to files atomically.
//!
//! [`encode_with_spans`] streams the header, then the spans, then the events into a buffer:
//! strings are interned the first time a span or event uses them, so a string record always
//! precedes the first record that names it. [`write_with_spans`] encodes, then writes to a
//! hidden temp file in the target directory (mode 0600 on unix), syncs it and renames it into
//! place, so a reader never sees a half-written file under the final name. [`encode`] and
//! [`write()`] are the same without spans.

use std::collections::HashMap;
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::format::{self, *};
use super::model::Header;
use super::span::{Span, SpanStatus};
use crate::field::ValueRef;
use crate::record::Record;

/// Encodes a snapshot of `records` described by `header`, appending it to `out`.
///
/// Records are written in the order given (the recorder hands them out oldest first).
///
/// # Examples
///
/// ```
/// use std::time::SystemTime;
/// use ttlog_core::snapshot::{self, Header};
/// use ttlog_core::{FieldValue, Fields, Level, Record};
///
/// let values = [FieldValue::from(42), FieldValue::from("10.0.0.1")];
/// let record = Record {
///     level: Level::Info,
///     timestamp: SystemTime::now(),
///     target: "app::auth",
///     module_path: "app::auth",
///     file: "src/auth.rs",
///     line: 12,
///     message: "user logged in",
///     thread_name: "main",
///     thread_id: 1,
///     span_id: 0,
///     spans: None,
///     fields: Fields::split(&["user_id", "ip"], &values),
/// };
/// let header = Header::new("app", "on demand");
/// let mut bytes = Vec::new();
/// snapshot::encode(&header, [record], &mut bytes);
///
/// let snap = snapshot::decode(&bytes).unwrap();
/// assert_eq!(snap.header, header);
/// assert_eq!(snap.events[0].message(), "user logged in");
/// assert_eq!(snap.events[0].field("user_id"), Some(&FieldValue::from(42)));
/// ```
pub fn encode<'a>(
    header: &Header,
    records: impl IntoIterator<Item = Record<'a>>,
    out: &mut Vec<u8>,
) {
    encode_with_spans(header, &[], records, out);
}

/// Encodes a snapshot of `spans` and `records` described by `header`, appending it to `out`.
///
/// Spans are written first, in id order (their creation order), whatever order they are given
/// in; a span whose id is 0, or whose id an earlier span of the slice already has, is skipped.
/// A closed span gets the fields [`ELAPSED_US`](super::ELAPSED_US) and
/// [`ELAPSED_MS`](super::ELAPSED_MS) appended (each unless it already has a field of that
/// name). Records are written after the spans, in the order given (the recorder hands them
/// out oldest first).
///
/// # Examples
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use ttlog_core::snapshot::{self, Header, Span, SpanStatus};
/// use ttlog_core::{FieldValue, Fields, Level, Record};
///
/// let t0 = SystemTime::now();
/// let spans = [
///     Span::new(1, "request", Level::Info, t0)
///         .with_thread("main", 1)
///         .with_field("path", "/orders")
///         .with_end(t0 + Duration::from_millis(30)),
///     Span::new(2, "db", Level::Debug, t0 + Duration::from_millis(2))
///         .with_parent(1)
///         .with_status(SpanStatus::Error)
///         .with_follows_from([1]),
/// ];
/// let record = Record {
///     level: Level::Warn, timestamp: t0 + Duration::from_millis(3), target: "app::db",
///     module_path: "app::db", file: "src/db.rs", line: 9, message: "slow query",
///     thread_name: "main", thread_id: 1, span_id: 2, spans: None, fields: Fields::empty(),
/// };
/// let mut bytes = Vec::new();
/// snapshot::encode_with_spans(&Header::new("app", "on demand"), &spans, [record], &mut bytes);
///
/// let snap = snapshot::decode(&bytes).unwrap();
/// assert_eq!(snap.spans.len(), 2);
/// assert_eq!(snap.spans[0].field("elapsed_ms"), Some(&FieldValue::from(30.0)));
/// assert_eq!(snap.spans[1].follows_from(), [1]);
/// assert!(snap.spans[1].is_open());
/// assert_eq!(snap.events[0].span_id(), 2);
/// ```
pub fn encode_with_spans<'a>(
    header: &Header,
    spans: &[Span],
    records: impl IntoIterator<Item = Record<'a>>,
    out: &mut Vec<u8>,
) {
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    let mut payload = Vec::with_capacity(256);
    encode_header(header, &mut payload);
    put_record(out, KIND_HEADER, &payload);

    let mut strings = Strings::default();
    let mut order: Vec<&Span> = spans.iter().filter(|s| s.id != 0).collect();
    // Stable: of two spans with one id, the first given is kept.
    order.sort_by_key(|s| s.id);
    order.dedup_by_key(|s| s.id);
    for span in order {
        encode_span(span, &mut strings, &mut payload, out);
    }

    let mut count: u64 = 0;
    for record in records {
        // Intern first (each new string is its own record, before the event), then encode.
        let fields = record.fields;
        // An event inside a trace context keeps its ids as fields of its own.
        let trace = record
            .trace()
            .map(|t| record.missing_trace_fields(&t))
            .unwrap_or_default();
        let names = [
            record.target,
            record.module_path,
            record.file,
            record.thread_name,
        ];
        let field_names = fields.iter().map(|f| f.name);
        for s in names
            .into_iter()
            .chain(field_names)
            .chain(trace.iter().map(|(name, _)| *name))
        {
            strings.intern_record(s, &mut payload, out);
        }
        payload.clear();
        put_svarint(&mut payload, time_to_nanos(record.timestamp));
        payload.push(record.level.as_u8());
        for s in names {
            put_uvarint(&mut payload, strings.id(s) as u128);
        }
        put_uvarint(&mut payload, record.line as u128);
        put_uvarint(&mut payload, record.thread_id as u128);
        put_uvarint(&mut payload, record.span_id as u128);
        put_str(&mut payload, record.message);
        put_uvarint(&mut payload, (fields.len() + trace.len()) as u128);
        for field in fields.iter() {
            put_uvarint(&mut payload, strings.id(field.name) as u128);
            put_value(&mut payload, field.value.as_ref());
        }
        for (name, value) in &trace {
            put_uvarint(&mut payload, strings.id(name) as u128);
            put_value(&mut payload, ValueRef::Str(value));
        }
        put_record(out, KIND_EVENT, &payload);
        count += 1;
    }

    payload.clear();
    put_uvarint(&mut payload, count as u128);
    put_record(out, KIND_END, &payload);
}

fn encode_header(header: &Header, payload: &mut Vec<u8>) {
    payload.clear();
    let pairs: [(&str, &str); 3] = [
        (KEY_SERVICE, &header.service),
        (KEY_HOSTNAME, &header.hostname),
        (KEY_REASON, &header.reason),
    ];
    for (k, v) in pairs {
        put_str(payload, k);
        put_str(payload, v);
    }
    let numbers: [(&str, String); 4] = [
        (KEY_PID, header.pid.to_string()),
        (KEY_CREATED, time_to_nanos(header.created).to_string()),
        (KEY_CAPACITY, header.capacity.to_string()),
        (KEY_DROPPED, header.dropped.to_string()),
    ];
    for (k, v) in &numbers {
        put_str(payload, k);
        put_str(payload, v);
    }
    put_str(payload, KEY_VERSION);
    put_str(payload, &header.ttlog_version);
}

/// Appends the span record of `span`, after string records for the strings it names first.
fn encode_span<'s>(
    span: &'s Span,
    strings: &mut Strings<'s, '_>,
    payload: &mut Vec<u8>,
    out: &mut Vec<u8>,
) {
    let elapsed = span.elapsed_fields();
    let names = [
        &*span.name,
        &*span.target,
        &*span.module_path,
        &*span.file,
        &*span.thread,
    ];
    let field_names = span.fields.iter().map(|(n, _)| n.as_str());
    let elapsed_names = elapsed.iter().flatten().map(|(n, _)| *n);
    for s in names.into_iter().chain(field_names).chain(elapsed_names) {
        strings.intern_span(s, payload, out);
    }
    let [name, target, module_path, file, thread] = names.map(|s| strings.id(s) as u128);
    payload.clear();
    put_uvarint(payload, span.id as u128);
    put_uvarint(payload, span.parent as u128);
    payload.push(span.level.as_u8());
    for id in [name, target, module_path, file] {
        put_uvarint(payload, id);
    }
    put_uvarint(payload, span.line as u128);
    put_uvarint(payload, thread);
    put_uvarint(payload, span.thread_id as u128);
    put_svarint(payload, time_to_nanos(span.start));
    match span.duration() {
        None => payload.push(0),
        Some(d) => {
            payload.push(1);
            put_uvarint(payload, d.as_nanos());
        }
    }
    put_uvarint(payload, span.busy.as_nanos());
    payload.push(match span.status {
        SpanStatus::Ok => SPAN_STATUS_OK,
        SpanStatus::Error => SPAN_STATUS_ERROR,
    });
    put_uvarint(payload, span.follows_from.len() as u128);
    for &id in &span.follows_from {
        put_uvarint(payload, id as u128);
    }
    let fields = span.fields.iter().map(|(n, v)| (n.as_str(), v));
    let elapsed = elapsed.iter().flatten().map(|(n, v)| (*n, v));
    let all = fields.chain(elapsed);
    put_uvarint(payload, all.clone().count() as u128);
    for (name, value) in all {
        put_uvarint(payload, strings.id(name) as u128);
        put_value(payload, value.as_ref());
    }
    put_record(out, KIND_SPAN, payload);
}

/// The interned strings and their ids. Spans and records borrow for different lifetimes, so
/// each has its own map; the ids are one sequence over both.
#[derive(Default)]
struct Strings<'s, 'a> {
    spans: HashMap<&'s str, u64>,
    records: HashMap<&'a str, u64>,
}

impl<'s, 'a> Strings<'s, 'a> {
    fn contains(&self, s: &str) -> bool {
        self.spans.contains_key(s) || self.records.contains_key(s)
    }

    fn next_id(&self) -> u64 {
        (self.spans.len() + self.records.len()) as u64
    }

    /// Interns `s` from a span, appending its string record if it is new.
    fn intern_span(&mut self, s: &'s str, payload: &mut Vec<u8>, out: &mut Vec<u8>) {
        if !self.contains(s) {
            let id = self.next_id();
            self.spans.insert(s, id);
            put_string(id, s, payload, out);
        }
    }

    /// Interns `s` from a record, appending its string record if it is new.
    fn intern_record(&mut self, s: &'a str, payload: &mut Vec<u8>, out: &mut Vec<u8>) {
        if !self.contains(s) {
            let id = self.next_id();
            self.records.insert(s, id);
            put_string(id, s, payload, out);
        }
    }

    /// The id of `s`, which has been interned.
    fn id(&self, s: &str) -> u64 {
        match self.spans.get(s) {
            Some(&id) => id,
            None => self.records[s],
        }
    }
}

/// Appends the string record interning `s` as `id`.
fn put_string(id: u64, s: &str, payload: &mut Vec<u8>, out: &mut Vec<u8>) {
    payload.clear();
    put_uvarint(payload, id as u128);
    put_str(payload, s);
    put_record(out, KIND_STRING, payload);
}

fn put_value(out: &mut Vec<u8>, value: ValueRef<'_>) {
    match value {
        ValueRef::Empty => out.push(TAG_EMPTY),
        ValueRef::Bool(v) => out.extend_from_slice(&[TAG_BOOL, v as u8]),
        ValueRef::I64(v) => {
            out.push(TAG_I64);
            put_svarint(out, v as i128);
        }
        ValueRef::U64(v) => {
            out.push(TAG_U64);
            put_uvarint(out, v as u128);
        }
        ValueRef::I128(v) => {
            out.push(TAG_I128);
            put_svarint(out, v);
        }
        ValueRef::U128(v) => {
            out.push(TAG_U128);
            put_uvarint(out, v);
        }
        ValueRef::F64(v) => {
            out.push(TAG_F64);
            out.extend_from_slice(&v.to_bits().to_le_bytes());
        }
        ValueRef::Char(v) => {
            out.push(TAG_CHAR);
            put_uvarint(out, v as u128);
        }
        ValueRef::Str(v) => {
            out.push(TAG_STR);
            put_str(out, v);
        }
    }
}

/// Appends one framed record: kind, length, payload, CRC-32 of all three.
fn put_record(out: &mut Vec<u8>, kind: u8, payload: &[u8]) {
    let start = out.len();
    out.push(kind);
    put_uvarint(out, payload.len() as u128);
    out.extend_from_slice(payload);
    let crc = format::crc32(&out[start..]);
    out.extend_from_slice(&crc.to_le_bytes());
}

// ===== write =====

/// Distinguishes snapshots written by this process within the same second.
static SEQ: AtomicU64 = AtomicU64::new(0);

/// Writes a snapshot of `records` to a new file in `dir`, returning its path.
///
/// The file is named `ttlog-<service>-<YYYYMMDDTHHMMSS>Z-<pid>-<seq>-<reason>.snap`: the
/// header's service and reason reduced to `[A-Za-z0-9_-]` (other characters become `_`) and
/// cut to 40 characters, the header's creation time in UTC, this process's id and a counter
/// that is unique within the process. `dir` and its parents are created if missing. The
/// snapshot is written to `.<name>.tmp` in `dir` (created with mode 0600 on unix), synced to
/// disk and renamed to its final name; on failure the temp file is removed.
///
/// # Errors
///
/// Any I/O error creating the directory, writing, syncing or renaming the file; the error
/// names the path involved.
///
/// # Examples
///
/// ```
/// use ttlog_core::snapshot::{self, Header};
/// # let dir = std::env::temp_dir().join(format!("ttlog-doc-write-{}", std::process::id()));
/// let path = snapshot::write(&dir, &Header::new("billing", "sigusr1"), []).unwrap();
/// let name = path.file_name().unwrap().to_str().unwrap();
/// assert!(name.starts_with("ttlog-billing-") && name.ends_with("-sigusr1.snap"));
/// assert_eq!(snapshot::read(&path).unwrap().events.len(), 0);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn write<'a>(
    dir: &Path,
    header: &Header,
    records: impl IntoIterator<Item = Record<'a>>,
) -> Result<PathBuf, WriteError> {
    write_with_spans(dir, header, &[], records)
}

/// Writes a snapshot of `spans` and `records` to a new file in `dir`, returning its path.
///
/// The bytes are those of [`encode_with_spans`]; the file is named and written as by
/// [`write()`].
///
/// # Errors
///
/// Any I/O error creating the directory, writing, syncing or renaming the file; the error
/// names the path involved.
///
/// # Examples
///
/// ```
/// use std::time::SystemTime;
/// use ttlog_core::snapshot::{self, Header, Span};
/// use ttlog_core::Level;
/// # let dir = std::env::temp_dir().join(format!("ttlog-doc-write-spans-{}", std::process::id()));
/// let spans = [Span::new(1, "startup", Level::Info, SystemTime::now())];
/// let path = snapshot::write_with_spans(&dir, &Header::new("billing", "test"), &spans, []).unwrap();
/// let snap = snapshot::read(&path).unwrap();
/// assert_eq!(snap.spans[0].name(), "startup");
/// assert!(snap.spans[0].is_open());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn write_with_spans<'a>(
    dir: &Path,
    header: &Header,
    spans: &[Span],
    records: impl IntoIterator<Item = Record<'a>>,
) -> Result<PathBuf, WriteError> {
    let mut bytes = Vec::with_capacity(4096);
    encode_with_spans(header, spans, records, &mut bytes);
    fs::create_dir_all(dir).map_err(|e| WriteError::new(e, dir))?;

    let name = file_name(
        header,
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed),
    );
    let tmp = dir.join(format!(".{name}.tmp"));
    let path = dir.join(&name);
    if let Err(e) = write_synced(&tmp, &bytes) {
        let _ = fs::remove_file(&tmp);
        return Err(WriteError::new(e, &tmp));
    }
    if let Err(e) = fs::rename(&tmp, &path) {
        let _ = fs::remove_file(&tmp);
        return Err(WriteError::new(e, &path));
    }
    // Make the rename itself durable. Failing here leaves a complete file in place, so it is
    // not reported.
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(path)
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

pub(crate) fn file_name(header: &Header, pid: u32, seq: u64) -> String {
    format!(
        "ttlog-{}-{}Z-{pid}-{seq}-{}.snap",
        sanitize(&header.service),
        compact_utc(header.created),
        sanitize(&header.reason)
    )
}

/// `s` with every character outside `[A-Za-z0-9_-]` replaced by `_`, at most 40 characters,
/// `unknown` if empty.
fn sanitize(s: &str) -> String {
    let out: String = s
        .chars()
        .take(40)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() {
        "unknown".to_owned()
    } else {
        out
    }
}

// ===== WriteError =====

/// The error returned by [`write()`]: an I/O error and the path it happened on.
///
/// ```
/// use ttlog_core::snapshot::{self, Header};
/// // A directory cannot be created inside a regular file.
/// # let file = std::env::temp_dir().join(format!("ttlog-doc-werr-{}", std::process::id()));
/// std::fs::write(&file, b"").unwrap();
/// let err = snapshot::write(&file.join("sub"), &Header::new("a", "b"), []).unwrap_err();
/// assert!(err.to_string().contains("cannot write snapshot"));
/// assert!(std::error::Error::source(&err).is_some());
/// # std::fs::remove_file(&file).unwrap();
/// ```
#[derive(Debug)]
pub struct WriteError {
    error: io::Error,
    path: PathBuf,
}

impl WriteError {
    fn new(error: io::Error, path: &Path) -> WriteError {
        WriteError {
            error,
            path: path.to_owned(),
        }
    }

    /// The file or directory the error happened on.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The underlying I/O error's kind.
    pub fn io_kind(&self) -> io::ErrorKind {
        self.error.kind()
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot write snapshot {}: {}",
            self.path.display(),
            self.error
        )
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn names_are_sanitized() {
        let mut h = Header::new("my service/../x", "");
        h.created = UNIX_EPOCH + Duration::from_secs(1_709_210_096);
        assert_eq!(
            file_name(&h, 7, 3),
            "ttlog-my_service____x-20240229T123456Z-7-3-unknown.snap"
        );
        let long = "é".repeat(100);
        assert_eq!(sanitize(&long), "_".repeat(40));
        assert_eq!(sanitize("Ab9_-"), "Ab9_-");
    }
}
