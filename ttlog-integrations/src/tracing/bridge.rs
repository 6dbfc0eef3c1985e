//! [`TracingBridge`]: ttlog's events and spans, sent on to `tracing`.
//!
//! The other direction from the subscriber: a library adopts ttlog's macros while the
//! application that uses it still runs tracing-subscriber (or any tracing subscriber). The
//! bridge is a ttlog [`Logger`]; installed in place of ttlog's ring logger, it hands each
//! event and each span operation to the current tracing dispatcher.
//!
//! tracing needs a `&'static Metadata` and a registered callsite for everything it sees. The
//! bridge builds both once per ttlog callsite (events and spans apart), registers them with
//! tracing's callsite registry, so that tracing subscribers give their interest as they do for
//! their own callsites, and keeps them for the life of the process. ttlog spans become tracing
//! spans of the dispatcher that was current when they were created: entering, exiting,
//! `record`, `follows_from` and the close are forwarded to it, and events inside a ttlog span
//! name the matching tracing span as their parent.
//!
//! Parents: a ttlog span whose ttlog parent was bridged becomes a child of that tracing span.
//! A ttlog span without a ttlog parent, or whose parent the bridge does not know (created
//! before the bridge was installed, or not enabled in tracing), is created *contextually*
//! (`Attributes::new`): the host subscriber makes it a child of its own current span, so a
//! library's spans stay inside the application's `tracing::info_span!("request")`. Events
//! outside bridged spans are contextual too.
//!
//! Re-entry: an event or span operation that reaches the bridge while it is already
//! forwarding on the same thread (a tracing subscriber that logs to ttlog, which is the
//! bridge again) is dropped instead of going round forever, and counted
//! ([`TracingBridge::dropped`]). A close is never dropped: it only forgets the span and closes
//! the tracing span, which cannot loop.
//!
//! Limits: tracing's field sets hold at most 32 fields, so an event keeps its first 31 fields
//! besides `message` (a span its first 32). ttlog formats `?` and `%` values to text on the
//! caller's thread, so tracing receives them as strings (tracing-subscriber's text format
//! quotes them: `return="42"`). tracing has no span status, so `set_error` is not forwarded
//! (the `error` event of `#[instrument(err)]` is).

use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use tracing_core::callsite::Callsite as TracingCallsite;
use tracing_core::field::{self, Field, FieldSet, Value, ValueSet};
use tracing_core::metadata::Kind;
use tracing_core::span::{Attributes, Id, Record};
use tracing_core::subscriber::Interest;
use tracing_core::{dispatcher, Dispatch, Event, Metadata};
use ttlog_core::span::{SpanOp, SpanOpKind};
use ttlog_core::{Callsite, FieldValue, Level, LogEvent, Logger, ValueRef};

/// The most fields a tracing callsite has.
const MAX_FIELDS: usize = 32;

/// A ttlog [`Logger`] that forwards events and spans to the current tracing dispatcher.
///
/// # Examples
///
/// A library logs with ttlog's macros; the application collects with a tracing subscriber
/// (here a tiny one that keeps each event's message).
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use tracing_core::{field, span, Event, Metadata, Subscriber};
/// use ttlog_integrations::tracing::TracingBridge;
///
/// #[derive(Default)]
/// struct Messages(Mutex<Vec<String>>);
/// struct Message<'a>(&'a mut String);
/// impl field::Visit for Message<'_> {
///     fn record_debug(&mut self, f: &field::Field, v: &dyn std::fmt::Debug) {
///         if f.name() == "message" { *self.0 = format!("{v:?}") }
///     }
/// }
/// impl Subscriber for Messages {
///     fn enabled(&self, _: &Metadata<'_>) -> bool { true }
///     fn new_span(&self, _: &span::Attributes<'_>) -> span::Id { span::Id::from_u64(1) }
///     fn record(&self, _: &span::Id, _: &span::Record<'_>) {}
///     fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}
///     fn event(&self, event: &Event<'_>) {
///         let mut message = String::new();
///         event.record(&mut Message(&mut message));
///         self.0.lock().unwrap().push(message);
///     }
///     fn enter(&self, _: &span::Id) {}
///     fn exit(&self, _: &span::Id) {}
/// }
///
/// let app = Arc::new(Messages::default());
/// TracingBridge::install();
/// tracing::subscriber::with_default(app.clone(), || {
///     ttlog::info!("from the library");
/// });
/// assert_eq!(app.0.lock().unwrap().as_slice(), ["from the library"]);
/// ```
#[derive(Default)]
pub struct TracingBridge {
    /// ttlog span id → the tracing span it became.
    spans: Mutex<HashMap<u64, BridgedSpan>>,
    /// Events and span operations dropped because they came back to the bridge.
    dropped: AtomicU64,
}

/// A ttlog span as a tracing span.
#[derive(Clone)]
struct BridgedSpan {
    id: Id,
    /// The dispatcher that was current when the span was created, which holds it.
    dispatch: Dispatch,
    meta: &'static Metadata<'static>,
}

impl TracingBridge {
    /// A bridge with no spans.
    pub fn new() -> TracingBridge {
        TracingBridge::default()
    }

    /// Installs a bridge as ttlog's global logger ([`ttlog_core::set_logger`]) and opens ttlog's
    /// level gate to `Trace`, so that tracing's subscribers decide what is kept. Returns the
    /// logger it replaced.
    ///
    /// Do not also install [`TracingSubscriber`](super::TracingSubscriber) as tracing's
    /// dispatcher: events would go round in a circle (the bridge drops an event that comes back
    /// to it on the same thread, so nothing hangs, but nothing is logged either).
    pub fn install() -> Arc<dyn Logger> {
        let previous = ttlog_core::set_logger(Arc::new(TracingBridge::new()));
        ttlog_core::set_max_level(ttlog_core::LevelFilter::Trace);
        previous
    }

    /// How many events and span operations this bridge dropped because they reached it while
    /// it was already forwarding on the same thread (a tracing subscriber or layer that logs
    /// to ttlog from inside `event`, `new_span`, ..., whose events would otherwise come back
    /// here forever), or during the thread's teardown. Span closes are never dropped.
    ///
    /// ```
    /// let bridge = ttlog_integrations::tracing::TracingBridge::new();
    /// assert_eq!(bridge.dropped(), 0);
    /// ```
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    fn count_dropped(&self) {
        self.dropped.fetch_add(1, Ordering::Relaxed);
    }

    /// Forgets the ttlog span `key` and closes its tracing span.
    fn close(&self, key: u64) {
        let removed = lock(&self.spans).remove(&key);
        if let Some(span) = removed {
            span.dispatch.try_close(span.id);
        }
    }

    fn lookup(&self, id: u64) -> Option<BridgedSpan> {
        lock(&self.spans).get(&id).cloned()
    }

    fn forward_event(&self, event: &LogEvent) {
        let cs = bridged(event.callsite(), Kind::EVENT);
        let meta = cs.metadata();
        let parent = match event.span_id() {
            0 => None,
            id => self.lookup(id),
        };
        let send = |dispatch: &Dispatch| {
            if !cs.enabled(dispatch) {
                return;
            }
            let message = field::display(event.message());
            let values = Values::new(event.values());
            let mut pairs: Vec<(&Field, Option<&dyn Value>)> = Vec::with_capacity(MAX_FIELDS);
            let mut fields = meta.fields().iter();
            let Some(message_field) = fields.next() else {
                return;
            };
            // The fields are laid out as `message`, then the event's fields in order.
            let names: Vec<Field> = fields.collect();
            // An event without a message (`#[instrument(ret)]`'s) has none in tracing either.
            let message = (!event.message().is_empty()).then_some(&message as &dyn Value);
            pairs.push((&message_field, message));
            for (field, value) in names.iter().zip(values.0.iter()) {
                pairs.push((field, value.as_value()));
            }
            with_value_set(meta.fields(), &pairs, |values| match &parent {
                Some(span) => dispatch.event(&Event::new_child_of(span.id.clone(), meta, values)),
                None => dispatch.event(&Event::new(meta, values)),
            });
        };
        match &parent {
            Some(span) => send(&span.dispatch),
            None => dispatcher::get_default(send),
        }
    }

    fn forward_span(&self, op: SpanOp) {
        let key = op.id.into_u64();
        match op.kind {
            SpanOpKind::New {
                callsite,
                parent,
                values,
            } => {
                let cs = bridged(callsite, Kind::SPAN);
                let meta = cs.metadata();
                let parent = parent.and_then(|p| self.lookup(p.into_u64()));
                let dispatch = match &parent {
                    Some(span) => span.dispatch.clone(),
                    None => dispatcher::get_default(Dispatch::clone),
                };
                if !cs.enabled(&dispatch) {
                    return;
                }
                let values = Values::new(&values);
                let fields: Vec<Field> = meta.fields().iter().collect();
                let pairs: Vec<(&Field, Option<&dyn Value>)> = fields
                    .iter()
                    .zip(values.0.iter())
                    .map(|(f, v)| (f, v.as_value()))
                    .collect();
                let id = with_value_set(meta.fields(), &pairs, |values| {
                    // A bridged ttlog parent is the tracing parent; otherwise the host's
                    // current span is (see the module docs).
                    let attrs = match &parent {
                        Some(span) => Attributes::child_of(span.id.clone(), meta, values),
                        None => Attributes::new(meta, values),
                    };
                    dispatch.new_span(&attrs)
                });
                lock(&self.spans).insert(key, BridgedSpan { id, dispatch, meta });
            }
            SpanOpKind::Enter => {
                if let Some(span) = self.lookup(key) {
                    span.dispatch.enter(&span.id);
                }
            }
            SpanOpKind::Exit => {
                if let Some(span) = self.lookup(key) {
                    span.dispatch.exit(&span.id);
                }
            }
            SpanOpKind::Record { field, value } => {
                let Some(span) = self.lookup(key) else {
                    return;
                };
                let Some(field) = span.meta.fields().iter().nth(field) else {
                    return;
                };
                let value = Val::new(value.as_ref());
                let pairs = [(&field, value.as_value())];
                let values = span.meta.fields().value_set(&pairs);
                span.dispatch.record(&span.id, &Record::new(&values));
            }
            SpanOpKind::FollowsFrom(from) => {
                if let (Some(span), Some(from)) = (self.lookup(key), self.lookup(from.into_u64())) {
                    span.dispatch.record_follows_from(&span.id, &from.id);
                }
            }
            SpanOpKind::Close => self.close(key),
            _ => {}
        }
    }
}

impl Logger for TracingBridge {
    fn log(&self, event: LogEvent) {
        match Reentry::enter() {
            Some(_guard) => self.forward_event(&event),
            None => self.count_dropped(),
        }
    }

    fn span(&self, op: SpanOp) {
        match Reentry::enter() {
            Some(_guard) => self.forward_span(op),
            // Closing only removes the entry and closes the tracing span: safe re-entered,
            // and dropping it would leak both.
            None if matches!(op.kind, SpanOpKind::Close) => self.close(op.id.into_u64()),
            None => self.count_dropped(),
        }
    }
}

impl fmt::Debug for TracingBridge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TracingBridge")
            .field("spans", &lock(&self.spans).len())
            .field("dropped", &self.dropped())
            .finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The maps are changed by whole inserts and removes; a poisoned lock is still consistent.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

thread_local! {
    static FORWARDING: Cell<bool> = const { Cell::new(false) };
}

/// Marks this thread as inside the bridge, so that what comes back to ttlog from the tracing
/// side is dropped instead of going round forever.
struct Reentry;

impl Reentry {
    fn enter() -> Option<Reentry> {
        let entered = FORWARDING.try_with(|f| !f.replace(true)).unwrap_or(false);
        entered.then_some(Reentry)
    }
}

impl Drop for Reentry {
    fn drop(&mut self) {
        let _ = FORWARDING.try_with(|f| f.set(false));
    }
}

// ===== callsites =====

/// A tracing callsite made for a ttlog callsite.
struct Bridged {
    meta: OnceLock<Metadata<'static>>,
    /// tracing's cached interest: `0` not set, `1` never, `2` sometimes, `3` always.
    interest: AtomicU8,
}

impl Bridged {
    fn metadata(&'static self) -> &'static Metadata<'static> {
        // Set right after the callsite is leaked, before it is shared (see `bridged`).
        self.meta.get().expect("bridged callsite without metadata")
    }

    /// Whether `dispatch` wants what comes from this callsite.
    fn enabled(&'static self, dispatch: &Dispatch) -> bool {
        let meta = self.metadata();
        if *meta.level() > tracing_core::LevelFilter::current() {
            return false;
        }
        match self.interest.load(Ordering::Relaxed) {
            1 => false,
            3 => true,
            _ => dispatch.enabled(meta),
        }
    }
}

impl TracingCallsite for Bridged {
    fn set_interest(&self, interest: Interest) {
        let value = if interest.is_never() {
            1
        } else if interest.is_always() {
            3
        } else {
            2
        };
        self.interest.store(value, Ordering::Relaxed);
    }

    fn metadata(&self) -> &Metadata<'_> {
        self.meta.get().expect("bridged callsite without metadata")
    }
}

type BridgedMap = HashMap<(usize, bool), &'static Bridged>;

static BRIDGED: RwLock<Option<BridgedMap>> = RwLock::new(None);

/// The tracing callsite for `callsite` as an event or a span, made and registered once.
fn bridged(callsite: &'static Callsite, kind: Kind) -> &'static Bridged {
    let key = (callsite as *const Callsite as usize, kind.is_span());
    if let Some(found) = BRIDGED
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
        .and_then(|m| m.get(&key))
    {
        return found;
    }
    let mut map = BRIDGED.write().unwrap_or_else(|p| p.into_inner());
    if let Some(found) = map.as_ref().and_then(|m| m.get(&key)) {
        return found;
    }
    let cs: &'static Bridged = Box::leak(Box::new(Bridged {
        meta: OnceLock::new(),
        interest: AtomicU8::new(0),
    }));
    let is_span = kind.is_span();
    let mut names: Vec<&'static str> = Vec::new();
    if !is_span {
        names.push("message");
    }
    names.extend(callsite.field_names().iter().copied());
    names.truncate(MAX_FIELDS);
    let names: &'static [&'static str] = Box::leak(names.into_boxed_slice());
    let name: &'static str = if is_span {
        callsite.message()
    } else {
        Box::leak(format!("event {}:{}", callsite.file(), callsite.line()).into_boxed_str())
    };
    let non_empty = |s: &'static str| (!s.is_empty()).then_some(s);
    let _ = cs.meta.set(Metadata::new(
        name,
        callsite.target(),
        level(callsite.level()),
        non_empty(callsite.file()),
        (callsite.line() != 0).then_some(callsite.line()),
        non_empty(callsite.module_path()),
        FieldSet::new(names, tracing_core::identify_callsite!(cs)),
        kind,
    ));
    map.get_or_insert_with(HashMap::new).insert(key, cs);
    drop(map);
    tracing_core::callsite::register(cs);
    cs
}

fn level(level: Level) -> tracing_core::Level {
    match level {
        Level::Error => tracing_core::Level::ERROR,
        Level::Warn => tracing_core::Level::WARN,
        Level::Info => tracing_core::Level::INFO,
        Level::Debug => tracing_core::Level::DEBUG,
        Level::Trace => tracing_core::Level::TRACE,
    }
}

// ===== values =====

/// A ttlog value in a form tracing can take (its `Value` trait is sealed: only its own types).
enum Val<'a> {
    Empty,
    Bool(bool),
    I64(i64),
    U64(u64),
    I128(i128),
    U128(u128),
    F64(f64),
    Char(field::DisplayValue<char>),
    Str(&'a str),
}

impl<'a> Val<'a> {
    fn new(value: ValueRef<'a>) -> Val<'a> {
        match value {
            ValueRef::Empty => Val::Empty,
            ValueRef::Bool(v) => Val::Bool(v),
            ValueRef::I64(v) => Val::I64(v),
            ValueRef::U64(v) => Val::U64(v),
            ValueRef::I128(v) => Val::I128(v),
            ValueRef::U128(v) => Val::U128(v),
            ValueRef::F64(v) => Val::F64(v),
            ValueRef::Char(v) => Val::Char(field::display(v)),
            ValueRef::Str(v) => Val::Str(v),
        }
    }

    fn as_value(&self) -> Option<&dyn Value> {
        Some(match self {
            Val::Empty => return None,
            Val::Bool(v) => v,
            Val::I64(v) => v,
            Val::U64(v) => v,
            Val::I128(v) => v,
            Val::U128(v) => v,
            Val::F64(v) => v,
            Val::Char(v) => v,
            Val::Str(v) => v,
        })
    }
}

/// The values of an event or span.
struct Values<'a>(Vec<Val<'a>>);

impl<'a> Values<'a> {
    fn new(values: &'a [FieldValue]) -> Values<'a> {
        Values(values.iter().map(|v| Val::new(v.as_ref())).collect())
    }
}

/// Calls `f` with a `ValueSet` of `pairs` (tracing builds value sets from arrays only).
fn with_value_set<R>(
    fields: &FieldSet,
    pairs: &[(&Field, Option<&dyn Value>)],
    f: impl FnOnce(&ValueSet<'_>) -> R,
) -> R {
    fn go<const N: usize, R>(
        fields: &FieldSet,
        pairs: &[(&Field, Option<&dyn Value>)],
        f: impl FnOnce(&ValueSet<'_>) -> R,
    ) -> R {
        let array: [(&Field, Option<&dyn Value>); N] = std::array::from_fn(|i| pairs[i]);
        f(&fields.value_set(&array))
    }
    macro_rules! lengths {
        ($($n:literal)*) => {
            match pairs.len() {
                $($n => go::<$n, R>(fields, pairs, f),)*
                _ => go::<MAX_FIELDS, R>(fields, &pairs[..MAX_FIELDS], f),
            }
        };
    }
    lengths!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31)
}
