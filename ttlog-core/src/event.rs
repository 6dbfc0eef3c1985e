//! [`LogEvent`]: one event on its way from the caller to the collector.
//!
//! An event is a pointer to its static [`Callsite`], a raw clock reading, the values of its
//! fields (in the order of the callsite's field names), and the formatted message when the
//! message had format arguments. It is built on the caller's stack without touching the heap
//! for up to [`INLINE_FIELDS`] ordinary fields, then moved into the caller's ring.

use std::fmt;
use std::time::SystemTime;

use crate::callsite::site::Callsite;
use crate::clock;
use crate::field::value::FieldValue;
use crate::level::Level;
pub use crate::ring::values::{Values, INLINE_FIELDS};

/// One event: static callsite, timestamp, thread, span and field values.
///
/// # Examples
///
/// ```
/// use ttlog_core::{Callsite, FieldValue, Level, LogEvent};
/// static CS: Callsite = Callsite::new(Level::Warn, "app", "app", "src/main.rs", 3, "slow", &["ms"]);
/// let event = LogEvent::new(&CS, [FieldValue::from(250u64)].into_iter().collect());
/// assert_eq!(event.level(), Level::Warn);
/// assert_eq!(event.message(), "slow");
/// assert_eq!(event.field("ms"), Some(&FieldValue::from(250)));
/// ```
pub struct LogEvent {
    callsite: &'static Callsite,
    timestamp: u64,
    thread: u32,
    span: u64,
    message: Option<FieldValue>,
    values: Values,
}

impl LogEvent {
    /// An event whose message is the callsite's literal message, stamped now.
    #[inline(always)]
    pub fn new(callsite: &'static Callsite, values: Values) -> LogEvent {
        LogEvent {
            callsite,
            timestamp: clock::now(),
            thread: 0,
            span: 0,
            message: None,
            values,
        }
    }

    /// An event with a formatted message, stamped now.
    #[inline(always)]
    pub fn with_message(
        callsite: &'static Callsite,
        message: FieldValue,
        values: Values,
    ) -> LogEvent {
        LogEvent {
            callsite,
            timestamp: clock::now(),
            thread: 0,
            span: 0,
            message: Some(message),
            values,
        }
    }

    /// An event with every part given (the ring logger builds events in place with it).
    #[inline(always)]
    pub(crate) fn from_parts(
        callsite: &'static Callsite,
        timestamp: u64,
        thread: u32,
        message: Option<FieldValue>,
        values: Values,
    ) -> LogEvent {
        LogEvent {
            callsite,
            timestamp,
            thread,
            span: 0,
            message,
            values,
        }
    }

    /// Takes the event apart: callsite, timestamp, thread, span, message, values.
    #[inline]
    pub(crate) fn into_parts(
        self,
    ) -> (&'static Callsite, u64, u32, u64, Option<FieldValue>, Values) {
        (
            self.callsite,
            self.timestamp,
            self.thread,
            self.span,
            self.message,
            self.values,
        )
    }

    /// The message slot and the values, for the collector's redaction to rewrite.
    #[inline]
    pub(crate) fn redaction_parts(&mut self) -> (&mut Option<FieldValue>, &mut [FieldValue]) {
        (&mut self.message, &mut self.values)
    }

    /// The event's callsite.
    #[inline]
    pub fn callsite(&self) -> &'static Callsite {
        self.callsite
    }

    /// The event's level.
    #[inline]
    pub fn level(&self) -> Level {
        self.callsite.level()
    }

    /// The event's target.
    #[inline]
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

    /// The formatted message, when the message had arguments.
    pub fn formatted_message(&self) -> Option<&FieldValue> {
        self.message.as_ref()
    }

    /// The field values, in the order of [`Callsite::field_names`].
    #[inline]
    pub fn values(&self) -> &[FieldValue] {
        &self.values
    }

    /// The value of the field called `name`.
    pub fn field(&self, name: &str) -> Option<&FieldValue> {
        let idx = self
            .callsite
            .field_names()
            .iter()
            .position(|n| *n == name)?;
        self.values.get(idx)
    }

    /// The raw clock reading taken when the event was built (see [`crate::clock`]).
    #[inline]
    pub fn raw_timestamp(&self) -> u64 {
        self.timestamp
    }

    /// The wall-clock time the event was built.
    pub fn timestamp(&self) -> SystemTime {
        clock::to_system_time(self.timestamp)
    }

    /// The index of the thread that logged the event (see [`crate::thread`]); `0` until the
    /// logger stamps it.
    #[inline]
    pub fn thread_index(&self) -> u32 {
        self.thread
    }

    /// Stamps the thread the event came from.
    #[inline]
    pub fn set_thread_index(&mut self, index: u32) {
        self.thread = index;
    }

    /// The id of the span the event happened in, `0` for none.
    #[inline]
    pub fn span_id(&self) -> u64 {
        self.span
    }

    /// Sets the span the event happened in.
    #[inline]
    pub fn set_span_id(&mut self, span: u64) {
        self.span = span;
    }

    /// Overrides the timestamp (raw clock ticks), e.g. for events replayed from elsewhere.
    #[inline]
    pub fn set_raw_timestamp(&mut self, ticks: u64) {
        self.timestamp = ticks;
    }
}

impl fmt::Debug for LogEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("LogEvent");
        s.field("level", &self.level())
            .field("target", &self.target())
            .field("message", &self.message());
        for (name, value) in self.callsite.field_names().iter().zip(self.values.iter()) {
            s.field(name, value);
        }
        s.field("thread", &self.thread)
            .field("span", &self.span)
            .finish()
    }
}

/// Builds a [`LogEvent`] step by step, for code that is not a macro expansion (adapters,
/// tests).
///
/// ```
/// use ttlog_core::{Callsite, EventBuilder, Level};
/// static CS: Callsite = Callsite::new(Level::Info, "db", "db", "src/db.rs", 1, "query {}", &["rows", "table"]);
/// let event = EventBuilder::new(&CS)
///     .message(format_args!("query {}", 7))
///     .value(12u64)
///     .value("users")
///     .build();
/// assert_eq!(event.message(), "query 7");
/// assert_eq!(event.field("table").and_then(|v| v.as_str()), Some("users"));
/// ```
#[derive(Debug)]
pub struct EventBuilder {
    callsite: &'static Callsite,
    message: Option<FieldValue>,
    values: Values,
}

impl EventBuilder {
    /// Starts an event for `callsite`.
    pub fn new(callsite: &'static Callsite) -> EventBuilder {
        EventBuilder {
            callsite,
            message: None,
            values: Values::new(),
        }
    }

    /// Sets a formatted message (instead of the callsite's literal one).
    pub fn message(mut self, args: fmt::Arguments<'_>) -> EventBuilder {
        self.message = Some(FieldValue::from_args(args));
        self
    }

    /// Appends the value of the next field, in callsite order.
    pub fn value(mut self, value: impl Into<FieldValue>) -> EventBuilder {
        self.values.push(value.into());
        self
    }

    /// Finishes the event, stamping it now. Missing trailing values are recorded as empty.
    pub fn build(mut self) -> LogEvent {
        while self.values.len() < self.callsite.field_names().len() {
            self.values.push(FieldValue::EMPTY);
        }
        match self.message {
            Some(m) => LogEvent::with_message(self.callsite, m, self.values),
            None => LogEvent::new(self.callsite, self.values),
        }
    }
}
