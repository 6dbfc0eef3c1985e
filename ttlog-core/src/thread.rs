//! Thread identities: a small index per thread, and its name, for events to carry.
//!
//! An event stores a `u32` index instead of the thread's name; the collector looks the name
//! up when it formats the event. Indices start at 1, are handed out the first time a thread
//! logs, and are never reused, so an index names one thread for the life of the process.

use std::cell::Cell;
use std::sync::{Arc, Mutex};

static NAMES: Mutex<Vec<Arc<str>>> = Mutex::new(Vec::new());

thread_local! {
    static INDEX: Cell<u32> = const { Cell::new(0) };
}

/// The name recorded for threads without one.
pub const UNNAMED: &str = "<unnamed>";

/// This thread's index, assigning one the first time. Returns `0` while the thread is being
/// torn down and its thread-locals are gone.
///
/// ```
/// let a = ttlog_core::thread::current_index();
/// assert_eq!(a, ttlog_core::thread::current_index());
/// let b = std::thread::spawn(ttlog_core::thread::current_index).join().unwrap();
/// assert_ne!(a, b);
/// ```
#[inline]
pub fn current_index() -> u32 {
    INDEX
        .try_with(|cell| {
            let index = cell.get();
            if index != 0 {
                index
            } else {
                let index = assign();
                cell.set(index);
                index
            }
        })
        .unwrap_or(0)
}

#[cold]
fn assign() -> u32 {
    let name: Arc<str> = std::thread::current().name().unwrap_or(UNNAMED).into();
    let mut names = NAMES.lock().unwrap_or_else(|p| p.into_inner());
    names.push(name);
    names.len() as u32
}

/// The name of the thread with `index` (`"<unnamed>"` for unknown indices).
///
/// ```
/// let index = std::thread::Builder::new()
///     .name("worker-1".into())
///     .spawn(ttlog_core::thread::current_index)
///     .unwrap()
///     .join()
///     .unwrap();
/// assert_eq!(&*ttlog_core::thread::name(index), "worker-1");
/// ```
pub fn name(index: u32) -> Arc<str> {
    let names = NAMES.lock().unwrap_or_else(|p| p.into_inner());
    match index.checked_sub(1).and_then(|i| names.get(i as usize)) {
        Some(name) => name.clone(),
        None => UNNAMED.into(),
    }
}

thread_local! {
    static IS_COLLECTOR: Cell<bool> = const { Cell::new(false) };
}

/// Marks the calling thread as a collector (which must never wait for its own rings).
pub(crate) fn mark_collector() {
    let _ = IS_COLLECTOR.try_with(|c| c.set(true));
}

/// Whether the calling thread is a ttlog collector thread, which must never wait for its own
/// rings (code that may run there, such as an exit hook, checks this before waiting).
///
/// ```
/// assert!(!ttlog_core::thread::is_collector());
/// ```
pub fn is_collector() -> bool {
    IS_COLLECTOR.try_with(Cell::get).unwrap_or(false)
}
