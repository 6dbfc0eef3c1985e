//! From tracing's callsites to ttlog's.
//!
//! tracing describes every `event!`/`span!` with a `&'static Metadata` that belongs to a
//! callsite; ttlog describes its own with a `&'static Callsite`. The first time the subscriber
//! sees a tracing callsite (in `register_callsite`, or on its first event if it was never
//! registered with this subscriber) it interns the matching ttlog callsite through
//! [`ttlog_core::callsite::intern`] and remembers, for each of tracing's fields, where its
//! value goes:
//!
//! - `message` of an event becomes the event's message (ttlog keeps it out of the fields);
//! - `log.target`, `log.module_path`, `log.file` and `log.line` of an event that came from the
//!   `log` crate (through tracing-log's `LogTracer`, whose callsites all have the target `log`)
//!   replace the callsite's target, module, file and line, and are not kept as fields;
//! - every other field keeps its name and its place in the order of the ttlog callsite.
//!
//! A span keeps all its fields in tracing's order, so that `Span::record` on tracing's field
//! index is also ttlog's index.
//!
//! The table is read on every event (one read lock and a hash of a pointer) and written once
//! per callsite; its entries are leaked, like the ttlog callsites they point at, so an entry
//! handed out stays valid for the life of the process. The mapping depends only on tracing's
//! metadata, so the table is process-wide ([`callsites`]), shared by every
//! [`TracingSubscriber`](super::TracingSubscriber): making a subscriber per test or per
//! request leaks nothing more once its callsites have been seen.

use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

use tracing_core::callsite::Identifier;
use tracing_core::Metadata;
use ttlog_core::callsite::{self as tt_callsite, CallsiteKey};
use ttlog_core::event::Values;
use ttlog_core::{Callsite, FieldValue, Level};

/// Where the value of one of tracing's fields goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Slot {
    /// The event's message.
    Message,
    /// The ttlog field at this index.
    Field(usize),
    /// `log.target` of an event from `log`.
    LogTarget,
    /// `log.module_path` of an event from `log`.
    LogModule,
    /// `log.file` of an event from `log`.
    LogFile,
    /// `log.line` of an event from `log`.
    LogLine,
}

/// What the subscriber knows about one tracing callsite.
#[derive(Debug)]
pub(super) struct Mapped {
    /// The ttlog callsite, or for an event from `log` the one its real target is looked up
    /// next to (the level and field names are the same; see [`Mapped::from_log`]).
    pub(super) callsite: &'static Callsite,
    /// Where each of tracing's fields goes, by tracing's field index.
    pub(super) slots: Box<[Slot]>,
    /// Whether this is tracing-log's callsite for events from the `log` crate: their target,
    /// module, file and line are in the `log.*` fields and differ from event to event.
    pub(super) from_log: bool,
    /// The ttlog level.
    pub(super) level: Level,
}

/// The tracing callsites seen so far.
#[derive(Debug, Default)]
pub(super) struct Callsites {
    map: RwLock<HashMap<Identifier, &'static Mapped>>,
}

/// The process-wide table of tracing callsites.
pub(super) fn callsites() -> &'static Callsites {
    static CALLSITES: OnceLock<Callsites> = OnceLock::new();
    CALLSITES.get_or_init(Callsites::default)
}

impl Callsites {
    /// How many tracing callsites have been mapped (and their mapping leaked).
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        read(&self.map).len()
    }

    /// The mapping for `meta`'s callsite, built on first use.
    pub(super) fn get(&self, meta: &'static Metadata<'static>) -> &'static Mapped {
        let id = meta.callsite();
        if let Some(mapped) = read(&self.map).get(&id) {
            return mapped;
        }
        self.insert(id, meta)
    }

    #[cold]
    fn insert(&self, id: Identifier, meta: &'static Metadata<'static>) -> &'static Mapped {
        let mut map = self.map.write().unwrap_or_else(|p| p.into_inner());
        map.entry(id)
            .or_insert_with(|| Box::leak(Box::new(map_callsite(meta))))
    }
}

/// Reads the table; a panic elsewhere cannot leave it half-written (entries are inserted
/// whole), so a poisoned lock is used as is.
fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|p| p.into_inner())
}

/// tracing's level as ttlog's.
pub(super) fn level(level: &tracing_core::Level) -> Level {
    match *level {
        tracing_core::Level::ERROR => Level::Error,
        tracing_core::Level::WARN => Level::Warn,
        tracing_core::Level::INFO => Level::Info,
        tracing_core::Level::DEBUG => Level::Debug,
        _ => Level::Trace,
    }
}

/// ttlog's level filter as tracing's.
pub(super) fn level_filter(filter: ttlog_core::LevelFilter) -> tracing_core::LevelFilter {
    use ttlog_core::LevelFilter as F;
    match filter {
        F::Off => tracing_core::LevelFilter::OFF,
        F::Error => tracing_core::LevelFilter::ERROR,
        F::Warn => tracing_core::LevelFilter::WARN,
        F::Info => tracing_core::LevelFilter::INFO,
        F::Debug => tracing_core::LevelFilter::DEBUG,
        F::Trace => tracing_core::LevelFilter::TRACE,
    }
}

/// The names of tracing-log's fields, and the slot of each.
const LOG_FIELDS: [(&str, Slot); 4] = [
    ("log.target", Slot::LogTarget),
    ("log.module_path", Slot::LogModule),
    ("log.file", Slot::LogFile),
    ("log.line", Slot::LogLine),
];

fn map_callsite(meta: &'static Metadata<'static>) -> Mapped {
    let level = level(meta.level());
    let from_log =
        meta.is_event() && meta.target() == "log" && meta.fields().field("log.target").is_some();
    let mut names: Vec<&'static str> = Vec::with_capacity(meta.fields().len());
    let slots: Box<[Slot]> = meta
        .fields()
        .iter()
        .map(|field| {
            let name = field.name();
            if meta.is_event() && name == "message" {
                return Slot::Message;
            }
            if from_log {
                if let Some((_, slot)) = LOG_FIELDS.iter().find(|(n, _)| *n == name) {
                    return *slot;
                }
            }
            names.push(name);
            Slot::Field(names.len() - 1)
        })
        .collect();
    // A span's name is its message; an event's message is its `message` field.
    let message = if meta.is_span() { meta.name() } else { "" };
    let key = CallsiteKey {
        level,
        target: meta.target(),
        module_path: meta.module_path().unwrap_or(""),
        file: meta.file().unwrap_or(""),
        line: meta.line().unwrap_or(0),
        message,
        field_names: &names,
    };
    let callsite = tt_callsite::intern(&key).unwrap_or_else(|| {
        // The table of dynamic callsites is full. tracing's metadata is `'static`, so this
        // callsite can still be described exactly, by one that is not shared.
        Box::leak(Box::new(Callsite::new(
            level,
            meta.target(),
            meta.module_path().unwrap_or(""),
            meta.file().unwrap_or(""),
            meta.line().unwrap_or(0),
            message,
            Box::leak(names.into_boxed_slice()),
        )))
    });
    Mapped {
        callsite,
        slots,
        from_log,
        level,
    }
}

/// The parts of an event from `log` that tracing-log put into fields.
#[derive(Debug, Default)]
pub(super) struct LogParts {
    pub(super) target: Option<String>,
    pub(super) module_path: Option<String>,
    pub(super) file: Option<String>,
    pub(super) line: Option<u32>,
}

impl LogParts {
    /// The parts as the values of [`LOG_FALLBACK_FIELDS`].
    pub(super) fn into_values(self) -> Values {
        let text = |s: Option<String>| s.map_or(FieldValue::EMPTY, FieldValue::from);
        [
            text(self.target),
            text(self.module_path),
            text(self.file),
            self.line.map_or(FieldValue::EMPTY, FieldValue::from),
        ]
        .into_iter()
        .collect()
    }
}

impl Mapped {
    /// The ttlog callsite of an event from `log`, with its real target, module, file and
    /// line, and whether its `log.*` values must be kept as fields: that is the case only when
    /// the table of dynamic callsites is full, and the event then gets a fixed callsite of its
    /// level with target `log` and the four `log.*` fields ([`LOG_FALLBACK_FIELDS`]).
    pub(super) fn log_callsite(&self, parts: &LogParts) -> (&'static Callsite, bool) {
        let cs = self.callsite;
        let target = parts.target.as_deref().unwrap_or(cs.target());
        let key = CallsiteKey {
            level: self.level,
            target,
            module_path: parts.module_path.as_deref().unwrap_or(target),
            file: parts.file.as_deref().unwrap_or(""),
            line: parts.line.unwrap_or(0),
            message: "",
            field_names: cs.field_names(),
        };
        match tt_callsite::intern(&key) {
            Some(cs) => (cs, false),
            None => (log_fallback(self.level), true),
        }
    }
}

/// The fields of [`log_fallback`]'s callsites.
pub(super) const LOG_FALLBACK_FIELDS: &[&str] =
    &["log.target", "log.module_path", "log.file", "log.line"];

/// The callsite of events from `log` at `level` once no more callsites can be interned.
fn log_fallback(level: Level) -> &'static Callsite {
    macro_rules! fallback {
        ($level:expr) => {{
            static CS: Callsite = Callsite::new($level, "log", "", "", 0, "", LOG_FALLBACK_FIELDS);
            &CS
        }};
    }
    match level {
        Level::Error => fallback!(Level::Error),
        Level::Warn => fallback!(Level::Warn),
        Level::Info => fallback!(Level::Info),
        Level::Debug => fallback!(Level::Debug),
        Level::Trace => fallback!(Level::Trace),
    }
}
