//! What a snapshot holds, read back: its [`Header`], its [`Event`]s, and the [`Snapshot`].

use std::sync::Arc;
use std::time::SystemTime;

use super::span::Span;
use crate::field::value::{Field, FieldValue};
use crate::level::Level;
use crate::record::{Fields, Record, SpanLookup, SpanView};

/// What a snapshot is: who wrote it, where, when and why.
///
/// ```
/// use ttlog_core::snapshot::Header;
/// let h = Header::new("billing", "sigterm");
/// assert_eq!(h.pid, std::process::id());
/// assert_eq!(h.ttlog_version, env!("CARGO_PKG_VERSION"));
/// assert!(!h.hostname.is_empty());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// The name of the service that wrote the snapshot.
    pub service: String,
    /// The host it ran on.
    pub hostname: String,
    /// Its process id.
    pub pid: u32,
    /// When the snapshot was taken.
    pub created: SystemTime,
    /// Why it was taken: the caller's string for `Guard::snapshot`, or what ttlog wrote it for:
    /// `"panic"`, `"collector-panic"` (a sink panicked), `"SIGTERM"`, `"SIGINT"`, `"SIGUSR1"`.
    pub reason: String,
    /// The version of ttlog that wrote it.
    pub ttlog_version: String,
    /// How many events the flight recorder holds at most.
    pub capacity: u64,
    /// How many events were dropped before reaching the collector (full rings, records too
    /// large for their ring) and reported before the snapshot; recorder evictions are not
    /// counted.
    pub dropped: u64,
}

impl Header {
    /// A header for this process, taken now: the host name (from
    /// `/proc/sys/kernel/hostname`, else `$HOSTNAME`, else `"unknown"`), this process's id,
    /// the current time and this crate's version; capacity and dropped are 0.
    pub fn new(service: impl Into<String>, reason: impl Into<String>) -> Header {
        Header {
            service: service.into(),
            hostname: hostname(),
            pid: std::process::id(),
            created: SystemTime::now(),
            reason: reason.into(),
            ttlog_version: env!("CARGO_PKG_VERSION").to_owned(),
            capacity: 0,
            dropped: 0,
        }
    }
}

fn hostname() -> String {
    let from_proc = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|s| s.trim().to_owned());
    from_proc
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// A decoded snapshot: its header, its spans in creation order and its events, oldest first.
///
/// A snapshot is a [`SpanLookup`]: [`record`](Snapshot::record) lends an event out as a
/// [`Record`] whose scope resolves through the snapshot's spans, so formatters print it as the
/// live sinks did (`request{id=7}:db: query done`).
///
/// Lookups by id are a binary search over [`spans`](Snapshot::spans), which is sorted by id
/// (the creation order) in every decoded snapshot: the format requires it. A snapshot built or
/// changed by hand must keep `spans` sorted by id (`spans.sort_by_key(Span::id)`), or lookups
/// may miss spans. There is no hidden index, so a `Snapshot` is plain data: build it with a
/// struct literal, clone it, compare it.
///
/// ```
/// use ttlog_core::snapshot::{self, Header};
/// let mut bytes = Vec::new();
/// snapshot::encode(&Header::new("svc", "test"), [], &mut bytes);
/// let snap = snapshot::decode(&bytes).unwrap();
/// assert_eq!(snap.header.reason, "test");
/// assert!(snap.events.is_empty() && snap.spans.is_empty());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// Who wrote the snapshot, where, when and why.
    pub header: Header,
    /// The spans the collector knew when the snapshot was taken (live ones and the most recently
    /// closed), sorted by id, which is their creation order.
    pub spans: Vec<Span>,
    /// The events, oldest first.
    pub events: Vec<Event>,
}

impl Snapshot {
    /// The span `id`, if the snapshot has it.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use ttlog_core::snapshot::{Header, Snapshot, Span};
    /// use ttlog_core::Level;
    /// let t = SystemTime::now();
    /// let snap = Snapshot {
    ///     header: Header::new("svc", "test"),
    ///     spans: vec![Span::new(2, "a", Level::Info, t), Span::new(5, "b", Level::Info, t)],
    ///     events: Vec::new(),
    /// };
    /// assert_eq!(snap.span(5).map(Span::name), Some("b"));
    /// assert!(snap.span(3).is_none());
    /// ```
    pub fn span(&self, id: u64) -> Option<&Span> {
        let i = self.spans.binary_search_by_key(&id, |s| s.id).ok()?;
        self.spans.get(i)
    }

    /// `event` as a [`Record`] whose [`scope`](Record::scope) is looked up in this snapshot's
    /// spans: what to hand a formatter to print the event with its spans.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use ttlog_core::snapshot::{self, Header, Span};
    /// use ttlog_core::sink::{format_record, Format};
    /// use ttlog_core::{Fields, Level, Record};
    ///
    /// let t = SystemTime::now();
    /// let spans = [
    ///     Span::new(1, "request", Level::Info, t).with_field("id", 7),
    ///     Span::new(2, "db", Level::Info, t).with_parent(1),
    /// ];
    /// let event = Record {
    ///     level: Level::Info, timestamp: t, target: "app", module_path: "app", file: "",
    ///     line: 0, message: "query done", thread_name: "main", thread_id: 1, span_id: 2,
    ///     spans: None, fields: Fields::empty(),
    /// };
    /// let mut bytes = Vec::new();
    /// snapshot::encode_with_spans(&Header::new("app", "test"), &spans, [event], &mut bytes);
    /// let snap = snapshot::decode(&bytes).unwrap();
    ///
    /// let record = snap.record(&snap.events[0]);
    /// let names: Vec<_> = record.scope().root_first().iter().map(|s| s.name).collect();
    /// assert_eq!(names, ["request", "db"]);
    /// let mut line = Vec::new();
    /// format_record(Format::Compact, &record, &mut line);
    /// assert!(String::from_utf8(line).unwrap().contains("request{id=7}:db: app: query done"));
    /// ```
    pub fn record<'a>(&'a self, event: &'a Event) -> Record<'a> {
        Record {
            spans: Some(self),
            ..event.as_record()
        }
    }
}

impl SpanLookup for Snapshot {
    /// The span `id` as formatters see it. Its fields are the ones the span recorded: the
    /// `elapsed_us`/`elapsed_ms` pair and the trace ids ([`TRACE_FIELDS`](crate::snapshot::TRACE_FIELDS)) appended when it
    /// was written are left out, as live scopes do not have them.
    fn span(&self, id: u64) -> Option<SpanView<'_>> {
        let s = Snapshot::span(self, id)?;
        Some(SpanView {
            id: s.id,
            parent: s.parent,
            name: &s.name,
            target: &s.target,
            level: s.level,
            fields: Fields::pairs(s.recorded_pairs()),
        })
    }
}

/// An event read back from a snapshot.
///
/// It owns its data; [`as_record`](Event::as_record) lends it out as the same [`Record`] view
/// that live sinks format, so formatters serve both.
///
/// ```
/// use std::time::SystemTime;
/// use ttlog_core::snapshot::{self, Header};
/// use ttlog_core::{FieldValue, Fields, Level, Record};
///
/// let values = [FieldValue::from(true)];
/// let record = Record {
///     level: Level::Debug, timestamp: SystemTime::now(), target: "db", module_path: "app::db",
///     file: "src/db.rs", line: 7, message: "query", thread_name: "main", thread_id: 1,
///     span_id: 4, spans: None, fields: Fields::split(&["cached"], &values),
/// };
/// let mut bytes = Vec::new();
/// snapshot::encode(&Header::new("svc", "test"), [record], &mut bytes);
/// let snap = snapshot::decode(&bytes).unwrap();
/// let e = &snap.events[0];
/// assert_eq!((e.target(), e.module_path(), e.file(), e.line()), ("db", "app::db", "src/db.rs", 7));
/// assert_eq!((e.thread(), e.thread_id(), e.span_id()), ("main", 1, 4));
/// assert_eq!(e.timestamp(), record.timestamp);
/// let names: Vec<_> = e.fields().map(|f| f.name).collect();
/// assert_eq!(names, ["cached"]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// The event's level.
    pub level: Level,
    pub(super) timestamp: SystemTime,
    pub(super) target: Arc<str>,
    pub(super) module_path: Arc<str>,
    pub(super) file: Arc<str>,
    pub(super) thread: Arc<str>,
    pub(super) line: u32,
    pub(super) thread_id: u64,
    pub(super) span_id: u64,
    pub(super) message: String,
    pub(super) fields: Vec<(String, FieldValue)>,
}

impl Event {
    /// The event a snapshot stores for `record` (its trace ids, when it is in a trace
    /// context, as fields of its own, as the snapshot writer stores them).
    pub(crate) fn from_record(record: &Record<'_>) -> Event {
        let mut fields: Vec<(String, FieldValue)> = record
            .fields
            .iter()
            .map(|f| (f.name.to_owned(), f.value.clone()))
            .collect();
        if let Some(ids) = record.trace() {
            for (name, value) in record.missing_trace_fields(&ids) {
                fields.push((name.to_owned(), FieldValue::from(value)));
            }
        }
        Event {
            level: record.level,
            timestamp: record.timestamp,
            target: Arc::from(record.target),
            module_path: Arc::from(record.module_path),
            file: Arc::from(record.file),
            thread: Arc::from(record.thread_name),
            line: record.line,
            thread_id: record.thread_id,
            span_id: record.span_id,
            message: record.message.to_owned(),
            fields,
        }
    }

    /// The event's target.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The module of the logging statement (empty when unknown).
    pub fn module_path(&self) -> &str {
        &self.module_path
    }

    /// The source file of the logging statement (empty when unknown).
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The line of the logging statement (`0` when unknown).
    pub fn line(&self) -> u32 {
        self.line
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The value of the first field called `name`.
    pub fn field(&self, name: &str) -> Option<&FieldValue> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The fields, in order.
    pub fn fields(&self) -> impl Iterator<Item = Field<'_>> {
        self.fields
            .iter()
            .map(|(name, value)| Field { name, value })
    }

    /// When the event happened.
    pub fn timestamp(&self) -> SystemTime {
        self.timestamp
    }

    /// The name of the thread that logged it.
    pub fn thread(&self) -> &str {
        &self.thread
    }

    /// ttlog's index of the thread that logged it.
    pub fn thread_id(&self) -> u64 {
        self.thread_id
    }

    /// The span the event happened in, `0` for none.
    pub fn span_id(&self) -> u64 {
        self.span_id
    }

    /// The event as a [`Record`], the view sinks and formatters take.
    pub fn as_record(&self) -> Record<'_> {
        Record {
            level: self.level,
            timestamp: self.timestamp,
            target: &self.target,
            module_path: &self.module_path,
            file: &self.file,
            line: self.line,
            message: &self.message,
            thread_name: &self.thread,
            thread_id: self.thread_id,
            span_id: self.span_id,
            spans: None,
            fields: Fields::pairs(&self.fields),
        }
    }
}
