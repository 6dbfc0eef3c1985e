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

//!
//! 1. `capture.rs` — [`capture`] and [`Capture`]: start a capture, bind it, read it.
//! 2. `tap.rs` — the observer the logger calls: routes each event to the capture bound to
//!    its thread or span, redacted with `init`'s rules.
//! 3. `event.rs` — [`CapturedEvent`] and [`CapturedSpan`]: what a capture holds.
//! 4. `assert.rs` — the queries and assertions on a capture.
//! 5. `future.rs` — [`WithCapture`]: a future bound to a capture on every poll.

mod assert;
mod capture;
mod event;
mod future;
pub(crate) mod tap;

pub use capture::{capture, Capture};
pub use event::{CapturedEvent, CapturedSpan};
pub use future::{Captured, WithCapture};

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;
    use crate::{Callsite, EventBuilder, Level};
    use std::sync::Arc;
    use tap::Shared;

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
