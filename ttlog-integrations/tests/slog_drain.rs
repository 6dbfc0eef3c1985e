//! The slog drain: how records and loggers' key-values become ttlog events, with a capturing
//! ttlog `Logger` installed (process-wide, so every test holds `LOCK`).

use std::error::Error;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use slog::{crit, debug, error, info, o, trace, warn, Drain as _, FnValue, Logger};
use ttlog_core::filter::{self, Filter};
use ttlog_core::{FieldValue, Level, LogEvent, ValueRef};
use ttlog_integrations::slog::Drain;

#[derive(Default)]
struct Capture {
    events: Mutex<Vec<LogEvent>>,
    flushes: AtomicUsize,
}

impl ttlog_core::Logger for Capture {
    fn log(&self, event: LogEvent) {
        self.events.lock().unwrap().push(event);
    }

    fn flush(&self) {
        self.flushes.fetch_add(1, Ordering::SeqCst);
    }
}

static LOCK: Mutex<()> = Mutex::new(());

fn capture() -> &'static Arc<Capture> {
    static CAPTURE: OnceLock<Arc<Capture>> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        let capture = Arc::new(Capture::default());
        ttlog_core::set_logger(capture.clone());
        capture
    })
}

/// Installs `directives` as ttlog's filter, runs `f` with a root logger on the drain (fused,
/// as slog code does) with `o!("svc" => "orders")`, and returns the events it produced.
fn run(directives: &str, f: impl FnOnce(&Logger)) -> Vec<LogEvent> {
    let _lock = lock();
    let capture = capture();
    filter::install(Filter::parse(directives).unwrap());
    capture.events.lock().unwrap().clear();
    let root = Logger::root(Drain::new().fuse(), o!("svc" => "orders"));
    f(&root);
    std::mem::take(&mut *capture.events.lock().unwrap())
}

fn lock() -> MutexGuard<'static, ()> {
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

fn names(event: &LogEvent) -> Vec<&'static str> {
    event.callsite().field_names().to_vec()
}

fn field<'a>(event: &'a LogEvent, name: &str) -> ValueRef<'a> {
    event
        .field(name)
        .unwrap_or_else(|| panic!("no field {name} in {event:?}"))
        .as_ref()
}

#[test]
fn message_level_and_location() {
    let mut line = 0;
    let events = run("trace", |log| {
        line = line!() + 1;
        info!(log, "order placed");
        let id = std::hint::black_box(7);
        info!(log, "order {} placed", id);
        info!(log, #"audit", "checked");
    });
    assert_eq!(events.len(), 3, "{events:?}");

    let literal = &events[0];
    assert_eq!(literal.level(), Level::Info);
    assert_eq!(literal.message(), "order placed");
    assert!(
        literal.formatted_message().is_none(),
        "a literal is the callsite's message"
    );
    assert_eq!(literal.callsite().message(), "order placed");
    assert_eq!(
        literal.target(),
        module_path!(),
        "no tag: the target is the module"
    );
    assert_eq!(literal.callsite().module_path(), module_path!());
    assert_eq!(literal.callsite().file(), file!());
    assert_eq!(literal.callsite().line(), line);

    let formatted = &events[1];
    assert_eq!(formatted.message(), "order 7 placed");
    assert_eq!(formatted.callsite().message(), "");
    assert_eq!(formatted.callsite().line(), line + 2);

    let tagged = &events[2];
    assert_eq!(tagged.target(), "audit", "the tag is the target");
    assert_eq!(tagged.callsite().module_path(), module_path!());
}

#[test]
fn levels_and_critical() {
    let events = run("trace", |log| {
        // slog compiles `trace!` out of debug builds by default, before any drain.
        trace!(log, "t");
        debug!(log, "d");
        info!(log, "i");
        warn!(log, "w");
        error!(log, "e"; "critical" => "user value");
        crit!(log, "c"; "critical" => false);
    });
    let got: Vec<(&str, Level)> = events.iter().map(|e| (e.message(), e.level())).collect();
    let mut want = vec![
        ("d", Level::Debug),
        ("i", Level::Info),
        ("w", Level::Warn),
        ("e", Level::Error),
        ("c", Level::Error),
    ];
    if slog::__slog_static_max_level() == slog::FilterLevel::Trace {
        want.insert(0, ("t", Level::Trace));
    }
    assert_eq!(got, want);

    let error = &events[events.len() - 2];
    assert_eq!(names(error), ["critical", "svc"]);
    assert_eq!(field(error, "critical"), ValueRef::Str("user value"));

    let crit = &events[events.len() - 1];
    assert_eq!(
        names(crit),
        ["critical", "svc"],
        "critical once, the drain's"
    );
    assert_eq!(field(crit, "critical"), ValueRef::Bool(true));
    for event in &events[..events.len() - 1] {
        assert_ne!(event.field("critical"), Some(&FieldValue::from(true)));
    }
}

#[derive(Debug)]
struct Outer(Inner);
#[derive(Debug)]
struct Inner;

impl fmt::Display for Outer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("query failed")
    }
}
impl fmt::Display for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection reset")
    }
}
impl Error for Outer {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.0)
    }
}
impl Error for Inner {}

#[test]
fn values_keep_their_types() {
    let addr = std::net::Ipv4Addr::new(10, 0, 0, 1);
    let err = Outer(Inner);
    let events = run("info", |log| {
        let log = log.new(o!("port" => 8080u16, "ratio" => 0.5, "tls" => true));
        info!(log, "types";
            "u8" => 1u8, "i32" => -3i32, "u64" => u64::MAX, "i64" => i64::MIN,
            "usize" => 5usize, "isize" => -5isize, "u128" => u128::MAX, "i128" => -7i128,
            "f32" => 1.5f32, "f64" => 0.25, "bool" => false, "char" => 'x',
            "str" => "text", "string" => String::from("owned"), "unit" => (),
            "none" => None::<u32>, "some" => Some(3u32), "display" => %addr,
            "debug" => ?vec![1, 2], "err" => #err, "lazy" => FnValue(|_| 42u64),
            "serde" => slog::Serde(vec![1u8, 2]), "bytes" => &b"\x01\xab"[..],
            "args" => format_args!("{}-{}", 1, 2));
    });
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(field(e, "u8"), ValueRef::U64(1));
    assert_eq!(field(e, "i32"), ValueRef::I64(-3));
    assert_eq!(field(e, "u64"), ValueRef::U64(u64::MAX));
    assert_eq!(field(e, "i64"), ValueRef::I64(i64::MIN));
    assert_eq!(field(e, "usize"), ValueRef::U64(5));
    assert_eq!(field(e, "isize"), ValueRef::I64(-5));
    assert_eq!(field(e, "u128"), ValueRef::U128(u128::MAX));
    assert_eq!(field(e, "i128"), ValueRef::I64(-7));
    assert_eq!(field(e, "f32"), ValueRef::F64(1.5));
    assert_eq!(field(e, "f64"), ValueRef::F64(0.25));
    assert_eq!(field(e, "bool"), ValueRef::Bool(false));
    assert_eq!(field(e, "char"), ValueRef::Char('x'));
    assert_eq!(field(e, "str"), ValueRef::Str("text"));
    assert_eq!(field(e, "string"), ValueRef::Str("owned"));
    assert_eq!(field(e, "unit"), ValueRef::Empty);
    assert_eq!(field(e, "none"), ValueRef::Empty);
    assert_eq!(field(e, "some"), ValueRef::U64(3));
    assert_eq!(field(e, "display"), ValueRef::Str("10.0.0.1"));
    assert_eq!(field(e, "debug"), ValueRef::Str("[1, 2]"));
    assert_eq!(
        field(e, "err"),
        ValueRef::Str("query failed: connection reset")
    );
    assert_eq!(field(e, "lazy"), ValueRef::U64(42));
    assert_eq!(field(e, "serde"), ValueRef::Str("[1,2]"));
    assert_eq!(field(e, "bytes"), ValueRef::Str("0x01AB"));
    assert_eq!(field(e, "args"), ValueRef::Str("1-2"));
    // The logger's context, typed as well.
    assert_eq!(field(e, "port"), ValueRef::U64(8080));
    assert_eq!(field(e, "ratio"), ValueRef::F64(0.5));
    assert_eq!(field(e, "tls"), ValueRef::Bool(true));
    assert_eq!(field(e, "svc"), ValueRef::Str("orders"));
    assert_eq!(e.values().len(), 28);
}

#[test]
fn order_and_duplicate_keys() {
    let events = run("info", |root| {
        let child = root.new(o!("svc" => "child", "b" => 2));
        let grandchild = child.new(o!("c" => 3, "b" => 20));
        info!(grandchild, "m"; "k" => 1, "k" => 2, "svc" => "record");
        info!(grandchild, "m");
        info!(child, "m");
        info!(root, "m"; "svc" => "record");
    });
    assert_eq!(events.len(), 4);
    // The order slog serializes: the statement's pairs, then the loggers' from the innermost;
    // each list last-written first. The first value of a key wins.
    assert_eq!(names(&events[0]), ["svc", "k", "b", "c"]);
    assert_eq!(field(&events[0], "svc"), ValueRef::Str("record"));
    assert_eq!(
        field(&events[0], "k"),
        ValueRef::I64(2),
        "the last written in a statement"
    );
    assert_eq!(
        field(&events[0], "b"),
        ValueRef::I64(20),
        "the innermost logger's"
    );
    assert_eq!(field(&events[0], "c"), ValueRef::I64(3));
    assert_eq!(names(&events[1]), ["b", "c", "svc"]);
    assert_eq!(field(&events[1], "svc"), ValueRef::Str("child"));
    assert_eq!(names(&events[2]), ["b", "svc"]);
    assert_eq!(field(&events[2], "svc"), ValueRef::Str("child"));
    assert_eq!(field(&events[2], "b"), ValueRef::I64(2));
    assert_eq!(names(&events[3]), ["svc"]);
    assert_eq!(field(&events[3], "svc"), ValueRef::Str("record"));
}

#[test]
fn filtered_by_level_and_target_before_serializing() {
    static CALLED: AtomicBool = AtomicBool::new(false);
    let lazy = || {
        FnValue(|_: &slog::Record<'_>| {
            CALLED.store(true, Ordering::SeqCst);
            1u8
        })
    };
    let events = run("info,noisy=warn,slog_drain::quiet=off", |log| {
        let drain = Drain::new();
        assert!(drain.is_enabled(slog::Level::Warning));
        assert!(drain.is_enabled(slog::Level::Info));
        assert!(!drain.is_enabled(slog::Level::Debug));
        assert!(drain.is_enabled(slog::Level::Critical));
        debug!(log, "debug"; "lazy" => lazy());
        info!(log, #"noisy", "noisy info"; "lazy" => lazy());
        info!(log, #"slog_drain::quiet::x", "quiet"; "lazy" => lazy());
        assert!(
            !CALLED.load(Ordering::SeqCst),
            "a filtered record is not serialized"
        );
        info!(log, "info");
        warn!(log, #"noisy", "noisy warn");
    });
    let got: Vec<&str> = events.iter().map(|e| e.message()).collect();
    assert_eq!(got, ["info", "noisy warn"]);
}

#[test]
fn filter_reload_applies_to_known_callsites() {
    let _lock = lock();
    let capture = capture();
    capture.events.lock().unwrap().clear();
    let log = Logger::root(Drain::new(), o!());
    let mut messages = Vec::new();
    for directives in ["info", "debug", "warn,slog_drain=debug", "off"] {
        filter::install(Filter::parse(directives).unwrap());
        debug!(log, "d"; "n" => 1);
        messages.push(std::mem::take(&mut *capture.events.lock().unwrap()).len());
    }
    assert_eq!(messages, [0, 1, 1, 0]);
}

#[test]
fn one_callsite_per_statement_and_keys() {
    let events = run("info", |log| {
        for i in 0..3u64 {
            info!(log, "tick"; "i" => i);
        }
        let child = log.new(o!("extra" => 1));
        for i in 0..2u64 {
            info!(child, "tick"; "i" => i);
        }
    });
    assert_eq!(events.len(), 5);
    let cs = |i: usize| events[i].callsite() as *const _;
    assert_eq!(cs(0), cs(1));
    assert_eq!(cs(1), cs(2));
    assert_eq!(cs(3), cs(4));
    assert_ne!(cs(0), cs(3), "other field names, another callsite");
    let values: Vec<_> = events.iter().map(|e| e.field("i").cloned()).collect();
    assert_eq!(
        values,
        [0u64, 1, 2, 0, 1].map(|i| Some(FieldValue::from(i)))
    );
}

#[test]
fn a_value_that_logs_while_serialized() {
    let events = run("info", |log| {
        let inner = log.new(o!("inner" => true));
        info!(log, "outer"; "a" => 1, "nested" => FnValue(move |_| {
            info!(inner, "inner"; "b" => 2);
            "done"
        }), "c" => 3);
    });
    let got: Vec<(&str, Vec<&str>)> = events.iter().map(|e| (e.message(), names(e))).collect();
    assert_eq!(
        got,
        [
            ("inner", vec!["b", "inner", "svc"]),
            ("outer", vec!["c", "nested", "a", "svc"]),
        ]
    );
    assert_eq!(field(&events[1], "nested"), ValueRef::Str("done"));
}

/// A logger context of many keys (slog's `o!` takes literal keys, so built by hand).
struct Wide(Vec<&'static str>);

impl slog::KV for Wide {
    fn serialize(&self, _: &slog::Record<'_>, s: &mut dyn slog::Serializer) -> slog::Result {
        for (i, key) in self.0.iter().enumerate() {
            // `Key` is `&'static str` unless slog's `dynamic-keys` feature is on.
            #[allow(clippy::useless_conversion)]
            s.emit_u64(slog::Key::from(*key), i as u64)?;
        }
        Ok(())
    }
}

#[test]
fn many_fields_are_all_kept() {
    let keys: Vec<&'static str> = (0..40)
        .map(|i| &*Box::leak(format!("k{i}").into_boxed_str()))
        .collect();
    let events = run("info", |log| {
        let log = log.new(slog::OwnedKV(Wide(keys)));
        info!(log, "wide");
    });
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].values().len(), 41);
    assert_eq!(field(&events[0], "k0"), ValueRef::U64(0));
    assert_eq!(field(&events[0], "k39"), ValueRef::U64(39));
    assert_eq!(field(&events[0], "svc"), ValueRef::Str("orders"));
}

#[test]
fn flush_reaches_ttlog() {
    let _ = run("info", |log| {
        let before = capture().flushes.load(Ordering::SeqCst);
        log.flush().unwrap();
        assert_eq!(capture().flushes.load(Ordering::SeqCst), before + 1);
    });
}
