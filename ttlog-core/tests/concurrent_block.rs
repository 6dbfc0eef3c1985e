//! Several threads flood small rings under `Overflow::Block`: nothing is dropped, and each
//! thread's events arrive complete and in order.

mod common;

use common::Keep;
use ttlog_core::Overflow;

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
    common::flood(THREADS, PER_THREAD);
    drop(guard);
    let seen = keep.take();
    assert!(
        seen.iter().all(|s| s.target == "flood"),
        "no drop warning expected"
    );
    let per_thread = common::flood_seqs(&seen);
    assert_eq!(per_thread.len() as u64, THREADS);
    for seqs in per_thread.values() {
        assert_eq!(seqs, &(0..PER_THREAD).collect::<Vec<_>>());
    }
}
