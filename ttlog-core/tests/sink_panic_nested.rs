//! Two sinks that panic in turn, the second on an event of a thread that has ended: the
//! collector removes each, snapshots after the turn that found it (never from inside it),
//! and keeps running; the healthy sink gets every event.

mod common;

use common::Keep;
use ttlog_core::{Callsite, EventBuilder, Level, Record, Sink};

static CS: Callsite = Callsite::new(Level::Info, "app", "app", file!(), line!(), "event", &["i"]);

/// Panics on the event whose `i` is its number.
struct Fragile(u64);

impl Sink for Fragile {
    fn write(&mut self, r: &Record<'_>) -> std::io::Result<()> {
        if r.field("i").and_then(|v| v.as_u64()) == Some(self.0) {
            panic!("fragile {}", self.0);
        }
        Ok(())
    }
}

#[test]
fn sinks_that_panic_leave_the_collector_running() {
    let keep = Keep::default();
    let guard = ttlog_core::init()
        .no_console()
        .recorder_in_memory()
        .snapshot_dir(common::temp_dir("nested-panic"))
        .sink(Fragile(1))
        .sink(Fragile(2))
        .sink(keep.clone())
        .try_init()
        .unwrap();
    let log = |i: u64| ttlog_core::__private::dispatch(EventBuilder::new(&CS).value(i).build());
    log(0);
    log(1);
    assert!(guard.flush());
    // The event that makes the second sink panic comes from a thread that has ended, whose
    // log the turn retires.
    std::thread::spawn(move || log(2)).join().unwrap();
    assert!(guard.flush());
    log(3);
    assert!(guard.flush());
    assert!(guard.handle().is_running());
    let mut seen: Vec<String> = keep
        .take()
        .iter()
        .filter(|s| s.target == "app")
        .filter_map(|s| s.field("i").map(str::to_owned))
        .collect();
    seen.sort();
    assert_eq!(seen, ["0", "1", "2", "3"]);
}
