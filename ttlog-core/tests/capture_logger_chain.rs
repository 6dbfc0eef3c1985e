//! A capture sits in front of whatever logger is installed, and keeps working when it is
//! replaced or removed: `set_logger`, `logger` and `take_logger` keep meaning the installed
//! logger. (The global logger is per process: one test in this file.)

use std::sync::{Arc, Mutex};

use ttlog_core::span::SpanOp;
use ttlog_core::{testing, Callsite, EventBuilder, Level, LogEvent, Logger};

static EVENT: Callsite = Callsite::new(Level::Info, "app", "app", "src/app.rs", 1, "step", &["n"]);

fn log(n: u64) {
    ttlog_core::logger::dispatch(EventBuilder::new(&EVENT).value(n).build());
}

#[derive(Default)]
struct Collect {
    events: Mutex<Vec<u64>>,
    span_ops: Mutex<usize>,
}

impl Logger for Collect {
    fn log(&self, event: LogEvent) {
        let n = event.field("n").and_then(|v| v.as_u64()).unwrap();
        self.events.lock().unwrap().push(n);
    }

    fn span(&self, _op: SpanOp) {
        *self.span_ops.lock().unwrap() += 1;
    }
}

#[test]
fn capture_in_front_of_the_installed_logger() {
    let logs = testing::capture();
    log(1); // no logger installed: captured only

    let first = Arc::new(Collect::default());
    ttlog_core::set_logger(first.clone());
    log(2);
    static SPAN: Callsite = Callsite::new(Level::Info, "app", "app", "src/app.rs", 2, "work", &[]);
    ttlog_core::Span::new(&SPAN, None, Default::default()).in_scope(|| log(3));

    // `logger()` is the installed logger, not the tap.
    let installed = ttlog_core::logger().unwrap();
    assert_eq!(installed.ring_id(), 0);
    installed.log(EventBuilder::new(&EVENT).value(99).build()); // straight to it

    let second = Arc::new(Collect::default());
    let previous = ttlog_core::set_logger(second.clone());
    assert_eq!(
        Arc::as_ptr(&previous).cast::<()>(),
        Arc::as_ptr(&first).cast::<()>()
    );
    log(4);
    assert!(ttlog_core::take_logger().is_some());
    log(5);

    assert_eq!(*first.events.lock().unwrap(), [2, 3, 99]);
    // new, enter, exit, close
    assert_eq!(*first.span_ops.lock().unwrap(), 4);
    assert_eq!(*second.events.lock().unwrap(), [4]);
    let captured: Vec<_> = logs
        .events()
        .iter()
        .map(|e| e.field("n").and_then(|v| v.as_u64()).unwrap())
        .collect();
    assert_eq!(captured, [1, 2, 3, 4, 5]);
    assert_eq!(logs.events()[2].spans()[0].name(), "work");
}
