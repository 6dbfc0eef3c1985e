//! The concurrency primitives the lock-free code is written against, so that loom can check it.
//!
//! Under `--cfg ttlog_loom` the [`atomic`]s and `Mutex` used by the logs come from loom, which
//! explores every interleaving of a test; otherwise they are std's, so the algorithm code is the
//! same in both builds. Process-wide statics (the level gate, the logger slot, callsite registry) are
//! not modelled by loom and use [`global`], which is always std.

#[cfg(ttlog_loom)]
pub(crate) use loom::sync::{atomic, Mutex, MutexGuard};

#[cfg(not(ttlog_loom))]
pub(crate) use std::sync::{atomic, Mutex, MutexGuard};

/// Locks `m`, going on after a panic elsewhere poisoned it (every value kept behind these
/// locks is left consistent between statements).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// std atomics for process-wide statics (loom atomics cannot be built in a `static`).
pub(crate) mod global {
    pub(crate) use std::sync::atomic::*;

    /// Locks a std `Mutex` (the process-wide ones, which loom does not model), going on after
    /// a panic elsewhere poisoned it (every value kept behind these locks is left consistent
    /// between statements).
    pub(crate) fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
        m.lock().unwrap_or_else(|p| p.into_inner())
    }
}
