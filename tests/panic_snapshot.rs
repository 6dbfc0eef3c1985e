//! A program logs, a worker thread panics, and the snapshot on disk holds its last events,
//! ending with the panic and its location.

mod common;

use std::thread;

const TEST: &str = "worker_panic_leaves_a_snapshot";

#[test]
fn worker_panic_leaves_a_snapshot() {
    if common::is_child("panic") {
        let _guard = ttlog::init()
            .service("crashy")
            .snapshot_dir(common::child_dir())
            .no_console()
            .init();
        ttlog::info!("starting", workers = 1);
        let worker = thread::Builder::new()
            .name("worker-7".into())
            .spawn(|| {
                for step in 0..5u32 {
                    ttlog::info!("processing", step);
                }
                ttlog::warn!("about to fail", order_id = 991);
                let orders: Vec<u32> = Vec::new();
                if orders.is_empty() {
                    panic!("no orders left to process");
                }
            })
            .unwrap();
        assert!(worker.join().is_err());
        return;
    }

    let dir = common::temp_dir("panic");
    let out = common::output(&mut common::child(TEST, "panic", &dir));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed: {stderr}");
    assert!(
        stderr.contains("ttlog: panic snapshot written to"),
        "stderr: {stderr}"
    );
    // The previous hook (std's) still ran.
    assert!(
        stderr.contains("no orders left to process"),
        "stderr: {stderr}"
    );

    let snaps = common::snapshots(&dir);
    assert_eq!(snaps.len(), 1, "{snaps:?}");
    let snap = ttlog::snapshot::read(&snaps[0]).unwrap();
    assert_eq!(snap.header.reason, "panic");
    assert_eq!(snap.header.service, "crashy");
    let last = snap.events.last().unwrap();
    assert_eq!(last.level, ttlog::Level::Error);
    assert_eq!(last.target(), "panic");
    assert!(
        last.message().contains("no orders left to process"),
        "{}",
        last.message()
    );
    assert!(
        last.message().contains("panic_snapshot.rs"),
        "{}",
        last.message()
    );
    assert_eq!(last.thread(), "worker-7");
    assert!(last
        .field("panic.line")
        .and_then(|v| v.as_u64())
        .is_some_and(|l| l > 0));
    let before = &snap.events[snap.events.len() - 2];
    assert_eq!(before.message(), "about to fail");
    assert_eq!(before.field("order_id").and_then(|v| v.as_u64()), Some(991));
    let steps: Vec<u64> = snap
        .events
        .iter()
        .filter(|e| e.message() == "processing")
        .map(|e| e.field("step").unwrap().as_u64().unwrap())
        .collect();
    assert_eq!(steps, [0, 1, 2, 3, 4]);
    assert_eq!(snap.events[0].message(), "starting");
}
