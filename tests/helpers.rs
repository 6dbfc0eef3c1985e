//! The helper macros: `trace_loop!`, `trace_state!`, `trace_enter!`/`trace_exit!` and
//! `timer!`, through a capturing logger (one process, so the tests share one lock).

use std::cell::Cell;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use ttlog::{FieldValue, Level, LevelFilter, LogEvent, Logger, ValueRef};

mod common;

#[derive(Debug, Clone)]
struct Seen {
    level: Level,
    target: String,
    message: String,
    fields: Vec<(String, FieldValue)>,
}

#[derive(Default)]
struct Capture(Mutex<Vec<Seen>>);

impl Logger for Capture {
    fn log(&self, event: LogEvent) {
        let names = event.callsite().field_names();
        self.0.lock().unwrap().push(Seen {
            level: event.level(),
            target: event.target().to_owned(),
            message: event.message().to_owned(),
            fields: names
                .iter()
                .map(|n| n.to_string())
                .zip(event.values().iter().cloned())
                .collect(),
        });
    }
}

/// Installs the capture once; returns it with the lock that serialises the tests.
fn capture() -> (MutexGuard<'static, ()>, &'static Capture) {
    static LOCK: Mutex<()> = Mutex::new(());
    static CAPTURE: OnceLock<Arc<Capture>> = OnceLock::new();
    let guard = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let capture = CAPTURE.get_or_init(|| {
        let c = Arc::new(Capture::default());
        ttlog::set_logger(c.clone());
        c
    });
    ttlog::set_max_level(LevelFilter::Trace);
    capture.0.lock().unwrap().clear();
    (guard, capture)
}

fn field<'a>(seen: &'a Seen, name: &str) -> &'a FieldValue {
    &seen
        .fields
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no field {name}: {seen:?}"))
        .1
}

#[derive(Debug)]
#[allow(dead_code)] // read through Debug
enum Conn {
    Idle,
    Busy { id: u8 },
}

#[test]
fn loop_state_enter_exit() {
    let (_lock, capture) = capture();
    for (i, item) in ["a", "b"].iter().enumerate() {
        ttlog::trace_loop!("importer", "import", i, 2u32, item);
    }
    ttlog::trace_state!("pool", "connection 7", Conn::Idle, Conn::Busy { id: 7 });
    ttlog::trace_enter!("store", "load", 42);
    ttlog::trace_exit!("store", "load", "ok");

    let seen = capture.0.lock().unwrap().clone();
    assert_eq!(seen.len(), 5);
    assert!(seen
        .iter()
        .all(|s| s.level == Level::Trace && s.target == module_path!()));

    assert_eq!(seen[1].message, "loop iteration");
    assert_eq!(field(&seen[1], "actor").as_str(), Some("importer"));
    assert_eq!(field(&seen[1], "action").as_str(), Some("import"));
    assert_eq!(field(&seen[1], "index").as_ref(), ValueRef::U64(1));
    assert_eq!(field(&seen[1], "total").as_ref(), ValueRef::U64(2));
    assert_eq!(field(&seen[1], "detail").as_str(), Some("b"));

    assert_eq!(seen[2].message, "state change");
    assert_eq!(field(&seen[2], "what").as_str(), Some("connection 7"));
    assert_eq!(field(&seen[2], "from").as_str(), Some("Idle"));
    assert_eq!(field(&seen[2], "to").as_str(), Some("Busy { id: 7 }"));

    assert_eq!(seen[3].message, "enter");
    assert_eq!(field(&seen[3], "fn").as_str(), Some("load"));
    assert_eq!(field(&seen[3], "detail").as_str(), Some("42"));
    assert_eq!(seen[4].message, "exit");
    assert_eq!(field(&seen[4], "detail").as_str(), Some("ok"));
}

#[test]
fn timer_logs_elapsed_time_on_drop() {
    let (_lock, capture) = capture();
    {
        let t = ttlog::timer!("rebuild index");
        assert_eq!(t.name(), "rebuild index");
        std::thread::sleep(Duration::from_millis(3));
        assert!(
            capture.0.lock().unwrap().is_empty(),
            "nothing until the timer is dropped"
        );
    }
    let seen = capture.0.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    let s = &seen[0];
    assert_eq!(s.level, Level::Debug);
    assert_eq!(s.target, module_path!());
    assert!(
        s.message.starts_with("rebuild index took "),
        "{}",
        s.message
    );
    assert!(s.message.ends_with(" ms"), "{}", s.message);
    assert_eq!(field(s, "name").as_str(), Some("rebuild index"));
    let us = field(s, "elapsed_us").as_u64().unwrap();
    let ms = field(s, "elapsed_ms").as_f64().unwrap();
    // Lower bound only: the sleep can take longer, and ttlog may measure it a little shorter.
    let least = common::at_least(Duration::from_millis(3)).as_micros() as u64;
    assert!(us >= least, "{us} us < {least} us");
    assert!(
        (ms * 1000.0 - us as f64).abs() < 1000.0,
        "{ms} ms vs {us} us"
    );
}

#[test]
fn disabled_helpers_evaluate_nothing() {
    let (_lock, capture) = capture();
    ttlog::set_max_level(LevelFilter::Info);
    let evaluated = Cell::new(0);
    let count = |v: u32| {
        evaluated.set(evaluated.get() + 1);
        v
    };
    ttlog::trace_loop!("a", "b", count(1), count(2), count(3));
    ttlog::trace_state!("a", count(1), count(2), count(3));
    ttlog::trace_enter!("a", "f", count(1));
    ttlog::trace_exit!("a", "f", count(1));
    drop(ttlog::timer!("quiet"));
    assert_eq!(evaluated.get(), 0);
    assert!(capture.0.lock().unwrap().is_empty());
}
