//! [`CapturedEvent`] and [`CapturedSpan`]: what a capture keeps of an event, and how it is
//! rendered for golden tests.
//!
//! A captured event is the event as the sinks get it (redacted), with the spans it happened
//! in copied at the time it was logged, so it can be inspected and rendered after its spans
//! have closed. Rendering goes through the sinks' own compact formatter
//! ([`format_record`](crate::sink::format_record)), without the timestamp.

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::callsite::Callsite;
use crate::clock;
use crate::event::{LogEvent, Values};
use crate::field::FieldValue;
use crate::level::Level;
use crate::record::{Fields, Record, SpanLookup, SpanView};
use crate::sink::{format_record, Format};

/// An event captured by [`capture`](super::capture), as the sinks got it: redacted with the
/// runtime's rules, with its spans.
///
/// ```
/// use ttlog_core::{testing, Callsite, EventBuilder, FieldValue, Level};
///
/// static LOGIN: Callsite = Callsite::new(
///     Level::Warn, "app::auth", "app::auth", "src/auth.rs", 7, "login failed",
///     &["user_id", "password"],
/// );
/// let logs = testing::capture();
/// ttlog_core::logger::dispatch(EventBuilder::new(&LOGIN).value(42).value("hunter2").build());
///
/// let event = logs.assert_logged(Level::Warn, "login failed");
/// assert_eq!(event.target(), "app::auth");
/// assert_eq!(event.field("user_id"), Some(&42.into()));
/// assert_eq!(event.field("password"), Some(&"[REDACTED]".into()));
/// assert_eq!(event.render(), " WARN app::auth: login failed user_id=42 password=[REDACTED]");
/// ```
#[derive(Clone)]
pub struct CapturedEvent {
    callsite: &'static Callsite,
    timestamp: u64,
    thread_name: Arc<str>,
    thread_index: u32,
    span_id: u64,
    message: Option<FieldValue>,
    values: Values,
    scope: Scope,
}

/// A span a [`CapturedEvent`] happened in, as it was when the event was logged.
///
/// ```
/// use ttlog_core::{testing, Callsite, EventBuilder, FieldValue, Level, Span};
///
/// static REQUEST: Callsite = Callsite::new(
///     Level::Info, "app", "app", "src/app.rs", 1, "request", &["id"],
/// );
/// static DONE: Callsite = Callsite::new(Level::Info, "app", "app", "src/app.rs", 2, "done", &[]);
///
/// let logs = testing::capture();
/// let span = Span::new(&REQUEST, None, [FieldValue::from(7)].into_iter().collect());
/// span.in_scope(|| ttlog_core::logger::dispatch(EventBuilder::new(&DONE).build()));
///
/// let event = logs.assert_logged(Level::Info, "done");
/// assert_eq!(event.spans()[0].name(), "request");
/// assert_eq!(event.spans()[0].field("id"), Some(&7.into()));
/// assert_eq!(event.render(), " INFO request{id=7}: app: done");
/// ```
#[derive(Clone)]
pub struct CapturedSpan {
    id: u64,
    parent: u64,
    callsite: &'static Callsite,
    values: Vec<FieldValue>,
}

/// An event's spans, root first.
#[derive(Clone, Default)]
struct Scope(Vec<CapturedSpan>);

// ===== impl CapturedEvent =====

impl CapturedEvent {
    /// A redacted event and its scope (root first).
    pub(crate) fn new(event: LogEvent, scope: Vec<CapturedSpan>) -> CapturedEvent {
        let (callsite, timestamp, thread_index, span_id, message, values) = event.into_parts();
        CapturedEvent {
            callsite,
            timestamp,
            thread_name: crate::thread::name(thread_index),
            thread_index,
            span_id,
            message,
            values,
            scope: Scope(scope),
        }
    }

    /// The event's level.
    pub fn level(&self) -> Level {
        self.callsite.level()
    }

    /// The event's target (`module_path!()` unless set with `target:`).
    pub fn target(&self) -> &'static str {
        self.callsite.target()
    }

    /// The message: the formatted one, or the callsite's literal message.
    pub fn message(&self) -> &str {
        match &self.message {
            Some(m) => m.as_str().unwrap_or(""),
            None => self.callsite.message(),
        }
    }

    /// The value of the field called `name`; `None` when the event has no such field.
    /// Compare with `Some(&42.into())` or `Some(&"alice".into())`: values compare by
    /// meaning (see [`FieldValue`]).
    pub fn field(&self, name: &str) -> Option<&FieldValue> {
        self.fields()
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value)
    }

    /// The fields, in the order they were logged.
    pub fn fields(&self) -> Fields<'_> {
        Fields::split(self.callsite.field_names(), &self.values)
    }

    /// The spans the event happened in, root first: those created while a capture was
    /// active (spans from before the capture are not known to it).
    pub fn spans(&self) -> &[CapturedSpan] {
        &self.scope.0
    }

    /// The id of the span the event happened in, `0` for none.
    pub fn span_id(&self) -> u64 {
        self.span_id
    }

    /// The name of the thread that logged it (`"<unnamed>"` for unnamed threads; libtest
    /// names each test's thread after the test).
    pub fn thread_name(&self) -> &str {
        &self.thread_name
    }

    /// When the event was logged.
    pub fn timestamp(&self) -> SystemTime {
        clock::to_system_time(self.timestamp)
    }

    /// The event's static description (level, target, file, line, field names).
    pub fn callsite(&self) -> &'static Callsite {
        self.callsite
    }

    /// The event as a [`Record`], the view sinks and formatters take, with its real
    /// timestamp.
    pub fn record(&self) -> Record<'_> {
        self.record_at(self.timestamp())
    }

    fn record_at(&self, timestamp: SystemTime) -> Record<'_> {
        Record {
            level: self.level(),
            timestamp,
            target: self.target(),
            module_path: self.callsite.module_path(),
            file: self.callsite.file(),
            line: self.callsite.line(),
            message: self.message(),
            thread_name: &self.thread_name,
            thread_id: u64::from(self.thread_index),
            span_id: self.span_id,
            spans: Some(&self.scope),
            fields: self.fields(),
        }
    }

    /// The event as one deterministic line: the compact format the console sink writes,
    /// without the timestamp, and without the trailing newline:
    /// `` WARN request{id=7}: app::auth: login failed user_id=42`` (level in five columns,
    /// the scope, target, message, fields).
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        self.render_into(&mut out);
        if out.last() == Some(&b'\n') {
            out.pop();
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Appends [`render`](Self::render)'s line and a `'\n'` to `out`.
    pub(crate) fn render_into(&self, out: &mut Vec<u8>) {
        let start = out.len();
        format_record(Format::Compact, &self.record_at(UNIX_EPOCH), out);
        // The compact line starts with the timestamp, which has no space in it: drop it and
        // the space after it.
        if let Some(space) = out[start..].iter().position(|&b| b == b' ') {
            out.drain(start..=start + space);
        }
    }
}

impl fmt::Display for CapturedEvent {
    /// The [`render`](CapturedEvent::render)ed line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl fmt::Debug for CapturedEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("CapturedEvent");
        s.field("level", &self.level())
            .field("target", &self.target())
            .field("message", &self.message());
        for field in self.fields().iter() {
            s.field(field.name, field.value);
        }
        s.field("spans", &self.scope.0)
            .field("thread", &self.thread_name)
            .finish()
    }
}

// ===== impl CapturedSpan =====

impl CapturedSpan {
    pub(crate) fn new(
        id: u64,
        parent: u64,
        callsite: &'static Callsite,
        values: Vec<FieldValue>,
    ) -> CapturedSpan {
        CapturedSpan {
            id,
            parent,
            callsite,
            values,
        }
    }

    /// The span's name.
    pub fn name(&self) -> &'static str {
        self.callsite.message()
    }

    /// The span's target.
    pub fn target(&self) -> &'static str {
        self.callsite.target()
    }

    /// The span's level.
    pub fn level(&self) -> Level {
        self.callsite.level()
    }

    /// The span's id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The value of the field called `name` as it was when the event was logged (an empty
    /// value for a field declared `Empty` and not recorded yet).
    pub fn field(&self, name: &str) -> Option<&FieldValue> {
        self.fields()
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value)
    }

    /// The span's fields, in declaration order.
    pub fn fields(&self) -> Fields<'_> {
        Fields::split(self.callsite.field_names(), &self.values)
    }
}

impl fmt::Debug for CapturedSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("CapturedSpan");
        s.field("name", &self.name());
        for field in self.fields().iter() {
            s.field(field.name, field.value);
        }
        s.finish()
    }
}

impl SpanLookup for Scope {
    fn span(&self, id: u64) -> Option<SpanView<'_>> {
        let s = self.0.iter().find(|s| s.id == id)?;
        Some(SpanView {
            id,
            parent: s.parent,
            name: s.name(),
            target: s.target(),
            level: s.level(),
            fields: s.fields(),
        })
    }
}
