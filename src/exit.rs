//! Draining at process exit: events logged right before `std::process::exit`, or before
//! `main` returns while the guard is still alive (kept in a static, leaked or forgotten), still
//! reach the sinks.
//!
//! Neither runs the guard's `Drop`, and the collector is a background thread that ends with
//! the process, so the newest events would be lost. ttlog registers one C `atexit` handler
//! (the first time it starts) that asks the running collector to drain every ring and flush
//! the sinks, waiting at most [`EXIT_FLUSH_TIMEOUT`]. `exit` runs it on the thread that exits;
//! on glibc that thread's thread-locals are gone by then (its ring is abandoned, and drained
//! like any other).
//!
//! It does nothing once the guard has started dropping (the guard drains itself), on the
//! collector thread (a sink that calls `exit`: the collector cannot wait for itself), and in a
//! forked child (which has no collector thread). Not covered: `std::process::abort`, signals
//! that kill the process (SIGKILL), `libc::_exit`, and events logged by atexit handlers that
//! run after ttlog's (registered before it) or by thread-local destructors of the exiting
//! thread: that thread's ring is gone by then, so they are counted as dropped. With
//! `panic = "abort"`, the panic hook's snapshot drains the rings before the abort. `exit` from
//! inside a signal handler is not async-signal-safe with or without ttlog. Only the `ttlog`
//! facade's `init` registers the hook (not `ttlog_core::init`).

use std::sync::{Mutex, Once, PoisonError};
use std::time::Duration;

use ttlog_core::Handle;

/// How long the exit hook waits for the collector to drain the rings and flush the sinks.
pub(crate) const EXIT_FLUSH_TIMEOUT: Duration = Duration::from_secs(2);

/// The running logger the hook drains (the last one started), with the id of the process
/// that started it (a forked child inherits this but not the collector thread).
static HANDLE: Mutex<Option<(Handle, u32)>> = Mutex::new(None);
static REGISTER: Once = Once::new();

/// Makes the exit hook drain `handle`'s logger, registering the hook the first time.
#[allow(unsafe_code)]
pub(crate) fn install(handle: Handle) {
    *HANDLE.lock().unwrap_or_else(PoisonError::into_inner) = Some((handle, std::process::id()));
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
        if ttlog_core::thread::is_collector() {
            return;
        }
        // `try_lock`: `install` holds the lock only briefly, and an exit racing it need not
        // wait; a poisoned lock still holds a usable handle.
        let slot = match HANDLE.try_lock() {
            Ok(mut slot) => slot.take(),
            Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner().take(),
            Err(std::sync::TryLockError::WouldBlock) => None,
        };
        let Some((handle, pid)) = slot else {
            return;
        };
        if pid == std::process::id()
            && handle.is_current()
            && handle.is_running()
            && handle.flush_timeout(EXIT_FLUSH_TIMEOUT)
        {
            // Everything reached the sinks: the process ends cleanly, so no recorder file
            // is left for a recovery to mistake for a crash.
            handle.close_recorder();
        }
    });
}
