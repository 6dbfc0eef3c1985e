//! [`LogAdapter`]: `log` records in, ttlog events out.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use ::log::kv::{self, Key, Value, VisitSource, VisitValue};
use ::log::{Metadata, Record};
use ttlog_core::callsite::{self, CallsiteKey};
use ttlog_core::event::Values;
use ttlog_core::{Callsite, FieldValue, Level, LogEvent, ValueRef};

use super::level::from_log_level;

/// The most distinct keys one record's key-values keep as fields (the limit of ttlog's own
/// macros). Further keys are dropped, and the event gets a `log.dropped_keys` count.
pub const MAX_KEY_VALUES: usize = 32;

/// A [`log::Log`] that turns `log` records into ttlog events.
///
/// For each record that ttlog's filter lets through it builds an event with:
///
/// | `log`                         | ttlog                                                     |
/// |-------------------------------|-----------------------------------------------------------|
/// | `level()`                     | the same level (both have the same five)                  |
/// | `target()`                    | the event's target, which the filter matches              |
/// | `args()`                      | the message; a literal (`args().as_str()`) is not copied  |
/// | `module_path()`, `file()`, `line()` | the callsite's module path, file and line (empty / `0` when `log` has none) |
/// | `key_values()`                | fields, with their types (see below), in order            |
///
/// Key-values keep their types: `u8`…`u64` and `usize` are unsigned integers, `i8`…`i64` and
/// `isize` signed ones, `u128`/`i128` stay 128-bit, `f32`/`f64` are floats, and `bool`,
/// `char` and strings are themselves. Values captured with `:?` (Debug), `:%` (Display) or
/// any other way are recorded as their text. A `None` is an empty field (`null` in JSON). A
/// key given twice keeps its last value, once, at the place of its first; keys past the
/// [`MAX_KEY_VALUES`]th distinct one are dropped and counted in a `log.dropped_keys` field.
///
/// The event is dispatched like a macro's: into the calling thread's ring, inside the
/// thread's current ttlog span.
///
/// When [`ttlog_core::callsite::intern`] keeps no more callsites, a record goes through a
/// fixed callsite per level, with target `log` and the record's target, module path, file
/// and line in the fields `log.target`, `log.module_path`, `log.file` and `log.line`, and its
/// key-values as `key=value` text in `log.kv`. Such records are still filtered by their own
/// target.
///
/// Usually installed with [`install`](super::install); a `LogAdapter` can also be called
/// directly, or wrapped in another `log::Log`.
///
/// # Examples
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use log::Log;
/// use ttlog_integrations::log::LogAdapter;
///
/// let lines = Arc::new(Mutex::new(Vec::new()));
/// let sink_lines = lines.clone();
/// let guard = ttlog_core::init()
///     .filter("info,noisy=warn")
///     .no_console()
///     .sink(move |r: &ttlog_core::Record<'_>| {
///         let user_id = r.field("user_id").and_then(|v| v.as_u64());
///         sink_lines.lock().unwrap().push(format!("{} {} {:?}", r.target, r.message, user_id));
///     })
///     .try_init()
///     .unwrap();
/// let adapter = LogAdapter::new();
///
/// let info = |target| log::Metadata::builder().level(log::Level::Info).target(target).build();
/// assert!(adapter.enabled(&info("orders")));
/// assert!(!adapter.enabled(&info("noisy::client")));
///
/// // What `log::info!(target: "orders", user_id = 42; "user logged in")` hands its logger:
/// let kvs = [("user_id", log::kv::Value::from(42u64))];
/// adapter.log(
///     &log::Record::builder()
///         .level(log::Level::Info)
///         .target("orders")
///         .args(format_args!("user logged in"))
///         .key_values(&kvs)
///         .build(),
/// );
/// adapter.flush(); // drains the rings into the sinks
/// assert_eq!(*lines.lock().unwrap(), ["orders user logged in Some(42)"]);
/// # drop(guard);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct LogAdapter {
    _private: (),
}

// ===== impl LogAdapter =====

impl LogAdapter {
    /// A new adapter. It has no state: every adapter sends to ttlog's global logger.
    ///
    /// ```
    /// let adapter = ttlog_integrations::log::LogAdapter::new();
    /// # let _ = adapter;
    /// ```
    pub const fn new() -> LogAdapter {
        LogAdapter { _private: () }
    }

    /// The record's event through the fixed callsite for its level (see the type's docs).
    #[cold]
    #[inline(never)]
    fn log_fallback(&self, level: Level, record: &Record<'_>, kvs: KeyValues<'_>) {
        if !filter_enables(level, record.target()) {
            return;
        }
        let mut text = String::new();
        for (name, value) in kvs.names.iter().zip(kvs.values.iter()) {
            if !text.is_empty() {
                text.push(' ');
            }
            let _ = write!(text, "{name}={}", Kv(value));
        }
        let mut values = Values::new();
        values.push(FieldValue::from(record.target()));
        values.push(FieldValue::from(record.module_path()));
        values.push(FieldValue::from(record.file()));
        values.push(FieldValue::from(record.line()));
        values.push(FieldValue::from(text));
        let cs = &FALLBACK[usize::from(level.as_u8() - 1)];
        let event = LogEvent::with_message(cs, FieldValue::from_args(*record.args()), values);
        ttlog_core::logger::dispatch(event);
    }
}

impl ::log::Log for LogAdapter {
    /// Whether ttlog's level gate and filter let `metadata`'s level and target through (what
    /// `log::log_enabled!` asks).
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        let level = from_log_level(metadata.level());
        ttlog_core::max_level().enables(level) && filter_enables(level, metadata.target())
    }

    /// Sends the record to ttlog as an event, if ttlog's filter lets it through.
    fn log(&self, record: &Record<'_>) {
        let level = from_log_level(record.level());
        if !ttlog_core::max_level().enables(level) {
            return;
        }
        let mut kvs = KeyValues::default();
        // Our visitor never fails; a source that fails part way keeps what it gave.
        let _ = record.key_values().visit(&mut kvs);
        if kvs.dropped > 0 {
            kvs.push_dropped_count();
        }
        let literal = record.args().as_str();
        let names: Vec<&str> = kvs.names.iter().map(|n| &**n).collect();
        let key = CallsiteKey {
            level,
            target: record.target(),
            module_path: record.module_path().unwrap_or(""),
            file: record.file().unwrap_or(""),
            line: record.line().unwrap_or(0),
            message: literal.unwrap_or(""),
            field_names: &names,
        };
        let Some(cs) = callsite::intern(&key) else {
            return self.log_fallback(level, record, kvs);
        };
        if !cs.is_enabled() {
            return;
        }
        let event = match literal {
            // The callsite carries the literal: nothing to copy.
            Some(_) => LogEvent::new(cs, kvs.values),
            None => LogEvent::with_message(cs, FieldValue::from_args(*record.args()), kvs.values),
        };
        ttlog_core::logger::dispatch(event);
    }

    /// Drains every ttlog ring into the sinks and flushes them (what `log::logger().flush()`
    /// asks), through ttlog's global logger.
    fn flush(&self) {
        if let Some(logger) = ttlog_core::logger() {
            logger.flush();
        }
    }
}

/// Whether ttlog's active filter lets `level` events for `target` through (`true` without a
/// filter, when only the level gate decides).
fn filter_enables(level: Level, target: &str) -> bool {
    ttlog_core::filter::current().is_none_or(|f| f.enables(level, target))
}

/// The field names of the fixed callsites.
const FALLBACK_FIELDS: &[&str] = &[
    "log.target",
    "log.module_path",
    "log.file",
    "log.line",
    "log.kv",
];

/// The callsites of records whose own callsite could not be interned, one per level.
static FALLBACK: [Callsite; 5] = [
    Callsite::new(Level::Error, "log", "", "", 0, "", FALLBACK_FIELDS),
    Callsite::new(Level::Warn, "log", "", "", 0, "", FALLBACK_FIELDS),
    Callsite::new(Level::Info, "log", "", "", 0, "", FALLBACK_FIELDS),
    Callsite::new(Level::Debug, "log", "", "", 0, "", FALLBACK_FIELDS),
    Callsite::new(Level::Trace, "log", "", "", 0, "", FALLBACK_FIELDS),
];

// ===== key-values =====

/// A record's key-values as field names and typed values, in order, each key once.
#[derive(Default)]
struct KeyValues<'kvs> {
    names: Vec<Cow<'kvs, str>>,
    values: Values,
    /// Keys past [`MAX_KEY_VALUES`].
    dropped: usize,
}

impl KeyValues<'_> {
    fn push_dropped_count(&mut self) {
        self.names.push(Cow::Borrowed("log.dropped_keys"));
        self.values.push(FieldValue::from(self.dropped));
    }
}

impl<'kvs> VisitSource<'kvs> for KeyValues<'kvs> {
    fn visit_pair(&mut self, key: Key<'kvs>, value: Value<'kvs>) -> Result<(), kv::Error> {
        let value = to_field_value(&value);
        if let Some(i) = self.names.iter().position(|n| n == key.as_str()) {
            self.values[i] = value;
        } else if self.names.len() < MAX_KEY_VALUES {
            self.names.push(match key.to_borrowed_str() {
                Some(name) => Cow::Borrowed(name),
                None => Cow::Owned(key.as_str().to_owned()),
            });
            self.values.push(value);
        } else {
            self.dropped += 1;
        }
        Ok(())
    }
}

/// The typed field value of a `log` value: numbers, bools, chars and strings keep their
/// type, anything else is its text.
fn to_field_value(value: &Value<'_>) -> FieldValue {
    let mut out = ToField(None);
    match value.visit(&mut out) {
        Ok(()) => out.0.unwrap_or_else(|| FieldValue::display(value)),
        Err(_) => FieldValue::display(value),
    }
}

/// Receives one `log` value's typed contents.
struct ToField(Option<FieldValue>);

impl<'v> VisitValue<'v> for ToField {
    fn visit_any(&mut self, value: Value<'_>) -> Result<(), kv::Error> {
        self.0 = Some(FieldValue::display(&value));
        Ok(())
    }

    fn visit_null(&mut self) -> Result<(), kv::Error> {
        self.0 = Some(FieldValue::EMPTY);
        Ok(())
    }

    fn visit_u64(&mut self, value: u64) -> Result<(), kv::Error> {
        self.0 = Some(FieldValue::from(value));
        Ok(())
    }

    fn visit_i64(&mut self, value: i64) -> Result<(), kv::Error> {
        self.0 = Some(FieldValue::from(value));
        Ok(())
    }

    fn visit_u128(&mut self, value: u128) -> Result<(), kv::Error> {
        self.0 = Some(FieldValue::from(value));
        Ok(())
    }

    fn visit_i128(&mut self, value: i128) -> Result<(), kv::Error> {
        self.0 = Some(FieldValue::from(value));
        Ok(())
    }

    fn visit_f64(&mut self, value: f64) -> Result<(), kv::Error> {
        self.0 = Some(FieldValue::from(value));
        Ok(())
    }

    fn visit_bool(&mut self, value: bool) -> Result<(), kv::Error> {
        self.0 = Some(FieldValue::from(value));
        Ok(())
    }

    fn visit_char(&mut self, value: char) -> Result<(), kv::Error> {
        self.0 = Some(FieldValue::from(value));
        Ok(())
    }

    fn visit_str(&mut self, value: &str) -> Result<(), kv::Error> {
        self.0 = Some(FieldValue::from_str_copy(value));
        Ok(())
    }
}

/// A value as `log.kv` text: strings and chars quoted, empty values `null`.
struct Kv<'a>(&'a FieldValue);

impl fmt::Display for Kv<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_ref() {
            ValueRef::Empty => f.write_str("null"),
            ValueRef::Str(s) => write!(f, "{s:?}"),
            ValueRef::Char(c) => write!(f, "{c:?}"),
            _ => fmt::Display::fmt(self.0, f),
        }
    }
}
