//! The scenario of the `capture_init_*` tests: `ttlog::testing::capture()` in a process where
//! `init()` runs (before the capture in one file, after it in the other): captured events
//! are redacted with init's rules, filtered by init's filter, and still reach its sinks.

use std::io;
use std::sync::{Arc, Mutex};

use ttlog::testing;
use ttlog::{Format, Guard, Level};

/// A writer whose bytes the test reads back.
#[derive(Clone, Default)]
pub struct Sink(Arc<Mutex<Vec<u8>>>);

impl io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Sink {
    /// The compact lines written so far, without their timestamps.
    pub fn lines(&self) -> Vec<String> {
        let bytes = self.0.lock().unwrap().clone();
        String::from_utf8(bytes)
            .unwrap()
            .lines()
            .map(|l| l.split_once(' ').unwrap().1.to_owned())
            .collect()
    }
}

/// Starts ttlog with a compact writer sink, at INFO, with `ssn` as an extra secret key.
pub fn init(sink: &Sink) -> Guard {
    let dir = std::env::temp_dir().join(format!("ttlog-capture-init-{}", std::process::id()));
    ttlog::init()
        .no_console()
        .level(Level::Info)
        .snapshot_dir(dir)
        .redact_key("ssn")
        .writer(sink.clone(), Format::Compact)
        .init()
}

/// Logs through an initialised runtime while `logs` captures, and checks both ends.
pub fn check(logs: &testing::Capture, guard: &Guard, sink: &Sink) {
    let span = ttlog::info_span!("signup", plan = "pro");
    span.in_scope(|| {
        ttlog::warn!(
            "signup rejected",
            user_id = 42,
            ssn = "078-05-1120",
            password = "pw1"
        );
        ttlog::debug!("below init's level");
    });
    std::thread::spawn(logs.bind(|| ttlog::info!("from a bound thread")))
        .join()
        .unwrap();
    std::thread::spawn(|| ttlog::info!("from an unbound thread"))
        .join()
        .unwrap();

    // The capture: init's redaction rules (its extra key too), init's filter (no DEBUG).
    let event = logs.assert_logged(Level::Warn, "signup rejected");
    assert_eq!(event.field("ssn"), Some(&"[REDACTED]".into()));
    assert_eq!(event.field("password"), Some(&"[REDACTED]".into()));
    assert_eq!(
        logs.rendered(),
        " WARN signup{plan=pro}: WITH_INIT_TARGET: signup rejected user_id=42 ssn=[REDACTED] \
         password=[REDACTED]\n INFO WITH_INIT_TARGET: from a bound thread\n"
            .replace("WITH_INIT_TARGET", module_path!())
    );
    logs.assert_not_logged(Level::Debug, "below");
    logs.assert_not_logged(Level::Info, "unbound");

    // The sink got every event the filter let through, captured or not, the same way.
    assert!(guard.flush());
    let lines = sink.lines();
    let captured: Vec<_> = logs.rendered().lines().map(str::to_owned).collect();
    for line in &captured {
        assert!(lines.contains(line), "{line:?} not in the sink: {lines:#?}");
    }
    let unbound = format!(" INFO {}: from an unbound thread", module_path!());
    assert!(lines.contains(&unbound), "{lines:#?}");
    assert_eq!(lines.len(), 3, "{lines:#?}");
}
