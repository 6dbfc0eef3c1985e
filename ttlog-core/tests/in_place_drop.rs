//! The in-place hot path when the ring is full under `Overflow::Drop`: the values that do
//! not fit are dropped (no leak, no double free — run it under Miri too) and counted.

mod common;

use std::mem::ManuallyDrop;

use common::Keep;
use ttlog_core::__private::emit;
use ttlog_core::{Callsite, FieldValue, Level, Overflow};

static CS: Callsite = Callsite::new(Level::Info, "t", "t", file!(), line!(), "e", &["i", "text"]);

const COUNT: u64 = if cfg!(miri) { 40 } else { 5_000 };

#[test]
fn full_ring_drops_and_counts() {
    let keep = Keep::default();
    let guard = ttlog_core::init()
        .no_console()
        .ring_capacity(2)
        .overflow(Overflow::Drop)
        .snapshot_dir(common::temp_dir("in-place-drop"))
        .sink(keep.clone())
        .try_init()
        .unwrap();
    for i in 0..COUNT {
        emit(
            &CS,
            ManuallyDrop::new([
                FieldValue::from(i),
                FieldValue::from("a heap-allocated text value".repeat(2)),
            ]),
        );
    }
    assert!(guard.flush());
    let delivered = keep.take().iter().filter(|s| s.target == "t").count() as u64;
    assert_eq!(delivered + guard.dropped(), COUNT);
}
