//! `filter::install` and `uninstall` drive the process-wide level gate and callsite interest.
//!
//! This file touches global state, so it has its own process and a single test.

use ttlog_core::filter::{self, Filter};
use ttlog_core::{max_level, Callsite, Level, LevelFilter};

static DB_DEBUG: Callsite = Callsite::new(
    Level::Debug,
    "orders::db",
    "orders::db",
    "src/db.rs",
    10,
    "query",
    &[],
);

static HTTP_INFO: Callsite = Callsite::new(
    Level::Info,
    "orders::http",
    "orders::http",
    "src/http.rs",
    20,
    "request",
    &[],
);

static LATE_TRACE: Callsite = Callsite::new(
    Level::Trace,
    "late",
    "late",
    "src/late.rs",
    30,
    "registered after install",
    &[],
);

#[test]
fn install_updates_gate_and_interest() {
    // No filter: callsites are enabled and only the level gate decides.
    assert!(filter::current().is_none());
    assert!(DB_DEBUG.is_enabled());
    assert!(HTTP_INFO.is_enabled());

    filter::install(Filter::parse("info").unwrap());
    assert_eq!(max_level(), LevelFilter::Info);
    assert_eq!(*filter::current().unwrap(), Filter::parse("info").unwrap());
    assert!(!DB_DEBUG.is_enabled(), "rebuilt after install");
    assert!(HTTP_INFO.is_enabled());

    filter::install(Filter::parse("warn,orders::db=debug").unwrap());
    assert_eq!(max_level(), LevelFilter::Debug);
    assert!(DB_DEBUG.is_enabled());
    assert!(!HTTP_INFO.is_enabled());

    // A callsite first reached after install registers against the current filter.
    assert!(!LATE_TRACE.is_enabled());
    filter::install(Filter::parse("off,late").unwrap());
    assert_eq!(max_level(), LevelFilter::Trace);
    assert!(LATE_TRACE.is_enabled());
    assert!(!DB_DEBUG.is_enabled());
    assert!(!HTTP_INFO.is_enabled());

    filter::uninstall();
    assert!(filter::current().is_none());
    assert_eq!(max_level(), LevelFilter::Off);
    assert!(DB_DEBUG.is_enabled());
    assert!(HTTP_INFO.is_enabled());
    assert!(LATE_TRACE.is_enabled());

    // Concurrent installs: whichever lands last, the gate matches the current filter.
    let handles: Vec<_> = ["debug", "warn", "trace", "error"]
        .into_iter()
        .map(|spec| {
            std::thread::spawn(move || {
                for _ in 0..100 {
                    filter::install(Filter::parse(spec).unwrap());
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    let current = filter::current().unwrap();
    assert_eq!(max_level(), current.max_level());
    assert_eq!(
        DB_DEBUG.is_enabled(),
        current.enables(Level::Debug, "orders::db")
    );
}
