//! Events logged right before the process exits without dropping the guard still reach the
//! sinks: `std::process::exit`, a guard kept in a static, a guard forgotten before `main`'s
//! end. Each case is a child process that logs to a file sink and exits; the parent reads the
//! file.
#![cfg(all(unix, feature = "exit-hook"))]

mod common;

use std::path::Path;
use std::sync::Mutex;

/// Events each child logs, from two threads, the last ones right before it exits.
const EVENTS: u64 = 2_000;

/// Starts ttlog with a file sink in `dir` and logs `EVENTS` numbered events, half from
/// another thread (joined), the rest from this one.
fn start_and_log(dir: &Path) -> ttlog::Guard {
    let guard = ttlog::init()
        .service("exithook")
        .snapshot_dir(dir)
        .no_console()
        .file(dir.join("events.log"), ttlog::Format::Logfmt)
        .overflow(ttlog::Overflow::Block)
        .init();
    std::thread::spawn(|| {
        for i in 0..EVENTS / 2 {
            ttlog::info!("numbered", i);
        }
    })
    .join()
    .unwrap();
    for i in EVENTS / 2..EVENTS {
        ttlog::info!("numbered", i);
    }
    guard
}

/// The numbers of the `numbered` events in the file, sorted.
fn logged(dir: &Path) -> Vec<u64> {
    let text = std::fs::read_to_string(dir.join("events.log")).unwrap_or_default();
    let mut out: Vec<u64> = text
        .lines()
        .filter(|l| l.contains("msg=numbered"))
        .map(|l| {
            let at = l.find(" i=").expect("an i field") + 3;
            l[at..].split(' ').next().unwrap().parse().unwrap()
        })
        .collect();
    out.sort_unstable();
    out
}

/// The parent's side: runs `test` as the child for `role`, expects it to exit with `code`,
/// and checks that the file holds every event the child logged.
fn child_exits_with_every_event_written(test: &str, role: &str, code: i32) {
    let dir = common::temp_dir(&format!("exit-hook-{role}"));
    let out = common::output(&mut common::child(test, role, &dir));
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(logged(&dir), (0..EVENTS).collect::<Vec<_>>());
}

#[test]
fn process_exit_without_dropping_the_guard_drains_the_rings() {
    const TEST: &str = "process_exit_without_dropping_the_guard_drains_the_rings";
    if common::is_child("exit") {
        let _guard = start_and_log(&common::child_dir());
        std::process::exit(3);
    }
    child_exits_with_every_event_written(TEST, "exit", 3);
}

#[test]
fn a_guard_kept_in_a_static_is_drained_at_exit() {
    const TEST: &str = "a_guard_kept_in_a_static_is_drained_at_exit";
    static GUARD: Mutex<Option<ttlog::Guard>> = Mutex::new(None);
    if common::is_child("static") {
        *GUARD.lock().unwrap() = Some(start_and_log(&common::child_dir()));
        // The test harness returns from `main` and the process exits: statics are never
        // dropped.
        return;
    }
    child_exits_with_every_event_written(TEST, "static", 0);
}

#[test]
fn a_forgotten_guard_is_drained_at_exit() {
    const TEST: &str = "a_forgotten_guard_is_drained_at_exit";
    if common::is_child("forgotten") {
        std::mem::forget(start_and_log(&common::child_dir()));
        return;
    }
    child_exits_with_every_event_written(TEST, "forgotten", 0);
}

#[test]
fn a_dropped_guard_leaves_the_hook_nothing_to_do() {
    const TEST: &str = "a_dropped_guard_leaves_the_hook_nothing_to_do";
    if common::is_child("dropped") {
        drop(start_and_log(&common::child_dir()));
        // Logging after the guard dropped is a no-op; the exit hook finds the logger stopped.
        ttlog::info!("numbered", i = EVENTS);
        std::process::exit(0);
    }
    child_exits_with_every_event_written(TEST, "dropped", 0);
}
