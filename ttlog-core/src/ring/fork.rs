//! What a forked child gets: logging off until it calls `init` itself, which then starts a
//! fresh runtime of its own.
//!
//! A child of a multi-threaded process inherits the parent's logger, its logs (a private copy
//! of the recorder mapping, see [`words`](super::words)) and the calling thread's lane, but
//! not the collector thread or the signal thread. Logging on as if nothing happened would
//! fill logs nobody reads: under `Overflow::Block` the child would spin forever once its log
//! filled, under `Drop` its events would vanish uncounted. So a child-side fork handler turns
//! the level gate off (nothing is logged, so nothing is lost) and bumps the fork
//! [`generation`]: every ring set made before the fork reports itself stopped in the child
//! (flushes and snapshots return at once, writers never wait), and `init` in the child is
//! allowed again.
//!
//! `init` in the child takes process-wide locks (the registries of threads and callsites,
//! the current logger). A lock another thread of the parent held at the moment of the fork
//! stays held in the child, as with any library that locks: `init` in a child is safe when
//! the parent forked while its other threads were not registering a new thread or callsite
//! with ttlog (the usual prefork server forks before its workers log, or the child `exec`s).

use crate::sync::global::{AtomicU32, Ordering};

/// How many forks this process is removed from its ancestor that first used ttlog.
static GENERATION: AtomicU32 = AtomicU32::new(0);

/// The fork generation of this process: 0 in the process that first used ttlog, one more in
/// each forked child.
#[inline]
pub(crate) fn generation() -> u32 {
    GENERATION.load(Ordering::Acquire)
}

/// Registers the child-side fork handler, once.
pub(crate) fn watch() {
    #[cfg(all(unix, not(miri), not(ttlog_loom)))]
    {
        static HANDLER: std::sync::Once = std::sync::Once::new();
        HANDLER.call_once(|| {
            // SAFETY: registers a plain `extern "C"` function that only does relaxed atomic
            // stores (async-signal-safe, as a child handler of a multi-threaded parent must
            // be).
            #[allow(unsafe_code)]
            unsafe {
                libc::pthread_atfork(None, None, Some(in_child));
            }
        });
    }
}

#[cfg(all(unix, not(miri), not(ttlog_loom)))]
extern "C" fn in_child() {
    GENERATION.fetch_add(1, Ordering::AcqRel);
    crate::level::store_max_level(crate::level::LevelFilter::Off);
}
