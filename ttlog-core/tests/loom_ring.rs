//! Loom models of the SPSC record ring: every interleaving of a producer and a consumer.
//!
//! Under loom each buffer word is its own tracked cell, so the models use one-word payloads
//! (see `ring.rs`). Run with
//! `RUSTFLAGS="--cfg ttlog_loom" cargo test -p ttlog-core --test loom_ring --release`.

#[cfg(ttlog_loom)]
mod tests {
    use loom::thread;
    use ttlog_core::ring::{self, Consumer, Producer};

    unsafe fn no_drop(_meta: u64, _payload: *mut u64, _words: usize) {}

    fn push(tx: &mut Producer, v: u64) -> bool {
        // SAFETY: the initialiser writes the one payload word.
        unsafe { tx.push_record(1, v, |p| p.write(v * 10)) }
    }

    fn pop(rx: &mut Consumer) -> Option<u64> {
        let r = rx.peek()?;
        // SAFETY: the payload word was written as a `u64`.
        let (meta, word) = (r.meta(), unsafe { r.payload().read() });
        assert_eq!(word, meta * 10, "payload must be visible with its header");
        rx.advance();
        Some(meta)
    }

    #[test]
    fn records_arrive_complete_and_in_order() {
        loom::model(|| {
            // Push 3 two-word records and read them concurrently.
            let (mut tx, mut rx) = ring::channel(256, no_drop);
            let producer = thread::spawn(move || {
                for v in 1..=3 {
                    assert!(push(&mut tx, v));
                }
            });
            let mut got = Vec::new();
            for _ in 0..3 {
                if let Some(v) = pop(&mut rx) {
                    got.push(v);
                }
            }
            producer.join().unwrap();
            while let Some(v) = pop(&mut rx) {
                got.push(v);
            }
            assert_eq!(got, [1, 2, 3]);
            assert!(rx.is_abandoned());
        });
    }

    #[test]
    fn full_ring_reuses_words_only_after_the_consumer_is_done() {
        loom::model(|| {
            let (mut tx, mut rx) = ring::channel(256, no_drop);
            // Fill the ring: 128 records of 2 words.
            for v in 1..=128 {
                assert!(push(&mut tx, v));
            }
            let producer = thread::spawn(move || {
                let mut pushed = 0;
                for v in 129..=130 {
                    if push(&mut tx, v) {
                        pushed += 1;
                    } else {
                        tx.count_drop();
                    }
                }
                pushed
            });
            let first = pop(&mut rx);
            let pushed = producer.join().unwrap();
            let mut rest = Vec::new();
            while let Some(v) = pop(&mut rx) {
                rest.push(v);
            }
            assert_eq!(first, Some(1));
            assert_eq!(rest.len(), 127 + pushed);
            assert!(rest.windows(2).all(|w| w[0] < w[1]));
            assert_eq!(pushed as u64 + rx.dropped(), 2);
        });
    }
}
