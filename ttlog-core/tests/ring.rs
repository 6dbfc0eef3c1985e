//! The SPSC record ring on its own: order, capacity, wrap-around with padding, drops, the
//! drop hook, and a two-thread stress with records of varying sizes.

use std::sync::atomic::{AtomicUsize, Ordering};

use ttlog_core::ring::{self, Consumer, Producer};

const COUNT: usize = if cfg!(miri) {
    100
} else if cfg!(debug_assertions) {
    200_000
} else {
    2_000_000
};

unsafe fn no_drop(_meta: u64, _payload: *mut u64, _words: usize) {}

/// Pushes a record of `words` payload words, each `seq`, with `seq` as metadata.
fn push(tx: &mut Producer, seq: u64, words: usize) -> bool {
    // SAFETY: the initialiser writes all `words` words.
    unsafe {
        tx.push_record(words, seq, |p| {
            for i in 0..words {
                p.add(i).write(seq);
            }
        })
    }
}

/// Reads the next record: (metadata, payload words).
fn pop(rx: &mut Consumer) -> Option<(u64, Vec<u64>)> {
    let record = rx.peek()?;
    // SAFETY: every payload word was written as a `u64` by `push`.
    let words = (0..record.words())
        .map(|i| unsafe { record.payload().add(i).read() })
        .collect();
    let meta = record.meta();
    rx.advance();
    Some((meta, words))
}

#[test]
fn smoke() {
    let (mut tx, mut rx) = ring::channel(256, no_drop);
    assert_eq!(tx.capacity(), 256);
    assert!(rx.is_empty());
    assert!(push(&mut tx, 1, 3));
    assert!(push(&mut tx, 2, 0));
    assert!(push(&mut tx, 3, 5));
    assert_eq!(pop(&mut rx), Some((1, vec![1; 3])));
    assert_eq!(pop(&mut rx), Some((2, vec![])));
    assert_eq!(pop(&mut rx), Some((3, vec![3; 5])));
    assert_eq!(pop(&mut rx), None);
}

#[test]
fn full_ring_refuses_without_calling_the_initialiser() {
    let (mut tx, mut rx) = ring::channel(256, no_drop);
    // 28 records of 9 words fill 252 words; the next does not fit.
    for seq in 0..28 {
        assert!(push(&mut tx, seq, 8));
    }
    let mut called = false;
    // SAFETY: the initialiser would write its one word.
    let pushed = unsafe {
        tx.push_record(8, 99, |p| {
            called = true;
            p.write(0);
        })
    };
    assert!(!pushed && !called);
    assert_eq!(pop(&mut rx).unwrap().0, 0);
    assert!(push(&mut tx, 28, 8));
}

#[test]
fn capacity_rounds_up_and_bounds_records() {
    assert_eq!(ring::channel(0, no_drop).0.capacity(), ring::MIN_CAPACITY);
    assert_eq!(ring::channel(1000, no_drop).0.capacity(), 1024);
    let (tx, _rx) = ring::channel(256, no_drop);
    assert!(tx.fits(126));
    assert!(!tx.fits(127));
    // A record that could never fit is refused by `reserve` itself, even when the buffer has
    // room for it right now (and would otherwise overflow the header's length field).
    let (mut big, _rx) = ring::channel(1 << 17, no_drop);
    assert!(!big.fits(70_000));
    assert!(big.reserve(70_000).is_none());
    assert!(big.reserve(40_000).is_some());
}

#[test]
fn wraps_around_with_padding() {
    let (mut tx, mut rx) = ring::channel(256, no_drop);
    let rounds = if cfg!(miri) { 200 } else { 20_000 };
    for seq in 0..rounds {
        let words = (seq as usize * 37) % 100;
        assert!(push(&mut tx, seq, words), "record {seq} of {words} words");
        assert_eq!(pop(&mut rx), Some((seq, vec![seq; words])));
    }
    assert_eq!(pop(&mut rx), None);
}

#[test]
fn drops_are_counted() {
    let (tx, rx) = ring::channel(256, no_drop);
    for _ in 0..5 {
        tx.count_drop();
    }
    tx.count_drops(3);
    assert_eq!(rx.dropped(), 8);
}

#[test]
fn abandoned_ring_can_still_be_read() {
    let (mut tx, mut rx) = ring::channel(256, no_drop);
    assert!(push(&mut tx, 5, 2));
    assert!(!rx.is_abandoned());
    drop(tx);
    assert!(rx.is_abandoned());
    assert_eq!(pop(&mut rx), Some((5, vec![5, 5])));
    assert_eq!(pop(&mut rx), None);
}

static DROPPED: AtomicUsize = AtomicUsize::new(0);

unsafe fn count_drop(meta: u64, _payload: *mut u64, words: usize) {
    DROPPED.fetch_add(meta as usize * 1000 + words, Ordering::Relaxed);
}

#[test]
fn records_left_in_the_ring_go_through_the_drop_hook_once() {
    let (mut tx, mut rx) = ring::channel(256, count_drop);
    assert!(push(&mut tx, 1, 2));
    assert!(push(&mut tx, 2, 3));
    assert!(push(&mut tx, 3, 4));
    assert_eq!(pop(&mut rx).unwrap().0, 1);
    drop(tx);
    assert_eq!(DROPPED.load(Ordering::Relaxed), 0);
    drop(rx);
    assert_eq!(DROPPED.load(Ordering::Relaxed), 2003 + 3004);
}

#[test]
fn spsc_stress_preserves_order_and_content() {
    let (mut tx, mut rx) = ring::channel(256, no_drop);
    let producer = std::thread::spawn(move || {
        let mut seq = 0;
        while seq < COUNT {
            if push(&mut tx, seq as u64, seq % 13) {
                seq += 1;
            } else {
                std::thread::yield_now();
            }
        }
    });
    let mut expected = 0;
    while expected < COUNT {
        match pop(&mut rx) {
            Some((meta, words)) => {
                assert_eq!(meta, expected as u64);
                assert_eq!(words, vec![expected as u64; expected % 13]);
                expected += 1;
            }
            None => std::thread::yield_now(),
        }
    }
    producer.join().unwrap();
    assert_eq!(pop(&mut rx), None);
}
