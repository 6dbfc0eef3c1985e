//! Helpers for tests that run a child process (a copy of the test binary) and inspect the
//! snapshot it leaves behind.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The environment variable that tells the test binary it is the child.
pub const CHILD_ENV: &str = "TTLOG_TEST_CHILD";

/// Whether this process is the child for `role`.
pub fn is_child(role: &str) -> bool {
    std::env::var(CHILD_ENV).as_deref() == Ok(role)
}

/// A fresh, empty directory for this test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ttlog-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A command that runs only `test` of this test binary, as the child for `role`, writing
/// snapshots to `dir`.
pub fn child(test: &str, role: &str, dir: &Path) -> Command {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, role)
        .env("TTLOG_TEST_DIR", dir)
        .env_remove("RUST_LOG")
        .env_remove("TTLOG")
        .stdin(Stdio::null());
    cmd
}

/// The snapshot directory the child was told to use.
pub fn child_dir() -> PathBuf {
    PathBuf::from(std::env::var_os("TTLOG_TEST_DIR").expect("TTLOG_TEST_DIR"))
}

/// The `.snap` files in `dir`.
pub fn snapshots(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "snap"))
        .collect();
    out.sort();
    out
}

/// Runs `cmd` to completion and asserts that it succeeded and printed `child ok`.
pub fn assert_child_ok(cmd: &mut Command) {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("child ok"));
}
pub mod all_levels;
pub mod capture;
