//! What a forked child gets (issue 14): logging off until it calls `init`, which then gives it
//! a runtime of its own; it never spins or hangs (even under `Overflow::Block` with a log
//! that would fill), and SIGTERM, SIGINT, SIGUSR1 and SIGHUP do what they did without ttlog.
//! Each scenario runs in a child process of the test binary (one `init` per process), which
//! forks a grandchild and prints `child ok` when the checks pass.
#![cfg(all(unix, feature = "signals"))]

mod common;

use std::time::{Duration, Instant};

use common::sinks::Shared;
use ttlog::{Format, Overflow};

fn run_child(role: &str) {
    common::run_child("forked_children_neither_hang_nor_ignore_signals", role);
}

/// Waits up to 30 s for `pid`; kills it and fails if it is still running then.
fn wait_for(pid: libc::pid_t) -> libc::c_int {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mut status = 0;
        // SAFETY: waits for our own child without blocking.
        let done = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if done == pid {
            return status;
        }
        assert_eq!(done, 0, "waitpid failed");
        if Instant::now() > deadline {
            // SAFETY: kills our own child.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("the forked child hung");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Forks; the child runs `f` and leaves with `_exit(0)`.
fn fork(f: impl FnOnce()) -> libc::pid_t {
    // SAFETY: the child runs `f` and leaves with `_exit`, running no atexit handler.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        f();
        // SAFETY: ends the child at once.
        unsafe { libc::_exit(0) };
    }
    pid
}

/// Under `Overflow::Block` with a 1 MiB budget, a child that logs far more than fits ends
/// (logging is off in it), and the parent goes on logging.
fn block_child() {
    let out = Shared::default();
    let guard = ttlog::init()
        .no_console()
        .overflow(Overflow::Block)
        .budget(1 << 20)
        .snapshot_dir(common::child_dir())
        .writer(out.clone(), Format::Logfmt)
        .init();
    ttlog::info!(target: "app", "before fork");
    let pid = fork(|| {
        for i in 0..1_000_000u64 {
            ttlog::info!(target: "app", "in the child", i);
        }
        assert_eq!(ttlog::max_level(), ttlog::LevelFilter::Off);
    });
    let status = wait_for(pid);
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
    ttlog::info!(target: "app", "after fork");
    assert!(guard.flush());
    let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("before fork") && text.contains("after fork"));
    assert!(!text.contains("in the child"));
    drop(guard);
}

/// A child that does not call `init` dies of each signal whose default action ends it,
/// as it would without ttlog.
fn signals_child() {
    let dir = common::child_dir();
    let guard = ttlog::init()
        .no_console()
        .snapshot_dir(&dir)
        .file(dir.join("app.log"), Format::Logfmt)
        .init();
    for signal in [libc::SIGTERM, libc::SIGINT, libc::SIGUSR1, libc::SIGHUP] {
        let pid = fork(|| loop {
            std::thread::sleep(Duration::from_millis(10));
        });
        // Let the child get going (it would die of the signal even before).
        std::thread::sleep(Duration::from_millis(20));
        // SAFETY: signals our own child.
        unsafe { libc::kill(pid, signal) };
        let status = wait_for(pid);
        assert!(
            libc::WIFSIGNALED(status) && libc::WTERMSIG(status) == signal,
            "signal {signal}: status {status:#x}"
        );
    }
    // The parent itself still has its handlers: with a log file, SIGHUP reopens it and the
    // process lives.
    // SAFETY: signals this process, whose handler for SIGHUP is ttlog's.
    unsafe { libc::raise(libc::SIGHUP) };
    std::thread::sleep(Duration::from_millis(50));
    drop(guard);
}

/// A child that calls `init` gets a runtime of its own: its events reach its sinks.
fn reinit_child() {
    let dir = common::child_dir();
    let guard = ttlog::init()
        .no_console()
        .snapshot_dir(&dir)
        .file(dir.join("parent.log"), Format::Logfmt)
        .init();
    ttlog::info!(target: "app", "from the parent");
    let child_log = dir.join("child.log");
    let path = child_log.clone();
    let pid = fork(move || {
        assert_eq!(
            ttlog::max_level(),
            ttlog::LevelFilter::Off,
            "off until init"
        );
        let child_dir = path.parent().unwrap().join("child-snapshots");
        let guard = ttlog::init()
            .no_console()
            .snapshot_dir(child_dir)
            .file(&path, Format::Logfmt)
            .try_init()
            .expect("init in a forked child");
        for i in 0..100u64 {
            ttlog::info!(target: "app", "from the child", i);
        }
        drop(guard);
    });
    let status = wait_for(pid);
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
    let child = std::fs::read_to_string(&child_log).unwrap();
    assert_eq!(child.matches("from the child").count(), 100, "{child}");
    assert!(!child.contains("from the parent"));
    ttlog::info!(target: "app", "parent again");
    drop(guard);
    let parent = std::fs::read_to_string(dir.join("parent.log")).unwrap();
    assert!(parent.contains("from the parent") && parent.contains("parent again"));
    assert!(!parent.contains("from the child"));
}

#[test]
fn forked_children_neither_hang_nor_ignore_signals() {
    for (role, scenario) in [
        ("fork-block", block_child as fn()),
        ("fork-signals", signals_child),
        ("fork-reinit", reinit_child),
    ] {
        if common::is_child(role) {
            scenario();
            println!("child ok");
            return;
        }
    }
    if std::env::var(common::CHILD_ENV).is_err() {
        for role in ["fork-block", "fork-signals", "fork-reinit"] {
            run_child(role);
        }
    }
}
