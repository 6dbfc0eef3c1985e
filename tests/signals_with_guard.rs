//! While the guard lives, SIGTERM and SIGINT write a snapshot and then do what they did before
//! ttlog: a signal the process ignored (as `nohup` or a shell's `trap ''` leaves it) or that
//! the application handles (a handler registered before `init`) leaves the process running.
//! (A signal whose disposition was the default ends the process: `signal_snapshot.rs`.)
#![cfg(all(unix, feature = "signals"))]

mod common;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use signal_hook::consts::{SIGINT, SIGTERM, SIGUSR1};

/// Waits (at most a minute) until `dir` holds `n` snapshots.
fn wait_for_snapshots(dir: &Path, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while common::snapshots(dir).len() < n {
        assert!(Instant::now() < deadline, "no snapshot {n} in {dir:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The child: init (guard live), then raise SIGTERM and SIGINT, each followed by SIGUSR1.
/// The signal thread handles signals one at a time, so once the SIGUSR1 snapshot after a
/// signal exists, that signal's handling has finished, and the process is still here.
fn raise_with_guard_live() {
    let dir = common::child_dir();
    let guard = ttlog::init()
        .service("sigsvc")
        .snapshot_dir(&dir)
        // Four signal snapshots in a row: more than the default rate limit's burst
        // (snapshot_storm.rs tests the limit).
        .snapshot_rate(ttlog::SnapshotRate::UNLIMITED)
        .no_console()
        .init();
    ttlog::info!("before the signals");
    let mut expected = 0;
    for signal in [SIGTERM, SIGINT] {
        signal_hook::low_level::raise(signal).unwrap();
        signal_hook::low_level::raise(SIGUSR1).unwrap();
        expected += 2;
        wait_for_snapshots(&dir, expected);
    }
    println!("child ok");
    drop(guard);
}

/// The reasons of the snapshots in `dir`, sorted.
fn reasons(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = common::snapshots(dir)
        .iter()
        .map(|p| ttlog::snapshot::read(p).unwrap().header.reason.clone())
        .collect();
    out.sort();
    out
}

#[test]
fn ignored_signals_snapshot_and_leave_the_process_running() {
    const TEST: &str = "ignored_signals_snapshot_and_leave_the_process_running";
    if common::is_child("ignored-live") {
        raise_with_guard_live();
        return;
    }
    let dir = common::temp_dir("ignored-live");
    let cmd = common::child(TEST, "ignored-live", &dir);
    // The child exits by itself (the signals did not end it) and says so.
    common::assert_child_ok(&mut common::with_signals_ignored(&cmd, "TERM INT"));
    assert_eq!(reasons(&dir), ["SIGINT", "SIGTERM", "SIGUSR1", "SIGUSR1"]);
}

#[test]
fn handled_signals_snapshot_run_the_handler_and_leave_the_process_running() {
    const TEST: &str = "handled_signals_snapshot_run_the_handler_and_leave_the_process_running";
    if common::is_child("handled-live") {
        let flags = [SIGTERM, SIGINT].map(|signal| {
            let flag = Arc::new(AtomicBool::new(false));
            signal_hook::flag::register(signal, flag.clone()).unwrap();
            flag
        });
        raise_with_guard_live();
        for flag in &flags {
            assert!(
                flag.load(Ordering::SeqCst),
                "the application's handler did not run"
            );
        }
        return;
    }
    let dir = common::temp_dir("handled-live");
    common::assert_child_ok(&mut common::child(TEST, "handled-live", &dir));
    assert_eq!(reasons(&dir), ["SIGINT", "SIGTERM", "SIGUSR1", "SIGUSR1"]);
}
