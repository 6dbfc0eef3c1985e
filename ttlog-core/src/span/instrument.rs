//! [`Instrument`]: running a future inside a span on every poll.

use std::fmt;
use std::future::Future;
use std::mem::ManuallyDrop;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::handle::Span;

/// Attaches a span to a future: the span is entered each time the future is polled (on
/// whatever thread polls it) and while it is dropped, so events logged inside carry the
/// span across `.await`s, with any executor.
///
/// ```
/// use ttlog_core::span::{Instrument, Span};
/// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     let waker = std::task::Waker::noop();
/// #     let mut cx = std::task::Context::from_waker(&waker);
/// #     let mut f = std::pin::pin!(f);
/// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
/// # }
/// let answer = block_on(async { 42 }.instrument(Span::none()));
/// assert_eq!(answer, 42);
/// ```
pub trait Instrument: Sized {
    /// Runs `self` inside `span`.
    fn instrument(self, span: Span) -> Instrumented<Self> {
        Instrumented {
            inner: ManuallyDrop::new(self),
            span,
        }
    }

    /// Runs `self` inside the current span (the one entered where this is called).
    ///
    /// Unlike tracing's, this does not keep the span open: [`Span::current`] names the span
    /// without owning it, so if the span's owner drops it first, the span closes (its
    /// duration ends there) and the future's later events still name it. To keep a span open
    /// for as long as a spawned future runs, pass an owned clone:
    /// `fut.instrument(span.clone())`.
    fn in_current_span(self) -> Instrumented<Self> {
        self.instrument(Span::current())
    }
}

impl<T: Sized> Instrument for T {}

/// A value (usually a future) that runs inside a span; see [`Instrument`].
pub struct Instrumented<T> {
    inner: ManuallyDrop<T>,
    span: Span,
}

impl<T> Instrumented<T> {
    /// The span.
    pub fn span(&self) -> &Span {
        &self.span
    }

    /// The wrapped value.
    pub fn inner(&self) -> &T {
        &self.inner
    }

    /// Gives back the wrapped value, dropping the span.
    pub fn into_inner(self) -> T {
        let mut this = ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped, so `inner` and `span` are each taken exactly once.
        // The inner value is taken first, so that it is not lost if dropping the span panics.
        unsafe {
            let inner = ManuallyDrop::take(&mut this.inner);
            drop(std::ptr::read(&this.span));
            inner
        }
    }
}

impl<T: Future> Future for Instrumented<T> {
    type Output = T::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T::Output> {
        // SAFETY: `inner` is structurally pinned: it is never moved out of a pinned
        // `Instrumented` (only `into_inner`, which takes `self` by value and so requires
        // `Unpin` use, moves it), and it is dropped in place by `Drop`. `span` is not pinned.
        let this = unsafe { self.get_unchecked_mut() };
        let _entered = this.span.enter();
        // SAFETY: see above.
        let inner = unsafe { Pin::new_unchecked(&mut *this.inner) };
        inner.poll(cx)
    }
}

impl<T> Drop for Instrumented<T> {
    fn drop(&mut self) {
        /// Drops the inner value when it goes out of scope, also while unwinding: a pinned
        /// value must be dropped before its memory is freed, even if entering the span
        /// panics (a custom logger may).
        struct DropInner<'a, T>(&'a mut ManuallyDrop<T>);

        impl<T> Drop for DropInner<'_, T> {
            fn drop(&mut self) {
                // SAFETY: dropped once, here, in place (it may be pinned); `Instrumented`
                // never touches it again.
                unsafe { ManuallyDrop::drop(self.0) }
            }
        }

        let inner = DropInner(&mut self.inner);
        // Drop the inner value inside the span, so events logged by its destructors (a
        // cancelled future's guards) belong to it.
        let _entered = self.span.enter();
        drop(inner);
    }
}

impl<T: fmt::Debug> fmt::Debug for Instrumented<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Instrumented")
            .field("inner", &*self.inner)
            .field("span", &self.span)
            .finish()
    }
}
