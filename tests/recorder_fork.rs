//! A forked child shares nothing with its parent's flight recorder: what the child logs stays
//! in its own copy (the parent's sinks and recorder file never see it), the parent's events
//! all arrive, and the child's shutdown leaves the parent's recorder file alone.
#![cfg(all(unix, feature = "signals"))]

mod common;

use std::sync::{Arc, Mutex};

use ttlog::Record;

#[test]
fn a_forked_child_does_not_write_into_its_parents_recorder() {
    let dir = common::temp_dir("fork");
    let seen: Arc<Mutex<Vec<(String, u64)>>> = Arc::default();
    let keep = seen.clone();
    let guard = ttlog::init()
        .snapshot_dir(&dir)
        .no_console()
        .sink(move |r: &Record<'_>| {
            let i = r
                .fields
                .iter()
                .find(|f| f.name == "i")
                .and_then(|f| f.value.as_u64());
            if let Some(i) = i {
                keep.lock().unwrap().push((r.message.to_owned(), i));
            }
        })
        .init();
    let file = guard.handle().recorder_path().expect("a recorder file");
    for i in 0..3u64 {
        ttlog::info!("parent", i);
    }
    // SAFETY: the child only logs (the ring's fast path: thread-locals and the mapping) and
    // leaves with `_exit`, running no atexit handler and no destructor.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        for i in 0..5u64 {
            ttlog::info!("child", i);
        }
        // SAFETY: ends the child at once.
        unsafe { libc::_exit(0) };
    }
    let mut status = 0;
    // SAFETY: waits for the child just forked.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    // The collector reads now: had the child written into the shared logs, it would read the
    // child's events here (and lose its place among the parent's).
    assert!(guard.flush());
    for i in 3..60u64 {
        ttlog::info!("parent", i);
    }
    assert!(guard.flush());
    let got = seen.lock().unwrap().clone();
    assert!(got.iter().all(|(m, _)| m == "parent"), "{got:?}");
    let parent: Vec<u64> = got.iter().map(|(_, i)| *i).collect();
    assert_eq!(parent, (0..60).collect::<Vec<_>>());
    assert!(file.exists(), "the parent's recorder file is still there");
    drop(guard);
    assert!(!file.exists());
    let _ = std::fs::remove_dir_all(&dir);
}
