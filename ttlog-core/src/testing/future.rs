//! [`Captured`]: a future that runs inside a capture on every poll.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use super::capture::Capture;
use super::tap::{Binding, Shared};

/// A future that runs inside a [`Capture`] each time it is polled (on whatever thread polls
/// it) and while it is dropped; made by [`Capture::bind_future`] and
/// [`WithCapture::with_capture`].
#[must_use = "futures do nothing unless polled"]
pub struct Captured<F> {
    /// `None` only while being dropped.
    inner: Option<Pin<Box<F>>>,
    shared: Arc<Shared>,
}

impl<F> Captured<F> {
    pub(super) fn new(future: F, shared: Arc<Shared>) -> Captured<F> {
        Captured {
            inner: Some(Box::pin(future)),
            shared,
        }
    }
}

impl<F: Future> Future for Captured<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // `Captured` is `Unpin`: the future is pinned in its own box.
        let this = self.get_mut();
        let _binding = Binding::new(&this.shared);
        match this.inner.as_mut() {
            Some(inner) => inner.as_mut().poll(cx),
            // Unreachable: only `drop` takes the future out.
            None => Poll::Pending,
        }
    }
}

impl<F> Drop for Captured<F> {
    fn drop(&mut self) {
        // Drop the future inside the capture, so that events its destructors log (a cancelled
        // task's guards) are captured too.
        let _binding = Binding::new(&self.shared);
        drop(self.inner.take());
    }
}

impl<F> fmt::Debug for Captured<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Captured").finish_non_exhaustive()
    }
}

/// Runs any future inside a capture: `tokio::spawn(task.with_capture(&logs))`, the same as
/// [`Capture::bind_future`].
///
/// ```
/// use ttlog_core::testing::{self, WithCapture};
/// use ttlog_core::{Callsite, EventBuilder, Level};
/// static POLLED: Callsite = Callsite::new(Level::Info, "app", "app", "src/app.rs", 1, "polled", &[]);
/// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     let waker = std::task::Waker::noop();
/// #     let mut cx = std::task::Context::from_waker(&waker);
/// #     let mut f = std::pin::pin!(f);
/// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
/// # }
///
/// let logs = testing::capture();
/// let task = async { ttlog_core::logger::dispatch(EventBuilder::new(&POLLED).build()) };
/// let task = task.with_capture(&logs);
/// std::thread::spawn(move || block_on(task)).join().unwrap();
/// assert_eq!(logs.len(), 1);
/// ```
pub trait WithCapture: Future + Sized {
    /// Runs `self` inside `capture` on every poll.
    fn with_capture(self, capture: &Capture) -> Captured<Self> {
        capture.bind_future(self)
    }
}

impl<F: Future> WithCapture for F {}

impl Capture {
    /// Wraps a future so that it runs inside the capture on every poll, on whatever thread
    /// polls it (for `tokio::spawn(logs.bind_future(async { .. }))`); see also
    /// [`WithCapture::with_capture`]. (It is not called `instrument`: with
    /// [`Instrument`](crate::Instrument) in scope, which every value implements,
    /// `logs.instrument(..)` would resolve to that trait's method.)
    ///
    /// ```
    /// use ttlog_core::{testing, Callsite, EventBuilder, Level};
    /// static POLLED: Callsite = Callsite::new(Level::Info, "app", "app", "src/app.rs", 1, "polled", &[]);
    /// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
    /// #     let waker = std::task::Waker::noop();
    /// #     let mut cx = std::task::Context::from_waker(&waker);
    /// #     let mut f = std::pin::pin!(f);
    /// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
    /// # }
    ///
    /// let logs = testing::capture();
    /// let task = logs.bind_future(async {
    ///     ttlog_core::logger::dispatch(EventBuilder::new(&POLLED).build());
    /// });
    /// std::thread::spawn(move || block_on(task)).join().unwrap();
    /// logs.assert_logged(Level::Info, "polled");
    /// ```
    pub fn bind_future<F: std::future::Future>(&self, future: F) -> Captured<F> {
        Captured::new(future, self.shared.clone())
    }
}
