//! A sink that panics on the collector thread: the panic is recorded, a snapshot is written
//! (the hook must not wait for the collector it is running on), the sink is removed, and
//! logging goes on.

mod common;

use common::Keep;
use ttlog_core::{Callsite, EventBuilder, Level, Record, Sink};

static CS: Callsite = Callsite::new(Level::Info, "app", "app", file!(), line!(), "event", &["i"]);

struct Fragile;

impl Sink for Fragile {
    fn write(&mut self, r: &Record<'_>) -> std::io::Result<()> {
        if r.field("i").and_then(|v| v.as_u64()) == Some(3) {
            panic!("sink cannot handle event 3");
        }
        Ok(())
    }
}

#[test]
fn collector_survives_a_panicking_sink() {
    let dir = common::temp_dir("sink-panic");
    let keep = Keep::default();
    let guard = ttlog_core::init()
        .no_console()
        .snapshot_dir(&dir)
        .sink(Fragile)
        .sink(keep.clone())
        .try_init()
        .unwrap();
    for i in 0..5u64 {
        ttlog_core::__private::dispatch(EventBuilder::new(&CS).value(i).build());
        assert!(guard.flush());
    }
    // The snapshot the collector wrote after catching the panic.
    let snaps: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "snap"))
        .collect();
    assert_eq!(snaps.len(), 1, "{snaps:?}");
    let snap = ttlog_core::snapshot::read(&snaps[0]).unwrap();
    assert_eq!(snap.header.reason, "collector-panic");
    // Everything up to the event the sink failed on, then the panic.
    assert_eq!(contents(&snap), ["0", "1", "2", "3", "panic"]);
    let last = snap.events.last().unwrap();
    assert_eq!(last.level, Level::Error);
    assert!(
        last.message().contains("sink cannot handle event 3"),
        "{}",
        last.message()
    );
    assert_eq!(last.thread(), "ttlog");

    // Logging goes on, and the healthy sink saw every event.
    ttlog_core::__private::dispatch(EventBuilder::new(&CS).value(99u64).build());
    assert!(guard.flush());
    let seen: Vec<String> = keep
        .take()
        .into_iter()
        .filter(|s| s.target == "app")
        .map(|s| s.field("i").unwrap().to_owned())
        .collect();
    assert_eq!(seen, ["0", "1", "2", "3", "4", "99"]);
    // A manual snapshot still works, and holds what came before and after the panic.
    let after = ttlog_core::snapshot::read(guard.snapshot("after").unwrap()).unwrap();
    assert_eq!(after.header.reason, "after");
    assert_eq!(after.header.dropped, 0);
    assert_eq!(contents(&after), ["0", "1", "2", "3", "panic", "4", "99"]);
}

/// A snapshot's events: the `i` of each `app` event, `panic` for the panic's.
fn contents(snap: &ttlog_core::snapshot::Snapshot) -> Vec<String> {
    snap.events
        .iter()
        .map(|e| match e.target() {
            "app" => e.field("i").unwrap().to_string(),
            other => other.to_owned(),
        })
        .collect()
}
