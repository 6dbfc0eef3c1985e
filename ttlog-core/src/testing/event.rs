//! [`CapturedEvent`] and [`CapturedSpan`]: what a capture keeps of an event, and how it is
//! rendered for golden tests.
//!
//! A captured event is the event as the sinks get it (redacted), with the spans it happened
//! in copied at the time it was logged, so it can be inspected and rendered after its spans
//! have closed, and the ids of the trace context it happened in, if any (`trace_id`,
//! `span_id`, `correlation_id`, as the collector gives them to the sinks). Rendering goes
//! through the sinks' own compact formatter ([`format_record`](crate::sink::format_record)),
//! without the timestamp.

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::callsite::Callsite;
use crate::clock;
use crate::event::{LogEvent, Values};
use crate::field::FieldValue;
use crate::level::Level;
use crate::record::{Fields, Record, SpanLookup, SpanView, TraceFields, TRACE_FIELDS};
use crate::sink::{format_record, Format};
use crate::span::TRACE_TARGET;
use crate::trace_context::root::TraceRoot;

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
    /// The `trace_id`, `span_id` and `correlation_id` fields, inside a trace context.
    trace_values: Option<Box<[FieldValue; 3]>>,
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
    /// The trace context the span is in, as the collector's span table has it.
    trace: Option<Arc<TraceRoot>>,
}

/// An event's spans: those [`CapturedEvent::spans`] shows (root first), then the trace-context
/// spans, which it leaves out but the formatter's scope walk goes through.
#[derive(Clone, Default)]
struct Scope {
    spans: Vec<CapturedSpan>,
    /// How many of `spans` are not trace-context spans (they come first).
    shown: usize,
}

impl Scope {
    /// `spans` root first, with the trace-context spans moved to the end.
    fn new(mut spans: Vec<CapturedSpan>) -> Scope {
        // A stable sort: the shown spans keep their root-first order.
        spans.sort_by_key(CapturedSpan::is_trace_context);
        let shown = spans.iter().filter(|s| !s.is_trace_context()).count();
        Scope { spans, shown }
    }

    fn get(&self, id: u64) -> Option<&CapturedSpan> {
        self.spans.iter().find(|s| s.id == id)
    }
}

// ===== impl CapturedEvent =====

impl CapturedEvent {
    /// A redacted event and its scope (root first).
    pub(crate) fn new(event: LogEvent, scope: Vec<CapturedSpan>) -> CapturedEvent {
        let (callsite, timestamp, thread_index, span_id, message, values) = event.into_parts();
        let scope = Scope::new(scope);
        let trace_values = scope.trace(span_id).map(|t| {
            let mut values: Box<[FieldValue; 3]> = Box::default();
            let mut slots = values.iter_mut();
            t.for_each(|_, text| {
                if let Some(slot) = slots.next() {
                    *slot = FieldValue::from_str_copy(text);
                }
            });
            values
        });
        CapturedEvent {
            callsite,
            timestamp,
            thread_name: crate::thread::name(thread_index),
            thread_index,
            span_id,
            message,
            values,
            scope,
            trace_values,
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
    ///
    /// Inside an entered [`TraceContext`](crate::TraceContext), `"trace_id"`, `"span_id"`
    /// and `"correlation_id"` answer the ids the sinks print (as text, see
    /// [`Record::trace`]), unless the event has a field of its own with that name, which
    /// wins, as in the formats.
    ///
    /// ```
    /// use ttlog_core::{current_trace_context, testing, Callsite, EventBuilder, Level, TraceContext};
    /// static DONE: Callsite = Callsite::new(Level::Info, "app", "app", "src/app.rs", 1, "done", &[]);
    ///
    /// let logs = testing::capture();
    /// let ctx = TraceContext::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", None)
    ///     .unwrap();
    /// let entered = ctx.enter();
    /// let here = current_trace_context().unwrap();
    /// ttlog_core::logger::dispatch(EventBuilder::new(&DONE).build());
    /// drop(entered);
    ///
    /// let event = logs.assert_logged(Level::Info, "done");
    /// assert_eq!(event.field("trace_id"), Some(&"4bf92f3577b34da6a3ce929d0e0e4736".into()));
    /// assert_eq!(event.field("span_id"), Some(&here.parent_id.to_string().into()));
    /// assert!(event.fields().is_empty()); // the event's own fields
    /// ```
    pub fn field(&self, name: &str) -> Option<&FieldValue> {
        self.fields()
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value)
            .or_else(|| {
                let i = TRACE_FIELDS.iter().position(|&n| n == name)?;
                Some(&self.trace_values.as_deref()?[i])
            })
    }

    /// The event's own fields, in the order they were logged (without the trace ids
    /// [`field`](Self::field) also answers).
    pub fn fields(&self) -> Fields<'_> {
        Fields::split(self.callsite.field_names(), &self.values)
    }

    /// The spans the event happened in, root first: those created while a capture was
    /// active (spans from before the capture are not known to it, nor is a trace context
    /// entered before it). The spans of entered [`TraceContext`](crate::TraceContext)s
    /// (target [`TRACE_TARGET`]) are left out, as the formats leave them out of the
    /// scope: their ids are the event's `trace_id`, `span_id` and `correlation_id`
    /// ([`field`](Self::field), [`Record::trace`]).
    pub fn spans(&self) -> &[CapturedSpan] {
        &self.scope.spans[..self.scope.shown]
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
    /// timestamp ([`Record::trace`] gives the ids of the trace context it happened in).
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
    /// the scope, target, message, fields). Inside a trace context the line ends with
    /// ` trace_id=… span_id=… correlation_id=…`, as the sinks' do; the W3C span id differs
    /// from one process to the next ([`SpanId::w3c_id`](crate::SpanId::w3c_id)).
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
        if let Some(trace) = &self.trace_values {
            for (name, value) in TRACE_FIELDS.iter().zip(trace.iter()) {
                if self.fields().iter().all(|f| f.name != *name) {
                    s.field(name, value);
                }
            }
        }
        s.field("spans", &self.spans())
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
        trace: Option<Arc<TraceRoot>>,
    ) -> CapturedSpan {
        CapturedSpan {
            id,
            parent,
            callsite,
            values,
            trace,
        }
    }

    /// Whether this is the span of an entered trace context (see
    /// [`SpanView::is_trace_context`]).
    fn is_trace_context(&self) -> bool {
        self.target() == TRACE_TARGET
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
        let s = self.get(id)?;
        Some(SpanView {
            id,
            parent: s.parent,
            name: s.name(),
            target: s.target(),
            level: s.level(),
            fields: s.fields(),
        })
    }

    /// As the collector's span table answers it: the context the span is in (its own, for a
    /// context's span, else inherited from its parent when it was created), with the span's
    /// W3C id.
    fn trace(&self, id: u64) -> Option<TraceFields<'_>> {
        self.get(id)?.trace.as_deref()?.fields(id)
    }
}
