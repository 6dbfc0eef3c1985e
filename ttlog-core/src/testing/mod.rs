//! Capturing the events a test logs, to assert on them: [`capture`].
//!
//! `let logs = capture();` starts collecting the events logged by the current test, and only
//! those: tests running in parallel in the same process each see their own. It works whether
//! or not [`init`](crate::init) was called (before or after `capture()`), and does not take
//! events away from the sinks: an initialised runtime still gets every event.
//!
//! ```
//! use ttlog_core::{testing, Callsite, EventBuilder, Level};
//!
//! static FAILED: Callsite = Callsite::new(
//!     Level::Warn, "app::auth", "app::auth", "src/auth.rs", 7, "login failed", &["user_id"],
//! );
//! // What `ttlog::warn!("login failed", user_id = 42)` does, without the facade's macros.
//! fn login(user_id: u64) {
//!     ttlog_core::logger::dispatch(EventBuilder::new(&FAILED).value(user_id).build());
//! }
//!
//! let logs = testing::capture();
//! login(42);
//! logs.assert_logged(Level::Warn, "login failed");
//! logs.assert_not_logged(Level::Error, "login failed");
//! assert!(logs.find(|e| e.field("user_id") == Some(&42.into())).is_some());
//! assert_eq!(logs.rendered(), " WARN app::auth: login failed user_id=42\n");
//! ```
//!
//! The `ttlog` crate re-exports this module as `ttlog::testing`, whose documentation has the
//! same example written with the logging macros, and with threads and async tasks.
//!
//! # What a capture sees
//!
//! A capture is bound to the thread that called [`capture`] (libtest runs each test on its
//! own thread) until it is dropped. An event belongs to the innermost capture bound to the
//! thread that logs it, or else to the capture that owns its span. So events logged:
//!
//! - on the test's thread are captured;
//! - on threads and tasks the test starts are captured when they run inside the capture:
//!   [`Capture::scope`], [`Capture::bind`] (for `std::thread::spawn(logs.bind(|| ..))`),
//!   [`Capture::bind_future`] or [`WithCapture::with_capture`] (for `tokio::spawn`);
//! - inside a span created while a capture was bound (or a child of such a span) are
//!   captured on any thread: `tokio::spawn(work().instrument(span))` and `#[instrument]`
//!   async functions spawned on a multi-thread runtime just work;
//! - anywhere else (an unrelated thread, another test) are not.
//!
//! Captured events are what the sinks get: redacted with the runtime's rules (the default
//! rules when ttlog was not initialised, none after `no_redaction()`), with the scope of
//! spans they happened in (spans created while a capture was bound), and inside an entered
//! [`TraceContext`](crate::TraceContext) (entered while a capture was bound) with its
//! `trace_id`, `span_id` and `correlation_id` ([`CapturedEvent::field`],
//! [`Record::trace`](crate::Record::trace)); like the formats' scopes,
//! [`CapturedEvent::spans`] leaves the context's own span out. Which events are logged
//! at all is the level gate's business: without `init()`, the first capture opens it to
//! `Trace` (every event is captured); after `init()`, its filter decides, as for the sinks.
//!
//! # Cost
//!
//! The first `capture()` in a process puts a tap in front of the global logger (see
//! [`crate::logger`](mod@crate::logger)): from then on every event in the process takes the
//! logger's slow path (built as a `LogEvent`, then handed to the installed logger) instead of
//! being written straight into its thread's ring, and the tap copies those that belong to a
//! capture. A process that never calls `capture()` pays nothing. A capture keeps every event
//! it gets until it is dropped (on whatever thread) or [`clear`](Capture::clear)ed.
//!
//! # Golden tests
//!
//! [`Capture::rendered`] is one deterministic line per event (the console's compact format
//! without the timestamp), ready for `assert_eq!` or a snapshot crate such as `insta`:
//! `insta::assert_snapshot!(logs.rendered(), @"...")`.

mod assert;
mod event;
mod future;
pub(crate) mod tap;

use std::fmt;
use std::sync::Arc;

pub use event::{CapturedEvent, CapturedSpan};
pub use future::{Captured, WithCapture};

use crate::level::LevelFilter;
use tap::{Binding, Shared};

/// Starts capturing the events logged by the current test: on this thread, in the threads and
/// tasks run inside the capture, and in the spans created inside it (see the [module
/// docs](self)). Capturing stops when the returned [`Capture`] is dropped.
///
/// Captures nest: while a second capture is alive on the thread, events go to it only.
///
/// ```
/// use ttlog_core::{testing, Callsite, EventBuilder, Level};
/// static HELLO: Callsite = Callsite::new(Level::Info, "app", "app", "src/app.rs", 1, "hello", &[]);
///
/// let logs = testing::capture();
/// ttlog_core::logger::dispatch(EventBuilder::new(&HELLO).build());
/// assert_eq!(logs.len(), 1);
/// drop(logs);
/// ttlog_core::logger::dispatch(EventBuilder::new(&HELLO).build()); // not captured
/// ```
pub fn capture() -> Capture {
    crate::logger::install_tap(crate::logger::Observer {
        event: tap::event,
        span: tap::span,
    });
    if crate::filter::current().is_none() && crate::level::max_level() != LevelFilter::Trace {
        crate::level::set_max_level(LevelFilter::Trace);
    }
    let shared = Shared::new();
    tap::bind(&shared);
    Capture { shared }
}

/// The events captured by a test; made by [`capture`], which also binds it to the test's
/// thread. Dropping it stops the capture.
///
/// It is `Send` and `Sync`: threads can share it by reference (in `std::thread::scope`) and
/// call [`scope`](Self::scope) on it.
#[must_use = "capturing stops when the Capture is dropped"]
pub struct Capture {
    shared: Arc<Shared>,
}

impl Capture {
    /// Runs `f` inside the capture, on this thread: for code that runs on a thread the
    /// capture was not bound to (a scoped thread, a thread pool's job).
    ///
    /// ```
    /// use ttlog_core::{testing, Callsite, EventBuilder, Level};
    /// static WORK: Callsite = Callsite::new(Level::Info, "app", "app", "src/app.rs", 1, "work", &[]);
    ///
    /// let logs = testing::capture();
    /// std::thread::scope(|s| {
    ///     s.spawn(|| logs.scope(|| ttlog_core::logger::dispatch(EventBuilder::new(&WORK).build())));
    /// });
    /// logs.assert_logged(Level::Info, "work");
    /// ```
    pub fn scope<R>(&self, f: impl FnOnce() -> R) -> R {
        let _binding = Binding::new(&self.shared);
        f()
    }

    /// Wraps `f` so that it runs inside the capture wherever it is called: for
    /// `std::thread::spawn(logs.bind(move || ..))` and `spawn_blocking`. The closure is
    /// `Send` and `'static` when `f` is.
    ///
    /// ```
    /// use ttlog_core::{testing, Callsite, EventBuilder, Level};
    /// static WORK: Callsite = Callsite::new(Level::Info, "app", "app", "src/app.rs", 1, "work", &[]);
    ///
    /// let logs = testing::capture();
    /// std::thread::spawn(logs.bind(|| {
    ///     ttlog_core::logger::dispatch(EventBuilder::new(&WORK).build());
    /// }))
    /// .join()
    /// .unwrap();
    /// logs.assert_logged(Level::Info, "work");
    /// ```
    pub fn bind<F: FnOnce() -> R, R>(&self, f: F) -> impl FnOnce() -> R {
        let shared = self.shared.clone();
        move || {
            let _binding = Binding::new(&shared);
            f()
        }
    }

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

    /// A copy of the events captured so far, in the order they were captured.
    pub fn events(&self) -> Vec<CapturedEvent> {
        self.shared.events().clone()
    }

    /// How many events were captured.
    pub fn len(&self) -> usize {
        self.shared.events().len()
    }

    /// Whether nothing was captured.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets the events captured so far (the capture goes on).
    pub fn clear(&self) {
        self.shared.events().clear();
    }

    /// The captured events, one [`CapturedEvent::render`]ed line each, each ending in `'\n'`:
    /// deterministic (no timestamps, thread ids or span ids), for golden tests; except that
    /// events inside a trace context end with its ids, whose `span_id` changes from run to
    /// run (see [`CapturedEvent::render`]).
    ///
    /// ```
    /// use ttlog_core::{testing, Callsite, EventBuilder, Level};
    /// static SLOW: Callsite = Callsite::new(Level::Warn, "db", "db", "src/db.rs", 1, "slow query", &["ms"]);
    ///
    /// let logs = testing::capture();
    /// ttlog_core::logger::dispatch(EventBuilder::new(&SLOW).value(250).build());
    /// ttlog_core::logger::dispatch(EventBuilder::new(&SLOW).value(900).build());
    /// assert_eq!(logs.rendered(), " WARN db: slow query ms=250\n WARN db: slow query ms=900\n");
    /// ```
    pub fn rendered(&self) -> String {
        let mut out = Vec::new();
        for event in self.shared.events().iter() {
            event.render_into(&mut out);
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.shared.deactivate();
        tap::unbind(&self.shared);
    }
}

impl fmt::Debug for Capture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Capture")
            .field("events", &self.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;
    use crate::{Callsite, EventBuilder, Level};

    static NOTE: Callsite = Callsite::new(Level::Info, "t", "t", "t.rs", 1, "note", &["text"]);

    /// A capture dropped on another thread than the one it is bound to: that thread's binding
    /// list still holds its state, but the events are freed at the drop.
    #[test]
    fn a_capture_dropped_on_another_thread_frees_its_events() {
        let (send_capture, capture) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        // Calls the tap directly, as the logger does under it, without installing it for the
        // whole test process.
        let thread = std::thread::spawn(move || {
            let shared = Shared::new();
            tap::bind(&shared);
            for _ in 0..3 {
                tap::event(&EventBuilder::new(&NOTE).value("a payload").build());
            }
            send_capture.send(Capture { shared }).unwrap();
            // Still bound here until the thread ends.
            released.recv().unwrap();
        });
        let logs = capture.recv().unwrap();
        assert_eq!(logs.len(), 3);
        let state = Arc::downgrade(&logs.shared);
        drop(logs);
        let kept = state
            .upgrade()
            .expect("the other thread's binding keeps the state");
        assert!(kept.events().is_empty());
        assert_eq!(
            kept.events().capacity(),
            0,
            "the events' memory was not released"
        );
        drop(kept);
        release.send(()).unwrap();
        thread.join().unwrap();
        assert!(state.upgrade().is_none());
    }
}
