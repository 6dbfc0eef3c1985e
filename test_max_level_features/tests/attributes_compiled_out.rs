//! `#[trace_fn]` and `#[instrument]` when the static maximum removes their level: the
//! function is emitted exactly as written. With `max_level_debug` TRACE is gone in every
//! build; with `release_max_level_warn` INFO is gone in release builds only, where the
//! attribute emits the plain copy of the function under `cfg(not(debug_assertions))`.
//!
//! "As written" is observable: a `#[track_caller]` function reads its caller's line through
//! `Location::caller()`, but an instrumented body that looks at the result runs in a closure,
//! which has no caller location of its own to forward, so there it reads its own line.

use std::panic::Location;
use std::sync::{Arc, Mutex};

use ttlog::span::{SpanOp, SpanOpKind};
use ttlog::{Level, LevelFilter, LogEvent, Logger};

#[derive(Default)]
struct Capture {
    events: Mutex<Vec<Level>>,
    spans: Mutex<Vec<&'static str>>,
}

impl Logger for Capture {
    fn log(&self, event: LogEvent) {
        self.events.lock().unwrap().push(event.level());
    }

    fn span(&self, op: SpanOp) {
        if let SpanOpKind::New { callsite, .. } = op.kind {
            self.spans.lock().unwrap().push(callsite.message());
        }
    }
}

fn checked(n: u32) -> Result<u32, String> {
    if n % 2 == 1 {
        Err(format!("{n} is odd"))
    } else {
        Ok(n)
    }
}

#[ttlog::trace_fn]
fn halve(n: u32) -> Result<u32, String> {
    let n = checked(n)?;
    if n == 0 {
        return Ok(0);
    }
    Ok(n / 2)
}

#[ttlog::trace_fn]
#[track_caller]
fn traced_line() -> Result<u32, String> {
    Ok(Location::caller().line())
}

#[ttlog::instrument(level = "info", ret)]
#[track_caller]
fn info_line() -> u32 {
    Location::caller().line()
}

#[ttlog::instrument(level = "warn", ret)]
fn kept(n: u32) -> u32 {
    n
}

#[test]
fn compiled_out_levels_leave_the_function_as_written() {
    let capture = Arc::new(Capture::default());
    ttlog::set_logger(capture.clone());
    ttlog::set_max_level(LevelFilter::Trace);
    let debug = cfg!(debug_assertions);

    // TRACE is compiled out: no span, no event, and `?` and `return` work as written.
    assert_eq!(halve(8), Ok(4));
    assert_eq!(halve(0), Ok(0));
    assert_eq!(halve(3), Err("3 is odd".to_owned()));
    // The body is not wrapped in a closure: it sees its caller's line.
    let (line, traced) = (line!(), traced_line());
    assert_eq!(traced, Ok(line));

    // INFO: instrumented in debug builds (max DEBUG), as written in release (max WARN).
    let (line, info) = (line!(), info_line());
    assert_eq!(info == line, !debug, "line {info}, called from {line}");

    // WARN is kept in both.
    assert_eq!(kept(5), 5);

    let spans = capture.spans.lock().unwrap().clone();
    let events = capture.events.lock().unwrap().clone();
    if debug {
        assert_eq!(spans, ["info_line", "kept"]);
        assert_eq!(events, [Level::Info, Level::Warn]);
    } else {
        assert_eq!(spans, ["kept"]);
        assert_eq!(events, [Level::Warn]);
    }
}
