//! The segmented logs on their own: order across segments, the recorder's window, recycling,
//! overwriting when the pool is spent (every overwritten record counted), waiting when the log
//! may not overwrite, segments taken from dead logs, and two-thread stresses with records of
//! varying sizes, read by the collector's cursor and by concurrent window readers.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use ttlog_core::ring::{Cursor, LogSet, Pool, Writer, HEADER_WORDS};

const COUNT: u64 = if cfg!(miri) {
    100
} else if cfg!(debug_assertions) {
    200_000
} else {
    2_000_000
};

/// Writes record `seq` with `words` payload words, each `seq`, counted when `seq` is even.
fn push(tx: &mut Writer, seq: u64, words: usize) -> bool {
    let Some(mut slot) = tx.reserve(words) else {
        return false;
    };
    for i in 0..words {
        slot.put(i, seq);
    }
    slot.commit(seq, seq.is_multiple_of(2));
    true
}

/// Reads the next record: (meta, payload), checking it is whole.
fn pop(rx: &mut Cursor) -> Option<u64> {
    let record = rx.peek()?;
    let seq = record.meta;
    assert!(
        record.payload.iter().all(|&w| w == seq),
        "record {seq} torn: {:?}",
        record.payload
    );
    assert_eq!(record.counted, seq % 2 == 0);
    rx.advance();
    Some(seq)
}

fn size(seq: u64) -> usize {
    (seq % 13) as usize
}

#[test]
fn records_arrive_in_order_across_segments() {
    let set = LogSet::new(Pool::new(64, 64));
    let (mut tx, mut rx) = set.log(1, false);
    assert!(rx.peek().is_none());
    for seq in 0..500 {
        assert!(push(&mut tx, seq, size(seq)));
        if seq % 7 == 0 {
            while let Some(got) = pop(&mut rx) {
                assert!(got <= seq);
            }
        }
    }
    drop(tx);
    while pop(&mut rx).is_some() {}
    assert!(rx.is_abandoned());
    assert_eq!(rx.lost(), 0);
}

#[test]
// Thousands of records, one thread: the stresses below cover the same writes under Miri.
#[cfg_attr(miri, ignore)]
fn every_record_is_read_once_in_order() {
    let set = LogSet::new(Pool::new(8, 64));
    let (mut tx, mut rx) = set.log(1, false);
    let mut next = 0;
    for seq in 0..2000 {
        while !push(&mut tx, seq, size(seq)) {
            // Pool spent and the log may not overwrite: read to make room.
            while let Some(got) = pop(&mut rx) {
                assert_eq!(got, next);
                next += 1;
            }
        }
    }
    while let Some(got) = pop(&mut rx) {
        assert_eq!(got, next);
        next += 1;
    }
    assert_eq!(next, 2000);
    assert_eq!(rx.lost(), 0);
}

#[test]
// Thousands of records, one thread: the stresses below cover the same writes under Miri.
#[cfg_attr(miri, ignore)]
fn the_window_holds_the_newest_counted_records() {
    let set = LogSet::new(Pool::new(64, 64));
    let (mut tx, mut rx) = set.log(40, true);
    for seq in 0..1000 {
        assert!(push(&mut tx, seq, size(seq)));
        // The collector keeps up, so old segments are recycled once outside the window.
        while pop(&mut rx).is_some() {}
    }
    let window = tx.log().window(40);
    let counted: Vec<u64> = window
        .iter()
        .filter(|r| r.counted)
        .map(|r| r.meta)
        .collect();
    let expected: Vec<u64> = (920..1000).step_by(2).collect();
    assert_eq!(counted, expected);
    // Ordered and whole; uncounted records (span operations) of the kept segments stay too,
    // even before the first kept counted one.
    assert!(window.windows(2).all(|w| w[0].meta < w[1].meta));
    assert!(window
        .iter()
        .filter(|r| r.meta >= 920)
        .map(|r| r.meta)
        .eq(920..1000));
    assert!(window
        .iter()
        .all(|r| r.payload.iter().all(|&w| w == r.meta)));
    // Recycling kept the log small: about the window, not the thousand records.
    assert!(tx.log().segments() < 20, "{} segments", tx.log().segments());
    // A smaller window is a suffix of the larger.
    let small = tx.log().window(3);
    let first_counted = small.iter().find(|r| r.counted).map(|r| r.meta);
    assert_eq!(first_counted, Some(994));
}

#[test]
// Thousands of records, one thread: the stresses below cover the same writes under Miri.
#[cfg_attr(miri, ignore)]
fn a_spent_pool_overwrites_unread_records_and_counts_them() {
    let set = LogSet::new(Pool::new(4, 64));
    let (mut tx, mut rx) = set.log(1000, true);
    let total = 3000u64;
    for seq in 0..total {
        assert!(
            push(&mut tx, seq, size(seq)),
            "overwriting logs always have room"
        );
    }
    // The window is what four segments hold: the newest records, whole and in order.
    let window = tx.log().window(1000);
    assert!(!window.is_empty());
    assert_eq!(window.last().map(|r| r.meta), Some(total - 1));
    assert!(window.windows(2).all(|w| w[1].meta == w[0].meta + 1));
    // The cursor reads what is left and counts every counted record it never saw.
    let mut seen = 0;
    let mut last = None;
    while let Some(seq) = pop(&mut rx) {
        assert!(last.is_none_or(|l| seq > l));
        last = Some(seq);
        seen += (seq % 2 == 0) as u64;
    }
    assert_eq!(seen + rx.lost(), total / 2);
    assert!(rx.lost() > 0);
}

#[test]
fn a_log_that_may_not_overwrite_waits_for_the_reader() {
    let set = LogSet::new(Pool::new(2, 64));
    let (mut tx, mut rx) = set.log(1, false);
    let mut seq = 0;
    while push(&mut tx, seq, 4) {
        seq += 1;
    }
    assert!(seq > 0);
    // Both segments are full and unread: nothing more until the reader reads.
    assert!(!push(&mut tx, seq, 4));
    let mut got = 0;
    while pop(&mut rx).is_some() {
        got += 1;
    }
    assert_eq!(got, seq);
    assert!(push(&mut tx, seq, 4));
    assert_eq!(pop(&mut rx), Some(seq));
}

#[test]
fn records_longer_than_a_segment_are_refused() {
    let set = LogSet::new(Pool::new(2, 64));
    let (mut tx, _rx) = set.log(1, true);
    assert!(tx.fits(64 - HEADER_WORDS - 1));
    assert!(!tx.fits(64 - HEADER_WORDS));
    assert!(tx.reserve(64).is_none());
    assert!(tx.reserve(10).is_some());
}

#[test]
fn a_dead_logs_segments_go_to_a_live_log_when_the_pool_is_spent() {
    let set = LogSet::new(Pool::new(4, 64));
    let (mut dead, mut dead_rx) = set.log(1000, true);
    for seq in 0..40 {
        assert!(push(&mut dead, seq, 6));
    }
    assert_eq!(set.pool().free_segments(), 0);
    drop(dead);
    while pop(&mut dead_rx).is_some() {}
    dead_rx.finish();
    // Still readable until needed.
    assert!(!dead_rx.log().window(1000).is_empty());
    let (mut live, mut live_rx) = set.log(1000, false);
    for seq in 0..30 {
        assert!(
            push(&mut live, seq, 6),
            "record {seq}: a dead log's segment was free to take"
        );
    }
    let mut n = 0;
    while pop(&mut live_rx).is_some() {
        n += 1;
    }
    assert_eq!(n, 30);
    assert!(dead_rx.log().segments() < 4);
}

#[test]
fn dropping_a_log_gives_its_segments_back() {
    let set = LogSet::new(Pool::new(4, 64));
    let (mut tx, rx) = set.log(1000, true);
    for seq in 0..40 {
        push(&mut tx, seq, 6);
    }
    assert_eq!(set.pool().free_segments(), 0);
    drop((tx, rx));
    assert_eq!(set.pool().free_segments(), 4);
}

/// A writer thread and the reading thread: with `overwrite`, a prefix-free subsequence in
/// order plus the lost count adds up to everything; without, everything in order.
fn stress(overwrite: bool) {
    let set = LogSet::new(Pool::new(6, 128));
    let (mut tx, mut rx) = set.log(16, overwrite);
    let producer = std::thread::spawn(move || {
        for seq in 0..COUNT {
            while !push(&mut tx, seq, size(seq)) {
                std::thread::yield_now();
            }
        }
    });
    let mut last = None;
    let mut seen = 0u64;
    loop {
        match pop(&mut rx) {
            Some(seq) => {
                if !overwrite {
                    assert_eq!(seq, last.map_or(0, |l| l + 1));
                }
                assert!(last.is_none_or(|l| seq > l));
                last = Some(seq);
                seen += (seq % 2 == 0) as u64;
            }
            None if rx.is_abandoned() => {
                if pop_rest(&mut rx, &mut last, &mut seen) {
                    break;
                }
            }
            None => std::thread::yield_now(),
        }
    }
    producer.join().unwrap();
    assert_eq!(seen + rx.lost(), COUNT / 2);
    if !overwrite {
        assert_eq!(rx.lost(), 0);
    }
}

/// Reads what is left once the writer is gone; `true` when it is all read.
fn pop_rest(rx: &mut Cursor, last: &mut Option<u64>, seen: &mut u64) -> bool {
    while let Some(seq) = pop(rx) {
        assert!(last.is_none_or(|l| seq > l));
        *last = Some(seq);
        *seen += (seq % 2 == 0) as u64;
    }
    true
}

#[test]
fn stress_without_overwriting() {
    stress(false);
}

#[test]
fn stress_overwriting() {
    stress(true);
}

#[test]
fn windows_read_while_the_writer_writes_are_whole_and_ordered() {
    let set = LogSet::new(Pool::new(4, 128));
    let (mut tx, _rx) = set.log(64, true);
    let log = tx.log().clone();
    let done = Arc::new(AtomicBool::new(false));
    let stop = done.clone();
    let producer = std::thread::spawn(move || {
        for seq in 0..COUNT {
            push(&mut tx, seq, size(seq));
        }
        stop.store(true, Ordering::Release);
        tx
    });
    let mut windows = 0;
    while !done.load(Ordering::Acquire) || windows == 0 {
        let window = log.window(64);
        for r in &window {
            assert!(r.payload.iter().all(|&w| w == r.meta), "torn record {r:?}");
        }
        assert!(window.windows(2).all(|w| w[1].meta == w[0].meta + 1));
        windows += 1;
    }
    let tx = producer.join().unwrap();
    let last = log.window(64);
    assert_eq!(last.last().map(|r| r.meta), Some(COUNT - 1));
    drop(tx);
}

#[test]
// Thousands of records, one thread: the stresses below cover the same writes under Miri.
#[cfg_attr(miri, ignore)]
fn a_bursts_segments_go_back_to_the_pool_once_read() {
    let set = LogSet::new(Pool::new(64, 64));
    let (mut tx, mut rx) = set.log(20, false);
    // A burst the reader does not keep up with: the chain grows.
    for seq in 0..400 {
        assert!(push(&mut tx, seq, 6));
    }
    let grown = tx.log().segments();
    assert!(grown > 40, "{grown} segments");
    while pop(&mut rx).is_some() {}
    // Read: all but what the window needs go back, whether the writer writes again or not.
    let freed = tx.log().trim();
    assert!(freed >= grown - 20, "{freed} of {grown}");
    assert_eq!(set.pool().free_segments(), 64 - tx.log().segments());
    // The window still holds the newest 20 counted records.
    let counted: Vec<u64> = tx
        .log()
        .window(20)
        .iter()
        .filter(|r| r.counted)
        .map(|r| r.meta)
        .collect();
    assert_eq!(counted, (360..400).step_by(2).collect::<Vec<_>>());
    // A writer that goes on also sheds what it no longer needs.
    for seq in 400..3000 {
        assert!(push(&mut tx, seq, 6));
        while pop(&mut rx).is_some() {}
    }
    assert!(
        tx.log().segments() <= 20,
        "{} segments",
        tx.log().segments()
    );
}
