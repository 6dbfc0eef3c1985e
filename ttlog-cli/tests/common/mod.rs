//! Helpers shared by the CLI tests.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// A fresh, empty directory for one test of this process.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ttlog-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the `ttlog` binary with `args`.
pub fn ttlog(args: &[&str]) -> Output {
    ttlog_test_support::output_within(
        Command::new(env!("CARGO_BIN_EXE_ttlog")).args(args),
        ttlog_test_support::CHILD_TIMEOUT,
    )
}
