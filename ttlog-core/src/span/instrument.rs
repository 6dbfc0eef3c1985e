//! [`Instrument`]: running a future inside a span on every poll.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

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
            inner: Some(self),
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

pin_project! {
    /// A value (usually a future) that runs inside a span; see [`Instrument`].
    ///
    /// The value is dropped in place, inside the span, when the `Instrumented` is dropped, so
    /// events logged by its destructors (a cancelled future's guards) belong to the span.
    pub struct Instrumented<T> {
        // `Some` until `into_inner` takes it or the drop below drops it in place.
        #[pin]
        inner: Option<T>,
        span: Span,
    }

    impl<T> PinnedDrop for Instrumented<T> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if this.inner.as_ref().get_ref().is_some() {
                let _entered = this.span.enter();
                // Drops the (possibly pinned) value in place, inside the span. If entering
                // panics (a custom logger may), the drop glue still drops it in place.
                let mut inner = this.inner;
                inner.set(None);
            }
        }
    }
}

impl<T> Instrumented<T> {
    /// The span.
    pub fn span(&self) -> &Span {
        &self.span
    }

    /// The wrapped value.
    pub fn inner(&self) -> &T {
        self.inner
            .as_ref()
            .expect("an Instrumented holds its value until it is dropped or taken")
    }

    /// Gives back the wrapped value, dropping the span.
    pub fn into_inner(mut self) -> T {
        // `self` is not pinned (it is owned here), so the value may move out; the drop that
        // follows finds `None` and only drops the span.
        self.inner
            .take()
            .expect("an Instrumented holds its value until it is dropped or taken")
    }
}

impl<T: Future> Future for Instrumented<T> {
    type Output = T::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T::Output> {
        let this = self.project();
        let _entered = this.span.enter();
        this.inner
            .as_pin_mut()
            .expect("an Instrumented holds its value until it is dropped or taken")
            .poll(cx)
    }
}

impl<T: fmt::Debug> fmt::Debug for Instrumented<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Instrumented");
        if let Some(inner) = &self.inner {
            d.field("inner", inner);
        }
        d.field("span", &self.span).finish()
    }
}
