//! Logging from places that must never deadlock or panic: inside a sink (on the collector
//! thread, under `Overflow::Block`), from a thread-local destructor while the thread exits,
//! and after the guard has been dropped.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::Keep;
use ttlog_core::{Callsite, EventBuilder, Level, Overflow, Record, Sink};

static OUTER: Callsite =
    Callsite::new(Level::Info, "app", "app", file!(), line!(), "outer", &["i"]);
static INNER: Callsite = Callsite::new(
    Level::Info,
    "sink",
    "sink",
    file!(),
    line!(),
    "from inside a sink",
    &[],
);
static LATE: Callsite = Callsite::new(
    Level::Info,
    "tls",
    "tls",
    file!(),
    line!(),
    "from a thread-local destructor",
    &[],
);

/// A sink that logs for every event it receives that did not come from itself.
struct Chatty(Arc<AtomicUsize>);

impl Sink for Chatty {
    fn write(&mut self, r: &Record<'_>) -> std::io::Result<()> {
        if r.target == "app" {
            self.0.fetch_add(1, Ordering::Relaxed);
            ttlog_core::__private::dispatch(EventBuilder::new(&INNER).build());
        }
        Ok(())
    }
}

struct LogOnDrop;

impl Drop for LogOnDrop {
    fn drop(&mut self) {
        ttlog_core::__private::dispatch(EventBuilder::new(&LATE).build());
    }
}

thread_local! {
    static LOG_ON_DROP: LogOnDrop = const { LogOnDrop };
}

#[test]
fn no_deadlock_no_panic() {
    let keep = Keep::default();
    let seen_by_chatty = Arc::new(AtomicUsize::new(0));
    let guard = ttlog_core::init()
        .no_console()
        .ring_capacity(8)
        .overflow(Overflow::Block)
        .snapshot_dir(common::temp_dir("reentrancy"))
        .sink(Chatty(seen_by_chatty.clone()))
        .sink(keep.clone())
        .try_init()
        .unwrap();

    // 1. A sink that logs, with tiny rings and Overflow::Block: the collector must not wait
    //    for its own ring; what does not fit is counted.
    for i in 0..200u32 {
        ttlog_core::__private::dispatch(EventBuilder::new(&OUTER).value(i).build());
    }
    assert!(guard.flush());
    assert_eq!(seen_by_chatty.load(Ordering::Relaxed), 200);
    let seen = keep.take();
    let inner = seen.iter().filter(|s| s.target == "sink").count() as u64;
    assert!(guard.flush());
    let inner_late = keep.take().iter().filter(|s| s.target == "sink").count() as u64;
    // Every event a sink logged was delivered or counted as dropped.
    assert_eq!(
        inner + inner_late + guard.dropped(),
        200,
        "inner {inner}+{inner_late}, dropped {}",
        guard.dropped()
    );

    // 2. A thread-local destructor that logs while its thread exits: the event is delivered
    //    (through its lane if that still existed, else through a lane made for it).
    keep.take();
    let before = guard.dropped();
    std::thread::spawn(|| {
        LOG_ON_DROP.with(|_| {});
        ttlog_core::__private::dispatch(EventBuilder::new(&OUTER).value(1u32).build());
    })
    .join()
    .unwrap();
    assert!(guard.flush());
    let delivered = keep.take().iter().filter(|s| s.target == "tls").count() as u64;
    assert_eq!((delivered, guard.dropped() - before), (1, 0));

    // 3. After the guard is dropped, logging is a no-op.
    drop(guard);
    ttlog_core::__private::dispatch(EventBuilder::new(&OUTER).value(2u32).build());
    assert!(ttlog_core::logger().is_none());
    assert_eq!(ttlog_core::max_level(), ttlog_core::LevelFilter::Off);
}
