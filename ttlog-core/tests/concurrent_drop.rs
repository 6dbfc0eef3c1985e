//! Several threads flood small rings under `Overflow::Drop`: every event is either
//! delivered or counted as dropped, and the drops are reported as a warning event with a
//! `dropped` field. The first flood runs while a sink holds the collector, so its rings fill
//! up and drop for certain; the second runs against the live collector.

mod common;

use common::{Keep, Seen};
use ttlog_core::{Level, Overflow};
use ttlog_test_support::Gate;

const THREADS: u64 = 3;
const PER_THREAD: u64 = 20_000;

/// The total of the drop reports among `seen`, read from their `dropped` field.
fn reported(seen: &[Seen]) -> u64 {
    seen.iter()
        .filter(|s| s.target == "ttlog")
        .map(|s| {
            assert_eq!(s.level, Level::Warn);
            let n: u64 = s
                .field("dropped")
                .unwrap_or_else(|| panic!("no `dropped` field in {s:?}"))
                .parse()
                .unwrap();
            assert_eq!(s.message, format!("ttlog dropped {n} events"));
            n
        })
        .sum()
}

#[test]
fn every_event_is_delivered_or_counted() {
    let keep = Keep::default();
    let (gate, gate_sink) = Gate::new();
    let guard = ttlog_core::init()
        .no_console()
        .ring_capacity(64)
        .capacity(1000)
        .snapshot_dir(common::temp_dir("concurrent-drop"))
        .overflow(Overflow::Drop)
        .sink(gate_sink)
        .sink(keep.clone())
        .try_init()
        .unwrap();

    // Held collector: each thread's ring takes what fits, in order, and drops the rest.
    gate.hold();
    common::flood(THREADS, PER_THREAD);
    gate.open();
    assert!(guard.flush());
    let seen = keep.take();
    let delivered = common::flood_seqs(&seen);
    assert_eq!(delivered.len() as u64, THREADS);
    let mut total = 0;
    for seqs in delivered.values() {
        // At least 64 (the ring holds 64 events of four fields; these have two), and
        // nothing after the first drop.
        assert!(seqs.len() >= 64, "{}", seqs.len());
        assert_eq!(*seqs, (0..seqs.len() as u64).collect::<Vec<_>>());
        total += seqs.len() as u64;
    }
    let dropped = reported(&seen);
    assert_eq!(dropped, THREADS * PER_THREAD - total);
    assert_eq!(guard.dropped(), dropped);

    // Live collector: whatever it keeps up with, nothing is lost uncounted.
    common::flood(THREADS, PER_THREAD);
    assert!(guard.flush());
    let seen = keep.take();
    let delivered = common::flood_seqs(&seen);
    let total: u64 = delivered.values().map(|v| v.len() as u64).sum();
    let more = reported(&seen);
    assert_eq!(
        total + more,
        THREADS * PER_THREAD,
        "delivered {total}, reported dropped {more}"
    );
    assert_eq!(guard.dropped(), dropped + more);
    // Each thread's events arrive in the order it logged them.
    for seqs in delivered.values() {
        assert!(seqs.windows(2).all(|w| w[0] < w[1]));
    }
}
