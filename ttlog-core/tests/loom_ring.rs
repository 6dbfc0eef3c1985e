//! Loom models of the SPSC record ring: every interleaving of a producer and a consumer.
//!
//! Under loom each buffer word is its own tracked cell; the ring stages payloads and copies
//! them through those cells, so loom checks that every payload word (not only the header) is
//! written before it is published and read only after. Run with
//! `RUSTFLAGS="--cfg ttlog_loom" cargo test -p ttlog-core --test loom_ring --release`.

#[cfg(ttlog_loom)]
mod tests {
    use loom::thread;
    use ttlog_core::ring::{self, Consumer, Producer};

    unsafe fn no_drop(_meta: u64, _payload: *mut u64, _words: usize) {}

    /// Pushes record `v` with `words` payload words, word `i` holding `v * 100 + i`.
    fn push(tx: &mut Producer, v: u64, words: usize) -> bool {
        // SAFETY: the initialiser writes all `words` words.
        unsafe {
            tx.push_record(words, v, |p| {
                for i in 0..words {
                    p.add(i).write(v * 100 + i as u64);
                }
            })
        }
    }

    /// Pops a record, checking that every payload word is the one its producer wrote.
    fn pop(rx: &mut Consumer) -> Option<u64> {
        let r = rx.peek()?;
        let meta = r.meta();
        for i in 0..r.words() {
            // SAFETY: every payload word was written as a `u64`.
            let word = unsafe { r.payload().add(i).read() };
            assert_eq!(
                word,
                meta * 100 + i as u64,
                "payload must be visible with its header"
            );
        }
        rx.advance();
        Some(meta)
    }

    #[test]
    fn records_arrive_complete_and_in_order() {
        loom::model(|| {
            let (mut tx, mut rx) = ring::channel(256, no_drop);
            let producer = thread::spawn(move || {
                for v in 1..=3 {
                    assert!(push(&mut tx, v, v as usize * 2));
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
    fn padding_and_reuse_after_the_consumer_is_done() {
        loom::model(|| {
            let (mut tx, mut rx) = ring::channel(256, no_drop);
            // 2 records of 120 words (121 with the header) leave 14 words before the end.
            assert!(push(&mut tx, 1, 120));
            assert!(push(&mut tx, 2, 120));
            let producer = thread::spawn(move || {
                // Needs padding at the end and the words of record 1: succeeds only once the
                // consumer has finished with record 1.
                let pushed = push(&mut tx, 3, 20);
                if !pushed {
                    tx.count_drop();
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
            if pushed {
                assert_eq!(rest, [2, 3]);
            } else {
                assert_eq!(rest, [2]);
                assert_eq!(rx.dropped(), 1);
            }
        });
    }
}
