//! The flight recorder keeps every thread's newest events through a burst, whatever the
//! collector is doing: two threads log 2,000 five-field events each as fast as they can, with
//! a recorder of 8,192 events per thread, then a worker panics; the panic snapshot holds all
//! 4,000, each thread's in order, fields intact. Twenty runs each, in child processes, with
//! the collector free and with it stalled by a sink that sleeps until the panic is over (then
//! the collector cannot even answer: the panicking thread writes the snapshot itself). The
//! burst fits the default budget, so the sinks get all of it as well, nothing dropped.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use ttlog::Record;

const TEST_FREE: &str = "a_burst_is_all_in_the_panic_snapshot";
const TEST_STALLED: &str = "a_burst_is_all_in_the_panic_snapshot_with_a_stalled_collector";
const PER_THREAD: u64 = 2_000;
const RUNS: usize = 20;

/// Flood events the sinks got.
static DELIVERED: AtomicU64 = AtomicU64::new(0);

/// While set, the stalled child's sink sleeps.
static STALLED: AtomicBool = AtomicBool::new(true);

/// The child: two threads flood, then a third panics.
fn child(stalled: bool) {
    let mut builder = ttlog::init()
        .service("burst")
        .snapshot_dir(common::child_dir())
        .capacity(8192)
        .no_console();
    if stalled {
        builder = builder.sink(|_: &Record<'_>| {
            while STALLED.load(Ordering::Acquire) {
                std::thread::sleep(Duration::from_millis(5));
            }
        });
    }
    builder = builder.sink(|r: &Record<'_>| {
        if r.message == "flood" {
            DELIVERED.fetch_add(1, Ordering::Relaxed);
        }
    });
    let guard = builder.init();
    let workers: Vec<_> = (0..2u64)
        .map(|t| {
            std::thread::Builder::new()
                .name(format!("flood-{t}"))
                .spawn(move || {
                    for i in 0..PER_THREAD {
                        ttlog::info!(
                            "flood",
                            thread = t,
                            i,
                            text = "a text value",
                            ratio = i as f64 / 2.0,
                            ok = i % 2 == 0
                        );
                    }
                })
                .unwrap()
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let panicker = std::thread::spawn(|| panic!("the burst is over"));
    assert!(panicker.join().is_err());
    STALLED.store(false, Ordering::Release);
    // The burst fits the budget: the sinks get all of it too, nothing dropped.
    assert!(guard.flush());
    println!(
        "delivered {} dropped {}",
        DELIVERED.load(Ordering::Relaxed),
        guard.dropped()
    );
}

fn check(test: &str, role: &str) {
    for run in 0..RUNS {
        let dir = common::temp_dir(&format!("{role}-{run}"));
        let out = common::output(&mut common::child(test, role, &dir));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "run {run}: child failed: {stderr}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains(&format!("delivered {} dropped 0", 2 * PER_THREAD)),
            "run {run}: {stdout}"
        );
        let snaps = common::snapshots(&dir);
        assert_eq!(snaps.len(), 1, "run {run}: {snaps:?}\n{stderr}");
        let snap = ttlog::snapshot::read(&snaps[0]).unwrap();
        assert_eq!(snap.header.reason, "panic");
        let mut per_thread: HashMap<u64, Vec<u64>> = HashMap::new();
        for e in snap.events.iter().filter(|e| e.message() == "flood") {
            let t = e.field("thread").and_then(|v| v.as_u64()).unwrap();
            let i = e.field("i").and_then(|v| v.as_u64()).unwrap();
            assert_eq!(e.thread(), format!("flood-{t}"));
            assert_eq!(
                e.field("text").and_then(|v| v.as_str()),
                Some("a text value")
            );
            assert_eq!(
                e.field("ratio").and_then(|v| v.as_f64()),
                Some(i as f64 / 2.0)
            );
            assert_eq!(e.field("ok").and_then(|v| v.as_bool()), Some(i % 2 == 0));
            per_thread.entry(t).or_default().push(i);
        }
        for t in 0..2 {
            let got = per_thread.remove(&t).unwrap_or_default();
            assert_eq!(
                got,
                (0..PER_THREAD).collect::<Vec<_>>(),
                "run {run}: thread {t} has {} events",
                got.len()
            );
        }
        // Merged by time: the panic, logged after both floods ended, comes last.
        let last = snap.events.last().unwrap();
        assert!(last.message().contains("the burst is over"), "{last:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn a_burst_is_all_in_the_panic_snapshot() {
    if common::is_child("burst") {
        return child(false);
    }
    check(TEST_FREE, "burst");
}

#[test]
fn a_burst_is_all_in_the_panic_snapshot_with_a_stalled_collector() {
    if common::is_child("stalled") {
        return child(true);
    }
    check(TEST_STALLED, "stalled");
}
