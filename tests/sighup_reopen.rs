//! logrotate: SIGHUP (or `Handle::reopen`) makes the file sinks open their paths again, so
//! after a rename the new lines go to a new file; SIGHUP does not end the process.
#![cfg(all(unix, feature = "signals"))]

mod common;

use std::time::{Duration, Instant};

use ttlog::Format;

#[test]
fn sighup_reopens_log_files() {
    if !common::is_child("sighup") {
        let dir = common::temp_dir("sighup");
        common::assert_child_ok(&mut common::child(
            "sighup_reopens_log_files",
            "sighup",
            &dir,
        ));
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    let dir = common::child_dir();
    let log = dir.join("app.log");
    let rotated = dir.join("app.log.1");
    let guard = ttlog::init()
        .no_console()
        .snapshot_dir(&dir)
        .file(&log, Format::Logfmt)
        .init();
    ttlog::info!(target: "app", "before rotation");
    assert!(guard.flush());
    std::fs::rename(&log, &rotated).unwrap();
    // SAFETY: signals this process, whose SIGHUP handler is ttlog's.
    unsafe { libc::raise(libc::SIGHUP) };
    // The signal thread reopens soon; until then lines still go to the renamed file.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut i = 0u64;
    loop {
        ttlog::info!(target: "app", "after rotation", i);
        assert!(guard.flush());
        if std::fs::read_to_string(&log).is_ok_and(|t| t.contains("after rotation")) {
            break;
        }
        assert!(Instant::now() < deadline, "the file was never reopened");
        i += 1;
        std::thread::sleep(Duration::from_millis(10));
    }
    let old = std::fs::read_to_string(&rotated).unwrap();
    assert!(old.contains("before rotation"));
    // Handle::reopen does the same without a signal.
    std::fs::rename(&log, dir.join("app.log.2")).unwrap();
    assert!(guard.handle().reopen());
    ttlog::info!(target: "app", "after the second rotation");
    assert!(guard.flush());
    let new = std::fs::read_to_string(&log).unwrap();
    assert!(new.contains("after the second rotation"), "{new}");
    drop(guard);
    println!("child ok");
}
