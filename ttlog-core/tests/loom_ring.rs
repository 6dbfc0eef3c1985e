//! Loom models of the segmented logs: every interleaving (up to a preemption bound) of a
//! writer with the collector's cursor and with a snapshot's window reader, including a writer
//! recycling the segment a reader is in (the seqlock must make the reader throw the record
//! away, never return a torn one). Every word is a loom atomic, so loom also checks that each
//! payload word is visible once its record is published. Run with
//! `RUSTFLAGS="--cfg ttlog_loom" cargo test -p ttlog-core --test loom_ring --release`.

#[cfg(ttlog_loom)]
mod tests {
    use loom::thread;
    use ttlog_core::ring::{Cursor, LogSet, Pool, Record, Writer};

    /// Payload words per record: two records fill a segment of the smallest size (32 words,
    /// 8 of header), so a third moves the writer to another segment.
    const WORDS: usize = 10;

    fn model(f: impl Fn() + Sync + Send + 'static) {
        let mut builder = loom::model::Builder::new();
        builder.preemption_bound = Some(3);
        builder.check(f);
    }

    /// Writes record `v`, word `i` holding `v * 100 + i`.
    fn push(tx: &mut Writer, v: u64) -> bool {
        let Some(mut slot) = tx.reserve(WORDS) else {
            return false;
        };
        for i in 0..WORDS {
            slot.put(i, v * 100 + i as u64);
        }
        slot.commit(v, true);
        true
    }

    fn check(r: &Record) {
        for (i, &w) in r.payload.iter().enumerate() {
            assert_eq!(w, r.meta * 100 + i as u64, "record {} torn", r.meta);
        }
    }

    fn pop(rx: &mut Cursor) -> Option<u64> {
        let r = rx.peek()?;
        check(r);
        let v = r.meta;
        rx.advance();
        Some(v)
    }

    /// A writer thread writes records `1..=writes` into a log of `segments` smallest
    /// segments while this thread pops `pops` times; then it reads the rest. Returns what it
    /// read and the cursor's loss count.
    fn concurrent(segments: usize, overwrite: bool, writes: u64, pops: usize) -> (Vec<u64>, u64) {
        let set = LogSet::new(Pool::new(segments, 32));
        let (mut tx, mut rx) = set.log(1, overwrite);
        let writer = thread::spawn(move || {
            for v in 1..=writes {
                assert!(push(&mut tx, v));
            }
        });
        let mut got = Vec::new();
        for _ in 0..pops {
            if let Some(v) = pop(&mut rx) {
                got.push(v);
            }
        }
        writer.join().unwrap();
        while let Some(v) = pop(&mut rx) {
            got.push(v);
        }
        (got, rx.lost())
    }

    #[test]
    fn records_arrive_whole_and_in_order_across_segments() {
        model(|| {
            let (got, lost) = concurrent(4, false, 3, 2);
            assert_eq!(got, [1, 2, 3]);
            assert_eq!(lost, 0);
        });
    }

    #[test]
    fn a_recycled_segment_is_never_read_torn_and_every_loss_is_counted() {
        model(|| {
            // Two segments of two records: the fifth and sixth records overwrite the first
            // segment again, perhaps while the cursor reads it.
            let (got, lost) = concurrent(2, true, 6, 1);
            assert!(got.windows(2).all(|w| w[0] < w[1]), "{got:?}");
            assert_eq!(got.last(), Some(&6));
            assert_eq!(got.len() as u64 + lost, 6, "{got:?}");
        });
    }

    #[test]
    fn a_window_read_during_writes_is_whole() {
        model(|| {
            let set = LogSet::new(Pool::new(2, 32));
            let (mut tx, _rx) = set.log(2, true);
            let log = tx.log().clone();
            let writer = thread::spawn(move || {
                for v in 1..=5 {
                    assert!(push(&mut tx, v));
                }
                tx
            });
            let window = log.window(2);
            for r in &window {
                check(r);
            }
            assert!(window.windows(2).all(|w| w[1].meta == w[0].meta + 1));
            let tx = writer.join().unwrap();
            let last: Vec<u64> = log.window(2).iter().map(|r| r.meta).collect();
            assert_eq!(last, [4, 5]);
            drop(tx);
        });
    }

    #[test]
    fn a_cursor_reading_through_recycling_counts_every_loss() {
        model(|| {
            // The cursor reads while the writer laps it: whatever it misses, it counts.
            let (got, lost) = concurrent(2, true, 5, 3);
            assert!(got.windows(2).all(|w| w[0] < w[1]), "{got:?}");
            assert_eq!(got.len() as u64 + lost, 5, "{got:?} lost {lost}");
        });
    }

    #[test]
    fn a_waiting_writer_with_one_segment_goes_on_once_it_is_read() {
        model(|| {
            // Two logs, two segments, no overwriting: each log holds one segment; once the
            // cursor has read a log's segment to its end, its writer may reuse it.
            let set = LogSet::new(Pool::new(2, 32));
            let (mut a, mut rx) = set.log(1, false);
            let (mut b, _rx_b) = set.log(1, false);
            assert!(push(&mut a, 1) && push(&mut a, 2));
            assert!(push(&mut b, 1));
            let writer = thread::spawn(move || {
                let mut tries = 0;
                while !push(&mut a, 3) {
                    tries += 1;
                    assert!(tries < 4, "the writer never got its segment back");
                    thread::yield_now();
                }
            });
            let mut got = Vec::new();
            while got.len() < 3 {
                match pop(&mut rx) {
                    Some(v) => got.push(v),
                    None => thread::yield_now(),
                }
            }
            writer.join().unwrap();
            assert_eq!(got, [1, 2, 3]);
        });
    }
}
