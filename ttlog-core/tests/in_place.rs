//! The ring logger's hot path builds each event directly in its ring slot (unsafe code in
//! `ring`, `event`, `local` and `ring_logger`). These tests drive it through every shape of
//! event: no fields, a few, exactly the inline limit, more (spilled to the heap), heap text,
//! formatted messages, and a full ring under both overflow policies. They are small enough
//! to run under Miri: `cargo +nightly miri test -p ttlog-core --test in_place`.

mod common;

use std::mem::ManuallyDrop;

use common::Keep;
use ttlog_core::__private::{emit, emit_message};
use ttlog_core::{Callsite, FieldValue, Level, Overflow};

static NONE: Callsite = Callsite::new(Level::Info, "t", "t", file!(), line!(), "no fields", &[]);
static FOUR: Callsite = Callsite::new(
    Level::Info,
    "t",
    "t",
    file!(),
    line!(),
    "four",
    &["a", "b", "c", "d"],
);
static EIGHT: Callsite = Callsite::new(
    Level::Info,
    "t",
    "t",
    file!(),
    line!(),
    "eight",
    &["f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7"],
);
static TEN: Callsite = Callsite::new(
    Level::Info,
    "t",
    "t",
    file!(),
    line!(),
    "ten",
    &["f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9"],
);
static MSG: Callsite = Callsite::new(
    Level::Warn,
    "t",
    "t",
    file!(),
    line!(),
    "took {} ms",
    &["x"],
);

fn long_text(n: usize) -> String {
    "x".repeat(n)
}

#[test]
fn every_event_shape_round_trips() {
    let keep = Keep::default();
    let guard = ttlog_core::init()
        .no_console()
        .ring_capacity(4)
        .overflow(Overflow::Block)
        .snapshot_dir(common::temp_dir("in-place"))
        .sink(keep.clone())
        .try_init()
        .unwrap();

    emit(&NONE, ManuallyDrop::new([]));
    emit(
        &FOUR,
        ManuallyDrop::new([
            FieldValue::from(42u64),
            FieldValue::from_static("/api/v1/items"),
            FieldValue::from(1.5),
            FieldValue::from(long_text(100)),
        ]),
    );
    emit(
        &EIGHT,
        ManuallyDrop::new(std::array::from_fn::<_, 8, _>(|i| {
            FieldValue::from(long_text(30 + i))
        })),
    );
    emit(
        &TEN,
        ManuallyDrop::new(std::array::from_fn::<_, 10, _>(|i| {
            FieldValue::from(i as u64)
        })),
    );
    emit_message(
        &MSG,
        FieldValue::from(format!("took {} ms", 12)),
        ManuallyDrop::new([FieldValue::from(long_text(40))]),
    );
    // More events than the ring holds, so `Overflow::Block` waits for the collector.
    for i in 0..20u64 {
        emit(
            &FOUR,
            ManuallyDrop::new([
                FieldValue::from(i),
                FieldValue::from(long_text(25)),
                FieldValue::EMPTY,
                FieldValue::from(true),
            ]),
        );
    }
    assert!(guard.flush());
    let seen = keep.take();
    assert_eq!(seen.len(), 25);
    assert_eq!(seen[0].message, "no fields");
    assert!(seen[0].fields.is_empty());
    assert_eq!(seen[1].fields[0], ("a".to_owned(), "42".to_owned()));
    assert_eq!(seen[1].fields[1].1, "/api/v1/items");
    assert_eq!(seen[1].fields[3].1, long_text(100));
    assert_eq!(seen[2].fields.len(), 8);
    assert_eq!(seen[2].fields[7].1, long_text(37));
    assert_eq!(seen[3].fields.len(), 10);
    assert_eq!(seen[3].fields[9], ("f9".to_owned(), "9".to_owned()));
    assert_eq!(seen[4].message, "took 12 ms");
    assert_eq!(seen[4].level, Level::Warn);
    for (i, s) in seen[5..].iter().enumerate() {
        assert_eq!(s.fields[0].1, i.to_string());
        assert_eq!(s.fields[1].1, long_text(25));
    }
    assert_eq!(guard.dropped(), 0);
    drop(guard);

    // After shutdown the values are still dropped properly (no leak under Miri).
    emit(
        &FOUR,
        ManuallyDrop::new([
            FieldValue::from(long_text(50)),
            FieldValue::EMPTY,
            FieldValue::EMPTY,
            FieldValue::EMPTY,
        ]),
    );
}
