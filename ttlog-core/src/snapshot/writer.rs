//! Encoding snapshots, and writing them to files atomically.
//!
//! [`encode_with_spans`] encodes the header, then the spans, then the events (with the
//! streaming [`Encoder`]): strings are interned the first time a span or event uses them, so a
//! string record always precedes the first record that names it. [`write_with_spans`] streams
//! the same bytes through a buffer into a new temp file in the target directory (an
//! unpredictable name, created exclusively, mode 0600 on unix), syncs it and renames it into
//! place, so a reader never sees a half-written file under the final name, and writing a
//! snapshot of any size takes a buffer of one record, not the whole file, in memory.
//! [`encode`] and [`write()`] are the same without spans.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::encoder::Encoder;
use super::format::*;
use super::model::Header;
use super::span::Span;
use super::temp;
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
    // Writing to a `Vec` never fails.
    let _ = encode_to(header, spans, records, out);
}

/// Streams the snapshot of `spans` and `records` described by `header` to `out`.
fn encode_to<'a, W: io::Write>(
    header: &Header,
    spans: &[Span],
    records: impl IntoIterator<Item = Record<'a>>,
    out: W,
) -> io::Result<W> {
    let mut encoder = Encoder::new(out, header)?;
    encoder.spans(spans)?;
    for record in records {
        encoder.event(&record)?;
    }
    encoder.finish()
}

// ===== write =====

/// Writes a snapshot of `records` to a new file in `dir`, returning its path.
///
/// The file is named `ttlog-<service>-<YYYYMMDDTHHMMSS>Z-<pid>-<seq>-<reason>.snap`: the
/// header's service and reason reduced to `[A-Za-z0-9_-]` (other characters become `_`) and
/// cut to 40 characters, the header's creation time in UTC, this process's id and a counter
/// that is unique within the process (a name already taken in `dir` moves on to the next
/// number). `dir` and its parents are created if missing. The snapshot is streamed to a new
/// temp file `.<name>.<random>.tmp` in `dir` (created exclusively, so never a file or link
/// someone else put there, with mode 0600 on unix; a name already taken is retried with
/// another), synced to disk and renamed to its final name; on failure the temp file, and only
/// it, is removed.
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
    let mut file = SnapshotFile::create(dir, header)?;
    file.spans(spans)?;
    for record in records {
        file.event(&record)?;
    }
    file.finish()
}

/// A snapshot being written: streamed through a buffer into its temp file, named and renamed
/// as [`write()`] says. Dropped before [`finish`](Self::finish), it removes its temp file.
pub(crate) struct SnapshotFile {
    encoder: Option<Encoder<BufWriter<File>>>,
    tmp: PathBuf,
    dir: PathBuf,
    header: Header,
}

/// The write buffer: records larger than it go to the file directly.
const BUFFER: usize = 256 * 1024;

impl SnapshotFile {
    /// Creates `dir` if needed and a new temp file in it, and writes the preamble and
    /// `header`.
    pub(crate) fn create(dir: &Path, header: &Header) -> Result<SnapshotFile, WriteError> {
        fs::create_dir_all(dir).map_err(|e| WriteError::new(e, dir))?;
        let stem = file_name(header, std::process::id(), 0);
        let (file, tmp) = temp::create(dir, &stem, ".tmp", false)
            .map_err(|e| WriteError::new(e, &dir.join(format!(".{stem}.*.tmp"))))?;
        // Locked while it is written: a temp file nobody holds is one a process died writing,
        // which the next `init` removes (`recorder::remove_unfinished`).
        let _ = file.try_lock();
        let mut this = SnapshotFile {
            encoder: None,
            tmp,
            dir: dir.to_owned(),
            header: header.clone(),
        };
        let out = BufWriter::with_capacity(BUFFER, file);
        this.encoder = Some(Encoder::new(out, header).map_err(|e| this.error(e))?);
        Ok(this)
    }

    fn error(&self, e: io::Error) -> WriteError {
        WriteError::new(e, &self.tmp)
    }

    fn encoder(&mut self) -> &mut Encoder<BufWriter<File>> {
        self.encoder
            .as_mut()
            .expect("an unfinished snapshot file has its encoder")
    }

    /// Writes the spans (once, before any event; see [`encode_with_spans`]).
    pub(crate) fn spans(&mut self, spans: &[Span]) -> Result<(), WriteError> {
        self.encoder().spans(spans).map_err(|e| self.error(e))
    }

    /// Writes one event.
    pub(crate) fn event(&mut self, record: &Record<'_>) -> Result<(), WriteError> {
        self.encoder().event(record).map_err(|e| self.error(e))
    }

    /// Writes the end record, syncs the file and renames it to its final name, returned.
    pub(crate) fn finish(mut self) -> Result<PathBuf, WriteError> {
        let encoder = self.encoder.take().expect("finished once");
        encoder
            .finish()
            .and_then(|out| out.into_inner().map_err(|e| e.into_error()))
            .and_then(|file| file.sync_all())
            .map_err(|e| self.error(e))?;
        let path = free_name(&self.dir, &self.header);
        fs::rename(&self.tmp, &path).map_err(|e| WriteError::new(e, &path))?;
        // Renamed: nothing for `drop` to remove.
        self.tmp = PathBuf::new();
        // Make the rename itself durable. Failing here leaves a complete file in place, so it
        // is not reported.
        #[cfg(unix)]
        if let Ok(d) = File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(path)
    }
}

impl Drop for SnapshotFile {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            // The temp file this created (exclusively), unfinished.
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Distinguishes snapshots written by this process within the same second.
static SEQ: AtomicU64 = AtomicU64::new(0);

/// A final name in `dir` for a snapshot described by `header` that nothing has yet (renaming
/// over a name another process took meanwhile replaces its directory entry atomically; it
/// never follows a link).
fn free_name(dir: &Path, header: &Header) -> PathBuf {
    let pid = std::process::id();
    let mut path = dir.join(file_name(header, pid, SEQ.fetch_add(1, Ordering::Relaxed)));
    for _ in 0..64 {
        if fs::symlink_metadata(&path).is_err() {
            break;
        }
        path = dir.join(file_name(header, pid, SEQ.fetch_add(1, Ordering::Relaxed)));
    }
    path
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
pub(crate) fn sanitize(s: &str) -> String {
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
