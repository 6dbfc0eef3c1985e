//! For the fallback tests (`log_fallback`, `slog_fallback`): a logger that keeps what it gets,
//! and filling the process-wide callsite interner until it refuses.

use std::sync::Mutex;

use ttlog_core::callsite::{intern, CallsiteKey, MAX_INTERNED};
use ttlog_core::{Level, LogEvent, Logger};

/// Keeps every event it is given.
#[derive(Default)]
pub struct Capture(pub Mutex<Vec<LogEvent>>);

impl Logger for Capture {
    fn log(&self, event: LogEvent) {
        self.0.lock().unwrap().push(event);
    }
}

/// Interns new callsites until the interner refuses one, which it must do within
/// [`MAX_INTERNED`].
pub fn fill_intern_table() {
    for i in 0..=MAX_INTERNED {
        let target = format!("filler::{i}");
        let key = CallsiteKey {
            level: Level::Info,
            target: &target,
            module_path: "",
            file: "",
            line: 0,
            message: "",
            field_names: &[],
        };
        if intern(&key).is_none() {
            return;
        }
    }
    panic!("the interner took more than MAX_INTERNED ({MAX_INTERNED}) callsites");
}
