//! The concurrency primitives the lock-free code is written against, so that loom can check it.
//!
//! Under `--cfg ttlog_loom` the [`atomic`], [`Arc`] and [`UnsafeCell`] used by the ring come from
//! loom, which explores every interleaving of a test; otherwise they are std's, with an
//! `UnsafeCell` wrapper that has loom's `with` / `with_mut` API so the algorithm code is the same
//! in both builds. Process-wide statics (the level gate, the logger slot, callsite registry) are
//! not modelled by loom and use [`global`], which is always std.

#[cfg(ttlog_loom)]
pub(crate) use loom::sync::{atomic, Arc};

#[cfg(not(ttlog_loom))]
pub(crate) use std::sync::{atomic, Arc};

/// std atomics for process-wide statics (loom atomics cannot be built in a `static`).
pub(crate) mod global {
    pub(crate) use std::sync::atomic::*;
}

#[cfg(ttlog_loom)]
pub(crate) use loom::cell::UnsafeCell;

/// std's `UnsafeCell` with loom's closure-based access API.
///
/// `repr(transparent)`: the ring relies on a slice of these having the layout of a slice of
/// `T`.
#[cfg(not(ttlog_loom))]
#[derive(Debug)]
#[repr(transparent)]
pub(crate) struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

#[cfg(not(ttlog_loom))]
impl<T> UnsafeCell<T> {
    pub(crate) const fn new(data: T) -> UnsafeCell<T> {
        UnsafeCell(std::cell::UnsafeCell::new(data))
    }

    #[inline(always)]
    pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        f(self.0.get())
    }

    #[allow(dead_code)] // the loom API's other half; the ring uses it in loom builds
    #[inline(always)]
    pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }
}
