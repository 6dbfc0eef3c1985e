//! Capturing the events a test logs, to assert on them: [`capture`].
//!
//! `let logs = ttlog::testing::capture();` collects the events the current test logs, and
//! only those: tests running in parallel see their own events, including those of the threads
//! and tasks they start inside the capture. It works without [`init`](crate::init), and with
//! it (called before or after `capture()`); with it, the sinks still get every event.
//!
//! ```
//! use ttlog::testing::{self, WithCapture};
//! use ttlog::{info_span, warn, Instrument, Level};
//!
//! #[ttlog::instrument]
//! async fn charge(order: u64) {
//!     ttlog::info!("charged", amount = 37.5);
//! }
//!
//! fn login(user_id: u64, password: &str) {
//!     warn!("login failed", user_id, password);
//! }
//!
//! let logs = testing::capture();
//!
//! // On the test's thread.
//! login(42, "hunter2");
//! // On a thread the test starts: bind the closure to the capture.
//! std::thread::spawn(logs.bind(|| ttlog::debug!("cache warmed", entries = 3)))
//!     .join()
//!     .unwrap();
//! // In tasks on a multi-thread runtime: run them inside the capture, or inside a span
//! // created while the capture is active (child spans and their events follow it).
//! let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
//! rt.block_on(async {
//!     tokio::spawn(async { ttlog::info!("task ran") }.with_capture(&logs)).await.unwrap();
//!     let request = info_span!("request", id = 7);
//!     tokio::spawn(charge(1001).instrument(request)).await.unwrap();
//! });
//!
//! // Assertions: by level and message text, then by fields.
//! let event = logs.assert_logged(Level::Warn, "login failed");
//! assert_eq!(event.field("user_id"), Some(&42.into()));
//! assert_eq!(event.field("password"), Some(&"[REDACTED]".into())); // as the sinks get it
//! logs.assert_not_logged(Level::Error, "login failed");
//! assert!(logs.find(|e| e.field("entries") == Some(&3.into())).is_some());
//! assert_eq!(logs.count(|e| e.level() == Level::Info), 2);
//!
//! // A golden test: one deterministic line per event (no timestamps, no thread ids). The
//! // target is the module path: `rust_out` is what rustdoc names a doctest's crate.
//! assert_eq!(
//!     logs.rendered(),
//!     " WARN rust_out: login failed user_id=42 password=[REDACTED]\n\
//!      DEBUG rust_out: cache warmed entries=3\n \
//!      INFO rust_out: task ran\n \
//!      INFO request{id=7}:charge{order=1001}: rust_out: charged amount=37.5\n"
//! );
//! ```
//!
//! For golden tests kept next to the code, hand [`Capture::rendered`] to a snapshot crate, as
//! in `insta::assert_snapshot!(logs.rendered(), @"...")`; `cargo insta review` then shows the
//! difference when the logs change. Events inside an entered
//! [`TraceContext`](crate::TraceContext) carry its `trace_id`, `span_id` and `correlation_id`
//! as the sinks print them (`event.field("trace_id")`, and at the end of their lines); the
//! W3C `span_id` changes from run to run, so compare it with
//! [`current_trace_context`](crate::current_trace_context)`().parent_id` taken in the span.
//!
//! Which events are captured, how they are redacted, and what a capture costs: see
//! [`ttlog_core::testing`], which this module re-exports.

pub use ttlog_core::testing::*;
