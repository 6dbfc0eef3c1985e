//! Adapters that let applications written against `log`, `tracing` and `slog` run on ttlog
//! without changing their logging calls.
//!
//! Each adapter lives in its own module behind its own cargo feature, so an application only
//! compiles the logging frameworks it actually uses:
//!
//! | feature | module | into ttlog | out of ttlog |
//! | --- | --- | --- | --- |
//! | `log` | `log` | `LogAdapter` (a `log::Log`), `install()` | `LogBridge` |
//! | `tracing` | `tracing` | `TracingSubscriber` (a `tracing_core::Subscriber`), `install()` | `TracingBridge` |
//! | `slog` | `slog` | `Drain` (a `slog::Drain`) | |
//! | `http` | `http` | `extract_from_headers`, `TraceContextLayer` (tower) | `inject_into_headers` |
//!
//! Applications reach them through the facade: `ttlog::init().with_log().with_tracing()`,
//! `ttlog::slog::Drain` and `ttlog::http`. The `http` module carries a W3C trace context
//! across HTTP services rather than adapting a logging framework.

#![deny(unsafe_code)]

// The module's own docs (inner `//!`) describe it: an outer doc here would be joined to them
// and resolved from the crate root, where their intra-doc links do not resolve.
#[cfg(feature = "tracing")]
pub mod tracing;

#[cfg(feature = "log")]
#[cfg_attr(docsrs, doc(cfg(feature = "log")))]
pub mod log;

/// `slog` (feature `slog`): [`Drain`](slog::Drain) is a `slog::Drain` that turns every slog
/// record (message, level, with `Critical` as `Error` plus `critical = true`, tag or module as
/// the target, module, file and line, and the key-values of the record and of every logger
/// up to the root, with their types) into a ttlog event. Put it at the root:
/// `slog::Logger::root(ttlog_integrations::slog::Drain::new(), slog::o!())`.
#[cfg(feature = "slog")]
#[cfg_attr(docsrs, doc(cfg(feature = "slog")))]
pub mod slog;

#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
pub mod http;
