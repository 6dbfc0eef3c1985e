//! SIGTERM and SIGINT write a snapshot, flush, then end the process as the signal would;
//! SIGUSR1 writes a snapshot and the process keeps running.
#![cfg(all(unix, feature = "signals"))]

mod common;

use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TEST: &str = "sigterm_and_sigusr1";

fn child_main() {
    let _guard = ttlog::init()
        .service("sigsvc")
        .snapshot_dir(common::child_dir())
        .no_console()
        .init();
    for i in 0..10u32 {
        ttlog::info!("working", i);
    }
    ttlog::warn!("waiting for a signal");
    println!("ready");
    std::io::stdout().flush().unwrap();
    // Wait for SIGUSR1, then log more and wait for SIGTERM.
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).unwrap();
    ttlog::info!("after usr1");
    println!("still running");
    std::io::stdout().flush().unwrap();
    loop {
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn kill(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn wait_for_snapshots(dir: &std::path::Path, n: usize) -> Vec<std::path::PathBuf> {
    let deadline = Instant::now() + common::CHILD_TIMEOUT;
    while Instant::now() < deadline {
        let snaps = common::snapshots(dir);
        if snaps.len() >= n {
            return snaps;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("no snapshot appeared in {}", dir.display());
}

#[test]
fn sigterm_and_sigusr1() {
    if common::is_child("signal") {
        child_main();
        return;
    }
    let dir = common::temp_dir("signal");
    let mut child =
        common::Running::spawn(common::child(TEST, "signal", &dir).stdin(Stdio::piped()));
    child.wait_for_line("ready");

    kill(child.id(), "USR1");
    let snaps = wait_for_snapshots(&dir, 1);
    let usr1 = ttlog::snapshot::read(&snaps[0]).unwrap();
    assert_eq!(usr1.header.reason, "SIGUSR1");
    assert_eq!(
        usr1.events.last().unwrap().message(),
        "waiting for a signal"
    );
    assert_eq!(
        usr1.events
            .iter()
            .filter(|e| e.message() == "working")
            .count(),
        10
    );

    // Still running: it answers.
    child.send_line("go");
    child.wait_for_line("still running");

    kill(child.id(), "TERM");
    let status = child.wait();
    assert_eq!(
        status.signal(),
        Some(15),
        "the process must end as SIGTERM would: {status:?}"
    );
    let stderr = child.stderr();
    assert!(
        stderr.contains("SIGTERM: snapshot written to"),
        "stderr: {stderr}"
    );

    let snaps = common::snapshots(&dir);
    assert_eq!(snaps.len(), 2, "{snaps:?}");
    let term = snaps
        .iter()
        .map(|p| ttlog::snapshot::read(p).unwrap())
        .find(|s| s.header.reason == "SIGTERM")
        .expect("a SIGTERM snapshot");
    assert_eq!(term.events.last().unwrap().message(), "after usr1");
}

/// SIGINT while the guard lives: a snapshot with everything logged so far, then the process
/// ends as SIGINT would.
#[test]
fn sigint_writes_a_snapshot_then_ends_the_process() {
    if common::is_child("sigint") {
        let _guard = ttlog::init()
            .service("sigsvc")
            .snapshot_dir(common::child_dir())
            .no_console()
            .init();
        ttlog::info!("working", i = 1);
        ttlog::warn!("waiting for SIGINT");
        println!("ready");
        std::io::stdout().flush().unwrap();
        loop {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let dir = common::temp_dir("sigint");
    let mut child = common::Running::spawn(&mut common::child(
        "sigint_writes_a_snapshot_then_ends_the_process",
        "sigint",
        &dir,
    ));
    child.wait_for_line("ready");

    kill(child.id(), "INT");
    let status = child.wait();
    assert_eq!(
        status.signal(),
        Some(2),
        "the process must end as SIGINT would: {status:?}"
    );
    let stderr = child.stderr();
    assert!(
        stderr.contains("SIGINT: snapshot written to"),
        "stderr: {stderr}"
    );
    let snaps = common::snapshots(&dir);
    assert_eq!(snaps.len(), 1, "{snaps:?}");
    let snap = ttlog::snapshot::read(&snaps[0]).unwrap();
    assert_eq!(snap.header.reason, "SIGINT");
    let messages: Vec<&str> = snap.events.iter().map(|e| e.message()).collect();
    assert_eq!(messages, ["working", "waiting for SIGINT"]);
}
