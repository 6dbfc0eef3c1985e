//! Draining at process exit: events logged right before `std::process::exit`, or before
//! `main` returns while the guard is still alive (kept in a static, leaked or forgotten), still
//! reach the sinks.
//!
//! Neither runs the guard's `Drop`, and the collector is a background thread that the exit
//! stops wherever it is, so the newest events would be lost. ttlog registers one C `atexit`
//! handler (the first time it starts) that asks the running collector to drain every ring and
//! flush the sinks, waiting at most [`EXIT_FLUSH_TIMEOUT`]. `exit` runs it on the thread that
//! exits, after that thread's thread-locals are gone (its ring is then abandoned, and drained
//! like any other). It does nothing once the guard has dropped. Not covered: `abort`, a
//! panic with `panic = "abort"`, signals that kill the process (SIGKILL), `libc::_exit`, and
//! atexit handlers registered before ttlog's (they run after it).

use std::sync::{Mutex, Once, PoisonError};
use std::time::Duration;

use ttlog_core::Handle;

/// How long the exit hook waits for the collector to drain the rings and flush the sinks.
pub(crate) const EXIT_FLUSH_TIMEOUT: Duration = Duration::from_secs(2);

/// The running logger the hook drains (the last one started).
static HANDLE: Mutex<Option<Handle>> = Mutex::new(None);
static REGISTER: Once = Once::new();

/// Makes the exit hook drain `handle`'s logger, registering the hook the first time.
#[allow(unsafe_code)]
pub(crate) fn install(handle: Handle) {
    *HANDLE.lock().unwrap_or_else(PoisonError::into_inner) = Some(handle);
    REGISTER.call_once(|| {
        // SAFETY: `atexit` only stores the function pointer; `drain_at_exit` is a plain
        // `extern "C" fn()` that catches every panic, so nothing unwinds into C.
        let rc = unsafe { libc::atexit(drain_at_exit) };
        if rc != 0 {
            eprintln!(
                "ttlog: cannot register the exit hook; events logged right before exit may be lost"
            );
        }
    });
}

extern "C" fn drain_at_exit() {
    let _ = std::panic::catch_unwind(|| {
        // `try_lock`: exit must never wait on a lock a thread stopped by the exit may hold.
        let handle = HANDLE.try_lock().ok().and_then(|mut slot| slot.take());
        if let Some(handle) = handle.filter(Handle::is_running) {
            handle.flush_timeout(EXIT_FLUSH_TIMEOUT);
        }
    });
}
