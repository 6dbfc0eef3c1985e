//! `ttlog recover`: a recorder file left by a process that died (this test binary, run as a
//! child that logs and aborts) becomes a snapshot `ttlog show` prints; a directory is
//! searched; a file that is not a recorder, or a directory without any, is an error.

use std::mem::ManuallyDrop;
use std::path::PathBuf;

use ttlog_core::__private::emit;
use ttlog_core::{Callsite, FieldValue, Level};

mod common;

use common::{temp_dir, ttlog};

const CHILD: &str = "TTLOG_CLI_RECOVER_CHILD";

static EVENT: Callsite = Callsite::new(
    Level::Warn,
    "orders::db",
    "orders::db",
    file!(),
    line!(),
    "query failed",
    &["attempt", "table"],
);

#[test]
fn child() {
    let Some(dir) = std::env::var_os(CHILD) else {
        return;
    };
    let _guard = ttlog_core::init()
        .service("orders")
        .snapshot_dir(PathBuf::from(dir))
        .no_console()
        .budget(1 << 20)
        .init();
    assert!(EVENT.is_enabled());
    for attempt in 0..3u64 {
        emit(
            &EVENT,
            ManuallyDrop::new([FieldValue::from(attempt), FieldValue::from("users")]),
        );
    }
    std::process::abort();
}

#[test]
fn a_dead_processs_recorder_file_becomes_a_snapshot() {
    let dir = temp_dir("recover");
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child", "--nocapture"])
        .env(CHILD, &dir)
        .output()
        .unwrap();
    assert!(!out.status.success());

    let out = ttlog(&["recover", dir.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("recovered 3 events"), "{stderr}");
    let snapshot = String::from_utf8(out.stdout).unwrap();
    let snapshot = snapshot.trim();
    assert!(snapshot.ends_with(".snap"), "{snapshot}");
    assert!(ttlog_core::recorder::recorder_files(&dir).is_empty());

    let shown = ttlog(&["show", snapshot]);
    let text = String::from_utf8(shown.stdout).unwrap();
    assert!(shown.status.success());
    assert!(text.contains("recovered"), "{text}");
    assert!(text.contains("orders"), "{text}");
    assert_eq!(text.matches("query failed").count(), 3, "{text}");
    assert!(text.contains("attempt=2"), "{text}");
    assert!(text.contains("table=users"), "{text}");
}

#[test]
fn what_is_not_a_recorder_file_is_an_error() {
    let dir = temp_dir("recover-bad");
    let out = ttlog(&["recover", dir.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no recorder files"));

    let bogus = dir.join("bogus.rec");
    std::fs::write(&bogus, b"not a recorder file at all").unwrap();
    let out = ttlog(&["recover", bogus.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("is not a recorder file"), "{stderr}");
    assert!(bogus.exists(), "a file that could not be recovered is kept");
}
