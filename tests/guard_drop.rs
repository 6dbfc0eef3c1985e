//! Dropping the guard drains every ring, flushes the sinks and joins the collector; when a
//! sink stalls, the drop still returns: it waits at most `SHUTDOWN_TIMEOUT` for the
//! collector, then leaves it behind instead of joining it. Each case runs in a child process
//! (init is once per process), which the parent waits for with a deadline.

mod common;

use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ttlog::{Record, Sink};

/// Set once the stalling sink has been handed an event.
static STALLED: AtomicBool = AtomicBool::new(false);

/// A sink whose first write never returns.
struct Stall;

impl Sink for Stall {
    fn write(&mut self, _: &Record<'_>) -> io::Result<()> {
        STALLED.store(true, Ordering::SeqCst);
        loop {
            std::thread::park();
        }
    }
}

fn init(sink: impl Sink) -> ttlog::Guard {
    ttlog::init()
        .snapshot_dir(common::child_dir())
        .no_console()
        .signals(false)
        .panic_hook(false)
        .sink(sink)
        .init()
}

#[test]
fn drop_returns_when_a_sink_stalls() {
    const TEST: &str = "drop_returns_when_a_sink_stalls";
    if common::is_child("stall") {
        let guard = init(Stall);
        ttlog::info!("this write never returns");
        // The collector is stuck inside the sink before the guard drops.
        let deadline = Instant::now() + common::CHILD_TIMEOUT;
        while !STALLED.load(Ordering::SeqCst) {
            assert!(Instant::now() < deadline, "the sink was never written to");
            std::thread::sleep(Duration::from_millis(5));
        }
        drop(guard);
        println!("child ok");
        return;
    }
    let dir = common::temp_dir("guard-stall");
    // Fails (the child is killed) if the drop waits for the stuck collector.
    common::assert_child_ok(&mut common::child(TEST, "stall", &dir));
}

static WRITTEN: AtomicUsize = AtomicUsize::new(0);
/// How many events had been written at the last flush.
static FLUSHED: AtomicUsize = AtomicUsize::new(0);
/// Set when the collector drops its sinks, as it ends.
static SINK_DROPPED: AtomicBool = AtomicBool::new(false);

/// A sink that counts, and takes a while to be dropped.
struct Count;

impl Sink for Count {
    fn write(&mut self, _: &Record<'_>) -> io::Result<()> {
        WRITTEN.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        FLUSHED.store(WRITTEN.load(Ordering::SeqCst), Ordering::SeqCst);
        Ok(())
    }
}

impl Drop for Count {
    fn drop(&mut self) {
        // Slow enough that a drop of the guard that did not join the collector would return
        // before this ends.
        std::thread::sleep(Duration::from_millis(300));
        SINK_DROPPED.store(true, Ordering::SeqCst);
    }
}

#[test]
fn drop_drains_flushes_and_joins() {
    const TEST: &str = "drop_drains_flushes_and_joins";
    if common::is_child("normal") {
        let guard = init(Count);
        for i in 0..100u32 {
            ttlog::info!("event", i);
        }
        drop(guard);
        // Every event reached the sink and was flushed, and the collector thread has ended
        // (it drops the sinks last).
        assert_eq!(WRITTEN.load(Ordering::SeqCst), 100);
        assert_eq!(FLUSHED.load(Ordering::SeqCst), 100);
        assert!(
            SINK_DROPPED.load(Ordering::SeqCst),
            "the collector was not joined"
        );
        println!("child ok");
        return;
    }
    let dir = common::temp_dir("guard-normal");
    common::assert_child_ok(&mut common::child(TEST, "normal", &dir));
}
