//! SIGTERM writes a snapshot, flushes, then ends the process as SIGTERM would; SIGUSR1
//! writes a snapshot and the process keeps running.
#![cfg(unix)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::Duration;

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
    for _ in 0..200 {
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
    let mut child = common::child(TEST, "signal", &dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("ready") {
        line.clear();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "child exited early"
        );
    }

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
    child.stdin.as_mut().unwrap().write_all(b"go\n").unwrap();
    line.clear();
    while !line.contains("still running") {
        line.clear();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "child died after SIGUSR1"
        );
    }

    kill(child.id(), "TERM");
    let status = child.wait().unwrap();
    assert_eq!(
        status.signal(),
        Some(15),
        "the process must end as SIGTERM would: {status:?}"
    );
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
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
