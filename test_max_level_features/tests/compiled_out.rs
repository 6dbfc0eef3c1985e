//! With `max_level_debug` (and, in release builds, `release_max_level_warn`), the events
//! above the static maximum are removed at compile time: their arguments are never
//! evaluated, their callsites never register, and nothing reaches the logger, even though
//! the run-time level lets everything through.

use std::cell::Cell;
use std::sync::{Arc, Mutex};

use ttlog::{Level, LevelFilter, LogEvent, Logger};

#[derive(Default)]
struct Capture(Mutex<Vec<Level>>);

impl Logger for Capture {
    fn log(&self, event: LogEvent) {
        self.0.lock().unwrap().push(event.level());
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
fn levels_above_the_static_maximum_are_removed() {
    let expected_max = if cfg!(debug_assertions) {
        LevelFilter::Debug
    } else {
        LevelFilter::Warn
    };
    assert_eq!(ttlog::STATIC_MAX_LEVEL, expected_max);

    let capture = Arc::new(Capture::default());
    ttlog::set_logger(capture.clone());
    ttlog::set_max_level(LevelFilter::Trace);
    let registered_before = ttlog::callsite::registered_count();

    ttlog::trace!("trace", v = counted(1));
    ttlog::debug!("debug", v = counted(2));
    ttlog::info!("info", v = counted(3));
    ttlog::warn!("warn", v = counted(4));
    ttlog::error!("error", v = counted(5));

    // The helpers log at TRACE (compiled out here) and the timer at DEBUG (compiled out in
    // release builds, where the maximum is WARN).
    ttlog::trace_loop!("a", "b", counted(10), counted(11), counted(12));
    ttlog::trace_enter!("a", "f", counted(13));
    drop(ttlog::timer!("t"));
    let timer_logged = usize::from(expected_max.enables(Level::Debug));

    let logged = capture.0.lock().unwrap().clone();
    let emitted = [
        Level::Trace,
        Level::Debug,
        Level::Info,
        Level::Warn,
        Level::Error,
    ];
    let kept: Vec<Level> = emitted
        .into_iter()
        .filter(|l| expected_max.enables(*l))
        .collect();
    let (events, timer) = logged.split_at(logged.len() - timer_logged);
    assert_eq!(events, kept.as_slice());
    assert!(timer.iter().all(|l| *l == Level::Debug));
    // Only the kept events evaluated their arguments and registered their callsites.
    assert_eq!(EVALUATED.with(Cell::get), kept.len() as u32);
    assert_eq!(
        ttlog::callsite::registered_count() - registered_before,
        kept.len() + timer_logged
    );
}
