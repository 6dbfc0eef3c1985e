//! Loom models of the SPSC ring: every interleaving of a producer and a consumer.
//!
//! Run with `RUSTFLAGS="--cfg ttlog_loom" cargo test -p ttlog-core --test loom_ring --release`.

#[cfg(ttlog_loom)]
mod tests {
    use loom::thread;
    use ttlog_core::ring;

    #[test]
    fn push_pop_in_order_across_threads() {
        loom::model(|| {
            let (mut tx, mut rx) = ring::channel::<u32>(2);
            let producer = thread::spawn(move || {
                let mut pushed = 0;
                for i in 0..3 {
                    if tx.push(i).is_ok() {
                        pushed += 1;
                    } else {
                        tx.count_drop();
                    }
                }
                pushed
            });
            let mut got = Vec::new();
            for _ in 0..3 {
                if let Some(v) = rx.pop() {
                    got.push(v);
                }
            }
            let pushed = producer.join().unwrap();
            while let Some(v) = rx.pop() {
                got.push(v);
            }
            // Everything pushed arrives, in order; everything else was counted.
            assert_eq!(got.len(), pushed);
            assert!(got.windows(2).all(|w| w[0] < w[1]));
            assert_eq!(pushed as u64 + rx.dropped(), 3);
        });
    }

    #[test]
    fn drain_sees_complete_values() {
        loom::model(|| {
            let (mut tx, mut rx) = ring::channel::<String>(2);
            let producer = thread::spawn(move || {
                let _ = tx.push("one".to_owned());
                let _ = tx.push("two".to_owned());
            });
            let mut got = Vec::new();
            rx.drain_into(|v| got.push(v));
            producer.join().unwrap();
            rx.drain_into(|v| got.push(v));
            assert_eq!(got, ["one", "two"]);
            assert!(rx.is_abandoned());
        });
    }
}
