//! `slog` → ttlog: a [`Drain`](crate::slog::Drain) that turns every slog record into a ttlog
//! event (feature `slog`).
//!
//! A slog application builds its loggers on one root drain
//! (`slog::Logger::root(drain, o!(..))`). Replacing that drain with
//! [`Drain`](crate::slog::Drain) is the whole switch: every `info!(log, ..)`, every child
//! logger and every `o!` context stays as it is, and the records arrive in ttlog's rings,
//! filters, sinks and snapshots next to the events of ttlog's own macros. slog-async is not
//! needed in front of it: the drain does on the calling thread what ttlog's macros do (gate,
//! build the event, push it into the thread's lock-free ring) and ttlog's collector thread
//! formats and writes.
//!
//! # What maps to what
//!
//! | slog | ttlog |
//! | --- | --- |
//! | `Trace` `Debug` `Info` `Warning` `Error` | `Trace` `Debug` `Info` `Warn` `Error` |
//! | `Critical` | `Error`, with a first field `critical = true` |
//! | `record.msg()` | the message; a literal (`msg().as_str()`) is not copied |
//! | `record.tag()` if not empty, else `record.module()` | the target (what filters match) |
//! | `record.module()`, `file()`, `line()` | the callsite's module path, file and line |
//! | the record's key-values | fields, first |
//! | the logger's `o!` key-values | fields, after the record's, innermost child to root |
//!
//! The column and function slog records are not kept.
//!
//! # Values keep their types
//!
//! The drain is a [`slog::Serializer`](::slog::Serializer): integers stay integers
//! (`u8`…`u64`, `usize` unsigned, `i8`…`i64`, `isize` signed, `u128`/`i128` 128-bit when they
//! do not fit 64 bits), floats stay floats, and `bool`, `char` and strings stay themselves.
//! `()` and `None` are empty fields (`null` in JSON); `Some(v)` is `v`, and a lazy value
//! (`FnValue`) is what its closure returns. Values written with `%` (Display) or `?` (Debug)
//! and `fmt::Arguments` are recorded as their text, formatted on the calling thread; errors
//! (`#err`) as their message followed by their sources (`"outer: inner"`), bytes as slog
//! formats them (`0x01AB`), and nested values (`slog::Serde`) as their JSON text.
//!
//! # Order and duplicate keys
//!
//! Fields come in the order slog serializes them (the order slog-term's `FullFormat` prints
//! them): the statement's key-values, then the logger's, from the innermost child logger to
//! the root. Within one statement or one `o!`, slog hands its pairs over last-written first.
//!
//! slog keeps every pair, so a key can arrive more than once (a child that sets `"svc"`
//! again, a statement that repeats a logger's key). ttlog keeps **one value per key: the
//! innermost**, which is the first one serialized: the statement's value wins over the
//! logger's, a child's over its parent's, and within one statement or `o!`, the last one
//! written. Structured output then never shows a key twice, which JSON readers would
//! resolve unpredictably. On a `Critical` record the drain's own `critical = true` wins over
//! a key-value called `critical`.
//!
//! # Filtering
//!
//! Records are filtered by ttlog's filter (`TTLOG`, `RUST_LOG`, `.filter(..)`,
//! `Guard::set_filter`) on their level and target, like events of ttlog's macros: first the
//! level gate (one relaxed load), then a cached answer kept per level and target, before any
//! key-value is serialized (so a filtered record's `FnValue`s are not called and its `%`
//! values not formatted). slog's own compile-time level limit still applies before the
//! drain: by default slog's macros leave out `trace!` in debug builds and `trace!` and
//! `debug!` in release builds (slog's `max_level_*` features change that).
//!
//! # Callsites
//!
//! A ttlog event points at a `'static` [`Callsite`](ttlog_core::Callsite) (level, target,
//! module, file, line, literal message, field names), which slog's records cannot give. The
//! drain asks [`ttlog_core::callsite::intern`] for the callsite of each distinct combination,
//! once; later records from the same statement with the same keys find it with a read lock
//! and a hash lookup. When the interner is full
//! ([`MAX_INTERNED`](ttlog_core::callsite::MAX_INTERNED) callsites), records still arrive,
//! through one fixed callsite per level with target `slog`: the record's target, module, file
//! and line are then in the fields `slog.target`, `slog.module_path`, `slog.file` and
//! `slog.line`, and its key-values in `slog.kv` as `key=value` text (still filtered on their
//! own target).

use std::cell::Cell;
use std::fmt::{self, Write as _};

use ::slog::{Key, Level as SlogLevel, OwnedKVList, Record, Serializer, KV};
use ttlog_core::callsite::{self, CallsiteKey};
use ttlog_core::event::Values;
use ttlog_core::{Callsite, FieldValue, Level, LogEvent, ValueRef};

/// A [`slog::Drain`] that sends every record to ttlog.
///
/// Put it at the root of the application's slog loggers. It never fails
/// (`Err = slog::Never`), so it needs no `slog::Fuse`, though wrapping it in one, as slog
/// code usually does, changes nothing. It has no state and does not need ttlog to be
/// initialised to be built: until [`ttlog::init`](ttlog_core::init) runs, records are
/// discarded at the level gate.
///
/// See the [module documentation](self) for how records map onto events.
///
/// # Examples
///
/// ```
/// use slog::{crit, info, o};
///
/// let guard = ttlog_core::init().no_console().try_init().unwrap();
/// let root = slog::Logger::root(ttlog_integrations::slog::Drain::new(), o!("svc" => "orders"));
/// let log = root.new(o!("region" => "eu"));
/// info!(log, "order placed"; "order_id" => 7u64, "total" => 12.5);
/// crit!(log, "payment backend down"); // an ERROR event with critical = true
/// drop(guard); // drains and flushes
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Drain {
    _private: (),
}

impl Drain {
    /// A new drain. Every `Drain` sends to ttlog's global logger.
    ///
    /// ```
    /// let root = slog::Logger::root(ttlog_integrations::slog::Drain::new(), slog::o!());
    /// # let _ = root;
    /// ```
    pub const fn new() -> Drain {
        Drain { _private: () }
    }
}

impl ::slog::Drain for Drain {
    type Ok = ();
    type Err = ::slog::Never;

    /// Turns `record` and the logger's key-values into a ttlog event and dispatches it, if
    /// ttlog's filter lets the record's level and target through.
    fn log(&self, record: &Record<'_>, values: &OwnedKVList) -> Result<(), ::slog::Never> {
        let (level, critical) = map_level(record.level());
        if !enabled_by_level(level) {
            return Ok(());
        }
        let target = target_of(record);
        if !place_enabled(level, target) {
            return Ok(());
        }
        with_scratch(|names| {
            let mut fields = Fields {
                names,
                values: Values::new(),
            };
            if critical {
                // `Key` is `&'static str` unless slog's `dynamic-keys` feature is on.
                #[allow(clippy::useless_conversion)]
                fields.push(Key::from("critical"), FieldValue::from(true));
            }
            // `Fields` never fails; a value whose own `serialize` fails ends its list there,
            // and the pairs already given are kept.
            let _ = record.kv().serialize(record, &mut fields);
            let _ = values.serialize(record, &mut fields);
            emit(level, critical, target, record, fields);
        });
        Ok(())
    }

    /// Whether a record at `level` can be logged: ttlog's compile-time and run-time level
    /// gates. slog asks without a target, so a level that ttlog's filter enables for some
    /// target only answers `true` (slog allows false positives, never false negatives).
    ///
    /// ```
    /// use slog::Drain as _;
    ///
    /// let guard = ttlog_core::init().filter("warn,orders=debug").no_console().try_init().unwrap();
    /// let drain = ttlog_integrations::slog::Drain::new();
    /// assert!(drain.is_enabled(slog::Level::Debug)); // for `orders`
    /// assert!(!drain.is_enabled(slog::Level::Trace));
    /// # drop(guard);
    /// ```
    fn is_enabled(&self, level: SlogLevel) -> bool {
        enabled_by_level(map_level(level).0)
    }

    /// Drains every ttlog ring into the sinks and flushes them, through ttlog's global
    /// logger; waits for it (up to ten seconds).
    ///
    /// ```
    /// use slog::Drain as _;
    ///
    /// let guard = ttlog_core::init().no_console().try_init().unwrap();
    /// let drain = ttlog_integrations::slog::Drain::new();
    /// drain.flush().unwrap();
    /// # drop(guard);
    /// ```
    fn flush(&self) -> Result<(), ::slog::FlushError> {
        if let Some(logger) = ttlog_core::logger() {
            logger.flush();
        }
        Ok(())
    }
}

/// ttlog's level for a slog level, and whether it was `Critical`.
fn map_level(level: SlogLevel) -> (Level, bool) {
    match level {
        SlogLevel::Critical => (Level::Error, true),
        SlogLevel::Error => (Level::Error, false),
        SlogLevel::Warning => (Level::Warn, false),
        SlogLevel::Info => (Level::Info, false),
        SlogLevel::Debug => (Level::Debug, false),
        SlogLevel::Trace => (Level::Trace, false),
    }
}

/// The compile-time and run-time level gates, as a macro checks them.
#[inline]
fn enabled_by_level(level: Level) -> bool {
    ttlog_core::STATIC_MAX_LEVEL.enables(level) && ttlog_core::max_level().enables(level)
}

/// The record's tag when it has one (`info!(log, #"audit", ..)`), else its module.
fn target_of<'a>(record: &'a Record<'_>) -> &'a str {
    match record.tag() {
        "" => record.module(),
        tag => tag,
    }
}

/// Whether ttlog's filter lets `level` events for `target` through, from the cached interest
/// of one interned callsite per level and target (a filter's answer depends on nothing
/// else), so that a filtered record costs no serialization.
fn place_enabled(level: Level, target: &str) -> bool {
    let key = CallsiteKey {
        level,
        target,
        module_path: "",
        file: "",
        line: 0,
        message: "",
        field_names: &[],
    };
    match callsite::intern(&key) {
        Some(gate) => gate.is_enabled(),
        None => filter_enables(level, target),
    }
}

/// Whether ttlog's active filter lets `level` events for `target` through (`true` without a
/// filter, when only the level gate decides).
fn filter_enables(level: Level, target: &str) -> bool {
    ttlog_core::filter::current().is_none_or(|f| f.enables(level, target))
}

/// The most key names looked up without a heap allocation.
const STACK_NAMES: usize = 32;

/// Builds the event for `record` from its collected `fields` and dispatches it.
fn emit(level: Level, critical: bool, target: &str, record: &Record<'_>, fields: Fields<'_>) {
    let msg = record.msg();
    let literal = msg.as_str();
    let cs = {
        // The names as `&str`s for the key (slog's keys are `&'static str`s by default and
        // owned strings with its `dynamic-keys` feature), on the stack when they fit.
        let mut stack = [""; STACK_NAMES];
        let heap: Vec<&str>;
        let names: &[&str] = if fields.names.len() <= STACK_NAMES {
            for (slot, name) in stack.iter_mut().zip(fields.names.iter()) {
                *slot = key_str(name);
            }
            &stack[..fields.names.len()]
        } else {
            heap = fields.names.iter().map(key_str).collect();
            &heap
        };
        callsite::intern(&CallsiteKey {
            level,
            target,
            module_path: record.module(),
            file: record.file(),
            line: record.line(),
            message: literal.unwrap_or(""),
            field_names: names,
        })
    };
    let Some(cs) = cs else {
        return emit_fallback(level, critical, target, record, fields);
    };
    let event = match literal {
        // The callsite carries the literal: nothing to copy.
        Some(_) => LogEvent::new(cs, fields.values),
        None => LogEvent::with_message(cs, FieldValue::from_args(*msg), fields.values),
    };
    ttlog_core::logger::dispatch(event);
}

/// The event for `record` through the fixed callsite of its level (see the module docs).
#[cold]
#[inline(never)]
fn emit_fallback(
    level: Level,
    critical: bool,
    target: &str,
    record: &Record<'_>,
    fields: Fields<'_>,
) {
    let mut text = String::new();
    // A critical record's first field is the drain's own `critical`, which has its own field.
    let skip = usize::from(critical);
    for (name, value) in fields.names.iter().zip(fields.values.iter()).skip(skip) {
        if !text.is_empty() {
            text.push(' ');
        }
        let _ = write!(text, "{}={}", key_str(name), Kv(value));
    }
    let mut values = Values::new();
    if critical {
        values.push(FieldValue::from(true));
    }
    values.push(FieldValue::from(target));
    values.push(FieldValue::from(record.module()));
    values.push(FieldValue::from(record.file()));
    values.push(FieldValue::from(record.line()));
    values.push(FieldValue::from(text));
    let cs = if critical {
        &FALLBACK_CRITICAL
    } else {
        &FALLBACK[usize::from(level.as_u8() - 1)]
    };
    let event = LogEvent::with_message(cs, FieldValue::from_args(*record.msg()), values);
    ttlog_core::logger::dispatch(event);
}

/// The field names of the fixed callsites.
const FALLBACK_FIELDS: &[&str] = &[
    "slog.target",
    "slog.module_path",
    "slog.file",
    "slog.line",
    "slog.kv",
];

/// The callsites of records whose own callsite could not be interned, one per level.
static FALLBACK: [Callsite; 5] = [
    Callsite::new(Level::Error, "slog", "", "", 0, "", FALLBACK_FIELDS),
    Callsite::new(Level::Warn, "slog", "", "", 0, "", FALLBACK_FIELDS),
    Callsite::new(Level::Info, "slog", "", "", 0, "", FALLBACK_FIELDS),
    Callsite::new(Level::Debug, "slog", "", "", 0, "", FALLBACK_FIELDS),
    Callsite::new(Level::Trace, "slog", "", "", 0, "", FALLBACK_FIELDS),
];

/// The fixed callsite of `Critical` records whose own callsite could not be interned.
static FALLBACK_CRITICAL: Callsite = Callsite::new(
    Level::Error,
    "slog",
    "",
    "",
    0,
    "",
    &[
        "critical",
        "slog.target",
        "slog.module_path",
        "slog.file",
        "slog.line",
        "slog.kv",
    ],
);

/// A value in `slog.kv` text: text quoted when it would otherwise be ambiguous.
struct Kv<'a>(&'a FieldValue);

impl fmt::Display for Kv<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_ref() {
            ValueRef::Str(s)
                if s.is_empty()
                    || s.contains(|c: char| c.is_whitespace() || c == '=' || c == '"') =>
            {
                write!(f, "{s:?}")
            }
            _ => write!(f, "{}", self.0),
        }
    }
}

// ===== key-values =====

/// A key's text, whether slog's keys are `&'static str` (its default) or owned strings (its
/// `dynamic-keys` feature).
// `as_ref` does nothing on `&'static str`, and is needed for slog's `dynamic-keys` `Key`.
#[allow(clippy::useless_asref)]
fn key_str(key: &Key) -> &str {
    key.as_ref()
}

thread_local! {
    /// Reused for the key names of each record, so that logging allocates nothing for them
    /// once the thread has logged its widest record.
    static SCRATCH: Cell<Vec<Key>> = const { Cell::new(Vec::new()) };
}

/// Runs `f` with an empty vector for key names: the thread's reusable one, or a new one when
/// that is in use (a value whose serialization logs takes the empty one) or gone (thread
/// exit).
fn with_scratch<R>(f: impl FnOnce(&mut Vec<Key>) -> R) -> R {
    let mut names = SCRATCH.try_with(Cell::take).unwrap_or_default();
    names.clear();
    let out = f(&mut names);
    names.clear();
    let _ = SCRATCH.try_with(|scratch| scratch.set(names));
    out
}

/// The fields of one event as slog serializes them: distinct names, each with the value it
/// got first (see "Order and duplicate keys" in the module docs).
struct Fields<'a> {
    names: &'a mut Vec<Key>,
    values: Values,
}

impl Fields<'_> {
    /// Whether a field called `key` is already there.
    #[inline]
    fn has(&self, key: &Key) -> bool {
        let key = key_str(key);
        self.names.iter().any(|n| key_str(n) == key)
    }

    #[inline]
    fn push(&mut self, key: Key, value: FieldValue) {
        if !self.has(&key) {
            self.names.push(key);
            self.values.push(value);
        }
    }

    /// Adds `key` with the value `make` builds, unless `key` is already there (then the value
    /// is not even built: no formatting for a shadowed key).
    #[inline]
    fn push_with(&mut self, key: Key, make: impl FnOnce() -> FieldValue) -> ::slog::Result {
        if !self.has(&key) {
            self.names.push(key);
            self.values.push(make());
        }
        Ok(())
    }
}

macro_rules! emit_as_value {
    ($($method:ident: $t:ty),* $(,)?) => {$(
        fn $method(&mut self, key: Key, val: $t) -> ::slog::Result {
            self.push_with(key, || FieldValue::from(val))
        }
    )*};
}

impl Serializer for Fields<'_> {
    emit_as_value!(
        emit_usize: usize, emit_isize: isize, emit_bool: bool, emit_char: char,
        emit_u8: u8, emit_i8: i8, emit_u16: u16, emit_i16: i16, emit_u32: u32, emit_i32: i32,
        emit_u64: u64, emit_i64: i64, emit_u128: u128, emit_i128: i128,
        emit_f32: f32, emit_f64: f64, emit_str: &str,
    );

    fn emit_unit(&mut self, key: Key) -> ::slog::Result {
        self.push_with(key, || FieldValue::EMPTY)
    }

    fn emit_none(&mut self, key: Key) -> ::slog::Result {
        self.push_with(key, || FieldValue::EMPTY)
    }

    fn emit_arguments(&mut self, key: Key, val: &fmt::Arguments<'_>) -> ::slog::Result {
        // A literal is carried without copying; anything else is formatted now.
        self.push_with(key, || FieldValue::from_args(*val))
    }

    fn emit_serde(&mut self, key: Key, value: &dyn ::slog::SerdeValue) -> ::slog::Result {
        self.push_with(key, || match serde_json::to_string(value.as_serde()) {
            Ok(json) => FieldValue::from(json),
            Err(err) => FieldValue::display(&format_args!("<unserializable: {err}>")),
        })
    }
}
