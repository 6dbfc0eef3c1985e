//! Several threads flood small rings under `Overflow::Drop`: every event is either
//! delivered or counted as dropped, and the drops are reported as a warning event.

mod common;

use common::Keep;
use ttlog_core::{Level, Overflow};

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
    common::flood(THREADS, PER_THREAD);
    assert!(guard.flush());
    let seen = keep.take();
    let mut reported = 0u64;
    for s in seen.iter().filter(|s| s.target == "ttlog") {
        assert_eq!(s.level, Level::Warn);
        assert!(s.message.starts_with("ttlog dropped "), "{}", s.message);
        reported += s.fields[0].1.parse::<u64>().unwrap();
    }
    let delivered = common::flood_seqs(&seen);
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
