//! A thread that had a lane, released it, and then logs again must not reach the old lane.
//!
//! The collector thread gets a lane when a sink logs; at shutdown it releases the lane, then
//! drops its sinks. Here a sink's `Drop` re-installs the ring logger and logs from the
//! collector thread after the release. (Under Miri this is what caught a dangling lane
//! pointer: `cargo +nightly miri test -p ttlog-core --test release_then_log`.)

mod common;

use std::mem::ManuallyDrop;
use std::sync::{Arc, Mutex};

use ttlog_core::__private::emit;
use ttlog_core::{Callsite, FieldValue, Level, LevelFilter, Logger, Record, Sink};

static CS: Callsite = Callsite::new(Level::Info, "t", "t", file!(), line!(), "event", &["text"]);

type Saved = Arc<Mutex<Option<Arc<dyn Logger>>>>;

struct LogsOnWriteAndDrop(Saved);

impl Sink for LogsOnWriteAndDrop {
    fn write(&mut self, r: &Record<'_>) -> std::io::Result<()> {
        if r.target == "app" {
            emit(
                &CS,
                ManuallyDrop::new([FieldValue::from("from write".repeat(3))]),
            );
        }
        Ok(())
    }
}

impl Drop for LogsOnWriteAndDrop {
    fn drop(&mut self) {
        // Runs on the collector thread after it released its lane.
        if let Some(logger) = self.0.lock().unwrap().take() {
            ttlog_core::set_logger(logger);
            ttlog_core::set_max_level(LevelFilter::Trace);
            emit(
                &CS,
                ManuallyDrop::new([FieldValue::from("from drop".repeat(3))]),
            );
            ttlog_core::take_logger();
        }
    }
}

static APP: Callsite = Callsite::new(
    Level::Info,
    "app",
    "app",
    file!(),
    line!(),
    "app event",
    &[],
);

#[test]
fn logging_after_release_is_safe() {
    let saved: Saved = Arc::default();
    let guard = ttlog_core::init()
        .no_console()
        .snapshot_dir(common::temp_dir("release-then-log"))
        .sink(LogsOnWriteAndDrop(saved.clone()))
        .try_init()
        .unwrap();
    *saved.lock().unwrap() = ttlog_core::logger();
    emit(&APP, ManuallyDrop::new([]));
    assert!(guard.flush());
    assert!(guard.flush());
    drop(guard);
    assert!(
        saved.lock().unwrap().is_none(),
        "the sink's Drop ran and logged"
    );
}
