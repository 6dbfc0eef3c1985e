//! After the guard drops, SIGTERM, SIGINT and SIGUSR1 act as if ttlog had never been
//! installed: the default action (the process ends by the signal) when that was the
//! disposition before `init`, still ignored when the process ignored them, and the
//! application's own handler (registered before `init`) still runs with no default action
//! after it. No snapshot is written for any of them.
#![cfg(all(unix, feature = "signals"))]

mod common;

use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use signal_hook::consts::{SIGINT, SIGTERM, SIGUSR1};

/// Starts ttlog (signal handlers included), logs, and drops the guard.
fn init_and_drop() {
    let guard = ttlog::init()
        .service("sigsvc")
        .snapshot_dir(common::child_dir())
        .no_console()
        .init();
    ttlog::info!("before drop");
    drop(guard);
}

/// The child: init, drop, then wait for the parent's signal.
fn dropped_then_wait() -> ! {
    init_and_drop();
    println!("dropped");
    std::io::stdout().flush().unwrap();
    loop {
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Sends `signal` from outside to a child that dropped its guard; it must end by that signal.
fn ends_by(test: &str, role: &str, signal: &str, number: i32) {
    if common::is_child(role) {
        dropped_then_wait();
    }
    let dir = common::temp_dir(role);
    let mut child = common::Running::spawn(&mut common::child(test, role, &dir));
    child.wait_for_line("dropped");
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    // A child that survives the signal is killed (and the test fails) after the timeout.
    let status = child.wait();
    assert_eq!(
        status.signal(),
        Some(number),
        "after the guard dropped, SIG{signal} must end the process: {status:?}"
    );
    assert_eq!(common::snapshots(&dir), Vec::<std::path::PathBuf>::new());
    let stderr = child.stderr();
    assert!(!stderr.contains("snapshot"), "stderr: {stderr}");
}

#[test]
fn sigterm_after_drop_ends_the_process() {
    ends_by(
        "sigterm_after_drop_ends_the_process",
        "term-after-drop",
        "TERM",
        SIGTERM,
    );
}

#[test]
fn sigint_after_drop_ends_the_process() {
    ends_by(
        "sigint_after_drop_ends_the_process",
        "int-after-drop",
        "INT",
        SIGINT,
    );
}

/// SIGUSR1's default action ends the process too.
#[test]
fn sigusr1_after_drop_ends_the_process() {
    ends_by(
        "sigusr1_after_drop_ends_the_process",
        "usr1-after-drop",
        "USR1",
        SIGUSR1,
    );
}

/// Raises each signal on the calling thread: it is handled before `raise` returns.
fn raise_all() {
    for signal in [SIGTERM, SIGINT, SIGUSR1] {
        signal_hook::low_level::raise(signal).unwrap();
    }
}

/// A process started with the three signals ignored (as `nohup` or a shell's `trap '' ...`
/// leaves them) still ignores them after the guard drops.
#[test]
fn ignored_signals_stay_ignored_after_drop() {
    const TEST: &str = "ignored_signals_stay_ignored_after_drop";
    if common::is_child("ignored") {
        // Ignored from the start: the process lives through them before ttlog too.
        raise_all();
        init_and_drop();
        raise_all();
        println!("child ok");
        return;
    }
    let dir = common::temp_dir("ignored");
    let cmd = common::child(TEST, "ignored", &dir);
    let mut sh = common::with_signals_ignored(&cmd, "TERM INT USR1");
    sh.env_remove("RUST_LOG").env_remove("TTLOG");
    common::assert_child_ok(&mut sh);
    assert_eq!(common::snapshots(&dir), Vec::<std::path::PathBuf>::new());
}

/// Handlers the application registered (through signal-hook) before `init` still run after
/// the guard drops, and the process lives on, as it would without ttlog.
#[test]
fn app_handlers_still_run_after_drop() {
    const TEST: &str = "app_handlers_still_run_after_drop";
    if common::is_child("app-handler") {
        let flags = [SIGTERM, SIGINT, SIGUSR1].map(|signal| {
            let flag = Arc::new(AtomicBool::new(false));
            signal_hook::flag::register(signal, flag.clone()).unwrap();
            flag
        });
        init_and_drop();
        for (signal, flag) in [SIGTERM, SIGINT, SIGUSR1].into_iter().zip(&flags) {
            signal_hook::low_level::raise(signal).unwrap();
            assert!(flag.load(Ordering::SeqCst), "signal {signal} not handled");
        }
        println!("child ok");
        return;
    }
    let dir = common::temp_dir("app-handler");
    common::assert_child_ok(&mut common::child(TEST, "app-handler", &dir));
    assert_eq!(common::snapshots(&dir), Vec::<std::path::PathBuf>::new());
}
