//! Spans above the static maximum are removed at compile time like events: `span!` gives
//! `Span::none()`, evaluates no field, registers no callsite and sends nothing to the logger.

use std::cell::Cell;
use std::sync::{Arc, Mutex};

use ttlog::span::SpanOp;
use ttlog::{Level, LevelFilter, LogEvent, Logger};

#[derive(Default)]
struct Capture(Mutex<Vec<String>>);

impl Logger for Capture {
    fn log(&self, event: LogEvent) {
        self.0
            .lock()
            .unwrap()
            .push(format!("event {}", event.level()));
    }

    fn span(&self, op: SpanOp) {
        self.0.lock().unwrap().push(
            format!("{:?}", op.kind)
                .split([' ', '{', '('])
                .next()
                .unwrap()
                .to_owned(),
        );
    }
}

thread_local! {
    static EVALUATED: Cell<u32> = const { Cell::new(0) };
}

fn counted(v: u32) -> u32 {
    EVALUATED.with(|e| e.set(e.get() + 1));
    v
}

#[test]
fn spans_above_the_static_maximum_are_removed() {
    let debug_kept = cfg!(debug_assertions);
    let capture = Arc::new(Capture::default());
    ttlog::set_logger(capture.clone());
    ttlog::set_max_level(LevelFilter::Trace);
    let registered_before = ttlog::callsite::registered_count();

    let trace = ttlog::trace_span!("trace", v = counted(1));
    let generic = ttlog::span!(Level::Trace, "generic", v = counted(2));
    assert!(trace.is_none() && generic.is_none());
    trace.in_scope(|| generic.in_scope(|| {}));
    assert_eq!(EVALUATED.with(Cell::get), 0);
    assert_eq!(ttlog::callsite::registered_count(), registered_before);
    assert!(capture.0.lock().unwrap().is_empty());

    // DEBUG is kept in debug builds (max_level_debug) and removed in release
    // (release_max_level_warn); WARN is kept in both.
    let debug = ttlog::debug_span!("debug", v = counted(3));
    assert_eq!(debug.is_none(), !debug_kept);
    let warn = ttlog::warn_span!("warn", v = counted(4));
    assert!(!warn.is_none());
    warn.in_scope(|| ttlog::warn!("inside"));
    drop((debug, warn));
    let kept = 1 + u32::from(debug_kept);
    assert_eq!(EVALUATED.with(Cell::get), kept);
    assert_eq!(
        ttlog::callsite::registered_count() - registered_before,
        kept as usize + 1
    );
    let ops = capture.0.lock().unwrap().clone();
    let mut expected: Vec<&str> = Vec::new();
    if debug_kept {
        expected.push("New");
    }
    expected.extend(["New", "Enter", "event WARN", "Exit"]);
    if debug_kept {
        expected.push("Close");
    }
    expected.push("Close");
    assert_eq!(ops, expected);
}
