//! Several threads flood small rings under `Overflow::Block`: nothing is dropped, and each
//! thread's events arrive complete and in order.

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
const PER_THREAD: u64 = 30_000;

#[test]
fn block_is_lossless() {
    let keep = Keep::default();
    let guard = ttlog_core::init()
        .no_console()
        .ring_capacity(32)
        .snapshot_dir(common::temp_dir("concurrent-block"))
        .overflow(Overflow::Block)
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
    drop(guard);
    let seen = keep.take();
    assert!(
        seen.iter().all(|s| s.target == "flood"),
        "no drop warning expected"
    );
    let mut per_thread: HashMap<String, Vec<u64>> = HashMap::new();
    for s in &seen {
        per_thread
            .entry(s.fields[0].1.clone())
            .or_default()
            .push(s.fields[1].1.parse().unwrap());
    }
    assert_eq!(per_thread.len() as u64, THREADS);
    for seqs in per_thread.values() {
        assert_eq!(seqs, &(0..PER_THREAD).collect::<Vec<_>>());
    }
}
