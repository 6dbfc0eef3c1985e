//! The SPSC ring on its own: order, capacity, wrap-around, drops, and a two-thread stress.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use ttlog_core::ring;

const COUNT: usize = if cfg!(debug_assertions) {
    200_000
} else {
    2_000_000
};

#[test]
fn smoke() {
    let (mut tx, mut rx) = ring::channel::<u64>(4);
    assert_eq!(tx.capacity(), 4);
    assert!(rx.is_empty());
    for i in 0..4 {
        tx.push(i).unwrap();
    }
    assert_eq!(tx.push(9), Err(9));
    assert_eq!(rx.len(), 4);
    for i in 0..4 {
        assert_eq!(rx.pop(), Some(i));
    }
    assert_eq!(rx.pop(), None);
}

#[test]
fn capacity_rounds_up_to_power_of_two() {
    assert_eq!(ring::channel::<u8>(0).0.capacity(), 2);
    assert_eq!(ring::channel::<u8>(3).0.capacity(), 4);
    assert_eq!(ring::channel::<u8>(1000).0.capacity(), 1024);
}

#[test]
fn wraps_around_many_times() {
    let (mut tx, mut rx) = ring::channel::<usize>(8);
    for i in 0..if cfg!(miri) { 100 } else { 10_000 } {
        tx.push(i).unwrap();
        if i % 3 == 0 {
            tx.push(i + 1_000_000).unwrap();
            assert_eq!(rx.pop(), Some(i));
            assert_eq!(rx.pop(), Some(i + 1_000_000));
        } else {
            assert_eq!(rx.pop(), Some(i));
        }
    }
    assert_eq!(rx.pop(), None);
}

#[test]
fn drain_into_takes_everything_present() {
    let (mut tx, mut rx) = ring::channel::<u32>(16);
    for i in 0..10 {
        tx.push(i).unwrap();
    }
    let mut got = Vec::new();
    assert_eq!(rx.drain_into(|v| got.push(v)), 10);
    assert_eq!(got, (0..10).collect::<Vec<_>>());
    assert_eq!(rx.drain_into(|v| got.push(v)), 0);
}

#[test]
fn drops_are_counted() {
    let (mut tx, rx) = ring::channel::<u8>(2);
    tx.push(1).unwrap();
    tx.push(2).unwrap();
    for _ in 0..5 {
        if tx.push(3).is_err() {
            tx.count_drop();
        }
    }
    assert_eq!(rx.dropped(), 5);
}

#[test]
fn abandoned_ring_can_still_be_drained() {
    let (mut tx, mut rx) = ring::channel::<String>(4);
    tx.push("a".into()).unwrap();
    assert!(!rx.is_abandoned());
    drop(tx);
    assert!(rx.is_abandoned());
    assert_eq!(rx.pop().as_deref(), Some("a"));
    assert_eq!(rx.pop(), None);
}

struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

#[test]
fn values_left_in_the_ring_are_dropped_once() {
    let drops = Arc::new(AtomicUsize::new(0));
    let (mut tx, mut rx) = ring::channel(8);
    for _ in 0..6 {
        assert!(tx.push(Counted(drops.clone())).is_ok());
    }
    drop(rx.pop());
    assert_eq!(drops.load(Ordering::Relaxed), 1);
    drop(tx);
    drop(rx);
    assert_eq!(drops.load(Ordering::Relaxed), 6);
}

#[test]
fn spsc_stress_preserves_order_and_loses_nothing() {
    let (mut tx, mut rx) = ring::channel::<usize>(64);
    let producer = std::thread::spawn(move || {
        let mut i = 0;
        while i < COUNT {
            match tx.push(i) {
                Ok(()) => i += 1,
                Err(_) => std::thread::yield_now(),
            }
        }
    });
    let mut expected = 0;
    while expected < COUNT {
        match rx.pop() {
            Some(v) => {
                assert_eq!(v, expected);
                expected += 1;
            }
            None => std::thread::yield_now(),
        }
    }
    producer.join().unwrap();
    assert_eq!(rx.pop(), None);
}
