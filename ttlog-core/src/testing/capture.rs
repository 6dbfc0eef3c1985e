//! [`capture`] and [`Capture`]: a test's captured events, bound to its thread.

use std::fmt;
use std::sync::Arc;

use super::event::CapturedEvent;
use super::tap::{self, Binding, Shared};
use crate::level::LevelFilter;

/// Starts capturing the events logged by the current test: on this thread, in the threads and
/// tasks run inside the capture, and in the spans created inside it (see the [module
/// docs](crate::testing)). Capturing stops when the returned [`Capture`] is dropped.
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
    pub(super) shared: Arc<Shared>,
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
