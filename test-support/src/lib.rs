//! Helpers shared by the tests of several workspace crates. Not published; a dev-dependency
//! only.

use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use ttlog_core::{Record, Sink};

/// How long a test waits for a child before killing it and failing: a guard against a hung
/// child hanging the suite, far above what any child needs even on a loaded machine.
pub const CHILD_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a test waits for the collector at most (a loaded machine is slow, not stuck).
pub const PATIENCE: Duration = Duration::from_secs(60);

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

// ===== Gate =====

static GATE: ttlog_core::Callsite = ttlog_core::Callsite::new(
    ttlog_core::Level::Info,
    "gate",
    "gate",
    file!(),
    line!(),
    "gate",
    &[],
);

/// Holds the collector: [`GateSink`] blocks in `write` on the event [`Gate::hold`] logs,
/// until [`Gate::open`]. While it is held nothing leaves the rings, so a ring that fills up
/// drops every later event of its thread: drops happen when the test says, not when the
/// scheduler does.
#[derive(Debug)]
pub struct Gate {
    entered: mpsc::Receiver<()>,
    open: Arc<(Mutex<bool>, Condvar)>,
}

/// The sink half of a [`Gate`]; install it before the sinks the test reads.
#[derive(Debug)]
pub struct GateSink {
    entered: mpsc::Sender<()>,
    open: Arc<(Mutex<bool>, Condvar)>,
}

impl Gate {
    /// A closed gate and its sink.
    #[allow(clippy::new_ret_no_self)]
    pub fn new() -> (Gate, GateSink) {
        let (tx, rx) = mpsc::channel();
        let open = Arc::new((Mutex::new(false), Condvar::new()));
        let sink = GateSink {
            entered: tx,
            open: open.clone(),
        };
        (Gate { entered: rx, open }, sink)
    }

    /// Logs the gate event (from this thread) and returns once the collector is stuck on it.
    pub fn hold(&self) {
        ttlog_core::logger::dispatch(ttlog_core::EventBuilder::new(&GATE).build());
        self.entered
            .recv_timeout(PATIENCE)
            .expect("the collector reached the gate");
    }

    /// Lets the collector go on.
    pub fn open(&self) {
        *self.open.0.lock().unwrap() = true;
        self.open.1.notify_all();
    }
}

impl Sink for GateSink {
    fn write(&mut self, r: &Record<'_>) -> std::io::Result<()> {
        if r.target == "gate" {
            let _ = self.entered.send(());
            let (lock, cvar) = &*self.open;
            let open = cvar
                .wait_timeout_while(lock.lock().unwrap(), PATIENCE, |open| !*open)
                .unwrap()
                .0;
            assert!(*open, "the test never opened the gate");
        }
        Ok(())
    }
}

/// The redaction corpus's file format (`ttlog-core/tests/data/redaction/`), read by the
/// core's and the facade's corpus tests: one case per line, `CLASS<TAB>TEXT`, with what must
/// vanish marked `«…»` and `\n` for a newline.
pub mod redaction {
    /// One corpus line: its class, the text (markers removed), the marked secrets.
    #[derive(Clone, Debug)]
    pub struct Case {
        /// The class (`url`, `key`, `near`...): the first column.
        pub class: String,
        /// The text, with the markers removed.
        pub text: String,
        /// What the markers enclosed: what must not appear in any output.
        pub secrets: Vec<String>,
    }

    impl Case {
        /// For `key` cases, `NAME=VALUE` split at the first `=`.
        pub fn key_value(&self) -> Option<(&str, &str)> {
            (self.class == "key").then(|| self.text.split_once('=').unwrap())
        }
    }

    /// The cases of a corpus file.
    pub fn parse(data: &str) -> Vec<Case> {
        data.lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|line| {
                let (class, marked) = line.split_once('\t').expect("CLASS<TAB>TEXT");
                let marked = marked.replace("\\n", "\n");
                let mut text = String::new();
                let mut secrets = Vec::new();
                let mut rest = marked.as_str();
                while let Some(open) = rest.find('«') {
                    text.push_str(&rest[..open]);
                    let after = &rest[open + '«'.len_utf8()..];
                    let close = after.find('»').expect("unclosed «");
                    secrets.push(after[..close].to_owned());
                    text.push_str(&after[..close]);
                    rest = &after[close + '»'.len_utf8()..];
                }
                text.push_str(rest);
                Case {
                    class: class.to_owned(),
                    text,
                    secrets,
                }
            })
            .collect()
    }
}
