//! Helpers for tests that run a child process (a copy of the test binary) and inspect the
//! snapshot it leaves behind.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

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
    #[cfg(all(unix, feature = "signals"))]
    default_signal_dispositions(&mut cmd);
    cmd
}

/// Starts the child with SIGTERM, SIGINT, SIGUSR1 and SIGHUP at their default dispositions,
/// whatever the test runner has: a job started in the background of a non-interactive shell
/// ignores SIGINT, one started under `nohup` SIGHUP, and ttlog, like the process it runs in, keeps a signal that was ignored before it
/// ignored. The tests that want a signal ignored set that up themselves.
#[cfg(all(unix, feature = "signals"))]
fn default_signal_dispositions(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: the closure runs in the child between fork and exec, where only
    // async-signal-safe functions may be called; `signal` is one, and it is all it calls.
    unsafe {
        cmd.pre_exec(|| {
            for signal in [libc::SIGTERM, libc::SIGINT, libc::SIGUSR1, libc::SIGHUP] {
                libc::signal(signal, libc::SIG_DFL);
            }
            Ok(())
        });
    }
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

/// Runs `cmd` to completion (at most [`CHILD_TIMEOUT`]) and asserts that it succeeded and
/// printed `child ok`.
pub fn assert_child_ok(cmd: &mut Command) {
    let out = output(cmd);
    assert!(
        out.status.success(),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("child ok"));
}

/// Runs test `test` again in a child process as `role`, in a fresh temporary directory, and
/// asserts that it succeeded and printed `child ok`; returns what it wrote to stderr.
pub fn run_child(test: &str, role: &str) -> String {
    let dir = temp_dir(role);
    let out = output(&mut child(test, role, &dir));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("child ok"),
        "{role}: {:?}\n{stderr}",
        out.status
    );
    let _ = std::fs::remove_dir_all(&dir);
    stderr
}

pub use ttlog_test_support::CHILD_TIMEOUT;

/// `cmd.output()`, but a child still running after [`CHILD_TIMEOUT`] is killed and the test
/// fails with what it wrote to stderr.
pub fn output(cmd: &mut Command) -> Output {
    let mut child = Running::spawn(cmd.stdin(Stdio::null()));
    let status = child.wait();
    Output {
        status,
        stdout: child.stdout_rest().into_bytes(),
        stderr: child.stderr().into_bytes(),
    }
}

/// A running child whose stdout and stderr are read by threads, so that every wait on it
/// can have a deadline. Dropping it kills the child if it still runs.
pub struct Running {
    child: Child,
    lines: Receiver<String>,
    stdout_reader: Option<JoinHandle<()>>,
    stderr_reader: Option<JoinHandle<String>>,
    stderr: Option<String>,
    status: Option<ExitStatus>,
}

impl Running {
    /// Spawns `cmd` with stdout and stderr piped (stdin is as `cmd` set it).
    pub fn spawn(cmd: &mut Command) -> Running {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn the child");
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        let stdout_reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut stderr = child.stderr.take().unwrap();
        let stderr_reader = std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = stderr.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        });
        Running {
            child,
            lines,
            stdout_reader: Some(stdout_reader),
            stderr_reader: Some(stderr_reader),
            stderr: None,
            status: None,
        }
    }

    /// The child's process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Writes `line` and a newline to the child's stdin.
    pub fn send_line(&mut self, line: &str) {
        let stdin = self.child.stdin.as_mut().expect("stdin is piped");
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    /// Reads stdout until a line contains `needle`; fails if the child closes stdout first
    /// or nothing matches within [`CHILD_TIMEOUT`].
    pub fn wait_for_line(&mut self, needle: &str) {
        let deadline = Instant::now() + CHILD_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return,
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => {
                    self.fail(&format!("no line with {needle:?} within {CHILD_TIMEOUT:?}"))
                }
                Err(RecvTimeoutError::Disconnected) => {
                    self.fail(&format!("stdout closed before a line with {needle:?}"))
                }
            }
        }
    }

    /// Waits for the child to exit, at most [`CHILD_TIMEOUT`].
    pub fn wait(&mut self) -> ExitStatus {
        self.wait_within(CHILD_TIMEOUT)
    }

    /// Waits for the child to exit, at most `timeout`; if it is still running then, kills it
    /// and fails with its stderr.
    pub fn wait_within(&mut self, timeout: Duration) -> ExitStatus {
        if let Some(status) = self.status {
            return status;
        }
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                self.status = Some(status);
                return status;
            }
            if Instant::now() >= deadline {
                self.fail(&format!("still running after {timeout:?}"));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Everything the child wrote to stderr (waits for it to exit, at most
    /// [`CHILD_TIMEOUT`]).
    pub fn stderr(&mut self) -> String {
        self.wait();
        self.collect_stderr()
    }

    /// The stdout lines not yet read by [`wait_for_line`](Self::wait_for_line) (waits for
    /// the child to exit, at most [`CHILD_TIMEOUT`]).
    pub fn stdout_rest(&mut self) -> String {
        self.wait();
        if let Some(reader) = self.stdout_reader.take() {
            let _ = reader.join();
        }
        self.lines.try_iter().map(|l| l + "\n").collect()
    }

    fn collect_stderr(&mut self) -> String {
        if let Some(reader) = self.stderr_reader.take() {
            self.stderr = Some(reader.join().unwrap_or_default());
        }
        self.stderr.clone().unwrap_or_default()
    }

    /// Kills the child and panics with `why` and the child's stderr.
    fn fail(&mut self, why: &str) -> ! {
        let _ = self.child.kill();
        let status = self.child.wait();
        self.status = status.as_ref().ok().copied();
        let stderr = self.collect_stderr();
        panic!("child {why} (killed: {status:?}); its stderr:\n{stderr}");
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.status.is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The shortest ttlog can report an interval that `Instant` measures as at least `d` (a
/// `thread::sleep(d)`, say): durations in ticks are within `clock::MAX_RATE_ERROR` of
/// `Instant`'s, plus up to 10 % for NTP slewing `Instant` meanwhile (chrony's default
/// `maxslewrate` is 8.3 %; see `ttlog::clock`). With the `Instant` clock, they are exact.
pub fn at_least(d: Duration) -> Duration {
    d.mul_f64(1.0 - ttlog::clock::MAX_RATE_ERROR - 0.1)
}

pub mod all_levels;
pub mod capture;
pub mod sinks;

/// `cmd` run through `sh` with `signals` (`"TERM INT"`) ignored first: `trap ''` sets SIG_IGN,
/// which `exec` keeps, as `nohup` or a shell's `trap` leave a process.
pub fn with_signals_ignored(cmd: &Command, signals: &str) -> Command {
    let mut sh = Command::new("sh");
    sh.arg("-c")
        .arg(format!(r#"trap '' {signals}; exec "$0" "$@""#))
        .arg(std::env::current_exe().unwrap())
        .args(cmd.get_args())
        .envs(cmd.get_envs().filter_map(|(k, v)| Some((k, v?))));
    sh
}
