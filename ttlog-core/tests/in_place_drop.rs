//! The in-place hot path when the memory budget is spent under `Overflow::Drop`: the thread
//! overwrites its oldest unread events, the values are dropped once they are copied (no leak,
//! no double free — run it under Miri too), and every overwritten event is counted. A sink
//! holds the collector while the events are logged, so the budget is spent for certain.

mod common;

use std::mem::ManuallyDrop;

use common::Keep;
use ttlog_core::__private::emit;
use ttlog_core::{Callsite, FieldValue, Level, Overflow};
use ttlog_test_support::Gate;

static CS: Callsite = Callsite::new(Level::Info, "t", "t", file!(), line!(), "e", &["i", "text"]);

const COUNT: u64 = if cfg!(miri) { 40 } else { 5_000 };

#[test]
fn full_ring_drops_and_counts() {
    let keep = Keep::default();
    let (gate, gate_sink) = Gate::new();
    let guard = ttlog_core::init()
        .no_console()
        // Segments of 32 words (one of these events each), four of them.
        .ring_capacity(2)
        .budget(4 * 32 * 8)
        .overflow(Overflow::Drop)
        .snapshot_dir(common::temp_dir("in-place-drop"))
        .sink(gate_sink)
        .sink(keep.clone())
        .try_init()
        .unwrap();
    gate.hold();
    for i in 0..COUNT {
        emit(
            &CS,
            ManuallyDrop::new([
                FieldValue::from(i),
                FieldValue::from("a heap-allocated text value".repeat(2)),
            ]),
        );
    }
    gate.open();
    assert!(guard.flush());
    let seen = keep.take();
    let delivered: Vec<u64> = seen
        .iter()
        .filter(|s| s.target == "t")
        .map(|s| s.field("i").unwrap().parse().unwrap())
        .collect();
    // In order, and the newest events were kept: the ones overwritten were the oldest unread.
    assert!(delivered.len() >= 2, "{delivered:?}");
    assert!(delivered.windows(2).all(|w| w[0] < w[1]), "{delivered:?}");
    assert_eq!(delivered.last(), Some(&(COUNT - 1)));
    let dropped = COUNT - delivered.len() as u64;
    let reports: Vec<_> = seen.iter().filter(|s| s.target == "ttlog").collect();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert_eq!(
        reports[0].field("dropped"),
        Some(dropped.to_string().as_str())
    );
    assert_eq!(guard.dropped(), dropped);
}
