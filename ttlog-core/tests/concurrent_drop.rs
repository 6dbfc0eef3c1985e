//! Several threads flood small rings under `Overflow::Drop`: every event is either
//! delivered or counted as dropped, and the drops are reported as a warning event.

mod common;

use std::collections::HashMap;

use common::Keep;
use ttlog_core::{Callsite, EventBuilder, Level, Overflow};

static CS: Callsite = Callsite::new(
    Level::Info,
    "flood",
    "flood",
    file!(),
    line!(),
    "tick",
    &["thread", "seq"],
);

const THREADS: u64 = 3;
const PER_THREAD: u64 = 50_000;

#[test]
fn every_event_is_delivered_or_counted() {
    let keep = Keep::default();
    let guard = ttlog_core::init()
        .no_console()
        .ring_capacity(64)
        .capacity(1000)
        .snapshot_dir(common::temp_dir("concurrent-drop"))
        .overflow(Overflow::Drop)
        .sink(keep.clone())
        .try_init()
        .unwrap();
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            std::thread::spawn(move || {
                for seq in 0..PER_THREAD {
                    ttlog_core::__private::dispatch(
                        EventBuilder::new(&CS).value(t).value(seq).build(),
                    );
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert!(guard.flush());
    let seen = keep.take();
    let mut delivered: HashMap<String, Vec<u64>> = HashMap::new();
    let mut reported = 0u64;
    for s in &seen {
        if s.target == "ttlog" {
            assert_eq!(s.level, Level::Warn);
            assert!(s.message.starts_with("ttlog dropped "), "{}", s.message);
            reported += s.fields[0].1.parse::<u64>().unwrap();
        } else {
            delivered
                .entry(s.fields[0].1.clone())
                .or_default()
                .push(s.fields[1].1.parse().unwrap());
        }
    }
    let total: u64 = delivered.values().map(|v| v.len() as u64).sum();
    assert_eq!(
        total + reported,
        THREADS * PER_THREAD,
        "delivered {total}, reported dropped {reported}"
    );
    assert_eq!(guard.dropped(), reported);
    // Each thread's events arrive in the order it logged them.
    for seqs in delivered.values() {
        assert!(seqs.windows(2).all(|w| w[0] < w[1]));
    }
}
