//! The `tracing` adapter: applications and libraries instrumented with `tracing` run on
//! ttlog, and the other way round.
//!
//! The module is in five files:
//!
//! 1. `subscriber` - [`TracingSubscriber`]: tracing's events and spans, run on ttlog.
//! 2. `callsite` - tracing's callsites mapped to ttlog's, interned once each.
//! 3. `visitor` - tracing's field values read into ttlog's, with their types kept.
//! 4. `span` - tracing's span handles on ttlog's spans: the table of open spans and each
//!    thread's stack of entered ones.
//! 5. `bridge` - [`TracingBridge`]: ttlog's events and spans, sent on to `tracing`.
//!
//! # From tracing to ttlog
//!
//! [`TracingSubscriber`] is a `tracing_core::Subscriber` written directly on tracing-core.
//! [`install`] (which `ttlog::init().with_tracing()` calls once the ring logger runs) makes it
//! tracing's global default, so every `tracing::info!`, `info_span!` and
//! `#[tracing::instrument]` of the application and its libraries goes through ttlog's rings,
//! sinks and snapshots:
//!
//! - events keep their fields with their types (integers, floats, booleans, 128-bit integers,
//!   strings, errors with `Display`, `?`/`%` values as text), and `message` is the message;
//! - tracing spans *are* ttlog spans: their ids are ttlog span ids, entering one makes it
//!   ttlog's current span on the thread, so ttlog's events and spans inside it are its
//!   children and the other way round (but `tracing::Span::current()` names only spans
//!   entered through tracing, not those entered with ttlog's macros); text output shows the
//!   scope
//!   (`request{id=7}:db{table=users}: query done`), JSON has `span` and `spans`, and snapshots
//!   hold the spans with parents, fields, timings and follows-from links;
//! - ttlog's filter decides: tracing caches each callsite's interest (`always`/`never`) and the
//!   max level hint, and both are rebuilt (`rebuild_interest_cache`) whenever ttlog's filter
//!   changes;
//! - events that came from the `log` crate through tracing-log's `LogTracer` (target `log`,
//!   fields `log.target`, `log.module_path`, `log.file`, `log.line`) get their real target,
//!   module, file and line back, and no `log.*` fields.
//!
//! # From ttlog to tracing
//!
//! [`TracingBridge`] is a ttlog [`Logger`](ttlog_core::Logger) that sends ttlog's events and
//! spans to the current tracing dispatcher, for a library that moved to ttlog's macros inside
//! an application that still collects with tracing-subscriber.
//!
//! # Examples
//!
//! ```
//! # fn main() -> Result<(), String> {
//! // In `main`, after ttlog::init() (or through `ttlog::init().with_tracing()`):
//! ttlog_integrations::tracing::install()?;
//! tracing::info!(user_id = 42, "user logged in");
//! // A second global default is refused.
//! assert!(ttlog_integrations::tracing::install().is_err());
//! # Ok(()) }
//! ```

mod bridge;
mod callsite;
mod span;
mod subscriber;
mod visitor;

pub use bridge::TracingBridge;
pub use subscriber::TracingSubscriber;

/// Makes a [`TracingSubscriber`] tracing's global default dispatcher.
///
/// Install it after ttlog's logger is running (`ttlog::init().with_tracing()` does): tracing
/// asks the subscriber about every callsite right away, and ttlog's filter answers.
///
/// # Errors
///
/// When tracing already has a global default subscriber (tracing-subscriber's `init()`, or
/// an earlier `install`): the text says so. tracing allows one per process.
///
/// ```
/// tracing::subscriber::set_global_default(tracing::subscriber::NoSubscriber::default()).unwrap();
/// let err = ttlog_integrations::tracing::install().unwrap_err();
/// assert!(err.contains("global default"), "{err}");
/// ```
pub fn install() -> Result<(), String> {
    let dispatch = tracing_core::Dispatch::new(TracingSubscriber::new());
    tracing_core::dispatcher::set_global_default(dispatch).map_err(|_| {
        "a global default tracing subscriber is already set (tracing_subscriber's init() or \
         tracing::subscriber::set_global_default ran before); remove it to route tracing into \
         ttlog"
            .to_owned()
    })
}
