//! The enabled hot path of an event with a literal message and primitive fields makes no heap
//! allocation (ARCHITECTURE: "Rules that keep it fast").
//!
//! A counting global allocator counts only allocations made on this test's thread while a
//! thread-local flag is set, so the test harness and other threads do not disturb it. This
//! file is its own process because it installs a global allocator and a global logger.

#[path = "common/all_levels.rs"]
mod all_levels;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use ttlog::{LevelFilter, LogEvent, Logger};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn note_allocation() {
    // `try_with`: the allocator also runs while thread-locals are being torn down.
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments, so
// `System` upholds the `GlobalAlloc` contract; counting touches only an atomic and a
// `const`-initialized thread-local, neither of which allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: forwarded unchanged; the caller upholds `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: forwarded unchanged; the caller upholds `alloc_zeroed`'s contract.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation();
        // SAFETY: forwarded unchanged; the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged; `ptr` came from `System` through this allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Drops every event, after looking at it so that nothing is optimized away.
struct Discard;

impl Logger for Discard {
    fn log(&self, event: LogEvent) {
        std::hint::black_box(&event);
    }
}

fn request_handled(latency_ms: f64) {
    ttlog::info!(
        "request handled",
        user_id = 42u64,
        path = "/api/v1/items",
        latency_ms = latency_ms,
        ok = true
    );
}

#[derive(ttlog::Fields)]
struct Login {
    user_id: u64,
    path: &'static str,
    #[fields(display)]
    addr: std::net::Ipv4Addr,
}

/// Eight values in all (the inline capacity of an event): `..` fields and ordinary ones.
fn login(ok: bool) {
    let login = Login {
        user_id: 42,
        path: "/login",
        addr: std::net::Ipv4Addr::new(10, 0, 0, 1),
    };
    ttlog::info!(
        a = 1u8,
        ..login,
        "login",
        ok,
        ..&Again { b: 2 },
        c = 'c',
        d = 0.5
    );
}

#[derive(ttlog::Fields)]
struct Again {
    b: u8,
}

fn counted(f: impl FnOnce()) -> usize {
    ALLOCATIONS.store(0, Ordering::Relaxed);
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    ALLOCATIONS.load(Ordering::Relaxed)
}

#[test]
fn enabled_event_does_not_allocate() {
    all_levels::assert_every_level_kept();
    ttlog::set_logger(Arc::new(Discard));
    ttlog::set_max_level(LevelFilter::Trace);

    // The first call registers the callsite and this thread's index; those allocate once.
    request_handled(1.5);

    assert_eq!(counted(|| request_handled(1.5)), 0);
    assert_eq!(
        counted(|| {
            for i in 0..100 {
                request_handled(i as f64);
            }
        }),
        0
    );

    // `..` fields: the first event builds the callsite's copy with the names (once).
    login(true);
    assert_eq!(counted(|| login(false)), 0);

    // The counter does see allocations, so the zeros above mean something.
    assert!(counted(|| drop(std::hint::black_box(Box::new(1u8)))) >= 1);

    // The same through the real ring logger: the event is moved into this thread's ring.
    let dir = std::env::temp_dir().join(format!("ttlog-zero-alloc-{}", std::process::id()));
    let guard = ttlog::init()
        .no_console()
        .snapshot_dir(&dir)
        .try_init()
        .unwrap();
    request_handled(0.5); // registers this thread's ring (allocates once)
    assert_eq!(counted(|| request_handled(1.5)), 0);
    assert_eq!(
        counted(|| {
            for i in 0..500 {
                request_handled(i as f64);
            }
        }),
        0
    );
    assert_eq!(counted(|| login(true)), 0);
    // Short `%display` values and formatted messages are stored inline too. (The first call
    // registers the callsite, which writes it down in the recorder file: once.)
    let addr = std::net::Ipv4Addr::new(10, 0, 0, 1);
    let took = |ms: u32| ttlog::info!("took {} ms", ms, ip = %addr);
    took(11);
    assert_eq!(counted(|| took(12)), 0);
    assert!(guard.flush());
    assert_eq!(guard.dropped(), 0);
}
