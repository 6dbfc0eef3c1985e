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

/// Runs the `ttlog` binary with `args`, reading its output while it runs (for output larger
/// than a pipe holds); a child still running after the test-support timeout is killed and
/// the test fails.
pub fn ttlog_big(args: &[&str]) -> Output {
    use std::io::Read;
    use std::process::Stdio;
    use std::time::Instant;

    let mut child = Command::new(env!("CARGO_BIN_EXE_ttlog"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ttlog");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + ttlog_test_support::CHILD_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for ttlog") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("ttlog {args:?} did not finish in time");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// Asserts that `bytes` is UTF-8 with no character a terminal could act on: no control
/// character but the newlines that end lines, no line separator, no bidi control.
pub fn assert_inert(what: &str, bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{what}: not UTF-8: {e}"));
    for (i, c) in text.char_indices() {
        assert!(
            c == '\n' || !ttlog_core::sink::escape::needs_escape(c),
            "{what}: raw {c:?} at byte {i} in:\n{text}"
        );
    }
}
