//! [`LogBridge`]: ttlog events out to `log`, for a library on ttlog inside an app on `log`.

use std::cell::Cell;
use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use ::log::kv::{self, Key, Source, Value, VisitSource};
use ::log::{Metadata, Record};
use ttlog_core::event::Values;
use ttlog_core::record::MAX_SCOPE_DEPTH;
use ttlog_core::span::{SpanOp, SpanOpKind};
use ttlog_core::{FieldValue, LogEvent, Logger, ValueRef};

use super::level::{from_log_filter, to_log_level};

/// A ttlog [`Logger`] that hands every ttlog event to the global `log` logger.
///
/// A library can move to ttlog's macros before the applications that use it do: an
/// application that sets up `env_logger` (or any `log` logger) and installs a `LogBridge`
/// as ttlog's logger sees the library's ttlog events among its other `log` records, with
/// the same level, target, module path, file and line, the message, and the fields as `log`
/// key-values with their types (integers, floats, bools, chars and text; empty fields are
/// `null`).
///
/// An event inside ttlog spans gets one more key-value, `spans`, with the scope as text,
/// root first, each span with the fields it has recorded so far, as ttlog's text formats
/// print it: `spans="request{id=7}:db{table=users}"`. The bridge keeps the open spans (name,
/// parent, fields) for that, and forgets each when it closes.
///
/// Each event is offered to `log` on the thread that logged it, after `log`'s own checks
/// (`log::max_level()` and the logger's `enabled`). ttlog's collector, snapshots and rings
/// are not involved: the event is handed over at once and ttlog keeps nothing.
///
/// Do not install a `LogBridge` together with [`install`](super::install) (which sends `log`
/// to ttlog): each would hand the other's events back. Should that happen anyway, an event
/// that comes back to the bridge on the same thread is dropped instead of looping, and
/// counted ([`LogBridge::dropped`]).
///
/// # Examples
///
/// ```
/// use std::sync::Mutex;
///
/// // The host application's `log` logger (env_logger, simple_logger, ...).
/// struct Host(Mutex<Vec<String>>);
/// impl log::Log for Host {
///     fn enabled(&self, _: &log::Metadata<'_>) -> bool { true }
///     fn log(&self, record: &log::Record<'_>) {
///         let user = record.key_values().get("user_id".into()).and_then(|v| v.to_u64());
///         self.0.lock().unwrap().push(format!("{} {} {:?}", record.level(), record.args(), user));
///     }
///     fn flush(&self) {}
/// }
/// static HOST: Host = Host(Mutex::new(Vec::new()));
/// log::set_logger(&HOST).unwrap();
/// log::set_max_level(log::LevelFilter::Info);
///
/// // The library logs with ttlog; the bridge sends its events to `log`.
/// ttlog_integrations::log::LogBridge::install();
/// // In the library: `ttlog::info!("connected", user_id = 7u64)`, which amounts to
/// static CONNECTED: ttlog_core::Callsite = ttlog_core::Callsite::new(
///     ttlog_core::Level::Info, "lib", "lib", "src/lib.rs", 1, "connected", &["user_id"]);
/// ttlog_core::logger::dispatch(ttlog_core::EventBuilder::new(&CONNECTED).value(7u64).build());
///
/// assert_eq!(*HOST.0.lock().unwrap(), ["INFO connected Some(7)"]);
/// ```
#[derive(Debug, Default)]
pub struct LogBridge {
    /// The open spans, by id (`None` until the first one).
    spans: Mutex<Option<HashMap<u64, OpenSpan>>>,
    /// Events dropped because they came back to the bridge.
    dropped: AtomicU64,
}

/// What the bridge keeps of an open span to print it in a scope.
#[derive(Debug)]
struct OpenSpan {
    parent: u64,
    name: &'static str,
    names: &'static [&'static str],
    values: Values,
}

thread_local! {
    /// Whether this thread is inside [`LogBridge::log`] (a `log` logger that hands records
    /// back to ttlog would otherwise loop).
    static FORWARDING: Cell<bool> = const { Cell::new(false) };
}

// ===== impl LogBridge =====

impl LogBridge {
    /// A new bridge. It has no state: every bridge sends to `log`'s global logger.
    ///
    /// ```
    /// let bridge = ttlog_integrations::log::LogBridge::new();
    /// # let _ = bridge;
    /// ```
    pub const fn new() -> LogBridge {
        LogBridge {
            spans: Mutex::new(None),
            dropped: AtomicU64::new(0),
        }
    }

    /// How many events this bridge dropped because they reached it while it was already
    /// handing an event to `log` on the same thread (a `log` logger that sends records back
    /// to ttlog, whose events would otherwise come back here forever), or during the thread's
    /// teardown. Events `log` does not want (its max level, its logger's `enabled`) are not
    /// counted.
    ///
    /// ```
    /// let bridge = ttlog_integrations::log::LogBridge::new();
    /// assert_eq!(bridge.dropped(), 0);
    /// ```
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    fn lock_spans(&self) -> MutexGuard<'_, Option<HashMap<u64, OpenSpan>>> {
        // The table holds whole entries only, so a panic elsewhere cannot leave it torn.
        self.spans.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The scope of span `leaf` as text, root first, or `None` if the span is unknown.
    fn scope(&self, leaf: u64) -> Option<FieldValue> {
        let spans = self.lock_spans();
        let spans = spans.as_ref()?;
        let mut chain = Vec::new();
        let mut id = leaf;
        while id != 0 && chain.len() < MAX_SCOPE_DEPTH {
            let Some(span) = spans.get(&id) else { break };
            chain.push(span);
            id = span.parent;
        }
        if chain.is_empty() {
            return None;
        }
        let mut text = String::new();
        for (i, span) in chain.iter().rev().enumerate() {
            if i > 0 {
                text.push(':');
            }
            let _ = write!(text, "{span}");
        }
        Some(FieldValue::from(text))
    }

    /// Makes a `LogBridge` ttlog's global logger (see [`ttlog_core::set_logger`]) and opens
    /// ttlog's level gate as far as `log` compiles in ([`log::STATIC_MAX_LEVEL`]),
    /// leaving the choice of what to show to the `log` logger. Returns the ttlog logger it
    /// replaced.
    ///
    /// Use it instead of `ttlog::init()`, which starts ttlog's own collector and sinks: with
    /// the bridge, the `log` logger writes everything.
    ///
    /// # Examples
    ///
    /// ```
    /// ttlog_integrations::log::LogBridge::install();
    /// assert_eq!(ttlog_core::max_level(), ttlog_core::LevelFilter::Trace);
    /// ```
    pub fn install() -> Arc<dyn Logger> {
        let previous = ttlog_core::set_logger(Arc::new(LogBridge::new()));
        ttlog_core::set_max_level(from_log_filter(::log::STATIC_MAX_LEVEL));
        previous
    }
}

impl Logger for LogBridge {
    fn log(&self, event: LogEvent) {
        let level = to_log_level(event.level());
        if level > ::log::max_level() {
            return;
        }
        // Re-entered on this thread, or in thread teardown: dropped and counted.
        if FORWARDING.try_with(|f| f.replace(true)).unwrap_or(true) {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let _reset = Reset;
        let cs = event.callsite();
        let metadata = Metadata::builder().level(level).target(cs.target()).build();
        let logger = ::log::logger();
        if !logger.enabled(&metadata) {
            return;
        }
        let spans = match event.span_id() {
            0 => None,
            id => self.scope(id),
        };
        let fields = EventFields {
            names: cs.field_names(),
            values: event.values(),
            spans: spans.as_ref(),
        };
        let message = event.message();
        logger.log(
            &Record::builder()
                .metadata(metadata)
                .args(format_args!("{message}"))
                .module_path_static(non_empty(cs.module_path()))
                .file_static(non_empty(cs.file()))
                .line((cs.line() != 0).then_some(cs.line()))
                .key_values(&fields)
                .build(),
        );
    }

    fn flush(&self) {
        ::log::logger().flush();
    }

    /// Keeps each open span's name, parent and fields for the `spans` key-value.
    fn span(&self, op: SpanOp) {
        let id = op.id.into_u64();
        match op.kind {
            SpanOpKind::New {
                callsite,
                parent,
                values,
            } => {
                let span = OpenSpan {
                    parent: parent.map_or(0, |p| p.into_u64()),
                    name: callsite.message(),
                    names: callsite.field_names(),
                    values,
                };
                self.lock_spans()
                    .get_or_insert_with(HashMap::new)
                    .insert(id, span);
            }
            SpanOpKind::Record { field, value } => {
                if let Some(span) = self.lock_spans().as_mut().and_then(|s| s.get_mut(&id)) {
                    while span.values.len() <= field {
                        span.values.push(FieldValue::EMPTY);
                    }
                    span.values[field] = value;
                }
            }
            SpanOpKind::Close => {
                if let Some(spans) = self.lock_spans().as_mut() {
                    spans.remove(&id);
                }
            }
            _ => {}
        }
    }
}

/// `name{field=value ...}`, or just `name`, leaving out fields without a value.
impl fmt::Display for OpenSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)?;
        let mut open = false;
        for (name, value) in self.names.iter().zip(self.values.iter()) {
            if value.is_empty() {
                continue;
            }
            f.write_str(if open { " " } else { "{" })?;
            open = true;
            write!(f, "{name}={value}")?;
        }
        if open {
            f.write_str("}")?;
        }
        Ok(())
    }
}

/// Clears [`FORWARDING`] when dropped, even if the `log` logger panics.
struct Reset;

impl Drop for Reset {
    fn drop(&mut self) {
        let _ = FORWARDING.try_with(|f| f.set(false));
    }
}

fn non_empty(s: &'static str) -> Option<&'static str> {
    (!s.is_empty()).then_some(s)
}

/// An event's fields, and its span scope, as a `log` key-value source.
struct EventFields<'a> {
    names: &'static [&'static str],
    values: &'a [FieldValue],
    spans: Option<&'a FieldValue>,
}

impl Source for EventFields<'_> {
    fn visit<'kvs>(&'kvs self, visitor: &mut dyn VisitSource<'kvs>) -> Result<(), kv::Error> {
        for (name, value) in self.names.iter().zip(self.values) {
            visitor.visit_pair(Key::from_str_static(name), to_log_value(value))?;
        }
        if let Some(spans) = self.spans {
            visitor.visit_pair(Key::from_str_static("spans"), to_log_value(spans))?;
        }
        Ok(())
    }

    fn count(&self) -> usize {
        self.names.len().min(self.values.len()) + usize::from(self.spans.is_some())
    }
}

/// The `log` value of a field value, with its type.
fn to_log_value(value: &FieldValue) -> Value<'_> {
    match value.as_ref() {
        ValueRef::Empty => Value::null(),
        ValueRef::Bool(v) => Value::from(v),
        ValueRef::I64(v) => Value::from(v),
        ValueRef::U64(v) => Value::from(v),
        ValueRef::I128(v) => Value::from(v),
        ValueRef::U128(v) => Value::from(v),
        ValueRef::F64(v) => Value::from(v),
        ValueRef::Char(v) => Value::from(v),
        ValueRef::Str(v) => Value::from(v),
    }
}
