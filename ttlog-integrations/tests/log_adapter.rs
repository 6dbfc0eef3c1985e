//! `LogAdapter`: what a `log` record becomes. The adapter is `log`'s global logger and a
//! capturing ttlog `Logger` receives the events, so every test here shares process-wide state
//! and takes `LOCK` first.

use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use log::Log;
use ttlog_core::event::Values;
use ttlog_core::filter::{self, Filter};
use ttlog_core::{Callsite, Level, LogEvent, Logger, Span, ValueRef};
use ttlog_integrations::log::{LogAdapter, MAX_KEY_VALUES};

#[derive(Default)]
struct Capture {
    events: Mutex<Vec<LogEvent>>,
    flushes: Mutex<usize>,
}

impl Logger for Capture {
    fn log(&self, event: LogEvent) {
        self.events.lock().unwrap().push(event);
    }

    fn flush(&self) {
        *self.flushes.lock().unwrap() += 1;
    }
}

static LOCK: Mutex<()> = Mutex::new(());

/// Serializes the tests, installs the adapter and the capture once, and sets `filter`.
fn setup(directives: &str) -> (MutexGuard<'static, ()>, Arc<Capture>) {
    static CAPTURE: OnceLock<Arc<Capture>> = OnceLock::new();
    let guard = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let capture = CAPTURE.get_or_init(|| {
        let capture = Arc::new(Capture::default());
        ttlog_core::set_logger(capture.clone());
        log::set_logger(&ADAPTER).unwrap();
        log::set_max_level(log::LevelFilter::Trace);
        capture
    });
    filter::install(Filter::parse(directives).unwrap());
    capture.events.lock().unwrap().clear();
    (guard, capture.clone())
}

static ADAPTER: LogAdapter = LogAdapter::new();

fn take(capture: &Capture) -> Vec<LogEvent> {
    std::mem::take(&mut *capture.events.lock().unwrap())
}

fn names(event: &LogEvent) -> &'static [&'static str] {
    event.callsite().field_names()
}

#[test]
fn key_values_keep_their_types() {
    let (_lock, capture) = setup("trace");
    let addr = std::net::Ipv4Addr::LOCALHOST;
    let owned = String::from("owned text");
    log::info!(
        small = 7u8,
        neg = -3i32,
        size = 12usize,
        big = u128::MAX,
        low = i128::MIN,
        ratio = 1.5f32,
        ok = true,
        grade = 'A',
        name = "alice",
        owned = owned,
        list:? = vec![1, 2],
        ip:% = addr,
        missing = None::<u8>;
        "typed"
    );
    let events = take(&capture);
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(
        names(e),
        [
            "small", "neg", "size", "big", "low", "ratio", "ok", "grade", "name", "owned", "list",
            "ip", "missing"
        ]
    );
    let v: Vec<ValueRef<'_>> = e.values().iter().map(|v| v.as_ref()).collect();
    assert_eq!(v[0], ValueRef::U64(7));
    assert_eq!(v[1], ValueRef::I64(-3));
    assert_eq!(v[2], ValueRef::U64(12));
    assert_eq!(v[3], ValueRef::U128(u128::MAX));
    assert_eq!(v[4], ValueRef::I128(i128::MIN));
    assert_eq!(v[5], ValueRef::F64(1.5));
    assert_eq!(v[6], ValueRef::Bool(true));
    assert_eq!(v[7], ValueRef::Char('A'));
    assert_eq!(v[8], ValueRef::Str("alice"));
    assert_eq!(v[9], ValueRef::Str("owned text"));
    assert_eq!(v[10], ValueRef::Str("[1, 2]"));
    assert_eq!(v[11], ValueRef::Str("127.0.0.1"));
    assert_eq!(v[12], ValueRef::Empty);
}

#[test]
fn metadata_and_messages() {
    let (_lock, capture) = setup("trace");
    let line = line!() + 1;
    log::warn!(target: "orders::audit", "literal message");
    let n = 5;
    log::error!("formatted {n} times");
    log::debug!(user = "bob"; "with kv");
    let events = take(&capture);
    assert_eq!(events.len(), 3);

    let e = &events[0];
    assert_eq!(e.level(), Level::Warn);
    assert_eq!(e.target(), "orders::audit");
    assert_eq!(e.message(), "literal message");
    // A literal travels in the callsite: the event carries no message of its own.
    assert!(e.formatted_message().is_none());
    assert_eq!(e.callsite().message(), "literal message");
    assert_eq!(e.callsite().module_path(), module_path!());
    assert_eq!(e.callsite().file(), file!());
    assert_eq!(e.callsite().line(), line);
    assert!(names(e).is_empty());

    let e = &events[1];
    assert_eq!(e.level(), Level::Error);
    assert_eq!(e.target(), module_path!());
    assert_eq!(e.message(), "formatted 5 times");
    assert!(e.formatted_message().is_some());
    assert_eq!(e.callsite().line(), line + 2);

    let e = &events[2];
    assert_eq!(e.level(), Level::Debug);
    assert_eq!(e.message(), "with kv");
    assert_eq!(e.field("user").and_then(|v| v.as_str()), Some("bob"));
}

#[test]
fn one_callsite_per_place() {
    let (_lock, capture) = setup("trace");
    for i in 0..3 {
        log::info!(i; "loop");
    }
    log::info!(i = 9; "loop");
    let events = take(&capture);
    assert_eq!(events.len(), 4);
    assert!(std::ptr::eq(events[0].callsite(), events[1].callsite()));
    assert!(std::ptr::eq(events[0].callsite(), events[2].callsite()));
    assert!(!std::ptr::eq(events[0].callsite(), events[3].callsite()));
    let values: Vec<_> = events
        .iter()
        .map(|e| e.field("i").unwrap().as_u64())
        .collect();
    assert_eq!(values, [Some(0), Some(1), Some(2), Some(9)]);
}

#[test]
fn a_repeated_key_is_recorded_once_with_its_last_value() {
    let (_lock, capture) = setup("trace");
    let kvs = [
        ("a", log::kv::Value::from(1u64)),
        ("b", log::kv::Value::from(2u64)),
        ("a", log::kv::Value::from(3u64)),
    ];
    ADAPTER.log(
        &log::Record::builder()
            .level(log::Level::Info)
            .target("dup")
            .args(format_args!("dup"))
            .key_values(&kvs)
            .build(),
    );
    let events = take(&capture);
    assert_eq!(names(&events[0]), ["a", "b"]);
    assert_eq!(events[0].values()[0].as_u64(), Some(3));
    assert_eq!(events[0].values()[1].as_u64(), Some(2));
}

#[test]
fn keys_past_the_limit_are_counted() {
    let (_lock, capture) = setup("trace");
    let keys: Vec<String> = (0..MAX_KEY_VALUES + 5).map(|i| format!("k{i}")).collect();
    let kvs: Vec<(&str, log::kv::Value<'_>)> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), log::kv::Value::from(i)))
        .collect();
    ADAPTER.log(
        &log::Record::builder()
            .level(log::Level::Info)
            .target("many")
            .args(format_args!("many"))
            .key_values(&kvs)
            .build(),
    );
    let events = take(&capture);
    let e = &events[0];
    assert_eq!(names(e).len(), MAX_KEY_VALUES + 1);
    assert_eq!(
        names(e)[MAX_KEY_VALUES - 1],
        format!("k{}", MAX_KEY_VALUES - 1)
    );
    assert_eq!(
        e.field("log.dropped_keys").and_then(|v| v.as_u64()),
        Some(5)
    );
}

#[test]
fn the_filter_decides_and_reloads_apply() {
    let (_lock, capture) = setup("info,quiet=warn,loud=trace");
    for reload in [false, true] {
        if reload {
            filter::install(Filter::parse("debug,quiet=trace").unwrap());
        }
        log::info!(target: "quiet::inner", "quiet info");
        log::warn!(target: "quiet::inner", "quiet warn");
        log::trace!(target: "loud", "loud trace");
        log::debug!(target: "other", "other debug");
        log::info!(target: "other", "other info");
    }
    let got: Vec<String> = take(&capture)
        .iter()
        .map(|e| e.message().to_owned())
        .collect();
    assert_eq!(
        got,
        [
            // info,quiet=warn,loud=trace
            "quiet warn",
            "loud trace",
            "other info",
            // debug,quiet=trace: the same callsites, their cached interest rebuilt
            "quiet info",
            "quiet warn",
            "other debug",
            "other info",
        ]
    );

    let meta = |level, target| log::Metadata::builder().level(level).target(target).build();
    assert!(ADAPTER.enabled(&meta(log::Level::Trace, "quiet")));
    assert!(ADAPTER.enabled(&meta(log::Level::Debug, "loud")));
    assert!(!ADAPTER.enabled(&meta(log::Level::Trace, "loud")));
    filter::install(Filter::parse("warn").unwrap());
    assert!(!ADAPTER.enabled(&meta(log::Level::Info, "anything")));
    assert!(ADAPTER.enabled(&meta(log::Level::Warn, "anything")));
    assert!(log::log_enabled!(target: "x", log::Level::Warn));
    assert!(!log::log_enabled!(target: "x", log::Level::Info));
}

#[test]
fn events_carry_the_current_ttlog_span() {
    let (_lock, capture) = setup("trace");
    static SPAN: Callsite =
        Callsite::new(Level::Info, "app", "app", "src/app.rs", 1, "request", &[]);
    let span = Span::new(&SPAN, None, Values::new());
    let id = span.id().unwrap().into_u64();
    {
        let _entered = span.enter();
        log::info!("inside");
    }
    log::info!("outside");
    let events = take(&capture);
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].span_id(), id);
    assert_eq!(events[1].span_id(), 0);
}

#[test]
fn flush_reaches_the_ttlog_logger() {
    let (_lock, capture) = setup("trace");
    let before = *capture.flushes.lock().unwrap();
    log::logger().flush();
    assert_eq!(*capture.flushes.lock().unwrap(), before + 1);
}
