//! [`Span`]: a span as a snapshot stores it, owned, with its timings.
//!
//! The collector's span table knows each span by its callsite and clock ticks, which mean
//! nothing once the process is gone. A snapshot needs the span self-contained: its names and
//! source location as text, its start and end as wall-clock times, its busy time as a
//! duration, its status, its follows-from links and its fields as last recorded. With the
//! parent ids, that is enough to rebuild the call tree with timings from the file alone.
//!
//! The same type goes both ways: the collector builds one per span and hands them to
//! [`encode_with_spans`](super::encode_with_spans), and the reader returns them in
//! [`Snapshot::spans`](super::Snapshot::spans).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::field::{Field, FieldValue};
use crate::level::Level;

/// The field the writer appends to a closed span: its duration in whole microseconds (`u64`).
pub const ELAPSED_US: &str = "elapsed_us";

/// The field the writer appends to a closed span: its duration in milliseconds (`f64`).
pub const ELAPSED_MS: &str = "elapsed_ms";

/// How a span ended: [`Ok`](SpanStatus::Ok) unless it was marked as failed.
///
/// ```
/// use ttlog_core::snapshot::SpanStatus;
/// assert_eq!(SpanStatus::default(), SpanStatus::Ok);
/// assert_eq!(SpanStatus::Error.to_string(), "error");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SpanStatus {
    /// The span was not marked as failed.
    #[default]
    Ok,
    /// The span was marked as failed (`Span::set_error`, or `#[instrument(err)]` on an `Err`).
    Error,
}

impl SpanStatus {
    /// `"ok"` or `"error"`.
    pub fn as_str(self) -> &'static str {
        match self {
            SpanStatus::Ok => "ok",
            SpanStatus::Error => "error",
        }
    }
}

impl fmt::Display for SpanStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A span in a snapshot: what it was, where and when it ran, and how it ended.
///
/// Read back from a file it comes in [`Snapshot::spans`](super::Snapshot::spans); to write one,
/// build it with [`Span::new`] and the `with_*` methods and pass it to
/// [`encode_with_spans`](super::encode_with_spans) or
/// [`write_with_spans`](super::write_with_spans). When a closed span is written, its
/// duration is appended to its fields as [`ELAPSED_US`] (`u64`) and [`ELAPSED_MS`] (`f64`)
/// (unless it already has fields of those names), so a decoded closed span carries them.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use ttlog_core::snapshot::{self, Header, Span, SpanStatus};
/// use ttlog_core::{FieldValue, Level};
///
/// let start = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
/// let request = Span::new(7, "request", Level::Info, start)
///     .with_target("app::http")
///     .with_location("app::http", "src/http.rs", 40)
///     .with_thread("worker-1", 3)
///     .with_end(start + Duration::from_millis(12))
///     .with_busy(Duration::from_millis(5))
///     .with_field("user", "alice");
/// let query = Span::new(8, "query", Level::Debug, start + Duration::from_millis(1))
///     .with_parent(7)
///     .with_status(SpanStatus::Error);
///
/// let mut bytes = Vec::new();
/// snapshot::encode_with_spans(&Header::new("app", "test"), &[request, query], [], &mut bytes);
/// let snap = snapshot::decode(&bytes).unwrap();
///
/// let (request, query) = (&snap.spans[0], &snap.spans[1]);
/// assert_eq!((request.id(), request.name(), request.thread()), (7, "request", "worker-1"));
/// assert_eq!(request.duration(), Some(Duration::from_millis(12)));
/// assert_eq!(request.busy(), Duration::from_millis(5));
/// assert_eq!(request.field("user"), Some(&FieldValue::from("alice")));
/// assert_eq!(request.field("elapsed_us"), Some(&FieldValue::from(12_000u64)));
/// assert_eq!((query.parent(), query.status()), (7, SpanStatus::Error));
/// assert!(query.is_open() && query.duration().is_none());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    /// The span's level.
    pub level: Level,
    pub(super) id: u64,
    pub(super) parent: u64,
    pub(super) name: Arc<str>,
    pub(super) target: Arc<str>,
    pub(super) module_path: Arc<str>,
    pub(super) file: Arc<str>,
    pub(super) line: u32,
    pub(super) thread: Arc<str>,
    pub(super) thread_id: u64,
    pub(super) start: SystemTime,
    pub(super) end: Option<SystemTime>,
    pub(super) busy: Duration,
    pub(super) status: SpanStatus,
    pub(super) follows_from: Vec<u64>,
    pub(super) fields: Vec<(String, FieldValue)>,
}

impl Span {
    /// A span `id` called `name` at `level`, started at `start`: a root (parent 0), still open,
    /// never entered (busy time zero), status ok, no follows-from links and no fields; target,
    /// module path, file and thread name empty, line and thread id 0.
    ///
    /// Ids are not zero (0 means "no span"); the writer skips spans whose id is 0.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use ttlog_core::snapshot::{Span, SpanStatus};
    /// use ttlog_core::Level;
    ///
    /// let span = Span::new(1, "job", Level::Warn, SystemTime::now());
    /// assert_eq!((span.parent(), span.target(), span.line()), (0, "", 0));
    /// assert_eq!((span.busy(), span.status()), (Duration::ZERO, SpanStatus::Ok));
    /// assert!(span.is_open());
    /// ```
    pub fn new(id: u64, name: impl Into<Arc<str>>, level: Level, start: SystemTime) -> Span {
        let empty: Arc<str> = Arc::from("");
        Span {
            level,
            id,
            parent: 0,
            name: name.into(),
            target: empty.clone(),
            module_path: empty.clone(),
            file: empty.clone(),
            line: 0,
            thread: empty,
            thread_id: 0,
            start,
            end: None,
            busy: Duration::ZERO,
            status: SpanStatus::Ok,
            follows_from: Vec::new(),
            fields: Vec::new(),
        }
    }

    /// Sets the parent's id (`0` for a root span).
    pub fn with_parent(mut self, parent: u64) -> Span {
        self.parent = parent;
        self
    }

    /// Sets the target.
    pub fn with_target(mut self, target: impl Into<Arc<str>>) -> Span {
        self.target = target.into();
        self
    }

    /// Sets where the span was created: module path, source file and line.
    pub fn with_location(
        mut self,
        module_path: impl Into<Arc<str>>,
        file: impl Into<Arc<str>>,
        line: u32,
    ) -> Span {
        self.module_path = module_path.into();
        self.file = file.into();
        self.line = line;
        self
    }

    /// Sets the thread that created the span: its name and ttlog's index for it.
    pub fn with_thread(mut self, name: impl Into<Arc<str>>, thread_id: u64) -> Span {
        self.thread = name.into();
        self.thread_id = thread_id;
        self
    }

    /// Sets when the span closed; `None` (the default) for a span still open.
    ///
    /// The writer stores the end as the time since the start, so an end before the start is
    /// written as the start.
    pub fn with_end(mut self, end: impl Into<Option<SystemTime>>) -> Span {
        self.end = end.into();
        self
    }

    /// Sets how long the span was entered (on any thread).
    pub fn with_busy(mut self, busy: Duration) -> Span {
        self.busy = busy;
        self
    }

    /// Sets the status.
    pub fn with_status(mut self, status: SpanStatus) -> Span {
        self.status = status;
        self
    }

    /// Adds follows-from links: ids of spans that caused this one without being its parent.
    pub fn with_follows_from(mut self, ids: impl IntoIterator<Item = u64>) -> Span {
        self.follows_from.extend(ids);
        self
    }

    /// Adds a field.
    pub fn with_field(mut self, name: impl Into<String>, value: impl Into<FieldValue>) -> Span {
        self.fields.push((name.into(), value.into()));
        self
    }

    /// The span's id (never 0 in a decoded snapshot).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The parent's id, `0` for a root span. The parent may be missing from the snapshot (the
    /// collector keeps a bounded number of closed spans).
    pub fn parent(&self) -> u64 {
        self.parent
    }

    /// The span's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The span's target.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The module the span was created in (empty when unknown).
    pub fn module_path(&self) -> &str {
        &self.module_path
    }

    /// The source file the span was created in (empty when unknown).
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The source line the span was created at (`0` when unknown).
    pub fn line(&self) -> u32 {
        self.line
    }

    /// The name of the thread that created the span.
    pub fn thread(&self) -> &str {
        &self.thread
    }

    /// ttlog's index of the thread that created the span.
    pub fn thread_id(&self) -> u64 {
        self.thread_id
    }

    /// When the span was created.
    pub fn start(&self) -> SystemTime {
        self.start
    }

    /// When the span closed (its last handle was dropped); `None` if it was still open when
    /// the snapshot was taken.
    pub fn end(&self) -> Option<SystemTime> {
        self.end
    }

    /// Whether the span was still open when the snapshot was taken.
    pub fn is_open(&self) -> bool {
        self.end.is_none()
    }

    /// How long the span lasted, from creation to close; `None` for an open span (zero if
    /// the end is before the start, which a decoded span never has).
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use ttlog_core::{snapshot::Span, Level};
    /// let start = SystemTime::now();
    /// let span = Span::new(1, "job", Level::Info, start);
    /// assert_eq!(span.duration(), None);
    /// let span = span.with_end(start + Duration::from_micros(1500));
    /// assert_eq!(span.duration(), Some(Duration::from_micros(1500)));
    /// ```
    pub fn duration(&self) -> Option<Duration> {
        self.end
            .map(|end| end.duration_since(self.start).unwrap_or(Duration::ZERO))
    }

    /// How long the span was entered, on any thread. For a span entered when the snapshot was
    /// taken, this includes the time up to the snapshot.
    pub fn busy(&self) -> Duration {
        self.busy
    }

    /// How the span ended (or stands, if open).
    pub fn status(&self) -> SpanStatus {
        self.status
    }

    /// Ids of the spans this one follows from (causes that are not its parent).
    pub fn follows_from(&self) -> &[u64] {
        &self.follows_from
    }

    /// The value of the first field called `name`.
    pub fn field(&self, name: &str) -> Option<&FieldValue> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The fields, in order: the span's fields as last recorded, then, for a closed span read
    /// back from a snapshot, [`ELAPSED_US`] and [`ELAPSED_MS`].
    pub fn fields(&self) -> impl Iterator<Item = Field<'_>> {
        self.fields
            .iter()
            .map(|(name, value)| Field { name, value })
    }

    /// The fields without the trailing [`ELAPSED_US`] and [`ELAPSED_MS`] pair the writer
    /// appends to closed spans, and without the trailing [`TRACE_FIELDS`](crate::record::TRACE_FIELDS) the collector
    /// appends to spans inside a trace context: what the span itself recorded.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use ttlog_core::snapshot::{self, Header, Span};
    /// use ttlog_core::Level;
    /// let start = SystemTime::now();
    /// let span = Span::new(1, "job", Level::Info, start)
    ///     .with_field("n", 3)
    ///     .with_end(start + Duration::from_millis(2));
    /// let mut bytes = Vec::new();
    /// snapshot::encode_with_spans(&Header::new("app", "test"), &[span], [], &mut bytes);
    /// let span = &snapshot::decode(&bytes).unwrap().spans[0];
    /// assert_eq!(span.fields().count(), 3);
    /// let recorded: Vec<_> = span.recorded_fields().map(|f| f.name).collect();
    /// assert_eq!(recorded, ["n"]);
    /// ```
    pub fn recorded_fields(&self) -> impl Iterator<Item = Field<'_>> {
        self.recorded_pairs()
            .iter()
            .map(|(name, value)| Field { name, value })
    }

    /// [`recorded_fields`](Self::recorded_fields) as a slice.
    pub(super) fn recorded_pairs(&self) -> &[(String, FieldValue)] {
        let f: &[(String, FieldValue)] = &self.fields;
        let f = match f {
            [rest @ .., (us, _), (ms, _)]
                if self.end.is_some() && us == ELAPSED_US && ms == ELAPSED_MS =>
            {
                rest
            }
            _ => f,
        };
        match f {
            [rest @ .., (t, _), (s, _), (c, _)] if [t, s, c] == crate::record::TRACE_FIELDS => rest,
            _ => f,
        }
    }

    /// Whether the writer must append [`ELAPSED_US`] and [`ELAPSED_MS`] (each only when the
    /// span has no field of that name, so that writing a decoded span again adds nothing).
    pub(super) fn elapsed_fields(&self) -> [Option<(&'static str, FieldValue)>; 2] {
        let Some(d) = self.duration() else {
            return [None, None];
        };
        let us = u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        let ms = d.as_secs_f64() * 1e3;
        [
            self.field(ELAPSED_US)
                .is_none()
                .then(|| (ELAPSED_US, FieldValue::from(us))),
            self.field(ELAPSED_MS)
                .is_none()
                .then(|| (ELAPSED_MS, FieldValue::from(ms))),
        ]
    }
}
