//! A custom redaction pattern that panics while the capture tap redacts an event: the panic
//! reaches the logging call, and the thread's later events are still captured (init is once
//! per process: one test in this file).

use std::ops::Range;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};

use ttlog_core::redact::Pattern;
use ttlog_core::{testing, Callsite, EventBuilder, Level};

static NOTE: Callsite = Callsite::new(
    Level::Info,
    "app",
    "app",
    "src/app.rs",
    1,
    "note",
    &["text"],
);

/// Panics the first time it sees "explode" (the test's panicking event), finds nothing else.
fn explode_once(text: &str) -> Vec<Range<usize>> {
    static PANICKED: AtomicBool = AtomicBool::new(false);
    if text.contains("explode") && !PANICKED.swap(true, Ordering::Relaxed) {
        panic!("pattern panicked");
    }
    Vec::new()
}

fn note(text: &'static str) {
    ttlog_core::logger::dispatch(EventBuilder::new(&NOTE).value(text).build());
}

#[test]
fn a_panicking_pattern_does_not_silence_the_thread() {
    let dir = std::env::temp_dir().join(format!("ttlog-capture-panic-{}", std::process::id()));
    let guard = ttlog_core::init()
        .no_console()
        .panic_hook(false)
        .snapshot_dir(&dir)
        .redact_pattern(Pattern::matcher(explode_once))
        .init();
    let logs = testing::capture();
    note("before");
    let caught = panic::catch_unwind(AssertUnwindSafe(|| note("explode")));
    assert!(caught.is_err(), "the pattern did not panic");
    note("after");
    assert_eq!(
        logs.rendered(),
        " INFO app: note text=before\n INFO app: note text=after\n"
    );
    drop(guard);
    let _ = std::fs::remove_dir_all(dir);
}
