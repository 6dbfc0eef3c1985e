//! ttlog: a fast logging runtime with a flight recorder.
//!
//! A logging macro checks the level, builds an event on the stack and pushes it into the
//! calling thread's lock-free ring; a background thread formats and writes it, keeps the
//! newest events in a flight recorder, and dumps them to a snapshot file on demand, on panic
//! and, while the guard lives, on SIGTERM / SIGINT / SIGUSR1.
//!
//! ```no_run
//! let guard = ttlog::init()
//!     .service("orders")
//!     .level(ttlog::Level::Info)
//!     .filter("warn,orders::db=debug")
//!     .capacity(16_384)
//!     .init();
//! let addr = "10.0.0.1";
//! ttlog::info!("user logged in", user_id = 42, ip = %addr);
//! let path = guard.snapshot("manual").unwrap();
//! let snap = ttlog::snapshot::read(&path).unwrap();
//! assert!(snap.events.iter().any(|e| e.message() == "user logged in"));
//! ```
//!
//! The runtime lives in [`ttlog_core`] (re-exported here); the macros in `ttlog-macros`.
//!
//! # Compile-time levels
//!
//! The features `max_level_off`, `max_level_error` … `max_level_trace` remove the levels above
//! theirs at compile time ([`STATIC_MAX_LEVEL`]); in builds without `debug_assertions`, any
//! `release_max_level_*` feature replaces the `max_level_*` ones entirely, as in `log`. So
//! `max_level_trace` with `release_max_level_warn` keeps every level in debug builds and only
//! ERROR and WARN in release builds. Within one family the features are additive: when
//! several are on (two crates of one build asked for different levels), the most verbose wins,
//! so `--all-features` keeps every level.

#![deny(unsafe_code)]

// Lets macro expansions inside this crate name `::ttlog`, as they do in users' crates.
#[allow(unused_extern_crates)]
extern crate self as ttlog;

pub use ttlog_core::*;
/// Derives [`StructFields`] (see the `ttlog_macros` documentation for the options), so that
/// `ttlog::info!(..value)` records a struct's named fields.
///
/// ```
/// #[derive(ttlog::Fields)]
/// struct Attempt<'a> {
///     user: &'a str,
///     tries: u32,
///     #[fields(skip)]
///     password: &'a str,
/// }
/// # let _ = Attempt { user: "", tries: 0, password: "" }.password;
/// use ttlog::StructFields;
/// assert_eq!(Attempt::NAMES, ["user", "tries"]);
/// let attempt = Attempt { user: "alice", tries: 3, password: "hunter2" };
/// ttlog::info!(..attempt, "login attempt");
/// ```
pub use ttlog_macros::Fields;
pub use ttlog_macros::{debug, error, info, trace, warn};
pub use ttlog_macros::{debug_span, error_span, info_span, span, trace_span, warn_span};

/// Narrates what the system did: a sentence for people, fields for machines. See the
/// [`narrate`](mod@narrate) module for the whole story and the struct form.
///
/// The full syntax follows the example.
///
/// ```
/// let (job_id, pos, eta_ms, cid) = ("job-7", 3, 120, "req-1");
/// ttlog::narrate!(Info, actor: "orchestrator", action: "accept", target: job_id,
///     human: "Accepted request; queued at position {pos} (ETA {eta_ms} ms)",
///     cute: "Orchestrator welcomes {job_id} to the queue! You're #{pos} in line!",
///     correlation_id: cid, queue_position = pos, predicted_start_ms = eta_ms);
/// ```
#[doc(inline)]
pub use ttlog_macros::narrate;

/// Runs a function inside a span, with its arguments as fields.
///
/// The full reference (options, fields, secrets, expansion) follows the example.
///
/// ```
/// use std::num::ParseIntError;
///
/// struct Store {
///     rows: Vec<u64>,
/// }
///
/// impl Store {
///     // A DEBUG span `lookup{raw="2"}`; `password` is never recorded; an `Err` logs an
///     // ERROR event `error=…` inside the span and marks the span's status as error.
///     #[ttlog::instrument(level = "debug", skip(self), ret, err)]
///     fn lookup(&self, raw: &str, password: &str) -> Result<u64, ParseIntError> {
///         let index: usize = raw.parse()?;
///         ttlog::debug!("parsed", index);     // carries the span
///         Ok(self.rows[index])
///     }
/// }
///
/// # let logs = ttlog::testing::capture();
/// let store = Store { rows: vec![10, 20, 30] };
/// assert_eq!(store.lookup("2", "hunter2"), Ok(30));
/// assert!(store.lookup("two", "hunter2").is_err());
/// # let parsed = logs.assert_logged(ttlog::Level::Debug, "parsed");
/// # let span = &parsed.spans()[0];
/// # assert_eq!(span.name(), "lookup");
/// # assert_eq!(span.fields().iter().map(|f| f.name).collect::<Vec<_>>(), ["raw"]);
/// # assert!(logs.events().iter().all(|e| !e.render().contains("hunter2")));
/// ```
#[doc(inline)]
pub use ttlog_macros::instrument;

/// Traces a function at TRACE: a span with its arguments, an event when it starts and one
/// when it completes, and its return value or error.
///
/// The full reference follows the example.
///
/// ```
/// #[ttlog::trace_fn]
/// fn checksum(data: &[u8]) -> u32 {
///     data.iter().map(|&b| u32::from(b)).sum()
/// }
///
/// assert_eq!(checksum(&[1, 2, 3]), 6);
/// ```
#[doc(inline)]
pub use ttlog_macros::trace_fn;

mod attributes;
pub mod narrate;

mod builder;
mod helpers;
// The two modules of this crate with unsafe code, one C call each: `signals` reads each
// signal's disposition (`sigaction`, read-only) before ttlog's handlers go in, `exit`
// registers its `atexit` handler.
#[cfg(all(unix, feature = "exit-hook"))]
mod exit;
#[cfg(all(unix, feature = "signals"))]
mod signals;
pub mod testing;
mod timer;

pub use builder::{Builder, WriteSend};

/// The `log` adapter and bridge (feature `log`): [`log::install`] (what
/// `ttlog::init().with_log()` runs), [`log::LogAdapter`] and [`log::LogBridge`].
#[cfg(feature = "log")]
pub mod log {
    pub use ttlog_integrations::log::*;
}

/// The `slog` adapter (feature `slog`): [`Drain`](slog::Drain) is a `slog::Drain` that turns
/// slog records, with their loggers' key-values, into ttlog events. Replace the application's
/// root drain with it; see MIGRATION.md, "From slog".
///
/// ```
/// use slog::{crit, info, o, Drain};
///
/// let guard = ttlog::init().no_console().init();
/// let root = slog::Logger::root(ttlog::slog::Drain::new().fuse(), o!("svc" => "orders"));
/// let log = root.new(o!("component" => "api"));
/// info!(log, "order placed"; "order_id" => 7u64, "total" => 37.5);
/// crit!(log, "payment backend down"); // ERROR, with critical = true
/// drop(guard); // drains and flushes
/// ```
#[cfg(feature = "slog")]
pub mod slog {
    pub use ttlog_integrations::slog::*;
}

/// The `tracing` adapter: [`tracing::TracingSubscriber`] (installed by
/// [`Builder::with_tracing`]) and the bridge the other way, [`tracing::TracingBridge`].
#[cfg(feature = "tracing")]
pub mod tracing {
    pub use ttlog_integrations::tracing::*;
}

/// W3C trace context over HTTP (feature `http`): [`http::TraceContextLayer`], a tower
/// middleware that serves each request inside the caller's trace (or a new one) and echoes
/// `x-correlation-id`; [`http::inject_into_headers`] for outgoing requests; and
/// [`http::extract_from_headers`]. See README, "Trace context across services".
///
/// ```
/// let mut headers = Default::default(); // an `http::HeaderMap`
/// let ctx = ttlog::TraceContext::new_root();
/// let _entered = ctx.enter();
/// assert!(ttlog::http::inject_into_headers(&mut headers));
/// assert!(headers.contains_key("traceparent"));
/// ```
#[cfg(feature = "http")]
pub mod http {
    pub use ttlog_integrations::http::*;
}
pub use timer::Timer;

/// Starts configuring ttlog; finish with [`Builder::init`] or [`Builder::try_init`].
///
/// With the default `signals` feature (unix), the logger also writes a snapshot on SIGTERM
/// and SIGINT (then does what the signal did before ttlog: ends the process by its default
/// action, or, if the process ignored it or handles it, keeps running) and on SIGUSR1 (and
/// keeps running), while the guard lives. Once the guard is dropped no snapshot is taken on a
/// signal, and the three act as if ttlog had never been installed.
///
/// ```no_run
/// let _guard = ttlog::init().service("orders").init();
/// ttlog::info!("ready");
/// ```
pub fn init() -> Builder {
    let builder = ttlog_core::init();
    #[cfg(all(unix, feature = "signals"))]
    let builder = builder.signal_installer(signals::install);
    Builder::new(builder)
}

#[doc(hidden)]
pub mod __private {
    pub use crate::attributes::{module_leaf, IsResult};
    pub use ttlog_core::__private::*;
}
