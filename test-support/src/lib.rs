//! Helpers shared by the tests of several workspace crates. Not published; a dev-dependency
//! only.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long a test waits for a child before killing it and failing: a guard against a hung
/// child hanging the suite, far above what any child needs even on a loaded machine.
pub const CHILD_TIMEOUT: Duration = Duration::from_secs(60);

/// `cmd.output()`, but a child still running after `timeout` is killed and the calling test
/// fails with what the child wrote to stderr. For children that write little: their pipes are
/// read once they have exited.
///
/// ```
/// use std::process::Command;
/// use std::time::Duration;
///
/// let out = ttlog_test_support::output_within(&mut Command::new("true"), Duration::from_secs(60));
/// assert!(out.status.success());
/// ```
///
/// # Panics
///
/// When the child cannot be started, or runs longer than `timeout`.
pub fn output_within(cmd: &mut Command, timeout: Duration) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the child");
    let deadline = Instant::now() + timeout;
    while child.try_wait().expect("wait for the child").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().expect("collect the killed child");
            panic!(
                "the child did not finish within {timeout:?}; its stderr:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child
        .wait_with_output()
        .expect("collect the child's output")
}
