//! Faults that must never lose an event without counting it (issue 14): a failing sink, a
//! stalled sink (which must not hold up the other sinks, snapshots or shutdown), a slow sink
//! at shutdown under `Overflow::Block`, and thread churn. Each runs in a child process of its
//! own (one `init` per process), which prints `child ok` when its checks pass.
#![cfg(unix)]

mod common;

use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::run_child;
use common::sinks::{Shared, Stuck};
use ttlog::{Format, Overflow, Record};

/// Runs this test binary's `test` as the child `role` and checks it passed.
/// The lines `shared` holds that contain `needle`.
fn lines_with(shared: &Shared, needle: &str) -> usize {
    let bytes = shared.0.lock().unwrap();
    String::from_utf8_lossy(&bytes)
        .lines()
        .filter(|l| l.contains(needle))
        .count()
}

/// A writer that takes at most 4 KiB per call and sleeps 20 ms each time (200 KB/s).
#[derive(Clone, Default)]
struct Slow(Shared);

impl Write for Slow {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        std::thread::sleep(Duration::from_millis(20));
        let n = buf.len().min(4096);
        self.0.write(&buf[..n])
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A disk that is full: /dev/full fails every write with ENOSPC. The healthy sink gets every
/// event and the report of the loss; the full one's events are all counted lost.
#[test]
fn a_failing_sink_counts_what_it_loses() {
    if !common::is_child("failing") {
        if std::path::Path::new("/dev/full").exists() {
            let stderr = run_child("a_failing_sink_counts_what_it_loses", "failing");
            assert!(stderr.contains("No space left"), "{stderr}");
        }
        return;
    }
    const N: u64 = 20_000;
    let healthy = Shared::default();
    let guard = ttlog::init()
        .no_console()
        .snapshot_dir(common::child_dir())
        .file("/dev/full", Format::Logfmt)
        .writer(healthy.clone(), Format::Logfmt)
        .init();
    let handle = guard.handle();
    for i in 0..N {
        ttlog::info!(target: "app", "event", i);
    }
    assert!(!handle.flush(), "a sink that fails cannot be flushed");
    drop(guard);
    let stats = handle.stats();
    let (full, ok) = (&stats.sinks[0], &stats.sinks[1]);
    assert_eq!(full.name, "file /dev/full");
    assert_eq!(stats.dropped, 0, "{stats:?}");
    assert_eq!(full.handed, full.written + full.lost, "{stats:?}");
    assert_eq!(full.written, 0, "{stats:?}");
    assert!(full.lost >= N && full.errors > 0, "{stats:?}");
    assert_eq!((ok.written, ok.lost), (ok.handed, 0), "{stats:?}");
    assert_eq!(lines_with(&healthy, "target=app") as u64, N);
    assert!(
        lines_with(&healthy, "ttlog sink file /dev/full lost") >= 1,
        "the loss is reported in-band"
    );
    assert!(handle.dropped() >= N);
    println!("child ok");
}

/// A sink whose writer never returns: the other sink gets everything, snapshots are written,
/// the guard drops, and what the stuck sink never wrote is counted.
#[test]
fn a_stalled_sink_holds_up_nothing_else() {
    if !common::is_child("stalled") {
        run_child("a_stalled_sink_holds_up_nothing_else", "stalled");
        return;
    }
    const N: u64 = 30_000;
    let healthy = Shared::default();
    let guard = ttlog::init()
        .no_console()
        .snapshot_dir(common::child_dir())
        .sink_stall_timeout(Duration::from_millis(100))
        .writer(Stuck, Format::Json)
        .writer(healthy.clone(), Format::Json)
        .init();
    let handle = guard.handle();
    for i in 0..N {
        ttlog::info!(target: "app", "event", i);
    }
    // The healthy sink has everything once the collector read it, whatever the stuck one does.
    assert!(!handle.flush_timeout(Duration::from_secs(2)));
    assert_eq!(lines_with(&healthy, "\"target\":\"app\"") as u64, N);
    let snapshot = guard.snapshot("stalled").expect("a snapshot");
    assert!(snapshot.exists());
    drop(guard);
    let stats = handle.stats();
    let stuck = &stats.sinks[0];
    assert_eq!(stuck.handed, stuck.written + stuck.lost, "{stats:?}");
    assert_eq!(stuck.written, 0, "{stats:?}");
    assert!(stuck.lost >= N, "{stats:?}");
    assert_eq!(stats.sinks[1].lost, 0, "{stats:?}");
    println!("child ok");
}

/// A slow writer under `Overflow::Block` when the guard drops: what it wrote by the deadline
/// is there, what it did not is counted and said, nothing else.
#[test]
fn a_slow_sink_at_shutdown_counts_what_it_did_not_write() {
    if !common::is_child("slow") {
        let stderr = run_child(
            "a_slow_sink_at_shutdown_counts_what_it_did_not_write",
            "slow",
        );
        assert!(
            stderr.contains("not written by the shutdown deadline"),
            "{stderr}"
        );
        return;
    }
    const N: u64 = 50_000;
    let slow = Slow::default();
    let guard = ttlog::init()
        .no_console()
        .overflow(Overflow::Block)
        .snapshot_dir(common::child_dir())
        .writer(slow.clone(), Format::Logfmt)
        .init();
    let handle = guard.handle();
    for i in 0..N {
        ttlog::info!(target: "app", "event", i);
    }
    drop(guard);
    let stats = handle.stats();
    let sink = &stats.sinks[0];
    assert_eq!(stats.dropped, 0, "{stats:?}");
    assert_eq!(sink.handed, sink.written + sink.lost, "{stats:?}");
    assert!(sink.lost > 0, "{stats:?}");
    // Let the writer finish the write it was in when the deadline passed.
    std::thread::sleep(Duration::from_millis(100));
    let written = lines_with(&slow.0, "");
    assert!(
        written as u64 >= sink.written && written as u64 <= sink.written + 100,
        "{written} vs {stats:?}"
    );
    assert!(lines_with(&slow.0, "target=app") as u64 + sink.lost >= N);
    println!("child ok");
}

/// Thousands of short-lived threads, four alive at a time: every event is delivered or
/// counted (Drop), or delivered (Block).
fn churn(overflow: Overflow) {
    const THREADS: u64 = 2_000;
    const EACH: u64 = 100;
    let seen = Arc::new(AtomicU64::new(0));
    let count = seen.clone();
    let guard = ttlog::init()
        .no_console()
        .overflow(overflow)
        .snapshot_dir(common::child_dir())
        .sink(move |r: &Record<'_>| {
            if r.target == "churn" {
                count.fetch_add(1, Ordering::Relaxed);
            }
        })
        .init();
    let handle = guard.handle();
    for wave in 0..THREADS / 4 {
        let threads: Vec<_> = (0..4)
            .map(|t| {
                std::thread::spawn(move || {
                    for i in 0..EACH {
                        ttlog::info!(target: "churn", "event", wave, t, i);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    }
    drop(guard);
    let stats = handle.stats();
    let delivered = seen.load(Ordering::Relaxed);
    assert_eq!(stats.unread_at_shutdown, 0, "{stats:?}");
    assert_eq!(delivered + stats.dropped, THREADS * EACH, "{stats:?}");
    if overflow == Overflow::Block {
        assert_eq!(delivered, THREADS * EACH, "{stats:?}");
    }
}

#[test]
fn thread_churn_loses_nothing_uncounted() {
    if common::is_child("churn-drop") {
        churn(Overflow::Drop);
        println!("child ok");
        return;
    }
    if common::is_child("churn-block") {
        churn(Overflow::Block);
        println!("child ok");
        return;
    }
    if std::env::var(common::CHILD_ENV).is_err() {
        run_child("thread_churn_loses_nothing_uncounted", "churn-drop");
        run_child("thread_churn_loses_nothing_uncounted", "churn-block");
    }
}
