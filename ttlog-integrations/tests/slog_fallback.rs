//! When `callsite::intern` keeps no more callsites, slog records still arrive, through the
//! fixed callsite of their level with their place and key-values in fields, and are still
//! filtered on their own target. Its own process: it fills the process-wide interner.

mod fallback_common;

use std::sync::Arc;

use fallback_common::{fill_intern_table, Capture};

use slog::{crit, info, o, Drain as _, Logger};
use ttlog_core::filter::{self, Filter};
use ttlog_core::{Level, LogEvent, ValueRef};
use ttlog_integrations::slog::Drain;

fn field<'a>(event: &'a LogEvent, name: &str) -> ValueRef<'a> {
    event
        .field(name)
        .unwrap_or_else(|| panic!("no field {name} in {event:?}"))
        .as_ref()
}

#[test]
fn records_past_the_interner_bound() {
    let capture = Arc::new(Capture::default());
    ttlog_core::set_logger(capture.clone());
    filter::install(Filter::parse("info,quiet=off").unwrap());
    let log = Logger::root(Drain::new().fuse(), o!("svc" => "orders"));

    // Known before the table fills: keeps its own callsite afterwards.
    let before = |log: &Logger| info!(log, "before"; "k" => 1);
    before(&log);

    fill_intern_table();

    before(&log);
    before(&log);
    let user = std::hint::black_box("alice");
    let lines = [line!() + 1, line!() + 2];
    info!(log, "hello {}", user; "k" => 1u8, "s" => "a b", "e" => "");
    crit!(log, "down"; "critical" => false, "n" => -2);
    info!(log, #"quiet", "filtered on its own target");

    let events = std::mem::take(&mut *capture.0.lock().unwrap());
    let messages: Vec<&str> = events.iter().map(|e| e.message()).collect();
    assert_eq!(
        messages,
        ["before", "before", "before", "hello alice", "down"]
    );

    // Interned before the table filled: the same callsite, with its own fields.
    assert!(std::ptr::eq(events[0].callsite(), events[2].callsite()));
    assert_eq!(events[2].target(), module_path!());
    assert_eq!(events[2].callsite().field_names(), ["k", "svc"]);

    let hello = &events[3];
    assert_eq!(hello.level(), Level::Info);
    assert_eq!(hello.target(), "slog");
    assert_eq!(field(hello, "slog.target"), ValueRef::Str(module_path!()));
    assert_eq!(
        field(hello, "slog.module_path"),
        ValueRef::Str(module_path!())
    );
    assert_eq!(field(hello, "slog.file"), ValueRef::Str(file!()));
    assert_eq!(
        field(hello, "slog.line"),
        ValueRef::U64(u64::from(lines[0]))
    );
    assert_eq!(
        field(hello, "slog.kv"),
        ValueRef::Str(r#"e="" s="a b" k=1 svc=orders"#)
    );
    assert!(hello.field("critical").is_none());

    let down = &events[4];
    assert_eq!(down.level(), Level::Error);
    assert_eq!(down.target(), "slog");
    assert_eq!(field(down, "critical"), ValueRef::Bool(true));
    assert_eq!(field(down, "slog.line"), ValueRef::U64(u64::from(lines[1])));
    assert_eq!(field(down, "slog.kv"), ValueRef::Str("n=-2 svc=orders"));
}
